// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"testing"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestAttributesDoNotReplaceClaims: an attribute named like a claim of the
// id token, given to AddUser or sent by a client with a new password
// (userAttributes.<name>), does not replace the claim. It replaced exp,
// aud, token_use and cognito:username, so that the id token of such a
// user did not verify ("claim exp is not a number"), or claimed to be
// an access token.
func TestAttributesDoNotReplaceClaims(t *testing.T) {
	hostile := map[string]string{"exp": "1", "aud": "other-client", "token_use": "access", "cognito:username": "mallory", "jti": "j"}
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	check := func(how, idToken string) {
		t.Helper()
		cl, err := srv.VerifyIDToken(idToken)
		if err != nil {
			t.Fatalf("%s: VerifyIDToken: %v", how, err)
		}
		if cl.TokenUse != "id" || cl.Audience != srv.ClientID() || cl.Raw["cognito:username"] == "mallory" || cl.Raw["jti"] == "j" {
			t.Errorf("%s: id token claims %v: an attribute replaced a claim", how, cl.Raw)
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
