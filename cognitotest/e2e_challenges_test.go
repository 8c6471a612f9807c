// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// End-to-end tests of the root package's login path against the emulator:
// every challenge, answered by the built-in handlers through the Auth
// RoundTripper, as an application meets it.

// e2eAuth returns an Auth for login with password and the login options of
// mod.
func e2eAuth(t *testing.T, srv *cognitotest.Server, login, password string, mod func(*cognitosrp.Options)) *cognitosrp.Auth {
	t.Helper()
	opts := srv.Options(login, password)
	if mod != nil {
		mod(&opts)
	}
	a, err := cognitosrp.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// e2eGet sends a request through a to an API that only the emulator's
// access tokens open, and returns the token's username claim.
func e2eGet(t *testing.T, srv *cognitotest.Server, a *cognitosrp.Auth) (string, error) {
	t.Helper()
	var user string
	api := httptest.NewServer(srv.RequireAccessToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		claims, _ := cognitotest.ClaimsFromContext(r.Context())
		user = claims.Username
	})))
	defer api.Close()
	resp, err := a.Client().Get(api.URL)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the API answered %s", resp.Status)
	}
	return user, nil
}

// e2eMustGet sends a request through a and checks that it was authorized
// for the user whose internal name is want.
func e2eMustGet(t *testing.T, srv *cognitotest.Server, a *cognitosrp.Auth, want string) {
	t.Helper()
	got, err := e2eGet(t, srv, a)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("the API saw user %q, want %q", got, want)
	}
}

// e2eCode answers every code challenge with the emulator's code and counts
// the calls.
func e2eCode(calls *atomic.Int32) cognitosrp.ChallengeHandler {
	return cognitosrp.ChallengeHandlerFunc(func(ctx context.Context, c *cognitosrp.Challenge) (*cognitosrp.ChallengeAnswer, error) {
		switch c.Name {
		case cognitosrp.ChallengeSMSMFA, cognitosrp.ChallengeEmailOTP:
			calls.Add(1)
			return &cognitosrp.ChallengeAnswer{Answer: cognitotest.DefaultMFACode}, nil
		}
		return nil, nil
	})
}

// TestE2ESecretHashAlias logs in by e-mail to an app client with a secret;
// the user's internal name is a UUID, which every later call must hash.
func TestE2ESecretHashAlias(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{ClientSecret: "e2e-client-secret"})
	u := addUser(t, srv, cognitotest.User{Aliases: []string{"jane@example.com"}, Password: "pw-jane-12345"})
	a := e2eAuth(t, srv, "jane@example.com", "pw-jane-12345", nil)
	e2eMustGet(t, srv, a, u.Username)
	if err := a.Session().Refresh(t.Context()); err != nil {
		t.Fatalf("refresh with the internal name's SECRET_HASH: %v", err)
	}
	e2eMustGet(t, srv, a, u.Username)
}

// TestE2ENewPassword sets the new password an administrator-created user
// must choose, with a required attribute, and logs in with it later.
func TestE2ENewPassword(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{ClientSecret: "np"})
	u := addUser(t, srv, cognitotest.User{
		Aliases: []string{"new@example.com"}, Password: "temporary-1",
		ForceNewPassword: true, RequiredAttributes: []string{"name"},
	})
	a := e2eAuth(t, srv, "new@example.com", "temporary-1", func(o *cognitosrp.Options) {
		o.ChallengeHandler = cognitosrp.NewPassword{Password: "chosen-Passw0rd", Attributes: map[string]string{"name": "Jane"}}
	})
	e2eMustGet(t, srv, a, u.Username)
	if got, _ := srv.User(u.Username); got.Password != "chosen-Passw0rd" || got.Attributes["name"] != "Jane" {
		t.Errorf("the server has password set %v, name %q", got.Password == "chosen-Passw0rd", got.Attributes["name"])
	}
	// The next login (tokens gone) uses the new password.
	a.Session().SetTokens(nil)
	e2eMustGet(t, srv, a, u.Username)
}

// TestE2ENewPasswordThenFailedChallenge: Cognito sets the new password
// when it accepts the answer to NEW_PASSWORD_REQUIRED, before the second
// factor; a login that then fails (a mistyped code, MFA_SETUP, which the
// caller finishes itself) leaves the session's own password stale, so its
// next login must use the new one, not fail for good with
// NotAuthorizedException.
func TestE2ENewPasswordThenFailedChallenge(t *testing.T) {
	for _, v := range []struct {
		name  string
		user  cognitotest.User
		setup bool // the second login stops at MFA_SETUP again
	}{
		{"wrong code", cognitotest.User{SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}}, false},
		{"MFA_SETUP", cognitotest.User{MFASetup: true}, true},
	} {
		t.Run(v.name, func(t *testing.T) {
			srv := cognitotest.NewServer(t, cognitotest.Config{ClientSecret: "np"})
			v.user.Aliases, v.user.Password, v.user.ForceNewPassword = []string{"new@example.com"}, "temporary-1", true
			v.user.Attributes = map[string]string{"phone_number": "+15555550123"}
			u := addUser(t, srv, v.user)
			var tries atomic.Int32
			a := e2eAuth(t, srv, "new@example.com", "temporary-1", func(o *cognitosrp.Options) {
				o.ChallengeHandler = cognitosrp.ChallengeHandlers{
					cognitosrp.NewPassword{Password: "chosen-Passw0rd"},
					cognitosrp.ChallengeHandlerFunc(func(ctx context.Context, c *cognitosrp.Challenge) (*cognitosrp.ChallengeAnswer, error) {
						if c.Name != cognitosrp.ChallengeSMSMFA {
							return nil, nil
						}
						if tries.Add(1) == 1 {
							return &cognitosrp.ChallengeAnswer{Answer: "000000"}, nil // mistyped
						}
						return &cognitosrp.ChallengeAnswer{Answer: cognitotest.DefaultMFACode}, nil
					}),
				}
			})
			if _, err := a.Session().ValidTokens(t.Context(), cognitosrp.AccessToken); err == nil {
				t.Fatal("the first login succeeded")
			}
			if got, _ := srv.User(u.Username); got.Password != "chosen-Passw0rd" {
				t.Fatal("the server did not set the new password")
			}
			_, err := a.Session().ValidTokens(t.Context(), cognitosrp.AccessToken)
			var ce *cognitosrp.ChallengeError
			if v.setup && (!errors.As(err, &ce) || ce.ChallengeName != cognitosrp.ChallengeMFASetup) || !v.setup && err != nil {
				t.Fatalf("the next login: %v", err)
			}
		})
	}
}

func TestE2ECodes(t *testing.T) {
	for _, v := range []struct {
		name string
		user cognitotest.User
	}{
		{"SMS_MFA", cognitotest.User{SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}}},
		{"EMAIL_OTP", cognitotest.User{EmailOTP: true}},
	} {
		t.Run(v.name, func(t *testing.T) {
			srv := cognitotest.NewServer(t, cognitotest.Config{ClientSecret: "codes"})
			v.user.Aliases, v.user.Password = []string{"+15555550123", "c@example.com"}, "pw-codes-123"
			u := addUser(t, srv, v.user)
			var calls atomic.Int32
			a := e2eAuth(t, srv, "c@example.com", "pw-codes-123", func(o *cognitosrp.Options) { o.ChallengeHandler = e2eCode(&calls) })
			e2eMustGet(t, srv, a, u.Username)
			if calls.Load() != 1 {
				t.Errorf("the handler answered %d codes", calls.Load())
			}
		})
	}
}

// TestE2ETOTP logs a software-token user in unattended, also when the user
// must first choose among MFA types.
func TestE2ETOTP(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	for _, v := range []struct {
		name string
		user cognitotest.User
	}{
		{"SOFTWARE_TOKEN_MFA", cognitotest.User{TOTPSecret: secret, MFACode: "no-fixed-code"}},
		{"SELECT_MFA_TYPE", cognitotest.User{TOTPSecret: secret, SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}, MFACode: "no-fixed-code"}},
	} {
		t.Run(v.name, func(t *testing.T) {
			srv := cognitotest.NewServer(t, cognitotest.Config{ClientSecret: "totp"})
			v.user.Aliases, v.user.Password = []string{"t@example.com"}, "pw-totp-123"
			u := addUser(t, srv, v.user)
			a := e2eAuth(t, srv, "t@example.com", "pw-totp-123", func(o *cognitosrp.Options) {
				o.ChallengeHandler = cognitosrp.TOTP{Secret: secret, Now: srv.Now}
			})
			e2eMustGet(t, srv, a, u.Username)
		})
	}
}

// TestE2ECustomAuth runs CUSTOM_AUTH with SRP first. The app client
// allows no other login flow, and the handler must be asked the custom
// challenge: a login that ignored AuthFlow would otherwise pass too.
func TestE2ECustomAuth(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{ClientSecret: "custom",
		AuthFlows: []string{cognitotest.AllowCustomAuth, cognitotest.AllowRefreshTokenAuth}})
	u := addUser(t, srv, cognitotest.User{
		Aliases: []string{"q@example.com"}, Password: "pw-custom-123",
		CustomChallenge: map[string]string{"question": "2+2"}, CustomAnswer: "4",
	})
	var asked atomic.Int32
	a := e2eAuth(t, srv, "q@example.com", "pw-custom-123", func(o *cognitosrp.Options) {
		o.AuthFlow = cognitosrp.FlowCustomAuth
		o.ChallengeHandler = cognitosrp.ChallengeHandlerFunc(func(ctx context.Context, c *cognitosrp.Challenge) (*cognitosrp.ChallengeAnswer, error) {
			if c.Name == cognitosrp.ChallengeCustom && c.Parameters["question"] == "2+2" {
				asked.Add(1)
				return &cognitosrp.ChallengeAnswer{Answer: "4"}, nil
			}
			return nil, nil
		})
	})
	e2eMustGet(t, srv, a, u.Username)
	if n := asked.Load(); n != 1 {
		t.Errorf("the handler was asked the custom challenge %d times, want 1", n)
	}
}

// TestE2ECustomAuthDevice: a CUSTOM_AUTH login that sends a remembered
// device proves it (DEVICE_SRP_AUTH after the custom challenge, as
// Cognito asks and the official JavaScript client answers) and gets no
// new device: the second run signs in with the first run's device, and
// the pool keeps one device, not one per login.
func TestE2ECustomAuthDevice(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{ClientSecret: "custom-dev", DeviceTracking: true})
	u := addUser(t, srv, cognitotest.User{
		Aliases: []string{"qd@example.com"}, Password: "pw-custom-dev-1",
		CustomChallenge: map[string]string{"question": "2+2"}, CustomAnswer: "4",
	})
	path := filepath.Join(t.TempDir(), "devices.json")
	var asked atomic.Int32
	var key string
	for run := range 2 {
		a := e2eAuth(t, srv, "qd@example.com", "pw-custom-dev-1", func(o *cognitosrp.Options) {
			o.AuthFlow = cognitosrp.FlowCustomAuth
			o.Devices = cognitosrp.RememberDevices(cognitosrp.NewFileDeviceStore(path), "")
			o.ChallengeHandler = cognitosrp.ChallengeHandlerFunc(func(ctx context.Context, c *cognitosrp.Challenge) (*cognitosrp.ChallengeAnswer, error) {
				if c.Name == cognitosrp.ChallengeCustom {
					asked.Add(1)
					return &cognitosrp.ChallengeAnswer{Answer: "4"}, nil
				}
				return nil, nil
			})
		})
		e2eMustGet(t, srv, a, u.Username)
		cl, err := srv.VerifyAccessToken(a.Session().Tokens().AccessToken)
		if err != nil {
			t.Fatal(err)
		}
		if run == 0 {
			key, _ = cl.Raw["device_key"].(string)
		} else if cl.Raw["device_key"] != key {
			t.Errorf("the second run signed in on device %v, want the first run's %s", cl.Raw["device_key"], key)
		}
		a.Close()
	}
	if n, c := len(srv.Devices(u.Username)), srv.Calls("ConfirmDevice"); n != 1 || c != 1 {
		t.Errorf("two runs left %d devices (%d confirmed), want 1", n, c)
	}
	if n := asked.Load(); n != 2 {
		t.Errorf("the custom challenge was asked %d times, want once a login", n)
	}
}

// TestE2EMFASetup reports MFA_SETUP as a ChallengeError with its session.
func TestE2EMFASetup(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	u := addUser(t, srv, cognitotest.User{Aliases: []string{"s@example.com"}, Password: "pw-setup-123", MFASetup: true})
	a := e2eAuth(t, srv, "s@example.com", "pw-setup-123", func(o *cognitosrp.Options) {
		o.ChallengeHandler = cognitosrp.TOTP{Secret: "JBSWY3DPEHPK3PXP"}
	})
	_, err := e2eGet(t, srv, a)
	var ce *cognitosrp.ChallengeError
	if !errors.As(err, &ce) || ce.ChallengeName != cognitosrp.ChallengeMFASetup || ce.Session == "" || ce.Username != u.Username ||
		ce.Parameters["MFAS_CAN_SETUP"] == "" {
		t.Fatalf("err = %v, want a ChallengeError for MFA_SETUP", err)
	}
}

// TestE2EDevice remembers a device, renews with its key, skips MFA on it
// with device SRP, and recovers when the pool forgets it.
func TestE2EDevice(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true, ClientSecret: "dev"})
	u := addUser(t, srv, cognitotest.User{Aliases: []string{"d@example.com"}, Password: "pw-device-123", SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}})
	var codes atomic.Int32
	store := new(cognitosrp.MemoryDeviceStore)
	a := e2eAuth(t, srv, "d@example.com", "pw-device-123", func(o *cognitosrp.Options) {
		o.ChallengeHandler = e2eCode(&codes)
		o.Devices = cognitosrp.RememberDevices(store, "e2e runner")
	})
	e2eMustGet(t, srv, a, u.Username)
	devs := srv.Devices(u.Username)
	if len(devs) != 1 || !devs[0].Confirmed || devs[0].Name != "e2e runner" {
		t.Fatalf("devices = %+v", devs)
	}
	// The emulator ties the refresh token to the device: this renewal
	// works only with DEVICE_KEY.
	if err := a.Session().Refresh(t.Context()); err != nil {
		t.Fatalf("refresh on the device: %v", err)
	}
	// A new login proves the device and is spared the SMS code.
	a.Session().SetTokens(nil)
	e2eMustGet(t, srv, a, u.Username)
	if codes.Load() != 1 || srv.Calls("ConfirmDevice") != 1 {
		t.Errorf("%d codes and %d confirmations; want one of each", codes.Load(), srv.Calls("ConfirmDevice"))
	}
	// The pool forgets the device: the next login forgets it too and
	// remembers a new one.
	if err := srv.ForgetDevice(devs[0].Key); err != nil {
		t.Fatal(err)
	}
	a.Session().SetTokens(nil)
	e2eMustGet(t, srv, a, u.Username)
	now := srv.Devices(u.Username)
	if len(now) != 1 || now[0].Key == devs[0].Key || !now[0].Confirmed {
		t.Errorf("devices after forgetting = %+v", now)
	}
}

// TestE2EDeviceSharedTracker: two sessions of one user share a
// DeviceTracker, as its doc allows, and log in at once, so each is issued
// a device and the store keeps the one saved last. Each session's refresh
// token is tied to its own device, so each must renew with that device's
// key, which its access token names, not the store's: the other session
// would be refused, and without a password could not log in again.
func TestE2EDeviceSharedTracker(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
	addUser(t, srv, cognitotest.User{Username: "bob", Password: "pw-shared-123"})
	// Both logins read the store before either saves its device.
	store := &bothLoadFirst{loaded: make(chan struct{})}
	tracker := cognitosrp.RememberDevices(store, "")
	var sessions []*cognitosrp.Session
	for range 2 {
		a := e2eAuth(t, srv, "bob", "pw-shared-123", func(o *cognitosrp.Options) {
			o.Devices, o.ForgetPassword = tracker, true
		})
		sessions = append(sessions, a.Session())
	}
	var wg sync.WaitGroup
	for _, s := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.ValidTokens(t.Context(), cognitosrp.AccessToken); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := len(srv.Devices("bob")); n != 2 {
		t.Fatalf("%d devices issued, want one per login", n)
	}
	for i, s := range sessions {
		if err := s.Refresh(t.Context()); err != nil {
			t.Errorf("session %d: %v", i, err)
		}
	}
}

// bothLoadFirst is a MemoryDeviceStore whose saves wait until two loads
// have happened.
type bothLoadFirst struct {
	cognitosrp.MemoryDeviceStore
	loads  atomic.Int32
	loaded chan struct{}
}

func (b *bothLoadFirst) LoadDevice(ctx context.Context, owner cognitosrp.DeviceOwner) (*cognitosrp.Device, error) {
	if b.loads.Add(1) == 2 {
		close(b.loaded)
	}
	return b.MemoryDeviceStore.LoadDevice(ctx, owner)
}

func (b *bothLoadFirst) SaveDevice(ctx context.Context, owner cognitosrp.DeviceOwner, d *cognitosrp.Device) error {
	select {
	case <-b.loaded:
	case <-ctx.Done():
		return ctx.Err()
	}
	return b.MemoryDeviceStore.SaveDevice(ctx, owner, d)
}

// TestE2EUserAuth signs in with the choice-based flow, preferring
// PASSWORD_SRP.
// The app client allows no other login flow, so that a login that
// ignored AuthFlow fails.
func TestE2EUserAuth(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{ClientSecret: "ua",
		AuthFlows: []string{cognitotest.AllowUserAuth, cognitotest.AllowRefreshTokenAuth}})
	u := addUser(t, srv, cognitotest.User{Aliases: []string{"ua@example.com"}, Password: "pw-ua-12345"})
	a := e2eAuth(t, srv, "ua@example.com", "pw-ua-12345", func(o *cognitosrp.Options) { o.AuthFlow = cognitosrp.FlowUserAuth })
	e2eMustGet(t, srv, a, u.Username)
}

// TestE2EUserPasswordAuth uses USER_PASSWORD_AUTH where the app client
// allows it, and fails where it does not.
func TestE2EUserPasswordAuth(t *testing.T) {
	flows := []string{cognitotest.AllowUserPasswordAuth, cognitotest.AllowRefreshTokenAuth}
	t.Run("secret and alias", func(t *testing.T) {
		srv := cognitotest.NewServer(t, cognitotest.Config{ClientSecret: "upa", AuthFlows: flows})
		u := addUser(t, srv, cognitotest.User{Aliases: []string{"p@example.com"}, Password: "pw-upa-12345"})
		plain := e2eAuth(t, srv, "p@example.com", "pw-upa-12345", func(o *cognitosrp.Options) { o.AuthFlow = cognitosrp.FlowUserPasswordAuth })
		e2eMustGet(t, srv, plain, u.Username)
		if err := plain.Session().Refresh(t.Context()); err != nil {
			t.Fatal(err)
		}
		if _, err := e2eGet(t, srv, e2eAuth(t, srv, "p@example.com", "pw-upa-12345", nil)); err == nil {
			t.Error("SRP logged in to a client that allows only USER_PASSWORD_AUTH")
		}
	})
	t.Run("SMS_MFA", func(t *testing.T) {
		// The MFA challenge names the internal user, which the answer's
		// SECRET_HASH needs: InitiateAuth told nothing of it.
		srv := cognitotest.NewServer(t, cognitotest.Config{ClientSecret: "upa-mfa", AuthFlows: flows})
		u := addUser(t, srv, cognitotest.User{Aliases: []string{"+15555550100"}, Password: "pw-upa-12345", SMSMFA: true})
		var codes atomic.Int32
		a := e2eAuth(t, srv, "+15555550100", "pw-upa-12345", func(o *cognitosrp.Options) {
			o.AuthFlow = cognitosrp.FlowUserPasswordAuth
			o.ChallengeHandler = e2eCode(&codes)
		})
		e2eMustGet(t, srv, a, u.Username)
		if codes.Load() != 1 {
			t.Errorf("%d codes answered", codes.Load())
		}
	})
	t.Run("remembered device", func(t *testing.T) {
		// DEVICE_SRP_AUTH is then the first challenge: it must name the
		// internal user, whom the answer's SECRET_HASH hashes.
		srv := cognitotest.NewServer(t, cognitotest.Config{ClientSecret: "upa-dev", AuthFlows: flows, DeviceTracking: true})
		u := addUser(t, srv, cognitotest.User{Aliases: []string{"p@example.com"}, Password: "pw-upa-12345"})
		a := e2eAuth(t, srv, "p@example.com", "pw-upa-12345", func(o *cognitosrp.Options) {
			o.AuthFlow = cognitosrp.FlowUserPasswordAuth
			o.Devices = cognitosrp.RememberDevices(nil, "")
		})
		e2eMustGet(t, srv, a, u.Username)
		a.Session().SetTokens(nil) // the next login proves the device
		e2eMustGet(t, srv, a, u.Username)
		if n := srv.Calls("ConfirmDevice"); n != 1 {
			t.Errorf("%d devices confirmed, want 1", n)
		}
	})
}

// TestE2EDeviceWithRotation renews with GetTokensFromRefreshToken, which
// must carry the DeviceKey and the client secret. The password is
// forgotten after the login: with it at hand, a renewal refused for want
// of either would be mended by a new login, and Refresh would succeed all
// the same; the call counts say the renewal itself succeeded.
func TestE2EDeviceWithRotation(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true, RefreshTokenRotation: true, ClientSecret: "rot"})
	u := addUser(t, srv, cognitotest.User{Aliases: []string{"r@example.com"}, Password: "pw-rotate-123"})
	a := e2eAuth(t, srv, "r@example.com", "pw-rotate-123", func(o *cognitosrp.Options) {
		o.Devices = cognitosrp.RememberDevices(nil, "")
		o.RefreshMethod, o.ForgetPassword = cognitosrp.RefreshWithGetTokens, true
	})
	e2eMustGet(t, srv, a, u.Username)
	first := a.Session().Tokens().RefreshToken
	if err := a.Session().Refresh(t.Context()); err != nil {
		t.Fatalf("GetTokensFromRefreshToken on the device: %v", err)
	}
	if a.Session().Tokens().RefreshToken == first {
		t.Error("rotation did not replace the refresh token")
	}
	if n, m := srv.Calls("GetTokensFromRefreshToken"), srv.Calls("InitiateAuth"); n != 1 || m != 1 {
		t.Errorf("%d GetTokensFromRefreshToken and %d InitiateAuth calls; want 1 and 1 (the login)", n, m)
	}
	e2eMustGet(t, srv, a, u.Username)
}

// TestE2EDeviceAcrossRuns: a FileDeviceStore lets the next run (a new
// Auth) sign in with the device the first run registered, without a code.
func TestE2EDeviceAcrossRuns(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
	u := addUser(t, srv, cognitotest.User{Aliases: []string{"run@example.com"}, Password: "pw-runs-12345", SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}})
	path := filepath.Join(t.TempDir(), "devices.json")
	var codes atomic.Int32
	for range 3 {
		a := e2eAuth(t, srv, "run@example.com", "pw-runs-12345", func(o *cognitosrp.Options) {
			o.ChallengeHandler = e2eCode(&codes)
			o.Devices = cognitosrp.RememberDevices(cognitosrp.NewFileDeviceStore(path), "")
		})
		e2eMustGet(t, srv, a, u.Username)
	}
	if codes.Load() != 1 || len(srv.Devices(u.Username)) != 1 {
		t.Errorf("3 runs: %d codes, %d devices; want 1 and 1", codes.Load(), len(srv.Devices(u.Username)))
	}
}
