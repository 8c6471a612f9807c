// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"testing"
	"time"
)

// TestNoStaleTokensFromAFinishedFlight holds a finished login flight in its
// persisting step (OnTokens blocks) while its tokens expire, and checks that
// a caller needing fresh tokens does not get the expired ones back from it.
// The fault-injection test found this: a renewal joined the previous
// flight, which was still saving, and the request went out with the token
// that had just expired.
func TestNoStaleTokensFromAFinishedFlight(t *testing.T) {
	clock := newFakeClock(testNow)
	f := newSRPFake(t, clock.Now)
	f.addUser("user@example.com", "internal-user", "correct horse battery staple")
	release := make(chan struct{})
	first := true
	s := fakeSession(t, f, clock, func(c *Config) {
		c.OnTokens = func(*Tokens) {
			if first { // only the flight goroutine of the login gets here
				first = false
				<-release
			}
		}
	})
	ctx := context.Background()
	t1, err := s.ValidTokens(ctx, AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	clock.Advance(f.ttl) // t1 has expired; the login flight still persists it
	go func() {
		time.Sleep(50 * time.Millisecond)
		close(release)
	}()
	t2, err := s.ValidTokens(ctx, AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if t2 == t1 || !clock.Now().Before(t2.AccessExpiry) {
		t.Fatalf("got tokens expiring at %v at %v", t2.AccessExpiry, clock.Now())
	}
}
