// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// emuCtxCase is a row of TestContextContract: an exported call of the
// package that takes a context.Context or an *http.Request. The root
// package's TestContextContractComplete checks that the rows name every
// such call, by their name fields.
type emuCtxCase struct {
	name string // Type.Method or Func
	what string
	// run makes the call with ctx, which ends 50 ms in, and returns its
	// error; srv is a server whose every action is held an hour.
	run func(t *testing.T, srv *cognitotest.Server, ctx context.Context) error
}

// TestContextContract: a request whose context ends while the emulator
// holds it (injected latency) ends at once, over the network and through
// Transport, and the server stops serving it (the request log has it,
// dropped); ClaimsFromContext only reads ctx.
func TestContextContract(t *testing.T) {
	post := func(ctx context.Context, srv *cognitotest.Server, c *http.Client) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.Endpoint(), strings.NewReader(`{"AuthFlow":"USER_SRP_AUTH"}`))
		if err != nil {
			return err
		}
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	cases := []emuCtxCase{
		{name: "Server.ServeHTTP", what: "network", run: func(t *testing.T, srv *cognitotest.Server, ctx context.Context) error {
			return post(ctx, srv, new(http.Client))
		}},
		{name: "Server.ServeHTTP", what: "Transport", run: func(t *testing.T, srv *cognitotest.Server, ctx context.Context) error {
			return post(ctx, srv, &http.Client{Transport: srv.Transport()})
		}},
		{name: "ClaimsFromContext", run: func(t *testing.T, srv *cognitotest.Server, ctx context.Context) error {
			<-ctx.Done()
			if c, ok := cognitotest.ClaimsFromContext(ctx); c != nil || ok {
				t.Errorf("ClaimsFromContext of a bare ctx = %v, %v", c, ok)
			}
			return ctx.Err()
		}},
	}
	for _, c := range cases {
		name := c.name
		if c.what != "" {
			name += "/" + c.what
		}
		t.Run(name, func(t *testing.T) {
			for _, v := range []struct {
				name string
				ctx  func() (context.Context, context.CancelFunc)
				want error
			}{
				{"cancel", func() (context.Context, context.CancelFunc) {
					ctx, cancel := context.WithCancel(context.Background())
					time.AfterFunc(50*time.Millisecond, cancel)
					return ctx, cancel
				}, context.Canceled},
				{"deadline", func() (context.Context, context.CancelFunc) {
					return context.WithTimeout(context.Background(), 50*time.Millisecond)
				}, context.DeadlineExceeded},
			} {
				t.Run(v.name, func(t *testing.T) {
					srv := cognitotest.NewServer(t, cognitotest.Config{})
					srv.SetLatency(time.Hour)
					ctx, cancel := v.ctx()
					defer cancel()
					done := make(chan error, 1)
					go func() { done <- c.run(t, srv, ctx) }()
					select {
					case err := <-done:
						if !errors.Is(err, v.want) {
							t.Errorf("= %v; want an error matching %v", err, v.want)
						}
					case <-time.After(2 * time.Second):
						t.Fatal("did not return within 2s of its ctx's end")
					}
					if c.name != "Server.ServeHTTP" {
						return
					}
					// The server stopped serving it (Close would wait).
					for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(5 * time.Millisecond) {
						if r := srv.Requests(); len(r) == 1 && r[0].Status == 0 {
							break
						}
						if time.Now().After(deadline) {
							t.Fatalf("the server still serves the request 2s after its ctx ended: log %+v", srv.Requests())
						}
					}
				})
			}
		})
	}
}
