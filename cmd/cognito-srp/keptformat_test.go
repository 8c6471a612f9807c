// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// What users of the command keep across upgrades: the token cache, whose
// file a release must find and read as earlier releases wrote it (or the
// user logs in again, and types a password a script may not have), and
// emulate's -users file. The golden files under testdata hold fixed, fake
// values; the cache file's content is the library's FileStore format,
// which the root package's TestTokenFileFormatV1 pins byte for byte.

// goldenConn is the connection of testdata/cache-v1: an endpoint on the
// loopback's discard port, where nothing answers, so that a command that
// wanted Cognito fails rather than reach any network.
var goldenConn = connection{endpoint: "http://127.0.0.1:9/", poolID: "us-east-1_Golden1",
	clientID: "goldenclientid0000000000001", username: "alice@example.com"}

// TestCacheFileNamesStable pins how a connection names its cache file:
// the hex of the first 16 bytes of the SHA-256 of endpoint, pool id, app
// client id and username joined with NUL bytes, then ".json". A release
// that named it otherwise would find no cache and log every user in
// again. The names were computed outside Go (Python's hashlib), not by
// the code under test.
func TestCacheFileNamesStable(t *testing.T) {
	ownCacheDir(t)
	noEndpoint := goldenConn
	noEndpoint.endpoint = "" // Cognito itself, the usual case
	for _, c := range []struct {
		conn connection
		name string
	}{
		{goldenConn, "d1ebdbfae20459b5a4fc1dba19cdd9d7.json"},
		{noEndpoint, "b15ca56dea53e561895532c6202141d6.json"},
	} {
		store, err := cacheStore(&c.conn)
		if err != nil {
			t.Fatal(err)
		}
		dir, name := filepath.Split(store.Path())
		if name != c.name || filepath.Base(dir) != "cognito-srp" {
			t.Errorf("%v (endpoint %q): cache file %s, want cognito-srp/%s", c.conn, c.conn.endpoint, store.Path(), c.name)
		}
	}
}

// TestTokenReadsCacheV1: token finds and reads a cache file written by
// this release's format (testdata/cache-v1, tokens valid until 2099), and
// prints its tokens without a call to Cognito in the forms scripts parse:
// -json (testdata/cache-v1/token-json.golden, expiries in UTC though the
// file gives the id token's with an offset) and -export
// (token-export.golden). A fresh cache is left as it was.
func TestTokenReadsCacheV1(t *testing.T) {
	t.Parallel()
	const name = "d1ebdbfae20459b5a4fc1dba19cdd9d7.json"
	golden, err := os.ReadFile(filepath.Join("testdata", "cache-v1", name))
	if err != nil {
		t.Fatal(err)
	}
	s := newSandbox(t)
	for k, v := range map[string]string{"COGNITO_ENDPOINT": goldenConn.endpoint, "COGNITO_USER_POOL_ID": goldenConn.poolID,
		"COGNITO_CLIENT_ID": goldenConn.clientID, "COGNITO_USERNAME": goldenConn.username} {
		s.env[k] = v
	}
	if err := os.MkdirAll(s.cacheDir(), 0o700); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(s.cacheDir(), name)
	if err := os.WriteFile(path, golden, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ flag, file string }{{"-json", "token-json.golden"}, {"-export", "token-export.golden"}} {
		want, err := os.ReadFile(filepath.Join("testdata", "cache-v1", c.file))
		if err != nil {
			t.Fatal(err)
		}
		r := s.run("token", c.flag)
		r.want(t, exitOK)
		if got := r.stdout; got != strings.ReplaceAll(string(want), "\r\n", "\n") {
			t.Errorf("token %s printed\n%s\nwant testdata/cache-v1/%s:\n%s", c.flag, got, c.file, want)
		}
	}
	if now, err := os.ReadFile(path); err != nil || !bytes.Equal(now, golden) {
		t.Errorf("the cache file changed (%v):\n%s", err, now)
	}
}

// TestUsersFileV1 pins emulate's -users file (testdata/users-v1.json): an
// array of cognitotest.User under their Go field names, matched
// case-insensitively, unknown names refused. The first user sets every
// field; the second gives only some, in lower case. A renamed field of
// cognitotest.User would make a user's file fail at the next start
// ("unknown field"); here each field is checked to arrive in the pool.
func TestUsersFileV1(t *testing.T) {
	t.Parallel()
	srv, err := cognitotest.NewUnstartedServer(cognitotest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	names, err := loadUsers(context.Background(), srv, filepath.Join("testdata", "users-v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"alice@example.com", "bob@example.com"}; !slices.Equal(names, want) {
		t.Errorf("names %q, want %q", names, want)
	}
	for _, want := range []cognitotest.User{{
		Username:           "golden-alice",
		Aliases:            []string{"alice@example.com", "+15550100"},
		Sub:                "5f0c0a3e-0000-4000-8000-00000000a1ce",
		Password:           "golden-Passw0rd!",
		Attributes:         map[string]string{"name": "Alice Golden", "custom:team": "gold", "email_verified": "true", "email": "alice@example.com", "phone_number": "+15550100", "sub": "5f0c0a3e-0000-4000-8000-00000000a1ce"},
		Groups:             []string{"admins", "gold"},
		Unconfirmed:        true,
		ResetRequired:      true,
		Disabled:           true,
		ForceNewPassword:   true,
		RequiredAttributes: []string{"name"},
		SMSMFA:             true,
		EmailOTP:           true,
		SoftwareTokenMFA:   true,
		TOTPSecret:         "JBSWY3DPEHPK3PXP",
		MFACode:            "246810",
		PreferredMFA:       "SOFTWARE_TOKEN_MFA",
		MFASetup:           true,
		CustomChallenge:    map[string]string{"question": "which colour?"},
		CustomAnswer:       "gold",
	}, {
		Username:   "5f0c0a3e-0000-4000-8000-000000000b0b",
		Aliases:    []string{"bob@example.com"},
		Sub:        "5f0c0a3e-0000-4000-8000-000000000b0b",
		Password:   "golden-pw-2",
		Attributes: map[string]string{"email": "bob@example.com", "sub": "5f0c0a3e-0000-4000-8000-000000000b0b"},
	}} {
		got, ok := srv.User(want.Username)
		if !ok {
			t.Errorf("no user %s in the pool", want.Username)
			continue
		}
		// User's String hides the secrets: compare field by field.
		gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
		for i := range gv.NumField() {
			if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
				t.Errorf("user %s: field %s differs from the file's", want.Username, gv.Type().Field(i).Name)
			}
		}
	}
}
