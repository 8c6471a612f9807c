// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestTokenDoesNotFollowRedirectsToOtherOrigins: an http.Client follows a
// redirect through the same transport, so Auth must itself keep the token
// from a host (or scheme) other than the one the request was sent to,
// while a redirect within the origin keeps it.
func TestTokenDoesNotFollowRedirectsToOtherOrigins(t *testing.T) {
	seen := map[string]string{}
	record := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { seen[name] = r.Header.Get("Authorization") }
	}
	other := httptest.NewServer(record("other"))
	defer other.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("/same", record("same"))
	mux.Handle("/to-same", http.RedirectHandler("/same", http.StatusFound))
	// 127.0.0.1 and localhost are the same machine but other origins.
	mux.Handle("/to-other", http.RedirectHandler(strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+"/x", http.StatusFound))
	origin := httptest.NewServer(mux)
	defer origin.Close()

	s, tok := sessionWithToken(t)
	a, err := New(Options{Session: s})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/to-same", "/to-other"} {
		resp, err := a.Client().Get(origin.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if seen["same"] != "Bearer "+tok {
		t.Errorf("same-origin redirect: Authorization %q, want the token", seen["same"])
	}
	if v, ok := seen["other"]; !ok || v != "" {
		t.Errorf("cross-origin redirect: reached %v, Authorization %q; want reached without a token", ok, v)
	}
}

// TestTokenDoesNotFollowRedirectsWhenBaseOmitsRequest: Auth finds a
// redirect's origin through Response.Request, which http.Transport sets
// but a RoundTripper of the caller's (a cache, a recorder, a test double)
// may leave nil. The chain's first request is then unknown, and a
// redirect to another host must still go without the token.
func TestTokenDoesNotFollowRedirectsWhenBaseOmitsRequest(t *testing.T) {
	got, reached := "", false
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, reached = r.Header.Get("Authorization"), true
	}))
	defer other.Close()
	origin := httptest.NewServer(http.RedirectHandler(strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+"/x", http.StatusFound))
	defer origin.Close()

	s, _ := sessionWithToken(t)
	a, err := New(Options{Session: s, Base: RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := http.DefaultTransport.RoundTrip(r)
		if resp != nil {
			resp.Request = nil
		}
		return resp, err
	})})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := a.Client().Get(origin.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !reached || got != "" {
		t.Errorf("cross-origin redirect: reached %v, Authorization %q; want reached without a token", reached, got)
	}
}

// sessionWithToken returns a session that holds a valid access token, tok,
// and calls no Cognito.
func sessionWithToken(t *testing.T) (*Session, string) {
	t.Helper()
	now := time.Now()
	tok := fxJWT(map[string]any{"token_use": "access", "username": "u", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
	s, err := NewSession(Config{UserPoolID: "us-east-1_Redirect", ClientID: "c", Endpoint: "http://127.0.0.1:1/"}, "u")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	s.SetTokens(&Tokens{AccessToken: tok, IDToken: tok, AccessExpiry: now.Add(time.Hour), IDExpiry: now.Add(time.Hour), IssuedAt: now})
	return s, tok
}

// TestSameOriginNeedsTheScheme: a redirect from https to http on the same
// host is another origin: the token must not follow it in clear text.
func TestSameOriginNeedsTheScheme(t *testing.T) {
	first := &http.Request{URL: &url.URL{Scheme: "https", Host: "api.example.com", Path: "/"}}
	for _, tc := range []struct {
		scheme, host string
		same         bool
	}{
		{"https", "api.example.com", true},
		{"HTTPS", "API.example.com", true},
		{"http", "api.example.com", false},
		{"https", "other.example.com", false},
	} {
		next := &http.Request{URL: &url.URL{Scheme: tc.scheme, Host: tc.host, Path: "/next"}, Response: &http.Response{Request: first}}
		if got := sameOrigin(next); got != tc.same {
			t.Errorf("https://api.example.com → %s://%s: sameOrigin = %v, want %v", tc.scheme, tc.host, got, tc.same)
		}
	}
}

// TestSameOriginFoldsEveryASCIILetter: a redirect to the origin's host
// spelt in the other case, any letter A to Z, keeps the token; the bytes
// just outside the letters ('@' and '[' against '`' and '{', 32 apart as a
// letter's two cases are) name other hosts. TestSameOriginNeedsTheScheme's
// hosts hold no 'A' or 'Z', the ends of the range lowerASCII folds.
func TestSameOriginFoldsEveryASCIILetter(t *testing.T) {
	check := func(from, to string, same bool) {
		t.Helper()
		first := &http.Request{URL: &url.URL{Scheme: "https", Host: from, Path: "/"}}
		next := &http.Request{URL: &url.URL{Scheme: "https", Host: to, Path: "/next"}, Response: &http.Response{Request: first}}
		if got := sameOrigin(next); got != same {
			t.Errorf("https://%s → https://%s: sameOrigin = %v, want %v", from, to, got, same)
		}
	}
	for c := byte('a'); c <= 'z'; c++ {
		lower := "x" + string(c) + ".test"
		check(lower, strings.ToUpper(lower), true)
		check(strings.ToUpper(lower), lower, true)
	}
	for _, c := range []byte{'@', '['} {
		check("x"+string(c)+".test", "x"+string(c+32)+".test", false)
		check("x"+string(c+32)+".test", "x"+string(c)+".test", false)
	}
}

// TestTokenFollowsRedirectToTheDefaultPort: https://h and https://h:443
// are one origin (so are http://h and http://h:80), and a server that
// writes the port in its Location (some load balancers do) must not lose
// the token on the way; another port is another origin. The Base answers
// in place of the servers, which cannot listen on 443 and 80 in a test.
func TestTokenFollowsRedirectToTheDefaultPort(t *testing.T) {
	s, tok := sessionWithToken(t)
	for _, tc := range []struct {
		from, to string
		same     bool
	}{
		{"https://api.example.com/a", "https://api.example.com:443/b", true},
		{"https://api.example.com:443/a", "https://API.example.com/b", true},
		{"http://api.example.com/a", "http://api.example.com:80/b", true},
		{"https://api.example.com/a", "https://api.example.com:8443/b", false},
		{"https://api.example.com/a", "https://api.example.com:80/b", false},
		{"http://api.example.com/a", "http://api.example.com:443/b", false},
		{"https://[::1]/a", "https://[::1]:443/b", true},
	} {
		got, reached := "", false
		a, err := New(Options{Session: s, Base: RoundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Response == nil {
				h := http.Header{"Location": {tc.to}}
				return &http.Response{StatusCode: http.StatusFound, Header: h, Body: http.NoBody, Request: r}, nil
			}
			got, reached = r.Header.Get("Authorization"), true
			return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Request: r}, nil
		})})
		if err != nil {
			t.Fatal(err)
		}
		resp, err := a.Client().Get(tc.from)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if sent := got == "Bearer "+tok; !reached || sent != tc.same || !sent && got != "" {
			t.Errorf("%s → %s: reached %v, token sent %v (Authorization %d bytes); want the token sent %v", tc.from, tc.to, reached, sent, len(got), tc.same)
		}
	}
}

// TestTokenStaysOffAfterLeavingTheOrigin: once a redirect chain has left
// the origin, the token does not come back when another host redirects
// to the origin again, as net/http keeps Authorization off for the rest
// of such a chain (CVE-2024-45336): that host would otherwise choose a
// request (any path and query; with a 307, the method and body too) that
// the API receives with the user's token. That holds for the rest of the
// chain, not only the hop back: when the other host sends it to a
// redirect of the origin's own (/bounce), the hop that follows goes from
// the origin to the origin, and must still go without the token.
func TestTokenStaysOffAfterLeavingTheOrigin(t *testing.T) {
	var got http.Header
	mux := http.NewServeMux()
	origin := httptest.NewServer(mux)
	defer origin.Close()
	// 127.0.0.1 and localhost are the same machine but other origins.
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, origin.URL+r.URL.Query().Get("to"), http.StatusTemporaryRedirect)
	}))
	defer other.Close()
	mux.HandleFunc("/start", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+"/x?to="+r.URL.Query().Get("to"), http.StatusFound)
	})
	mux.Handle("/bounce", http.RedirectHandler("/chosen", http.StatusFound))
	mux.HandleFunc("/chosen", func(w http.ResponseWriter, r *http.Request) { got = r.Header })

	s, _ := sessionWithToken(t)
	// A header net/http keeps off itself and one it cannot know.
	for _, h := range []string{"Authorization", "X-Api-Key"} {
		a, err := New(Options{Session: s, Header: h})
		if err != nil {
			t.Fatal(err)
		}
		for _, to := range []string{"/chosen", "/bounce"} {
			got = nil
			resp, err := a.Client().Get(origin.URL + "/start?to=" + to)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got == nil {
				t.Fatalf("%s, back to %s: the chain did not come back to the origin", h, to)
			}
			if got.Get(h) != "" {
				t.Errorf("%s, back to %s: the origin got the token after another origin's redirect", h, to)
			}
		}
	}
}

// TestTokenDoesNotFollowRedirectToFoldedHost: Unicode case folding takes
// "ς" (final sigma) for "σ", but net/http encodes the two for DNS as
// different names (IDNA), so that a redirect from ασ.test to ας.test
// reaches another host, which must not get the token. The hosts are
// checked as net/http dials them.
func TestTokenDoesNotFollowRedirectToFoldedHost(t *testing.T) {
	type hit struct{ host, auth string }
	var hits []hit
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits = append(hits, hit{r.Host, r.Header.Get("Authorization")})
		if r.URL.Path == "/start" {
			http.Redirect(w, r, "http://\u03b1\u03c2.test/next", http.StatusFound)
		}
	}))
	defer srv.Close()
	a, tok := authDialingTo(t, srv)
	resp, err := a.Client().Get("http://\u03b1\u03c3.test/start")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(hits) != 2 || hits[0].host == hits[1].host {
		t.Fatalf("requests %q; want two, to two hosts", hits)
	}
	if hits[0].auth != "Bearer "+tok {
		t.Errorf("first request to %s: Authorization %q, want the token", hits[0].host, hits[0].auth)
	}
	if hits[1].auth != "" {
		t.Errorf("redirect from %s to %s: Authorization %q, want none", hits[0].host, hits[1].host, hits[1].auth)
	}
}

// TestTokenDoesNotFollowRedirectToOtherZone: an IPv6 zone names a network
// interface, and interface names are compared exactly ("eth0" and "ETH0"
// can be two links), so a redirect from [fe80::1%eth0] to [fe80::1%ETH0]
// reaches another host, which must not get the token, while a host that
// differs from the origin's by the case of its hex digits only is the
// origin. Every name is dialed to one test server.
func TestTokenDoesNotFollowRedirectToOtherZone(t *testing.T) {
	auths := map[string]string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auths[r.URL.Path] = r.Header.Get("Authorization")
		switch r.URL.Path {
		case "/to-upper-hex":
			http.Redirect(w, r, "http://[FE80::1%25eth0]/same", http.StatusFound)
		case "/to-other-zone":
			http.Redirect(w, r, "http://[fe80::1%25ETH0]/other", http.StatusFound)
		}
	}))
	defer srv.Close()
	a, tok := authDialingTo(t, srv)
	for _, path := range []string{"/to-upper-hex", "/to-other-zone"} {
		resp, err := a.Client().Get("http://[fe80::1%25eth0]" + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if v, ok := auths["/same"]; !ok || v != "Bearer "+tok {
		t.Errorf("redirect to the origin in upper-case hex: reached %v, Authorization %q; want the token", ok, v)
	}
	if v, ok := auths["/other"]; !ok || v != "" {
		t.Errorf("redirect to another zone: reached %v, Authorization %q; want reached without a token", ok, v)
	}
}

// authDialingTo returns an Auth with a token whose Base dials every host
// name to srv, as a DNS answer of an attacker's would lead it there, so
// that a test sees which host net/http meant each request for.
func authDialingTo(t *testing.T, srv *httptest.Server) (*Auth, string) {
	t.Helper()
	base := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return new(net.Dialer).DialContext(ctx, network, srv.Listener.Addr().String())
	}}
	t.Cleanup(base.CloseIdleConnections)
	s, tok := sessionWithToken(t)
	a, err := New(Options{Session: s, Base: base})
	if err != nil {
		t.Fatal(err)
	}
	return a, tok
}
