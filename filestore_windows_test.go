// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"errors"
	"io/fs"
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

// TestClearWaitsOutSharingViolation: while another process has the token
// file open (its Load, which opens it as Go does, without
// FILE_SHARE_DELETE; a virus scanner), the file cannot be removed: Clear
// tries again through it, as Save's rename does, rather than fail at once
// (sign-out then kept the tokens it had just revoked, and said so).
func TestClearWaitsOutSharingViolation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	s := NewFileStore(path)
	if err := s.Save(t.Context(), sampleTokens(1)); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	go func() {
		time.Sleep(100 * time.Millisecond)
		f.Close()
		close(released)
	}()
	err = s.Clear(t.Context())
	<-released
	if err != nil {
		t.Fatalf("Clear of a file held open for 100 ms: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("after Clear: %v", err)
	}
}
