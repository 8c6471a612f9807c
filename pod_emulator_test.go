// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// These tests hold what README.md's "In a Kubernetes pod" tells the
// engineer who runs a long-lived service as a Cognito user: secrets read
// from mounted files, their rotation, shutdown within the grace period,
// and readiness probes.

// TestPodSecretFileLineBreak: a Secret made from a file keeps the file's
// final line break. New refuses a ClientSecret with one, but sends a
// password as given, which Cognito refuses as a wrong one.
func TestPodSecretFileLineBreak(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{ClientSecret: "pod0secret0for0the0app0client0123456789"})
	if _, err := srv.AddUser(cognitotest.User{Username: "svc", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	o := srv.Options("svc", emuPassword)
	o.ClientSecret += "\n"
	if _, err := cognitosrp.New(o); !errors.Is(err, cognitosrp.ErrConfig) {
		t.Fatalf("ClientSecret with a line break: %v, want ErrConfig", err)
	}
	a, err := cognitosrp.New(srv.Options("svc", emuPassword+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Token(t.Context()); !errors.Is(err, cognitosrp.ErrNotAuthorized) {
		t.Fatalf("password with a line break: %v, want ErrNotAuthorized", err)
	}
}

// currentAuth is the RoundTripper a service's clients keep while the Auth
// behind it is replaced.
type currentAuth struct {
	p atomic.Pointer[cognitosrp.Auth]
}

func (c *currentAuth) RoundTrip(r *http.Request) (*http.Response, error) {
	return c.p.Load().RoundTrip(r)
}

// TestPodPasswordRotation: the password is rotated at Cognito and in the
// mounted Secret. The Auth keeps the old one, and once its refresh token
// has expired its login fails with ErrNotAuthorized, held back after two;
// an Auth built again from a file not yet updated is not held back.
// Replaced as README's "Password rotation" says, behind one RoundTripper,
// it logs in with the new one. Requests that run meanwhile, with a valid
// token, all succeed.
func TestPodPasswordRotation(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenLifetime: time.Hour})
	if _, err := srv.AddUser(cognitotest.User{Username: "svc", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(srv.RequireAccessToken(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
	defer api.Close()
	build := func(password string) *cognitosrp.Auth {
		o := srv.Options("svc", password)
		o.Now = srv.Now
		a, err := cognitosrp.New(o)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	cur := &currentAuth{}
	cur.p.Store(build(emuPassword))
	defer func() { cur.p.Load().Close() }()
	client := &http.Client{Transport: cur}
	get := func() error {
		resp, err := client.Get(api.URL)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return errors.New(resp.Status)
		}
		return nil
	}
	if err := get(); err != nil {
		t.Fatal(err)
	}
	const rotated = "rotated horse battery staple"
	if err := srv.SetPassword("svc", rotated); err != nil {
		t.Fatal(err)
	}
	srv.Advance(2 * time.Hour) // the refresh token has expired
	err := get()
	if !errors.Is(err, cognitosrp.ErrNotAuthorized) {
		t.Fatalf("stale password: %v, want ErrNotAuthorized", err)
	}
	replace := func(password string) {
		next := build(password)
		old := cur.p.Load()
		old.Close()
		next.Session().SetTokens(old.Session().Tokens())
		cur.p.Store(next)
	}

	// Until the kubelet updates the file, a reread finds the stale
	// password. Kept, the Auth holds its failed logins back; replaced
	// each time, every new Auth logs in again with it, towards Cognito's
	// lockout: replace it only when the password has changed.
	tries := func(replaceEach bool) int {
		n := srv.Calls("RespondToAuthChallenge")
		for range 5 {
			if replaceEach {
				replace(emuPassword)
			}
			if err := get(); !errors.Is(err, cognitosrp.ErrNotAuthorized) {
				t.Fatalf("stale password: %v, want ErrNotAuthorized", err)
			}
		}
		return srv.Calls("RespondToAuthChallenge") - n
	}
	if n := tries(false); n > 2 {
		t.Errorf("the Auth kept made %d logins for 5 failed requests, want at most 2", n)
	}
	if n := tries(true); n != 5 {
		t.Errorf("an Auth replaced before each request made %d logins for 5 requests, want 5", n)
	}

	// The file is updated: the service rereads it and replaces the Auth.
	replace(rotated)
	if err := get(); err != nil {
		t.Fatalf("after the replacement: %v", err)
	}

	// Replaced while requests run, with a valid token: none fails, and
	// the tokens go over without a login.
	logins := srv.Calls("RespondToAuthChallenge")
	const workers = 4
	var wg sync.WaitGroup
	var failed atomic.Int32
	var done atomic.Int64 // requests completed
	stop := make(chan struct{})
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if err := get(); err != nil {
					failed.Add(1)
					t.Error(err)
				}
				done.Add(1)
			}
		}()
	}
	for range 3 {
		replace(rotated)
		// Wait for requests, not for a while: of 2×workers completed
		// after the replacement, at least workers (each worker has one
		// under way) went through the new Auth.
		deadline := time.Now().Add(10 * time.Second)
		for n := done.Load() + 2*workers; done.Load() < n; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Error("no requests ran after the replacement")
				break
			}
		}
	}
	close(stop)
	wg.Wait()
	if n := srv.Calls("RespondToAuthChallenge") - logins; failed.Load() != 0 || n != 0 {
		t.Errorf("replaced under load: %d requests failed, %d logins", failed.Load(), n)
	}
}

// TestPodShutdown: SIGTERM arrives while a handler waits for a slow
// Cognito. Close first ends that wait at once, with ErrClosed, so that
// Server.Shutdown returns at once too, instead of holding the pod past its
// grace period; a request with a valid token still succeeds after Close.
func TestPodShutdown(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	if _, err := srv.AddUser(cognitotest.User{Username: "svc", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(srv.RequireAccessToken(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
	defer api.Close()
	auth, err := cognitosrp.New(srv.Options("svc", emuPassword))
	if err != nil {
		t.Fatal(err)
	}
	upstream := auth.Client()
	handlerErr := make(chan error, 1)
	waiting := make(chan struct{})
	service := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(waiting)
		_, err := upstream.Get(api.URL)
		handlerErr <- err
		w.WriteHeader(http.StatusBadGateway)
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go service.Serve(ln)
	srv.SetLatency(time.Minute) // Cognito hangs
	go func() {
		if resp, err := http.Get("http://" + ln.Addr().String()); err == nil {
			resp.Body.Close()
		}
	}()
	<-waiting
	// The handler's request waits for the login once its first call has
	// reached Cognito; a Close before that would fail the request at once,
	// waking nobody, and hold nothing.
	for deadline := time.Now().Add(10 * time.Second); srv.Calls("InitiateAuth") == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the handler's login did not reach Cognito")
		}
	}

	start := time.Now()
	auth.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := service.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown after Close: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Close and Shutdown took %v", d)
	}
	if err := <-handlerErr; !errors.Is(err, cognitosrp.ErrClosed) {
		t.Errorf("the waiting handler got %v, want ErrClosed", err)
	}

	// An Auth with a valid token serves requests after Close.
	srv.SetLatency(0)
	auth2, err := cognitosrp.New(srv.Options("svc", emuPassword))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth2.Token(t.Context()); err != nil {
		t.Fatal(err)
	}
	auth2.Close()
	resp, err := auth2.Client().Get(api.URL)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("a request after Close with a valid token: %v", err)
	}
	resp.Body.Close()
}

// TestPodReadiness: a readiness probe that calls Token with its timeout.
// During a slow first login each probe fails by its deadline and joins the
// one login, which goes on; with a valid token probes succeed while
// Cognito fails; once the token has expired and two logins or renewals in
// a row have failed, probes get the error at once, without calling
// Cognito.
func TestPodReadiness(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{AccessTokenLifetime: 10 * time.Minute})
	if _, err := srv.AddUser(cognitotest.User{Username: "svc", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	o := srv.Options("svc", emuPassword)
	o.Now = srv.Now
	o.Retry = cognitosrp.RetryPolicy{MaxAttempts: 1} // one call per failure, to count them
	auth, err := cognitosrp.New(o)
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	probe := func(timeout time.Duration) error {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		_, err := auth.Token(ctx)
		return err
	}

	srv.SetLatency(150 * time.Millisecond) // a login takes two calls
	for range 2 {
		if err := probe(50 * time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("probe during a slow login: %v, want DeadlineExceeded", err)
		}
	}
	if err := probe(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if n := srv.Calls("InitiateAuth"); n != 1 {
		t.Fatalf("three probes made %d logins, want the one they joined", n)
	}
	srv.SetLatency(0)

	srv.SetFailureRate(1, cognitotest.FaultInternalError)
	srv.Advance(8 * time.Minute) // in the renewal window, still valid
	for range 3 {
		if err := probe(time.Second); err != nil {
			t.Fatalf("probe with a valid token while Cognito fails: %v", err)
		}
	}
	srv.Advance(3 * time.Minute) // expired
	for range 2 {
		if err := probe(time.Second); err == nil {
			t.Fatal("probe succeeded with an expired token and Cognito failing")
		}
	}
	calls := len(srv.Requests())
	for range 5 {
		if err := probe(time.Second); !errors.Is(err, cognitosrp.ErrInternalError) {
			t.Fatalf("held probe: %v, want Cognito's last error", err)
		}
	}
	if n := len(srv.Requests()) - calls; n != 0 {
		t.Errorf("held probes called Cognito %d times", n)
	}
}
