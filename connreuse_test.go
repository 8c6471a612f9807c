// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// emulatorAuth returns an emulator with the user alice and an Auth of
// hers on it that sends through base (and as edit sets), closed when the
// test ends.
func emulatorAuth(t *testing.T, base http.RoundTripper, edit ...func(*cognitosrp.Options)) (*cognitotest.Server, *cognitosrp.Auth) {
	t.Helper()
	emu := cognitotest.NewServer(t, cognitotest.Config{})
	if _, err := emu.AddUser(cognitotest.User{Username: "alice", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	opts := emu.Options("alice", emuPassword)
	opts.Base = base
	for _, e := range edit {
		e(&opts)
	}
	a, err := cognitosrp.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return emu, a
}

// countingServer starts h on an httptest.Server and counts the TCP
// connections clients open to it.
func countingServer(t *testing.T, h http.Handler) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	conns := new(atomic.Int32)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, conns
}

// TestRetryTransportReusesConnection: the retrying transport of
// Example_retry, which the README tells users to put in Options.Base,
// sends its attempts over one kept-alive connection. It closed each
// refused response unread, which closes its connection: every attempt
// opened a new one (a TLS handshake each, against a real API).
func TestRetryTransportReusesConnection(t *testing.T) {
	var calls atomic.Int32
	api, conns := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if calls.Add(1) < 3 {
			http.Error(w, "try again", http.StatusServiceUnavailable)
		}
	}))
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: &retryTransport{Base: tr, Attempts: 3}}
	resp, err := c.Post(api.URL, "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || calls.Load() != 3 {
		t.Fatalf("status %d after %d attempts, want 200 after 3", resp.StatusCode, calls.Load())
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("3 attempts opened %d connections, want 1", n)
	}
}

// TestCognitoCallsReuseConnection: the calls to Cognito go over one
// kept-alive connection of the caller's Transport, whatever they are
// answered: tokens, a challenge, a Cognito error, an injected 500 that is
// retried, an HTML 502 from a proxy, a redirect (never followed). Each
// answer is read to its end before it is closed; only a body over the
// size limit, which is not worth reading, costs its connection.
func TestCognitoCallsReuseConnection(t *testing.T) {
	emu, err := cognitotest.NewUnstartedServer(cognitotest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	if _, err := emu.AddUser(cognitotest.User{Username: "alice", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	var proxy atomic.Value // of func(http.ResponseWriter) bool: answer in the emulator's place
	proxy.Store(func(http.ResponseWriter) bool { return false })
	srv, conns := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !proxy.Load().(func(http.ResponseWriter) bool)(w) {
			emu.ServeHTTP(w, r)
		}
	}))
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	cfg := emu.SessionConfig()
	cfg.Endpoint = srv.URL + "/"
	cfg.HTTPClient = &http.Client{Transport: tr}
	cfg.Retry = cognitosrp.RetryPolicy{BaseDelay: time.Millisecond}
	ctx := context.Background()
	s, err := cognitosrp.NewSession(cfg, "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 10 {
		if err := s.Authenticate(ctx, emuPassword); err != nil {
			t.Fatalf("login %d: %v", i, err)
		}
		if err := s.Refresh(ctx); err != nil {
			t.Fatalf("renewal %d: %v", i, err)
		}
	}
	if err := s.Authenticate(ctx, "wrong"); err == nil {
		t.Fatal("a wrong password logged in")
	}
	emu.FailNext(2, cognitotest.FaultInternalError)
	if err := s.Refresh(ctx); err != nil {
		t.Fatalf("renewal after two 500s: %v", err)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("10 logins, 11 renewals, a refused login and 2 retries opened %d connections, want 1", n)
	}

	c := &cognitosrp.Client{Endpoint: cfg.Endpoint, HTTPClient: cfg.HTTPClient, Retry: cognitosrp.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond}}
	in := &cognitosrp.InitiateAuthInput{AuthFlow: cognitosrp.FlowUserSRPAuth, ClientId: emu.ClientID(), AuthParameters: map[string]string{"USERNAME": "alice", "SRP_A": "abcd"}}
	for _, tc := range []struct {
		name   string
		answer func(http.ResponseWriter)
		conns  int32 // at least this many (the first call may reuse one)
	}{
		{"HTML 502", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusBadGateway)
			io.WriteString(w, strings.Repeat("<p>bad gateway</p>", 500))
		}, 0},
		{"redirect", func(w http.ResponseWriter) {
			w.Header().Set("Location", "/elsewhere")
			w.WriteHeader(http.StatusTemporaryRedirect)
			io.WriteString(w, strings.Repeat("moved ", 500))
		}, 0},
		{"body over the limit", func(w http.ResponseWriter) {
			io.WriteString(w, strings.Repeat(" ", 2<<20))
		}, 4},
	} {
		proxy.Store(func(w http.ResponseWriter) bool { tc.answer(w); return true })
		conns.Store(0)
		for range 5 {
			if _, err := c.InitiateAuth(ctx, in); err == nil {
				t.Fatalf("%s: no error", tc.name)
			}
		}
		if n := conns.Load(); n < tc.conns || tc.conns == 0 && n != 0 {
			t.Errorf("%s: 5 calls opened %d connections, want %d", tc.name, n, tc.conns)
		}
	}
}

// closeCounter is a request body that counts its Close calls.
type closeCounter struct {
	io.Reader
	closes *atomic.Int32
}

func (b closeCounter) Close() error {
	b.closes.Add(1)
	return nil
}

// TestRoundTripClosesBodyOnce: as http.RoundTripper requires, Auth's
// RoundTrip closes the request's body, and each body GetBody gave for the
// retry after a 401, exactly once, whether the request is retried, cannot
// be (no GetBody), or fails before it is sent; and the 401 it retries is
// read and closed, so that the retry goes over the same connection.
func TestRoundTripClosesBodyOnce(t *testing.T) {
	var refuse atomic.Int32
	api, conns := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if refuse.Add(-1) >= 0 {
			http.Error(w, strings.Repeat("refused ", 1000), http.StatusUnauthorized)
		}
	}))
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	emu, a := emulatorAuth(t, tr)
	wrong := emu.Options("alice", "wrong")
	wrong.Base = tr
	refused, err := cognitosrp.New(wrong)
	if err != nil {
		t.Fatal(err)
	}
	defer refused.Close()
	for _, tc := range []struct {
		name    string
		auth    *cognitosrp.Auth
		refuse  int32
		getBody bool
		status  int // 0: an error
		copies  int32
	}{
		{"200", a, 0, true, 200, 0},
		{"401, retried", a, 1, true, 200, 1},
		{"401, no GetBody", a, 1, false, 401, 0},
		{"no token", refused, 0, true, 0, 0},
	} {
		refuse.Store(tc.refuse)
		var closes, copies atomic.Int32
		req, _ := http.NewRequest(http.MethodPost, api.URL, nil)
		req.Body = closeCounter{strings.NewReader("body"), &closes}
		if tc.getBody {
			req.GetBody = func() (io.ReadCloser, error) {
				return closeCounter{strings.NewReader("body"), &copies}, nil
			}
		}
		resp, err := tc.auth.RoundTrip(req)
		switch {
		case tc.status == 0 && err == nil:
			t.Fatalf("%s: status %d, want an error", tc.name, resp.StatusCode)
		case tc.status != 0 && err != nil:
			t.Fatalf("%s: %v", tc.name, err)
		case err == nil:
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.status)
			}
		}
		// The transport closes a body once it has written it, which may
		// be after the response came.
		for deadline := time.Now().Add(time.Second); time.Now().Before(deadline) && (closes.Load() < 1 || copies.Load() < tc.copies); {
			time.Sleep(time.Millisecond)
		}
		if n := closes.Load(); n != 1 {
			t.Errorf("%s: the body was closed %d times, want once", tc.name, n)
		}
		if n := copies.Load(); n != tc.copies {
			t.Errorf("%s: %d bodies from GetBody closed, want %d", tc.name, n, tc.copies)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("the requests opened %d connections to the API, want 1", n)
	}
}

// TestNoGoroutineAfterClose: once Session.Close (and the emulator's
// Close) returns, nothing the packages started runs: not a renewal that
// was in progress, waiting for a slow Cognito, nor the emulator's side of
// it.
func TestNoGoroutineAfterClose(t *testing.T) {
	emu, err := cognitotest.NewUnstartedServer(cognitotest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := emu.AddUser(cognitotest.User{Username: "alice", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	before := runtime.NumGoroutine()
	if err := emu.Start(); err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	cfg := emu.SessionConfig()
	cfg.HTTPClient = &http.Client{Transport: tr}
	cfg.Now = emu.Now
	s, err := cognitosrp.NewSession(cfg, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Authenticate(context.Background(), emuPassword); err != nil {
		t.Fatal(err)
	}
	a, err := cognitosrp.New(cognitosrp.Options{Session: s})
	if err != nil {
		t.Fatal(err)
	}
	// A renewal in the background, held by a slow Cognito, when Close
	// comes.
	emu.SetLatency(time.Minute)
	emu.Advance(58 * time.Minute)
	if _, err := a.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	for emu.Calls("InitiateAuth") < 2 {
		time.Sleep(time.Millisecond)
	}
	s.Close()
	// Close waits for what it stops: at once, no goroutine is left in
	// the package, although the emulator still holds the request. (The
	// first login of a process starts building the comb tables, once for
	// the process, gexp.go: not the session's. Its goroutine is
	// warmCombs.func1.1, or login.warmCombs.func1.1 where warmCombs is
	// inlined, as with -race.)
	if g := goroutinesIn("github.com/gocognito/cognitosrp.", "warmCombs.func"); g != "" {
		t.Errorf("goroutines of the package after Close:\n%s", g)
	}
	emu.Close()
	tr.CloseIdleConnections()
	n := runtime.NumGoroutine()
	for deadline := time.Now().Add(2 * time.Second); n > before && time.Now().Before(deadline); n = runtime.NumGoroutine() {
		time.Sleep(5 * time.Millisecond)
	}
	if n > before {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines after Close, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

// goroutinesIn returns the stacks of the goroutines with a frame whose
// function name begins with prefix, but for those that mention except,
// and those ending (returning).
func goroutinesIn(prefix, except string) string {
	buf := make([]byte, 1<<20)
	var found []string
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		if strings.Contains(g, except) || pausedTest(g) || returning(g) {
			continue
		}
		for _, line := range strings.Split(g, "\n") {
			if strings.HasPrefix(line, prefix) {
				found = append(found, g)
				break
			}
		}
	}
	return strings.Join(found, "\n\n")
}

// returning reports whether the goroutine whose stack is g is runnable in
// its own function, with no call under way (one frame, then "created
// by"): a goroutine that Close waited for (sync.WaitGroup.Done, its last
// deferred call, has returned) and that has not yet been given a CPU to
// return. Under load it can wait there for milliseconds: 4 of 300 runs
// of TestNoGoroutineAfterClose saw a flight so, at startFlight's closing
// brace. One still at work is in a call (fly, a channel receive, net/http)
// or blocked, and still counts.
func returning(g string) bool {
	header, frames, _ := strings.Cut(g, "\n")
	lines := strings.Split(strings.TrimSuffix(frames, "\n"), "\n")
	return strings.Contains(header, "[runnable") && len(lines) >= 3 && strings.HasPrefix(lines[2], "created by ")
}
