// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"encoding/base32"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// rfcSecret is the SHA-1 seed of RFC 4226 appendix D and RFC 6238
// appendix B, "12345678901234567890", in base32.
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

// TestHOTPRFC4226 checks the HOTP values of RFC 4226, appendix D.
func TestHOTPRFC4226(t *testing.T) {
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	for counter, w := range want {
		if got, _ := hotp([]byte("12345678901234567890"), uint64(counter), 6); got != w {
			t.Errorf("HOTP(%d) = %s, want %s", counter, got, w)
		}
	}
}

// TestTOTPRFC6238 checks the SHA-1 vectors of RFC 6238, appendix B: the
// 8-digit values, and their last six digits from Code, which is what
// Cognito's 6-digit software tokens show.
func TestTOTPRFC6238(t *testing.T) {
	for _, v := range []struct {
		unix int64
		code string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	} {
		at := time.Unix(v.unix, 0)
		if got, _ := hotp([]byte("12345678901234567890"), uint64(v.unix/30), 8); got != v.code {
			t.Errorf("TOTP8(%d) = %s, want %s", v.unix, got, v.code)
		}
		got, err := TOTP{Secret: rfcSecret}.Code(at)
		if err != nil || got != v.code[2:] {
			t.Errorf("Code(%d) = %s, %v, want %s", v.unix, got, err, v.code[2:])
		}
	}
}

// TestTOTPSecretSpellings accepts the secret as people copy it.
func TestTOTPSecretSpellings(t *testing.T) {
	at := time.Unix(1111111111, 0)
	for _, s := range []string{
		rfcSecret,
		strings.ToLower(rfcSecret),
		"GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ",
		"gezd-gnbv-gy3t-qojq-gezd-gnbv-gy3t-qojq",
		"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ====",
	} {
		if got, err := (TOTP{Secret: s}).Code(at); err != nil || got != "050471" {
			t.Errorf("Code with secret %q = %s, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "not base32!", "GEZDGNBVGY3TQOJ1", "===="} {
		_, err := TOTP{Secret: s}.Code(at)
		if !errors.Is(err, ErrTOTPSecret) {
			t.Errorf("Code with secret %q: err = %v, want ErrTOTPSecret", s, err)
		}
		if s != "" && strings.Contains(fmt.Sprint(err), s) {
			t.Errorf("the error quotes the secret: %v", err)
		}
	}
}

// TestTOTPSteps checks the 30-second steps at their edges and before the
// epoch (floor division, not truncation toward zero).
func TestTOTPSteps(t *testing.T) {
	key := []byte("12345678901234567890")
	for _, v := range []struct {
		unix int64
		step uint64
	}{{0, 0}, {29, 0}, {30, 1}, {59, 1}, {60, 2}, {-1, ^uint64(0)}, {-30, ^uint64(0)}, {-31, ^uint64(1)}} {
		got, _ := TOTP{Secret: rfcSecret}.Code(time.Unix(v.unix, 0))
		if want, _ := hotp(key, v.step, 6); got != want {
			t.Errorf("Code(%d) = %s, want step %d's %s", v.unix, got, int64(v.step), want)
		}
	}
}

func TestTOTPHandler(t *testing.T) {
	now := func() time.Time { return time.Unix(1234567890, 0) }
	h := TOTP{Secret: rfcSecret, Now: now}
	ctx := t.Context()
	a, err := h.HandleChallenge(ctx, &Challenge{Name: ChallengeSoftwareTokenMFA})
	if err != nil || a == nil || a.Answer != "005924" {
		t.Errorf("SOFTWARE_TOKEN_MFA: %v, %v", a, err)
	}
	a, err = h.HandleChallenge(ctx, &Challenge{Name: ChallengeSelectMFAType, MFAOptions: []string{"SMS_MFA", "SOFTWARE_TOKEN_MFA"}})
	if err != nil || a == nil || a.Answer != ChallengeSoftwareTokenMFA {
		t.Errorf("SELECT_MFA_TYPE: %v, %v", a, err)
	}
	for _, c := range []*Challenge{
		{Name: ChallengeSelectMFAType, MFAOptions: []string{"SMS_MFA"}},
		{Name: ChallengeSMSMFA},
		{Name: ChallengeNewPasswordRequired},
		{Name: ChallengeCustom},
	} {
		if a, err := h.HandleChallenge(ctx, c); a != nil || err != nil {
			t.Errorf("%s %v: answered %v, %v", c.Name, c.MFAOptions, a, err)
		}
	}
	if _, err := (TOTP{Secret: "!!"}).HandleChallenge(ctx, &Challenge{Name: ChallengeSoftwareTokenMFA}); !errors.Is(err, ErrTOTPSecret) {
		t.Errorf("bad secret: err = %v", err)
	}
}

// TestDecodeBase32 holds decodeBase32 to the decoder it replaces,
// base32.StdEncoding without padding: on every string of up to 9
// characters over both ends of each range and Q; on a character just
// outside the ranges, and a non-ASCII letter, at each of the first six
// positions; and on long random strings, a quarter of them with one such
// character.
func TestDecodeBase32(t *testing.T) {
	t.Parallel() // CPU-bound for seconds under -race: beside the waiting tests
	std := base32.StdEncoding.WithPadding(base32.NoPadding)
	check := func(s string) {
		t.Helper()
		want, err := std.DecodeString(s)
		got, ok := decodeBase32(s)
		if ok != (err == nil) || ok && !bytes.Equal(got, want) {
			t.Fatalf("decodeBase32(%q) = %x, %v; encoding/base32: %x, %v", s, got, ok, want, err)
		}
	}
	const alphabet = "AZ27@[18é"
	var walk func(s string)
	walk = func(s string) {
		check(s)
		if len(s) < 9 {
			for _, c := range []string{"A", "Z", "2", "7", "Q"} {
				walk(s + c)
			}
		}
	}
	walk("")
	for i := range 6 {
		for _, c := range strings.Split(alphabet, "") {
			check(strings.Repeat("B", i) + c + "CD")
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	const valid = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	for range 2000 {
		b := make([]byte, r.IntN(80))
		for i := range b {
			b[i] = valid[r.IntN(len(valid))]
		}
		if len(b) > 0 && r.IntN(4) == 0 {
			b[r.IntN(len(b))] = alphabet[4+r.IntN(len(alphabet)-4)]
		}
		check(string(b))
	}

	// Where the two differ, decodeTOTPSecret does not let them: it removes
	// line breaks, which encoding/base32 skips, and leaves no byte 0xFF,
	// which encoding/base32 without padding takes for the padding.
	want, _ := std.DecodeString("MZXW6YTB")
	if key, err := decodeTOTPSecret("MZXW\r\n6YTB"); err != nil || !bytes.Equal(key, want) {
		t.Errorf("secret with a line break: %x, %v; want %x", key, err, want)
	}
	if _, err := std.DecodeString("7777777\xff"); err != nil {
		t.Logf("encoding/base32 no longer takes 0xFF for the padding: %v", err)
	}
	if _, err := decodeTOTPSecret("7777777\xff"); !errors.Is(err, ErrTOTPSecret) {
		t.Errorf("secret ending in 0xFF: err = %v, want ErrTOTPSecret", err)
	}
}
