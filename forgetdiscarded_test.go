// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestForgetPasswordKeptThroughDiscardedLogin: with ForgetPassword, a first
// login that a SignOut discards (here while the new device is confirmed,
// whose failure does not fail the login) gave the session no tokens, so it
// is no successful login: the session keeps its password and logs in on its
// next use, as SignOut promises a session with a password.
func TestForgetPasswordKeptThroughDiscardedLogin(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	confirming := make(chan struct{}, 1)
	var block atomic.Bool
	block.Store(true)
	o := srv.Options("alice", emuPassword)
	o.ForgetPassword = true
	o.Devices = cognitosrp.RememberDevices(nil, "")
	o.Retry = cognitosrp.RetryPolicy{MaxAttempts: 1}
	o.HTTPClient = &http.Client{Transport: cognitosrp.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.Header.Get("X-Amz-Target") == "AWSCognitoIdentityProviderService.ConfirmDevice" && block.Swap(false) {
			confirming <- struct{}{}
			<-r.Context().Done() // until the sign-out cancels the login
			return nil, r.Context().Err()
		}
		return http.DefaultTransport.RoundTrip(r)
	})}
	a, err := cognitosrp.New(o)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	first := make(chan error, 1)
	go func() { _, err := a.Token(ctx); first <- err }()
	select {
	case <-confirming:
	case err := <-first:
		t.Fatalf("first login ended before confirming its device: %v", err)
	}
	if err := a.Session().SignOut(ctx); err != nil {
		t.Fatalf("SignOut: %v", err)
	}
	if err := <-first; !errors.Is(err, cognitosrp.ErrLoginRequired) {
		t.Fatalf("login discarded by the sign-out: %v, want ErrLoginRequired", err)
	}
	if _, err := a.Token(ctx); err != nil {
		t.Fatalf("Token after the discarded login: %v, want a login with the password the session kept", err)
	}
}

// TestForgetPasswordAfterAuthenticate: with ForgetPassword, a first
// successful login through Session.Authenticate (a program that checks the
// password up front) drops the session's password like one made on
// demand, as Options.ForgetPassword and SECURITY.md say: after a SignOut
// the session has no password to log in with.
func TestForgetPasswordAfterAuthenticate(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	o := srv.Options("alice", emuPassword)
	o.ForgetPassword = true
	a, err := cognitosrp.New(o)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()
	if err := a.Session().Authenticate(ctx, emuPassword); err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	if err := a.Session().SignOut(ctx); err != nil {
		t.Fatalf("SignOut: %v", err)
	}
	logins := srv.Calls("InitiateAuth")
	if _, err := a.Token(ctx); !errors.Is(err, cognitosrp.ErrLoginRequired) {
		t.Fatalf("Token after SignOut: %v, want ErrLoginRequired (the password was dropped)", err)
	}
	if n := srv.Calls("InitiateAuth") - logins; n != 0 {
		t.Fatalf("%d logins after SignOut, want none", n)
	}
}
