// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"time"
)

// This file is the login side of remembered devices. The login reaches it
// only through the DeviceTracker interface, whose one implementation
// RememberDevices creates: a program that never calls RememberDevices does
// not link device SRP, device registration or the device stores.

// A DeviceTracker remembers the device Cognito issues at a login, in user
// pools with device tracking, and signs in with it from then on, which
// lets such a pool skip MFA on a remembered device. Set Config.Devices or
// Options.Devices to the one RememberDevices returns.
//
// Its methods are unexported: this package provides the only
// implementation. (An interface, so that programs that do not remember
// devices do not link the code that does.)
type DeviceTracker interface {
	// load returns the owner's usable device, or nil.
	load(ctx context.Context, owner DeviceOwner) (*loginDevice, error)
	// forget deletes the owner's device, which Cognito no longer knows.
	forget(ctx context.Context, owner DeviceOwner) error
	// remember confirms and stores the device Cognito issued at a login.
	remember(ctx context.Context, s *Session, t *Tokens, md *NewDeviceMetadata) error
	// answer answers DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER (the
	// challenge name, with its parameters) for st.device; nil responses
	// mean it cannot. (Not the *AuthOutput: a method type naming it would
	// link AuthOutput's printing methods into every program, since an
	// Auth is an interface value.)
	answer(s *Session, st *loginState, name string, params map[string]string) (map[string]string, error)
}

// RememberDevices returns a DeviceTracker that keeps devices in store and
// names the devices it confirms name (empty means DefaultDeviceName).
//
// A nil store means a new MemoryDeviceStore, which lasts as long as the
// returned value: each new process then registers another device with
// Cognito. Use a FileDeviceStore, or a store of your own, to keep the
// device across runs. Sessions may share the returned value.
//
// In pools that remember a device only when the user opts in
// (ConfirmDevice answers UserConfirmationNecessary), it marks each device
// it confirms remembered with UpdateDeviceStatus: asking for
// RememberDevices is that consent. When that fails the device is not
// stored, and the next login is issued another. A device whose trust is
// taken away later (UpdateDeviceStatus "not_remembered", by the user
// elsewhere or by an administrator) stays stored: logins go on naming it,
// and are asked for MFA, and it is not marked remembered again unless the
// program does so (Client.UpdateDeviceStatus).
func RememberDevices(store DeviceStore, name string) DeviceTracker {
	if store == nil {
		store = new(MemoryDeviceStore)
	}
	return &deviceTracker{store: store, name: cmp.Or(name, DefaultDeviceName)}
}

// loginDevice is a Device as a login signs in with it. It is a type of its
// own, without Device's methods, because the DeviceTracker interface names
// it (binary size: method-less copy, see doc.go).
type loginDevice Device

// deviceTracker is the DeviceTracker of RememberDevices.
type deviceTracker struct {
	store DeviceStore
	name  string // given to ConfirmDevice
}

// String names the store and the device name. A store that says how it
// prints (a String method, as this package's stores have, which keep
// their devices' passwords out) is printed so; any other by its type
// alone: fmt would print its fields, and a caller's store that keeps
// its devices in an unexported field would show their passwords.
func (d *deviceTracker) String() string {
	format := "cognitosrp.RememberDevices(%T, %q)"
	if _, ok := d.store.(fmt.Stringer); ok {
		format = "cognitosrp.RememberDevices(%v, %q)"
	}
	return fmt.Sprintf(format, d.store, d.name)
}

// Format prints String for every verb, so no formatting reveals a secret.
func (d *deviceTracker) Format(f fmt.State, verb rune) { formatRedacted(f, d) }

// LogValue redacts, like String (the JSON handler would otherwise print
// an empty object).
func (d *deviceTracker) LogValue() slog.Value { return logRedacted(d) }

func (d *deviceTracker) load(ctx context.Context, owner DeviceOwner) (*loginDevice, error) {
	dev, err := d.store.LoadDevice(ctx, owner)
	if err != nil {
		return nil, errorf("cognitosrp: loading the remembered device: %w", err)
	}
	if dev == nil || dev.Key == "" || dev.GroupKey == "" || dev.Password == "" {
		return nil, nil
	}
	return (*loginDevice)(dev), nil
}

func (d *deviceTracker) forget(ctx context.Context, owner DeviceOwner) error {
	if err := d.store.DeleteDevice(ctx, owner); err != nil {
		return errorf("cognitosrp: forgetting the device: %w", err)
	}
	return nil
}

// remember registers and stores a new device after a login. A failure to
// register does not fail the login, whose tokens are good: the device is
// not stored, and the next login is issued a new one to confirm. Only a
// store that cannot save is reported.
func (d *deviceTracker) remember(ctx context.Context, s *Session, t *Tokens, md *NewDeviceMetadata) error {
	dev, err := d.register(ctx, s, t, md)
	if err != nil {
		s.log(ctx, slog.LevelWarn, "cognitosrp: the new device was not confirmed; the next login will be issued another",
			"error", err.Error())
		return nil
	}
	// Cognito has confirmed the device: the save is not cancelled with
	// the login (a sign-out during it, Close), or the next login would be
	// issued another device, and asked for MFA again.
	if err := d.store.SaveDevice(context.WithoutCancel(ctx), s.deviceOwner(), dev); err != nil {
		return errorf("cognitosrp: saving the remembered device: %w", err)
	}
	return nil
}

// register confirms the device Cognito has just issued: it registers a
// verifier of a fresh device password and, where the pool leaves that to
// the user, marks the device remembered. It returns the device to store.
func (d *deviceTracker) register(ctx context.Context, s *Session, t *Tokens, md *NewDeviceMetadata) (*Device, error) {
	if md.DeviceKey == "" || md.DeviceGroupKey == "" {
		return nil, refine(&ErrInvalidResponse, "NewDeviceMetadata without keys")
	}
	password, cfg, err := NewDeviceVerifier(md.DeviceGroupKey, md.DeviceKey, s.cfg.Rand)
	if err != nil {
		return nil, err
	}
	out, err := s.api.confirmDevice(ctx, &ConfirmDeviceInput{
		AccessToken:                t.AccessToken,
		DeviceKey:                  md.DeviceKey,
		DeviceSecretVerifierConfig: cfg,
		DeviceName:                 d.name,
	})
	if err != nil {
		return nil, err
	}
	if out.UserConfirmationNecessary {
		// The caller asked to remember devices: that is the user's consent.
		err := s.api.updateDeviceStatus(ctx, &UpdateDeviceStatusInput{
			AccessToken:            t.AccessToken,
			DeviceKey:              md.DeviceKey,
			DeviceRememberedStatus: "remembered",
		})
		if err != nil {
			return nil, err
		}
	}
	return &Device{Key: md.DeviceKey, GroupKey: md.DeviceGroupKey, Password: password}, nil
}

// answer answers DEVICE_SRP_AUTH with the SRP_A of a fresh device SRP,
// whose "pool name" is the device group key, and DEVICE_PASSWORD_VERIFIER
// with that SRP's password claim.
func (d *deviceTracker) answer(s *Session, st *loginState, name string, params map[string]string) (map[string]string, error) {
	if name == ChallengeDeviceSRPAuth {
		srp, err := NewSRP(st.device.GroupKey, s.cfg.Rand)
		if err != nil {
			return nil, err
		}
		st.deviceSRP = (*preparedSRP)(srp)
		return map[string]string{"SRP_A": srp.A()}, nil
	}
	if st.deviceSRP == nil {
		return nil, nil // the proof before the SRP: out of turn
	}
	claim, err := deviceClaim((*SRP)(st.deviceSRP), st.device, params, s.claimTime(st))
	if err != nil {
		return nil, err
	}
	// One proof per private value, as for the user's (passwordVerifier).
	st.deviceSRP = nil
	// The claim names the device; the response names the user.
	return claim.ChallengeResponses(), nil
}

// deviceClaim answers DEVICE_PASSWORD_VERIFIER: the password claim of the
// device's SRP, whose user id is the device key. Cognito's USERNAME
// parameter names the user, not the device, so it must not be taken as the
// SRP user id as in PASSWORD_VERIFIER.
func deviceClaim(srp *SRP, d *loginDevice, params map[string]string, now time.Time) (*PasswordClaim, error) {
	return srp.PasswordClaim(PasswordChallenge{
		UserIDForSRP: d.Key,
		SRPB:         params["SRP_B"],
		Salt:         params["SALT"],
		SecretBlock:  params["SECRET_BLOCK"],
	}, d.Password, now)
}

// deviceOwner is the key of the session's device in the DeviceStore.
func (s *Session) deviceOwner() DeviceOwner {
	return DeviceOwner{UserPoolID: s.cfg.UserPoolID, Username: s.username}
}

// loadDevice returns the remembered device, or nil when the session does
// not remember devices or has none yet.
func (s *Session) loadDevice(ctx context.Context) (*loginDevice, error) {
	if s.cfg.Devices == nil {
		return nil, nil
	}
	return s.cfg.Devices.load(ctx, s.deviceOwner())
}

// deviceKey returns the key of the device cur was issued on, or "", for
// the DEVICE_KEY (or DeviceKey) of its renewal. Cognito ties the refresh
// token to that device, which the access token names (device_key); the
// store may hold another by now, as sessions that share a DeviceTracker
// (or processes that share a device file) each keep the device of their
// latest login. Tokens that name none renew with the remembered device.
func (s *Session) deviceKey(ctx context.Context, cur *Tokens) (string, error) {
	if s.cfg.Devices == nil {
		return "", nil
	}
	if c, err := ParseUnverified(cur.AccessToken); err == nil {
		if k, _ := c.Raw["device_key"].(string); k != "" {
			return k, nil
		}
	}
	d, err := s.loadDevice(ctx)
	if d == nil || err != nil {
		return "", err
	}
	return d.Key, nil
}
