// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
)

// totpStep is the time step of RFC 6238 as authenticator apps use it.
const totpStep = 30 * time.Second

// totpEncoding is the base32 form of TOTP secrets: RFC 4648, no padding.
var totpEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// errBadTOTPSecret reports a TOTP secret that is not base32.
var errBadTOTPSecret = errors.New("cognitotest: TOTP secret is not base32")

// totpCode returns the six-digit RFC 6238 code (HMAC-SHA1, 30-second
// steps) of a base32 secret at time t, as an authenticator app shows it.
// Spaces, lowercase letters and padding in secret are accepted. It is the
// server's own, apart from the client's cognitosrp.TOTP, so that the two
// check each other.
func totpCode(secret string, t time.Time) (string, error) {
	clean := strings.ToUpper(strings.ReplaceAll(secret, " ", ""))
	key, err := totpEncoding.DecodeString(strings.TrimRight(clean, "="))
	if err != nil || len(key) == 0 {
		return "", errBadTOTPSecret
	}
	var counter [8]byte
	binary.BigEndian.PutUint64(counter[:], uint64(t.Unix()/int64(totpStep/time.Second)))
	mac := hmac.New(sha1.New, key)
	mac.Write(counter[:])
	sum := mac.Sum(nil)
	// Dynamic truncation, RFC 4226 section 5.3.
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", bin%1_000_000), nil
}
