// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"testing"
	"time"
)

// TestNewDeviceVerifierKnownAnswers feeds NewDeviceVerifier the random
// bytes the oracle fed generateHashDevice (the 40 password bytes, then the
// 16 salt bytes) and expects the very ConfirmDevice values it sent.
func TestNewDeviceVerifierKnownAnswers(t *testing.T) {
	for _, d := range readDeviceVectors(t).Devices {
		pw, err := base64.StdEncoding.DecodeString(d.DevicePassword)
		salt, err2 := hex.DecodeString(d.Salt)
		if err != nil || err2 != nil || len(pw) != devicePasswordBytes || len(salt) != deviceSaltBytes {
			t.Fatalf("%s: bad vector", d.Name)
		}
		password, cfg, err := NewDeviceVerifier(d.DeviceGroupKey, d.DeviceKey, bytes.NewReader(append(pw, salt...)))
		if err != nil {
			t.Fatalf("%s: %v", d.Name, err)
		}
		if password != d.DevicePassword {
			t.Errorf("%s: password %s, want %s", d.Name, password, d.DevicePassword)
		}
		if cfg.PasswordVerifier != d.VerifierB64 {
			t.Errorf("%s: PasswordVerifier differs from the oracle's", d.Name)
		}
		if cfg.Salt != d.SaltB64 {
			t.Errorf("%s: Salt %s, want %s", d.Name, cfg.Salt, d.SaltB64)
		}
	}
}

func TestNewDeviceVerifierRandomFailure(t *testing.T) {
	if _, _, err := NewDeviceVerifier("g", "k", bytes.NewReader(make([]byte, 55))); err == nil {
		t.Error("a short random source gave a device secret")
	}
}

// TestDeviceSRPKnownAnswers answers DEVICE_SRP_AUTH and then
// DEVICE_PASSWORD_VERIFIER as a login does, with the oracle's private
// value, and expects the responses the oracle's CognitoUser sent: its
// SRP_A, signature and timestamp, USERNAME the user and DEVICE_KEY the
// device. The secret hash, which the oracle lacks, must hash the user.
func TestDeviceSRPKnownAnswers(t *testing.T) {
	for _, v := range readDeviceVectors(t).DeviceSRP {
		a, err := hex.DecodeString(v.PrivateA)
		if err != nil {
			t.Fatal(err)
		}
		now, err := time.Parse(TimestampLayout, v.Timestamp)
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		s, err := NewSession(Config{
			UserPoolID: "us-east-1_AbC123xyZ", ClientID: "client", ClientSecret: "secret",
			Rand: bytes.NewReader(a), Now: func() time.Time { return now },
			Devices: RememberDevices(nil, ""),
		}, "login-alias@example.com")
		if err != nil {
			t.Fatal(err)
		}
		st := &loginState{username: "login-alias@example.com", device: &loginDevice{Key: v.DeviceKey, GroupKey: v.DeviceGroupKey, Password: v.Password}}
		in, err := s.answer(t.Context(), st, &AuthOutput{
			ChallengeName:       ChallengeDeviceSRPAuth,
			ChallengeParameters: map[string]string{"USERNAME": v.Username},
			Session:             "s1",
		})
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		r := in.ChallengeResponses
		if r["SRP_A"] != v.A || r["USERNAME"] != v.Username || r["DEVICE_KEY"] != v.DeviceKey ||
			r["SECRET_HASH"] != SecretHash(v.Username, "client", "secret") || in.Session != "s1" {
			t.Errorf("%s: DEVICE_SRP_AUTH responses differ from the oracle's", v.Name)
		}
		in, err = s.answer(t.Context(), st, &AuthOutput{
			ChallengeName: ChallengeDevicePasswordVerifier,
			ChallengeParameters: map[string]string{
				"SRP_B": v.B, "SALT": v.Salt, "SECRET_BLOCK": v.SecretBlock,
				"USERNAME": v.Username, "DEVICE_KEY": v.DeviceKey,
			},
			Session: "s2",
		})
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		r = in.ChallengeResponses
		if r["PASSWORD_CLAIM_SIGNATURE"] != v.Signature {
			t.Errorf("%s: signature %s, want %s", v.Name, r["PASSWORD_CLAIM_SIGNATURE"], v.Signature)
		}
		if r["TIMESTAMP"] != v.Timestamp || r["PASSWORD_CLAIM_SECRET_BLOCK"] != v.SecretBlock ||
			r["USERNAME"] != v.Username || r["DEVICE_KEY"] != v.DeviceKey ||
			r["SECRET_HASH"] != SecretHash(v.Username, "client", "secret") || len(r) != 6 {
			t.Errorf("%s: DEVICE_PASSWORD_VERIFIER responses %v", v.Name, len(r))
		}
	}
}

func TestMemoryDeviceStore(t *testing.T) {
	ctx := t.Context()
	var m MemoryDeviceStore
	owner := DeviceOwner{UserPoolID: "p", Username: "u"}
	if d, err := m.LoadDevice(ctx, owner); d != nil || err != nil {
		t.Fatalf("empty store: %v, %v", d, err)
	}
	if err := m.DeleteDevice(ctx, owner); err != nil {
		t.Fatal(err)
	}
	d := &Device{Key: "k", GroupKey: "g", Password: "pw"}
	m.SaveDevice(ctx, owner, d)
	d.Key = "changed"
	got, _ := m.LoadDevice(ctx, owner)
	if got == nil || got.Key != "k" {
		t.Fatalf("stored %v: the store must keep a copy", got)
	}
	got.Key = "changed too"
	if again, _ := m.LoadDevice(ctx, owner); again.Key != "k" {
		t.Fatal("LoadDevice hands out the stored value")
	}
	if other, _ := m.LoadDevice(ctx, DeviceOwner{UserPoolID: "p", Username: "v"}); other != nil {
		t.Fatal("a device leaked to another user")
	}
	m.DeleteDevice(ctx, owner)
	if d, _ := m.LoadDevice(ctx, owner); d != nil {
		t.Fatal("DeleteDevice kept the device")
	}
	// A nil device is refused, as FileDeviceStore refuses it, not a panic.
	if err := m.SaveDevice(ctx, owner, nil); err == nil {
		t.Error("saved a nil device")
	}
}
