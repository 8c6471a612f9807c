// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
)

// This file is the server side of Cognito's SRP-6a, written from the
// formulas in REFERENCE.md and sharing no code with the client: it pads by
// editing hex strings (the client works on bytes), and it computes the
// session key as the server does, S = (A·v^u)^b, where the client computes
// (B − k·g^x)^(a+u·x). A login only succeeds when both sides agree.

// rfc3526Prime3072 is the 3072-bit MODP prime of RFC 3526, section 4.
const rfc3526Prime3072 = "" +
	"ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed" +
	"ee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf0598da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3b" +
	"e39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf6955817183995497cea956ae515d2261898fa051015728e5a8aaac42dad33170d04507a33a85521abdf1cba64ecfb850458dbef0a8aea71575d060c7db3970f85a6e1e4c7" +
	"abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06d98a0864d87602733ec86a64521f2b18177b200cbbe117577a615d6c770988c0bad946e208e24fa074e5ab3143db5bfce0fd108e4b82d120a93ad2caffffffffffffffff"

// srpMath holds the group and the server's computations.
type srpMath struct {
	N, g, k *big.Int
}

func newSRPMath() *srpMath {
	m := &srpMath{g: big.NewInt(2)}
	m.N, _ = new(big.Int).SetString(rfc3526Prime3072, 16)
	m.k = m.hashHex(m.pad(m.N), m.pad(m.g))
	return m
}

// pad is the hex rule of REFERENCE.md, applied to strings.
func (m *srpMath) pad(x *big.Int) string {
	h := x.Text(16)
	switch {
	case len(h)%2 == 1:
		return "0" + h
	case strings.ContainsAny(h[:1], "89abcdef"):
		return "00" + h
	}
	return h
}

// hashHex is SHA-256 over the bytes the hex strings decode to, as a number.
func (m *srpMath) hashHex(hexParts ...string) *big.Int {
	b, err := hex.DecodeString(strings.Join(hexParts, ""))
	if err != nil {
		panic("srpserver: bad hex: " + err.Error()) // only from our own pad
	}
	sum := sha256.Sum256(b)
	return new(big.Int).SetBytes(sum[:])
}

// x computes the private key of a user from its salt (hex) and password.
func (m *srpMath) x(poolName, userID, password, saltHex string) *big.Int {
	salt, _ := new(big.Int).SetString(saltHex, 16)
	inner := sha256.Sum256([]byte(poolName + userID + ":" + password))
	return m.hashHex(m.pad(salt), hex.EncodeToString(inner[:]))
}

// verifier returns v = g^x, what Cognito stores instead of the password.
func (m *srpMath) verifier(poolName, userID, password, saltHex string) *big.Int {
	return new(big.Int).Exp(m.g, m.x(poolName, userID, password, saltHex), m.N)
}

// serverB returns B = k·v + g^b mod N.
func (m *srpMath) serverB(v, b *big.Int) *big.Int {
	B := new(big.Int).Exp(m.g, b, m.N)
	B.Add(B, new(big.Int).Mul(m.k, v))
	return B.Mod(B, m.N)
}

// srpExchange is the server's state between InitiateAuth and
// RespondToAuthChallenge.
type srpExchange struct {
	PoolName, UserID string
	A, B, b, v       *big.Int
	SecretBlock      []byte
}

var errSRPBadA = errors.New("srpserver: A is zero modulo N")

// expectedSignature returns the PASSWORD_CLAIM_SIGNATURE an honest client
// sends for timestamp.
func (m *srpMath) expectedSignature(e *srpExchange, timestamp string) (string, error) {
	if new(big.Int).Mod(e.A, m.N).Sign() == 0 {
		return "", errSRPBadA
	}
	u := m.hashHex(m.pad(e.A), m.pad(e.B))
	S := new(big.Int).Exp(e.v, u, m.N)
	S.Mul(S, e.A).Mod(S, m.N).Exp(S, e.b, m.N)
	ikm, _ := hex.DecodeString(m.pad(S))
	salt, _ := hex.DecodeString(m.pad(u))
	key, err := hkdf.Key(sha256.New, ikm, salt, "Caldera Derived Key", 16)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(e.PoolName + e.UserID))
	mac.Write(e.SecretBlock)
	mac.Write([]byte(timestamp))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// secretHash is SECRET_HASH as the server checks it.
func secretHash(username, clientID, clientSecret string) string {
	mac := hmac.New(sha256.New, []byte(clientSecret))
	mac.Write([]byte(username + clientID))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
