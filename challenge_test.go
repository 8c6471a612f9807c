// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
)

func TestNewChallengeDecodes(t *testing.T) {
	out := &AuthOutput{
		ChallengeName: ChallengeNewPasswordRequired,
		ChallengeParameters: map[string]string{
			"userAttributes":     `{"email":"a@example.com","email_verified":"true","custom:n":7}`,
			"requiredAttributes": `["userAttributes.name","userAttributes.custom:team"]`,
		},
		Session: "s",
	}
	c := newChallenge(out, "uuid")
	if c.Name != ChallengeNewPasswordRequired || c.Username != "uuid" {
		t.Errorf("name %s, user %s", c.Name, c.Username)
	}
	if !slices.Equal(c.RequiredAttributes, []string{"name", "custom:team"}) {
		t.Errorf("RequiredAttributes = %v", c.RequiredAttributes)
	}
	// Non-string values are skipped, not a failure.
	if !maps.Equal(c.UserAttributes, map[string]string{"email": "a@example.com", "email_verified": "true"}) {
		t.Errorf("UserAttributes = %v", c.UserAttributes)
	}
	// The handler gets a copy: changing it does not change the output.
	c.Parameters["userAttributes"] = "x"
	if out.ChallengeParameters["userAttributes"] == "x" {
		t.Error("Parameters aliases the response")
	}

	c = newChallenge(&AuthOutput{ChallengeName: ChallengeSelectMFAType, ChallengeParameters: map[string]string{
		"MFAS_CAN_CHOOSE": `["SMS_MFA","SOFTWARE_TOKEN_MFA","EMAIL_OTP"]`,
	}}, "u")
	if !slices.Equal(c.MFAOptions, []string{"SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP"}) {
		t.Errorf("MFAOptions = %v", c.MFAOptions)
	}
	c = newChallenge(&AuthOutput{ChallengeName: ChallengeSMSMFA, ChallengeParameters: map[string]string{
		"CODE_DELIVERY_DELIVERY_MEDIUM": "SMS", "CODE_DELIVERY_DESTINATION": "+*******0123",
	}}, "u")
	if c.DeliveryMedium != "SMS" || c.DeliveryDestination != "+*******0123" {
		t.Errorf("delivery %q %q", c.DeliveryMedium, c.DeliveryDestination)
	}
	c = newChallenge(&AuthOutput{ChallengeName: ChallengeSelectChallenge, AvailableChallenges: []string{"PASSWORD_SRP"}}, "u")
	if !slices.Equal(c.AvailableChallenges, []string{"PASSWORD_SRP"}) {
		t.Errorf("AvailableChallenges = %v", c.AvailableChallenges)
	}
	c = newChallenge(&AuthOutput{ChallengeName: ChallengeSelectChallenge, ChallengeParameters: map[string]string{
		"AVAILABLE_CHALLENGES": `["EMAIL_OTP"]`,
	}}, "u")
	if !slices.Equal(c.AvailableChallenges, []string{"EMAIL_OTP"}) {
		t.Errorf("AvailableChallenges from parameters = %v", c.AvailableChallenges)
	}
}

// TestNewChallengeMalformed leaves undecodable values empty: a broken
// parameter must not fail (or crash) the decoding of the others.
func TestNewChallengeMalformed(t *testing.T) {
	for _, v := range []string{"", "null", "{", `"str"`, `[1,2]`, `{"a":1}`, "[", `["x"`} {
		c := newChallenge(&AuthOutput{ChallengeName: ChallengeSelectMFAType, ChallengeParameters: map[string]string{
			"MFAS_CAN_CHOOSE": v, "userAttributes": v, "requiredAttributes": v,
			"CODE_DELIVERY_DESTINATION": "d",
		}}, "u")
		if len(c.MFAOptions) != 0 || len(c.RequiredAttributes) != 0 || len(c.UserAttributes) != 0 || c.DeliveryDestination != "d" {
			t.Errorf("%q: decoded %v %v %v", v, c.MFAOptions, c.RequiredAttributes, c.UserAttributes)
		}
	}
}

func TestChallengeAnswerResponses(t *testing.T) {
	for _, v := range []struct {
		name string
		a    ChallengeAnswer
		want map[string]string
	}{
		{ChallengeSMSMFA, ChallengeAnswer{Answer: "1"}, map[string]string{"SMS_MFA_CODE": "1"}},
		{ChallengeSoftwareTokenMFA, ChallengeAnswer{Answer: "2"}, map[string]string{"SOFTWARE_TOKEN_MFA_CODE": "2"}},
		{ChallengeEmailOTP, ChallengeAnswer{Answer: "3"}, map[string]string{"EMAIL_OTP_CODE": "3"}},
		{ChallengeSMSOTP, ChallengeAnswer{Answer: "4"}, map[string]string{"SMS_OTP_CODE": "4"}},
		{"EMAIL_MFA", ChallengeAnswer{Answer: "5"}, map[string]string{"EMAIL_MFA_CODE": "5"}},
		{"SMS_MFA_CODE", ChallengeAnswer{Answer: "6"}, map[string]string{"ANSWER": "6"}},
		{ChallengeSelectMFAType, ChallengeAnswer{Answer: "SMS_MFA"}, map[string]string{"ANSWER": "SMS_MFA"}},
		{ChallengeCustom, ChallengeAnswer{Answer: "42"}, map[string]string{"ANSWER": "42"}},
		{ChallengeSelectChallenge, ChallengeAnswer{Answer: "EMAIL_OTP"}, map[string]string{"ANSWER": "EMAIL_OTP"}},
		{"SOMETHING_NEW", ChallengeAnswer{Answer: "x"}, map[string]string{"ANSWER": "x"}},
		// The API reference's ChallengeName list: WEB_AUTHN is answered
		// "as CREDENTIAL", PASSWORD "as PASSWORD", PASSWORD_SRP "as SRP_A".
		{"WEB_AUTHN", ChallengeAnswer{Answer: `{"id":"c"}`}, map[string]string{"CREDENTIAL": `{"id":"c"}`}},
		{"PASSWORD", ChallengeAnswer{Answer: "pw"}, map[string]string{"PASSWORD": "pw"}},
		{"PASSWORD_SRP", ChallengeAnswer{Answer: "a1"}, map[string]string{"SRP_A": "a1"}},
		{
			ChallengeNewPasswordRequired,
			ChallengeAnswer{Answer: "pw", UserAttributes: map[string]string{"name": "N", "custom:team": "T"}},
			map[string]string{"NEW_PASSWORD": "pw", "userAttributes.name": "N", "userAttributes.custom:team": "T"},
		},
		{
			ChallengeCustom,
			ChallengeAnswer{Answer: "a", Responses: map[string]string{"EXTRA": "e", "ANSWER": "overridden"}},
			map[string]string{"ANSWER": "a", "EXTRA": "e"},
		},
		{ChallengeCustom, ChallengeAnswer{Responses: map[string]string{"ANSWER": "raw"}}, map[string]string{"ANSWER": "raw"}},
	} {
		if got := v.a.responses(v.name); !maps.Equal(got, v.want) {
			t.Errorf("%s %v: responses = %v, want %v", v.name, v.a.Answer, got, v.want)
		}
	}
}

func TestChallengeHandlers(t *testing.T) {
	ctx := t.Context()
	var calls []string
	h := func(name string, a *ChallengeAnswer, err error) ChallengeHandler {
		return ChallengeHandlerFunc(func(context.Context, *Challenge) (*ChallengeAnswer, error) {
			calls = append(calls, name)
			return a, err
		})
	}
	boom := errors.New("boom")
	a, err := ChallengeHandlers{nil, h("decline", nil, nil), h("empty", &ChallengeAnswer{}, nil), h("answer", &ChallengeAnswer{Answer: "x"}, nil), h("never", nil, nil)}.
		HandleChallenge(ctx, &Challenge{Name: ChallengeCustom})
	if err != nil || a == nil || a.Answer != "x" || !slices.Equal(calls, []string{"decline", "empty", "answer"}) {
		t.Errorf("got %v, %v after %v", a, err, calls)
	}
	// An answer with nothing but Responses, or UserAttributes, answers: a
	// custom challenge may take all it needs from Responses.
	for _, want := range []*ChallengeAnswer{
		{Responses: map[string]string{"ANSWER": "r"}},
		{UserAttributes: map[string]string{"name": "N"}},
	} {
		calls = nil
		a, err := ChallengeHandlers{h("empty", &ChallengeAnswer{}, nil), h("answer", want, nil), h("never", nil, nil)}.
			HandleChallenge(ctx, &Challenge{Name: ChallengeCustom})
		if err != nil || a != want || !slices.Equal(calls, []string{"empty", "answer"}) {
			t.Errorf("answer of %d responses, %d attributes: got %v, %v after %v", len(want.Responses), len(want.UserAttributes), a, err, calls)
		}
	}
	calls = nil
	if _, err := (ChallengeHandlers{h("fail", nil, boom), h("never", nil, nil)}).HandleChallenge(ctx, &Challenge{}); err != boom || len(calls) != 1 {
		t.Errorf("err = %v after %v", err, calls)
	}
	if a, err := (ChallengeHandlers{}).HandleChallenge(ctx, &Challenge{}); a != nil || err != nil {
		t.Errorf("empty list: %v, %v", a, err)
	}
}

func TestNewPasswordHandler(t *testing.T) {
	h := NewPassword{Password: "pw", Attributes: map[string]string{"name": "N"}}
	a, err := h.HandleChallenge(t.Context(), &Challenge{Name: ChallengeNewPasswordRequired})
	if err != nil || a.Answer != "pw" || a.UserAttributes["name"] != "N" {
		t.Errorf("answer %v, %v", a, err)
	}
	for _, c := range []*Challenge{{Name: ChallengeSMSMFA}, {Name: ChallengeCustom}} {
		if a, err := h.HandleChallenge(t.Context(), c); a != nil || err != nil {
			t.Errorf("%s: %v, %v", c.Name, a, err)
		}
	}
	if a, _ := (NewPassword{}).HandleChallenge(t.Context(), &Challenge{Name: ChallengeNewPasswordRequired}); a != nil {
		t.Error("an empty NewPassword answered")
	}
}

// TestChallengeErrorUnansweredNotUnsupported: a challenge the package
// answers through a ChallengeHandler (a new password, an MFA code), or
// itself (device SRP), when it went unanswered, is not called
// unsupported: a user who set no ChallengeHandler was told
// NEW_PASSWORD_REQUIRED was, and looked no further than the message.
// MFA_SETUP, which no handler is asked, is (TestChallengeErrorUnwrap).
// It also names the handler of this package that answers the challenge,
// where there is one: "unanswered challenge SOFTWARE_TOKEN_MFA" alone did
// not tell a user who set no ChallengeHandler that TOTP exists.
func TestChallengeErrorUnansweredNotUnsupported(t *testing.T) {
	for name, hint := range map[string]string{
		ChallengeNewPasswordRequired: "; cognitosrp.NewPassword does",
		ChallengeSoftwareTokenMFA:    "; cognitosrp.TOTP does",
		ChallengeSelectMFAType:       "; cognitosrp.TOTP does",
		ChallengeSMSMFA:              "",
		ChallengeCustom:              "",
	} {
		msg := (&ChallengeError{ChallengeName: name}).Error()
		if want := "cognitosrp: unanswered challenge " + name + " (no ChallengeHandler answered it" + hint + ")"; msg != want {
			t.Errorf("Error() = %q, want %q", msg, want)
		}
	}
	// The SRP steps, a remembered device's included, are never put to a
	// ChallengeHandler: saying none answered would send users to write
	// one that is never asked.
	for _, name := range []string{ChallengePasswordVerifier, ChallengeDeviceSRPAuth, ChallengeDevicePasswordVerifier} {
		msg := (&ChallengeError{ChallengeName: name}).Error()
		if want := "cognitosrp: unanswered challenge " + name; msg != want {
			t.Errorf("Error() = %q, want %q", msg, want)
		}
	}
}

func TestChallengeErrorUnwrap(t *testing.T) {
	inner := fmt.Errorf("prompt: %w", context.Canceled)
	e := &ChallengeError{ChallengeName: ChallengeSMSMFA, Session: "sess-secret", Err: inner}
	if !errors.Is(e, context.Canceled) || e.Error() != "cognitosrp: challenge SMS_MFA: prompt: context canceled" {
		t.Errorf("Error() = %q, Is(Canceled) = %v", e.Error(), errors.Is(e, context.Canceled))
	}
	if e := (&ChallengeError{ChallengeName: ChallengeMFASetup}); e.Error() != "cognitosrp: unsupported challenge MFA_SETUP" {
		t.Errorf("Error() = %q", e.Error())
	}
	// The name is the server's text: no control character of it, and a
	// bounded part, reaches the caller's logs.
	hostile := HostileText
	for _, e := range []*ChallengeError{{ChallengeName: hostile}, {ChallengeName: hostile, Err: inner}} {
		if msg := e.Error(); !Printable(msg) || len(msg) > 200 {
			t.Errorf("Error() = %.80q…, %d bytes", msg, len(msg))
		}
	}
}

// TestSelectChallengePasswordSRPByHandler: ChallengeAnswer's doc says that
// for a SELECT_CHALLENGE answered "PASSWORD_SRP" the login adds SRP_A.
// When the choices do not list PASSWORD_SRP, the login does not pick it
// itself and the handler chooses; its choice must still carry the SRP_A of
// InitiateAuth, which the PASSWORD_VERIFIER that follows is computed on.
func TestSelectChallengePasswordSRPByHandler(t *testing.T) {
	f := newFake(t)
	var a string
	f.then(
		sfInitiate(FlowUserAuth, map[string]string{"USERNAME": fxLogin, "SRP_A": "*", "PREFERRED_CHALLENGE": ChallengePasswordSRP}, "",
			func(f *scriptFake, p map[string]string) (int, any) {
				a = p["SRP_A"]
				out := sfChallenge(ChallengeSelectChallenge, map[string]string{}, f.session())
				out["AvailableChallenges"] = []string{"EMAIL_OTP"}
				return 200, out
			}),
		sfRespond(ChallengeSelectChallenge, map[string]string{"USERNAME": fxLogin, "ANSWER": ChallengePasswordSRP, "SRP_A": "*"}, "",
			func(f *scriptFake, r map[string]string) (int, any) {
				if r["SRP_A"] != a {
					f.t.Error("SELECT_CHALLENGE: SRP_A differs from the InitiateAuth one")
				}
				return sfPasswordVerifier(f, r)
			}),
		sfRespond(ChallengePasswordVerifier, claimKeys, "", sfClaim(sfTokens(nil))),
	)
	cfg := sfServe(t, f)
	cfg.AuthFlow = FlowUserAuth
	var asked []string
	cfg.ChallengeHandler = ChallengeHandlerFunc(func(ctx context.Context, c *Challenge) (*ChallengeAnswer, error) {
		asked = append(asked, c.Name)
		return &ChallengeAnswer{Answer: ChallengePasswordSRP}, nil
	})
	if err := mustSession(t, cfg).Authenticate(t.Context(), f.password); err != nil {
		t.Fatal(err)
	}
	if len(asked) != 1 || asked[0] != ChallengeSelectChallenge {
		t.Fatalf("handler asked %v", asked)
	}
}
