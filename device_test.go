// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
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

// TestHostileDevicePasswordVerifier: a DEVICE_PASSWORD_VERIFIER with a
// server value B ≡ 0 (mod N), or parameters that do not parse, ends the
// login with the typed error, as PASSWORD_VERIFIER does, and no claim is
// sent for it.
func TestHostileDevicePasswordVerifier(t *testing.T) {
	nHex := group.N.Text(16)
	for _, tc := range []struct {
		name   string
		params []any
		want   error
	}{
		{"SRP_B zero", []any{"SRP_B", "0"}, ErrSRPInvalidB},
		{"SRP_B = N", []any{"SRP_B", nHex}, ErrSRPInvalidB},
		{"SALT not hex", []any{"SALT", "salt"}, ErrInvalidChallenge},
		{"SECRET_BLOCK not base64", []any{"SECRET_BLOCK", "not base64!"}, ErrInvalidChallenge},
		{"no SRP_B", []any{"SRP_B", nil}, ErrInvalidChallenge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var answered []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body := readAll(t, r)
				if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".InitiateAuth") {
					challenge().write(w)
					return
				}
				var name string
				for _, n := range []string{ChallengePasswordVerifier, ChallengeDeviceSRPAuth, ChallengeDevicePasswordVerifier} {
					if strings.Contains(body, `"ChallengeName":"`+n+`"`) {
						name = n
					}
				}
				mu.Lock()
				answered = append(answered, name)
				mu.Unlock()
				switch name {
				case ChallengePasswordVerifier:
					jsonReply(map[string]any{"ChallengeName": ChallengeDeviceSRPAuth, "Session": "s2", "ChallengeParameters": map[string]any{}}).write(w)
				case ChallengeDeviceSRPAuth:
					p := map[string]any{"SRP_B": "02", "SALT": "abcd", "SECRET_BLOCK": "c2VjcmV0", "USERNAME": "internal-user", "DEVICE_KEY": "us-east-1_dev"}
					jsonReply(map[string]any{"ChallengeName": ChallengeDevicePasswordVerifier, "Session": "s3", "ChallengeParameters": with(p, tc.params...)}).write(w)
				default:
					result(goodAccess(), goodID()).write(w)
				}
			}))
			defer srv.Close()
			s := rememberedDeviceSession(t, srv.URL, new(MemoryDeviceStore), "us-east-1_dev")
			err := s.Authenticate(t.Context(), hostilePassword)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Authenticate: %v, want %v", err, tc.want)
			}
			mu.Lock()
			defer mu.Unlock()
			if want := []string{ChallengePasswordVerifier, ChallengeDeviceSRPAuth}; strings.Join(answered, ",") != strings.Join(want, ",") {
				t.Fatalf("challenges answered %v, want %v", answered, want)
			}
			if s.Tokens() != nil {
				t.Fatal("the session holds tokens")
			}
		})
	}
}

// rememberedDeviceSession returns a session of user@example.com against
// endpoint, on the fake clock without retries, whose store remembers the
// device key.
func rememberedDeviceSession(t *testing.T, endpoint string, store DeviceStore, key string) *Session {
	t.Helper()
	owner := DeviceOwner{UserPoolID: testPoolID, Username: "user@example.com"}
	store.SaveDevice(t.Context(), owner, &Device{Key: key, GroupKey: "-grp", Password: "device-password"})
	s, err := NewSession(Config{
		UserPoolID: testPoolID, ClientID: testClientID, Endpoint: endpoint,
		Now: newFakeClock(testNow).Now, Retry: fastRetry(1), Devices: RememberDevices(store, ""),
	}, "user@example.com")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// undeletableDevices is a DeviceStore whose DeleteDevice fails.
type undeletableDevices struct{ *MemoryDeviceStore }

var errUndeletable = errors.New("device store is read-only")

func (undeletableDevices) DeleteDevice(context.Context, DeviceOwner) error { return errUndeletable }

// TestForgetDeviceFails: when Cognito no longer knows the remembered
// device and the store cannot forget it, the login fails with the store's
// error (errors.Is), instead of logging in again without the device while
// the store keeps offering the stale one to every later login.
func TestForgetDeviceFails(t *testing.T) {
	var mu sync.Mutex
	var calls []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := readAll(t, r)
		mu.Lock()
		calls = append(calls, r.Header.Get("X-Amz-Target"))
		mu.Unlock()
		if !strings.Contains(body, `"DEVICE_KEY":"us-east-1_stale"`) {
			t.Errorf("call without the device: %s", r.Header.Get("X-Amz-Target"))
		}
		errorReply(400, "ResourceNotFoundException").write(w)
	}))
	defer srv.Close()
	s := rememberedDeviceSession(t, srv.URL, undeletableDevices{new(MemoryDeviceStore)}, "us-east-1_stale")
	err := s.Authenticate(t.Context(), hostilePassword)
	if !errors.Is(err, errUndeletable) || errors.Is(err, ErrResourceNotFound) {
		t.Fatalf("Authenticate: %v; want the store's error", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(calls) != 1 {
		t.Fatalf("calls %v, want the one InitiateAuth", calls)
	}
}
