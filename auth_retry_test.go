// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// bodyTracker is a base transport that records whether the bodies of the
// responses it returned were read to the end and closed.
type bodyTracker struct {
	mu     sync.Mutex
	bodies []*TrackedBody
	before func(*http.Request) // runs before each request, if set
}

func (bt *bodyTracker) RoundTrip(req *http.Request) (*http.Response, error) {
	if bt.before != nil {
		bt.before(req)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	tb := &TrackedBody{ReadCloser: resp.Body}
	resp.Body = tb
	bt.mu.Lock()
	bt.bodies = append(bt.bodies, tb)
	bt.mu.Unlock()
	return resp, nil
}

// authOn returns an Auth on a logged-in session of f, and that session.
func authOn(t *testing.T, f *fakeCognito, opts Options) (*Auth, *Session, *bodyTracker) {
	t.Helper()
	s := newLifecycleSession(t, f, f.password, nil)
	if _, err := s.ValidTokens(context.Background(), AccessToken); err != nil {
		t.Fatal(err)
	}
	settle(t, s)
	bt := new(bodyTracker)
	opts.Session, opts.Base = s, bt
	a, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return a, s, bt
}

func (f *fakeCognito) reject(tok string) {
	f.set(func(f *fakeCognito) { f.rejected[tok] = true })
}

func send(t *testing.T, a *Auth, req *http.Request) (int, string) {
	t.Helper()
	resp, err := a.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// opaqueReader hides strings.Reader's type, so that http.NewRequest sets
// no GetBody: the body cannot be replayed.
type opaqueReader struct{ io.Reader }

func TestRetryOn401(t *testing.T) {
	for _, tc := range []struct {
		name    string
		newReq  func(url string) *http.Request
		retried bool
		body    string
	}{
		{"no body", func(url string) *http.Request {
			r, _ := http.NewRequest("GET", url, nil)
			return r
		}, true, ""},
		{"NoBody without GetBody", func(url string) *http.Request {
			// As a request built by hand has it: no body, so nothing to
			// replay (http.NewRequest would set a GetBody for NoBody).
			r, _ := http.NewRequest("GET", url, nil)
			r.Body = http.NoBody
			return r
		}, true, ""},
		{"replayable body", func(url string) *http.Request {
			r, _ := http.NewRequest("POST", url, strings.NewReader("payload"))
			return r
		}, true, "payload"},
		{"one-shot body", func(url string) *http.Request {
			r, _ := http.NewRequest("POST", url, opaqueReader{strings.NewReader("payload")})
			return r
		}, false, "payload"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeCognito(t, nil)
			a, s, bt := authOn(t, f, Options{})
			used := s.Tokens()
			f.reject(used.AccessToken)
			code, _ := send(t, a, tc.newReq(f.api.URL))
			renewals := f.count(FlowRefreshTokenAuth)
			if !tc.retried {
				// The 401 comes back as is, but the token is renewed all the
				// same: without that, every request would carry the refused
				// token until it expired (an upload from a file, say, would
				// fail for up to an hour after a sign-out elsewhere).
				if code != http.StatusUnauthorized || renewals != 1 || f.apiCalls() != 1 {
					t.Fatalf("got %d after %d renewals and %d API calls; want the 401 as is after 1 renewal", code, renewals, f.apiCalls())
				}
				if code, _ := send(t, a, tc.newReq(f.api.URL)); code != http.StatusOK {
					t.Fatalf("the next request got %d, want 200 with the renewed token", code)
				}
				return
			}
			if code != http.StatusOK || renewals != 1 || f.apiCalls() != 2 {
				t.Fatalf("got %d after %d renewals and %d API calls; want 200 after 1 renewal and a retry", code, renewals, f.apiCalls())
			}
			if s.Tokens() == used {
				t.Error("session kept the rejected tokens")
			}
			if f.apiBody[0] != tc.body || f.apiBody[1] != tc.body {
				t.Errorf("API received bodies %q, want %q twice", f.apiBody, tc.body)
			}
			first := bt.bodies[0]
			if !first.Closed() || !first.Drained() {
				t.Error("the first 401 body was not drained and closed")
			}
		})
	}
}

func TestRetryOn401Disabled(t *testing.T) {
	f := newFakeCognito(t, nil)
	a, s, _ := authOn(t, f, Options{NoRetryOnUnauthorized: true})
	f.reject(s.Tokens().AccessToken)
	req, _ := http.NewRequest("GET", f.api.URL, nil)
	if code, body := send(t, a, req); code != http.StatusUnauthorized || !strings.Contains(body, "token rejected") {
		t.Fatalf("got %d %q, want the API's 401", code, body)
	}
	if n := f.count(FlowRefreshTokenAuth); n != 0 {
		t.Errorf("renewals = %d, want 0", n)
	}
}

// TestRetryOn401NeverLoops: an API that rejects every token gets one retry
// per request, and renewals forced by 401s are spaced out.
func TestRetryOn401NeverLoops(t *testing.T) {
	f := newFakeCognito(t, nil)
	a, _, _ := authOn(t, f, Options{})
	f.set(func(f *fakeCognito) { f.rejectAll = true })
	req, _ := http.NewRequest("GET", f.api.URL, nil)
	if code, _ := send(t, a, req); code != http.StatusUnauthorized {
		t.Fatalf("got %d, want 401", code)
	}
	if f.apiCalls() != 2 || f.count(FlowRefreshTokenAuth) != 1 {
		t.Fatalf("%d API calls and %d renewals; want 2 and 1", f.apiCalls(), f.count(FlowRefreshTokenAuth))
	}
	req, _ = http.NewRequest("GET", f.api.URL, nil)
	if code, _ := send(t, a, req); code != http.StatusUnauthorized {
		t.Fatalf("got %d, want 401", code)
	}
	if f.apiCalls() != 3 || f.count(FlowRefreshTokenAuth) != 1 {
		t.Fatalf("%d API calls and %d renewals; want 3 and still 1", f.apiCalls(), f.count(FlowRefreshTokenAuth))
	}
}

// TestRetryOn401SpacingOnSessionClock: the spacing of forced renewals is
// judged on the session's clock, like every other time decision of the
// session, so it ends once minForcedInterval has passed on that clock.
func TestRetryOn401SpacingOnSessionClock(t *testing.T) {
	clock := newFakeClock(testNow)
	f := newFakeCognito(t, clock.Now)
	a, _, _ := authOn(t, f, Options{})
	f.set(func(f *fakeCognito) { f.rejectAll = true })
	for i, want := range []int{1, 1, 2} {
		if i == 2 {
			clock.Advance(minForcedInterval)
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

// TestRetryOn401Concurrent: requests rejected with the same token share one
// renewal.
func TestRetryOn401Concurrent(t *testing.T) {
	f := newFakeCognito(t, nil)
	a, s, _ := authOn(t, f, Options{})
	f.reject(s.Tokens().AccessToken)
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", f.api.URL, nil)
			resp, err := a.RoundTrip(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status %d", resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	if n := f.count(FlowRefreshTokenAuth); n != 1 {
		t.Errorf("renewals = %d, want 1", n)
	}
}

// TestRetryOn401AlreadyRenewed: when the tokens were renewed while the
// rejected request was in flight, the retry uses them without renewing
// again.
func TestRetryOn401AlreadyRenewed(t *testing.T) {
	f := newFakeCognito(t, nil)
	a, s, bt := authOn(t, f, Options{})
	f.reject(s.Tokens().AccessToken)
	var once sync.Once
	bt.before = func(*http.Request) {
		once.Do(func() {
			if err := s.Refresh(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	req, _ := http.NewRequest("GET", f.api.URL, nil)
	if code, _ := send(t, a, req); code != http.StatusOK {
		t.Fatalf("got %d, want 200", code)
	}
	if n := f.count(FlowRefreshTokenAuth); n != 1 {
		t.Errorf("renewals = %d, want only the one made meanwhile", n)
	}
}

// TestRoundTripErrorClosesBody: when no token can be had, RoundTrip fails
// with the session's error and closes the request body.
func TestRoundTripErrorClosesBody(t *testing.T) {
	f := newFakeCognito(t, nil)
	s := newLifecycleSession(t, f, "", nil)
	a, err := New(Options{Session: s})
	if err != nil {
		t.Fatal(err)
	}
	body := NewTrackedBody("x")
	req, _ := http.NewRequest("POST", f.api.URL, body)
	if _, err := a.RoundTrip(req); !errors.Is(err, ErrLoginRequired) {
		t.Fatalf("err = %v, want ErrLoginRequired", err)
	}
	if !body.Closed() {
		t.Error("request body not closed")
	}
}

// TestRetryOn401AfterSignOut: a request rejected because the session signed
// out while it was in flight is retried as a new request would be, from no
// tokens (here with a new login), not by renewing the signed-out refresh
// token into tokens the session never holds.
func TestRetryOn401AfterSignOut(t *testing.T) {
	f := newFakeCognito(t, nil)
	a, s, bt := authOn(t, f, Options{})
	used := s.Tokens()
	var once sync.Once
	bt.before = func(*http.Request) {
		once.Do(func() {
			if err := s.SignOut(context.Background()); err != nil {
				t.Error(err)
			}
			f.reject(used.AccessToken)
		})
	}
	req, _ := http.NewRequest("GET", f.api.URL, nil)
	if code, _ := send(t, a, req); code != http.StatusOK {
		t.Fatalf("got %d, want 200 after a new login", code)
	}
	if n := f.count(FlowRefreshTokenAuth); n != 0 {
		t.Errorf("%d renewals with the signed-out refresh token, want 0", n)
	}
	if s.Tokens() == nil || f.count("login") != 2 {
		t.Errorf("after the retry the session holds %v after %d logins; want the retry's new tokens after 2", s.Tokens(), f.count("login"))
	}
}

// TestRetryOn401SpacedAfterSignOut: a request refused because the
// session signed out while it was in flight, soon after a forced
// renewal, gets its 401: the spacing holds, and there were no renewed
// tokens to be refused (nor a panic looking for them).
func TestRetryOn401SpacedAfterSignOut(t *testing.T) {
	clock := newFakeClock(testNow)
	f := newFakeCognito(t, clock.Now)
	a, s, bt := authOn(t, f, Options{})
	f.set(func(f *fakeCognito) { f.rejectAll = true })
	req, _ := http.NewRequest("GET", f.api.URL, nil)
	if code, _ := send(t, a, req); code != http.StatusUnauthorized {
		t.Fatalf("got %d, want 401", code)
	}
	var once sync.Once
	bt.before = func(*http.Request) {
		once.Do(func() {
			if err := s.SignOut(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	req, _ = http.NewRequest("GET", f.api.URL, nil)
	if code, _ := send(t, a, req); code != http.StatusUnauthorized {
		t.Fatalf("request refused after a sign-out: got %d, want 401", code)
	}
	if n := f.count(FlowRefreshTokenAuth); n != 1 {
		t.Errorf("%d renewals, want 1", n)
	}
}

// TestRetryOn401SpacingHolds: a forced renewal is refused for the whole of
// minForcedInterval, not only at once.
func TestRetryOn401SpacingHolds(t *testing.T) {
	clock := newFakeClock(testNow)
	f := newFakeCognito(t, clock.Now)
	a, _, _ := authOn(t, f, Options{})
	f.set(func(f *fakeCognito) { f.rejectAll = true })
	for i, step := range []time.Duration{0, minForcedInterval - time.Millisecond, time.Millisecond} {
		clock.Advance(step)
		req, _ := http.NewRequest("GET", f.api.URL, nil)
		if code, _ := send(t, a, req); code != http.StatusUnauthorized {
			t.Fatalf("request %d: got %d, want 401", i, code)
		}
		if n, want := f.count(FlowRefreshTokenAuth), max(i, 1); n != want {
			t.Fatalf("after request %d: %d renewals, want %d", i, n, want)
		}
	}
}

// bodyRecorder answers 401 to its first request and 200 to the others,
// keeping each request's body as read: unlike http.Transport, it does not
// rewind a body with GetBody itself.
type bodyRecorder struct {
	mu     sync.Mutex
	bodies []string
}

func (b *bodyRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body.Close()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bodies = append(b.bodies, string(body))
	code := http.StatusOK
	if len(b.bodies) == 1 {
		code = http.StatusUnauthorized
	}
	return &http.Response{StatusCode: code, Body: http.NoBody, Header: http.Header{}, Request: req}, nil
}

// TestRetryOn401ReplaysBodyOnAnyBase: the retry sends the body again from
// GetBody, whatever the Base transport.
func TestRetryOn401ReplaysBodyOnAnyBase(t *testing.T) {
	a, rec, req := recordedRetry(t)
	resp, err := a.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("RoundTrip = %v, %v; want 200 after a retry", resp, err)
	}
	if len(rec.bodies) != 2 || rec.bodies[0] != "payload" || rec.bodies[1] != "payload" {
		t.Errorf("bodies sent %q, want \"payload\" twice", rec.bodies)
	}
}

// TestRetryOn401GetBodyFails: when the body cannot be had again, the 401
// is returned as it is, not an error.
func TestRetryOn401GetBodyFails(t *testing.T) {
	a, rec, req := recordedRetry(t)
	req.GetBody = func() (io.ReadCloser, error) { return nil, errors.New("body gone") }
	resp, err := a.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || len(rec.bodies) != 1 {
		t.Fatalf("RoundTrip = %v, %v after %d requests; want the 401 as is", resp, err, len(rec.bodies))
	}
}

// recordedRetry returns an Auth over a bodyRecorder (which answers 401
// first) and a request with a body for it.
func recordedRetry(t *testing.T) (*Auth, *bodyRecorder, *http.Request) {
	t.Helper()
	f := newFakeCognito(t, nil)
	_, s, _ := authOn(t, f, Options{})
	rec := new(bodyRecorder)
	a, err := New(Options{Session: s, Base: rec})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", "https://api.example.com/x", strings.NewReader("payload"))
	return a, rec, req
}

// TestRetryOn401WithoutResponseBody: a Base may answer without a Body (a
// test double, a cache: net/http's Client takes a nil Body for an empty
// one, golang.org/issue/38095); the 401 is retried all the same, instead
// of a panic where its body would be drained.
func TestRetryOn401WithoutResponseBody(t *testing.T) {
	f := newFakeCognito(t, nil)
	_, s, _ := authOn(t, f, Options{})
	calls := 0
	a, err := New(Options{Session: s, Base: RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		calls++
		code := http.StatusOK
		if calls == 1 {
			code = http.StatusUnauthorized
		}
		return &http.Response{StatusCode: code, Header: http.Header{}, Request: r}, nil
	})})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "https://api.example.com/x", nil)
	resp, err := a.Client().Do(req)
	if err != nil || resp.StatusCode != http.StatusOK || calls != 2 {
		t.Fatalf("Do = %v, %v after %d requests; want 200 after a retry", resp, err, calls)
	}
}

// TestBaseWithoutResponseOrError: a broken Base that returns neither a
// response nor an error gets net/http's Client's error, as it would
// without Auth, not a panic in the caller's goroutine.
func TestBaseWithoutResponseOrError(t *testing.T) {
	s, _ := sessionWithToken(t)
	a, err := New(Options{Session: s, Base: RoundTripFunc(func(*http.Request) (*http.Response, error) { return nil, nil })})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "https://api.example.com/x", nil)
	if resp, err := a.Client().Do(req); err == nil || resp != nil {
		t.Fatalf("Do = %v, %v; want net/http's error", resp, err)
	}
}

// TestRejectedReplacedByUnusableTokens: when an API answers 401 and the
// session meanwhile holds other tokens (SetTokens) whose token cannot go in
// a header (a control character, or no access token at all), the request
// is not retried: the 401 comes back as it was, with no error and no
// panic, and the unusable token is sent nowhere (nor a bare "Bearer ").
func TestRejectedReplacedByUnusableTokens(t *testing.T) {
	exp := time.Now().Add(time.Hour)
	for _, bad := range []string{"bad\ntoken", ""} {
		s, err := NewSession(Config{UserPoolID: testPoolID, ClientID: testClientID, Endpoint: "http://127.0.0.1:1/"}, "u")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		s.SetTokens(&Tokens{AccessToken: "first", IDToken: "first-id", AccessExpiry: exp, IDExpiry: exp})
		var sent []string
		a, err := New(Options{Session: s, Base: RoundTripFunc(func(r *http.Request) (*http.Response, error) {
			sent = append(sent, r.Header.Get("Authorization"))
			s.SetTokens(&Tokens{AccessToken: bad, IDToken: "second-id", AccessExpiry: exp, IDExpiry: exp})
			return &http.Response{StatusCode: http.StatusUnauthorized, Body: http.NoBody, Request: r}, nil
		})})
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://api.example/", nil)
		resp, err := a.RoundTrip(req)
		if err != nil || resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("replaced by access token %q: RoundTrip: %v, %v; want the 401", bad, resp, err)
		}
		if len(sent) != 1 || sent[0] != "Bearer first" {
			t.Fatalf("replaced by access token %q: sent %q", bad, sent)
		}
	}
}

// levelCounts is an slog.Handler that counts the events of each message
// at each level.
type levelCounts struct {
	mu sync.Mutex
	n  map[string]int // "LEVEL message"
}

func (h *levelCounts) Enabled(context.Context, slog.Level) bool { return true }
func (h *levelCounts) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *levelCounts) WithGroup(string) slog.Handler            { return h }
func (h *levelCounts) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n == nil {
		h.n = map[string]int{}
	}
	h.n[r.Level.String()+" "+r.Message]++
	return nil
}

// at returns the events at level or above, by message.
func (h *levelCounts) at(level slog.Level) map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	got := map[string]int{}
	for k, v := range h.n {
		var l slog.Level
		lv, msg, _ := strings.Cut(k, " ")
		if l.UnmarshalText([]byte(lv)) == nil && l >= level {
			got[msg] += v
		}
	}
	return got
}

// TestRetryOn401RefusalLoggedOnce: an API that refuses every token (one
// that expects another audience) gets a WARN event saying so once per
// forced renewal, not one per request: requests refused within
// minForcedInterval of the renewal are logged at DEBUG; the next forced
// renewal's tokens, refused too, get the WARN again. Likewise a forced
// renewal that fails is a WARN once, by the renewal's own event.
func TestRetryOn401RefusalLoggedOnce(t *testing.T) {
	clock := newFakeClock(testNow)
	f := newFakeCognito(t, clock.Now)
	logs := new(levelCounts)
	s := newLifecycleSession(t, f, f.password, func(c *Config) { c.Logger = slog.New(logs) })
	if _, err := s.ValidTokens(context.Background(), AccessToken); err != nil {
		t.Fatal(err)
	}
	settle(t, s)
	a, err := New(Options{Session: s})
	if err != nil {
		t.Fatal(err)
	}
	f.set(func(f *fakeCognito) { f.rejectAll = true })
	for range 20 {
		req, _ := http.NewRequest("GET", f.api.URL, nil)
		if code, _ := send(t, a, req); code != http.StatusUnauthorized {
			t.Fatalf("got %d, want 401", code)
		}
	}
	refused := "cognitosrp: the API refused renewed tokens too; check its pool, token type and prefix"
	want := map[string]int{refused: 1}
	if got := logs.at(slog.LevelWarn); !maps.Equal(got, want) {
		t.Errorf("WARN events for 20 requests an API refused = %v, want %v", got, want)
	}

	// The next forced renewal's tokens are refused too: said once more.
	clock.Advance(minForcedInterval)
	for range 20 {
		req, _ := http.NewRequest("GET", f.api.URL, nil)
		send(t, a, req)
	}
	want[refused] = 2
	if got := logs.at(slog.LevelWarn); !maps.Equal(got, want) {
		t.Errorf("WARN events after a second forced renewal = %v, want %v", got, want)
	}

	clock.Advance(minForcedInterval)
	f.failRenewals(1)
	for range 20 {
		req, _ := http.NewRequest("GET", f.api.URL, nil)
		send(t, a, req)
	}
	want["cognitosrp: renewal failed"] = 1
	if got := logs.at(slog.LevelWarn); !maps.Equal(got, want) {
		t.Errorf("WARN events once a forced renewal failed = %v, want %v", got, want)
	}
}

// TestRetryOn401SpacingAfterClockStepBack: the spacing of forced renewals
// is timed on the wall clock (so that it counts a sleep), and a wall clock
// stepped back does not hold it for the length of the step: the next
// forced renewal may start at once, after which the spacing runs again.
func TestRetryOn401SpacingAfterClockStepBack(t *testing.T) {
	clock := newFakeClock(testNow)
	f := newFakeCognito(t, clock.Now)
	a, _, _ := authOn(t, f, Options{})
	f.set(func(f *fakeCognito) { f.rejectAll = true })
	for i, want := range []int{1, 2, 2} {
		if i == 1 {
			clock.Advance(-time.Minute)
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

// TestRetryOn401LoginRequired: a 401 whose renewal finds the refresh token
// dead, for a session without a password, fails the request with
// ErrLoginRequired, whatever its body, and closes the 401's body and the
// request's; the next request fails so too, without asking Cognito or
// sending the refused token.
func TestRetryOn401LoginRequired(t *testing.T) {
	f := newFakeCognito(t, nil)
	a, s, bt := authOn(t, f, Options{})
	s.mu.Lock()
	s.password = "" // a desktop program's session: it asks for one
	s.mu.Unlock()
	f.set(func(f *fakeCognito) {
		clear(f.refresh) // signed out elsewhere
		f.rejectAll = true
	})
	// The first request's body cannot be sent again; the second is
	// refused before it is sent.
	for i, body := range []io.Reader{opaqueReader{strings.NewReader("x")}, nil} {
		req, _ := http.NewRequest("POST", f.api.URL, body)
		tb := NewTrackedBody("x")
		if body != nil {
			req.Body = tb
		}
		resp, err := a.RoundTrip(req)
		if !errors.Is(err, ErrLoginRequired) || resp != nil {
			t.Fatalf("request %d: %v, %v; want ErrLoginRequired and no response", i, resp, err)
		}
		if body != nil && !tb.Closed() {
			t.Errorf("request %d: request body not closed", i)
		}
	}
	if len(bt.bodies) != 1 || !bt.bodies[0].Closed() {
		t.Errorf("%d responses; want one, the 401, its body closed", len(bt.bodies))
	}
	if n := f.count(FlowRefreshTokenAuth); n != 1 {
		t.Errorf("%d renewals, want 1", n)
	}
}
