// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"math/big"
)

// This file is the server side of SRP that the internal test fakes share:
// the server computes S = (A·v^u)^b where the client computes
// (B − k·g^x)^(a+u·x), so a login only succeeds when both sides agree.

// srpVerifier returns v = g^x, what Cognito stores instead of a password.
func srpVerifier(poolName, userID, password string, salt *big.Int) *big.Int {
	return new(big.Int).Exp(group.g, computeX(poolName, userID, password, salt), group.N)
}

// parseSRPA parses a client's SRP_A; ok is false unless it is hex and
// nonzero modulo N, the check Cognito makes.
func parseSRPA(aHex string) (A *big.Int, ok bool) {
	A, ok = new(big.Int).SetString(aHex, 16)
	return A, ok && new(big.Int).Mod(A, group.N).Sign() != 0
}

// srpExchange is the server's state between the challenge and the claim.
type srpExchange struct {
	poolName, userID string
	A, b, B, v       *big.Int
	secretBlock      []byte
}

// newSRPExchange begins an exchange with the server's secret b: B = k·v + g^b.
// The callers draw b and the secret block, so that scripted fakes stay
// deterministic.
func newSRPExchange(poolName, userID string, v, A, b *big.Int, secretBlock []byte) *srpExchange {
	B := new(big.Int).Mul(group.k, v)
	B.Add(B, new(big.Int).Exp(group.g, b, group.N)).Mod(B, group.N)
	return &srpExchange{poolName: poolName, userID: userID, A: A, b: b, B: B, v: v, secretBlock: secretBlock}
}

// claimSignature returns the PASSWORD_CLAIM_SIGNATURE an honest client
// sends at timestamp.
func (e *srpExchange) claimSignature(timestamp string) string {
	u := hashInt(padBytes(e.A), padBytes(e.B))
	S := new(big.Int).Exp(e.v, u, group.N)
	S.Mul(S, e.A).Mod(S, group.N).Exp(S, e.b, group.N)
	key, err := hkdf.Key(sha256.New, padBytes(S), padBytes(u), derivedKeyInfo, 16)
	if err != nil {
		panic(err) // only for a key length SHA-256 cannot give
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(e.poolName + e.userID))
	mac.Write(e.secretBlock)
	mac.Write([]byte(timestamp))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// checkClaim reports whether r is a valid password claim for e: the
// signature and the echo of the secret block.
func (e *srpExchange) checkClaim(r map[string]string) bool {
	got, want := r["PASSWORD_CLAIM_SIGNATURE"], e.claimSignature(r["TIMESTAMP"])
	return hmac.Equal([]byte(got), []byte(want)) &&
		r["PASSWORD_CLAIM_SECRET_BLOCK"] == base64.StdEncoding.EncodeToString(e.secretBlock)
}
