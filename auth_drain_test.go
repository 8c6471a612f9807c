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
