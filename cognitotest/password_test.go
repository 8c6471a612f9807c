// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// srpLoginFails checks that name cannot log in with SRP and password.
func srpLoginFails(t *testing.T, srv *cognitotest.Server, name, password string) {
	t.Helper()
	sess, err := cognitosrp.NewSession(srv.SessionConfig(), name)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	err = sess.Authenticate(t.Context(), password)
	if ae := apiError(t, err); ae.Type != "NotAuthorizedException" || ae.Message != "Incorrect username or password." {
		t.Fatalf("login with the old password: %v, want NotAuthorizedException", err)
	}
}

// TestChangePassword: with the previous password, ChangePassword sets the
// proposed one, which then logs in with SRP while the previous one is
// refused; the tokens issued before stay valid.
func TestChangePassword(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "hana", Password: "pw-hana-1234", Aliases: []string{"hana@example.com"}})
	sess := login(t, srv, "hana", "pw-hana-1234")
	defer sess.Close()
	tok := sess.Tokens()
	r := newRaw(t, srv)
	change := func(prev, proposed string) error {
		return r.api.Call(t.Context(), "ChangePassword", map[string]string{"AccessToken": tok.AccessToken, "PreviousPassword": prev, "ProposedPassword": proposed}, new(struct{}))
	}
	// Inner spaces are allowed, as in Cognito's passwords.
	if err := change("pw-hana-1234", "new hana password"); err != nil {
		t.Fatal(err)
	}
	login(t, srv, "hana@example.com", "new hana password").Close()
	srpLoginFails(t, srv, "hana", "pw-hana-1234")
	if err := r.api.Call(t.Context(), "GetUser", map[string]string{"AccessToken": tok.AccessToken}, new(struct{})); err != nil {
		t.Errorf("GetUser with the access token issued before the change: %v", err)
	}

	// The previous password is checked: a wrong or missing one changes
	// nothing.
	err := change("pw-hana-1234", "pw-hana-9999")
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	err = r.api.Call(t.Context(), "ChangePassword", map[string]string{"AccessToken": tok.AccessToken, "ProposedPassword": "pw-hana-9999"}, new(struct{}))
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	if !strings.Contains(lastReason(srv), "PreviousPassword") {
		t.Errorf("the log says %q, want why", lastReason(srv))
	}
	login(t, srv, "hana", "new hana password").Close()
}

// TestChangePasswordPolicy: a proposed password shorter than the pool's
// minimum is refused with InvalidPasswordException, as the answer to
// NEW_PASSWORD_REQUIRED refuses it, and changes nothing. It was taken, so
// a web app's "password too short" message could not be tested.
func TestChangePasswordPolicy(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "kai", Password: "pw-kai-12345"})
	tok, err := srv.IssueTokens("kai")
	if err != nil {
		t.Fatal(err)
	}
	r := newRaw(t, srv)
	// Seven characters, of more than seven bytes: the policy counts
	// characters.
	err = r.api.Call(t.Context(), "ChangePassword", map[string]string{"AccessToken": tok.AccessToken, "PreviousPassword": "pw-kai-12345", "ProposedPassword": "äöü-123"}, new(struct{}))
	wantAPIError(t, err, "InvalidPasswordException", "Password does not conform to policy: Password not long enough")
	srpLoginFails(t, srv, "kai", "äöü-123")
	login(t, srv, "kai", "pw-kai-12345").Close()
	if err := r.api.Call(t.Context(), "ChangePassword", map[string]string{"AccessToken": tok.AccessToken, "PreviousPassword": "pw-kai-12345", "ProposedPassword": "äöü-1234"}, new(struct{})); err != nil {
		t.Fatalf("eight characters: %v", err)
	}
	login(t, srv, "kai", "äöü-1234").Close()

	// A token that is no access token is refused as such, whatever the
	// proposed password: the policy is the pool's, which only the token
	// names. A short one was refused as too short.
	err = r.api.Call(t.Context(), "ChangePassword", map[string]string{"AccessToken": "garbage", "PreviousPassword": "äöü-1234", "ProposedPassword": "short"}, new(struct{}))
	wantAPIError(t, err, "NotAuthorizedException", "Invalid Access Token")
}

// TestChangePasswordMembers: the password members are checked as the AWS
// protocol layer checks Cognito's PasswordType, without quoting them, and
// a refused request changes nothing.
func TestChangePasswordMembers(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "ivy", Password: "pw-ivy-12345"})
	tok, err := srv.IssueTokens("ivy")
	if err != nil {
		t.Fatal(err)
	}
	r := newRaw(t, srv)
	long := strings.Repeat("p", 257)
	for _, c := range []struct {
		in   map[string]any
		want string
	}{
		{map[string]any{"PreviousPassword": "pw-ivy-12345"}, "Value at 'proposedPassword' failed to satisfy constraint: Member must not be null"},
		{map[string]any{"PreviousPassword": "pw-ivy-12345", "ProposedPassword": nil}, "Value at 'proposedPassword' failed to satisfy constraint: Member must not be null"},
		{map[string]any{"PreviousPassword": "pw-ivy-12345", "ProposedPassword": ""}, "Value at 'proposedPassword' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\S]+"},
		{map[string]any{"PreviousPassword": "pw-ivy-12345", "ProposedPassword": " \t "}, "Value at 'proposedPassword' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\S]+"},
		{map[string]any{"PreviousPassword": "pw-ivy-12345", "ProposedPassword": long}, "Value at 'proposedPassword' failed to satisfy constraint: Member must have length less than or equal to 256"},
		{map[string]any{"PreviousPassword": "", "ProposedPassword": "pw-ivy-67890"}, "Value at 'previousPassword' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\S]+"},
		{map[string]any{"PreviousPassword": long, "ProposedPassword": "pw-ivy-67890"}, "Value at 'previousPassword' failed to satisfy constraint: Member must have length less than or equal to 256"},
	} {
		c.in["AccessToken"] = tok.AccessToken
		_, err := r.call("ChangePassword", c.in)
		if ae := apiError(t, err); ae.Type != "InvalidParameterException" || !strings.HasSuffix(ae.Message, c.want) || strings.Contains(ae.Message, "pw-ivy") || strings.Contains(ae.Message, long) {
			t.Errorf("ChangePassword %v: %v, want InvalidParameterException %q, quoting no password", c.in, err, c.want)
		}
	}
	// 256 characters, the most Cognito takes, are a password.
	max := strings.Repeat("é", 256)
	if _, err := r.call("ChangePassword", map[string]any{"AccessToken": tok.AccessToken, "PreviousPassword": "pw-ivy-12345", "ProposedPassword": max}); err != nil {
		t.Fatalf("a password of 256 characters: %v", err)
	}
	login(t, srv, "ivy", max).Close()
}

// TestChangePasswordRace: of two changes sent at once with the same
// previous password, one wins; the other is refused as a wrong previous
// password, and the password is the winner's.
func TestChangePasswordRace(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "jo", Password: "pw-jo-123456"})
	tok, err := srv.IssueTokens("jo")
	if err != nil {
		t.Fatal(err)
	}
	r := newRaw(t, srv)
	proposed := []string{"pw-jo-first-1", "pw-jo-second-2"}
	errs := make([]error, len(proposed))
	var wg sync.WaitGroup
	for i, p := range proposed {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = r.api.Call(t.Context(), "ChangePassword", map[string]string{"AccessToken": tok.AccessToken, "PreviousPassword": "pw-jo-123456", "ProposedPassword": p}, new(struct{}))
		}()
	}
	wg.Wait()
	won := -1
	for i, err := range errs {
		switch {
		case err == nil && won < 0:
			won = i
		case err == nil:
			t.Fatal("both changes succeeded")
		default:
			wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
		}
	}
	if won < 0 {
		t.Fatal("neither change succeeded")
	}
	if u, _ := srv.User("jo"); u.Password != proposed[won] {
		t.Errorf("password is the loser's")
	}
	login(t, srv, "jo", proposed[won]).Close()
}

// TestChangePasswordInjectedErrors: the errors of Cognito that the
// emulator does not model for ChangePassword (its attempt limit, a
// password policy) are injected with FailNext, and reach the caller as the
// root package's sentinels.
func TestChangePasswordInjectedErrors(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "kim", Password: "pw-kim-12345"})
	tok, err := srv.IssueTokens("kim")
	if err != nil {
		t.Fatal(err)
	}
	r := newRaw(t, srv)
	srv.FailNext(1, cognitotest.Fault("LimitExceededException"), "ChangePassword")
	srv.FailNext(1, cognitotest.Fault("InvalidPasswordException"), "ChangePassword")
	in := map[string]string{"AccessToken": tok.AccessToken, "PreviousPassword": "pw-kim-12345", "ProposedPassword": "pw-kim-67890"}
	err = r.api.Call(t.Context(), "ChangePassword", in, new(struct{}))
	if !errors.Is(err, cognitosrp.ErrLimitExceeded) {
		t.Errorf("first: %v, want ErrLimitExceeded", err)
	}
	err = r.api.Call(t.Context(), "ChangePassword", in, new(struct{}))
	wantAPIError(t, err, "InvalidPasswordException", "")
	if err := r.api.Call(t.Context(), "ChangePassword", in, new(struct{})); err != nil {
		t.Fatal(err)
	}
	login(t, srv, "kim", "pw-kim-67890").Close()
}

// TestTokenActionsCheckTheAccessToken: ListDevices,
// SetUserMFAPreference and ChangePassword are refused for a missing,
// malformed, expired or revoked access token with the messages of the
// other actions an access token authorizes, and change nothing.
func TestTokenActionsCheckTheAccessToken(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "gina", Password: "pw-gina-1234", Attributes: map[string]string{"phone_number": "+15555550102"}})
	r := newRaw(t, srv)
	tok := expectTokens(t)(r.srpLogin("gina", "pw-gina-1234", nil))
	try := func(token, typ, msg string) {
		t.Helper()
		for action, in := range map[string]map[string]any{
			"ListDevices":          {"AccessToken": token},
			"SetUserMFAPreference": {"AccessToken": token, "SMSMfaSettings": map[string]bool{"Enabled": true, "PreferredMfa": true}},
			"ChangePassword":       {"AccessToken": token, "PreviousPassword": "pw-gina-1234", "ProposedPassword": "pw-gina-5678"},
		} {
			if token == "" {
				delete(in, "AccessToken")
			}
			_, err := r.call(action, in)
			if ae := apiError(t, err); ae.Type != typ || !strings.Contains(ae.Message, msg) {
				t.Errorf("%s: %v, want %s %q", action, err, typ, msg)
			}
		}
		if u, _ := srv.User("gina"); u.SMSMFA || u.Password != "pw-gina-1234" {
			t.Fatal("a refused request changed the user")
		}
	}
	try("", "InvalidParameterException", "Value at 'accessToken' failed to satisfy constraint: Member must not be null")
	try(tok.IdToken, "NotAuthorizedException", "Invalid Access Token")
	try("garbage", "NotAuthorizedException", "Invalid Access Token")
	srv.Advance(2 * time.Hour)
	try(tok.AccessToken, "NotAuthorizedException", "Access Token has expired")
	srv.Advance(-2 * time.Hour)
	if err := srv.SignOut("gina"); err != nil {
		t.Fatal(err)
	}
	try(tok.AccessToken, "NotAuthorizedException", "Access Token has been revoked")
}
