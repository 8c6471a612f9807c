// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// mfaState is what GetUser says of a user's second factors.
type mfaState struct {
	UserMFASettingList  []string
	PreferredMfaSetting *string
}

func (m mfaState) String() string {
	pref := "none"
	if m.PreferredMfaSetting != nil {
		pref = *m.PreferredMfaSetting
	}
	return strings.Join(m.UserMFASettingList, ",") + " preferred " + pref
}

// mfaUser drives SetUserMFAPreference and GetUser for one user, and its
// logins up to the second factor.
type mfaUser struct {
	t              *testing.T
	r              *raw
	name, password string
	token          string
}

func newMFAUser(t *testing.T, srv *cognitotest.Server, u cognitotest.User) *mfaUser {
	t.Helper()
	addUser(t, srv, u)
	res, err := srv.IssueTokens(u.Username)
	if err != nil {
		t.Fatal(err)
	}
	return &mfaUser{t: t, r: newRaw(t, srv), name: u.Username, password: u.Password, token: res.AccessToken}
}

// set sends SetUserMFAPreference with the settings given, by factor: "on",
// "off", "preferred" (on and preferred), or "on,unpreferred".
func (m *mfaUser) set(settings map[string]string) error {
	in := map[string]any{"AccessToken": m.token}
	for member, s := range settings {
		in[member] = map[string]bool{"Enabled": s != "off", "PreferredMfa": s == "preferred"}
	}
	return m.r.api.Call(m.t.Context(), "SetUserMFAPreference", in, new(struct{}))
}

func (m *mfaUser) mustSet(settings map[string]string) {
	m.t.Helper()
	if err := m.set(settings); err != nil {
		m.t.Fatalf("SetUserMFAPreference(%v): %v", settings, err)
	}
}

func (m *mfaUser) state() mfaState {
	m.t.Helper()
	var out mfaState
	if err := m.r.api.Call(m.t.Context(), "GetUser", map[string]string{"AccessToken": m.token}, &out); err != nil {
		m.t.Fatal(err)
	}
	return out
}

// expect checks GetUser's list and preference and what the next login
// asks after the password ("" for tokens at once).
func (m *mfaUser) expect(list []string, preferred, challenge string) {
	m.t.Helper()
	got := m.state()
	pref := ""
	if got.PreferredMfaSetting != nil {
		pref = *got.PreferredMfaSetting
		if pref == "" {
			m.t.Errorf("GetUser: PreferredMfaSetting sent as \"\"")
		}
	}
	if !slices.Equal(got.UserMFASettingList, list) || pref != preferred {
		m.t.Errorf("GetUser: %v, want %v preferred %q", got, list, preferred)
	}
	out, err := m.r.srpLogin(m.name, m.password, nil)
	if err != nil {
		m.t.Fatalf("login: %v", err)
	}
	if out.ChallengeName != challenge || (challenge == "") != (out.AuthenticationResult != nil) {
		m.t.Errorf("login: challenge %q, want %q", out.ChallengeName, challenge)
	}
}

// TestSetUserMFAPreference: SetUserMFAPreference turns SMS and e-mail
// codes on and off and sets the preferred factor; GetUser's
// UserMFASettingList and PreferredMfaSetting and the challenge of the next
// login follow. Settings left out keep their factor as it was, and a
// refused request changes nothing.
func TestSetUserMFAPreference(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	m := newMFAUser(t, srv, cognitotest.User{Username: "carol", Password: "pw-carol-123",
		Attributes: map[string]string{"phone_number": "+15555550100", "email": "carol@example.com"}})
	m.expect(nil, "", "")

	m.mustSet(map[string]string{"SMSMfaSettings": "on"})
	m.expect([]string{"SMS_MFA"}, "SMS_MFA", "SMS_MFA") // the only factor
	m.mustSet(map[string]string{"EmailMfaSettings": "on"})
	m.expect([]string{"SMS_MFA", "EMAIL_OTP"}, "", "SELECT_MFA_TYPE")
	m.mustSet(map[string]string{"EmailMfaSettings": "preferred"})
	m.expect([]string{"SMS_MFA", "EMAIL_OTP"}, "EMAIL_OTP", "EMAIL_OTP")
	// Another preferred factor takes the place of the first.
	m.mustSet(map[string]string{"SMSMfaSettings": "preferred"})
	m.expect([]string{"SMS_MFA", "EMAIL_OTP"}, "SMS_MFA", "SMS_MFA")

	// Refusals change nothing.
	err := m.set(map[string]string{"SMSMfaSettings": "preferred", "EmailMfaSettings": "preferred"})
	wantAPIError(t, err, "InvalidParameterException", "Only one MFA method")
	err = m.set(map[string]string{"SMSMfaSettings": "off", "SoftwareTokenMfaSettings": "preferred"})
	wantAPIError(t, err, "InvalidParameterException", "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA")
	m.expect([]string{"SMS_MFA", "EMAIL_OTP"}, "SMS_MFA", "SMS_MFA")

	// Sent as not preferred, the preferred factor is preferred no more.
	m.mustSet(map[string]string{"SMSMfaSettings": "on,unpreferred"})
	m.expect([]string{"SMS_MFA", "EMAIL_OTP"}, "", "SELECT_MFA_TYPE")
	// Turned off, the preferred factor is preferred no more, and
	// PreferredMfa on a factor turned off is ignored.
	m.mustSet(map[string]string{"EmailMfaSettings": "preferred"})
	if err := m.r.api.Call(t.Context(), "SetUserMFAPreference", map[string]any{"AccessToken": m.token,
		"EmailMfaSettings": map[string]bool{"Enabled": false, "PreferredMfa": true}}, new(struct{})); err != nil {
		t.Fatal(err)
	}
	m.expect([]string{"SMS_MFA"}, "SMS_MFA", "SMS_MFA")
	m.mustSet(map[string]string{"SMSMfaSettings": "off", "EmailMfaSettings": "off", "SoftwareTokenMfaSettings": "off"})
	m.expect(nil, "", "")
	if u, _ := srv.User("carol"); u.SMSMFA || u.EmailOTP || u.SoftwareTokenMFA || u.PreferredMFA != "" {
		t.Errorf("Server.User after turning all off: %+v", u)
	}
	// An empty request changes nothing either.
	m.mustSet(nil)
	m.expect(nil, "", "")

	// A factor needs where to send its code.
	bare := newMFAUser(t, srv, cognitotest.User{Username: "bare", Password: "pw-bare-1234"})
	err = bare.set(map[string]string{"SMSMfaSettings": "on"})
	wantAPIError(t, err, "InvalidParameterException", "User does not have a phone_number set to turn on SMS MFA")
	err = bare.set(map[string]string{"EmailMfaSettings": "on"})
	wantAPIError(t, err, "InvalidParameterException", "User does not have an email set to turn on EMAIL_OTP")
	bare.expect(nil, "", "")
}

// TestSetUserMFAPreferenceTOTP: TOTP turns on only with a verified
// software token (one associated and not verified is refused), and turned
// off it keeps the token, so that turning it on again asks for codes of
// the same secret.
func TestSetUserMFAPreferenceTOTP(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	m := newMFAUser(t, srv, cognitotest.User{Username: "dave", Password: "pw-dave-1234", TOTPSecret: secret, MFACode: "-",
		Attributes: map[string]string{"phone_number": "+15555550101"}})
	m.r.now = srv.Now
	m.expect([]string{"SOFTWARE_TOKEN_MFA"}, "SOFTWARE_TOKEN_MFA", "SOFTWARE_TOKEN_MFA")

	m.mustSet(map[string]string{"SoftwareTokenMfaSettings": "off"})
	m.expect(nil, "", "")
	if u, _ := srv.User("dave"); u.SoftwareTokenMFA || u.TOTPSecret != "" {
		t.Errorf("Server.User with TOTP off: SoftwareTokenMFA %v, TOTPSecret set %v", u.SoftwareTokenMFA, u.TOTPSecret != "")
	}
	m.mustSet(map[string]string{"SoftwareTokenMfaSettings": "preferred", "SMSMfaSettings": "on"})
	m.expect([]string{"SMS_MFA", "SOFTWARE_TOKEN_MFA"}, "SOFTWARE_TOKEN_MFA", "SOFTWARE_TOKEN_MFA")
	ch := expectChallenge(t, "SOFTWARE_TOKEN_MFA")(m.r.srpLogin("dave", "pw-dave-1234", nil))
	code, _ := (cognitosrp.TOTP{Secret: secret}).Code(srv.Now())
	expectTokens(t)(m.r.respond("SOFTWARE_TOKEN_MFA", ch.Session, map[string]string{"USERNAME": "dave", "SOFTWARE_TOKEN_MFA_CODE": code}))

	// A user configured with SoftwareTokenMFA and no secret has a token
	// too, which turns off and on again.
	plain := newMFAUser(t, srv, cognitotest.User{Username: "erin", Password: "pw-erin-1234", SoftwareTokenMFA: true})
	plain.mustSet(map[string]string{"SoftwareTokenMfaSettings": "off"})
	plain.expect(nil, "", "")
	plain.mustSet(map[string]string{"SoftwareTokenMfaSettings": "on"})
	plain.expect([]string{"SOFTWARE_TOKEN_MFA"}, "SOFTWARE_TOKEN_MFA", "SOFTWARE_TOKEN_MFA")

	// An association not yet verified is no token.
	fresh := newMFAUser(t, srv, cognitotest.User{Username: "frank", Password: "pw-frank-123"})
	fresh.r.now = srv.Now
	var assoc struct{ SecretCode string }
	if err := fresh.r.api.Call(t.Context(), "AssociateSoftwareToken", map[string]string{"AccessToken": fresh.token}, &assoc); err != nil {
		t.Fatal(err)
	}
	err := fresh.set(map[string]string{"SoftwareTokenMfaSettings": "preferred"})
	wantAPIError(t, err, "InvalidParameterException", "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA")
	fresh.expect(nil, "", "")
	code, _ = (cognitosrp.TOTP{Secret: assoc.SecretCode}).Code(srv.Now())
	if err := fresh.r.api.Call(t.Context(), "VerifySoftwareToken", map[string]string{"AccessToken": fresh.token, "UserCode": code}, new(struct{ Status string })); err != nil {
		t.Fatal(err)
	}
	fresh.mustSet(map[string]string{"SoftwareTokenMfaSettings": "preferred"})
	fresh.expect([]string{"SOFTWARE_TOKEN_MFA"}, "SOFTWARE_TOKEN_MFA", "SOFTWARE_TOKEN_MFA")
}

// TestSetUserMFAPreferenceEndsMFASetup: a user configured with MFASetup
// (a pool that requires MFA, a user without a factor) who turns a factor
// on with SetUserMFAPreference is asked for that factor at the next login,
// as GetUser then says, not to set up MFA again: MFASetup held, and the
// login answered MFA_SETUP while GetUser listed SMS_MFA.
func TestSetUserMFAPreferenceEndsMFASetup(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	m := newMFAUser(t, srv, cognitotest.User{Username: "lee", Password: "pw-lee-12345", MFASetup: true,
		Attributes: map[string]string{"phone_number": "+15555550103"}})
	expectChallenge(t, "MFA_SETUP")(m.r.srpLogin("lee", "pw-lee-12345", nil))
	m.mustSet(map[string]string{"SMSMfaSettings": "on"})
	m.expect([]string{"SMS_MFA"}, "SMS_MFA", "SMS_MFA")
	if u, _ := srv.User("lee"); u.MFASetup {
		t.Error("Server.User: MFASetup still set")
	}
}

// TestVerifySoftwareTokenEndsMFASetup: a user who must set MFA up (a pool
// that requires MFA) and verifies a token with an access token is asked
// for its code at the next login, as after MFA_SETUP, where a user of a
// pool with optional MFA waits for SetUserMFAPreference (TestMFASetupChecks).
// MFASetup held, and the login asked for the setup again.
func TestVerifySoftwareTokenEndsMFASetup(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	m := newMFAUser(t, srv, cognitotest.User{Username: "max", Password: "pw-max-12345", MFASetup: true})
	m.r.now = srv.Now
	var assoc struct{ SecretCode string }
	if err := m.r.api.Call(t.Context(), "AssociateSoftwareToken", map[string]string{"AccessToken": m.token}, &assoc); err != nil {
		t.Fatal(err)
	}
	code, _ := (cognitosrp.TOTP{Secret: assoc.SecretCode}).Code(srv.Now())
	if err := m.r.api.Call(t.Context(), "VerifySoftwareToken", map[string]string{"AccessToken": m.token, "UserCode": code}, new(struct{ Status string })); err != nil {
		t.Fatal(err)
	}
	m.expect([]string{"SOFTWARE_TOKEN_MFA"}, "SOFTWARE_TOKEN_MFA", "SOFTWARE_TOKEN_MFA")
	if u, _ := srv.User("max"); u.MFASetup || u.TOTPSecret != assoc.SecretCode {
		t.Errorf("Server.User: MFASetup %v, TOTPSecret set %v; want false, the verified secret", u.MFASetup, u.TOTPSecret == assoc.SecretCode)
	}
}

// TestSetUserMFAPreferenceEdges: PreferredMfa on a factor sent turned off
// neither counts towards "only one preferred" nor makes it the preferred
// one (Server.User's PreferredMFA, which GetUser and a login do not show
// while the factor is off); turning TOTP off for a
// user who has no software token keeps none, so that turning it on is
// still refused; and a software token verified while TOTP was off is the
// one that turning TOTP on keeps, not the one turned off before it.
func TestSetUserMFAPreferenceEdges(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	m := newMFAUser(t, srv, cognitotest.User{Username: "gina", Password: "pw-gina-1234",
		Attributes: map[string]string{"phone_number": "+15555550104", "email": "gina@example.com"}})
	if err := m.r.api.Call(t.Context(), "SetUserMFAPreference", map[string]any{"AccessToken": m.token,
		"SMSMfaSettings":   map[string]bool{"Enabled": true, "PreferredMfa": true},
		"EmailMfaSettings": map[string]bool{"Enabled": false, "PreferredMfa": true}}, new(struct{})); err != nil {
		t.Errorf("one factor preferred and another sent off with PreferredMfa: %v", err)
	}
	m.expect([]string{"SMS_MFA"}, "SMS_MFA", "SMS_MFA")
	if u, _ := srv.User("gina"); u.PreferredMFA != "SMS_MFA" {
		t.Errorf("Server.User: PreferredMFA %q, want SMS_MFA: the factor sent off is not preferred", u.PreferredMFA)
	}

	m.mustSet(map[string]string{"SoftwareTokenMfaSettings": "off"})
	err := m.set(map[string]string{"SoftwareTokenMfaSettings": "on"})
	wantAPIError(t, err, "InvalidParameterException", "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA")

	const old = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	d := newMFAUser(t, srv, cognitotest.User{Username: "hal", Password: "pw-hal-12345", TOTPSecret: old, MFACode: "-"})
	d.r.now = srv.Now
	d.mustSet(map[string]string{"SoftwareTokenMfaSettings": "off"})
	var assoc struct{ SecretCode string }
	if err := d.r.api.Call(t.Context(), "AssociateSoftwareToken", map[string]string{"AccessToken": d.token}, &assoc); err != nil {
		t.Fatal(err)
	}
	code, _ := (cognitosrp.TOTP{Secret: assoc.SecretCode}).Code(srv.Now())
	if err := d.r.api.Call(t.Context(), "VerifySoftwareToken", map[string]string{"AccessToken": d.token, "UserCode": code}, new(struct{ Status string })); err != nil {
		t.Fatal(err)
	}
	d.mustSet(map[string]string{"SoftwareTokenMfaSettings": "preferred"})
	if u, _ := srv.User("hal"); u.TOTPSecret != assoc.SecretCode {
		t.Errorf("Server.User: TOTPSecret is the one turned off before, not the one verified since")
	}
	ch := expectChallenge(t, "SOFTWARE_TOKEN_MFA")(d.r.srpLogin("hal", "pw-hal-12345", nil))
	srv.Advance(cognitosrp.TOTPPeriod) // the code that verified the token is used
	code, _ = (cognitosrp.TOTP{Secret: assoc.SecretCode}).Code(srv.Now())
	expectTokens(t)(d.r.respond("SOFTWARE_TOKEN_MFA", ch.Session, map[string]string{"USERNAME": "hal", "SOFTWARE_TOKEN_MFA_CODE": code}))
}
