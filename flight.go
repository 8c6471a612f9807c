// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptrace"
	"reflect"
	"time"
)

// This file runs the flights. Every login or renewal that the session
// makes for its callers is one flight (Authenticate's login, made in its
// caller's goroutine, is none), which the needs (callers that want
// tokens) that come while it runs join; lifecycle.go decides when one is
// needed. The life of a flight, each move made under s.mu:
//
//	startFlight --(prev set)--> queued --(prev ends)--+
//	     |                                            v
//	     +-------------(no prev)-------------------> running --(fly)--> ended
//
//	queued   started while a flight that is no longer joinable still runs
//	         (prev): ops never run at once. Its timeout has not started.
//	running  its op (obtain; refreshOnly for Session.Refresh) runs, bounded
//	         by FlightTimeout from started, until it returns to fly.
//	ended    fly has installed its tokens (unless a sign-out or new tokens
//	         came meanwhile), counted the failure or cleared the count, and
//	         cleared s.flight if it was still this one; then, past s.mu, it
//	         closes done and saves the tokens it installed.
//
// renewAhead starts one ("background": a token in its renewal window)
// when none is in progress; renewOnce ("blocking": no usable token) and
// renewNow ("rejected": an API's 401, through renewRejected; "explicit":
// Session.Refresh) join the flight in progress if it is joinable (same
// epoch, from the session's tokens) or else, the session open and their
// ctx alive, start one (joinLocked), then wait for it (wait). voidLocked
// (a sign-out, SetTokens(nil)) moves the epoch on and cancels the flight,
// which ends with errSignedOut; new tokens (SetTokens, Authenticate) only
// make it unjoinable, and it runs on without installing its result.
//
// Two rules act on a flight's answer:
//
//	late  A need that joins a running flight FlightTimeout or more after
//	      started marks it late (joinLocked), and so does fly for one that
//	      ended a second or more past its timeout (a process frozen while
//	      it waited, as AWS Lambda freezes one). Its timeout is then no
//	      answer: each need that waited for it with time left tries once
//	      more, with a new flight (renew; Session.Refresh through
//	      lateTimeout); nor is it counted as a failure (fly). fly clears
//	      the mark for a flight that ended with a *ChallengeError: a
//	      person is not asked twice. A challenge taken after the flight's
//	      ctx ended is put to no handler (loginOnce): a flight frozen while
//	      Cognito answered ends by its timeout, late, and is tried past.
//	hold  A failed "background" or "blocking" flight counts a failure and
//	      sets retryAt, 1 to 2 s at random, doubling up to 30 s (fly),
//	      unless its error is a late one's timeout, a sign-out or Close
//	      voided it, or new tokens replaced those it left. Before
//	      retryAt, no background renewal starts (renewAhead), and, from
//	      two failures in a row, a need with the tokens the last one
//	      left, and no flight it could join, gets its error at once
//	      (renewOnce). A success, a sign-out or new tokens clear the
//	      count (clearFailuresLocked).
//
// And a need that a Session.Refresh flight (which never logs in) answers
// with ErrLoginRequired tries again when the session has a password
// (mayLogIn).

// errSignedOut is the cause given to callers of a login or renewal that a
// sign-out voided.
var errSignedOut = errors.New("cognitosrp: signed out during the login or renewal")

// minForcedInterval spaces renewals forced by an API's 401s: an API that
// rejects every token must not turn each request into a call to Cognito.
// It is timed on the wall clock, which goes on while the machine sleeps:
// on the monotonic clock, which stops, a forced renewal just before a
// suspend held the next one back for up to 5 s after the resume, however
// long the sleep. A wall clock stepped back ends the spacing at once (one
// renewal more) rather than hold it for the step.
const minForcedInterval = 5 * time.Second

// maxRetryAfterFailure caps the wait after failed flights before the
// session asks Cognito again (1 to 2 s after the first failure in a row,
// doubling with each further one): long enough that a wrong password or a
// failing Cognito is asked a couple of times a minute at most, short
// enough that the session recovers by itself soon after the cause is
// fixed.
const maxRetryAfterFailure = 30 * time.Second

// flight is one login or renewal shared by every caller that needs it.
// tokens and err are written before done is closed.
type flight struct {
	_      incomparable
	done   chan struct{}
	epoch  uint64  // s.epoch when it started
	from   *Tokens // the session's tokens when it started
	cancel func()  // ends its op: Close, or a sign-out that voids it
	prev   *flight // the voided flight it waits for, until that ends
	// started is when its timeout started, on the monotonic clock: when
	// it was started, or when prev ended. A need that joins it
	// FlightTimeout later or more, prev nil, finds it out of time, and
	// marks it late (joinLocked).
	started time.Time
	// loginless marks Session.Refresh's flights, which never log in.
	loginless bool
	// late marks a flight that a need found out of time, or that ended
	// a second or more past its timeout (fly): its timeout is none of
	// its waiters' answer (renew), nor a failure (fly). fly clears it
	// for a flight that ended with a *ChallengeError: a person was
	// asked, and is not to be asked again.
	late   bool
	tokens *Tokens
	err    error
}

// An op obtains new tokens for a session, starting from its current tokens
// (nil when it has none). trigger says why, for the logs. An op that read
// tokens from the store and failed to renew them returns them with its
// error, for the session to keep (see fly); so does a renewal whose new
// refresh token came with tokens that were refused (see refresh). Ops are
// method expressions, such as (*Session).obtain: a method value
// (s.obtain) would be a closure allocated at each use, and a wrapper in
// the binary.
type op func(s *Session, ctx context.Context, from *Tokens, trigger string) (*Tokens, error)

// renew waits for tokens whose token of type typ is usable, joining the
// flight in progress or starting one; given rejected, tokens that an API
// refused (renewRejected), it has those renewed instead (renewNow), with
// the same tries again as below. A flight of Session.Refresh never
// logs in: when the one joined needed a login (no refresh token, or a dead
// one), a session with a password tries again, until the flight it gets
// is one that may log in: the next try may join another Refresh's flight,
// begun since or following the first. Only a Refresh flight is tried
// past: any other flight's ErrLoginRequired (a sign-out's, or one that
// the caller's TokenStore or ChallengeHandler returned) is the answer.
//
// Nor is the timeout of a flight that a need found out of time when it
// joined it (joinLocked marks it late), or that ended a second or more
// past its timeout (fly marks it late, as the flight may end on the thaw
// before the need that the thaw serves comes): a process frozen while the
// flight waited for Cognito (AWS Lambda between invocations; not a
// suspended machine, whose monotonic clock stops, minForcedInterval) finds
// on the thaw its timers all due, and the flight failing by them. Each
// need that waited for it and has time left, one that joined it in time
// too, tries again with a new flight rather than report that timeout,
// which matches context.DeadlineExceeded as if the need's own ctx had
// ended. Nor does that timeout count as a failure (fly): the session's
// hold would answer the retry with it. Once: only a FlightTimeout so short
// that every flight is joined out of time (or an op that overruns it every
// time) could make the new flight late too. Never past a flight that put a
// challenge to the ChallengeHandler and ended with its *ChallengeError
// (one that answered too late among them): the new login would ask again.
func (s *Session) renew(ctx context.Context, typ TokenType, rejected *Tokens) (*Tokens, error) {
	retried := false
	for {
		var t *Tokens
		var f *flight
		var err error
		if rejected != nil {
			t, f, err = s.renewNow(ctx, rejected, "rejected", (*Session).obtain)
		} else {
			t, f, err = s.renewOnce(ctx, typ)
		}
		// lateTimeout's test, written out (binary size: page, see doc.go).
		if f != nil && !retried && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) && f.late {
			retried = true
			continue
		}
		if !s.mayLogIn(f, err) {
			return t, err
		}
	}
}

// lateTimeout reports whether err, the answer of the flight f that a
// caller waited for with ctx, is the timeout of a flight found out of time
// (joinLocked, when a need joins it past its timeout; fly, when it ends a
// second or more past it), which the caller tries past once, its ctx alive
// (Session.Refresh; renew writes the same test out). f.late is read last:
// a later joiner may write it under s.mu, which only the flight's end
// orders for this caller, and a caller may leave wait before that end, by
// its ctx's end or, its ctx alive, as the flight's own work (wait's
// ErrConfig).
func lateTimeout(ctx context.Context, f *flight, err error) bool {
	return f != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) && f.late
}

// mayLogIn reports whether err, from the flight f a need joined, asks for
// a login that the session can make itself: f was Session.Refresh's, which
// never logs in, and the session has a password. Each such answer is one
// more Refresh flight that ran, so a need retries only as often as the
// program calls Refresh. (A sign-out voids a Refresh flight too: its
// error is no such case, the need came before the sign-out.) Once closed
// too, though Close dropped the password: the retry's answer is then
// ErrClosed, not the error meant for a session without a password.
func (s *Session) mayLogIn(f *flight, err error) bool {
	return f != nil && f.loginless && errors.Is(err, ErrLoginRequired) &&
		!errors.Is(err, errSignedOut) && (s.storedPassword() != "" || s.isClosed())
}

// renewOnce joins the flight in progress or starts one, unless the
// session's tokens are usable by now or dead without a password to log in.
// It returns the flight it waited for, if any.
func (s *Session) renewOnce(ctx context.Context, typ TokenType) (*Tokens, *flight, error) {
	s.mu.Lock()
	cur := s.tokens.Load()
	// Another caller may have finished a flight since the check in
	// ValidTokens.
	if cur != nil && s.cognitoNow().Before(s.scheduleFor(cur).staleAt[slot(typ)]) {
		s.mu.Unlock()
		return cur, nil, nil
	}
	if d := s.dead.Load(); d != nil && cur != nil && d.tokens == cur && s.password == "" && !s.closed {
		s.mu.Unlock()
		return nil, nil, d.err
	}
	if d := s.retryAt.Load() - s.cognitoNow().UnixNano(); s.failures >= 2 && s.failedOn == cur &&
		!s.closed && s.joinable() == nil && 0 < d && d <= int64(maxRetryAfterFailure) {
		// The last flights failed, the last a moment ago and leaving the
		// session these tokens: its error again, at once, without asking
		// Cognito. (A sign-out clears the failures: voidLocked; once
		// closed, the answer is ErrClosed, see Close.) Unless a flight
		// from these tokens is under way (Refresh, a renewal a 401
		// forced): its answer is newer than the held error, and the need
		// waits for it as for any flight. One failure alone
		// is not held: it may be a passing one (a code mistyped, a store
		// that failed once) that the next need, often the same caller
		// trying again, should not inherit. (Read under s.mu: a sign-out
		// clears s.failedErr, a flight replaces it.) A retryAt further
		// ahead than the longest wait was set before the wall clock
		// stepped back: its wait is over (see renewAhead).
		err := s.failedErr
		s.mu.Unlock()
		return nil, nil, err
	}
	f, err := s.joinLocked(ctx, cur, "blocking", (*Session).obtain)
	s.mu.Unlock()
	if err != nil {
		return nil, nil, err
	}
	t, err := s.wait(ctx, f, "blocking")
	return t, f, err
}

// renewNow renews even if the tokens are still valid, unless they are no
// longer used: when the session holds other tokens than used, someone
// renewed them already and those are returned. (used's tokens with another
// refresh token are no renewal: a rotating renewal whose tokens were
// refused kept them so, see refresh; returned, they would carry the token
// an API refused, or one expired, once more.) When the session has
// forgotten them (SignOut, SetTokens(nil)) it starts from no tokens, as a
// new request would: renewing used would revive a signed-out refresh
// token into tokens the session never installs.
func (s *Session) renewNow(ctx context.Context, used *Tokens, trigger string, o op) (*Tokens, *flight, error) {
	s.mu.Lock()
	if cur := s.tokens.Load(); cur != used {
		switch {
		case cur == nil:
			used = nil
		case used != nil && cur.AccessToken == used.AccessToken && cur.IDToken == used.IDToken:
			used = cur // renewed from, for its refresh token
		default:
			s.mu.Unlock()
			return cur, nil, nil
		}
	}
	// Not once closed: joinLocked's ErrClosed is the answer (Close),
	// not the spacing's error, which would not match it.
	forced := s.joinable() == nil && trigger == "rejected" && !s.closed
	var now int64
	if forced {
		now = s.cfg.Now().UnixNano()
		if since := time.Duration(now - s.lastForced); s.lastForced != 0 && 0 <= since && since < minForcedInterval {
			// Said once for the tokens the forced renewal brought: the API
			// refuses fresh tokens (an audience or issuer it does not
			// expect), and every request would repeat it. When that
			// renewal failed, its own event said why, whether or not it
			// left a rotated refresh token beside the refused access
			// token; after a sign-out (used nil) nothing was refused.
			warn := !s.refusalLogged && used != nil && used.AccessToken != s.forcedFrom.Token(AccessToken)
			s.refusalLogged = s.refusalLogged || warn
			s.mu.Unlock()
			if warn {
				s.log(ctx, slog.LevelWarn, "cognitosrp: the API refused renewed tokens too; check its pool, token type and prefix",
					"renewed_ago", since)
			}
			return nil, nil, errorf("cognitosrp: the API rejected tokens renewed %v ago; not renewing again so soon", since.Round(time.Millisecond))
		}
	}
	f, err := s.joinLocked(ctx, used, trigger, o)
	if forced && err == nil {
		// Only a renewal that started counts.
		s.lastForced, s.forcedFrom, s.refusalLogged = now, used, false
	}
	s.mu.Unlock()
	if err != nil {
		return nil, nil, err
	}
	t, err := s.wait(ctx, f, trigger)
	return t, f, err
}

// renewRejected renews tokens that an API answered 401 to: it returns
// used's replacement, renewing only if nobody has yet. Callers rejected
// together share one renewal; a renewal forced less than minForcedInterval
// after the previous one is refused. It tries again as renew does: past
// a Refresh flight that needed a login, and once past the timeout of a
// flight found out of time (a 401 after a Lambda thaw joins the renewal
// frozen under way). (Through renew: binary size, one site, see doc.go.)
func (s *Session) renewRejected(ctx context.Context, used *Tokens) (*Tokens, error) {
	t, err := s.renew(ctx, "", used)
	if cur, d := s.tokens.Load(), s.dead.Load(); err != nil && d != nil && d.tokens == cur {
		// Refused by the API, their refresh token by Cognito (a
		// sign-out elsewhere revokes both): a zero schedule makes
		// them unusable, so that the next needs get d.err at once
		// (or, with a password, a login) instead of sending the
		// refused token until it expires, a day later at most.
		// As in scheduleFor: tokens a sign-out forgot meanwhile
		// must not stay reachable through it.
		sc := &schedule{tokens: cur}
		s.sched.Store(sc)
		if s.tokens.Load() != cur {
			s.sched.CompareAndSwap(sc, nil)
		}
		// A request refused after that renewal ended, within the
		// spacing, gets what the others got: the spacing's error
		// would return its 401. Not once closed (the login Close
		// ended, or a 401 after it): Close dropped the password, and
		// the error would tell a service shutting down that its user
		// must log in again.
		if s.storedPassword() == "" && !s.isClosed() {
			err = d.err
		}
	}
	return t, err
}

// joinLocked returns the flight in progress or starts one from the tokens
// from. A flight that is not joinable is not joined: the session discards
// its result, and a need that came after the sign-out or the new tokens is
// served as a new one would be (after a sign-out, a session with a
// password logs in again). A caller whose ctx has ended starts none: the
// flight would outlive it, and a program that stopped (a Ctrl-C) could
// not take in what Cognito answers, a rotated refresh token among it.
// s.mu must be held.
func (s *Session) joinLocked(ctx context.Context, from *Tokens, trigger string, o op) (*flight, error) {
	if f := s.joinable(); f != nil {
		// Out of time (see renew): its timeout is not its joiners'
		// answer, nor, frozen rather than refused, a failure that holds
		// back the next needs (fly). One that still waits for a voided
		// flight has not started its timeout (startFlight).
		if f.prev == nil && time.Since(f.started) >= s.cfg.FlightTimeout {
			f.late = true
		}
		return f, nil
	}
	if s.closed {
		return nil, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.startFlight(ctx, from, trigger, o), nil
}

// wait returns the flight's result, or ctx's error if ctx ends first. A
// caller that must actually wait is counted and reported as a debug event
// in its own context, so that a test or a trace can tell which requests
// waited for Cognito. A caller in f's own work (its context is f's: f's
// Cognito call sent through an Auth of the session by Config.HTTPClient,
// or a ChallengeHandler, TokenStore or Verifier asking for tokens with its
// ctx) would wait for f, so for itself, until the FlightTimeout, then fail
// with a deadline that hides why: it fails at once instead.
func (s *Session) wait(ctx context.Context, f *flight, trigger string) (*Tokens, error) {
	select {
	case <-f.done:
		return f.tokens, f.err
	default:
	}
	if ctx.Value(f.done) != nil {
		return nil, refine(&ErrConfig, "a login or renewal waits for itself: do its calls go through the session's Auth?")
	}
	s.waits.Add(1)
	s.log(ctx, slog.LevelDebug, "cognitosrp: waiting for Cognito", "trigger", trigger)
	select {
	case <-f.done:
		return f.tokens, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// voidLocked starts a new epoch, for a sign-out or SetTokens(nil): the
// flight in progress and those it waits for are voided, and cancelled,
// since their results would be dropped and the next need would otherwise
// wait for them; so is an Authenticate in progress. It also drops what
// remembers earlier tokens (failures, the tokens a 401 forced a renewal
// from, their schedule and header value, a dead refresh token's), so
// that the forgotten tokens, refresh token included, do not stay
// reachable for the session's life. s.mu must be held, and s.tokens
// already cleared: a request that read the tokens before then drops the
// schedule and header value it stores after this clears them
// (Auth.valueFor).
func (s *Session) voidLocked() {
	s.epoch++
	s.clearFailuresLocked()
	// Without forcedFrom, a 401 within the spacing warns (renewNow): the
	// tokens it refused can only be ones the session got since, fresh like
	// the forced renewal's, which is what the warning is about.
	s.forcedFrom = nil
	s.sched.Store(nil)
	s.header.Store(nil)
	s.dead.Store(nil)
	if s.void != nil {
		s.void()
		s.voided, s.void = nil, nil
	}
	for f := s.flight; f != nil; f = f.prev {
		f.cancel()
	}
}

// clearFailuresLocked forgets the flights that failed in a row: after a
// success, and when the session gets or loses its tokens by other means
// (SetTokens, Authenticate, a sign-out), the next failure is the first,
// and the waits start again from 1 to 2 s. s.mu must be held.
func (s *Session) clearFailuresLocked() {
	s.failures, s.failedErr, s.failedOn = 0, nil, nil
	s.retryAt.Store(0)
}

// joinable returns the flight in progress unless a sign-out or
// SetTokens(nil) voided it or the session's tokens were replaced since it
// started (SetTokens, Authenticate): its result would not be the
// session's. s.mu must be held.
//
//go:noinline // binary size: out of line, three callers (see doc.go)
func (s *Session) joinable() *flight {
	if s.flight != nil && s.flight.epoch == s.epoch && s.flight.from == s.tokens.Load() {
		return s.flight
	}
	return nil
}

// startFlight runs o in a new goroutine and records it as the flight in
// progress. s.mu must be held and the session open. A flight still in
// progress (not joinable) is waited for before o runs: ops never run at
// once.
func (s *Session) startFlight(ctx context.Context, from *Tokens, trigger string, o op) *flight {
	// The flight keeps the caller's values (tracing) but not its
	// cancellation: other callers may be waiting for it. Its own timeout
	// bounds it, and Close or a sign-out cancels it. Nor its httptrace
	// hooks (flightValues).
	fv := &flightValues{parent: ctx}
	base, cancel := context.WithCancel(fv)
	prev := s.flight
	f := &flight{done: make(chan struct{}), epoch: s.epoch, from: from, cancel: cancel, prev: prev,
		started: time.Now(), loginless: trigger == "explicit"} // Session.Refresh's trigger
	fv.done = f.done
	s.flight = f
	s.flying.Store(true)
	s.running++
	// Defers, although a panic here ends the program anyway: the flight
	// runs the caller's code (a ChallengeHandler, a TokenStore, OnTokens),
	// which may end the goroutine with runtime.Goexit (t.FailNow in a
	// test), and Close must not then wait for it forever. A panic is
	// raised again instead: end takes s.mu, which the panicking code may
	// hold (Config.Now's, read under it in fly), and would wait for it
	// for ever, the program neither ended nor told why.
	go func() {
		defer func() {
			if p := recover(); p != nil {
				panic(p)
			}
			s.end()
		}()
		defer f.cancel()
		if prev := f.prev; prev != nil {
			<-prev.done
			s.mu.Lock()
			// Ended: nothing to cancel, nor to keep; and f's timeout
			// starts, which joinLocked times from started.
			f.prev, f.started = nil, time.Now()
			s.mu.Unlock()
		}
		// The timeout starts once the flight before has ended.
		fctx, cancelTimeout := context.WithTimeout(base, s.cfg.FlightTimeout)
		defer cancelTimeout()
		s.fly(fctx, f, f.from, trigger, o)
	}()
	return f
}

// flightValues is the context of a flight: the values of the context of
// the caller who started it, without its cancellation (as
// context.WithoutCancel) and without its httptrace.ClientTrace. The trace
// of a request to an API (an Auth's caller, or a ReverseProxy's, which
// forwards 1xx answers to its client through one) describes that
// request: the Cognito calls made on its behalf are others, to another
// host, which may go on after it has ended and serve other callers too.
// A Verifier's key set fetch runs in one too, with no done channel.
// httptrace keeps the hooks in two values: the ClientTrace, and the
// dialer's and resolver's under a key of internal/nettrace, which can only
// be recognized by its package.
//
// Its value for the key done, its flight's done channel, is done, so that
// wait can tell the flight's own work. (The channel, not the *flight:
// binary size, no new type, see doc.go.)
type flightValues struct {
	_      incomparable // or the compiler makes it an equality function
	parent context.Context
	done   chan struct{}
}

func (*flightValues) Deadline() (time.Time, bool) { return time.Time{}, false }
func (*flightValues) Done() <-chan struct{}       { return nil }
func (*flightValues) Err() error                  { return nil }

func (c *flightValues) Value(key any) any {
	if key == any(c.done) {
		return key
	}
	if t := reflect.TypeOf(key); t != nil && t.PkgPath() == "internal/nettrace" {
		return nil
	}
	v := c.parent.Value(key)
	if _, ok := v.(*httptrace.ClientTrace); ok {
		return nil
	}
	return v
}

// fly runs one flight: it obtains tokens, installs them unless the
// session's tokens changed meanwhile, ends the flight, releases the
// waiters and persists the tokens. The flight ends in the critical
// section that installs its tokens, and before they are saved, so that
// nobody joins a finished flight and gets tokens that went stale or were
// forgotten (SignOut, SetTokens) meanwhile; changed keeps the saves in
// order.
func (s *Session) fly(ctx context.Context, f *flight, from *Tokens, trigger string, o op) {
	t, err := o(s, ctx, from, trigger)
	installed := false
	if err != nil && s.isClosed() {
		err = errorf("%w: %w", ErrClosed, err)
	}
	closed := errors.Is(err, ErrClosed)
	// A failure's wait is lengthened at random (below): the share of a
	// second drawn here, per second of the wait. Drawn before s.mu, as
	// Jitter is the caller's code, which may call the session
	// (TestJitterMayCallSession); on any failure, as only s.mu says which
	// count.
	var r time.Duration
	if err != nil {
		jitter := s.cfg.Retry.Jitter
		if jitter == nil {
			jitter = uniform
		}
		r = jitter(time.Second)
	}
	s.mu.Lock()
	if _, asked := err.(*ChallengeError); asked {
		// The ChallengeHandler's failure, or its answer after ctx ended
		// (askHandler): a handler that overran ctx, which it must not
		// (a read from a terminal does), not a freeze. Not late, even if
		// a need found it so: trying past it would ask the person again,
		// for a code they typed (and, for SMS_MFA, text another).
		f.late = false
	} else if d, _ := ctx.Deadline(); time.Since(d) >= time.Second {
		// Ended a second or more past its timeout, which a running
		// process sees within moments (its call to Cognito ends with
		// ctx): frozen while it ran, and late (see renew) even when no
		// need found it so (joinLocked), as it may end on the thaw
		// before the need that the thaw serves comes.
		f.late = true
	}
	switch {
	case s.epoch != f.epoch:
		// A sign-out since the start voids the result, and cancelled
		// the op (voidLocked): its error says so, unless Close's does.
		if !closed {
			t, err = nil, &LoginRequiredError{Err: errSignedOut}
		}
		// A refused refresh token the op recorded after voidLocked
		// cleared s.dead is the forgotten tokens': drop them.
		if d := s.dead.Load(); d != nil && d.tokens == from {
			s.dead.CompareAndSwap(d, nil)
		}
	case t != nil:
		// Tokens set by someone else since the start win over the
		// result. On failure t is what the op read from the store, or
		// holds the refresh token a refused renewal rotated in: the
		// session keeps it, so that its next need renews it again instead
		// of finding no tokens, or a dead refresh token, and asking for a
		// login.
		installed = s.tokens.CompareAndSwap(from, t)
	}
	if installed && t == s.forgetAfter {
		s.dropPasswordLocked()
	}
	s.forgetAfter = nil
	f.tokens, f.err = t, err
	if err != nil {
		f.tokens = nil
	}
	if s.flight == f {
		s.flight = nil
		s.flying.Store(false)
	}
	switch {
	case err == nil:
		s.clearFailuresLocked()
	case (trigger == "background" || trigger == "blocking") && !(f.late && errors.Is(err, context.DeadlineExceeded)) &&
		s.epoch == f.epoch && !closed && (installed || s.tokens.Load() == from):
		// A failing Cognito, or a password it refuses, must not be asked
		// again by every request: each call costs quota, a log line and,
		// for a password, an attempt that Cognito counts towards a
		// lockout. No background renewal starts before retryAt, nor,
		// after two failures in a row, a flight for a need (renewOnce).
		// A renewal forced by an API's 401 does not count: the tokens it
		// failed to replace may still be in their window, and must be
		// renewed ahead (TestOnlyBackgroundFailuresBackOff); neither does
		// Session.Refresh's, which never logs in. Nor a flight whose
		// tokens SetTokens or Authenticate replaced meanwhile: its
		// failure is not one of the new tokens', whose count starts at 0.
		// Nor a late flight's timeout (see renew), the freeze's and no
		// answer; but a refusal it read on the thaw (a wrong password's)
		// is Cognito's answer, and counts.
		s.failures++
		// The wait is lengthened at random by up to as much again,
		// within the cap: sessions that failed together (replicas of a
		// service whose logins Cognito throttled at once) would
		// otherwise all try again at the same moment, and be throttled
		// together again (TestPodRolloutThrottled). Never shortened: the
		// doubling wait is the least the docs promise, and the cap their
		// most. Drawn as the retries' backoffs are, so that a test's
		// seeded Jitter draws it too: r, held to [0, 1 s], times the
		// whole seconds of d (1, 2, 4, 8, 16 or 30), so within [0, d].
		d := min(time.Second<<min(s.failures-1, 5), maxRetryAfterFailure)
		d = min(d+min(max(r, 0), time.Second)*(d/time.Second), maxRetryAfterFailure)
		s.retryAt.Store(s.cognitoNow().Add(d).UnixNano())
		// Held for the tokens the failure left: those it started from,
		// or those it installed all the same (see op), which the next
		// need would otherwise renew at once, each failure installing
		// others (a rotating renewal whose tokens are refused). (from is
		// not used below: reusing it spares fly a second store.)
		if installed {
			from = t
		}
		s.failedErr, s.failedOn = err, from
	}
	s.mu.Unlock()
	close(f.done)

	if installed {
		// Close does not cancel the save: a renewed (with rotation, the
		// only valid) refresh token must reach the store. Close waits
		// for it instead.
		s.changed(context.WithoutCancel(ctx), t)
	}
}
