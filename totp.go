// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// This file generates the time-based one-time passwords of RFC 6238, so
// that an account with software-token MFA (an automated test user, say) can
// log in unattended. Cognito's authenticator apps use the RFC's defaults:
// HMAC-SHA1, 30-second steps, 6 digits.

// TOTPPeriod is the time step of Cognito's software tokens.
const TOTPPeriod = 30 * time.Second

// totpDigits is the length of Cognito's software token codes.
const totpDigits = 6

// ErrTOTPSecret reports a TOTP secret that is not base32.
var ErrTOTPSecret = errors.New("cognitosrp: TOTP secret is not valid base32")

// TOTP answers SOFTWARE_TOKEN_MFA with the current code of a software
// token, and SELECT_MFA_TYPE with SOFTWARE_TOKEN_MFA when Cognito offers
// it; it declines every other challenge. Secret is the base32 key that
// AssociateSoftwareToken returned (the one an authenticator app scans);
// case, spaces, hyphens and padding do not matter.
//
// Cognito accepts each code once: two logins within the same 30 seconds
// need the second to wait for the next code.
type TOTP struct {
	Secret string // base32; a secret, which String redacts
	// Now, when set, replaces time.Now. Only tests should set it: a
	// TOTP does not see the session's clock (Config.Now), so a test that
	// moves the emulator's (cognitotest.Server.Advance) gives both the
	// server's, or a login after the move sends a code the emulator
	// refuses (ErrCodeMismatch).
	Now func() time.Time
}

// HandleChallenge answers SOFTWARE_TOKEN_MFA and SELECT_MFA_TYPE.
func (t TOTP) HandleChallenge(ctx context.Context, c *Challenge) (*ChallengeAnswer, error) {
	switch c.Name {
	case ChallengeSoftwareTokenMFA:
		now := time.Now
		if t.Now != nil {
			now = t.Now
		}
		code, err := t.Code(now())
		if err != nil {
			return nil, err
		}
		return &ChallengeAnswer{Answer: code}, nil
	case ChallengeSelectMFAType:
		if slices.Contains(c.MFAOptions, ChallengeSoftwareTokenMFA) {
			return &ChallengeAnswer{Answer: ChallengeSoftwareTokenMFA}, nil
		}
	}
	return nil, nil
}

// Code returns the 6-digit code of the secret at time at.
func (t TOTP) Code(at time.Time) (string, error) {
	key, err := decodeTOTPSecret(t.Secret)
	if err != nil {
		return "", err
	}
	step := at.Unix() / int64(TOTPPeriod/time.Second)
	if at.Unix() < 0 {
		// Floor division: RFC 6238 counts steps from the epoch on.
		step = (at.Unix() - int64(TOTPPeriod/time.Second) + 1) / int64(TOTPPeriod/time.Second)
	}
	return hotp(key, uint64(step), totpDigits)
}

// decodeTOTPSecret reads a base32 secret as authenticator apps accept it.
func decodeTOTPSecret(secret string) ([]byte, error) {
	s := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '=', '\t', '\n', '\r':
			return -1
		}
		return r
	}, strings.ToUpper(secret))
	key, ok := decodeBase32(s)
	if !ok || len(key) == 0 {
		return nil, ErrTOTPSecret
	}
	return key, nil
}

// decodeBase32 decodes s as base32.StdEncoding.WithPadding(base32.NoPadding)
// does, quirks included (TestDecodeBase32 compares them), on the strings
// decodeTOTPSecret passes it. Not on others: encoding/base32 skips '\r' and
// '\n', which decodeTOTPSecret removes first, and without padding takes a
// byte 0xFF for the padding, which its strings.Map never leaves (it turns
// invalid UTF-8 into U+FFFD); decodeBase32 refuses both. Not
// encoding/base32 itself, whose import builds two encodings as every
// program starts (binary size: no start-up work, see doc.go).
func decodeBase32(s string) ([]byte, bool) {
	end := len(s)
	switch len(s) % 8 {
	case 1, 3, 6:
		// A last group of this length does not end on a byte boundary;
		// encoding/base32 decodes it to nothing (but checks it).
		end -= len(s) % 8
	}
	key := make([]byte, 0, end*5/8)
	var acc uint // the bits read, of which the last ones are not yet in key
	bits := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z':
			c -= 'A'
		case '2' <= c && c <= '7':
			c = c - '2' + 26
		default:
			return nil, false
		}
		if i >= end {
			continue
		}
		acc, bits = acc<<5|uint(c), bits+5
		if bits >= 8 {
			bits -= 8
			key = append(key, byte(acc>>bits))
		}
	}
	return key, true
}

// hotp is RFC 4226's HOTP with HMAC-SHA1: the dynamically truncated MAC of
// the counter, as a zero-padded decimal of the given number of digits. It
// fails only in FIPS 140-only mode, which forbids SHA-1 (newMAC).
func hotp(key []byte, counter uint64, digits int) (string, error) {
	mac, err := newMAC(sha1.New, key)
	if err != nil {
		return "", errorf("cognitosrp: TOTP needs HMAC-SHA-1: %w", err)
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod), nil
}

// String describes t without its secret.
func (t TOTP) String() string { return "cognitosrp.TOTP{Secret: " + redact(t.Secret) + "}" }

// Format prints String for every verb, so no formatting reveals the secret.
func (t TOTP) Format(f fmt.State, verb rune) { formatRedacted(f, t) }
