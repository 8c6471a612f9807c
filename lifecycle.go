// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"
)

// This file keeps a session's tokens fresh without making requests wait:
// a token is renewed in the background once it enters its renewal window,
// and a caller blocks on Cognito only when no usable token exists. All
// logins and renewals of a session go through one shared "flight"
// (flight.go).
//
// The request path (ValidTokens with a token outside its window) reads
// atomics only. s.mu is taken to start or join a flight and is never held
// across a network call.
//
// In order: the token handout and renewal schedule (ValidTokens), the ops
// that flights run (obtain), saving and reporting new tokens (changed,
// notifier), Close, and the offset of Cognito's clock (ClockOffset).

// DefaultRefreshAhead caps the default renewal window (Config.RefreshAhead).
const DefaultRefreshAhead = 5 * time.Minute

// ErrClosed reports that a Session (or the Auth that owns it) was closed
// and a call to Cognito was needed.
var ErrClosed = errors.New("cognitosrp: session closed")

// LoginRequiredError reports that the session must log in again and has no
// password to do it with. Err, when set, is why: typically Cognito's
// NotAuthorizedException for a refresh token that expired, was revoked or
// was signed out. It matches ErrLoginRequired with errors.Is, and Err
// through Unwrap.
type LoginRequiredError struct {
	Err error // why; nil when there was no refresh token to try
}

// Error says that the session must log in again, and why.
func (e *LoginRequiredError) Error() string {
	if e.Err == nil {
		return ErrLoginRequired.Error()
	}
	return errorf("%w: %w", ErrLoginRequired, e.Err).Error()
}

// Is reports whether target is ErrLoginRequired.
func (e *LoginRequiredError) Is(target error) bool { return target == ErrLoginRequired }

// Unwrap returns the cause.
func (e *LoginRequiredError) Unwrap() error { return e.Err }

// deadTokens remembers tokens whose refresh token Cognito refused, so that
// a session without a password fails fast instead of asking again.
type deadTokens struct {
	_      incomparable
	tokens *Tokens
	err    error
}

// schedule holds, for one Tokens value, when each token enters its renewal
// window and when it stops being used, both on Cognito's clock. Index 0 is
// the access token, 1 the id token. Zero times mean "never usable".
type schedule struct {
	tokens  *Tokens
	renewAt [2]time.Time
	staleAt [2]time.Time
}

func slot(typ TokenType) int {
	if typ == IDToken {
		return 1
	}
	return 0
}

// ValidTokens returns tokens whose token of type typ is valid for at least
// the expiry margin on Cognito's clock (see ClockOffset). When that token
// has entered its renewal window it is returned at once and one renewal
// starts in the background; the caller waits for Cognito only when no
// usable token exists, logging in or renewing first. Concurrent callers
// share one call to Cognito; each waits only as long as its own ctx
// allows, and cancelling it does not cancel the call the others wait for.
// (When a caller finds that call past its FlightTimeout, or it ends a
// second or more past it, as in a process frozen while it waited for
// Cognito, on the thaw, the callers waiting for it with time left try once
// more rather than take its timeout for an answer, and that timeout is not
// held back as a failure, below.) When it must wait for Cognito, a ctx
// that has already ended starts no login or renewal and gets ctx's error.
// (A background renewal still starts for a token in its renewal window: it
// serves the session, not the caller.) A login or renewal that the call
// starts gets ctx's values (a trace id, for an instrumented
// Config.HTTPClient or the Logger's handler) but not its
// httptrace.ClientTrace: that describes a request of the caller's own (an
// Auth's request to the API), and the calls to Cognito are others. One
// that the call joins keeps the values of the call that started it.
//
// A session without a password goes on returning a token whose refresh
// token Cognito refused (in its renewal window, so RenewalDue is true)
// while it is usable, unless an API refused it too (a 401 to a request
// through an Auth: see Options.NoRetryOnUnauthorized); from then on it
// fails at once with an error matching ErrLoginRequired.
//
// After two logins or renewals in a row failed, a caller that would wait
// for another gets the last one's error at once, without asking Cognito
// (whatever its ctx: the error is not ctx's even if it has ended), for
// 2 to 4 s after the second failure, 4 to 8 s after the third, and so
// on, doubling up to 30 s: a wrong password, a disabled user or a failing
// Cognito costs a call every 30 s at most, not one per request. Each wait
// is drawn at random within its bounds (with Config.Retry's Jitter), so
// that sessions that failed together, replicas of a service that Cognito
// throttled at once, do not all try again together. (Cognito's lockout
// after five wrong passwords in a row still comes, within seconds; the
// calls made during it do not lengthen it, and the session is let in
// again within 30 s of its end once the password is right.) The session
// tries again by itself once the wait is over; a success, a sign-out,
// new tokens (SetTokens, Authenticate) end the waits. Authenticate and
// Refresh are never held back, and a caller that finds one of them (or
// any login or renewal) under way waits for it instead of getting the
// old error.
//
// A typ other than AccessToken, IDToken or "" is refused with an error
// matching ErrConfig.
func (s *Session) ValidTokens(ctx context.Context, typ TokenType) (*Tokens, error) {
	if _, err := typ.resolve(); err != nil {
		return nil, err
	}
	if !s.built() {
		return nil, errNotNew
	}
	return s.validTokens(ctx, typ)
}

// validTokens is ValidTokens for a typ already resolved: an Auth's, which
// New checked, so that the request path does not check it again.
func (s *Session) validTokens(ctx context.Context, typ TokenType) (*Tokens, error) {
	if t := s.tokens.Load(); t != nil {
		sc := s.scheduleFor(t)
		now := s.cognitoNow()
		i := slot(typ)
		if now.Before(sc.renewAt[i]) {
			return t, nil
		}
		if now.Before(sc.staleAt[i]) {
			s.renewAhead(ctx, t, now)
			return t, nil
		}
	}
	return s.renew(ctx, typ, nil)
}

// RenewalDue reports whether the session's token of type typ is missing or
// has entered its renewal window (see Config.RefreshAhead), on Cognito's
// clock: ValidTokens would now renew it, in the background while it is still
// usable. A program that exits right after using a token, and so cannot
// wait for a background renewal, calls Refresh (or logs in) when it is true.
// It is true for a type that names neither token, which has none, and for
// tokens that an API and Cognito both refused, which ValidTokens no
// longer returns (see Options.NoRetryOnUnauthorized).
//
// Tokens that Config.Store holds count as missing until the session has
// loaded them, which it does when it first needs tokens: call ValidTokens
// (or Token) before RenewalDue, or a program that checks it first renews
// tokens the store held fresh (with rotation, retiring a refresh token).
func (s *Session) RenewalDue(typ TokenType) bool {
	t := s.tokens.Load()
	return t == nil || t.Token(typ) == "" || !s.cognitoNow().Before(s.scheduleFor(t).renewAt[slot(typ)])
}

// scheduleFor returns the schedule of t, computing it when t is new. Two
// callers may compute it at once; they store equal values.
func (s *Session) scheduleFor(t *Tokens) *schedule {
	if sc := s.sched.Load(); sc != nil && sc.tokens == t {
		return sc
	}
	sc := &schedule{tokens: t}
	for i, typ := range [2]TokenType{AccessToken, IDToken} {
		sc.renewAt[i], sc.staleAt[i] = s.window(t, typ)
	}
	s.sched.Store(sc)
	if s.tokens.Load() != t { // forgotten since t was read: see valueFor
		s.sched.CompareAndSwap(sc, nil)
	}
	return sc
}

// window returns when the token of type typ enters its renewal window and
// when it stops being used.
func (s *Session) window(t *Tokens, typ TokenType) (renewAt, staleAt time.Time) {
	exp := t.Expiry(typ)
	if t.Token(typ) == "" || exp.IsZero() {
		return time.Time{}, time.Time{}
	}
	margin, ahead := s.cfg.ExpiryMargin, s.cfg.RefreshAhead
	life := exp.Sub(t.IssuedAt)
	if !t.IssuedAt.IsZero() && life > 0 {
		// Both caps keep a fresh token out of its window (it enters it
		// after a quarter of its life at the earliest), so that renewals
		// cannot follow each other in a loop.
		margin = min(margin, life/4)
		if ahead == 0 {
			ahead = min(life/4, DefaultRefreshAhead)
		}
		ahead = min(ahead, life/2)
	} else if ahead == 0 {
		// Without iat the lifetime is unknown, and a guessed window could
		// hold a fresh token: renew only when it stops being usable.
		ahead = -1
	}
	staleAt = exp.Add(-margin)
	return staleAt.Add(-max(ahead, 0)), staleAt
}

// usable reports whether both tokens of t can be used now.
func (s *Session) usable(t *Tokens) bool {
	sc, now := s.scheduleFor(t), s.cognitoNow()
	return now.Before(sc.staleAt[0]) && now.Before(sc.staleAt[1])
}

// renewAhead starts a background renewal of t unless one is in progress,
// t was replaced, or a recent login or renewal failed (retryAt). now is the
// caller's reading of cognitoNow: the request path reads the clock once.
func (s *Session) renewAhead(ctx context.Context, t *Tokens, now time.Time) {
	// A retryAt further ahead than the longest wait was set before the
	// wall clock stepped back (NTP at boot, while Cognito was out of
	// reach): the wait is over, or it would last as long as the step.
	if d := s.retryAt.Load() - now.UnixNano(); s.flying.Load() || 0 < d && d <= int64(maxRetryAfterFailure) {
		return
	}
	s.mu.Lock()
	if s.flight == nil && !s.closed && s.tokens.Load() == t {
		s.startFlight(ctx, t, "background", (*Session).obtain)
	}
	s.mu.Unlock()
}

// obtain gets usable tokens: from the store when the session has none yet,
// else by renewing with the refresh token, else (no refresh token, or a dead
// one) by logging in with the password when the session has one.
func (s *Session) obtain(ctx context.Context, from *Tokens, trigger string) (*Tokens, error) {
	if from == nil {
		t, err := s.loadStore(ctx)
		if err != nil {
			return nil, err
		}
		if t != nil && s.usable(t) {
			return t, nil
		}
		if t != nil {
			return s.renewStored(ctx, t, trigger, (*Session).obtain)
		}
	}
	// Under s.mu: Authenticate drops the password (ForgetPassword) while
	// flights run.
	s.mu.Lock()
	password := s.password
	s.mu.Unlock()
	if from != nil && from.RefreshToken != "" {
		d := s.dead.Load()
		if d == nil || d.tokens != from {
			t, err := s.refreshNow(ctx, from, trigger)
			if err == nil || !refreshTokenDead(err) {
				return t, err
			}
			d = &deadTokens{tokens: from, err: &LoginRequiredError{Err: err}}
			s.dead.Store(d)
			if password != "" {
				// Once: the logins that follow a failed one, each
				// after a wait, refuse nothing new.
				s.log(ctx, slog.LevelInfo, "cognitosrp: refresh token refused, logging in again",
					"trigger", trigger)
			}
		}
		if password == "" {
			return nil, d.err
		}
	}
	if password == "" {
		return nil, &LoginRequiredError{}
	}
	t, err := s.loginNow(ctx, password, trigger)
	if err == nil && s.forgetPassword {
		s.mu.Lock()
		s.forgetAfter = t // dropped where fly installs t, if it does
		s.mu.Unlock()
	}
	return t, err
}

// refreshOnly renews with the refresh token and never logs in: it serves
// Session.Refresh.
func (s *Session) refreshOnly(ctx context.Context, from *Tokens, trigger string) (*Tokens, error) {
	if from == nil {
		t, err := s.loadStore(ctx)
		if err != nil {
			return nil, err
		}
		if t != nil {
			return s.renewStored(ctx, t, trigger, (*Session).refreshOnly)
		}
	}
	if from == nil || from.RefreshToken == "" {
		return nil, &LoginRequiredError{}
	}
	t, err := s.refreshNow(ctx, from, trigger)
	if err != nil && refreshTokenDead(err) {
		err = &LoginRequiredError{Err: err}
		s.dead.Store(&deadTokens{tokens: from, err: err})
	}
	return t, err
}

// renewStored runs o from t, tokens just read from the store. When o
// fails it returns t with the error, for the session to keep, unless o
// returned tokens to keep itself (see op).
func (s *Session) renewStored(ctx context.Context, t *Tokens, trigger string, o op) (*Tokens, error) {
	nt, err := o(s, ctx, t, trigger)
	if err != nil && nt == nil {
		return t, err
	}
	return nt, err
}

// loadStore reads the store the first time the session needs tokens.
func (s *Session) loadStore(ctx context.Context) (*Tokens, error) {
	s.mu.Lock()
	loaded, epoch := s.loaded, s.epoch
	s.loaded, s.loading = true, !loaded
	s.mu.Unlock()
	if loaded {
		return nil, nil
	}
	t, err := s.store.Load(ctx)
	s.mu.Lock()
	s.loading = false
	signedOut := s.epoch != epoch
	if err != nil && !signedOut {
		s.loaded = false // try again on the next need
	}
	if err == nil && t != nil && !signedOut {
		// Recorded with the end of the load, for a SignOut to revoke
		// while they are renewed and not yet the session's (see forget).
		s.stored.Store(t)
	}
	s.mu.Unlock()
	if signedOut {
		// SignOut read the store itself, revoked what it held and cleared
		// it: what this read found is neither the store's any more nor to
		// be renewed.
		return nil, &LoginRequiredError{Err: errSignedOut}
	}
	if err != nil {
		s.log(ctx, slog.LevelWarn, "cognitosrp: loading tokens failed", "error", err.Error())
		return nil, err
	}
	if t != nil {
		s.log(ctx, slog.LevelInfo, "cognitosrp: tokens loaded", "jti", tokenID(t))
	}
	return t, nil
}

// changed persists t, the session's new tokens, and reports the change
// to OnTokens. A change already replaced by a newer one is neither saved
// nor reported, so the store never goes back to older tokens and OnTokens
// sees the changes in order. OnTokens runs with no lock held.
func (s *Session) changed(ctx context.Context, t *Tokens) error {
	var err error
	s.persistMu.Lock()
	current := s.tokens.Load() == t
	if current && (t == nil || s.stored.Load() != t) {
		if t == nil {
			err = s.store.Clear(ctx)
		} else {
			err = s.store.Save(ctx, t)
		}
		if err == nil {
			s.stored.Store(t)
		}
	}
	if current && s.cfg.OnTokens != nil {
		s.notes.push(t) // under persistMu: in the order of the changes
	}
	s.persistMu.Unlock()
	if err != nil {
		s.log(ctx, slog.LevelWarn, "cognitosrp: saving tokens failed", "error", err.Error())
	}
	if s.cfg.OnTokens != nil {
		s.notes.deliver(s.cfg.OnTokens)
	}
	return err
}

// notifier delivers Config.OnTokens calls one at a time and in the order
// of the changes, yet with no lock held during a call, so that the
// callback may call the Session (even change its tokens) without
// deadlocking. Whoever finds nobody delivering becomes the deliverer and
// drains the queue; no goroutine is started.
type notifier struct {
	mu         mutex
	queue      []*Tokens
	delivering bool
}

// push queues a change. The caller orders pushes (see Session.changed).
func (n *notifier) push(t *Tokens) {
	n.mu.Lock()
	n.queue = append(n.queue, t)
	n.mu.Unlock()
}

// deliver calls fn for each queued change, unless another goroutine is
// already delivering: that one will deliver these too.
func (n *notifier) deliver(fn func(*Tokens)) {
	n.mu.Lock()
	if n.delivering {
		n.mu.Unlock()
		return
	}
	n.delivering = true
	finished := false
	defer func() {
		// Only when fn panics: later changes must still be delivered.
		if !finished {
			n.mu.Lock()
			n.delivering = false
			n.mu.Unlock()
		}
	}()
	for len(n.queue) > 0 {
		t := n.queue[0]
		n.queue[0] = nil
		n.queue = n.queue[1:]
		n.mu.Unlock()
		fn(t)
		n.mu.Lock()
	}
	// Stop delivering in the same critical section that saw the queue
	// empty: a push after it finds nobody delivering and delivers itself.
	// Unlocking in between would let that push be left in the queue.
	n.delivering = false
	finished = true
	n.mu.Unlock()
}

// Close stops the session's background work: it cancels a login or
// renewal in progress and waits for it to end. Afterwards the session
// still hands out its current tokens while they are valid, but calls that
// need Cognito fail with ErrClosed, except SignOut, which still revokes
// the refresh token whatever order a program's deferred calls run in, and
// GlobalSignOut while the access token is valid (a closed session renews
// nothing; it then fails with ErrClosed and keeps the tokens, for SignOut).
// It forgets the password, which only a login needs. Close is idempotent
// and always returns nil. It must not be called by the code a login or
// renewal runs (a ChallengeHandler, TokenStore, Verifier, DeviceStore or
// OnTokens of the session), nor while holding a lock that code waits
// for (a cache's, when OnTokens records the tokens there): it would wait
// for that login or renewal, so for itself.
func (s *Session) Close() error {
	s.mu.Lock()
	s.closed = true
	// Cancels what voidLocked cancels: an Authenticate, the flight in
	// progress and those it waits for. A flight that has left the list
	// has ended its op; the save it still makes is not cancelled. (Not a
	// function of its own: binary size, its metadata, see doc.go.)
	if s.void != nil {
		s.void()
	}
	for f := s.flight; f != nil; f = f.prev {
		f.cancel()
	}
	s.mu.Unlock()
	s.waitIdle()
	// A closed session logs in no more: drop what only a login needs, the
	// password (a secret that would otherwise outlive the need as long as
	// the program keeps the session) and the prepared private value.
	s.mu.Lock()
	s.dropPasswordLocked()
	s.mu.Unlock()
	s.spare.Store(nil)
	return nil
}

// end ends work counted in s.running (see Session.running).
func (s *Session) end() {
	s.mu.Lock()
	if s.running--; s.running == 0 && s.idle != nil {
		close(s.idle)
		s.idle = nil
	}
	s.mu.Unlock()
}

// waitIdle waits until no work counted in s.running is in progress.
func (s *Session) waitIdle() {
	s.mu.Lock()
	if s.running > 0 && s.idle == nil {
		s.idle = make(chan struct{})
	}
	idle := s.idle
	s.mu.Unlock()
	if idle != nil {
		<-idle
	}
}

// isClosed reports whether Close has been called.
func (s *Session) isClosed() bool {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	return closed
}

// A token's exp is on Cognito's clock. A machine whose clock is minutes off
// would, judging exp by its own clock, send expired tokens (clock behind)
// or renew in a loop (clock ahead). So the session estimates the offset
// from the iat of each freshly issued token and judges every expiry on
// Cognito's clock: local time plus the offset.
//
// The SRP TIMESTAMP, which Cognito refuses when it is minutes from its own
// clock, is not signed on that offset: it is learnt only when tokens
// arrive, so one learnt before the local clock was stepped (NTP) would
// sign every later TIMESTAMP minutes off, and no login could succeed to
// learn it anew (TestLoginAfterClockStep). It is signed on the local
// clock, as the official clients sign it, unless the Date header of the
// response that carried the verifier challenge, Cognito's clock seconds
// earlier in the same login (so never stale), is more than maxDateSkew
// from it: then on that Date (claimTime), up to maxClockSkew away. A login
// from a machine whose clock is minutes off thus succeeds, and the offset
// is learnt from its tokens as ever; one hours off still cannot log in.

// maxDateSkew is how far the Date of a challenge's response may be from
// the local clock before a claim is signed on it: well above the Date's
// resolution (a second) and a round trip, well inside the five minutes
// Cognito accepts. Within it the claim is the official clients'.
const maxDateSkew = time.Minute

// claimTime returns the time to sign the SRP TIMESTAMP of an answer to the
// verifier challenge that st last received: the local time, or Cognito's
// (the Date of its response) when that is more than maxDateSkew from it
// but within maxClockSkew. Beyond that the session would refuse the tokens
// as replayed (checkLifetime), after Cognito had issued them, leaving a
// live refresh token behind: the claim stays on the local clock, and
// Cognito refuses it as it did before it read the Date. It runs as soon as
// the challenge has arrived, before the SRP arithmetic, so the local time
// is that of its receipt. A Date not in IMF-fixdate form (the one RFC 9110
// has servers send, and Cognito sends; time.Parse is linked anyway,
// http.ParseTime would add its other two forms) counts as none. A hostile
// Date affects only this claim, sent to the server that sent it.
func (s *Session) claimTime(st *loginState) time.Time {
	now := s.cfg.Now()
	if date, err := time.Parse(http.TimeFormat, st.date); err == nil {
		if d := date.Sub(now).Abs(); d > maxDateSkew && d <= maxClockSkew {
			return date
		}
	}
	return now
}

// iatResolution is the resolution of the iat claim: Cognito writes whole
// seconds.
const iatResolution = time.Second

// ClockOffset returns how far Cognito's clock is ahead of the local one (a
// negative value: behind), as estimated from the last tokens Cognito
// issued; zero before any, or when the clocks agree within the estimate's
// precision (about half a second plus half the call's round trip). Tokens
// loaded from Config.Store or given to SetTokens were issued to another
// process, at a local time the session cannot know, so they leave it
// unchanged: a restarted session judges them on the local clock until
// Cognito issues it tokens.
func (s *Session) ClockOffset() time.Duration { return time.Duration(s.offset.Load()) }

// cognitoNow returns the current time on Cognito's clock, as estimated.
func (s *Session) cognitoNow() time.Time { return s.localNow().Add(s.ClockOffset()) }

// localNow returns the local time. With no Config.Now (outside a
// testing/synctest bubble: systemClock) it reads the wall clock alone
// (wallClock): every caller compares the result with, or adds
// it to, wall-clock instants, and the request path must not pay for a
// monotonic reading it never uses.
func (s *Session) localNow() time.Time {
	if s.systemClock {
		return wallClock()
	}
	return s.cfg.Now()
}

// observeClock updates the clock offset from tokens that Cognito issued
// between the local times sent and received.
func (s *Session) observeClock(ctx context.Context, t *Tokens, sent, received time.Time) {
	if t == nil || t.IssuedAt.IsZero() {
		return
	}
	// On the wall clock, as iat is: Sub of two time.Now readings counts
	// on the monotonic clock, which stops while the machine sleeps, and a
	// call it slept through would seem instant, its iat hours ahead.
	sent = sent.Round(0)
	rtt := max(received.Round(0).Sub(sent), 0)
	// Cognito stamped iat at some point of the call, truncated to the
	// second: compare the middles of both intervals.
	est := t.IssuedAt.Add(iatResolution / 2).Sub(sent.Add(rtt / 2))
	if est.Abs() <= iatResolution/2+rtt/2 {
		// Within the estimate's precision the clocks agree; rounding noise
		// must not move expiry decisions back and forth.
		est = 0
	}
	old := time.Duration(s.offset.Swap(int64(est)))
	if (est - old).Abs() >= iatResolution {
		s.log(ctx, slog.LevelInfo, "cognitosrp: clock offset from Cognito",
			"offset", est, "previous", old)
	}
}
