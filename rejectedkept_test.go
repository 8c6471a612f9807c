// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
)

// TestRetryAfter401RenewsKeptTokens: a request refused with 401 while a
// rotating renewal, whose tokens the Verifier could not check, left the
// session its old access and id tokens with the new refresh token (see
// refresh) is retried with a renewed token, not with the refused one
// again: nobody renewed the token the API refused. Found by a stress run,
// where the token resent had expired.
func TestRetryAfter401RenewsKeptTokens(t *testing.T) {
	srv, s, down := rotatingSession(t, func(c *cognitosrp.Config) { c.RefreshAhead = -1 })
	ctx := context.Background()
	t0 := s.Tokens()
	api := httptest.NewServer(srv.RequireAccessToken(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
	defer api.Close()

	var sent []string
	a, err := cognitosrp.New(cognitosrp.Options{Session: s, Base: cognitosrp.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent = append(sent, r.Header.Get("Authorization"))
		if len(sent) == 1 {
			// While the request is on its way, its token expires and a
			// renewal gets a new refresh token with tokens that cannot
			// be checked: the session keeps its old tokens with it.
			down.Store(true)
			srv.Advance(2 * time.Hour)
			if err := s.Refresh(ctx); !errors.Is(err, cognitosrp.ErrKeySetUnavailable) {
				t.Errorf("renewal with the key set down: %v, want ErrKeySetUnavailable", err)
			}
			if k := s.Tokens(); k.AccessToken != t0.AccessToken || k.RefreshToken == t0.RefreshToken {
				t.Errorf("the session does not hold its old tokens with a new refresh token")
			}
			down.Store(false)
			srv.Advance(time.Minute) // past the Verifier's wait between fetches
		}
		return http.DefaultTransport.RoundTrip(r)
	})})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(ctx, "GET", api.URL, nil)
	resp, err := a.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(sent) == 2 && sent[1] == sent[0] {
		t.Errorf("the request was retried with the token the API refused")
	}
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d after %d sends, want 200 with a renewed token", resp.StatusCode, len(sent))
	}
}
