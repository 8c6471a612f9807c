// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestMovedClockHintOnlyForTOTP: a wrong SMS code is no TOTP code on the
// wrong clock, even when it happens to be the machine's code of the
// user's software token: its refusal's Reason does not send the test to
// cognitosrp.TOTP's clock, which the SMS answer did not use.
func TestMovedClockHintOnlyForTOTP(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXP"
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "both", Password: "pw-both-1234", SMSMFA: true,
		Attributes: map[string]string{"phone_number": "+15555550100"}, TOTPSecret: secret,
		PreferredMFA: "SMS_MFA", MFACode: "not-a-code"})
	srv.Advance(10 * time.Minute)
	r := newRaw(t, srv)
	r.now = srv.Now
	ch := expectChallenge(t, "SMS_MFA")(r.srpLogin("both", "pw-both-1234", nil))
	code := totpCode(t, secret, time.Now())
	_, err := r.respond("SMS_MFA", ch.Session, map[string]string{"USERNAME": "both", "SMS_MFA_CODE": code})
	wantAPIError(t, err, "CodeMismatchException", "")
	if reqs := srv.Requests(); len(reqs) == 0 || reqs[len(reqs)-1].ErrorType != "CodeMismatchException" {
		t.Fatal("the last request logged is not the refused SMS code")
	}
	reason := lastReason(srv)
	if strings.Contains(reason, "TOTP") {
		t.Errorf("reason of a wrong SMS code %q names TOTP", reason)
	}
}
