// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build go1.25

package cognitosrp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// This file is a network in memory for tests that run in a testing/synctest
// bubble: a RoundTripper serves the emulator (through its Transport) and
// an API, so that nothing waits on real I/O and the bubble's clock can run
// through days of token lifetimes in milliseconds. Its API checks every token it
// receives on the emulator's clock, and it counts the calls to Cognito.

// vnetCognito and vnetAPI are the hosts of the in-memory network.
const (
	vnetCognito = "cognito.test"
	vnetAPI     = "api.test"
)

// vcall is a call to Cognito, as the network saw it.
type vcall struct {
	at     time.Time // the bubble's clock
	action string    // "login" (InitiateAuth with a password flow), "refresh", or the action
	failed bool
	lost   bool // its answer never reached the client
	down   bool // answered by the outage (vnet.down), not the emulator
}

// vnet is the network of one bubble.
type vnet struct {
	t   *testing.T
	emu *cognitotest.Server
	// revokedOK makes the API answer a revoked token 401 without a test
	// error: a test that signs the user out expects them.
	revokedOK bool
	// minLife is the least lifetime that a token must have left, on the
	// emulator's clock, when it reaches the API.
	minLife time.Duration

	// flaky, when set, is asked about each call to Cognito: how long
	// Cognito takes to answer it, and whether its answer is lost on the
	// way back (after Cognito acted on it).
	flaky func() (latency time.Duration, lost bool)

	mu       sync.Mutex
	downFrom time.Time // Cognito answers 500 in [downFrom, downTo)
	downTo   time.Time
	calls    []vcall
	served   int // API requests answered 200
}

// newVnet starts an emulator in memory with cfg, whose clock is offset
// ahead of the bubble's, and a user alice whose password is emuPassword.
// It must be called in the bubble.
func newVnet(t *testing.T, cfg cognitotest.Config, offset time.Duration) *vnet {
	t.Helper()
	cfg.URL = "http://" + vnetCognito
	emu, err := cognitotest.NewUnstartedServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(emu.Close)
	emu.SetClock(func() time.Time { return time.Now().Add(offset) })
	if _, err := emu.AddUser(cognitotest.User{Username: "alice", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	return &vnet{t: t, emu: emu, minLife: cognitosrp.DefaultExpiryMargin - time.Second}
}

// client returns an HTTP client on the network.
func (n *vnet) client() *http.Client { return &http.Client{Transport: n} }

// options returns Options for alice on the network.
func (n *vnet) options() cognitosrp.Options {
	o := n.emu.Options("alice", emuPassword)
	o.HTTPClient, o.Base = n.client(), n
	return o
}

// vnetAuth returns an Auth of opts (n.options(), perhaps changed) and a
// client that sends through it. The test closes the Auth.
func vnetAuth(t *testing.T, opts cognitosrp.Options) (*cognitosrp.Auth, *http.Client) {
	t.Helper()
	auth, err := cognitosrp.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return auth, auth.Client()
}

// down makes Cognito answer InternalErrorException from now for d.
func (n *vnet) down(d time.Duration) {
	n.mu.Lock()
	n.downFrom, n.downTo = time.Now(), time.Now().Add(d)
	n.mu.Unlock()
}

// isDown reports whether down was called at or after from.
func (n *vnet) isDown(from time.Time) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return !n.downFrom.Before(from)
}

// between returns how many calls to Cognito came in [from, to).
func (n *vnet) between(from, to time.Time) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	k := 0
	for _, c := range n.calls {
		if !c.at.Before(from) && c.at.Before(to) {
			k++
		}
	}
	return k
}

// count returns the calls of the kind action ("" for all), and how many
// of them succeeded and reached the client.
func (n *vnet) count(action string) (all, ok int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, c := range n.calls {
		if action == "" || c.action == action {
			all++
			if !c.failed && !c.lost {
				ok++
			}
		}
	}
	return all, ok
}

// RoundTrip serves r with the emulator or the API.
func (n *vnet) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		defer r.Body.Close()
	}
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	rec := httptest.NewRecorder()
	switch r.URL.Host {
	case vnetCognito:
		var latency time.Duration
		var lost bool
		if n.flaky != nil {
			latency, lost = n.flaky()
		}
		if latency > 0 {
			select {
			case <-time.After(latency):
			case <-r.Context().Done():
				return nil, r.Context().Err()
			}
		}
		return n.cognito(r, lost)
	case vnetAPI:
		n.api(rec, r)
	default:
		n.t.Errorf("request to unknown host %q", r.URL.Host)
		rec.WriteHeader(http.StatusBadGateway)
	}
	res := rec.Result()
	res.Request = r
	return res, nil
}

// cognito serves a Cognito call with the emulator's Transport, unless
// Cognito is down, and records it.
func (n *vnet) cognito(r *http.Request, lost bool) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body) // closed by RoundTrip
	}
	c := vcall{at: time.Now(), action: strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService.")}
	var in struct{ AuthFlow string }
	json.Unmarshal(body, &in)
	switch {
	case c.action == "GetTokensFromRefreshToken", in.AuthFlow == cognitosrp.FlowRefreshTokenAuth:
		c.action = "refresh"
	case c.action == "InitiateAuth" && in.AuthFlow != "":
		c.action = "login"
	}
	n.mu.Lock()
	c.down = !c.at.Before(n.downFrom) && c.at.Before(n.downTo)
	n.mu.Unlock()
	var res *http.Response
	var err error
	if c.down {
		w := httptest.NewRecorder()
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"__type":"InternalErrorException","message":"down"}`)
		res = w.Result()
	} else {
		sent := r.Clone(r.Context())
		sent.Body = io.NopCloser(bytes.NewReader(body))
		res, err = n.emu.Transport().RoundTrip(sent)
	}
	c.failed, c.lost = err != nil || res.StatusCode != http.StatusOK, lost
	if r.Method == http.MethodPost {
		n.mu.Lock()
		n.calls = append(n.calls, c)
		n.mu.Unlock()
	}
	if err == nil && lost {
		res.Body.Close()
		err = errLost
	}
	if err != nil {
		return nil, err
	}
	res.Request = r
	return res, nil
}

// api serves the API: 200 for a valid access or id token that has at least
// minLife left on the emulator's clock, else 401 and a test error.
func (n *vnet) api(w *httptest.ResponseRecorder, r *http.Request) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	verify := n.emu.VerifyAccessToken
	if c, err := cognitosrp.ParseUnverified(tok); err == nil && c.TokenUse == "id" {
		verify = n.emu.VerifyIDToken
	}
	claims, err := verify(tok)
	switch {
	case n.revokedOK && errors.Is(err, cognitotest.ErrTokenRevoked):
	case !ok || err != nil:
		n.t.Errorf("%v: the API got a token the emulator refuses: %v", time.Now(), err)
	case claims.Expiry.Sub(n.emu.Now()) < n.minLife:
		n.t.Errorf("%v: the API got a token with %v left, want at least %v", time.Now(), claims.Expiry.Sub(n.emu.Now()), n.minLife)
	default:
		n.mu.Lock()
		n.served++
		n.mu.Unlock()
		return
	}
	w.WriteHeader(http.StatusUnauthorized)
}

// get sends one request to the API through c, with ctx, and returns its
// error, or one for a status other than 200.
func (n *vnet) get(ctx context.Context, c *http.Client) error {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+vnetAPI+"/", http.NoBody)
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return &statusError{res.StatusCode}
	}
	return nil
}

var errLost = errors.New("vnet: connection reset by peer")

type statusError struct{ code int }

func (e *statusError) Error() string { return http.StatusText(e.code) }
