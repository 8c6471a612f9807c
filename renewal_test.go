// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// revoke kills a refresh token at the fake, as RevokeToken or its expiry
// would.
func (f *fakeCognito) revoke(rt string) {
	f.set(func(f *fakeCognito) { delete(f.refresh, rt) })
}

// passwordless returns a session without a password that holds tokens
// logged in on the fake (by another session, now closed), on its clock.
func passwordless(t *testing.T) (*fakeClock, *fakeCognito, *Session, *Tokens) {
	t.Helper()
	clk, f, donor, first := loggedIn(t, nil)
	donor.Close()
	s := newLifecycleSession(t, f, "", func(c *Config) { c.Now = clk.Now })
	s.SetTokens(first)
	return clk, f, s, first
}

// failRenewals makes the fake fail its next n renewals (REFRESH_TOKEN_AUTH).
func (f *fakeCognito) failRenewals(n int) {
	f.set(func(f *fakeCognito) { f.failNext[FlowRefreshTokenAuth] = n })
}

// live reports whether the fake still honours the refresh token rt.
func (f *fakeCognito) live(rt string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.refresh[rt] != nil
}

func TestDeadRefreshTokenWithPassword(t *testing.T) {
	clk, f, s, first := loggedIn(t, nil)
	f.revoke(first.RefreshToken)
	clk.Advance(time.Hour)
	got, err := s.ValidTokens(context.Background(), AccessToken)
	if err != nil {
		t.Fatalf("ValidTokens: %v; want a new login", err)
	}
	if f.count("login") != 2 || f.count(FlowRefreshTokenAuth) != 1 {
		t.Errorf("logins %d, renewals %d; want 2 and 1", f.count("login"), f.count(FlowRefreshTokenAuth))
	}
	if got.RefreshToken == first.RefreshToken {
		t.Error("kept the dead refresh token")
	}
}

func TestDeadRefreshTokenWithoutPassword(t *testing.T) {
	clk, f, s, first := passwordless(t)
	f.revoke(first.RefreshToken)
	clk.Advance(time.Hour)

	_, err := s.ValidTokens(context.Background(), AccessToken)
	var lr *LoginRequiredError
	if !errors.Is(err, ErrLoginRequired) || !errors.As(err, &lr) || !errors.Is(err, ErrNotAuthorized) {
		t.Fatalf("err = %v; want a *LoginRequiredError matching ErrLoginRequired and ErrNotAuthorized", err)
	}
	if !strings.Contains(err.Error(), "must log in again") {
		t.Errorf("message %q does not say to log in again", err)
	}
	// The session knows the refresh token is dead: no second call.
	_, err2 := s.ValidTokens(context.Background(), AccessToken)
	if !errors.Is(err2, ErrLoginRequired) || f.count(FlowRefreshTokenAuth) != 1 {
		t.Errorf("second call: %v after %d renewals; want ErrLoginRequired without asking again", err2, f.count(FlowRefreshTokenAuth))
	}
	// Logging in explicitly brings the session back.
	if err := s.Authenticate(context.Background(), f.password); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ValidTokens(context.Background(), AccessToken); err != nil {
		t.Errorf("after Authenticate: %v", err)
	}
}

func TestNoTokensNoPassword(t *testing.T) {
	f := newFakeCognito(t, nil)
	s := newLifecycleSession(t, f, "", nil)
	if _, err := s.ValidTokens(context.Background(), IDToken); !errors.Is(err, ErrLoginRequired) {
		t.Fatalf("err = %v, want ErrLoginRequired", err)
	}
	if err := s.Refresh(context.Background()); !errors.Is(err, ErrLoginRequired) {
		t.Fatalf("Refresh: %v, want ErrLoginRequired", err)
	}
}

// TestRotationRefusedNamesTheSetting: REFRESH_TOKEN_AUTH on a rotating app
// client fails with an error that names the setting to change.
func TestRotationRefusedNamesTheSetting(t *testing.T) {
	clk, f, s, _ := loggedIn(t, nil)
	f.set(func(f *fakeCognito) { f.rotate = true })
	clk.Advance(time.Hour)
	_, err := s.ValidTokens(context.Background(), AccessToken)
	if !errors.Is(err, ErrRefreshFlowNotEnabled) || !errors.Is(err, ErrInvalidParameter) {
		t.Fatalf("err = %v; want ErrRefreshFlowNotEnabled wrapping Cognito's InvalidParameterException", err)
	}
	if !strings.Contains(err.Error(), "RefreshMethod") || !strings.Contains(err.Error(), "RefreshWithGetTokens") {
		t.Errorf("message %q does not name the setting", err)
	}
	if f.count("login") != 1 {
		t.Error("a configuration error led to a new login")
	}
}

// TestRotation: with GetTokensFromRefreshToken each renewal replaces the
// refresh token, the store and the callback see the new one, and the next
// renewal uses it.
func TestRotation(t *testing.T) {
	var seen []*Tokens
	store := new(MemoryStore)
	clk, f, s, first := loggedIn(t, func(c *Config) {
		c.RefreshMethod = RefreshWithGetTokens
		c.Store = store
		c.OnTokens = func(t *Tokens) { seen = append(seen, t) }
	})
	f.set(func(f *fakeCognito) { f.rotate = true })
	prev := first
	for i := range 3 {
		clk.Advance(time.Hour)
		got, err := s.ValidTokens(context.Background(), AccessToken)
		if err != nil {
			t.Fatalf("renewal %d: %v", i+1, err)
		}
		settle(t, s)
		if got.RefreshToken == prev.RefreshToken || got.RefreshToken == "" {
			t.Fatalf("renewal %d kept the old refresh token", i+1)
		}
		if stored, _ := store.Load(context.Background()); stored != got {
			t.Errorf("renewal %d: store holds other tokens", i+1)
		}
		prev = got
	}
	if n := f.count("GetTokensFromRefreshToken"); n != 3 {
		t.Errorf("GetTokensFromRefreshToken calls = %d, want 3", n)
	}
	if f.count(FlowRefreshTokenAuth) != 0 || f.count("login") != 1 {
		t.Error("rotation fell back to another flow")
	}
	if len(seen) != 4 || seen[3] != prev {
		t.Errorf("OnTokens saw %d changes, want 4 ending with the latest", len(seen))
	}
}

func TestUnknownRefreshMethod(t *testing.T) {
	f := newFakeCognito(t, nil)
	cfg := f.config()
	cfg.RefreshMethod = "REFRESH_TOKEN"
	if _, err := NewSession(cfg, f.user); err == nil {
		t.Fatal("NewSession accepted an unknown RefreshMethod")
	}
}

// driftingSession returns a session whose clock is off Cognito's by skew,
// holding a refresh token only, so that its first use asks Cognito for
// fresh tokens. (A login would not do: the SRP TIMESTAMP stays on the
// local clock, which Cognito refuses when it is this far off.)
func driftingSession(t *testing.T, skew time.Duration) (*fakeClock, *fakeCognito, *Session, *Auth) {
	clk, f, donor, first := loggedIn(t, nil)
	donor.Close()
	f.set(func(f *fakeCognito) { f.lifetime = 5 * time.Minute })
	s := newLifecycleSession(t, f, "", func(c *Config) {
		c.Now = func() time.Time { return clk.Now().Add(skew) }
	})
	s.SetTokens(&Tokens{RefreshToken: first.RefreshToken, Username: first.Username})
	a, err := New(Options{Session: s, NoRetryOnUnauthorized: true})
	if err != nil {
		t.Fatal(err)
	}
	return clk, f, s, a
}

// exercise sends requests through a for span of Cognito time in steps,
// and fails on any the API refuses.
func exercise(t *testing.T, clk *fakeClock, f *fakeCognito, a *Auth, span, step time.Duration) {
	t.Helper()
	for elapsed := time.Duration(0); elapsed <= span; elapsed += step {
		for range 3 {
			req, _ := http.NewRequest("GET", f.api.URL, nil)
			resp, err := a.RoundTrip(req)
			if err != nil {
				t.Fatalf("at +%v: %v", elapsed, err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("at +%v: the API refused the token (HTTP %d): an expired token was sent", elapsed, resp.StatusCode)
			}
		}
		settle(t, a.Session())
		clk.Advance(step)
	}
}

// TestClockFast: a clock 10 minutes ahead would find every 5-minute token
// expired and renew on every request; with the offset learnt from iat it
// renews about once per token lifetime.
func TestClockFast(t *testing.T) {
	clk, f, s, a := driftingSession(t, 10*time.Minute)
	exercise(t, clk, f, a, 20*time.Minute, 15*time.Second)
	if off := s.ClockOffset(); (off + 10*time.Minute).Abs() > time.Second {
		t.Errorf("ClockOffset = %v, want -10m", off)
	}
	// 5-minute tokens renewed 75 s ahead of a 30 s margin: every 3m15s.
	if n := f.count(FlowRefreshTokenAuth); n < 6 || n > 8 {
		t.Errorf("renewals in 20 min = %d, want about 7", n)
	}
}

// TestClockSlow: a clock 10 minutes behind would send tokens for up to 10
// minutes after they expired; with the offset it renews in time.
func TestClockSlow(t *testing.T) {
	clk, f, s, a := driftingSession(t, -10*time.Minute)
	exercise(t, clk, f, a, 20*time.Minute, 15*time.Second)
	if off := s.ClockOffset(); (off - 10*time.Minute).Abs() > time.Second {
		t.Errorf("ClockOffset = %v, want 10m", off)
	}
	if n := f.count(FlowRefreshTokenAuth); n < 6 || n > 8 {
		t.Errorf("renewals in 20 min = %d, want about 7", n)
	}
}

// TestClockOffsetEstimate checks the estimate against latency and iat's
// whole seconds.
func TestClockOffsetEstimate(t *testing.T) {
	base := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name      string
		iat, sent time.Time
		rtt, want time.Duration
	}{
		{"in sync", base, base.Add(300 * time.Millisecond), 100 * time.Millisecond, 0},
		{"in sync, slow call", base, base.Add(-time.Second), 2 * time.Second, 0},
		{"cognito ahead", base.Add(10 * time.Minute), base, 0, 10*time.Minute + 500*time.Millisecond},
		{"cognito behind", base, base.Add(10 * time.Minute), 200 * time.Millisecond, -10*time.Minute + 400*time.Millisecond},
		// At the edge of the estimate's precision the clocks agree.
		{"at the precision", base, base, 0, 0},
		{"within half the round trip", base.Add(time.Second), base.Add(-time.Second), 2 * time.Second, 0},
		// A local clock stepped back during the call: no negative round trip.
		{"clock stepped back", base.Add(10 * time.Minute), base, -2 * time.Second, 10*time.Minute + 500*time.Millisecond},
		// Tokens without iat say nothing about Cognito's clock.
		{"no iat", time.Time{}, base, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeCognito(t, nil)
			s := newLifecycleSession(t, f, "", nil)
			s.observeClock(context.Background(), &Tokens{IssuedAt: tc.iat}, tc.sent, tc.sent.Add(tc.rtt))
			if got := s.ClockOffset(); got != tc.want {
				t.Errorf("offset = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestShortLivedTokens: with the default 30 s margin, 2-second tokens are
// still used (the margin is capped at a quarter of the lifetime) and are
// renewed ahead, not on every request.
func TestShortLivedTokens(t *testing.T) {
	clk := newFakeClock(testNow)
	f := newFakeCognito(t, clk.Now)
	f.set(func(f *fakeCognito) { f.lifetime = 2 * time.Second })
	s := newLifecycleSession(t, f, f.password, nil)
	ctx := context.Background()
	first, err := s.ValidTokens(ctx, AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	settle(t, s)
	for range 10 {
		if got, _ := s.ValidTokens(ctx, AccessToken); got != first {
			t.Fatal("a fresh 2 s token was not used")
		}
	}
	if s.flying.Load() || f.count(FlowRefreshTokenAuth) != 0 {
		t.Fatal("a fresh 2 s token was renewed")
	}
	clk.Advance(time.Second) // window: [1 s, 1.5 s)
	if got, _ := s.ValidTokens(ctx, AccessToken); got != first {
		t.Fatal("token in its window not returned")
	}
	settle(t, s)
	if f.count(FlowRefreshTokenAuth) != 1 {
		t.Fatal("no renewal in the window")
	}
}

// TestWindowDocumentedBounds pins two promises of Config's doc that no
// other test held: a negative ExpiryMargin means no margin (not a token
// used past its expiry), and RefreshAhead is capped at half the token's
// lifetime, so a fresh token is never due for renewal.
func TestWindowDocumentedBounds(t *testing.T) {
	f := newFakeCognito(t, nil)
	tk := &Tokens{AccessToken: "a", AccessExpiry: testNow.Add(time.Hour), IssuedAt: testNow}
	s := newLifecycleSession(t, f, "", func(c *Config) { c.ExpiryMargin, c.RefreshAhead = -time.Minute, 3*time.Hour })
	renewAt, staleAt := s.window(tk, AccessToken)
	if !staleAt.Equal(tk.AccessExpiry) {
		t.Errorf("ExpiryMargin < 0: token stops being used at %v, want its expiry %v", staleAt, tk.AccessExpiry)
	}
	if want := testNow.Add(30 * time.Minute); !renewAt.Equal(want) {
		t.Errorf("RefreshAhead 3h for a 1h token: renewal at %v, want %v (half its life)", renewAt, want)
	}
}

// TestWindowWithoutIssueTime pins Config's doc for tokens whose issue
// time is unknown: the margin is not capped, zero RefreshAhead means no
// renewing ahead, and a positive one is used as it is.
func TestWindowWithoutIssueTime(t *testing.T) {
	tk := &Tokens{AccessToken: "a", AccessExpiry: testNow.Add(time.Hour)}
	for _, v := range []struct {
		margin, ahead, wantMargin, wantAhead time.Duration
	}{
		{50 * time.Minute, 0, 50 * time.Minute, 0},                     // a quarter of 1 h would be 15 min
		{time.Minute, 40 * time.Minute, time.Minute, 40 * time.Minute}, // half of 1 h would be 30 min
		{time.Minute, -time.Minute, time.Minute, 0},                    // off
	} {
		f := newFakeCognito(t, nil)
		s := newLifecycleSession(t, f, "", func(c *Config) { c.ExpiryMargin, c.RefreshAhead = v.margin, v.ahead })
		renewAt, staleAt := s.window(tk, AccessToken)
		if want := tk.AccessExpiry.Add(-v.wantMargin); !staleAt.Equal(want) {
			t.Errorf("margin %v, ahead %v: stale at %v, want %v", v.margin, v.ahead, staleAt, want)
		}
		if want := staleAt.Add(-v.wantAhead); !renewAt.Equal(want) {
			t.Errorf("margin %v, ahead %v: renewal at %v, want %v", v.margin, v.ahead, renewAt, want)
		}
	}
}

// TestCognitoNowOnTheSystemClock: without Config.Now, Cognito's time is
// still the local time plus the clock offset.
func TestCognitoNowOnTheSystemClock(t *testing.T) {
	f := newFakeCognito(t, nil)
	s := newLifecycleSession(t, f, "", func(c *Config) { c.Now = nil })
	if !s.systemClock {
		t.Fatal("the session does not read the system clock")
	}
	s.offset.Store(int64(time.Hour))
	if got, local := s.cognitoNow(), time.Now(); got.Before(local.Add(59*time.Minute)) || got.After(local.Add(61*time.Minute)) {
		t.Errorf("cognitoNow = %v at local %v with an offset of 1 h", got, local)
	}
}

// TestClockOffsetLogged: a change of the offset by a second or more is
// logged, with the new and the previous offset.
func TestClockOffsetLogged(t *testing.T) {
	var buf syncBuffer
	f := newFakeCognito(t, nil)
	s := newLifecycleSession(t, f, "", func(c *Config) { c.Logger = slog.New(slog.NewJSONHandler(&buf, nil)) })
	base := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	s.observeClock(context.Background(), &Tokens{IssuedAt: base.Add(time.Second)}, base, base) // 1.5 s
	line := findLogLine(t, buf.String(), "cognitosrp: clock offset from Cognito")
	if line == nil || line["offset"] != float64(1500*time.Millisecond) || line["previous"] != float64(0) {
		t.Errorf("event %v, want offset 1.5 s and previous 0 in:\n%s", line, buf.String())
	}
	// A change under a second (the estimate's noise from one renewal to
	// the next) is not news: an hourly INFO line would say nothing. One of
	// a second or more is.
	const msg = "cognitosrp: clock offset from Cognito"
	s.observeClock(context.Background(), &Tokens{IssuedAt: base.Add(1400 * time.Millisecond)}, base, base) // 1.9 s
	if n := strings.Count(buf.String(), msg); n != 1 {
		t.Errorf("offset 1.5 s, then 1.9 s: %d events, want 1:\n%s", n, buf.String())
	}
	s.observeClock(context.Background(), &Tokens{IssuedAt: base.Add(2500 * time.Millisecond)}, base, base) // 3 s
	if n := strings.Count(buf.String(), msg); n != 2 {
		t.Errorf("offset 1.9 s, then 3 s: %d events, want 2:\n%s", n, buf.String())
	}
}

// TestNeedDuringRefreshLogsIn: a need that joins Session.Refresh's flight
// still logs in when the session has a password and Refresh finds no
// usable refresh token (a dead one, or none), as with no Refresh around.
// (Refresh never logs in, and the need was handed its ErrLoginRequired.)
func TestNeedDuringRefreshLogsIn(t *testing.T) {
	t.Run("dead refresh token", func(t *testing.T) {
		clk, f, s, first := loggedIn(t, nil)
		f.revoke(first.RefreshToken)
		clk.Advance(2 * time.Hour) // the next need waits for Cognito
		entered := f.watch()
		release := f.hold()
		needDuringRefresh(t, s, func() { <-entered }, release, validTokens, nil)
		if n := f.count("login"); n != 2 {
			t.Errorf("%d logins, want 2", n)
		}
	})
	// The renewal after a 401 (Auth's retry) as well.
	t.Run("rejected tokens, dead refresh token", func(t *testing.T) {
		_, f, s, first := loggedIn(t, nil)
		f.revoke(first.RefreshToken)
		entered := f.watch()
		release := f.hold()
		needDuringRefresh(t, s, func() { <-entered }, release, func(s *Session) error {
			_, err := s.renewRejected(context.Background(), first)
			return err
		}, nil)
		if n := f.count("login"); n != 2 {
			t.Errorf("%d logins, want 2", n)
		}
	})
	t.Run("no tokens", func(t *testing.T) {
		f := newFakeCognito(t, nil)
		store := &slowLoadStore{loading: make(chan struct{}), release: make(chan struct{})}
		s := newLifecycleSession(t, f, f.password, func(c *Config) { c.Store = store })
		needDuringRefresh(t, s, func() { <-store.loading }, func() { close(store.release) }, validTokens, nil)
		if n := f.count("login"); n != 1 {
			t.Errorf("%d logins, want 1", n)
		}
	})
}

// TestNeedDuringRefreshClosedSaysClosed: a need that joined
// Session.Refresh's flight, which found the refresh token dead, and that
// Close overtook before it could log in (Close drops the password) gets
// ErrClosed, not the ErrLoginRequired meant for a session without a
// password: a service shutting down would log that its user must log in
// again, or take it for broken credentials. The need's ctx runs Close in
// the one place between the flight's answer and the need's choice where
// it could land (renew's ctx.Err()), so the race is taken every time.
// A request's need, and the renewal after a 401 (Auth's retry).
func TestNeedDuringRefreshClosedSaysClosed(t *testing.T) {
	for _, tc := range needKinds {
		t.Run(tc.name, func(t *testing.T) {
			clk, f, s, first := loggedIn(t, nil)
			f.revoke(first.RefreshToken)
			clk.Advance(2 * time.Hour) // the next need waits for Cognito
			entered := f.watch()
			release := f.hold()
			ctx := &closingCtx{Context: context.Background(), close: func() { s.Close() }}
			needDuringRefresh(t, s, func() { <-entered }, func() { ctx.armed.Store(true); release() },
				func(s *Session) error { return tc.need(ctx, s, first) }, ErrClosed)
			if !ctx.closed.Load() {
				t.Error("the need's ctx.Err was not asked after the flight's answer: the test took no race")
			}
		})
	}
}

// closingCtx runs close on the first call of Err once armed, in the
// caller's goroutine: Close lands at that point of the caller's code.
type closingCtx struct {
	context.Context
	armed, closed atomic.Bool
	close         func()
}

func (c *closingCtx) Err() error {
	if c.armed.Load() && c.closed.CompareAndSwap(false, true) {
		c.close()
	}
	return c.Context.Err()
}

// needDuringRefresh starts Refresh, calls started once its flight is under
// way, has need join it and calls release: Refresh must fail with
// ErrLoginRequired and need log in (want nil), or fail with want and not
// ErrLoginRequired.
func needDuringRefresh(t *testing.T, s *Session, started, release func(), need func(*Session) error, want error) {
	t.Helper()
	waited := s.waits.Load() // a login's caller may have waited
	refreshed := make(chan error, 1)
	go func() { refreshed <- s.Refresh(context.Background()) }()
	started()
	needed := make(chan error, 1)
	go func() { needed <- need(s) }()
	waitersAtLeast(t, s, waited+2) // both wait for Refresh's flight
	release()
	if err := <-refreshed; !errors.Is(err, ErrLoginRequired) {
		t.Errorf("Refresh = %v, want ErrLoginRequired", err)
	}
	if err := <-needed; !errors.Is(err, want) || errors.Is(err, ErrLoginRequired) {
		t.Fatalf("need = %v; want %v (nil: a new login)", err, want)
	}
}

// needKinds are the two needs that may join a Session.Refresh flight: a
// request's (ValidTokens), and the renewal after a 401 (Auth's retry,
// renewRejected with the tokens the API refused).
var needKinds = []struct {
	name string
	need func(ctx context.Context, s *Session, used *Tokens) error
}{
	{"request", func(ctx context.Context, s *Session, _ *Tokens) error {
		_, err := s.ValidTokens(ctx, AccessToken)
		return err
	}},
	{"rejected tokens", func(ctx context.Context, s *Session, used *Tokens) error {
		_, err := s.renewRejected(ctx, used)
		return err
	}},
}

// validTokens is the need of a request: ValidTokens for the access token.
func validTokens(s *Session) error {
	_, err := s.ValidTokens(context.Background(), AccessToken)
	return err
}

// TestLoginAfterClockStep: an offset learnt before the local clock was
// stepped back to Cognito's (NTP) is stale. The SRP TIMESTAMP stays on the
// local clock, so the login after the refresh token dies still succeeds
// (signed on the stale offset, it and every later one would be refused:
// no login could teach a new offset).
func TestLoginAfterClockStep(t *testing.T) {
	var drift atomic.Int64
	clk, f, s, first := loggedIn(t, func(c *Config) {
		now := c.Now
		c.Now = func() time.Time { return now().Add(-time.Duration(drift.Load())) }
	})
	drift.Store(int64(10 * time.Minute))
	clk.Advance(2 * time.Hour)
	if _, err := s.ValidTokens(context.Background(), AccessToken); err != nil {
		t.Fatal(err)
	}
	drift.Store(0) // the clock is set right; the offset still says 10m
	f.revoke(first.RefreshToken)
	clk.Advance(2 * time.Hour)
	if _, err := s.ValidTokens(context.Background(), AccessToken); err != nil {
		t.Fatalf("login after the clock was stepped back to Cognito's: %v", err)
	}
	if off := s.ClockOffset(); off.Abs() > time.Second {
		t.Errorf("ClockOffset = %v after the login, want 0", off)
	}
}

// TestTokensAfterClockStepPastTheOffset: new tokens are held to the local
// clock in the replay check, not to the learnt offset. With the local
// clock 50 minutes ahead of Cognito's, the session learns an offset of
// -50m; then the clock is stepped 70 minutes back (Cognito now 20 minutes
// ahead). Judged against local time plus that stale offset, every new
// token's iat lay 70 minutes away, past the hour the check allows: each
// renewal and login was refused, and since the offset is learnt only from
// accepted tokens, it stayed so for good. The login (after a sign-out)
// signs its TIMESTAMP on the Date, 20 minutes ahead.
func TestTokensAfterClockStepPastTheOffset(t *testing.T) {
	for _, tc := range []struct {
		name   string
		logins int
		next   func(s *Session) error
	}{
		{"renewal", 1, func(s *Session) error { return s.Refresh(context.Background()) }},
		{"login", 2, func(s *Session) error {
			if err := s.SignOut(context.Background()); err != nil {
				return err
			}
			return validTokens(s)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var drift atomic.Int64
			clk, f, s, _ := loggedIn(t, func(c *Config) {
				now := c.Now
				c.Now = func() time.Time { return now().Add(time.Duration(drift.Load())) }
			})
			drift.Store(int64(50 * time.Minute))
			if err := s.Refresh(context.Background()); err != nil {
				t.Fatal(err)
			}
			if off := s.ClockOffset(); (off + 50*time.Minute).Abs() > time.Second {
				t.Fatalf("ClockOffset = %v with the local clock 50m ahead, want -50m", off)
			}
			drift.Store(int64(-20 * time.Minute)) // stepped 70 minutes back
			clk.Advance(time.Minute)
			if err := tc.next(s); err != nil {
				t.Fatalf("%s after the local clock was stepped: %v", tc.name, err)
			}
			if n := f.count("login"); n != tc.logins {
				t.Errorf("%d logins, want %d", n, tc.logins)
			}
			if off := s.ClockOffset(); (off - 20*time.Minute).Abs() > time.Second {
				t.Errorf("ClockOffset = %v after the %s, want 20m", off, tc.name)
			}
		})
	}
}

// TestNeedThroughTwoRefreshesLogsIn: a need whose second try joins
// another Session.Refresh flight, which cannot log in either, still logs in
// when the session has a password. Here the second Refresh starts from
// tokens set while the first ran (so it follows the first instead of
// joining it), with the same dead refresh token; in a busy program a
// Refresh that starts between the first flight's end and the need's
// second try does the same.
func TestNeedThroughTwoRefreshesLogsIn(t *testing.T) {
	for _, tc := range needKinds {
		t.Run(tc.name, func(t *testing.T) {
			clk, f, s, first := loggedIn(t, nil)
			f.revoke(first.RefreshToken)
			clk.Advance(2 * time.Hour) // the next need waits for Cognito
			entered := f.watch()
			release1 := f.hold()
			waited := s.waits.Load()
			refreshed := make(chan error, 2)
			go func() { refreshed <- s.Refresh(context.Background()) }()
			<-entered // the first Refresh's renewal, held
			needed := make(chan error, 1)
			go func() { needed <- tc.need(context.Background(), s, first) }()
			waitersAtLeast(t, s, waited+2) // the need joined the first Refresh
			again := *first                // the same tokens, saved by an earlier run
			s.SetTokens(&again)
			go func() { refreshed <- s.Refresh(context.Background()) }()
			waitersAtLeast(t, s, waited+3) // the second Refresh follows the first
			release2 := f.hold()
			release1()
			<-entered                      // the second Refresh's renewal, held
			waitersAtLeast(t, s, waited+4) // the need's second try joined it
			release2()
			for range 2 {
				if err := <-refreshed; !errors.Is(err, ErrLoginRequired) {
					t.Errorf("Refresh = %v, want ErrLoginRequired", err)
				}
			}
			if err := <-needed; err != nil {
				t.Fatalf("need = %v; want a new login", err)
			}
			if n := f.count("login"); n != 2 {
				t.Errorf("%d logins, want 2", n)
			}
		})
	}
}

// loginRequiredStore is a TokenStore whose Load fails with an error that
// matches ErrLoginRequired, as a caller's store may say "log in".
type loginRequiredStore struct {
	MemoryStore
	loads atomic.Int32
}

func (s *loginRequiredStore) Load(context.Context) (*Tokens, error) {
	s.loads.Add(1)
	return nil, fmt.Errorf("the vault wants a person: %w", ErrLoginRequired)
}

// TestNeedTakesStoresLoginRequired: an ErrLoginRequired that the caller's
// TokenStore returned in a flight that may log in is the need's answer,
// tried once. Only a Session.Refresh flight is tried past
// (TestNeedThroughTwoRefreshesLogsIn): retrying on any ErrLoginRequired
// called the store without end while the session held its password.
// TestNeedTakesHandlersLoginRequired is the same for a ChallengeHandler.
func TestNeedTakesStoresLoginRequired(t *testing.T) {
	f := newFakeCognito(t, nil)
	st := new(loginRequiredStore)
	s := newLifecycleSession(t, f, f.password, func(c *Config) { c.Store = st })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := s.ValidTokens(ctx, AccessToken); !errors.Is(err, ErrLoginRequired) || ctx.Err() != nil {
		t.Errorf("ValidTokens = %v, want the store's ErrLoginRequired", err)
	}
	if n := st.loads.Load(); n != 1 {
		t.Errorf("store loaded %d times, want 1", n)
	}
}

// heldLoginRequiredStore is a loginRequiredStore whose first Load waits
// for release.
type heldLoginRequiredStore struct {
	loginRequiredStore
	loading, release chan struct{}
}

func (s *heldLoginRequiredStore) Load(ctx context.Context) (*Tokens, error) {
	if s.loads.Load() == 0 {
		close(s.loading)
		<-s.release
	}
	return s.loginRequiredStore.Load(ctx)
}

// TestNeedInRefreshWithoutPassword: a need that joined Session.Refresh's
// flight takes its ErrLoginRequired as the answer when the session has no
// password to log in with (mayLogIn): trying again would only read the
// store once more (here one that asks for a person) to fail the same way.
func TestNeedInRefreshWithoutPassword(t *testing.T) {
	f := newFakeCognito(t, nil)
	st := &heldLoginRequiredStore{loading: make(chan struct{}), release: make(chan struct{})}
	s := newLifecycleSession(t, f, "", func(c *Config) { c.Store = st })
	waited := s.waits.Load()
	refreshed := make(chan error, 1)
	go func() { refreshed <- s.Refresh(context.Background()) }()
	<-st.loading
	needed := make(chan error, 1)
	go func() { needed <- validTokens(s) }()
	waitersAtLeast(t, s, waited+2) // both wait for Refresh's flight
	close(st.release)
	if err := <-refreshed; !errors.Is(err, ErrLoginRequired) {
		t.Errorf("Refresh = %v, want the store's ErrLoginRequired", err)
	}
	if err := <-needed; !errors.Is(err, ErrLoginRequired) {
		t.Errorf("need = %v, want the store's ErrLoginRequired", err)
	}
	if n := st.loads.Load(); n != 1 {
		t.Errorf("store loaded %d times, want 1", n)
	}
}
