// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSessionVerifierIssuer(t *testing.T) {
	for _, tc := range []struct{ endpoint, issuer string }{
		{"", testIssuer},
		{"https://cognito-idp.us-east-1.amazonaws.com/", testIssuer},
		{"http://127.0.0.1:9229/", "http://127.0.0.1:9229/" + testPoolID},
		{"http://127.0.0.1:9229", "http://127.0.0.1:9229/" + testPoolID},
	} {
		s, err := NewSession(Config{UserPoolID: testPoolID, ClientID: testClientID, Endpoint: tc.endpoint, VerifyTokens: true}, "u")
		if err != nil {
			t.Fatal(err)
		}
		if got := s.cfg.Verifier.Issuer(); got != tc.issuer {
			t.Errorf("endpoint %q: issuer %q, want %q", tc.endpoint, got, tc.issuer)
		}
	}
}

// TestOptionsVerifyTokens logs in through Auth with and without
// VerifyTokens against the fake Cognito, first with genuine tokens, then
// with tokens signed by a key not in its key set.
func TestOptionsVerifyTokens(t *testing.T) {
	f := newFakeCognito(t, time.Now)
	f.addUser("user@example.com", "internal-user", "pw")
	for _, forged := range []bool{false, true} {
		if forged {
			f.mu.Lock()
			f.signer = otherKey()
			f.mu.Unlock()
		}
		for _, verify := range []bool{true, false} {
			a, err := New(Options{
				Username: "user@example.com", Password: "pw", UserPoolID: testPoolID, ClientID: testClientID,
				Endpoint: f.URL, HTTPClient: f.Client(), VerifyTokens: verify,
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = a.Token(context.Background())
			if want := forged && verify; want != errors.Is(err, ErrSignature) || !want && err != nil {
				t.Fatalf("forged %v, VerifyTokens %v: %v", forged, verify, err)
			}
		}
	}
}
