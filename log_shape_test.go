// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"io"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// shapeRecorder is an slog.Handler that keeps each event as its level,
// message and the key and kind of every attribute, in order: the shape
// that programs parsing the events rely on.
type shapeRecorder struct {
	mu     sync.Mutex
	events []struct{ msg, shape string }
}

func (h *shapeRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *shapeRecorder) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *shapeRecorder) WithGroup(string) slog.Handler            { return h }
func (h *shapeRecorder) Handle(_ context.Context, r slog.Record) error {
	shape := r.Level.String()
	r.Attrs(func(a slog.Attr) bool {
		shape += " " + a.Key + ":" + a.Value.Kind().String()
		return true
	})
	h.mu.Lock()
	h.events = append(h.events, struct{ msg, shape string }{r.Message, shape})
	h.mu.Unlock()
	return nil
}

// shape returns the shape of the first event with message msg, or "".
func (h *shapeRecorder) shape(msg string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, e := range h.events {
		if e.msg == msg {
			return e.shape
		}
	}
	return ""
}

// flakyTokenStore is a MemoryStore whose Load and Save fail while fail is
// set.
type flakyTokenStore struct {
	MemoryStore
	fail atomic.Bool
}

func (s *flakyTokenStore) Load(ctx context.Context) (*Tokens, error) {
	if s.fail.Load() {
		return nil, errStore
	}
	return s.MemoryStore.Load(ctx)
}

func (s *flakyTokenStore) Save(ctx context.Context, t *Tokens) error {
	if s.fail.Load() {
		return errStore
	}
	return s.MemoryStore.Save(ctx, t)
}

// TestLogEventShapes pins the level, message and attributes (keys, order
// and kinds) of the session's events, driving it through each of them.
func TestLogEventShapes(t *testing.T) {
	rec := new(shapeRecorder)
	logger := slog.New(rec)
	store := new(flakyTokenStore)
	clk, f, s, first, a := renewedAndRetried(t, func(c *Config) { c.Logger = logger; c.Store = store })
	ctx := context.Background()

	clk.Advance(minForcedInterval)   // past the spacing of the retry before
	f.reject(s.Tokens().AccessToken) // 401 with a body that cannot be sent again
	req, _ := http.NewRequest("POST", f.api.URL, opaqueReader{strings.NewReader("x")})
	send(t, a, req)

	clk.Advance(minForcedInterval)
	f.reject(s.Tokens().AccessToken)                      // the token that request renewed
	f.setFault(func(string) string { return "500" }, nil) // 401, no new token
	req, _ = http.NewRequest("GET", f.api.URL, nil)
	send(t, a, req)
	f.setFault(nil, nil)

	clk.Advance(minForcedInterval)
	f.set(func(f *fakeCognito) { f.rejectAll = true }) // renewed tokens refused too
	for range 2 {
		req, _ = http.NewRequest("GET", f.api.URL, nil)
		send(t, a, req)
	}
	f.set(func(f *fakeCognito) { f.rejectAll = false })

	f.revoke(s.Tokens().RefreshToken) // renewal refused, login again
	clk.Advance(2 * time.Hour)
	s.ValidTokens(ctx, AccessToken)
	settle(t, s)

	store.fail.Store(true) // saving fails
	clk.Advance(2 * time.Hour)
	s.ValidTokens(ctx, AccessToken)
	settle(t, s)

	failing := newLifecycleSession(t, f, f.password, func(c *Config) { c.Logger = logger; c.Store = store })
	failing.ValidTokens(ctx, AccessToken) // loading fails
	store.fail.Store(false)

	saved := new(MemoryStore)
	saved.Save(ctx, first)
	loaded := newLifecycleSession(t, f, f.password, func(c *Config) { c.Logger = logger; c.Store = saved; c.Now = clk.Now })
	loaded.ValidTokens(ctx, AccessToken) // tokens loaded
	settle(t, loaded)

	// A clock 10 minutes ahead renews a refresh token (a login would be
	// refused: the SRP TIMESTAMP stays on the local clock).
	ahead := newLifecycleSession(t, f, "", func(c *Config) {
		c.Logger = logger
		c.Now = func() time.Time { return clk.Now().Add(10 * time.Minute) }
	})
	ahead.SetTokens(&Tokens{RefreshToken: s.Tokens().RefreshToken, Username: first.Username})
	ahead.ValidTokens(ctx, AccessToken) // clock offset
	settle(t, ahead)

	wrong := newLifecycleSession(t, f, "wrong "+f.password, func(c *Config) { c.Logger = logger })
	wrong.ValidTokens(ctx, AccessToken) // login failure

	// A caller waits for a login in flight.
	waiter := newLifecycleSession(t, f, f.password, func(c *Config) { c.Logger = logger })
	release := f.hold()
	done := make(chan struct{}, 2)
	for range 2 {
		go func() { waiter.ValidTokens(ctx, AccessToken); done <- struct{}{} }()
	}
	for deadline := time.Now().Add(5 * time.Second); rec.shape("cognitosrp: waiting for Cognito") == "" && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
	}
	release()
	<-done
	<-done

	f.set(func(f *fakeCognito) { f.failNext["RevokeToken"] = 1 })
	if err := s.SignOut(ctx); err == nil {
		t.Error("sign-out did not fail")
	}
	if err := loaded.SignOut(ctx); err != nil {
		t.Fatal(err)
	}

	for _, want := range []struct{ msg, shape string }{
		{"cognitosrp: logged in", "INFO user:String trigger:String duration:Duration jti:String expires:Time"},
		{"cognitosrp: tokens renewed", "INFO user:String method:String trigger:String duration:Duration rotated:Bool jti:String expires:Time"},
		{"cognitosrp: renewal failed", "WARN user:String method:String trigger:String duration:Duration error:String"},
		{"cognitosrp: login failed", "WARN user:String trigger:String duration:Duration error:String"},
		{"cognitosrp: refresh token refused, logging in again", "INFO user:String trigger:String"},
		{"cognitosrp: retrying request after 401 with a renewed token", "INFO user:String method:String host:String jti:String"},
		{"cognitosrp: 401 not retried: the request body cannot be replayed", "INFO user:String method:String host:String"},
		{"cognitosrp: 401 not retried: no new token", "DEBUG user:String method:String host:String error:String"},
		{"cognitosrp: the API refused renewed tokens too; check its pool, token type and prefix", "WARN user:String renewed_ago:Duration"},
		{"cognitosrp: waiting for Cognito", "DEBUG user:String trigger:String"},
		{"cognitosrp: clock offset from Cognito", "INFO user:String offset:Duration previous:Duration"},
		{"cognitosrp: loading tokens failed", "WARN user:String error:String"},
		{"cognitosrp: tokens loaded", "INFO user:String jti:String"},
		{"cognitosrp: saving tokens failed", "WARN user:String error:String"},
		{"cognitosrp: sign-out failed", "WARN user:String action:String duration:Duration error:String"},
		{"cognitosrp: signed out", "INFO user:String action:String duration:Duration"},
	} {
		if got := rec.shape(want.msg); got != want.shape {
			t.Errorf("event %q:\n got %q\nwant %q", want.msg, got, want.shape)
		}
	}
}

// TestCancelledFlightLogsNoFailure: a login that Close cancels and a
// renewal that a sign-out cancels are logged at DEBUG as cancelled, not at
// WARN as failed: a worker that shuts down cleanly logs no failure.
func TestCancelledFlightLogsNoFailure(t *testing.T) {
	rec := new(shapeRecorder)
	logger := slog.New(rec)
	ctx := context.Background()

	// A login in flight when Close comes.
	f := newFakeCognito(t, nil)
	s := newLifecycleSession(t, f, f.password, func(c *Config) { c.Logger = logger })
	entered, release := f.watch(), f.hold()
	go s.ValidTokens(ctx, AccessToken)
	<-entered
	s.Close()
	release()

	// A renewal in flight when SignOut comes.
	clk, f, s, _ := loggedIn(t, func(c *Config) { c.Logger = logger })
	clk.Advance(2 * time.Hour)
	entered, release = f.watch(), f.hold()
	renewed := make(chan struct{})
	go func() { s.ValidTokens(ctx, AccessToken); close(renewed) }()
	<-entered
	// RevokeToken's call is released once the cancelled renewal has
	// returned (and logged), not as soon as it reaches Cognito: the
	// renewal's answer would then be ready too (a refusal of the
	// refresh token just revoked), and net/http's Transport returns an
	// answer that arrives before its goroutine has acted on the
	// cancellation: the renewal would not have been cancelled but failed.
	// (Released after a while all the same, should the renewal not end
	// by its cancellation: the test then fails rather than hangs.)
	go func() {
		<-entered
		select {
		case <-renewed:
		case <-time.After(10 * time.Second):
		}
		release()
	}()
	s.SignOut(ctx)
	settle(t, s)

	for _, want := range []struct{ msg, shape string }{
		{"cognitosrp: login cancelled", "DEBUG user:String trigger:String duration:Duration error:String"},
		{"cognitosrp: renewal cancelled", "DEBUG user:String method:String trigger:String duration:Duration error:String"},
		{"cognitosrp: login failed", ""},
		{"cognitosrp: renewal failed", ""},
	} {
		if got := rec.shape(want.msg); got != want.shape {
			t.Errorf("event %q:\n got %q\nwant %q", want.msg, got, want.shape)
		}
	}

	// A login that runs out of FlightTimeout did fail.
	timedOut := new(shapeRecorder)
	f = newFakeCognito(t, nil)
	s = newLifecycleSession(t, f, f.password, func(c *Config) { c.Logger = slog.New(timedOut); c.FlightTimeout = 20 * time.Millisecond })
	release = f.hold()
	defer release()
	if _, err := s.ValidTokens(ctx, AccessToken); err == nil {
		t.Fatal("a login held past FlightTimeout succeeded")
	}
	if got, want := timedOut.shape("cognitosrp: login failed"), "WARN user:String trigger:String duration:Duration error:String"; got != want {
		t.Errorf("a timed-out login's event:\n got %q\nwant %q", got, want)
	}
}

// TestFailedFlightNotCalledCancelled: only a flight that its own context's
// cancellation ended is logged as cancelled. A transport error that wraps
// context.Canceled while the session lives (a wrapping transport's own
// cancel), and a refusal from Cognito that a Close happens upon, are
// failures, logged at WARN as such.
func TestFailedFlightNotCalledCancelled(t *testing.T) {
	const failed = "WARN user:String trigger:String duration:Duration error:String"
	ctx := context.Background()

	rec := new(shapeRecorder)
	f := newFakeCognito(t, nil)
	s := newLifecycleSession(t, f, f.password, func(c *Config) {
		c.Logger = slog.New(rec)
		c.HTTPClient = &http.Client{Transport: RoundTripFunc(func(*http.Request) (*http.Response, error) {
			return nil, fmt.Errorf("upstream: %w", context.Canceled)
		})}
	})
	if _, err := s.ValidTokens(ctx, AccessToken); !errors.Is(err, context.Canceled) {
		t.Fatalf("ValidTokens through a transport failing with context.Canceled = %v", err)
	}
	settle(t, s)
	if got := rec.shape("cognitosrp: login failed"); got != failed {
		t.Errorf("a login failed by its transport, the session live:\n got %q\nwant %q", got, failed)
	}

	// A wrong password, refused just as Close comes.
	rec = new(shapeRecorder)
	f = newFakeCognito(t, nil)
	var closing *Session
	s = newLifecycleSession(t, f, "wrong password", func(c *Config) {
		c.Logger = slog.New(rec)
		c.HTTPClient = &http.Client{Transport: RoundTripFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := http.DefaultTransport.RoundTrip(r)
			if err != nil || resp.StatusCode != http.StatusBadRequest {
				return resp, err
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			resp.Body = io.NopCloser(bytes.NewReader(body))
			go closing.Close()
			<-r.Context().Done() // the refusal is in; now the Close
			return resp, err
		})}
	})
	closing = s
	if _, err := s.ValidTokens(ctx, AccessToken); !errors.Is(err, ErrNotAuthorized) {
		t.Fatalf("ValidTokens with a wrong password = %v, want ErrNotAuthorized", err)
	}
	settle(t, s)
	if got := rec.shape("cognitosrp: login failed"); got != failed {
		t.Errorf("a login refused as Close came:\n got %q\nwant %q", got, failed)
	}

	// A transport that reports its context's end as context.Canceled
	// whatever ended it, here FlightTimeout.
	rec = new(shapeRecorder)
	f = newFakeCognito(t, nil)
	s = newLifecycleSession(t, f, f.password, func(c *Config) {
		c.Logger = slog.New(rec)
		c.FlightTimeout = 20 * time.Millisecond
		c.HTTPClient = &http.Client{Transport: RoundTripFunc(func(r *http.Request) (*http.Response, error) {
			<-r.Context().Done()
			return nil, fmt.Errorf("upstream: %w", context.Canceled)
		})}
	})
	if _, err := s.ValidTokens(ctx, AccessToken); err == nil {
		t.Fatal("a login held past FlightTimeout succeeded")
	}
	settle(t, s)
	if got := rec.shape("cognitosrp: login failed"); got != failed {
		t.Errorf("a login out of FlightTimeout, its transport saying cancelled:\n got %q\nwant %q", got, failed)
	}
}

// TestLoggerDocListsEvents: Config.Logger's doc names every event the
// package logs, so that a program that builds metrics or traces from
// them (the duration of each login and renewal, say) can find them
// without reading the source. Each message is found in the source: the
// third argument of a call to log, or a string assigned to msg.
func TestLoggerDocListsEvents(t *testing.T) {
	_, files := parseDocFiles(t, ".")
	var msgs []string
	var doc string
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "log" && len(n.Args) >= 3 {
					if lit, ok := n.Args[2].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						msgs = append(msgs, lit.Value)
					}
				}
			case *ast.AssignStmt:
				for i, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name == "msg" && i < len(n.Rhs) {
						// Not the other variables named msg (APIError.Error's).
						if lit, ok := n.Rhs[i].(*ast.BasicLit); ok && lit.Kind == token.STRING && strings.HasPrefix(lit.Value, `"cognitosrp: `) {
							msgs = append(msgs, lit.Value)
						}
					}
				}
			case *ast.TypeSpec:
				if st, ok := n.Type.(*ast.StructType); ok && n.Name.Name == "Config" {
					for _, fd := range st.Fields.List {
						if len(fd.Names) == 1 && fd.Names[0].Name == "Logger" {
							doc = strings.Join(strings.Fields(fd.Doc.Text()), " ")
						}
					}
				}
			}
			return true
		})
	}
	if doc == "" {
		t.Fatal("no doc comment of Config.Logger found")
	}
	// Nineteen when written; fewer means the scan above missed some.
	if len(msgs) < 19 {
		t.Fatalf("found %d event messages in the source, want at least 19: %q", len(msgs), msgs)
	}
	for _, m := range msgs {
		m, err := strconv.Unquote(m)
		if err != nil {
			t.Fatal(err)
		}
		name, ok := strings.CutPrefix(m, "cognitosrp: ")
		if !ok {
			t.Errorf("event %q lacks the package prefix", m)
		} else if !strings.Contains(doc, `"`+name+`"`) {
			t.Errorf("Config.Logger's doc does not name the event %q", name)
		}
	}
	// The attributes too, each key as the shapes that this file's tests
	// pin spell it ("INFO user:String trigger:String …").
	src, err := os.ReadFile("log_shape_test.go")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	for _, shape := range regexp.MustCompile(`"(?:DEBUG|INFO|WARN)((?: [a-z_]+:[A-Za-z]+)+)"`).FindAllStringSubmatch(string(src), -1) {
		for _, attr := range strings.Fields(shape[1]) {
			keys[strings.Split(attr, ":")[0]] = true
		}
	}
	if len(keys) < 13 {
		t.Fatalf("found %d attribute keys in the shapes, want at least 13: %v", len(keys), keys)
	}
	for k := range keys {
		if !strings.Contains(doc, `"`+k+`"`) {
			t.Errorf("Config.Logger's doc does not name the attribute %q", k)
		}
	}
}

// reqIDKey carries a request id in tests of which context an event has.
type reqIDKey struct{}

// ctxRecorder keeps each event's message with the request id of the
// context it was logged with.
type ctxRecorder struct {
	mu     sync.Mutex
	events []string
}

func (h *ctxRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *ctxRecorder) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *ctxRecorder) WithGroup(string) slog.Handler            { return h }
func (h *ctxRecorder) Handle(ctx context.Context, r slog.Record) error {
	id, _ := ctx.Value(reqIDKey{}).(string)
	h.mu.Lock()
	h.events = append(h.events, r.Message+" "+id)
	h.mu.Unlock()
	return nil
}

func (h *ctxRecorder) has(event string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Contains(h.events, event)
}

// TestJoinedLoginKeepsStarterValues pins what Auth.RoundTrip,
// Session.ValidTokens and Config.Logger say of contexts: a login has the
// values of the caller that started it, and a caller that joins it logs
// its wait with its own, which never reach the login's event.
func TestJoinedLoginKeepsStarterValues(t *testing.T) {
	f := newFakeCognito(t, nil)
	rec := new(ctxRecorder)
	s := newLifecycleSession(t, f, f.password, func(c *Config) { c.Logger = slog.New(rec) })
	release := f.hold()
	done := make(chan error, 2)
	call := func(id string) {
		_, err := s.ValidTokens(context.WithValue(context.Background(), reqIDKey{}, id), AccessToken)
		done <- err
	}
	go call("first")
	waitFor(t, func() bool { return rec.has("cognitosrp: waiting for Cognito first") })
	go call("second")
	waitFor(t, func() bool { return rec.has("cognitosrp: waiting for Cognito second") })
	release()
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	settle(t, s)
	if !rec.has("cognitosrp: logged in first") || rec.has("cognitosrp: logged in second") {
		t.Errorf("events %q: want the login logged with the first caller's request id alone", rec.events)
	}
}

// waitFor polls cond for up to 5 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
	}
}

// TestRefusedRefreshTokenLoggedOnce: "refresh token refused, logging in
// again" is logged when Cognito refuses the refresh token, not again
// before each login that follows a failed one (a password rotated
// elsewhere): those refuse nothing new, and each has its own "login
// failed" event.
func TestRefusedRefreshTokenLoggedOnce(t *testing.T) {
	rec := new(shapeRecorder)
	clk, f, s, first := loggedIn(t, func(c *Config) { c.Logger = slog.New(rec) })
	f.revoke(first.RefreshToken)
	f.addUser(f.user, f.user, "rotated password") // the session's is stale
	ctx := context.Background()
	clk.Advance(2 * time.Hour)
	for range 3 {
		if _, err := s.ValidTokens(ctx, AccessToken); !errors.Is(err, ErrNotAuthorized) {
			t.Fatalf("ValidTokens with a stale password = %v, want ErrNotAuthorized", err)
		}
		clk.Advance(30 * time.Second) // past the wait of a held failure
	}
	refused, failed := 0, 0
	for _, e := range rec.events {
		switch e.msg {
		case "cognitosrp: refresh token refused, logging in again":
			refused++
		case "cognitosrp: login failed":
			failed++
		}
	}
	if refused != 1 || failed != 3 {
		t.Errorf("%d %q and %d %q events, want 1 and 3", refused, "refresh token refused, logging in again", failed, "login failed")
	}
}

// TestRefusedRefreshTokenWithoutPasswordNotLoggingIn: a session without a
// password that Cognito refuses the refresh token does not log in again,
// and does not say it does: its caller gets ErrLoginRequired, and the
// event would send whoever reads the log looking for a login that never
// came.
func TestRefusedRefreshTokenWithoutPasswordNotLoggingIn(t *testing.T) {
	rec := new(shapeRecorder)
	clk, f, s, first := loggedIn(t, func(c *Config) { c.Logger = slog.New(rec) })
	s.mu.Lock()
	s.dropPasswordLocked()
	s.mu.Unlock()
	f.revoke(first.RefreshToken)
	clk.Advance(2 * time.Hour)
	if _, err := s.ValidTokens(context.Background(), AccessToken); !errors.Is(err, ErrLoginRequired) {
		t.Fatalf("ValidTokens without a password after the refresh token was refused = %v, want ErrLoginRequired", err)
	}
	settle(t, s)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, e := range rec.events {
		if e.msg == "cognitosrp: refresh token refused, logging in again" {
			t.Errorf("logged %q without a password to log in with", e.msg)
		}
	}
}
