// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"encoding/base32"
	"time"

	"github.com/gocognito/cognitosrp"
)

// The emulator checks SOFTWARE_TOKEN_MFA codes with the library's RFC 6238
// generator (tested there against the RFC's vectors) and hands out secrets
// in the base32 form authenticator apps take.

const totpStep = cognitosrp.TOTPPeriod

var totpEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// totpCode returns the code of the base32 secret at t.
func totpCode(secret string, t time.Time) (string, error) {
	return cognitosrp.TOTP{Secret: secret}.Code(t)
}
