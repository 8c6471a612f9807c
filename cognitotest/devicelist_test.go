// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// listedDevice is a DeviceType as a client decodes it.
type listedDevice struct {
	DeviceKey                   string
	DeviceAttributes            []struct{ Name, Value string }
	DeviceCreateDate            float64
	DeviceLastModifiedDate      float64
	DeviceLastAuthenticatedDate float64
}

func (d listedDevice) attr(name string) (string, bool) {
	for _, a := range d.DeviceAttributes {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// deviceList is ListDevices' answer.
type deviceList struct {
	Devices         []listedDevice
	PaginationToken *string
}

// steppedClock sets srv's clock, and r's, to one a test moves with the
// returned function; it starts at a whole second.
func steppedClock(srv *cognitotest.Server, r *raw) (step func(time.Duration) time.Time) {
	var at atomic.Int64
	at.Store(time.Now().Truncate(time.Second).UnixNano())
	now := func() time.Time { return time.Unix(0, at.Load()) }
	srv.SetClock(now)
	r.now = now
	return func(d time.Duration) time.Time { return time.Unix(0, at.Add(int64(d))) }
}

// epoch is t as a DeviceType's date, seconds with milliseconds.
func epoch(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// TestGetAndListDevices: GetDevice and ListDevices describe the confirmed
// devices of the token's user (not one issued and never confirmed, nor
// another user's) with Cognito's attributes and epoch-second dates, which
// follow ConfirmDevice, UpdateDeviceStatus and logins with the device.
func TestGetAndListDevices(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	addUser(t, srv, cognitotest.User{Username: "bob", Password: "pw-bob-1234"})
	r := newRaw(t, srv)
	step := steppedClock(srv, r)
	issued := srv.Now()
	first := expectTokens(t)(r.srpLogin("alice", "pw-alice-123", nil))
	second := expectTokens(t)(r.srpLogin("alice", "pw-alice-123", nil))
	bob := expectTokens(t)(r.srpLogin("bob", "pw-bob-1234", nil))
	// A third login, whose device stays unconfirmed.
	third := expectTokens(t)(r.srpLogin("alice", "pw-alice-123", nil))
	confirmedAt := step(1500 * time.Millisecond)
	d1 := confirmDevice(t, r, first.AccessToken, first.NewDeviceMetadata)
	d2 := confirmDevice(t, r, second.AccessToken, second.NewDeviceMetadata)
	bobs := confirmDevice(t, r, bob.AccessToken, bob.NewDeviceMetadata)

	var list deviceList
	if err := r.api.Call(t.Context(), "ListDevices", map[string]any{"AccessToken": third.AccessToken}, &list); err != nil {
		t.Fatal(err)
	}
	want := []string{d1.key, d2.key}
	slices.Sort(want)
	var got []string
	for _, d := range list.Devices {
		got = append(got, d.DeviceKey)
	}
	if !slices.Equal(got, want) || list.PaginationToken != nil {
		t.Fatalf("ListDevices = %v, token %v; want the two confirmed devices %v in key order, no token", got, list.PaginationToken, want)
	}
	for _, d := range list.Devices {
		status, _ := d.attr("device_status")
		name, _ := d.attr("device_name")
		ip, _ := d.attr("last_ip_used")
		rem, _ := d.attr("dev:device_remembered_status")
		if status != "valid" || name != "test laptop" || ip != "127.0.0.1" || rem != "remembered" {
			t.Errorf("%s: attributes %+v, want device_status valid, device_name, last_ip_used 127.0.0.1, remembered", d.DeviceKey, d.DeviceAttributes)
		}
		if d.DeviceCreateDate != epoch(issued) || d.DeviceLastAuthenticatedDate != epoch(issued) || d.DeviceLastModifiedDate != epoch(confirmedAt) {
			t.Errorf("%s: dates %v %v %v, want issued %v, modified at ConfirmDevice %v, authenticated when issued",
				d.DeviceKey, d.DeviceCreateDate, d.DeviceLastModifiedDate, d.DeviceLastAuthenticatedDate, epoch(issued), epoch(confirmedAt))
		}
	}

	// GetDevice answers the same description.
	get := func(token, key string) (listedDevice, error) {
		var out struct{ Device listedDevice }
		err := r.api.Call(t.Context(), "GetDevice", map[string]any{"AccessToken": token, "DeviceKey": key}, &out)
		return out.Device, err
	}
	for _, d := range list.Devices {
		g, err := get(first.AccessToken, d.DeviceKey)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := mustJSON(g), mustJSON(d); a != b {
			t.Errorf("GetDevice = %s, ListDevices listed %s", a, b)
		}
	}
	for what, key := range map[string]string{
		"a device never confirmed": third.NewDeviceMetadata.DeviceKey,
		"another user's device":    bobs.key,
		"an unknown key":           "us-east-1_00000000-0000-0000-0000-000000000000",
	} {
		_, err := get(first.AccessToken, key)
		if ae := apiError(t, err); ae.Type != "ResourceNotFoundException" || ae.Message != "Device does not exist." {
			t.Errorf("GetDevice of %s: %v, want ResourceNotFoundException", what, err)
		}
	}
	_, err := r.call("GetDevice", map[string]any{"AccessToken": first.AccessToken})
	wantAPIError(t, err, "InvalidParameterException", "Value null at 'deviceKey' failed to satisfy constraint: Member must not be null")
	_, err = get(first.AccessToken, "no-underscore")
	wantAPIError(t, err, "InvalidParameterException", "Member must satisfy regular expression pattern")

	// Not remembered any more: the status and the modified date change.
	modifiedAt := step(time.Second)
	if err := r.api.Call(t.Context(), "UpdateDeviceStatus", map[string]any{"AccessToken": first.AccessToken, "DeviceKey": d1.key, "DeviceRememberedStatus": "not_remembered"}, new(struct{})); err != nil {
		t.Fatal(err)
	}
	g, err := get(first.AccessToken, d1.key)
	if rem, _ := g.attr("dev:device_remembered_status"); err != nil || rem != "not_remembered" || g.DeviceLastModifiedDate != epoch(modifiedAt) || g.DeviceLastAuthenticatedDate != epoch(issued) {
		t.Errorf("after UpdateDeviceStatus: %+v, %v; want not_remembered, modified %v", g, err, epoch(modifiedAt))
	}

	// A login with the device moves its last authentication, not its
	// last modification.
	usedAt := step(time.Second)
	expectTokens(t)(deviceLogin(t, r, "alice", "pw-alice-123", d2))
	g, err = get(first.AccessToken, d2.key)
	if err != nil || g.DeviceLastAuthenticatedDate != epoch(usedAt) || g.DeviceLastModifiedDate != epoch(confirmedAt) || g.DeviceCreateDate != epoch(issued) {
		t.Errorf("after a device login: %+v, %v; want authenticated %v, modified %v", g, err, epoch(usedAt), epoch(confirmedAt))
	}
}

// TestListDevicesPagination: Limit devices a page, and a PaginationToken
// while more remain that the next request continues from, so that the
// pages hold every device once, also when a device is forgotten between
// them; Limit and PaginationToken are checked as Cognito checks them.
func TestListDevicesPagination(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	var keys []string
	for range 5 {
		tok := expectTokens(t)(r.srpLogin("alice", "pw-alice-123", nil))
		keys = append(keys, confirmDevice(t, r, tok.AccessToken, tok.NewDeviceMetadata).key)
	}
	slices.Sort(keys)
	// Tokens of a device of their own, never confirmed so not listed:
	// forgetting a listed device revokes the tokens issued to it.
	tok, err := srv.IssueTokens("alice")
	if err != nil {
		t.Fatal(err)
	}
	list := func(in map[string]any) (deviceList, error) {
		in["AccessToken"] = tok.AccessToken
		var out deviceList
		err := r.api.Call(t.Context(), "ListDevices", in, &out)
		return out, err
	}
	pageKeys := func(l deviceList) []string {
		var k []string
		for _, d := range l.Devices {
			k = append(k, d.DeviceKey)
		}
		return k
	}

	var seen []string
	in := map[string]any{"Limit": 2}
	for page := 0; ; page++ {
		l, err := list(in)
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		seen = append(seen, pageKeys(l)...)
		if l.PaginationToken == nil {
			if page != 2 || len(l.Devices) != 1 {
				t.Errorf("last page %d holds %d devices, want page 2 with 1", page, len(l.Devices))
			}
			break
		}
		if len(l.Devices) != 2 || page >= 2 {
			t.Fatalf("page %d: %d devices and a token", page, len(l.Devices))
		}
		in = map[string]any{"Limit": 2, "PaginationToken": *l.PaginationToken}
	}
	if !slices.Equal(seen, keys) {
		t.Errorf("pages listed %v, want %v", seen, keys)
	}

	// A device forgotten between pages shifts no other.
	l, err := list(map[string]any{"Limit": 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.ForgetDevice(keys[2]); err != nil {
		t.Fatal(err)
	}
	l, err = list(map[string]any{"Limit": 2, "PaginationToken": *l.PaginationToken})
	if got := pageKeys(l); err != nil || !slices.Equal(got, keys[3:]) || l.PaginationToken != nil {
		t.Errorf("after forgetting %s: next page %v (token %v), %v; want %v", keys[2], got, l.PaginationToken, err, keys[3:])
	}

	// Limit left out or 0: every device, no token.
	for _, in := range []map[string]any{{}, {"Limit": 0}} {
		l, err := list(in)
		if got := pageKeys(l); err != nil || len(got) != 4 || l.PaginationToken != nil {
			t.Errorf("ListDevices %v = %v (token %v), %v; want all 4", in, got, l.PaginationToken, err)
		}
	}

	for _, c := range []struct {
		in      map[string]any
		typ     string
		message string
	}{
		{map[string]any{"Limit": 61}, "InvalidParameterException", "Value '61' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60"},
		{map[string]any{"Limit": -1}, "InvalidParameterException", "Value '-1' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 0"},
		{map[string]any{"PaginationToken": ""}, "InvalidParameterException", "at 'paginationToken' failed to satisfy constraint: Member must have length greater than or equal to 1"},
		{map[string]any{"PaginationToken": "not-a-token!"}, "InvalidParameterException", "Invalid pagination token."},
		{map[string]any{"Limit": "2"}, "SerializationException", ""},
	} {
		_, err := list(c.in)
		if ae := apiError(t, err); ae.Type != c.typ || !strings.Contains(ae.Message, c.message) {
			t.Errorf("ListDevices %v: %v, want %s %q", c.in, err, c.typ, c.message)
		}
	}
}

// TestListDevicesOnlyRemembered: ListDevices lists the remembered devices
// only, as client libraries document it (Amplify's fetchDevices), while
// GetDevice finds a confirmed device either way. A device of an opt-in
// pool is listed once the user remembers it, and no more once it is not
// remembered: the emulator listed every confirmed device.
func TestListDevicesOnlyRemembered(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true, DeviceOnlyRememberedOnUserPrompt: true})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	tok := expectTokens(t)(r.srpLogin("alice", "pw-alice-123", nil))
	d := confirmDevice(t, r, tok.AccessToken, tok.NewDeviceMetadata)
	listed := func() []string {
		t.Helper()
		var l deviceList
		if err := r.api.Call(t.Context(), "ListDevices", map[string]any{"AccessToken": tok.AccessToken}, &l); err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, d := range l.Devices {
			keys = append(keys, d.DeviceKey)
		}
		return keys
	}
	status := func(s string) {
		t.Helper()
		if err := r.api.Call(t.Context(), "UpdateDeviceStatus", map[string]any{"AccessToken": tok.AccessToken, "DeviceKey": d.key, "DeviceRememberedStatus": s}, new(struct{})); err != nil {
			t.Fatal(err)
		}
	}
	if got := listed(); len(got) != 0 {
		t.Errorf("a confirmed device the user has not remembered: listed %v", got)
	}
	var got struct{ Device listedDevice }
	if err := r.api.Call(t.Context(), "GetDevice", map[string]any{"AccessToken": tok.AccessToken, "DeviceKey": d.key}, &got); err != nil {
		t.Fatalf("GetDevice of a confirmed device not remembered: %v", err)
	}
	if rem, _ := got.Device.attr("dev:device_remembered_status"); rem != "not_remembered" {
		t.Errorf("GetDevice: remembered status %q, want not_remembered", rem)
	}
	status("remembered")
	if got := listed(); !slices.Equal(got, []string{d.key}) {
		t.Errorf("once remembered: listed %v, want %s", got, d.key)
	}
	status("not_remembered")
	if got := listed(); len(got) != 0 {
		t.Errorf("once not remembered: listed %v", got)
	}
}

// TestListDevicesEdges: a Limit of 60, the most, is taken; a page that
// holds the last device has no PaginationToken even when it is full; a
// PaginationToken that decodes but names no device key is refused as one
// ListDevices did not give; a device that IssueTokens issued, confirmed,
// has no last_ip_used, as the package doc says, rather than an empty one.
func TestListDevicesEdges(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	for range 2 {
		tok := expectTokens(t)(r.srpLogin("alice", "pw-alice-123", nil))
		confirmDevice(t, r, tok.AccessToken, tok.NewDeviceMetadata)
	}
	issued, err := srv.IssueTokens("alice")
	if err != nil {
		t.Fatal(err)
	}
	d := confirmDevice(t, r, issued.AccessToken, issued.NewDeviceMetadata)
	list := func(in map[string]any) (deviceList, error) {
		in["AccessToken"] = issued.AccessToken
		var out deviceList
		err := r.api.Call(t.Context(), "ListDevices", in, &out)
		return out, err
	}
	for _, limit := range []int{60, 3} {
		l, err := list(map[string]any{"Limit": limit})
		if err != nil || len(l.Devices) != 3 || l.PaginationToken != nil {
			t.Errorf("ListDevices Limit %d of 3 devices: %d devices, token %v, %v; want 3, no token", limit, len(l.Devices), l.PaginationToken, err)
		}
	}
	_, err = list(map[string]any{"PaginationToken": "YWJj"}) // "abc"
	wantAPIError(t, err, "InvalidParameterException", "Invalid pagination token.")

	var got struct{ Device listedDevice }
	if err := r.api.Call(t.Context(), "GetDevice", map[string]any{"AccessToken": issued.AccessToken, "DeviceKey": d.key}, &got); err != nil {
		t.Fatal(err)
	}
	if ip, ok := got.Device.attr("last_ip_used"); ok {
		t.Errorf("a device IssueTokens issued: last_ip_used %q, want none", ip)
	}
}

// TestDeviceLastIPFollowsLogins: last_ip_used is the address of the last
// login that named the device, not the one it was issued at: a device
// issued to a client on the loopback network and used through
// Server.Transport (192.0.2.1) reports the latter.
func TestDeviceLastIPFollowsLogins(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	tok := expectTokens(t)(r.srpLogin("alice", "pw-alice-123", nil))
	d := confirmDevice(t, r, tok.AccessToken, tok.NewDeviceMetadata)
	mem := newRaw(t, srv)
	mem.api.HTTPClient = &http.Client{Transport: srv.Transport()}
	expectTokens(t)(deviceLogin(t, mem, "alice", "pw-alice-123", d))
	var got struct{ Device listedDevice }
	if err := r.api.Call(t.Context(), "GetDevice", map[string]any{"AccessToken": tok.AccessToken, "DeviceKey": d.key}, &got); err != nil {
		t.Fatal(err)
	}
	if ip, _ := got.Device.attr("last_ip_used"); ip != "192.0.2.1" {
		t.Errorf("last_ip_used after a login through Server.Transport: %q, want 192.0.2.1", ip)
	}
}

// TestSetDeviceRememberedModifies: Server.SetDeviceRemembered changes a
// device's DeviceLastModifiedDate, as UpdateDeviceStatus does.
func TestSetDeviceRememberedModifies(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	step := steppedClock(srv, r)
	tok := expectTokens(t)(r.srpLogin("alice", "pw-alice-123", nil))
	d := confirmDevice(t, r, tok.AccessToken, tok.NewDeviceMetadata)
	at := step(2 * time.Second)
	if err := srv.SetDeviceRemembered(d.key, false); err != nil {
		t.Fatal(err)
	}
	var got struct{ Device listedDevice }
	if err := r.api.Call(t.Context(), "GetDevice", map[string]any{"AccessToken": tok.AccessToken, "DeviceKey": d.key}, &got); err != nil {
		t.Fatal(err)
	}
	if rem, _ := got.Device.attr("dev:device_remembered_status"); rem != "not_remembered" || got.Device.DeviceLastModifiedDate != epoch(at) {
		t.Errorf("after SetDeviceRemembered: %s, modified %v; want not_remembered, modified %v", rem, got.Device.DeviceLastModifiedDate, epoch(at))
	}
}
