// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"
)

// TestOptionsVerifier logs in through Auth with and without a Verifier
// against the fake Cognito, first with genuine tokens, then
// with tokens signed by a key not in its key set.
func TestOptionsVerifier(t *testing.T) {
	f := newFakeCognito(t, time.Now)
	f.addUser("user@example.com", "internal-user", "pw")
	for _, forged := range []bool{false, true} {
		if forged {
			f.mu.Lock()
			f.signer = otherKey()
			f.mu.Unlock()
		}
		for _, verify := range []bool{true, false} {
			opts := Options{
				Username: "user@example.com", Password: "pw", UserPoolID: testPoolID, ClientID: testClientID,
				Endpoint: f.URL, HTTPClient: f.Client(),
			}
			if verify {
				opts.Verifier = fakeVerifier(t, f, time.Now)
			}
			a, err := New(opts)
			if err != nil {
				t.Fatal(err)
			}
			_, err = a.Token(context.Background())
			if want := forged && verify; want != errors.Is(err, ErrSignature) || !want && err != nil {
				t.Fatalf("forged %v, verified %v: %v", forged, verify, err)
			}
		}
	}
}

// fakeVerifier verifies the tokens of the fake Cognito f at now.
func fakeVerifier(t testing.TB, f *fakeCognito, now func() time.Time) *Verifier {
	t.Helper()
	v, err := NewVerifier(VerifierConfig{
		UserPoolID: testPoolID, ClientIDs: []string{testClientID}, Issuer: f.issuer(),
		HTTPClient: f.Client(), Now: now,
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestNewSessionErrorsMatchErrConfig: every configuration NewSession
// refuses gives an error matching ErrConfig, as New's and NewVerifier's do.
func TestNewSessionErrorsMatchErrConfig(t *testing.T) {
	good := Config{UserPoolID: "us-east-1_Abc", ClientID: "c"}
	for name, c := range map[string]struct {
		mod  func(*Config)
		user string
	}{
		"pool id":        {func(c *Config) { c.UserPoolID = "nounderscore" }, "u"},
		"client id":      {func(c *Config) { c.ClientID = "" }, "u"},
		"username":       {func(*Config) {}, ""},
		"auth flow":      {func(c *Config) { c.AuthFlow = "MAGIC" }, "u"},
		"region":         {func(c *Config) { c.Region = "evil.example/" }, "u"},
		"refresh method": {func(c *Config) { c.RefreshMethod = "Magic" }, "u"},
		// A zero slog.Logger panics at its first event (in Enabled),
		// during a login or in a renewal's goroutine.
		"logger without handler": {func(c *Config) { c.Logger = new(slog.Logger) }, "u"},
	} {
		cfg := good
		c.mod(&cfg)
		if _, err := NewSession(cfg, c.user); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: %v, want an error matching ErrConfig", name, err)
		}
	}
	if _, err := NewSession(good, "u"); err != nil {
		t.Fatal(err)
	}
}
