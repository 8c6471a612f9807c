// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultFlightTimeout bounds one shared login or renewal. It runs apart
// from any caller's context, so that a caller that gives up does not fail
// the others waiting for the same result.
const DefaultFlightTimeout = time.Minute

// ErrLoginRequired reports a session that has no usable tokens and no
// password to log in with: its refresh token is missing, expired, revoked
// or signed out. Call Session.Authenticate.
var ErrLoginRequired = errors.New("cognitosrp: session must log in again")

// Config describes a user pool and its app client.
type Config struct {
	// UserPoolID is the pool's id, such as "us-east-1_AbC123".
	UserPoolID string
	// ClientID is the app client's id.
	ClientID string
	// ClientSecret is the app client's secret, if it has one.
	ClientSecret string
	// Region is the pool's region; empty means the part of UserPoolID
	// before "_".
	Region string
	// Endpoint overrides the Cognito endpoint (a VPC endpoint, a local
	// emulator); empty means the public endpoint of Region.
	Endpoint string
	// HTTPClient sends the Cognito calls; nil means a client with
	// DefaultTimeout. It is also where a proxy or custom TLS goes.
	HTTPClient *http.Client
	// ExpiryMargin is how long before expiry a token is renewed. Zero means
	// DefaultExpiryMargin; a negative value means no margin.
	ExpiryMargin time.Duration
	// FlightTimeout bounds one shared login or renewal; zero means
	// DefaultFlightTimeout.
	FlightTimeout time.Duration

	// AuthFlow is the login flow: FlowUserSRPAuth (the default when
	// empty), FlowUserAuth, FlowCustomAuth or FlowUserPasswordAuth.
	AuthFlow string
	// ChallengeHandler answers the challenges of a login that need more
	// than the password: MFA codes, a new password, custom challenges. Nil
	// means such a login fails with a *ChallengeError.
	ChallengeHandler ChallengeHandler
	// RememberDevice confirms the device Cognito issues at a login, in
	// pools with device tracking, and signs in with it from then on.
	RememberDevice bool
	// DeviceStore keeps the remembered device; nil means memory, for the
	// life of the Session. Only used with RememberDevice.
	DeviceStore DeviceStore
	// DeviceName names the devices this session confirms; empty means
	// DefaultDeviceName.
	DeviceName string

	// Rand, when set, replaces crypto/rand as the source of SRP private
	// values and device secrets. Only tests should set it.
	Rand io.Reader
	// Now, when set, replaces time.Now. Only tests should set it.
	Now func() time.Time
}

// String describes the configuration without its secret.
func (c Config) String() string {
	return fmt.Sprintf("cognitosrp.Config{UserPoolID: %s, ClientID: %s, ClientSecret: %s, Region: %s, Endpoint: %s}",
		c.UserPoolID, c.ClientID, redact(c.ClientSecret), c.Region, c.Endpoint)
}

// Format prints String for every verb, so no formatting reveals the secret.
func (c Config) Format(f fmt.State, verb rune) { io.WriteString(f, c.String()) }

// Session is one user's authenticated session with a user pool: the
// counterpart of pycognito's Cognito object. It holds the tokens, logs in
// with SRP and renews the tokens. A Session is safe for concurrent use.
type Session struct {
	cfg      Config
	poolName string
	api      *Client
	username string

	// password, when set, lets the session log in on demand: on first use
	// and when the refresh token has died.
	password string

	tokens atomic.Pointer[Tokens]
	// changedPassword replaces password after login.go answered
	// NEW_PASSWORD_REQUIRED with a new one.
	changedPassword atomic.Pointer[string]

	mu     sync.Mutex // guards flight
	flight *flight
}

// flight is one login or renewal shared by every caller that needs it.
type flight struct {
	done   chan struct{}
	tokens *Tokens
	err    error
}

// NewSession returns a session for username (the name, e-mail or phone
// number the user logs in with) in the pool and app client of cfg. It makes
// no network call.
func NewSession(cfg Config, username string) (*Session, error) {
	region, poolName, ok := strings.Cut(cfg.UserPoolID, "_")
	if !ok || region == "" || poolName == "" || strings.Contains(poolName, "_") {
		return nil, fmt.Errorf("cognitosrp: user pool id %q is not of the form region_id", cfg.UserPoolID)
	}
	if cfg.ClientID == "" {
		return nil, errors.New("cognitosrp: ClientID is required")
	}
	if username == "" {
		return nil, errors.New("cognitosrp: username is required")
	}
	if err := checkAuthFlow(cfg.AuthFlow); err != nil {
		return nil, err
	}
	if cfg.RememberDevice && cfg.DeviceStore == nil {
		cfg.DeviceStore = new(MemoryDeviceStore)
	}
	if cfg.Region == "" {
		cfg.Region = region
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = RegionEndpoint(cfg.Region)
	}
	switch {
	case cfg.ExpiryMargin == 0:
		cfg.ExpiryMargin = DefaultExpiryMargin
	case cfg.ExpiryMargin < 0:
		cfg.ExpiryMargin = 0
	}
	if cfg.FlightTimeout <= 0 {
		cfg.FlightTimeout = DefaultFlightTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Session{
		cfg:      cfg,
		poolName: poolName,
		api:      &Client{Endpoint: cfg.Endpoint, HTTPClient: cfg.HTTPClient},
		username: username,
	}, nil
}

// Username returns the name the session logs in with.
func (s *Session) Username() string { return s.username }

// Tokens returns the current tokens, which may be nil or expired. The
// returned value must not be modified.
func (s *Session) Tokens() *Tokens { return s.tokens.Load() }

// SetTokens replaces the session's tokens, for example with tokens saved by
// an earlier run. The session keeps t; do not modify it afterwards.
func (s *Session) SetTokens(t *Tokens) { s.tokens.Store(t) }

// Authenticate logs in with SRP and stores the new tokens. It does not keep
// the password.
func (s *Session) Authenticate(ctx context.Context, password string) error {
	t, err := s.login(ctx, password)
	if err != nil {
		return err
	}
	s.tokens.Store(t)
	return nil
}

// Refresh renews the tokens with the refresh token and stores them. It
// fails with ErrLoginRequired when there is no refresh token, and with an
// error matching ErrNotAuthorized when Cognito refuses it.
func (s *Session) Refresh(ctx context.Context) error {
	t, err := s.refresh(ctx, s.tokens.Load())
	if err != nil {
		return err
	}
	s.tokens.Store(t)
	return nil
}

// ValidTokens returns tokens whose token of type typ is valid for at least
// the expiry margin, logging in or renewing first when needed. Concurrent
// callers share one call to Cognito; each waits only as long as its own ctx
// allows.
func (s *Session) ValidTokens(ctx context.Context, typ TokenType) (*Tokens, error) {
	if t := s.tokens.Load(); t.ValidAt(typ, s.cfg.Now(), s.cfg.ExpiryMargin) {
		return t, nil
	}
	return s.renew(ctx, typ)
}

// renew joins the flight in progress or starts one.
func (s *Session) renew(ctx context.Context, typ TokenType) (*Tokens, error) {
	s.mu.Lock()
	// Another caller may have finished a flight since the check above.
	if t := s.tokens.Load(); t.ValidAt(typ, s.cfg.Now(), s.cfg.ExpiryMargin) {
		s.mu.Unlock()
		return t, nil
	}
	f := s.flight
	if f == nil {
		f = &flight{done: make(chan struct{})}
		s.flight = f
		// The flight keeps the caller's values (tracing) but not its
		// cancellation: other callers may be waiting for it.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.FlightTimeout)
		go func() {
			defer cancel()
			f.tokens, f.err = s.obtain(fctx)
			s.mu.Lock()
			if f.err == nil {
				s.tokens.Store(f.tokens)
			}
			s.flight = nil
			s.mu.Unlock()
			close(f.done)
		}()
	}
	s.mu.Unlock()
	select {
	case <-f.done:
		return f.tokens, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// obtain renews the tokens when a refresh token is at hand, and logs in when
// there is none or it has died and the password is known.
func (s *Session) obtain(ctx context.Context) (*Tokens, error) {
	cur := s.tokens.Load()
	if cur != nil && cur.RefreshToken != "" {
		t, err := s.refresh(ctx, cur)
		if err == nil || !errors.Is(err, ErrNotAuthorized) {
			return t, err
		}
		if s.password == "" {
			return nil, fmt.Errorf("%w: %w", ErrLoginRequired, err)
		}
	}
	if s.password == "" {
		return nil, ErrLoginRequired
	}
	return s.login(ctx, s.password)
}

// refresh runs REFRESH_TOKEN_AUTH. Cognito returns no new refresh token, so
// the old one is kept.
func (s *Session) refresh(ctx context.Context, cur *Tokens) (*Tokens, error) {
	if cur == nil || cur.RefreshToken == "" {
		return nil, ErrLoginRequired
	}
	params := map[string]string{"REFRESH_TOKEN": cur.RefreshToken}
	s.addSecretHash(params, firstNonEmpty(cur.Username, s.username))
	if err := s.addDeviceKey(ctx, params); err != nil {
		return nil, err
	}
	out, err := s.api.InitiateAuth(ctx, &InitiateAuthInput{
		AuthFlow:       FlowRefreshTokenAuth,
		AuthParameters: params,
		ClientId:       s.cfg.ClientID,
	})
	if err != nil {
		return nil, err
	}
	if out.AuthenticationResult == nil {
		return nil, unexpectedOutput("InitiateAuth", out)
	}
	return tokensFromResult(out.AuthenticationResult, s.cfg.Now(), cur)
}

// addSecretHash adds SECRET_HASH for username when the app client has a
// secret.
func (s *Session) addSecretHash(params map[string]string, username string) {
	if s.cfg.ClientSecret != "" {
		params["SECRET_HASH"] = SecretHash(username, s.cfg.ClientID, s.cfg.ClientSecret)
	}
}

// unexpectedOutput explains a response that is neither the expected
// challenge nor tokens.
func unexpectedOutput(action string, out *AuthOutput) error {
	if out.ChallengeName != "" {
		return &ChallengeError{ChallengeName: out.ChallengeName, Parameters: out.ChallengeParameters, Session: out.Session}
	}
	return fmt.Errorf("%w: %s: neither tokens nor a challenge", ErrInvalidResponse, action)
}

// String describes the session without its secrets.
func (s *Session) String() string {
	if s == nil {
		return "cognitosrp.Session(nil)"
	}
	return fmt.Sprintf("cognitosrp.Session{UserPoolID: %s, ClientID: %s, Username: %s}", s.cfg.UserPoolID, s.cfg.ClientID, s.username)
}

// Format prints String for every verb, so no formatting reveals a secret.
func (s *Session) Format(f fmt.State, verb rune) { io.WriteString(f, s.String()) }
