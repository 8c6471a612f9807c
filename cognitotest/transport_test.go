// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// memoryServer returns a Server that never listens, with a user alice,
// and the options of an Auth that reaches it through Transport.
func memoryServer(t *testing.T) (*cognitotest.Server, cognitosrp.Options) {
	t.Helper()
	srv, err := cognitotest.NewUnstartedServer(cognitotest.Config{URL: "http://cognito.test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: "correct horse"}); err != nil {
		t.Fatal(err)
	}
	opts := srv.Options("alice", "correct horse")
	opts.HTTPClient = &http.Client{Transport: srv.Transport()}
	return srv, opts
}

// TestTransportServesInMemory: a session logs in, renews and has its
// tokens verified through Transport, on a Server that never listened.
func TestTransportServesInMemory(t *testing.T) {
	srv, opts := memoryServer(t)
	vcfg := srv.VerifierConfig()
	vcfg.HTTPClient = opts.HTTPClient
	v, err := cognitosrp.NewVerifier(vcfg)
	if err != nil {
		t.Fatal(err)
	}
	opts.Verifier = v
	auth, err := cognitosrp.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	ctx := context.Background()
	tok, err := auth.Token(ctx)
	if err != nil {
		t.Fatalf("Token through Transport: %v", err)
	}
	if _, err := srv.VerifyAccessToken(tok); err != nil {
		t.Fatalf("the emulator refuses its token: %v", err)
	}
	if err := auth.Session().Refresh(ctx); err != nil {
		t.Fatalf("Refresh through Transport: %v", err)
	}
	if n := srv.Calls("InitiateAuth"); n != 2 { // the login's and the renewal's
		t.Errorf("%d InitiateAuth calls, want 2", n)
	}
}

// TestTransportConnectionReset: FaultConnectionReset fails the request as
// a closed connection does, not with an answer, and the session retries
// it as it would on a network.
func TestTransportConnectionReset(t *testing.T) {
	srv, opts := memoryServer(t)
	srv.FailNext(1, cognitotest.FaultConnectionReset)
	rt := srv.Transport()
	req, _ := http.NewRequest(http.MethodPost, srv.Endpoint(), strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
	res, err := rt.RoundTrip(req)
	if !errors.Is(err, io.ErrUnexpectedEOF) || res != nil {
		t.Fatalf("RoundTrip under FaultConnectionReset = %v, %v; want an error matching io.ErrUnexpectedEOF", res, err)
	}
	srv.FailNext(1, cognitotest.FaultConnectionReset)
	auth, err := cognitosrp.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	if _, err := auth.Token(context.Background()); err != nil {
		t.Fatalf("Token after one reset connection: %v", err)
	}
}

// TestTransportRoundTripContract: RoundTrip closes the body, leaves the
// request as it was, and fails a request whose context ended without
// serving it.
func TestTransportRoundTripContract(t *testing.T) {
	srv, _ := memoryServer(t)
	rt := srv.Transport()
	body := &closeCounter{Reader: strings.NewReader("{}")}
	req, _ := http.NewRequest(http.MethodPost, srv.Endpoint(), body)
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.GetUser")
	req.Host = ""
	res, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Request != req || res.StatusCode != http.StatusBadRequest {
		t.Errorf("GetUser without a token = %d (Request %p), want 400 for %p", res.StatusCode, res.Request, req)
	}
	if body.closed != 1 || req.Host != "" || req.RequestURI != "" || req.RemoteAddr != "" {
		t.Errorf("after RoundTrip: body closed %d times, Host %q, RequestURI %q, RemoteAddr %q; want 1 and the request as it was",
			body.closed, req.Host, req.RequestURI, req.RemoteAddr)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	body = &closeCounter{Reader: strings.NewReader("{}")}
	req, _ = http.NewRequestWithContext(ctx, http.MethodPost, srv.Endpoint(), body)
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.GetUser") // counted if served
	before := srv.Calls("")
	if res, err := rt.RoundTrip(req); !errors.Is(err, context.Canceled) || res != nil {
		t.Fatalf("RoundTrip with a cancelled context = %v, %v; want context.Canceled", res, err)
	}
	if body.closed != 1 || srv.Calls("") != before {
		t.Errorf("a cancelled request: body closed %d times, %d calls served; want 1 and none", body.closed, srv.Calls("")-before)
	}
}

type closeCounter struct {
	io.Reader
	closed int
}

func (c *closeCounter) Close() error { c.closed++; return nil }

// TestTransportContextEndsWhileServed: a request whose context ends while
// the server holds it (injected latency) fails with the context's cause,
// as it does through net/http's Transport, not as a connection the server
// closed: a caller's timeout must read as its timeout.
func TestTransportContextEndsWhileServed(t *testing.T) {
	srv, _ := memoryServer(t)
	srv.SetLatency(time.Hour)
	errMine := errors.New("the caller gave up")
	ctx, cancel := context.WithTimeoutCause(context.Background(), 20*time.Millisecond, errMine)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.Endpoint(), strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
	res, err := srv.Transport().RoundTrip(req)
	if !errors.Is(err, errMine) || errors.Is(err, io.ErrUnexpectedEOF) || res != nil {
		t.Fatalf("RoundTrip whose context ended during the latency = %v, %v; want its cause %v", res, err, errMine)
	}
}

// TestTransportHandlerPanic: a panic while serving (here in Logf, which a
// test sets to its t.Logf, and which panics once its test has ended)
// fails the round trip as net/http's server fails the request, with the
// panic logged (http.ErrAbortHandler silently), and the server serves the
// next request. Through Transport the handler runs in the caller's
// goroutine: the panic ended the test binary where over a socket the one
// request failed.
func TestTransportHandlerPanic(t *testing.T) {
	var logged strings.Builder
	prev, flags := log.Writer(), log.Flags()
	log.SetOutput(&logged)
	log.SetFlags(0)
	t.Cleanup(func() { log.SetOutput(prev); log.SetFlags(flags) })

	for _, v := range []any{"boom", http.ErrAbortHandler} {
		logged.Reset()
		var panicked atomic.Bool
		srv, err := cognitotest.NewUnstartedServer(cognitotest.Config{URL: "http://cognito.test", Logf: func(string, ...any) {
			if !panicked.Swap(true) {
				panic(v)
			}
		}})
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		send := func() (*http.Response, error) {
			req, _ := http.NewRequest(http.MethodPost, srv.Endpoint(), strings.NewReader("{}"))
			req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.GetUser")
			return srv.Transport().RoundTrip(req)
		}
		if res, err := send(); !errors.Is(err, io.ErrUnexpectedEOF) || res != nil {
			t.Fatalf("panic(%v): RoundTrip = %v, %v; want an error matching io.ErrUnexpectedEOF", v, res, err)
		}
		want := ""
		if v == "boom" {
			want = "cognitotest: panic serving POST http://cognito.test/: boom\ngoroutine "
		}
		if got := logged.String(); !strings.HasPrefix(got, want) || (want == "") != (got == "") {
			t.Errorf("panic(%v) logged %q, want it to start with %q", v, got, want)
		}
		res, err := send()
		if err != nil {
			t.Fatalf("the request after the panic: %v", err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("the request after the panic = %d, want 400 (no access token)", res.StatusCode)
		}
	}
}
