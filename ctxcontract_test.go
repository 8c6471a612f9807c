// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// This file checks the context contract of every exported call that takes
// a context.Context (or an *http.Request, whose context bounds it), in one
// table that TestContextContractComplete keeps complete: a cancelled or
// expired ctx ends the call promptly, with an error that matches ctx's
// (errors.Is), the request it was making ends too, nothing is retried
// after it, and no goroutine of the library is left behind; or, where a
// call documents that ctx bounds only the caller's wait (a login or
// renewal shared with others, a shared key fetch), exactly that.

// ctxKind is what a row of the table expects of its call.
type ctxKind int

const (
	// ctxEnds: the call ends with ctx, and so does its request.
	ctxEnds ctxKind = iota
	// ctxBoundsWait: the call returns with ctx's error, but the shared
	// work it waits for goes on (the held request does not end) until the
	// row's end func (Close, or a release of the request) ends it.
	ctxBoundsWait
	// ctxNoIO: the call makes no request and does not block; given an
	// ended ctx it returns at once, with nil or ctx's error.
	ctxNoIO
	// ctxAnswered: documented to succeed after ctx ends at this step (the
	// step's failure does not fail the call); it still returns promptly
	// and ends the request.
	ctxAnswered
)

// ctxEnv is a cognitotest emulator behind a front server that holds every
// request of one action (or the key set's GET, "jwks", or the API's,
// "api") until the request's context ends, and serves the rest.
type ctxEnv struct {
	t   *testing.T
	emu *cognitotest.Server
	srv *httptest.Server

	mu      sync.Mutex
	hold    string        // the action held
	fail    bool          // answer the held action with a retryable error instead
	arrived int           // requests of the held action
	ended   int           // of which the handler saw the end
	release chan struct{} // closed: serve the held requests
	once    sync.Once     // closes release
	reached chan struct{} // closed: the call reached the held step
	reach   func()        // closes reached
}

const ctxPassword = "correct horse battery staple"

func newCtxEnv(t *testing.T, cfg cognitotest.Config) *ctxEnv {
	e := &ctxEnv{t: t, emu: cognitotest.NewServer(t, cfg), release: make(chan struct{}), reached: make(chan struct{})}
	e.reach = sync.OnceFunc(func() { close(e.reached) })
	e.srv = httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(e.srv.Close)
	t.Cleanup(e.releaseHeld) // first: Close waits for the held requests
	for _, u := range []cognitotest.User{
		{Username: "alice", Password: ctxPassword},
		{Username: "mfa", Password: ctxPassword, SoftwareTokenMFA: true},
	} {
		if _, err := e.emu.AddUser(u); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func (e *ctxEnv) serve(w http.ResponseWriter, r *http.Request) {
	action := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService.")
	switch {
	case strings.HasSuffix(r.URL.Path, "/jwks.json"):
		action = "jwks"
	case r.URL.Path == "/api":
		action = "api"
	}
	e.mu.Lock()
	held, fail, release := action == e.hold, e.fail, e.release
	if held {
		e.arrived++
		if !fail {
			e.reach() // a failed request is answered: its row reaches its backoff
		}
	}
	e.mu.Unlock()
	switch {
	case !held && action == "api":
		io.WriteString(w, "ok")
		return
	case !held:
		e.emu.ServeHTTP(w, r)
		return
	case fail:
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"__type":"InternalErrorException","message":"held"}`)
		return
	}
	// Read first: a server notices a client that gave up (its request's
	// context ends) only once it has read the request's body.
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	select {
	case <-r.Context().Done():
	case <-release:
		defer e.emu.ServeHTTP(w, r)
	}
	e.mu.Lock()
	e.ended++
	e.mu.Unlock()
}

// holdAction makes the front server hold (or, with fail, refuse) action
// from now on.
func (e *ctxEnv) holdAction(action string, fail bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.hold, e.fail = action, fail
}

func (e *ctxEnv) counts() (arrived, ended int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.arrived, e.ended
}

// releaseHeld serves the held requests, and those to come, as the
// emulator answers them.
func (e *ctxEnv) releaseHeld() {
	e.once.Do(func() { close(e.release) })
	e.holdAction("", false)
}

func (e *ctxEnv) config() cognitosrp.Config {
	c := e.emu.SessionConfig()
	c.Endpoint = e.srv.URL + "/"
	return c
}

// session returns a session of e's pool for user, not logged in, closed
// when the test ends.
func (e *ctxEnv) session(user string, mod func(*cognitosrp.Config)) *cognitosrp.Session {
	c := e.config()
	if mod != nil {
		mod(&c)
	}
	s, err := cognitosrp.NewSession(c, user)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { s.Close() })
	return s
}

// loggedIn returns alice's session, logged in before anything is held.
func (e *ctxEnv) loggedIn(mod func(*cognitosrp.Config)) *cognitosrp.Session {
	s := e.session("alice", mod)
	if err := s.Authenticate(context.Background(), ctxPassword); err != nil {
		e.t.Fatal(err)
	}
	return s
}

// auth returns an Auth that logs alice in on its first need.
func (e *ctxEnv) auth() *cognitosrp.Auth {
	o := e.emu.Options("alice", ctxPassword)
	o.Endpoint = e.srv.URL + "/"
	a, err := cognitosrp.New(o)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { a.Close() })
	return a
}

func (e *ctxEnv) client() *cognitosrp.Client {
	return &cognitosrp.Client{Endpoint: e.srv.URL + "/"}
}

// hourlyRetry retries for ever, an hour apart: a call that sleeps a
// backoff past its ctx's end hangs. A backoff is the held step of the
// rows that use it (fail): drawing its length marks it reached.
func (e *ctxEnv) hourlyRetry(c *cognitosrp.Config) {
	c.Retry = cognitosrp.RetryPolicy{MaxAttempts: 100, BaseDelay: time.Hour, MaxDelay: time.Hour,
		MaxElapsed: 2 * time.Hour, Jitter: func(d time.Duration) time.Duration { e.reach(); return d }}
}

// waitForCtx is a challenge handler that answers only when its ctx ends.
func waitForCtx(ctx context.Context, _ *cognitosrp.Challenge) (*cognitosrp.ChallengeAnswer, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// expiredTokens returns s's tokens with both tokens expired an hour ago, so that
// the next need renews them.
func expiredTokens(s *cognitosrp.Session) *cognitosrp.Tokens {
	t := *s.Tokens()
	t.AccessExpiry, t.IDExpiry = time.Now().Add(-time.Hour), time.Now().Add(-time.Hour)
	t.IssuedAt = time.Now().Add(-2 * time.Hour)
	return &t
}

// ctxCase is a row of the table: the call named name (as
// TestContextContractComplete names it), with the request it is held at.
type ctxCase struct {
	name string // Type.Method or Func
	what string // which step, when a name has several rows
	hold string // the action held ("" for none)
	fail bool   // the held action fails with a retryable error instead
	kind ctxKind
	// later: the held step is not the call's first request; the
	// deadline variant is skipped.
	later bool
	// reaches: the row's setup calls ctxEnv.reach at its step, which no
	// request marks.
	reaches bool
	// pool, when set, changes the emulator's Config.
	pool func(*cognitotest.Config)
	// setup prepares the call and returns it, and what ends what it
	// leaves going (nil: nothing).
	setup func(e *ctxEnv) (call func(ctx context.Context) error, end func())
}

// ctxCases is the table: every exported call of the package that takes a
// context.Context or an *http.Request, at each step where it can block.
func ctxCases(t *testing.T) []ctxCase {
	dir := t.TempDir()
	owner := cognitosrp.DeviceOwner{UserPoolID: "us-east-1_ctx", Username: "alice"}
	device := &cognitosrp.Device{Key: "us-east-1_k", GroupKey: "g", Password: "p"}
	tokens := &cognitosrp.Tokens{AccessToken: "a.b.c", IDToken: "a.b.c", AccessExpiry: time.Now().Add(time.Hour), IDExpiry: time.Now().Add(time.Hour)}
	noIO := func(name string, call func(ctx context.Context) error) ctxCase {
		return ctxCase{name: name, kind: ctxNoIO, setup: func(*ctxEnv) (func(context.Context) error, func()) { return call, nil }}
	}
	client := func(name, action string, call func(ctx context.Context, c *cognitosrp.Client) error) ctxCase {
		return ctxCase{name: name, hold: action, kind: ctxEnds, setup: func(e *ctxEnv) (func(context.Context) error, func()) {
			c := e.client()
			return func(ctx context.Context) error { return call(ctx, c) }, nil
		}}
	}
	// closing ends a session's flight, which ctx does not.
	closing := func(s *cognitosrp.Session) func() { return func() { s.Close() } }
	fileStore := cognitosrp.NewFileStore(filepath.Join(dir, "tokens.json"))
	fileDevices := cognitosrp.NewFileDeviceStore(filepath.Join(dir, "devices.json"))
	memStore, memDevices := new(cognitosrp.MemoryStore), new(cognitosrp.MemoryDeviceStore)
	challenge := &cognitosrp.Challenge{Name: cognitosrp.ChallengeSoftwareTokenMFA}

	return []ctxCase{
		// Client: each call ends with ctx, and is not retried after it.
		client("Client.Call", "GetUser", func(ctx context.Context, c *cognitosrp.Client) error {
			return c.Call(ctx, "GetUser", map[string]string{"AccessToken": "x"}, new(struct{}))
		}),
		client("Client.InitiateAuth", "InitiateAuth", func(ctx context.Context, c *cognitosrp.Client) error {
			_, err := c.InitiateAuth(ctx, &cognitosrp.InitiateAuthInput{AuthFlow: "USER_SRP_AUTH"})
			return err
		}),
		{name: "Client.InitiateAuth", what: "in a retry's backoff", hold: "InitiateAuth", fail: true, kind: ctxEnds,
			setup: func(e *ctxEnv) (func(context.Context) error, func()) {
				c := e.client()
				var cfg cognitosrp.Config
				e.hourlyRetry(&cfg)
				c.Retry = cfg.Retry
				return func(ctx context.Context) error {
					_, err := c.InitiateAuth(ctx, &cognitosrp.InitiateAuthInput{AuthFlow: "USER_SRP_AUTH"})
					return err
				}, nil
			}},
		client("Client.RespondToAuthChallenge", "RespondToAuthChallenge", func(ctx context.Context, c *cognitosrp.Client) error {
			_, err := c.RespondToAuthChallenge(ctx, &cognitosrp.RespondToAuthChallengeInput{ChallengeName: "PASSWORD_VERIFIER"})
			return err
		}),
		client("Client.GetTokensFromRefreshToken", "GetTokensFromRefreshToken", func(ctx context.Context, c *cognitosrp.Client) error {
			_, err := c.GetTokensFromRefreshToken(ctx, &cognitosrp.GetTokensFromRefreshTokenInput{RefreshToken: "r"})
			return err
		}),
		client("Client.RevokeToken", "RevokeToken", func(ctx context.Context, c *cognitosrp.Client) error {
			return c.RevokeToken(ctx, &cognitosrp.RevokeTokenInput{Token: "r"})
		}),
		client("Client.GlobalSignOut", "GlobalSignOut", func(ctx context.Context, c *cognitosrp.Client) error {
			return c.GlobalSignOut(ctx, &cognitosrp.GlobalSignOutInput{AccessToken: "a"})
		}),
		client("Client.ConfirmDevice", "ConfirmDevice", func(ctx context.Context, c *cognitosrp.Client) error {
			_, err := c.ConfirmDevice(ctx, &cognitosrp.ConfirmDeviceInput{AccessToken: "a", DeviceKey: "k"})
			return err
		}),
		client("Client.UpdateDeviceStatus", "UpdateDeviceStatus", func(ctx context.Context, c *cognitosrp.Client) error {
			return c.UpdateDeviceStatus(ctx, &cognitosrp.UpdateDeviceStatusInput{AccessToken: "a", DeviceKey: "k"})
		}),

		// Session.Authenticate runs the login in the caller's ctx, at
		// every step.
		{name: "Session.Authenticate", what: "InitiateAuth", hold: "InitiateAuth", kind: ctxEnds,
			setup: func(e *ctxEnv) (func(context.Context) error, func()) {
				s := e.session("alice", nil)
				return func(ctx context.Context) error { return s.Authenticate(ctx, ctxPassword) }, nil
			}},
		{name: "Session.Authenticate", what: "in a retry's backoff", hold: "InitiateAuth", fail: true, kind: ctxEnds,
			setup: func(e *ctxEnv) (func(context.Context) error, func()) {
				s := e.session("alice", e.hourlyRetry)
				return func(ctx context.Context) error { return s.Authenticate(ctx, ctxPassword) }, nil
			}},
		{name: "Session.Authenticate", what: "PASSWORD_VERIFIER", hold: "RespondToAuthChallenge", kind: ctxEnds, later: true,
			setup: func(e *ctxEnv) (func(context.Context) error, func()) {
				s := e.session("alice", nil)
				return func(ctx context.Context) error { return s.Authenticate(ctx, ctxPassword) }, nil
			}},
		{name: "Session.Authenticate", what: "in a restart's backoff", hold: "RespondToAuthChallenge", fail: true, kind: ctxEnds, later: true,
			setup: func(e *ctxEnv) (func(context.Context) error, func()) {
				s := e.session("alice", e.hourlyRetry)
				return func(ctx context.Context) error { return s.Authenticate(ctx, ctxPassword) }, nil
			}},
		{name: "Session.Authenticate", what: "ChallengeHandler", kind: ctxEnds, later: true, reaches: true,
			setup: func(e *ctxEnv) (func(context.Context) error, func()) {
				var asked atomic.Bool
				s := e.session("mfa", func(c *cognitosrp.Config) {
					c.ChallengeHandler = cognitosrp.ChallengeHandlerFunc(func(ctx context.Context, c *cognitosrp.Challenge) (*cognitosrp.ChallengeAnswer, error) {
						asked.Store(true)
						e.reach()
						return waitForCtx(ctx, c)
					})
				})
				return func(ctx context.Context) error {
					err := s.Authenticate(ctx, ctxPassword)
					if !asked.Load() {
						e.t.Errorf("the handler was not asked: the row checks nothing (%v)", err)
					}
					return err
				}, nil
			}},
		// Config.Devices: a device that could not be confirmed does not
		// fail the login, whose tokens are good (RememberDevices).
		{name: "Session.Authenticate", what: "ConfirmDevice", hold: "ConfirmDevice", kind: ctxAnswered, later: true,
			setup: func(e *ctxEnv) (func(context.Context) error, func()) {
				s := e.session("alice", func(c *cognitosrp.Config) { c.Devices = cognitosrp.RememberDevices(nil, "") })
				return func(ctx context.Context) error { return s.Authenticate(ctx, ctxPassword) }, nil
			}},

		{name: "Session.Authenticate", what: "UpdateDeviceStatus", hold: "UpdateDeviceStatus", kind: ctxAnswered, later: true,
			pool: func(c *cognitotest.Config) { c.DeviceOnlyRememberedOnUserPrompt = true },
			setup: func(e *ctxEnv) (func(context.Context) error, func()) {
				s := e.session("alice", func(c *cognitosrp.Config) { c.Devices = cognitosrp.RememberDevices(nil, "") })
				return func(ctx context.Context) error { return s.Authenticate(ctx, ctxPassword) }, nil
			}},

		// A renewal or login the session shares: ctx bounds the wait.
		{name: "Session.Refresh", hold: "InitiateAuth", kind: ctxBoundsWait,
			setup: func(e *ctxEnv) (func(context.Context) error, func()) {
				s := e.loggedIn(nil)
				return s.Refresh, closing(s)
			}},
		{name: "Session.ValidTokens", hold: "InitiateAuth", kind: ctxBoundsWait,
			setup: func(e *ctxEnv) (func(context.Context) error, func()) {
				s := e.loggedIn(nil)
				s.SetTokens(expiredTokens(s))
				return func(ctx context.Context) error {
					_, err := s.ValidTokens(ctx, cognitosrp.AccessToken)
					return err
				}, closing(s)
			}},
		{name: "Session.SignOut", hold: "RevokeToken", kind: ctxEnds,
			setup: func(e *ctxEnv) (func(context.Context) error, func()) {
				return e.loggedIn(nil).SignOut, nil
			}},
		{name: "Session.GlobalSignOut", what: "GlobalSignOut", hold: "GlobalSignOut", kind: ctxEnds,
			setup: func(e *ctxEnv) (func(context.Context) error, func()) {
				return e.loggedIn(nil).GlobalSignOut, nil
			}},
		{name: "Session.GlobalSignOut", what: "renewing first", hold: "InitiateAuth", kind: ctxBoundsWait,
			setup: func(e *ctxEnv) (func(context.Context) error, func()) {
				s := e.loggedIn(nil)
				s.SetTokens(expiredTokens(s))
				return s.GlobalSignOut, closing(s)
			}},

		// Auth: its first need logs in, in a flight of the session's.
		{name: "Auth.Token", hold: "InitiateAuth", kind: ctxBoundsWait,
			setup: func(e *ctxEnv) (func(context.Context) error, func()) {
				a := e.auth()
				return func(ctx context.Context) error { _, err := a.Token(ctx); return err }, func() { a.Close() }
			}},
		{name: "Auth.HeaderValue", hold: "InitiateAuth", kind: ctxBoundsWait,
			setup: func(e *ctxEnv) (func(context.Context) error, func()) {
				a := e.auth()
				return func(ctx context.Context) error { _, err := a.HeaderValue(ctx); return err }, func() { a.Close() }
			}},
		{name: "Auth.GetRequestMetadata", hold: "InitiateAuth", kind: ctxBoundsWait,
			setup: func(e *ctxEnv) (func(context.Context) error, func()) {
				a := e.auth()
				return func(ctx context.Context) error { _, err := a.GetRequestMetadata(ctx); return err }, func() { a.Close() }
			}},
		{name: "Auth.RoundTrip", what: "logging in", hold: "InitiateAuth", kind: ctxBoundsWait,
			setup: func(e *ctxEnv) (func(context.Context) error, func()) {
				a := e.auth()
				return func(ctx context.Context) error { return roundTrip(ctx, a, e.srv.URL+"/api") }, func() { a.Close() }
			}},
		{name: "Auth.RoundTrip", what: "the API request", hold: "api", kind: ctxEnds,
			setup: func(e *ctxEnv) (func(context.Context) error, func()) {
				a := e.auth()
				if _, err := a.Token(context.Background()); err != nil {
					e.t.Fatal(err)
				}
				return func(ctx context.Context) error { return roundTrip(ctx, a, e.srv.URL+"/api") }, nil
			}},

		// Verify shares its key fetch with other verifications: ctx bounds
		// the wait (Verifier.Verify's doc).
		{name: "Verifier.Verify", hold: "jwks", kind: ctxBoundsWait,
			setup: func(e *ctxEnv) (func(context.Context) error, func()) {
				s := e.loggedIn(nil)
				vc := e.emu.VerifierConfig()
				vc.JWKSURL = e.srv.URL + "/" + e.emu.PoolID() + "/.well-known/jwks.json"
				v, err := cognitosrp.NewVerifier(vc)
				if err != nil {
					e.t.Fatal(err)
				}
				return func(ctx context.Context) error {
					_, err := v.Verify(ctx, s.Tokens().AccessToken)
					return err
				}, e.releaseHeld
			}},

		// The handlers pass ctx on, or do not block.
		{name: "ChallengeHandlerFunc.HandleChallenge", kind: ctxEnds,
			setup: func(*ctxEnv) (func(context.Context) error, func()) {
				return func(ctx context.Context) error {
					_, err := cognitosrp.ChallengeHandlerFunc(waitForCtx).HandleChallenge(ctx, challenge)
					return err
				}, nil
			}},
		{name: "ChallengeHandlers.HandleChallenge", kind: ctxEnds,
			setup: func(*ctxEnv) (func(context.Context) error, func()) {
				hs := cognitosrp.ChallengeHandlers{cognitosrp.NewPassword{}, cognitosrp.ChallengeHandlerFunc(waitForCtx)}
				return func(ctx context.Context) error { _, err := hs.HandleChallenge(ctx, challenge); return err }, nil
			}},
		noIO("TOTP.HandleChallenge", func(ctx context.Context) error {
			_, err := cognitosrp.TOTP{Secret: "JBSWY3DPEHPK3PXP"}.HandleChallenge(ctx, challenge)
			return err
		}),
		noIO("NewPassword.HandleChallenge", func(ctx context.Context) error {
			_, err := cognitosrp.NewPassword{Password: "x"}.HandleChallenge(ctx, &cognitosrp.Challenge{Name: cognitosrp.ChallengeNewPasswordRequired})
			return err
		}),

		// The stores do not block (TokenStore: Save and Clear are given a
		// ctx that never ends).
		noIO("FileStore.Load", func(ctx context.Context) error { _, err := fileStore.Load(ctx); return err }),
		noIO("FileStore.Save", func(ctx context.Context) error { return fileStore.Save(ctx, tokens) }),
		noIO("FileStore.Clear", fileStore.Clear),
		noIO("MemoryStore.Load", func(ctx context.Context) error { _, err := memStore.Load(ctx); return err }),
		noIO("MemoryStore.Save", func(ctx context.Context) error { return memStore.Save(ctx, tokens) }),
		noIO("MemoryStore.Clear", memStore.Clear),
		noIO("FileDeviceStore.LoadDevice", func(ctx context.Context) error { _, err := fileDevices.LoadDevice(ctx, owner); return err }),
		noIO("FileDeviceStore.SaveDevice", func(ctx context.Context) error { return fileDevices.SaveDevice(ctx, owner, device) }),
		noIO("FileDeviceStore.DeleteDevice", func(ctx context.Context) error { return fileDevices.DeleteDevice(ctx, owner) }),
		noIO("MemoryDeviceStore.LoadDevice", func(ctx context.Context) error { _, err := memDevices.LoadDevice(ctx, owner); return err }),
		noIO("MemoryDeviceStore.SaveDevice", func(ctx context.Context) error { return memDevices.SaveDevice(ctx, owner, device) }),
		noIO("MemoryDeviceStore.DeleteDevice", func(ctx context.Context) error { return memDevices.DeleteDevice(ctx, owner) }),
	}
}

// roundTrip sends a GET of url through a in ctx and closes the body.
func roundTrip(ctx context.Context, a *cognitosrp.Auth, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := a.RoundTrip(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}

// TestContextContract runs each row of ctxCases with a ctx cancelled
// 50 ms in, and with one whose deadline passes then. The rows run in
// parallel with each other, each with its own emulator, front server and
// stores (ctxCases again), and each checks only the goroutines its own
// calls started (its pprof label); the test itself is not parallel, so that when
// the rows are done no goroutine of the library that was not there
// before is left, whichever row started it.
func TestContextContract(t *testing.T) {
	before := libraryGoroutineIDs()
	t.Cleanup(func() { checkNoLibraryGoroutines(t, before, "") }) // after every row's
	for i, c := range ctxCases(t) {
		name := c.name
		if c.what != "" {
			name += "/" + c.what
		}
		// Named name/cancel, not a subtest of a subtest name: a serial
		// parent would wait for its parallel rows before the next row.
		t.Run(name+"/cancel", func(t *testing.T) {
			t.Parallel()
			checkContextContract(t, ctxCases(t)[i], false)
		})
		// A deadline that the next backoff would pass ends the retries
		// at once, with Cognito's error, before the deadline
		// (TestRetryHonoursContext); one fixed before a later step
		// could pass before the step, under -race.
		if c.kind != ctxNoIO && !c.fail && !c.later {
			t.Run(name+"/deadline", func(t *testing.T) {
				t.Parallel()
				checkContextContract(t, ctxCases(t)[i], true)
			})
		}
	}
}

// ctxBound is how long a call may take to return after its ctx ends:
// generous, for -race on a loaded machine; a call that ignores ctx blocks
// for as long as the server holds it, which is for ever.
const ctxBound = 2 * time.Second

// checkContextContract runs row c with a ctx cancelled 50 ms after the
// call reaches the held request (or the handler), or with a deadline
// 100 ms after the call starts.
func checkContextContract(t *testing.T, c ctxCase, withDeadline bool) {
	// A deadline 100 ms after the start can pass before the call reaches
	// its held request on a loaded machine, with rows side by side: such a
	// run checks nothing, and the row runs again, up to 5 times.
	for attempt := 1; ; attempt++ {
		// Every goroutine the attempt starts, and those they start, carry
		// its label: the rows run side by side.
		label := [2]string{"ctxcontract", fmt.Sprintf("%s#%d", t.Name(), attempt)}
		missed := false
		pprof.Do(context.Background(), pprof.Labels(label[0], label[1]), func(context.Context) {
			missed = checkContextContractLabelled(t, c, withDeadline, label, attempt < 5)
		})
		if !missed {
			return
		}
		t.Logf("attempt %d: the deadline passed before the call reached its held %s request; again", attempt, c.hold)
	}
}

// checkContextContractLabelled runs row c once, under label. With mayMiss,
// a deadline that passed before the call reached the held request makes
// it return true (missed) instead of failing t.
func checkContextContractLabelled(t *testing.T, c ctxCase, withDeadline bool, label [2]string, mayMiss bool) (missed bool) {
	pool := cognitotest.Config{DeviceTracking: true}
	if c.pool != nil {
		c.pool(&pool)
	}
	e := newCtxEnv(t, pool)
	call, end := c.setup(e)
	e.holdAction(c.hold, c.fail)

	ctx, cancel := context.WithCancel(context.Background())
	want := context.Canceled
	if withDeadline {
		ctx, cancel = context.WithTimeout(context.Background(), 100*time.Millisecond)
		want = context.DeadlineExceeded
	}
	defer cancel()
	if c.kind == ctxNoIO {
		cancel()
	}
	done := make(chan error, 1)
	go func() { done <- call(ctx) }()
	reached := e.reached
	if c.hold == "" && !c.reaches {
		e.reach() // at once
	}
	var err error
	returned := false
	select {
	case err = <-done:
		returned = true
	case <-reached:
	case <-time.After(10 * time.Second):
		t.Fatal("did not reach the held step in 10s")
	}
	if !returned {
		if !withDeadline {
			time.Sleep(50 * time.Millisecond)
			cancel()
		}
		select {
		case err = <-done:
		case <-ctx.Done():
			select {
			case err = <-done:
			case <-time.After(ctxBound):
				t.Fatalf("did not return within %v of its ctx's end", ctxBound)
			}
		}
	}
	arrived, ended := e.counts()

	switch c.kind {
	case ctxNoIO:
		if err != nil && !errors.Is(err, want) {
			t.Errorf("with an ended ctx: %v; want nil or an error matching %v", err, want)
		}
	case ctxAnswered:
		if err != nil {
			t.Errorf("= %v; want nil: the step's failure does not fail the call", err)
		}
	default:
		if !errors.Is(err, want) {
			t.Errorf("= %v; want an error matching %v", err, want)
		}
	}
	// A backoff row cancelled before its backoff would check nothing.
	if c.fail && (!errors.Is(err, cognitosrp.ErrInternalError) || arrived != 1) {
		t.Errorf("= %v after %d %s requests; want the one attempt's error (cancelled in its backoff)", err, arrived, c.hold)
	}
	if c.hold != "" && arrived == 0 {
		// Only a deadline that did pass: a call that returned its ctx's
		// error before the deadline did not wait for it, and fails.
		if withDeadline && mayMiss && errors.Is(err, context.DeadlineExceeded) && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			if end != nil {
				end()
			}
			return true
		}
		t.Fatalf("no %s request arrived: the row checks nothing", c.hold)
	}
	if c.kind == ctxBoundsWait && ended != 0 {
		t.Errorf("%d of %d held %s requests ended with the caller's ctx; documented to go on for the others", ended, arrived, c.hold)
	}
	if c.kind == ctxBoundsWait {
		if end == nil {
			t.Fatal("a ctxBoundsWait row needs an end func")
		}
		// Held a little longer: the work goes on, and is not repeated.
		time.Sleep(100 * time.Millisecond)
		if a, _ := e.counts(); a != arrived {
			t.Errorf("%d more %s requests while the first was held", a-arrived, c.hold)
		}
		end()
		end = nil
	}
	// The request ends (the handler sees it), and none follows.
	deadline := time.Now().Add(ctxBound)
	for {
		a, en := e.counts()
		if a == en || c.fail {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("%d of %d held %s requests still open %v after the call returned", a-en, a, c.hold, ctxBound)
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	settled, _ := e.counts()
	time.Sleep(100 * time.Millisecond)
	if a, _ := e.counts(); a != settled {
		t.Errorf("%d %s requests after the call returned (retried after its ctx ended?)", a-settled, c.hold)
	}
	if end != nil {
		end()
	}
	checkNoLibraryGoroutines(t, nil, fmt.Sprintf("%q:%q", label[0], label[1]))
	return false
}

// libraryGoroutineIDs returns the ids of the goroutines running the
// library's code (libraryGoroutines).
func libraryGoroutineIDs() map[string]bool {
	ids := map[string]bool{}
	for _, g := range libraryGoroutines() {
		id, _, _ := strings.Cut(g, " [")
		ids[id] = true
	}
	return ids
}

// checkNoLibraryGoroutines fails when goroutines of the library that were
// not there before are still running a while after. With a label (a
// pprof label as the goroutine profile prints it, "key":"value"), only
// the goroutines that carry it count, and before is not read: they are
// the row's, which started them all.
func checkNoLibraryGoroutines(t *testing.T, before map[string]bool, label string) {
	t.Helper()
	var left []string
	for deadline := time.Now().Add(ctxBound); ; time.Sleep(5 * time.Millisecond) {
		left = left[:0]
		if label != "" {
			left = append(left, labelledLibraryGoroutines(label)...)
		} else {
			for _, g := range libraryGoroutines() {
				if id, _, _ := strings.Cut(g, " ["); !before[id] {
					left = append(left, g)
				}
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			break
		}
	}
	if len(left) != 0 {
		t.Errorf("%d goroutines of the library left running:\n%s", len(left), strings.Join(left, "\n\n"))
	}
}

// labelledLibraryGoroutines returns the stacks, as the goroutine profile
// prints them (debug=1: a goroutine's labels, which runtime.Stack leaves
// out before Go 1.26, and one record for goroutines with the same stack
// and labels), of the goroutines running the library's code that carry
// label.
func labelledLibraryGoroutines(label string) []string {
	var buf bytes.Buffer
	pprof.Lookup("goroutine").WriteTo(&buf, 1)
	var out []string
	for _, g := range strings.Split(buf.String(), "\n\n") {
		_, labels, _ := strings.Cut(g, "\n# labels: {")
		labels, _, _ = strings.Cut(labels, "}\n")
		if strings.Contains(g, "github.com/gocognito/cognitosrp.") && slices.Contains(strings.Split(labels, ", "), label) {
			out = append(out, g)
		}
	}
	return out
}

// TestContextContractComplete: the table of TestContextContract has a row
// for every exported function and method of the package that takes a
// context.Context or an *http.Request, and no row for another, so that a
// new call that can block is added to it.
// Package cognitotest's TestContextContract is held to the same, by the
// name fields of its rows.
func TestContextContractComplete(t *testing.T) {
	var have []string
	for _, c := range ctxCases(t) {
		have = append(have, c.name)
	}
	checkCtxRows(t, "TestContextContract", ctxTakingCalls(t, "."), have)
	checkCtxRows(t, "cognitotest's TestContextContract", ctxTakingCalls(t, "cognitotest"),
		rowNames(t, filepath.Join("cognitotest", "ctxcontract_test.go")))
}

func checkCtxRows(t *testing.T, test string, want, have []string) {
	t.Helper()
	for _, name := range want {
		if !slices.Contains(have, name) {
			t.Errorf("%s takes a context.Context or an *http.Request, and %s has no row for it", name, test)
		}
	}
	for _, name := range have {
		if !slices.Contains(want, name) {
			t.Errorf("%s has a row for %s, which is no exported call taking a context.Context or an *http.Request", test, name)
		}
	}
}

// rowNames returns the string values of the name fields of the composite
// literals in the Go file path.
func rowNames(t *testing.T, path string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	ast.Inspect(f, func(n ast.Node) bool {
		kv, ok := n.(*ast.KeyValueExpr)
		if !ok {
			return true
		}
		key, ok := kv.Key.(*ast.Ident)
		lit, isLit := kv.Value.(*ast.BasicLit)
		if ok && isLit && key.Name == "name" && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				names = append(names, s)
			}
		}
		return true
	})
	if len(names) == 0 {
		t.Fatalf("%s: no rows", path)
	}
	return names
}

// ctxTakingCalls returns the exported functions and methods (of exported
// types) declared in the non-test files of dir whose parameters include a
// context.Context or an *http.Request, as Func or Type.Method.
func ctxTakingCalls(t *testing.T, dir string) []string {
	t.Helper()
	_, files := cognitosrp.ParseDocFiles(t, dir)
	var names []string
	for _, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || !fd.Name.IsExported() || !takesContext(fd.Type.Params) {
				continue
			}
			name := fd.Name.Name
			if fd.Recv != nil {
				recv := fd.Recv.List[0].Type
				if s, ok := recv.(*ast.StarExpr); ok {
					recv = s.X
				}
				id, ok := recv.(*ast.Ident)
				if !ok || !id.IsExported() {
					continue
				}
				name = id.Name + "." + name
			}
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		t.Fatalf("%s: no call takes a context: the parse is wrong", dir)
	}
	return names
}

// takesContext reports whether a parameter is a context.Context or an
// *http.Request.
func takesContext(params *ast.FieldList) bool {
	for _, p := range params.List {
		typ := p.Type
		star, isPtr := typ.(*ast.StarExpr)
		if isPtr {
			typ = star.X
		}
		sel, ok := typ.(*ast.SelectorExpr)
		if !ok {
			continue
		}
		pkg, ok := sel.X.(*ast.Ident)
		if !ok {
			continue
		}
		switch {
		case !isPtr && pkg.Name == "context" && sel.Sel.Name == "Context",
			isPtr && pkg.Name == "http" && sel.Sel.Name == "Request":
			return true
		}
	}
	return false
}
