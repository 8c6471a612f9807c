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
// clock drift.
func totpValid(secret, code string, now time.Time) bool {
	gen := cognitosrp.TOTP{Secret: secret}
	for _, d := range []time.Duration{-cognitosrp.TOTPPeriod, 0, cognitosrp.TOTPPeriod} {
		want, err := gen.Code(now.Add(d))
		if err == nil && subtle.ConstantTimeCompare([]byte(code), []byte(want)) == 1 {
			return true
		}
	}
	return false
}
