// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build go1.25

package cognitosrp_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// These tests live through weeks of token lifetimes in a testing/synctest
// bubble (vnet_test.go), each run in under a second of real time (about
// 10 s in all, 25 s under -race), and check on every request what a
// long-running program relies on: the API never gets a token that is
// expired or about to be (vnet.api), renewals come when the
// schedule says and only then, a dead refresh token leads to one login
// with the password, the session gets over an outage of Cognito by
// itself, and Close leaves no goroutine (synctest.Test fails if one is
// left blocked).
//
// They run in parallel (t.Parallel), with each other and with the other
// tests that measure no real time: a bubble's clock moves only when its
// goroutines are blocked, so a busy CPU cannot change what they see, and
// Go runs a parallel test only once every serial one has finished, so
// they cannot slow a test that times itself either.

// window returns when t's token of type typ enters its renewal window and
// when it stops being used, on Cognito's clock, with the default
// ExpiryMargin and RefreshAhead (see Config.RefreshAhead).
func window(t *cognitosrp.Tokens, typ cognitosrp.TokenType) (renewAt, staleAt time.Time) {
	exp := t.Expiry(typ)
	life := exp.Sub(t.IssuedAt)
	margin := min(cognitosrp.DefaultExpiryMargin, life/4)
	ahead := min(life/4, cognitosrp.DefaultRefreshAhead)
	return exp.Add(-margin - ahead), exp.Add(-margin)
}

// delta is what the calls to Cognito during one request were.
type delta struct{ refreshOK, refreshFailed, logins, all int }

func (n *vnet) snapshot() delta {
	all, _ := n.count("")
	r, rok := n.count("refresh")
	l, _ := n.count("login")
	return delta{refreshOK: rok, refreshFailed: r - rok, logins: l, all: all}
}

func (d delta) minus(e delta) delta {
	return delta{d.refreshOK - e.refreshOK, d.refreshFailed - e.refreshFailed, d.logins - e.logins, d.all - e.all}
}

// TestLongRunRenewsOnSchedule runs a program that makes requests at random
// times (a few a minute to one in hours) for 30 days of one-hour access
// tokens, with refresh tokens that die every few days, and checks after
// each request (and the background renewal it started) that Cognito was
// called exactly when the schedule says: nothing while the token is
// before its renewal window, one renewal once it is in it or past it, and
// a refused renewal followed by one login once the refresh token has died.
func TestLongRunRenewsOnSchedule(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		rotation    bool
		devices     bool
		optIn       bool          // devices remembered only when the user opts in
		offset      time.Duration // Cognito's clock ahead of the machine's
		access, id  time.Duration // lifetimes; zero: an hour
		refreshLife time.Duration // zero: 79 h, not a multiple of an hour
		typ         cognitosrp.TokenType
		span        time.Duration // zero: 30 days
	}{
		{name: "plain"},
		{name: "rotation", rotation: true},
		{name: "devices", devices: true},
		{name: "devices on opt-in", devices: true, optIn: true, rotation: true, span: 10 * 24 * time.Hour},
		{name: "clock behind Cognito", offset: 4*time.Minute + 321*time.Millisecond, rotation: true},
		{name: "clock ahead of Cognito", offset: -(3*time.Minute + 777*time.Millisecond), devices: true},
		{name: "clock 40 min behind", offset: 40*time.Minute + 123*time.Millisecond, span: 5 * 24 * time.Hour},
		{name: "clock 50 min ahead", offset: -50*time.Minute - 999*time.Millisecond, rotation: true, span: 5 * 24 * time.Hour},
		// Seconds off: more than the estimate's precision (half a second
		// plus half the round trip), which must not round it to zero.
		{name: "clock 3 s behind", offset: 3*time.Second + 400*time.Millisecond, span: 10 * 24 * time.Hour},
		// Cognito's shortest lifetimes.
		{name: "5 min tokens", access: 5 * time.Minute, id: 5 * time.Minute, refreshLife: time.Hour, span: 3 * 24 * time.Hour},
		// Each token renewed on its own schedule, whatever the other's.
		{name: "short id token", access: 24 * time.Hour, id: 5 * time.Minute, refreshLife: 30 * 24 * time.Hour, span: 60 * 24 * time.Hour},
		{name: "id token", access: 5 * time.Minute, id: 90 * time.Minute, typ: cognitosrp.IDToken, span: 10 * 24 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				refreshLife := cmp.Or(tc.refreshLife, 79*time.Hour)
				n := newVnet(t, cognitotest.Config{
					AccessTokenLifetime:  tc.access,
					IDTokenLifetime:      tc.id,
					RefreshTokenLifetime: refreshLife,
					RefreshTokenRotation: tc.rotation,
					DeviceTracking:       tc.devices,

					DeviceOnlyRememberedOnUserPrompt: tc.optIn,
				}, tc.offset)
				opts := n.options()
				opts.TokenType = tc.typ
				if tc.devices {
					opts.Devices = cognitosrp.RememberDevices(nil, "")
				}
				auth, err := cognitosrp.New(opts)
				if err != nil {
					t.Fatal(err)
				}
				defer auth.Close()
				runOnSchedule(t, n, auth, tc.typ, cmp.Or(tc.span, 30*24*time.Hour), refreshLife, rand.New(rand.NewPCG(1, uint64(len(tc.name)))))
				if tc.devices {
					if d := n.emu.Devices("alice"); len(d) != 1 || !d[0].Remembered {
						t.Errorf("devices at the end: %v, want one, remembered", d)
					}
				}
			})
		})
	}
}

// runOnSchedule makes requests for span and checks the calls each made.
func runOnSchedule(t *testing.T, n *vnet, auth *cognitosrp.Auth, typ cognitosrp.TokenType, span, refreshLife time.Duration, rng *rand.Rand) {
	c := auth.Client()
	s := auth.Session()
	var refreshEnds time.Time // on Cognito's clock
	var ahead, waiting, relogins, requests int
	for end := time.Now().Add(span); time.Now().Before(end); {
		// Mostly minutes apart, now and then hours: tokens are renewed
		// ahead, renewed by a waiting request, or found dead.
		gap := time.Duration(rng.ExpFloat64() * float64(4*time.Minute))
		if rng.IntN(8) == 0 {
			gap = time.Duration(rng.Int64N(int64(5 * time.Hour)))
		}
		time.Sleep(gap)
		tok, now := s.Tokens(), n.emu.Now()
		var renewAt, staleAt time.Time
		if tok != nil {
			renewAt, staleAt = window(tok, typ)
		}
		before := n.snapshot()
		if err := n.get(context.Background(), c); err != nil {
			t.Fatalf("%v: request: %v", time.Now(), err)
		}
		synctest.Wait() // for the renewal the request started, if any
		d := n.snapshot().minus(before)
		requests++
		var want []delta
		switch {
		case tok == nil:
			want = []delta{{logins: 1}}
		case !now.Before(refreshEnds) && !now.Before(renewAt):
			want = []delta{{refreshFailed: 1, logins: 1}}
			relogins++
		case now.Before(renewAt.Add(-time.Second)):
			want = []delta{{}}
		case now.Before(renewAt.Add(time.Second)):
			// Within the precision of the clock offset's estimate.
			want = []delta{{}, {refreshOK: 1}}
		case now.Before(staleAt):
			want = []delta{{refreshOK: 1}} // in the background
			ahead++
		default:
			want = []delta{{refreshOK: 1}} // while the request waits
			waiting++
		}
		if !matches(d, want) {
			t.Fatalf("%v (Cognito %v, renewal due %v, refresh token ends %v): calls %+v, want one of %+v",
				time.Now(), now, renewAt, refreshEnds, d, want)
		}
		if d.logins == 1 {
			refreshEnds = now.Add(refreshLife)
		}
	}
	// The random schedule must have met each case, or the test proves
	// less than it says.
	if ahead == 0 || waiting == 0 || relogins == 0 {
		t.Errorf("%d requests: %d renewed ahead, %d waited for a renewal, %d logged in again; want each", requests, ahead, waiting, relogins)
	}
}

// matches reports whether d is one of want, not counting calls other than
// renewals and logins (ConfirmDevice, the login's challenge answers).
func matches(d delta, want []delta) bool {
	for _, w := range want {
		if d.refreshOK == w.refreshOK && d.refreshFailed == w.refreshFailed && d.logins == w.logins {
			return true
		}
	}
	return false
}

// TestLongRunOutage: Cognito fails every call for two hours, while a
// program makes a request every few seconds. The requests go on with the
// token they have while it is usable, then get Cognito's error (at once,
// held back after two failures in a row, so Cognito is asked about twice
// a minute at most, not once per request), and every request from 30 s
// after Cognito is back succeeds: the session recovers by itself, within
// the longest wait of the failure hold.
func TestLongRunOutage(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		n := newVnet(t, cognitotest.Config{}, 0)
		auth, c := vnetAuth(t, n.options())
		defer auth.Close()
		rng := rand.New(rand.NewPCG(2, 2))
		start := time.Now()
		const outage = 2 * time.Hour
		downAt := start.Add(5*time.Hour + 17*time.Minute)
		upAt := downAt.Add(outage)
		var failed, servedDown, requests int
		// Each failed flight asked Cognito DefaultMaxAttempts times: the
		// 500s are retried, as many times as the policy says.
		gaveUp := fmt.Sprintf("(gave up after %d attempts)", cognitosrp.DefaultMaxAttempts)
		for end := start.Add(12 * time.Hour); time.Now().Before(end); requests++ {
			time.Sleep(time.Duration(rng.ExpFloat64() * float64(10*time.Second)))
			now := time.Now()
			if !now.Before(downAt) && !n.isDown(downAt) {
				n.down(upAt.Sub(now))
			}
			down := !now.Before(downAt) && now.Before(upAt)
			tok := auth.Session().Tokens()
			err := n.get(context.Background(), c)
			var apiErr *cognitosrp.APIError
			switch {
			case err == nil:
				if down {
					servedDown++
				}
			case down && errors.As(err, &apiErr) && apiErr.Type == "InternalErrorException" &&
				strings.Contains(err.Error(), gaveUp) &&
				!tok.ValidAt(cognitosrp.AccessToken, n.emu.Now(), cognitosrp.DefaultExpiryMargin):
				failed++ // no usable token left, and Cognito down
			case !now.Before(upAt) && now.Before(upAt.Add(30*time.Second)) && errors.As(err, &apiErr) &&
				strings.Contains(err.Error(), gaveUp):
				failed++ // held back, for at most 30 s after the outage
			default:
				t.Fatalf("%v into the run: request: %v", now.Sub(start), err)
			}
		}
		calls := n.between(downAt, upAt)
		t.Logf("%d requests; during the outage %d served, %d failed, %d calls to Cognito", requests, servedDown, failed, calls)
		if servedDown == 0 || failed == 0 {
			t.Errorf("during the outage %d requests were served and %d failed, want some of each", servedDown, failed)
		}
		// At most one flight per 30 s once the hold has grown, each of
		// at most DefaultMaxAttempts calls, plus the first short waits.
		if max := (int(outage/(30*time.Second)) + 6) * cognitosrp.DefaultMaxAttempts; calls > max {
			t.Errorf("%d calls to Cognito during a %v outage, want at most %d", calls, outage, max)
		}
	})
}

// TestLongRunOutageConcurrent: five goroutines make requests through one
// Auth on a rotating pool whose refresh tokens die every 7 hours, and
// Cognito is down for two hours in the middle of the run. Every request
// from 30 s after the outage succeeds, and the logins and renewals
// Cognito saw are those of checkIssues: no rotated refresh token was sent
// twice, and no renewal came early.
func TestLongRunOutageConcurrent(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		n := newVnet(t, cognitotest.Config{RefreshTokenRotation: true, RefreshTokenLifetime: 7 * time.Hour}, 0)
		auth, c := vnetAuth(t, n.options())
		defer auth.Close()
		start := time.Now()
		upAt := start.Add(6*time.Hour + 50*time.Minute + 2*time.Hour)
		var wg sync.WaitGroup
		wg.Go(func() {
			time.Sleep(6*time.Hour + 50*time.Minute)
			n.down(2 * time.Hour)
		})
		for g := range 5 {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(9, uint64(g)))
				for end := start.Add(20 * time.Hour); time.Now().Before(end); {
					time.Sleep(time.Duration(rng.ExpFloat64() * float64(40*time.Second)))
					err := n.get(context.Background(), c)
					if err != nil && time.Now().After(upAt.Add(30*time.Second)) {
						t.Errorf("%v after the outage: request: %v", time.Since(upAt), err)
						return
					}
				}
			})
		}
		wg.Wait()
		checkIssues(t, n, 7*time.Hour)
	})
}

// TestLongRunConcurrent: six goroutines make requests at random times
// for three days, through one Auth on a pool that rotates refresh tokens
// that die every 21 hours, with the tokens verified against the pool's
// keys. Every request succeeds with a token the API accepts; Cognito is
// asked for a renewal only once the token is in its window (never twice
// for one token: a rotated-out refresh token is never sent again), and
// the only renewals it refuses are those of a dead refresh token, each
// followed by one login.
func TestLongRunConcurrent(t *testing.T) {
	t.Parallel()
	const refreshLife = 21 * time.Hour
	synctest.Test(t, func(t *testing.T) {
		n := newVnet(t, cognitotest.Config{RefreshTokenLifetime: refreshLife, RefreshTokenRotation: true}, 90*time.Second)
		opts := n.options()
		vc := n.emu.VerifierConfig()
		vc.HTTPClient = n.client()
		v, err := cognitosrp.NewVerifier(vc)
		if err != nil {
			t.Fatal(err)
		}
		opts.Verifier = v
		auth, err := cognitosrp.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		c := auth.Client()
		start := time.Now()
		var wg sync.WaitGroup
		for g := range 6 {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(3, uint64(g)))
				for end := start.Add(3 * 24 * time.Hour); time.Now().Before(end); {
					time.Sleep(time.Duration(rng.ExpFloat64() * float64(4*time.Minute)))
					if err := n.get(context.Background(), c); err != nil {
						t.Errorf("%v into the run: request: %v", time.Since(start), err)
						return
					}
				}
			})
		}
		wg.Wait()
		if err := auth.Close(); err != nil {
			t.Fatal(err)
		}
		checkIssues(t, n, refreshLife)
	})
}

// checkIssues checks the logins and renewals Cognito saw: each renewal
// came once the token before was in its renewal window (for one-hour
// tokens: 54 min 30 s after its issue, give or take the second of iat's
// precision), each refused renewal when the refresh token had died, and
// each was followed at once by a login. Calls that an outage answered
// are left out.
func checkIssues(t *testing.T, n *vnet, refreshLife time.Duration) {
	t.Helper()
	n.mu.Lock()
	defer n.mu.Unlock()
	const window = time.Hour - cognitosrp.DefaultRefreshAhead - cognitosrp.DefaultExpiryMargin
	var issued, loggedIn time.Time
	var renewals, logins int
	for i, c := range n.calls {
		switch {
		case c.down:
			// Cognito was down: neither refused nor issued anything.
		case c.action == "refresh" && c.failed:
			if c.at.Sub(loggedIn) < refreshLife {
				t.Errorf("%v: a renewal refused %v after the login", c.at, c.at.Sub(loggedIn))
			}
			if i+1 == len(n.calls) || n.calls[i+1].action != "login" || n.calls[i+1].at != c.at {
				t.Errorf("%v: a refused renewal not followed by a login", c.at)
			}
		case c.action == "refresh":
			renewals++
			if d := c.at.Sub(issued); d < window-time.Second {
				t.Errorf("%v: renewed %v after the tokens were issued, want at least %v", c.at, d, window)
			}
			issued = c.at
		case c.action == "login":
			logins++
			issued, loggedIn = c.at, c.at
		}
	}
	t.Logf("%d renewals, %d logins", renewals, logins)
	if renewals == 0 || logins < 2 {
		t.Errorf("%d renewals and %d logins, want some renewals and a login again", renewals, logins)
	}
}

// TestLongRunWithoutPassword: an Auth on a session that logged in once and
// keeps no password renews until its refresh token dies, then every
// request fails with ErrLoginRequired, at once and without asking Cognito
// again; Authenticate brings it back.
func TestLongRunWithoutPassword(t *testing.T) {
	t.Parallel()
	const refreshLife = 50 * time.Hour
	synctest.Test(t, func(t *testing.T) {
		n := newVnet(t, cognitotest.Config{RefreshTokenLifetime: refreshLife, DeviceTracking: true}, -2*time.Minute)
		cfg := n.emu.SessionConfig()
		cfg.HTTPClient = n.client()
		cfg.Devices = cognitosrp.RememberDevices(nil, "")
		s, err := cognitosrp.NewSession(cfg, "alice")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.Authenticate(t.Context(), emuPassword); err != nil {
			t.Fatal(err)
		}
		auth, err := cognitosrp.New(cognitosrp.Options{Session: s, Base: n})
		if err != nil {
			t.Fatal(err)
		}
		c := auth.Client()
		rng := rand.New(rand.NewPCG(4, 4))
		dies := n.emu.Now().Add(refreshLife)
		var refused int
		for end := time.Now().Add(5 * 24 * time.Hour); time.Now().Before(end); {
			time.Sleep(time.Duration(rng.ExpFloat64() * float64(20*time.Minute)))
			tok := s.Tokens()
			before := n.snapshot()
			err := n.get(context.Background(), c)
			synctest.Wait()
			d := n.snapshot().minus(before)
			usable := tok.ValidAt(cognitosrp.AccessToken, n.emu.Now(), cognitosrp.DefaultExpiryMargin)
			switch {
			case err == nil:
				if !n.emu.Now().Before(dies) && !usable {
					t.Fatalf("%v: a request succeeded after the refresh token died", time.Now())
				}
			case errors.Is(err, cognitosrp.ErrLoginRequired) && !n.emu.Now().Before(dies) && !usable:
				if refused++; refused > 1 && d.all != 0 {
					t.Fatalf("%v: %+v calls to Cognito for a refresh token known dead", time.Now(), d)
				}
				if refused == 10 {
					if err := s.Authenticate(t.Context(), emuPassword); err != nil {
						t.Fatal(err)
					}
					dies = n.emu.Now().Add(refreshLife)
					refused = 0
				}
			default:
				t.Fatalf("%v (refresh token dies %v): request: %v", time.Now(), dies, err)
			}
		}
		if d := n.emu.Devices("alice"); len(d) != 1 {
			t.Errorf("%d devices, want 1", len(d))
		}
		_, logins := n.count("login")
		if logins < 2 {
			t.Errorf("%d logins, want the session to have been logged in again", logins)
		}
	})
}

// TestLongRunLossyNetwork: for ten days Cognito takes up to 3 s to answer
// and one answer in eight is lost on the way back, after Cognito acted on
// the call (with rotation: after it retired the refresh token sent). A
// request fails only when four answers in a row were lost, the API never
// gets a token that is expired or about to be, and the session logs in
// again only when its refresh token died, or a lost answer took it with
// it (rotation without a grace period).
func TestLongRunLossyNetwork(t *testing.T) {
	t.Parallel()
	for _, rotation := range []bool{false, true} {
		t.Run(fmt.Sprintf("rotation=%v", rotation), func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				const span, refreshLife = 10 * 24 * time.Hour, 3 * 24 * time.Hour
				n := newVnet(t, cognitotest.Config{RefreshTokenLifetime: refreshLife, RefreshTokenRotation: rotation}, 0)
				rng := rand.New(rand.NewPCG(5, 5))
				var mu sync.Mutex
				n.flaky = func() (time.Duration, bool) {
					mu.Lock()
					defer mu.Unlock()
					return time.Duration(rng.Int64N(int64(3 * time.Second))), rng.IntN(8) == 0
				}
				// The round trip blurs the clock offset's estimate by up
				// to half of it.
				n.minLife = cognitosrp.DefaultExpiryMargin - 2*time.Second
				auth, c := vnetAuth(t, n.options())
				defer auth.Close()
				var requests, failed int
				for end := time.Now().Add(span); time.Now().Before(end); requests++ {
					mu.Lock()
					gap := time.Duration(rng.ExpFloat64() * float64(5*time.Minute))
					mu.Unlock()
					time.Sleep(gap)
					switch err := n.get(context.Background(), c); {
					case err == nil:
					case errors.Is(err, errLost) && strings.Contains(err.Error(), "gave up after 4 attempts"):
						// Four answers lost in a row: the retries ran out.
						failed++
					default:
						t.Fatalf("%v: request: %v", time.Now(), err)
					}
				}
				if failed > 2 {
					t.Errorf("%d requests failed, want at most 2 (for four answers lost in a row)", failed)
				}
				// A login ends with the answer to the password verifier.
				_, logins := n.count("RespondToAuthChallenge")
				r, rok := n.count("refresh")
				lostRenewals := 0
				for _, c := range n.calls {
					if c.action == "refresh" && c.lost && !c.failed {
						lostRenewals++
					}
				}
				t.Logf("%d requests, %d failed; %d renewals (%d ok, %d lost), %d logins", requests, failed, r, rok, lostRenewals, logins)
				want := 1 + int(span/refreshLife) // the first, and one per death
				if rotation {
					want += lostRenewals // each took the refresh token with it
				}
				if logins > want {
					t.Errorf("%d logins, want at most %d", logins, want)
				}
			})
		})
	}
}

// TestLongRunSignedOutElsewhere: an administrator (or the user on another
// device) signs the user out everywhere now and then, revoking the tokens
// in use. The next request gets a 401 from the API, and the Auth logs in
// again with the password and retries it: no request fails, and each
// sign-out costs one refused renewal and one login.
func TestLongRunSignedOutElsewhere(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		n := newVnet(t, cognitotest.Config{}, 30*time.Second)
		n.revokedOK = true
		auth, c := vnetAuth(t, n.options())
		defer auth.Close()
		rng := rand.New(rand.NewPCG(6, 6))
		signOuts := 0
		for end := time.Now().Add(7 * 24 * time.Hour); time.Now().Before(end); {
			time.Sleep(time.Duration(rng.ExpFloat64() * float64(2*time.Minute)))
			if rng.IntN(200) == 0 && auth.Session().Tokens() != nil {
				if err := n.emu.SignOut("alice"); err != nil {
					t.Fatal(err)
				}
				signOuts++
			}
			if err := n.get(context.Background(), c); err != nil {
				t.Fatalf("%v: request: %v", time.Now(), err)
			}
		}
		_, logins := n.count("login")
		r, rok := n.count("refresh")
		t.Logf("%d sign-outs, %d logins, %d renewals refused", signOuts, logins, r-rok)
		if signOuts == 0 || logins > 1+signOuts || r-rok > signOuts {
			t.Errorf("%d sign-outs: %d logins, %d renewals refused; want at most one of each per sign-out", signOuts, logins, r-rok)
		}
	})
}

// TestLongRunRestarts: a program that runs for a few hours at a time over
// ten days, keeping its tokens in a store between runs, renews the tokens
// it finds there (or uses them while fresh) and logs in only when the
// refresh token has died: not at each start.
func TestLongRunRestarts(t *testing.T) {
	t.Parallel()
	const refreshLife = 50 * time.Hour
	for _, rotation := range []bool{false, true} {
		t.Run(fmt.Sprintf("rotation=%v", rotation), func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				n := newVnet(t, cognitotest.Config{RefreshTokenLifetime: refreshLife, RefreshTokenRotation: rotation}, 0)
				store := new(cognitosrp.MemoryStore)
				rng := rand.New(rand.NewPCG(7, 7))
				var runs, freshStarts int
				for end := time.Now().Add(10 * 24 * time.Hour); time.Now().Before(end); runs++ {
					opts := n.options()
					opts.Store = store
					auth, err := cognitosrp.New(opts)
					if err != nil {
						t.Fatal(err)
					}
					c := auth.Client()
					stored, _ := store.Load(t.Context())
					for i, stop := 0, time.Now().Add(time.Duration(rng.Int64N(int64(5*time.Hour)))); time.Now().Before(stop); i++ {
						now, before := n.emu.Now(), n.snapshot()
						if err := n.get(context.Background(), c); err != nil {
							t.Fatalf("%v: request: %v", time.Now(), err)
						}
						if i == 0 && stored != nil {
							// Tokens found fresh in the store are used as
							// they are: no renewal (with rotation, one
							// more refresh token retired) at each start.
							synctest.Wait()
							if renewAt, _ := window(stored, cognitosrp.AccessToken); now.Before(renewAt.Add(-time.Second)) {
								freshStarts++
								if d := n.snapshot().minus(before); d.all != 0 {
									t.Errorf("%v: a run found fresh tokens in the store and called Cognito: %+v", time.Now(), d)
								}
							}
						}
						time.Sleep(time.Duration(rng.ExpFloat64() * float64(10*time.Minute)))
					}
					auth.Close()
					time.Sleep(time.Duration(rng.Int64N(int64(8 * time.Hour))))
				}
				var last time.Time
				logins := 0
				for _, c := range n.calls {
					if c.action != "login" {
						continue
					}
					if logins++; logins > 1 && c.at.Sub(last) < refreshLife {
						t.Errorf("%v: logged in %v after the last login, before the refresh token died", c.at, c.at.Sub(last))
					}
					last = c.at
				}
				t.Logf("%d runs (%d found fresh tokens), %d logins", runs, freshStarts, logins)
				if runs < 10 || freshStarts == 0 || logins < 2 {
					t.Errorf("%d runs, %d logins: the test proves less than it says", runs, logins)
				}
			})
		})
	}
}
