// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// fakeCognito is a Cognito user pool endpoint for tests and examples. It
// speaks the JSON 1.1 protocol for USER_SRP_AUTH, PASSWORD_VERIFIER and
// REFRESH_TOKEN_AUTH, really verifies SRP with the server code of
// srpserver_test.go, checks SECRET_HASH and TIMESTAMP, and issues unsigned
// but well-formed JWTs whose content depends only on its clock and counters.
type fakeCognito struct {
	*httptest.Server
	cfg      fakeConfig
	m        *srpMath
	poolName string

	mu       sync.Mutex
	users    map[string]*fakeUser // by every name the user logs in with
	pending  map[string]*fakeLogin
	refresh  map[string]*fakeUser
	calls    map[string]int
	started  []*srpExchange // every exchange begun, for fixtures
	tokenSeq int
	reqSeq   int
}

// fakeConfig configures a fakeCognito; it is not changed after start.
type fakeConfig struct {
	PoolID       string
	ClientID     string
	ClientSecret string
	Now          func() time.Time // nil: time.Now
	Rand         io.Reader        // nil: crypto/rand; used under fakeCognito.mu
	TokenTTL     time.Duration    // zero: one hour
	// BeforeRefresh, when set, runs before a refresh is answered (outside
	// the lock), so that tests can hold a renewal in flight.
	BeforeRefresh func()
}

type fakeUser struct {
	id      string // the internal username: USER_ID_FOR_SRP
	saltHex string
	v       *big.Int
	status  string // "", "UNCONFIRMED" or "RESET_REQUIRED"
}

type fakeLogin struct {
	srpExchange
	user *fakeUser
}

// fakeAPIError is a Cognito error response.
type fakeAPIError struct {
	status  int
	typ     string
	message string
}

func (e *fakeAPIError) Error() string { return e.typ + ": " + e.message }

func notAuthorized(msg string) error {
	return &fakeAPIError{http.StatusBadRequest, "NotAuthorizedException", msg}
}

func invalidParameter(msg string) error {
	return &fakeAPIError{http.StatusBadRequest, "InvalidParameterException", msg}
}

const (
	fakeTimestampLayout = "Mon Jan 2 15:04:05 UTC 2006"
	fakeTargetPrefix    = "AWSCognitoIdentityProviderService."
	fakeContentType     = "application/x-amz-json-1.1"
)

// newFakeCognito starts a fake pool; Close it when done.
func newFakeCognito(cfg fakeConfig) *fakeCognito {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.TokenTTL == 0 {
		cfg.TokenTTL = time.Hour
	}
	_, poolName, _ := strings.Cut(cfg.PoolID, "_")
	f := &fakeCognito{
		cfg:      cfg,
		m:        newSRPMath(),
		poolName: poolName,
		users:    map[string]*fakeUser{},
		pending:  map[string]*fakeLogin{},
		refresh:  map[string]*fakeUser{},
		calls:    map[string]int{},
	}
	f.Server = httptest.NewServer(f)
	return f
}

// AddUser registers a user whose internal name is id and who logs in with
// id or any alias. It computes the verifier as sign-up does.
func (f *fakeCognito) AddUser(id, password string, aliases ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := &fakeUser{id: id, saltHex: hex.EncodeToString(f.randBytes(16))}
	u.v = f.m.verifier(f.poolName, id, password, u.saltHex)
	for _, name := range append([]string{id}, aliases...) {
		f.users[name] = u
	}
}

// SetStatus puts a user into a state that refuses logins.
func (f *fakeCognito) SetStatus(id, status string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[id].status = status
}

// RevokeRefreshTokens kills every refresh token issued so far.
func (f *fakeCognito) RevokeRefreshTokens() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.refresh)
}

// Calls returns how many requests of kind arrived, where kind is an action
// ("RespondToAuthChallenge") or an InitiateAuth flow
// ("InitiateAuth/REFRESH_TOKEN_AUTH").
func (f *fakeCognito) Calls(kind string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[kind]
}

// Exchanges returns the SRP exchanges begun so far, oldest first.
func (f *fakeCognito) Exchanges() []*srpExchange {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*srpExchange(nil), f.started...)
}

// randBytes reads from the configured source; f.mu must be held.
func (f *fakeCognito) randBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := io.ReadFull(f.cfg.Rand, b); err != nil {
		panic("fakecognito: random source failed: " + err.Error())
	}
	return b
}

type fakeRequest struct {
	AuthFlow           string
	ClientId           string //nolint:revive // the wire name
	AuthParameters     map[string]string
	ChallengeName      string
	ChallengeResponses map[string]string
	Session            string
}

func (f *fakeCognito) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Cognito's responses carry its clock (the SRP TIMESTAMP follows it).
	w.Header().Set("Date", f.cfg.Now().UTC().Format(http.TimeFormat))
	out, err := f.serve(r)
	f.mu.Lock()
	f.reqSeq++
	w.Header().Set("x-amzn-RequestId", fmt.Sprintf("fake-request-%04d", f.reqSeq))
	f.mu.Unlock()
	w.Header().Set("Content-Type", fakeContentType)
	if err != nil {
		e, ok := err.(*fakeAPIError)
		if !ok {
			e = &fakeAPIError{http.StatusInternalServerError, "InternalErrorException", err.Error()}
		}
		w.Header().Set("x-amzn-ErrorType", e.typ+":")
		w.WriteHeader(e.status)
		out = map[string]string{"__type": e.typ, "message": e.message}
	}
	json.NewEncoder(w).Encode(out)
}

func (f *fakeCognito) serve(r *http.Request) (any, error) {
	action, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), fakeTargetPrefix)
	switch {
	case r.Method != http.MethodPost || r.URL.Path != "/":
		return nil, &fakeAPIError{http.StatusNotFound, "UnknownOperationException", "POST / only"}
	case !ok:
		return nil, &fakeAPIError{http.StatusBadRequest, "UnknownOperationException", "no X-Amz-Target"}
	case r.Header.Get("Content-Type") != fakeContentType:
		return nil, &fakeAPIError{http.StatusBadRequest, "SerializationException", "wrong Content-Type"}
	}
	var in fakeRequest
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&in); err != nil {
		return nil, &fakeAPIError{http.StatusBadRequest, "SerializationException", "body is not JSON"}
	}
	kind := action
	if action == "InitiateAuth" {
		kind += "/" + in.AuthFlow
	}
	f.mu.Lock()
	f.calls[kind]++
	f.mu.Unlock()
	if in.ClientId != f.cfg.ClientID {
		return nil, &fakeAPIError{http.StatusBadRequest, "ResourceNotFoundException", "User pool client " + in.ClientId + " does not exist."}
	}
	switch kind {
	case "InitiateAuth/USER_SRP_AUTH":
		return f.startSRP(in.AuthParameters)
	case "InitiateAuth/REFRESH_TOKEN_AUTH", "InitiateAuth/REFRESH_TOKEN":
		return f.refreshTokens(in.AuthParameters)
	case "RespondToAuthChallenge":
		return f.passwordVerifier(in)
	case "InitiateAuth":
		return nil, invalidParameter("Missing required parameter AuthFlow")
	}
	if action == "InitiateAuth" {
		return nil, invalidParameter("Unsupported auth flow " + in.AuthFlow)
	}
	return nil, &fakeAPIError{http.StatusBadRequest, "UnknownOperationException", action}
}

// checkSecretHash verifies SECRET_HASH for username when the client has a
// secret.
func (f *fakeCognito) checkSecretHash(params map[string]string, username string) error {
	if f.cfg.ClientSecret == "" {
		return nil
	}
	got, ok := params["SECRET_HASH"]
	if !ok {
		return notAuthorized("Client " + f.cfg.ClientID + " is configured with secret but SECRET_HASH was not received")
	}
	if !hmac.Equal([]byte(got), []byte(secretHash(username, f.cfg.ClientID, f.cfg.ClientSecret))) {
		return notAuthorized("Unable to verify secret hash for client " + f.cfg.ClientID)
	}
	return nil
}

func (f *fakeCognito) startSRP(p map[string]string) (any, error) {
	name, aHex := p["USERNAME"], p["SRP_A"]
	if name == "" || aHex == "" {
		return nil, invalidParameter("Missing required parameter USERNAME or SRP_A")
	}
	if err := f.checkSecretHash(p, name); err != nil {
		return nil, err
	}
	A, ok := new(big.Int).SetString(aHex, 16)
	if !ok || strings.ToLower(aHex) != aHex || new(big.Int).Mod(A, f.m.N).Sign() == 0 {
		return nil, invalidParameter("Invalid SRP_A")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.users[name]
	switch {
	case u == nil:
		return nil, &fakeAPIError{http.StatusBadRequest, "UserNotFoundException", "User does not exist."}
	case u.status == "UNCONFIRMED":
		return nil, &fakeAPIError{http.StatusBadRequest, "UserNotConfirmedException", "User is not confirmed."}
	case u.status == "RESET_REQUIRED":
		return nil, &fakeAPIError{http.StatusBadRequest, "PasswordResetRequiredException", "Password reset required for the user"}
	}
	l := &fakeLogin{user: u, srpExchange: srpExchange{
		PoolName: f.poolName,
		UserID:   u.id,
		A:        A,
		// 256 bits of b keep tests fast and still make B look random.
		b:           new(big.Int).SetBytes(f.randBytes(32)),
		v:           u.v,
		SecretBlock: f.randBytes(96),
	}}
	l.B = f.m.serverB(u.v, l.b)
	session := "fake-session-" + hex.EncodeToString(f.randBytes(12))
	f.pending[session] = l
	f.started = append(f.started, &l.srpExchange)
	return map[string]any{
		"ChallengeName": "PASSWORD_VERIFIER",
		"ChallengeParameters": map[string]string{
			"SALT":            u.saltHex,
			"SECRET_BLOCK":    base64.StdEncoding.EncodeToString(l.SecretBlock),
			"SRP_B":           l.B.Text(16),
			"USERNAME":        u.id,
			"USER_ID_FOR_SRP": u.id,
		},
		"Session": session,
	}, nil
}

func (f *fakeCognito) passwordVerifier(in fakeRequest) (any, error) {
	if in.ChallengeName != "PASSWORD_VERIFIER" {
		return nil, invalidParameter("Unsupported challenge " + in.ChallengeName)
	}
	f.mu.Lock()
	l := f.pending[in.Session]
	delete(f.pending, in.Session) // a session answers once
	f.mu.Unlock()
	if l == nil {
		return nil, notAuthorized("Invalid session for the user, session is expired.")
	}
	r := in.ChallengeResponses
	if r["USERNAME"] != l.user.id {
		return nil, notAuthorized("Incorrect username or password.")
	}
	if err := f.checkSecretHash(r, l.user.id); err != nil {
		return nil, err
	}
	if r["PASSWORD_CLAIM_SECRET_BLOCK"] != base64.StdEncoding.EncodeToString(l.SecretBlock) {
		return nil, notAuthorized("Incorrect username or password.")
	}
	ts, err := time.Parse(fakeTimestampLayout, r["TIMESTAMP"])
	now := f.cfg.Now()
	if err != nil || ts.Format(fakeTimestampLayout) != r["TIMESTAMP"] {
		return nil, invalidParameter("TIMESTAMP is not in the required format")
	}
	if d := ts.Sub(now); d > 5*time.Minute || d < -5*time.Minute {
		return nil, notAuthorized("TIMESTAMP is too far from the server's clock")
	}
	want, err := f.m.expectedSignature(&l.srpExchange, r["TIMESTAMP"])
	if err != nil || !hmac.Equal([]byte(r["PASSWORD_CLAIM_SIGNATURE"]), []byte(want)) {
		return nil, notAuthorized("Incorrect username or password.")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.issue(l.user, true), nil
}

func (f *fakeCognito) refreshTokens(p map[string]string) (any, error) {
	if f.cfg.BeforeRefresh != nil {
		f.cfg.BeforeRefresh()
	}
	f.mu.Lock()
	u := f.refresh[p["REFRESH_TOKEN"]]
	f.mu.Unlock()
	if u == nil {
		return nil, notAuthorized("Invalid Refresh Token")
	}
	if err := f.checkSecretHash(p, u.id); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.issue(u, false), nil
}

// issue returns an AuthenticationResult; f.mu must be held.
func (f *fakeCognito) issue(u *fakeUser, withRefresh bool) map[string]any {
	now := f.cfg.Now().Truncate(time.Second)
	f.tokenSeq++
	sub := sha256.Sum256([]byte("sub/" + u.id))
	common := map[string]any{
		"sub":       fmt.Sprintf("%x-%x-%x-%x-%x", sub[0:4], sub[4:6], sub[6:8], sub[8:10], sub[10:16]),
		"iss":       "https://cognito-idp." + strings.SplitN(f.cfg.PoolID, "_", 2)[0] + ".amazonaws.com/" + f.cfg.PoolID,
		"iat":       now.Unix(),
		"auth_time": now.Unix(),
		"exp":       now.Add(f.cfg.TokenTTL).Unix(),
	}
	access := map[string]any{"token_use": "access", "username": u.id, "client_id": f.cfg.ClientID,
		"scope": "aws.cognito.signin.user.admin", "jti": fmt.Sprintf("access-%d", f.tokenSeq)}
	id := map[string]any{"token_use": "id", "cognito:username": u.id, "aud": f.cfg.ClientID,
		"jti": fmt.Sprintf("id-%d", f.tokenSeq)}
	for k, v := range common {
		access[k], id[k] = v, v
	}
	res := map[string]any{
		"AccessToken": fakeJWT(access),
		"IdToken":     fakeJWT(id),
		"ExpiresIn":   int(f.cfg.TokenTTL / time.Second),
		"TokenType":   "Bearer",
	}
	if withRefresh {
		rt := "fake-refresh." + hex.EncodeToString(f.randBytes(24))
		f.refresh[rt] = u
		res["RefreshToken"] = rt
	}
	return map[string]any{"AuthenticationResult": res, "ChallengeParameters": map[string]string{}}
}

// fakeJWT encodes claims as an unsigned-but-well-formed JWT.
func fakeJWT(claims map[string]any) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v) // maps of strings and numbers always marshal
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(map[string]string{"alg": "RS256", "kid": "fake-key"}) + "." + enc(claims) + "." +
		base64.RawURLEncoding.EncodeToString([]byte("not a signature"))
}
