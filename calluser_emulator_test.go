// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"errors"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestCallUserActionsEmulator: the actions of a signed-in user that
// Client.Call's doc names as retried (GetDevice, ListDevices,
// SetUserMFAPreference) are resent after a throttling answer of the
// emulator and succeed, and ChangePassword, which it does not name, is
// sent once and its failure returned: a program can test its own calls of
// them against the emulator.
func TestCallUserActionsEmulator(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
	const password = "pw-alice-123"
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: password,
		Attributes: map[string]string{"phone_number": "+15555550100"}}); err != nil {
		t.Fatal(err)
	}
	// A device remembered by the root package's login.
	cfg := srv.SessionConfig()
	cfg.Devices = cognitosrp.RememberDevices(new(cognitosrp.MemoryDeviceStore), "test laptop")
	sess, err := cognitosrp.NewSession(cfg, "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if err := sess.Authenticate(t.Context(), password); err != nil {
		t.Fatal(err)
	}
	tok := sess.Tokens()
	c := &cognitosrp.Client{Endpoint: srv.Endpoint(), Retry: cognitosrp.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}}

	var list struct {
		Devices []struct {
			DeviceKey        string
			DeviceCreateDate float64
		}
	}
	srv.FailNext(1, cognitotest.FaultTooManyRequests, "ListDevices")
	if err := c.Call(t.Context(), "ListDevices", map[string]string{"AccessToken": tok.AccessToken}, &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Devices) != 1 || list.Devices[0].DeviceCreateDate < float64(time.Now().Add(-time.Hour).Unix()) {
		t.Fatalf("ListDevices = %+v, want the session's device", list)
	}
	var got struct{ Device struct{ DeviceKey string } }
	srv.FailNext(1, cognitotest.FaultTooManyRequests, "GetDevice")
	if err := c.Call(t.Context(), "GetDevice", map[string]string{"AccessToken": tok.AccessToken, "DeviceKey": list.Devices[0].DeviceKey}, &got); err != nil {
		t.Fatal(err)
	}
	if got.Device.DeviceKey != list.Devices[0].DeviceKey {
		t.Fatalf("GetDevice = %+v", got)
	}
	srv.FailNext(1, cognitotest.FaultTooManyRequests, "SetUserMFAPreference")
	if err := c.Call(t.Context(), "SetUserMFAPreference", map[string]any{"AccessToken": tok.AccessToken,
		"SMSMfaSettings": map[string]bool{"Enabled": true, "PreferredMfa": true}}, new(struct{})); err != nil {
		t.Fatal(err)
	}
	if u, _ := srv.User("alice"); !u.SMSMFA || u.PreferredMFA != cognitosrp.ChallengeSMSMFA {
		t.Errorf("after SetUserMFAPreference: SMSMFA %v, PreferredMFA %q", u.SMSMFA, u.PreferredMFA)
	}
	for _, action := range []string{"ListDevices", "GetDevice", "SetUserMFAPreference"} {
		if n := srv.Calls(action); n != 2 {
			t.Errorf("%s: %d calls, want 2 (one retry)", action, n)
		}
	}

	in := map[string]string{"AccessToken": tok.AccessToken, "PreviousPassword": password, "ProposedPassword": "pw-alice-456"}
	srv.FailNext(1, cognitotest.FaultTooManyRequests, "ChangePassword")
	if err := c.Call(t.Context(), "ChangePassword", in, new(struct{})); !errors.Is(err, cognitosrp.ErrTooManyRequests) || srv.Calls("ChangePassword") != 1 {
		t.Fatalf("throttled ChangePassword: %v after %d calls, want ErrTooManyRequests after 1", err, srv.Calls("ChangePassword"))
	}
	if err := c.Call(t.Context(), "ChangePassword", in, new(struct{})); err != nil {
		t.Fatal(err)
	}
	// The remembered device stands in for the SMS code now asked for.
	if err := sess.Authenticate(t.Context(), "pw-alice-456"); err != nil {
		t.Fatalf("login with the new password: %v", err)
	}
}
