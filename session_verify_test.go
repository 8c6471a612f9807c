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
