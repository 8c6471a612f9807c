// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// closedPort returns an http URL on 127.0.0.1 where nothing listens: port
// 1 (tcpmux), which no machine the tests run on serves, as TestRequest
// assumes too. A port freed by a listener of the test's own is no such
// place: any process's listener may take it before the command dials it
// (a test package's server under go test ./...), and the command then got
// that server's answer.
func closedPort(t *testing.T) string {
	t.Helper()
	return "http://127.0.0.1:1"
}

// TestExitStatusTryLater: token and request exit with 4 on a failure that
// running them again later may not meet (the network, the end of
// -timeout, Cognito throttling or failing), so that a script's retry loop
// retries on 4 alone; a wrong password, an unknown user and missing
// tokens keep 1, as retrying a wrong password in a loop would get the
// user locked out.
func TestExitStatusTryLater(t *testing.T) {
	t.Parallel()
	srv, cached := signedIn(t, cognitotest.Config{})
	stop := make(chan struct{})
	stalled := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	}))
	defer stalled.Close()
	defer close(stop)

	// The network: nothing listens at Cognito's endpoint or the API's.
	down := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	down.env["COGNITO_ENDPOINT"] = closedPort(t)
	down.run("token").want(t, exitTryLater, "network error")
	cached.run("request", closedPort(t)+"/x").want(t, exitTryLater, "network error")

	// -timeout: Cognito, then the API, do not answer in time.
	srv.SetActionLatency("InitiateAuth", 5*time.Second)
	newSandbox(t).forServer(srv, "alice", "pw-alice-123").run("token", "-timeout", "300ms").want(t, exitTryLater, "timed out waiting for Cognito")
	srv.SetActionLatency("InitiateAuth", -1)
	cached.run("request", "-timeout", "300ms", stalled.URL+"/x").want(t, exitTryLater, "timed out waiting for 127.0.0.1")

	// Cognito throttles or fails, past the library's retries (4 attempts),
	// or at once: it does not retry LimitExceededException.
	for _, c := range []struct {
		fault cognitotest.Fault
		calls int
	}{{cognitotest.FaultTooManyRequests, 4}, {"LimitExceededException", 1}, {cognitotest.FaultInternalError, 4}} {
		srv.FailNext(c.calls, c.fault, "InitiateAuth")
		newSandbox(t).forServer(srv, "alice", "pw-alice-123").run("token").want(t, exitTryLater, "try again later", string(c.fault))
	}
	newSandbox(t).forServer(srv, "alice", "pw-alice-123").run("token").want(t, exitOK) // no fault left over

	// What trying again does not mend keeps 1.
	newSandbox(t).forServer(srv, "alice", "not-the-password").run("token").want(t, exitError, "wrong username or password")
	newSandbox(t).forServer(srv, "nobody", "pw-alice-123").run("token").want(t, exitError, "no such user")
	newSandbox(t).forServer(srv, "alice", "").run("token").want(t, exitError, "no usable cached tokens")
	// emulate's own failure to listen is no failure to reach a server.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	// In the system's words ("address already in use" on Unix), which are
	// not Windows's: those of the errno under this listen's error.
	_, inUse := net.Listen("tcp", l.Addr().String())
	if inUse == nil {
		t.Fatal("a second listener on the same address")
	}
	for errors.Unwrap(inUse) != nil {
		inUse = errors.Unwrap(inUse)
	}
	newSandbox(t).run("emulate", "-addr", l.Addr().String()).want(t, exitError, inUse.Error())
}

// TestTryLater: the errors that a retry may mend, and those it cannot,
// that the runs of TestExitStatusTryLater do not reach.
func TestTryLater(t *testing.T) {
	t.Parallel()
	netErr := func(err error) error {
		return &url.Error{Op: "Post", URL: "https://cognito-idp.us-east-1.amazonaws.com/", Err: err}
	}
	api := func(typ string, status int) error {
		return fmt.Errorf("cognitosrp: login: %w", &cognitosrp.APIError{Action: "InitiateAuth", Type: typ, StatusCode: status})
	}
	for _, c := range []struct {
		err  error
		want bool
	}{
		{netErr(&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}), true},
		{netErr(&net.DNSError{Err: "i/o timeout", Name: "cognito-idp.us-east-1.amazonaws.com", IsTimeout: true}), true},
		{netErr(&net.DNSError{Err: "server misbehaving", Name: "cognito-idp.us-east-1.amazonaws.com", IsTemporary: true}), true},
		{context.DeadlineExceeded, true},
		{&apiTimeout{host: "api.example.com"}, true},
		{api("TooManyRequestsException", 400), true},
		{api("LimitExceededException", 400), true},
		{api("InternalErrorException", 500), true},
		{api("", 502), true}, // a proxy's Bad Gateway
		{api("", 429), true},

		{netErr(&net.DNSError{Err: "no such host", Name: "cognito-idp.us-esat-1.amazonaws.com", IsNotFound: true}), false},
		{netErr(x509.UnknownAuthorityError{}), false},
		{netErr(x509.HostnameError{Certificate: &x509.Certificate{}, Host: "x"}), false},
		{api("NotAuthorizedException", 400), false},
		{api("UserNotFoundException", 400), false},
		{api("ResourceNotFoundException", 400), false},
		{api("InvalidParameterException", 400), false},
		{&cognitosrp.LoginRequiredError{Err: api("NotAuthorizedException", 400)}, false},
		{cognitosrp.ErrLoginRequired, false},
		{context.Canceled, false},
		{&fs.PathError{Op: "open", Path: "/x", Err: fs.ErrPermission}, false},
		{errors.New("the token expired while the request followed redirects"), false},
	} {
		if got := tryLater(c.err); got != c.want {
			t.Errorf("tryLater(%v) = %v, want %v", c.err, got, c.want)
		}
	}
	if got := describe(api("LimitExceededException", 400)); !strings.HasPrefix(got, "Cognito is throttling or failing; try again later") {
		t.Errorf("describe(LimitExceededException) = %q", got)
	}
}

// cutShort returns the address of a server that answers every request
// with a body that is cut short: it promises 100 bytes, sends head and
// closes the connection.
func cutShort(t *testing.T, head string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if _, err := http.ReadRequest(bufio.NewReader(c)); err == nil {
					fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n%s", head)
				}
			}()
		}
	}()
	return "http://" + l.Addr().String()
}

// TestExitStatusCutShort: a response whose connection ends before its
// body does (an HTTP/1.1 connection closed early, an HTTP/2 stream reset
// by a proxy or a load balancer) is the network's failure, which may
// pass: 4, as a connection refused or reset is, and the library retries
// Cognito's. net/http reports it with no net.Error (io.ErrUnexpectedEOF,
// an unexported stream error). A body that does not decode keeps 1.
func TestExitStatusCutShort(t *testing.T) {
	t.Parallel()
	srv, cached := signedIn(t, cognitotest.Config{})

	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	s.env["COGNITO_ENDPOINT"] = cutShort(t, `{"ChallengeName":`)
	s.run("token").want(t, exitTryLater, "network error", "unexpected EOF")
	// request prints the status line before the body: wantAfterStatus.
	cached.run("request", cutShort(t, "abc")+"/x").wantAfterStatus(t, exitTryLater, "network error", "unexpected EOF")

	h2 := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		io.WriteString(w, "abc")
		http.NewResponseController(w).Flush()
		panic(http.ErrAbortHandler) // RST_STREAM
	}))
	h2.EnableHTTP2 = true
	h2.StartTLS()
	defer h2.Close()
	if runtime.GOOS != "darwin" && runtime.GOOS != "ios" && runtime.GOOS != "windows" { // SSL_CERT_FILE, as in TestBehindProxyWithOwnCA
		ca := filepath.Join(t.TempDir(), "ca.pem")
		if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: h2.Certificate().Raw}), 0o644); err != nil {
			t.Fatal(err)
		}
		cached.env["SSL_CERT_FILE"] = ca
		cached.run("request", h2.URL+"/x").wantAfterStatus(t, exitTryLater, "HTTP/2.0 200", "network error", "stream error")
		delete(cached.env, "SSL_CERT_FILE")
	}

	// A gzip body that is no gzip stays as it is: 1. So does one whose
	// header is right but whose checksum or compressed data is not: the
	// server sends it so every time.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	io.WriteString(zw, "hello, gzip")
	zw.Close()
	badSum := bytes.Clone(gz.Bytes())
	badSum[len(badSum)-8] ^= 0xff // in the trailer's CRC-32
	// After the 10-byte header, a final block of the reserved type 3.
	badData := append(bytes.Clone(gz.Bytes()[:10]), 0xff, 0xff, 0xff, 0xff)
	for _, c := range []struct {
		body []byte
		want string
	}{
		{[]byte("not gzip at all"), "gzip: invalid header"},
		{badSum, "gzip: invalid checksum"},
		{badData, "flate: corrupt input"},
	} {
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(c.body)
		}))
		r := cached.run("request", api.URL+"/x")
		api.Close()
		r.wantAfterStatus(t, exitError, c.want)
		if strings.Contains(r.stderr, "network error") {
			t.Errorf("a body that does not decode (%s) is called a network error: %q", c.want, r.stderr)
		}
	}
}

// wantAfterStatus is want for a run of request that failed after the
// status line: the error is the one line that follows it.
func (r result) wantAfterStatus(t *testing.T, code int, msgs ...string) {
	t.Helper()
	status, rest, _ := strings.Cut(r.stderr, "\n")
	if !strings.HasPrefix(status, "HTTP/") {
		t.Errorf("stderr does not start with a status line: %q", r.stderr)
	}
	r.stderr = status + " " + rest
	r.want(t, code, msgs...)
}

// TestExitStatusNotTLS: an https URL whose server speaks plain HTTP (the
// emulator's port, or the API's, named with https) fails with 1: no retry
// mends it. net/http reports it in a url.Error, which networkError takes.
func TestExitStatusNotTLS(t *testing.T) {
	t.Parallel()
	srv, cached := signedIn(t, cognitotest.Config{})
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	s.env["COGNITO_ENDPOINT"] = strings.Replace(srv.Endpoint(), "http://", "https://", 1)
	s.run("token").want(t, exitError, "server gave HTTP response to HTTPS client")
	api := httptest.NewServer(http.NotFoundHandler())
	defer api.Close()
	cached.run("request", strings.Replace(api.URL, "http://", "https://", 1)+"/x").want(t, exitError, "server gave HTTP response to HTTPS client")
	// Nor does a server of another protocol: tls.RecordHeaderError.
	if tryLater(&url.Error{Op: "Get", URL: "https://x/", Err: tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}}) {
		t.Error("tryLater accepts a tls.RecordHeaderError")
	}
}

// TestExitStatusRedirectRefused: a redirect loop, or a redirect to a URL
// that is not http or https, fails with 1 and is not called a network
// error: running the command again meets it again, and a script that
// retries on 4 would send the request (a POST, redirected with 307, is
// sent again at each hop) over and over. Nine redirects are still
// followed, and a tenth is refused, as net/http's default policy does.
func TestExitStatusRedirectRefused(t *testing.T) {
	t.Parallel()
	_, cached := signedIn(t, cognitotest.Config{})
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case p == "/ftp":
			http.Redirect(w, r, "ftp://127.0.0.1/x", http.StatusFound)
		case p == "/loop":
			http.Redirect(w, r, p, http.StatusTemporaryRedirect)
		case strings.HasPrefix(p, "/ten") && len(p) < len("/ten")+10:
			http.Redirect(w, r, p+"n", http.StatusTemporaryRedirect)
		case strings.HasPrefix(p, "/hop") && len(p) < len("/hop")+9:
			http.Redirect(w, r, p+"p", http.StatusTemporaryRedirect)
		default:
			io.WriteString(w, "arrived")
		}
	}))
	defer api.Close()
	for _, c := range []struct{ path, want string }{{"/loop", "stopped after 10 redirects"}, {"/ten", "stopped after 10 redirects"}, {"/ftp", "not http:// or https://"}} {
		r := cached.run("request", api.URL+c.path)
		r.want(t, exitError, c.want)
		if strings.Contains(r.stderr, "network error") {
			t.Errorf("%s: stderr %q calls it a network error", c.path, r.stderr)
		}
	}
	if r := cached.run("request", api.URL+"/hop"); r.code != exitOK || r.stdout != "arrived" {
		t.Errorf("nine redirects: exit %d, stdout %q, stderr %q; want 0 and the body", r.code, r.stdout, r.stderr)
	}
}

// TestExitStatusHTTPClass: request tells the API's refusal of the request
// (a 4xx: 3) from its failure (a 5xx: 5), with the body printed on both,
// so that a script branches on the status alone: all of them exited with
// 3, and a 401 (fix the token's type, the pool) read as a 503 (try again).
func TestExitStatusHTTPClass(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var code int
		fmt.Sscan(strings.TrimPrefix(r.URL.Path, "/"), &code)
		w.WriteHeader(code)
		fmt.Fprintf(w, "body of %d", code)
	}))
	defer api.Close()
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	for _, c := range []struct{ status, code int }{
		{200, exitOK}, {302, exitOK}, // no Location: nothing to follow
		{400, exitHTTPStatus}, {401, exitHTTPStatus}, {403, exitHTTPStatus}, {404, exitHTTPStatus}, {499, exitHTTPStatus},
		{500, exitHTTPServer}, {502, exitHTTPServer}, {503, exitHTTPServer}, {504, exitHTTPServer},
		// No HTTP status, but net/http takes them: RFC 9110 §15 has a
		// client take them "as if it had a 5xx".
		{600, exitHTTPServer}, {999, exitHTTPServer},
	} {
		r := s.run("request", fmt.Sprintf("%s/%d", api.URL, c.status))
		r.want(t, c.code, fmt.Sprintf("HTTP/1.1 %d ", c.status))
		if want := fmt.Sprintf("body of %d", c.status); r.stdout != want {
			t.Errorf("status %d: stdout %q, want %q", c.status, r.stdout, want)
		}
	}
}

// TestExitStatusNumbers: the exit statuses are the numbers the help and
// the package doc give, which scripts branch on. The other tests compare
// with the constants, so that a constant changed (exitHTTPServer = 6)
// went unseen while the help still said 5.
func TestExitStatusNumbers(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want int
	}{
		{"exitOK", exitOK, 0},
		{"exitError", exitError, 1},
		{"exitUsage", exitUsage, 2},
		{"exitHTTPStatus", exitHTTPStatus, 3},
		{"exitTryLater", exitTryLater, 4},
		{"exitHTTPServer", exitHTTPServer, 5},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d; the help and the package doc say %d", c.name, c.got, c.want)
		}
	}
}
