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
