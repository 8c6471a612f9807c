// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// lockedBuffer collects log output written from any goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestAdvanceWithoutTheServersClock: what Advance's doc says of an Auth
// built from Server.Options, on its own clock. After an Advance past the
// token's expiry it renews on the API's 401 and retries; advanced again
// within 5 seconds, it gets the 401 as the response, with no error. Once
// the server is more than an hour ahead of the machine in all (two
// Advances of 40 minutes, or one of two hours), renewals are refused as
// replayed: the request gets the 401 with no error, and the failed
// renewal goes only to the Logger.
func TestAdvanceWithoutTheServersClock(t *testing.T) {
	newAuth := func(t *testing.T, lifetime time.Duration, log *lockedBuffer) (*cognitotest.Server, *cognitosrp.Auth, string) {
		srv, auth, url, _ := newAdvanceAuth(t, lifetime, func(_ *cognitotest.Server, opts *cognitosrp.Options) {
			if log != nil {
				opts.Logger = slog.New(slog.NewTextHandler(log, nil))
			}
		})
		return srv, auth, url
	}
	status := advanceStatus

	t.Run("again within 5 s", func(t *testing.T) {
		srv, auth, url := newAuth(t, 10*time.Minute, nil)
		if got := status(t, auth, url); got != http.StatusOK {
			t.Fatalf("first request: %d", got)
		}
		srv.Advance(15 * time.Minute)
		if got := status(t, auth, url); got != http.StatusOK {
			t.Fatalf("after Advance(15m): %d, want 200 (renewed on the 401 and retried)", got)
		}
		srv.Advance(15 * time.Minute)
		if got := status(t, auth, url); got != http.StatusUnauthorized {
			t.Fatalf("after a second Advance(15m) at once: %d, want 401", got)
		}
	})
	t.Run("over an hour in all", func(t *testing.T) {
		srv, auth, url := newAuth(t, 30*time.Minute, nil)
		status(t, auth, url)
		srv.Advance(40 * time.Minute)
		if got := status(t, auth, url); got != http.StatusOK {
			t.Fatalf("after Advance(40m): %d, want 200", got)
		}
		srv.Advance(40 * time.Minute)
		// The Auth's renewal, without the 5 s wait between two for a 401.
		err := auth.Session().Refresh(context.Background())
		if !errors.Is(err, cognitosrp.ErrTokenExpired) {
			t.Fatalf("renewal with the server 80 minutes ahead: %v, want ErrTokenExpired (replayed)", err)
		}
	})
	t.Run("two hours at once", func(t *testing.T) {
		var log lockedBuffer
		srv, auth, url := newAuth(t, 0, &log)
		status(t, auth, url)
		srv.Advance(2 * time.Hour)
		if got := status(t, auth, url); got != http.StatusUnauthorized {
			t.Fatalf("after Advance(2h): %d, want 401", got)
		}
		if out := log.String(); !strings.Contains(out, "renewal failed") || !strings.Contains(out, "replayed") {
			t.Errorf("the Logger was not told why:\n%s", out)
		}
	})
}

// newAdvanceAuth starts a server whose tokens live lifetime (0: the
// default), an API behind RequireAccessToken, and an Auth from
// Server.Options that edit may change. The count is of the tokens the API
// refused.
func newAdvanceAuth(t *testing.T, lifetime time.Duration, edit func(*cognitotest.Server, *cognitosrp.Options)) (*cognitotest.Server, *cognitosrp.Auth, string, *atomic.Int32) {
	srv := cognitotest.NewServer(t, cognitotest.Config{AccessTokenLifetime: lifetime, IDTokenLifetime: lifetime})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "correct horse"})
	refused := new(atomic.Int32)
	guarded := srv.RequireAccessToken(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		guarded.ServeHTTP(rec, r)
		if rec.Code == http.StatusUnauthorized {
			refused.Add(1)
		}
		w.WriteHeader(rec.Code)
	}))
	t.Cleanup(api.Close)
	opts := srv.Options("alice", "correct horse")
	edit(srv, &opts)
	auth, err := cognitosrp.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { auth.Close() })
	return srv, auth, api.URL, refused
}

// advanceStatus sends a GET through auth and returns the status.
func advanceStatus(t *testing.T, auth *cognitosrp.Auth, url string) int {
	t.Helper()
	resp, err := auth.Client().Get(url)
	if err != nil {
		t.Fatalf("request: %v (want a response, not an error)", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestAdvanceWithTheServersClock: an Auth given the server's clock as
// Options.Now renews before each request that Advance made due, however
// far and however often the test advances, and so the API refuses no
// token: the three cases that give an Auth on its own clock a 401.
func TestAdvanceWithTheServersClock(t *testing.T) {
	srv, auth, url, refused := newAdvanceAuth(t, 10*time.Minute, func(srv *cognitotest.Server, opts *cognitosrp.Options) {
		opts.Now = srv.Now
	})
	for i, d := range []time.Duration{0, 15 * time.Minute, 15 * time.Minute, 40 * time.Minute, 40 * time.Minute, 2 * time.Hour} {
		srv.Advance(d)
		if got := advanceStatus(t, auth, url); got != http.StatusOK {
			t.Fatalf("request %d, after Advance(%v): %d, want 200", i, d, got)
		}
	}
	if n := refused.Load(); n != 0 {
		t.Errorf("the API refused %d tokens, want 0: the Auth renewed only on its 401s", n)
	}
}

// TestMovedClockReason: a login refused because the TIMESTAMP is too far
// from a clock the test moved (SetClock, Advance, Config.Now) says, in the
// Request's Reason (and so the Logf line), what to do: the client sees
// only Cognito's "Incorrect username or password.", which sends one
// looking for a wrong password. On an unmoved clock the reason stays as
// it was: there the client's own clock is wrong.
func TestMovedClockReason(t *testing.T) {
	fixed := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name  string
		cfg   cognitotest.Config
		move  func(*cognitotest.Server)
		moved bool
	}{
		{"SetClock", cognitotest.Config{}, func(s *cognitotest.Server) { s.SetClock(func() time.Time { return fixed }) }, true},
		{"Advance", cognitotest.Config{}, func(s *cognitotest.Server) { s.Advance(3 * time.Hour) }, true},
		{"Config.Now", cognitotest.Config{Now: func() time.Time { return fixed }}, func(*cognitotest.Server) {}, true},
		{"unmoved", cognitotest.Config{}, func(*cognitotest.Server) {}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := cognitotest.NewServer(t, c.cfg)
			addUser(t, srv, cognitotest.User{Username: "alice", Password: "correct horse"})
			c.move(srv)
			// A client on a clock two hours off the machine's (and, but
			// for "unmoved", the server's): its TIMESTAMP is refused.
			cfg := srv.SessionConfig()
			if !c.moved {
				cfg.Now = func() time.Time { return time.Now().Add(-2 * time.Hour) }
			}
			cfg.Retry = cognitosrp.RetryPolicy{MaxAttempts: 1}
			sess, err := cognitosrp.NewSession(cfg, "alice")
			if err != nil {
				t.Fatal(err)
			}
			defer sess.Close()
			if err := sess.Authenticate(context.Background(), "correct horse"); !errors.Is(err, cognitosrp.ErrNotAuthorized) {
				t.Fatalf("Authenticate: %v, want NotAuthorizedException", err)
			}
			reason := lastReason(srv)
			if !strings.Contains(reason, "TIMESTAMP") {
				t.Fatalf("reason %q does not name the TIMESTAMP", reason)
			}
			// Both of the client's, by package: the server's Config
			// has a Now too, the clock the reason says was moved.
			for _, field := range []string{"cognitosrp.Options.Now", "cognitosrp.Config.Now"} {
				if hint := strings.Contains(reason, field); hint != c.moved {
					t.Errorf("reason %q: names %s %v, want %v", reason, field, hint, c.moved)
				}
			}
		})
	}
}

// TestMovedClockTOTPReason: a TOTP code refused because it is the code of
// the machine's clock, after the test moved the server's, says so in the
// Request's Reason, and to give cognitosrp.TOTP the server's clock: the
// client sees only "Invalid code received for user", which sends one
// checking the secret.
func TestMovedClockTOTPReason(t *testing.T) {
	const secret = "JBSWY3DPEHPK3PXP"
	for _, c := range []struct {
		name string
		code func(*cognitotest.Server) string
		hint bool
	}{
		{"machine's code", func(*cognitotest.Server) string { return totpCode(t, secret, time.Now()) }, true},
		{"wrong code", func(srv *cognitotest.Server) string { return wrongTOTPAt(t, secret, time.Now(), srv.Now()) }, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := cognitotest.NewServer(t, cognitotest.Config{})
			addUser(t, srv, cognitotest.User{Username: "bot", Password: "bot-password", TOTPSecret: secret, MFACode: "not-a-code"})
			srv.Advance(10 * time.Minute) // within the hour a session's TIMESTAMP follows
			code := c.code(srv)
			for _, d := range []time.Duration{-cognitosrp.TOTPPeriod, 0, cognitosrp.TOTPPeriod} {
				if c.hint && code == totpCode(t, secret, srv.Now().Add(d)) {
					// A few chances in a million: the clocks' codes meet.
					t.Skip("the machine's code is the server's too")
				}
			}
			cfg := srv.SessionConfig()
			cfg.ChallengeHandler = cognitosrp.ChallengeHandlerFunc(func(_ context.Context, ch *cognitosrp.Challenge) (*cognitosrp.ChallengeAnswer, error) {
				return &cognitosrp.ChallengeAnswer{Answer: code}, nil
			})
			sess, err := cognitosrp.NewSession(cfg, "bot")
			if err != nil {
				t.Fatal(err)
			}
			defer sess.Close()
			if err := sess.Authenticate(context.Background(), "bot-password"); !errors.Is(err, cognitosrp.ErrCodeMismatch) {
				t.Fatalf("Authenticate: %v, want CodeMismatchException", err)
			}
			reason := lastReason(srv)
			if hint := strings.Contains(reason, "TOTP.Now"); hint != c.hint {
				t.Errorf("reason %q: names TOTP.Now %v, want %v", reason, hint, c.hint)
			}
		})
	}
}

func totpCode(t *testing.T, secret string, at time.Time) string {
	code, err := cognitosrp.TOTP{Secret: secret}.Code(at)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// wrongTOTPAt returns a six-digit code that is the code of no time step
// around any of the given times (wrongTOTP's, for several clocks).
func wrongTOTPAt(t *testing.T, secret string, times ...time.Time) string {
	valid := map[string]bool{}
	for _, at := range times {
		for _, d := range []time.Duration{-cognitosrp.TOTPPeriod, 0, cognitosrp.TOTPPeriod} {
			valid[totpCode(t, secret, at.Add(d))] = true
		}
	}
	for i := 0; ; i++ {
		if code := fmt.Sprintf("%06d", i); !valid[code] {
			return code
		}
	}
}
