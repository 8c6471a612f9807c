// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

const emuPassword = "correct horse battery staple"

// emulatorSession returns an emulator and a session on it that shares its
// clock, logged in as alice.
func emulatorSession(t *testing.T, cfg cognitotest.Config, mod func(*cognitosrp.Config)) (*cognitotest.Server, *cognitosrp.Session) {
	t.Helper()
	srv := cognitotest.NewServer(t, cfg)
	return srv, emulatorSessionOn(t, srv, mod)
}

// emulatorSessionOn returns a session of srv that shares its clock, with
// what mod changes (if not nil), logged in as alice, whom it adds.
func emulatorSessionOn(t *testing.T, srv *cognitotest.Server, mod func(*cognitosrp.Config)) *cognitosrp.Session {
	t.Helper()
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	c := srv.SessionConfig()
	c.Now = srv.Now
	if mod != nil {
		mod(&c)
	}
	s, err := cognitosrp.NewSession(c, "alice")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Authenticate(context.Background(), emuPassword); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEmulatorRotation: against an app client with rotation, the default
// REFRESH_TOKEN_AUTH fails with an error naming the setting, and
// GetTokensFromRefreshToken renews, each time with a new refresh token.
func TestEmulatorRotation(t *testing.T) {
	// The default method, asked for explicitly: the emulator's
	// SessionConfig picks the one its client allows.
	srv, s := emulatorSession(t, cognitotest.Config{RefreshTokenRotation: true}, func(c *cognitosrp.Config) {
		c.RefreshMethod = cognitosrp.RefreshWithInitiateAuth
	})
	srv.Advance(2 * time.Hour)
	_, err := s.ValidTokens(context.Background(), cognitosrp.AccessToken)
	if !errors.Is(err, cognitosrp.ErrRefreshFlowNotEnabled) || !strings.Contains(err.Error(), "RefreshMethod") {
		t.Fatalf("REFRESH_TOKEN_AUTH on a rotating client: %v; want ErrRefreshFlowNotEnabled naming RefreshMethod", err)
	}

	srv, s = emulatorSession(t, cognitotest.Config{RefreshTokenRotation: true}, func(c *cognitosrp.Config) {
		c.RefreshMethod = cognitosrp.RefreshWithGetTokens
	})
	api := &cognitosrp.Client{Endpoint: srv.Endpoint()}
	prev := s.Tokens()
	for i := range 3 {
		srv.Advance(2 * time.Hour)
		got, err := s.ValidTokens(context.Background(), cognitosrp.AccessToken)
		if err != nil {
			t.Fatalf("renewal %d: %v", i+1, err)
		}
		if got.RefreshToken == prev.RefreshToken {
			t.Fatalf("renewal %d kept the refresh token", i+1)
		}
		_, err = api.GetTokensFromRefreshToken(context.Background(), &cognitosrp.GetTokensFromRefreshTokenInput{
			ClientId: srv.ClientID(), RefreshToken: prev.RefreshToken,
		})
		// Cognito refuses a rotated-out token with RefreshTokenReuseException
		// once its grace period is over.
		var ae *cognitosrp.APIError
		if !errors.As(err, &ae) || (ae.Type != "RefreshTokenReuseException" && ae.Type != "NotAuthorizedException") {
			t.Errorf("renewal %d: the rotated-out refresh token still works: %v", i+1, err)
		}
		prev = got
	}
}

// TestEmulatorRotationKeepsRefreshTokenOfRefusedTokens: on a client with
// rotation, a renewal whose tokens the Verifier cannot check (the key set
// is down when the cached keys expire) fails, but Cognito has retired the
// refresh token it used: the session keeps the new one, with its old
// tokens, and renews with it once the keys are back, instead of finding
// its refresh token dead. Once for a session holding its tokens, once for
// one that reads them from the store. The same holds without rotation,
// where the renewal returns no refresh token: the session keeps its own.
func TestEmulatorRotationKeepsRefreshTokenOfRefusedTokens(t *testing.T) {
	for _, rotation := range []bool{true, false} {
		t.Run(fmt.Sprintf("rotation=%v", rotation), func(t *testing.T) { testKeepsRefreshTokenOfRefusedTokens(t, rotation) })
	}
}

func testKeepsRefreshTokenOfRefusedTokens(t *testing.T, rotation bool) {
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenRotation: rotation})
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	v, down := downableVerifier(t, srv)
	c := srv.SessionConfig()
	c.Now, c.Verifier, c.RefreshMethod = srv.Now, v, cognitosrp.RefreshWithGetTokens
	c.Store = &cognitosrp.MemoryStore{}
	ctx := context.Background()
	for i, password := range []string{emuPassword, ""} {
		s, err := cognitosrp.NewSession(c, "alice")
		if err != nil {
			t.Fatal(err)
		}
		if password != "" {
			if err := s.Authenticate(ctx, password); err != nil {
				t.Fatal(err)
			}
		}
		down.Store(true)
		srv.Advance(cognitosrp.DefaultKeyLifetime)
		if err := s.Refresh(ctx); !errors.Is(err, cognitosrp.ErrKeySetUnavailable) {
			t.Fatalf("session %d: renewal with the key set down: %v, want ErrKeySetUnavailable", i, err)
		}
		down.Store(false)
		srv.Advance(time.Minute) // past the verifier's pause after a failed fetch
		if err := s.Refresh(ctx); err != nil {
			t.Fatalf("session %d: renewal once the key set is back: %v", i, err)
		}
		// Close waits for the save of the rotated refresh token, which
		// the next session reads from the store.
		s.Close()
	}
}

// rotatingSession returns a session logged in on a new emulator with
// refresh-token rotation, renewing with GetTokensFromRefreshToken, on the
// emulator's clock, whose Verifier's key set fails while down is set. mod,
// if not nil, adjusts its Config.
func rotatingSession(t *testing.T, mod func(*cognitosrp.Config)) (*cognitotest.Server, *cognitosrp.Session, *atomic.Bool) {
	t.Helper()
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenRotation: true})
	v, down := downableVerifier(t, srv)
	s := emulatorSessionOn(t, srv, func(c *cognitosrp.Config) {
		c.Verifier, c.RefreshMethod = v, cognitosrp.RefreshWithGetTokens
		if mod != nil {
			mod(c)
		}
	})
	return srv, s, down
}

// downableVerifier returns a Verifier of srv whose key set endpoint fails
// while down is set.
func downableVerifier(t *testing.T, srv *cognitotest.Server) (*cognitosrp.Verifier, *atomic.Bool) {
	t.Helper()
	down := new(atomic.Bool)
	vc := srv.VerifierConfig()
	vc.HTTPClient = &http.Client{Transport: cognitosrp.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		if down.Load() {
			return nil, errors.New("key set endpoint down")
		}
		return http.DefaultTransport.RoundTrip(r)
	})}
	v, err := cognitosrp.NewVerifier(vc)
	if err != nil {
		t.Fatal(err)
	}
	return v, down
}

// TestEmulatorDeadRefreshToken: once the refresh token is revoked (which
// also revokes the access token), the API answers 401; the Auth renews,
// finds the refresh token dead, logs in again with SRP and retries.
func TestEmulatorDeadRefreshToken(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword})
	api := httptest.NewServer(srv.RequireAccessToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	defer api.Close()
	auth, err := cognitosrp.New(srv.Options("alice", emuPassword))
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	ctx := context.Background()
	if _, err := auth.Token(ctx); err != nil {
		t.Fatal(err)
	}
	first := auth.Session().Tokens()
	cl := &cognitosrp.Client{Endpoint: srv.Endpoint()}
	if err := cl.RevokeToken(ctx, &cognitosrp.RevokeTokenInput{Token: first.RefreshToken, ClientId: srv.ClientID()}); err != nil {
		t.Fatal(err)
	}
	logins := srv.Calls("RespondToAuthChallenge")
	resp, err := auth.Client().Get(api.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200 after a new login", resp.StatusCode)
	}
	if srv.Calls("RespondToAuthChallenge") != logins+1 {
		t.Error("no new SRP login")
	}
	if err := auth.Session().Refresh(ctx); err != nil {
		t.Errorf("the new refresh token: %v", err)
	}
}

// TestEmulatorReusedRefreshTokenIsNotAuthorized: Refresh's doc says it
// fails with an error matching ErrNotAuthorized when Cognito refuses the
// refresh token, and the README checks ErrNotAuthorized for a dead one.
// On a client with rotation, Cognito refuses a refresh token that another
// run's renewal retired with RefreshTokenReuseException: that error must
// match ErrNotAuthorized too, from the Client and from a session without a
// password (which also reports ErrLoginRequired).
func TestEmulatorReusedRefreshTokenIsNotAuthorized(t *testing.T) {
	srv, a := emulatorSession(t, cognitotest.Config{RefreshTokenRotation: true}, func(c *cognitosrp.Config) {
		c.RefreshMethod = cognitosrp.RefreshWithGetTokens
	})
	c := srv.SessionConfig()
	c.Now, c.RefreshMethod = srv.Now, cognitosrp.RefreshWithGetTokens
	b, err := cognitosrp.NewSession(c, "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	old := a.Tokens()
	b.SetTokens(old) // another run's copy of the same tokens
	ctx := context.Background()
	if err := a.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	err = b.Refresh(ctx)
	var ae *cognitosrp.APIError
	if !errors.As(err, &ae) || ae.Type != "RefreshTokenReuseException" {
		t.Fatalf("Refresh with a retired refresh token: %v; want Cognito's RefreshTokenReuseException", err)
	}
	if !errors.Is(err, cognitosrp.ErrNotAuthorized) || !errors.Is(err, cognitosrp.ErrLoginRequired) {
		t.Errorf("Refresh with a retired refresh token: %v; want ErrNotAuthorized and ErrLoginRequired", err)
	}
	_, err = (&cognitosrp.Client{Endpoint: srv.Endpoint()}).GetTokensFromRefreshToken(ctx, &cognitosrp.GetTokensFromRefreshTokenInput{
		ClientId: srv.ClientID(), RefreshToken: old.RefreshToken,
	})
	if !errors.Is(err, cognitosrp.ErrNotAuthorized) {
		t.Errorf("GetTokensFromRefreshToken with a retired refresh token: %v; want ErrNotAuthorized", err)
	}
}

// TestEmulatorWrongSecretIsNoDeadRefreshToken: a renewal that Cognito
// refuses for the client secret (wrong, or missing) fails with that
// refusal. It is no dead refresh token: the session neither reports that
// it must log in again nor logs in with its password, which Cognito would
// refuse for the same reason.
func TestEmulatorWrongSecretIsNoDeadRefreshToken(t *testing.T) {
	srv, good := emulatorSession(t, cognitotest.Config{ClientSecret: "right"}, nil)
	for _, secret := range []string{"wrong", ""} {
		opts := srv.Options("alice", emuPassword)
		opts.ClientSecret = secret
		auth, err := cognitosrp.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		defer auth.Close()
		due := *good.Tokens() // the same tokens, due for renewal
		due.AccessExpiry, due.IDExpiry = time.Now().Add(-time.Minute), time.Now().Add(-time.Minute)
		auth.Session().SetTokens(&due)
		calls := srv.Calls("InitiateAuth")
		_, err = auth.Token(context.Background())
		if !errors.Is(err, cognitosrp.ErrNotAuthorized) || errors.Is(err, cognitosrp.ErrLoginRequired) {
			t.Errorf("secret %q: Token = %v; want ErrNotAuthorized, not ErrLoginRequired", secret, err)
		}
		if n := srv.Calls("InitiateAuth") - calls; n != 1 {
			t.Errorf("secret %q: %d InitiateAuth calls, want the one renewal and no login", secret, n)
		}
	}
}

// TestEmulatorRotationWithClientSecret: GetTokensFromRefreshToken renews
// the tokens of an app client with a secret, which it sends as
// ClientSecret (that call has no SECRET_HASH): Cognito refuses the call
// without it.
func TestEmulatorRotationWithClientSecret(t *testing.T) {
	srv, s := emulatorSession(t, cognitotest.Config{ClientSecret: "app-secret", RefreshTokenRotation: true},
		func(c *cognitosrp.Config) { c.RefreshMethod = cognitosrp.RefreshWithGetTokens })
	first := s.Tokens()
	logins := srv.Calls("InitiateAuth")
	srv.Advance(2 * time.Hour)
	got, err := s.ValidTokens(context.Background(), cognitosrp.AccessToken)
	if err != nil {
		t.Fatalf("renewal on a client with a secret: %v", err)
	}
	if got.RefreshToken == first.RefreshToken {
		t.Error("the renewal kept the rotated-out refresh token")
	}
	// A session that falls back to a login when its renewal is refused
	// would pass the checks above too.
	if n := srv.Calls("GetTokensFromRefreshToken"); n != 1 {
		t.Errorf("GetTokensFromRefreshToken called %d times, want 1", n)
	}
	if n := srv.Calls("InitiateAuth") - logins; n != 0 {
		t.Errorf("%d logins for a renewal, want 0", n)
	}
}

// TestEmulatorSignOut: SignOut revokes the refresh token, and with it the
// access tokens issued with it, on an app client with a secret too, where
// RevokeToken must carry it as ClientSecret: Cognito refuses the call
// without it, and the refresh token would stay alive after a sign-out that
// reports the failure.
func TestEmulatorSignOut(t *testing.T) {
	for _, secret := range []string{"", "app-secret"} {
		t.Run("secret="+secret, func(t *testing.T) {
			srv, s := emulatorSession(t, cognitotest.Config{ClientSecret: secret}, nil)
			tokens := s.Tokens()
			if err := s.SignOut(context.Background()); err != nil {
				t.Fatal(err)
			}
			if _, err := srv.VerifyAccessToken(tokens.AccessToken); !errors.Is(err, cognitotest.ErrTokenRevoked) {
				t.Errorf("access token after SignOut: %v, want revoked", err)
			}
			api := &cognitosrp.Client{Endpoint: srv.Endpoint()}
			_, err := api.GetTokensFromRefreshToken(context.Background(), &cognitosrp.GetTokensFromRefreshTokenInput{
				ClientId: srv.ClientID(), RefreshToken: tokens.RefreshToken, ClientSecret: secret,
			})
			if !errors.Is(err, cognitosrp.ErrNotAuthorized) {
				t.Errorf("refresh token after SignOut: %v, want NotAuthorized", err)
			}
			if _, err := s.ValidTokens(context.Background(), cognitosrp.AccessToken); !errors.Is(err, cognitosrp.ErrLoginRequired) {
				t.Errorf("ValidTokens after SignOut: %v, want ErrLoginRequired", err)
			}
		})
	}
}

// heldDeviceSave holds the first SaveDevice until release is closed.
type heldDeviceSave struct {
	*cognitosrp.FileDeviceStore
	entered, release chan struct{}
}

func (d *heldDeviceSave) SaveDevice(ctx context.Context, o cognitosrp.DeviceOwner, dev *cognitosrp.Device) error {
	close(d.entered)
	<-d.release
	return d.FileDeviceStore.SaveDevice(ctx, o, dev)
}

// TestEmulatorSignOutDuringDeviceSaveKeepsDevice: a sign-out that cancels
// a login while it saves the device Cognito has just confirmed does not
// cancel that save: the device stays remembered, and the next login is
// not issued another (and asked for MFA again).
func TestEmulatorSignOutDuringDeviceSaveKeepsDevice(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
	if _, err := srv.AddUser(cognitotest.User{Username: "bob", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	store := &heldDeviceSave{cognitosrp.NewFileDeviceStore(t.TempDir() + "/devices.json"), make(chan struct{}), make(chan struct{})}
	opts := srv.Options("bob", emuPassword)
	opts.Devices = cognitosrp.RememberDevices(store, "")
	a, err := cognitosrp.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	s := a.Session()
	defer s.Close()
	// A login that fails never reaches the save: it must fail the test,
	// not leave it waiting for go test's timeout.
	failed := make(chan error, 1)
	go func() {
		_, err := s.ValidTokens(context.Background(), cognitosrp.AccessToken)
		failed <- err
	}()
	select {
	case <-store.entered:
	case err := <-failed:
		t.Fatalf("the login ended before saving a device: %v", err)
	}
	if err := s.SignOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	close(store.release)
	s.Close() // waits for the login's flight
	owner := cognitosrp.DeviceOwner{UserPoolID: opts.UserPoolID, Username: "bob"}
	d, err := store.LoadDevice(context.Background(), owner)
	if err != nil || d == nil {
		t.Fatalf("the confirmed device was not saved: %v, %v", d, err)
	}
	if n := len(srv.Devices("bob")); n != 1 {
		t.Errorf("%d devices at Cognito, want 1", n)
	}
}

// TestEmulatorRefreshWithTheTokensDevice: a renewal sends the DEVICE_KEY of
// the device its tokens were issued on, which their access token names,
// not the device the store holds by then: sessions sharing a
// DeviceTracker each keep the device of their latest login, and Cognito
// refuses a refresh token with another device's key.
func TestEmulatorRefreshWithTheTokensDevice(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	store := new(cognitosrp.MemoryDeviceStore)
	c := srv.SessionConfig()
	c.Now, c.Devices = srv.Now, cognitosrp.RememberDevices(store, "")
	ctx := context.Background()
	owner := cognitosrp.DeviceOwner{UserPoolID: c.UserPoolID, Username: "alice"}
	var keys []string
	var sessions []*cognitosrp.Session
	for i := range 2 {
		if i == 1 {
			// The second session logs in as a new device.
			if err := store.DeleteDevice(ctx, owner); err != nil {
				t.Fatal(err)
			}
		}
		s, err := cognitosrp.NewSession(c, "alice")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.Authenticate(ctx, emuPassword); err != nil {
			t.Fatal(err)
		}
		d, err := store.LoadDevice(ctx, owner)
		if err != nil || d == nil {
			t.Fatalf("no device remembered: %v", err)
		}
		keys, sessions = append(keys, d.Key), append(sessions, s)
	}
	if keys[0] == keys[1] {
		t.Fatal("both logins were issued one device")
	}
	// The store holds the second session's device; the first renews with
	// its own.
	if err := sessions[0].Refresh(ctx); err != nil {
		t.Errorf("renewal of tokens issued on another device than the stored one: %v", err)
	}
}

// TestEmulatorDeviceLoginAfterClockStep: the device's password claim, like
// the user's (TestLoginAfterClockStep), signs its TIMESTAMP on the local
// clock, not on a learnt offset that went stale. The local clock drifted
// ten minutes behind after the first login, which remembered a device; a
// renewal taught the session the offset; then the clock was set right.
// The next login, with device SRP, succeeds instead of failing as if the
// device's password were wrong.
func TestEmulatorDeviceLoginAfterClockStep(t *testing.T) {
	var drift atomic.Int64
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
	s, d := deviceSessionAt(t, srv, func() time.Duration { return -time.Duration(drift.Load()) })
	ctx := context.Background()
	drift.Store(int64(10 * time.Minute))
	srv.Advance(2 * time.Hour)
	if _, err := s.ValidTokens(ctx, cognitosrp.AccessToken); err != nil {
		t.Fatal(err)
	}
	if off := s.ClockOffset(); (off - 10*time.Minute).Abs() > time.Second {
		t.Fatalf("ClockOffset = %v, want 10m", off)
	}
	drift.Store(0) // the clock is set right; the offset still says 10m
	if err := s.Authenticate(ctx, emuPassword); err != nil {
		t.Fatalf("login with a remembered device after the clock was set right: %v", err)
	}
	wantDeviceLogin(t, srv, s, d)
	if n := len(srv.Devices("alice")); n != 1 {
		t.Errorf("alice has %d devices, want the one remembered", n)
	}
}

// TestEmulatorLoginClocksApart: with the client's clock 10 minutes from
// the emulator's, either way, a login succeeds, its password claim and (on
// the next login) its device's claim signed on the Date of the response
// that carried each verifier challenge, as Cognito's responses carry its
// clock: signed on the local clock, both are refused (TestClockSkew in
// cognitotest).
func TestEmulatorLoginClocksApart(t *testing.T) {
	for _, skew := range []time.Duration{10 * time.Minute, -10 * time.Minute} {
		t.Run(skew.String(), func(t *testing.T) {
			srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
			// Away from the real clock too, which net/http's own Date
			// header would tell.
			srv.Advance(5 * time.Hour)
			s, d := deviceSessionAt(t, srv, func() time.Duration { return skew })
			if err := s.Authenticate(context.Background(), emuPassword); err != nil {
				t.Fatalf("login with a remembered device (device SRP): %v", err)
			}
			wantDeviceLogin(t, srv, s, d)
			if off := s.ClockOffset(); (off + skew).Abs() > time.Second {
				t.Errorf("ClockOffset = %v, want %v", off, -skew)
			}
		})
	}
}

// TestRememberDevicesDefaultName: RememberDevices given no name confirms
// devices under DefaultDeviceName, as its doc says.
func TestRememberDevicesDefaultName(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
	if _, err := srv.AddUser(cognitotest.User{Username: "bob", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	opts := srv.Options("bob", emuPassword)
	opts.Devices = cognitosrp.RememberDevices(nil, "")
	a, err := cognitosrp.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Token(t.Context()); err != nil {
		t.Fatal(err)
	}
	a.Close() // waits for the login, which confirms the device
	if devs := srv.Devices("bob"); len(devs) != 1 || !devs[0].Confirmed || devs[0].Name != cognitosrp.DefaultDeviceName {
		t.Errorf("devices = %+v, want one confirmed, named %q", devs, cognitosrp.DefaultDeviceName)
	}
}

// TestNilStoresFailWithErrConfig: a *FileStore or *FileDeviceStore variable
// left nil (no path given), or a *MemoryStore field left nil, put into the
// Config is an interface that is not nil. Reading such a store fails with
// ErrConfig; it used to panic in a flight's goroutine, ending the program.
func TestNilStoresFailWithErrConfig(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	var tokens *cognitosrp.FileStore
	var memory *cognitosrp.MemoryStore
	var devices *cognitosrp.FileDeviceStore
	for _, tc := range []struct {
		name string
		mod  func(*cognitosrp.Config)
		use  func(context.Context, *cognitosrp.Session) error
	}{
		{"Store", func(c *cognitosrp.Config) { c.Store = tokens }, func(ctx context.Context, s *cognitosrp.Session) error {
			_, err := s.ValidTokens(ctx, cognitosrp.AccessToken) // loads the store
			return err
		}},
		{"MemoryStore", func(c *cognitosrp.Config) { c.Store = memory }, func(ctx context.Context, s *cognitosrp.Session) error {
			_, err := s.ValidTokens(ctx, cognitosrp.AccessToken)
			return err
		}},
		{"Devices", func(c *cognitosrp.Config) { c.Devices = cognitosrp.RememberDevices(devices, "") }, func(ctx context.Context, s *cognitosrp.Session) error {
			return s.Authenticate(ctx, emuPassword) // loads the device
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := srv.SessionConfig()
			c.Now = srv.Now
			tc.mod(&c)
			s, err := cognitosrp.NewSession(c, "alice")
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := tc.use(context.Background(), s); !errors.Is(err, cognitosrp.ErrConfig) {
				t.Fatalf("%v, want ErrConfig", err)
			}
		})
	}
}

// TestSignOutDuringAuthenticate: a sign-out (SignOut, or SetTokens(nil))
// while Authenticate's login is with Cognito discards that login, as it
// discards a login of a flight (SetTokens' doc: "it discards a login or
// renewal in progress, which would bring tokens back"): Authenticate fails,
// and the signed-out session neither holds nor stores the tokens.
func TestSignOutDuringAuthenticate(t *testing.T) {
	for _, tc := range []struct {
		name    string
		signOut func(*cognitosrp.Session) error
	}{
		{"SignOut", func(s *cognitosrp.Session) error { return s.SignOut(context.Background()) }},
		{"SetTokens(nil)", func(s *cognitosrp.Session) error { s.SetTokens(nil); return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := cognitotest.NewServer(t, cognitotest.Config{})
			if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword}); err != nil {
				t.Fatal(err)
			}
			c := srv.SessionConfig()
			path := t.TempDir() + "/tokens.json"
			c.Now, c.Store = srv.Now, cognitosrp.NewFileStore(path)
			s, err := cognitosrp.NewSession(c, "alice")
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			srv.SetActionLatency("RespondToAuthChallenge", time.Second)
			authErr := make(chan error, 1)
			go func() { authErr <- s.Authenticate(context.Background(), emuPassword) }()
			for srv.Calls("RespondToAuthChallenge") == 0 {
				time.Sleep(time.Millisecond) // until the password proof is with Cognito
			}
			if err := tc.signOut(s); err != nil {
				t.Fatal(err)
			}
			if err := <-authErr; err == nil {
				t.Error("Authenticate succeeded although the session signed out during its login")
			}
			if s.Tokens() != nil {
				t.Error("a login begun before the sign-out brought tokens back")
			}
			if stored, err := cognitosrp.NewFileStore(path).Load(context.Background()); stored != nil || err != nil {
				t.Errorf("store after the sign-out: %v, %v; want it empty", stored, err)
			}
		})
	}
}

// TestSignOutDuringAuthenticateAsksNoCode: a sign-out while Authenticate
// waits for the person's MFA code cancels the login: the ChallengeHandler's
// context ends, no code goes to Cognito after the sign-out, and
// Authenticate fails with ErrLoginRequired. (The login went on to the end,
// the handler asking the person for a code after they had signed out.)
func TestSignOutDuringAuthenticateAsksNoCode(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword, SMSMFA: true,
		Attributes: map[string]string{"phone_number": "+15555550100"}}); err != nil {
		t.Fatal(err)
	}
	c := srv.SessionConfig()
	asked, cancelled := make(chan struct{}), make(chan bool, 1)
	c.ChallengeHandler = cognitosrp.ChallengeHandlerFunc(func(ctx context.Context, ch *cognitosrp.Challenge) (*cognitosrp.ChallengeAnswer, error) {
		close(asked)
		select { // the person takes a while to type the code
		case <-ctx.Done():
			cancelled <- true
		case <-time.After(5 * time.Second):
			cancelled <- false
		}
		return &cognitosrp.ChallengeAnswer{Answer: cognitotest.DefaultMFACode}, nil
	})
	s, err := cognitosrp.NewSession(c, "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	authErr := make(chan error, 1)
	go func() { authErr <- s.Authenticate(context.Background(), emuPassword) }()
	<-asked
	before := srv.Calls("RespondToAuthChallenge")
	if err := s.SignOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !<-cancelled {
		t.Error("the ChallengeHandler's context did not end with the sign-out")
	}
	if err := <-authErr; !errors.Is(err, cognitosrp.ErrLoginRequired) {
		t.Errorf("Authenticate after a sign-out during its login: %v, want ErrLoginRequired", err)
	}
	if n := srv.Calls("RespondToAuthChallenge") - before; n != 0 {
		t.Errorf("%d answers went to Cognito after the sign-out", n)
	}
	if s.Tokens() != nil {
		t.Error("tokens after the sign-out")
	}
}

// TestSignOutAsAuthenticateEndsRevokes: tokens Cognito issued to an
// Authenticate that a sign-out voided just after (here, as the answer
// arrives) are revoked, not dropped with their refresh token live; Close
// does not wait for that revocation (it waits for none of a sign-out's),
// and a failed one is reported, as by SignOut.
func TestSignOutAsAuthenticateEndsRevokes(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	c := srv.SessionConfig()
	c.Retry = cognitosrp.RetryPolicy{MaxAttempts: 1}
	var s *cognitosrp.Session
	revoking, release := make(chan struct{}), make(chan struct{})
	c.HTTPClient = &http.Client{Transport: cognitosrp.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".RevokeToken") {
			close(revoking)
			<-release
			return nil, errors.New("network down")
		}
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err == nil && strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".RespondToAuthChallenge") {
			s.SetTokens(nil) // the sign-out comes as the tokens do
		}
		return resp, err
	})}
	s, err := cognitosrp.NewSession(c, "alice")
	if err != nil {
		t.Fatal(err)
	}
	authErr := make(chan error, 1)
	go func() { authErr <- s.Authenticate(context.Background(), emuPassword) }()
	select {
	case <-revoking:
	case <-time.After(5 * time.Second):
		t.Fatal("the voided login's tokens were not revoked")
	}
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(2 * time.Second):
		t.Error("Close waited for the revocation of a voided login's tokens")
	}
	close(release)
	<-closed
	if err := <-authErr; !errors.Is(err, cognitosrp.ErrLoginRequired) || !strings.Contains(err.Error(), "revoking the refresh token failed") {
		t.Errorf("Authenticate voided as it ended, whose tokens could not be revoked: %v", err)
	}
}

// dueDuringGlobalSignOut returns the session of an emulator user whose
// access token has entered its renewal window, for racing a renewal with
// GlobalSignOut: the answer to GlobalSignOut comes back only once hold
// returns, as over a slow network, and InitiateAuth is slowed, so that a
// renewal started now reaches Cognito after the sign-out. edit, if not
// nil, adjusts the options.
func dueDuringGlobalSignOut(t *testing.T, hold func(), edit func(*cognitosrp.Options)) (*cognitotest.Server, *cognitosrp.Session) {
	t.Helper()
	srv := cognitotest.NewServer(t, cognitotest.Config{AccessTokenLifetime: 4 * time.Second, IDTokenLifetime: 4 * time.Second})
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	opts := srv.Options("alice", emuPassword)
	opts.RefreshAhead = time.Hour // capped at half the lifetime: renewal is due after 1 s
	opts.HTTPClient = &http.Client{Transport: cognitosrp.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := http.DefaultTransport.RoundTrip(r)
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".GlobalSignOut") {
			hold()
		}
		return resp, err
	})}
	if edit != nil {
		edit(&opts)
	}
	a, err := cognitosrp.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	s := a.Session()
	if _, err := s.ValidTokens(context.Background(), cognitosrp.AccessToken); err != nil {
		t.Fatal(err)
	}
	for !s.RenewalDue(cognitosrp.AccessToken) {
		time.Sleep(10 * time.Millisecond)
	}
	srv.SetActionLatency("InitiateAuth", 100*time.Millisecond)
	return srv, s
}

// TestGlobalSignOutRenewsNothing: GlobalSignOut of an access token that is
// still valid, though in its renewal window, signs out with it and starts
// no renewal (its doc: it renews the token "if needed"). A background
// renewal started for it reaches Cognito after the sign-out, finds the
// refresh token dead and, on a session with a password, logs the user in
// again: a live refresh token issued after the user signed out
// everywhere, which the sign-out then drops without revoking.
func TestGlobalSignOutRenewsNothing(t *testing.T) {
	srv, s := dueDuringGlobalSignOut(t, func() { time.Sleep(500 * time.Millisecond) }, nil)
	calls := func() int {
		return srv.Calls("InitiateAuth") + srv.Calls("GetTokensFromRefreshToken") + srv.Calls("RespondToAuthChallenge")
	}
	before := calls()
	if err := s.GlobalSignOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	s.Close() // waits for any renewal
	if n := calls() - before; n != 0 {
		t.Errorf("GlobalSignOut of a valid token made %d renewal or login calls, want none", n)
	}
	if s.Tokens() != nil {
		t.Error("tokens kept after GlobalSignOut")
	}
}

// TestGlobalSignOutRevokesLoginDuringIt: a renewal a request started just
// before GlobalSignOut reaches Cognito after it, finds the refresh token
// dead and logs in again with the password; those tokens were installed
// (handed to requests, saved, reported to OnTokens) before the sign-out
// forgot them, and were dropped with their refresh token live. Every token
// the session ever had must be dead once GlobalSignOut returns.
func TestGlobalSignOutRevokesLoginDuringIt(t *testing.T) {
	var mu sync.Mutex
	var seen []*cognitosrp.Tokens
	renewed := make(chan struct{}) // closed with the second tokens
	hold := func() {               // until the renewal has ended
		select {
		case <-renewed:
		case <-time.After(5 * time.Second):
		}
	}
	srv, s := dueDuringGlobalSignOut(t, hold, func(o *cognitosrp.Options) {
		o.OnTokens = func(t *cognitosrp.Tokens) {
			mu.Lock()
			defer mu.Unlock()
			if t != nil {
				if seen = append(seen, t); len(seen) == 2 {
					close(renewed)
				}
			}
		}
	})
	// A request starts a background renewal, which reaches Cognito after
	// the sign-out.
	ctx := context.Background()
	if _, err := s.ValidTokens(ctx, cognitosrp.AccessToken); err != nil {
		t.Fatal(err)
	}
	if err := s.GlobalSignOut(ctx); err != nil {
		t.Fatal(err)
	}
	s.Close() // waits for the renewal
	mu.Lock()
	defer mu.Unlock()
	if len(seen) < 2 {
		t.Fatalf("%d token changes; the renewal did not end during the sign-out", len(seen))
	}
	for i, tok := range seen {
		if _, err := srv.VerifyAccessToken(tok.AccessToken); !errors.Is(err, cognitotest.ErrTokenRevoked) {
			t.Errorf("tokens #%d still work after GlobalSignOut: %v", i, err)
		}
	}
}

// TestClockOffsetIgnoresTheWaitForACode: the clock offset is learned from
// the call that returned the tokens, not from the whole login. A person who
// takes ten minutes to type an SMS code, with Cognito's clock two seconds
// ahead, must not leave the session believing it is five minutes ahead: its
// 5-minute tokens (the shortest a pool allows) would then be judged
// expired as they arrive, and the first request would wait for a renewal.
func TestClockOffsetIgnoresTheWaitForACode(t *testing.T) {
	clk := cognitosrp.NewFakeClock(time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC))
	srv := cognitotest.NewServer(t, cognitotest.Config{
		AccessTokenLifetime: 5 * time.Minute, IDTokenLifetime: 5 * time.Minute,
		SessionLifetime: 15 * time.Minute,
	})
	const skew = 2 * time.Second
	srv.SetClock(func() time.Time { return clk.Now().Add(skew) })
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword, SMSMFA: true,
		Attributes: map[string]string{"phone_number": "+15555550100"}}); err != nil {
		t.Fatal(err)
	}
	c := srv.SessionConfig()
	c.Now = clk.Now
	c.ChallengeHandler = cognitosrp.ChallengeHandlerFunc(func(ctx context.Context, ch *cognitosrp.Challenge) (*cognitosrp.ChallengeAnswer, error) {
		clk.Advance(10 * time.Minute) // the person finds the phone
		return &cognitosrp.ChallengeAnswer{Answer: cognitotest.DefaultMFACode}, nil
	})
	s, err := cognitosrp.NewSession(c, "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Authenticate(context.Background(), emuPassword); err != nil {
		t.Fatal(err)
	}
	if off := s.ClockOffset(); (off - skew).Abs() > 1500*time.Millisecond {
		t.Errorf("ClockOffset = %v after a 10-minute wait for the code; Cognito is %v ahead", off, skew)
	}
	logged := s.Tokens()
	if s.RenewalDue(cognitosrp.AccessToken) {
		t.Error("fresh 5-minute tokens are due for renewal right after the login")
	}
	got, err := s.ValidTokens(context.Background(), cognitosrp.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if got != logged {
		t.Error("the first request did not get the tokens of the login")
	}
}

// TestNeedTakesHandlersLoginRequired: an ErrLoginRequired that the
// ChallengeHandler returned (nobody is there to type the code) is the
// need's answer: the session asks once, and does not log in again and
// again, sending one SMS after another, because the error reads "log in".
func TestNeedTakesHandlersLoginRequired(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword, SMSMFA: true,
		Attributes: map[string]string{"phone_number": "+15555550100"}}); err != nil {
		t.Fatal(err)
	}
	var asked atomic.Int32
	opts := srv.Options("alice", emuPassword)
	opts.ChallengeHandler = cognitosrp.ChallengeHandlerFunc(func(context.Context, *cognitosrp.Challenge) (*cognitosrp.ChallengeAnswer, error) {
		asked.Add(1)
		return nil, fmt.Errorf("nobody to type the code: %w", cognitosrp.ErrLoginRequired)
	})
	a, err := cognitosrp.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := a.Session().ValidTokens(ctx, cognitosrp.AccessToken); !errors.Is(err, cognitosrp.ErrLoginRequired) || ctx.Err() != nil {
		t.Errorf("ValidTokens = %v, want the handler's ErrLoginRequired", err)
	}
	if n := asked.Load(); n != 1 {
		t.Errorf("handler asked %d times, want 1", n)
	}
	if n := srv.Calls("InitiateAuth"); n != 1 {
		t.Errorf("%d logins, want 1", n)
	}
}

// deviceSessionAt returns a session of srv whose clock is srv's plus
// skew(), logged in as alice (whom it adds) with a device it remembered,
// and that device.
func deviceSessionAt(t *testing.T, srv *cognitotest.Server, skew func() time.Duration) (*cognitosrp.Session, *cognitosrp.Device) {
	t.Helper()
	store := new(cognitosrp.MemoryDeviceStore)
	s := emulatorSessionOn(t, srv, func(c *cognitosrp.Config) {
		now := c.Now // the emulator's clock
		c.Now = func() time.Time { return now().Add(skew()) }
		c.Devices = cognitosrp.RememberDevices(store, "")
		c.Retry = cognitosrp.RetryPolicy{MaxAttempts: 1}
	})
	d, err := store.LoadDevice(context.Background(), cognitosrp.DeviceOwner{UserPoolID: srv.PoolID(), Username: "alice"})
	if err != nil || d == nil {
		t.Fatalf("no device remembered: %v", err)
	}
	return s, d
}

// wantDeviceLogin checks that the session's last login proved the device
// d (device SRP): its access token names d.
func wantDeviceLogin(t *testing.T, srv *cognitotest.Server, s *cognitosrp.Session, d *cognitosrp.Device) {
	t.Helper()
	cl, err := srv.VerifyAccessToken(s.Tokens().AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if cl.Raw["device_key"] != d.Key {
		t.Errorf("the login's access token names device %v, want the remembered %q (device SRP)", cl.Raw["device_key"], d.Key)
	}
}

// TestGlobalSignOutAnswerLost: the answer to GlobalSignOut is lost after
// Cognito applied it, so the Client sends it again, and Cognito refuses the
// resent copy's access token as revoked. The session cannot tell that
// refusal from one of a token revoked before (see
// TestGlobalSignOutRevokedBeforeFailedCopy), so it renews, logging in
// again, and signs out with the new token: it must report success and
// forget the tokens, not keep tokens that are dead everywhere (each later
// GlobalSignOut would send them again and fail).
func TestGlobalSignOutAnswerLost(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	var sent atomic.Int32
	opts := srv.Options("alice", emuPassword)
	opts.Retry = cognitosrp.RetryPolicy{BaseDelay: time.Millisecond}
	opts.HTTPClient = &http.Client{Transport: cognitosrp.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err == nil && strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".GlobalSignOut") && sent.Add(1) == 1 {
			resp.Body.Close()
			return nil, errors.New("connection reset by peer")
		}
		return resp, err
	})}
	a, err := cognitosrp.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	s := a.Session()
	tok, err := s.ValidTokens(context.Background(), cognitosrp.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.GlobalSignOut(context.Background()); err != nil {
		t.Errorf("GlobalSignOut whose answer was lost = %v, want nil", err)
	}
	if n := sent.Load(); n != 3 {
		t.Errorf("GlobalSignOut sent %d times, want 3 (the lost one, its resend, and after a login)", n)
	}
	if got := s.Tokens(); got != nil {
		t.Error("the session kept its tokens after signing out everywhere")
	}
	if _, err := srv.VerifyAccessToken(tok.AccessToken); err == nil {
		t.Error("the access token still works: the sign-out did not happen")
	}
}

// TestGlobalSignOutAfterRevocation: another client signed the user out
// everywhere, so Cognito refuses the session's access token although it
// has not expired. GlobalSignOut renews it, as a request's 401 would, and
// signs out with the new one: with a password it logs in again and
// succeeds; without one it fails, saying that a login is required.
func TestGlobalSignOutAfterRevocation(t *testing.T) {
	for _, withPassword := range []bool{true, false} {
		srv := cognitotest.NewServer(t, cognitotest.Config{})
		if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword}); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var installed []*cognitosrp.Tokens // what s's OnTokens reported
		// reports waits up to 5 s for OnTokens's reports to satisfy done
		// (they may come late, Config.OnTokens says) and returns them.
		reports := func(done func([]*cognitosrp.Tokens) bool) []*cognitosrp.Tokens {
			for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
				mu.Lock()
				got := slices.Clone(installed)
				mu.Unlock()
				if done(got) || time.Now().After(deadline) {
					return got
				}
			}
		}
		opts := srv.Options("alice", emuPassword)
		opts.OnTokens = func(t *cognitosrp.Tokens) {
			mu.Lock()
			defer mu.Unlock()
			installed = append(installed, t)
		}
		s := signedOutElsewhere(t, srv, seedNew(t, opts).Session(),
			seedNew(t, srv.Options("alice", emuPassword)).Session(), withPassword)
		before, signOuts, revokes := srv.Calls(""), srv.Calls("GlobalSignOut"), srv.Calls("RevokeToken")
		if withPassword {
			// Wait for the first login's report before counting the
			// reports of the sign-out.
			reports(func(got []*cognitosrp.Tokens) bool { return len(got) > 0 })
		}
		mu.Lock()
		installed = nil
		mu.Unlock()
		err := s.GlobalSignOut(context.Background())
		if withPassword {
			if err != nil {
				t.Errorf("GlobalSignOut with a password, tokens revoked elsewhere = %v, want nil", err)
			}
			if s.Tokens() != nil {
				t.Error("tokens kept after GlobalSignOut")
			}
			if n := srv.Calls("GlobalSignOut") - signOuts; n != 2 {
				t.Errorf("GlobalSignOut sent %d times, want 2 (the refused token, then the new one)", n)
			}
			// The new login's tokens were signed out with the rest: revoking
			// them too would be a needless call, whose failure would fail a
			// sign-out that succeeded.
			if n := srv.Calls("RevokeToken") - revokes; n != 0 {
				t.Errorf("GlobalSignOut sent RevokeToken %d times, want 0", n)
			}
			// The nil comes last.
			got := reports(func(got []*cognitosrp.Tokens) bool { return len(got) > 0 && got[len(got)-1] == nil })
			if len(got) != 2 || got[0] == nil || got[1] != nil {
				t.Fatalf("OnTokens during GlobalSignOut: %v, want a login's tokens, then nil", got)
			}
			if _, err := srv.VerifyAccessToken(got[0].AccessToken); err == nil {
				t.Error("the new login's access token still works after GlobalSignOut")
			}
			continue
		}
		if !errors.Is(err, cognitosrp.ErrLoginRequired) || !errors.Is(err, cognitosrp.ErrNotAuthorized) {
			t.Errorf("GlobalSignOut without a password, tokens revoked elsewhere = %v, want ErrNotAuthorized and ErrLoginRequired", err)
		}
		// The error names the refused sign-out, not only the renewal that
		// could not replace its token.
		var ae *cognitosrp.APIError
		if !errors.As(err, &ae) || ae.Action != "GlobalSignOut" {
			t.Errorf("GlobalSignOut without a password, tokens revoked elsewhere = %v, want GlobalSignOut's APIError first", err)
		}
		if n := srv.Calls("") - before; n != 2 {
			t.Errorf("GlobalSignOut without a password made %d calls, want 2 (GlobalSignOut, then a refresh)", n)
		}
	}
}

// TestAuthenticateSavesAfterCancel: a login whose last answer arrived
// just before its ctx ended (a Ctrl-C, a deadline) is stored all the same,
// as a flight's tokens are: the session holds them, and a store left
// behind them would give the next run older ones.
func TestAuthenticateSavesAfterCancel(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := srv.SessionConfig()
	c.Store = cognitosrp.NewFileStore(filepath.Join(t.TempDir(), "tokens.json"))
	c.HTTPClient = &http.Client{Transport: cognitosrp.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := http.DefaultTransport.RoundTrip(r)
		if err != nil || !strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".RespondToAuthChallenge") {
			return resp, err
		}
		// The answer that completes the login arrives whole; then the
		// context ends.
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		cancel()
		return resp, err
	})}
	s, err := cognitosrp.NewSession(c, "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Authenticate(ctx, emuPassword); err != nil {
		t.Fatalf("Authenticate whose answer arrived before the cancel = %v", err)
	}
	got, err := c.Store.Load(context.Background())
	if err != nil || got == nil || s.Tokens() == nil || got.RefreshToken != s.Tokens().RefreshToken {
		t.Errorf("store holds %v (%v); want the session's tokens", got, err)
	}
}

// TestSignOutWithEndedContextClearsStore: a sign-out whose ctx has ended
// cannot revoke the refresh token, and says so, but still empties the
// store: the session has forgotten the tokens, and a store that kept them
// would sign the next run in again.
func TestSignOutWithEndedContextClearsStore(t *testing.T) {
	store := cognitosrp.NewFileStore(filepath.Join(t.TempDir(), "tokens.json"))
	_, s := emulatorSession(t, cognitotest.Config{}, func(c *cognitosrp.Config) { c.Store = store })
	if got, err := store.Load(context.Background()); got == nil || err != nil {
		t.Fatalf("store after login = %v, %v", got, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.SignOut(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("SignOut with an ended ctx = %v, want an error matching context.Canceled (no revocation)", err)
	}
	if got, err := store.Load(context.Background()); got != nil || err != nil {
		t.Errorf("store after SignOut = %v, %v; want it empty", got, err)
	}
}

// TestGlobalSignOutRevokedBeforeFailedCopy: another client signed the user
// out everywhere, a second device logged in since, and the session's
// GlobalSignOut meets a passing failure (a 500 Cognito did not act on)
// before its resend is refused as revoked. The refusal tells nothing of
// the first copy: the token was revoked before it was sent. The session
// must renew and sign out as it does without the failure, so that the
// second device's refresh token dies; without a password it cannot, and
// must not report success. (Counting the refusal as the first copy's doing
// returned nil and left the second device signed in.)
func TestGlobalSignOutRevokedBeforeFailedCopy(t *testing.T) {
	for _, withPassword := range []bool{true, false} {
		srv := cognitotest.NewServer(t, cognitotest.Config{})
		if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword}); err != nil {
			t.Fatal(err)
		}
		opts := srv.Options("alice", emuPassword)
		opts.Retry = cognitosrp.RetryPolicy{BaseDelay: time.Millisecond}
		newSession := func() *cognitosrp.Session { return seedNew(t, opts).Session() }
		s := signedOutElsewhere(t, srv, newSession(), newSession(), withPassword)
		later := newSession()
		lt, err := later.ValidTokens(context.Background(), cognitosrp.AccessToken)
		if err != nil {
			t.Fatal(err)
		}
		srv.FailNext(1, cognitotest.FaultInternalError, "GlobalSignOut")
		err = s.GlobalSignOut(context.Background())
		_, rerr := (&cognitosrp.Client{Endpoint: srv.Endpoint()}).GetTokensFromRefreshToken(context.Background(),
			&cognitosrp.GetTokensFromRefreshTokenInput{ClientId: srv.ClientID(), RefreshToken: lt.RefreshToken})
		if withPassword {
			if err != nil {
				t.Errorf("GlobalSignOut with a password = %v, want nil", err)
			}
			if rerr == nil {
				t.Error("with a password: the refresh token of a device that logged in before GlobalSignOut still works")
			}
			continue
		}
		if err == nil && rerr == nil {
			t.Error("without a password: GlobalSignOut = nil, yet the refresh token of a device that logged in before it still works")
		}
		if !errors.Is(err, cognitosrp.ErrNotAuthorized) {
			t.Errorf("GlobalSignOut without a password = %v, want ErrNotAuthorized", err)
		}
	}
}

// signedOutElsewhere logs s in, makes it a session without a password
// unless withPassword, and has other sign alice out everywhere: the
// session it returns holds tokens that Cognito refuses as revoked.
func signedOutElsewhere(t *testing.T, srv *cognitotest.Server, s, other *cognitosrp.Session, withPassword bool) *cognitosrp.Session {
	t.Helper()
	if _, err := s.ValidTokens(context.Background(), cognitosrp.AccessToken); err != nil {
		t.Fatal(err)
	}
	if !withPassword {
		s = passwordless(t, srv, s)
	}
	if err := other.GlobalSignOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// passwordless returns a session of srv's alice without a password that
// holds s's tokens: one that cannot log in again.
func passwordless(t *testing.T, srv *cognitotest.Server, s *cognitosrp.Session) *cognitosrp.Session {
	t.Helper()
	ps, err := cognitosrp.NewSession(srv.SessionConfig(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ps.Close() })
	ps.SetTokens(s.Tokens())
	return ps
}

// TestEmulatorHeldFailureOfKeptTokens: a rotating renewal whose tokens the
// Verifier refuses leaves the session new tokens (its old ones with the new
// refresh token), which the next need renews again. The failures are held
// all the same: after two in a row, needs get the error at once instead of
// a renewal each (which would also rotate the refresh token each time),
// and the session renews once the key set is back.
func TestEmulatorHeldFailureOfKeptTokens(t *testing.T) {
	srv, s, down := rotatingSession(t, nil)
	ctx := context.Background()
	down.Store(true)
	srv.Advance(cognitosrp.DefaultKeyLifetime) // the tokens expired too
	for range 20 {
		if _, err := s.ValidTokens(ctx, cognitosrp.AccessToken); !errors.Is(err, cognitosrp.ErrKeySetUnavailable) {
			t.Fatalf("ValidTokens with the key set down = %v, want ErrKeySetUnavailable", err)
		}
	}
	if n := srv.Calls("GetTokensFromRefreshToken"); n != 2 {
		t.Fatalf("%d renewals for 20 needs, want 2", n)
	}
	down.Store(false)
	srv.Advance(time.Minute) // past the verifier's pause and the session's wait
	if _, err := s.ValidTokens(ctx, cognitosrp.AccessToken); err != nil {
		t.Fatalf("ValidTokens once the key set is back: %v", err)
	}
}

// TestCustomAuthWithoutTriggersEmulator: FlowCustomAuth in a pool
// without the custom-auth Lambda triggers (in the emulator, a user
// without CustomAnswer) fails with ErrInvalidParameter, as Cognito
// refuses it, and not with ErrNotAuthorized, which reads as a wrong
// password: FlowCustomAuth's doc says so.
func TestCustomAuthWithoutTriggersEmulator(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: "pw-alice-123"}); err != nil {
		t.Fatal(err)
	}
	cfg := srv.SessionConfig()
	cfg.AuthFlow = cognitosrp.FlowCustomAuth
	for _, password := range []string{"", "pw-alice-123"} {
		sess, err := cognitosrp.NewSession(cfg, "alice")
		if err != nil {
			t.Fatal(err)
		}
		err = sess.Authenticate(t.Context(), password)
		if !errors.Is(err, cognitosrp.ErrInvalidParameter) || errors.Is(err, cognitosrp.ErrNotAuthorized) || !strings.Contains(err.Error(), "Custom auth lambda trigger is not configured") {
			t.Errorf("password %q: err = %v, want ErrInvalidParameter for the missing triggers", password, err)
		}
	}
}

// TestTwoTokenTypesOneSession: the README's two APIs of one user, each
// wanting another token: a second Auth built on the first one's session
// sends the id token while the first sends the access token, both bare
// (AppSync refuses "Bearer "), one login and one renewal serve both, and
// once the refresh token dies the first Auth's password logs in again for
// both, the second's request first. Closing the second leaves the session
// open.
func TestTwoTokenTypesOneSession(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenLifetime: 24 * time.Hour})
	srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword})
	var idGot, accessGot atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		if _, err := srv.VerifyIDToken(h); err == nil {
			idGot.Add(1)
			return
		}
		if _, err := srv.VerifyAccessToken(h); err == nil {
			accessGot.Add(1)
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer api.Close()
	opts := srv.Options("alice", emuPassword)
	opts.Now = srv.Now
	opts.Header, opts.HeaderPrefix = "Authorization", ""
	appsync, err := cognitosrp.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer appsync.Close()
	gateway, err := cognitosrp.New(cognitosrp.Options{
		Session: appsync.Session(),
		Header:  "Authorization", HeaderPrefix: "", TokenType: cognitosrp.IDToken,
	})
	if err != nil {
		t.Fatal(err)
	}
	both := func(when string, wantLogins, wantRenewals int, auths ...*cognitosrp.Auth) {
		t.Helper()
		for _, a := range auths {
			resp, err := a.Client().Get(api.URL)
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: %v %v", when, resp, err)
			}
			resp.Body.Close()
		}
		// Each login makes one InitiateAuth call, each renewal (a
		// refused one included) one more.
		logins := srv.Calls("RespondToAuthChallenge")
		if renewals := srv.Calls("InitiateAuth") - logins; logins != wantLogins || renewals != wantRenewals {
			t.Fatalf("%s: %d logins, %d renewals; want %d, %d", when, logins, renewals, wantLogins, wantRenewals)
		}
	}
	both("first requests", 1, 0, appsync, gateway)
	srv.Advance(2 * time.Hour) // the access and id tokens have expired
	both("after the tokens expired", 1, 1, appsync, gateway)
	srv.Advance(25 * time.Hour) // the refresh token has died
	both("after the refresh token died", 2, 2, gateway, appsync)
	if idGot.Load() != 3 || accessGot.Load() != 3 {
		t.Errorf("id tokens %d, access tokens %d; want 3 each", idGot.Load(), accessGot.Load())
	}
	gateway.Close()
	if err := appsync.Session().Refresh(context.Background()); err != nil {
		t.Errorf("Refresh after the second Auth's Close: %v; want the session open", err)
	}
}

// TestClosedAfterDeadRefreshTokenSaysClosed: a closed session answers no
// need with ErrLoginRequired that a session with a password would have
// met with a login. Requests whose 401 found the refresh token dead, and
// whose login Close ended, got it (the dead refresh token's error, meant
// for sessions without a password, and Close drops the password): a
// service shutting down logged that its user must log in again, and one
// that takes ErrLoginRequired for broken credentials acted on it. They
// get their 401, or ErrClosed, as other requests that race Close do:
// those refused before Close, after it, and those sent after it.
func TestClosedAfterDeadRefreshTokenSaysClosed(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword})
	api := httptest.NewServer(srv.RequireAccessToken(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
	defer api.Close()
	for round := range 30 {
		auth, err := cognitosrp.New(srv.Options("alice", emuPassword))
		if err != nil {
			t.Fatal(err)
		}
		get := func() error {
			resp, err := auth.Client().Get(api.URL)
			if err == nil {
				resp.Body.Close()
			}
			return err
		}
		if err := get(); err != nil {
			t.Fatal(err)
		}
		srv.ResetCalls()
		srv.SignOut("alice") // the API refuses the token, Cognito the refresh token
		srv.SetActionLatency("RespondToAuthChallenge", time.Minute)
		errs := make(chan error, 16)
		for range cap(errs) {
			go func() { errs <- get() }()
		}
		if round%2 == 0 { // Close as the login runs
			for deadline := time.Now().Add(time.Minute); srv.Calls("RespondToAuthChallenge") == 0; {
				if time.Now().After(deadline) {
					t.Fatalf("round %d: no login reached RespondToAuthChallenge in a minute", round)
				}
				time.Sleep(time.Millisecond)
			}
		} else { // or before some requests' 401 came
			time.Sleep(time.Duration(round%5) * time.Millisecond)
		}
		auth.Close()
		for range cap(errs) {
			if err := <-errs; errors.Is(err, cognitosrp.ErrLoginRequired) {
				t.Fatalf("round %d: a request racing Close: %v; want its 401 or ErrClosed", round, err)
			}
		}
		if err := get(); errors.Is(err, cognitosrp.ErrLoginRequired) {
			t.Fatalf("round %d: a request after Close: %v; want its 401 or ErrClosed", round, err)
		}
		srv.SetActionLatency("RespondToAuthChallenge", -1)
	}
}
