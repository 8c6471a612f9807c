// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestOptionsFlightTimeoutBoundsTheHandler: a ChallengeHandler that asks a
// person for a code, in an Auth built from Options, answers within
// Options.FlightTimeout, not DefaultFlightTimeout's one minute, which a
// person fetching a phone can overrun.
func TestOptionsFlightTimeoutBoundsTheHandler(t *testing.T) {
	cognito := startCognito(examplePoolID, exampleClientID, cognitotest.User{
		Username: "jane", Password: "jane password",
		SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550123"},
	})
	defer cognito.Close()
	// Unset, the handler has DefaultFlightTimeout, the README's "default
	// one minute".
	for _, c := range []struct{ set, want time.Duration }{
		{10 * time.Minute, 10 * time.Minute},
		{0, time.Minute},
	} {
		var left time.Duration
		auth, err := cognitosrp.New(cognitosrp.Options{
			Username: "jane", Password: "jane password",
			UserPoolID: examplePoolID, ClientID: exampleClientID, Endpoint: cognito.Endpoint(),
			ChallengeHandler: cognitosrp.ChallengeHandlerFunc(func(ctx context.Context, c *cognitosrp.Challenge) (*cognitosrp.ChallengeAnswer, error) {
				if deadline, ok := ctx.Deadline(); ok {
					left = time.Until(deadline)
				}
				return &cognitosrp.ChallengeAnswer{Answer: cognitotest.DefaultMFACode}, nil
			}),
			FlightTimeout: c.set,
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := auth.Token(t.Context()); err != nil {
			t.Fatal(err)
		}
		auth.Close()
		// The login's calls took a little of it.
		if left <= c.want-10*time.Second || left > c.want {
			t.Errorf("FlightTimeout %v: the handler had %v to answer, want nearly %v", c.set, left, c.want)
		}
	}
}

// TestAuthenticateHandlerBoundByItsContext: the login of
// Session.Authenticate, which the session does not share, gives its
// ChallengeHandler Authenticate's ctx and no FlightTimeout, as
// Session.Authenticate and DefaultFlightTimeout document: a handler that
// asks a person waits as long as that ctx allows, past the FlightTimeout.
func TestAuthenticateHandlerBoundByItsContext(t *testing.T) {
	cognito := startCognito(examplePoolID, exampleClientID, cognitotest.User{
		Username: "jane", Password: "jane password",
		SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550123"},
	})
	defer cognito.Close()
	var (
		deadline time.Time
		bounded  bool
	)
	sess, err := cognitosrp.NewSession(cognitosrp.Config{
		UserPoolID: examplePoolID, ClientID: exampleClientID, Endpoint: cognito.Endpoint(),
		FlightTimeout: time.Second,
		ChallengeHandler: cognitosrp.ChallengeHandlerFunc(func(ctx context.Context, c *cognitosrp.Challenge) (*cognitosrp.ChallengeAnswer, error) {
			deadline, bounded = ctx.Deadline()
			return &cognitosrp.ChallengeAnswer{Answer: cognitotest.DefaultMFACode}, nil
		}),
	}, "jane")
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if err := sess.Authenticate(context.Background(), "jane password"); err != nil {
		t.Fatal(err)
	}
	if bounded {
		t.Errorf("with context.Background the handler had until %v, want no deadline", deadline)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	want, _ := ctx.Deadline()
	if err := sess.Authenticate(ctx, "jane password"); err != nil {
		t.Fatal(err)
	}
	if !bounded || !deadline.Equal(want) {
		t.Errorf("with a 10-minute ctx the handler had until %v (bounded %v), want %v", deadline, bounded, want)
	}
}

// TestHandlerOutlivesRequestDeadline backs Options.FlightTimeout's doc and
// the README's Challenges block: a request waits for the login it started
// only within its own deadline (here an http.Client's Timeout), which
// ends the request, not the login. A handler asking a person for a code
// keeps its FlightTimeout, and the next request takes the login's tokens.
func TestHandlerOutlivesRequestDeadline(t *testing.T) {
	cognito := startCognito(examplePoolID, exampleClientID, cognitotest.User{
		Username: "jane", Password: "jane password",
		SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550123"},
	})
	defer cognito.Close()
	api := newEchoAPI()
	defer api.Close()
	asked := make(chan context.Context, 1)
	typed := make(chan struct{})
	var waits, unused atomic.Int64
	auth, err := cognitosrp.New(cognitosrp.Options{
		Username: "jane", Password: "jane password",
		UserPoolID: examplePoolID, ClientID: exampleClientID, Endpoint: cognito.Endpoint(),
		ChallengeHandler: cognitosrp.ChallengeHandlerFunc(func(ctx context.Context, c *cognitosrp.Challenge) (*cognitosrp.ChallengeAnswer, error) {
			asked <- ctx
			select {
			case <-typed: // the person types the code
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			return &cognitosrp.ChallengeAnswer{Answer: cognitotest.DefaultMFACode}, nil
		}),
		FlightTimeout: 5 * time.Minute,
		Logger:        slog.New(waitTagger{all: &waits, waited: &unused, seen: func() {}}),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()

	// A request whose Timeout has ended before it reaches the session
	// starts no login, and the handler would never be asked: on a loaded
	// machine 100 ms can pass first. Try again with a longer Timeout until
	// a request has waited for the login it started (the session logs
	// that wait before it returns).
	for timeout := 100 * time.Millisecond; waits.Load() == 0; timeout *= 2 {
		client := &http.Client{Transport: auth, Timeout: timeout}
		if resp, err := client.Get(api.URL); !errors.Is(err, context.DeadlineExceeded) {
			if err == nil {
				resp.Body.Close()
			}
			t.Fatalf("request with a %v Timeout while the handler waits: %v, want context.DeadlineExceeded", timeout, err)
		}
	}
	handlerCtx := <-asked
	if err := handlerCtx.Err(); err != nil {
		t.Fatalf("the request's Timeout ended the handler's context too: %v", err)
	}
	if deadline, ok := handlerCtx.Deadline(); !ok || time.Until(deadline) < 4*time.Minute {
		t.Errorf("handler's deadline %v (set %v), want FlightTimeout's 5 minutes", deadline, ok)
	}
	close(typed)
	if _, err := auth.Token(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := cognito.Calls("InitiateAuth"); n != 1 {
		t.Errorf("%d logins, want the one the first request started", n)
	}
}
