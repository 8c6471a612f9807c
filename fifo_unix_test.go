// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build unix && !aix && !solaris

package cognitosrp

import "syscall"

// mkfifo makes a named pipe at path, for TestStoresRefuseNamedPipe.
func mkfifo(path string) error { return syscall.Mkfifo(path, 0o600) }
