// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"testing"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestWrongUserIDRefused: the password proof binds USER_ID_FOR_SRP. A claim
// signed for another id (the alias the user typed instead of the internal
// name), or answered as another user, is refused as a wrong password, even
// with the right password; the honest claim then succeeds.
func TestWrongUserIDRefused(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	u := addUser(t, srv, cognitotest.User{Aliases: []string{"alice@example.com"}, Password: "pw-alice-123"})
	addUser(t, srv, cognitotest.User{Username: "bob", Password: "pw-bob-123"})
	r := newRaw(t, srv)
	for _, tc := range []struct {
		name           string
		signAs, answer string // "" means the internal name
	}{
		{"signed for the alias", "alice@example.com", ""},
		{"answered as another user", "", "bob"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srp, err := cognitosrp.NewSRP(r.poolName(), nil)
			if err != nil {
				t.Fatal(err)
			}
			ch, err := r.initiate("USER_SRP_AUTH", map[string]string{"USERNAME": "alice@example.com", "SRP_A": srp.A()})
			if err != nil {
				t.Fatal(err)
			}
			pc, err := cognitosrp.ParsePasswordChallenge(ch.ChallengeParameters)
			if err != nil {
				t.Fatal(err)
			}
			if pc.UserIDForSRP != u.Username || ch.ChallengeParameters["USERNAME"] != u.Username {
				t.Fatalf("USER_ID_FOR_SRP %q, USERNAME %q, want the internal name %q", pc.UserIDForSRP, ch.ChallengeParameters["USERNAME"], u.Username)
			}
			if tc.signAs != "" {
				pc.UserIDForSRP = tc.signAs
			}
			cl, err := srp.PasswordClaim(pc, "pw-alice-123", r.now())
			if err != nil {
				t.Fatal(err)
			}
			resp := cl.ChallengeResponses()
			resp["USERNAME"] = u.Username
			if tc.answer != "" {
				resp["USERNAME"] = tc.answer
			}
			_, err = r.respond("PASSWORD_VERIFIER", ch.Session, resp)
			wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
		})
	}
	sess, err := cognitosrp.NewSession(srv.SessionConfig(), "alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Authenticate(t.Context(), "pw-alice-123"); err != nil {
		t.Fatalf("honest claim: %v", err)
	}
}
