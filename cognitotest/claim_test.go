// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// handClaim answers a PASSWORD_VERIFIER challenge with SRP written out here
// step by step, apart from the root package's, so that a test can sign any
// TIMESTAMP text it likes. a is the client's private value.
func handClaim(t testing.TB, pool, userID, password string, a *big.Int, params map[string]string, timestamp string) string {
	t.Helper()
	n, g := cognitotest.PrimeN(), big.NewInt(2)
	pad := func(x *big.Int) []byte {
		b, err := hex.DecodeString(cognitosrp.PadHex(x))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	hash := func(parts ...[]byte) *big.Int {
		h := sha256.New()
		for _, p := range parts {
			h.Write(p)
		}
		return new(big.Int).SetBytes(h.Sum(nil))
	}
	B, ok1 := new(big.Int).SetString(params["SRP_B"], 16)
	salt, ok2 := new(big.Int).SetString(params["SALT"], 16)
	block, err := base64.StdEncoding.DecodeString(params["SECRET_BLOCK"])
	if !ok1 || !ok2 || err != nil {
		t.Fatalf("challenge parameters %v", params)
	}
	A := new(big.Int).Exp(g, a, n)
	k := hash(pad(n), pad(g))
	u := hash(pad(A), pad(B))
	inner := sha256.Sum256([]byte(pool + userID + ":" + password))
	x := hash(pad(salt), inner[:])
	base := new(big.Int).Sub(B, new(big.Int).Mul(k, new(big.Int).Exp(g, x, n)))
	base.Mod(base, n)
	S := new(big.Int).Exp(base, new(big.Int).Add(a, new(big.Int).Mul(u, x)), n)
	key, err := hkdf.Key(sha256.New, pad(S), pad(u), "Caldera Derived Key", 16)
	if err != nil {
		t.Fatal(err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(pool + userID))
	mac.Write(block)
	mac.Write([]byte(timestamp))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// TestClaimChecks: the answer to PASSWORD_VERIFIER is refused, with
// Cognito's errors, when a part of the proof is missing or not what the
// server sent or signs, though the password is right.
func TestClaimChecks(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	now := time.Date(2025, 3, 4, 9, 5, 7, 0, time.UTC) // a one-digit day
	srv.SetClock(func() time.Time { return now })
	r.now = srv.Now

	// The hand-made claim is right as Cognito signs it: with the day not
	// zero-padded.
	a, _ := new(big.Int).SetString("1234567890abcdef1234567890abcdef1234567890abcdef", 16)
	A := new(big.Int).Exp(big.NewInt(2), a, cognitotest.PrimeN()).Text(16)
	answer := func(ts string) error {
		ch, err := r.initiate("USER_SRP_AUTH", map[string]string{"USERNAME": "alice", "SRP_A": A})
		if err != nil {
			t.Fatal(err)
		}
		_, err = r.respond("PASSWORD_VERIFIER", ch.Session, map[string]string{
			"USERNAME":                    "alice",
			"PASSWORD_CLAIM_SECRET_BLOCK": ch.ChallengeParameters["SECRET_BLOCK"],
			"PASSWORD_CLAIM_SIGNATURE":    handClaim(t, r.poolName(), "alice", "pw-alice-123", a, ch.ChallengeParameters, ts),
			"TIMESTAMP":                   ts,
		})
		return err
	}
	if err := answer("Tue Mar 4 09:05:07 UTC 2025"); err != nil {
		t.Fatalf("hand-made claim: %v", err)
	}
	// A zero-padded day parses to the same time, but the server signs its
	// own rendering: a client that signs another text fails, as at Cognito.
	wantAPIError(t, answer("Tue Mar 04 09:05:07 UTC 2025"), "NotAuthorizedException", "Incorrect username or password.")
	// So does a weekday other than the date's, which time.Parse does not
	// check: the server's rendering names the date's own. Cognito refuses
	// both so (a zero-padded day and a wrong weekday, measured on a real
	// pool: ministack pull request 1758), and the log says why.
	wantAPIError(t, answer("Wed Mar 4 09:05:07 UTC 2025"), "NotAuthorizedException", "Incorrect username or password.")
	if why := lastReason(srv); !strings.Contains(why, "is not in the canonical form Tue Mar 4 09:05:07 UTC 2025") {
		t.Errorf("reason %q does not name the canonical TIMESTAMP", why)
	}

	srp, err := cognitosrp.NewSRP(r.poolName(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		mod      func(map[string]string)
		typ, msg string
	}{
		{"no TIMESTAMP", func(m map[string]string) { delete(m, "TIMESTAMP") }, "InvalidParameterException", "Missing required parameter TIMESTAMP"},
		{"no signature", func(m map[string]string) { delete(m, "PASSWORD_CLAIM_SIGNATURE") }, "InvalidParameterException", "Missing required parameter PASSWORD_CLAIM_SIGNATURE"},
		{"no secret block", func(m map[string]string) { delete(m, "PASSWORD_CLAIM_SECRET_BLOCK") }, "InvalidParameterException", "Missing required parameter PASSWORD_CLAIM_SECRET_BLOCK"},
		// The signature covers the block the server sent; the echo must be
		// that block too.
		{"another secret block echoed", func(m map[string]string) {
			m["PASSWORD_CLAIM_SECRET_BLOCK"] = base64.StdEncoding.EncodeToString([]byte("not the block"))
		}, "NotAuthorizedException", "Incorrect username or password."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch, err := r.initiate("USER_SRP_AUTH", map[string]string{"USERNAME": "alice", "SRP_A": srp.A()})
			if err != nil {
				t.Fatal(err)
			}
			resp := r.claim(srp, ch, "pw-alice-123")
			tc.mod(resp)
			_, err = r.respond("PASSWORD_VERIFIER", ch.Session, resp)
			wantAPIError(t, err, tc.typ, tc.msg)
		})
	}
}
