// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// logLines records what the emulator writes to Config.Logf (set to its
// logf), for tests that read its lines while it may still write.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

// all returns a copy of the lines written so far.
func (l *logLines) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.lines)
}

// noRetrySession returns a session of name on srv whose calls are not
// retried, for tests that look at each failure the emulator injects; it
// is closed when the test ends.
func noRetrySession(t *testing.T, srv *cognitotest.Server, name string) *cognitosrp.Session {
	t.Helper()
	cfg := srv.SessionConfig()
	cfg.Retry = cognitosrp.RetryPolicy{MaxAttempts: 1}
	s, err := cognitosrp.NewSession(cfg, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// raw drives the emulator call by call, to reach what the root package
// does not do step by step: single challenge answers, hand-made devices,
// malformed requests.
type raw struct {
	t   *testing.T
	srv *cognitotest.Server
	api *cognitosrp.Client
	now func() time.Time
}

func newRaw(t *testing.T, srv *cognitotest.Server) *raw {
	return &raw{t: t, srv: srv, api: &cognitosrp.Client{Endpoint: srv.Endpoint()}, now: time.Now}
}

func (r *raw) call(action string, in any) (*cognitosrp.AuthOutput, error) {
	out := new(cognitosrp.AuthOutput)
	err := r.api.Call(context.Background(), action, in, out)
	return out, err
}

func (r *raw) initiate(flow string, params map[string]string) (*cognitosrp.AuthOutput, error) {
	return r.call("InitiateAuth", map[string]any{"AuthFlow": flow, "AuthParameters": params, "ClientId": r.srv.ClientID()})
}

func (r *raw) respond(challenge, session string, responses map[string]string) (*cognitosrp.AuthOutput, error) {
	return r.call("RespondToAuthChallenge", map[string]any{
		"ChallengeName": challenge, "ChallengeResponses": responses,
		"ClientId": r.srv.ClientID(), "Session": session,
	})
}

// secretHash returns SECRET_HASH for name, or "" without a client secret.
func (r *raw) secretHash(name string) string {
	if r.srv.ClientSecret() == "" {
		return ""
	}
	return cognitosrp.SecretHash(name, r.srv.ClientID(), r.srv.ClientSecret())
}

// withHash adds SECRET_HASH for name to params when the client has a
// secret.
func (r *raw) withHash(params map[string]string, name string) map[string]string {
	if h := r.secretHash(name); h != "" {
		params["SECRET_HASH"] = h
	}
	return params
}

// claim answers a PASSWORD_VERIFIER (or device) challenge with srp.
func (r *raw) claim(srp *cognitosrp.SRP, ch *cognitosrp.AuthOutput, password string) map[string]string {
	r.t.Helper()
	pc, err := cognitosrp.ParsePasswordChallenge(ch.ChallengeParameters)
	if err != nil {
		r.t.Fatal(err)
	}
	cl, err := srp.PasswordClaim(pc, password, r.now())
	if err != nil {
		r.t.Fatal(err)
	}
	return cl.ChallengeResponses()
}

// srpLogin runs USER_SRP_AUTH up to the answer of PASSWORD_VERIFIER and
// returns what follows it. extra goes into InitiateAuth's parameters.
func (r *raw) srpLogin(name, password string, extra map[string]string) (*cognitosrp.AuthOutput, error) {
	r.t.Helper()
	srp, err := cognitosrp.NewSRP(r.poolName(), nil)
	if err != nil {
		r.t.Fatal(err)
	}
	params := r.withHash(map[string]string{"USERNAME": name, "SRP_A": srp.A()}, name)
	for k, v := range extra {
		params[k] = v
	}
	ch, err := r.initiate("USER_SRP_AUTH", params)
	if err != nil {
		return nil, err
	}
	if ch.ChallengeName != "PASSWORD_VERIFIER" {
		r.t.Fatalf("InitiateAuth: challenge %q, want PASSWORD_VERIFIER", ch.ChallengeName)
	}
	resp := r.withHash(r.claim(srp, ch, password), ch.ChallengeParameters["USER_ID_FOR_SRP"])
	if k := extra["DEVICE_KEY"]; k != "" {
		resp["DEVICE_KEY"] = k
	}
	return r.respond("PASSWORD_VERIFIER", ch.Session, resp)
}

func (r *raw) poolName() string {
	_, name, _ := strings.Cut(r.srv.PoolID(), "_")
	return name
}

// apiError returns err as an *APIError or fails the test.
func apiError(t *testing.T, err error) *cognitosrp.APIError {
	t.Helper()
	var ae *cognitosrp.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("error %v is not an *APIError", err)
	}
	return ae
}

// wantAPIError checks err's Cognito type and, if msg is not empty, that its
// message contains msg.
func wantAPIError(t *testing.T, err error, typ, msg string) {
	t.Helper()
	ae := apiError(t, err)
	if ae.Type != typ || !strings.Contains(ae.Message, msg) {
		t.Fatalf("error = %v, want %s containing %q", err, typ, msg)
	}
}

// login logs in through the root package and returns the session.
func login(t *testing.T, srv *cognitotest.Server, name, password string) *cognitosrp.Session {
	t.Helper()
	return loginWith(t, srv.SessionConfig(), name, password)
}

// loginWith is login with the session configuration cfg.
func loginWith(t *testing.T, cfg cognitosrp.Config, name, password string) *cognitosrp.Session {
	t.Helper()
	sess, err := cognitosrp.NewSession(cfg, name)
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.Authenticate(t.Context(), password); err != nil {
		t.Fatalf("Authenticate(%q): %v", name, err)
	}
	return sess
}

// loginRefreshTokenAuth is login with a session that renews with
// REFRESH_TOKEN_AUTH, which SessionConfig does not choose for a client
// that refuses it: tests of the refusal ask for it.
func loginRefreshTokenAuth(t *testing.T, srv *cognitotest.Server, name, password string) *cognitosrp.Session {
	t.Helper()
	cfg := srv.SessionConfig()
	cfg.RefreshMethod = cognitosrp.RefreshWithInitiateAuth
	return loginWith(t, cfg, name, password)
}

// addUser adds u or fails the test.
func addUser(t *testing.T, srv *cognitotest.Server, u cognitotest.User) cognitotest.User {
	t.Helper()
	got, err := srv.AddUser(u)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// lastReason returns the Reason of the last request the server logged.
func lastReason(srv *cognitotest.Server) string {
	reqs := srv.Requests()
	if len(reqs) == 0 {
		return ""
	}
	return reqs[len(reqs)-1].Reason
}

// newBackend starts a resource server for the test.
func newBackend(t *testing.T, h http.Handler) string {
	t.Helper()
	b := httptest.NewServer(h)
	t.Cleanup(b.Close)
	return b.URL
}

// readBody reads and closes a response body.
func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
