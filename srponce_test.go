// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// TestOneClaimPerSRPExchange: a server that answers a password claim with
// another verifier challenge, another SRP_B each time, gets no second
// claim from the same private value a (each would let it test one more
// password offline): the login ends with a *ChallengeError for the
// challenge asked out of turn. So for the user's SRP and for a device's.
func TestOneClaimPerSRPExchange(t *testing.T) {
	for _, again := range []string{ChallengePasswordVerifier, ChallengeDevicePasswordVerifier} {
		t.Run(again, func(t *testing.T) {
			var mu sync.Mutex
			claims := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body := readAll(t, r)
				if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".InitiateAuth") {
					challenge().write(w)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				device := map[string]any{"SRP_B": "0" + strings.Repeat("3", claims+1), "SALT": "abcd", "SECRET_BLOCK": "c2VjcmV0",
					"USERNAME": "internal-user", "DEVICE_KEY": "us-east-1_dev"}
				switch {
				case strings.Contains(body, `"ChallengeName":"`+again+`"`):
					claims++
					if again == ChallengePasswordVerifier {
						challenge("SRP_B", "0"+strings.Repeat("3", claims)).write(w)
						return
					}
					jsonReply(map[string]any{"ChallengeName": again, "Session": "s", "ChallengeParameters": device}).write(w)
				case strings.Contains(body, `"ChallengeName":"`+ChallengePasswordVerifier+`"`):
					jsonReply(map[string]any{"ChallengeName": ChallengeDeviceSRPAuth, "Session": "s", "ChallengeParameters": map[string]any{}}).write(w)
				case strings.Contains(body, `"ChallengeName":"`+ChallengeDeviceSRPAuth+`"`):
					jsonReply(map[string]any{"ChallengeName": ChallengeDevicePasswordVerifier, "Session": "s", "ChallengeParameters": device}).write(w)
				default:
					t.Errorf("unexpected call: %s", body)
					errorReply(400, "InvalidParameterException").write(w)
				}
			}))
			defer srv.Close()
			s := rememberedDeviceSession(t, srv.URL, new(MemoryDeviceStore), "us-east-1_dev")
			err := s.Authenticate(t.Context(), hostilePassword)
			var ce *ChallengeError
			if !errors.As(err, &ce) || ce.ChallengeName != again {
				t.Errorf("Authenticate: %v, want a *ChallengeError for %s", err, again)
			}
			mu.Lock()
			defer mu.Unlock()
			if claims != 1 {
				t.Errorf("%d claims of one exchange sent, want 1", claims)
			}
		})
	}
}

// TestClaimsPerLogin pins the bound SECURITY.md gives: an endpoint that
// fails each password claim for a passing reason (a 5xx) has the login
// start over with a fresh private value, and so gets another claim, at
// most Retry.MaxAttempts in all; twice that when it then refuses the
// remembered device (ResourceNotFoundException), as the login starts once
// more without it.
func TestClaimsPerLogin(t *testing.T) {
	const attempts = 3
	for _, device := range []bool{false, true} {
		var mu sync.Mutex
		claims := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			readAll(t, r)
			if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".InitiateAuth") {
				challenge().write(w)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if claims++; device && claims == attempts {
				errorReply(400, "ResourceNotFoundException").write(w)
				return
			}
			errorReply(500, "InternalErrorException").write(w)
		}))
		cfg := Config{UserPoolID: testPoolID, ClientID: testClientID, Endpoint: srv.URL, Retry: fastRetry(attempts)}
		want := attempts
		if device {
			store := new(MemoryDeviceStore)
			store.SaveDevice(t.Context(), DeviceOwner{UserPoolID: testPoolID, Username: "user@example.com"},
				&Device{Key: "us-east-1_dev", GroupKey: "-grp", Password: "device-password"})
			cfg.Devices, want = RememberDevices(store, ""), 2*attempts
		}
		s, err := NewSession(cfg, "user@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Authenticate(t.Context(), hostilePassword); !errors.Is(err, ErrInternalError) {
			t.Errorf("device %v: Authenticate: %v, want the last 5xx", device, err)
		}
		s.Close()
		srv.Close()
		mu.Lock()
		if claims != want {
			t.Errorf("device %v: %d password claims in one login, want %d", device, claims, want)
		}
		mu.Unlock()
	}
}
