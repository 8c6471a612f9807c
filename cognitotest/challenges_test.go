// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"encoding/json"
	"errors"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// expectChallenge returns a check that a step answered with the challenge
// name; it takes the step's two results directly.
func expectChallenge(t *testing.T, name string) func(*cognitosrp.AuthOutput, error) *cognitosrp.AuthOutput {
	return func(out *cognitosrp.AuthOutput, err error) *cognitosrp.AuthOutput {
		t.Helper()
		if err != nil {
			t.Fatalf("want challenge %s, got error %v", name, err)
		}
		if out.ChallengeName != name || out.Session == "" {
			t.Fatalf("challenge = %q (session %t), want %s", out.ChallengeName, out.Session != "", name)
		}
		return out
	}
}

// expectTokens returns a check that a step ended the login.
func expectTokens(t *testing.T) func(*cognitosrp.AuthOutput, error) *cognitosrp.AuthenticationResult {
	return func(out *cognitosrp.AuthOutput, err error) *cognitosrp.AuthenticationResult {
		t.Helper()
		if err != nil {
			t.Fatalf("want tokens, got error %v", err)
		}
		if out.AuthenticationResult == nil || out.AuthenticationResult.AccessToken == "" {
			t.Fatalf("want tokens, got challenge %q", out.ChallengeName)
		}
		return out.AuthenticationResult
	}
}

func TestRootSessionReportsChallenge(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123", SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}})
	sess, _ := cognitosrp.NewSession(srv.SessionConfig(), "alice")
	err := sess.Authenticate(t.Context(), "pw-alice-123")
	var ce *cognitosrp.ChallengeError
	if !errors.As(err, &ce) || ce.ChallengeName != "SMS_MFA" {
		t.Fatalf("Authenticate = %v, want a ChallengeError for SMS_MFA", err)
	}
}

func TestNewPasswordRequired(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{ClientSecret: "np"})
	u := addUser(t, srv, cognitotest.User{
		Aliases: []string{"new@example.com"}, Password: "temporary1",
		ForceNewPassword: true, RequiredAttributes: []string{"name"},
	})
	r := newRaw(t, srv)
	ch := expectChallenge(t, "NEW_PASSWORD_REQUIRED")(r.srpLogin("new@example.com", "temporary1", nil))
	var required []string
	var attrs map[string]string
	if err := json.Unmarshal([]byte(ch.ChallengeParameters["requiredAttributes"]), &required); err != nil || len(required) != 1 || required[0] != "userAttributes.name" {
		t.Fatalf("requiredAttributes = %q", ch.ChallengeParameters["requiredAttributes"])
	}
	if err := json.Unmarshal([]byte(ch.ChallengeParameters["userAttributes"]), &attrs); err != nil || attrs["email"] != "new@example.com" {
		t.Fatalf("userAttributes = %q", ch.ChallengeParameters["userAttributes"])
	}
	answer := r.withHash(map[string]string{"USERNAME": u.Sub, "NEW_PASSWORD": "short"}, u.Sub)
	_, err := r.respond("NEW_PASSWORD_REQUIRED", ch.Session, answer)
	wantAPIError(t, err, "InvalidPasswordException", "Password not long enough")
	// The policy's minimum counts characters, as Cognito's does: four
	// letters are short in any script, though "äöüß" is eight bytes.
	ch = expectChallenge(t, "NEW_PASSWORD_REQUIRED")(r.srpLogin("new@example.com", "temporary1", nil))
	answer["NEW_PASSWORD"] = "äöüß"
	_, err = r.respond("NEW_PASSWORD_REQUIRED", ch.Session, answer)
	wantAPIError(t, err, "InvalidPasswordException", "Password not long enough")

	ch = expectChallenge(t, "NEW_PASSWORD_REQUIRED")(r.srpLogin("new@example.com", "temporary1", nil))
	answer["NEW_PASSWORD"] = "a much better password"
	_, err = r.respond("NEW_PASSWORD_REQUIRED", ch.Session, answer)
	wantAPIError(t, err, "InvalidParameterException", "name is missing")

	// The user's e-mail address sent back, as the challenge listed it, is
	// refused: the user has one.
	ch = expectChallenge(t, "NEW_PASSWORD_REQUIRED")(r.srpLogin("new@example.com", "temporary1", nil))
	answer["userAttributes.name"] = "Newton"
	answer["userAttributes.email"] = "new@example.com"
	_, err = r.respond("NEW_PASSWORD_REQUIRED", ch.Session, answer)
	wantAPIError(t, err, "NotAuthorizedException", "Cannot modify an already provided email")

	// So are the verified flags, even unchanged.
	delete(answer, "userAttributes.email")
	for _, a := range []string{"email_verified", "phone_number_verified"} {
		ch = expectChallenge(t, "NEW_PASSWORD_REQUIRED")(r.srpLogin("new@example.com", "temporary1", nil))
		answer["userAttributes."+a] = "false"
		_, err = r.respond("NEW_PASSWORD_REQUIRED", ch.Session, answer)
		wantAPIError(t, err, "InvalidParameterException", "Cannot modify the non-mutable attribute "+a)
		delete(answer, "userAttributes."+a)
	}

	ch = expectChallenge(t, "NEW_PASSWORD_REQUIRED")(r.srpLogin("new@example.com", "temporary1", nil))
	expectTokens(t)(r.respond("NEW_PASSWORD_REQUIRED", ch.Session, answer))

	// The new password now logs in directly; the old one does not.
	login(t, srv, "new@example.com", "a much better password")
	if got, _ := srv.User(u.Sub); got.Attributes["name"] != "Newton" || got.ForceNewPassword {
		t.Errorf("user after the new password: %+v %v", got, got.Attributes)
	}
	sess, _ := cognitosrp.NewSession(srv.SessionConfig(), "new@example.com")
	if err := sess.Authenticate(t.Context(), "temporary1"); !errors.Is(err, cognitosrp.ErrNotAuthorized) {
		t.Errorf("old password: %v", err)
	}
}

func TestSMSAndEmailMFA(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "sms", Password: "pw-sms-1234", SMSMFA: true,
		Attributes: map[string]string{"phone_number": "+15555551234"}})
	addUser(t, srv, cognitotest.User{Username: "mail", Password: "pw-mail-1234", EmailOTP: true, MFACode: "654321",
		Attributes: map[string]string{"email": "mail@example.com"}})
	r := newRaw(t, srv)

	ch := expectChallenge(t, "SMS_MFA")(r.srpLogin("sms", "pw-sms-1234", nil))
	if ch.ChallengeParameters["CODE_DELIVERY_DESTINATION"] != "+*******1234" || ch.ChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"] != "SMS" {
		t.Errorf("SMS_MFA parameters = %v", ch.ChallengeParameters)
	}
	// A wrong code leaves the session usable for another try.
	// Worded as Cognito words a wrong code it sent (amplify-js issues 3066
	// and 11069), not as a wrong authenticator app code.
	_, err := r.respond("SMS_MFA", ch.Session, map[string]string{"USERNAME": "sms", "SMS_MFA_CODE": "000000"})
	wantAPIError(t, err, "CodeMismatchException", "Invalid code or auth state for the user.")
	expectTokens(t)(r.respond("SMS_MFA", ch.Session, map[string]string{"USERNAME": "sms", "SMS_MFA_CODE": cognitotest.DefaultMFACode}))

	ch = expectChallenge(t, "EMAIL_OTP")(r.srpLogin("mail", "pw-mail-1234", nil))
	if ch.ChallengeParameters["CODE_DELIVERY_DESTINATION"] != "m***@e***" || ch.ChallengeParameters["CODE_DELIVERY_DELIVERY_MEDIUM"] != "EMAIL" {
		t.Errorf("EMAIL_OTP parameters = %v", ch.ChallengeParameters)
	}
	_, err = r.respond("EMAIL_OTP", ch.Session, map[string]string{"USERNAME": "mail", "EMAIL_OTP_CODE": cognitotest.DefaultMFACode})
	wantAPIError(t, err, "CodeMismatchException", "Invalid code or auth state for the user.")
	expectTokens(t)(r.respond("EMAIL_OTP", ch.Session, map[string]string{"USERNAME": "mail", "EMAIL_OTP_CODE": "654321"}))

	// Three wrong codes spend the session.
	ch = expectChallenge(t, "SMS_MFA")(r.srpLogin("sms", "pw-sms-1234", nil))
	for range 3 {
		r.respond("SMS_MFA", ch.Session, map[string]string{"USERNAME": "sms", "SMS_MFA_CODE": "999999"})
	}
	_, err = r.respond("SMS_MFA", ch.Session, map[string]string{"USERNAME": "sms", "SMS_MFA_CODE": cognitotest.DefaultMFACode})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session")
}

// TestSMSMFAWithoutPhone: a login whose second factor is SMS, for a user
// without a phone number, fails with MFAMethodNotFoundException, the only
// factor or the one chosen at SELECT_MFA_TYPE; the other factor chosen
// there still passes.
func TestSMSMFAWithoutPhone(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "nophone", Password: "pw-nophone-1", SMSMFA: true})
	addUser(t, srv, cognitotest.User{Username: "both", Password: "pw-both-1234", SMSMFA: true, SoftwareTokenMFA: true})
	r := newRaw(t, srv)

	_, err := r.srpLogin("nophone", "pw-nophone-1", nil)
	wantAPIError(t, err, "MFAMethodNotFoundException", "No MFA mechanism registerd in the account.")

	ch := expectChallenge(t, "SELECT_MFA_TYPE")(r.srpLogin("both", "pw-both-1234", nil))
	_, err = r.respond("SELECT_MFA_TYPE", ch.Session, map[string]string{"USERNAME": "both", "ANSWER": "SMS_MFA"})
	wantAPIError(t, err, "MFAMethodNotFoundException", "")
	ch = expectChallenge(t, "SELECT_MFA_TYPE")(r.srpLogin("both", "pw-both-1234", nil))
	ch = expectChallenge(t, "SOFTWARE_TOKEN_MFA")(r.respond("SELECT_MFA_TYPE", ch.Session, map[string]string{"USERNAME": "both", "ANSWER": "SOFTWARE_TOKEN_MFA"}))
	expectTokens(t)(r.respond("SOFTWARE_TOKEN_MFA", ch.Session, map[string]string{"USERNAME": "both", "SOFTWARE_TOKEN_MFA_CODE": cognitotest.DefaultMFACode}))
}

func TestSoftwareTokenMFAAndSelection(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	srv.SetClock(func() time.Time { return now })
	addUser(t, srv, cognitotest.User{Username: "both", Password: "pw-both-1234", SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}, TOTPSecret: secret, MFACode: "-"})
	r := newRaw(t, srv)
	r.now = srv.Now

	ch := expectChallenge(t, "SELECT_MFA_TYPE")(r.srpLogin("both", "pw-both-1234", nil))
	var can []string
	json.Unmarshal([]byte(ch.ChallengeParameters["MFAS_CAN_CHOOSE"]), &can)
	if len(can) != 2 || can[0] != "SMS_MFA" || can[1] != "SOFTWARE_TOKEN_MFA" {
		t.Fatalf("MFAS_CAN_CHOOSE = %q", ch.ChallengeParameters["MFAS_CAN_CHOOSE"])
	}
	_, err := r.respond("SELECT_MFA_TYPE", ch.Session, map[string]string{"USERNAME": "both", "ANSWER": "EMAIL_OTP"})
	wantAPIError(t, err, "InvalidParameterException", "")

	ch = expectChallenge(t, "SELECT_MFA_TYPE")(r.srpLogin("both", "pw-both-1234", nil))
	ch = expectChallenge(t, "SOFTWARE_TOKEN_MFA")(r.respond("SELECT_MFA_TYPE", ch.Session, map[string]string{"USERNAME": "both", "ANSWER": "SOFTWARE_TOKEN_MFA"}))
	stale, _ := (cognitosrp.TOTP{Secret: secret}).Code(now.Add(-2 * time.Minute))
	_, err = r.respond("SOFTWARE_TOKEN_MFA", ch.Session, map[string]string{"USERNAME": "both", "SOFTWARE_TOKEN_MFA_CODE": stale})
	wantAPIError(t, err, "CodeMismatchException", "Invalid code received for user")
	code, _ := (cognitosrp.TOTP{Secret: secret}).Code(now.Add(-30 * time.Second)) // one step of drift is allowed
	expectTokens(t)(r.respond("SOFTWARE_TOKEN_MFA", ch.Session, map[string]string{"USERNAME": "both", "SOFTWARE_TOKEN_MFA_CODE": code}))
}

func TestMFASetup(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "setup", Password: "pw-setup-123", MFASetup: true})
	r := newRaw(t, srv)
	ch := expectChallenge(t, "MFA_SETUP")(r.srpLogin("setup", "pw-setup-123", nil))
	if ch.ChallengeParameters["MFAS_CAN_SETUP"] != `["SOFTWARE_TOKEN_MFA"]` {
		t.Errorf("MFAS_CAN_SETUP = %q", ch.ChallengeParameters["MFAS_CAN_SETUP"])
	}
	var assoc struct{ SecretCode, Session string }
	if err := r.api.Call(t.Context(), "AssociateSoftwareToken", map[string]string{"Session": ch.Session}, &assoc); err != nil {
		t.Fatal(err)
	}
	code, err := (cognitosrp.TOTP{Secret: assoc.SecretCode}).Code(srv.Now())
	if err != nil {
		t.Fatal(err)
	}
	var verified struct{ Status, Session string }
	if err := r.api.Call(t.Context(), "VerifySoftwareToken", map[string]string{"Session": assoc.Session, "UserCode": code}, &verified); err != nil {
		t.Fatal(err)
	}
	if verified.Status != "SUCCESS" {
		t.Fatalf("VerifySoftwareToken = %+v", verified)
	}
	expectTokens(t)(r.respond("MFA_SETUP", verified.Session, map[string]string{"USERNAME": "setup"}))
	// From now on the login asks for the TOTP code, the next one: the
	// one that verified the token is used (TestTOTPCodeOnce).
	ch = expectChallenge(t, "SOFTWARE_TOKEN_MFA")(r.srpLogin("setup", "pw-setup-123", nil))
	srv.Advance(cognitosrp.TOTPPeriod)
	code, _ = (cognitosrp.TOTP{Secret: assoc.SecretCode}).Code(srv.Now())
	expectTokens(t)(r.respond("SOFTWARE_TOKEN_MFA", ch.Session, map[string]string{"USERNAME": "setup", "SOFTWARE_TOKEN_MFA_CODE": code}))
}

// TestTOTPCodeOnce: a TOTP code is taken once. The one that verified the
// token at MFA_SETUP, or with an access token, and the one a login took,
// are refused with ExpiredCodeException, which leaves the Session for the
// next code; a test's fixed MFACode is not a TOTP code and stays valid.
func TestTOTPCodeOnce(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	srv.SetClock(func() time.Time { return now })
	addUser(t, srv, cognitotest.User{Username: "setup", Password: "pw-setup-123", MFASetup: true})
	addUser(t, srv, cognitotest.User{Username: "fixed", Password: "pw-fixed-123", SoftwareTokenMFA: true})
	r := newRaw(t, srv)
	r.now = srv.Now
	answer := func(user, session, code string) (*cognitosrp.AuthOutput, error) {
		return r.respond("SOFTWARE_TOKEN_MFA", session, map[string]string{"USERNAME": user, "SOFTWARE_TOKEN_MFA_CODE": code})
	}

	ch := expectChallenge(t, "MFA_SETUP")(r.srpLogin("setup", "pw-setup-123", nil))
	var assoc struct{ SecretCode, Session string }
	if err := r.api.Call(t.Context(), "AssociateSoftwareToken", map[string]string{"Session": ch.Session}, &assoc); err != nil {
		t.Fatal(err)
	}
	totp := cognitosrp.TOTP{Secret: assoc.SecretCode}
	code, _ := totp.Code(now)
	var verified struct{ Status, Session string }
	if err := r.api.Call(t.Context(), "VerifySoftwareToken", map[string]string{"Session": assoc.Session, "UserCode": code}, &verified); err != nil {
		t.Fatal(err)
	}
	tok := expectTokens(t)(r.respond("MFA_SETUP", verified.Session, map[string]string{"USERNAME": "setup"}))

	ch = expectChallenge(t, "SOFTWARE_TOKEN_MFA")(r.srpLogin("setup", "pw-setup-123", nil))
	_, err := answer("setup", ch.Session, code)
	wantAPIError(t, err, "ExpiredCodeException", "")
	// Within the window, the previous step's code is another code.
	now = now.Add(cognitosrp.TOTPPeriod)
	code, _ = totp.Code(now)
	expectTokens(t)(answer("setup", ch.Session, code))

	// The code a login took, again at once and a step later (still in
	// the window).
	ch = expectChallenge(t, "SOFTWARE_TOKEN_MFA")(r.srpLogin("setup", "pw-setup-123", nil))
	_, err = answer("setup", ch.Session, code)
	wantAPIError(t, err, "ExpiredCodeException", "")
	now = now.Add(cognitosrp.TOTPPeriod)
	_, err = answer("setup", ch.Session, code)
	wantAPIError(t, err, "ExpiredCodeException", "")
	next, _ := totp.Code(now)
	expectTokens(t)(answer("setup", ch.Session, next))

	// A new token verified with an access token: its code is used too.
	if err := r.api.Call(t.Context(), "AssociateSoftwareToken", map[string]string{"AccessToken": tok.AccessToken}, &assoc); err != nil {
		t.Fatal(err)
	}
	now = now.Add(cognitosrp.TOTPPeriod)
	totp = cognitosrp.TOTP{Secret: assoc.SecretCode}
	code, _ = totp.Code(now)
	if err := r.api.Call(t.Context(), "VerifySoftwareToken", map[string]string{"AccessToken": tok.AccessToken, "UserCode": code}, &verified); err != nil {
		t.Fatal(err)
	}
	ch = expectChallenge(t, "SOFTWARE_TOKEN_MFA")(r.srpLogin("setup", "pw-setup-123", nil))
	_, err = answer("setup", ch.Session, code)
	wantAPIError(t, err, "ExpiredCodeException", "")

	for range 2 {
		ch = expectChallenge(t, "SOFTWARE_TOKEN_MFA")(r.srpLogin("fixed", "pw-fixed-123", nil))
		expectTokens(t)(answer("fixed", ch.Session, cognitotest.DefaultMFACode))
	}

	// The client's "used already" names no one; the request log says
	// what a suite that logs one TOTP user in from parallel tests does
	// about it, and, though the test set the clock, no word of the
	// machine's clock: the code was the server's.
	used := 0
	for _, req := range srv.Requests() {
		if req.ErrorType != "ExpiredCodeException" {
			continue
		}
		used++
		if !strings.Contains(req.Reason, "a user each") || !strings.Contains(req.Reason, "MFACode") || strings.Contains(req.Reason, "TOTP.Now") {
			t.Errorf("the Reason of a used code: %q", req.Reason)
		}
	}
	if used != 4 {
		t.Errorf("%d ExpiredCodeException in the request log, want 4", used)
	}
}

// TestTOTPFriendlyDeviceName: the SOFTWARE_TOKEN_MFA challenge names the
// token by the FriendlyDeviceName it was verified with, at MFA_SETUP or by
// a signed-in user, whose new token takes its own name; a token given by
// AddUser has the emulator's default name.
func TestTOTPFriendlyDeviceName(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "setup", Password: "pw-setup-123", MFASetup: true})
	addUser(t, srv, cognitotest.User{Username: "given", Password: "pw-given-123", TOTPSecret: "JBSWY3DPEHPK3PXP"})
	r := newRaw(t, srv)
	name := func(user, password string) string {
		t.Helper()
		ch := expectChallenge(t, "SOFTWARE_TOKEN_MFA")(r.srpLogin(user, password, nil))
		return ch.ChallengeParameters["FRIENDLY_DEVICE_NAME"]
	}

	ch := expectChallenge(t, "MFA_SETUP")(r.srpLogin("setup", "pw-setup-123", nil))
	var assoc struct{ SecretCode, Session string }
	if err := r.api.Call(t.Context(), "AssociateSoftwareToken", map[string]string{"Session": ch.Session}, &assoc); err != nil {
		t.Fatal(err)
	}
	code, _ := (cognitosrp.TOTP{Secret: assoc.SecretCode}).Code(srv.Now())
	var verified struct{ Status, Session string }
	if err := r.api.Call(t.Context(), "VerifySoftwareToken", map[string]string{"Session": assoc.Session, "UserCode": code,
		"FriendlyDeviceName": "Work phone"}, &verified); err != nil {
		t.Fatal(err)
	}
	tok := expectTokens(t)(r.respond("MFA_SETUP", verified.Session, map[string]string{"USERNAME": "setup"}))
	if got := name("setup", "pw-setup-123"); got != "Work phone" {
		t.Errorf("after MFA_SETUP: FRIENDLY_DEVICE_NAME = %q, want Work phone", got)
	}

	if err := r.api.Call(t.Context(), "AssociateSoftwareToken", map[string]string{"AccessToken": tok.AccessToken}, &assoc); err != nil {
		t.Fatal(err)
	}
	code, _ = (cognitosrp.TOTP{Secret: assoc.SecretCode}).Code(srv.Now())
	if err := r.api.Call(t.Context(), "VerifySoftwareToken", map[string]string{"AccessToken": tok.AccessToken, "UserCode": code,
		"FriendlyDeviceName": "Tablet"}, &verified); err != nil {
		t.Fatal(err)
	}
	if got := name("setup", "pw-setup-123"); got != "Tablet" {
		t.Errorf("after a new token: FRIENDLY_DEVICE_NAME = %q, want Tablet", got)
	}
	if got := name("given", "pw-given-123"); got != "TOTP device" {
		t.Errorf("a token AddUser gave: FRIENDLY_DEVICE_NAME = %q, want TOTP device", got)
	}
}

func TestCustomAuth(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "cus", Password: "pw-cus-1234", SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"},
		CustomChallenge: map[string]string{"question": "colour?"}, CustomAnswer: "blue"})
	addUser(t, srv, cognitotest.User{Username: "plain", Password: "pw-plain-123"})
	r := newRaw(t, srv)

	// CUSTOM_AUTH with SRP first: PASSWORD_VERIFIER, then the question.
	srp, _ := cognitosrp.NewSRP(r.poolName(), nil)
	ch := expectChallenge(t, "PASSWORD_VERIFIER")(r.initiate("CUSTOM_AUTH", map[string]string{"USERNAME": "cus", "SRP_A": srp.A(), "CHALLENGE_NAME": "SRP_A"}))
	ch = expectChallenge(t, "CUSTOM_CHALLENGE")(r.respond("PASSWORD_VERIFIER", ch.Session, r.claim(srp, ch, "pw-cus-1234")))
	if ch.ChallengeParameters["question"] != "colour?" || ch.ChallengeParameters["USERNAME"] != "cus" {
		t.Errorf("CUSTOM_CHALLENGE parameters = %v", ch.ChallengeParameters)
	}
	expectTokens(t)(r.respond("CUSTOM_CHALLENGE", ch.Session, map[string]string{"USERNAME": "cus", "ANSWER": "blue"}))

	// Without SRP: straight to the question; a wrong answer fails.
	ch = expectChallenge(t, "CUSTOM_CHALLENGE")(r.initiate("CUSTOM_AUTH", map[string]string{"USERNAME": "cus"}))
	_, err := r.respond("CUSTOM_CHALLENGE", ch.Session, map[string]string{"USERNAME": "cus", "ANSWER": "red"})
	wantAPIError(t, err, "NotAuthorizedException", "")

	_, err = r.initiate("CUSTOM_AUTH", map[string]string{"USERNAME": "plain"})
	wantAPIError(t, err, "InvalidParameterException", "Custom auth")
	// Nor with SRP first: a user without CustomAnswer cannot use
	// CUSTOM_AUTH at all (else an empty ANSWER would pass the challenge).
	srp, _ = cognitosrp.NewSRP(r.poolName(), nil)
	_, err = r.initiate("CUSTOM_AUTH", map[string]string{"USERNAME": "plain", "SRP_A": srp.A(), "CHALLENGE_NAME": "SRP_A"})
	wantAPIError(t, err, "InvalidParameterException", "Custom auth")
}

// TestCustomAuthSRPNeedsChallengeName: CUSTOM_AUTH starts with SRP only
// when AuthParameters say CHALLENGE_NAME=SRP_A, as Cognito (and the
// official JavaScript client, which sends it) has it; an SRP_A alone leaves
// the flow at its custom challenge, so a client that forgets the name does
// not pass here and fail on Cognito.
func TestCustomAuthSRPNeedsChallengeName(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "cus", Password: "pw-cus-1234",
		CustomChallenge: map[string]string{"question": "colour?"}, CustomAnswer: "blue"})
	r := newRaw(t, srv)

	srp, _ := cognitosrp.NewSRP(r.poolName(), nil)
	expectChallenge(t, "CUSTOM_CHALLENGE")(r.initiate("CUSTOM_AUTH", map[string]string{"USERNAME": "cus", "SRP_A": srp.A()}))
	_, err := r.initiate("CUSTOM_AUTH", map[string]string{"USERNAME": "cus", "CHALLENGE_NAME": "SRP_A"})
	wantAPIError(t, err, "InvalidParameterException", "SRP_A")
}

func TestUserAuthFlow(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "ua", Password: "pw-ua-12345"})
	r := newRaw(t, srv)

	// PREFERRED_CHALLENGE=PASSWORD_SRP goes straight to PASSWORD_VERIFIER.
	srp, _ := cognitosrp.NewSRP(r.poolName(), nil)
	ch := expectChallenge(t, "PASSWORD_VERIFIER")(r.initiate("USER_AUTH", map[string]string{"USERNAME": "ua", "PREFERRED_CHALLENGE": "PASSWORD_SRP", "SRP_A": srp.A()}))
	expectTokens(t)(r.respond("PASSWORD_VERIFIER", ch.Session, r.claim(srp, ch, "pw-ua-12345")))

	// PREFERRED_CHALLENGE=PASSWORD checks the password in clear.
	expectTokens(t)(r.initiate("USER_AUTH", map[string]string{"USERNAME": "ua", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "pw-ua-12345"}))
	_, err := r.initiate("USER_AUTH", map[string]string{"USERNAME": "ua", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "wrong"})
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")

	// CUSTOM_CHALLENGE is CUSTOM_AUTH's, not a choice of USER_AUTH, where
	// it would skip the password.
	_, err = r.initiate("USER_AUTH", map[string]string{"USERNAME": "ua", "PREFERRED_CHALLENGE": "CUSTOM_CHALLENGE"})
	wantAPIError(t, err, "InvalidParameterException", "Unsupported PREFERRED_CHALLENGE")

	// No preference: SELECT_CHALLENGE, then the choice.
	ch = expectChallenge(t, "SELECT_CHALLENGE")(r.initiate("USER_AUTH", map[string]string{"USERNAME": "ua"}))
	if len(ch.AvailableChallenges) != 2 {
		t.Errorf("AvailableChallenges = %v", ch.AvailableChallenges)
	}
	ch = expectChallenge(t, "PASSWORD_VERIFIER")(r.respond("SELECT_CHALLENGE", ch.Session, map[string]string{"USERNAME": "ua", "ANSWER": "PASSWORD_SRP", "SRP_A": srp.A()}))
	expectTokens(t)(r.respond("PASSWORD_VERIFIER", ch.Session, r.claim(srp, ch, "pw-ua-12345")))
	ch = expectChallenge(t, "SELECT_CHALLENGE")(r.initiate("USER_AUTH", map[string]string{"USERNAME": "ua"}))
	expectTokens(t)(r.respond("SELECT_CHALLENGE", ch.Session, map[string]string{"USERNAME": "ua", "ANSWER": "PASSWORD", "PASSWORD": "pw-ua-12345"}))
}

func TestUserPasswordAuth(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{AuthFlows: []string{cognitotest.AllowUserPasswordAuth, cognitotest.AllowRefreshTokenAuth}})
	addUser(t, srv, cognitotest.User{Username: "up", Password: "pw-up-12345"})
	r := newRaw(t, srv)
	expectTokens(t)(r.initiate("USER_PASSWORD_AUTH", map[string]string{"USERNAME": "up", "PASSWORD": "pw-up-12345"}))
	_, err := r.initiate("USER_PASSWORD_AUTH", map[string]string{"USERNAME": "up", "PASSWORD": "pw-up-1234"})
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	// This client does not allow SRP.
	sess, _ := cognitosrp.NewSession(srv.SessionConfig(), "up")
	wantAPIError(t, sess.Authenticate(t.Context(), "pw-up-12345"), "InvalidParameterException", "USER_SRP_AUTH flow not enabled")
}

// TestPreferredMFA: User's doc says a user with more than one second factor
// is asked to choose (SELECT_MFA_TYPE) only without a PreferredMFA among
// them; with one, the login goes straight to that factor. GetUser names
// the preferred factor in PreferredMfaSetting and, without one, leaves the
// member out as Cognito does (aws/aws-sdk-java-v2 issue 4869 quotes such
// an answer: no PreferredMfaSetting, null in the SDK). Sent as "", the
// AWS SDKs hand it over as "" where clients test for null or undefined
// ("getPreferredMfaSetting() != null", aws/aws-sdk-java issue 2701).
func TestPreferredMFA(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	for _, c := range []struct {
		preferred, want string
	}{
		{"", "SELECT_MFA_TYPE"},
		{"SOFTWARE_TOKEN_MFA", "SOFTWARE_TOKEN_MFA"},
		{"EMAIL_OTP", "EMAIL_OTP"},
		{"SMS_MFA", "SMS_MFA"},
	} {
		name := "user-" + c.want
		addUser(t, srv, cognitotest.User{Username: name, Password: "pw-123456",
			SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}, EmailOTP: true, SoftwareTokenMFA: true, PreferredMFA: c.preferred})
		expectChallenge(t, c.want)(newRaw(t, srv).srpLogin(name, "pw-123456", nil))

		res, err := srv.IssueTokens(name)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]json.RawMessage
		if err := newRaw(t, srv).api.Call(t.Context(), "GetUser", map[string]string{"AccessToken": res.AccessToken}, &got); err != nil {
			t.Fatal(err)
		}
		pref, ok := got["PreferredMfaSetting"]
		switch {
		case c.preferred == "" && ok:
			t.Errorf("GetUser of a user without a preferred factor: PreferredMfaSetting %s, want the member left out", pref)
		case c.preferred != "" && string(pref) != `"`+c.preferred+`"`:
			t.Errorf("GetUser of a user preferring %s: PreferredMfaSetting %s", c.preferred, pref)
		}
		if list := string(got["UserMFASettingList"]); list != `["SMS_MFA","SOFTWARE_TOKEN_MFA","EMAIL_OTP"]` {
			t.Errorf("GetUser: UserMFASettingList %s, want the three factors", list)
		}
	}
}

// wrongTOTP returns a six-digit code that no step around now accepts for
// secret.
func wrongTOTP(t *testing.T, secret string, now time.Time) string {
	t.Helper()
	valid := map[string]bool{}
	for _, d := range []time.Duration{-cognitosrp.TOTPPeriod, 0, cognitosrp.TOTPPeriod} {
		c, err := (cognitosrp.TOTP{Secret: secret}).Code(now.Add(d))
		if err != nil {
			t.Fatal(err)
		}
		valid[c] = true
	}
	for _, c := range []string{"000000", "111111", "222222", "333333"} {
		if !valid[c] {
			return c
		}
	}
	panic("unreachable")
}

// TestChallengeAnswerChecks: an answer must name the challenge its Session
// waits for, and a code proves only the factor it was asked for.
func TestChallengeAnswerChecks(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	srv.SetClock(func() time.Time { return now })
	addUser(t, srv, cognitotest.User{Username: "both", Password: "pw-both-1234", SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}, TOTPSecret: secret,
		PreferredMFA: "SMS_MFA", MFACode: "135790"})
	r := newRaw(t, srv)
	r.now = srv.Now

	// The code of SMS_MFA sent as the answer to another challenge.
	ch := expectChallenge(t, "SMS_MFA")(r.srpLogin("both", "pw-both-1234", nil))
	_, err := r.respond("EMAIL_OTP", ch.Session, map[string]string{"USERNAME": "both", "EMAIL_OTP_CODE": "135790"})
	wantAPIError(t, err, "InvalidParameterException", "Invalid challenge name")

	// The authenticator app's code does not answer SMS_MFA.
	totp, _ := (cognitosrp.TOTP{Secret: secret}).Code(now)
	ch = expectChallenge(t, "SMS_MFA")(r.srpLogin("both", "pw-both-1234", nil))
	_, err = r.respond("SMS_MFA", ch.Session, map[string]string{"USERNAME": "both", "SMS_MFA_CODE": totp})
	wantAPIError(t, err, "CodeMismatchException", "")
	expectTokens(t)(r.respond("SMS_MFA", ch.Session, map[string]string{"USERNAME": "both", "SMS_MFA_CODE": "135790"}))
}

// TestUnknownChallengeNameFailsValidation: a ChallengeName outside the
// model's enum fails the protocol's validation, in the words Cognito uses
// for its other enum members, before the request is served: the Session
// survives it, and the right answer then logs in. The emulator used to
// take the Session first and refuse the name in words of its own, so a
// client that retried with the right name found its Session used up.
//
// The enum is written once, in the emulator: the test takes it from the
// refusal and checks it against the challenge names the library knows
// (its Challenge constants, as its testdata/api.txt lists them), and
// ADMIN_NO_SRP_AUTH, the model's name for an admin flow the library never
// answers. It wrote the 16 names out again, in step with nothing.
func TestUnknownChallengeNameFailsValidation(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "sms", Password: "pw-sms-1234", SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}, MFACode: "135790"})
	r := newRaw(t, srv)
	ch := expectChallenge(t, "SMS_MFA")(r.srpLogin("sms", "pw-sms-1234", nil))
	var enum string
	for _, name := range []string{"SMS_MFA_CODE", "sms_mfa", "TOTP"} {
		_, err := r.respond(name, ch.Session, map[string]string{"USERNAME": "sms", "SMS_MFA_CODE": "135790"})
		ae := apiError(t, err)
		prefix := "1 validation error detected: Value '" + name + "' at 'challengeName' failed to satisfy constraint: Member must satisfy enum value set: ["
		list, ok := strings.CutPrefix(ae.Message, prefix)
		list, ok2 := strings.CutSuffix(list, "]")
		if ae.Type != "InvalidParameterException" || !ok || !ok2 || enum != "" && list != enum {
			t.Fatalf("ChallengeName %q:\n got %s %q\nwant InvalidParameterException %q…]", name, ae.Type, ae.Message, prefix)
		}
		enum = list
	}
	expectTokens(t)(r.respond("SMS_MFA", ch.Session, map[string]string{"USERNAME": "sms", "SMS_MFA_CODE": "135790"}))

	api, err := os.ReadFile("../testdata/api.txt")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ADMIN_NO_SRP_AUTH"}
	for _, m := range regexp.MustCompile(`(?m)^pkg cognitosrp, const Challenge\w* = "([A-Z_]+)"$`).FindAllSubmatch(api, -1) {
		want = append(want, string(m[1]))
	}
	if len(want) < 10 {
		t.Fatalf("../testdata/api.txt lists %d challenge constants; update this test with its format", len(want)-1)
	}
	got := strings.Split(enum, ", ")
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("the refusal's enum, sorted: %q\nwant the library's challenge names and ADMIN_NO_SRP_AUTH: %q", got, want)
	}
}

// TestMFASetupChecks: MFA_SETUP ends only after VerifySoftwareToken took a
// code of the new secret; a wrong code leaves the Session for another try;
// AssociateSoftwareToken takes only the Session of MFA_SETUP.
func TestMFASetupChecks(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	srv.SetClock(func() time.Time { return now })
	addUser(t, srv, cognitotest.User{Username: "setup", Password: "pw-setup-123", MFASetup: true})
	addUser(t, srv, cognitotest.User{Username: "sms", Password: "pw-sms-1234", SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}})
	r := newRaw(t, srv)
	r.now = srv.Now

	ch := expectChallenge(t, "SMS_MFA")(r.srpLogin("sms", "pw-sms-1234", nil))
	err := r.api.Call(t.Context(), "AssociateSoftwareToken", map[string]string{"Session": ch.Session}, new(struct{}))
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session")

	ch = expectChallenge(t, "MFA_SETUP")(r.srpLogin("setup", "pw-setup-123", nil))
	_, err = r.respond("MFA_SETUP", ch.Session, map[string]string{"USERNAME": "setup"})
	wantAPIError(t, err, "InvalidParameterException", "not been verified")

	ch = expectChallenge(t, "MFA_SETUP")(r.srpLogin("setup", "pw-setup-123", nil))
	var assoc struct{ SecretCode, Session string }
	if err := r.api.Call(t.Context(), "AssociateSoftwareToken", map[string]string{"Session": ch.Session}, &assoc); err != nil {
		t.Fatal(err)
	}
	_, err = r.respond("MFA_SETUP", assoc.Session, map[string]string{"USERNAME": "setup"})
	wantAPIError(t, err, "InvalidParameterException", "not been verified")

	ch = expectChallenge(t, "MFA_SETUP")(r.srpLogin("setup", "pw-setup-123", nil))
	if err := r.api.Call(t.Context(), "AssociateSoftwareToken", map[string]string{"Session": ch.Session}, &assoc); err != nil {
		t.Fatal(err)
	}
	var verified struct{ Status, Session string }
	err = r.api.Call(t.Context(), "VerifySoftwareToken", map[string]string{"Session": assoc.Session, "UserCode": wrongTOTP(t, assoc.SecretCode, now)}, &verified)
	wantAPIError(t, err, "EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
	code, _ := (cognitosrp.TOTP{Secret: assoc.SecretCode}).Code(now)
	if err := r.api.Call(t.Context(), "VerifySoftwareToken", map[string]string{"Session": assoc.Session, "UserCode": code}, &verified); err != nil {
		t.Fatalf("the right code after a wrong one: %v", err)
	}
	tok := expectTokens(t)(r.respond("MFA_SETUP", verified.Session, map[string]string{"USERNAME": "setup"}))

	// A signed-in user adds an authenticator app the same way.
	if err := r.api.Call(t.Context(), "AssociateSoftwareToken", map[string]string{"AccessToken": tok.AccessToken}, &assoc); err != nil {
		t.Fatal(err)
	}
	err = r.api.Call(t.Context(), "VerifySoftwareToken", map[string]string{"AccessToken": tok.AccessToken, "UserCode": wrongTOTP(t, assoc.SecretCode, now)}, &verified)
	wantAPIError(t, err, "EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
	code, _ = (cognitosrp.TOTP{Secret: assoc.SecretCode}).Code(now)
	if err := r.api.Call(t.Context(), "VerifySoftwareToken", map[string]string{"AccessToken": tok.AccessToken, "UserCode": code}, &verified); err != nil {
		t.Fatal(err)
	}
	if u, _ := srv.User("setup"); u.TOTPSecret != assoc.SecretCode || !u.SoftwareTokenMFA {
		t.Errorf("TOTPSecret = %q, SoftwareTokenMFA = %v, want the new secret, on", u.TOTPSecret, u.SoftwareTokenMFA)
	}

	// A secret verified with an access token by a user who had no second
	// factor is verified, not turned on: the next login asks for no code
	// until SetUserMFAPreference turns TOTP on (Cognito's TOTP guide).
	addUser(t, srv, cognitotest.User{Username: "plain", Password: "pw-plain-123"})
	tok = expectTokens(t)(r.srpLogin("plain", "pw-plain-123", nil))
	if err := r.api.Call(t.Context(), "AssociateSoftwareToken", map[string]string{"AccessToken": tok.AccessToken}, &assoc); err != nil {
		t.Fatal(err)
	}
	code, _ = (cognitosrp.TOTP{Secret: assoc.SecretCode}).Code(now)
	if err := r.api.Call(t.Context(), "VerifySoftwareToken", map[string]string{"AccessToken": tok.AccessToken, "UserCode": code}, &verified); err != nil {
		t.Fatal(err)
	}
	if u, _ := srv.User("plain"); u.SoftwareTokenMFA || u.TOTPSecret != "" {
		t.Errorf("after VerifySoftwareToken with an access token: SoftwareTokenMFA = %v, want off until SetUserMFAPreference", u.SoftwareTokenMFA)
	}
	expectTokens(t)(r.srpLogin("plain", "pw-plain-123", nil))
	if err := r.api.Call(t.Context(), "SetUserMFAPreference", map[string]any{"AccessToken": tok.AccessToken,
		"SoftwareTokenMfaSettings": map[string]bool{"Enabled": true}}, new(struct{})); err != nil {
		t.Fatal(err)
	}
	if u, _ := srv.User("plain"); !u.SoftwareTokenMFA || u.TOTPSecret != assoc.SecretCode {
		t.Errorf("after SetUserMFAPreference: SoftwareTokenMFA = %v, TOTPSecret = %q, want on with the verified secret", u.SoftwareTokenMFA, u.TOTPSecret)
	}
	expectChallenge(t, "SOFTWARE_TOKEN_MFA")(r.srpLogin("plain", "pw-plain-123", nil))
}

// TestNewPasswordKeepsSub: the attributes sent with a new password do not
// change the user's sub, which identifies the user for good.
func TestNewPasswordKeepsSub(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	u := addUser(t, srv, cognitotest.User{Username: "np", Password: "temporary1", ForceNewPassword: true})
	r := newRaw(t, srv)
	ch := expectChallenge(t, "NEW_PASSWORD_REQUIRED")(r.srpLogin("np", "temporary1", nil))
	tok := expectTokens(t)(r.respond("NEW_PASSWORD_REQUIRED", ch.Session, map[string]string{
		"USERNAME": "np", "NEW_PASSWORD": "a much better password", "userAttributes.sub": "someone-else",
	}))
	got, _ := srv.User("np")
	id, err := srv.VerifyIDToken(tok.IdToken)
	if err != nil {
		t.Fatal(err)
	}
	if got.Attributes["sub"] != u.Sub || id.Raw["sub"] != u.Sub {
		t.Errorf("sub after the new password: attribute %q, id token %v, want %q", got.Attributes["sub"], id.Raw["sub"], u.Sub)
	}
}

// TestSMSDestinationMultiByte: CODE_DELIVERY_DESTINATION shows the last
// four characters of the phone number, whole: its last four bytes cut a
// character that takes three, which reached the client as U+FFFD.
func TestSMSDestinationMultiByte(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "sms", Password: "pw-sms-1234", SMSMFA: true,
		Attributes: map[string]string{"phone_number": "+１５５５５５５１２３４"}})
	ch := expectChallenge(t, "SMS_MFA")(newRaw(t, srv).srpLogin("sms", "pw-sms-1234", nil))
	if got, want := ch.ChallengeParameters["CODE_DELIVERY_DESTINATION"], "+*******１２３４"; got != want {
		t.Errorf("CODE_DELIVERY_DESTINATION = %q, want %q", got, want)
	}
}

// TestSMSDestinationShort: a phone number of five characters or fewer is
// masked whole, as the emulator masks it: showing its last four with the
// "+" would show all of it.
func TestSMSDestinationShort(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	for name, phone := range map[string]string{"five": "+1234", "six": "+12345"} {
		addUser(t, srv, cognitotest.User{Username: name, Password: "pw-sms-1234", SMSMFA: true,
			Attributes: map[string]string{"phone_number": phone}})
	}
	for name, want := range map[string]string{"five": "*****", "six": "+*2345"} {
		ch := expectChallenge(t, "SMS_MFA")(newRaw(t, srv).srpLogin(name, "pw-sms-1234", nil))
		if got := ch.ChallengeParameters["CODE_DELIVERY_DESTINATION"]; got != want {
			t.Errorf("CODE_DELIVERY_DESTINATION of %s = %q, want %q", name, got, want)
		}
	}
}

// TestEmailOTPDestinationMultiByte: CODE_DELIVERY_DESTINATION shows the
// first letter of the address's name and domain, whole: the first byte of
// a letter that takes two is not UTF-8, and reached the client as U+FFFD.
func TestEmailOTPDestinationMultiByte(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "mail", Password: "pw-mail-1234", EmailOTP: true,
		Attributes: map[string]string{"email": "élodie@über.example"}})
	ch := expectChallenge(t, "EMAIL_OTP")(newRaw(t, srv).srpLogin("mail", "pw-mail-1234", nil))
	if got := ch.ChallengeParameters["CODE_DELIVERY_DESTINATION"]; got != "é***@ü***" {
		t.Errorf("CODE_DELIVERY_DESTINATION = %q, want %q", got, "é***@ü***")
	}
}
