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
// cannot hold a call without a deadline forever.
func TestNilHTTPClientHasDefaultTimeout(t *testing.T) {
	if defaultHTTPClient.Timeout != DefaultTimeout {
		t.Errorf("the default HTTP client's timeout is %v, want DefaultTimeout", defaultHTTPClient.Timeout)
	}
	v, err := NewVerifier(VerifierConfig{UserPoolID: testPoolID, ClientIDs: []string{testClientID}})
	if err != nil {
		t.Fatal(err)
	}
	if v.keys.client != defaultHTTPClient {
		t.Error("a Verifier without an HTTPClient fetches keys without DefaultTimeout")
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
