// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestFileStoreWriteFails: a save whose write fails midway (a full disk,
// a quota; here the file size limit, RLIMIT_FSIZE, of a child process, so
// that no other test's file is cut short) reports the write's error,
// quotes no token, and leaves the tokens saved before and no temporary
// file, whose part of the tokens nobody would read again.
func TestFileStoreWriteFails(t *testing.T) {
	t.Parallel()
	if !InChildProcess(t) {
		return
	}
	ctx := context.Background()
	dir := t.TempDir()
	fs := NewFileStore(filepath.Join(dir, "tokens.json"))
	if err := fs.Save(ctx, sampleTokens(1)); err != nil {
		t.Fatal(err)
	}
	// Smaller than the token file: its first write is cut short, the
	// next fails with EFBIG (the Go runtime ignores SIGXFSZ).
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Fatal(err)
	}
	old := lim
	lim.Cur = 64
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Skip("cannot limit the file size:", err)
	}
	err := fs.Save(ctx, sampleTokens(2))
	// Lifted at once: the test binary writes its coverage counters at
	// exit (go test -cover), which the limit would cut short.
	if lerr := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); lerr != nil {
		t.Fatal(lerr)
	}
	if !errors.Is(err, syscall.EFBIG) || !strings.Contains(err.Error(), "saving tokens") {
		t.Fatalf("Save = %v, want EFBIG saving tokens", err)
	}
	for _, s := range []string{"access-2", "id-2", "refresh-2"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("Save's error %q quotes a token", err)
		}
	}
	if got, err := fs.Load(ctx); err != nil || got == nil || *got != *sampleTokens(1) {
		t.Errorf("Load after the failed save = %v, %v; want the tokens saved before", got, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %d entries after a failed write, want only the token file", len(entries))
	}
}
