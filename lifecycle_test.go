// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"
)

// newLifecycleSession returns a session on f; with password it can log in
// on its own, as an Auth built from Options can.
func newLifecycleSession(t testing.TB, f *fakeCognito, password string, mod func(*Config)) *Session {
	t.Helper()
	cfg := f.config()
	// These tests count calls; retries have tests of their own.
	cfg.Retry = RetryPolicy{MaxAttempts: 1}
	if mod != nil {
		mod(&cfg)
	}
	s, err := NewSession(cfg, f.user)
	if err != nil {
		t.Fatal(err)
	}
	s.password = password
	t.Cleanup(func() { s.Close() })
	return s
}

// settle waits until no flight is in progress and the last one has saved
// and reported its tokens. The test must not start flights meanwhile.
func settle(t testing.TB, s *Session) {
	t.Helper()
	done := make(chan struct{})
	go func() { s.waitIdle(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("flight still in progress after 5s")
	}
}

// loggedIn returns a session on a fake with a controlled clock, logged in
// with 1 h tokens and at rest.
func loggedIn(t *testing.T, mod func(*Config)) (*fakeClock, *fakeCognito, *Session, *Tokens) {
	t.Helper()
	clk := newFakeClock(testNow)
	f := newFakeCognito(t, clk.Now)
	s := newLifecycleSession(t, f, f.password, mod)
	first, err := s.ValidTokens(context.Background(), AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	settle(t, s)
	return clk, f, s, first
}

func TestValidTokensLogsInOnce(t *testing.T) {
	f := newFakeCognito(t, nil)
	s := newLifecycleSession(t, f, f.password, nil)
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.ValidTokens(context.Background(), AccessToken); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := f.count("login"); n != 1 {
		t.Errorf("logins = %d, want 1", n)
	}
}

func TestWrongPasswordFails(t *testing.T) {
	f := newFakeCognito(t, nil)
	s := newLifecycleSession(t, f, "wrong password", nil)
	_, err := s.ValidTokens(context.Background(), AccessToken)
	if !errors.Is(err, ErrNotAuthorized) {
		t.Fatalf("err = %v, want NotAuthorized", err)
	}
}

// TestRefreshAhead: a token inside its renewal window is returned at once
// while one renewal runs in the background, however many callers see it.
func TestRefreshAhead(t *testing.T) {
	clk, f, s, first := loggedIn(t, nil)
	ctx := context.Background()
	// 1 h tokens: the window opens 5 min before the 30 s margin.
	clk.Advance(54 * time.Minute)
	if got, _ := s.ValidTokens(ctx, AccessToken); got != first || s.flying.Load() {
		t.Fatal("renewal started before the window")
	}
	clk.Advance(time.Minute)
	release := f.hold()
	// The first login's caller waited unless the login ended before it
	// looked: that is the scheduler's choice, so count from here.
	waited := s.waits.Load()
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := s.ValidTokens(ctx, IDToken)
			if err != nil || got != first {
				t.Errorf("in the window: got new tokens or %v; want the current ones at once", err)
			}
		}()
	}
	wg.Wait() // every caller returned while Cognito is held
	if !s.flying.Load() {
		t.Fatal("no background renewal in the window")
	}
	if n := s.waits.Load() - waited; n != 0 {
		t.Errorf("callers that waited in the window = %d, want 0", n)
	}
	release()
	settle(t, s)
	if n := f.count(FlowRefreshTokenAuth); n != 1 {
		t.Errorf("renewals = %d, want 1", n)
	}
	if got := s.Tokens(); got == first || got.RefreshToken != first.RefreshToken {
		t.Error("renewal did not install new tokens keeping the refresh token")
	}
	// Out of the window again: no more renewals.
	for range 10 {
		s.ValidTokens(ctx, AccessToken)
	}
	settle(t, s)
	if n := f.count(FlowRefreshTokenAuth); n != 1 {
		t.Errorf("renewals = %d after the renewal, want 1", n)
	}
}

// TestRefreshAheadBackoff: a background renewal that fails is not retried
// by every request, and the token stays in use.
func TestRefreshAheadBackoff(t *testing.T) {
	clk, f, s, first := loggedIn(t, nil)
	ctx := context.Background()
	clk.Advance(55 * time.Minute)
	f.failRenewals(100)
	for range 20 {
		if got, err := s.ValidTokens(ctx, AccessToken); err != nil || got != first {
			t.Fatalf("ValidTokens = %v, %v; want the current tokens", got, err)
		}
		settle(t, s)
	}
	if n := f.count(FlowRefreshTokenAuth); n != 1 {
		t.Errorf("renewal attempts = %d, want 1 before the backoff ends", n)
	}
	// A request in the back-off reads the clock once, as any other does.
	before := clk.reads.Load()
	s.ValidTokens(ctx, AccessToken)
	if n := clk.reads.Load() - before; n != 1 {
		t.Errorf("ValidTokens in the back-off read the clock %d times, want 1", n)
	}
	clk.Advance(2 * time.Second)
	s.ValidTokens(ctx, AccessToken)
	settle(t, s)
	if n := f.count(FlowRefreshTokenAuth); n != 2 {
		t.Errorf("renewal attempts = %d, want 2 after the backoff", n)
	}
	f.failRenewals(0)
	clk.Advance(5 * time.Second)
	s.ValidTokens(ctx, AccessToken)
	settle(t, s)
	if s.Tokens() == first {
		t.Error("no renewal once Cognito recovered")
	}
}

// TestRefreshAheadOff: with RefreshAhead negative, callers wait for the
// renewal once the token stops being usable, and not before, whatever the
// negative value: one of minutes does not stretch the token's use past
// its margin (a window that ends after the token stops being used).
func TestRefreshAheadOff(t *testing.T) {
	for _, ahead := range []time.Duration{-1, -10 * time.Minute} {
		clk, _, s, first := loggedIn(t, func(c *Config) { c.RefreshAhead = ahead })
		ctx := context.Background()
		clk.Advance(59 * time.Minute)
		if got, _ := s.ValidTokens(ctx, AccessToken); got != first || s.flying.Load() {
			t.Fatalf("RefreshAhead %v: renewed ahead although RefreshAhead < 0", ahead)
		}
		clk.Advance(31 * time.Second)
		if !s.RenewalDue(AccessToken) {
			t.Errorf("RefreshAhead %v: RenewalDue false for a token within the margin", ahead)
		}
		if got, _ := s.ValidTokens(ctx, AccessToken); got == first {
			t.Fatalf("RefreshAhead %v: token within the margin was returned", ahead)
		}
	}
}

// TestFirstCallerCancels: the caller that started the login gives up; the
// login goes on and the callers that joined it get the tokens.
func TestFirstCallerCancels(t *testing.T) {
	f := newFakeCognito(t, nil)
	entered := f.watch()
	release := f.hold()
	s := newLifecycleSession(t, f, f.password, nil)

	ctx, cancel := context.WithCancel(context.Background())
	firstErr := needAsync(ctx, s)
	<-entered // the login reached Cognito

	const joiners = 10
	results := make(chan error, joiners)
	for range joiners {
		go func() {
			_, err := s.ValidTokens(context.Background(), AccessToken)
			results <- err
		}()
	}
	for s.waits.Load() < joiners+1 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case err := <-firstErr:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("first caller: %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("first caller did not return after cancelling")
	}
	release()
	for range joiners {
		if err := <-results; err != nil {
			t.Errorf("joined caller failed: %v", err)
		}
	}
	if n := f.count("login"); n != 1 {
		t.Errorf("logins = %d, want 1", n)
	}
}

// TestWaiterDeadline: each waiter honours its own context, and the shared
// call its own timeout.
func TestWaiterDeadline(t *testing.T) {
	f := newFakeCognito(t, nil)
	f.hold()
	s := newLifecycleSession(t, f, f.password, func(c *Config) { c.FlightTimeout = 300 * time.Millisecond })
	short, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	errs := needAsync(context.Background(), s)
	if _, err := s.ValidTokens(short, AccessToken); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("short waiter: %v, want DeadlineExceeded", err)
	}
	select {
	case err := <-errs:
		if err == nil || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("patient waiter: %v, want the flight's timeout", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the flight outlived its timeout")
	}
}

// needAsync starts a need for s's access token in the background, with
// ctx, and returns where its error arrives.
func needAsync(ctx context.Context, s *Session) <-chan error {
	errc := make(chan error, 1)
	go func() {
		_, err := s.ValidTokens(ctx, AccessToken)
		errc <- err
	}()
	return errc
}

// closeWithin closes s, failing the test if Close has not ended the work
// it must cancel (what) within 5 s.
func closeWithin(t *testing.T, s *Session, what string) {
	t.Helper()
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not end " + what)
	}
}

// ignoreCancel gives the session an HTTPClient whose transport pays no
// heed to a cancelled context (a caller's own wrapper, say), so that Close
// cannot stop a call to Cognito.
func ignoreCancel(cfg *Config) {
	cfg.HTTPClient = &http.Client{Transport: RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		return http.DefaultTransport.RoundTrip(r.WithContext(context.WithoutCancel(r.Context())))
	})}
}

// closeAsync starts Close and returns once it has cancelled the session's
// work; Close's result comes on the channel once that work has ended.
func closeAsync(s *Session) <-chan error {
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	for !s.isClosed() {
		time.Sleep(time.Millisecond)
	}
	return closed
}

// TestIdleSessionHoldsNoContext: a session that logs in through its
// flights, as every Auth's does, holds no context of its own while idle
// (each, with its CancelFunc, took 96 bytes: TestMemoryPerLiveAuth). An
// Authenticate makes the one through which a sign-out or Close cancels it;
// a sign-out cancels and drops it.
func TestIdleSessionHoldsNoContext(t *testing.T) {
	_, f, s, _ := loggedIn(t, nil)
	voided := func() context.Context {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.voided
	}
	if voided() != nil {
		t.Error("a session that logged in through a flight holds a context")
	}
	if err := s.Authenticate(context.Background(), f.password); err != nil {
		t.Fatal(err)
	}
	ctx := voided()
	if ctx == nil || ctx.Err() != nil {
		t.Fatalf("after Authenticate: %v, want a live context", ctx)
	}
	s.SetTokens(nil)
	if ctx.Err() == nil {
		t.Error("a sign-out did not cancel the context of the Authenticate before it")
	}
	if voided() != nil {
		t.Error("a sign-out kept a context")
	}
}

// TestCloseStopsBackgroundWork: Close cancels a renewal in progress and
// waits for it; afterwards nothing calls Cognito.
func TestCloseStopsBackgroundWork(t *testing.T) {
	clk, f, s, first := loggedIn(t, nil)
	ctx := context.Background()
	clk.Advance(55 * time.Minute)
	release := f.hold()
	defer release()
	s.ValidTokens(ctx, AccessToken) // starts the background renewal, held
	closeWithin(t, s, "the background renewal")
	if s.flying.Load() {
		t.Fatal("a flight outlived Close")
	}
	if got, err := s.ValidTokens(ctx, AccessToken); err != nil || got != first {
		t.Errorf("after Close, a valid token: %v, %v", got, err)
	}
	clk.Advance(5 * time.Minute)
	if _, err := s.ValidTokens(ctx, AccessToken); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close, an expired token: %v, want ErrClosed", err)
	}
}

// TestCloseCancelsReplacedFlights: Close cancels every flight whose op
// may still run, not only the session's latest: a renewal whose tokens
// SetTokens replaced while it was with Cognito, and the Refresh that
// started after it and waits for it to end (its prev). Close must not wait
// for Cognito to answer the replaced one.
func TestCloseCancelsReplacedFlights(t *testing.T) {
	clk, f, s, first := loggedIn(t, nil)
	ctx := context.Background()
	clk.Advance(55 * time.Minute) // in the renewal window
	entered := f.watch()
	release := f.hold()
	defer release()
	s.ValidTokens(ctx, AccessToken) // starts the background renewal, held
	<-entered
	replaced := *first
	s.SetTokens(&replaced) // the renewal is no longer joinable
	refreshErr := make(chan error, 1)
	go func() { refreshErr <- s.Refresh(ctx) }()
	for { // until Refresh's flight waits for the renewal
		s.mu.Lock()
		waiting := s.flight != nil && s.flight.prev != nil
		s.mu.Unlock()
		if waiting {
			break
		}
		time.Sleep(time.Millisecond)
	}
	closeWithin(t, s, "the replaced renewal with Cognito")
	if err := errWithin(t, refreshErr, "Refresh"); !errors.Is(err, ErrClosed) {
		t.Errorf("Refresh waiting for a replaced renewal when Close came: %v, want ErrClosed", err)
	}
}

// TestClosedSessionCallsNoCognito: after Close no need reaches Cognito, not
// even through an HTTPClient whose transport ignores the cancelled context
// of the flight: a token in its renewal window is handed out without a
// background renewal, and an expired one, or a Refresh, fails with
// ErrClosed without a call.
func TestClosedSessionCallsNoCognito(t *testing.T) {
	clk, f, s, first := loggedIn(t, ignoreCancel)
	ctx := context.Background()
	s.Close()
	clk.Advance(55 * time.Minute) // in the renewal window
	if got, err := s.ValidTokens(ctx, AccessToken); err != nil || got != first {
		t.Errorf("after Close, a token in its window: %v, %v", got, err)
	}
	settle(t, s)
	clk.Advance(5 * time.Minute) // expired
	if _, err := s.ValidTokens(ctx, AccessToken); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close, an expired token: %v, want ErrClosed", err)
	}
	if err := s.Refresh(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("Refresh after Close: %v, want ErrClosed", err)
	}
	settle(t, s)
	if n := f.count(FlowRefreshTokenAuth) + f.count("login"); n != 1 {
		t.Errorf("%d calls to Cognito, want the one login before Close", n)
	}
}

// TestAuthenticateAfterClose: a closed session logs in no more, explicitly
// either: it could never renew what it got. It does not even try: an
// HTTPClient whose transport pays no heed to the cancelled context (a
// caller's own wrapper, say) would otherwise carry the login to Cognito.
func TestAuthenticateAfterClose(t *testing.T) {
	f := newFakeCognito(t, nil)
	s := newLifecycleSession(t, f, "", ignoreCancel)
	s.Close()
	if err := s.Authenticate(context.Background(), f.password); !errors.Is(err, ErrClosed) {
		t.Errorf("Authenticate after Close: %v, want ErrClosed", err)
	}
	if n := f.count("login"); n != 0 || s.Tokens() != nil {
		t.Errorf("a closed session logged in %d times", n)
	}
}

// errWithin returns what errc delivers, failing the test if what (the
// call that sends it) has not returned within 5 s.
func errWithin(t *testing.T, errc <-chan error, what string) error {
	t.Helper()
	select {
	case err := <-errc:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal(what + " did not return")
		return nil
	}
}

// heldAtCognito starts call (a login, Authenticate's or a need's) and
// returns once its login is with Cognito, which holds it until release;
// call's error comes on the channel.
func heldAtCognito(t *testing.T, f *fakeCognito, call func() error) (errc <-chan error, release func()) {
	entered := f.watch()
	release = f.hold()
	t.Cleanup(release)
	c := make(chan error, 1)
	go func() { c <- call() }()
	<-entered
	return c, release
}

// TestCloseDuringAuthenticate: Close cancels a login in progress and
// waits for it, Authenticate's too; the login then fails with ErrClosed,
// still wrapping why the call failed (as TestCloseDuringRenewalKeepsCause
// for a flight), and the closed session installs no tokens it could never
// renew.
func TestCloseDuringAuthenticate(t *testing.T) {
	f := newFakeCognito(t, nil)
	s := newLifecycleSession(t, f, "", nil)
	authErr, release := heldAtCognito(t, f, func() error { return s.Authenticate(context.Background(), f.password) })
	closeWithin(t, s, "the login in progress")
	select {
	case err := <-authErr:
		if !errors.Is(err, ErrClosed) || !errors.Is(err, context.Canceled) {
			t.Errorf("Authenticate during Close: %v, want an error matching ErrClosed and context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		release()
		err := <-authErr
		t.Errorf("Close left Authenticate's login with Cognito (it then returned %v)", err)
	}
	if s.Tokens() != nil {
		t.Error("a closed session installed the tokens of a login in progress")
	}
}

// TestCloseOrSignOutEndsEveryAuthenticate: with two Authenticates' logins
// with Cognito at once, Close, and a sign-out, cancel both, not only the
// later one: the context through which they are cancelled is made by the
// first and shared by the second. (Had the second made its own, Close
// would wait for the first login, a person typing an MFA code, say, to
// end by itself.)
func TestCloseOrSignOutEndsEveryAuthenticate(t *testing.T) {
	for _, tc := range []struct {
		name string
		end  func(*testing.T, *Session)
		want error
	}{
		{"Close", func(t *testing.T, s *Session) { closeWithin(t, s, "the logins in progress") }, ErrClosed},
		{"SetTokens(nil)", func(_ *testing.T, s *Session) { s.SetTokens(nil) }, ErrLoginRequired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeCognito(t, nil)
			s := newLifecycleSession(t, f, "", nil)
			entered := f.watch()
			release := f.hold()
			defer release()
			authErr := make(chan error, 2)
			for range 2 {
				go func() { authErr <- s.Authenticate(context.Background(), f.password) }()
				<-entered // this login is with Cognito
			}
			tc.end(t, s)
			for range 2 {
				if err := errWithin(t, authErr, "an Authenticate"); !errors.Is(err, tc.want) {
					t.Errorf("Authenticate after %s during its login: %v, want %v", tc.name, err, tc.want)
				}
			}
		})
	}
}

// TestLoginDoneAfterCloseNotInstalled: a login that Close could not stop
// (the HTTPClient's transport ignores the cancelled context, so the
// login's last call goes on and succeeds) still ends Authenticate with
// ErrClosed, and the closed session installs none of its tokens, which it
// could never renew. (Held at an earlier call, the login would stop at
// the challenge that call brings: none is answered once ctx has ended.)
func TestLoginDoneAfterCloseNotInstalled(t *testing.T) {
	f := newFakeCognito(t, nil)
	s := newLifecycleSession(t, f, "", ignoreCancel)
	entered, held := make(chan struct{}), make(chan struct{})
	f.setFault(nil, func(_ http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get("X-Amz-Target") == "AWSCognitoIdentityProviderService.RespondToAuthChallenge" {
			close(entered)
			<-held
		}
		return false
	})
	var once sync.Once
	release := func() { once.Do(func() { close(held) }) }
	t.Cleanup(release)
	authErr := make(chan error, 1)
	go func() { authErr <- s.Authenticate(context.Background(), f.password) }()
	<-entered // the password claim, the login's last call, is with Cognito
	closed := closeAsync(s)
	release() // the login goes on regardless, and succeeds
	if err := errWithin(t, authErr, "Authenticate"); !errors.Is(err, ErrClosed) {
		t.Errorf("Authenticate of a login done after Close: %v, want ErrClosed", err)
	}
	<-closed
	if n := f.count("RespondToAuthChallenge"); n != 1 {
		t.Fatalf("the login made %d RespondToAuthChallenge calls, want it done (1)", n)
	}
	if s.Tokens() != nil {
		t.Error("a closed session installed the tokens of a login done after Close")
	}
}

// TestRenewalDoneAfterCloseServesItsWaiter: a renewal that Close could
// not stop (the transport ignores the cancelled context) and that Cognito
// then answers with tokens has succeeded: the session installs them (with
// rotation its refresh token is the only valid one) and the need waiting
// for it gets them, not an error.
func TestRenewalDoneAfterCloseServesItsWaiter(t *testing.T) {
	clk, f, s, first := loggedIn(t, ignoreCancel)
	clk.Advance(2 * time.Hour) // expired: the need waits for the renewal
	type result struct {
		t   *Tokens
		err error
	}
	got := make(chan result, 1)
	_, release := heldAtCognito(t, f, func() error {
		t, err := s.ValidTokens(context.Background(), AccessToken)
		got <- result{t, err}
		return err
	})
	closed := closeAsync(s)
	release() // the renewal goes on regardless, and succeeds
	var r result
	select {
	case r = <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("the need did not return")
	}
	if r.err != nil || r.t == nil || r.t == first || r.t != s.Tokens() {
		t.Errorf("need whose renewal Cognito answered after Close: %v, %v; want the session's new tokens", r.t, r.err)
	}
	<-closed
}

// TestVoidedFlightEndedByCloseSaysClosed: a need whose login was voided
// by SetTokens(nil) and then failed because Close ended it fails with
// ErrClosed, Close's error, as every need after Close does, rather than
// with the sign-out's ErrLoginRequired. (The transport ignores the
// cancelled context, so that the login fails only after both.)
func TestVoidedFlightEndedByCloseSaysClosed(t *testing.T) {
	f := newFakeCognito(t, nil)
	s := newLifecycleSession(t, f, f.password, ignoreCancel)
	needErr, release := heldAtCognito(t, f, func() error { _, err := s.ValidTokens(context.Background(), AccessToken); return err })
	s.SetTokens(nil)
	closed := closeAsync(s)
	f.set(func(f *fakeCognito) { f.failNext["login"] = 1 })
	release()
	if err := errWithin(t, needErr, "the need"); !errors.Is(err, ErrClosed) {
		t.Errorf("need whose voided login Close ended: %v, want ErrClosed", err)
	}
	<-closed
}

// TestIdleStartsNoGoroutine: requests with a token outside its window
// start no goroutine, and neither does an idle session.
func TestIdleStartsNoGoroutine(t *testing.T) {
	f := newFakeCognito(t, nil)
	s := newLifecycleSession(t, f, f.password, nil)
	ctx := context.Background()
	s.ValidTokens(ctx, AccessToken)
	settle(t, s)
	before := runtime.NumGoroutine()
	for range 1000 {
		s.ValidTokens(ctx, AccessToken)
	}
	if s.flying.Load() {
		t.Fatal("a flight started for a fresh token")
	}
	time.Sleep(10 * time.Millisecond)
	if after := runtime.NumGoroutine(); after > before {
		t.Errorf("goroutines: %d before, %d after", before, after)
	}
}

// TestHotPathTakesNoLock: with the session's locks held (as a writer
// would), requests with a fresh token, and with a token in its window while
// its renewal runs, still go through.
func TestHotPathTakesNoLock(t *testing.T) {
	clk, f, s, first := loggedIn(t, nil)
	a, err := New(Options{Session: s, Base: noopTransport{resp: &http.Response{StatusCode: 200, Body: http.NoBody}}})
	if err != nil {
		t.Fatal(err)
	}
	through := func() bool {
		done := make(chan struct{})
		go func() {
			defer close(done)
			req, _ := http.NewRequest("GET", "http://127.0.0.1/", nil)
			if _, err := a.RoundTrip(req); err != nil {
				t.Error(err)
			}
		}()
		select {
		case <-done:
			return true
		case <-time.After(2 * time.Second):
			return false
		}
	}
	s.mu.Lock()
	s.persistMu.Lock()
	ok := through()
	s.persistMu.Unlock()
	s.mu.Unlock()
	if !ok {
		t.Fatal("a request with a fresh token waited for the session's locks")
	}

	clk.Advance(56 * time.Minute)
	release := f.hold()
	defer release()
	s.ValidTokens(context.Background(), AccessToken) // starts the renewal
	if !s.flying.Load() {
		t.Fatal("no renewal in flight: the second half would test a session at rest")
	}
	s.mu.Lock()
	ok = through()
	s.mu.Unlock()
	if !ok {
		t.Fatal("a request in the renewal window waited for the session's lock")
	}
	if s.Tokens() != first {
		t.Fatal("tokens changed while Cognito was held")
	}
}

// TestLoginRequiredWithoutCause: a session with neither tokens nor a
// password fails with a *LoginRequiredError without a cause, whose text is
// ErrLoginRequired's (no dangling ": " and no nil dereference), from a
// request's ValidTokens and from Refresh.
func TestLoginRequiredWithoutCause(t *testing.T) {
	s, err := NewSession(Config{UserPoolID: testPoolID, ClientID: testClientID, Endpoint: "http://127.0.0.1:1/"}, "u")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err1 := s.ValidTokens(t.Context(), AccessToken)
	for _, err := range []error{err1, s.Refresh(t.Context())} {
		var lr *LoginRequiredError
		if !errors.As(err, &lr) || lr.Err != nil || !errors.Is(err, ErrLoginRequired) {
			t.Fatalf("error %#v, want a *LoginRequiredError without Err", err)
		}
		if err.Error() != ErrLoginRequired.Error() {
			t.Fatalf("error %q, want %q", err, ErrLoginRequired)
		}
	}
}

// TestEndedContextStartsNoFlight: a caller whose ctx has already ended
// starts no login or renewal (ValidTokens, Refresh, a 401's renewal): the
// flight would run on without anyone to take its result, and a program
// that stopped could not keep a refresh token Cognito rotated in. Nor does
// such a 401 count against the spacing of forced renewals.
func TestEndedContextStartsNoFlight(t *testing.T) {
	clk, f, s, first := loggedIn(t, nil)
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	calls := func() int { return f.count("login") + f.count(FlowRefreshTokenAuth) }
	before := calls()

	// A 401 whose request's ctx has ended renews nothing, and forces
	// nothing: a live one renews at once.
	if _, err := s.renewRejected(ended, first); !errors.Is(err, context.Canceled) {
		t.Errorf("a 401's renewal with an ended ctx = %v, want context.Canceled", err)
	}
	settle(t, s)
	if n := calls() - before; n != 0 {
		t.Errorf("%d calls to Cognito for a 401 whose ctx had ended, want none", n)
	}
	renewed, err := s.renewRejected(context.Background(), first)
	if err != nil {
		t.Fatalf("a 401's renewal after one with an ended ctx = %v, want tokens", err)
	}

	clk.Advance(2 * time.Hour) // expired: every need would call Cognito
	before = calls()
	if _, err := s.ValidTokens(ended, AccessToken); !errors.Is(err, context.Canceled) {
		t.Errorf("ValidTokens with an ended ctx = %v, want context.Canceled", err)
	}
	if err := s.Refresh(ended); !errors.Is(err, context.Canceled) {
		t.Errorf("Refresh with an ended ctx = %v, want context.Canceled", err)
	}
	settle(t, s)
	if n := calls() - before; n != 0 || s.Tokens() != renewed {
		t.Errorf("%d calls to Cognito for callers whose ctx had ended, tokens kept %v; want none, true", n, s.Tokens() == renewed)
	}
}

// TestTokenContextBoundsOnlyTheWait pins what Auth.Token's doc says of
// ctx: a caller that gives up returns with ctx's error at once, but the
// login it started goes on and its tokens are the session's, so the next
// call needs no second login. A Token that cancelled the login with its
// ctx would make a program with a short per-call timeout log in again on
// every call against a slow Cognito, and never get a token.
func TestTokenContextBoundsOnlyTheWait(t *testing.T) {
	f := newFakeCognito(t, nil)
	entered := f.watch()
	release := f.hold()
	s := newLifecycleSession(t, f, f.password, nil)
	auth, err := New(Options{Session: s})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := auth.Token(ctx)
		errc <- err
	}()
	<-entered // the login reached Cognito
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Token after its ctx ended: %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Token kept waiting after its ctx ended")
	}
	release()
	tok, err := auth.Token(context.Background())
	if err != nil || tok == "" {
		t.Fatalf("Token after the login: %q, %v", tok, err)
	}
	if n := f.count("login"); n != 1 {
		t.Errorf("%d logins, want 1: the abandoned one should have gone on", n)
	}
}

// sessionSavingTokens returns a session that has logged in and whose
// login's flight is held saving its tokens in store, until the test sends
// on store.release or closes it.
func sessionSavingTokens(t *testing.T) (*fakeCognito, *Session, *slowSaveStore) {
	t.Helper()
	f := newFakeCognito(t, nil)
	store := newSlowSaveStore()
	s := newLifecycleSession(t, f, f.password, func(c *Config) { c.Store = store })
	if _, err := s.ValidTokens(context.Background(), AccessToken); err != nil {
		t.Fatal(err)
	}
	<-store.saving
	return f, s, store
}

// TestCloseWaitsForAllWork: Close waits until every piece of the
// session's work has ended, not only until one has: here a flight saving
// its tokens, held in the store, and an Authenticate's login with Cognito,
// which Close cancels and which so ends first. Close returns only once
// the save is over. (A count that released Close when it dropped to one
// passed every test with a single piece of work in progress.)
func TestCloseWaitsForAllWork(t *testing.T) {
	f, s, store := sessionSavingTokens(t)
	defer close(store.release)
	authErr, _ := heldAtCognito(t, f, func() error { return s.Authenticate(context.Background(), f.password) })
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	errWithin(t, authErr, "Authenticate") // Close cancelled it
	select {
	case <-closed:
		t.Fatal("Close returned while a flight was saving its tokens")
	case <-time.After(100 * time.Millisecond):
	}
	store.release <- struct{}{} // the flight's save ends
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return after the save ended")
	}
}

// TestCloseWaitsForOnTokens backs Close's doc and the README: Close waits
// for the OnTokens that a login runs after it has handed out its tokens,
// so Close must not be called holding a lock that OnTokens waits for
// (a cache's, when OnTokens records the tokens there): it would deadlock.
func TestCloseWaitsForOnTokens(t *testing.T) {
	f := newFakeCognito(t, nil)
	entered, release := make(chan struct{}), make(chan struct{})
	s := newLifecycleSession(t, f, f.password, func(c *Config) {
		c.OnTokens = func(*Tokens) { close(entered); <-release }
	})
	if _, err := s.ValidTokens(context.Background(), AccessToken); err != nil {
		t.Fatal(err)
	}
	<-entered
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
		t.Fatal("Close returned while the login's OnTokens ran")
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return after OnTokens ended")
	}
}

// TestConcurrentClosesAllReturn: Close may be called from two goroutines
// at once (a signal handler's and a deferred one) while work is in
// progress; both wait for it, and both return once it has ended. (A
// second Close that made its own channel to wait on, in place of the
// first's, left the first waiting for ever.)
func TestConcurrentClosesAllReturn(t *testing.T) {
	_, s, store := sessionSavingTokens(t)
	defer close(store.release)
	closed := make(chan struct{}, 2)
	for range 2 {
		go func() { s.Close(); closed <- struct{}{} }()
	}
	time.Sleep(100 * time.Millisecond) // both Closes are waiting
	if len(closed) != 0 {
		t.Fatal("Close returned while a flight was saving its tokens")
	}
	store.release <- struct{}{} // the flight's save ends
	for i := range 2 {
		select {
		case <-closed:
		case <-time.After(5 * time.Second):
			t.Fatalf("%d of two concurrent Closes returned after the save ended", i)
		}
	}
}
