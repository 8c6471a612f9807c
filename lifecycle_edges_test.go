// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// This file holds lifecycle tests that mutation testing asked for: each
// pins a guard of lifecycle.go that no other test noticed missing.

// TestRenewAheadSkipsReplacedTokens: a background renewal of tokens that
// were replaced between the caller's read and the lock does not start; it
// would ask Cognito for tokens the session then refuses to install.
func TestRenewAheadSkipsReplacedTokens(t *testing.T) {
	clk, f, s, first := loggedIn(t, nil)
	clk.Advance(55 * time.Minute) // in the renewal window
	replaced := *first
	s.SetTokens(&replaced)
	s.renewAhead(context.Background(), first, s.cognitoNow())
	settle(t, s)
	if n := f.count(FlowRefreshTokenAuth); n != 0 {
		t.Errorf("renewals of replaced tokens = %d, want 0", n)
	}
}

// TestNoWindowWithoutIssuedAt: tokens whose lifetime is unknown (no iat)
// are renewed only when they stop being usable, not in a guessed window.
func TestNoWindowWithoutIssuedAt(t *testing.T) {
	clk, f, s, first := loggedIn(t, nil)
	noIAT := *first
	noIAT.IssuedAt = time.Time{}
	s.SetTokens(&noIAT)
	ctx := context.Background()
	clk.Advance(59 * time.Minute)
	if got, err := s.ValidTokens(ctx, AccessToken); err != nil || got != &noIAT {
		t.Fatalf("ValidTokens = %v, %v; want the current tokens", got, err)
	}
	settle(t, s)
	if n := f.count(FlowRefreshTokenAuth); n != 0 {
		t.Fatalf("renewals a minute before expiry = %d, want 0", n)
	}
	clk.Advance(31 * time.Second) // within the 30 s margin
	if got, err := s.ValidTokens(ctx, AccessToken); err != nil || got == &noIAT {
		t.Fatalf("ValidTokens = %v, %v; want renewed tokens", got, err)
	}
	if n := f.count(FlowRefreshTokenAuth); n != 1 {
		t.Errorf("renewals = %d, want 1", n)
	}
}

// TestDeadRefreshTokenLoginRetried: when the login that follows a dead
// refresh token fails, the next need logs in again with the password; it
// does not report the dead refresh token as if there were no password.
func TestDeadRefreshTokenLoginRetried(t *testing.T) {
	clk, f, s, first := loggedIn(t, nil)
	f.revoke(first.RefreshToken)
	f.set(func(f *fakeCognito) { f.failNext["login"] = 1 })
	clk.Advance(2 * time.Hour)
	ctx := context.Background()
	if _, err := s.ValidTokens(ctx, AccessToken); err == nil {
		t.Fatal("ValidTokens succeeded although the login failed")
	}
	got, err := s.ValidTokens(ctx, AccessToken)
	if err != nil || got == first {
		t.Fatalf("second ValidTokens = %v, %v; want a new login", got, err)
	}
	if f.count("login") != 3 || f.count(FlowRefreshTokenAuth) != 1 {
		t.Errorf("logins %d, renewals %d; want 3 and 1", f.count("login"), f.count(FlowRefreshTokenAuth))
	}
}

// TestRefreshAheadBackoffDoubles: failed background renewals are retried
// after 1 to 2 s, doubling up to 30 s, and not sooner (holdJitters).
func TestRefreshAheadBackoffDoubles(t *testing.T) {
	for _, c := range holdJitters {
		t.Run(c.name, func(t *testing.T) {
			clk, f, s, _ := loggedIn(t, func(cfg *Config) { cfg.Retry.Jitter = c.jitter })
			ctx := context.Background()
			clk.Advance(55 * time.Minute)
			f.failRenewals(100)
			s.ValidTokens(ctx, AccessToken)
			settle(t, s)
			for i := range 7 {
				least, longest := holdBounds(i + 1)
				bound := [2]time.Duration{least, longest}
				clk.Advance(bound[c.after] - time.Millisecond)
				s.ValidTokens(ctx, AccessToken)
				settle(t, s)
				if n := f.count(FlowRefreshTokenAuth); n != i+1 {
					t.Fatalf("%d renewals %v after failure %d, want %d", n, bound[c.after]-time.Millisecond, i+1, i+1)
				}
				clk.Advance(bound[c.until] - bound[c.after] + time.Millisecond)
				s.ValidTokens(ctx, AccessToken)
				settle(t, s)
				if n := f.count(FlowRefreshTokenAuth); n != i+2 {
					t.Fatalf("%d renewals %v after failure %d, want %d", n, bound[c.until], i+1, i+2)
				}
			}
		})
	}
}

// TestRefreshAheadBackoffResets: a successful renewal ends the back-off, so
// the next failure is retried after 1 to 2 s again (not 2 to 4 s).
func TestRefreshAheadBackoffResets(t *testing.T) {
	clk, f, s, first := loggedIn(t, nil)
	ctx := context.Background()
	renew := func() {
		s.ValidTokens(ctx, AccessToken)
		settle(t, s)
	}
	clk.Advance(55 * time.Minute)
	f.failRenewals(1)
	renew() // fails
	clk.Advance(2 * time.Second)
	renew() // succeeds
	if s.Tokens() == first {
		t.Fatal("no renewal after the back-off")
	}
	clk.Advance(55 * time.Minute)
	f.failRenewals(1)
	renew() // fails
	clk.Advance(2 * time.Second)
	renew()
	if n := f.count(FlowRefreshTokenAuth); n != 4 {
		t.Errorf("renewals = %d, want 4: the back-off after a success starts at 1 to 2 s", n)
	}
}

// TestRefreshAheadBackoffEndsWithSuccess: a successful renewal of any kind
// lifts the back-off of failed background renewals at once, not only its
// doubling: short-lived tokens renewed by a Refresh while the back-off runs
// enter their window before it would have ended, and are renewed there.
func TestRefreshAheadBackoffEndsWithSuccess(t *testing.T) {
	clk := newFakeClock(testNow)
	f := newFakeCognito(t, clk.Now)
	f.set(func(f *fakeCognito) { f.lifetime = 40 * time.Second })
	// 40 s tokens: the margin is capped at 10 s and renewing ahead at
	// 20 s, so each enters its window 10 s after it is issued. The
	// least waits (a Jitter that draws nothing), for five failures to
	// fit in the first tokens' window.
	s := newLifecycleSession(t, f, f.password, func(c *Config) {
		c.RefreshAhead = time.Hour
		c.Retry.Jitter = func(time.Duration) time.Duration { return 0 }
	})
	ctx := context.Background()
	renew := func() {
		t.Helper()
		if _, err := s.ValidTokens(ctx, AccessToken); err != nil {
			t.Fatal(err)
		}
		settle(t, s)
	}
	renew() // logs in
	clk.Advance(10 * time.Second)
	f.failRenewals(5)
	for _, d := range []time.Duration{1, 2, 4, 8} {
		renew() // fails, and backs off d seconds
		clk.Advance(d * time.Second)
	}
	renew() // the fifth failure backs off 16 s
	if n := f.count(FlowRefreshTokenAuth); n != 5 {
		t.Fatalf("renewals = %d, want 5 failed ones", n)
	}
	clk.Advance(time.Second)
	if err := s.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	renewed := s.Tokens()
	clk.Advance(11 * time.Second) // in the new tokens' window, 4 s before the back-off would end
	renew()
	if n := f.count(FlowRefreshTokenAuth); n != 7 || s.Tokens() == renewed {
		t.Errorf("renewals = %d, want 7: the background renewal in the new tokens' window waited for the old back-off", n)
	}
}

// TestFailedRefreshLeavesBackgroundAlone: only failed background renewals
// back off; a failed Refresh does not hold back the background renewal
// that the next request in the window starts.
func TestFailedRefreshLeavesBackgroundAlone(t *testing.T) {
	clk, f, s, first := loggedIn(t, nil)
	ctx := context.Background()
	clk.Advance(55 * time.Minute)
	f.failRenewals(1)
	if err := s.Refresh(ctx); err == nil {
		t.Fatal("Refresh succeeded although Cognito failed")
	}
	if got, err := s.ValidTokens(ctx, AccessToken); err != nil || got != first {
		t.Fatalf("ValidTokens = %v, %v; want the current tokens", got, err)
	}
	settle(t, s)
	if n := f.count(FlowRefreshTokenAuth); n != 2 || s.Tokens() == first {
		t.Errorf("renewals = %d; want 2, the second in the background and installed", n)
	}
}

// TestStoreLoadRetried: a store that fails to load is read again on the
// next need, rather than taken for empty.
func TestStoreLoadRetried(t *testing.T) {
	clk, f, donor, first := loggedIn(t, nil)
	donor.Close()
	store := new(flakyTokenStore)
	store.Save(context.Background(), first)
	store.fail.Store(true)
	s := newLifecycleSession(t, f, "", func(c *Config) { c.Store = store; c.Now = clk.Now })
	if _, err := s.ValidTokens(context.Background(), AccessToken); !errors.Is(err, errStore) {
		t.Fatalf("ValidTokens with a failing store = %v, want its error", err)
	}
	store.fail.Store(false)
	if got, err := s.ValidTokens(context.Background(), AccessToken); err != nil || got.AccessToken != first.AccessToken {
		t.Fatalf("ValidTokens once the store works = %v, %v; want its tokens", got, err)
	}
}

// countingStore counts the saves of a MemoryStore.
type countingStore struct {
	MemoryStore
	saves atomic.Int32
}

func (s *countingStore) Save(ctx context.Context, t *Tokens) error {
	s.saves.Add(1)
	return s.MemoryStore.Save(ctx, t)
}

// TestLoadedTokensNotSavedBack: tokens read from the store are not
// written back to it.
func TestLoadedTokensNotSavedBack(t *testing.T) {
	clk, f, donor, first := loggedIn(t, nil)
	donor.Close()
	store := new(countingStore)
	store.MemoryStore.Save(context.Background(), first)
	s := newLifecycleSession(t, f, "", func(c *Config) { c.Store = store; c.Now = clk.Now })
	if _, err := s.ValidTokens(context.Background(), AccessToken); err != nil {
		t.Fatal(err)
	}
	settle(t, s)
	if n := store.saves.Load(); n != 0 {
		t.Errorf("%d saves of the tokens just loaded", n)
	}
}

// TestCloseDuringRenewalKeepsCause: a renewal that Close cancels fails
// with an error that matches ErrClosed and still wraps why the call
// failed.
func TestCloseDuringRenewalKeepsCause(t *testing.T) {
	clk, f, s, _ := loggedIn(t, nil)
	entered := f.watch()
	release := f.hold()
	defer release()
	clk.Advance(2 * time.Hour)
	errc := needAsync(context.Background(), s)
	<-entered // the renewal reached Cognito, which holds it
	s.Close()
	if err := <-errc; !errors.Is(err, ErrClosed) || !errors.Is(err, context.Canceled) {
		t.Fatalf("ValidTokens = %v; want an error matching ErrClosed and context.Canceled", err)
	}
}

// TestRefreshRemembersDeadToken: once Refresh learns that the refresh
// token is dead, a session without a password fails fast afterwards
// instead of asking Cognito again.
func TestRefreshRemembersDeadToken(t *testing.T) {
	clk, f, s, first := passwordless(t)
	f.revoke(first.RefreshToken)
	ctx := context.Background()
	if err := s.Refresh(ctx); !errors.Is(err, ErrLoginRequired) {
		t.Fatalf("Refresh = %v, want ErrLoginRequired", err)
	}
	clk.Advance(2 * time.Hour)
	if _, err := s.ValidTokens(ctx, AccessToken); !errors.Is(err, ErrLoginRequired) || !errors.Is(err, ErrNotAuthorized) {
		t.Fatalf("ValidTokens = %v, want ErrLoginRequired with Cognito's cause", err)
	}
	if n := f.count(FlowRefreshTokenAuth); n != 1 {
		t.Errorf("renewals = %d, want 1", n)
	}
}

// TestReplacedChangeNotSaved: a change that a newer one replaced before it
// was saved is neither saved nor reported, so that the Store never goes
// back to older tokens, whichever change's save runs last, and OnTokens
// sees the changes in order (Config.Store, Config.OnTokens). Here t1's
// save waits behind t0's, which the store holds, and t2 replaces t1
// meanwhile.
func TestReplacedChangeNotSaved(t *testing.T) {
	t0, t1, t2 := sampleTokens(0), sampleTokens(1), sampleTokens(2)
	store := newSlowSaveStore()
	var mu sync.Mutex
	var reported []*Tokens
	s, err := NewSession(Config{UserPoolID: "us-east-1_Changes", ClientID: "c", Endpoint: "http://127.0.0.1:1/", Store: store,
		OnTokens: func(t *Tokens) { mu.Lock(); reported = append(reported, t); mu.Unlock() }}, "u")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var wg sync.WaitGroup
	set := func(t *Tokens) {
		wg.Add(1)
		go func() { defer wg.Done(); s.SetTokens(t) }()
		for s.Tokens() != t {
			time.Sleep(time.Millisecond)
		}
	}
	set(t0)
	<-store.saving // t0's save holds the saves
	set(t1)
	set(t2)
	close(store.release)
	wg.Wait()
	if got, _ := store.Load(context.Background()); got != t2 {
		t.Errorf("the store holds %v, want the latest tokens", got)
	}
	if !slices.Equal(store.saved, []*Tokens{t0, t2}) {
		t.Errorf("saved %d changes, want t0 and t2: t1 was replaced before its save", len(store.saved))
	}
	if !slices.Equal(reported, []*Tokens{t0, t2}) {
		t.Errorf("reported %d changes, want t0 and t2: t1 was replaced before it was reported", len(reported))
	}
}

// TestIDTokenJudgedByItsOwnExpiry: a pool may give id tokens a shorter
// life than access tokens. A need for the id token is judged by the id
// token's expiry: tokens whose access token is still good but whose id
// token has expired are renewed first, whether the session holds them or
// reads them from the store, and no expired id token is handed out.
func TestIDTokenJudgedByItsOwnExpiry(t *testing.T) {
	for _, fromStore := range []bool{false, true} {
		store := new(MemoryStore)
		clk, f, s, first := loggedIn(t, func(c *Config) { c.Store = store })
		clk.Advance(10 * time.Minute)
		idExpired := *first
		idExpired.IDExpiry = clk.Now().Add(-time.Minute)
		if fromStore {
			s.Close()
			store.Save(context.Background(), &idExpired)
			s = newLifecycleSession(t, f, "", func(c *Config) { c.Store = store })
		} else {
			s.SetTokens(&idExpired)
		}
		got, err := s.ValidTokens(context.Background(), IDToken)
		if err != nil {
			t.Fatal(err)
		}
		if !got.IDExpiry.After(clk.Now()) || f.count(FlowRefreshTokenAuth) != 1 {
			t.Errorf("from the store %v: id token expires %v at %v after %d renewals; want one renewal first",
				fromStore, got.IDExpiry, clk.Now(), f.count(FlowRefreshTokenAuth))
		}
	}
}

// TestReplacedDeadTokensRenewed: a session without a password that
// learnt its refresh token is dead fails fast for those tokens only.
// Tokens given to SetTokens afterwards (a login in another process) are
// renewed with their own refresh token, not refused for the dead one.
func TestReplacedDeadTokensRenewed(t *testing.T) {
	clk, f, s, first := passwordless(t)
	f.revoke(first.RefreshToken)
	clk.Advance(2 * time.Hour)
	ctx := context.Background()
	if _, err := s.ValidTokens(ctx, AccessToken); !errors.Is(err, ErrLoginRequired) {
		t.Fatalf("ValidTokens with a dead refresh token = %v, want ErrLoginRequired", err)
	}
	donor := newLifecycleSession(t, f, f.password, func(c *Config) { c.Now = clk.Now })
	second, err := donor.ValidTokens(ctx, AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	donor.Close()
	s.SetTokens(second)
	clk.Advance(2 * time.Hour) // second's tokens expired, its refresh token lives
	got, err := s.ValidTokens(ctx, AccessToken)
	if err != nil || got == second {
		t.Fatalf("ValidTokens after SetTokens = %v, %v; want tokens renewed from the new refresh token", got, err)
	}
	if got.RefreshToken != second.RefreshToken {
		t.Error("renewed tokens do not carry the new refresh token")
	}
}

// TestFailedNeedReturnsNoTokens: a ValidTokens that fails returns nil
// tokens with its error, even when the flight kept tokens for the session
// (stored tokens whose renewal failed, see op): a caller that looks at the
// tokens before the error must not find expired ones.
func TestFailedNeedReturnsNoTokens(t *testing.T) {
	store := new(MemoryStore)
	clk, f, first, _ := loggedIn(t, func(c *Config) { c.Store = store })
	first.Close()
	s := newLifecycleSession(t, f, "", func(c *Config) { c.Store, c.Now = store, clk.Now })
	clk.Advance(2 * time.Hour)
	f.failRenewals(1)
	got, err := s.ValidTokens(context.Background(), AccessToken)
	if err == nil || got != nil {
		t.Fatalf("ValidTokens = %v, %v; want no tokens and the renewal's error", got, err)
	}
	if s.Tokens() == nil {
		t.Error("the session dropped the stored tokens whose renewal failed")
	}
}

// TestRefusedRenewalSameRefreshTokenKeepsTokens: a GetTokensFromRefreshToken
// whose tokens are refused leaves the session its tokens as they were when
// the answer's refresh token is the one the session holds (an app client
// without rotation that echoes it): no rotation to keep, so no new Tokens
// value, no save and no OnTokens call for a change that is none.
func TestRefusedRenewalSameRefreshTokenKeepsTokens(t *testing.T) {
	var reports atomic.Int32
	_, f, s, first := loggedIn(t, func(c *Config) {
		c.RefreshMethod = RefreshWithGetTokens
		c.OnTokens = func(*Tokens) { reports.Add(1) }
	})
	before := reports.Load()
	f.setFault(nil, func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".GetTokensFromRefreshToken") {
			return false
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Write(mustJSON(map[string]any{"AuthenticationResult": map[string]any{
			"AccessToken": "not-a-jwt", "IdToken": "not-a-jwt", "TokenType": "Bearer",
			"ExpiresIn": 3600, "RefreshToken": first.RefreshToken}}))
		return true
	})
	if err := s.Refresh(context.Background()); !errors.Is(err, ErrInvalidResponse) {
		t.Fatalf("Refresh = %v, want ErrInvalidResponse", err)
	}
	settle(t, s)
	if s.Tokens() != first || reports.Load() != before {
		t.Errorf("after a refused renewal that rotated nothing: tokens replaced %v, %d OnTokens calls; want neither",
			s.Tokens() != first, reports.Load()-before)
	}
}

// TestOnlyBackgroundFailuresBackOff: the back-off between background
// renewals follows failed background renewals only. A renewal forced by
// an API's 401 that failed does not hold back the background renewal of
// tokens in their window: the next request starts one.
func TestOnlyBackgroundFailuresBackOff(t *testing.T) {
	clk, f, s, first := loggedIn(t, nil)
	clk.Advance(55 * time.Minute) // in the renewal window
	f.failRenewals(1)
	ctx := context.Background()
	if _, err := s.renewRejected(ctx, first); err == nil {
		t.Fatal("the forced renewal succeeded although Cognito failed it")
	}
	if got, err := s.ValidTokens(ctx, AccessToken); err != nil || got != first {
		t.Fatalf("ValidTokens = %v, %v; want the current tokens at once", got, err)
	}
	settle(t, s)
	if n := f.count(FlowRefreshTokenAuth); n != 2 || s.Tokens() == first {
		t.Errorf("renewals = %d, tokens renewed %v; want a background renewal after the failed forced one",
			n, s.Tokens() != first)
	}
}

// TestFlightContextAnyKey: the context a login or renewal runs under
// answers any key, nil included, as the standard library's contexts do: a
// transport (or a Logger's handler) that asks it for one does not crash
// the program from the flight's goroutine.
func TestFlightContextAnyKey(t *testing.T) {
	f := newFakeCognito(t, nil)
	s := newLifecycleSession(t, f, f.password, func(c *Config) {
		c.HTTPClient = &http.Client{Transport: RoundTripFunc(func(r *http.Request) (*http.Response, error) {
			if v := r.Context().Value(nil); v != nil {
				t.Errorf("the flight's context has %v for a nil key", v)
			}
			return http.DefaultTransport.RoundTrip(r)
		})}
	})
	if _, err := s.ValidTokens(context.Background(), AccessToken); err != nil {
		t.Fatal(err)
	}
}
