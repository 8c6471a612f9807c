// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build !unix && !js

package cognitosrp

import "io/fs"

// otherOwner reports no other owner: Windows's owners are access lists
// this package does not read, Plan 9's are names whose check, like its
// modes', is left to the user, and under WASI (wasip1) every file reads
// as uid 0 and the process as uid 1.
func otherOwner(fs.FileInfo) (owner, self uint32, other bool) { return 0, 0, false }
