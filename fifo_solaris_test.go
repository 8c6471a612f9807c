// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import "syscall"

// mkfifo makes a named pipe at path, for TestStoresRefuseNamedPipe. The
// syscall package of illumos and Solaris has no Mkfifo (the test build
// failed there), but their mknod makes a pipe for anyone.
func mkfifo(path string) error { return syscall.Mknod(path, syscall.S_IFIFO|0o600, 0) }
