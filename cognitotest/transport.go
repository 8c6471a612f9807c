// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
)

// Transport returns an http.RoundTripper that serves every request with s
// in memory, in the calling goroutine, whatever host its URL names: no
// listener, no connection. It is for tests in a testing/synctest bubble
// (Go 1.25 and later), whose clock moves only while every goroutine in it
// waits on something of the bubble's, which a socket is not. There, make
// the Server with NewUnstartedServer and a Config.URL of your choice
// ("http://cognito.test"), do not Start it, and give the session
// &http.Client{Transport: srv.Transport()} as its HTTPClient (Options,
// Config, VerifierConfig): its clock is then the bubble's, and a test can
// sleep through days of token lifetimes in milliseconds. It also works
// outside a bubble, on a started Server or not.
//
// A request whose context ends before it is answered (injected latency
// waits on it) fails with the context's cause, as net/http's Transport
// fails it; FaultConnectionReset fails the request with an error that
// wraps io.ErrUnexpectedEOF, as a connection closed before the answer does
// in net/http. A panic while serving (in a Logf, a clock or a Config.Rand
// of yours) fails the request the same way, and is logged with its stack
// as net/http's server logs it (http.ErrAbortHandler silently): it does
// not reach the caller's goroutine. The response body is the answer,
// read from memory.
func (s *Server) Transport() http.RoundTripper { return memoryTransport{s} }

type memoryTransport struct{ s *Server }

// RoundTrip serves req with the server. It does not modify req; it closes
// req.Body, as a RoundTripper must.
func (t memoryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		defer req.Body.Close()
	}
	if err := context.Cause(req.Context()); err != nil {
		return nil, err
	}
	// The handler gets a request as a server would: its own copy, with
	// the Host, RequestURI and RemoteAddr a server sets, and a body.
	in := req.Clone(req.Context())
	if in.Host == "" {
		in.Host = req.URL.Host
	}
	in.RequestURI = req.URL.RequestURI()
	in.RemoteAddr = "192.0.2.1:1234" // documentation address (RFC 5737)
	if in.Body == nil {
		in.Body = http.NoBody
	}
	w := &memoryWriter{ResponseRecorder: httptest.NewRecorder()}
	if !t.serve(w, in) {
		return nil, fmt.Errorf("cognitotest: %s %s: the server panicked and closed the connection without answering: %w",
			req.Method, req.URL.Redacted(), io.ErrUnexpectedEOF)
	}
	if w.hijacked {
		// Dropped because the request's context ended (latency cut
		// short): its cause, as net/http gives, not a network failure.
		if err := context.Cause(req.Context()); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("cognitotest: %s %s: the server closed the connection without answering: %w",
			req.Method, req.URL.Redacted(), io.ErrUnexpectedEOF)
	}
	res := w.Result()
	res.Request = req
	return res, nil
}

// serve runs the server's handler and reports whether it returned. Over a
// socket, net/http recovers a handler's panic, logs it and closes the
// connection, so that the client's request fails and the test goes on;
// here the handler runs in the caller's goroutine, where the panic would
// end the test binary instead.
func (t memoryTransport) serve(w http.ResponseWriter, r *http.Request) (returned bool) {
	defer func() {
		// nil: runtime.Goexit (a t.FailNow in a Logf), which goes on.
		if v := recover(); v != nil && v != http.ErrAbortHandler {
			buf := make([]byte, 64<<10)
			buf = buf[:runtime.Stack(buf, false)]
			log.Printf("cognitotest: panic serving %s %s: %v\n%s", r.Method, r.URL.Redacted(), v, buf)
		}
	}()
	t.s.ServeHTTP(w, r)
	return true
}

// memoryWriter is a recorder that can be hijacked, as a connection's
// writer can, so that a fault that closes the connection is told apart
// from an answer.
type memoryWriter struct {
	*httptest.ResponseRecorder
	hijacked bool
}

func (w *memoryWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.hijacked = true
	c, other := net.Pipe()
	other.Close()
	return c, bufio.NewReadWriter(bufio.NewReader(c), bufio.NewWriter(c)), nil
}
