// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
)

// TestRetryAfter401WithStalledBody: a 401 whose body stops arriving (the
// API sent its headers and part of its body, then nothing) does not hold
// the retry back. The Auth read the 401's body before sending the request
// again, to reuse the connection, for as long as the body took: until the
// request's deadline, which the retry then missed, or forever without
// one, where the 401 itself had come at once.
func TestRetryAfter401WithStalledBody(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	stop := make(chan struct{})
	defer close(stop)
	var conns atomic.Int32
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			first := conns.Add(1) == 1
			go func() {
				defer c.Close()
				br := bufio.NewReader(c)
				for {
					req, err := http.ReadRequest(br)
					if err != nil {
						return
					}
					io.Copy(io.Discard, req.Body)
					if first {
						io.WriteString(c, "HTTP/1.1 401 Unauthorized\r\nContent-Length: 100\r\n\r\nrefused")
						<-stop
						return
					}
					io.WriteString(c, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
				}
			}()
		}
	}()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	_, a := emulatorAuth(t, tr)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := a.Token(ctx); err != nil { // the login, which -race slows, before the clock starts
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+l.Addr().String()+"/x", nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	resp, err := a.Client().Do(req)
	took := time.Since(start)
	if err != nil {
		t.Fatalf("after %v: %v; want the retry's answer", took.Round(time.Millisecond), err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("HTTP %d after %v; want the retry's 200", resp.StatusCode, took.Round(time.Millisecond))
	}
}

// TestRetryAfter401DoesNotReadLongBody: a 401 whose Content-Length is over
// what the Auth drains to reuse a connection is closed unread before the
// retry: reading the first 64 KiB of it could not free the connection.
func TestRetryAfter401DoesNotReadLongBody(t *testing.T) {
	var calls atomic.Int32
	var read atomic.Int64
	var closed atomic.Bool
	base := cognitosrp.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		if calls.Add(1) > 1 {
			return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
		}
		body := &countingBody{read: &read, closed: &closed}
		return &http.Response{StatusCode: 401, ContentLength: 8 << 20, Body: body, Request: r}, nil
	})
	_, a := emulatorAuth(t, base)
	req, _ := http.NewRequest(http.MethodGet, "http://127.0.0.1:1/", nil)
	resp, err := a.RoundTrip(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("RoundTrip = %v, %v; want the retry's 200", resp, err)
	}
	if n := read.Load(); n != 0 || !closed.Load() {
		t.Errorf("the 401's 8 MiB body: %d bytes read, closed %v; want 0, true", n, closed.Load())
	}
}

// countingBody is an endless body of zeros that counts what is read.
type countingBody struct {
	read   *atomic.Int64
	closed *atomic.Bool
}

func (b *countingBody) Read(p []byte) (int, error) {
	clear(p)
	b.read.Add(int64(len(p)))
	return len(p), nil
}

func (b *countingBody) Close() error { b.closed.Store(true); return nil }

// TestRetryAfter401DrainsBodyOfTheLimit: a 401 whose body is exactly as
// long as what the Auth drains (64 KiB) is read to its end, so the retry
// goes over the same kept-alive connection; one byte more (see
// TestRetryAfter401DoesNotReadLongBody) is closed unread. Reading one byte
// less, or closing a body of the limit unread, would cost each such 401 a
// new connection (a TLS handshake against a real API).
func TestRetryAfter401DrainsBodyOfTheLimit(t *testing.T) {
	const limit = 64 << 10
	var calls atomic.Int32
	api, conns := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Content-Length", strconv.Itoa(limit))
			w.WriteHeader(http.StatusUnauthorized)
			w.Write(make([]byte, limit))
		}
	}))
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	_, a := emulatorAuth(t, tr)
	resp, err := a.Client().Get(api.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || calls.Load() != 2 {
		t.Fatalf("HTTP %d after %d requests; want the retry's 200 after 2", resp.StatusCode, calls.Load())
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("a 401 with a %d-byte body and its retry opened %d connections, want 1", limit, n)
	}
}
