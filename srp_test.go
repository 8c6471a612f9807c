// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func mustHexInt(t testing.TB, s string) *big.Int {
	t.Helper()
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		t.Fatalf("bad hex %q", s)
	}
	return n
}

func mustHexBytes(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func TestGroupConstants(t *testing.T) {
	v := ReadSRPVectors(t)
	nh := group.N.Text(16)
	if len(nh) != 768 || !strings.HasPrefix(nh, "ffffffffffffffffc90fdaa2") || !strings.HasSuffix(nh, "a93ad2caffffffffffffffff") {
		t.Errorf("N = %s…, %d digits", nh[:24], len(nh))
	}
	if !group.N.ProbablyPrime(0) {
		t.Error("N is not prime")
	}
	if nh != v.N {
		t.Error("N differs from the oracle's")
	}
	if group.g.Cmp(big.NewInt(2)) != 0 || v.G != "2" {
		t.Errorf("g = %v, oracle %s", group.g, v.G)
	}
	const wantK = "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
	if got := group.k.Text(16); got != wantK || v.K != wantK {
		t.Errorf("k = %s, oracle %s, want %s", got, v.K, wantK)
	}
}

// checkSRPVector runs every step of the client's computation on one oracle
// case and compares each intermediate value.
func checkSRPVector(t *testing.T, c SRPVector, params map[string]string, wantUsername string) {
	t.Helper()
	s, err := NewSRP(c.PoolName, bytes.NewReader(mustHexBytes(t, c.PrivateA)))
	if err != nil {
		t.Fatal(err)
	}
	if s.A() != c.A {
		t.Errorf("A = %.16s…, want %.16s…", s.A(), c.A)
	}
	B, salt := mustHexInt(t, c.B), mustHexInt(t, c.Salt)
	for _, p := range []struct {
		name string
		x    *big.Int
		want string
	}{{"pad(A)", mustHexInt(t, s.A()), c.APad}, {"pad(B)", B, c.BPad}, {"pad(salt)", salt, c.SaltPad}} {
		if got := PadHex(p.x); got != p.want {
			t.Errorf("%s = %.16s…, want %.16s…", p.name, got, p.want)
		}
		if got := hex.EncodeToString(padBytes(p.x)); got != p.want {
			t.Errorf("padBytes for %s = %.16s…, want %.16s…", p.name, got, p.want)
		}
	}
	u := hashInt(s.aPad, padBytes(B))
	if u.Text(16) != c.U || PadHex(u) != c.UPad {
		t.Errorf("u = %s (pad %s), want %s (pad %s)", u.Text(16), PadHex(u), c.U, c.UPad)
	}
	x := computeX(c.PoolName, c.UserIDForSRP, c.Password, salt)
	if x.Text(16) != c.X {
		t.Errorf("x = %s, want %s", x.Text(16), c.X)
	}
	S := computeS(B, expG(x), x, s.a, u)
	if S.Text(16) != c.S || PadHex(S) != c.SPad {
		t.Errorf("S = %.16s…, want %.16s…", S.Text(16), c.S)
	}
	K, err := s.sessionKey(B, salt, c.UserIDForSRP, c.Password, combTables())
	if err != nil || hex.EncodeToString(K) != c.K {
		t.Errorf("K = %x, %v; want %s", K, err, c.K)
	}

	now, err := time.Parse(TimestampLayout, c.Timestamp)
	if err != nil {
		t.Fatal(err)
	}
	if got := Timestamp(now); got != c.Timestamp {
		t.Errorf("Timestamp = %q, want %q", got, c.Timestamp)
	}
	ch, err := ParsePasswordChallenge(params)
	if err != nil {
		t.Fatal(err)
	}
	claim, err := s.PasswordClaim(ch, c.Password, now)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"USERNAME":                    wantUsername,
		"PASSWORD_CLAIM_SECRET_BLOCK": c.SecretBlock,
		"PASSWORD_CLAIM_SIGNATURE":    c.Signature,
		"TIMESTAMP":                   c.Timestamp,
	}
	got := claim.ChallengeResponses()
	if len(got) != len(want) {
		t.Errorf("ChallengeResponses has %d keys, want %d", len(got), len(want))
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %.40q, want %.40q", k, got[k], w)
		}
	}
}

func TestSRPKnownAnswers(t *testing.T) {
	runSRPVectors(t, ReadSRPVectors(t).Cases, func(c SRPVector) (map[string]string, string) {
		return map[string]string{
			"SRP_B":           c.B,
			"SALT":            c.Salt,
			"SECRET_BLOCK":    c.SecretBlock,
			"USER_ID_FOR_SRP": c.UserIDForSRP,
			"USERNAME":        c.UserIDForSRP,
		}, c.UserIDForSRP
	})
}

// TestDevicePasswordClaimKnownAnswers answers DEVICE_PASSWORD_VERIFIER challenges:
// the device group key stands in for the pool name, the device key for the
// user id, and the challenge carries USERNAME (the user, whom the answer
// names) and DEVICE_KEY.
func TestDevicePasswordClaimKnownAnswers(t *testing.T) {
	runSRPVectors(t, readDeviceVectors(t).DeviceSRP, func(c SRPVector) (map[string]string, string) {
		if c.PoolName != c.DeviceGroupKey || c.UserIDForSRP != c.DeviceKey || c.Username == c.DeviceKey {
			t.Fatalf("unexpected device case shape: %+v", c)
		}
		return map[string]string{
			"SRP_B":        c.B,
			"SALT":         c.Salt,
			"SECRET_BLOCK": c.SecretBlock,
			"USERNAME":     c.Username,
			"DEVICE_KEY":   c.DeviceKey,
		}, c.Username
	})
}

// runSRPVectors checks each case with the challenge parameters and the
// answer's USERNAME that challenge returns.
func runSRPVectors(t *testing.T, cases []SRPVector, challenge func(SRPVector) (map[string]string, string)) {
	if len(cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range cases {
		params, username := challenge(c)
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			checkSRPVector(t, c, params, username)
		})
	}
}

// TestDeviceVerifierX checks x for remembered devices, whose salts start
// with zero bytes or set high bits, against the oracle; g^x is the verifier
// Cognito stores.
func TestDeviceVerifierX(t *testing.T) {
	for _, d := range readDeviceVectors(t).Devices {
		x := computeX(d.DeviceGroupKey, d.DeviceKey, d.DevicePassword, mustHexInt(t, d.Salt))
		if x.Text(16) != d.X {
			t.Errorf("%s: x = %s, want %s", d.Name, x.Text(16), d.X)
		}
		ver := new(big.Int).Exp(group.g, x, group.N)
		if ver.Text(16) != d.Verifier {
			t.Errorf("%s: verifier differs", d.Name)
		}
		if got := base64.StdEncoding.EncodeToString(padBytes(ver)); got != d.VerifierB64 {
			t.Errorf("%s: base64(pad(v)) differs", d.Name)
		}
		if got := base64.StdEncoding.EncodeToString(padBytes(mustHexInt(t, d.Salt))); got != d.SaltB64 || PadHex(mustHexInt(t, d.Salt)) != d.SaltPad {
			t.Errorf("%s: pad(salt) = %s, want %s", d.Name, got, d.SaltB64)
		}
	}
}

// TestSRPVectorCoverage makes sure the vectors keep the shapes that break
// careless implementations.
func TestSRPVectorCoverage(t *testing.T) {
	cases := ReadSRPVectors(t).Cases
	has := map[string]bool{}
	for _, c := range cases {
		digit := func(s string) bool { return strings.ContainsRune("89abcdefABCDEF", rune(s[0])) }
		has["B starts 8-f"] = has["B starts 8-f"] || digit(c.B)
		has["B odd length"] = has["B odd length"] || len(c.B)%2 == 1
		has["A starts 8-f"] = has["A starts 8-f"] || digit(c.A)
		has["A odd length"] = has["A odd length"] || len(c.A)%2 == 1
		has["u starts 8-f"] = has["u starts 8-f"] || (len(c.U) == 64 && digit(c.U))
		has["u odd length"] = has["u odd length"] || len(c.U)%2 == 1
		has["S starts 8-f"] = has["S starts 8-f"] || digit(c.S)
		has["S odd length"] = has["S odd length"] || len(c.S)%2 == 1
		has["salt with leading zeros"] = has["salt with leading zeros"] || strings.HasPrefix(c.Salt, "00")
		has["salt odd length"] = has["salt odd length"] || len(c.Salt)%2 == 1
		has["USER_ID_FOR_SRP differs from login"] = has["USER_ID_FOR_SRP differs from login"] || c.UserIDForSRP != c.LoginName
		has["B not reduced"] = has["B not reduced"] || len(c.B) > 768
		has["hour 00"] = has["hour 00"] || strings.Contains(c.Timestamp, " 00:")
		has["hour 23"] = has["hour 23"] || strings.Contains(c.Timestamp, " 23:")
		f := strings.Fields(c.Timestamp)
		has["single-digit day"] = has["single-digit day"] || len(f[2]) == 1
		has["non-ASCII password"] = has["non-ASCII password"] || strings.ContainsFunc(c.Password, func(r rune) bool { return r > 127 })
		has["colon in password"] = has["colon in password"] || strings.Contains(c.Password, ":")
		has["non-ASCII USER_ID_FOR_SRP"] = has["non-ASCII USER_ID_FOR_SRP"] || strings.ContainsFunc(c.UserIDForSRP, func(r rune) bool { return r > 127 })
		// A combining mark (NFD) and a compatibility character (NFKC
		// folds it): both hashed as given, never normalized.
		has["combining mark in USER_ID_FOR_SRP"] = has["combining mark in USER_ID_FOR_SRP"] || strings.ContainsRune(c.UserIDForSRP, '\u0308')
		has["NFKC-folded character in password"] = has["NFKC-folded character in password"] || strings.ContainsRune(c.Password, '\ufb01')
		has["pool name of 45 characters"] = has["pool name of 45 characters"] || len(c.PoolName) == 45
		// Spaces no TrimSpace may touch, and an inner hash input that just
		// fits one SHA-256 block with its padding (55 bytes) or needs two (56).
		has["Unicode spaces at the password's ends"] = has["Unicode spaces at the password's ends"] ||
			strings.HasPrefix(c.Password, "\u00a0") && strings.HasSuffix(c.Password, "\u3000")
		inner := len(c.PoolName) + len(c.UserIDForSRP) + 1 + len(c.Password)
		has["inner hash of 55 bytes"] = has["inner hash of 55 bytes"] || inner == 55
		has["inner hash of 56 bytes"] = has["inner hash of 56 bytes"] || inner == 56
		has["month "+f[1]] = true
		has["weekday "+f[0]] = true
	}
	for _, w := range strings.Fields("Mon Tue Wed Thu Fri Sat Sun") {
		if !has["weekday "+w] {
			t.Errorf("no vector on a %s", w)
		}
	}
	for _, m := range strings.Fields("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec") {
		if !has["month "+m] {
			t.Errorf("no vector in %s", m)
		}
	}
	for _, k := range []string{"B starts 8-f", "B odd length", "A starts 8-f", "A odd length",
		"u starts 8-f", "u odd length", "S starts 8-f", "S odd length", "salt with leading zeros",
		"salt odd length", "USER_ID_FOR_SRP differs from login", "B not reduced", "hour 00",
		"hour 23", "single-digit day", "non-ASCII password", "colon in password", "non-ASCII USER_ID_FOR_SRP",
		"combining mark in USER_ID_FOR_SRP", "NFKC-folded character in password", "pool name of 45 characters",
		"Unicode spaces at the password's ends", "inner hash of 55 bytes", "inner hash of 56 bytes"} {
		if !has[k] {
			t.Errorf("no vector with %s", k)
		}
	}
}

// TestDeviceVectorCoverage makes sure the device vectors keep the shapes
// that break careless padding: a salt and a verifier whose first byte is
// zero or has its top bit set, and device SRP values likewise.
func TestDeviceVectorCoverage(t *testing.T) {
	v := readDeviceVectors(t)
	has := map[string]bool{}
	for _, d := range v.Devices {
		has["salt 00"] = has["salt 00"] || strings.HasPrefix(d.Salt, "00")
		has["salt 8-f"] = has["salt 8-f"] || strings.ContainsRune("89abcdef", rune(d.Salt[0]))
		has["verifier short"] = has["verifier short"] || len(d.Verifier) <= 766
		has["verifier 8-f"] = has["verifier 8-f"] || len(d.Verifier) == 768 && strings.ContainsRune("89abcdef", rune(d.Verifier[0]))
	}
	for _, c := range v.DeviceSRP {
		has["A short"] = has["A short"] || len(c.A) <= 766
		has["A 8-f"] = has["A 8-f"] || len(c.A) == 768 && strings.ContainsRune("89abcdef", rune(c.A[0]))
		has["B odd"] = has["B odd"] || len(c.B)%2 == 1
		has["B 8-f"] = has["B 8-f"] || len(c.B) == 768 && strings.ContainsRune("89abcdef", rune(c.B[0]))
		has["u short"] = has["u short"] || len(c.U) <= 62
		has["S short"] = has["S short"] || len(c.S) <= 766
		has["S 8-f"] = has["S 8-f"] || len(c.S) == 768 && strings.ContainsRune("89abcdef", rune(c.S[0]))
	}
	for _, k := range []string{"salt 00", "salt 8-f", "verifier short", "verifier 8-f",
		"A short", "A 8-f", "B odd", "B 8-f", "u short", "S short", "S 8-f"} {
		if !has[k] {
			t.Errorf("no device vector with %s", k)
		}
	}
}

func TestSecretHashKnownAnswers(t *testing.T) {
	var v struct {
		Cases []SecretHashVector `json:"cases"`
	}
	ReadTestJSON(t, "secret_hash_vectors.json", &v)
	if len(v.Cases) == 0 {
		t.Fatal("no secret hash cases")
	}
	multibyte, longKey := false, false
	for _, c := range v.Cases {
		if got := SecretHash(c.Username, c.ClientID, c.ClientSecret); got != c.SecretHash {
			t.Errorf("%s: SecretHash(%q, %q, …) = %s, want %s", c.Name, c.Username, c.ClientID, got, c.SecretHash)
		}
		multibyte = multibyte || strings.ContainsFunc(c.Username, func(r rune) bool { return r > 0x7ff })
		longKey = longKey || len(c.ClientSecret) > 64 // HMAC hashes a key longer than its block
	}
	if !multibyte || !longKey {
		t.Errorf("no vector with a username of 3-byte characters (%v) or a secret over 64 bytes (%v)", multibyte, longKey)
	}
}

func TestTimestamp(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2025, 3, 4, 9, 5, 7, 0, time.UTC), "Tue Mar 4 09:05:07 UTC 2025"},
		{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "Thu Jan 1 00:00:00 UTC 2026"},
		{time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.UTC), "Thu Feb 29 23:59:59 UTC 2024"},
		{time.Date(2023, 12, 10, 12, 0, 0, 0, time.UTC), "Sun Dec 10 12:00:00 UTC 2023"},
		{time.Date(2023, 7, 9, 13, 1, 2, 0, time.UTC), "Sun Jul 9 13:01:02 UTC 2023"},
		// Local times are converted to UTC, across a day and a year.
		{time.Date(2025, 1, 1, 1, 30, 0, 0, time.FixedZone("CET", 3600)), "Wed Jan 1 00:30:00 UTC 2025"},
		{time.Date(2024, 12, 31, 20, 0, 0, 0, time.FixedZone("EST", -5*3600)), "Wed Jan 1 01:00:00 UTC 2025"},
		{time.Date(2025, 6, 1, 8, 59, 0, 0, time.FixedZone("JST", 9*3600)), "Sat May 31 23:59:00 UTC 2025"},
	} {
		if got := Timestamp(tc.t); got != tc.want {
			t.Errorf("Timestamp(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

// TestTimestampKnownAnswers formats the instants of
// testdata/timestamp_vectors.json, each as the oracle's DateHelper did:
// every weekday of every month on a one-digit day, one-digit hours,
// minutes and seconds, leap days, and a last millisecond, which is
// truncated, never rounded up.
func TestTimestampKnownAnswers(t *testing.T) {
	var v struct {
		Cases []struct {
			Ms        int64  `json:"ms"`
			Timestamp string `json:"timestamp"`
		} `json:"cases"`
	}
	ReadTestJSON(t, "timestamp_vectors.json", &v)
	// The shapes the doc names, not a count: 84 weekday-month pairs, a
	// leap day, and a last millisecond.
	has := map[string]bool{}
	for _, c := range v.Cases {
		f := strings.Fields(c.Timestamp)
		if len(f) == 6 {
			has[f[0]+" "+f[1]] = true
			has["Feb 29"] = has["Feb 29"] || f[1]+" "+f[2] == "Feb 29"
		}
		has[".999"] = has[".999"] || c.Ms%1000 == 999
	}
	for _, w := range strings.Fields("Mon Tue Wed Thu Fri Sat Sun") {
		for _, m := range strings.Fields("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec") {
			if !has[w+" "+m] {
				t.Errorf("no timestamp vector on a %s in %s", w, m)
			}
		}
	}
	if !has["Feb 29"] || !has[".999"] {
		t.Errorf("no timestamp vector on a leap day (%v) or at a last millisecond (%v)", has["Feb 29"], has[".999"])
	}
	for _, c := range v.Cases {
		if got := Timestamp(time.UnixMilli(c.Ms)); got != c.Timestamp {
			t.Errorf("Timestamp(%d ms) = %q, want %q", c.Ms, got, c.Timestamp)
		}
		// A local time zone must not show: the layout says UTC.
		if got := Timestamp(time.UnixMilli(c.Ms).In(time.FixedZone("X", -13*3600))); got != c.Timestamp {
			t.Errorf("Timestamp(%d ms in UTC-13) = %q, want %q", c.Ms, got, c.Timestamp)
		}
	}
}

func TestPadHex(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"0", "00"},
		{"1", "01"},
		{"f", "0f"},
		{"7f", "7f"},
		{"80", "0080"},
		{"ff", "00ff"},
		{"100", "0100"},
		{"abc", "0abc"},
		{"7fff", "7fff"},
		{"8000", "008000"},
		{"fffff", "0fffff"},
		{"123456", "123456"},
		{"c0ffee", "00c0ffee"},
	} {
		x := mustHexInt(t, tc.in)
		if got := PadHex(x); got != tc.want {
			t.Errorf("PadHex(0x%s) = %s, want %s", tc.in, got, tc.want)
		}
		if got := hex.EncodeToString(padBytes(x)); got != tc.want {
			t.Errorf("padBytes(0x%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
	if got := PadHex(group.N); got != "00"+group.N.Text(16) {
		t.Errorf("PadHex(N) = %.8s…", got)
	}
	// padBytes must equal the bytes of PadHex for every size and top bit.
	for bits := 0; bits <= 3100; bits += 7 {
		x := new(big.Int).Lsh(big.NewInt(1), uint(bits))
		for _, y := range []*big.Int{x, new(big.Int).Sub(x, big.NewInt(1))} {
			want := mustHexBytes(t, PadHex(y))
			if got := padBytes(y); !bytes.Equal(got, want) {
				t.Fatalf("padBytes(2^%d(-1)) = %x, want %x", bits, got, want)
			}
			if want[0]&0x80 != 0 {
				t.Fatalf("PadHex(2^%d(-1)) reads as negative", bits)
			}
		}
	}
}

func TestIsZeroModN(t *testing.T) {
	twoN := new(big.Int).Lsh(group.N, 1)
	for _, x := range []*big.Int{big.NewInt(0), group.N, twoN, new(big.Int).Mul(group.N, big.NewInt(7))} {
		if !isZeroModN(x) {
			t.Errorf("isZeroModN(%.10s…) = false", x.Text(16))
		}
	}
	for _, x := range []*big.Int{big.NewInt(1), new(big.Int).Sub(group.N, big.NewInt(1)), new(big.Int).Add(group.N, big.NewInt(1))} {
		if isZeroModN(x) {
			t.Errorf("isZeroModN(%.10s…) = true", x.Text(16))
		}
	}
}

// testChallenge returns valid PASSWORD_VERIFIER parameters.
func testChallenge() map[string]string {
	return map[string]string{
		"SRP_B":           "abcdef0123456789",
		"SALT":            "00ff00ff",
		"SECRET_BLOCK":    base64.StdEncoding.EncodeToString([]byte("secret block")),
		"USER_ID_FOR_SRP": "8a1b2c3d-user",
		"USERNAME":        "8a1b2c3d-user",
	}
}

func newTestSRP(t *testing.T) *SRP {
	t.Helper()
	s, err := NewSRP("AbC123", nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPasswordClaimRefusesZeroB(t *testing.T) {
	s := newTestSRP(t)
	nh := group.N.Text(16)
	for name, b := range map[string]string{
		"B=0":        "0",
		"B=00":       "00",
		"B=N":        nh,
		"B=N upper":  strings.ToUpper(nh),
		"B=2N":       new(big.Int).Lsh(group.N, 1).Text(16),
		"B=0-padded": "0000" + nh,
	} {
		p := testChallenge()
		p["SRP_B"] = b
		ch, err := ParsePasswordChallenge(p)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		claim, err := s.PasswordClaim(ch, "pw", time.Now())
		if !errors.Is(err, ErrSRPInvalidB) || claim != nil {
			t.Errorf("%s: PasswordClaim = %v, %v; want ErrSRPInvalidB", name, claim, err)
		}
	}
	// B = N+1 is fine (it is 1 mod N).
	p := testChallenge()
	p["SRP_B"] = new(big.Int).Add(group.N, big.NewInt(1)).Text(16)
	ch, _ := ParsePasswordChallenge(p)
	if _, err := s.PasswordClaim(ch, "pw", time.Now()); err != nil {
		t.Errorf("B = N+1: %v", err)
	}
}

// TestSRPNotBuiltByNewSRP: an SRP that NewSRP did not build (the zero
// value, a nil pointer) has an empty A and a PasswordClaim that fails with
// ErrConfig, as a zero Auth or Verifier does, instead of panicking in the
// arithmetic on its missing private value.
func TestSRPNotBuiltByNewSRP(t *testing.T) {
	ch, err := ParsePasswordChallenge(testChallenge())
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]*SRP{"zero": new(SRP), "nil": nil} {
		if a := s.A(); a != "" {
			t.Errorf("%s: A = %q, want \"\"", name, a)
		}
		claim, err := s.PasswordClaim(ch, "pw", time.Now())
		if claim != nil || !errors.Is(err, ErrConfig) {
			t.Errorf("%s: PasswordClaim = %v, %v; want nil, ErrConfig", name, claim, err)
		}
	}
}

func TestSessionKeyRefusesZeroU(t *testing.T) {
	s := newTestSRP(t)
	key, err := s.sessionKeyWithU(big.NewInt(12345), big.NewInt(0), big.NewInt(1), "user", "pw", nil)
	if !errors.Is(err, ErrSRPInvalidU) || key != nil {
		t.Fatalf("sessionKeyWithU(u=0) = %x, %v; want ErrSRPInvalidU", key, err)
	}
	if _, err := s.sessionKeyWithU(big.NewInt(12345), big.NewInt(1), big.NewInt(1), "user", "pw", nil); err != nil {
		t.Fatalf("u=1: %v", err)
	}
}

func TestNewSRPPrivateValue(t *testing.T) {
	// The 128 bytes read become a, big-endian; A = g^a mod N.
	buf := make([]byte, 128)
	buf[127] = 3
	s, err := NewSRP("P", bytes.NewReader(buf))
	if err != nil || s.A() != "8" || s.a.Int64() != 3 {
		t.Fatalf("a=3: A = %v, %v", s, err)
	}
	// Two SRPs from crypto/rand differ.
	if newTestSRP(t).A() == newTestSRP(t).A() {
		t.Fatal("two exchanges drew the same A")
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestNewSRPRandomErrors(t *testing.T) {
	boom := errors.New("entropy source failed")
	for name, r := range map[string]io.Reader{
		"error":       iotest.ErrReader(boom),
		"error later": io.MultiReader(bytes.NewReader(make([]byte, 64)), iotest.ErrReader(boom)),
		"short":       bytes.NewReader(make([]byte, 127)),
		"empty":       bytes.NewReader(nil),
	} {
		s, err := NewSRP("P", r)
		if err == nil || s != nil {
			t.Errorf("%s: NewSRP = %v, nil; want an error", name, s)
			continue
		}
		if strings.HasPrefix(name, "error") && !errors.Is(err, boom) {
			t.Errorf("%s: %v does not wrap the reader's error", name, err)
		}
	}
	// A reader of zeros would make a = 0 and A = 1: a known session key.
	zeros := &countingReader{r: iotest.OneByteReader(zeroReader{})}
	s, err := NewSRP("P", zeros)
	if err == nil || s != nil {
		t.Fatalf("zero reader: NewSRP = %v, %v; want an error", s, err)
	}
	if zeros.n == 0 || zeros.n > 64*privateKeyBytes {
		t.Errorf("zero reader: read %d bytes", zeros.n)
	}
	// A zero draw is retried, and the next draw is used.
	good := make([]byte, privateKeyBytes)
	good[0] = 0x42
	s, err = NewSRP("P", io.MultiReader(bytes.NewReader(make([]byte, privateKeyBytes)), bytes.NewReader(good)))
	if err != nil {
		t.Fatal(err)
	}
	if s.a.Cmp(new(big.Int).SetBytes(good)) != 0 {
		t.Error("the draw after a zero one was not used")
	}
	// Exactly 128 bytes are read per draw: the fixtures depend on it.
	r := &countingReader{r: rand.Reader}
	if _, err := NewSRP("P", r); err != nil || r.n != privateKeyBytes {
		t.Errorf("read %d bytes, %v", r.n, err)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestParsePasswordChallenge(t *testing.T) {
	ch, err := ParsePasswordChallenge(testChallenge())
	if err != nil {
		t.Fatal(err)
	}
	if ch.UserIDForSRP != "8a1b2c3d-user" || ch.SRPB != "abcdef0123456789" || ch.Salt != "00ff00ff" {
		t.Errorf("parsed %+v", ch)
	}
	// USER_ID_FOR_SRP wins over USERNAME; USERNAME alone is used.
	p := testChallenge()
	p["USERNAME"] = "alias@example.com"
	if ch, _ := ParsePasswordChallenge(p); ch.UserIDForSRP != "8a1b2c3d-user" {
		t.Errorf("UserIDForSRP = %q, want USER_ID_FOR_SRP", ch.UserIDForSRP)
	}
	delete(p, "USER_ID_FOR_SRP")
	if ch, err := ParsePasswordChallenge(p); err != nil || ch.UserIDForSRP != "alias@example.com" {
		t.Errorf("without USER_ID_FOR_SRP: %q, %v", ch.UserIDForSRP, err)
	}
	// Odd-length and uppercase hex are numbers too.
	p = testChallenge()
	p["SRP_B"], p["SALT"] = "ABCDEF1", "f"
	if _, err := ParsePasswordChallenge(p); err != nil {
		t.Errorf("odd/uppercase hex: %v", err)
	}
	// The bound itself is accepted: an unreduced value of twice the
	// group's digits, such as B + N with leading zeros.
	p = testChallenge()
	p["SRP_B"] = strings.Repeat("0", maxNumberHexDigits-4) + "abcd"
	if _, err := ParsePasswordChallenge(p); err != nil {
		t.Errorf("B of %d hex digits: %v", maxNumberHexDigits, err)
	}
	p["SRP_B"] = "09afAF" // the ends of each range
	if ch, err := ParsePasswordChallenge(p); err != nil {
		t.Errorf("B of the range ends: %v", err)
	} else if B, _, _, _ := ch.decode(); B.Int64() != 0x09afaf {
		t.Errorf("B of the range ends = %x, want 9afaf", B)
	}

	const secret = "SECRETVALUE"
	for name, edit := range map[string]func(map[string]string){
		"no SRP_B":              func(p map[string]string) { delete(p, "SRP_B") },
		"empty SRP_B":           func(p map[string]string) { p["SRP_B"] = "" },
		"no SALT":               func(p map[string]string) { delete(p, "SALT") },
		"no SECRET_BLOCK":       func(p map[string]string) { delete(p, "SECRET_BLOCK") },
		"no user":               func(p map[string]string) { delete(p, "USER_ID_FOR_SRP"); delete(p, "USERNAME") },
		"B not hex":             func(p map[string]string) { p["SRP_B"] = "xyz" + secret },
		"B with 0x":             func(p map[string]string) { p["SRP_B"] = "0x1234" },
		"B negative":            func(p map[string]string) { p["SRP_B"] = "-1234" },
		"B with plus":           func(p map[string]string) { p["SRP_B"] = "+1234" },
		"B with space":          func(p map[string]string) { p["SRP_B"] = "12 34" },
		"B with underscore":     func(p map[string]string) { p["SRP_B"] = "12_34" },
		"B with newline":        func(p map[string]string) { p["SRP_B"] = "1234\n" },
		"B too long":            func(p map[string]string) { p["SRP_B"] = strings.Repeat("1", 2*768+1) },
		"B huge":                func(p map[string]string) { p["SRP_B"] = strings.Repeat("f", 1<<20) },
		"salt not hex":          func(p map[string]string) { p["SALT"] = "zz" },
		"salt too long":         func(p map[string]string) { p["SALT"] = strings.Repeat("a", 4000) },
		"secret block not b64":  func(p map[string]string) { p["SECRET_BLOCK"] = "!!" + secret },
		"secret block url b64":  func(p map[string]string) { p["SECRET_BLOCK"] = "_-_-" },
		"secret block unpadded": func(p map[string]string) { p["SECRET_BLOCK"] = "YWJjZA" },
		// The characters next to each hex range.
		"B with g":         func(p map[string]string) { p["SRP_B"] = "12g4" },
		"B with G":         func(p map[string]string) { p["SRP_B"] = "12G4" },
		"B with backquote": func(p map[string]string) { p["SRP_B"] = "12`4" },
		"B with at":        func(p map[string]string) { p["SRP_B"] = "12@4" },
		"B with colon":     func(p map[string]string) { p["SRP_B"] = "12:4" },
		"B with slash":     func(p map[string]string) { p["SRP_B"] = "12/4" },
	} {
		p := testChallenge()
		edit(p)
		_, err := ParsePasswordChallenge(p)
		if !errors.Is(err, ErrInvalidChallenge) {
			t.Errorf("%s: err = %v, want ErrInvalidChallenge", name, err)
			continue
		}
		if strings.Contains(err.Error(), secret) || len(err.Error()) > 200 {
			t.Errorf("%s: error quotes the input: %.200s", name, err)
		}
	}
	// PasswordClaim checks a challenge built by hand, too.
	s := newTestSRP(t)
	for _, ch := range []PasswordChallenge{
		{},
		{UserIDForSRP: "u", SRPB: "zz", Salt: "01", SecretBlock: "AA=="},
		{UserIDForSRP: "u", SRPB: "01", Salt: "01", SecretBlock: "%%"},
	} {
		if _, err := s.PasswordClaim(ch, "pw", time.Now()); !errors.Is(err, ErrInvalidChallenge) {
			t.Errorf("PasswordClaim(%+v) err = %v", ch, err)
		}
	}
}

func TestSRPFormatHidesPrivateValue(t *testing.T) {
	buf := bytes.Repeat([]byte{0xab}, privateKeyBytes)
	s, err := NewSRP("Pool", bytes.NewReader(buf))
	if err != nil {
		t.Fatal(err)
	}
	aHex := s.a.Text(16)
	aDec := s.a.Text(10)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		for _, v := range []any{s, *s} {
			out := fmt.Sprintf(verb, v)
			if strings.Contains(strings.ToLower(out), aHex[:32]) || strings.Contains(out, aDec[:32]) || strings.Contains(out, "abababab") {
				t.Errorf("%s of SRP reveals a: %.100s", verb, out)
			}
		}
	}
}
