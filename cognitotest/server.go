// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"cmp"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
)

// Server is a local Cognito user pool with one app client. Create one with
// NewServer in a test, or with NewUnstartedServer and Start elsewhere. It is
// safe for concurrent use; its methods may be called while it serves. The
// zero value is not usable: its Start fails with an error matching
// ErrConfig, it answers every request with 500 Internal Server Error, and
// its Close does nothing.
type Server struct {
	cfg      Config
	region   string
	poolName string
	group    srpGroup
	key      *rsa.PrivateKey
	kid      string
	random   io.Reader
	client   *appClient
	// tb is the test of NewServer, nil otherwise: the methods a test calls
	// that may write to Config.Logf mark themselves its helpers, so that
	// its Logf names the test's line, not the emulator's.
	tb testing.TB

	srv      *http.Server
	url      string
	closed   bool // Close was called: Start must not listen afterwards
	starting bool // a Start listens or has listened
	// active counts the requests being served, for Close to wait for:
	// added to only under mu while !closed, so never once Close waits.
	active sync.WaitGroup
	done   chan struct{} // closed by Close: ends injected latency

	mu          sync.Mutex
	clock       func() time.Time
	offset      time.Duration
	users       map[string]*user         // by folded internal username
	logins      map[string]*user         // by folded login name: username and aliases
	sessions    map[string]*authSession  // by Session
	blocks      map[string]*authSession  // by SECRET_BLOCK, for clients that send no Session
	refresh     map[string]*refreshToken // by token
	revoked     map[string]bool          // origin_jti of revoked token families
	devices     map[string]*device       // by device key
	pendingTOTP map[string]string        // secrets of AssociateSoftwareToken by folded username
	faults      faultState
	calls       map[string]int
	log         []loggedRequest
	made        int // sessions created, to sweep expired ones now and then
	issued      int // refresh tokens issued, to sweep expired ones now and then

	// userTokens holds refresh's tokens by folded internal username too,
	// so that a global sign-out finds a user's tokens without scanning
	// every user's (revokeUserLocked).
	userTokens map[string][]*refreshToken
}

// NewServer starts a Server for the test tb and closes it when the test
// ends. It fails the test if cfg is invalid or the server cannot listen.
// Closing it earlier with Close is allowed. In a testing/synctest bubble
// it fails the test at once: see the package documentation.
func NewServer(tb testing.TB, cfg Config) *Server {
	tb.Helper()
	if inBubble(tb) {
		tb.Fatal("cognitotest: NewServer in a testing/synctest bubble: its socket would stop the bubble's clock, " +
			"and the first time.Sleep or synctest.Wait would never return; " +
			"make the Server with NewUnstartedServer, do not Start it, " +
			"and give the session &http.Client{Transport: srv.Transport()} as its HTTPClient")
	}
	s, err := NewUnstartedServer(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	s.tb = tb
	if err := s.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}

// inBubble reports whether tb is the *testing.T that testing/synctest.Test
// gives the function it runs in a bubble. A listening server's goroutines
// wait on sockets, which are not durably blocking: the bubble's clock
// would never move, and the test would hang until the binary's -timeout.
// There is no other way to ask: the T of a bubble panics in Deadline
// (Go 1.25 and later; testing says so on purpose, "to catch the error"),
// where any other T returns. Only that panic, which names the bubble,
// counts: a test's own TB may panic in Deadline for its own reasons (one
// that embeds a nil *testing.T and overrides what NewServer calls), and
// was served before.
func inBubble(tb testing.TB) (in bool) {
	d, ok := tb.(interface{ Deadline() (time.Time, bool) })
	if !ok {
		return false // a *testing.B or *testing.F: never in a bubble
	}
	defer func() {
		if r := recover(); r != nil {
			in = strings.Contains(fmt.Sprint(r), "synctest bubble")
		}
	}()
	d.Deadline()
	return false
}

// NewUnstartedServer returns a Server that does not listen yet, so that a
// caller can add users before the first request. Call Start.
func NewUnstartedServer(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	key, kid := cfg.Key, ""
	if key == nil {
		if key, err = processKey(); err != nil {
			return nil, fmt.Errorf("cognitotest: generating the signing key: %w", err)
		}
		// Every server of the process signs with this key: under a key id
		// of its own, a server and any verifier of its key set refuse the
		// tokens of another server, as one pool refuses another's, even
		// where their issuers agree (the same pool id with AWSIssuer or
		// the same URL), as those of a suite's parallel tests may.
		// Random, in the shape of Cognito's (and keyID's) key ids.
		b := make([]byte, sha256.Size)
		rand.Read(b)
		kid = base64.StdEncoding.EncodeToString(b)
	} else if kid, err = keyID(&key.PublicKey); err != nil {
		return nil, err
	}
	var random io.Reader = rand.Reader
	if cfg.Rand != nil {
		random = &lockedReader{r: cfg.Rand}
	}
	region, poolName, _ := strings.Cut(cfg.PoolID, "_")
	s := &Server{
		cfg:         cfg,
		region:      region,
		poolName:    poolName,
		group:       newGroup(),
		key:         key,
		kid:         kid,
		random:      random,
		client:      newAppClient(cfg),
		clock:       cfg.Now,
		users:       make(map[string]*user),
		logins:      make(map[string]*user),
		sessions:    make(map[string]*authSession),
		blocks:      make(map[string]*authSession),
		refresh:     make(map[string]*refreshToken),
		userTokens:  make(map[string][]*refreshToken),
		revoked:     make(map[string]bool),
		devices:     make(map[string]*device),
		pendingTOTP: make(map[string]string),
		calls:       make(map[string]int),
		done:        make(chan struct{}),
	}
	s.faults.init(cfg.Seed)
	return s, nil
}

// Start listens on Config.Addr and serves in the background. It fails if
// the server was started or closed before, or the address is taken.
func (s *Server) Start() error {
	if !s.built() {
		// It listened on every interface (Addr "") and each request
		// panicked in the handler, which net/http logs and hides.
		return errNotMade
	}
	s.mu.Lock()
	if s.starting {
		s.mu.Unlock()
		return errors.New("cognitotest: server already started")
	}
	s.starting = true
	s.mu.Unlock()
	l, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		// Nothing listens: a later Start may try again, once the address
		// is free.
		s.mu.Lock()
		s.starting = false
		s.mu.Unlock()
		return fmt.Errorf("cognitotest: %w", err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.mu.Lock()
	if s.closed {
		// Nothing would close a server started now.
		s.mu.Unlock()
		l.Close()
		return errors.New("cognitotest: server closed")
	}
	s.url = cmp.Or(s.cfg.URL, "http://"+l.Addr().String())
	s.srv = srv
	s.mu.Unlock()
	go srv.Serve(l)
	return nil
}

// Close stops the server, closes its connections and, as
// httptest.Server.Close does, waits for the requests being served to
// finish, so that no Logf call comes after it returns: the Log of a
// testing.TB panics once its test has ended. Injected latency ends at
// Close, but a clock (SetClock, Config.Now), Config.Rand or Logf that
// blocks holds Close up until it returns, and one that calls Close never
// lets it return. A request that comes later, to a Server serving as the
// http.Handler of a server of your own, is dropped unanswered. Close may
// be called more than once.
func (s *Server) Close() {
	if !s.built() {
		return // nothing started; closing its nil channel panicked
	}
	s.mu.Lock()
	srv, closed := s.srv, s.closed
	s.closed = true
	s.mu.Unlock()
	if !closed {
		close(s.done)
		if srv != nil {
			srv.Close()
		}
	}
	s.active.Wait()
}

// errNotMade reports a Server that NewUnstartedServer did not make.
var errNotMade = fmt.Errorf("%w: the Server was not made by NewServer or NewUnstartedServer", ErrConfig)

// built reports whether NewUnstartedServer made s: the zero Server has no
// configuration, keys or maps to serve with.
func (s *Server) built() bool { return s.done != nil }

// enter counts in a request to serve, or reports false once Close was
// called: Close cannot wait for a request that starts after it.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.active.Add(1)
	return true
}

// URL returns the server's base URL, such as http://127.0.0.1:40123:
// Config.URL if set, else "" before Start.
func (s *Server) URL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cmp.Or(s.url, s.cfg.URL)
}

// Endpoint returns the URL to POST Cognito API calls to: URL followed by
// "/". Use it as cognitosrp.Config.Endpoint.
func (s *Server) Endpoint() string { return s.URL() + "/" }

// PoolID returns the user pool id, such as "us-east-1_Test123ab".
func (s *Server) PoolID() string { return s.cfg.PoolID }

// Region returns the part of the pool id before "_".
func (s *Server) Region() string { return s.region }

// ClientID returns the app client's id.
func (s *Server) ClientID() string { return s.cfg.ClientID }

// ClientSecret returns the app client's secret, or "" if it has none.
func (s *Server) ClientSecret() string { return s.cfg.ClientSecret }

// Issuer returns the iss claim of the server's tokens: URL/{poolId}, or
// Cognito's own issuer URL with Config.AWSIssuer.
func (s *Server) Issuer() string {
	if s.cfg.AWSIssuer {
		domain := ".amazonaws.com/"
		if len(s.region) > 3 && strings.EqualFold(s.region[:3], "cn-") {
			// The China regions' partition, as cognitosrp.NewVerifier
			// expects it.
			domain = ".amazonaws.com.cn/"
		}
		return "https://cognito-idp." + s.region + domain + s.cfg.PoolID
	}
	return s.URL() + "/" + s.cfg.PoolID
}

// JWKSURL returns where the server publishes its signing keys:
// URL/{poolId}/.well-known/jwks.json.
func (s *Server) JWKSURL() string {
	return s.URL() + "/" + s.cfg.PoolID + "/.well-known/jwks.json"
}

// VerifierConfig returns the cognitosrp.VerifierConfig of the server's
// tokens: its issuer, key set and app client, on its clock. Use it with
// cognitosrp.NewVerifier, for cognitosrp.Config.Verifier (or
// cognitosrp.Options.Verifier) or for your own API's checks.
// Its Leeway is the default, cognitosrp.DefaultLeeway: after Advance, a
// token verifies until that long past its exp, where VerifyAccessToken
// refuses it at once.
func (s *Server) VerifierConfig() cognitosrp.VerifierConfig {
	return cognitosrp.VerifierConfig{
		UserPoolID: s.cfg.PoolID,
		ClientIDs:  []string{s.cfg.ClientID},
		Issuer:     s.Issuer(),
		JWKSURL:    s.JWKSURL(),
		Now:        s.Now,
	}
}

// SessionConfig returns a cognitosrp.Config that points at the server's
// pool and app client. Its RefreshMethod is the one the app client allows:
// cognitosrp.RefreshWithGetTokens when it refuses REFRESH_TOKEN_AUTH (with
// RefreshTokenRotation, or AuthFlows without AllowRefreshTokenAuth), else
// the default. With DeviceTracking its Devices is
// cognitosrp.RememberDevices(nil, ""), which keeps the device in memory for
// the sessions of this Config: the server, as Cognito, renews a refresh
// token only once the device it was issued with is confirmed. Set Devices
// to nil to test a client that remembers no device. Unlike VerifierConfig's,
// its Now is unset, the machine's clock: a test that moves the server's
// (Advance) sets it to s.Now, and a cognitosrp.TOTP's Now too.
func (s *Server) SessionConfig() cognitosrp.Config {
	return cognitosrp.Config{
		UserPoolID:    s.cfg.PoolID,
		ClientID:      s.cfg.ClientID,
		ClientSecret:  s.cfg.ClientSecret,
		Endpoint:      s.Endpoint(),
		RefreshMethod: s.refreshMethod(),
		Devices:       s.deviceTracker(),
	}
}

// Options returns cognitosrp.Options that log username in to the server's
// pool with password, and renew its tokens as SessionConfig's do (its
// RefreshMethod, and with DeviceTracking a Devices of its own). Its Now is
// unset too, as SessionConfig explains.
func (s *Server) Options(username, password string) cognitosrp.Options {
	return cognitosrp.Options{
		Username:      username,
		Password:      password,
		UserPoolID:    s.cfg.PoolID,
		ClientID:      s.cfg.ClientID,
		ClientSecret:  s.cfg.ClientSecret,
		Endpoint:      s.Endpoint(),
		RefreshMethod: s.refreshMethod(),
		Devices:       s.deviceTracker(),
	}
}

// deviceTracker returns the Devices of SessionConfig and Options (see
// SessionConfig for why).
func (s *Server) deviceTracker() cognitosrp.DeviceTracker {
	if !s.cfg.DeviceTracking {
		return nil
	}
	return cognitosrp.RememberDevices(nil, "")
}

// refreshMethod returns the RefreshMethod that renews tokens with the app
// client: a session left at the default on a client that refuses
// REFRESH_TOKEN_AUTH would fail every renewal once its first tokens
// expired, password or not.
func (s *Server) refreshMethod() cognitosrp.RefreshMethod {
	if s.client.flows[AllowRefreshTokenAuth] {
		return ""
	}
	return cognitosrp.RefreshWithGetTokens
}

// String describes the server without its secrets.
func (s *Server) String() string {
	return fmt.Sprintf("cognitotest.Server{URL: %s, PoolID: %s, ClientID: %s}", s.URL(), s.cfg.PoolID, s.cfg.ClientID)
}

// Format prints String for every verb, so no formatting reveals a secret.
func (s *Server) Format(f fmt.State, verb rune) { io.WriteString(f, s.String()) }

// LogValue returns String too, so that a log line names the server as
// fmt does rather than as an empty JSON object.
func (s *Server) LogValue() slog.Value { return slog.StringValue(s.String()) }

// lockedReader serialises reads from a caller's random source, which need
// not be safe for concurrent use.
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(p)
}
