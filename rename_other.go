// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build !windows

package cognitosrp

import "os"

// rename is os.Rename: outside Windows a file can be replaced while others
// have it open. (The Windows retry lives in its own file because
// syscall.Errno, which it needs, does not exist on Plan 9.)
func rename(from, to string) error { return os.Rename(from, to) }

// remove is os.Remove: outside Windows a file can be removed while others
// have it open.
func remove(path string) error { return os.Remove(path) }

// heldOpen is false outside Windows, where no open file keeps another
// from replacing or removing it.
func heldOpen(error) bool { return false }
