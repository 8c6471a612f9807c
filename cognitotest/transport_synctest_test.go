// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build go1.25

package cognitotest_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gocognito/cognitosrp"
)

// TestTransportInBubble: what Transport is for. In a testing/synctest
// bubble, an Auth lives through three days of one-hour tokens in
// milliseconds of real time, renewing each token ahead of its expiry, with
// no call to Cognito between renewals, and leaves no goroutine behind.
func TestTransportInBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv, opts := memoryServer(t)
		auth, err := cognitosrp.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		defer auth.Close()
		ctx := context.Background()
		start := time.Now()
		for time.Since(start) < 72*time.Hour {
			tok, err := auth.Token(ctx)
			if err != nil {
				t.Fatalf("Token after %v: %v", time.Since(start), err)
			}
			claims, err := srv.VerifyAccessToken(tok)
			if err != nil {
				t.Fatalf("after %v the emulator refuses the token: %v", time.Since(start), err)
			}
			if left := claims.Expiry.Sub(time.Now()); left < time.Minute {
				t.Fatalf("after %v the token has %v left", time.Since(start), left)
			}
			time.Sleep(10 * time.Minute)
			synctest.Wait() // a renewal ahead of expiry has ended
		}
		// One login, then a renewal an hour: 72 tokens in 72 hours, give
		// or take the last (not one per request: there were 432).
		if n := srv.Calls("InitiateAuth"); n < 71 || n > 73 {
			t.Errorf("%d InitiateAuth calls in 3 days of 1 h tokens, want 71 to 73", n)
		}
	})
}
