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
	"sync"
	"testing"
)

func TestFileDeviceStoreRoundTrip(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "sub", "devices.json")
	s := NewFileDeviceStore(path)
	alice := DeviceOwner{UserPoolID: "us-east-1_A", Username: "alice"}
	bob := DeviceOwner{UserPoolID: "us-east-1_A", Username: "bob"}
	if d, err := s.LoadDevice(ctx, alice); d != nil || err != nil {
		t.Fatalf("missing file: %v, %v", d, err)
	}
	if err := s.DeleteDevice(ctx, alice); err != nil {
		t.Fatalf("deleting from a missing file: %v", err)
	}
	// Nothing to delete writes nothing: no file appears (it used to be
	// {"version":1,"devices":null}, and a directory the process may not
	// write to made the call fail for nothing).
	if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("deleting from a missing file made %s: %v", filepath.Dir(path), err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.SaveDevice(ctx, alice, &Device{Key: "ka", GroupKey: "ga", Password: "pa"}))
	must(s.SaveDevice(ctx, bob, &Device{Key: "kb", GroupKey: "gb", Password: "pb"}))
	must(s.SaveDevice(ctx, alice, &Device{Key: "ka2", GroupKey: "ga2", Password: "pa2"}))
	// Another process (another store on the same file) sees them.
	other := NewFileDeviceStore(path)
	if d, _ := other.LoadDevice(ctx, alice); d == nil || *d != (Device{Key: "ka2", GroupKey: "ga2", Password: "pa2"}) {
		t.Errorf("alice's device = %v", d)
	}
	if d, _ := other.LoadDevice(ctx, DeviceOwner{UserPoolID: "us-east-1_B", Username: "alice"}); d != nil {
		t.Errorf("a device leaked to another pool: %v", d)
	}
	must(other.DeleteDevice(ctx, alice))
	// Again: the file holds no such device, so it is not replaced (each
	// save replaces the file with a new one).
	before, err := os.Stat(path)
	must(err)
	must(other.DeleteDevice(ctx, alice))
	if after, err := os.Stat(path); err != nil || !os.SameFile(before, after) {
		t.Errorf("deleting a device the file does not hold replaced the file (%v)", err)
	}
	if d, _ := s.LoadDevice(ctx, alice); d != nil {
		t.Errorf("deleted device still there: %v", d)
	}
	if d, _ := s.LoadDevice(ctx, bob); d == nil || d.Key != "kb" {
		t.Errorf("bob's device = %v", d)
	}
	if fi, err := os.Stat(path); err != nil || unixPermissions() && fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v, %v", fi.Mode(), err)
	}
	if err := s.SaveDevice(ctx, bob, nil); err == nil {
		t.Error("saved a nil device")
	}
}

func TestFileDeviceStoreRefusals(t *testing.T) {
	ctx := t.Context()
	owner := DeviceOwner{UserPoolID: "p", Username: "u"}
	dir := t.TempDir()
	write := func(name, data string, mode os.FileMode) *FileDeviceStore {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(data), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(path, mode)
		return NewFileDeviceStore(path)
	}
	secret := "s3cret-device-password"
	for _, v := range []struct {
		name, data string
		mode       os.FileMode
		want       error
	}{
		{"garbage", "not json " + secret, 0o600, ErrStoreFormat},
		{"version", `{"version":7,"devices":[]}`, 0o600, ErrStoreFormat},
		// No version is no known version: such a file is another file's,
		// or another format's, and a save would destroy it.
		{"no version", `{"devices":[{"device_password":"` + secret + `"}]}`, 0o600, ErrStoreFormat},
		{"empty object", `{}`, 0o600, ErrStoreFormat},
		{"null", `null`, 0o600, ErrStoreFormat},
		{"empty", ``, 0o600, ErrStoreFormat},
		{"insecure", `{"version":1,"devices":[{"device_password":"` + secret + `"}]}`, 0o644, ErrInsecureFile},
	} {
		if v.want == ErrInsecureFile && !unixPermissions() {
			continue
		}
		s := write(v.name, v.data, v.mode)
		_, err := s.LoadDevice(ctx, owner)
		if !errors.Is(err, v.want) || strings.Contains(err.Error(), secret) {
			t.Errorf("%s: err = %v, want %v without the file's contents", v.name, err, v.want)
			continue
		}
		// The sentinels serve both stores: a device file is no token file.
		if strings.Contains(err.Error(), "token file") {
			t.Errorf("%s: err = %v calls the device file a token file", v.name, err)
		}
		// A write must not replace a file it cannot read.
		if err := s.SaveDevice(ctx, owner, &Device{Key: "k", GroupKey: "g", Password: "p"}); !errors.Is(err, v.want) {
			t.Errorf("%s: SaveDevice err = %v", v.name, err)
		}
	}
	// The decoder's own message quotes the character it stopped at, here
	// one that follows a device password.
	if _, err := write("stray", `{"version":1,"devices":[{"device_password":"abc"Z}]}`, 0o600).LoadDevice(ctx, owner); !errors.Is(err, ErrStoreFormat) || strings.Contains(err.Error(), "'Z'") {
		t.Errorf("stray character: err = %v, want ErrStoreFormat quoting nothing", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := NewFileDeviceStore(filepath.Join(dir, "x")).LoadDevice(cancelled, owner); err == nil {
		t.Error("LoadDevice ignored a cancelled context")
	}
}

// TestFileDeviceStoreConcurrent: concurrent saves of different owners
// through one store lose none.
func TestFileDeviceStoreConcurrent(t *testing.T) {
	s := NewFileDeviceStore(filepath.Join(t.TempDir(), "devices.json"))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			owner := DeviceOwner{UserPoolID: "p", Username: string(rune('a' + i))}
			if err := s.SaveDevice(t.Context(), owner, &Device{Key: owner.Username, GroupKey: "g", Password: "pw"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	for i := range 8 {
		if d, _ := s.LoadDevice(t.Context(), DeviceOwner{UserPoolID: "p", Username: string(rune('a' + i))}); d == nil {
			t.Errorf("device %d lost", i)
		}
	}
}

// TestFileDeviceStoreCreatesPrivateDirectories: SaveDevice creates the
// missing directories of its path with mode 0700, as NewFileDeviceStore
// documents, so a program's first login in a fresh configuration
// directory does not fail on the device's save.
func TestFileDeviceStoreCreatesPrivateDirectories(t *testing.T) {
	skipWithoutUnixPermissions(t)
	dir := filepath.Join(t.TempDir(), "config", "app")
	s := NewFileDeviceStore(filepath.Join(dir, "devices.json"))
	owner := DeviceOwner{UserPoolID: "us-east-1_A", Username: "alice"}
	if err := s.SaveDevice(t.Context(), owner, &Device{Key: "us-east-1_k", GroupKey: "-g", Password: "p"}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, filepath.Dir(dir)} {
		fi, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: mode %04o, want 0700", d, fi.Mode().Perm())
		}
	}
}

// TestFileDeviceStoreSaveFails: a device save whose temporary file cannot
// be created (its name too long for the file system) reports it without
// the device password, and leaves no file behind.
func TestFileDeviceStoreSaveFails(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	path := filepath.Join(dir, strings.Repeat("d", 250))
	probe := filepath.Join(dir, tempPrefix(filepath.Base(path))+"1")
	if err := os.WriteFile(probe, nil, 0o600); err == nil {
		os.Remove(probe)
		t.Skip("the file system takes names as long as the temporary's")
	}
	s := NewFileDeviceStore(path)
	owner := DeviceOwner{UserPoolID: "p", Username: "u"}
	const secret = "s3cret-device-password"
	err := s.SaveDevice(ctx, owner, &Device{Key: "k", GroupKey: "g", Password: secret})
	if err == nil || !strings.Contains(err.Error(), "saving devices") || strings.Contains(err.Error(), secret) {
		t.Fatalf("SaveDevice = %v, want a failure to save devices without the password", err)
	}
	if d, err := s.LoadDevice(ctx, owner); d != nil || err != nil {
		t.Errorf("LoadDevice after the failed save = %v, %v; want nil, nil", d, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("directory holds %d entries after a failed save, want none", len(entries))
	}
}
