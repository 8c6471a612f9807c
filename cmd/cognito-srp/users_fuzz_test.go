// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// FuzzUsersFile gives emulate's -users file (loadUsers) arbitrary bytes.
// A file it refuses gets a usage error that repeats no secret of the file
// (a Password, TOTPSecret, CustomAnswer or MFACode value of four
// characters or more with an upper-case letter, not also a name or another
// string of the file). A file it takes is a JSON array of users, after a
// byte order mark or none, read as encoding/json reads it: each user is in the pool under the name loadUsers
// returns for it (its first alias, else its username), with every field
// as the file gives it, plus the defaults AddUser documents (a random sub
// for none, the sub as username for none, email and phone_number from the
// aliases). A user with an empty alias is refused.
//
// The seeds, in testdata/fuzz/FuzzUsersFile, are named for what they hold.
func FuzzUsersFile(f *testing.F) {
	// A directory whose name has no upper-case letter: an error names the
	// file's path.
	dir, err := os.MkdirTemp("", "users")
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "users.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		srv, err := cognitotest.NewUnstartedServer(cognitotest.Config{})
		if err != nil {
			t.Fatal(err)
		}
		names, err := loadUsers(context.Background(), srv, path)
		if err != nil {
			var u *usageError
			if !errors.As(err, &u) {
				t.Fatalf("error %v (%T) is not a usage error", err, err)
			}
			for _, s := range fileSecrets(bytes.TrimPrefix(data, []byte(bom))) {
				if strings.Contains(err.Error(), s) {
					t.Fatalf("error %q repeats the secret %q", err, s)
				}
			}
			return
		}
		var in []cognitotest.User
		if err := json.Unmarshal(bytes.TrimPrefix(data, []byte(bom)), &in); err != nil {
			t.Fatalf("loadUsers took a file encoding/json refuses: %v", err)
		}
		for i, u := range in {
			if slices.Contains(u.Aliases, "") {
				t.Fatalf("user %d with an empty alias taken, named %q", i, names[i])
			}
		}
		if len(names) != len(in) {
			t.Fatalf("%d names for %d users", len(names), len(in))
		}
		for i, want := range in {
			got, ok := srv.User(names[i])
			if !ok {
				t.Fatalf("user %d: no user named %q", i, names[i])
			}
			wantName := want.Username
			if len(want.Aliases) > 0 {
				wantName = want.Aliases[0]
			}
			if want.Username == "" {
				want.Username = got.Sub
				if wantName == "" {
					wantName = got.Sub
				}
			}
			if want.Sub == "" {
				want.Sub = got.Sub
			}
			attrs := maps.Clone(want.Attributes)
			if attrs == nil {
				attrs = map[string]string{}
			}
			for _, a := range want.Aliases {
				switch {
				case strings.Contains(a, "@") && attrs["email"] == "":
					attrs["email"] = a
				case strings.HasPrefix(a, "+") && attrs["phone_number"] == "":
					attrs["phone_number"] = a
				}
			}
			attrs["sub"] = want.Sub
			switch {
			case names[i] != wantName:
				t.Fatalf("user %d named %q, want %q", i, names[i], wantName)
			case got.Sub == "" || got.Username != want.Username || got.Sub != want.Sub || got.Password != want.Password:
				t.Fatalf("user %d: %v, password %t; want %v", i, got, got.Password == want.Password, want)
			case !maps.Equal(got.Attributes, attrs):
				t.Fatalf("user %d: attributes %q, want %q", i, got.Attributes, attrs)
			case !maps.Equal(got.CustomChallenge, want.CustomChallenge):
				t.Fatalf("user %d: custom challenge %q, want %q", i, got.CustomChallenge, want.CustomChallenge)
			}
			// The rest compares field for field.
			got.Attributes, want.Attributes = nil, nil
			got.CustomChallenge, want.CustomChallenge = nil, nil
			for _, s := range []*[]string{&got.Aliases, &want.Aliases, &got.Groups, &want.Groups, &got.RequiredAttributes, &want.RequiredAttributes} {
				if len(*s) == 0 {
					*s = nil
				}
			}
			if !usersEqual(got, want) {
				t.Fatalf("user %d: fields differ from the file's", i)
			}
		}
	})
}

// usersEqual compares two users field for field, the secrets too.
func usersEqual(a, b cognitotest.User) bool {
	ja, _ := json.Marshal(struct{ cognitotest.User }{a})
	jb, _ := json.Marshal(struct{ cognitotest.User }{b})
	return bytes.Equal(ja, jb)
}

// fileSecrets returns the values of the secret fields of a users file, as
// far as the file reads as JSON, that look like secrets (four characters
// or more, an upper-case letter) and occur in no other string of the file.
func fileSecrets(data []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var secrets, others []string
	// inObject[i]: the i-th open container is an object; wantKey: the
	// next string in it is a key.
	var inObject []bool
	wantKey, secretNext := false, false
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		isKey := wantKey
		if len(inObject) > 0 && inObject[len(inObject)-1] {
			wantKey = !wantKey
		}
		var s string
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				inObject = append(inObject, v == '{')
				wantKey = v == '{'
			default:
				inObject = inObject[:len(inObject)-1]
				wantKey = len(inObject) > 0 && inObject[len(inObject)-1]
			}
			secretNext = false
			continue
		case string:
			s = v
		case json.Number:
			s = string(v)
		}
		if secretNext && !isKey {
			secrets = append(secrets, s)
		} else {
			others = append(others, s)
		}
		switch strings.ToLower(s) {
		case "password", "totpsecret", "customanswer", "mfacode":
			secretNext = isKey
		default:
			secretNext = false
		}
	}
	var out []string
secret:
	for _, s := range secrets {
		if len(s) < 4 || !strings.ContainsFunc(s, unicode.IsUpper) {
			continue
		}
		for _, o := range others {
			if strings.Contains(o, s) {
				continue secret
			}
		}
		out = append(out, s)
	}
	return out
}
