// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// These tests hold what README.md's "A person at a terminal" tells the
// author of an interactive program: which error each refused answer is,
// and what to do next.

// personHandler answers each challenge with the next of answers, and
// attributes with a new password, and counts the prompts; before, if set,
// runs first (a person slow to type).
type personHandler struct {
	answers    []string
	attributes map[string]string
	asked      int
	before     func()
}

func (p *personHandler) HandleChallenge(ctx context.Context, c *cognitosrp.Challenge) (*cognitosrp.ChallengeAnswer, error) {
	p.asked++
	if p.before != nil {
		p.before()
	}
	a := &cognitosrp.ChallengeAnswer{Answer: p.answers[0], UserAttributes: p.attributes}
	p.answers = p.answers[1:]
	return a, nil
}

// TestEmulatorRefusalsAPersonActsOn: a wrong code is ErrCodeMismatch, not
// the ErrNotAuthorized of a wrong password, and Authenticate again at once
// asks for a new code; a code sent after the challenge's session expired
// is ErrNotAuthorized, though the password was right; an authenticator's
// code taken before is ErrExpiredCode until the next; a new password the
// policy refuses is ErrInvalidPassword, an answer without a required
// attribute ErrInvalidParameter, and the temporary password still logs in
// after them.
func TestEmulatorRefusalsAPersonActsOn(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	if _, err := srv.AddUser(cognitotest.User{Username: "pat", Password: emuPassword, SMSMFA: true,
		Attributes: map[string]string{"phone_number": "+15555550123"}}); err != nil {
		t.Fatal(err)
	}
	p := &personHandler{answers: []string{"000000", cognitotest.DefaultMFACode}}
	c := srv.SessionConfig()
	c.Now, c.ChallengeHandler = srv.Now, p
	s, err := cognitosrp.NewSession(c, "pat")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Authenticate(t.Context(), emuPassword)
	if !errors.Is(err, cognitosrp.ErrCodeMismatch) || errors.Is(err, cognitosrp.ErrNotAuthorized) {
		t.Fatalf("wrong code: %v, want ErrCodeMismatch alone", err)
	}
	if err := s.Authenticate(t.Context(), emuPassword); err != nil || p.asked != 2 {
		t.Fatalf("Authenticate after a wrong code: %v, %d prompts", err, p.asked)
	}

	// The person reads the code after the session (3 minutes) expired.
	p.answers, p.asked = []string{cognitotest.DefaultMFACode}, 0
	p.before = func() { srv.Advance(cognitotest.DefaultSessionLifetime + time.Second) }
	err = s.Authenticate(t.Context(), emuPassword)
	var ae *cognitosrp.APIError
	if !errors.Is(err, cognitosrp.ErrNotAuthorized) || !errors.As(err, &ae) || ae.Action != "RespondToAuthChallenge" || p.asked != 1 {
		t.Fatalf("late code: %v after %d prompts, want ErrNotAuthorized from RespondToAuthChallenge after one", err, p.asked)
	}

	// An authenticator's code, typed again within its 30 seconds.
	const totpSecret = "JBSWY3DPEHPK3PXP"
	if _, err := srv.AddUser(cognitotest.User{Username: "tia", Password: emuPassword, TOTPSecret: totpSecret}); err != nil {
		t.Fatal(err)
	}
	c.ChallengeHandler = cognitosrp.TOTP{Secret: totpSecret, Now: srv.Now}
	st, err := cognitosrp.NewSession(c, "tia")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Authenticate(t.Context(), emuPassword); err != nil {
		t.Fatal(err)
	}
	if err := st.Authenticate(t.Context(), emuPassword); !errors.Is(err, cognitosrp.ErrExpiredCode) || errors.Is(err, cognitosrp.ErrNotAuthorized) {
		t.Fatalf("the same code again: %v, want ErrExpiredCode alone", err)
	}
	srv.Advance(30 * time.Second) // the next code
	if err := st.Authenticate(t.Context(), emuPassword); err != nil {
		t.Fatalf("the next code: %v", err)
	}

	// A temporary password, a new one the policy refuses, and one sent
	// without the attribute the pool requires.
	if _, err := srv.AddUser(cognitotest.User{Username: "sam", Password: emuPassword, ForceNewPassword: true,
		RequiredAttributes: []string{"name"}}); err != nil {
		t.Fatal(err)
	}
	np := &personHandler{answers: []string{"short", "a long enough new password", "a long enough new password"},
		attributes: map[string]string{"name": "Sam"}}
	c.ChallengeHandler = np
	s2, err := cognitosrp.NewSession(c, "sam")
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if err := s2.Authenticate(t.Context(), emuPassword); !errors.Is(err, cognitosrp.ErrInvalidPassword) {
		t.Fatalf("short new password: %v, want ErrInvalidPassword", err)
	}
	np.attributes = nil
	if err := s2.Authenticate(t.Context(), emuPassword); !errors.Is(err, cognitosrp.ErrInvalidParameter) {
		t.Fatalf("no name: %v, want ErrInvalidParameter", err)
	}
	np.attributes = map[string]string{"name": "Sam"}
	if err := s2.Authenticate(t.Context(), emuPassword); err != nil {
		t.Fatalf("the temporary password after a refused new one: %v", err)
	}
}

// TestEmulatorMFASetupContinued continues MFA_SETUP with Client calls, as
// README.md tells, in a pool with device tracking and an app client with
// a secret: the tokens renew once the device Cognito issued with them is
// confirmed, and the next login proves that device, stored.
func TestEmulatorMFASetupContinued(t *testing.T) {
	const clientSecret = "1example23secret45678abcdefghij"
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true, ClientSecret: clientSecret})
	if _, err := srv.AddUser(cognitotest.User{Username: "ola", Password: emuPassword, MFASetup: true}); err != nil {
		t.Fatal(err)
	}
	devices := cognitosrp.NewFileDeviceStore(filepath.Join(t.TempDir(), "devices.json"))
	c := srv.SessionConfig()
	c.Now, c.Devices = srv.Now, cognitosrp.RememberDevices(devices, "")
	s, err := cognitosrp.NewSession(c, "ola")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Authenticate(t.Context(), emuPassword)
	var ce *cognitosrp.ChallengeError
	if !errors.As(err, &ce) || ce.ChallengeName != cognitosrp.ChallengeMFASetup {
		t.Fatalf("err = %v, want a ChallengeError for MFA_SETUP", err)
	}
	api := &cognitosrp.Client{Endpoint: srv.Endpoint()}
	var assoc struct{ SecretCode, Session string }
	if err := api.Call(t.Context(), "AssociateSoftwareToken", map[string]string{"Session": ce.Session}, &assoc); err != nil {
		t.Fatal(err)
	}
	totp := cognitosrp.TOTP{Secret: assoc.SecretCode, Now: srv.Now}
	code, err := totp.Code(srv.Now())
	if err != nil {
		t.Fatal(err)
	}
	var verified struct{ Session string }
	if err := api.Call(t.Context(), "VerifySoftwareToken", map[string]string{"Session": assoc.Session, "UserCode": code}, &verified); err != nil {
		t.Fatal(err)
	}
	out, err := api.RespondToAuthChallenge(t.Context(), &cognitosrp.RespondToAuthChallengeInput{
		ChallengeName: cognitosrp.ChallengeMFASetup, ClientId: srv.ClientID(), Session: verified.Session,
		ChallengeResponses: map[string]string{"USERNAME": ce.Username,
			"SECRET_HASH": cognitosrp.SecretHash(ce.Username, srv.ClientID(), clientSecret)},
	})
	if err != nil || out.AuthenticationResult == nil || out.AuthenticationResult.NewDeviceMetadata == nil {
		t.Fatalf("RespondToAuthChallenge: %v, %+v", err, out)
	}
	r := out.AuthenticationResult
	md := r.NewDeviceMetadata
	password, verifier, err := cognitosrp.NewDeviceVerifier(md.DeviceGroupKey, md.DeviceKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.ConfirmDevice(t.Context(), &cognitosrp.ConfirmDeviceInput{
		AccessToken: r.AccessToken, DeviceKey: md.DeviceKey, DeviceSecretVerifierConfig: verifier,
	}); err != nil {
		t.Fatal(err)
	}
	owner := cognitosrp.DeviceOwner{UserPoolID: srv.PoolID(), Username: "ola"}
	if err := devices.SaveDevice(t.Context(), owner, &cognitosrp.Device{Key: md.DeviceKey, GroupKey: md.DeviceGroupKey, Password: password}); err != nil {
		t.Fatal(err)
	}
	expiry := srv.Now().Add(time.Duration(r.ExpiresIn) * time.Second)
	s.SetTokens(&cognitosrp.Tokens{AccessToken: r.AccessToken, IDToken: r.IdToken, RefreshToken: r.RefreshToken,
		AccessExpiry: expiry, IDExpiry: expiry})
	if err := s.Refresh(t.Context()); err != nil {
		t.Fatalf("renewing the tokens of the continued MFA_SETUP: %v", err)
	}
	// A new login answers the new factor and proves the stored device:
	// Cognito issues no other.
	srv.Advance(time.Minute) // the next TOTP code
	c.ChallengeHandler = totp
	s2, err := cognitosrp.NewSession(c, "ola")
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if err := s2.Authenticate(t.Context(), emuPassword); err != nil {
		t.Fatal(err)
	}
	if d := srv.Devices("ola"); len(d) != 1 || d[0].Key != md.DeviceKey {
		t.Errorf("devices %+v, want only the confirmed one", d)
	}
}

// TestEmulatorStoreTakenAsTheUsers: a session takes the tokens its store
// holds as its own user's, unchecked (its login name may be an alias the
// tokens do not name), as TokenStore's doc warns: a program that signs in
// as several users gives each a store of its own.
func TestEmulatorStoreTakenAsTheUsers(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	for _, u := range []string{"pia", "quin"} {
		if _, err := srv.AddUser(cognitotest.User{Username: u, Password: emuPassword}); err != nil {
			t.Fatal(err)
		}
	}
	store := new(cognitosrp.MemoryStore)
	c := srv.SessionConfig()
	c.Now, c.Store = srv.Now, store
	for _, u := range []string{"pia", "quin"} {
		s, err := cognitosrp.NewSession(c, u)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		tok, err := s.ValidTokens(t.Context(), cognitosrp.AccessToken)
		if errors.Is(err, cognitosrp.ErrLoginRequired) {
			err = s.Authenticate(t.Context(), emuPassword)
			tok = s.Tokens()
		}
		if err != nil {
			t.Fatal(err)
		}
		if tok.Username != "pia" {
			t.Errorf("session of %s: tokens of %s; TokenStore's doc says the store's are taken unchecked", u, tok.Username)
		}
	}
}
