// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"crypto/subtle"
	"encoding/base32"
	"time"

	"github.com/gocognito/cognitosrp"
)

// The emulator checks SOFTWARE_TOKEN_MFA codes with the library's RFC 6238
// generator (tested there against the RFC's vectors) and hands out secrets
// in the base32 form authenticator apps take.

var totpEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// totpValid reports whether code is the code of the base32 secret in the
// time step before, at or after now, as Cognito tolerates one step of
// clock drift, and if so which step's it is.
func totpValid(secret, code string, now time.Time) (step int64, ok bool) {
	gen := cognitosrp.TOTP{Secret: secret}
	for _, d := range []time.Duration{-cognitosrp.TOTPPeriod, 0, cognitosrp.TOTPPeriod} {
		at := now.Add(d)
		want, err := gen.Code(at)
		if err == nil && subtle.ConstantTimeCompare([]byte(code), []byte(want)) == 1 {
			return totpStep(at), true
		}
	}
	return 0, false
}

// totpStep is the RFC 6238 time step of t: 30-second steps counted from
// the epoch, rounded down (before 1970 too, as cognitosrp.TOTP counts).
func totpStep(t time.Time) int64 {
	const period = int64(cognitosrp.TOTPPeriod / time.Second)
	step := t.Unix() / period
	if t.Unix()%period < 0 {
		step--
	}
	return step
}

// spendTOTPLocked records that the code of time step step was accepted at
// now for u's software token, and reports whether it had been before:
// Cognito takes each code once. Steps whose codes no longer match (more
// than one step before now's) are dropped.
func (u *user) spendTOTPLocked(step int64, now time.Time) (fresh bool) {
	oldest := totpStep(now) - 1
	kept := u.usedTOTPSteps[:0]
	for _, s := range u.usedTOTPSteps {
		if s == step {
			return false
		}
		if s >= oldest {
			kept = append(kept, s)
		}
	}
	u.usedTOTPSteps = append(kept, step)
	return true
}
