// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"runtime"
	"testing"
	"time"
)

// TestNoDroppedTokensFromAFinishedFlight: tokens dropped with
// SetTokens(nil) while the flight that issued them is still saving them
// must not come back from that flight: the next caller logs in anew. (The
// challenge fixtures, which force a new login this way, found it.)
func TestNoDroppedTokensFromAFinishedFlight(t *testing.T) {
	f := newFakeCognito(t, nil)
	store := newSlowSaveStore()
	s := newLifecycleSession(t, f, f.password, func(c *Config) { c.Store = store })

	firstc := make(chan *Tokens, 1)
	go func() {
		t1, err := s.ValidTokens(context.Background(), AccessToken)
		if err != nil {
			t.Error(err)
		}
		firstc <- t1
	}()
	<-store.saving // the login's tokens are out; the flight is saving them
	first := <-firstc
	dropped := make(chan struct{})
	go func() {
		defer close(dropped)
		s.SetTokens(nil) // drops the tokens at once, then waits to persist that
	}()
	for s.Tokens() != nil {
		time.Sleep(time.Millisecond)
	}
	// The save stays held until ValidTokens has answered, so the flight is
	// still saving whatever the scheduler does.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, err := s.ValidTokens(ctx, AccessToken)
	close(store.release)
	if err != nil {
		t.Fatal(err)
	}
	<-dropped
	settle(t, s)
	if got == first || got.AccessToken == first.AccessToken {
		t.Fatal("ValidTokens after SetTokens(nil) returned the dropped tokens of a finished flight")
	}
	if s.Tokens() != got {
		t.Error("the session does not hold the tokens it handed out")
	}
}

// TestFlightRetiredWithItsTokens: a flight stops being joinable in the
// critical section that installs its tokens. Were it still s.flight once
// its tokens are in, a caller that came just after a SignOut (or a
// SetTokens of unusable tokens) would join it and be handed the tokens
// just forgotten. The window is a few instructions wide: a goroutine
// takes s.mu over and over to look into it, while another runs the
// garbage collector, whose write barriers slow the flight down there.
func TestFlightRetiredWithItsTokens(t *testing.T) {
	f := newFakeCognito(t, nil)
	s := newLifecycleSession(t, f, "", nil)
	stopGC := make(chan struct{})
	defer close(stopGC)
	go func() {
		for {
			select {
			case <-stopGC:
				return
			default:
				runtime.GC()
			}
		}
	}()
	for i := range 500 {
		next := &Tokens{AccessToken: "a", RefreshToken: "r"}
		release := make(chan struct{})
		o := func(*Session, context.Context, *Tokens, string) (*Tokens, error) {
			<-release
			return next, nil
		}
		s.mu.Lock()
		fl := s.startFlight(context.Background(), s.tokens.Load(), "test", o)
		s.mu.Unlock()
		joinable := make(chan bool)
		go func() {
			for {
				s.mu.Lock()
				if s.tokens.Load() == next {
					j := s.flight == fl
					s.mu.Unlock()
					joinable <- j
					return
				}
				s.mu.Unlock()
			}
		}()
		close(release)
		if <-joinable {
			t.Fatalf("round %d: the flight could still be joined after its tokens were installed", i)
		}
		settle(t, s)
	}
}

// TestNeedAfterSetTokensRenewsThem: a need that comes after SetTokens
// replaced the tokens of a renewal in flight is served from the tokens set,
// not by that renewal, whose result the session discards: ValidTokens got
// tokens renewed from the replaced ones, which the session never held, and
// Refresh returned nil having renewed nothing of the session's.
func TestNeedAfterSetTokensRenewsThem(t *testing.T) {
	for _, need := range []struct {
		name string
		do   func(*Session) (*Tokens, error)
	}{
		{"ValidTokens", func(s *Session) (*Tokens, error) { return s.ValidTokens(context.Background(), AccessToken) }},
		{"Refresh", func(s *Session) (*Tokens, error) { err := s.Refresh(context.Background()); return s.Tokens(), err }},
	} {
		t.Run(need.name, func(t *testing.T) {
			f, s, set := dueWithOtherTokens(t)
			entered := f.watch()
			release := f.hold()
			go s.ValidTokens(context.Background(), AccessToken)
			<-entered // the renewal of the first tokens reached Cognito
			s.SetTokens(set)
			type result struct {
				t   *Tokens
				err error
			}
			got := make(chan result, 1)
			waited := s.waits.Load()
			go func() {
				t, err := need.do(s)
				got <- result{t, err}
			}()
			waitersAtLeast(t, s, waited+1) // it found the renewal
			release()
			r := <-got
			settle(t, s)
			if r.err != nil || r.t != s.Tokens() || r.t == set || r.t.RefreshToken != set.RefreshToken {
				t.Errorf("after SetTokens: %v; want the session's tokens renewed from those set", r.err)
			}
		})
	}
}

// TestVoidedFlightDoesNotRunBesideItsSuccessor: a flight started after
// SetTokens replaced the tokens of one in progress waits for that one to
// end before it calls Cognito, and the voided one, ending, leaves it the
// session's flight, for later needs to join: ops never run at once, and
// three needs make two renewals.
func TestVoidedFlightDoesNotRunBesideItsSuccessor(t *testing.T) {
	f, s, set := dueWithOtherTokens(t)
	entered := f.watch()
	noOtherCall := func(when string) {
		t.Helper()
		select {
		case c := <-entered:
			t.Fatalf("%s: %s reached Cognito while another op ran", when, c)
		case <-time.After(100 * time.Millisecond):
		}
	}
	need := make(chan error, 3)
	do := func() {
		go func() {
			_, err := s.ValidTokens(context.Background(), AccessToken)
			need <- err
		}()
	}
	base := s.waits.Load()
	releaseFirst := f.hold()
	do() // the first flight, renewing the first tokens
	<-entered
	s.SetTokens(set)
	do() // the second, from the tokens set: waits for the first
	waitersAtLeast(t, s, base+2)
	noOtherCall("the first renewal held")
	releaseSecond := f.hold() // for the second flight's call
	releaseFirst()
	<-entered // the second flight's renewal
	do()      // joins the second flight
	waitersAtLeast(t, s, base+3)
	noOtherCall("the second renewal held")
	releaseSecond()
	for range 3 {
		if err := <-need; err != nil {
			t.Error(err)
		}
	}
	settle(t, s)
	if n := f.count(FlowRefreshTokenAuth); n != 2 {
		t.Errorf("%d renewals, want 2", n)
	}
}

// waitersAtLeast waits until n callers of s have waited for Cognito in all
// (Session.waits), so that a test knows a need has found the flight it
// should join or follow.
func waitersAtLeast(t *testing.T, s *Session, n int64) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); s.waits.Load() < n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d callers waited for Cognito, want %d", s.waits.Load(), n)
		}
	}
}

// dueWithOtherTokens returns a logged-in session and the same user's tokens
// from another login, for SetTokens, with the clock moved on so that both
// are due for renewal.
func dueWithOtherTokens(t *testing.T) (*fakeCognito, *Session, *Tokens) {
	t.Helper()
	clk, f, s, _ := loggedIn(t, nil)
	other := newLifecycleSession(t, f, f.password, func(c *Config) { c.Now = clk.Now })
	set, err := other.ValidTokens(context.Background(), AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	settle(t, other)
	clk.Advance(2 * time.Hour)
	return f, s, set
}
