// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"fmt"
	"testing"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestAttributesDoNotReplaceClaims: an attribute named like a claim of the
// id token, given to AddUser or sent by a client with a new password
// (userAttributes.<name>), does not replace the claim. It replaced exp,
// aud, token_use and cognito:username, so that the id token of such a
// user did not verify ("claim exp is not a number"), or claimed to be
// an access token. Nor does one named like a registered claim the token
// leaves out: "nbf" made the library's Verifier refuse the token ("claim
// nbf is not a number"), and "jti" gave a token of a pool without
// revocation a jti.
func TestAttributesDoNotReplaceClaims(t *testing.T) {
	hostile := map[string]string{"exp": "1", "aud": "other-client", "token_use": "access", "cognito:username": "mallory",
		"jti": "j", "nbf": "x", "origin_jti": "o"}
	for _, cfg := range []cognitotest.Config{{}, {DisableTokenRevocation: true}} {
		srv := cognitotest.NewServer(t, cfg)
		v, err := cognitosrp.NewVerifier(srv.VerifierConfig())
		if err != nil {
			t.Fatal(err)
		}
		check := func(how, idToken string) {
			t.Helper()
			how = fmt.Sprintf("%s (DisableTokenRevocation %v)", how, cfg.DisableTokenRevocation)
			cl, err := srv.VerifyIDToken(idToken)
			if err != nil {
				t.Fatalf("%s: VerifyIDToken: %v", how, err)
			}
			if cl.TokenUse != "id" || cl.Audience != srv.ClientID() || cl.Raw["cognito:username"] == "mallory" ||
				cl.Raw["jti"] == "j" || cl.Raw["nbf"] != nil || cl.Raw["origin_jti"] == "o" {
				t.Errorf("%s: id token claims %v: an attribute replaced a claim", how, cl.Raw)
			}
			if _, err := v.Verify(t.Context(), idToken); err != nil {
				t.Errorf("%s: Verifier.Verify: %v", how, err)
			}
		}

		addUser(t, srv, cognitotest.User{Username: "added", Password: "pw-added-1234", Attributes: hostile})
		res, err := srv.IssueTokens("added")
		if err != nil {
			t.Fatal(err)
		}
		check("AddUser", res.IdToken)

		addUser(t, srv, cognitotest.User{Username: "np", Password: "temporary1", ForceNewPassword: true})
		r := newRaw(t, srv)
		ch := expectChallenge(t, "NEW_PASSWORD_REQUIRED")(r.srpLogin("np", "temporary1", nil))
		answer := map[string]string{"USERNAME": "np", "NEW_PASSWORD": "a much better password"}
		for k, v := range hostile {
			answer["userAttributes."+k] = v
		}
		check("NEW_PASSWORD_REQUIRED", expectTokens(t)(r.respond("NEW_PASSWORD_REQUIRED", ch.Session, answer)).IdToken)
	}
}
