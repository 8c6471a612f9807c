// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestParseUnverifiedTrailingData: a payload is one JSON object and nothing
// after it but white space. A stray closing brace or bracket used to pass,
// since json.Decoder.More reports false before one.
func TestParseUnverifiedTrailingData(t *testing.T) {
	token := func(payload string) string {
		return "e30." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2ln"
	}
	for _, p := range []string{`{"exp":1}}`, `{"exp":1}]`, `{"exp":1} }`, `{"exp":1} x`, `{"exp":1}{}`, `{"exp":1},`} {
		if _, err := ParseUnverified(token(p)); !errors.Is(err, ErrMalformedToken) {
			t.Errorf("payload %s: err = %v, want ErrMalformedToken", p, err)
		}
	}
	for _, p := range []string{`{"exp":1}`, "{\"exp\":1} \t\r\n", ` {"exp":1}`} {
		if c, err := ParseUnverified(token(p)); err != nil || c.Expiry.Unix() != 1 {
			t.Errorf("payload %q: claims %v, err %v; want exp 1", p, c, err)
		}
	}
}

// TestParseUnverifiedEdges pins what ParseUnverified accepts at the edges
// of a JWT's form and of its claims.
func TestParseUnverifiedEdges(t *testing.T) {
	payload := func(p string) string { return base64.RawURLEncoding.EncodeToString([]byte(p)) }
	for _, tok := range []string{
		"e30." + payload(`null`) + ".c2ln",                 // not an object
		"." + payload(`{"exp":1}`) + ".c2ln",               // no header
		"e30." + payload(`{"aud":["a","b"]}`) + ".c2ln",    // more than one audience
		"e30." + payload(`{"exp":-1}`) + ".c2ln",           // before the epoch
		"e30." + payload(`{"exp":253402300800}`) + ".c2ln", // after year 9999
	} {
		if c, err := ParseUnverified(tok); !errors.Is(err, ErrMalformedToken) {
			t.Errorf("%s: claims %+v, err %v; want ErrMalformedToken", tok, c, err)
		}
	}
	// maxTokenLen bytes are read; one more is not.
	head := "e30." + payload(`{"exp":1}`) + "."
	for n, ok := range map[int]bool{maxTokenLen: true, maxTokenLen + 1: false} {
		tok := head + strings.Repeat("A", n-len(head))
		if c, err := ParseUnverified(tok); (err == nil) != ok || !ok && !errors.Is(err, ErrMalformedToken) {
			t.Errorf("token of %d bytes: claims %+v, err %v; want accepted %v", n, c, err, ok)
		}
	}
	// A null claim is an absent one, times included.
	c, err := ParseUnverified("e30." + payload(`{"username":null,"cognito:username":"u","exp":1.25,"aud":null,"iat":null,"auth_time":null}`) + ".c2ln")
	if err != nil {
		t.Fatal(err)
	}
	if c.Username != "" || c.InternalUsername() != "u" || c.Audience != "" || !c.IssuedAt.IsZero() || !c.AuthTime.IsZero() {
		t.Errorf("null claims: %+v", c)
	}
	// Fractions of a second are kept, and times are in UTC.
	if want := time.Unix(1, 250_000_000).UTC(); c.Expiry != want {
		t.Errorf("exp 1.25 = %v (%v), want %v", c.Expiry, c.Expiry.Location(), want)
	}
}

// TestParseUnverifiedNonStringClaim: a claim that Claims holds as a string
// but that the token carries as a number, an array or an object is a
// malformed token, not an empty claim (a hostile token must not pass as
// one that names no issuer or user); null is an absent claim.
func TestParseUnverifiedNonStringClaim(t *testing.T) {
	for _, name := range []string{"iss", "sub", "token_use", "username", "cognito:username", "client_id", "jti"} {
		for _, v := range []any{7, []string{"a"}, map[string]any{"a": "b"}, true} {
			c, err := ParseUnverified(fxJWT(map[string]any{name: v, "exp": testNow.Unix()}))
			if !errors.Is(err, ErrMalformedToken) || c != nil {
				t.Errorf("%s = %v: %v, %v; want ErrMalformedToken", name, v, c, err)
			}
		}
		c, err := ParseUnverified(fxJWT(map[string]any{name: nil, "exp": testNow.Unix()}))
		if err != nil || c == nil {
			t.Errorf("%s = null: %v", name, err)
		}
	}
}

// Groups and Scopes read their claims from Raw; a malformed claim can
// only take groups away, never add one.
func TestClaimsGroupsAndScopes(t *testing.T) {
	parse := func(payload string) *Claims {
		t.Helper()
		c, err := ParseUnverified("e30." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2ln")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tests := []struct {
		payload        string
		groups, scopes []string
	}{
		{`{}`, nil, nil},
		{`{"cognito:groups":["admins","staff"],"scope":"openid profile  email"}`, []string{"admins", "staff"}, []string{"openid", "profile", "email"}},
		{`{"cognito:groups":["admins",1,null,{"x":"y"},["staff"],"ops"]}`, []string{"admins", "ops"}, nil},
		{`{"cognito:groups":"admins","scope":["openid"]}`, nil, nil},
		{`{"cognito:groups":[],"scope":" "}`, nil, nil},
		{`{"cognito:groups":null,"scope":null}`, nil, nil},
		// An id token's scope claim is no grant: Scopes says nil for it,
		// as its doc does.
		{`{"token_use":"id","cognito:groups":["staff"],"scope":"admin:write"}`, []string{"staff"}, nil},
		{`{"token_use":"access","scope":"admin:write"}`, nil, []string{"admin:write"}},
	}
	for _, tt := range tests {
		c := parse(tt.payload)
		if g := c.Groups(); !slices.Equal(g, tt.groups) || (g == nil) != (tt.groups == nil) {
			t.Errorf("%s: Groups() = %#v, want %#v", tt.payload, g, tt.groups)
		}
		if s := c.Scopes(); !slices.Equal(s, tt.scopes) || (s == nil) != (tt.scopes == nil) {
			t.Errorf("%s: Scopes() = %#v, want %#v", tt.payload, s, tt.scopes)
		}
	}
	var zero Claims
	if zero.Groups() != nil || zero.Scopes() != nil {
		t.Error("a zero Claims has groups or scopes")
	}
}
