// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestMFAErrorsAreClientErrors: a spent TOTP code (ExpiredCodeException)
// and SMS MFA without a phone number (MFAMethodNotFoundException) come
// with HTTP 400, as Cognito's API reference lists them for
// RespondToAuthChallenge: a 5xx is a passing failure, which a client
// retries with the same spent code or the same missing phone number.
func TestMFAErrorsAreClientErrors(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXP"
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	srv.SetClock(func() time.Time { return now })
	addUser(t, srv, cognitotest.User{Username: "bot", Password: "pw-bot-12345", TOTPSecret: secret, MFACode: "-"})
	addUser(t, srv, cognitotest.User{Username: "nophone", Password: "pw-nophone-1", SMSMFA: true})
	r := newRaw(t, srv)
	r.now = srv.Now
	code, _ := cognitosrp.TOTP{Secret: secret}.Code(now)
	var errs []error
	for range 2 {
		ch := expectChallenge(t, "SOFTWARE_TOKEN_MFA")(r.srpLogin("bot", "pw-bot-12345", nil))
		_, err := r.respond("SOFTWARE_TOKEN_MFA", ch.Session, map[string]string{"USERNAME": "bot", "SOFTWARE_TOKEN_MFA_CODE": code})
		errs = append(errs, err)
	}
	if errs[0] != nil {
		t.Fatalf("first use of the code: %v", errs[0])
	}
	_, err := r.srpLogin("nophone", "pw-nophone-1", nil)
	for typ, err := range map[string]error{"ExpiredCodeException": errs[1], "MFAMethodNotFoundException": err} {
		if ae := apiError(t, err); ae.Type != typ || ae.StatusCode != http.StatusBadRequest {
			t.Errorf("%v: want %s with HTTP 400", err, typ)
		}
	}
}
