// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"sync"
	"sync/atomic"
)

// This file remembers devices. A pool with device tracking issues a device
// key at a login without one; confirming the device registers an SRP
// verifier of a random device password with Cognito. Later logins send the
// device key and prove the device password with a second SRP exchange
// (DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER), which lets a pool skip MFA
// on remembered devices.

// Sizes of the device secrets, as Cognito's own clients draw them.
const (
	devicePasswordBytes = 40
	deviceSaltBytes     = 16
)

// DefaultDeviceName is the name a Session gives the devices it confirms
// when RememberDevices is given no name.
const DefaultDeviceName = "cognitosrp"

// Device is a device Cognito remembers for a user: the keys Cognito issued
// and the secret device password only this client knows.
//
// encoding/json encodes Device with its field names as keys, the password
// included (String redacts it; the encoding does not). That encoding is
// stable across releases, for a DeviceStore of a program's own
// (FileDeviceStore has a file format of its own).
type Device struct {
	Key      string // DeviceKey, such as "us-east-1_0a1b…"
	GroupKey string // DeviceGroupKey: the device SRP's pool name
	Password string // the device password: a secret
}

// String describes the device without its password.
func (d Device) String() string {
	return fmt.Sprintf("cognitosrp.Device{Key: %s, GroupKey: %s, Password: %s}", d.Key, d.GroupKey, redact(d.Password))
}

// Format prints String for every verb, so no formatting reveals the password.
func (d Device) Format(f fmt.State, verb rune) { formatRedacted(f, d) }

// DeviceOwner names whose device a DeviceStore entry is: a user, by the
// name it logs in with, in a user pool.
type DeviceOwner struct {
	UserPoolID string // Config.UserPoolID
	// Username is the name the session was given (NewSession,
	// Options.Username), not Cognito's internal username: a user who
	// logs in under two aliases has a device under each.
	Username string
}

// DeviceStore keeps remembered devices between logins, and between runs
// if it persists them. Its methods must be safe for concurrent use. The
// device password is a secret: a store that writes it anywhere must
// protect it like a password.
type DeviceStore interface {
	// LoadDevice returns the owner's device, or nil and a nil error when
	// there is none.
	LoadDevice(ctx context.Context, owner DeviceOwner) (*Device, error)
	// SaveDevice stores the owner's device, replacing any other.
	SaveDevice(ctx context.Context, owner DeviceOwner, d *Device) error
	// DeleteDevice forgets the owner's device; forgetting none is no error.
	DeleteDevice(ctx context.Context, owner DeviceOwner) error
}

// errNilDevice is the error of a SaveDevice given no device.
var errNilDevice = errors.New("cognitosrp: SaveDevice of a nil device")

// MemoryDeviceStore is a DeviceStore that keeps devices in memory, for
// the life of the process. The zero value is ready to use; a
// MemoryDeviceStore must not be copied after first use.
type MemoryDeviceStore struct {
	mu sync.Mutex // guards the map devices points to
	// devices is an atomic.Pointer, not the map itself, because fmt
	// shows nothing behind it: a MemoryDeviceStore held as a value in the
	// caller's struct has no Format (its methods are on the pointer), so
	// fmt walks its fields, and would print the map with the devices'
	// passwords. The map is set once and changed under mu.
	devices atomic.Pointer[map[DeviceOwner]Device]
}

// LoadDevice returns a copy of the owner's device, or nil.
func (m *MemoryDeviceStore) LoadDevice(ctx context.Context, owner DeviceOwner) (*Device, error) {
	if m == nil {
		return nil, errNilStore
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.held()[owner]
	if !ok {
		return nil, nil
	}
	return &d, nil
}

// SaveDevice stores a copy of d. A nil d is an error, as in FileDeviceStore.
func (m *MemoryDeviceStore) SaveDevice(ctx context.Context, owner DeviceOwner, d *Device) error {
	if m == nil {
		return errNilStore
	}
	if d == nil {
		return errNilDevice
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	devices := m.held()
	if devices == nil {
		devices = make(map[DeviceOwner]Device)
		m.devices.Store(&devices)
	}
	devices[owner] = *d
	return nil
}

// DeleteDevice forgets the owner's device.
func (m *MemoryDeviceStore) DeleteDevice(ctx context.Context, owner DeviceOwner) error {
	if m == nil {
		return errNilStore
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.held(), owner)
	return nil
}

// held returns the devices, nil before the first is saved. Called with
// m.mu held.
func (m *MemoryDeviceStore) held() map[DeviceOwner]Device {
	if p := m.devices.Load(); p != nil {
		return *p
	}
	return nil
}

// String describes the store without its devices' passwords. (Printing a
// map held in an unexported field bypasses Device's own Format.)
func (m *MemoryDeviceStore) String() string {
	if m == nil {
		return "cognitosrp.MemoryDeviceStore(nil)"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return fmt.Sprintf("cognitosrp.MemoryDeviceStore{%d devices}", len(m.held()))
}

// Format prints String for every verb, so no formatting reveals a secret.
func (m *MemoryDeviceStore) Format(f fmt.State, verb rune) { formatRedacted(f, m) }

// LogValue redacts, like String: slog's JSON handler would otherwise print
// an empty object, which says less than String.
func (m *MemoryDeviceStore) LogValue() slog.Value { return logRedacted(m) }

// DeviceSecretVerifierConfig is the SRP verifier of a device password, as
// ConfirmDevice takes it: base64 of the bytes of pad(v) and of pad(salt).
type DeviceSecretVerifierConfig struct {
	PasswordVerifier string // base64 of pad(v)
	Salt             string // base64 of pad(salt)
}

// String describes the verifier without its values. They reveal nothing
// that helps a guess (the device password is 40 random bytes), but they
// are derived from the password, as a PasswordClaim's proof is, and no
// printed value of this package shows such a value.
func (c DeviceSecretVerifierConfig) String() string {
	return fmt.Sprintf("cognitosrp.DeviceSecretVerifierConfig{PasswordVerifier: %s, Salt: %s}",
		redact(c.PasswordVerifier), redact(c.Salt))
}

// Format prints String for every verb.
func (c DeviceSecretVerifierConfig) Format(f fmt.State, verb rune) { formatRedacted(f, c) }

// NewDeviceVerifier draws a device password (40 random bytes, base64) and
// a 16-byte salt from random (nil means crypto/rand) and returns the
// password and the verifier to register with ConfirmDevice for the device
// deviceKey of group groupKey: v = g^x with x = H(pad(salt) ‖
// H(groupKey ‖ deviceKey ‖ ":" ‖ password)).
func NewDeviceVerifier(groupKey, deviceKey string, random io.Reader) (password string, cfg DeviceSecretVerifierConfig, err error) {
	if random == nil {
		random = rand.Reader
	}
	var buf [devicePasswordBytes + deviceSaltBytes]byte
	if _, err := io.ReadFull(random, buf[:]); err != nil {
		return "", DeviceSecretVerifierConfig{}, errorf("cognitosrp: reading random device secret: %w", err)
	}
	password = base64.StdEncoding.EncodeToString(buf[:devicePasswordBytes])
	salt := new(big.Int).SetBytes(buf[devicePasswordBytes:])
	x := computeX(groupKey, deviceKey, password, salt)
	v := expG(x)
	return password, DeviceSecretVerifierConfig{
		PasswordVerifier: base64.StdEncoding.EncodeToString(padBytes(v)),
		// The salt is an integer here too: a salt drawn with a leading zero
		// byte is registered without it, as x was computed.
		Salt: base64.StdEncoding.EncodeToString(padBytes(salt)),
	}, nil
}

// ConfirmDeviceInput is the request of ConfirmDevice. The access token
// authorizes it.
type ConfirmDeviceInput struct {
	// AccessToken is from the login that was issued the device: a secret.
	AccessToken string
	DeviceKey   string // NewDeviceMetadata.DeviceKey of that login
	// DeviceSecretVerifierConfig is from NewDeviceVerifier, whose password
	// the device keeps.
	DeviceSecretVerifierConfig DeviceSecretVerifierConfig
	// DeviceName is how the user's list of devices shows it; a Session
	// sends the name given to RememberDevices, or DefaultDeviceName.
	DeviceName string `json:",omitempty"`
}

// String describes the request without the access token.
func (in ConfirmDeviceInput) String() string {
	return fmt.Sprintf("cognitosrp.ConfirmDeviceInput{AccessToken: %s, DeviceKey: %s, DeviceName: %s}",
		redact(in.AccessToken), in.DeviceKey, in.DeviceName)
}

// Format prints String for every verb, so no formatting reveals the token.
func (in ConfirmDeviceInput) Format(f fmt.State, verb rune) { formatRedacted(f, in) }

// ConfirmDeviceOutput is the response of ConfirmDevice.
type ConfirmDeviceOutput struct {
	// UserConfirmationNecessary is true in pools that remember a device
	// only when the user opts in (UpdateDeviceStatus).
	UserConfirmationNecessary bool
}

// ConfirmDevice registers the verifier of a new device's password.
func (c *Client) ConfirmDevice(ctx context.Context, in *ConfirmDeviceInput) (*ConfirmDeviceOutput, error) {
	return c.api().confirmDevice(ctx, in)
}

func (c *apiClient) confirmDevice(ctx context.Context, in *ConfirmDeviceInput) (*ConfirmDeviceOutput, error) {
	out := new(ConfirmDeviceOutput)
	if err := c.call(ctx, "ConfirmDevice", (*wireConfirmDevice)(in), out); err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateDeviceStatusInput is the request of UpdateDeviceStatus. The access
// token authorizes it.
type UpdateDeviceStatusInput struct {
	AccessToken            string // of the device's user: a secret
	DeviceKey              string // Device.Key
	DeviceRememberedStatus string // "remembered" or "not_remembered"
}

// String describes the request without the access token.
func (in UpdateDeviceStatusInput) String() string {
	return fmt.Sprintf("cognitosrp.UpdateDeviceStatusInput{AccessToken: %s, DeviceKey: %s, DeviceRememberedStatus: %s}",
		redact(in.AccessToken), in.DeviceKey, in.DeviceRememberedStatus)
}

// Format prints String for every verb, so no formatting reveals the token.
func (in UpdateDeviceStatusInput) Format(f fmt.State, verb rune) { formatRedacted(f, in) }

// UpdateDeviceStatus marks a device remembered or not remembered.
func (c *Client) UpdateDeviceStatus(ctx context.Context, in *UpdateDeviceStatusInput) error {
	return c.api().updateDeviceStatus(ctx, in)
}

func (c *apiClient) updateDeviceStatus(ctx context.Context, in *UpdateDeviceStatusInput) error {
	return c.call(ctx, "UpdateDeviceStatus", (*wireUpdateDeviceStatus)(in), &struct{}{})
}
