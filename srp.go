// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// This file holds the client side of SRP-6a exactly as Amazon Cognito runs
// it. It has no network code, so that users of another AWS SDK can use the
// math alone: build SRP_A with [NewSRP] and answer a PASSWORD_VERIFIER (or
// DEVICE_PASSWORD_VERIFIER) challenge with [SRP.PasswordClaim].

// nHex is the 3072-bit MODP prime of RFC 3526, section 4; g is 2.
const nHex = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1" +
	"29024E088A67CC74020BBEA63B139B22514A08798E3404DD" +
	"EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245" +
	"E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED" +
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D" +
	"C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F" +
	"83655D23DCA3AD961C62F356208552BB9ED529077096966D" +
	"670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B" +
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9" +
	"DE2BCBF6955817183995497CEA956AE515D2261898FA0510" +
	"15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64" +
	"ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7" +
	"ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B" +
	"F12FFA06D98A0864D87602733EC86A64521F2B18177B200C" +
	"BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31" +
	"43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF"

// TimestampLayout is the time layout of the SRP TIMESTAMP challenge response:
// English names, a day of month without zero padding, a 24-hour clock, UTC.
const TimestampLayout = "Mon Jan 2 15:04:05 UTC 2006"

// derivedKeyInfo is the HKDF info string Cognito uses for the session key.
const derivedKeyInfo = "Caldera Derived Key"

// privateKeyBytes is the size of the random private value a. Cognito's own
// clients use 128 bytes; more gains nothing against a 3072-bit group.
const privateKeyBytes = 128

// maxNumberHexDigits bounds every number read from a server. A value of the
// group has at most 768 hex digits; twice that leaves room for unreduced
// values while keeping a hostile server from making us parse megabytes.
const maxNumberHexDigits = 2 * len(nHex)

// group holds the constants of the SRP group, computed once. It is never
// written after package initialisation.
var group = newSRPGroup()

type srpGroup struct {
	N, g, k *big.Int
}

func newSRPGroup() *srpGroup {
	n, _ := new(big.Int).SetString(nHex, 16)
	g := big.NewInt(2)
	// k = H(pad(N) ‖ pad(g)); hashing the padded forms is what Cognito does.
	k := hashInt(padBytes(n), padBytes(g))
	return &srpGroup{N: n, g: g, k: k}
}

// Errors of the SRP computation. They never carry a secret.
var (
	// ErrSRPInvalidA reports a client public value A ≡ 0 (mod N). No
	// private value gives one with this group's prime N; it is SRP-6a's
	// check, kept.
	ErrSRPInvalidA = errors.New("cognitosrp: SRP: A is zero modulo N")
	// ErrSRPInvalidB reports a server value B ≡ 0 (mod N): a hostile or
	// broken server.
	ErrSRPInvalidB = errors.New("cognitosrp: SRP: server value B is zero modulo N")
	// ErrSRPInvalidU reports a scrambling parameter u of zero.
	ErrSRPInvalidU = errors.New("cognitosrp: SRP: scrambling parameter u is zero")
	// ErrInvalidChallenge reports challenge parameters that are missing or
	// malformed (non-hex numbers, bad base64, oversized values).
	ErrInvalidChallenge = errors.New("cognitosrp: invalid challenge parameters")
)

// SRP is the client's half of one SRP-6a exchange: a private value a and its
// public value A = g^a mod N. Create one per login attempt with [NewSRP];
// never reuse one for a second login. An SRP is safe for concurrent use: it
// is not modified after creation. The zero value (and a nil pointer) has no
// private value: its A is "", and its PasswordClaim fails with an error
// matching ErrConfig.
type SRP struct {
	poolName string
	a        *big.Int
	// aPad is A alone, as the bytes of pad(A) that u hashes; SRP_A, its
	// hex, is derived when sent (A). A session keeps its next login's SRP
	// for as long as it lives (prepare.go): holding the hex as well took
	// 768 bytes more per session, a tenth of an idle one's memory.
	aPad []byte
}

// NewSRP starts an exchange for the pool whose name is poolName (the part of
// the user pool id after "_"), or for a device group key in device SRP.
// random supplies the private value; nil means crypto/rand.Reader. Tests may
// inject a fixed reader; nothing else should.
func NewSRP(poolName string, random io.Reader) (*SRP, error) {
	// One draw: a nonzero a never gives A ≡ 0 (mod N), g^a being a power
	// of 2 modulo the prime N (see newSRPFromPrivate), so there is no
	// unusable A to draw again for.
	a, err := drawPrivate(random)
	if err != nil {
		return nil, err
	}
	return newSRPFromPrivate(poolName, a)
}

// errUnusableRandom reports a random source that keeps returning values no
// exchange can use.
var errUnusableRandom = errors.New("cognitosrp: SRP: random source keeps returning unusable values")

// drawPrivate reads a nonzero private value a from random (nil means
// crypto/rand.Reader).
func drawPrivate(random io.Reader) (*big.Int, error) {
	if random == nil {
		random = rand.Reader
	}
	var buf [privateKeyBytes]byte
	for range 8 {
		if _, err := io.ReadFull(random, buf[:]); err != nil {
			return nil, errorf("cognitosrp: SRP: reading random a: %w", err)
		}
		// A zero a makes A = 1; draw again rather than leak the session key.
		if a := new(big.Int).SetBytes(buf[:]); a.Sign() != 0 {
			return a, nil
		}
	}
	return nil, errUnusableRandom
}

// newSRPFromPrivate builds the exchange from a known private value; the
// known-answer tests use it directly.
func newSRPFromPrivate(poolName string, a *big.Int) (*SRP, error) {
	A := expG(a)
	// SRP-6a's check, kept although no a fails it: N is prime, so no
	// power of 2 is a multiple of it.
	if isZeroModN(A) {
		return nil, ErrSRPInvalidA
	}
	return &SRP{poolName: poolName, a: a, aPad: padBytes(A)}, nil
}

// A returns SRP_A, the public value to send in InitiateAuth (or in the
// answer to DEVICE_SRP_AUTH): lowercase hex without padding.
func (s *SRP) A() string {
	if s == nil || s.a == nil {
		return ""
	}
	// Microseconds, against a login's milliseconds; and no encoding/hex
	// (binary size: nothing linked for one use, see doc.go).
	return new(big.Int).SetBytes(s.aPad).Text(16)
}

// PasswordChallenge holds the parameters of a PASSWORD_VERIFIER or
// DEVICE_PASSWORD_VERIFIER challenge, as Cognito sends them.
type PasswordChallenge struct {
	UserIDForSRP string // USER_ID_FOR_SRP, or the device key in device SRP
	// Username is the USERNAME the claim answers with: USER_ID_FOR_SRP in
	// a PASSWORD_VERIFIER, the user (not the device) in a
	// DEVICE_PASSWORD_VERIFIER. Empty means UserIDForSRP.
	Username    string
	SRPB        string // SRP_B, hex
	Salt        string // SALT, hex
	SecretBlock string // SECRET_BLOCK, base64
}

// ParsePasswordChallenge reads the challenge parameters of a
// PASSWORD_VERIFIER or DEVICE_PASSWORD_VERIFIER challenge. It checks that
// each is present and well formed. The SRP user id is USER_ID_FOR_SRP; a
// device challenge has none and proves the device, so DEVICE_KEY comes
// before USERNAME (which there names the user, whom the answer names).
func ParsePasswordChallenge(params map[string]string) (PasswordChallenge, error) {
	// Each looked up once (binary size: nothing per call, see doc.go).
	id, device, user := params["USER_ID_FOR_SRP"], params["DEVICE_KEY"], params["USERNAME"]
	c := PasswordChallenge{
		UserIDForSRP: or(id, or(device, user)),
		Username:     or(id, or(user, device)),
		SRPB:         params["SRP_B"],
		Salt:         params["SALT"],
		SecretBlock:  params["SECRET_BLOCK"],
	}
	_, _, _, err := c.decode()
	return c, err
}

// or returns a if it is not empty, else b: cmp.Or for two strings, without
// its slice of arguments (binary size: nothing per call, see doc.go).
func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// decode checks the challenge and returns its numbers and secret block.
func (c *PasswordChallenge) decode() (B, salt *big.Int, secretBlock []byte, err error) {
	switch {
	case c.UserIDForSRP == "":
		return nil, nil, nil, refine(&ErrInvalidChallenge, "USER_ID_FOR_SRP is missing")
	case c.SecretBlock == "":
		return nil, nil, nil, refine(&ErrInvalidChallenge, "SECRET_BLOCK is missing")
	}
	if B, err = parseHexNumber("SRP_B", c.SRPB); err != nil {
		return nil, nil, nil, err
	}
	if salt, err = parseHexNumber("SALT", c.Salt); err != nil {
		return nil, nil, nil, err
	}
	if secretBlock, err = base64.StdEncoding.DecodeString(c.SecretBlock); err != nil {
		return nil, nil, nil, refine(&ErrInvalidChallenge, "SECRET_BLOCK is not base64")
	}
	return B, salt, secretBlock, nil
}

// PasswordClaim is the answer to a password verifier challenge.
type PasswordClaim struct {
	Username    string // USERNAME: USER_ID_FOR_SRP, or the user in device SRP
	SecretBlock string // PASSWORD_CLAIM_SECRET_BLOCK: the challenge's SECRET_BLOCK
	Signature   string // PASSWORD_CLAIM_SIGNATURE, base64
	Timestamp   string // TIMESTAMP, in TimestampLayout
}

// ChallengeResponses returns the claim as the ChallengeResponses of
// RespondToAuthChallenge. The caller adds SECRET_HASH and DEVICE_KEY when
// they apply.
func (p *PasswordClaim) ChallengeResponses() map[string]string {
	// The keys in a string and the values by address, not a map literal
	// (binary size: string table, see doc.go). keys[i] goes with the
	// i-th value: a pair swapped fails TestSRPKnownAnswers.
	m := make(map[string]string, 4)
	keys := "USERNAME PASSWORD_CLAIM_SECRET_BLOCK PASSWORD_CLAIM_SIGNATURE TIMESTAMP"
	for _, v := range [...]*string{&p.Username, &p.SecretBlock, &p.Signature, &p.Timestamp} {
		var k string
		k, keys, _ = strings.Cut(keys, " ")
		m[k] = *v
	}
	return m
}

// PasswordClaim proves knowledge of password for the challenge c at time
// now (Cognito accepts a few minutes of skew: a Session passes the local
// clock, or the Date of the challenge's response when that is more than a
// minute and at most an hour from the local clock). In device SRP the
// password is the device password, and the SRP was created with the device
// group key as its pool name.
func (s *SRP) PasswordClaim(c PasswordChallenge, password string, now time.Time) (*PasswordClaim, error) {
	return s.passwordClaim(&c, password, now, combTables())
}

// passwordClaim is PasswordClaim with the comb tables to compute g^x with
// (nil: big.Int.Exp), so that a benchmark can time a process's first login.
// It takes the challenge by address, and decode too (binary size: nothing
// per call, see doc.go). It does not modify it.
func (s *SRP) passwordClaim(c *PasswordChallenge, password string, now time.Time, combs *[2]*combTable) (*PasswordClaim, error) {
	if s == nil || s.a == nil {
		// Not a nil dereference in the arithmetic: an SRP that NewSRP
		// did not build has no private value to prove anything with. (A
		// call, not a package-level error, which takes data: binary size,
		// page, see doc.go.)
		return nil, refine(&ErrConfig, "the SRP was not built with NewSRP")
	}
	B, salt, secretBlock, err := c.decode()
	if err != nil {
		return nil, err
	}
	key, err := s.sessionKey(B, salt, c.UserIDForSRP, password, combs)
	if err != nil {
		return nil, err
	}
	ts := Timestamp(now)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(s.poolName))
	mac.Write([]byte(c.UserIDForSRP))
	mac.Write(secretBlock)
	mac.Write([]byte(ts))
	return &PasswordClaim{
		Username:    or(c.Username, c.UserIDForSRP),
		SecretBlock: c.SecretBlock,
		Signature:   base64.StdEncoding.EncodeToString(mac.Sum(nil)),
		Timestamp:   ts,
	}, nil
}

// sessionKey computes K, the 16-byte key that signs the claim.
func (s *SRP) sessionKey(B, salt *big.Int, userID, password string, combs *[2]*combTable) ([]byte, error) {
	if isZeroModN(B) {
		return nil, ErrSRPInvalidB
	}
	return s.sessionKeyWithU(B, hashInt(s.aPad, padBytes(B)), salt, userID, password, combs)
}

// sessionKeyWithU is sessionKey once u = H(pad(A) ‖ pad(B)) is known. It is
// separate so that tests can feed it u = 0, which no hash will produce.
func (s *SRP) sessionKeyWithU(B, u, salt *big.Int, userID, password string, combs *[2]*combTable) ([]byte, error) {
	if u.Sign() == 0 {
		return nil, ErrSRPInvalidU
	}
	x := computeX(s.poolName, userID, password, salt)
	S := computeS(B, expGWith(combs, x), x, s.a, u)
	return hkdf.Key(sha256.New, padBytes(S), padBytes(u), derivedKeyInfo, 16)
}

// isZeroModN reports whether x ≡ 0 (mod N): a public value that would
// make the session key predictable.
func isZeroModN(x *big.Int) bool {
	return new(big.Int).Mod(x, group.N).Sign() == 0
}

// computeX returns x = H(pad(salt) ‖ H(poolName ‖ userID ‖ ":" ‖ password)).
// The salt is an integer here: a salt sent with leading zero bytes loses
// them, as in Cognito's own JavaScript client.
func computeX(poolName, userID, password string, salt *big.Int) *big.Int {
	// One write of the concatenation: the same bytes, hashed, as four
	// writes. Through a variable, not []byte(a + b + …), which links the
	// runtime's concatenation into bytes (binary size: one concatenation,
	// nothing linked for one use, see doc.go).
	h := sha256.New()
	inner := poolName + userID + ":" + password
	h.Write([]byte(inner))
	return hashInt(padBytes(salt), h.Sum(nil))
}

// computeS returns S = (B − k·g^x)^(a + u·x) mod N, with the base brought
// back into [0, N) when B − k·g^x is negative.
func computeS(B, gx, x, a, u *big.Int) *big.Int {
	base := new(big.Int).Mul(group.k, gx)
	base.Sub(B, base)
	base.Mod(base, group.N) // Mod is Euclidean: the result is in [0, N)
	exp := new(big.Int).Mul(u, x)
	exp.Add(exp, a)
	return base.Exp(base, exp, group.N)
}

// Timestamp formats t as the SRP TIMESTAMP: UTC, English names, day of
// month not zero-padded, 24-hour clock, e.g. "Tue Mar 4 09:05:07 UTC 2025".
func Timestamp(t time.Time) string { return formatUTC(t, TimestampLayout) }

// SecretHash returns the SECRET_HASH of an app client that has a secret:
// base64(HMAC-SHA256(clientSecret, username ‖ clientID)). In InitiateAuth
// username is the name the user typed; in every later call it must be
// Cognito's internal username (USER_ID_FOR_SRP, or the access token's
// "username" claim). Like crypto/hmac.New, it panics in FIPS 140-only mode
// (GODEBUG=fips140=only) if clientSecret is shorter than 14 bytes, which
// no Cognito secret is (they have 24 to 64 characters); NewSession refuses
// such a secret with an error instead.
func SecretHash(username, clientID, clientSecret string) string {
	mac := hmac.New(sha256.New, []byte(clientSecret))
	mac.Write([]byte(username))
	mac.Write([]byte(clientID))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// PadHex returns Cognito's hex form of a non-negative x: lowercase hex,
// with "0" prepended when its length is odd, or "00" when its first digit is
// 8–f, so that it reads as a positive two's-complement number.
func PadHex(x *big.Int) string {
	h := x.Text(16)
	if len(h)%2 == 1 {
		return "0" + h
	}
	if strings.IndexByte("89abcdef", h[0]) >= 0 {
		return "00" + h
	}
	return h
}

// padBytes returns the bytes that PadHex(x) decodes to, without the hex
// round trip: the big-endian bytes, with a zero byte in front when the top
// bit is set (and a single zero byte for x = 0). Through Int.Bytes, not
// Int.FillBytes (binary size: nothing linked for one use, see doc.go).
func padBytes(x *big.Int) []byte {
	b := x.Bytes()
	if len(b) == 0 || b[0]&0x80 != 0 {
		b = append([]byte{0}, b...)
	}
	return b
}

// hashInt returns SHA-256 of a ‖ b, read as an integer. Two parts, not
// variadic: every hash of the protocol has two (binary size: nothing per
// call, see doc.go).
func hashInt(a, b []byte) *big.Int {
	h := sha256.New()
	h.Write(a)
	h.Write(b)
	return new(big.Int).SetBytes(h.Sum(nil))
}

// parseHexNumber reads a non-negative hex number sent by the server, whose
// challenge parameter is name. Its three refusals share one error (binary
// size: one site, see doc.go).
func parseHexNumber(name, s string) (*big.Int, error) {
	why := ""
	switch {
	case s == "":
		why = "is missing"
	case len(s) > maxNumberHexDigits:
		why = "is too long (" + strconv.Itoa(len(s)) + " hex digits)"
	}
	// Checked by hand: big.Int.SetString would also take a sign.
	for i := 0; i < len(s) && why == ""; i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			why = "is not hex"
		}
	}
	if why != "" {
		return nil, refine(&ErrInvalidChallenge, name+" "+why)
	}
	n, _ := new(big.Int).SetString(s, 16)
	return n, nil
}

// String describes the exchange without its private value.
func (s *SRP) String() string {
	if s == nil {
		return "cognitosrp.SRP(nil)"
	}
	return "cognitosrp.SRP{pool: " + s.poolName + ", a: [redacted]}"
}

// Format prints the same as String for every verb, so that no formatting of
// an SRP reveals the private value a. Its receiver is a value, so that an
// SRP printed as a value (*s, or a field of the caller's) is covered too:
// fmt would otherwise walk its fields, and print the words of a for %s
// and %q. (slog's JSON handler finds no exported field in a value.)
func (s SRP) Format(f fmt.State, verb rune) { formatRedacted(f, &s) }
