// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"testing"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestNewPasswordVerifiedFlagRefusal pins the two choices of the emulator
// that its package doc lists for the answer to NEW_PASSWORD_REQUIRED: a
// verified flag is refused before an e-mail address the user has (the
// answer of amazon-cognito-identity-js's README, which sends both back,
// meets the flag's refusal), and a flag sent is refused whatever its
// value, empty too (what Cognito says to an empty one is not known).
func TestNewPasswordVerifiedFlagRefusal(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	u := addUser(t, srv, cognitotest.User{Aliases: []string{"flags@example.com"}, Password: "temporary1", ForceNewPassword: true})
	r := newRaw(t, srv)
	for _, c := range []struct {
		name   string
		answer map[string]string
	}{
		{"flag and e-mail address", map[string]string{"userAttributes.email": "flags@example.com", "userAttributes.email_verified": "true"}},
		{"empty flag", map[string]string{"userAttributes.email_verified": ""}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ch := expectChallenge(t, "NEW_PASSWORD_REQUIRED")(r.srpLogin("flags@example.com", "temporary1", nil))
			c.answer["USERNAME"], c.answer["NEW_PASSWORD"] = u.Sub, "a much better password"
			_, err := r.respond("NEW_PASSWORD_REQUIRED", ch.Session, c.answer)
			wantAPIError(t, err, "InvalidParameterException", "Cannot modify the non-mutable attribute email_verified")
		})
	}
}
