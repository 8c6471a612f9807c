// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"reflect"
	"testing"
)

// TestLoginStepsKeepToItsUser: a login is of the user it began with, by
// sub as well as name. A user deleted and added again under its name while
// a request of the login holds its Session (taken, not yet answered, so
// DeleteUser cannot drop it) is another user: the old login's new
// password, attributes and TOTP secret must not be written onto it, nor
// may its flags decide the old login's next step, nor its salt and
// verifier be the old login's PASSWORD_VERIFIER challenge (USER_AUTH's
// SELECT_CHALLENGE answered PASSWORD_SRP). Each is refused as the tokens
// are, "User does not exist.". The steps are called directly with
// the taken Session: the window is inside one request, where the only
// callback (Config.Rand) may not add a user.
func TestLoginStepsKeepToItsUser(t *testing.T) {
	srv := NewServer(t, Config{})
	steps := []struct {
		name string
		run  func(*call, *authSession) (any, *apiError)
	}{
		{"NEW_PASSWORD_REQUIRED", func(c *call, sess *authSession) (any, *apiError) {
			return srv.answerNewPassword(c, sess, map[string]string{"NEW_PASSWORD": "the-old-login-1", "userAttributes.name": "Old"})
		}},
		{"MFA_SETUP", func(c *call, sess *authSession) (any, *apiError) {
			sess.totpSecret, sess.totpVerified = "JBSWY3DPEHPK3PXP", true
			return srv.answerMFASetup(c, sess)
		}},
		{"nextStep", srv.nextStep},
		{"PASSWORD_VERIFIER", func(c *call, sess *authSession) (any, *apiError) {
			return srv.passwordVerifierChallenge(c, sess, "alice", "2")
		}},
	}
	for _, step := range steps {
		first, err := srv.AddUser(User{Username: "alice", Password: "pw-alice-123", ForceNewPassword: true, MFASetup: true})
		if err != nil {
			t.Fatal(err)
		}
		sess := &authSession{username: first.Username, sub: first.Sub, authTime: srv.Now()}
		if err := srv.DeleteUser("alice"); err != nil {
			t.Fatal(err)
		}
		again, err := srv.AddUser(User{Username: "alice", Password: "pw-again-456", ForceNewPassword: true, MFASetup: true, Disabled: true})
		if err != nil {
			t.Fatal(err)
		}
		_, aerr := step.run(&call{action: "RespondToAuthChallenge", now: srv.Now()}, sess)
		if aerr == nil || aerr.typ != "NotAuthorizedException" || aerr.msg != "User does not exist." {
			t.Errorf("%s of a deleted user's login, with another added under its name: got %v, want NotAuthorizedException: User does not exist.", step.name, aerr)
		}
		if now, _ := srv.User("alice"); !reflect.DeepEqual(now, again) {
			t.Errorf("%s of a deleted user's login changed the user added again under its name: password %q (was %q), attributes %v (were %v), ForceNewPassword %v, MFASetup %v, TOTPSecret %q",
				step.name, now.Password, again.Password, now.Attributes, again.Attributes, now.ForceNewPassword, now.MFASetup, now.TOTPSecret)
		}
		if err := srv.DeleteUser("alice"); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMintKeepsToItsUser: mint issues tokens for the user a grant was
// issued to, by sub as well as name: a grant of a user deleted and added
// again under its name since (between useRefreshToken's check and mint, or
// completeLogin's uuids and mint) gets no tokens carrying the new user's
// sub and attributes, "User does not exist." as elsewhere.
func TestMintKeepsToItsUser(t *testing.T) {
	srv := NewServer(t, Config{})
	first, err := srv.AddUser(User{Username: "alice", Password: "pw-alice-123"})
	if err != nil {
		t.Fatal(err)
	}
	g := grant{username: first.Username, sub: first.Sub, authTime: srv.Now()}
	if err := srv.DeleteUser("alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.AddUser(User{Username: "alice", Password: "pw-again-456", Attributes: map[string]string{"name": "Other"}}); err != nil {
		t.Fatal(err)
	}
	res, aerr := srv.mint(srv.Now(), g)
	if aerr == nil || aerr.typ != "NotAuthorizedException" || aerr.msg != "User does not exist." {
		t.Errorf("mint for a deleted user's grant, with another added under its name: got %v (tokens %v), want NotAuthorizedException: User does not exist.", aerr, res != nil)
	}
}
