// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"errors"
	"testing"
	"time"
)

func TestTOTPCodeRFC6238Vectors(t *testing.T) {
	// RFC 6238, appendix B, SHA-1 key "12345678901234567890"; the last six
	// of the eight digits given there.
	const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	for _, v := range []struct {
		unix int64
		code string
	}{{59, "287082"}, {1111111109, "081804"}, {1111111111, "050471"}, {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"}} {
		got, err := totpCode(secret, time.Unix(v.unix, 0))
		if err != nil || got != v.code {
			t.Errorf("TOTPCode at %d = %q, %v; want %q", v.unix, got, err, v.code)
		}
	}
	if got, _ := totpCode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq", time.Unix(59, 0)); got != "287082" {
		t.Errorf("lowercase secret with spaces: %q", got)
	}
	if _, err := totpCode("not base32!", time.Now()); !errors.Is(err, errBadTOTPSecret) {
		t.Errorf("bad secret: %v", err)
	}
}
