// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build go1.25

package cognitosrp_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestLateHandlerAnswerIsNotAskedAgain: a ChallengeHandler that ignores
// its ctx (a command reading a code from a terminal, whose read no
// context ends) and answers after the FlightTimeout is asked once: the
// login ends with a *ChallengeError matching the timeout, and the needs
// that waited for it, one joined in time and one past the timeout, get
// that error. A late flight's timeout is tried past once, for a process
// frozen while it waited for Cognito (AWS Lambda); taken for one, the
// handler's overrun had the person asked for a code again, by a second
// login (and, for SMS_MFA, sent a second text), though they had typed it.
func TestLateHandlerAnswerIsNotAskedAgain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newVnet(t, cognitotest.Config{}, 0)
		if _, err := n.emu.AddUser(cognitotest.User{Username: "jane", Password: emuPassword,
			SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550123"}}); err != nil {
			t.Fatal(err)
		}
		const timeout = time.Minute
		var asked atomic.Int32
		opts := n.emu.Options("jane", emuPassword)
		opts.HTTPClient, opts.Base = n.client(), n
		opts.FlightTimeout = timeout
		opts.ChallengeHandler = cognitosrp.ChallengeHandlerFunc(func(ctx context.Context, c *cognitosrp.Challenge) (*cognitosrp.ChallengeAnswer, error) {
			asked.Add(1)
			time.Sleep(timeout + 5*time.Second) // the person types slowly; ctx is not watched
			return &cognitosrp.ChallengeAnswer{Answer: cognitotest.DefaultMFACode}, nil
		})
		auth, _ := vnetAuth(t, opts)
		defer auth.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		late := make(chan error, 1)
		go func() {
			time.Sleep(timeout + time.Second) // joins the flight out of time
			_, err := auth.Token(ctx)
			late <- err
		}()
		_, err := auth.Token(ctx)
		var ce *cognitosrp.ChallengeError
		if !errors.As(err, &ce) || ce.ChallengeName != cognitosrp.ChallengeSMSMFA || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Token: %v, want a *ChallengeError for SMS_MFA matching the timeout", err)
		}
		if err := <-late; !errors.As(err, &ce) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Token of the need that joined out of time: %v, want the *ChallengeError", err)
		}
		if got := asked.Load(); got != 1 {
			t.Errorf("the handler was asked %d times, want once", got)
		}
		if all, _ := n.count("login"); all != 1 {
			t.Errorf("%d logins, want 1", all)
		}

		// Session.Authenticate's login, bounded by its ctx alone, fails
		// so too: a *ChallengeError, whose Session a caller may answer
		// with itself, within the few minutes it lasts.
		cfg := n.emu.SessionConfig()
		cfg.HTTPClient, cfg.ChallengeHandler = n.client(), opts.ChallengeHandler
		sess, err := cognitosrp.NewSession(cfg, "jane")
		if err != nil {
			t.Fatal(err)
		}
		defer sess.Close()
		actx, acancel := context.WithTimeout(context.Background(), timeout)
		defer acancel()
		if err := sess.Authenticate(actx, emuPassword); !errors.As(err, &ce) || ce.Session == "" || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Authenticate: %v, want a *ChallengeError with its session, matching ctx's end", err)
		}
	})
}
