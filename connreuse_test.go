// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// countingServer starts h on an httptest.Server and counts the TCP
// connections clients open to it.
func countingServer(t *testing.T, h http.Handler) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	conns := new(atomic.Int32)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, conns
}

// TestRetryTransportReusesConnection: the retrying transport of
// Example_retry, which the README tells users to put in Options.Base,
// sends its attempts over one kept-alive connection. It closed each
// refused response unread, which closes its connection: every attempt
// opened a new one (a TLS handshake each, against a real API).
func TestRetryTransportReusesConnection(t *testing.T) {
	var calls atomic.Int32
	api, conns := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if calls.Add(1) < 3 {
			http.Error(w, "try again", http.StatusServiceUnavailable)
		}
	}))
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: &retryTransport{Base: tr, Attempts: 3}}
	resp, err := c.Post(api.URL, "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || calls.Load() != 3 {
		t.Fatalf("status %d after %d attempts, want 200 after 3", resp.StatusCode, calls.Load())
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("3 attempts opened %d connections, want 1", n)
	}
}
