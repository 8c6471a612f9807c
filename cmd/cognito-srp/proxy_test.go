// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// connectProxy is an HTTPS proxy: it tunnels every CONNECT to target,
// whatever host the client asked for, and records the hosts asked for.
type connectProxy struct {
	target string
	mu     sync.Mutex
	hosts  []string
}

func (p *connectProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodConnect {
		http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
		return
	}
	p.mu.Lock()
	p.hosts = append(p.hosts, r.Host)
	p.mu.Unlock()
	upstream, err := net.Dial("tcp", p.target)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.WriteHeader(http.StatusOK)
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		upstream.Close()
		return
	}
	go func() {
		io.Copy(upstream, brw) // what the client sent after the CONNECT
		upstream.(*net.TCPConn).CloseWrite()
	}()
	io.Copy(conn, upstream)
	conn.Close()
	upstream.Close()
}

func (p *connectProxy) asked() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.hosts...)
}

// TestBehindProxyWithOwnCA: the command reaches Cognito and the API
// through the proxy HTTPS_PROXY names, and trusts the CA that
// SSL_CERT_FILE names (a corporate proxy's that re-signs every site, say),
// as its doc says: it uses Go's defaults, net/http's ProxyFromEnvironment
// and crypto/x509's system roots. The emulator and the API sit behind TLS
// with httptest's certificate, for example.com, which no system trusts;
// the proxy is the only way to reach them under that name. (Go never
// proxies a loopback address, so the test needs names.)
func TestBehindProxyWithOwnCA(t *testing.T) {
	t.Parallel()
	switch runtime.GOOS {
	case "darwin", "ios", "windows":
		t.Skip("the platform's verifier ignores SSL_CERT_FILE")
	}
	srv := newEmulator(t, cognitotest.Config{})
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/api" {
			io.WriteString(w, "hello "+r.Header.Get("Authorization")[:len("Bearer ")])
			return
		}
		srv.ServeHTTP(w, r)
	}))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake below
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	proxy := &connectProxy{target: tlsSrv.Listener.Addr().String()}
	ps := httptest.NewServer(proxy)
	defer ps.Close()

	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsSrv.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	s.env["COGNITO_ENDPOINT"] = "https://cognito.example.com/"
	s.env["HTTPS_PROXY"] = ps.URL
	s.env["SSL_CERT_FILE"] = ca
	s.env["SSL_CERT_DIR"] = t.TempDir() // and no others
	r := s.run("request", "https://api.example.com/api")
	r.want(t, exitOK, "200 OK")
	if r.stdout != "hello Bearer " {
		t.Errorf("stdout %q", r.stdout)
	}
	want := map[string]bool{"cognito.example.com:443": true, "api.example.com:443": true}
	for _, h := range proxy.asked() {
		if !want[h] {
			t.Errorf("CONNECT %s, want one of %v", h, want)
		}
		delete(want, h)
	}
	if len(want) != 0 {
		t.Errorf("no CONNECT for %v", want)
	}

	// Without the CA, the same run fails on the certificate, and says so.
	s.env["SSL_CERT_FILE"] = filepath.Join(t.TempDir(), "none.pem")
	s.run("token", "-no-cache").want(t, exitError, "network error", "certificate")
}

// TestExitStatusProxyRefuses: a proxy that refuses the tunnel to Cognito
// or the API because it wants credentials (407) or forbids the host (403)
// fails with 1, as no retry mends it (a retry loop would send the proxy
// the same wrong credentials, which may lock their account); one that
// cannot reach the host (502) or asks its clients to slow down (429)
// with 4. net/http's error holds only the proxy's reason phrase.
func TestExitStatusProxyRefuses(t *testing.T) {
	t.Parallel()
	srv, cached := signedIn(t, cognitotest.Config{})
	for _, c := range []struct {
		status, exit int
	}{
		{http.StatusProxyAuthRequired, exitError},
		{http.StatusForbidden, exitError},
		{http.StatusBadGateway, exitTryLater},
		{http.StatusTooManyRequests, exitTryLater},
	} {
		proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Proxy-Authenticate", `Basic realm="proxy"`)
			w.WriteHeader(c.status)
		}))
		defer proxy.Close()
		s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
		s.env["COGNITO_ENDPOINT"] = "https://cognito.example.com/"
		s.env["HTTPS_PROXY"] = proxy.URL
		s.run("token").want(t, c.exit, "proxy refused the tunnel: "+strconv.Itoa(c.status))
		cached.env["HTTPS_PROXY"] = proxy.URL
		cached.run("request", "https://api.example.com/").want(t, c.exit, "proxy refused the tunnel: "+strconv.Itoa(c.status))
	}
}

// TestRequestPlainHTTPWarning: request warns on standard error, and sends
// the request all the same, when the token goes over plain http to
// another machine (here through the proxy HTTP_PROXY names, which Go
// uses only for names that are not loopback); not to a loopback address,
// nor over https. It said nothing, and a token for
// http://api.example.com crossed the network in clear.
func TestRequestPlainHTTPWarning(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	api := newAPI(t, srv)
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	r := s.run("request", api+"/things")
	r.want(t, exitOK)
	if strings.Contains(r.stderr, "warning") {
		t.Errorf("loopback: stderr %q", r.stderr)
	}
	s.env["HTTP_PROXY"] = api // a forward proxy that answers itself
	r = s.run("request", "http://api.example.com:8080/things")
	r.want(t, exitOK, "cognito-srp request: warning: the token goes to api.example.com:8080 over plain http")
	if r.stdout != "GET /things user=alice x= body=" {
		t.Errorf("stdout = %q", r.stdout)
	}
	for host, want := range map[string]bool{"localhost": true, "LOCALHOST": true, "127.0.0.2": true, "::1": true, "::ffff:127.0.0.1": true,
		"api": false, "10.0.0.1": false, "localhost.example.com": false, "::": false} {
		if got := loopbackHost(host); got != want {
			t.Errorf("loopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}

// TestEndpointPlainHTTPWarning: token, request and sign-out warn on
// standard error, with request's own check, when the Cognito endpoint
// (-endpoint, COGNITO_ENDPOINT) is plain http to another machine (here
// through the proxy HTTP_PROXY names, the emulator answering itself), and
// go on; not for a loopback endpoint. It said nothing, and the tokens,
// the refresh token included, crossed the network in clear.
func TestEndpointPlainHTTPWarning(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	r := s.run("token")
	r.want(t, exitOK)
	if strings.Contains(r.stderr, "warning") {
		t.Errorf("loopback endpoint: stderr %q", r.stderr)
	}
	s.run("sign-out").want(t, exitOK)

	const warning = ": warning: the calls to Cognito, tokens included, go to cognito.example.com:9229 over plain http, readable on the way; use https\n"
	s.env["HTTP_PROXY"] = srv.Endpoint()
	s.env["COGNITO_ENDPOINT"] = "http://cognito.example.com:9229"
	if r := s.run("token"); r.code != exitOK || r.stderr != "cognito-srp token"+warning {
		t.Errorf("token: exit %d, stderr %q", r.code, r.stderr)
	}
	delete(s.env, "COGNITO_ENDPOINT")
	api := newAPI(t, srv)
	r = s.run("request", "-endpoint", "http://cognito.example.com:9229/", api+"/things")
	r.want(t, exitOK, "cognito-srp request"+warning)
	if strings.Count(r.stderr, "warning") != 1 {
		t.Errorf("request: stderr %q", r.stderr)
	}
	s.run("sign-out", "-endpoint", "http://cognito.example.com:9229").want(t, exitOK, "cognito-srp sign-out"+warning)
	if n := srv.Calls("RevokeToken"); n != 2 {
		t.Errorf("%d RevokeToken calls, want 2", n)
	}
}
