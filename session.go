// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultFlightTimeout bounds one shared login or renewal. It runs apart
// from any caller's context, so that a caller that gives up does not fail
// the others waiting for the same result. A shared login's
// ChallengeHandler answers within it: a handler that asks a person for a
// code needs a longer Config.FlightTimeout (or Options.FlightTimeout).
// The login of Session.Authenticate is not shared: its ctx alone bounds
// it.
const DefaultFlightTimeout = time.Minute

// ErrLoginRequired reports a session that has no usable tokens and no
// password to log in with: its refresh token is missing, expired, revoked
// or signed out. Call Session.Authenticate.
var ErrLoginRequired = errors.New("cognitosrp: session must log in again")

// Config describes a user pool and its app client.
type Config struct {
	// UserPoolID is the pool's id, such as "us-east-1_AbC123". One that
	// Cognito's pattern [\w-]+_[0-9a-zA-Z]+ (at most 55 bytes, one '_')
	// does not match is refused.
	UserPoolID string
	// ClientID is the app client's id.
	ClientID string
	// ClientSecret is the app client's secret, if it has one.
	ClientSecret string
	// Region is the pool's region; empty means the part of UserPoolID
	// before "_".
	Region string
	// Endpoint overrides the Cognito endpoint (a VPC endpoint, a local
	// emulator), as an http or https URL; empty means the public endpoint
	// of Region (see RegionEndpoint).
	Endpoint string
	// HTTPClient sends the Cognito calls; nil means a client with
	// DefaultTimeout over http.DefaultTransport, which takes a proxy from
	// HTTPS_PROXY, HTTP_PROXY and NO_PROXY and trusts the system's CAs.
	// For a CA of your own, clone http.DefaultTransport, which keeps
	// those proxy settings and HTTP/2, and set its TLSClientConfig (see
	// Example_customCA); a Transport built from scratch has no proxy.
	// Its Transport must not be an Auth of this session (as the client
	// your API calls go through would have): a login, or a renewal that
	// requests wait for, would wait for its own tokens, and fails at once
	// instead with an error matching ErrConfig; a renewal ahead of expiry
	// would send the session's own token to Cognito in the Auth's header.
	HTTPClient *http.Client
	// ExpiryMargin is how long before its expiry a token stops being used,
	// so that a request does not arrive with a token that expired on the
	// way. Zero means DefaultExpiryMargin; a negative value means no margin.
	// It is capped at a quarter of each token's lifetime, so that a
	// short-lived token is still used; a token whose issue time is unknown
	// (Tokens.IssuedAt zero) gets the margin uncapped.
	ExpiryMargin time.Duration
	// RefreshAhead is how long before a token stops being used (its expiry
	// minus ExpiryMargin) a renewal starts in the background, while
	// requests go on with the token they have. Zero means a quarter of the
	// token's lifetime, at most DefaultRefreshAhead; any value is capped at
	// half the lifetime, so a fresh token is never due for renewal. A
	// negative value turns renewing ahead off: requests then wait for the
	// renewal once the token stops being used. The lifetime is known only
	// from Tokens.IssuedAt: for tokens without it (given to SetTokens
	// without one, say) zero means no renewing ahead, and a positive value
	// is used uncapped.
	RefreshAhead time.Duration
	// RefreshMethod selects the call that renews tokens: the zero value
	// means RefreshWithInitiateAuth (REFRESH_TOKEN_AUTH); app clients with
	// refresh-token rotation need RefreshWithGetTokens.
	RefreshMethod RefreshMethod
	// FlightTimeout bounds one shared login or renewal, ChallengeHandler's
	// answers included; zero or negative means DefaultFlightTimeout (not
	// "no bound", as a negative ExpiryMargin means no margin).
	FlightTimeout time.Duration
	// Retry says how Cognito calls that fail for a passing reason are
	// retried; the zero value is the default policy, MaxAttempts 1 turns
	// retries off.
	Retry RetryPolicy
	// Verifier, when set, checks the signature and claims of every token
	// Cognito returns before the session stores or sends it; a token it
	// refuses fails the login or renewal. Use a *Verifier from NewVerifier
	// (for a local emulator, with VerifierConfig.Issuer set to its issuer),
	// with an empty VerifierConfig.TokenUse: the session checks both
	// tokens, and one that accepts a single kind refuses every login.
	// One *Verifier serves every session of the pool, which then share
	// its cached key set. A *Verifier judges exp, iat and nbf here no
	// earlier than the access token's iat, Cognito's clock when it issued
	// them (held within an hour of the local clock), so that a local
	// clock minutes behind still logs in. It never judges them earlier
	// than its own clock either, so that a replayed token stays expired:
	// a local clock ahead of Cognito's by more than the tokens' lifetime
	// (5 minutes is Cognito's least) refuses every fresh token as
	// expired, where without a Verifier it would log in.
	// Nil means the tokens are trusted as they come over TLS from
	// Endpoint. Tokens loaded from Store or given to SetTokens are not
	// verified: they are trusted as the store's file and directory are.
	// (An interface, so that programs that do not verify do not link the
	// verifier.)
	Verifier TokenVerifier

	// Store keeps the tokens across restarts; nil means a MemoryStore. The
	// session loads from it when it first needs tokens and has none, and
	// saves every change to it. A failed save does not fail the login or
	// renewal whose tokens it held (they are valid, and in use): it is
	// logged at Warn, and the next change is saved again. A program that
	// must know, such as a command that exits next, saves the session's
	// Tokens itself. A failed load, unlike a save, fails the call that
	// needed the tokens, without a login, whose save would replace what
	// the store may still hold, and is tried again at the next: a
	// FileStore that refuses its file (ErrInsecureFile, ErrStoreFormat)
	// fails every request until the file is mended or removed (SignOut
	// removes it).
	Store TokenStore
	// OnTokens, when set, is called after every change of the session's
	// tokens (login, renewal, SetTokens, loading from Store) with the new
	// tokens, and with nil after SignOut. Calls come one at a time, in the
	// order of the changes, with no lock held, so it may call the Session
	// (but not Close, which waits for the renewal that runs it); a change
	// that a newer one replaced before it was saved to Store is skipped
	// (one saved is reported, even if replaced since). The goroutine that
	// is already delivering makes the calls, so a call may come after the
	// method that made its change has returned, even after a later
	// SignOut has: the nil still comes after it. It must not modify the
	// Tokens.
	OnTokens func(*Tokens)
	// Logger, when set, receives login, renewal, retry and failure events
	// with their durations. No event carries a secret or a token: a token
	// is named by its jti claim at most. A Logger without a Handler (not
	// made by slog.New) is refused. The events, each message after
	// "cognitosrp: ", with the keys of their attributes:
	//   - INFO "logged in" and "tokens renewed", WARN "login failed" and
	//     "renewal failed", DEBUG "login cancelled" and "renewal
	//     cancelled" (by Close, a sign-out or the caller): one per login
	//     or renewal, with its "trigger" (see below) and "duration"; a
	//     renewal's also with "method" (Config.RefreshMethod). A failure
	//     or cancellation has the "error"; a success the new access
	//     token's "jti" and "expires" and, for a renewal, "rotated"
	//     (whether Cognito issued a new refresh token).
	//   - INFO "refresh token refused, logging in again" ("trigger"),
	//     "tokens loaded" (from Store; their "jti"), "clock offset from
	//     Cognito" ("offset" and the "previous" one, see ClockOffset),
	//     "signed out" ("action": RevokeToken or GlobalSignOut, and
	//     "duration"); WARN "sign-out failed" ("action", "duration" and
	//     "error"), and with the "error": "saving tokens failed", "loading
	//     tokens failed", "the new device was not confirmed; the next
	//     login will be issued another".
	//   - For an Auth's requests: INFO "retrying request after 401 with
	//     a renewed token" (the request's "method" and "host", the renewed
	//     token's "jti"), "401 not retried: the request body cannot be
	//     replayed" ("method", "host"); DEBUG "401 not retried: no new
	//     token" ("method", "host", "error"); WARN "the API refused
	//     renewed tokens too; check its pool, token type and prefix"
	//     ("renewed_ago": how long ago the renewal that a 401 forced
	//     was), once for each such renewal.
	//   - DEBUG "waiting for Cognito" ("trigger"): a caller (a request)
	//     begins to wait for a login or renewal, its own or one another
	//     caller started.
	// The trigger is "blocking" (a caller waits: no usable token),
	// "background" (renewing ahead, see RefreshAhead), "rejected" (an
	// API's 401) or "explicit" (Authenticate, Refresh). An event is
	// logged with the context of the call that caused it: a login or
	// renewal has the values (a request id) of the caller that started
	// it, not those of callers that joined it, whose "waiting for
	// Cognito" events have theirs. Every event carries the user, first,
	// under the key "user"; events name the user, not the pool: sessions
	// of several pools tell theirs apart by a Logger each (Logger.With).
	Logger *slog.Logger

	// AuthFlow is the login flow: FlowUserSRPAuth (the default when
	// empty), FlowUserAuth, FlowCustomAuth or FlowUserPasswordAuth.
	AuthFlow string
	// ChallengeHandler answers the challenges of a login that need more
	// than the password: MFA codes, a new password, custom challenges. Nil
	// means such a login fails with a *ChallengeError.
	ChallengeHandler ChallengeHandler
	// Devices, when set, remembers the device Cognito issues at a login,
	// in pools with device tracking, and signs in with it from then on:
	// set it to RememberDevices(store, name). Nil means the session
	// remembers no device and confirms none; a login that Cognito asks to
	// prove a device then fails with a *ChallengeError. A pool with
	// device tracking needs Devices for renewals too: Cognito binds each
	// login's refresh token to the device it issues and refuses it
	// ("Invalid Refresh Token.") until that device is confirmed, so
	// without Devices every renewal fails, and the session logs in again
	// if it has the password, or fails with ErrLoginRequired. When Cognito
	// refuses to confirm a new device the login still succeeds, without it
	// (so its tokens do not renew either); when the DeviceStore fails to
	// save a device Cognito has confirmed, the login fails with the
	// store's error, as the device's secret would be lost and each login
	// would register another.
	Devices DeviceTracker

	// Rand, when set, replaces crypto/rand as the source of SRP private
	// values and device secrets. Only tests should set it.
	Rand io.Reader
	// Now, when set, replaces time.Now. Only tests should set it. It is
	// not the clock of a TOTP handler, which has its own (TOTP.Now).
	Now func() time.Time
}

// String describes the configuration without its secret.
func (c Config) String() string {
	return fmt.Sprintf("cognitosrp.Config{UserPoolID: %s, ClientID: %s, ClientSecret: %s, Region: %s, Endpoint: %s}",
		c.UserPoolID, c.ClientID, redact(c.ClientSecret), c.Region, redactURL(c.Endpoint))
}

// Format prints String for every verb, so no formatting reveals the secret.
func (c Config) Format(f fmt.State, verb rune) { formatRedacted(f, c) }

// settings is a Config without its methods and without HTTPClient: the
// Session holds its Config as settings, and its HTTPClient in api. A
// Config field would link Config's String, Format and LogValue into every
// program, and a *http.Client field net/http's cookie printer (binary
// size: method-less copy, see doc.go). Its fields are Config's, by name
// and type, which TestSettingsCopyConfig checks.
type settings struct {
	UserPoolID       string
	ClientID         string
	ClientSecret     string
	Region           string
	Endpoint         string
	ExpiryMargin     time.Duration
	RefreshAhead     time.Duration
	RefreshMethod    RefreshMethod
	FlightTimeout    time.Duration
	Retry            RetryPolicy
	Verifier         TokenVerifier
	Store            TokenStore
	OnTokens         func(*Tokens)
	Logger           *slog.Logger
	AuthFlow         string
	ChallengeHandler ChallengeHandler
	Devices          DeviceTracker
	Rand             io.Reader
	Now              func() time.Time
}

// settingsOf returns the settings of c. Not inlined: nineteen fields,
// copied at each caller (binary size: out of line, see doc.go).
//
//go:noinline
func settingsOf(c *Config) settings {
	return settings{
		UserPoolID:       c.UserPoolID,
		ClientID:         c.ClientID,
		ClientSecret:     c.ClientSecret,
		Region:           c.Region,
		Endpoint:         c.Endpoint,
		ExpiryMargin:     c.ExpiryMargin,
		RefreshAhead:     c.RefreshAhead,
		RefreshMethod:    c.RefreshMethod,
		FlightTimeout:    c.FlightTimeout,
		Retry:            c.Retry,
		Verifier:         c.Verifier,
		Store:            c.Store,
		OnTokens:         c.OnTokens,
		Logger:           c.Logger,
		AuthFlow:         c.AuthFlow,
		ChallengeHandler: c.ChallengeHandler,
		Devices:          c.Devices,
		Rand:             c.Rand,
		Now:              c.Now,
	}
}

// Session is one user's authenticated session with a user pool: the
// counterpart of pycognito's Cognito object. It holds the tokens, logs in
// with SRP and renews the tokens. Create one with NewSession; the zero
// value is not usable: its methods that call Cognito (Authenticate,
// Refresh, ValidTokens, SignOut, GlobalSignOut), like those of a nil
// *Session, fail with an error matching ErrConfig, and its SetTokens does
// nothing. A Session is safe for concurrent use.
type Session struct {
	cfg      settings
	poolName string
	api      *apiClient // calls Cognito
	username string

	// password, when set, lets the session log in on demand: on first use
	// and when the refresh token has died.
	password string
	// systemClock: Config.Now was nil and time.Now was the machine's
	// clock, not a testing/synctest bubble's (see NewSession), so expiry
	// checks may read the wall clock alone (see localNow).
	systemClock bool
	// forgetPassword drops password after the first successful login.
	forgetPassword bool

	tokens atomic.Pointer[Tokens]
	store  TokenStore
	// changedPassword replaces password after login.go answered
	// NEW_PASSWORD_REQUIRED with a new one.
	changedPassword atomic.Pointer[string]
	// spare is the next login's SRP, prepared ahead (prepare.go).
	spare atomic.Pointer[spareSRP]

	// The fields below serve the token lifecycle (lifecycle.go and
	// flight.go). The hot path reads only atomics; mu is never held across
	// a network call.
	//
	// The fields whose rules fly, renewOnce, renewNow and renewRejected
	// apply, as a whole (the why is in the fields' own comments and where
	// each rule is applied): what each means; who sets and who clears it;
	// how it is read, "mu" under s.mu, "atomic" without it, and where. vL is
	// voidLocked (SignOut and GlobalSignOut through forget, SetTokens(nil));
	// cFL is clearFailuresLocked (vL, fly's success, SetTokens, authenticate).
	//
	//	epoch          sign-outs so far: a flight or login begun before one is void
	//	               set vL (++); never reset; mu (joinable, fly, loadStore, authenticate)
	//	failures       failed background and blocking flights in a row
	//	               set fly (++); cleared cFL; mu (renewOnce holds needs from 2, fly)
	//	failedErr/On   the last failure's error, and the tokens it left the session
	//	               set fly; cleared cFL; mu (renewOnce)
	//	retryAt        no flight after a failed one before this (cognitoNow, ns)
	//	               set fly, cleared cFL (both under mu); atomic (renewAhead), mu (renewOnce)
	//	lastForced     when a 401 last forced a renewal (wall clock ns, 0 never)
	//	               set renewNow, once one started; never reset, vL included; mu (renewNow)
	//	forcedFrom     the tokens that renewal started from
	//	               set renewNow; cleared vL; mu (renewNow)
	//	refusalLogged  renewNow's "refused renewed tokens too" warning was logged
	//	               set renewNow: true as it warns, false as a forced one starts; mu (renewNow)
	//	forgetAfter    a login's tokens whose installing drops the password
	//	               set obtain (ForgetPassword); cleared fly, as each flight ends; mu (fly)
	//	dead           tokens whose refresh token Cognito refused, and the error
	//	               set obtain, refreshOnly (no lock); cleared loginNow (a login), vL, fly (a
	//	               void flight's, by CAS); atomic (obtain, renewRejected), mu (renewOnce, fly)
	//	flight         the flight in progress, or nil
	//	               set startFlight; cleared fly (if still its); mu (joinable, renewAhead, vL, Close)
	//	flying         flight != nil, for renewAhead's lock-free check
	//	               set startFlight, cleared fly (both under mu, with flight); atomic (renewAhead)
	//	sched          the current tokens' renewal and stale times
	//	               set scheduleFor, renewRejected (a zero one: refused and dead); cleared vL
	//	               (and by CAS where the tokens changed meanwhile); atomic (scheduleFor)
	//	loginless      (of flight, not Session) a Session.Refresh flight: it never logs in
	//	               set startFlight (trigger "explicit"), then fixed; no lock (mayLogIn)
	//	started        (of flight) when its timeout started, on the monotonic clock
	//	               set startFlight, and again as its prev ends (both under mu);
	//	               mu (joinLocked, with prev: none while prev is set)
	//	late           (of flight) a need joined it FlightTimeout or more after started,
	//	               or it ended a second or more past its timeout
	//	               set joinLocked (true), only while it is joinable, so before fly ends
	//	               it, and fly as it ends it (true; false for a *ChallengeError); not
	//	               written after; mu (fly), no lock once done is closed (renew,
	//	               Refresh's lateTimeout: read last, after its timeout, for that order)
	//
	// Not in the table, each with its own comment: header, closed, loaded,
	// loading, stored, voided/void, running/idle.
	sched atomic.Pointer[schedule] // when the current tokens need renewal
	// header holds the header values Auths on the session built for the
	// current tokens (Auth.valueFor): here, not in each Auth, so that
	// forgetting the tokens (voidLocked) drops them, and the tokens they
	// hold, too.
	header    atomic.Pointer[headerValue]
	offset    atomic.Int64 // Cognito's clock minus ours, in ns (ClockOffset)
	flying    atomic.Bool  // a flight is in progress
	retryAt   atomic.Int64 // no flight after a failed one before this time on cognitoNow's clock (ns)
	dead      atomic.Pointer[deadTokens]
	stored    atomic.Pointer[Tokens] // what store holds, when known
	waits     atomic.Int64           // callers that had to wait for Cognito
	persistMu mutex                  // orders saves to store
	notes     notifier               // delivers OnTokens calls in order

	mu       mutex // guards the fields below
	flight   *flight
	closed   bool
	loaded   bool   // store has been read, or tokens were set
	loading  bool   // a flight is reading the store (loadStore)
	epoch    uint64 // counts sign-outs and SetTokens(nil): a flight begun before one is void
	failures int    // consecutive failed background and blocking flights (clearFailuresLocked)
	// failedErr is the error of the last of those, if it failed, and
	// failedOn the tokens it left the session with: after two failures in
	// a row, needs of those tokens get that error until retryAt (see
	// renewOnce).
	failedErr error
	failedOn  *Tokens
	// lastForced is when an API's 401 last forced a renewal, as a wall
	// clock reading (UnixNano; 0 for never: see minForcedInterval),
	// forcedFrom the tokens it renewed, and refusalLogged whether a 401 to
	// the tokens it brought was logged since (renewNow).
	lastForced    int64
	forcedFrom    *Tokens
	refusalLogged bool
	// forgetAfter are the tokens of a flight's login with the stored
	// password: installing them drops it (ForgetPassword, see fly).
	forgetAfter *Tokens

	// voided is cancelled by the next sign-out or SetTokens(nil) (see
	// voidLocked), and by Close: it ends an Authenticate begun before.
	// Made by an Authenticate when there is none (at first, and after a
	// sign-out): a session that logs in through its flights, as an Auth's
	// does, holds none. Close cancels flights itself, as voidLocked does: a context of
	// the session's that each flight registered with (context.AfterFunc)
	// kept a map of its children and a channel for the session's life,
	// 0.4 KB of an idle session's memory.
	voided context.Context
	void   context.CancelFunc
	// running counts the flights, Authenticates and SRP preparations
	// (prepare.go) in progress, each counted under mu while the session
	// is open; idle, made by a waitIdle while running > 0, is closed when
	// it reaches 0. (Not a sync.WaitGroup: binary size, nothing linked for
	// one use, see doc.go.)
	running int
	idle    chan struct{}
}

// NewSession returns a session for username (the name, e-mail or phone
// number the user logs in with) in the pool and app client of cfg. It makes
// no network call. Its errors match ErrConfig: a UserPoolID that is not a
// pool id (see Config.UserPoolID), no ClientID or username, a line break
// (or other control character) in the username, the ClientID or the
// ClientSecret, or white space in either of the last two, an unknown
// AuthFlow or RefreshMethod, a Region or Endpoint that names no endpoint,
// a Logger without a Handler.
func NewSession(cfg Config, username string) (*Session, error) {
	region, poolName, ok := splitPoolID(cfg.UserPoolID)
	if !ok {
		return nil, poolIDError(cfg.UserPoolID)
	}
	if cfg.ClientID == "" {
		return nil, refine(&ErrConfig, "ClientID is required")
	}
	if username == "" {
		return nil, refine(&ErrConfig, "username is required")
	}
	// A value read from a file, an environment variable or a secret
	// store's string often keeps its line break, and no Cognito client
	// id or secret ([\w+]+ in the API reference) nor username
	// ([\p{L}\p{M}\p{S}\p{N}\p{P}]+) has one: refused here, not
	// answered "Unable to verify secret hash" (ErrNotAuthorized, as a
	// wrong password is) or "User does not exist" at the first request.
	// Only control characters in a username: a login name may be an
	// alias, whose value the reference does not constrain.
	if hasByteBelow(cfg.ClientID+cfg.ClientSecret, '!') || hasByteBelow(username, ' ') {
		return nil, refine(&ErrConfig, "ClientID, ClientSecret or username has a line break or space")
	}
	if err := checkAuthFlow(cfg.AuthFlow); err != nil {
		return nil, err
	}
	if cfg.Region == "" {
		cfg.Region = region
	}
	if cfg.Endpoint == "" {
		if cfg.Endpoint = RegionEndpoint(cfg.Region); cfg.Endpoint == "" {
			return nil, refine(&ErrConfig, fmt.Sprintf("region %q is not a region name", cfg.Region))
		}
	} else if u, err := url.Parse(cfg.Endpoint); err != nil {
		return nil, errEndpointNotURL
	} else if err := checkEndpoint(u); err != nil {
		// Here, not only at the first call, which would fail as late.
		return nil, err
	}
	cfg.ExpiryMargin = durationOr(cfg.ExpiryMargin, DefaultExpiryMargin)
	if cfg.FlightTimeout <= 0 {
		cfg.FlightTimeout = DefaultFlightTimeout
	}
	// In a testing/synctest bubble time.Now is virtual (it starts in
	// 2000) while gettimeofday stays the machine's: a session made there
	// reads time.Now, or it would judge the tokens of a server on the
	// bubble's clock years old.
	systemClock := cfg.Now == nil && time.Since(wallClock()).Abs() < time.Hour
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	switch cfg.RefreshMethod {
	case "", RefreshWithInitiateAuth, RefreshWithGetTokens:
	default:
		return nil, refine(&ErrConfig, fmt.Sprintf("unknown RefreshMethod %q (want %q or %q)",
			string(cfg.RefreshMethod), RefreshWithInitiateAuth, RefreshWithGetTokens))
	}
	if cfg.ClientSecret != "" {
		// Every call's SECRET_HASH is an HMAC keyed with the secret: a
		// secret that FIPS 140-only mode refuses fails here, not in a
		// panic of SecretHash at each call.
		if _, err := newMAC(sha256.New, []byte(cfg.ClientSecret)); err != nil {
			return nil, errorf("%w: ClientSecret: %w", ErrConfig, err)
		}
	}
	if cfg.Logger != nil && cfg.Logger.Handler() == nil {
		// A Logger not made by slog.New (new(slog.Logger)) panics at its
		// first event, which may be in a renewal's goroutine: refused
		// here, it does not end the process.
		return nil, refine(&ErrConfig, "Logger has no Handler (make it with slog.New)")
	}
	s := &Session{
		cfg:         settingsOf(&cfg),
		poolName:    poolName,
		api:         newAPIClient(cfg.Endpoint, "", cfg.HTTPClient, cfg.Retry),
		username:    username,
		store:       cfg.Store,
		systemClock: systemClock,
	}
	if s.store == nil {
		s.store = new(MemoryStore)
	}
	return s, nil
}

// mutex is a sync.Mutex whose Lock and Unlock are called, not inlined, at
// about fifty places (binary size: out of line, see doc.go). No lock is
// taken on a request's path while the tokens are valid (lifecycle.go), so
// the calls cost nothing there.
type mutex struct {
	_ incomparable // or the compiler makes it an equality function
	m sync.Mutex
}

//go:noinline
func (m *mutex) Lock() { m.m.Lock() }

//go:noinline
func (m *mutex) Unlock() { m.m.Unlock() }

// hasByteBelow reports whether s holds a byte under least, or DEL.
func hasByteBelow(s string, least byte) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < least || c == 0x7f {
			return true
		}
	}
	return false
}

// durationOr applies the convention of optional durations
// (Config.ExpiryMargin, VerifierConfig.Leeway): zero means def, a negative
// value means none.
func durationOr(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return max(d, 0)
}

// Username returns the name the session logs in with.
func (s *Session) Username() string { return s.username }

// Tokens returns the current tokens, which may be nil or expired. The
// returned value must not be modified. Tokens in the Store are loaded only
// when the session first needs them.
func (s *Session) Tokens() *Tokens { return s.tokens.Load() }

// SetTokens replaces the session's tokens, for example with tokens saved by
// an earlier run, saves them to the Store and calls OnTokens. The session
// keeps t; do not modify it afterwards. A nil t forgets the tokens (and
// clears the Store) without revoking them; see SignOut. Like SignOut, it
// discards a login or renewal in progress, which would bring tokens back.
// On a Session that NewSession did not build it does nothing.
func (s *Session) SetTokens(t *Tokens) {
	if !s.built() {
		return
	}
	s.mu.Lock()
	s.loaded = true // t wins over whatever the store holds
	if t == nil {
		s.tokens.Store(nil) // before voidLocked: see Auth.valueFor
		s.voidLocked()      // which clears the failures too
	} else {
		s.clearFailuresLocked()
	}
	s.mu.Unlock()
	s.tokens.Store(t)
	s.changed(context.Background(), t)
}

// Authenticate logs in with password, in Config.AuthFlow (SRP by default),
// and stores the new tokens. It does not keep the password. After Close it
// fails with ErrClosed: a closed session could not renew the tokens. A
// SignOut or SetTokens(nil) while it logs in cancels the login (tokens
// Cognito issued all the same are revoked), which then fails with an error
// matching ErrLoginRequired. ctx bounds the login, the ChallengeHandler's
// wait included; Config.FlightTimeout, which bounds the logins and
// renewals the session shares, does not apply.
func (s *Session) Authenticate(ctx context.Context, password string) error {
	if !s.built() {
		return errNotNew
	}
	voided, err := s.authenticate(ctx, password)
	if voided != nil {
		// Revoked outside authenticate, which Close waits for: Close
		// does not wait for a sign-out's revocation either.
		err = errors.Join(err, s.revoke(ctx, voided))
	}
	return err
}

// authenticate is Authenticate but for the revocation of voided, the
// tokens Cognito issued to a login that a sign-out voided too late to
// stop it.
func (s *Session) authenticate(ctx context.Context, password string) (voided *Tokens, err error) {
	// Counted in running under mu with closed, like a flight, so that Close
	// cancels the login and waits for it, and no tokens come after it.
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, ErrClosed
	}
	if s.voided == nil {
		// Only ever carries cancellation: the login takes its values
		// from ctx.
		s.voided, s.void = context.WithCancel(context.Background())
	}
	epoch, epochCtx := s.epoch, s.voided
	s.running++
	s.mu.Unlock()
	defer s.end()
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(epochCtx, cancel)() // Close or a sign-out
	t, err := s.loginNow(lctx, password, "explicit")
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		if err != nil {
			return nil, errorf("%w: %w", ErrClosed, err)
		}
		return nil, ErrClosed
	}
	if s.epoch != epoch {
		// A sign-out or SetTokens(nil) since the start voids the login,
		// as it voids a flight's: no code is asked for after it, and
		// tokens that Cognito issued before the cancellation would
		// bring the signed-out session back, alive at Cognito.
		s.mu.Unlock()
		return t, &LoginRequiredError{Err: errSignedOut}
	}
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	s.loaded = true
	s.tokens.Store(t)
	s.clearFailuresLocked()
	if s.forgetPassword {
		// A login of the caller's is a successful login too.
		s.dropPasswordLocked()
	}
	s.mu.Unlock()
	// Saved even when ctx has ended since the answer came, as a flight's
	// tokens are: the session holds them now, and a store left behind
	// would give the next run older ones.
	s.changed(context.WithoutCancel(ctx), t)
	return nil, nil
}

// Refresh renews the tokens with the refresh token now, even if they are
// still valid, and stores them: the session holds them when Refresh
// returns, and Config.Store has them once the save that follows ends
// (Close waits for it). A renewal already in progress is joined
// instead of starting another. It fails with an error matching
// ErrLoginRequired when there is no refresh token, and with one matching
// ErrNotAuthorized when Cognito refuses it. With a ctx that has already
// ended it starts no renewal and returns ctx's error. Otherwise ctx bounds
// only the wait, as in ValidTokens: the renewal is shared, and goes on
// for the session after ctx ends (within Config.FlightTimeout; Close ends
// it), so that a rotated refresh token Cognito sends is not lost. When a
// caller finds the renewal Refresh waits for past Config.FlightTimeout, or
// it ends a second or more past it (a process frozen while it waited for
// Cognito, such as AWS Lambda between invocations, on the thaw), and it
// fails by its timeout, Refresh tries once more, as ValidTokens does,
// rather than return that timeout as if ctx had run out; tokens that
// another caller got meanwhile are kept, not renewed again.
func (s *Session) Refresh(ctx context.Context) error {
	if !s.built() {
		return errNotNew
	}
	used := s.tokens.Load()
	_, f, err := s.renewNow(ctx, used, "explicit", (*Session).refreshOnly)
	if lateTimeout(ctx, f, err) {
		// From used again: tokens that another waiter's try renewed
		// since are those renewNow returns, not ones to renew.
		_, _, err = s.renewNow(ctx, used, "explicit", (*Session).refreshOnly)
	}
	return err
}

// addSecretHash adds SECRET_HASH for username when the app client has a
// secret. Not inlined, for its three callers (binary size: out of line,
// see doc.go).
//
//go:noinline
func (s *Session) addSecretHash(params map[string]string, username string) {
	if s.cfg.ClientSecret != "" {
		params["SECRET_HASH"] = SecretHash(username, s.cfg.ClientID, s.cfg.ClientSecret)
	}
}

// unexpectedOutput explains a response that is neither the expected
// challenge nor tokens; username is the name a continuation must send.
func unexpectedOutput(action string, out *AuthOutput, username string) error {
	if out.ChallengeName != "" {
		return &ChallengeError{ChallengeName: out.ChallengeName, Parameters: out.ChallengeParameters, Session: out.Session, Username: username}
	}
	return &refinedError{base: &ErrInvalidResponse, detail: action + ": neither tokens nor a challenge"}
}

// String describes the session without its secrets.
func (s *Session) String() string {
	if s == nil {
		return "cognitosrp.Session(nil)"
	}
	return fmt.Sprintf("cognitosrp.Session{UserPoolID: %s, ClientID: %s, Username: %s}", s.cfg.UserPoolID, s.cfg.ClientID, s.username)
}

// Format prints String for every verb, so no formatting reveals a secret.
func (s *Session) Format(f fmt.State, verb rune) { formatRedacted(f, s) }

// dropPasswordLocked forgets the password (Options.ForgetPassword), and
// the new one a forced change gave it, which would otherwise stay for the
// session's life unused. It runs with s.mu held, as a successful login's
// tokens are installed: a sign-out before that discards them, so the
// login was no success, and the password stays for the next need, as
// SignOut says.
func (s *Session) dropPasswordLocked() {
	s.password = ""
	s.changedPassword.Store(nil)
}

// storedPassword returns the password the session logs in with on its own.
// Authenticate may read it while a flight drops it.
func (s *Session) storedPassword() string {
	s.mu.Lock()
	p := s.password
	s.mu.Unlock()
	return p
}
