// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"errors"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestTOTPClockIsItsOwn backs the docs of TOTP.Now, Options.Now and the
// README's note on Server.Advance: a session given the emulator's clock
// logs in again after an Advance past its refresh token, but its TOTP
// handler, which does not see that clock, answers with the machine's code
// unless given the same clock in TOTP.Now.
func TestTOTPClockIsItsOwn(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXP"
	for _, shared := range []bool{false, true} {
		srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenLifetime: time.Hour})
		if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword, TOTPSecret: secret}); err != nil {
			t.Fatal(err)
		}
		handler := cognitosrp.TOTP{Secret: secret}
		if shared {
			handler.Now = srv.Now
		}
		opts := srv.Options("alice", emuPassword)
		opts.Now = srv.Now
		opts.ChallengeHandler = handler
		auth, err := cognitosrp.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := auth.Token(t.Context()); err != nil {
			t.Fatalf("TOTP.Now shared %v: first login: %v", shared, err)
		}
		srv.Advance(2 * time.Hour) // past the tokens and the refresh token
		_, err = auth.Token(t.Context())
		auth.Close()
		switch {
		case shared && err != nil:
			t.Errorf("TOTP.Now = srv.Now: login after Advance: %v", err)
		case !shared && !errors.Is(err, cognitosrp.ErrCodeMismatch):
			t.Errorf("TOTP on the machine's clock: login after Advance: %v, want ErrCodeMismatch", err)
		}
		if got := srv.Calls("RespondToAuthChallenge"); got != 4 {
			t.Errorf("TOTP.Now shared %v: %d answers, want 4 (two logins, each password and code)", shared, got)
		}
	}
}
