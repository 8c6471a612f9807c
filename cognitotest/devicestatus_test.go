// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"errors"
	"testing"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// smsLogin logs alice in with her SMS code, naming the device key when
// not empty, and fails the test unless the password is followed by
// SMS_MFA (so no device SRP).
func smsLogin(t *testing.T, r *raw, deviceKey string) *cognitosrp.AuthenticationResult {
	t.Helper()
	var extra map[string]string
	if deviceKey != "" {
		extra = map[string]string{"DEVICE_KEY": deviceKey}
	}
	ch := expectChallenge(t, "SMS_MFA")(r.srpLogin("alice", "pw-alice-123", extra))
	return expectTokens(t)(r.respond("SMS_MFA", ch.Session, r.withHash(map[string]string{"USERNAME": "alice", "SMS_MFA_CODE": cognitotest.DefaultMFACode}, "alice")))
}

// confirmWithClient confirms a device through the root package's Client,
// which keeps ConfirmDevice's answer, and returns the device and whether
// the user must opt in.
func confirmWithClient(t *testing.T, r *raw, accessToken string, meta *cognitosrp.NewDeviceMetadata) (deviceSecret, bool) {
	t.Helper()
	pw, verifier, err := cognitosrp.NewDeviceVerifier(meta.DeviceGroupKey, meta.DeviceKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.api.ConfirmDevice(t.Context(), &cognitosrp.ConfirmDeviceInput{
		AccessToken: accessToken, DeviceKey: meta.DeviceKey, DeviceSecretVerifierConfig: verifier, DeviceName: "test laptop",
	})
	if err != nil {
		t.Fatal(err)
	}
	return deviceSecret{key: meta.DeviceKey, group: meta.DeviceGroupKey, password: pw}, out.UserConfirmationNecessary
}

// remembered reports the Remembered flag of alice's device key.
func remembered(t *testing.T, srv *cognitotest.Server, key string) bool {
	t.Helper()
	for _, d := range srv.Devices("alice") {
		if d.Key == key {
			return d.Remembered
		}
	}
	t.Fatalf("alice has no device %s", key)
	return false
}

// TestDeviceUserOptIn: in a pool that remembers a device only when the
// user opts in, ConfirmDevice answers UserConfirmationNecessary and
// leaves the device tracked but not remembered: a login naming it is
// asked for MFA, with no device SRP, gets no new device, and its tokens
// are bound to the device. UpdateDeviceStatus "remembered" then makes it
// stand in for MFA through device SRP.
func TestDeviceUserOptIn(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceOnlyRememberedOnUserPrompt: true, ClientSecret: "dev"})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123", SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}})
	r := newRaw(t, srv)

	// The setting turns device tracking on, as in Cognito.
	first := smsLogin(t, r, "")
	if first.NewDeviceMetadata == nil {
		t.Fatal("no NewDeviceMetadata: the opt-in setting did not turn device tracking on")
	}
	d, necessary := confirmWithClient(t, r, first.AccessToken, first.NewDeviceMetadata)
	if !necessary {
		t.Error("ConfirmDevice: UserConfirmationNecessary false in a user opt-in pool")
	}
	if devs := srv.Devices("alice"); len(devs) != 1 || !devs[0].Confirmed || devs[0].Remembered {
		t.Fatalf("Devices after ConfirmDevice = %+v, want confirmed, not remembered", devs)
	}

	// Tracked, not remembered: MFA again, the same device, tokens bound
	// to it, which renew with its key.
	res := smsLogin(t, r, d.key)
	if res.NewDeviceMetadata != nil {
		t.Error("a login naming a tracked device got a new device")
	}
	if cl, err := srv.VerifyAccessToken(res.AccessToken); err != nil || cl.Raw["device_key"] != d.key {
		t.Errorf("access token device_key = %v, %v; want %s", cl.Raw["device_key"], err, d.key)
	}
	if _, err := r.initiate("REFRESH_TOKEN_AUTH", r.withHash(map[string]string{"REFRESH_TOKEN": res.RefreshToken, "DEVICE_KEY": d.key}, "alice")); err != nil {
		t.Errorf("refresh on a tracked device: %v", err)
	}
	if n := len(srv.Devices("alice")); n != 1 {
		t.Errorf("alice has %d devices, want 1", n)
	}

	// The user opts in: device SRP stands in for MFA.
	err := r.api.UpdateDeviceStatus(t.Context(), &cognitosrp.UpdateDeviceStatusInput{AccessToken: first.AccessToken, DeviceKey: d.key, DeviceRememberedStatus: "remembered"})
	if err != nil {
		t.Fatalf("UpdateDeviceStatus: %v", err)
	}
	if !remembered(t, srv, d.key) {
		t.Error("UpdateDeviceStatus remembered: the device is not remembered")
	}
	if res := expectTokens(t)(deviceLogin(t, r, "alice", "pw-alice-123", d)); res.NewDeviceMetadata != nil {
		t.Error("a login on a remembered device got a new device")
	}

	// A device confirmed again waits for the user's choice again.
	_, necessary = confirmWithClient(t, r, first.AccessToken, first.NewDeviceMetadata)
	if !necessary || remembered(t, srv, d.key) {
		t.Errorf("confirmed again: UserConfirmationNecessary %v, remembered %v; want true, false", necessary, remembered(t, srv, d.key))
	}
}

// TestDeviceNotRemembered: in a pool that always remembers devices,
// UpdateDeviceStatus "not_remembered" (or the administrator's
// SetDeviceRemembered) takes the device's trust away: the next login is
// asked for MFA and runs no device SRP, and "remembered" gives the trust
// back.
func TestDeviceNotRemembered(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123", SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}})
	r := newRaw(t, srv)
	first := smsLogin(t, r, "")
	d, necessary := confirmWithClient(t, r, first.AccessToken, first.NewDeviceMetadata)
	if necessary || !remembered(t, srv, d.key) {
		t.Fatalf("ConfirmDevice in an always-remember pool: UserConfirmationNecessary %v, remembered %v", necessary, remembered(t, srv, d.key))
	}
	expectTokens(t)(deviceLogin(t, r, "alice", "pw-alice-123", d))

	update := func(status string) error {
		return r.api.UpdateDeviceStatus(t.Context(), &cognitosrp.UpdateDeviceStatusInput{AccessToken: first.AccessToken, DeviceKey: d.key, DeviceRememberedStatus: status})
	}
	if err := update("not_remembered"); err != nil {
		t.Fatal(err)
	}
	if remembered(t, srv, d.key) {
		t.Error("UpdateDeviceStatus not_remembered: still remembered")
	}
	if res := smsLogin(t, r, d.key); res.NewDeviceMetadata != nil {
		t.Error("a login naming a tracked device got a new device")
	}
	if err := update("remembered"); err != nil {
		t.Fatal(err)
	}
	expectTokens(t)(deviceLogin(t, r, "alice", "pw-alice-123", d))

	// The administrator's switch does the same.
	if err := srv.SetDeviceRemembered(d.key, false); err != nil {
		t.Fatal(err)
	}
	smsLogin(t, r, d.key)
	if err := srv.SetDeviceRemembered(d.key, true); err != nil {
		t.Fatal(err)
	}
	expectTokens(t)(deviceLogin(t, r, "alice", "pw-alice-123", d))
}

// TestDeviceUnrememberedDuringLogin: a device that stops being remembered
// while a login proves it does not stand in for the second factor: the
// proof passes, and MFA follows.
func TestDeviceUnrememberedDuringLogin(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123", SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}})
	r := newRaw(t, srv)
	first := smsLogin(t, r, "")
	d := confirmDevice(t, r, first.AccessToken, first.NewDeviceMetadata)

	ch := expectChallenge(t, "DEVICE_SRP_AUTH")(r.srpLogin("alice", "pw-alice-123", map[string]string{"DEVICE_KEY": d.key}))
	if err := srv.SetDeviceRemembered(d.key, false); err != nil {
		t.Fatal(err)
	}
	ch = expectChallenge(t, "SMS_MFA")(proveDevice(t, r, ch, "alice", d))
	res := expectTokens(t)(r.respond("SMS_MFA", ch.Session, map[string]string{"USERNAME": "alice", "SMS_MFA_CODE": cognitotest.DefaultMFACode}))
	if res.NewDeviceMetadata != nil {
		t.Error("the login got a new device")
	}
}

// TestUpdateDeviceStatusErrors: UpdateDeviceStatus refuses a bad access
// token (NotAuthorizedException), a device that is unknown, another
// user's or not confirmed (ResourceNotFoundException), and a missing key
// or a status other than remembered and not_remembered
// (InvalidParameterException); SetDeviceRemembered refuses unknown and
// unconfirmed devices.
func TestUpdateDeviceStatusErrors(t *testing.T) {
	srv, r, first, second, bob := aliceTwiceAndBob(t, cognitotest.Config{DeviceOnlyRememberedOnUserPrompt: true})
	d := confirmDevice(t, r, first.AccessToken, first.NewDeviceMetadata)
	unconfirmed := second.NewDeviceMetadata.DeviceKey

	call := func(in map[string]any) error {
		_, err := r.call("UpdateDeviceStatus", in)
		return err
	}
	for _, v := range []struct {
		name      string
		in        map[string]any
		typ, text string
	}{
		{"bad token", map[string]any{"AccessToken": "not-a-token", "DeviceKey": d.key, "DeviceRememberedStatus": "remembered"}, "NotAuthorizedException", ""},
		{"unknown device", map[string]any{"AccessToken": first.AccessToken, "DeviceKey": "us-east-1_00000000-0000-0000-0000-000000000000", "DeviceRememberedStatus": "remembered"}, "ResourceNotFoundException", "Device does not exist."},
		{"another user's device", map[string]any{"AccessToken": bob.AccessToken, "DeviceKey": d.key, "DeviceRememberedStatus": "remembered"}, "ResourceNotFoundException", "Device does not exist."},
		{"unconfirmed device", map[string]any{"AccessToken": first.AccessToken, "DeviceKey": unconfirmed, "DeviceRememberedStatus": "remembered"}, "ResourceNotFoundException", "Device does not exist."},
		{"no device key", map[string]any{"AccessToken": first.AccessToken, "DeviceRememberedStatus": "remembered"}, "InvalidParameterException", "deviceKey"},
		{"wrong status", map[string]any{"AccessToken": first.AccessToken, "DeviceKey": d.key, "DeviceRememberedStatus": "REMEMBERED"}, "InvalidParameterException", "deviceRememberedStatus"},
		{"no status", map[string]any{"AccessToken": first.AccessToken, "DeviceKey": d.key}, "InvalidParameterException", "deviceRememberedStatus"},
	} {
		wantAPIError(t, call(v.in), v.typ, v.text)
		if remembered(t, srv, d.key) {
			t.Fatalf("%s: the device is remembered", v.name)
		}
	}
	// Bob's token did not touch alice's device; hers does.
	if err := call(map[string]any{"AccessToken": first.AccessToken, "DeviceKey": d.key, "DeviceRememberedStatus": "remembered"}); err != nil || !remembered(t, srv, d.key) {
		t.Fatalf("UpdateDeviceStatus: %v", err)
	}

	for _, key := range []string{"us-east-1_nope", unconfirmed} {
		if err := srv.SetDeviceRemembered(key, true); !errors.Is(err, cognitotest.ErrNoSuchDevice) {
			t.Errorf("SetDeviceRemembered(%s) = %v, want ErrNoSuchDevice", key, err)
		}
	}
}
