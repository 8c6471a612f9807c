// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// unloadableDevices is a DeviceStore whose LoadDevice fails (a device
// file that became unreadable, or insecure).
type unloadableDevices struct{ cognitosrp.MemoryDeviceStore }

var errUnloadable = errors.New("device file unreadable")

func (*unloadableDevices) LoadDevice(context.Context, cognitosrp.DeviceOwner) (*cognitosrp.Device, error) {
	return nil, errUnloadable
}

// TestRenewalDeviceStoreFails: a renewal of tokens that name no device (a
// refresh token alone, resumed with SetTokens) asks the device store for
// the device it is tied to; when the store cannot load, the renewal fails
// with the store's error (errors.Is), quoting no token, and sends nothing
// Cognito would refuse for want of the device.
func TestRenewalDeviceStoreFails(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	res, err := srv.IssueTokens("alice")
	if err != nil {
		t.Fatal(err)
	}
	c := srv.SessionConfig()
	c.Devices = cognitosrp.RememberDevices(new(unloadableDevices), "")
	s, err := cognitosrp.NewSession(c, "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.SetTokens(&cognitosrp.Tokens{RefreshToken: res.RefreshToken})
	err = s.Refresh(t.Context())
	if !errors.Is(err, errUnloadable) || strings.Contains(err.Error(), res.RefreshToken) {
		t.Fatalf("Refresh = %v, want the store's error without the refresh token", err)
	}
	if n := srv.Calls("InitiateAuth") + srv.Calls("GetTokensFromRefreshToken"); n != 0 {
		t.Errorf("%d renewals sent", n)
	}
}
