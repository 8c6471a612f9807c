// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
)

// TestTOTPStepCountsAsTOTP: totpStep, the step under which a spent code is
// recorded, is the RFC 6238 counter cognitosrp.TOTP computes its code of,
// rounded down before 1970 too: t lies in its step's 30 seconds, and has
// that step's code. Rounded toward zero, the seconds either side of the
// epoch shared a step, and a code spent in one refused the other's.
func TestTOTPStepCountsAsTOTP(t *testing.T) {
	gen := cognitosrp.TOTP{Secret: "JBSWY3DPEHPK3PXP"}
	period := int64(cognitosrp.TOTPPeriod / time.Second)
	for sec := -3 * period; sec <= 3*period; sec++ {
		at := time.Unix(sec, 0)
		step := totpStep(at)
		if start := step * period; sec < start || sec >= start+period {
			t.Fatalf("totpStep(%d s) = %d, whose seconds are [%d, %d)", sec, step, start, start+period)
		}
		want, _ := gen.Code(at)
		if got, _ := gen.Code(time.Unix(step*period, 0)); got != want {
			t.Fatalf("totpStep(%d s) = %d, whose code is not that of %d s", sec, step, sec)
		}
	}
}
