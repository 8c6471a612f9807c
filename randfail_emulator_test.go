// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

var errEntropy = errors.New("entropy source unplugged")

// brokenRand is a Config.Rand (an HSM, a hardware source) that fails its
// failAt-th read and every later one. Each draw of the library is one
// io.ReadFull, which crypto/rand fills in one Read.
type brokenRand struct {
	mu     sync.Mutex
	reads  int
	failAt int
}

func (r *brokenRand) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reads++
	if r.reads >= r.failAt {
		return 0, errEntropy
	}
	return rand.Read(p)
}

// TestRandomSourceFails: a Config.Rand that fails is the caller's to see,
// wrapped (errors.Is) and without the password: when a login draws its
// SRP a, and when a login with the remembered device draws the device's.
// When it fails as a new device's verifier is drawn, the login, whose
// tokens are good, succeeds: the device is not stored, and a WARN says
// the next login will be issued another.
func TestRandomSourceFails(t *testing.T) {
	start := func(t *testing.T, failAt int, logs *bytes.Buffer) (*cognitosrp.Session, *cognitosrp.MemoryDeviceStore, cognitosrp.DeviceOwner) {
		srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
		if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword}); err != nil {
			t.Fatal(err)
		}
		store := new(cognitosrp.MemoryDeviceStore)
		c := srv.SessionConfig()
		c.Rand = &brokenRand{failAt: failAt}
		c.Devices = cognitosrp.RememberDevices(store, "")
		c.Retry = cognitosrp.RetryPolicy{MaxAttempts: 1}
		c.Logger = slog.New(slog.NewTextHandler(logs, nil))
		s, err := cognitosrp.NewSession(c, "alice")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s, store, cognitosrp.DeviceOwner{UserPoolID: srv.PoolID(), Username: "alice"}
	}
	refused := func(t *testing.T, err error) {
		t.Helper()
		if !errors.Is(err, errEntropy) || strings.Contains(err.Error(), emuPassword) {
			t.Fatalf("Authenticate = %v, want the random source's error without the password", err)
		}
	}
	t.Run("login", func(t *testing.T) {
		var logs bytes.Buffer
		s, _, _ := start(t, 1, &logs)
		refused(t, s.Authenticate(t.Context(), emuPassword))
		if s.Tokens() != nil {
			t.Error("the session holds tokens")
		}
	})
	t.Run("new device", func(t *testing.T) {
		var logs bytes.Buffer
		s, store, owner := start(t, 2, &logs) // the login's a, then the device verifier
		if err := s.Authenticate(t.Context(), emuPassword); err != nil {
			t.Fatalf("Authenticate = %v, want the login to succeed without its device", err)
		}
		if d, err := store.LoadDevice(context.Background(), owner); d != nil || err != nil {
			t.Errorf("stored device %v, %v; want none", d, err)
		}
		if out := logs.String(); !strings.Contains(out, "level=WARN") || !strings.Contains(out, errEntropy.Error()) ||
			strings.Contains(out, emuPassword) {
			t.Errorf("log %q: want a WARN with the random source's error, without the password", out)
		}
	})
	t.Run("remembered device", func(t *testing.T) {
		var logs bytes.Buffer
		// The first login draws a and the verifier; the second a, then
		// the device's a.
		s, store, owner := start(t, 4, &logs)
		if err := s.Authenticate(t.Context(), emuPassword); err != nil {
			t.Fatal(err)
		}
		d, err := store.LoadDevice(context.Background(), owner)
		if d == nil || err != nil {
			t.Fatalf("no device stored: %v, %v", d, err)
		}
		err = s.Authenticate(t.Context(), emuPassword)
		refused(t, err)
		if strings.Contains(err.Error(), d.Password) {
			t.Errorf("Authenticate = %v quotes the device password", err)
		}
	})
}
