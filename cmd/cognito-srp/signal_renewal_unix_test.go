// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build unix

package main

import (
	"bufio"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestSignalDuringRotatedRenewal: a token or request run whose cached
// tokens are due, on a client with refresh-token rotation, that SIGINT or
// SIGTERM interrupts during its renewal ends by the signal and leaves the
// cache holding a live refresh token: a second run without a password
// succeeds. The moments: while the refused REFRESH_TOKEN_AUTH attempt is
// held (before the renewal is sent), while the renewal is held (Cognito
// has not rotated), and, for request, while the API holds the request
// after the renewal (Cognito has rotated). A signal just after Cognito's
// answer cannot be timed from outside: polled, it comes after the command
// has ended, or, rarely, while the answer is on its way, which
// TestSignalWithRenewalAnswerInTransit holds on purpose; the answer read
// and then the signal is TestSaveObtainedAfterInterrupt's.
func TestSignalDuringRotatedRenewal(t *testing.T) {
	type moment struct {
		name string
		// hold sets up the server's latency; ready reports the moment
		// has come, given the server's counts when the run started.
		hold  func(srv *cognitotest.Server)
		ready func(srv *cognitotest.Server, base map[string]int, api *heldAPI) bool
		// request only.
		requestOnly bool
	}
	moments := []moment{
		{
			name: "refresh flow attempt held",
			hold: func(srv *cognitotest.Server) { srv.SetActionLatency("InitiateAuth", 3*time.Second) },
			ready: func(srv *cognitotest.Server, base map[string]int, _ *heldAPI) bool {
				return srv.Calls("InitiateAuth") > base["InitiateAuth"]
			},
		},
		{
			name: "renewal held",
			hold: func(srv *cognitotest.Server) { srv.SetActionLatency("GetTokensFromRefreshToken", 3*time.Second) },
			ready: func(srv *cognitotest.Server, base map[string]int, _ *heldAPI) bool {
				return srv.Calls("GetTokensFromRefreshToken") > base["GetTokensFromRefreshToken"]
			},
		},
		{
			name:        "API request held",
			hold:        func(*cognitotest.Server) {},
			ready:       func(_ *cognitotest.Server, _ map[string]int, api *heldAPI) bool { return api.entered.Load() > 0 },
			requestOnly: true,
		},
	}
	// Both signals end a command the same way (main): each moment gets
	// one of them, the other command's moment the other one.
	for i, cmdName := range []string{"token", "request"} {
		for j, m := range moments {
			if m.requestOnly && cmdName != "request" {
				continue
			}
			sig := []syscall.Signal{syscall.SIGINT, syscall.SIGTERM}[(i+j)%2]
			t.Run(cmdName+"/"+m.name+"/"+sig.String(), func(t *testing.T) {
				t.Parallel()
				srv, s := cacheDue(t, cognitotest.Config{AccessTokenLifetime: 2 * time.Second, IDTokenLifetime: 2 * time.Second,
					RefreshTokenRotation: true}, "alice")
				api := newHeldAPI(t, srv)
				args := []string{cmdName}
				if cmdName == "request" {
					args = append(args, api.url+"/x")
				}
				base := map[string]int{
					"InitiateAuth":              srv.Calls("InitiateAuth"),
					"GetTokensFromRefreshToken": srv.Calls("GetTokensFromRefreshToken"),
				}
				m.hold(srv)
				r := signalWhen(t, s, args, sig, func() bool { return m.ready(srv, base, api) })
				if !r.sent {
					t.Fatalf("the moment did not come: ended %v, wait status %#x, stderr %q", r.ended, r.ws, r.stderr)
				}
				r.check(t)
				srv.SetActionLatency("InitiateAuth", -1)
				srv.SetActionLatency("GetTokensFromRefreshToken", -1)
				api.release()
				if again := s.run(args...); again.code != exitOK {
					t.Errorf("the run after the signal: exit %d, stderr %q", again.code, again.stderr)
				}
			})
		}
	}
}

// answeredRenewals counts the renewals srv answered with new tokens: the
// request log records a call once its answer is written.
func answeredRenewals(srv *cognitotest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Action == "GetTokensFromRefreshToken" && r.Status == http.StatusOK {
			n++
		}
	}
	return n
}

// heldAPI is an API that takes srv's access tokens and holds each request
// until the client gives up or release is called.
type heldAPI struct {
	url     string
	entered atomic.Int32
	held    atomic.Bool
	free    chan struct{}
}

func newHeldAPI(t *testing.T, srv *cognitotest.Server) *heldAPI {
	a := &heldAPI{free: make(chan struct{})}
	a.held.Store(true)
	api := httptest.NewServer(srv.RequireAccessToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.entered.Add(1)
		if a.held.Load() {
			select {
			case <-r.Context().Done():
				return
			case <-a.free:
			}
		}
		w.Write([]byte("ok"))
	})))
	t.Cleanup(api.Close)
	t.Cleanup(a.release)
	a.url = api.URL
	return a
}

// release lets held requests and later ones through.
func (a *heldAPI) release() {
	if a.held.Swap(false) {
		close(a.free)
	}
}

// signalWhen runs the command with args in s, sends it sig once ready
// reports true, and reports how it ended.
func signalWhen(t *testing.T, s *sandbox, args []string, sig syscall.Signal, ready func() bool) interruption {
	t.Helper()
	return interruptWhileReading(t, s.environ(), args, sig, ready)
}

// TestEmulateStopsOnSIGTERM: emulate, once serving, ends on SIGTERM as it
// does on SIGINT (TestEmulate): with status 0, as main documents.
func TestEmulateStopsOnSIGTERM(t *testing.T) {
	t.Parallel()
	_, cmd, stdout, _ := startEmulate(t)
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && !strings.HasPrefix(sc.Text(), "export ") {
	}
	go io.Copy(io.Discard, stdout)
	stopsOn(t, cmd, syscall.SIGTERM)
}

// TestSignalWithRenewalAnswerInTransit: SIGINT or SIGTERM while Cognito's
// answer to a rotating renewal is on its way (Cognito has rotated the
// refresh token, the command has not read the new one) loses that answer:
// the command keeps the cached refresh token, and within the app client's
// RetryGracePeriodSeconds a second run renews with it. (Without a grace
// period that token is dead and its successor lost with the answer: the
// next run needs the password.)
func TestSignalWithRenewalAnswerInTransit(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			cfg := cognitotest.Config{AccessTokenLifetime: 2 * time.Second, IDTokenLifetime: 2 * time.Second,
				RefreshTokenRotation: true, RotationGracePeriod: 30 * time.Second}
			srv := newEmulator(t, cfg)
			target, _ := url.Parse(srv.Endpoint())
			var inTransit atomic.Bool
			proxy := httputil.NewSingleHostReverseProxy(target)
			proxy.ModifyResponse = func(resp *http.Response) error {
				if strings.HasSuffix(resp.Request.Header.Get("X-Amz-Target"), ".GetTokensFromRefreshToken") && inTransit.CompareAndSwap(false, true) {
					// Cognito answered (and rotated); the command waits
					// for the answer until it gives up.
					<-resp.Request.Context().Done()
					return resp.Request.Context().Err()
				}
				return nil
			}
			proxy.ErrorLog = log.New(io.Discard, "", 0)
			front := httptest.NewServer(proxy)
			t.Cleanup(front.Close)
			s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
			s.env["COGNITO_ENDPOINT"] = front.URL + "/"
			s.run("token").want(t, exitOK)
			delete(s.env, "COGNITO_PASSWORD")
			time.Sleep(cfg.AccessTokenLifetime/2 + 100*time.Millisecond)
			signalWhen(t, s, []string{"token"}, sig, inTransit.Load).check(t)
			if answeredRenewals(srv) != 1 {
				t.Fatalf("%d renewals answered, want the one in transit", answeredRenewals(srv))
			}
			if again := s.run("token"); again.code != exitOK {
				t.Errorf("the run after the signal: exit %d, stderr %q", again.code, again.stderr)
			}
		})
	}
}
