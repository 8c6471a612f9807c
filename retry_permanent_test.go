// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestNoRetryOfPermanentTransportErrors: a certificate that does not verify
// fails at once instead of after every backoff, and an endpoint that is not
// an http(s) URL is refused before any request.
func TestNoRetryOfPermanentTransportErrors(t *testing.T) {
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	srv.StartTLS()
	defer srv.Close()
	// The system roots do not know the test certificate.
	c := &Client{Endpoint: srv.URL, HTTPClient: &http.Client{Transport: &http.Transport{}}}
	_, err := c.InitiateAuth(context.Background(), &InitiateAuthInput{AuthFlow: FlowUserSRPAuth, ClientId: "c"})
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("err = %v, want a certificate error", err)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for a certificate that does not verify, want 1 (no retries)", n)
	}

	// A bad endpoint is a configuration error, found before any request:
	// without a host it went out, and was retried as a network error.
	for _, endpoint := range []string{"", "cognito-idp.us-east-1.amazonaws.com", "ftp://127.0.0.1/", "https:///", "http:/x", "http://[::1"} {
		c := &Client{Endpoint: endpoint, HTTPClient: &http.Client{Transport: RoundTripFunc(func(*http.Request) (*http.Response, error) {
			t.Errorf("endpoint %q: a request was sent", endpoint)
			return nil, context.Canceled
		})}}
		if _, err := c.InitiateAuth(context.Background(), &InitiateAuthInput{}); !errors.Is(err, ErrConfig) {
			t.Errorf("endpoint %q: %v, want ErrConfig", endpoint, err)
		}
	}
}
