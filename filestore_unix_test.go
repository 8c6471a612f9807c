// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build unix && !aix

// Not on AIX, whose syscall package can make no named pipe.

package cognitosrp

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStoresRefuseNamedPipe: a token or device file that is a named pipe
// is refused with ErrStoreFormat at once: opening it would wait for a
// writer that never comes, so readPrivateFile refuses what is not a
// regular file before it opens it.
func TestStoresRefuseNamedPipe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pipe")
	if err := mkfifo(path); err != nil {
		t.Skip("mkfifo:", err)
	}
	for name, load := range map[string]func() error{
		"FileStore": func() error { _, err := NewFileStore(path).Load(context.Background()); return err },
		"FileDeviceStore": func() error {
			_, err := NewFileDeviceStore(path).LoadDevice(context.Background(), DeviceOwner{UserPoolID: "us-east-1_P", Username: "u"})
			return err
		},
	} {
		done := make(chan error, 1)
		go func() { done <- load() }()
		select {
		case err := <-done:
			if !errors.Is(err, ErrStoreFormat) {
				t.Errorf("%s of a named pipe: %v, want ErrStoreFormat", name, err)
			}
		case <-time.After(5 * time.Second):
			// The goroutine stays blocked in open; the test binary ends.
			t.Fatalf("%s waits for a writer of a named pipe", name)
		}
	}
}

// TestStoresRefuseNamedPipeSwappedIn: a named pipe renamed over the token
// file between readPrivateFile's check of the path and its open (by
// whoever can write the directory) is refused as the file opened, not
// waited on: the open, which would wait for a writer that never comes,
// in a flight that neither its ctx nor Close can end, does not wait. Each
// load runs while another goroutine swaps a pipe and a regular file in;
// one that takes seconds is stuck.
func TestStoresRefuseNamedPipeSwappedIn(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tokens.json")
	pipe, file := filepath.Join(dir, "pipe"), filepath.Join(dir, "file")
	if err := mkfifo(pipe); err != nil {
		t.Skip("mkfifo:", err)
	}
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			select {
			case <-stop:
				return
			default:
			}
			os.Rename(pipe, path)
			mkfifo(pipe)
			os.WriteFile(file, []byte(`{"version":1}`), 0o600)
			os.Rename(file, path)
		}
	}()
	defer func() { close(stop); <-stopped }()
	store := NewFileStore(path)
	for start, n := time.Now(), 0; n < 20000 && time.Since(start) < time.Second; n++ {
		done := make(chan error, 1)
		go func() { _, err := store.Load(context.Background()); done <- err }()
		select {
		case err := <-done:
			if err != nil && !errors.Is(err, ErrStoreFormat) {
				t.Fatalf("Load: %v, want the tokens or ErrStoreFormat", err)
			}
		case <-time.After(5 * time.Second):
			// The goroutine stays blocked in open; the test binary ends.
			t.Fatalf("Load %d waits for a writer of a named pipe swapped in after the check", n+1)
		}
	}
}

// TestFileStoreLoadOpenFails: a token file that cannot be opened for
// another reason than its absence (here a path through a regular file)
// is an error saying the tokens could not be read, not "no tokens" (a
// login would then overwrite what it could not read) and not a format or
// permission refusal, whose advice would mislead.
func TestFileStoreLoadOpenFails(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(parent, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := NewFileStore(filepath.Join(parent, "tokens.json")).Load(context.Background())
	if got != nil || !errors.Is(err, syscall.ENOTDIR) || !strings.Contains(err.Error(), "reading tokens") ||
		errors.Is(err, ErrStoreFormat) || errors.Is(err, ErrInsecureFile) {
		t.Fatalf("Load = %v, %v; want ENOTDIR reading tokens", got, err)
	}
}
