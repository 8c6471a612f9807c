// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build unix

package cognitosrp

import "syscall"

// openNonblock opens a store's file without waiting: a named pipe (or a
// device) put at the path opens at once, for the check of the file
// opened to refuse, rather than wait for a writer that never comes. On a
// regular file it changes no read (file systems ignore it there), but an
// open that would wait for another process's write lease to break
// (Linux's F_SETLEASE, which a file server may hold for a client writing
// the file) fails at once with EWOULDBLOCK instead: the kernel's
// __break_lease "can sleep unless you specified O_NONBLOCK".
const openNonblock = syscall.O_NONBLOCK
