// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build go1.25

package cognitosrp_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// freezer stands for the network of a process that AWS Lambda freezes
// between invocations: once freeze is called, the next call to Cognito
// goes out and then hangs, not even seeing its context end, until thaw,
// as nothing in a frozen process runs, its timers included; then it
// reports that context's error, as net/http does once the timers that
// came due meanwhile have fired.
type freezer struct {
	next http.RoundTripper

	mu     sync.Mutex
	frozen chan struct{} // closed by thaw; nil when not frozen
	after  string        // freezeAfter's action, "" for freeze
}

func (f *freezer) freeze() {
	f.mu.Lock()
	f.frozen = make(chan struct{})
	f.mu.Unlock()
}

// freezeAfter freezes the process once Cognito has answered the next
// call of action (its X-Amz-Target's, such as "RespondToAuthChallenge"):
// that answer has come in, and is taken on the thaw; other calls go
// through until then.
func (f *freezer) freezeAfter(action string) {
	f.freeze()
	f.mu.Lock()
	f.after = action
	f.mu.Unlock()
}

func (f *freezer) thaw() {
	f.mu.Lock()
	close(f.frozen)
	f.frozen, f.after = nil, ""
	f.mu.Unlock()
}

func (f *freezer) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	frozen, after := f.frozen, f.after
	f.mu.Unlock()
	if after != "" {
		if !strings.HasSuffix(r.Header.Get("X-Amz-Target"), "."+after) {
			return f.next.RoundTrip(r)
		}
		res, err := f.next.RoundTrip(r)
		<-frozen
		return res, err
	}
	if frozen != nil {
		<-frozen
		if err := r.Context().Err(); err != nil {
			if r.Body != nil {
				r.Body.Close()
			}
			return nil, err
		}
	}
	return f.next.RoundTrip(r)
}

// TestLambdaThawJoinsFrozenFlight: an Auth built once at a Lambda cold
// start, whose login or renewal is under way when the process is frozen,
// before Cognito's answer is read, for two hours: the login of a first
// invocation whose deadline came first, or the renewal that an
// invocation started in the background, its token in its renewal
// window. On the thaw that flight's timers are all due, and it fails by
// its own timeout. The next invocation, with seconds left on its
// deadline, finds the token missing or expired and the flight still
// under way: it must get a token, not the flight's timeout, which
// matches context.DeadlineExceeded as if the invocation itself had run
// out of time. Nor may the session hold that timeout back as the second
// failure in a row, when a login failed once before ("after a failure").
func TestLambdaThawJoinsFrozenFlight(t *testing.T) {
	for _, name := range []string{"login", "renewal", "after a failure", "Refresh"} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { lambdaThaw(t, name) })
		})
	}
}

func lambdaThaw(t *testing.T, name string) {
	n, auth, fz, call := freezingAuth(t) // tokens for an hour
	invoke := func() error { return call(3 * time.Second) }
	if name == "after a failure" {
		n.emu.FailNext(1, cognitotest.Fault("NotAuthorizedException"))
		if err := invoke(); err == nil {
			t.Fatal("cold start: no failure injected")
		}
		time.Sleep(10 * time.Second) // past the wait after one failure
	}
	if name == "renewal" || name == "Refresh" {
		freezeRenewal(t, fz, call)
	} else {
		fz.freeze()
		if err := invoke(); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("cold start, Cognito not answering: %v, want its deadline", err)
		}
	}
	synctest.Wait()             // the flight's call hangs in the frozen process
	time.Sleep(2 * time.Hour)   // frozen; a token would expire
	errc := make(chan error, 1) // the invocation after the thaw
	go func() {
		if name != "Refresh" {
			errc <- invoke()
			return
		}
		// A program that exits right after its request renews first
		// (Session.RenewalDue's doc), and joins the frozen renewal.
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		errc <- auth.Session().Refresh(ctx)
	}()
	synctest.Wait() // it waits for the flight under way
	fz.thaw()
	if err := <-errc; err != nil {
		t.Fatalf("first invocation after the thaw: %v", err)
	}
}

// freezingAuth returns, in a bubble, the network, an Auth on it, the
// freezer of the Auth's calls to Cognito and a function that sends a
// request through the Auth with d left on its deadline (a status other
// than 200 is an error); the Auth is closed when the test ends.
func freezingAuth(t *testing.T) (n *vnet, auth *cognitosrp.Auth, fz *freezer, invoke func(d time.Duration) error) {
	n = newVnet(t, cognitotest.Config{}, 0)
	fz = &freezer{next: n}
	opts := n.options()
	opts.HTTPClient = &http.Client{Transport: fz}
	auth, c := vnetAuth(t, opts)
	t.Cleanup(func() { auth.Close() })
	return n, auth, fz, func(d time.Duration) error {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		return n.get(ctx, c)
	}
}

// freezeRenewal has the cold start log in (tokens for an hour), then,
// 57 minutes later, in the renewal window, the next invocation start the
// background renewal that fz freezes under way.
func freezeRenewal(t *testing.T, fz *freezer, invoke func(d time.Duration) error) {
	t.Helper()
	if err := invoke(3 * time.Second); err != nil { // the cold start logs in
		t.Fatal(err)
	}
	time.Sleep(57 * time.Minute) // in the renewal window of the hour's token
	fz.freeze()
	if err := invoke(3 * time.Second); err != nil { // renews in the background
		t.Fatal(err)
	}
	synctest.Wait() // the renewal's call hangs in the frozen process
}

// TestLambdaThawShortDeadlineJoiner: two invocations wait for the frozen
// flight, the first with less time left than the other; when its
// deadline passes first, it returns its own deadline's error without
// reading what the later joiner wrote to the flight, which only the
// flight's end orders (go test -race).
func TestLambdaThawShortDeadlineJoiner(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, _, fz, invoke := freezingAuth(t)
		fz.freeze()
		if err := invoke(time.Second); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("cold start, Cognito not answering: %v, want its deadline", err)
		}
		synctest.Wait()
		time.Sleep(2 * time.Hour)
		short, long := make(chan error, 1), make(chan error, 1)
		go func() { short <- invoke(time.Second) }()
		synctest.Wait() // the short one has joined
		go func() { long <- invoke(time.Hour) }()
		synctest.Wait() // the long one has joined, after it
		if err := <-short; !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("invocation with 1 s left: %v, want its deadline", err)
		}
		fz.thaw()
		if err := <-long; err != nil {
			t.Fatalf("invocation with an hour left, after the thaw: %v", err)
		}
	})
}

// selfAskingStore is a TokenStore whose Load, in a flight's own work,
// asks the Auth for a token with the flight's ctx (which wait refuses at
// once, ErrConfig), then hangs, not seeing its ctx end, until release is
// closed; it stores nothing.
type selfAskingStore struct {
	auth    *cognitosrp.Auth
	release chan struct{}
	asked   chan error // what each ask got
}

func (s *selfAskingStore) Load(ctx context.Context) (*cognitosrp.Tokens, error) {
	_, err := s.auth.Token(ctx)
	s.asked <- err
	<-s.release
	return nil, nil
}

func (*selfAskingStore) Save(context.Context, *cognitosrp.Tokens) error { return nil }
func (*selfAskingStore) Clear(context.Context) error                    { return nil }

// TestLambdaLateJoinerSelfWait: a need in a flight's own work (a store
// asking the Auth for a token with the flight's ctx) is refused at once
// while the flight runs, its ctx alive; a need that joins that flight
// later, out of time, marks it late. The first must not read the mark,
// which nothing orders for it while the flight runs (go test -race): it
// read it, as the flight had not failed by its deadline.
func TestLambdaLateJoinerSelfWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newVnet(t, cognitotest.Config{}, 0)
		store := &selfAskingStore{release: make(chan struct{}), asked: make(chan error, 2)}
		opts := n.options()
		opts.Store = store
		auth, c := vnetAuth(t, opts)
		defer auth.Close()
		store.auth = auth
		late := make(chan error, 1)
		// Started now, so that nothing the first need does after its ask
		// is ordered before this one's join: it wakes when time moves.
		go func() {
			time.Sleep(2 * time.Minute) // past the flight's FlightTimeout
			ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+vnetAPI+"/", http.NoBody)
			res, err := c.Do(req)
			if err == nil {
				res.Body.Close()
			}
			late <- err
		}()
		first := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			_, err := auth.Token(ctx) // starts the flight, and waits its second
			first <- err
		}()
		if err := <-store.asked; !errors.Is(err, cognitosrp.ErrConfig) {
			t.Errorf("the store's ask in the flight: %v, want ErrConfig", err)
		}
		if err := <-first; !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("the first need: %v, want its deadline", err)
		}
		time.Sleep(3 * time.Minute) // the late need has joined
		synctest.Wait()
		close(store.release)
		if err := <-late; err != nil {
			t.Errorf("the need that joined out of time: %v", err)
		}
	})
}

// TestLambdaThawInTimeJoiner: a need that joined a flight in time, and
// waited for it through the freeze with time left, does not take the
// flight's timeout either once a need that came after the thaw has found
// the flight out of time: both get their token (Session.ValidTokens).
func TestLambdaThawInTimeJoiner(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		_, _, fz, invoke := freezingAuth(t)
		fz.freeze()
		early, late := make(chan error, 1), make(chan error, 1)
		go func() { early <- invoke(3 * time.Hour) }() // starts the login
		synctest.Wait()
		time.Sleep(2 * time.Hour) // frozen
		go func() { late <- invoke(3 * time.Second) }()
		synctest.Wait() // it has joined, out of time
		fz.thaw()
		if err := <-early; err != nil {
			t.Errorf("the need that joined in time: %v", err)
		}
		if err := <-late; err != nil {
			t.Errorf("the need that joined out of time: %v", err)
		}
	})
}

// gatedCtx is a context whose Err waits until gate is closed: it holds a
// caller back at the first point where it asks whether its ctx is alive.
type gatedCtx struct {
	context.Context
	gate chan struct{}
}

func (g gatedCtx) Err() error {
	<-g.gate
	return g.Context.Err()
}

// TestLambdaThawRefreshAfterRenewed: a request and Session.Refresh both
// wait for the background renewal frozen for two hours. On the thaw it
// fails by its timeout, and both try once more; the request's renewal
// comes first. Refresh's try must then take those tokens, renewed since
// it was called, rather than renew them once more: one renewal for the
// two, as when Refresh joins a renewal in progress.
func TestLambdaThawRefreshAfterRenewed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, auth, fz, invoke := freezingAuth(t) // tokens for an hour
		freezeRenewal(t, fz, invoke)
		time.Sleep(2 * time.Hour) // frozen; the token expires
		reqc, refc := make(chan error, 1), make(chan error, 1)
		go func() { reqc <- invoke(3 * time.Second) }()
		gate := make(chan struct{})
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			// Held back once the frozen renewal has answered it, until
			// the request has its token.
			refc <- auth.Session().Refresh(gatedCtx{ctx, gate})
		}()
		synctest.Wait() // both wait for the frozen renewal
		before, _ := n.count("refresh")
		fz.thaw()
		if err := <-reqc; err != nil {
			t.Errorf("the request after the thaw: %v", err)
		}
		close(gate)
		if err := <-refc; err != nil {
			t.Errorf("Refresh after the thaw: %v", err)
		}
		if after, _ := n.count("refresh"); after-before != 1 {
			t.Errorf("%d renewals after the thaw, want 1", after-before)
		}
	})
}

// TestLambdaThawRejected: the user is signed out elsewhere while the
// process is frozen with a background renewal under way, two minutes,
// past its FlightTimeout but not past the token's expiry. The first
// invocation after the thaw sends the token, which the API refuses
// (401); the Auth has it renewed, joining the frozen renewal, which then
// fails by its timeout. The request must be renewed (a login, the
// refresh token revoked too) and sent again, as without the freeze: not
// answered with the 401.
func TestLambdaThawRejected(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, _, fz, invoke := freezingAuth(t) // tokens for an hour
		n.revokedOK = true
		freezeRenewal(t, fz, invoke)
		time.Sleep(2 * time.Minute) // frozen; the token is still usable
		if err := n.emu.SignOut("alice"); err != nil {
			t.Fatal(err)
		}
		errc := make(chan error, 1)
		go func() { errc <- invoke(3 * time.Second) }()
		synctest.Wait() // refused, it waits for the frozen renewal
		fz.thaw()
		if err := <-errc; err != nil {
			t.Fatalf("first invocation after the thaw: %v", err)
		}
	})
}

// TestLambdaThawEndsUnjoined: after one failed login or renewal, the next
// is frozen under way for two hours, and on the thaw fails by its
// timeout before any invocation needs a token. That timeout must not be
// held back as the second failure in a row: the invocation that comes
// right after, its token missing or expired, must get one.
func TestLambdaThawEndsUnjoined(t *testing.T) {
	for _, name := range []string{"login", "renewal"} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				n, _, fz, invoke := freezingAuth(t) // tokens for an hour
				if name == "login" {
					n.emu.FailNext(1, cognitotest.Fault("NotAuthorizedException"))
					if err := invoke(3 * time.Second); err == nil {
						t.Fatal("cold start: no failure injected")
					}
				} else {
					if err := invoke(3 * time.Second); err != nil { // logs in
						t.Fatal(err)
					}
					time.Sleep(57 * time.Minute) // in the renewal window
					// Each attempt of the renewal (retry.go)
					n.emu.FailNext(cognitosrp.DefaultMaxAttempts, cognitotest.Fault("InternalErrorException"))
					if err := invoke(3 * time.Second); err != nil { // renews in the background, and fails
						t.Fatal(err)
					}
					synctest.Wait()
				}
				time.Sleep(10 * time.Second) // past the wait after one failure
				fz.freeze()
				err := invoke(3 * time.Second)
				if name == "login" && !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("Cognito not answering: %v, want the invocation's deadline", err)
				} else if name == "renewal" && err != nil { // renews in the background
					t.Fatal(err)
				}
				synctest.Wait()           // the flight's call hangs in the frozen process
				time.Sleep(2 * time.Hour) // frozen
				fz.thaw()
				synctest.Wait() // the flight fails by its timeout
				if err := invoke(3 * time.Second); err != nil {
					t.Fatalf("first invocation after the thaw: %v", err)
				}
			})
		})
	}
}

// TestLambdaLateFromItsTimeout: a flight that waits for a voided one (a
// SetTokens(nil) while the login was frozen under way) is out of time
// FlightTimeout after its own timeout started, not after it was created:
// a need that joins it while it still waits is not late, and when
// Cognito then hangs past that timeout the flight's waiters take the
// timeout for their answer, one call to Cognito, rather than try again
// with another.
func TestLambdaLateFromItsTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, auth, fz, invoke := freezingAuth(t)
		fz.freeze()
		if err := invoke(time.Second); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("cold start, Cognito not answering: %v, want its deadline", err)
		}
		synctest.Wait()
		auth.Session().SetTokens(nil) // voids the frozen login, which goes on
		first, second := make(chan error, 1), make(chan error, 1)
		go func() { first <- invoke(time.Hour) }() // its login waits for the voided one
		synctest.Wait()
		time.Sleep(2 * time.Minute)
		go func() { second <- invoke(time.Hour) }() // joins it, still waiting
		synctest.Wait()
		var mu sync.Mutex
		calls := 0
		n.flaky = func() (time.Duration, bool) { // Cognito hangs from now
			mu.Lock()
			calls++
			mu.Unlock()
			return 2 * cognitosrp.DefaultFlightTimeout, false
		}
		fz.thaw()
		for _, c := range []chan error{first, second} {
			if err := <-c; !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("a need after the thaw, Cognito hanging: %v, want the login's timeout", err)
			}
		}
		if calls != 1 {
			t.Errorf("%d calls to Cognito after the thaw, want 1", calls)
		}
	})
}

// TestLambdaLateRefusalHeld: a wrong password's refusal that Cognito sent
// as the process was frozen (its answer read on the thaw, two hours
// later) ends the login past its timeout, late; but it is Cognito's
// answer, not that timeout. The need that waited for it takes it, and,
// after one refusal before, it is the second failure in a row: the next
// need gets it at once rather than send the password again.
func TestLambdaLateRefusalHeld(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, _, fz, invoke := freezingAuth(t)
		if err := n.emu.SetPassword("alice", "Another-password-9"); err != nil {
			t.Fatal(err)
		}
		if err := invoke(3 * time.Second); !errors.Is(err, cognitosrp.ErrNotAuthorized) {
			t.Fatalf("cold start, wrong password: %v, want ErrNotAuthorized", err)
		}
		time.Sleep(10 * time.Second) // past the wait after one failure
		fz.freezeAfter("RespondToAuthChallenge")
		errc := make(chan error, 1)
		go func() { errc <- invoke(3 * time.Hour) }()
		synctest.Wait()           // answered, and frozen before the login takes it
		time.Sleep(2 * time.Hour) // frozen
		fz.thaw()
		if err := <-errc; !errors.Is(err, cognitosrp.ErrNotAuthorized) {
			t.Errorf("the need waiting through the freeze: %v, want ErrNotAuthorized", err)
		}
		before, _ := n.count("login")
		if err := invoke(3 * time.Second); !errors.Is(err, cognitosrp.ErrNotAuthorized) {
			t.Errorf("the next need: %v, want the held ErrNotAuthorized", err)
		}
		if after, _ := n.count("login"); after != before {
			t.Errorf("%d logins by the next need, want 0: the late refusal was not held", after-before)
		}
	})
}

// TestFlightTimeoutInTimeIsTheAnswer: the late-flight rule is for a
// flight that a need found past its FlightTimeout. A flight that runs out
// of its FlightTimeout with every need joined in time, Cognito answering
// too slowly, is one failure: the need that started it and one that
// joined it half-way, both with time left, get its timeout when it ends,
// after one call to Cognito, rather than a second flight and as long again
// to wait.
func TestFlightTimeoutInTimeIsTheAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newVnet(t, cognitotest.Config{}, 0)
		var mu sync.Mutex
		calls := 0
		n.flaky = func() (time.Duration, bool) {
			mu.Lock()
			calls++
			mu.Unlock()
			return 2 * cognitosrp.DefaultFlightTimeout, false // answers too late
		}
		auth, _ := vnetAuth(t, n.options())
		defer auth.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		start := time.Now()
		joiner := make(chan error, 1)
		go func() {
			time.Sleep(cognitosrp.DefaultFlightTimeout / 2)
			_, err := auth.Token(ctx) // joins the flight, in time
			joiner <- err
		}()
		if _, err := auth.Token(ctx); !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			t.Errorf("Token: %v, want the flight's timeout", err)
		}
		if err := <-joiner; !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			t.Errorf("Token of the need that joined in time: %v, want the flight's timeout", err)
		}
		mu.Lock()
		defer mu.Unlock()
		if waited := time.Since(start); calls != 1 || waited != cognitosrp.DefaultFlightTimeout {
			t.Errorf("%d calls to Cognito in %v, want 1 in the FlightTimeout, %v", calls, waited, cognitosrp.DefaultFlightTimeout)
		}
	})
}

// TestLambdaLateFlightCognitoError: a flight found out of time on the thaw
// that ends with Cognito's answer, not its timeout, gives that answer to
// its needs: only the timeout of a late flight is tried past. A need that
// tried again on any error would, for a refused password, make another
// attempt that Cognito counts towards the user's lockout.
func TestLambdaLateFlightCognitoError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, _, fz, invoke := freezingAuth(t)
		if err := n.emu.SetPassword("alice", "Another-password-9"); err != nil {
			t.Fatal(err)
		}
		fz.freezeAfter("RespondToAuthChallenge") // refused, and frozen before the login takes it
		if err := invoke(time.Second); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("cold start, frozen: %v, want its deadline", err)
		}
		synctest.Wait()
		time.Sleep(2 * time.Hour) // frozen
		before, _ := n.count("login")
		errc := make(chan error, 1)
		go func() { errc <- invoke(3 * time.Second) }()
		synctest.Wait() // it has joined, out of time
		fz.thaw()
		if err := <-errc; !errors.Is(err, cognitosrp.ErrNotAuthorized) {
			t.Errorf("the need that joined out of time: %v, want the flight's NotAuthorizedException", err)
		}
		if after, _ := n.count("login"); after != before {
			t.Errorf("%d logins after the thaw, want none", after-before)
		}
	})
}

// callHolder holds each call to Cognito, not seeing its context end,
// while hold is set, until release; then it reports that context's
// error, as a freezer does, if it has ended.
type callHolder struct {
	next http.RoundTripper

	mu      sync.Mutex
	hold    bool
	release chan struct{}
}

// releaseHeld lets the calls held so far go on, and holds later ones
// while hold is true.
func (h *callHolder) releaseHeld(hold bool) {
	h.mu.Lock()
	close(h.release)
	h.release, h.hold = make(chan struct{}), hold
	h.mu.Unlock()
}

func (h *callHolder) RoundTrip(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	hold, release := h.hold, h.release
	h.mu.Unlock()
	if hold {
		<-release
		if err := r.Context().Err(); err != nil {
			if r.Body != nil {
				r.Body.Close()
			}
			return nil, err
		}
	}
	return h.next.RoundTrip(r)
}

// TestLambdaLateRetryOnce: a need tries past a late flight's timeout once
// (Session.renew's doc). When the flight of its try is frozen too, and
// found out of time by a later need, the first needs get its timeout,
// their ctx alive, rather than try again for as long as the process keeps
// being frozen; the later need, whose first try it was, tries again and
// gets its token.
func TestLambdaLateRetryOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newVnet(t, cognitotest.Config{}, 0)
		h := &callHolder{next: n, hold: true, release: make(chan struct{})}
		opts := n.options()
		opts.HTTPClient = &http.Client{Transport: h}
		auth, c := vnetAuth(t, opts)
		defer auth.Close()
		invoke := func(errc chan<- error) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Hour)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+vnetAPI+"/", http.NoBody)
			res, err := c.Do(req)
			if err == nil {
				res.Body.Close()
			}
			errc <- err
		}
		a, b, late := make(chan error, 1), make(chan error, 1), make(chan error, 1)
		go invoke(a) // starts the login, frozen
		synctest.Wait()
		time.Sleep(2 * time.Hour)
		go invoke(b) // joins it out of time
		synctest.Wait()
		h.releaseHeld(true) // the login fails by its timeout; a and b try again, frozen
		synctest.Wait()
		time.Sleep(2 * time.Hour)
		go invoke(late) // joins their try out of time
		synctest.Wait()
		h.releaseHeld(false) // their try fails by its timeout too
		for name, errc := range map[string]chan error{"the first need": a, "the second": b} {
			if err := <-errc; !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("%s, its try out of time too: %v, want that flight's timeout", name, err)
			}
		}
		if err := <-late; err != nil {
			t.Errorf("the need that found the try out of time: %v", err)
		}
	})
}

// TestRefreshFlightTimeoutInTimeIsTheAnswer: as
// TestFlightTimeoutInTimeIsTheAnswer, for Session.Refresh: a renewal that
// runs out of its FlightTimeout, Refresh having joined it in time, is
// Refresh's answer, after one call, not a second renewal.
func TestRefreshFlightTimeoutInTimeIsTheAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newVnet(t, cognitotest.Config{}, 0)
		var mu sync.Mutex
		slow, calls := false, 0
		n.flaky = func() (time.Duration, bool) {
			mu.Lock()
			defer mu.Unlock()
			if !slow {
				return 0, false
			}
			calls++
			return 2 * cognitosrp.DefaultFlightTimeout, false // answers too late
		}
		auth, _ := vnetAuth(t, n.options())
		defer auth.Close()
		if _, err := auth.Token(t.Context()); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		slow = true
		mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		start := time.Now()
		if err := auth.Session().Refresh(ctx); !errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			t.Errorf("Refresh: %v, want the renewal's timeout", err)
		}
		mu.Lock()
		defer mu.Unlock()
		if waited := time.Since(start); calls != 1 || waited != cognitosrp.DefaultFlightTimeout {
			t.Errorf("%d calls to Cognito in %v, want 1 in the FlightTimeout, %v", calls, waited, cognitosrp.DefaultFlightTimeout)
		}
	})
}

// TestLambdaLateRefreshCognitoError: as TestLambdaLateFlightCognitoError,
// for Session.Refresh: a renewal found out of time on the thaw that ends
// with Cognito's answer gives Refresh that answer, with no second renewal.
// (An error that renewals retry, NotAuthorizedException among them, also
// matches the timeout that ended the retries, and is tried past.)
func TestLambdaLateRefreshCognitoError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n, auth, fz, invoke := freezingAuth(t)          // tokens for an hour
		if err := invoke(3 * time.Second); err != nil { // the cold start logs in
			t.Fatal(err)
		}
		time.Sleep(57 * time.Minute) // in the renewal window
		// The background renewal (REFRESH_TOKEN_AUTH) is refused, and
		// frozen before it takes the answer.
		n.emu.FailNext(1, cognitotest.Fault("InvalidParameterException"), "InitiateAuth")
		fz.freezeAfter("InitiateAuth")
		if err := invoke(3 * time.Second); err != nil { // renews in the background
			t.Fatal(err)
		}
		synctest.Wait()
		time.Sleep(2 * time.Hour) // frozen
		before, _ := n.count("refresh")
		errc := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			errc <- auth.Session().Refresh(ctx)
		}()
		synctest.Wait() // it has joined the renewal, out of time
		fz.thaw()
		if err := <-errc; !errors.Is(err, cognitosrp.ErrInvalidParameter) {
			t.Errorf("Refresh: %v, want the renewal's InvalidParameterException", err)
		}
		if after, _ := n.count("refresh"); after != before {
			t.Errorf("%d renewals after the thaw, want none", after-before)
		}
	})
}
