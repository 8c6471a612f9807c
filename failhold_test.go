// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// holdBounds returns the least and the longest wait after n failed logins
// or renewals in a row: 1 s doubling up to 30 s, lengthened at random by
// up to as much again, within the 30 s.
func holdBounds(n int) (least, longest time.Duration) {
	least = min(time.Second<<min(n-1, 5), 30*time.Second)
	return least, min(2*least, 30*time.Second)
}

// holdJitters are the Jitters that the tests of the hold's bounds run
// with, and which bound each ends the wait at: "random" (the default,
// math/rand/v2) anywhere from the least to the longest; one that draws
// nothing at the least, one that draws all of d at the longest; and one
// out of its range on either side, which is held to it.
var holdJitters = []struct {
	name         string
	jitter       func(time.Duration) time.Duration
	after, until int // held after the wait's bound [after] - 1 ms, not at [until] (0: least, 1: longest)
}{
	{"random", nil, 0, 1},
	{"least", func(time.Duration) time.Duration { return 0 }, 0, 0},
	{"longest", func(d time.Duration) time.Duration { return d }, 1, 1},
	{"below its range", func(time.Duration) time.Duration { return -time.Hour }, 0, 0},
	{"above its range", func(time.Duration) time.Duration { return time.Hour }, 1, 1},
}

// TestFailedLoginsHeldBack: a password that Cognito refuses does not turn
// every request into a login (Cognito locks a user out after a few wrong
// ones). After two failed logins in a row, needs get the last error at once
// until the wait (2 to 4 s after the second failure, doubling with each
// further one, at most 30 s) is over; then the session tries again by
// itself, and recovers once the password is right. An explicit
// Authenticate is not held back. The waits are never shorter than the
// doubling ones, nor longer than twice those or 30 s, whatever Jitter
// draws.
func TestFailedLoginsHeldBack(t *testing.T) {
	for _, c := range holdJitters {
		t.Run(c.name, func(t *testing.T) {
			clk := newFakeClock(testNow)
			f := newFakeCognito(t, clk.Now)
			s := newLifecycleSession(t, f, "wrong password", func(cfg *Config) { cfg.Retry.Jitter = c.jitter })
			failedLoginsHeldBack(t, clk, f, s, c.after, c.until)
		})
	}
}

// failedLoginsHeldBack runs TestFailedLoginsHeldBack with s, whose waits
// end after holdBounds(n)[after] and by holdBounds(n)[until].
func failedLoginsHeldBack(t *testing.T, clk *fakeClock, f *fakeCognito, s *Session, after, until int) {
	ctx := context.Background()
	need := func(want int) {
		t.Helper()
		if _, err := s.ValidTokens(ctx, AccessToken); !errors.Is(err, ErrNotAuthorized) {
			t.Fatalf("ValidTokens with a wrong password = %v, want ErrNotAuthorized", err)
		}
		if n := f.count("login"); n != want {
			t.Fatalf("%d logins, want %d", n, want)
		}
	}
	need(1)
	for range 20 {
		need(2) // the first failure alone is not held
	}
	// A held need makes no call, so an ended ctx changes nothing: it
	// gets the held error too, not ctx's (ValidTokens' doc).
	ended, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.ValidTokens(ended, AccessToken); !errors.Is(err, ErrNotAuthorized) || errors.Is(err, context.Canceled) {
		t.Fatalf("ValidTokens with an ended ctx during the hold = %v, want the held ErrNotAuthorized", err)
	}
	for n := 2; n < 10; n++ { // the waits double up to their cap
		least, longest := holdBounds(n)
		bound := [2]time.Duration{least, longest}
		clk.Advance(bound[after] - time.Millisecond)
		need(n)
		clk.Advance(bound[until] - bound[after] + time.Millisecond)
		need(n + 1)
	}

	// The administrator sets the password the session has.
	f.addUser(f.user, f.user, "wrong password")
	need(10)
	clk.Advance(30 * time.Second)
	if _, err := s.ValidTokens(ctx, AccessToken); err != nil {
		t.Fatalf("ValidTokens once the password is right: %v", err)
	}

	// Authenticate is a program's explicit request: never held back.
	held := newLifecycleSession(t, f, "not it", nil)
	for range 3 {
		held.ValidTokens(ctx, AccessToken)
	}
	if err := held.Authenticate(ctx, "wrong password"); err != nil {
		t.Fatalf("Authenticate while needs are held back: %v", err)
	}
}

// TestFailureHoldsSpread: sessions whose logins failed at the same moment,
// as replicas of a service do when Cognito throttles them together, are
// held back for waits of different lengths, each within its bounds, and
// so do not all try again at the same moment, to be throttled together
// again (TestPodRolloutThrottled, "retries off"). Their waits were all
// exactly 2 s. (Ten draws from the 10⁹ + 1 waits in [2 s, 4 s], 2 ns
// apart, collide with odds of about 5·10⁻⁸.)
func TestFailureHoldsSpread(t *testing.T) {
	clk := newFakeClock(testNow)
	f := newFakeCognito(t, clk.Now)
	least, longest := holdBounds(2)
	waits := make(map[time.Duration]bool)
	for range 10 {
		s := newLifecycleSession(t, f, "wrong password", nil)
		for range 2 {
			s.ValidTokens(context.Background(), AccessToken)
		}
		wait := time.Duration(s.retryAt.Load() - clk.Now().UnixNano())
		if wait < least || wait > longest {
			t.Fatalf("held for %v after two failures, want %v to %v", wait, least, longest)
		}
		waits[wait] = true
	}
	if len(waits) != 10 {
		t.Fatalf("10 sessions failing together held for %d different waits, want 10: %v", len(waits), waits)
	}
}

// TestJitterMayCallSession: RetryPolicy.Jitter, the caller's code, which
// draws the failure hold's random part, is called out of the session's
// lock, so it may call the session (here ValidTokens, which takes the
// lock) without a deadlock.
func TestJitterMayCallSession(t *testing.T) {
	clk := newFakeClock(testNow)
	f := newFakeCognito(t, clk.Now)
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	var s *Session
	var calls, stuck atomic.Int32
	s = newLifecycleSession(t, f, "wrong password", func(cfg *Config) {
		cfg.Retry.Jitter = func(d time.Duration) time.Duration {
			calls.Add(1)
			done := make(chan struct{})
			go func() { s.ValidTokens(ended, AccessToken); close(done) }()
			select {
			case <-done:
			case <-time.After(2 * time.Second): // not answered until Jitter returns
				stuck.Add(1)
			}
			return d
		}
	})
	if _, err := s.ValidTokens(context.Background(), AccessToken); !errors.Is(err, ErrNotAuthorized) {
		t.Fatalf("ValidTokens = %v, want ErrNotAuthorized", err)
	}
	if calls.Load() == 0 || stuck.Load() != 0 {
		t.Fatalf("Jitter called %d times, its call to the session stuck in %d", calls.Load(), stuck.Load())
	}
}

// TestFailedRenewalsHeldBack: a failing Cognito is not asked again by
// every request that finds no usable token either: after two failed
// renewals in a row, needs get the last error at once until the wait is
// over, and the session recovers by itself once Cognito does.
func TestFailedRenewalsHeldBack(t *testing.T) {
	clk, f, s, first := loggedIn(t, nil)
	f.failRenewals(1000)
	clk.Advance(2 * time.Hour)
	ctx := context.Background()
	for range 20 {
		_, err := s.ValidTokens(ctx, AccessToken)
		var ae *APIError
		if !errors.As(err, &ae) || !ae.Temporary() {
			t.Fatalf("ValidTokens with Cognito failing = %v, want its temporary APIError", err)
		}
	}
	if n := f.count(FlowRefreshTokenAuth); n != 2 {
		t.Fatalf("%d renewals, want 2", n)
	}
	f.failRenewals(0)
	_, longest := holdBounds(2)
	clk.Advance(longest)
	if got, err := s.ValidTokens(ctx, AccessToken); err != nil || got == first {
		t.Fatalf("ValidTokens once Cognito works = %v, %v; want renewed tokens", got, err)
	}
	// A success ends the waits: the next failure is not held.
	f.failRenewals(1)
	clk.Advance(2 * time.Hour)
	s.ValidTokens(ctx, AccessToken)
	if _, err := s.ValidTokens(ctx, AccessToken); err != nil {
		t.Fatalf("ValidTokens after one failure since a success: %v", err)
	}
}

// heldSession returns a session with a wrong password whose failure is
// held: two logins failed, and a third need got the error without one.
func heldSession(t *testing.T) (*fakeCognito, *Session) {
	t.Helper()
	f := newFakeCognito(t, newFakeClock(testNow).Now)
	s := newLifecycleSession(t, f, "wrong password", nil)
	for range 3 {
		s.ValidTokens(context.Background(), AccessToken)
	}
	if n := f.count("login"); n != 2 {
		t.Fatalf("%d logins for 3 needs with a wrong password, want 2", n)
	}
	return f, s
}

// TestHeldFailureNotAfterSignOut: a failure held back is that of one
// epoch: after a sign-out (or SetTokens(nil)) the next need asks Cognito
// at once, although the session had no tokens before either.
func TestHeldFailureNotAfterSignOut(t *testing.T) {
	for _, c := range []struct {
		name string
		out  func(*Session)
	}{
		{"SetTokens(nil)", func(s *Session) { s.SetTokens(nil) }},
		{"SignOut", func(s *Session) { s.SignOut(context.Background()) }},
	} {
		f, s := heldSession(t)
		c.out(s)
		s.ValidTokens(context.Background(), AccessToken)
		if n := f.count("login"); n != 3 {
			t.Errorf("%d logins, want 3: one after %s", n, c.name)
		}
	}
}

// TestHeldFailureNotAfterClose: a closed session's needs fail with
// ErrClosed, as Close says, also while a failure is held: the held error
// would tell the program to fix a password when the session has stopped.
func TestHeldFailureNotAfterClose(t *testing.T) {
	_, s := heldSession(t)
	s.Close()
	if _, err := s.ValidTokens(context.Background(), AccessToken); !errors.Is(err, ErrClosed) {
		t.Fatalf("ValidTokens after Close while a failure is held = %v, want ErrClosed", err)
	}
}

// TestHeldFailureBesideSignOut: a need answered with the failure held
// back reads it under s.mu. It read the failed flight after unlocking,
// while a sign-out, SetTokens, Authenticate or a flight's end may clear or
// replace it under the lock: a data race (go test -race fails here;
// TestStressSessionModel did once in a while), and a need that read it
// just after a clear dereferenced a nil flight, a panic in the caller's
// request. The clock, read under the lock by the hold's check, starts
// SetTokens(nil) there: it takes the lock as soon as the need lets go.
func TestHeldFailureBesideSignOut(t *testing.T) {
	clk := newFakeClock(testNow)
	var hook atomic.Pointer[func()]
	f := newFakeCognito(t, clk.Now)
	s := newLifecycleSession(t, f, "wrong password", func(c *Config) {
		c.Now = func() time.Time {
			if h := hook.Swap(nil); h != nil {
				go (*h)()
			}
			return clk.Now()
		}
	})
	for range 20 {
		for range 2 { // two failures since the last clear: the next is held
			s.ValidTokens(context.Background(), AccessToken)
		}
		cleared := make(chan struct{})
		clear := func() { s.SetTokens(nil); close(cleared) }
		hook.Store(&clear)
		if _, err := s.ValidTokens(context.Background(), AccessToken); err == nil {
			t.Fatal("a need with a wrong password succeeded")
		}
		<-cleared
	}
}

// TestFailureCountRestarts: the failures in a row are those since the
// session last got or lost its tokens. After a sign-out, SetTokens or
// Authenticate, a single failure is not held again, however many failed
// before (each of which would otherwise hold it for up to 30 s).
func TestFailureCountRestarts(t *testing.T) {
	clk := newFakeClock(testNow)
	f := newFakeCognito(t, clk.Now)
	s := newLifecycleSession(t, f, "wrong password", nil)
	ctx := context.Background()
	fail := func() {
		for range 8 { // up to the longest wait
			s.ValidTokens(ctx, AccessToken)
			clk.Advance(maxRetryAfterFailure)
		}
	}
	fail()
	s.SetTokens(nil)
	n := f.count("login")
	for range 3 {
		s.ValidTokens(ctx, AccessToken)
	}
	if got := f.count("login") - n; got != 2 {
		t.Fatalf("%d logins for 3 needs after SetTokens(nil), want 2: the first failure since is not held", got)
	}

	donor := newLifecycleSession(t, f, f.password, nil)
	good, err := donor.ValidTokens(ctx, AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	for _, renew := range []struct {
		name string
		set  func()
	}{
		{"SetTokens", func() { s.SetTokens(good) }},
		{"Authenticate", func() {
			if err := s.Authenticate(ctx, f.password); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		s.SetTokens(nil)
		fail()
		renew.set()
		clk.Advance(2 * time.Hour)
		f.failRenewals(1)
		if _, err := s.ValidTokens(ctx, AccessToken); err == nil {
			t.Fatalf("after %s: the renewal succeeded although Cognito failed it", renew.name)
		}
		if _, err := s.ValidTokens(ctx, AccessToken); err != nil {
			t.Fatalf("after %s: ValidTokens after one failed renewal: %v", renew.name, err)
		}
	}
}

// TestVoidedFlightNotAFailure: a login that a sign-out voided while it
// was in flight is not a failure of the session's: it does not count
// towards the two in a row that hold needs back, so a single failure
// after the sign-out is still not held.
func TestVoidedFlightNotAFailure(t *testing.T) {
	f := newFakeCognito(t, newFakeClock(testNow).Now)
	s := newLifecycleSession(t, f, "wrong password", nil)
	ctx := context.Background()
	entered, release := f.watch(), f.hold()
	done := needAsync(ctx, s)
	if call := <-entered; call != "login" {
		t.Fatalf("first call %q, want a login", call)
	}
	s.SetTokens(nil)
	<-done
	release()
	for range 2 {
		s.ValidTokens(ctx, AccessToken)
	}
	if n := f.count("login"); n != 3 {
		t.Fatalf("%d logins, want 3: the voided one, and one per need after it", n)
	}
}

// TestSupersededFlightNotAFailure: a renewal whose tokens SetTokens
// replaced while it was in flight is not a failure of the new tokens: a
// single failure of theirs after it is not held.
func TestSupersededFlightNotAFailure(t *testing.T) {
	clk, f, s, first := loggedIn(t, nil)
	clk.Advance(2 * time.Hour)
	f.failRenewals(1000)
	ctx := context.Background()
	entered, release := f.watch(), f.hold()
	done := needAsync(ctx, s)
	<-entered
	again := *first
	s.SetTokens(&again)
	release()
	<-done
	n := f.count(FlowRefreshTokenAuth)
	for range 2 {
		s.ValidTokens(ctx, AccessToken)
	}
	if got := f.count(FlowRefreshTokenAuth) - n; got != 2 {
		t.Fatalf("%d renewals for 2 needs of the tokens set, want 2: their first failure is not held", got)
	}
}

// TestHeldFailureYieldsToFlight: while a failure is held, a flight that
// runs anyway (Refresh is never held) is the newer answer: a need joins
// it and gets its tokens. It got the held error at once, although the
// renewal under way was about to succeed.
func TestHeldFailureYieldsToFlight(t *testing.T) {
	clk, f, s, first := loggedIn(t, nil)
	f.failRenewals(1000)
	clk.Advance(2 * time.Hour)
	ctx := context.Background()
	for range 3 {
		if _, err := s.ValidTokens(ctx, AccessToken); err == nil {
			t.Fatal("ValidTokens with Cognito failing succeeded")
		}
	}
	f.failRenewals(0)
	entered := f.watch()
	release := f.hold()
	waited := s.waits.Load()
	refreshed := make(chan error, 1)
	go func() { refreshed <- s.Refresh(ctx) }()
	<-entered // the Refresh is at Cognito, its answer held
	needed := make(chan error, 1)
	var got *Tokens
	go func() {
		var err error
		got, err = s.ValidTokens(ctx, AccessToken)
		needed <- err
	}()
	// Released once the need has joined the flight (the Refresh's caller
	// and it wait) or answered without it: released sooner, the need
	// could come after the Refresh's answer and pass without joining.
	for s.waits.Load() < waited+2 && len(needed) == 0 {
		time.Sleep(time.Millisecond)
	}
	release()
	if err := <-refreshed; err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if err := <-needed; err != nil || got == first {
		t.Fatalf("ValidTokens during a Refresh = %v, %v; want the Refresh's tokens", got, err)
	}
}

// TestHeldWaitCountsFromFailure: the wait counts from the failure, the
// end of the failed call, not from its start (README, Token lifecycle:
// "The waits count from each failure"): a renewal that Cognito answered
// 20 s late, with an error, still holds needs for 2 to 4 s after its
// answer.
func TestHeldWaitCountsFromFailure(t *testing.T) {
	clk, f, s, _ := loggedIn(t, nil)
	f.failRenewals(1000)
	clk.Advance(2 * time.Hour)
	ctx := context.Background()
	s.ValidTokens(ctx, AccessToken) // the first failure
	entered, release := f.watch(), f.hold()
	done := needAsync(ctx, s)
	<-entered
	clk.Advance(20 * time.Second) // Cognito answers late
	release()
	if err := <-done; err == nil {
		t.Fatal("ValidTokens with Cognito failing succeeded")
	}
	clk.Advance(2*time.Second - time.Millisecond)
	s.ValidTokens(ctx, AccessToken)
	if n := f.count(FlowRefreshTokenAuth); n != 2 {
		t.Fatalf("%d renewals, want 2: the third need came within 2 s of the second failure", n)
	}
	clk.Advance(2*time.Second + time.Millisecond) // 4 s: the longest wait
	s.ValidTokens(ctx, AccessToken)
	if n := f.count(FlowRefreshTokenAuth); n != 3 {
		t.Fatalf("%d renewals, want 3: the wait is over", n)
	}
}

// TestHeldFailureEndsAfterClockStepBack: the wait after failures ends
// within its 30 s whatever the wall clock does. A daemon that starts while
// Cognito is out of reach fails its first logins; NTP then steps the clock
// back an hour (a hardware clock kept in local time, say). Timed on the
// wall clock alone, the wait then lasted the hour and thirty seconds:
// every request failed with the old error long after Cognito was back.
func TestHeldFailureEndsAfterClockStepBack(t *testing.T) {
	clk := newFakeClock(testNow)
	f := newFakeCognito(t, clk.Now)
	s := newLifecycleSession(t, f, "wrong password", nil)
	ctx := context.Background()
	for range 3 {
		s.ValidTokens(ctx, AccessToken)
	}
	if n := f.count("login"); n != 2 {
		t.Fatalf("%d logins for 3 needs with a wrong password, want 2", n)
	}
	f.addUser(f.user, f.user, "wrong password") // the cause is mended
	clk.Advance(-time.Hour)
	if _, err := s.ValidTokens(ctx, AccessToken); err != nil {
		t.Fatalf("ValidTokens after the clock stepped back an hour: %v; want the wait over", err)
	}
}

// TestBackgroundHoldEndsAfterClockStepBack: the same for renewing ahead.
// Tokens in their renewal window whose background renewals failed are
// renewed again once the wait is over, not the size of a step back later.
func TestBackgroundHoldEndsAfterClockStepBack(t *testing.T) {
	clk, f, s, first := loggedIn(t, nil)
	clk.Advance(57 * time.Minute) // in the renewal window (from 54:30)
	f.failRenewals(1)
	ctx := context.Background()
	s.ValidTokens(ctx, AccessToken) // starts the renewal that fails
	settle(t, s)
	clk.Advance(-time.Minute) // still in the window
	s.ValidTokens(ctx, AccessToken)
	settle(t, s)
	if n := f.count(FlowRefreshTokenAuth); n != 2 || s.Tokens() == first {
		t.Errorf("renewals = %d, tokens renewed %v; want a background renewal once the wait is over",
			n, s.Tokens() != first)
	}
}

// TestBackgroundHoldLastsItsLongestWait: after failed background
// renewals, none starts before the wait is over, the longest (30 s)
// included: only a retryAt further ahead than that was set before the
// wall clock stepped back (TestBackgroundHoldEndsAfterClockStepBack). A
// clock that has not moved since the failure (a fixed Config.Now, a
// testing/synctest bubble) finds it exactly 30 s ahead: the wait after
// the sixth failure in a row, and the most that Jitter can lengthen one.
func TestBackgroundHoldLastsItsLongestWait(t *testing.T) {
	clk, f, s, _ := loggedIn(t, nil)
	clk.Advance(57 * time.Minute) // in the renewal window (from 54:30)
	f.failRenewals(1000)
	ctx := context.Background()
	for i := range 6 { // waits of at most 2, 4, 8, 16 and 30 s, then 30 s
		if i > 0 {
			_, longest := holdBounds(i)
			clk.Advance(longest)
		}
		s.ValidTokens(ctx, AccessToken)
		settle(t, s)
	}
	if n := f.count(FlowRefreshTokenAuth); n != 6 {
		t.Fatalf("%d renewals, want 6: one after each wait", n)
	}
	s.ValidTokens(ctx, AccessToken)
	settle(t, s)
	clk.Advance(maxRetryAfterFailure - time.Nanosecond)
	s.ValidTokens(ctx, AccessToken)
	settle(t, s)
	if n := f.count(FlowRefreshTokenAuth); n != 6 {
		t.Fatalf("%d renewals, want 6: the 30 s wait is not over", n)
	}
	clk.Advance(time.Nanosecond)
	s.ValidTokens(ctx, AccessToken)
	settle(t, s)
	if n := f.count(FlowRefreshTokenAuth); n != 7 {
		t.Fatalf("%d renewals, want 7: the wait is over", n)
	}
}
