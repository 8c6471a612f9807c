// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build go1.25

package cognitosrp_test

import (
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gocognito/cognitosrp"
)

// TestRetryAfter401ClosesBodyOnce: the 401's body, drained before the
// retry, is closed once, not again when the drain's one-second bound
// passes: io.Closer leaves a second Close undefined, and a Base's body
// may return a pooled buffer or connection in Close. The tokens are
// replaced while the 401 is sent (as SetTokens by another part of the
// program would), so the retry needs no call to Cognito.
func TestRetryAfter401ClosesBodyOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		exp := time.Now().Add(time.Hour)
		s, err := cognitosrp.NewSession(cognitosrp.Config{UserPoolID: "us-east-1_Drain", ClientID: "c", Endpoint: "http://127.0.0.1:1/"}, "u")
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		s.SetTokens(&cognitosrp.Tokens{AccessToken: "first", IDToken: "id", AccessExpiry: exp, IDExpiry: exp})
		var closes atomic.Int32
		a, err := cognitosrp.New(cognitosrp.Options{Session: s, Base: cognitosrp.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
			if r.Header.Get("Authorization") == "Bearer first" {
				s.SetTokens(&cognitosrp.Tokens{AccessToken: "second", IDToken: "id", AccessExpiry: exp, IDExpiry: exp})
				return &http.Response{StatusCode: http.StatusUnauthorized, Body: closeCounter{strings.NewReader("refused"), &closes}, Request: r}, nil
			}
			return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Request: r}, nil
		})})
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodGet, "https://api.example/", nil)
		resp, err := a.RoundTrip(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("RoundTrip = %v, %v; want the retry's 200", resp, err)
		}
		time.Sleep(2 * time.Second) // past the drain's bound
		synctest.Wait()
		if n := closes.Load(); n != 1 {
			t.Errorf("the 401's body was closed %d times, want 1", n)
		}
	})
}
