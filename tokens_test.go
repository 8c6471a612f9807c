// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
)

// refreshWith runs a refresh whose response carries access and id at now.
func refreshWith(t *testing.T, now time.Time, access, id string, expiresIn int) (*cognitosrp.Session, error) {
	body, _ := json.Marshal(map[string]any{"AuthenticationResult": map[string]any{
		"AccessToken": access, "IdToken": id, "ExpiresIn": expiresIn, "TokenType": "Bearer"}})
	c := cannedServer(t, 200, nil, string(body))
	s, err := cognitosrp.NewSession(cognitosrp.Config{UserPoolID: "us-east-1_X", ClientID: "c", Endpoint: c.Endpoint,
		Now: func() time.Time { return now }}, "u")
	if err != nil {
		t.Fatal(err)
	}
	s.SetTokens(&cognitosrp.Tokens{RefreshToken: "old-refresh", Username: "u"})
	return s, s.Refresh(context.Background())
}

func TestTokenExpiry(t *testing.T) {
	now := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
	exp := now.Add(20 * time.Minute)
	withExp := fakeJWT(map[string]any{"exp": exp.Unix(), "iat": now.Unix(), "username": "u-internal", "token_use": "access"})
	noExp := fakeJWT(map[string]any{"username": "u-internal"})

	// exp wins over ExpiresIn; the refresh token is kept.
	s, err := refreshWith(t, now, withExp, withExp, 3600)
	if err != nil {
		t.Fatal(err)
	}
	tok := s.Tokens()
	if !tok.AccessExpiry.Equal(exp) || !tok.IssuedAt.Equal(now) || tok.RefreshToken != "old-refresh" || tok.Username != "u-internal" {
		t.Errorf("tokens %+v", *tok)
	}
	// Without exp, ExpiresIn counts from the local clock.
	s, err = refreshWith(t, now, noExp, noExp, 600)
	if err != nil || !s.Tokens().AccessExpiry.Equal(now.Add(600*time.Second)) || !s.Tokens().IDExpiry.Equal(now.Add(600*time.Second)) {
		t.Errorf("ExpiresIn fallback: %v", err)
	}
	// Neither: no way to know when to renew.
	if _, err := refreshWith(t, now, noExp, noExp, 0); !errors.Is(err, cognitosrp.ErrMalformedToken) {
		t.Errorf("no expiry: %v", err)
	}
	// Malformed or missing tokens are errors, never panics.
	for _, bad := range []string{"", "abc", "a.b", "a.!!!.c", "a.e30.c.d", "a." + fakeJWT(nil)[:3] + ".c", fakeJWT(map[string]any{"exp": "soon"})} {
		if _, err := refreshWith(t, now, bad, withExp, 600); err == nil {
			t.Errorf("access token %q accepted", bad)
		}
	}

	// Each token's expiry is its own; iat comes from the access token, and
	// the username from the id token when the access token names none.
	idExp := now.Add(50 * time.Minute)
	idOwn := fakeJWT(map[string]any{"exp": idExp.Unix(), "iat": now.Add(-time.Hour).Unix(), "cognito:username": "u-id", "token_use": "id"})
	anon := fakeJWT(map[string]any{"exp": exp.Unix(), "iat": now.Unix(), "token_use": "access"})
	if s, err := refreshWith(t, now, anon, idOwn, 0); err != nil {
		t.Errorf("id token with its own exp: %v", err)
	} else if tok := s.Tokens(); !tok.AccessExpiry.Equal(exp) || !tok.IDExpiry.Equal(idExp) || !tok.IssuedAt.Equal(now) || tok.Username != "u-id" {
		t.Errorf("id token with its own exp: tokens %+v, want IDExpiry %v, IssuedAt %v, Username u-id", *tok, idExp, now)
	}
	// An id token without exp and no ExpiresIn: its expiry is unknown.
	if _, err := refreshWith(t, now, withExp, noExp, 0); !errors.Is(err, cognitosrp.ErrMalformedToken) {
		t.Errorf("id token without expiry: %v", err)
	}
	// A result without an id token carries no tokens a session can use.
	if _, err := refreshWith(t, now, withExp, "", 600); !errors.Is(err, cognitosrp.ErrNoTokens) {
		t.Errorf("no id token: %v, want ErrNoTokens", err)
	}

	// Validity with a margin.
	for _, tc := range []struct {
		at     time.Time
		margin time.Duration
		want   bool
	}{
		{exp.Add(-31 * time.Second), 30 * time.Second, true},
		{exp.Add(-30 * time.Second), 30 * time.Second, false},
		{exp.Add(-time.Nanosecond), 0, true},
		{exp, 0, false},
	} {
		if got := tok.ValidAt(cognitosrp.AccessToken, tc.at, tc.margin); got != tc.want {
			t.Errorf("ValidAt(exp%v, %v) = %v", tc.at.Sub(exp), tc.margin, got)
		}
	}
	var none *cognitosrp.Tokens
	if none.ValidAt(cognitosrp.AccessToken, now, 0) || (&cognitosrp.Tokens{AccessExpiry: exp}).ValidAt(cognitosrp.AccessToken, now, 0) {
		t.Error("nil or empty tokens count as valid")
	}
}

// TestExpiryMargin: with renewing ahead turned off, the session renews
// once a token is inside its margin, and a negative margin means none.
func TestExpiryMargin(t *testing.T) {
	clock := cognitosrp.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	f := startFake(t, fakeConfig{Now: clock.Now})
	f.AddUser("gina", "pw")
	ctx := context.Background()
	for _, tc := range []struct {
		margin   time.Duration
		advance  time.Duration
		refreshs int
	}{
		{0, time.Hour - 31*time.Second, 0}, // default 30 s: still valid
		{0, time.Hour - 29*time.Second, 1}, // inside the default margin
		{5 * time.Minute, time.Hour - 6*time.Minute, 0},
		{5 * time.Minute, time.Hour - 4*time.Minute, 1},
		{-1, time.Hour - time.Second, 0}, // no margin
	} {
		cfg := f.sessionConfig()
		cfg.ExpiryMargin = tc.margin
		cfg.RefreshAhead = -1 // no background renewal: the margin alone decides
		s, _ := cognitosrp.NewSession(cfg, "gina")
		if err := s.Authenticate(ctx, "pw"); err != nil {
			t.Fatal(err)
		}
		before := f.Calls("InitiateAuth/REFRESH_TOKEN_AUTH")
		clock.Advance(tc.advance)
		if _, err := s.ValidTokens(ctx, cognitosrp.AccessToken); err != nil {
			t.Fatal(err)
		}
		if got := f.Calls("InitiateAuth/REFRESH_TOKEN_AUTH") - before; got != tc.refreshs {
			t.Errorf("margin %v after %v: %d refreshes, want %d", tc.margin, tc.advance, got, tc.refreshs)
		}
		clock.Advance(-tc.advance)
	}
}

// TestTokensValid: Valid, which a program may check before it sends a
// token itself, counts a token as valid only while it stays so for
// DefaultExpiryMargin, as its doc says, on the token of the type asked.
func TestTokensValid(t *testing.T) {
	now := time.Now()
	tok := &cognitosrp.Tokens{
		AccessToken: "a", IDToken: "i",
		AccessExpiry: now.Add(cognitosrp.DefaultExpiryMargin / 2),
		IDExpiry:     now.Add(2 * cognitosrp.DefaultExpiryMargin),
	}
	if tok.Valid(cognitosrp.AccessToken) {
		t.Error("an access token expiring within DefaultExpiryMargin counts as valid")
	}
	if !tok.Valid(cognitosrp.IDToken) {
		t.Error("an id token valid for twice DefaultExpiryMargin does not count as valid")
	}
	if (&cognitosrp.Tokens{IDExpiry: now.Add(time.Hour)}).Valid(cognitosrp.IDToken) {
		t.Error("a missing token counts as valid")
	}
	if (*cognitosrp.Tokens)(nil).Valid(cognitosrp.AccessToken) {
		t.Error("nil Tokens count as valid")
	}
}

// TestTokenTypeString: the zero TokenType names the access token it means.
func TestTokenTypeString(t *testing.T) {
	for typ, want := range map[cognitosrp.TokenType]string{"": "access_token", cognitosrp.AccessToken: "access_token", cognitosrp.IDToken: "id_token"} {
		if got := typ.String(); got != want {
			t.Errorf("TokenType(%q).String() = %q, want %q", string(typ), got, want)
		}
	}
}

// TestZeroTokenTypeIsAccess: the zero TokenType means AccessToken in
// every accessor of Tokens, Expiry included: a zero expiry would make the
// access token look expired to whoever asks with the zero type.
func TestZeroTokenTypeIsAccess(t *testing.T) {
	now := time.Now()
	tok := &cognitosrp.Tokens{AccessToken: "a", IDToken: "i",
		AccessExpiry: now.Add(time.Hour), IDExpiry: now.Add(2 * time.Hour)}
	if got := tok.Token(""); got != tok.AccessToken {
		t.Errorf("Token(\"\") = %q, want the access token", got)
	}
	if got := tok.Expiry(""); !got.Equal(tok.AccessExpiry) {
		t.Errorf("Expiry(\"\") = %v, want the access token's %v", got, tok.AccessExpiry)
	}
	if !tok.Valid("") {
		t.Error("Valid(\"\") = false for an access token valid for an hour")
	}
}

// TestUnknownTokenType: a type that names neither token (a misspelling, or
// "refresh_token") selects no token at all, rather than the access token:
// ValidTokens refuses it with ErrConfig before calling Cognito, and the
// Tokens accessors find nothing.
func TestUnknownTokenType(t *testing.T) {
	now := time.Now()
	tok := &cognitosrp.Tokens{AccessToken: "a", IDToken: "i", RefreshToken: "r",
		AccessExpiry: now.Add(time.Hour), IDExpiry: now.Add(time.Hour), IssuedAt: now}
	for _, typ := range []cognitosrp.TokenType{"refresh_token", "ID_TOKEN", "id", "access", "access_token "} {
		if got := tok.Token(typ); got != "" {
			t.Errorf("Token(%q) = %q, want \"\"", string(typ), got)
		}
		if got := tok.Expiry(typ); !got.IsZero() {
			t.Errorf("Expiry(%q) = %v, want the zero time", string(typ), got)
		}
		if tok.Valid(typ) {
			t.Errorf("Valid(%q) = true", string(typ))
		}

		c := cannedServer(t, 500, nil, `{}`)
		s, err := cognitosrp.NewSession(cognitosrp.Config{UserPoolID: "us-east-1_X", ClientID: "c", Endpoint: c.Endpoint}, "u")
		if err != nil {
			t.Fatal(err)
		}
		s.SetTokens(tok)
		if got, err := s.ValidTokens(context.Background(), typ); got != nil || !errors.Is(err, cognitosrp.ErrConfig) {
			t.Errorf("ValidTokens(%q) = %v, %v; want nil and an error matching ErrConfig", string(typ), got, err)
		}
		// Quoted, so that a stray space or line break shows.
		if _, err := cognitosrp.New(cognitosrp.Options{Session: s, TokenType: typ}); err == nil || !strings.Contains(err.Error(), strconv.Quote(string(typ))) {
			t.Errorf("New with TokenType %q: %v; want an error quoting the type", string(typ), err)
		}
		if !s.RenewalDue(typ) {
			t.Errorf("RenewalDue(%q) = false for a type with no token", string(typ))
		}
		if s.RenewalDue(cognitosrp.IDToken) || s.RenewalDue("") {
			t.Errorf("RenewalDue of a fresh id or access token = true")
		}
		if got, err := s.ValidTokens(context.Background(), cognitosrp.IDToken); got != tok || err != nil {
			t.Errorf("ValidTokens(IDToken) = %v, %v; want the tokens set", got, err)
		}
		s.Close()
	}
}

// TestNilTokens: a nil *Tokens, which Session.Tokens returns before a
// login, holds no token, for every method (Token and Expiry panicked,
// while Valid and ValidAt already answered false).
func TestNilTokens(t *testing.T) {
	var none *cognitosrp.Tokens
	for _, typ := range []cognitosrp.TokenType{"", cognitosrp.AccessToken, cognitosrp.IDToken, "bogus"} {
		if got := none.Token(typ); got != "" {
			t.Errorf("Token(%q) = %q", string(typ), got)
		}
		if got := none.Expiry(typ); !got.IsZero() {
			t.Errorf("Expiry(%q) = %v", string(typ), got)
		}
		if none.Valid(typ) || none.ValidAt(typ, time.Now(), 0) {
			t.Errorf("Valid(%q) or ValidAt: true", string(typ))
		}
	}
	s, err := cognitosrp.NewSession(cognitosrp.Config{UserPoolID: "us-east-1_AbC123", ClientID: "client"}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.Tokens().Token(cognitosrp.AccessToken); got != "" {
		t.Errorf("a new session's Tokens().Token = %q", got)
	}
}
