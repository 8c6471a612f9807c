// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// The files under testdata/store are what users keep across upgrades: a
// token file (FileStore, and cognito-srp's cache) whose loss logs the user
// out, and a device file (FileDeviceStore) whose loss means a second
// factor again on every machine. Each golden file holds fixed, fake values
// in every field. Each test reads it with today's code and checks every
// field, then writes the same values and checks the bytes: a renamed JSON
// field, another time layout or another order of devices fails here
// before it reaches a user. A format that must change takes a new version
// number and keeps a reader for these files.

// goldenTokens is the content of testdata/store/tokens-v1.json. The ID
// token's expiry is in a zone of its own and has nanoseconds, as a time
// given through SetTokens (or the ExpiresIn fallback, on the local clock)
// may: the file keeps the offset and every digit.
func goldenTokens() *Tokens {
	const header = "eyJhbGciOiJub25lIiwidHlwIjoiZ29sZGVuIn0" // {"alg":"none","typ":"golden"}
	return &Tokens{
		AccessToken:  header + ".eyJnb2xkZW4iOiJhY2Nlc3MgdG9rZW4gdjEifQ.not-a-signature",
		IDToken:      header + ".eyJnb2xkZW4iOiJpZCB0b2tlbiB2MSJ9.not-a-signature",
		RefreshToken: "golden-refresh-token-v1.not-a-real-one",
		TokenType:    "Bearer",
		AccessExpiry: time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC),
		IDExpiry:     time.Date(2031, 2, 3, 6, 5, 6, 123456789, time.FixedZone("", 2*60*60)),
		IssuedAt:     time.Date(2031, 2, 3, 3, 5, 6, 0, time.UTC),
		Username:     "5f0c0a3e-0000-4000-8000-00000000a1ce",
	}
}

// goldenMinimalTokens is testdata/store/tokens-v1-minimal.json: what Save
// writes for tokens without the optional fields (a refresh token, a token
// type, an issue time, a username) and without expiries (SetTokens of
// bare tokens): the zero times are written, and read back as zero.
func goldenMinimalTokens() *Tokens {
	t := goldenTokens()
	return &Tokens{AccessToken: t.AccessToken, IDToken: t.IDToken}
}

// goldenDevices are the owners and devices of testdata/store/devices-v1.json,
// in the file's order (the order of their first saves). The second owner's
// name has a non-ASCII letter, kept as UTF-8, and an "&", which
// encoding/json writes as \u0026.
var goldenDevices = []struct {
	owner  DeviceOwner
	device Device
}{
	{DeviceOwner{UserPoolID: "us-east-1_Golden1", Username: "alice@example.com"},
		Device{Key: "us-east-1_0d0d0d0d-0000-4000-8000-000000000001", GroupKey: "-GoldenGroup1", Password: "golden-device-password-1"}},
	{DeviceOwner{UserPoolID: "eu-west-2_Golden2", Username: "zoë+tag&co"},
		Device{Key: "eu-west-2_0d0d0d0d-0000-4000-8000-000000000002", GroupKey: "-GoldenGroup2", Password: "golden/device+password=2"}},
}

// readGolden returns a file of testdata.
func readGolden(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// privateCopy writes data to a file of mode 0600 in a new directory, as a
// store's file is, and returns its path.
func privateCopy(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// sameTokens reports every field in which got differs from want. Times
// are compared as instants, and their offsets too: a reader that moved
// them to another zone would still be right, but the golden files hold
// the offsets a writer must keep.
func sameTokens(t *testing.T, file string, got, want *Tokens) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: Load found no tokens", file)
	}
	for _, f := range []struct {
		name      string
		got, want string
	}{
		{"AccessToken", got.AccessToken, want.AccessToken},
		{"IDToken", got.IDToken, want.IDToken},
		{"RefreshToken", got.RefreshToken, want.RefreshToken},
		{"TokenType", got.TokenType, want.TokenType},
		{"Username", got.Username, want.Username},
	} {
		if f.got != f.want {
			t.Errorf("%s: %s = %q, want %q", file, f.name, f.got, f.want)
		}
	}
	for _, f := range []struct {
		name      string
		got, want time.Time
	}{
		{"AccessExpiry", got.AccessExpiry, want.AccessExpiry},
		{"IDExpiry", got.IDExpiry, want.IDExpiry},
		{"IssuedAt", got.IssuedAt, want.IssuedAt},
	} {
		_, gotOffset := f.got.Zone()
		_, wantOffset := f.want.Zone()
		if !f.got.Equal(f.want) || gotOffset != wantOffset || f.got.IsZero() != f.want.IsZero() {
			t.Errorf("%s: %s = %s, want %s", file, f.name, f.got.Format(time.RFC3339Nano), f.want.Format(time.RFC3339Nano))
		}
	}
}

// TestTokenFileFormatV1 pins FileStore's file, version 1: today's Load
// reads each golden file field for field, and Save writes the same tokens
// as exactly the golden bytes. tokens-v1-newer.json is a version-1 file
// as a later release might write it (fields in another order, indented,
// a field this one does not know): Load reads it too, so that going back
// a release keeps the user logged in.
func TestTokenFileFormatV1(t *testing.T) {
	for _, c := range []struct {
		file  string
		want  *Tokens
		write bool // Save writes the file's bytes
	}{
		{"tokens-v1.json", goldenTokens(), true},
		{"tokens-v1-minimal.json", goldenMinimalTokens(), true},
		{"tokens-v1-newer.json", goldenTokens(), false},
	} {
		t.Run(c.file, func(t *testing.T) {
			golden := readGolden(t, filepath.Join("store", c.file))
			got, err := NewFileStore(privateCopy(t, "tokens.json", golden)).Load(t.Context())
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			sameTokens(t, c.file, got, c.want)
			if !c.write {
				return
			}
			path := filepath.Join(t.TempDir(), "tokens.json")
			if err := NewFileStore(path).Save(t.Context(), c.want); err != nil {
				t.Fatal(err)
			}
			if written := readFile(t, path); !bytes.Equal(written, golden) {
				t.Errorf("Save wrote\n%s\nwant testdata/store/%s:\n%s", written, c.file, golden)
			}
		})
	}
}

// TestDeviceFileFormatV1 pins FileDeviceStore's file, version 1: today's
// LoadDevice finds each owner's device of the golden file, field for
// field, and saving the same devices in the same order to a new file
// writes exactly the golden bytes. A file without devices, written with
// "devices" empty (the last one deleted) or null (a DeleteDevice before
// any save), reads as having none, and the next save adds to it.
func TestDeviceFileFormatV1(t *testing.T) {
	ctx := t.Context()
	golden := readGolden(t, "store/devices-v1.json")
	store := NewFileDeviceStore(privateCopy(t, "devices.json", golden))
	for _, g := range goldenDevices {
		got, err := store.LoadDevice(ctx, g.owner)
		if err != nil {
			t.Fatalf("LoadDevice(%v): %v", g.owner, err)
		}
		if got == nil || *got != g.device {
			// Device's String hides the password: say whether it differs.
			t.Errorf("LoadDevice(%v) = %v (same password: %v), want %v", g.owner, got, got != nil && got.Password == g.device.Password, g.device)
		}
	}
	if got, err := store.LoadDevice(ctx, DeviceOwner{UserPoolID: "us-east-1_Golden1", Username: "zoë+tag&co"}); got != nil || err != nil {
		t.Errorf("LoadDevice of a user in the other pool = %v, %v; want none", got, err)
	}

	path := filepath.Join(t.TempDir(), "devices.json")
	fresh := NewFileDeviceStore(path)
	for _, g := range goldenDevices {
		if err := fresh.SaveDevice(ctx, g.owner, &g.device); err != nil {
			t.Fatal(err)
		}
	}
	if written := readFile(t, path); !bytes.Equal(written, golden) {
		t.Errorf("SaveDevice wrote\n%s\nwant testdata/store/devices-v1.json:\n%s", written, golden)
	}

	for _, file := range []string{"devices-v1-empty.json", "devices-v1-null.json"} {
		empty := NewFileDeviceStore(privateCopy(t, file, readGolden(t, filepath.Join("store", file))))
		if got, err := empty.LoadDevice(ctx, goldenDevices[0].owner); got != nil || err != nil {
			t.Errorf("%s: LoadDevice = %v, %v; want none", file, got, err)
		}
		if err := empty.SaveDevice(ctx, goldenDevices[0].owner, &goldenDevices[0].device); err != nil {
			t.Errorf("%s: SaveDevice: %v", file, err)
		}
	}
	// Deleting every device writes the empty form.
	for _, g := range goldenDevices {
		if err := fresh.DeleteDevice(ctx, g.owner); err != nil {
			t.Fatal(err)
		}
	}
	if written, want := readFile(t, path), readGolden(t, "store/devices-v1-empty.json"); !bytes.Equal(written, want) {
		t.Errorf("after deleting every device the file is %s, want %s", written, want)
	}
}

// readFile returns the contents of the file at path.
func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestExportedTypesJSON pins what encoding/json makes of Tokens and
// Device: they have no JSON tags, so every field is written under its Go
// name, secrets included, with times in RFC 3339 and their offsets. A
// program that keeps tokens or a device its own way (a TokenStore or
// DeviceStore of a database, a keychain) may have marshalled them as they
// are; a MarshalJSON added for redaction, as String and LogValue redact,
// or a renamed field would make every value it stored unreadable after an
// upgrade. Both directions are checked against the golden bytes; the doc
// comments of Tokens and Device promise that encoding.
func TestExportedTypesJSON(t *testing.T) {
	device := goldenDevices[0].device
	for _, c := range []struct {
		file    string
		value   any
		decoded any
	}{
		{"tokens.json", goldenTokens(), new(Tokens)},
		{"device.json", &device, new(Device)},
	} {
		golden := readGolden(t, filepath.Join("json", c.file))
		written, err := json.Marshal(c.value)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(written, golden) {
			t.Errorf("json.Marshal wrote\n%s\nwant testdata/json/%s:\n%s", written, c.file, golden)
		}
		if err := json.Unmarshal(golden, c.decoded); err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		switch got := c.decoded.(type) {
		case *Tokens:
			sameTokens(t, c.file, got, goldenTokens())
		case *Device:
			if *got != device {
				t.Errorf("%s: decoded a different device (key %q, group %q)", c.file, got.Key, got.GroupKey)
			}
		}
	}
}
