// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"errors"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestVerifierConfig: VerifierConfig is "the cognitosrp.VerifierConfig of
// the server's tokens: its issuer, key set and app client, on its clock".
// A Verifier built from it accepts the server's access and id tokens and
// judges their expiry on the server's clock: advanced past exp, it refuses
// them although the host's clock has not moved.
func TestVerifierConfig(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: "pw-alice-123"}); err != nil {
		t.Fatal(err)
	}
	res, err := srv.IssueTokens("alice")
	if err != nil {
		t.Fatal(err)
	}
	v, err := cognitosrp.NewVerifier(srv.VerifierConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{res.AccessToken, res.IdToken} {
		if c, err := v.Verify(t.Context(), tok); err != nil || c.InternalUsername() != "alice" {
			t.Fatalf("Verify: %v, %v", c, err)
		}
	}
	srv.Advance(time.Duration(res.ExpiresIn)*time.Second + time.Hour)
	if _, err := v.Verify(t.Context(), res.AccessToken); !errors.Is(err, cognitosrp.ErrTokenExpired) {
		t.Fatalf("Verify on the advanced server clock: %v, want ErrTokenExpired", err)
	}
}
