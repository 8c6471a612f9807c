// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestRetryFaultInjectionEmulator runs 200 logins and 200 renewals, with
// token verification on, against the emulator while 30 % of the calls fail
// with a retryable error, and checks that every one succeeds.
func TestRetryFaultInjectionEmulator(t *testing.T) {
	// Seconds of SRP against its own emulator, on the emulator's clock,
	// and nothing timed on the wall clock: it can share the CPU with the
	// other parallel tests.
	t.Parallel()
	if testing.Short() {
		t.Skip("400 SRP exchanges")
	}
	srv := cognitotest.NewServer(t, cognitotest.Config{Seed: 30})
	const password = "pw-alice-123"
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: password}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	jitter := rand.New(rand.NewPCG(1, 2))
	retry := cognitosrp.RetryPolicy{
		MaxAttempts: 8, BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond,
		Jitter: func(d time.Duration) time.Duration {
			mu.Lock()
			defer mu.Unlock()
			return time.Duration(jitter.Int64N(int64(d) + 1))
		},
	}
	kinds := []cognitotest.Fault{cognitotest.FaultInternalError, cognitotest.FaultTooManyRequests, cognitotest.FaultConnectionReset}
	verifier, err := cognitosrp.NewVerifier(srv.VerifierConfig())
	if err != nil {
		t.Fatal(err)
	}
	const n = 200
	for i := range n {
		srv.SetFailureRate(0.3, kinds[i%len(kinds)])
		cfg := srv.SessionConfig()
		cfg.Now, cfg.Verifier, cfg.Retry = srv.Now, verifier, retry
		sess, err := cognitosrp.NewSession(cfg, "alice")
		if err != nil {
			t.Fatal(err)
		}
		if err := sess.Authenticate(t.Context(), password); err != nil {
			t.Fatalf("login %d: %v", i, err)
		}
		first := sess.Tokens()
		srv.Advance(time.Hour)
		auth, err := cognitosrp.New(cognitosrp.Options{Session: sess})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := auth.Token(t.Context()); err != nil {
			t.Fatalf("renewal %d: %v", i, err)
		}
		if sess.Tokens() == first {
			t.Fatalf("renewal %d kept the expired tokens", i)
		}
	}
	srv.SetFailureRate(0, "")
	calls := srv.Calls("InitiateAuth") + srv.Calls("RespondToAuthChallenge")
	t.Logf("%d Cognito calls for %d logins and %d renewals", calls, n, n)
	if calls < 3*n*5/4 {
		t.Fatalf("only %d calls: too few failures to test the retries", calls)
	}
}

// TestRetryServiceUnavailableEmulator: a ServiceUnavailable that the
// emulator injects is answered with HTTP 503, as Cognito answers it, and
// the library retries it, as it would Cognito's (by the status: the type
// is none of Cognito's own).
func TestRetryServiceUnavailableEmulator(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	const password = "pw-alice-123"
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: password}); err != nil {
		t.Fatal(err)
	}
	cfg := srv.SessionConfig()
	cfg.Retry = cognitosrp.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}
	sess, err := cognitosrp.NewSession(cfg, "alice")
	if err != nil {
		t.Fatal(err)
	}
	// ServiceUnavailable (HTTP 503) by its status; ThrottlingException,
	// the AWS-wide throttling error (HTTP 400), by its type, as the AWS
	// SDKs retry it.
	for i, fault := range []cognitotest.Fault{"ServiceUnavailable", "ThrottlingException"} {
		srv.FailNext(2, fault, "InitiateAuth")
		if err := sess.Authenticate(t.Context(), password); err != nil {
			t.Fatalf("login through two %s answers: %v", fault, err)
		}
		if n := srv.Calls("InitiateAuth"); n != 3*(i+1) {
			t.Errorf("%s: %d InitiateAuth calls in all, want %d (two retries each)", fault, n, 3*(i+1))
		}
	}
}
