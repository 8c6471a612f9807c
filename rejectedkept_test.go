// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
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

// TestRefusalWarningNeedsRenewedTokens: "the API refused renewed tokens
// too" is said when a forced renewal brought an access token that the API
// refused as well, not when the renewal failed (its own event says why)
// and left the session its refused access token beside the rotated
// refresh token it got.
func TestRefusalWarningNeedsRenewedTokens(t *testing.T) {
	rec := &opsRecorder{start: time.Now()}
	// Tokens that outlive the Verifier's trust in its key set, so that the
	// forced renewal must fetch it again.
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenRotation: true,
		AccessTokenLifetime: 3 * time.Hour, IDTokenLifetime: 3 * time.Hour})
	v, down := downableVerifier(t, srv)
	s := emulatorSessionOn(t, srv, func(c *cognitosrp.Config) {
		c.Verifier, c.RefreshMethod, c.RefreshAhead = v, cognitosrp.RefreshWithGetTokens, -1
		c.Logger = slog.New(opsHandler{rec: rec})
	})
	t0 := s.Tokens()
	srv.Advance(cognitosrp.DefaultKeyLifetime + time.Minute)
	a, err := cognitosrp.New(cognitosrp.Options{Session: s, Base: cognitosrp.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusUnauthorized, Body: http.NoBody, Request: r}, nil
	})})
	if err != nil {
		t.Fatal(err)
	}
	down.Store(true)
	for range 3 {
		req, _ := http.NewRequest("GET", "https://api.example/", nil)
		resp, err := a.RoundTrip(req)
		if err != nil || resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("RoundTrip = %v, %v; want the 401", resp, err)
		}
	}
	if k := s.Tokens(); k.AccessToken != t0.AccessToken || k.RefreshToken == t0.RefreshToken {
		t.Fatal("the failed renewal did not leave the old access token with a rotated refresh token")
	}
	warns := map[string]int{}
	rec.mu.Lock()
	for _, sec := range rec.secs {
		for m, n := range sec.msgs {
			if strings.HasPrefix(m, "WARN ") {
				warns[strings.TrimPrefix(m, "WARN ")] += n
			}
		}
	}
	rec.mu.Unlock()
	// The whole set, not a lookup of the refusal warning's text, which
	// would pass unseen once that text changed.
	if want := map[string]int{"cognitosrp: renewal failed": 1}; !maps.Equal(warns, want) {
		t.Errorf("WARN events = %v, want only the failed renewal's (no renewal brought tokens the API could refuse)", warns)
	}
}

// switchableVerifier refuses every token while down is set, and otherwise
// asks v: a renewal whose tokens it refuses fails at once, without the
// wait a Verifier keeps between two fetches of a key set that failed.
type switchableVerifier struct {
	v    cognitosrp.TokenVerifier
	down *atomic.Bool
}

func (sv switchableVerifier) Verify(ctx context.Context, token string) (*cognitosrp.Claims, error) {
	if sv.down.Load() {
		return nil, cognitosrp.ErrKeySetUnavailable
	}
	return sv.v.Verify(ctx, token)
}

// TestHeldFailureIsOfItsTokens: a failure held back holds the needs of
// the tokens it left the session, not of others. Here two rotating
// renewals failed (each left the old access token with a new refresh
// token) and their error is held; then Session.Refresh failed too and
// left another refresh token, which no failure held back was about: once
// the tokens can be checked again, the next need renews at once instead
// of getting the held error until its wait is over.
func TestHeldFailureIsOfItsTokens(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenRotation: true})
	down := new(atomic.Bool)
	s := emulatorSessionOn(t, srv, func(c *cognitosrp.Config) {
		v, err := cognitosrp.NewVerifier(srv.VerifierConfig())
		if err != nil {
			t.Fatal(err)
		}
		c.Verifier, c.RefreshMethod, c.RefreshAhead = switchableVerifier{v, down}, cognitosrp.RefreshWithGetTokens, -1
	})
	ctx := context.Background()
	down.Store(true)
	srv.Advance(2 * time.Hour)
	renewals := func() int { return srv.Calls("GetTokensFromRefreshToken") }
	for range 3 {
		if _, err := s.ValidTokens(ctx, cognitosrp.AccessToken); !errors.Is(err, cognitosrp.ErrKeySetUnavailable) {
			t.Fatalf("ValidTokens with tokens that cannot be checked = %v, want ErrKeySetUnavailable", err)
		}
	}
	if n := renewals(); n != 2 {
		t.Fatalf("%d renewals for 3 needs, want 2: the third is held back", n)
	}
	held := s.Tokens()
	if err := s.Refresh(ctx); !errors.Is(err, cognitosrp.ErrKeySetUnavailable) {
		t.Fatalf("Refresh with tokens that cannot be checked = %v, want ErrKeySetUnavailable", err)
	}
	if k := s.Tokens(); k.RefreshToken == held.RefreshToken {
		t.Fatal("the failed Refresh did not leave the session a rotated refresh token")
	}
	down.Store(false)
	if _, err := s.ValidTokens(ctx, cognitosrp.AccessToken); err != nil {
		t.Fatalf("ValidTokens of tokens no held failure left: %v", err)
	}
	if n := renewals(); n != 4 {
		t.Fatalf("%d renewals, want 4", n)
	}
}
