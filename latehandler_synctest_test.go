// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build go1.25

package cognitosrp_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// smsMFAVnet returns, in a bubble, a network whose emulator has jane, a
// user with SMS_MFA, and Options for her on it.
func smsMFAVnet(t *testing.T) (*vnet, cognitosrp.Options) {
	n := newVnet(t, cognitotest.Config{}, 0)
	if _, err := n.emu.AddUser(cognitotest.User{Username: "jane", Password: emuPassword,
		SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550123"}}); err != nil {
		t.Fatal(err)
	}
	opts := n.emu.Options("jane", emuPassword)
	opts.HTTPClient, opts.Base = n.client(), n
	return n, opts
}

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
		n, opts := smsMFAVnet(t)
		const timeout = time.Minute
		var asked atomic.Int32
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

// TestFrozenLoginDoesNotAskHandler: a login frozen (AWS Lambda) once
// Cognito had answered its password claim with an MFA challenge takes
// that challenge on the thaw, its ctx already ended by the freeze. The
// handler is not asked then, as its answer could not be sent: that late
// flight fails by its timeout, not by a *ChallengeError, and the need,
// its ctx alive, tries again with a second login, whose challenge the
// handler (one that answers at once, as a TOTP generator does) answers:
// one ask, and the token. Asked on the thaw, the handler answered for
// nothing, and its answer, a *ChallengeError, ended the need.
func TestFrozenLoginDoesNotAskHandler(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, opts := smsMFAVnet(t)
		fz := &freezer{next: n}
		opts.HTTPClient = &http.Client{Transport: fz}
		var asked atomic.Int32
		opts.ChallengeHandler = cognitosrp.ChallengeHandlerFunc(func(ctx context.Context, c *cognitosrp.Challenge) (*cognitosrp.ChallengeAnswer, error) {
			asked.Add(1)
			return &cognitosrp.ChallengeAnswer{Answer: cognitotest.DefaultMFACode}, nil
		})
		auth, _ := vnetAuth(t, opts)
		defer auth.Close()
		fz.freezeAfter("RespondToAuthChallenge") // the password claim's answer
		errc := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Hour)
			defer cancel()
			_, err := auth.Token(ctx)
			errc <- err
		}()
		synctest.Wait()           // answered, and frozen before the login takes it
		time.Sleep(2 * time.Hour) // frozen
		fz.thaw()
		if err := <-errc; err != nil {
			t.Errorf("the need waiting through the freeze: %v", err)
		}
		if got := asked.Load(); got != 1 {
			t.Errorf("the handler was asked %d times, want once", got)
		}
		if all, _ := n.count("login"); all != 2 {
			t.Errorf("%d logins, want 2: the frozen one and its retry", all)
		}
	})
}
