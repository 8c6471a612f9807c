// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"
	"unicode/utf8"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// newAPI starts a resource server that echoes what it got, behind the
// emulator's token check, and answers 404 on /missing.
func newAPI(t *testing.T, srv *cognitotest.Server) string {
	mux := http.NewServeMux()
	mux.HandleFunc("/missing", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.Handle("/", srv.RequireAccessToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cl, _ := cognitotest.ClaimsFromContext(r.Context())
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s user=%s x=%s body=%s", r.Method, r.URL.Path, cl.Username, r.Header.Get("X-Test"), body)
	})))
	api := httptest.NewServer(mux)
	t.Cleanup(api.Close)
	return api.URL
}

func TestRequest(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	api := newAPI(t, srv)
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")

	r := s.run("request", api+"/things")
	r.want(t, exitOK, "HTTP/1.1 200 OK")
	if r.stdout != "GET /things user=alice x= body=" {
		t.Errorf("stdout = %q", r.stdout)
	}
	if strings.Contains(r.stderr, "Date:") {
		t.Errorf("response headers printed without -i: %q", r.stderr)
	}
	r = s.run("request", "-X", "PUT", "-H", "X-Test: yes", "-d", `{"a":1}`, api+"/things/1")
	r.want(t, exitOK)
	if r.stdout != `PUT /things/1 user=alice x=yes body={"a":1}` {
		t.Errorf("stdout = %q", r.stdout)
	}
	bodyFile := filepath.Join(t.TempDir(), "body")
	os.WriteFile(bodyFile, []byte("from a file"), 0o600)
	r = s.run("request", "-d", "@"+bodyFile, api+"/f")
	if r.stdout != "POST /f user=alice x= body=from a file" {
		t.Errorf("-d @file: %q", r.stdout)
	}
	s.stdin = "from stdin"
	r = s.run("request", "-d", "@-", api+"/s")
	if r.stdout != "POST /s user=alice x= body=from stdin" {
		t.Errorf("-d @-: %q", r.stdout)
	}
	s.run("request", "-d", "@-", "-password-stdin", api+"/s").want(t, exitUsage, "cannot both read standard input")

	// HTTP ≥ 400 exits 3, with the status on stderr and the body on stdout.
	r = s.run("request", api+"/missing")
	r.want(t, exitHTTPStatus, "404 Not Found")
	if !strings.Contains(r.stdout, "404 page not found") {
		t.Errorf("body of the 404: %q", r.stdout)
	}
	// The id token is no access token: the API refuses it.
	s.run("request", "-type", "id", api+"/x").want(t, exitHTTPStatus, "401")
	r = s.run("request", "-H", "Bearer s3cr3t-no-colon", api+"/x")
	r.want(t, exitUsage, "is not 'Name: value'")
	if strings.Contains(r.stderr, "s3cr3t") {
		t.Errorf("a malformed -H value is echoed: %q", r.stderr)
	}
	s.run("request", "http://127.0.0.1:1/").want(t, exitTryLater, "network error")
	// Logged in once; the rest came from the cache.
	if srv.Calls("RespondToAuthChallenge") != 1 {
		t.Errorf("%d logins for several requests", srv.Calls("RespondToAuthChallenge"))
	}
}

func TestClaims(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	res, err := srv.IssueTokens("alice")
	if err != nil {
		t.Fatal(err)
	}
	s := newSandbox(t)
	r := s.run("claims", res.AccessToken)
	r.want(t, exitOK, "NOT verified", "expires")
	var cl map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &cl); err != nil || cl["token_use"] != "access" || cl["username"] != "alice" {
		t.Errorf("claims = %v, %v", cl, err)
	}
	// A line of its own, as token's output: a shell prompt or the next
	// line of a log does not follow the closing brace.
	if !strings.HasSuffix(r.stdout, "}\n") {
		t.Errorf("claims output does not end with a newline: %q", r.stdout)
	}
	s.stdin = "Bearer " + res.IdToken + "\n"
	r = s.run("claims")
	r.want(t, exitOK)
	if err := json.Unmarshal([]byte(r.stdout), &cl); err != nil || cl["token_use"] != "id" || cl["cognito:username"] != "alice" {
		t.Errorf("claims from stdin = %v, %v", cl, err)
	}
	// A token it cannot read is a bad argument (status 2), from the
	// command line or standard input, as input of more than 1 MiB is.
	s.run("claims", "not-a-token").want(t, exitUsage, "cognito-srp claims: malformed token: not three dot-separated segments\n")
	s.run("claims", "a.b").want(t, exitUsage, "malformed token")
	s.stdin = "a.eyJ9.c"
	s.run("claims").want(t, exitUsage, "malformed token: payload is not a JSON object")
	s.run("claims", "a", "b").want(t, exitUsage, "at most one TOKEN")
	// An Authorization header's value pasted unquoted: the message says
	// what to do (it said "want at most one TOKEN"), without quoting the
	// TOKEN; quoted, it works (ParseUnverified reads the payload, the
	// middle part, whatever precedes the header's).
	for _, bearer := range []string{"Bearer", "bearer"} {
		r = s.run("claims", bearer, res.AccessToken)
		r.want(t, exitUsage, `cognito-srp claims: "Bearer" and the TOKEN came as two arguments: drop "Bearer", or quote the two as one`)
		if strings.Contains(r.stderr, res.AccessToken[:20]) {
			t.Errorf("the error quotes the token: %q", r.stderr)
		}
		s.run("claims", bearer+"  "+res.AccessToken).want(t, exitOK, "NOT verified")
	}
	// A lone "-" (standard input, to many commands) is no flag.
	s.run("claims", "a", "-").want(t, exitUsage, "want at most one TOKEN, got 2 arguments")
	// Flags after the TOKEN are named as such, as request names flags
	// after its URL, without quoting the TOKEN.
	for _, flag := range []string{"-h", "-json", "--verify"} {
		r = s.run("claims", res.AccessToken, flag)
		r.want(t, exitUsage, "cognito-srp claims: flags must come before the TOKEN, and claims has none but -h (got 2 arguments)")
		if strings.Contains(r.stderr, res.AccessToken[:20]) {
			t.Errorf("the error quotes the token: %q", r.stderr)
		}
	}
}

// startEmulate starts "cognito-srp emulate" with args on a free loopback
// port and returns that address, the process (killed when the test ends),
// its standard output and what it writes to standard error, to be read
// once it has ended.
// stopsOn sends sig to a running emulate and fails t unless it exits
// with status 0 within five seconds. On Windows, which cannot send a
// signal to one process, it kills emulate and checks nothing.
func stopsOn(t *testing.T, cmd *exec.Cmd, sig os.Signal) {
	t.Helper()
	if !interrupt(cmd, sig) {
		cmd.Wait()
		return
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("emulate after %v: %v", sig, err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("emulate did not stop on %v", sig)
	}
}

// interrupt sends sig to the running cmd and reports whether it could.
// Windows has no way to: Process.Signal supports only Kill there, and
// Ctrl-C reaches every process of a console, the test's own included. So
// there it kills cmd and reports false, and what a test checks of the
// command's handling of signals it checks on the other systems only.
func interrupt(cmd *exec.Cmd, sig os.Signal) bool {
	if runtime.GOOS == "windows" {
		cmd.Process.Kill()
		return false
	}
	cmd.Process.Signal(sig)
	return true
}

func startEmulate(t *testing.T, args ...string) (addr string, cmd *exec.Cmd, stdout io.Reader, stderr *strings.Builder) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr = l.Addr().String()
	l.Close()
	cmd = exec.Command(binary, append([]string{"emulate", "-addr", addr}, args...)...)
	stdout, stderr = startPiped(t, cmd)
	return addr, cmd, stdout, stderr
}

// startPiped starts cmd with its standard output on a pipe and its
// standard error kept, and kills it when the test ends.
func startPiped(t *testing.T, cmd *exec.Cmd) (stdout io.ReadCloser, stderr *strings.Builder) {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr = new(strings.Builder)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// A process that hangs is killed, which ends its output: a test
	// reading it fails rather than waits (commandLimit).
	limit := time.AfterFunc(commandLimit, func() { cmd.Process.Kill() })
	t.Cleanup(func() { limit.Stop(); cmd.Process.Kill() })
	return stdout, stderr
}

func TestEmulate(t *testing.T) {
	t.Parallel()
	users := filepath.Join(t.TempDir(), "users.json")
	// With the byte order mark a Windows editor writes.
	os.WriteFile(users, []byte("\uFEFF"+`[
		{"username": "alice", "password": "pw-alice-123"},
		{"aliases": ["bob@example.com"], "password": "pw-bob-1234", "attributes": {"name": "Bob"}}
	]`), 0o600)
	addr, cmd, stdout, stderr := startEmulate(t, "-users", users, "-with-secret")
	// A script reads up to the export line, which it evals (readBanner):
	// that line holds every variable, -with-secret's secret included
	// (it had a line of its own after it, which such a script never saw).
	vars := newSandbox(t)
	banner := readBanner(bufio.NewScanner(stdout), vars)
	if vars.env["COGNITO_ENDPOINT"] != "http://"+addr+"/" || vars.env["COGNITO_CLIENT_SECRET"] == "" {
		t.Fatalf("emulate printed %q", banner)
	}
	// The secret is emulate's own random one (randomText(32), see
	// TestRandomText), not a fixed text that every emulator would share.
	if secret := vars.env["COGNITO_CLIENT_SECRET"]; len(secret) != 43 {
		t.Errorf("-with-secret printed the secret %q, want 32 random bytes in base64url", secret)
	}
	if !strings.Contains(strings.Join(banner, "\n"), "alice, bob@example.com") {
		t.Errorf("banner does not list the users: %q", banner)
	}
	s := vars
	s.env["COGNITO_USERNAME"], s.env["COGNITO_PASSWORD"] = "bob@example.com", "pw-bob-1234"
	r := s.run("token", "-type", "id")
	r.want(t, exitOK)
	s.stdin = r.stdout
	r = s.run("claims")
	if !strings.Contains(r.stdout, `"name": "Bob"`) {
		t.Errorf("id token claims: %s", r.stdout)
	}
	s.env["COGNITO_PASSWORD"] = "wrong"
	s.run("token", "-no-cache").want(t, exitError, "wrong username or password")

	stopsOn(t, cmd, os.Interrupt)
	if !strings.Contains(stderr.String(), "InitiateAuth 200") || !strings.Contains(stderr.String(), "NotAuthorizedException") {
		t.Errorf("emulate's request log: %q", stderr.String())
	}

	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`[{"username": "x", "pasword": "typo"}]`), 0o600)
	newSandbox(t).run("emulate", "-addr", "127.0.0.1:0", "-users", bad).want(t, exitUsage, `unknown field "pasword"`)
	// Two arrays (cat a.json b.json): the second's users would be missing.
	// The file is read before the port, which no emulator can listen on.
	os.WriteFile(bad, []byte(`[{"username": "x", "password": "p"}] [{"username": "y", "password": "q"}]`), 0o600)
	newSandbox(t).run("emulate", "-addr", "127.0.0.1:99999", "-users", bad).want(t, exitUsage, "after the array")
}

func TestDemo(t *testing.T) {
	t.Parallel()
	start := time.Now()
	r := newSandbox(t).run("demo")
	r.want(t, exitOK)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("demo took %v", d)
	}
	for _, want := range []string{"SRP login: InitiateAuth", "RespondToAuthChallenge", "no Cognito call", "expired", "renewal: InitiateAuth", "3 Cognito calls"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("transcript lacks %q:\n%s", want, r.stdout)
		}
	}
	// The renewal's line names its one call, not the login's too.
	for _, line := range strings.Split(r.stdout, "\n") {
		if strings.Contains(line, "renewal:") && strings.Count(line, "InitiateAuth")+strings.Count(line, "RespondToAuthChallenge") != 1 {
			t.Errorf("renewal line: %q", line)
		}
	}
	// Not quoted, as other commands do not quote theirs: it may be a
	// secret typed in the wrong place.
	r = newSandbox(t).run("demo", "pw-s3cret")
	r.want(t, exitUsage, "cognito-srp demo: unexpected argument (not shown); demo takes no arguments")
	if strings.Contains(r.stderr, "s3cret") {
		t.Errorf("the argument is echoed: %q", r.stderr)
	}
}

// TestRequestKeepsRenewedTokens: when the API answers 401, request renews
// the token and sends the request again. With refresh-token rotation that
// renewal retires the cached refresh token, so its successor must reach
// the cache, or the next renewal fails and asks for the password.
func TestRequestKeepsRenewedTokens(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{AccessTokenLifetime: 2 * time.Second, IDTokenLifetime: 2 * time.Second, RefreshTokenRotation: true})
	api := newAPI(t, srv)
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	s.run("token").want(t, exitOK)
	delete(s.env, "COGNITO_PASSWORD")
	time.Sleep(1100 * time.Millisecond)
	// The id token is no access token: the API answers 401, after the
	// renewal that the due token needed and the one the 401 caused.
	s.run("request", "-type", "id", api+"/x").want(t, exitHTTPStatus, "401")
	if n := srv.Calls("GetTokensFromRefreshToken"); n != 2 {
		t.Fatalf("%d renewals, want 2", n)
	}
	time.Sleep(1100 * time.Millisecond)
	s.run("token").want(t, exitOK)
}

// TestRequestRenewsNothingBehindTheCache: the tokens a request is sent
// with are renewed, when due, by obtain, which caches what it gets; the
// request itself renews nothing. A renewal inside the request (here when a
// redirect is followed after the token entered its renewal window) would,
// with refresh-token rotation, retire the cached refresh token and leave
// the next run with a refused one (TestRequestKeepsRenewedTokens failed so,
// 2 times in 70 runs under load).
func TestRequestRenewsNothingBehindTheCache(t *testing.T) {
	t.Parallel()
	const life = 4 * time.Second // rotationCacheDue's: a margin and a window of 1 s each
	// The cached tokens are due: the request renews them first (with
	// GetTokensFromRefreshToken, as the client rotates) and caches them.
	srv, s := rotationCacheDue(t)
	api := httptest.NewServer(srv.RequireAccessToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/first" {
			// Until the token has entered its renewal window (iat + 2 s),
			// not until it is stale (iat + 3 s).
			cl, _ := cognitotest.ClaimsFromContext(r.Context())
			time.Sleep(time.Until(cl.IssuedAt.Add(life/2 + 200*time.Millisecond)))
			http.Redirect(w, r, "/second", http.StatusTemporaryRedirect)
			return
		}
		// Time for a renewal begun in the background to reach Cognito
		// before the command exits.
		time.Sleep(300 * time.Millisecond)
		fmt.Fprint(w, "ok")
	})))
	defer api.Close()
	s.run("request", api.URL+"/first").want(t, exitOK, "200 OK")
	if n := srv.Calls("GetTokensFromRefreshToken"); n != 1 {
		t.Errorf("%d renewals, want 1: the request renewed behind the cache", n)
	}
	// The cached refresh token is still the live one.
	s.run("token").want(t, exitOK)
}

// TestRequestTokenStaleDuringRedirect: a token that stops being usable
// during the request (here while the API waits before a redirect) is not
// renewed behind the cache, nor is the request sent again, since its first
// hop was answered: the command says what happened, and the next run
// renews from the cache.
func TestRequestTokenStaleDuringRedirect(t *testing.T) {
	t.Parallel()
	const life = 4 * time.Second // stale at iat + 3 s
	srv, s := signedIn(t, cognitotest.Config{AccessTokenLifetime: life, IDTokenLifetime: life, RefreshTokenRotation: true})
	delete(s.env, "COGNITO_PASSWORD")
	var firsts atomic.Int32
	api := httptest.NewServer(srv.RequireAccessToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/first" && firsts.Add(1) == 1 {
			cl, _ := cognitotest.ClaimsFromContext(r.Context())
			time.Sleep(time.Until(cl.IssuedAt.Add(life - life/4 + 200*time.Millisecond)))
			http.Redirect(w, r, "/second", http.StatusTemporaryRedirect)
			return
		}
		fmt.Fprint(w, "ok "+r.URL.Path)
	})))
	defer api.Close()
	s.run("request", api.URL+"/first").want(t, exitError, "expired while the request followed redirects")
	if n := firsts.Load(); n != 1 {
		t.Errorf("/first served %d times, want 1", n)
	}
	if n := srv.Calls("GetTokensFromRefreshToken") + srv.Calls("InitiateAuth"); n != 1 {
		t.Errorf("%d Cognito logins and renewals, want the first run's login alone", n)
	}
	s.run("token").want(t, exitOK) // the cached refresh token still works
}

// TestRequestClocksApart: the request is sent through the session that
// obtained its token, which has learnt Cognito's clock; a new session
// would judge a token from a Cognito ten minutes behind as expired.
func TestRequestClocksApart(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{AccessTokenLifetime: 5 * time.Minute})
	srv.SetClock(func() time.Time { return time.Now().Add(-10 * time.Minute) })
	api := newAPI(t, srv)
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	s.run("request", api+"/a").want(t, exitOK, "200 OK") // logs in
	s.run("request", api+"/b").want(t, exitOK, "200 OK") // from the cache
}

// TestRequestOtherOrigin401: a 401 from another origin, which a redirect
// led to and which got no token (Auth sends it to the request's origin
// alone), says nothing of the token: nothing is renewed.
func TestRequestOtherOrigin401(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "who are you", http.StatusUnauthorized)
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/elsewhere", http.StatusFound)
	}))
	defer api.Close()
	// Also when a -H header of the token's name follows the redirect:
	// net/http copies it there, with the caller's value, not the token.
	for _, args := range [][]string{{api.URL + "/x"}, {"-auth-header", "X-Token", "-H", "X-Token: mine", api.URL + "/x"}} {
		r := s.run(append([]string{"request"}, args...)...)
		r.want(t, exitHTTPStatus, "401")
		if strings.Contains(r.stderr, "renew") {
			t.Errorf("%q: stderr %q: a token never sent was renewed", args, r.stderr)
		}
	}
	if n := srv.Calls("InitiateAuth"); n != 1 {
		t.Errorf("%d InitiateAuth calls, want the login alone", n)
	}
}

// TestRequestNoRetryAfterRedirect: a 401 answered after a redirect is not
// retried by sending the request again from the start: its first hop was
// answered, here a POST with 303 See Other, which says it was done. The
// tokens are renewed for the next run, and the command says so.
func TestRequestNoRetryAfterRedirect(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	var posts atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts.Add(1)
			http.Redirect(w, r, "/done", http.StatusSeeOther)
			return
		}
		http.Error(w, "token refused", http.StatusUnauthorized)
	}))
	defer api.Close()
	s.run("request", "-d", "order=1", api.URL+"/orders").want(t, exitHTTPStatus, "401", "not sent again")
	if n := posts.Load(); n != 1 {
		t.Errorf("the POST was sent %d times, want 1", n)
	}
	// The refused token is renewed all the same, for the next run: the
	// login, then one renewal.
	if n := srv.Calls("InitiateAuth"); n != 2 {
		t.Errorf("%d InitiateAuth calls, want 2", n)
	}
	// When that renewal fails, the command still shows the API's answer
	// and exits with 3, not 1 or 4: a script that retries on 4 (or, as
	// before 4, on any failure) would send the POST again.
	delete(s.env, "COGNITO_PASSWORD")
	srv.SignOut("alice")
	r := s.run("request", "-i", "-d", "order=2", api.URL+"/orders")
	r.want(t, exitHTTPStatus, "renewing it failed", "no usable cached tokens")
	if !strings.HasPrefix(r.stderr, "HTTP/1.1 401") || r.stdout != "token refused\n" {
		t.Errorf("stdout %q, stderr %q: want the 401 shown first", r.stdout, r.stderr)
	}
	if n := posts.Load(); n != 2 {
		t.Errorf("the POSTs were sent %d times, want 2", n)
	}
}

// TestRequestRenewsOn401WithRotatingClient: a token the API refuses is
// renewed and the request sent again, also when the cached tokens were
// fresh, so that no renewal told which call the app client allows: a
// client with refresh-token rotation refuses REFRESH_TOKEN_AUTH, and the
// renewal must then use GetTokensFromRefreshToken, as "token" does.
func TestRequestRenewsOn401WithRotatingClient(t *testing.T) {
	t.Parallel()
	srv, s, refused := cachedOnRotatingClient(t)
	// The API refuses the first token (revoked on its side, say) and
	// takes any other valid one.
	api := httptest.NewServer(srv.RequireAccessToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer "+refused {
			http.Error(w, "token refused", http.StatusUnauthorized)
			return
		}
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "ok body=%s", body)
	})))
	defer api.Close()
	r := s.run("request", "-d", "payload", api.URL+"/x")
	r.want(t, exitOK, "200 OK")
	if r.stdout != "ok body=payload" {
		t.Errorf("stdout = %q", r.stdout)
	}
	if n := srv.Calls("GetTokensFromRefreshToken"); n != 1 {
		t.Errorf("%d GetTokensFromRefreshToken calls, want 1", n)
	}
	// The renewed tokens, with the rotated refresh token, reached the cache.
	if r = s.run("token"); strings.TrimSpace(r.stdout) == refused {
		t.Error("the cache still holds the refused tokens")
	}
	// Signed out, without a password: the 401 cannot be recovered from,
	// and the command says why.
	srv.SignOut("alice")
	s.run("request", api.URL+"/x").want(t, exitError, "no usable cached tokens")
}

// TestRequestUsesTokensCachedSince401: when another run cached new tokens
// while the API was refusing this run's, the retry takes those instead of
// renewing (with rotation a renewal would retire the other run's refresh
// token for nothing).
func TestRequestUsesTokensCachedSince401(t *testing.T) {
	t.Parallel()
	srv, s, refused := cachedOnRotatingClient(t)
	cache := s.cacheFile(t)
	api := httptest.NewServer(srv.RequireAccessToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+refused {
			io.WriteString(w, "ok")
			return
		}
		// Another run logs in and caches its tokens meanwhile.
		other, err := cognitosrp.NewSession(srv.SessionConfig(), "alice")
		if err == nil {
			err = other.Authenticate(r.Context(), "pw-alice-123")
		}
		if err == nil {
			err = cognitosrp.NewFileStore(cache).Save(r.Context(), other.Tokens())
		}
		if err != nil {
			t.Error(err)
		}
		http.Error(w, "token refused", http.StatusUnauthorized)
	})))
	defer api.Close()
	calls := func() int { return srv.Calls("GetTokensFromRefreshToken") + srv.Calls("InitiateAuth") }
	before := calls()
	s.run("request", api.URL+"/x").want(t, exitOK, "200 OK")
	// The other run's login is one InitiateAuth; anything more is a renewal.
	if n := calls() - before - 1; n != 0 {
		t.Errorf("%d renewal calls; want none: the cache held new tokens", n)
	}
}

// cachedOnRotatingClient returns an emulator whose app client rotates
// refresh tokens and a sandbox whose cache holds alice's tokens, without
// her password, and the access token it holds.
func cachedOnRotatingClient(t *testing.T) (*cognitotest.Server, *sandbox, string) {
	t.Helper()
	srv := newEmulator(t, cognitotest.Config{RefreshTokenRotation: true})
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	r := s.run("token")
	r.want(t, exitOK)
	delete(s.env, "COGNITO_PASSWORD")
	return srv, s, strings.TrimSpace(r.stdout)
}

// TestRequestTimeoutNamesTheAPI: -timeout bounds the request too; when the
// API is what does not answer in time, the error says so, not that Cognito
// was slow.
func TestRequestTimeoutNamesTheAPI(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	stop := make(chan struct{})
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow-body" {
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
		}
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	}))
	defer api.Close()
	defer close(stop)
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	s.run("token").want(t, exitOK)
	host := strings.TrimPrefix(api.URL, "http://")
	for _, path := range []string{"/slow", "/slow-body"} {
		// The status line of /slow-body comes first on stderr.
		r := s.run("request", "-timeout", "300ms", api.URL+path)
		if r.code != exitTryLater || !strings.Contains(r.stderr, "timed out waiting for "+host+" (see -timeout)") {
			t.Errorf("%s: exit %d, stderr %q", path, r.code, r.stderr)
		}
		if strings.Contains(r.stderr, "Cognito") {
			t.Errorf("%s: %q blames Cognito", path, r.stderr)
		}
	}
}

// TestRequestServerText: the status line, and the headers -i prints, are
// the API's text on the user's terminal (stderr), like Cognito's text in
// errors: a hostile or broken server must not drive the terminal with an
// escape sequence or make the line read otherwise with a bidirectional
// override. The body, the output asked for, goes to stdout as it came.
func TestRequestServerText(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			http.ReadRequest(bufio.NewReader(c))
			io.WriteString(c, "HTTP/1.1 404 Not\x1b]0;title\a\x1b[2J\u202eFound\x7f\u009b\xff\r\n"+
				"X-Evil: a\u202eb\u009b2J\u200bc\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbody")
			c.Close()
		}
	}()
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	r := s.run("request", "-i", "http://"+l.Addr().String()+"/x")
	r.want(t, exitHTTPStatus, "HTTP/1.1 404 Not", "X-Evil: a")
	if strings.ContainsFunc(r.stderr, func(r rune) bool { return !strconv.IsGraphic(r) && r != '\n' && r != '\r' }) || !utf8.ValidString(r.stderr) {
		t.Errorf("stderr holds the server's control characters: %q", r.stderr)
	}
	if r.stdout != "body" {
		t.Errorf("stdout = %q", r.stdout)
	}
}

// TestRequestEmptyBodyIsPost: -d makes the default method POST, also when
// its body is empty, as -X's help says (and as curl does): a script's
// `-d "$payload"` must not turn into a GET when the payload is empty.
func TestRequestEmptyBodyIsPost(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	api := newAPI(t, srv)
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	r := s.run("request", "-d", "", api+"/things")
	r.want(t, exitOK)
	if r.stdout != "POST /things user=alice x= body=" {
		t.Errorf("stdout = %q", r.stdout)
	}
}

// TestRequestJSONBodyIsTyped: a -d body that is JSON goes as
// application/json, which many APIs need to read it at all; any other
// body goes untyped, and a -H Content-Type (an empty one too) wins.
func TestRequestJSONBodyIsTyped(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	api := httptest.NewServer(srv.RequireAccessToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%q", r.Header.Values("Content-Type"))
	})))
	defer api.Close()
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	bodyFile := filepath.Join(t.TempDir(), "body.json")
	os.WriteFile(bodyFile, []byte("{\"a\": [1, 2]}\n"), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-d", `{"a":1}`}, `["application/json"]`},
		{[]string{"-d", "@" + bodyFile}, `["application/json"]`},
		{[]string{"-X", "PUT", "-d", "[]"}, `["application/json"]`},
		{[]string{"-d", "order=1"}, `[]`},
		{[]string{"-d", ""}, `[]`},
		{[]string{}, `[]`},
		{[]string{"-d", `{"a":1}`, "-H", "Content-Type: application/merge-patch+json"}, `["application/merge-patch+json"]`},
		{[]string{"-d", `{"a":1}`, "-H", "content-type:"}, `[""]`},
	} {
		r := s.run(append(append([]string{"request"}, tc.args...), api.URL+"/x")...)
		r.want(t, exitOK)
		if r.stdout != tc.want {
			t.Errorf("request %q: Content-Type %s, want %s", tc.args, r.stdout, tc.want)
		}
	}
}

// TestRequestNetworkErrorHidesQuery: net/http's error quotes the URL,
// hiding only a password; the query (an API key, a presigned URL's
// signature) and the fragment must not reach the terminal either.
func TestRequestNetworkErrorHidesQuery(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	r := s.run("request", "http://u:s3cr3t-pw@127.0.0.1:1/items?api_key=s3cr3t-key&X-Amz-Signature=s3cr3t-sig#s3cr3t-frag")
	r.want(t, exitTryLater, "network error", "127.0.0.1:1/items")
	// net/http writes the password as "***": it stays so, not "%2A%2A%2A",
	// which reads as the password, escaped.
	if !strings.Contains(r.stderr, `"http://u:***@127.0.0.1:1/items"`) {
		t.Errorf("the URL is not quoted as net/http redacts it: %q", r.stderr)
	}
	if strings.Contains(r.stderr, "s3cr3t") {
		t.Errorf("the error quotes a secret of the URL: %q", r.stderr)
	}
}

// TestBoolFlagValueNotEchoed: a boolean flag given a value that is not a
// boolean (a password typed after -password-stdin=) is a usage error that
// does not repeat the value, as the flag package's own error would; the
// flags before it and a flag's separate value are walked as flag.Parse
// walks them, and valid forms still work.
func TestBoolFlagValueNotEchoed(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	for _, args := range [][]string{
		{"token", "-password-stdin=hunter2"},
		{"token", "--password-stdin=hunter2"},
		{"token", "-type", "id", "-no-cache=hunter2"},
		{"request", "-X", "GET", "-i=hunter2", "http://127.0.0.1:1/"},
		{"token", "---password-stdin=hunter2"},
		{"token", "-=hunter2"},
		{"token", "--=hunter2"},
	} {
		r := s.run(args...)
		r.want(t, exitUsage)
		if !strings.Contains(r.stderr, "takes no value but true or false") && !strings.Contains(r.stderr, "bad flag syntax in argument") {
			t.Errorf("%q: %q", args, r.stderr)
		}
		if strings.Contains(r.stderr, "hunter2") {
			t.Errorf("%q: the value is echoed: %q", args, r.stderr)
		}
	}
	// A non-boolean flag's value that looks like a boolean flag is a value.
	if err := boolFlagValue(flagSetOf(t), []string{"-type", "-json=hunter2"}); err != nil {
		t.Errorf("-type's value taken for a flag: %v", err)
	}
	for _, args := range [][]string{{"-json=true"}, {"-json=0"}, {"-json", "x=y"}, {"--", "-json=hunter2"}, {"arg", "-json=hunter2"}} {
		if err := boolFlagValue(flagSetOf(t), args); err != nil {
			t.Errorf("%q: %v", args, err)
		}
	}
}

// TestStrayArgumentNotEchoed: a word after a boolean flag is an argument,
// and "token -password-stdin hunter2" is the way to type a password as if
// the flag took one, as -password-stdin=hunter2 is (TestBoolFlagValueNotEchoed).
// The refusal must not quote it either.
func TestStrayArgumentNotEchoed(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	for _, args := range [][]string{
		{"token", "-password-stdin", "hunter2"},
		{"token", "-no-cache", "hunter2"},
		{"token", "hunter2"},
	} {
		r := s.run(args...)
		r.want(t, exitUsage, "unexpected argument")
		if strings.Contains(r.stderr, "hunter2") {
			t.Errorf("%q: the argument is echoed: %q", args, r.stderr)
		}
	}
}

// TestUnknownFlagNotEchoed: a password that starts with '-', typed after
// -password-stdin as if the flag took it (the mistake
// TestStrayArgumentNotEchoed guards against), reaches flag.Parse as a flag
// this command does not define, and the flag package's error quotes it,
// twice. It must be refused without showing it, while a mistyped flag
// name (lower case, as every flag of the command is, and as no password
// that Cognito's default policy accepts) is still named.
func TestUnknownFlagNotEchoed(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	for _, args := range [][]string{
		{"token", "-password-stdin", "-Tr0ub4dor&3"},
		{"token", "-no-cache", "--Tr0ub4dor&3=x"},
		{"request", "-password-stdin", "-Tr0ub4dor&3", "http://127.0.0.1:1/"},
		// '_' is a symbol Cognito's policy counts; no flag name has one.
		{"token", "-password-stdin", "-Tr0ub4dor_3"},
	} {
		r := s.run(args...)
		r.want(t, exitUsage, "not a flag of this command")
		if strings.Contains(r.stderr, "Tr0ub4dor") {
			t.Errorf("%q: the argument is echoed: %q", args, r.stderr)
		}
	}
	s.run("token", "-no-cach").want(t, exitUsage, "flag provided but not defined: -no-cach")
	if r := s.run("request", "-help"); r.code != exitOK || !strings.Contains(r.stderr, "-auth-header") {
		t.Errorf("request -help: %d %q", r.code, r.stderr)
	}
}

// flagSetOf returns a flag set with one boolean and one string flag.
func flagSetOf(t *testing.T) *flag.FlagSet {
	t.Helper()
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.Bool("json", false, "")
	fs.String("type", "", "")
	return fs
}

// TestEmulateLogIsTerminalText: emulate logs each request on its terminal
// (stderr), and the action it names is the client's X-Amz-Target header, in
// which any program on the machine (or a web page: the emulator answers
// CORS for any origin) can put C1 controls, bidirectional overrides or
// bytes that are not UTF-8. Like the API's text that request prints, they
// must not reach the terminal as they came.
func TestEmulateLogIsTerminalText(t *testing.T) {
	t.Parallel()
	addr, cmd, stdout, stderr := startEmulate(t)
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && !strings.HasPrefix(sc.Text(), "export ") {
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/", strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.Evil\u009b2J\u202ekool\u200b\xff")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// emulate logs a request before its answer is sent: the line is
	// written even if it is killed now.
	interrupt(cmd, os.Interrupt)
	cmd.Wait()
	log := stderr.String()
	if !strings.Contains(log, "Evil") {
		t.Fatalf("the request is not logged: %q", log)
	}
	if strings.ContainsFunc(log, func(r rune) bool { return !strconv.IsGraphic(r) && r != '\n' }) || !utf8.ValidString(log) {
		t.Errorf("the log holds the client's control characters: %q", log)
	}
}

// TestRequestBadHeaderIsUsageError: a -H value net/http cannot send (a
// name that is not a header name, a control character in the value) is a
// usage error found before any call to Cognito, as a value without a
// colon is, and is not echoed: a mistyped header often holds a credential.
func TestRequestBadHeaderIsUsageError(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	api := newAPI(t, srv)
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	for _, h := range []string{"X-Api-Key s3cr3t: v", "Authorization Bearer s3cr3t:x", "X-Key: s3cr3t\x01", "X-Key: s3cr3t\x7f", ": s3cr3t",
		"X-Api-Key-s3cr3t", "X-Ké-s3cr3t: v", "X(s3cr3t): v", "X@s3cr3t: v"} {
		r := s.run("request", "-H", h, api+"/x")
		r.want(t, exitUsage, "-H value 1 is not")
		if strings.Contains(r.stderr, "s3cr3t") {
			t.Errorf("-H %q: stderr shows it: %q", h, r.stderr)
		}
	}
	// Nor a header name for the token that is none, which New refused
	// only after the login.
	s.run("request", "-auth-header", "X Key", api+"/x").want(t, exitUsage, "-auth-header is not a header name")
	if n := srv.Calls(""); n != 0 {
		t.Errorf("%d Cognito calls for a malformed -H or -auth-header", n)
	}
	// A tab and text that is not ASCII are allowed in a value, and the
	// CR of a line read from a file (-H "X-Key: $(cat key.txt)") is
	// trimmed with the spaces.
	for h, want := range map[string]string{"X-Test: a\tb é": "a\tb é", "X-Test: v\r": "v", "X-Test:  v \r\n": "v"} {
		r := s.run("request", "-H", h, api+"/x")
		r.want(t, exitOK)
		if r.stdout != "GET /x user=alice x="+want+" body=" {
			t.Errorf("-H %q: stdout = %q", h, r.stdout)
		}
	}
}

// TestRequestHostHeader: -H 'Host: name' sends that Host, as curl does (to
// reach one virtual host of a server by its address); net/http ignores a
// Host in the header map, so the request went to the URL's host name
// instead, with the token, and nothing said so.
func TestRequestHostHeader(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	api := httptest.NewServer(srv.RequireAccessToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "host="+r.Host)
	})))
	defer api.Close()
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	r := s.run("request", "-H", "host: api.example.com", api.URL+"/x")
	r.want(t, exitOK)
	if r.stdout != "host=api.example.com" {
		t.Errorf("stdout = %q", r.stdout)
	}
}

// unsignedToken returns a JWT with claims as its payload and a signature
// nobody checks.
func unsignedToken(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(claims)) + ".c2ln"
}

// endlessReader is standard input that never ends; it fails once more
// than limit bytes were read from it.
type endlessReader struct{ read, limit int }

func (r *endlessReader) Read(p []byte) (int, error) {
	if r.read > r.limit {
		return 0, errors.New("read past the limit")
	}
	for i := range p {
		p[i] = 'x'
	}
	r.read += len(p)
	return len(p), nil
}

// TestClaimsInput: claims reads at most maxTokenInput bytes of standard
// input (a token is far shorter) and refuses more as a usage error,
// quoting none of it, rather than cut it there: a token, white space up
// to the limit and more text past it was read as the token alone. It
// refuses a terminal (or other character device) for standard input as
// a usage error rather than wait for it, and an empty or blank one as a
// usage error that says so, and notes an expiry only when the token has
// one, and a past one as such.
func TestClaimsInput(t *testing.T) {
	t.Parallel()
	runClaims := func(stdin io.Reader, args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		e := &env{stdin: stdin, stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
		return run(context.Background(), e, append([]string{"claims"}, args...)), stdout.String(), stderr.String()
	}
	const tooLarge = "cognito-srp claims: standard input holds more than 1 MiB, which is no token"
	in := &endlessReader{limit: 2 * maxTokenInput}
	if code, _, stderr := runClaims(in); code != exitUsage || !strings.Contains(stderr, tooLarge) || in.read > 2*maxTokenInput {
		t.Errorf("endless input: exit %d, %d bytes read, stderr %q", code, in.read, stderr)
	}
	token := unsignedToken(`{"sub":"abc"}`)
	padded := token + "\n" + strings.Repeat(" ", maxTokenInput-len(token)-1)
	if code, stdout, stderr := runClaims(strings.NewReader(padded)); code != exitOK || !strings.HasPrefix(stdout, "{\n  \"sub\": \"abc\"") {
		t.Errorf("a token and white space, maxTokenInput bytes: exit %d, stderr %q", code, stderr)
	}
	if code, stdout, stderr := runClaims(strings.NewReader(padded + "x")); code != exitUsage || stdout != "" || !strings.Contains(stderr, tooLarge) || strings.Contains(stderr, token[:10]) {
		t.Errorf("a token, white space and more past maxTokenInput bytes: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	// Empty or blank standard input, as when the command before the pipe
	// failed (token | claims): a usage error, as claims "" is, that
	// says no token came rather than blame a malformed one; the status
	// is documented in -h.
	for _, in := range []string{"", " \r\n"} {
		if code, stdout, stderr := runClaims(strings.NewReader(in)); code != exitUsage || stdout != "" || stderr != "cognito-srp claims: no token on standard input: it is empty or blank\n" {
			t.Errorf("claims with standard input %q: exit %d, stdout %q, stderr %q; want 2 and no token said", in, code, stdout, stderr)
		}
	}
	if code, _, stderr := runClaims(nil, "-h"); code != exitOK || !strings.Contains(strings.Join(strings.Fields(stderr), " "), "Exit status 2: a token it cannot read, or none on standard input (empty, as when the command before the pipe failed") {
		t.Errorf("claims -h does not give the exit status of an empty standard input: %q", stderr)
	}
	if null, err := os.Open(os.DevNull); err == nil {
		code, _, stderr := runClaims(null)
		null.Close()
		if code != exitUsage || !strings.Contains(stderr, "give a TOKEN argument") {
			t.Errorf("claims < %s: exit %d, stderr %q", os.DevNull, code, stderr)
		}
	}
	code, stdout, stderr := runClaims(nil, unsignedToken(`{"sub":"abc"}`))
	if code != exitOK || strings.Contains(stderr, "expire") || !strings.HasPrefix(stdout, "{\n  \"sub\": \"abc\"") {
		t.Errorf("token without exp: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, _, stderr = runClaims(nil, unsignedToken(`{"sub":"abc","exp":1000000000}`))
	if code != exitOK || !strings.Contains(stderr, "; expired 2001-09-0") || !strings.HasSuffix(stderr, " ago)\n") || strings.Contains(stderr, "(-") {
		t.Errorf("expired token: exit %d, stderr %q", code, stderr)
	}
	// The longest token the library reads (64 KiB), pasted as an
	// Authorization header's value and ending its line: neither the
	// "Bearer " nor the white space counts against that length.
	long := unsignedToken(`{"sub":"abc"}`)
	long += strings.Repeat("A", 64<<10-len(long))
	// The scheme is case-insensitive (RFC 9110, section 11.1) and may be
	// followed by more than one space: "bearer " and "BEARER " are
	// stripped as "Bearer " is (they counted against the 64 KiB).
	for _, scheme := range []string{" Bearer ", "bearer ", "BEARER ", "Bearer   "} {
		code, stdout, stderr = runClaims(strings.NewReader(scheme + long + "\r\n"))
		if code != exitOK || !strings.HasPrefix(stdout, "{\n  \"sub\": \"abc\"") {
			t.Errorf("64 KiB token after %q: exit %d, stdout %q, stderr %q", scheme, code, stdout, stderr)
		}
	}
}

// TestRequestArguments: a second URL, or a -d file that cannot be read,
// is a usage error found before any call to Cognito. So are flags after
// the URL, as curl takes them, which the flag package leaves as
// arguments: the error says to move them, quoting none (a -H value may
// be a credential).
func TestRequestArguments(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	api := newAPI(t, srv)
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	s.run("request", api+"/a", api+"/b").want(t, exitUsage, "want exactly one URL, got 2")
	// A lone "-" is an argument, not a flag (the flag package's rule):
	// nothing to move before the URL.
	s.run("request", api+"/a", "-").want(t, exitUsage, "want exactly one URL, got 2")
	r := s.run("request", api+"/a", "-X", "POST", "-H", "X-Api-Key: k3y-s3cret")
	r.want(t, exitUsage, "cognito-srp request: flags must come before the URL: request [flags] URL (got 5 arguments)")
	if strings.Contains(r.stderr, "s3cret") {
		t.Errorf("the error quotes an argument: %q", r.stderr)
	}
	s.run("request", "-d", "@"+filepath.Join(t.TempDir(), "missing"), api+"/a").want(t, exitUsage, "-d: ")
	if n := srv.Calls(""); n != 0 {
		t.Errorf("%d Cognito calls", n)
	}
}

// TestRequestAuthHeader: the token goes in the -auth-header header, with
// "Bearer " only in Authorization, however its name is spelled; a status
// of 400, the least of the errors, exits 3.
func TestRequestAuthHeader(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/bad" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "authorization=%.7s x-token=%.3s", r.Header.Get("Authorization"), r.Header.Get("X-Token"))
	}))
	defer api.Close()
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	for header, want := range map[string]string{
		"authorization": "authorization=Bearer  x-token=",
		"X-Token":       "authorization= x-token=eyJ",
	} {
		r := s.run("request", "-auth-header", header, api.URL+"/x")
		r.want(t, exitOK)
		if r.stdout != want {
			t.Errorf("-auth-header %s: %q, want %q", header, r.stdout, want)
		}
	}
	s.run("request", api.URL+"/bad").want(t, exitHTTPStatus, "400 Bad Request")
	// The flag's help says so: it said only "header that carries the
	// token", so a user could not tell whether a prefix goes with it, nor
	// that the bare token cannot go in Authorization.
	if r := s.run("request", "-help"); !strings.Contains(r.stderr, `"Bearer " only in Authorization`) {
		t.Errorf("request -help does not say when the token has a prefix: %q", r.stderr)
	}
}

// emulateSandbox starts "cognito-srp emulate" with args and the user alice,
// and returns a sandbox pointed at it with her password, and a function
// that stops it and returns its request log.
func emulateSandbox(t *testing.T, args ...string) (s *sandbox, stop func() string) {
	t.Helper()
	users := filepath.Join(t.TempDir(), "users.json")
	os.WriteFile(users, []byte(`[{"username": "alice", "password": "pw-alice-123"}]`), 0o600)
	_, cmd, stdout, stderr := startEmulate(t, append([]string{"-users", users}, args...)...)
	s = newSandbox(t)
	readBanner(bufio.NewScanner(stdout), s)
	if s.env["COGNITO_ENDPOINT"] == "" {
		t.Fatalf("emulate %q printed no export line: %q", args, stderr.String())
	}
	s.env["COGNITO_USERNAME"], s.env["COGNITO_PASSWORD"] = "alice", "pw-alice-123"
	return s, func() string {
		interrupt(cmd, os.Interrupt)
		cmd.Wait()
		return stderr.String()
	}
}

// readBanner reads emulate's banner from sc up to its first export line,
// whose variables it sets in s's environment, and returns the lines read.
func readBanner(sc *bufio.Scanner, s *sandbox) []string {
	var banner []string
	for sc.Scan() {
		banner = append(banner, sc.Text())
		if rest, ok := strings.CutPrefix(sc.Text(), "export "); ok {
			for _, kv := range strings.Fields(rest) {
				k, v, _ := strings.Cut(kv, "=")
				s.env[k] = v
			}
			break
		}
	}
	return banner
}

// TestEmulateFlags: each of emulate's pool settings reaches the emulator.
func TestEmulateFlags(t *testing.T) {
	t.Parallel()
	// -token-ttl sets both tokens' lifetimes, -aws-issuer their issuer,
	// -device-tracking gives the login a device, and
	// -prevent-user-existence-errors answers an unknown user like a wrong
	// password; -quiet logs nothing.
	s, stop := emulateSandbox(t, "-token-ttl", "10m", "-aws-issuer", "-device-tracking", "-prevent-user-existence-errors", "-quiet")
	r := s.run("token", "-json")
	r.want(t, exitOK)
	var tok map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &tok); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"expires_at", "id_token_expires_at"} {
		exp, err := time.Parse(time.RFC3339, tok[k])
		if left := time.Until(exp); err != nil || left < 9*time.Minute || left > 11*time.Minute {
			t.Errorf("-token-ttl 10m: %s %q", k, tok[k])
		}
	}
	s.stdin = tok["access_token"]
	r = s.run("claims")
	if !strings.Contains(r.stdout, `"iss": "https://cognito-idp.`) || !strings.Contains(r.stdout, `"device_key"`) {
		t.Errorf("-aws-issuer -device-tracking: access token claims %s", r.stdout)
	}
	s.env["COGNITO_USERNAME"] = "nobody"
	s.run("token", "-no-cache").want(t, exitError, "wrong username or password")
	if log := stop(); log != "" {
		t.Errorf("-quiet: emulate logged %q", log)
	}

	// Each renewal below comes when the 2 s token is half through its life.
	renew := func(s *sandbox) result {
		s.run("token").want(t, exitOK)
		delete(s.env, "COGNITO_PASSWORD")
		time.Sleep(1100 * time.Millisecond)
		return s.run("token")
	}
	// -refresh-ttl: the refresh token is dead by the renewal.
	s, stop = emulateSandbox(t, "-token-ttl", "2s", "-refresh-ttl", "1s")
	renew(s).want(t, exitError, "no usable cached tokens")
	stop()
	// -rotation: the renewal rotates the refresh token.
	s, stop = emulateSandbox(t, "-token-ttl", "2s", "-rotation")
	renew(s).want(t, exitOK)
	if log := stop(); !strings.Contains(log, "GetTokensFromRefreshToken 200") {
		t.Errorf("-rotation: emulate's log %q", log)
	}
	// -user-password-auth keeps REFRESH_TOKEN_AUTH among the flows.
	s, stop = emulateSandbox(t, "-token-ttl", "2s", "-user-password-auth")
	renew(s).want(t, exitOK)
	if log := stop(); strings.Count(log, "InitiateAuth 200") != 2 {
		t.Errorf("-user-password-auth: emulate's log %q", log)
	}
}

// TestEmulateDeviceOptIn: -device-opt-in makes a pool that remembers a
// device only when the user opts in, with device tracking on: a login
// that remembers devices confirms the device Cognito issues and then opts
// in with UpdateDeviceStatus, which -device-tracking alone does not need.
func TestEmulateDeviceOptIn(t *testing.T) {
	t.Parallel()
	for _, v := range []struct {
		flag   string
		update bool
	}{{"-device-opt-in", true}, {"-device-tracking", false}} {
		s, stop := emulateSandbox(t, v.flag)
		sess, err := cognitosrp.NewSession(cognitosrp.Config{
			UserPoolID: s.env["COGNITO_USER_POOL_ID"], ClientID: s.env["COGNITO_CLIENT_ID"], Endpoint: s.env["COGNITO_ENDPOINT"],
			Devices: cognitosrp.RememberDevices(nil, ""),
		}, "alice")
		if err != nil {
			t.Fatal(err)
		}
		err = sess.Authenticate(t.Context(), "pw-alice-123")
		sess.Close()
		log := stop()
		if err != nil {
			t.Fatalf("%s: login: %v", v.flag, err)
		}
		if !strings.Contains(log, "ConfirmDevice 200") || strings.Contains(log, "UpdateDeviceStatus 200") != v.update {
			t.Errorf("%s: emulate's log %q, want ConfirmDevice and UpdateDeviceStatus %v", v.flag, log, v.update)
		}
	}
}

// TestRequestClosesRefusedResponse: the API's 401 response is closed before
// the request goes again, which ends its connection, rather than left open
// with its body unread until the command ends.
func TestRequestClosesRefusedResponse(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	var mu sync.Mutex
	closed := map[string]chan struct{}{} // by the client's address
	first := ""
	api := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		refused := first
		if refused == "" {
			first = r.RemoteAddr
		}
		mu.Unlock()
		if refused == "" {
			http.Error(w, strings.Repeat("token refused\n", 1000), http.StatusUnauthorized)
			return
		}
		mu.Lock()
		c := closed[refused]
		mu.Unlock()
		select {
		case <-c:
			io.WriteString(w, "ok")
		case <-time.After(3 * time.Second):
			http.Error(w, "the 401 response's connection is still open", http.StatusConflict)
		}
	}))
	api.Config.ConnState = func(c net.Conn, st http.ConnState) {
		mu.Lock()
		defer mu.Unlock()
		switch addr := c.RemoteAddr().String(); st {
		case http.StateNew:
			closed[addr] = make(chan struct{})
		case http.StateClosed:
			close(closed[addr])
		}
	}
	api.Start()
	defer api.Close()
	r := s.run("request", api.URL+"/x")
	r.want(t, exitOK, "200 OK")
	if r.stdout != "ok" {
		t.Errorf("stdout = %q", r.stdout)
	}
}

// TestEmulateBadSettings: a pool setting the emulator refuses, a -users
// file that cannot be read and a user it cannot add are usage errors,
// found before the port is taken (99999 is no port: a run that got past
// them would be refused there, by -addr, and its message, otherwise).
func TestEmulateBadSettings(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	s.run("emulate", "-addr", "127.0.0.1:99999", "-pool-id", "nounderscore").want(t, exitUsage, "not of the form region_name")
	s.run("emulate", "-addr", "127.0.0.1:99999", "-token-ttl", "-1s").want(t, exitUsage, "-token-ttl and -refresh-ttl must be positive")
	s.run("emulate", "-addr", "127.0.0.1:99999", "-users", filepath.Join(t.TempDir(), "missing.json")).want(t, exitUsage, "-users: ")
	users := filepath.Join(t.TempDir(), "users.json")
	os.WriteFile(users, []byte(`[{"username": "alice", "password": "pw-alice-123"}, {"username": "bob"}]`), 0o600)
	s.run("emulate", "-addr", "127.0.0.1:99999", "-users", users).want(t, exitUsage, "user 1: ", "Password is required")
}

// TestRequestUsesIDTokenCachedSince401: with -type id, cached tokens are
// new when their id token is not the one the API refused, whatever their
// access token: the retry sends the cached id token without a renewal.
func TestRequestUsesIDTokenCachedSince401(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	r := s.run("token", "-type", "id")
	r.want(t, exitOK)
	delete(s.env, "COGNITO_PASSWORD")
	refused := strings.TrimSpace(r.stdout)
	cache := cognitosrp.NewFileStore(s.cacheFile(t))
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if token != refused {
			if _, err := srv.VerifyIDToken(token); err != nil {
				http.Error(w, err.Error(), http.StatusUnauthorized)
				return
			}
			io.WriteString(w, "ok")
			return
		}
		// Another id token reaches the cache meanwhile.
		tok, err := cache.Load(r.Context())
		if err == nil {
			var res *cognitosrp.AuthenticationResult
			if res, err = srv.IssueTokens("alice"); err == nil {
				tok.IDToken = res.IdToken
				err = cache.Save(r.Context(), tok)
			}
		}
		if err != nil {
			t.Error(err)
		}
		http.Error(w, "token refused", http.StatusUnauthorized)
	}))
	defer api.Close()
	before := srv.Calls("")
	s.run("request", "-type", "id", api.URL+"/x").want(t, exitOK, "200 OK")
	if n := srv.Calls("") - before; n != 0 {
		t.Errorf("%d Cognito calls; want none: the cache held a new id token", n)
	}
}

// TestRequestBodyReadError: standard input that fails while request reads
// the body from it (-d @-) ends the command with that error, before any
// call to Cognito, rather than sending the request without its body.
func TestRequestBodyReadError(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	api := newAPI(t, srv)
	vars := map[string]string{
		"COGNITO_USER_POOL_ID": srv.PoolID(), "COGNITO_CLIENT_ID": srv.ClientID(),
		"COGNITO_ENDPOINT": srv.Endpoint(), "COGNITO_USERNAME": "alice", "COGNITO_PASSWORD": "pw-alice-123",
	}
	var stdout, stderr bytes.Buffer
	e := &env{stdin: iotest.ErrReader(errors.New("input/output error")), stdout: &stdout, stderr: &stderr,
		getenv: func(k string) string { return vars[k] }}
	code := run(context.Background(), e, []string{"request", "-no-cache", "-d", "@-", api + "/x"})
	if code != exitError || !strings.Contains(stderr.String(), "reading the body from standard input: input/output error") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
	if n := srv.Calls(""); n != 0 {
		t.Errorf("%d Cognito calls", n)
	}
}

// TestRandomText: the client secret emulate -with-secret prints and the
// demo's password and secret are random, not a fixed text.
func TestRandomText(t *testing.T) {
	t.Parallel()
	a, b := randomText(32), randomText(32)
	if len(a) != 43 || a == b {
		t.Errorf("randomText(32) = %q, then %q", a, b)
	}
}

// TestRequestRedirectDropsHeaders: a redirect to another origin, and any
// hop after it, gets neither the token nor the -H headers but those that
// describe the content (Accept, Content-Type…), as the package doc says;
// a hop within the origin gets them all. net/http kept off only
// Authorization, and an API key given with -H went to whatever host the
// API redirected to.
func TestRequestRedirectDropsHeaders(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	var mu sync.Mutex
	var seen []string
	record := func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, fmt.Sprintf("%s key=%q auth=%t accept=%q type=%q", r.URL.Path, r.Header.Get("X-Api-Key"), r.Header.Get("Authorization") != "", r.Header.Get("Accept"), r.Header.Get("Content-Type")))
		mu.Unlock()
	}
	var origin string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		record(w, r)
		http.Redirect(w, r, origin+"/back", http.StatusTemporaryRedirect) // into the origin again
	}))
	defer other.Close()
	// localhost and 127.0.0.1: one machine, two origins.
	otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		record(w, r)
		switch r.URL.Path {
		case "/a":
			http.Redirect(w, r, "/same", http.StatusTemporaryRedirect)
		case "/same":
			http.Redirect(w, r, otherURL+"/away", http.StatusTemporaryRedirect)
		}
	}))
	defer api.Close()
	origin = api.URL
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	s.run("request", "-H", "X-Api-Key: k3y", "-H", "Accept: text/plain", "-H", "Content-Type: text/x-a", "-d", "b", api.URL+"/a").want(t, exitOK)
	want := []string{
		`/a key="k3y" auth=true accept="text/plain" type="text/x-a"`,
		`/same key="k3y" auth=true accept="text/plain" type="text/x-a"`,
		`/away key="" auth=false accept="text/plain" type="text/x-a"`,
		`/back key="" auth=false accept="text/plain" type="text/x-a"`,
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(seen, want) {
		t.Errorf("the hops got\n%s\nwant\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
}
