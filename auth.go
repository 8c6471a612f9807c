// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/textproto"
	"net/url"
	"reflect"
	"strings"
	"time"
)

// Defaults of the header an Auth sets.
const (
	DefaultHeader       = "Authorization"
	DefaultHeaderPrefix = "Bearer "
)

// Options configure an [Auth]. Give either the individual parameters
// (Username, Password, UserPoolID, ClientID and optionally Region,
// ClientSecret, Endpoint, HTTPClient) or an existing Session, not both.
// Username is NewSession's argument and Password the session's stored
// password; the other parameters mean what Config's fields of the same
// names do, and New refuses them as NewSession does (a malformed
// UserPoolID, say).
type Options struct {
	Username     string       // the name, e-mail or phone number the user logs in with
	Password     string       // a secret, kept for logging in again (see ForgetPassword)
	UserPoolID   string       // such as "us-east-1_AbC123"
	ClientID     string       // the app client's id
	ClientSecret string       // the app client's secret, if it has one
	Region       string       // empty: derived from UserPoolID
	Endpoint     string       // empty: the region's public endpoint
	HTTPClient   *http.Client // for the calls to Cognito (not your API); nil: DefaultTimeout

	// AuthFlow, ChallengeHandler and Devices: see Config. Only with
	// individual parameters.
	AuthFlow         string
	ChallengeHandler ChallengeHandler
	Devices          DeviceTracker

	// Session is an already configured (and usually authenticated) session
	// from NewSession. Without a password it cannot log in again once its
	// refresh token dies.
	Session *Session

	// Header is the request header to set; empty means "Authorization".
	// New canonicalizes it ("X-API-Key" becomes "X-Api-Key", as HeaderName
	// reports), so that it replaces a header of that name the request
	// already has (http.Header's Set and Add store names so). HTTP/1.1
	// sends it in that form, HTTP/2 in lower case. pycognito sends it as
	// written: header names are case-insensitive.
	Header string
	// HeaderPrefix goes before the token. When Header is empty too, an
	// empty HeaderPrefix means "Bearer "; with Header set it is used as
	// given, so Header: "Authorization" with no prefix sends the bare token.
	// (pycognito's http_header_prefix stays "Bearer " whatever the header
	// unless given; a Go string cannot tell an unset prefix from an empty
	// one, which the X-API-Key pattern needs, so set both or neither.)
	// A prefix of the Authorization header must end with a space (or
	// tab), which separates the scheme from the token: New refuses
	// "Bearer", Tokens.TokenType's spelling, which would send
	// "Bearereyj…".
	HeaderPrefix string
	// TokenType selects the token; the zero value means AccessToken.
	TokenType TokenType
	// Base sends the authorized requests to your API (not the calls to
	// Cognito, which go through HTTPClient); nil means
	// http.DefaultTransport. Before a retry after a 401 (see
	// NoRetryOnUnauthorized) the 401's body is read for at most a second,
	// then closed, if need be while a Read waits: Base's response bodies
	// must allow a Close during a Read, as net/http's do.
	Base http.RoundTripper
	// ExpiryMargin: see Config.ExpiryMargin. Only with individual parameters.
	ExpiryMargin time.Duration
	// Verifier: see Config.Verifier. Only with individual parameters.
	Verifier TokenVerifier
	// ForgetPassword drops the password after the first successful login,
	// its own or one of Session.Authenticate (whatever password that was
	// given), and not after a login a sign-out discarded. The session then
	// renews its tokens with the refresh token alone, and
	// once that dies (it expires, is revoked, or the user signs out
	// everywhere) requests fail with ErrLoginRequired instead of logging in
	// again. Only with individual parameters.
	ForgetPassword bool
	// Retry: see Config.Retry. Only with individual parameters.
	Retry RetryPolicy
	// RefreshAhead: see Config.RefreshAhead. Only with individual parameters.
	RefreshAhead time.Duration
	// RefreshMethod: see Config.RefreshMethod. Only with individual
	// parameters.
	RefreshMethod RefreshMethod
	// FlightTimeout: see Config.FlightTimeout. It bounds each login the
	// Auth starts, ChallengeHandler's wait included: raise it when the
	// handler asks a person for a code. The request that started the
	// login waits for it only within its own deadline (an http.Client's
	// Timeout, say), which ends the request, not the login: give that
	// request as long, or log in first with Token. Only with individual
	// parameters.
	FlightTimeout time.Duration
	// Store: see Config.Store. Only with individual parameters.
	Store TokenStore
	// OnTokens: see Config.OnTokens. Only with individual parameters.
	OnTokens func(*Tokens)
	// Logger: see Config.Logger. Only with individual parameters; an Auth
	// built on a Session logs through the Session's logger.
	Logger *slog.Logger
	// Now: see Config.Now. A test gives it cognitotest.Server.Now, so
	// that the session sees the emulator's Advance and renews before its
	// requests, instead of sending tokens the API then refuses; a TOTP
	// handler needs the same clock in TOTP.Now. Only with individual
	// parameters.
	Now func() time.Time

	// NoRetryOnUnauthorized turns off the recovery from 401 responses. By
	// default, when the API answers 401 Unauthorized to a request, the
	// Auth renews the token (unless another request already did) and sends
	// the request once more, if its body can be sent again (no body, or
	// GetBody set, as http.NewRequest does for in-memory bodies). It never
	// retries twice, and renews for a 401 at most once every 5 seconds: an
	// API that refuses every token must not turn each request into a call
	// to Cognito, so a request refused sooner after such a renewal gets
	// its 401. The Logger then gets one WARN event saying that the API
	// refuses renewed tokens too, not one per request. When Cognito
	// refuses the refresh token too (the user signed out elsewhere) and
	// the session has no password, the request fails with an error
	// matching ErrLoginRequired instead of the 401, and so do the
	// session's later needs, until a login (Session.Authenticate).
	NoRetryOnUnauthorized bool
}

// String describes the options without their secrets.
func (o Options) String() string {
	return fmt.Sprintf("cognitosrp.Options{Username: %s, Password: %s, UserPoolID: %s, ClientID: %s, ClientSecret: %s, Header: %s, TokenType: %s}",
		o.Username, redact(o.Password), o.UserPoolID, o.ClientID, redact(o.ClientSecret), o.Header, o.TokenType)
}

// Format prints String for every verb, so no formatting reveals a secret.
func (o Options) Format(f fmt.State, verb rune) { formatRedacted(f, o) }

// ErrConfig reports options that cannot work; the message says which.
var ErrConfig = errors.New("cognitosrp: invalid configuration")

// refine returns an error that refines the sentinel *base for the reason
// detail: its text and errors.Is are those of errorf("%w: "+detail,
// *base), without fmt and out of line (binary size: one site, out of
// line, see doc.go). The package-level errors of this kind are
// refinedError literals instead (binary size: no start-up work).
//
//go:noinline
func refine(base *error, detail string) error { return &refinedError{base: base, detail: detail} }

// Auth authorizes HTTP requests with a Cognito user's token: the Go
// counterpart of pycognito's RequestsSrpAuth. On each request it logs in
// with SRP if there are no tokens, renews them if the chosen one is about
// to expire, and sends a copy of the request with the header set.
//
// It has no list of hosts: it sets the header on every request it is
// given, whatever its host, over plain http too (only a redirect to
// another origin goes without it; see RoundTrip). Send through it only
// requests to the APIs meant to receive the user's token, never a URL
// taken from a response, a user or a webhook, whose host would get it.
//
// Auth is an http.RoundTripper; it also hands out the token or header value
// for clients that are not net/http, and implements gRPC's
// credentials.PerRPCCredentials without importing gRPC. It is safe for
// concurrent use. Build one with New: the zero value has no session, and
// its methods fail with an error matching ErrConfig.
type Auth struct {
	_         incomparable // an Auth is used by pointer; see incomparable
	session   *Session
	tokenType TokenType
	header    string // canonical form
	prefix    string
	base      http.RoundTripper

	retry401    bool // see Options.NoRetryOnUnauthorized
	ownsSession bool // New built the session, so Close closes it
}

// headerValue is a header value built for one Tokens, prefix and token
// type, cached (in Session.header) so that a valid token costs no
// allocation to format. next is the value for the same Tokens of another
// prefix or type, so that Auths sharing a session do not evict each
// other's; the list holds at most one value per prefix and type. Values
// are never modified once stored.
type headerValue struct {
	tokens *Tokens
	typ    TokenType
	prefix string
	values []string // {prefix + token}
	next   *headerValue
}

// New returns an Auth for opts. It checks the options but makes no network
// call: the first request (or Token) logs in. With a Password and an SRP
// flow (any but FlowUserPasswordAuth) it starts computing that login's
// SRP_A in the background (one modular
// exponentiation, a few milliseconds of CPU), so that the login does not
// wait for it.
func New(opts Options) (*Auth, error) {
	sess, err := sessionFor(&opts)
	if err != nil {
		return nil, err
	}
	owns := opts.Session == nil
	typ, err := opts.TokenType.resolve()
	if err != nil {
		return nil, err
	}
	header, prefix := opts.Header, opts.HeaderPrefix
	if header == "" {
		header = DefaultHeader
		if prefix == "" {
			prefix = DefaultHeaderPrefix
		}
	}
	if !validHeaderName(header) {
		return nil, errorf("%w: %q is not a valid header name", ErrConfig, header)
	}
	if !validHeaderValue(prefix) {
		return nil, refine(&ErrConfig, "the header prefix contains a control character")
	}
	header = textproto.CanonicalMIMEHeaderKey(header)
	if header == DefaultHeader && prefix != "" && prefix[len(prefix)-1] > ' ' {
		// "Bearer", as Tokens.TokenType spells it, would send
		// "Bearereyj…": a scheme no API knows, refused with 401s that no
		// renewal can help.
		return nil, refine(&ErrConfig, `HeaderPrefix must end with a space for Authorization, as "Bearer " does`)
	}
	return &Auth{
		session:     sess,
		tokenType:   typ,
		header:      header,
		prefix:      prefix,
		base:        opts.Base,
		retry401:    !opts.NoRetryOnUnauthorized,
		ownsSession: owns,
	}, nil
}

// sessionFor builds the session of either configuration mode.
func sessionFor(opts *Options) (*Session, error) {
	cfg := opts.sessionConfig()
	// Every session setting of Options lands in cfg, so one zero check
	// covers them all, including fields added later (settings holds all
	// but HTTPClient).
	individual := opts.Username != "" || opts.Password != "" || opts.ForgetPassword ||
		cfg.HTTPClient != nil || !reflect.ValueOf(settingsOf(&cfg)).IsZero()
	switch {
	case opts.Session != nil && individual:
		return nil, refine(&ErrConfig, "give either Session or the individual parameters (Username, Password, UserPoolID, ClientID, …), not both")
	case opts.Session != nil && opts.Session.api == nil:
		// The zero Session is not usable: its first need would panic,
		// with the session's lock held.
		return nil, errNotNew
	case opts.Session != nil:
		return opts.Session, nil
	case !individual:
		return nil, refine(&ErrConfig, "give either Session or Username, Password, UserPoolID and ClientID")
	}
	var missing []string
	for _, f := range []struct{ name, v string }{
		{"Username", opts.Username}, {"Password", opts.Password},
		{"UserPoolID", opts.UserPoolID}, {"ClientID", opts.ClientID},
	} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return nil, refine(&ErrConfig, "missing "+strings.Join(missing, ", "))
	}
	sess, err := NewSession(cfg, opts.Username)
	if err != nil {
		return nil, err // matches ErrConfig
	}
	sess.password = opts.Password
	sess.forgetPassword = opts.ForgetPassword
	// The first login will find its A ready, computed while the program
	// goes on setting up.
	sess.prepareSRP()
	return sess, nil
}

// sessionConfig returns the session settings of o as a Config.
func (o *Options) sessionConfig() Config {
	return Config{
		UserPoolID:       o.UserPoolID,
		ClientID:         o.ClientID,
		ClientSecret:     o.ClientSecret,
		Region:           o.Region,
		Endpoint:         o.Endpoint,
		HTTPClient:       o.HTTPClient,
		ExpiryMargin:     o.ExpiryMargin,
		RefreshAhead:     o.RefreshAhead,
		RefreshMethod:    o.RefreshMethod,
		FlightTimeout:    o.FlightTimeout,
		Store:            o.Store,
		OnTokens:         o.OnTokens,
		Logger:           o.Logger,
		AuthFlow:         o.AuthFlow,
		ChallengeHandler: o.ChallengeHandler,
		Devices:          o.Devices,
		Verifier:         o.Verifier,
		Retry:            o.Retry,
		Now:              o.Now,
	}
}

// validHeaderName reports whether name is an HTTP token (RFC 9110).
func validHeaderName(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 {
			return false
		}
	}
	return name != ""
}

// validHeaderValue reports whether v can be part of a header value that
// net/http sends: no control character but tab (RFC 9110). The transport
// refuses any other at each request, and an escape sequence would reach
// whatever prints the header.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// Session returns the session behind a: nil for an Auth that New did not
// build.
func (a *Auth) Session() *Session {
	if a == nil {
		return nil
	}
	return a.session
}

// HeaderName returns the canonical name of the header a sets: "" for an
// Auth that New did not build.
func (a *Auth) HeaderName() string {
	if a == nil {
		return ""
	}
	return a.header
}

// RoundTrip sends a copy of req with the header set. When the response is
// 401 Unauthorized it may renew the token and send the request once more
// (see Options.NoRetryOnUnauthorized). It never modifies req; on every
// error it closes req.Body, as http.RoundTripper requires. A login or
// renewal that req starts gets the values of req's context (a trace id),
// but neither its cancellation nor its httptrace.ClientTrace; one that
// req joins, started by another request, keeps that request's values
// (see Session.ValidTokens and Config.Logger).
//
// A request that an http.Client follows from a redirect goes without the
// header unless every request of its chain went to its scheme, host and
// port (the scheme's own port written or not): net/http cannot remove a
// header a transport adds.
func (a *Auth) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Response != nil && !sameOrigin(req) && a.built() {
		// A redirect to another origin. net/http drops Authorization on
		// such a hop itself, but cannot see a header a transport adds:
		// the token must not follow the redirect. (An Auth that New did
		// not build fails below, as on any other request.)
		return a.transport().RoundTrip(req)
	}
	hv, err := a.headerValue(req.Context())
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	resp, err := a.transport().RoundTrip(withHeader(req, a.header, hv.values))
	// A Base that returns neither (it breaks the contract) is passed on for
	// net/http's Client to report, as it would without Auth.
	if err != nil || resp == nil || resp.StatusCode != http.StatusUnauthorized || !a.retry401 {
		return resp, err
	}
	return a.retryUnauthorized(req, hv.tokens, resp)
}

// sameOrigin reports whether req, which an http.Client follows from a
// redirect, and every earlier request of its chain go to the same scheme,
// host and port (the scheme's own when none is written). A chain that left
// the origin does not get the token back when another host redirects to
// the origin again: that host would choose the request the token goes with
// (net/http keeps Authorization off for the rest of such a chain too). A
// response without its Request (a Base other than http.Transport may leave
// it nil) hides where the chain went: that is not the same origin.
func sameOrigin(req *http.Request) bool {
	for hop := req; hop.Response != nil; {
		if hop = hop.Response.Request; hop == nil || hop.URL == nil || req.URL == nil ||
			!asciiEqualFold(hop.URL.Scheme, req.URL.Scheme) ||
			!sameHost(withoutDefaultPort(hop.URL), withoutDefaultPort(req.URL)) {
			return false
		}
	}
	return true
}

// withoutDefaultPort returns u's host without the port its scheme implies:
// https://h and https://h:443 are one origin, and a server that redirects
// from one to the other (a load balancer that writes the port) would
// otherwise lose the token on the way. Any other port stays, and keeps the
// hosts apart. Not inlined, for sameOrigin's two calls (binary size: out
// of line, see doc.go).
//
//go:noinline
func withoutDefaultPort(u *url.URL) string {
	// url.Parse writes a scheme in lower case; net/http sends no other.
	port := ""
	switch u.Scheme {
	case "https":
		port = ":443"
	case "http":
		port = ":80"
	}
	return strings.TrimSuffix(u.Host, port)
}

// sameHost reports whether the URL hosts (host or host:port) a and b are
// one: equal but for the case of ASCII letters (asciiEqualFold), and an
// IPv6 zone ("[fe80::1%eth0]") equal byte for byte. A zone names a network
// interface, and interface names are not host names: "eth0" and "ETH0"
// can be two links (Go's dialer, and net/http's check of a redirect,
// compare them exactly).
func sameHost(a, b string) bool {
	an, az, ah := strings.Cut(a, "%")
	bn, bz, bh := strings.Cut(b, "%")
	return ah == bh && az == bz && asciiEqualFold(an, bn)
}

// asciiEqualFold reports whether a and b are equal but for the case of
// ASCII letters, as host names compare. Not strings.EqualFold: its Unicode
// folding equates letters that name other hosts once net/http encodes the
// name for DNS (IDNA keeps "ς" and "σ" apart: "ας.example" and
// "ασ.example" are xn--mxa8a and xn--mxa0b), and a redirect to such a
// host would get the token. Not inlined, for its five callers, through
// sameHost and hasRegionPrefix too (binary size: out of line, see
// doc.go). Only redirected requests and the constructors that
// read a region (NewSession, NewVerifier, NewClient and RegionEndpoint)
// call it, never a request's ordinary path.
//
//go:noinline
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerASCII(a[i]) != lowerASCII(b[i]) {
			return false
		}
	}
	return true
}

// lowerASCII returns the lower case of an ASCII letter, and c else.
func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// withHeader returns a shallow copy of req whose header map is new and holds
// name: values. Only the map is copied, not the value slices: they are
// never written, here or by net/http's transports.
func withHeader(req *http.Request, name string, values []string) *http.Request {
	r2 := new(http.Request)
	*r2 = *req
	// maps.Clone copies the table as it is, without hashing every key again.
	h := maps.Clone(req.Header)
	if h == nil {
		h = make(http.Header, 1)
	}
	h[name] = values
	r2.Header = h
	return r2
}

func (a *Auth) transport() http.RoundTripper {
	if a.base != nil {
		return a.base
	}
	return http.DefaultTransport
}

// headerValue returns the header value for a valid token, building it only
// when the token changed.
func (a *Auth) headerValue(ctx context.Context) (*headerValue, error) {
	t, err := a.validTokens(ctx)
	if err != nil {
		return nil, err
	}
	return a.valueFor(t)
}

// errNotNew reports an Auth that New did not build: the zero value (or a
// nil pointer) has no session to take tokens from; and an Options.Session
// that NewSession did not build, which has no Cognito client.
var errNotNew error = &refinedError{base: &ErrConfig, detail: "the Auth was not built with New, or the Session with NewSession"}

// built reports whether New built a; the zero value and a nil pointer
// fail with errNotNew (from validTokens) instead of panicking.
func (a *Auth) built() bool { return a != nil && a.session != nil }

// built reports whether NewSession built s. The methods that call Cognito
// fail with errNotNew on the zero value or a nil pointer, which would
// otherwise panic, ValidTokens and Refresh in a flight's goroutine, where
// no caller can recover it.
func (s *Session) built() bool { return s != nil && s.api != nil }

// validTokens returns the session's valid tokens of a's type; an Auth not
// built by New fails instead of panicking.
func (a *Auth) validTokens(ctx context.Context) (*Tokens, error) {
	if !a.built() {
		return nil, errNotNew
	}
	return a.session.validTokens(ctx, a.tokenType)
}

// valueFor returns a's header value for t, from the session's cache when
// an Auth of a's prefix and token type built it for t.
func (a *Auth) valueFor(t *Tokens) (*headerValue, error) {
	first := a.session.header.Load()
	for hv := first; hv != nil; hv = hv.next {
		if hv.tokens == t && hv.typ == a.tokenType && hv.prefix == a.prefix {
			return hv, nil
		}
	}
	tok := t.Token(a.tokenType)
	// The prefix's rule: SetTokens and a TokenStore may hand over any
	// string, and net/http refuses every control character but tab.
	if tok == "" || !validHeaderValue(tok) {
		return nil, &refinedError{base: &ErrMalformedToken, detail: "the " + string(a.tokenType) + " cannot go in a header"}
	}
	hv := &headerValue{tokens: t, typ: a.tokenType, prefix: a.prefix, values: []string{a.prefix + tok}}
	// Every value in the list is of the first's Tokens: keep the list when
	// they are t, drop it when they are older tokens. A value lost to a
	// concurrent Store is built again when next needed.
	if first != nil && first.tokens == t {
		hv.next = first
	}
	a.session.header.Store(hv)
	// A sign-out or SetTokens(nil) since t was read forgets t: it clears
	// the tokens, then the list (voidLocked), which this Store may follow.
	if a.session.tokens.Load() != t {
		a.session.header.CompareAndSwap(hv, nil)
	}
	return hv, nil
}

// Token returns a valid token of the configured type, logging in or
// renewing first when needed. Use it with clients that are not net/http.
// ctx bounds only the wait, as in Session.ValidTokens: a login or renewal
// the call started goes on for the session after ctx ends, a
// ChallengeHandler's wait included, within the FlightTimeout (Options or
// Config).
func (a *Auth) Token(ctx context.Context) (string, error) {
	t, err := a.validTokens(ctx)
	if err != nil {
		return "", err
	}
	return t.Token(a.tokenType), nil
}

// HeaderValue returns the value of the header (prefix and token) for a
// valid token; set it under HeaderName in clients that are not net/http.
// It waits for a login or renewal as Token does.
func (a *Auth) HeaderValue(ctx context.Context) (string, error) {
	hv, err := a.headerValue(ctx)
	if err != nil {
		return "", err
	}
	return hv.values[0], nil
}

// GetRequestMetadata returns the header as gRPC metadata (a lowercase key),
// so that an Auth can serve as gRPC's credentials.PerRPCCredentials.
func (a *Auth) GetRequestMetadata(ctx context.Context, uri ...string) (map[string]string, error) {
	v, err := a.HeaderValue(ctx)
	if err != nil {
		return nil, err
	}
	return map[string]string{strings.ToLower(a.header): v}, nil
}

// RequireTransportSecurity reports true: a bearer token must not cross the
// network in clear text. So gRPC refuses a connection without TLS that
// carries an Auth; a test against a local server without TLS wraps it in
// a type of its own whose RequireTransportSecurity reports false.
func (a *Auth) RequireTransportSecurity() bool { return true }

// Client returns an *http.Client that sends its requests through a. Like
// http.DefaultClient it has no Timeout, so a request to an API that never
// answers waits as long as its context allows: set the Timeout of the
// client returned, or give each request a context with a deadline. Each
// call returns a new client.
func (a *Auth) Client() *http.Client { return &http.Client{Transport: a} }

// Close stops the background work of the session that New built for a
// (see Session.Close) and waits for it. An Auth built on an existing
// Session leaves that Session alone: close it yourself. Requests after
// Close still carry the current token while it is valid.
func (a *Auth) Close() error {
	if a != nil && a.ownsSession {
		return a.session.Close()
	}
	return nil
}

// String describes a without revealing a secret.
func (a *Auth) String() string {
	if a == nil {
		return "cognitosrp.Auth(nil)"
	}
	return fmt.Sprintf("cognitosrp.Auth{Header: %s, TokenType: %s, Session: %s}", a.header, a.tokenType, a.session)
}

// Format prints String for every verb, so no formatting reveals a secret.
func (a *Auth) Format(f fmt.State, verb rune) { formatRedacted(f, a) }
