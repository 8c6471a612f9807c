// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build !unix

package cognitosrp

// openNonblock is 0 where the syscall package has no O_NONBLOCK (js,
// wasip1) or it means nothing to an open (Windows, Plan 9): the check of
// the path before the open is all that keeps Load from waiting on a pipe.
const openNonblock = 0
