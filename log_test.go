// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLogsCarryNoSecret drives a session through login, renewal, a 401
// retry, failures and sign-out with a logger, then checks that every event
// is there with its duration and that no secret or token is.
func TestLogsCarryNoSecret(t *testing.T) {
	const clientSecret = "client-secret-never-logged"
	var buf syncBuffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	clk, f, s, first, _ := renewedAndRetried(t, func(c *Config) {
		c.Logger = logger
		c.ClientSecret = clientSecret
	})
	ctx := context.Background()

	wrong := newLifecycleSession(t, f, "wrong "+f.password, func(c *Config) { c.Logger = logger })
	wrong.ValidTokens(ctx, AccessToken) // login failure

	orphan := newLifecycleSession(t, f, "", func(c *Config) { c.Logger = logger; c.Now = clk.Now })
	orphan.SetTokens(first)
	f.revoke(first.RefreshToken)
	clk.Advance(2 * time.Hour)
	orphan.ValidTokens(ctx, AccessToken) // renewal failure

	if err := s.SignOut(ctx); err != nil {
		t.Fatal(err)
	}

	out := buf.String()
	for _, msg := range []string{
		"cognitosrp: logged in", "cognitosrp: tokens renewed",
		"cognitosrp: retrying request after 401 with a renewed token",
		"cognitosrp: login failed", "cognitosrp: renewal failed", "cognitosrp: signed out",
	} {
		line := findLogLine(t, out, msg)
		if line == nil {
			t.Errorf("no %q event in:\n%s", msg, out)
			continue
		}
		if _, ok := line["duration"]; !ok && msg != "cognitosrp: retrying request after 401 with a renewed token" {
			t.Errorf("%q has no duration", msg)
		}
	}
	if !strings.Contains(out, `"jti":"jti-`) {
		t.Error("events do not name tokens by jti")
	}

	secrets := []string{f.password, clientSecret}
	f.mu.Lock()
	for _, tok := range f.issued {
		secrets = append(secrets, tok)
		if parts := strings.Split(tok, "."); len(parts) == 3 {
			secrets = append(secrets, parts[1], parts[2])
		}
	}
	f.mu.Unlock()
	for _, secret := range secrets {
		if strings.Contains(out, secret) {
			t.Errorf("log output contains a secret: %.12s…", secret)
		}
	}
}

// renewedAndRetried returns a logged-in session, and an Auth on it, after a
// background renewal and a request retried after a 401: the events most
// programs see.
func renewedAndRetried(t *testing.T, mod func(*Config)) (*fakeClock, *fakeCognito, *Session, *Tokens, *Auth) {
	t.Helper()
	clk, f, s, first := loggedIn(t, mod)
	a, err := New(Options{Session: s})
	if err != nil {
		t.Fatal(err)
	}

	clk.Advance(56 * time.Minute) // background renewal
	s.ValidTokens(context.Background(), AccessToken)
	settle(t, s)

	f.reject(s.Tokens().AccessToken) // 401, renewal, retry
	req, _ := http.NewRequest("GET", f.api.URL, nil)
	if code, _ := send(t, a, req); code != http.StatusOK {
		t.Fatalf("retry: %d", code)
	}
	settle(t, s)
	return clk, f, s, first, a
}

func findLogLine(t *testing.T, out, msg string) map[string]any {
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %v", err)
		}
		if m["msg"] == msg {
			return m
		}
	}
	return nil
}

// TestTokenID: a token without a jti claim, or that is not a JWT at all,
// is logged with an empty jti and no part of the token (its last
// characters were logged before); a hostile jti is logged cut and clean.
func TestTokenID(t *testing.T) {
	for _, tok := range []string{
		fxJWT(map[string]any{"token_use": "access", "exp": 1}),
		"opaque-token-0123456789-SECRET",
	} {
		if id := tokenID(&Tokens{AccessToken: tok}); id != "" {
			t.Errorf("tokenID of a token without jti = %q, want \"\"", id)
		}
	}
	if id := tokenID(&Tokens{AccessToken: fxJWT(map[string]any{"jti": "j-1", "exp": 1})}); id != "j-1" {
		t.Errorf("tokenID = %q, want the jti j-1", id)
	}
	// The jti is the issuer's text: a hostile one is logged cut and without
	// control characters (a handler other than slog's may not quote it).
	if id := tokenID(&Tokens{AccessToken: fxJWT(map[string]any{"jti": HostileText, "exp": 1})}); len(id) > 70 || !Printable(id) {
		t.Errorf("tokenID of a hostile jti = %.80q…, %d bytes", id, len(id))
	}
}
