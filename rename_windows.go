// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// rename is os.Rename, but, since on Windows a file cannot be replaced
// while someone has it open (Access is denied, or a sharing violation when
// the opener shares nothing), it tries again for about a second: another
// process's Load, a second run of a command that shares the file, or a
// virus scanner reading what was just written holds it open for moments
// only. (The errors cmd/go's robustio retries on; ERROR_SHARING_VIOLATION,
// 32, is not an fs.ErrPermission.) Opening with FILE_SHARE_DELETE would not
// help: it lets a file be removed or renamed away while open, not replaced
// (MoveFileEx is refused all the same); only a rename with
// FILE_RENAME_POSIX_SEMANTICS (Windows 10 1607 and later, not Wine) can
// replace a file that is open, and only one opened with FILE_SHARE_DELETE.
func rename(from, to string) error {
	return whileHeldOpen(func() error { return os.Rename(from, to) })
}

// remove is os.Remove, tried again as rename is: a file that someone has
// open without sharing its deletion (as Go opens files: another process's
// Load) cannot be removed either, a sharing violation.
func remove(path string) error {
	return whileHeldOpen(func() error { return os.Remove(path) })
}

// whileHeldOpen calls op until it succeeds, fails for another reason than
// a file held open, or about a second has passed.
func whileHeldOpen(op func() error) error {
	err := op()
	for d := time.Millisecond; heldOpen(err) && d < time.Second; d *= 2 {
		time.Sleep(d)
		err = op()
	}
	return err
}

// heldOpen reports whether err is how Windows refuses to rename or remove
// a file that someone has open: Access is denied, or a sharing violation
// (32).
func heldOpen(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.Errno(32))
}
