// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestSignedOutElsewhereAsksForLogin: a session without a password whose
// user was signed out elsewhere (GlobalSignOut on another device, an
// administrator) has an access token the API refuses and a refresh token
// Cognito refuses. The request that finds out fails with ErrLoginRequired,
// not with the API's 401, and so do the session's later needs, at once:
// a desktop program that asks for the password on ErrLoginRequired asks
// now, not once the refused access token expires, up to a day later.
func TestSignedOutElsewhereAsksForLogin(t *testing.T) {
	srv, s := emulatorSession(t, cognitotest.Config{}, nil)
	var reached int
	api := httptest.NewServer(srv.RequireAccessToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached++
	})))
	defer api.Close()
	a, err := cognitosrp.New(cognitosrp.Options{Session: s})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.SignOut("alice"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range 2 {
		resp, err := a.Client().Get(api.URL)
		if err == nil {
			resp.Body.Close()
		}
		if !errors.Is(err, cognitosrp.ErrLoginRequired) || !errors.Is(err, cognitosrp.ErrNotAuthorized) {
			t.Fatalf("request %d: %v, %v; want an error matching ErrLoginRequired and ErrNotAuthorized", i, resp, err)
		}
	}
	if _, err := s.ValidTokens(ctx, cognitosrp.AccessToken); !errors.Is(err, cognitosrp.ErrLoginRequired) {
		t.Errorf("ValidTokens = %v, want ErrLoginRequired", err)
	}
	if !s.RenewalDue(cognitosrp.AccessToken) {
		t.Error("RenewalDue = false for tokens Cognito and the API refused")
	}
	if n := srv.Calls("InitiateAuth"); n != 2 {
		t.Errorf("%d InitiateAuth calls, want 2: the login, one renewal refused", n)
	}

	// A login brings back tokens the API accepts.
	if err := s.Authenticate(ctx, emuPassword); err != nil {
		t.Fatal(err)
	}
	resp, err := a.Client().Get(api.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || reached != 1 {
		t.Errorf("after a new login: %s, the API served %d requests; want 200 and 1", resp.Status, reached)
	}
}

// TestSignedOutElsewhereLateRefusal: of requests sent together with tokens
// whose user was signed out elsewhere, one whose 401 comes after another's
// renewal found the refresh token dead fails with ErrLoginRequired too,
// not with its 401 (the renewal spacing would hold it back otherwise).
func TestSignedOutElsewhereLateRefusal(t *testing.T) {
	srv, s := emulatorSession(t, cognitotest.Config{}, nil)
	arrived, release := make(chan struct{}), make(chan struct{})
	guarded := srv.RequireAccessToken(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Slow") != "" {
			close(arrived)
			<-release
		}
		guarded.ServeHTTP(w, r)
	}))
	defer api.Close()
	var releaseOnce sync.Once
	letGo := func() { releaseOnce.Do(func() { close(release) }) }
	defer letGo() // before api.Close, which waits for the held request
	a, err := cognitosrp.New(cognitosrp.Options{Session: s})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.SignOut("alice"); err != nil {
		t.Fatal(err)
	}
	slow := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest("GET", api.URL, nil)
		req.Header.Set("X-Slow", "1")
		resp, err := a.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		slow <- err
	}()
	<-arrived
	resp, err := a.Client().Get(api.URL)
	if err == nil {
		resp.Body.Close()
	}
	if !errors.Is(err, cognitosrp.ErrLoginRequired) {
		t.Fatalf("first refusal: %v, %v; want ErrLoginRequired", resp, err)
	}
	letGo()
	if err := <-slow; !errors.Is(err, cognitosrp.ErrLoginRequired) {
		t.Errorf("the request refused after the renewal: %v; want ErrLoginRequired", err)
	}
	if n := srv.Calls("InitiateAuth"); n != 2 {
		t.Errorf("%d InitiateAuth calls, want 2: the login, one renewal refused", n)
	}
}

// TestSignedOutElsewhereLoginFails: a session with a password whose user
// was signed out elsewhere logs in again when a 401 finds the refresh
// token dead. When that login fails for a reason that passes (Cognito
// throttling it), the request gets its 401, not ErrLoginRequired: the
// program gave the session its password, and asking it for a login would
// send it the wrong way. The next request logs in and gets through.
func TestSignedOutElsewhereLoginFails(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(srv.RequireAccessToken(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
	defer api.Close()
	a, err := cognitosrp.New(cognitosrp.Options{Username: "alice", Password: emuPassword,
		UserPoolID: srv.PoolID(), ClientID: srv.ClientID(), Endpoint: srv.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	get := func() (*http.Response, error) {
		resp, err := a.Client().Get(api.URL)
		if err == nil {
			resp.Body.Close()
		}
		return resp, err
	}
	if resp, err := get(); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("first request: %v, %v", resp, err)
	}
	if err := srv.SignOut("alice"); err != nil {
		t.Fatal(err)
	}
	// LimitExceededException: a passing failure the library does not
	// retry, so that the one login fails.
	srv.FailNext(1, cognitotest.Fault("LimitExceededException"), "RespondToAuthChallenge")
	resp, err := get()
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("request whose login failed: %v, %v; want its 401 and no error", resp, err)
	}
	if resp, err := get(); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("request after: %v, %v; want 200", resp, err)
	}
	if n := srv.Calls("RespondToAuthChallenge"); n != 3 {
		t.Errorf("%d RespondToAuthChallenge calls, want 3: the logins", n)
	}
}
