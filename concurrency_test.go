// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
)

// heldRefresh makes a fake's refreshes wait: started is closed when the
// first one arrives, and each waits until release is closed.
type heldRefresh struct {
	started, release chan struct{}
	once             sync.Once
}

func newHeldRefresh() *heldRefresh {
	return &heldRefresh{started: make(chan struct{}), release: make(chan struct{})}
}

func (h *heldRefresh) hook() {
	h.once.Do(func() { close(h.started) })
	<-h.release
}

// expiringSession returns a logged-in session on a fake clock, the fake,
// and the clock; refreshes are held by h.
func expiringSession(t *testing.T, h *heldRefresh) (*cognitosrp.Session, *fakeCognito, *cognitosrp.FakeClock) {
	t.Helper()
	clock := cognitosrp.NewFakeClock(time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC))
	f := startFake(t, fakeConfig{Now: clock.Now, BeforeRefresh: h.hook, ClientSecret: "s3cret"})
	f.AddUser("0d5b1c7e-uuid", "pw", "carol@example.com")
	cfg := f.sessionConfig()
	s, err := cognitosrp.NewSession(cfg, "carol@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Authenticate(context.Background(), "pw"); err != nil {
		t.Fatal(err)
	}
	return s, f, clock
}

// TestConcurrentExpiryRefreshesOnce sends 120 requests across an expiry:
// exactly one refresh reaches Cognito, and every request carries the new
// token.
func TestConcurrentExpiryRefreshesOnce(t *testing.T) {
	h := newHeldRefresh()
	s, f, clock := expiringSession(t, h)
	old := s.Tokens()
	var seen sync.Map // header values the API received
	api := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.Header.Get("Authorization"), true)
	})
	auth, err := cognitosrp.New(cognitosrp.Options{Session: s})
	if err != nil {
		t.Fatal(err)
	}
	client := auth.Client()

	// Inside the 30 s margin before the one-hour expiry.
	clock.Advance(time.Hour - 10*time.Second)
	const n = 120
	var wg sync.WaitGroup
	var entered atomic.Int32
	errs := make(chan error, n)
	tokens := make(chan string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			entered.Add(1)
			if i%2 == 0 {
				resp, err := client.Get(api.URL)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				errs <- err
				return
			}
			tok, err := auth.Token(context.Background())
			tokens <- tok
			errs <- err
		}()
	}
	<-h.started
	for entered.Load() < n {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // let the last ones reach the wait
	close(h.release)
	wg.Wait()
	close(errs)
	close(tokens)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := f.Calls("InitiateAuth/REFRESH_TOKEN_AUTH"); got != 1 {
		t.Errorf("%d refresh calls reached Cognito, want 1", got)
	}
	if got := f.Calls("InitiateAuth/USER_SRP_AUTH"); got != 1 {
		t.Errorf("%d logins, want only the first", got)
	}
	cur := s.Tokens()
	if cur == old || cur.AccessToken == old.AccessToken || cur.RefreshToken != old.RefreshToken {
		t.Fatal("the session did not keep the renewed tokens")
	}
	for tok := range tokens {
		if tok != cur.AccessToken {
			t.Fatal("a caller got a token other than the renewed one")
		}
	}
	count := 0
	seen.Range(func(k, _ any) bool {
		count++
		if k != "Bearer "+cur.AccessToken {
			t.Errorf("the API saw %.20q…", k)
		}
		return true
	})
	if count != 1 {
		t.Errorf("the API saw %d distinct header values, want 1", count)
	}
}

// validTokensAsync calls s.ValidTokens in a goroutine and delivers its
// error.
func validTokensAsync(ctx context.Context, s *cognitosrp.Session, typ cognitosrp.TokenType) <-chan error {
	c := make(chan error, 1)
	go func() {
		_, err := s.ValidTokens(ctx, typ)
		c <- err
	}()
	return c
}

// TestCancelledWaiterDoesNotFailOthers cancels the caller that started a
// held refresh: it returns at once with its own error, while the refresh
// goes on for another caller and for the session.
func TestCancelledWaiterDoesNotFailOthers(t *testing.T) {
	h := newHeldRefresh()
	s, f, clock := expiringSession(t, h)
	clock.Advance(2 * time.Hour)

	ctx, cancel := context.WithCancel(context.Background())
	first := validTokensAsync(ctx, s, cognitosrp.IDToken)
	<-h.started // the first caller's refresh is in flight
	second := validTokensAsync(context.Background(), s, cognitosrp.AccessToken)
	cancel()
	select {
	case err := <-first:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled caller: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the cancelled caller kept waiting for the refresh")
	}
	select {
	case err := <-second:
		t.Fatalf("the second caller returned before the refresh: %v", err)
	default:
	}
	close(h.release)
	if err := <-second; err != nil {
		t.Fatalf("second caller: %v", err)
	}
	if got := f.Calls("InitiateAuth/REFRESH_TOKEN_AUTH"); got != 1 {
		t.Errorf("%d refresh calls, want 1", got)
	}
	if !s.Tokens().ValidAt(cognitosrp.IDToken, clock.Now(), time.Minute) {
		t.Error("the session does not hold the renewed tokens")
	}
}

// TestAbandonedRefreshStillCompletes cancels the only waiter: the refresh
// still finishes and is kept, so the next caller needs no call.
func TestAbandonedRefreshStillCompletes(t *testing.T) {
	h := newHeldRefresh()
	s, f, clock := expiringSession(t, h)
	clock.Advance(2 * time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	done := validTokensAsync(ctx, s, cognitosrp.AccessToken)
	<-h.started
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	close(h.release)
	deadline := time.Now().Add(5 * time.Second)
	for !s.Tokens().ValidAt(cognitosrp.AccessToken, clock.Now(), time.Minute) {
		if time.Now().After(deadline) {
			t.Fatal("the abandoned refresh was not stored")
		}
		time.Sleep(time.Millisecond)
	}
	if _, err := s.ValidTokens(context.Background(), cognitosrp.AccessToken); err != nil {
		t.Fatal(err)
	}
	if got := f.Calls("InitiateAuth/REFRESH_TOKEN_AUTH"); got != 1 {
		t.Errorf("%d refresh calls, want 1", got)
	}
}

// TestConcurrentFirstUseLogsInOnce starts 100 requests on an Auth that has
// never logged in: one SRP login serves them all.
func TestConcurrentFirstUseLogsInOnce(t *testing.T) {
	f := startFake(t, fakeConfig{})
	f.AddUser("dave", "pw")
	api := newHandlerServer(t, func(http.ResponseWriter, *http.Request) {})
	auth, err := cognitosrp.New(f.options("dave", "pw"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := auth.Client().Get(api.URL)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		}()
	}
	wg.Wait()
	if got := f.Calls("InitiateAuth/USER_SRP_AUTH"); got != 1 {
		t.Errorf("%d logins, want 1", got)
	}
}

// TestDeadRefreshTokenLogsInAgain: with the password at hand, a refresh
// refused with NotAuthorized falls back to a new login; without it the
// caller learns that a login is required.
func TestDeadRefreshTokenLogsInAgain(t *testing.T) {
	f := startFake(t, fakeConfig{})
	f.AddUser("erin", "pw")
	auth, err := cognitosrp.New(f.options("erin", "pw"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := auth.Token(ctx); err != nil {
		t.Fatal(err)
	}
	f.RevokeRefreshTokens()
	expire(auth.Session())
	tok, err := auth.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tok != auth.Session().Tokens().AccessToken || f.Calls("InitiateAuth/USER_SRP_AUTH") != 2 || f.Calls("InitiateAuth/REFRESH_TOKEN_AUTH") != 1 {
		t.Errorf("logins %d, refreshes %d; want 2 and 1", f.Calls("InitiateAuth/USER_SRP_AUTH"), f.Calls("InitiateAuth/REFRESH_TOKEN_AUTH"))
	}

	// A pre-configured session has no password to fall back on.
	s, err := cognitosrp.NewSession(f.sessionConfig(), "erin")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Authenticate(ctx, "pw"); err != nil {
		t.Fatal(err)
	}
	f.RevokeRefreshTokens()
	expire(s)
	byS, _ := cognitosrp.New(cognitosrp.Options{Session: s})
	_, err = byS.Token(ctx)
	if !errors.Is(err, cognitosrp.ErrLoginRequired) || !errors.Is(err, cognitosrp.ErrNotAuthorized) {
		t.Fatalf("err = %v; want ErrLoginRequired wrapping ErrNotAuthorized", err)
	}
	// A session that never logged in cannot either.
	fresh, _ := cognitosrp.NewSession(f.sessionConfig(), "erin")
	byFresh, _ := cognitosrp.New(cognitosrp.Options{Session: fresh})
	if _, err := byFresh.Token(ctx); !errors.Is(err, cognitosrp.ErrLoginRequired) {
		t.Fatalf("err = %v; want ErrLoginRequired", err)
	}
}

// expire replaces the session's tokens by a copy that has expired.
func expire(s *cognitosrp.Session) {
	t := *s.Tokens()
	t.AccessExpiry, t.IDExpiry = t.IssuedAt, t.IssuedAt
	s.SetTokens(&t)
}
