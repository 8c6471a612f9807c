// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestRenameWaitsOutSharingViolation: a program that has the file just
// written open (a virus scanner reading it, with or without sharing)
// makes the rename of that file fail with ERROR_SHARING_VIOLATION, which
// is not Access is denied (fs.ErrPermission); rename tries again through
// it as through the other.
func TestRenameWaitsOutSharingViolation(t *testing.T) {
	dir := t.TempDir()
	from, to := filepath.Join(dir, "new"), filepath.Join(dir, "tokens.json")
	for _, p := range []string{from, to} {
		if err := os.WriteFile(p, []byte(p), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	p, err := syscall.UTF16PtrFromString(from)
	if err != nil {
		t.Fatal(err)
	}
	h, err := syscall.CreateFile(p, syscall.GENERIC_READ, 0, nil, syscall.OPEN_EXISTING, syscall.FILE_ATTRIBUTE_NORMAL, 0)
	if err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	go func() {
		time.Sleep(100 * time.Millisecond)
		syscall.CloseHandle(h)
		close(released)
	}()
	err = rename(from, to)
	<-released
	if err != nil {
		t.Fatalf("rename of a file held open for 100 ms: %v", err)
	}
	if b, err := os.ReadFile(to); err != nil || string(b) != from {
		t.Fatalf("after the rename, %s holds %q, %v", to, b, err)
	}
}
