// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestLoginThatWaitsForItself: a login whose own work needs the session's
// tokens waited for itself until the FlightTimeout, then failed with a
// deadline that hid why: the Cognito calls of a session whose
// Config.HTTPClient sends through the session's Auth (one client for
// everything), and a ChallengeHandler that asks the Auth for a token with
// its ctx. Both now fail at once with ErrConfig, and the handler's login
// goes on.
func TestLoginThatWaitsForItself(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	for _, u := range []cognitotest.User{
		{Username: "alice", Password: "Passw0rd!x"},
		{Username: "bob", Password: "Passw0rd!x", SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}},
	} {
		if _, err := srv.AddUser(u); err != nil {
			t.Fatal(err)
		}
	}
	// Long enough that a wait for it fails the test's bound.
	const flightTimeout = 30 * time.Second
	const promptly = 10 * time.Second

	t.Run("HTTPClient through the Auth", func(t *testing.T) {
		hc := &http.Client{}
		o := srv.Options("alice", "Passw0rd!x")
		o.HTTPClient, o.FlightTimeout = hc, flightTimeout
		o.Retry = cognitosrp.RetryPolicy{MaxAttempts: 1}
		a, err := cognitosrp.New(o)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		hc.Transport = a
		ctx, cancel := context.WithTimeout(t.Context(), promptly)
		defer cancel()
		start := time.Now()
		_, err = a.Token(ctx)
		if !errors.Is(err, cognitosrp.ErrConfig) || ctx.Err() != nil {
			t.Errorf("Token after %v: %v; want ErrConfig at once", time.Since(start), err)
		}
	})

	t.Run("ChallengeHandler asking for a token", func(t *testing.T) {
		o := srv.Options("bob", "Passw0rd!x")
		o.FlightTimeout = flightTimeout
		var a *cognitosrp.Auth
		inner := make(chan error, 1)
		o.ChallengeHandler = cognitosrp.ChallengeHandlerFunc(func(ctx context.Context, c *cognitosrp.Challenge) (*cognitosrp.ChallengeAnswer, error) {
			wctx, cancel := context.WithTimeout(ctx, promptly)
			defer cancel()
			_, err := a.Token(wctx)
			if wctx.Err() != nil {
				err = wctx.Err() // waited
			}
			inner <- err
			return &cognitosrp.ChallengeAnswer{Answer: cognitotest.DefaultMFACode}, nil
		})
		a, err := cognitosrp.New(o)
		if err != nil {
			t.Fatal(err)
		}
		defer a.Close()
		if _, err := a.Token(t.Context()); err != nil {
			t.Errorf("the login failed: %v", err)
		}
		if err := <-inner; !errors.Is(err, cognitosrp.ErrConfig) {
			t.Errorf("Token in the handler: %v; want ErrConfig at once", err)
		}
	})
}

// countingTransport counts the requests sent through it.
type countingTransport struct {
	n    atomic.Int32
	next http.RoundTripper
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

// TestSelfWaitIsNotRetried: the refusal of a login that waits for itself
// (Config.HTTPClient sending through the session's Auth) is a mistake in
// the program, not a passing network failure: with the default retry
// policy the Cognito call was sent four times, each refused at once, with
// backoffs between them, and the error ended "(gave up after 4 attempts)".
func TestSelfWaitIsNotRetried(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: "Passw0rd!x"}); err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{}
	o := srv.Options("alice", "Passw0rd!x")
	o.HTTPClient = hc // the default retry policy
	a, err := cognitosrp.New(o)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ct := &countingTransport{next: a}
	hc.Transport = ct
	_, err = a.Token(t.Context())
	if !errors.Is(err, cognitosrp.ErrConfig) {
		t.Fatalf("Token: %v; want ErrConfig", err)
	}
	if n := ct.n.Load(); n != 1 || strings.Contains(err.Error(), "attempts") {
		t.Errorf("the Cognito call was sent %d times; want once. Token: %v", n, err)
	}
}
