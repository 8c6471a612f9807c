// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build unix || js

package cognitosrp

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// giveAway chowns path (not following a symbolic link) to a user other
// than this process's, and returns that user's id; it skips the test
// where this process may not (it is not root).
func giveAway(t *testing.T, path string) int {
	t.Helper()
	other := 65534 // nobody
	if os.Geteuid() == other {
		other--
	}
	if err := os.Lchown(path, other, -1); err != nil {
		t.Skip("cannot give a file to another user:", err)
	}
	return other
}

// TestStoresRefuseAnotherUsersFile: a token or device file that belongs to
// another user than the process's (root's, in a container or under sudo)
// is refused with ErrInsecureFile, though its mode is 0600: that user
// could have put tokens of theirs in it, and the process would act as
// their Cognito user. The refusal names the file and its owner, quotes
// nothing of it, and a device save does not merge into such a file. What
// is checked is the file read, through a symbolic link its target: a link
// of this user's to another user's file is refused, one of another user's
// to a file of this user's is read.
func TestStoresRefuseAnotherUsersFile(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	path := filepath.Join(dir, "tokens.json")
	devPath := filepath.Join(dir, "devices.json")
	ts, ds := NewFileStore(path), NewFileDeviceStore(devPath)
	owner := DeviceOwner{UserPoolID: "us-east-1_P", Username: "alice"}
	if err := ts.Save(ctx, sampleTokens(1)); err != nil {
		t.Fatal(err)
	}
	if err := ds.SaveDevice(ctx, owner, &Device{Key: "device-key-1", GroupKey: "dg", Password: "device-secret"}); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink("tokens.json", link); err != nil {
		t.Fatal(err)
	}
	// A file of this user's is read, straight or through a link.
	for _, p := range []string{path, link} {
		if got, err := NewFileStore(p).Load(ctx); err != nil || got == nil {
			t.Fatalf("Load of %s, this user's = %v, %v", p, got, err)
		}
	}

	other := giveAway(t, path)
	giveAway(t, devPath)
	refused := func(name, file string, err error) {
		t.Helper()
		if !errors.Is(err, ErrInsecureFile) {
			t.Errorf("%s of another user's file: %v, want ErrInsecureFile", name, err)
			return
		}
		// Both users, each in its role: a reader told the wrong owner
		// chowns the file to the wrong user, or runs the process as it.
		msg := err.Error()
		if !strings.Contains(msg, file) || !strings.Contains(msg, "belongs to uid "+strconv.Itoa(other)+",") ||
			!strings.Contains(msg, "runs as (uid "+strconv.Itoa(os.Geteuid())+")") {
			t.Errorf("%s: message %q should name the file, its owner and the process's user", name, msg)
		}
		for _, secret := range []string{"access-1", "id-1", "refresh-1", "device-secret", "device-key-1"} {
			if strings.Contains(msg, secret) {
				t.Errorf("%s: message %q quotes the file", name, msg)
			}
		}
	}
	got, err := ts.Load(ctx)
	if got != nil {
		t.Errorf("Load gave another user's tokens: %v", got)
	}
	refused("Load", path, err)
	_, err = NewFileStore(link).Load(ctx)
	refused("Load through a link", link, err)
	d, err := ds.LoadDevice(ctx, owner)
	if d != nil {
		t.Errorf("LoadDevice gave another user's device: %v", d)
	}
	refused("LoadDevice", devPath, err)
	refused("SaveDevice", devPath, ds.SaveDevice(ctx, DeviceOwner{UserPoolID: "us-east-1_P", Username: "bob"}, &Device{Key: "k2"}))
	refused("DeleteDevice", devPath, ds.DeleteDevice(ctx, owner))
	if data, err := os.ReadFile(devPath); err != nil || !strings.Contains(string(data), "device-secret") || strings.Contains(string(data), "bob") {
		t.Errorf("a refused device save or deletion changed the file (%v)", err)
	}

	// The link is another user's, its target this user's: read.
	if err := os.Lchown(path, os.Geteuid(), -1); err != nil {
		t.Fatal(err)
	}
	giveAway(t, link)
	if got, err := NewFileStore(link).Load(ctx); err != nil || got == nil {
		t.Errorf("Load through another user's link to this user's file = %v, %v", got, err)
	}
}

// TestSessionRefusesAnotherUsersFile: a session whose token file belongs
// to another user sends no request with its tokens and does not log in
// over it.
func TestSessionRefusesAnotherUsersFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	if err := NewFileStore(path).Save(t.Context(), sampleTokens(1)); err != nil {
		t.Fatal(err)
	}
	giveAway(t, path)
	f := newFakeCognito(t, nil)
	s := newLifecycleSession(t, f, f.password, func(c *Config) { c.Store = NewFileStore(path) })
	if got, err := s.ValidTokens(t.Context(), AccessToken); !errors.Is(err, ErrInsecureFile) || got != nil {
		t.Fatalf("ValidTokens = %v, %v; want ErrInsecureFile", got, err)
	}
	if f.count("login") != 0 {
		t.Error("logged in past another user's token file")
	}
}
