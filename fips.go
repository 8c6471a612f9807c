// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"crypto/hmac"
	"errors"
	"hash"
)

// newMAC is hmac.New, with the panics of crypto/hmac's FIPS 140-only mode
// (GODEBUG=fips140=only) returned as an error matching
// errors.ErrUnsupported. That mode refuses SHA-1, which TOTP needs, and
// keys shorter than 112 bits, which a client secret might be; a library
// must not crash its process over either. Go before 1.26 has no API that
// tells "only" from "on" (crypto/fips140.Enforced), hence the recover.
func newMAC(h func() hash.Hash, key []byte) (mac hash.Hash, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errorf("%v: %w", r, errors.ErrUnsupported)
		}
	}()
	return hmac.New(h, key), nil
}
