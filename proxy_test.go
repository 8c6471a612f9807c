// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httptrace"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// gateway is a reverse proxy that adds alice's token to what it forwards
// to api, an API behind the emulator's RequireAccessToken.
type gateway struct {
	emu  *cognitotest.Server
	auth *cognitosrp.Auth
	api  *httptest.Server
	gw   *httptest.Server
	errs chan error // what the proxy's ErrorHandler got
	left chan error // with each, its request's context's Err: nil while the client is there
}

// startGateway starts the emulator, api (serving h behind
// RequireAccessToken) and a ReverseProxy with Transport: auth in front.
func startGateway(t *testing.T, h http.Handler, edit ...func(*cognitosrp.Options)) *gateway {
	t.Helper()
	g := &gateway{errs: make(chan error, 10), left: make(chan error, 10)}
	g.emu, g.auth = emulatorAuth(t, nil, edit...)
	g.api = httptest.NewServer(g.emu.RequireAccessToken(h))
	t.Cleanup(g.api.Close)
	target, _ := url.Parse(g.api.URL)
	proxy := &httputil.ReverseProxy{
		Rewrite:   func(pr *httputil.ProxyRequest) { pr.SetURL(target) },
		Transport: g.auth,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			g.errs <- err
			g.left <- r.Context().Err()
			w.WriteHeader(http.StatusBadGateway)
		},
	}
	g.gw = httptest.NewServer(proxy)
	t.Cleanup(g.gw.Close)
	return g
}

// TestReverseProxyStreamsRequestBody: a gateway forwards a chunked
// request body it cannot rewind. The API gets it whole, with the token;
// once the API refuses that token the gateway answers 401 (the body is
// gone: no retry) but the token is renewed, so the next call goes through.
func TestReverseProxyStreamsRequestBody(t *testing.T) {
	var refuse atomic.Bool
	g := startGateway(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%d %q %v", len(b), b[:min(len(b), 8)], err)
	}))
	post := func() (int, string) {
		t.Helper()
		pr, pw := io.Pipe()
		go func() {
			for i := range 3 {
				fmt.Fprintf(pw, "chunk%d;", i)
				time.Sleep(5 * time.Millisecond)
			}
			pw.Close()
		}()
		resp, err := http.Post(g.gw.URL+"/upload", "text/plain", pr)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := post(); code != 200 || body != `21 "chunk0;c" <nil>` {
		t.Fatalf("first post: %d %s", code, body)
	}
	refuse.Store(true)
	if err := g.emu.SignOut("alice"); err != nil { // the API now refuses the token
		t.Fatal(err)
	}
	logins := g.emu.Calls("InitiateAuth")
	if code, _ := post(); code != http.StatusUnauthorized {
		t.Errorf("post with a revoked token: %d, want the API's 401 (the body cannot be sent again)", code)
	}
	if n := g.emu.Calls("InitiateAuth") - logins; n == 0 {
		t.Errorf("the 401 renewed nothing")
	}
	if code, body := post(); code != 200 || body != `21 "chunk0;c" <nil>` {
		t.Errorf("post after the renewal: %d %s", code, body)
	}
	select {
	case err := <-g.errs:
		t.Errorf("proxy error: %v", err)
	default:
	}
}

// TestReverseProxyHeadersAndTrailers: the gateway's client cannot choose
// the credential (its own Authorization is replaced), hop-by-hop headers
// stay off the hop to the API, and the API's trailers come back.
func TestReverseProxyHeadersAndTrailers(t *testing.T) {
	g := startGateway(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Trailer", "X-Checksum")
		fmt.Fprintf(w, "auth=%d hop=%q keep=%q", len(r.Header["Authorization"]), r.Header.Get("X-Hop"), r.Header.Get("Keep-Alive"))
		w.(http.Flusher).Flush()
		w.Header().Set("X-Checksum", "abc")
	}))
	req, _ := http.NewRequest("GET", g.gw.URL+"/h", nil)
	req.Header.Set("Authorization", "Bearer forged")
	req.Header.Set("Connection", "X-Hop")
	req.Header.Set("X-Hop", "1")
	req.Header.Set("Keep-Alive", "timeout=5")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(b) != `auth=1 hop="" keep=""` {
		t.Errorf("%s: %s", resp.Status, b)
	}
	if got := resp.Trailer.Get("X-Checksum"); got != "abc" {
		t.Errorf("trailer X-Checksum = %q, want abc", got)
	}
}

// TestReverseProxyStreamsResponse: server-sent events reach the gateway's
// client one by one, as the API flushes them, not once the API is done.
func TestReverseProxyStreamsResponse(t *testing.T) {
	next := make(chan struct{})
	g := startGateway(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for i := range 3 {
			fmt.Fprintf(w, "data: %d\n\n", i)
			w.(http.Flusher).Flush()
			select {
			case <-next:
			case <-r.Context().Done():
				return
			}
		}
	}))
	resp, err := http.Get(g.gw.URL + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	for i := range 3 {
		done := make(chan string)
		go func() {
			line, _ := br.ReadString('\n')
			br.ReadString('\n')
			done <- line
		}()
		select {
		case line := <-done:
			if want := fmt.Sprintf("data: %d\n", i); line != want {
				t.Fatalf("event %d: %q, want %q", i, line, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("event %d not delivered before the API went on", i)
		}
		next <- struct{}{}
	}
}

// TestReverseProxyUpgrade: a 101 Switching Protocols answer reaches the
// proxy with a body it can write to, and the two ends talk through it.
func TestReverseProxyUpgrade(t *testing.T) {
	g := startGateway(t, http.HandlerFunc(serveEcho))
	upgradeToEcho(t, http.DefaultClient, g.gw.URL+"/ws")
}

// serveEcho answers an upgrade to the "echo" protocol with 101 Switching
// Protocols, then sends back the line it reads, after "echo ".
func serveEcho(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Upgrade") != "echo" {
		http.Error(w, "no upgrade", http.StatusBadRequest)
		return
	}
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
	brw.Flush()
	line, _ := brw.ReadString('\n')
	brw.WriteString("echo " + line)
	brw.Flush()
}

// upgradeToEcho upgrades a connection to url to the "echo" protocol with
// c, and checks that the 101's body can be written to and echoes a line.
func upgradeToEcho(t *testing.T, c *http.Client, url string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "echo")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusSwitchingProtocols {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s: %s", resp.Status, b)
	}
	rw, ok := resp.Body.(io.ReadWriter)
	if !ok {
		t.Fatalf("101 body %T is not writable", resp.Body)
	}
	io.WriteString(rw, "hello\n")
	if line, err := bufio.NewReader(rw).ReadString('\n'); line != "echo hello\n" {
		t.Errorf("got %q, %v", line, err)
	}
}

// heldLogin holds the logins (InitiateAuth) an Auth sends to Cognito
// until released: a test can then tell that something happened while a
// login was in progress without timing it against an injected latency,
// which a loaded machine can outlast.
type heldLogin struct {
	entered chan struct{} // receives when a login's call is held
	release func()
}

// holdLogins returns an Options edit that sends the Auth's Cognito calls
// through a heldLogin, released when the test ends at the latest.
func holdLogins(t *testing.T) (*heldLogin, func(*cognitosrp.Options)) {
	gate := make(chan struct{})
	var once sync.Once
	h := &heldLogin{entered: make(chan struct{}, 10), release: func() { once.Do(func() { close(gate) }) }}
	t.Cleanup(h.release)
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	hold := cognitosrp.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".InitiateAuth") {
			select {
			case h.entered <- struct{}{}:
			default: // nobody waits for this one
			}
			select {
			case <-gate:
			case <-r.Context().Done():
				return nil, r.Context().Err()
			}
		}
		return tr.RoundTrip(r)
	})
	return h, func(o *cognitosrp.Options) { o.HTTPClient = &http.Client{Transport: hold} }
}

// held waits until a login's call is held.
func (h *heldLogin) held(t *testing.T) {
	t.Helper()
	select {
	case <-h.entered:
	case <-time.After(10 * time.Second):
		t.Fatal("no login started")
	}
}

// TestReverseProxyClientLeavesDuringLogin: the gateway's client gives up
// while the first login is in progress. The proxied call ends at once with
// the context's error, not when Cognito answers, and the login goes on
// for the next request, which then does not log in again.
func TestReverseProxyClientLeavesDuringLogin(t *testing.T) {
	login, hold := holdLogins(t)
	g := startGateway(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}), hold)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// A GET: net/http's server notices a client leaving only once it has
	// read the request's body, which the gateway sends after the login.
	req, _ := http.NewRequestWithContext(ctx, "GET", g.gw.URL+"/x", nil)
	clientErr := make(chan error, 1)
	go func() {
		_, err := http.DefaultClient.Do(req)
		clientErr <- err
	}()
	// The client leaves once the gateway has its request and the login
	// is under way: leaving after a fixed time, it could leave before
	// the request reached the gateway on a loaded machine.
	login.held(t)
	cancel()
	if err := <-clientErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("client: %v", err)
	}
	select {
	case err := <-g.errs:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("proxy error %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		// Cognito's answer to the login is held until the proxied call
		// ends: it ends when its client leaves, or never. (Released
		// before the test's servers close, which wait for the call.)
		login.release()
		t.Fatal("proxied call did not end when its client left")
	}
	login.release()
	resp, err := http.Get(g.gw.URL + "/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || g.emu.Calls("InitiateAuth") != 1 {
		t.Errorf("%s after %d logins, want 200 after 1", resp.Status, g.emu.Calls("InitiateAuth"))
	}
}

type traceKey struct{}

// tracingTransport stands for an instrumentation wrapper (otelhttp's
// Transport, say): it reads the trace id from the request's context and
// wraps the response body to see it end.
type tracingTransport struct {
	base   http.RoundTripper
	ids    chan string // one per request
	closed atomic.Int32
}

func (tt *tracingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	id, _ := req.Context().Value(traceKey{}).(string)
	tt.ids <- id
	resp, err := tt.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &tracedBody{ReadCloser: resp.Body, closed: &tt.closed}
	return resp, nil
}

type tracedBody struct {
	io.ReadCloser
	closed *atomic.Int32
}

func (b *tracedBody) Close() error { b.closed.Add(1); return b.ReadCloser.Close() }

// TestContextValuesReachBaseAndCognito: a request's context values reach
// Base on each attempt, and the Cognito calls a request waits for (the
// first login, the renewal after a 401), so that a trace shows them.
func TestContextValuesReachBaseAndCognito(t *testing.T) {
	api := newHandlerServer(t, refuseCall(2, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	base := &tracingTransport{base: http.DefaultTransport, ids: make(chan string, 10)}
	cognito := &tracingTransport{base: http.DefaultTransport, ids: make(chan string, 10)}
	emu := cognitotest.NewServer(t, cognitotest.Config{})
	emu.AddUser(cognitotest.User{Username: "alice", Password: emuPassword})
	opts := emu.Options("alice", emuPassword)
	opts.Base, opts.HTTPClient = base, &http.Client{Transport: cognito}
	a, err := cognitosrp.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for i, want := range []struct{ base, cognito int }{{1, 2}, {2, 1}} {
		id := fmt.Sprint("trace-", i)
		req, _ := http.NewRequestWithContext(context.WithValue(context.Background(), traceKey{}, id), "GET", api.URL, nil)
		resp, err := a.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("request %d: %s", i, resp.Status)
		}
		for name, c := range map[string]struct {
			tt *tracingTransport
			n  int
		}{"Base": {base, want.base}, "Cognito": {cognito, want.cognito}} {
			for range c.n {
				if got := <-c.tt.ids; got != id {
					t.Errorf("request %d: %s saw trace %q, want %q", i, name, got, id)
				}
			}
			if len(c.tt.ids) != 0 {
				t.Errorf("request %d: more calls through %s than %d", i, name, c.n)
			}
		}
	}
	if n := base.closed.Load(); n != 3 {
		t.Errorf("%d of the 3 wrapped response bodies closed", n)
	}
}

// TestClientTraceStaysWithItsRequest: an httptrace.ClientTrace on a
// request to the API describes that request: the Cognito calls of the
// login it waits for go over other connections, to another host, and must
// not show in it (as GetConn, ConnectStart, GotFirstResponseByte, or a
// Got1xxResponse that a ReverseProxy forwards to its client).
func TestClientTraceStaysWithItsRequest(t *testing.T) {
	api := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	_, a := emulatorAuth(t, nil)
	var hosts, dials []string
	trace := &httptrace.ClientTrace{
		GetConn: func(hostPort string) { hosts = append(hosts, hostPort) },
		// The dialer's hook, which httptrace keeps apart.
		ConnectStart: func(_, addr string) { dials = append(dials, addr) },
	}
	ctx := httptrace.WithClientTrace(context.Background(), trace)
	req, _ := http.NewRequestWithContext(ctx, "GET", api.URL, nil)
	resp, err := a.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := strings.TrimPrefix(api.URL, "http://"); len(hosts) != 1 || hosts[0] != want {
		t.Errorf("the request's trace saw connections to %q, want only %q", hosts, want)
	}
	if want := strings.TrimPrefix(api.URL, "http://"); len(dials) != 1 || dials[0] != want {
		t.Errorf("the request's trace saw dials to %q, want only %q", dials, want)
	}
}

// headerKeeper keeps each request it sends, to look at its header after
// RoundTrip has returned, as a transport that logs or retries does.
type headerKeeper struct {
	base http.RoundTripper
	sent []*http.Request
	seen []string // the Authorization each had when it was sent
}

func (h *headerKeeper) RoundTrip(req *http.Request) (*http.Response, error) {
	h.sent = append(h.sent, req)
	h.seen = append(h.seen, req.Header.Get("Authorization"))
	return h.base.RoundTrip(req)
}

// TestRequestShapes: requests net/http allows in odd shapes go through
// Auth and its 401 retry as they would without it: http.NoBody, Close, a Host of its own, Expect:
// 100-continue answered 401 before the body was read, and user
// information in the URL (the token wins over the Basic credentials
// net/http's Client makes of it). The requests a Base was given keep the
// header they were sent with once RoundTrip has returned.
func TestRequestShapes(t *testing.T) {
	type seen struct {
		host, auth, body, conn string
		calls                  int
	}
	var calls atomic.Int32
	got := make(chan seen, 10)
	api := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) {
		n := int(calls.Add(1))
		if n == 1 { // each case's first attempt
			http.Error(w, "refused", http.StatusUnauthorized)
			return
		}
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.Host, r.Header.Get("Authorization"), string(b), r.Header.Get("Connection"), n}
	})
	tr := &http.Transport{ExpectContinueTimeout: 5 * time.Second}
	defer tr.CloseIdleConnections()
	u, _ := url.Parse(api.URL)
	newReq := func(method, body string) *http.Request {
		req, _ := http.NewRequest(method, api.URL+"/p", strings.NewReader(body))
		return req
	}
	cases := []struct {
		name string
		req  func() *http.Request
		want seen
	}{
		{"NoBody", func() *http.Request {
			r, _ := http.NewRequest("POST", api.URL, http.NoBody)
			return r
		}, seen{host: u.Host}},
		{"Close", func() *http.Request {
			r := newReq("PUT", "x")
			r.Close = true
			return r
		}, seen{host: u.Host, body: "x", conn: "close"}},
		{"Host", func() *http.Request {
			r := newReq("POST", "y")
			r.Host = "api.example"
			return r
		}, seen{host: "api.example", body: "y"}},
		{"Expect", func() *http.Request {
			r := newReq("POST", strings.Repeat("z", 10))
			r.Header.Set("Expect", "100-continue")
			return r
		}, seen{host: u.Host, body: strings.Repeat("z", 10)}},
		{"URL.User", func() *http.Request {
			r, _ := http.NewRequest("GET", "http://bob:secret@"+u.Host+"/", nil)
			return r
		}, seen{host: u.Host}},
	}
	for _, c := range cases {
		// An Auth each: it renews after a 401 once in 5 seconds.
		keeper := &headerKeeper{base: tr}
		_, a := emulatorAuth(t, keeper)
		calls.Store(0)
		resp, err := a.Client().Do(c.req())
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %s", c.name, resp.Status)
			continue
		}
		s := <-got
		c.want.calls, c.want.auth = s.calls, s.auth
		if s != c.want || !strings.HasPrefix(s.auth, "Bearer ") {
			t.Errorf("%s: the API saw %+v, want %+v", c.name, s, c.want)
		}
		if len(keeper.sent) != 2 {
			t.Errorf("%s: %d attempts, want 2", c.name, len(keeper.sent))
			continue
		}
		for i, r := range keeper.sent {
			if h := r.Header.Get("Authorization"); h != keeper.seen[i] {
				t.Errorf("%s: attempt %d sent with %q, holds %q after RoundTrip", c.name, i, describeCredential(keeper.seen[i]), describeCredential(h))
			}
		}
	}
}

// TestClientFeaturesAroundAuth: an http.Client with Transport: auth keeps
// its own features: Timeout ends a request waiting for a slow login (as
// a timeout, net.Error's Timeout true), the Jar stores and sends
// cookies, a CheckRedirect of its own decides, and a redirect to another
// host gets no token while one within the origin keeps it.
func TestClientFeaturesAroundAuth(t *testing.T) {
	other := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "other auth=%q", r.Header.Get("Authorization"))
	})
	api := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/set":
			http.SetCookie(w, &http.Cookie{Name: "sid", Value: "42"})
		case "/away":
			http.Redirect(w, r, other.URL+"/x", http.StatusFound)
			return
		case "/here":
			http.Redirect(w, r, "/get", http.StatusTemporaryRedirect)
			return
		}
		c, _ := r.Cookie("sid")
		fmt.Fprintf(w, "%s auth=%t cookie=%v", r.URL.Path, strings.HasPrefix(r.Header.Get("Authorization"), "Bearer "), c)
	})
	login, hold := holdLogins(t)
	_, a := emulatorAuth(t, nil, hold)
	get := func(c *http.Client, path string) (string, error) {
		t.Helper()
		resp, err := c.Get(api.URL + path)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.Status + " " + string(b), nil
	}

	// The login is held until the request has ended: it must end by
	// the Client's Timeout, not when Cognito answers.
	timedOut := make(chan error, 1)
	go func() {
		_, err := get(&http.Client{Transport: a, Timeout: 100 * time.Millisecond}, "/get")
		timedOut <- err
	}()
	select {
	case err := <-timedOut:
		var ne interface{ Timeout() bool }
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("Timeout during a slow login: %v, want a timeout", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Timeout during a slow login: the request did not end")
	}
	login.release()

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Transport: a, Jar: jar}
	for _, step := range [][2]string{
		{"/set", "200 OK /set auth=true cookie="},
		{"/get", "200 OK /get auth=true cookie=sid=42"},
		// Client's rule for Authorization and Auth's agree: off.
		{"/away", `200 OK other auth=""`},
		{"/here", "200 OK /get auth=true cookie=sid=42"},
	} {
		if got, err := get(c, step[0]); got != step[1] || err != nil {
			t.Errorf("GET %s: %q, %v; want %q", step[0], got, err, step[1])
		}
	}

	var via []string
	c.CheckRedirect = func(req *http.Request, prev []*http.Request) error {
		via = append(via, prev[len(prev)-1].URL.Path+" "+req.Header.Get("Authorization"))
		return http.ErrUseLastResponse
	}
	if got, err := get(c, "/away"); !strings.HasPrefix(got, "302 Found ") || err != nil {
		t.Errorf("with ErrUseLastResponse: %q, %v", got, err)
	}
	// What the Client hands CheckRedirect is its own request: Auth's
	// header is not on it.
	if len(via) != 1 || via[0] != "/away " {
		t.Errorf("CheckRedirect saw %q", via)
	}
}

// TestFullDuplexOverHTTP2: over HTTP/2 with TLS, a request whose body is
// still being written gets its response streamed back through Auth, as a
// bidirectional stream (gRPC's shape) needs: Auth neither reads the body
// nor holds the response back.
func TestFullDuplexOverHTTP2(t *testing.T) {
	if http2Off() {
		t.Skip("GODEBUG turns HTTP/2 off in clients")
	}
	api := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor != 2 || !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			http.Error(w, "no", http.StatusBadRequest)
			return
		}
		w.WriteHeader(200)
		w.(http.Flusher).Flush()
		sc := bufio.NewScanner(r.Body)
		for sc.Scan() {
			fmt.Fprintf(w, "echo %s\n", sc.Text())
			w.(http.Flusher).Flush()
		}
	}))
	api.EnableHTTP2 = true
	api.StartTLS()
	defer api.Close()
	tr := api.Client().Transport.(*http.Transport)
	_, a := emulatorAuth(t, tr)
	pr, pw := io.Pipe()
	defer pw.Close()
	req, _ := http.NewRequest("POST", api.URL, pr)
	resp, err := a.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.ProtoMajor != 2 {
		t.Fatalf("%s %s", resp.Proto, resp.Status)
	}
	br := bufio.NewReader(resp.Body)
	for i := range 3 {
		fmt.Fprintf(pw, "m%d\n", i)
		if line, err := br.ReadString('\n'); line != fmt.Sprintf("echo m%d\n", i) {
			t.Fatalf("message %d: %q, %v", i, line, err)
		}
	}
}

// TestUpgradeRetriedAfter401: an upgrade request (no body) refused with
// a 401 is sent again with the renewed token, and the 101 of the retry
// comes back with its writable body.
func TestUpgradeRetriedAfter401(t *testing.T) {
	api := newHandlerServer(t, refuseCall(1, serveEcho))
	_, a := emulatorAuth(t, nil)
	upgradeToEcho(t, a.Client(), api.URL)
}

// TestReverseProxyCloseDuringLogin: a gateway shutting down closes its
// Auth while a proxied request waits for the first login. The request
// ends at once, and its ErrorHandler gets an error that matches ErrClosed
// and, as its cause, context.Canceled, though the client is still there:
// a gateway tells a client that left by the request's own context (as
// Example_reverseProxy and the README say).
func TestReverseProxyCloseDuringLogin(t *testing.T) {
	login, hold := holdLogins(t)
	g := startGateway(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}), hold)
	status := make(chan string, 1)
	go func() {
		resp, err := http.Get(g.gw.URL)
		if err != nil {
			status <- err.Error()
			return
		}
		resp.Body.Close()
		status <- resp.Status
	}()
	login.held(t)
	g.auth.Close()
	select {
	case err := <-g.errs:
		if left := <-g.left; !errors.Is(err, cognitosrp.ErrClosed) || !errors.Is(err, context.Canceled) || left != nil {
			t.Errorf("ErrorHandler got %v with the client's context ending in %v; want ErrClosed and context.Canceled, the client there", err, left)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the proxied request did not end when the Auth closed")
	}
	if s := <-status; s != "502 Bad Gateway" {
		t.Errorf("client got %s", s)
	}
	if n := g.emu.Calls("InitiateAuth"); n > 1 {
		t.Errorf("%d logins", n)
	}
}
