// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestTOTPCodeOnceAcrossSteps: a code a login took stays spent while it
// still matches, the step after its own too, though a later login spent
// the next step's code in between: the record of spent codes drops a
// step only once its code no longer matches (more than one step before
// the clock's), not when the next step comes.
func TestTOTPCodeOnceAcrossSteps(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXP"
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) // 5 s into a step
	srv.SetClock(func() time.Time { return now })
	addUser(t, srv, cognitotest.User{Username: "bot", Password: "pw-bot-12345", TOTPSecret: secret, MFACode: "-"})
	r := newRaw(t, srv)
	r.now = srv.Now
	totp := cognitosrp.TOTP{Secret: secret}
	login := func(code string) (*cognitosrp.AuthOutput, error) {
		t.Helper()
		ch := expectChallenge(t, "SOFTWARE_TOKEN_MFA")(r.srpLogin("bot", "pw-bot-12345", nil))
		return r.respond("SOFTWARE_TOKEN_MFA", ch.Session, map[string]string{"USERNAME": "bot", "SOFTWARE_TOKEN_MFA_CODE": code})
	}

	first, _ := totp.Code(now)
	expectTokens(t)(login(first))
	now = now.Add(cognitosrp.TOTPPeriod)
	second, _ := totp.Code(now)
	if second == first {
		t.Skip("two steps share a code") // one chance in a million
	}
	expectTokens(t)(login(second))
	// The first step's code still matches (a step of drift) and is spent.
	_, err := login(first)
	wantAPIError(t, err, "ExpiredCodeException", "")
}
