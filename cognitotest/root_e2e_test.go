// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// These tests run the root package's own challenge, device and rotation
// support against the emulator: two implementations written apart check
// each other.

// smsHandler answers SMS_MFA with the emulator's default code and fails
// any other challenge.
func smsHandler(t *testing.T, seen *int) cognitosrp.ChallengeHandler {
	return cognitosrp.ChallengeHandlerFunc(func(_ context.Context, c *cognitosrp.Challenge) (*cognitosrp.ChallengeAnswer, error) {
		*seen++
		if c.Name != cognitosrp.ChallengeSMSMFA || c.DeliveryDestination != "+*******0000" {
			t.Errorf("unexpected challenge %s to %q", c.Name, c.DeliveryDestination)
		}
		return &cognitosrp.ChallengeAnswer{Answer: cognitotest.DefaultMFACode}, nil
	})
}

func TestRootRememberDevice(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true, ClientSecret: "dev-secret"})
	addUser(t, srv, cognitotest.User{Aliases: []string{"dora@example.com", "+15550000000"}, Password: "pw-dora-123", SMSMFA: true})
	store := new(cognitosrp.MemoryDeviceStore)
	asked := 0
	cfg := srv.SessionConfig()
	cfg.Devices, cfg.ChallengeHandler = cognitosrp.RememberDevices(store, ""), smsHandler(t, &asked)

	first, err := cognitosrp.NewSession(cfg, "dora@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Authenticate(t.Context(), "pw-dora-123"); err != nil {
		t.Fatal(err)
	}
	devs := srv.Devices("dora@example.com")
	if asked != 1 || len(devs) != 1 || !devs[0].Confirmed || srv.Calls("ConfirmDevice") != 1 {
		t.Fatalf("after the first login: %d challenges, devices %+v", asked, devs)
	}
	// The refresh token is bound to the device: renewal must send DEVICE_KEY.
	if err := first.Refresh(t.Context()); err != nil {
		t.Fatalf("Refresh on a remembered device: %v", err)
	}
	// A new session with the same device store logs in with device SRP,
	// which stands in for the SMS code.
	second, _ := cognitosrp.NewSession(cfg, "dora@example.com")
	if err := second.Authenticate(t.Context(), "pw-dora-123"); err != nil {
		t.Fatal(err)
	}
	cl, err := srv.VerifyAccessToken(second.Tokens().AccessToken)
	if err != nil || cl.Raw["device_key"] != devs[0].Key || asked != 1 {
		t.Errorf("device login: device_key %v, %d challenges, %v", cl.Raw["device_key"], asked, err)
	}
	if n := len(srv.Devices("dora@example.com")); n != 1 {
		t.Errorf("%d devices after a login on the remembered one", n)
	}
	// Once the device is forgotten, the library drops it and logs in with
	// the second factor again.
	srv.ForgetDevice(devs[0].Key)
	third, _ := cognitosrp.NewSession(cfg, "dora@example.com")
	if err := third.Authenticate(t.Context(), "pw-dora-123"); err != nil {
		t.Fatalf("login after the device was forgotten: %v", err)
	}
	if asked != 2 {
		t.Errorf("%d challenges, want the SMS code asked again", asked)
	}
}

func TestRootRefreshWithRotation(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenRotation: true, ClientSecret: "rot"})
	addUser(t, srv, cognitotest.User{Username: "rosa", Password: "pw-rosa-123"})
	cfg := srv.SessionConfig()
	cfg.RefreshMethod = cognitosrp.RefreshWithInitiateAuth // SessionConfig's is the other
	sess, _ := cognitosrp.NewSession(cfg, "rosa")
	if err := sess.Authenticate(t.Context(), "pw-rosa-123"); err != nil {
		t.Fatal(err)
	}
	if err := sess.Refresh(t.Context()); !errors.Is(err, cognitosrp.ErrRefreshFlowNotEnabled) {
		t.Errorf("REFRESH_TOKEN_AUTH on a rotating client: %v", err)
	}
	cfg.RefreshMethod = cognitosrp.RefreshWithGetTokens
	sess, _ = cognitosrp.NewSession(cfg, "rosa")
	if err := sess.Authenticate(t.Context(), "pw-rosa-123"); err != nil {
		t.Fatal(err)
	}
	old := sess.Tokens().RefreshToken
	if err := sess.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := sess.Tokens().RefreshToken; got == old || got == "" {
		t.Error("GetTokensFromRefreshToken did not rotate the refresh token")
	}
	if err := sess.Refresh(t.Context()); err != nil {
		t.Errorf("second rotation: %v", err)
	}
}

func TestRootChallengeHandlers(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "tom", Password: "pw-tom-1234", TOTPSecret: secret, SMSMFA: true, MFACode: "-",
		ForceNewPassword: true, RequiredAttributes: []string{"name"}})
	cfg := srv.SessionConfig()
	cfg.ChallengeHandler = cognitosrp.ChallengeHandlers{
		cognitosrp.NewPassword{Password: "a brand new password", Attributes: map[string]string{"name": "Tom"}},
		cognitosrp.TOTP{Secret: secret},
	}
	sess, _ := cognitosrp.NewSession(cfg, "tom")
	// NEW_PASSWORD_REQUIRED, then SELECT_MFA_TYPE, then SOFTWARE_TOKEN_MFA.
	if err := sess.Authenticate(t.Context(), "pw-tom-1234"); err != nil {
		t.Fatal(err)
	}
	if u, _ := srv.User("tom"); u.ForceNewPassword || u.Attributes["name"] != "Tom" {
		t.Errorf("user after the login: %+v", u)
	}
	// The next login needs the next code: Cognito takes each once.
	srv.Advance(cognitosrp.TOTPPeriod)
	cfg.ChallengeHandler = cognitosrp.TOTP{Secret: secret, Now: srv.Now}
	sess, _ = cognitosrp.NewSession(cfg, "tom")
	if err := sess.Authenticate(t.Context(), "a brand new password"); err != nil {
		t.Fatal(err)
	}
}

// TestRootRefreshSecretHashWithoutUsername renews tokens handed to
// SetTokens without their Username field, for a user who logs in with an
// alias, on an app client with a secret: SECRET_HASH must still hash the
// internal username, which the tokens themselves carry.
func TestRootRefreshSecretHashWithoutUsername(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{ClientSecret: "alias-secret"})
	addUser(t, srv, cognitotest.User{Aliases: []string{"ali@example.com"}, Password: "pw-ali-1234"})
	cfg := srv.SessionConfig()
	first, err := cognitosrp.NewSession(cfg, "ali@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Authenticate(t.Context(), "pw-ali-1234"); err != nil {
		t.Fatal(err)
	}
	saved := *first.Tokens()
	if saved.Username == "" || saved.Username == "ali@example.com" {
		t.Fatalf("internal username %q: the test needs one that differs from the alias", saved.Username)
	}
	saved.Username = "" // as an application's own store might keep them
	second, err := cognitosrp.NewSession(cfg, "ali@example.com")
	if err != nil {
		t.Fatal(err)
	}
	second.SetTokens(&saved)
	if err := second.Refresh(t.Context()); err != nil {
		t.Fatalf("Refresh of tokens without Username: %v", err)
	}
}

// TestRootRefreshSecretHashWithLoginNameAsUsername renews tokens handed to
// SetTokens whose Username field holds the name the user logs in with (an
// alias, or the username in another case), as an application's own store
// may fill it: the access token names the internal user, which Cognito
// hashes, so SECRET_HASH must hash that name, not the field's.
func TestRootRefreshSecretHashWithLoginNameAsUsername(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{ClientSecret: "alias-secret"})
	addUser(t, srv, cognitotest.User{Username: "Ali", Aliases: []string{"ali@example.com"}, Password: "pw-ali-1234"})
	cfg := srv.SessionConfig()
	for _, login := range []string{"ali@example.com", "ALI"} {
		first, err := cognitosrp.NewSession(cfg, login)
		if err != nil {
			t.Fatal(err)
		}
		if err := first.Authenticate(t.Context(), "pw-ali-1234"); err != nil {
			t.Fatal(err)
		}
		saved := *first.Tokens()
		saved.Username = login
		second, err := cognitosrp.NewSession(cfg, login)
		if err != nil {
			t.Fatal(err)
		}
		second.SetTokens(&saved)
		if err := second.Refresh(t.Context()); err != nil {
			t.Errorf("Refresh of tokens with Username %q: %v", login, err)
		}
	}
}
