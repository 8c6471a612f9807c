// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"encoding/base64"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"
)

// This file holds remembered devices: NewDeviceMetadata, ConfirmDevice,
// UpdateDeviceStatus, ForgetDevice and device SRP (DEVICE_SRP_AUTH,
// DEVICE_PASSWORD_VERIFIER).

// device is a device Cognito issued to a user. Server.mu guards it.
type device struct {
	key, groupKey string
	username      string // internal username
	name          string
	confirmed     bool     // ConfirmDevice stored its verifier
	remembered    bool     // device SRP may stand in for MFA
	salt, v       *big.Int // device SRP verifier

	// What GetDevice and ListDevices report: when the device was
	// issued, last changed (ConfirmDevice, UpdateDeviceStatus,
	// SetDeviceRemembered) and last used to sign in, and the client's
	// address at that sign-in (last_ip_used).
	created, modified, lastAuth time.Time
	lastIP                      string
}

// Device describes a device of a user, as Devices returns it.
type Device struct {
	Key       string // DeviceKey, region_uuid
	GroupKey  string // DeviceGroupKey
	Name      string // DeviceName given to ConfirmDevice
	Confirmed bool   // whether ConfirmDevice stored its verifier
	// Remembered reports whether the device signs in with device SRP in
	// place of MFA: ConfirmDevice remembers it unless the pool leaves that
	// to the user (Config.DeviceOnlyRememberedOnUserPrompt), and
	// UpdateDeviceStatus or SetDeviceRemembered change it.
	Remembered bool
}

func errNoDevice() *apiError { return errResourceNotFound("Device does not exist.") }

// checkDeviceKey checks a DeviceKey member of a request as the AWS protocol
// layer checks Cognito's DeviceKeyType (length 1 to 55, pattern
// [\w-]+_[0-9a-f-]+) before the action runs: a key that is empty or not
// of that shape is refused as malformed (InvalidParameterException),
// not looked up and found missing (ResourceNotFoundException). nil is a
// member left out, or sent as null.
func checkDeviceKey(v *violations, key *string, required bool) {
	if key == nil {
		if required {
			v.add("deviceKey", nil, mustNotBeNull)
		}
		return
	}
	k := *key
	if len(k) == 0 {
		v.add("deviceKey", key, "Member must have length greater than or equal to 1")
	} else if len(k) > 55 {
		v.add("deviceKey", key, "Member must have length less than or equal to 55")
	}
	if !deviceKeyShape(k) {
		v.add("deviceKey", key, `Member must satisfy regular expression pattern: [\w-]+_[0-9a-f-]+`)
	}
}

// deviceKeyShape reports whether k matches DeviceKeyType's pattern,
// [\w-]+_[0-9a-f-]+.
func deviceKeyShape(k string) bool {
	i := strings.LastIndexByte(k, '_')
	if i < 0 {
		return false
	}
	prefix, suffix := k[:i], k[i+1:]
	return idChars(prefix, "_-") && suffix != "" && strings.Trim(suffix, "0123456789abcdef-") == ""
}

// groupKeyAlphabet is what device group keys are drawn from.
const groupKeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newDevice issues a device to a user, the one with internal name username
// and sub sub, at the end of a login at now from address ip.
func (s *Server) newDevice(now time.Time, ip, username, sub string) (*device, *apiError) {
	id, err := s.newUUID()
	if err != nil {
		return nil, errInternal("random source failed")
	}
	b, err := s.randomBytes(9)
	if err != nil {
		return nil, errInternal("random source failed")
	}
	group := []byte{'-'}
	for _, c := range b {
		group = append(group, groupKeyAlphabet[int(c)%len(groupKeyAlphabet)])
	}
	d := &device{key: s.region + "_" + id, groupKey: string(group), username: username,
		created: now, modified: now, lastAuth: now, lastIP: ip}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Checked under the lock DeleteUser takes as it forgets the user's
	// devices: a device stored for a user deleted before would be kept
	// for good, and listed for another user added under its name.
	if s.userLocked(username, sub) == nil {
		return nil, errNotAuthorized("User does not exist.").because("user deleted while its device was issued")
	}
	s.devices[d.key] = d
	return d, nil
}

// userDevice returns a copy of the confirmed device key of user username.
func (s *Server) userDevice(key, username string) (device, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.userDeviceLocked(key, username); d != nil {
		return *d, true
	}
	return device{}, false
}

// userDeviceLocked returns the confirmed device key of user username, or
// nil: a device issued and never confirmed, or another user's, is as
// unknown as a key never issued.
func (s *Server) userDeviceLocked(key, username string) *device {
	if d := s.ownDeviceLocked(key, username); d != nil && d.confirmed {
		return d
	}
	return nil
}

// ownDeviceLocked returns the device key issued to user username,
// confirmed or not (ConfirmDevice and ForgetDevice find it so), or nil.
func (s *Server) ownDeviceLocked(key, username string) *device {
	d := s.devices[key]
	if d == nil || fold(d.username) != fold(username) {
		return nil
	}
	return d
}

// withDevice is embedded in the requests that name a device of the access
// token's user.
type withDevice struct {
	withAccessToken
	DeviceKey *string
}

func (w *withDevice) deviceKey() *string { return w.DeviceKey }

// decodeForDevice decodes a request naming a device, checks its members
// (AccessToken, DeviceKey, and those check adds) as the protocol layer
// does, and returns the user of its access token.
func (s *Server) decodeForDevice(c *call, in interface {
	accessToken() string
	deviceKey() *string
}, check func(*violations)) (*user, *apiError) {
	return s.decodeForUser(c, in, func(v *violations) {
		checkDeviceKey(v, in.deviceKey(), true)
		if check != nil {
			check(v)
		}
	})
}

// deviceStep settles the device a login named, once the steps before it
// are passed. A remembered device must prove it has the device's secret
// (DEVICE_SRP_AUTH), which then stands in for MFA. A confirmed device that
// is not remembered is only tracked: the login goes on without device SRP
// (nil, nil), and asks for MFA. Like the challenges after it,
// DEVICE_SRP_AUTH names the user by the internal name (USERNAME, which
// Amplify reads here), which the answer's SECRET_HASH needs: after
// USER_PASSWORD_AUTH no challenge has named it yet.
func (s *Server) deviceStep(c *call, sess *authSession) (any, *apiError) {
	d, ok := s.userDevice(sess.deviceKey, sess.username)
	if !ok {
		return nil, errNoDevice()
	}
	if !d.remembered {
		sess.deviceTracked = true
		return nil, nil
	}
	return s.issue(c, sess, challengeDeviceSRPAuth, map[string]string{"USERNAME": sess.username})
}

// answerDeviceSRPAuth starts device SRP: the pool name is the device group
// key and the user id the device key.
func (s *Server) answerDeviceSRPAuth(c *call, sess *authSession, r map[string]string) (any, *apiError) {
	key := r["DEVICE_KEY"]
	switch {
	case key == "":
		return nil, errMissing("DEVICE_KEY")
	case r["SRP_A"] == "":
		return nil, errMissing("SRP_A")
	case key != sess.deviceKey:
		return nil, errNoDevice().because("DEVICE_KEY differs from the one the login started with")
	}
	d, ok := s.userDevice(key, sess.username)
	if !ok {
		return nil, errNoDevice()
	}
	x := &srpExchange{poolName: d.groupKey, userID: d.key, salt: d.salt, v: d.v}
	return s.srpChallenge(c, sess, challengeDevicePasswordVerifier, r["SRP_A"], x, map[string]string{
		"DEVICE_KEY": d.key,
		"USERNAME":   sess.username,
	})
}

// confirmDevice serves ConfirmDevice: it stores the device's SRP verifier,
// base64 of the padded bytes of v and of the salt, and remembers the
// device unless the pool leaves that to the user, who then has to say so
// with UpdateDeviceStatus (UserConfirmationNecessary). A device confirmed
// again in such a pool waits for the user's choice again: its verifier,
// and so what the user chose to trust, is new.
func (s *Server) confirmDevice(c *call) (any, *apiError) {
	var in struct {
		withDevice
		DeviceName                 string
		DeviceSecretVerifierConfig struct{ PasswordVerifier, Salt string }
	}
	u, aerr := s.decodeForDevice(c, &in, nil)
	if aerr != nil {
		return nil, aerr
	}
	vb, err1 := base64.StdEncoding.DecodeString(in.DeviceSecretVerifierConfig.PasswordVerifier)
	sb, err2 := base64.StdEncoding.DecodeString(in.DeviceSecretVerifierConfig.Salt)
	v, salt := new(big.Int).SetBytes(vb), new(big.Int).SetBytes(sb)
	if err1 != nil || err2 != nil || v.Sign() == 0 || v.Cmp(s.group.n) >= 0 || len(sb) == 0 {
		return nil, errInvalidParameter("Invalid DeviceSecretVerifierConfig").because("verifier or salt is not base64 of a number in range")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.ownDeviceLocked(*in.DeviceKey, u.Username)
	if d == nil {
		return nil, errNoDevice()
	}
	optIn := s.cfg.DeviceOnlyRememberedOnUserPrompt
	d.salt, d.v, d.name, d.confirmed, d.remembered = salt, v, in.DeviceName, true, !optIn
	d.modified = c.now
	return map[string]bool{"UserConfirmationNecessary": optIn}, nil
}

// updateDeviceStatus serves UpdateDeviceStatus: it marks a confirmed
// device of the token's user remembered or not remembered. A device not
// yet confirmed is as unknown as at a login (ResourceNotFoundException).
// Cognito's reference lists DeviceRememberedStatus as optional without
// saying what a request without it does; the emulator refuses one, as it
// refuses a value other than the two, rather than guess.
func (s *Server) updateDeviceStatus(c *call) (any, *apiError) {
	var in struct {
		withDevice
		DeviceRememberedStatus string
	}
	u, aerr := s.decodeForDevice(c, &in, func(v *violations) {
		if st := in.DeviceRememberedStatus; st != "remembered" && st != "not_remembered" {
			var sent *string // left out: null
			if in.DeviceRememberedStatus != "" {
				sent = &in.DeviceRememberedStatus
			}
			v.add("deviceRememberedStatus", sent, "Member must satisfy enum value set: [remembered, not_remembered]")
		}
	})
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.userDeviceLocked(*in.DeviceKey, u.Username)
	if d == nil {
		return nil, errNoDevice()
	}
	d.remembered, d.modified = in.DeviceRememberedStatus == "remembered", c.now
	return struct{}{}, nil
}

// forgetDevice serves ForgetDevice: the device and the refresh tokens bound
// to it stop working (the AWS blog post on device tracking: "all future
// calls to revalidate that device's refresh tokens will fail"). So do the
// access tokens issued with them, as after RevokeToken: an assumption,
// which the package doc lists; whether Cognito ends them is not known.
func (s *Server) forgetDevice(c *call) (any, *apiError) {
	var in withDevice
	u, aerr := s.decodeForDevice(c, &in, nil)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.ownDeviceLocked(*in.DeviceKey, u.Username)
	if d == nil {
		return nil, errNoDevice()
	}
	s.forgetDeviceLocked(d.key)
	return struct{}{}, nil
}

func (s *Server) forgetDeviceLocked(key string) {
	d := s.devices[key]
	if d == nil {
		return
	}
	delete(s.devices, key)
	// A token bound to a device was issued to the device's user, at a
	// login that proved the device or registered it.
	for _, rt := range s.userTokens[fold(d.username)] {
		if rt.deviceKey == key {
			s.revoked[rt.originJTI] = true
		}
	}
}

// Devices returns the devices issued to a user (username or alias).
func (s *Server) Devices(username string) []Device {
	u := s.lookupLogin(username)
	if u == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Device
	for _, d := range s.devices {
		if fold(d.username) == fold(u.Username) {
			out = append(out, Device{Key: d.key, GroupKey: d.groupKey, Name: d.name, Confirmed: d.confirmed, Remembered: d.remembered})
		}
	}
	slices.SortFunc(out, func(a, b Device) int { return strings.Compare(a.Key, b.Key) })
	return out
}

// ForgetDevice removes a device, as an administrator would; a login with
// its key then fails with ResourceNotFoundException "Device does not
// exist.".
func (s *Server) ForgetDevice(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.devices[key] == nil {
		return fmt.Errorf("%w: %q", ErrNoSuchDevice, key)
	}
	s.forgetDeviceLocked(key)
	return nil
}

// SetDeviceRemembered marks a confirmed device remembered or not, as an
// administrator would (AdminUpdateDeviceStatus): a login on a device no
// longer remembered is asked for MFA again, and one on a remembered
// device runs device SRP instead. It fails with ErrNoSuchDevice for a key
// the server does not know or a device not yet confirmed.
func (s *Server) SetDeviceRemembered(key string, remembered bool) error {
	now := s.now() // not under the lock: Config.Now may not take it
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.devices[key]
	if d == nil {
		return fmt.Errorf("%w: %q", ErrNoSuchDevice, key)
	}
	if !d.confirmed {
		return fmt.Errorf("%w: %q is not confirmed", ErrNoSuchDevice, key)
	}
	d.remembered, d.modified = remembered, now
	return nil
}
