// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/big"
	"strings"

	"github.com/gocognito/cognitosrp"
)

// This file is the server's half of SRP-6a as Cognito runs it. It is written
// apart from the client's half in the root package on purpose: sharing the
// group or the hash layout would let a mistake on one side hide the same
// mistake on the other.

// rfc3526Prime3072 is the 3072-bit MODP prime of RFC 3526, section 4, in
// the RFC's own groups of eight hex digits.
const rfc3526Prime3072 = `
FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1 29024E08 8A67CC74
020BBEA6 3B139B22 514A0879 8E3404DD EF9519B3 CD3A431B 302B0A6D F25F1437
4FE1356D 6D51C245 E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED
EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D C2007CB8 A163BF05
98DA4836 1C55D39A 69163FA8 FD24CF5F 83655D23 DCA3AD96 1C62F356 208552BB
9ED52907 7096966D 670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B
E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9 DE2BCBF6 95581718
3995497C EA956AE5 15D22618 98FA0510 15728E5A 8AAAC42D AD33170D 04507A33
A85521AB DF1CBA64 ECFB8504 58DBEF0A 8AEA7157 5D060C7D B3970F85 A6E1E4C7
ABF5AE8C DB0933D7 1E8C94E0 4A25619D CEE3D226 1AD2EE6B F12FFA06 D98A0864
D8760273 3EC86A64 521F2B18 177B200C BBE11757 7A615D6C 770988C0 BAD946E2
08E24FA0 74E5AB31 43DB5BFC E0FD108E 4B82D120 A93AD2CA FFFFFFFF FFFFFFFF`

// srpGroup holds N, g and k. It is computed by newGroup and never written.
type srpGroup struct{ n, g, k *big.Int }

func newGroup() srpGroup {
	n, _ := new(big.Int).SetString(strings.Join(strings.Fields(rfc3526Prime3072), ""), 16)
	g := big.NewInt(2)
	return srpGroup{n: n, g: g, k: hashNumbers(n, g)}
}

// srpPrivateBytes is the size of the server's private value b. RFC 5054
// asks for at least 256 bits; more would only slow every test's login.
const srpPrivateBytes = 32

// maxSRPHexDigits bounds a number read from a client, so that a hostile
// client cannot make the server parse megabytes.
const maxSRPHexDigits = 2 * 768

var (
	errSRPZeroA = errors.New("SRP_A is zero modulo N")
	errSRPZeroU = errors.New("u is zero")
)

// padded returns the bytes of cognitosrp.PadHex(x): Cognito hashes numbers
// in this two's-complement form.
func padded(x *big.Int) []byte {
	b, _ := hex.DecodeString(cognitosrp.PadHex(x))
	return b
}

// hashNumbers returns SHA-256 over the padded forms of xs, as an integer.
func hashNumbers(xs ...*big.Int) *big.Int {
	var buf []byte
	for _, x := range xs {
		buf = append(buf, padded(x)...)
	}
	sum := sha256.Sum256(buf)
	return new(big.Int).SetBytes(sum[:])
}

// passwordVerifier returns v = g^x with
// x = H(pad(salt) ‖ H(poolName ‖ userID ‖ ":" ‖ password)).
func (grp srpGroup) passwordVerifier(poolName, userID, password string, salt *big.Int) *big.Int {
	inner := sha256.Sum256([]byte(poolName + userID + ":" + password))
	outer := sha256.Sum256(append(padded(salt), inner[:]...))
	x := new(big.Int).SetBytes(outer[:])
	return new(big.Int).Exp(grp.g, x, grp.n)
}

// srpExchange is the server's state between sending B and checking the
// client's claim.
type srpExchange struct {
	poolName string // pool name, or the device group key
	userID   string // USER_ID_FOR_SRP, or the device key
	salt     *big.Int
	v        *big.Int
	b, bigB  *big.Int
	bigA     *big.Int
}

// parseA reads SRP_A and refuses A ≡ 0 (mod N), which would let a client
// log in without the password.
func (grp srpGroup) parseA(s string) (*big.Int, error) {
	if s == "" || len(s) > maxSRPHexDigits {
		return nil, errors.New("SRP_A has a bad length")
	}
	a, ok := new(big.Int).SetString(s, 16)
	if !ok || a.Sign() < 0 || strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		return nil, errors.New("SRP_A is not hex")
	}
	if new(big.Int).Mod(a, grp.n).Sign() == 0 {
		return nil, errSRPZeroA
	}
	return a, nil
}

// start draws b and computes B = (k·v + g^b) mod N.
func (grp srpGroup) start(random io.Reader, x *srpExchange) error {
	var buf [srpPrivateBytes]byte
	for range 8 {
		if _, err := io.ReadFull(random, buf[:]); err != nil {
			return err
		}
		b := new(big.Int).SetBytes(buf[:])
		if b.Sign() == 0 {
			continue
		}
		bigB := new(big.Int).Mul(grp.k, x.v)
		bigB.Add(bigB, new(big.Int).Exp(grp.g, b, grp.n))
		bigB.Mod(bigB, grp.n)
		if bigB.Sign() == 0 {
			continue
		}
		x.b, x.bigB = b, bigB
		return nil
	}
	return errors.New("random source keeps returning unusable values")
}

// sessionKey computes K = HKDF(salt = pad(u), secret = pad(S)) with
// u = H(pad(A) ‖ pad(B)) and S = (A·v^u)^b mod N.
func (grp srpGroup) sessionKey(x *srpExchange) ([]byte, error) {
	u := hashNumbers(x.bigA, x.bigB)
	if u.Sign() == 0 {
		return nil, errSRPZeroU
	}
	base := new(big.Int).Exp(x.v, u, grp.n)
	base.Mul(base, x.bigA)
	base.Mod(base, grp.n)
	S := base.Exp(base, x.b, grp.n)
	return hkdf.Key(sha256.New, padded(S), padded(u), "Caldera Derived Key", 16)
}

// claimValid reports whether signature is the client's proof of K over
// poolName ‖ userID ‖ secretBlock ‖ timestamp, comparing in constant time.
func claimValid(key []byte, x *srpExchange, secretBlock []byte, timestamp string, signature []byte) bool {
	mac := hmac.New(sha256.New, key)
	io.WriteString(mac, x.poolName)
	io.WriteString(mac, x.userID)
	mac.Write(secretBlock)
	io.WriteString(mac, timestamp)
	return hmac.Equal(mac.Sum(nil), signature)
}
