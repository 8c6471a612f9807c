// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestCognitoCallsDoNotFollowRedirects: the Cognito API never redirects,
// and its request bodies hold secrets (a refresh token, the client
// secret, the password claim). An endpoint, or something in front of it,
// that answers 307 or 308 must not make the client POST that body to
// another host, or in clear text (https to http): the call fails instead.
func TestCognitoCallsDoNotFollowRedirects(t *testing.T) {
	callThroughRedirect(t, func(endpoint string, hc *http.Client) error {
		c := &Client{Endpoint: endpoint, HTTPClient: hc, Retry: RetryPolicy{MaxAttempts: 1}}
		return c.RevokeToken(context.Background(), &RevokeTokenInput{Token: "refresh-secret", ClientId: "c", ClientSecret: "client-secret"})
	})
}

// callThroughRedirect makes call against endpoints that answer 307 and
// 308 towards another host, with a nil and a given HTTP client, and fails
// t when a request body reaches that host, or call's error is not an
// *APIError with the redirect's status.
func callThroughRedirect(t *testing.T, call func(endpoint string, hc *http.Client) error) {
	t.Helper()
	var leaked []string
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		leaked = append(leaked, string(b))
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		io.WriteString(w, `{}`)
	}))
	defer elsewhere.Close()
	for _, code := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		endpoint := httptest.NewServer(http.RedirectHandler(strings.Replace(elsewhere.URL, "127.0.0.1", "localhost", 1)+"/", code))
		for _, hc := range []*http.Client{nil, {}} {
			leaked = nil
			err := call(endpoint.URL+"/", hc)
			if len(leaked) != 0 {
				t.Errorf("HTTP %d, HTTPClient %v: the request body reached another host: %q", code, hc != nil, leaked)
			}
			var ae *APIError
			if err == nil || !errors.As(err, &ae) || ae.StatusCode != code {
				t.Errorf("HTTP %d, HTTPClient %v: err = %v, want an *APIError with that status", code, hc != nil, err)
			}
		}
		endpoint.Close()
	}
}

// TestNilHTTPClientHasDefaultTimeout: Client.HTTPClient, Config.HTTPClient
// and VerifierConfig.HTTPClient say that nil means a client with
// DefaultTimeout, so that a Cognito endpoint or key set that never answers
// cannot hold a call without a deadline forever. All three send through
// sender, whose nil is defaultHTTPClient; that a client's Timeout reaches
// the request through sender's copy is TestSendHonoursClientTimeout's.
func TestNilHTTPClientHasDefaultTimeout(t *testing.T) {
	if defaultHTTPClient.Timeout != DefaultTimeout {
		t.Errorf("the default HTTP client's timeout is %v, want DefaultTimeout", defaultHTTPClient.Timeout)
	}
}

// TestSendHonoursClientTimeout: a Cognito call and a key set fetch end at
// the Timeout of the HTTPClient they were given, against a server that
// never answers, long before DefaultTimeout or keyFetchTimeout: the client
// reaches the request, through the copy sender makes of it to refuse
// redirects, with its Timeout (which is how a nil one's DefaultTimeout
// applies).
func TestSendHonoursClientTimeout(t *testing.T) {
	release := make(chan struct{})
	stalled := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done(): // the client gave up and closed the connection
		case <-release:
		}
	}))
	defer stalled.Close()
	defer close(release)
	hc := &http.Client{Timeout: 100 * time.Millisecond}
	v, err := NewVerifier(VerifierConfig{UserPoolID: testPoolID, ClientIDs: []string{testClientID},
		JWKSURL: stalled.URL + "/.well-known/jwks.json", HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	c := &Client{Endpoint: stalled.URL, HTTPClient: hc, Retry: RetryPolicy{MaxAttempts: 1}}
	for name, call := range map[string]func(context.Context) error{
		"key set fetch": func(ctx context.Context) error {
			_, err := v.Verify(ctx, signRS256(testKey(), rsHeader(testKid), accessClaims(time.Now())))
			return err
		},
		"Cognito call": func(ctx context.Context) error {
			return c.RevokeToken(ctx, &RevokeTokenInput{Token: "t", ClientId: testClientID})
		},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := call(ctx)
		// net/http's words for its Client.Timeout, not the context's.
		if err == nil || ctx.Err() != nil || !strings.Contains(err.Error(), "Client.Timeout exceeded") {
			t.Errorf("%s against a server that never answers, with a 100ms client Timeout: %v; want the client's timeout", name, err)
		}
		cancel()
	}
}

// TestSessionCallsDoNotFollowRedirects: a Session sends its calls through
// a function of its own (apiClient.send), built by NewSession apart from
// Client's methods, so TestCognitoCallsDoNotFollowRedirects does not
// cover it: a Session whose endpoint answers 307 or 308 must not send its
// login (or its refresh token, its client secret) on either.
func TestSessionCallsDoNotFollowRedirects(t *testing.T) {
	callThroughRedirect(t, func(endpoint string, hc *http.Client) error {
		s, err := NewSession(Config{UserPoolID: testPoolID, ClientID: testClientID, ClientSecret: "client-secret",
			Endpoint: endpoint, HTTPClient: hc, Retry: RetryPolicy{MaxAttempts: 1}}, "alice")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		return s.Authenticate(context.Background(), "password")
	})
}
