// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// optInSession starts an emulator with cfg and returns it, with a session
// of alice, who has SMS MFA, that remembers devices in the returned store
// and answers her codes, counting them in the returned counter. The
// session has not logged in yet.
func optInSession(t *testing.T, cfg cognitotest.Config) (*cognitotest.Server, *cognitosrp.MemoryDeviceStore, *cognitosrp.Session, *atomic.Int32) {
	t.Helper()
	srv := cognitotest.NewServer(t, cfg)
	store := new(cognitosrp.MemoryDeviceStore)
	codes := new(atomic.Int32)
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword, SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}}); err != nil {
		t.Fatal(err)
	}
	c := srv.SessionConfig()
	c.Now = srv.Now
	c.Devices = cognitosrp.RememberDevices(store, "")
	c.Retry = cognitosrp.RetryPolicy{MaxAttempts: 1}
	c.ChallengeHandler = cognitosrp.ChallengeHandlerFunc(func(ctx context.Context, ch *cognitosrp.Challenge) (*cognitosrp.ChallengeAnswer, error) {
		if ch.Name != cognitosrp.ChallengeSMSMFA {
			return nil, nil
		}
		codes.Add(1)
		return &cognitosrp.ChallengeAnswer{Answer: cognitotest.DefaultMFACode}, nil
	})
	s, err := cognitosrp.NewSession(c, "alice")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return srv, store, s, codes
}

// loginCounting logs s in and fails t unless it was asked for want codes
// more than before.
func loginCounting(t *testing.T, s *cognitosrp.Session, codes *atomic.Int32, want int32, what string) {
	t.Helper()
	before := codes.Load()
	if err := s.Authenticate(context.Background(), emuPassword); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if got := codes.Load() - before; got != want {
		t.Errorf("%s: asked for %d MFA codes, want %d", what, got, want)
	}
}

// storedDevice returns alice's device in store, or fails t.
func storedDevice(t *testing.T, srv *cognitotest.Server, store cognitosrp.DeviceStore) *cognitosrp.Device {
	t.Helper()
	d, err := store.LoadDevice(context.Background(), cognitosrp.DeviceOwner{UserPoolID: srv.PoolID(), Username: "alice"})
	if err != nil || d == nil {
		t.Fatalf("no device stored: %v, %v", d, err)
	}
	return d
}

// TestEmulatorDeviceUserOptIn: in a pool that remembers a device only
// when the user opts in, ConfirmDevice answers UserConfirmationNecessary
// and RememberDevices, which is the user's consent, marks the device
// remembered (UpdateDeviceStatus): the next login signs in with it
// (device SRP) and is not asked for MFA.
func TestEmulatorDeviceUserOptIn(t *testing.T) {
	srv, store, s, codes := optInSession(t, cognitotest.Config{DeviceOnlyRememberedOnUserPrompt: true})

	loginCounting(t, s, codes, 1, "first login")
	d := storedDevice(t, srv, store)
	devs := srv.Devices("alice")
	if len(devs) != 1 || devs[0].Key != d.Key || !devs[0].Confirmed || !devs[0].Remembered {
		t.Fatalf("devices at Cognito = %+v, want %s confirmed and remembered", devs, d.Key)
	}
	if n := srv.Calls("UpdateDeviceStatus"); n != 1 {
		t.Errorf("UpdateDeviceStatus called %d times, want 1", n)
	}

	loginCounting(t, s, codes, 0, "login on the remembered device")
	wantDeviceLogin(t, srv, s, d)
	if n := len(srv.Devices("alice")); n != 1 {
		t.Errorf("alice has %d devices at Cognito, want 1", n)
	}
}

// TestEmulatorDeviceAlwaysRemembered: in a pool that remembers every
// confirmed device, ConfirmDevice answers UserConfirmationNecessary false
// and the session does not call UpdateDeviceStatus.
func TestEmulatorDeviceAlwaysRemembered(t *testing.T) {
	srv, store, s, codes := optInSession(t, cognitotest.Config{DeviceTracking: true})
	loginCounting(t, s, codes, 1, "first login")
	loginCounting(t, s, codes, 0, "login on the remembered device")
	wantDeviceLogin(t, srv, s, storedDevice(t, srv, store))
	if n := srv.Calls("UpdateDeviceStatus"); n != 0 {
		t.Errorf("UpdateDeviceStatus called %d times in a pool that remembers devices by itself", n)
	}
}

// TestEmulatorDeviceNotRemembered: a device whose trust was taken away
// (UpdateDeviceStatus "not_remembered", by the user elsewhere or by an
// administrator) stays the session's device, as RememberDevices documents:
// the next logins name it, are asked for MFA, are issued no other device,
// and renew with it; the session does not mark it remembered again. Once
// remembered again, logins sign in with it without MFA.
func TestEmulatorDeviceNotRemembered(t *testing.T) {
	srv, store, s, codes := optInSession(t, cognitotest.Config{DeviceOnlyRememberedOnUserPrompt: true})
	loginCounting(t, s, codes, 1, "first login")
	d := storedDevice(t, srv, store)

	if err := srv.SetDeviceRemembered(d.Key, false); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		loginCounting(t, s, codes, 1, "login on a device no longer remembered")
		if got := storedDevice(t, srv, store); *got != *d {
			t.Fatalf("login %d: the stored device changed to %v", i, got)
		}
		if devs := srv.Devices("alice"); len(devs) != 1 || devs[0].Remembered {
			t.Fatalf("login %d: devices at Cognito = %+v, want the one, not remembered", i, devs)
		}
		wantDeviceLogin(t, srv, s, d) // bound to it, though not proven
		if err := s.Refresh(context.Background()); err != nil {
			t.Fatalf("renewal on a device no longer remembered: %v", err)
		}
	}
	if n := srv.Calls("UpdateDeviceStatus"); n != 1 {
		t.Errorf("UpdateDeviceStatus called %d times, want only the first login's", n)
	}

	if err := srv.SetDeviceRemembered(d.Key, true); err != nil {
		t.Fatal(err)
	}
	loginCounting(t, s, codes, 0, "login on the device remembered again")
	wantDeviceLogin(t, srv, s, d)
}

// TestEmulatorDeviceOptInFails: when UpdateDeviceStatus fails, the login
// keeps its tokens and the device, confirmed but not remembered at
// Cognito, is not stored (as RememberDevices' remember documents): the
// next login is issued a new device, which it remembers, and the one
// after that is not asked for MFA.
func TestEmulatorDeviceOptInFails(t *testing.T) {
	srv, store, s, codes := optInSession(t, cognitotest.Config{DeviceOnlyRememberedOnUserPrompt: true})
	srv.FailNext(1, cognitotest.FaultInternalError, "UpdateDeviceStatus")

	loginCounting(t, s, codes, 1, "login whose UpdateDeviceStatus fails")
	if d, err := store.LoadDevice(context.Background(), cognitosrp.DeviceOwner{UserPoolID: srv.PoolID(), Username: "alice"}); err != nil || d != nil {
		t.Fatalf("stored %v, %v; want no device", d, err)
	}
	if err := s.Refresh(context.Background()); err != nil {
		t.Errorf("renewal of the tokens issued on the unremembered device: %v", err)
	}

	loginCounting(t, s, codes, 1, "login without a device")
	d := storedDevice(t, srv, store)
	loginCounting(t, s, codes, 0, "login on the remembered device")
	wantDeviceLogin(t, srv, s, d)
	devs := srv.Devices("alice")
	if len(devs) != 2 {
		t.Fatalf("devices at Cognito = %+v, want the unremembered one and the remembered one", devs)
	}
	for _, dev := range devs {
		if dev.Remembered != (dev.Key == d.Key) {
			t.Errorf("device %s remembered %v", dev.Key, dev.Remembered)
		}
	}
}

// TestEmulatorDeviceTrackingNeedsDevicesToRenew: in a pool with device
// tracking, Cognito binds each login's refresh token to the device it
// issues and refuses it until that device is confirmed, as Config.Devices
// documents. Without Devices a session's renewal fails with an error
// matching ErrLoginRequired and ErrNotAuthorized, and an Auth with the
// password logs in again at each renewal; so do the tokens of a login
// whose device Cognito refused to confirm; with Devices the session renews.
func TestEmulatorDeviceTrackingNeedsDevicesToRenew(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, v := range []struct {
		name           string
		devices        bool
		refuseConfirm  bool
		renewalRefused bool
	}{
		{"without Devices", false, false, true},
		{"device not confirmed", true, true, true},
		{"with Devices", true, false, false},
	} {
		c := srv.SessionConfig() // whose Devices keeps the device in memory
		c.Now = srv.Now
		if !v.devices {
			c.Devices = nil
		}
		if v.refuseConfirm {
			srv.FailNext(1, cognitotest.Fault("InvalidParameterException"), "ConfirmDevice")
		}
		s, err := cognitosrp.NewSession(c, "alice")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.Authenticate(ctx, emuPassword); err != nil {
			t.Fatalf("%s: login: %v", v.name, err)
		}
		err = s.Refresh(ctx)
		switch {
		case !v.renewalRefused && err != nil:
			t.Errorf("%s: renewal: %v", v.name, err)
		case v.renewalRefused && !(errors.Is(err, cognitosrp.ErrLoginRequired) && errors.Is(err, cognitosrp.ErrNotAuthorized)):
			t.Errorf("%s: renewal: %v, want ErrLoginRequired and ErrNotAuthorized", v.name, err)
		}
	}

	// An Auth with the password: without Devices, each token due is a new
	// login; with the Devices of Server.Options, a renewal.
	for _, devices := range []bool{false, true} {
		opts := srv.Options("alice", emuPassword)
		opts.Now = srv.Now
		if !devices {
			opts.Devices = nil
		}
		auth, err := cognitosrp.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		defer auth.Close()
		for i := range 3 {
			before := srv.Calls("RespondToAuthChallenge")
			if _, err := auth.Token(ctx); err != nil {
				t.Fatal(err)
			}
			want := 1 // an SRP login's one RespondToAuthChallenge
			if devices && i > 0 {
				want = 0 // renewed
			}
			if got := srv.Calls("RespondToAuthChallenge") - before; got != want {
				t.Errorf("Devices %v, token %d: %d RespondToAuthChallenge calls, want %d", devices, i, got, want)
			}
			srv.Advance(2 * time.Hour)
		}
	}
}
