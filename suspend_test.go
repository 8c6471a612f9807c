// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"
)

// This file lets tests see what a machine that slept sees. On Linux the
// monotonic clock stops while the machine is suspended (and while a VM is
// paused), the wall clock does not: afterwards time.Now returns a wall
// reading hours later than its monotonic reading says, and t.Sub between
// two such readings counts only the time awake. No public API makes such
// a time.Time, so wallAhead edits one.

// timeLayout is the runtime's layout of a time.Time: with hasMonotonic
// set in wall, its bits 30 to 62 are the seconds since 1885 and ext is the
// monotonic reading.
type timeLayout struct {
	wall uint64
	ext  int64
	loc  *time.Location
}

// wallAhead returns t with its wall reading d later (whole seconds) and its
// monotonic reading unchanged: what time.Now returns after the machine
// slept for d. It fails the test's premise (skips) if t has no monotonic
// reading or the layout is not the one expected.
func wallAhead(tb testing.TB, t time.Time, d time.Duration) time.Time {
	tb.Helper()
	const hasMonotonic = 1 << 63
	orig := t
	l := (*timeLayout)(unsafe.Pointer(&t))
	if unsafe.Sizeof(t) != unsafe.Sizeof(timeLayout{}) || l.wall&hasMonotonic == 0 || d%time.Second != 0 {
		tb.Skip("cannot make a time.Time whose wall and monotonic readings differ")
	}
	l.wall += uint64(d/time.Second) << 30
	if !t.Round(0).Equal(orig.Round(0).Add(d)) || t.Sub(orig) != 0 {
		tb.Skip("time.Time's layout is not the one expected")
	}
	return t
}

// sleepClock is a clock of real time.Now readings, monotonic reading
// included, that a test moves forward while the machine is asleep
// (Sleep: the wall reading only).
type sleepClock struct {
	tb    testing.TB
	mu    sync.Mutex
	base  time.Time // a time.Now reading
	slept time.Duration
}

// newSleepClock returns a sleepClock reading time.Now. It must be called
// on the test's goroutine: it checks there that wallAhead works, since
// Now, whose first reading after a Sleep may come from a server's or a
// flight's goroutine, cannot skip the test from there (Skip would end
// that goroutine alone, and the test would wait for it until it timed
// out).
func newSleepClock(tb testing.TB) *sleepClock {
	tb.Helper()
	base := time.Now()
	wallAhead(tb, base, time.Hour)
	return &sleepClock{tb: tb, base: base}
}

func (c *sleepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return wallAhead(c.tb, c.base, c.slept)
}

func (c *sleepClock) Sleep(d time.Duration) {
	if d%time.Second != 0 {
		// wallAhead moves the wall reading by whole seconds, and would
		// skip from whichever goroutine reads the clock next (a server's,
		// where Skip hangs the test): misuse fails here, at once.
		panic("sleepClock.Sleep: not a whole number of seconds")
	}
	c.mu.Lock()
	c.slept += d
	c.mu.Unlock()
}

// TestSleepClock checks the premise of the tests below: after Sleep, the
// clock's readings are apart on the wall clock and not on the monotonic
// one.
func TestSleepClock(t *testing.T) {
	c := newSleepClock(t)
	before := c.Now()
	c.Sleep(2 * time.Hour)
	after := c.Now()
	if got := after.Sub(before); got != 0 {
		t.Errorf("monotonic: %v apart, want 0", got)
	}
	if got := after.Round(0).Sub(before.Round(0)); got != 2*time.Hour {
		t.Errorf("wall: %v apart, want 2h", got)
	}
}

// TestKeyLifetimeCountsSleep: a key set fetched before the machine slept
// past KeyLifetime is fetched again at the next verification, so that a
// key the pool dropped meanwhile stops verifying tokens, as KeyLifetime
// promises. Counted on the monotonic clock alone, the time asleep did not
// count, and a laptop that resumed (or a VM restored from a snapshot)
// trusted the old key set for up to another KeyLifetime.
func TestKeyLifetimeCountsSleep(t *testing.T) {
	srv := newJWKSServer(t, jwkOf(testKid, testKey()))
	clock := newSleepClock(t)
	v := newTestVerifier(t, srv, nil, func(c *VerifierConfig) { c.Now = clock.Now })
	token := func() string { return signRS256(testKey(), rsHeader(testKid), accessClaims(clock.Now())) }
	if _, err := v.Verify(context.Background(), token()); err != nil {
		t.Fatal(err)
	}
	srv.setKeys(jwkOf("kid-2", otherKey())) // the pool drops the key
	clock.Sleep(DefaultKeyLifetime + time.Minute)
	if _, err := v.Verify(context.Background(), token()); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("dropped key, key set fetched %v ago (asleep): %v, want ErrUnknownKey", DefaultKeyLifetime+time.Minute, err)
	}
	if n := srv.fetches.Load(); n != 2 {
		t.Fatalf("%d fetches, want 2", n)
	}
}

// TestClockOffsetIgnoresSleepDuringCall: a renewal during which the
// machine slept (its answer came after the resume, with an iat hours past
// the request's sending on the wall clock, but no time later on the
// monotonic one) teaches no clock offset: both clocks kept Cognito's
// time. Measured on the monotonic clock, the call seemed instant, the
// session learnt an offset of the time asleep, took its fresh tokens for
// expired and renewed them again at the next request.
func TestClockOffsetIgnoresSleepDuringCall(t *testing.T) {
	clock := newSleepClock(t)
	f := newFakeCognito(t, clock.Now)
	var asleep atomic.Bool
	s := newLifecycleSession(t, f, f.password, func(c *Config) {
		c.Now = clock.Now
		c.HTTPClient = &http.Client{Transport: RoundTripFunc(func(r *http.Request) (*http.Response, error) {
			if asleep.Swap(false) {
				clock.Sleep(8 * time.Hour) // the lid closes as the request goes out
			}
			return http.DefaultTransport.RoundTrip(r)
		})}
	})
	ctx := context.Background()
	if _, err := s.ValidTokens(ctx, AccessToken); err != nil {
		t.Fatal(err)
	}
	asleep.Store(true)
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if off := s.ClockOffset(); off != 0 {
		t.Errorf("ClockOffset = %v after a renewal the machine slept through, want 0", off)
	}
	if _, err := s.ValidTokens(ctx, AccessToken); err != nil {
		t.Fatal(err)
	}
	settle(t, s)
	if n := f.count(FlowRefreshTokenAuth); n != 1 {
		t.Errorf("%d renewals, want 1: the fresh tokens were renewed again", n)
	}
}

// TestExpiresInCountsSleep: the expiry of a token without exp, reckoned
// from ExpiresIn, is a wall-clock instant like any exp: once the machine
// has slept past it, the token is due for renewal and no longer valid.
// Reckoned from a time.Now reading that kept its monotonic reading (the
// session's clock on every platform but linux/amd64, or Config.Now), the
// expiry kept it too, comparisons with it counted only the time awake,
// and the session sent the expired token after the resume.
func TestExpiresInCountsSleep(t *testing.T) {
	clock := newSleepClock(t)
	f := newFakeCognito(t, clock.Now)
	s := newLifecycleSession(t, f, "", func(c *Config) { c.Now = clock.Now })
	now := clock.Now()
	res := forgeResult(with(accessClaims(now), "exp", nil), with(idClaims(now), "exp", nil), 3600)
	tok, err := s.acceptTokens(context.Background(), res, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	s.SetTokens(tok)
	clock.Sleep(2 * time.Hour)
	if !s.RenewalDue(AccessToken) {
		t.Error("RenewalDue = false for a token that expired while the machine slept")
	}
	if tok.ValidAt(AccessToken, clock.Now(), 0) {
		t.Error("ValidAt = true for a token that expired while the machine slept")
	}
}

// TestRetryOn401SpacingCountsSleep: the spacing of renewals forced by an
// API's 401s (minForcedInterval) counts the time the machine slept. Timed
// on the monotonic clock, which stops during a suspend, a forced renewal
// just before the lid closed refused the next one after the resume, a
// minute later, as if it had been a moment ago, and the request got the
// 401. (A sleep past the tokens' lifetime renews them anyway, unforced.)
func TestRetryOn401SpacingCountsSleep(t *testing.T) {
	clock := newSleepClock(t)
	f := newFakeCognito(t, clock.Now)
	a, _, _ := authOn(t, f, Options{})
	f.set(func(f *fakeCognito) { f.rejectAll = true })
	for i, want := range []int{1, 2} {
		if i == 1 {
			clock.Sleep(time.Minute)
		}
		req, _ := http.NewRequest("GET", f.api.URL, nil)
		if code, _ := send(t, a, req); code != http.StatusUnauthorized {
			t.Fatalf("request %d: got %d, want 401", i, code)
		}
		if n := f.count(FlowRefreshTokenAuth); n != want {
			t.Fatalf("after request %d: %d renewals, want %d", i, n, want)
		}
	}
}
