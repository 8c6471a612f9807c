// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
)

// TestRemoveDeviceFileWaitsOutSharingViolation: while another process has
// the device file open (a token run's LoadDevice, which opens it as Go
// does, without FILE_SHARE_DELETE; a virus scanner), Windows refuses to
// remove it. sign-out tries again through it, as FileStore's Clear does
// for the token file, rather than fail at once with the device file kept.
func TestRemoveDeviceFileWaitsOutSharingViolation(t *testing.T) {
	store := cognitosrp.NewFileStore(filepath.Join(t.TempDir(), "tokens.json"))
	device := deviceFilePath(store)
	if err := os.WriteFile(device, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(device)
	if err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	go func() {
		time.Sleep(100 * time.Millisecond)
		f.Close()
		close(released)
	}()
	err = removeDeviceFile(store)
	<-released
	if err != nil {
		t.Fatalf("removing a device file held open for 100 ms: %v", err)
	}
	if _, err := os.Stat(device); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("after the removal: %v", err)
	}
}
