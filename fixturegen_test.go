// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
)

// This file writes testdata/fixtures (go test -run TestFixtures -update).
// A scenario runs the client with deterministic randomness and a fixed
// clock against the fake Cognito (which verifies SRP for real), against
// canned responses, or both; the requests the client sent and the answers
// it got are recorded. Expectations are written here by hand, never taken
// from what the client did. Logins built from an oracle case of
// srp_vectors.json must send the oracle's signature.

var update = cognitosrp.UpdateFixtures // -update: rewrite testdata/fixtures

type scenario struct {
	name, description string
	cfg               fixtureConfig // Rand is filled in
	operation         string        // "authenticate" or "refresh"
	// users registers the fake's users; nil means no fake.
	users func(f *fakeCognito)
	// canned answers call i instead of the fake when canned[i] is set.
	canned []*recordedResponse
	oracle string
	// revoke kills the refresh token between the unrecorded login and a
	// refresh.
	revoke bool
	// wantUser is the internal username of a successful call; keptRefresh
	// says the old refresh token must survive (REFRESH_TOKEN_AUTH).
	wantUser    string
	keptRefresh bool
	wantErr     *fixtureError
}

const (
	fxPool     = "us-east-1_AbC123xyZ"
	fxClient   = "1example23456789abcdefghij"
	fxSecret   = "fixture-client-secret-0123456789abcdefghijklmnopqrstuv"
	fxPassword = "correct horse battery staple"
	fxUUID     = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
	fxNow      = "2026-03-04T09:05:07Z" // a one-digit day: "Wed Mar 4 09:05:07 UTC 2026"
	fxLateNow  = "2026-11-30T23:59:58Z" // hour 23
)

func cognitoError(status int, typ, message, requestID string) *recordedResponse {
	body, _ := json.Marshal(map[string]string{"__type": typ, "message": message})
	return &recordedResponse{Status: status, Body: string(body), Headers: map[string]string{
		"Content-Type": fakeContentType, "X-Amzn-Requestid": requestID, "X-Amzn-Errortype": typ + ":",
	}}
}

func ptr[T any](v T) *T { return &v }

func addAlice(f *fakeCognito) { f.AddUser("alice", fxPassword) }

func apiError(action, typ, msg string, status int, reqID string, temporary bool) *fixtureAPIError {
	return &fixtureAPIError{Action: action, Type: typ, Message: ptr(msg), StatusCode: status, RequestID: reqID, Temporary: temporary}
}

func scenarios() []scenario {
	plain := fixtureConfig{UserPoolID: fxPool, ClientID: fxClient, Username: "alice", Password: fxPassword, Now: fxNow}
	withSecret := plain
	withSecret.ClientSecret = fxSecret
	alias := withSecret
	alias.Username, alias.Now = "alice@example.com", fxLateNow
	wrong := plain
	wrong.Password = "correct horse battery stapler"
	const html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
	return []scenario{
		{name: "login", description: "USER_SRP_AUTH then PASSWORD_VERIFIER, app client without secret",
			cfg: plain, operation: "authenticate", users: addAlice, wantUser: "alice"},
		{name: "login_client_secret", description: "login with an app client secret: SECRET_HASH in both calls",
			cfg: withSecret, operation: "authenticate", users: addAlice, wantUser: "alice"},
		{name: "login_alias_client_secret", description: "login with an e-mail alias: InitiateAuth's SECRET_HASH uses the alias, the challenge answer's uses USER_ID_FOR_SRP; TIMESTAMP at hour 23",
			cfg: alias, operation: "authenticate", wantUser: fxUUID,
			users: func(f *fakeCognito) { f.AddUser(fxUUID, fxPassword, "alice@example.com") }},
		oracleScenario("login_oracle_alias", "server-b-2"),
		oracleScenario("login_oracle_hour_00", "server-b-1"),
		// Through the whole session: names and a password that NFKC would
		// fold, white space no TrimSpace may touch, the longest pool name.
		oracleScenario("login_oracle_nfkc_names", "userid-nfkc-compat"),
		oracleScenario("login_oracle_password_spaces", "password-unicode-spaces-at-ends"),
		oracleScenario("login_oracle_pool_name_45", "pool-name-45-chars"),
		oracleScenario("login_oracle_february", "timestamp-Feb"),
		{name: "refresh", description: "REFRESH_TOKEN_AUTH returns no refresh token: the old one is kept",
			cfg: plain, operation: "refresh", users: addAlice, wantUser: "alice", keptRefresh: true},
		{name: "refresh_alias_client_secret", description: "refresh of an alias login: SECRET_HASH uses the internal username of the access token",
			cfg: alias, operation: "refresh", wantUser: fxUUID, keptRefresh: true,
			users: func(f *fakeCognito) { f.AddUser(fxUUID, fxPassword, "alice@example.com") }},
		{name: "refresh_revoked", description: "a revoked refresh token: NotAuthorizedException",
			cfg: plain, operation: "refresh", users: addAlice, revoke: true,
			wantErr: &fixtureError{Is: "ErrNotAuthorized", APIError: apiError("InitiateAuth", "NotAuthorizedException", "Invalid Refresh Token", 400, "fake-request-0003", false)}},
		{name: "wrong_password", description: "the server rejects the signature of a wrong password",
			cfg: wrong, operation: "authenticate", users: addAlice,
			wantErr: &fixtureError{Is: "ErrNotAuthorized", APIError: apiError("RespondToAuthChallenge", "NotAuthorizedException", "Incorrect username or password.", 400, "fake-request-0002", false)}},
		{name: "user_not_found", description: "InitiateAuth for an unknown user",
			cfg: plain, operation: "authenticate", users: func(*fakeCognito) {},
			wantErr: &fixtureError{Is: "ErrUserNotFound", APIError: apiError("InitiateAuth", "UserNotFoundException", "User does not exist.", 400, "fake-request-0001", false)}},
		{name: "password_reset_required", description: "an administrator reset the password",
			cfg: plain, operation: "authenticate", users: func(f *fakeCognito) { addAlice(f); f.SetStatus("alice", "RESET_REQUIRED") },
			wantErr: &fixtureError{Is: "ErrPasswordResetRequired", APIError: apiError("InitiateAuth", "PasswordResetRequiredException", "Password reset required for the user", 400, "fake-request-0001", false)}},
		{name: "user_not_confirmed", description: "the user never confirmed the sign-up",
			cfg: plain, operation: "authenticate", users: func(f *fakeCognito) { addAlice(f); f.SetStatus("alice", "UNCONFIRMED") },
			wantErr: &fixtureError{Is: "ErrUserNotConfirmed", APIError: apiError("InitiateAuth", "UserNotConfirmedException", "User is not confirmed.", 400, "fake-request-0001", false)}},
		{name: "too_many_requests", description: "throttled at InitiateAuth: a temporary error",
			cfg: plain, operation: "authenticate",
			canned:  []*recordedResponse{cognitoError(400, "TooManyRequestsException", "Rate exceeded", "0b6f8d2e-throttle")},
			wantErr: &fixtureError{Is: "ErrTooManyRequests", APIError: apiError("InitiateAuth", "TooManyRequestsException", "Rate exceeded", 400, "0b6f8d2e-throttle", true)}},
		{name: "internal_error_500", description: "Cognito's own failure, HTTP 500",
			cfg: plain, operation: "authenticate", users: addAlice,
			canned:  []*recordedResponse{nil, cognitoError(500, "InternalErrorException", "An internal error occurred.", "5c1d-internal")},
			wantErr: &fixtureError{Is: "ErrInternalError", APIError: apiError("RespondToAuthChallenge", "InternalErrorException", "An internal error occurred.", 500, "5c1d-internal", true)}},
		{name: "service_unavailable_503", description: "a load balancer's plain-text 503 without a Cognito error type",
			cfg: plain, operation: "authenticate",
			canned: []*recordedResponse{{Status: 503, Headers: map[string]string{"Content-Type": "text/plain"}, Body: "Service Unavailable"}},
			wantErr: &fixtureError{Contains: "HTTP 503", Excludes: "Service Unavailable",
				APIError: &fixtureAPIError{Action: "InitiateAuth", StatusCode: 503, Temporary: true}}},
		{name: "html_502", description: "a proxy's HTML error page: described, never quoted",
			cfg: plain, operation: "authenticate",
			canned: []*recordedResponse{{Status: 502, Headers: map[string]string{"Content-Type": "text/html"}, Body: html}},
			wantErr: &fixtureError{Contains: "text/html", Excludes: "<html>",
				APIError: &fixtureAPIError{Action: "InitiateAuth", StatusCode: 502, Temporary: true}}},
		{name: "html_200", description: "a captive portal answers 200 with HTML: not a Cognito response",
			cfg: plain, operation: "authenticate",
			canned:  []*recordedResponse{{Status: 200, Headers: map[string]string{"Content-Type": "text/html"}, Body: html}},
			wantErr: &fixtureError{Is: "ErrInvalidResponse", Contains: "text/html", Excludes: "<html>"}},
		{name: "truncated_json_200", description: "a 200 whose JSON body is cut short",
			cfg: plain, operation: "authenticate",
			canned:  []*recordedResponse{{Status: 200, Headers: map[string]string{"Content-Type": fakeContentType}, Body: `{"ChallengeName":"PASSWORD_VERIFIER","ChallengeParameters":{"SALT":"ab`}},
			wantErr: &fixtureError{Is: "ErrInvalidResponse"}},
		{name: "prefixed_error_type", description: "__type with a namespace prefix ending in '#', at the challenge answer",
			cfg: plain, operation: "authenticate", users: addAlice,
			canned: []*recordedResponse{nil, {Status: 400, Headers: map[string]string{"Content-Type": fakeContentType, "X-Amzn-Requestid": "9f2e-prefixed"},
				Body: `{"__type":"com.amazonaws.cognito.identity.idp.model#NotAuthorizedException","message":"Incorrect username or password."}`}},
			wantErr: &fixtureError{Is: "ErrNotAuthorized", APIError: apiError("RespondToAuthChallenge", "NotAuthorizedException", "Incorrect username or password.", 400, "9f2e-prefixed", false)}},
		{name: "error_type_header_only", description: "no __type in the body: the x-amzn-ErrorType header names the error",
			cfg: plain, operation: "authenticate",
			canned: []*recordedResponse{{Status: 400, Headers: map[string]string{"Content-Type": fakeContentType, "X-Amzn-Requestid": "77aa-header",
				"X-Amzn-Errortype": "UserNotFoundException:http://internal.amazon.com/coral/com.amazon.coral.service/"}, Body: "{}"}},
			wantErr: &fixtureError{Is: "ErrUserNotFound", APIError: apiError("InitiateAuth", "UserNotFoundException", "", 400, "77aa-header", false)}},
	}
}

// oracleScenario replays the login of an oracle case with canned answers:
// the client's a and clock are the oracle's, so SRP_A, TIMESTAMP and the
// signature it sends must be the oracle's too.
func oracleScenario(name, caseName string) scenario {
	return scenario{name: name, oracle: caseName, operation: "authenticate", keptRefresh: false,
		description: "a login with the values of oracle case " + caseName + " of srp_vectors.json (amazon-cognito-identity-js)"}
}

func writeFixtures(t *testing.T) {
	if err := os.MkdirAll(fixtureDir, 0o755); err != nil {
		t.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(fixtureDir, "*.json"))
	for _, name := range old {
		os.Remove(name)
	}
	for _, sc := range scenarios() {
		fx := recordScenario(t, sc)
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(fx); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(fixtureDir, sc.name+".json"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// recordScenario runs sc and returns its fixture.
func recordScenario(t *testing.T, sc scenario) *fixture {
	fx := &fixture{Name: sc.name, Description: sc.description, Config: sc.cfg, Operation: sc.operation, Oracle: sc.oracle}
	if sc.oracle != "" {
		prepareOracle(t, fx, &sc)
	}
	now, err := time.Parse(time.RFC3339, fx.Config.Now)
	if err != nil {
		t.Fatal(err)
	}
	var fake *fakeCognito
	if sc.users != nil {
		clock := cognitosrp.NewFakeClock(now.Add(-50 * time.Minute))
		fake = startFake(t, fakeConfig{PoolID: fx.Config.UserPoolID, ClientID: fx.Config.ClientID,
			ClientSecret: fx.Config.ClientSecret, Now: clock.Now, Rand: newDetReader("fake/" + sc.name)})
		sc.users(fake)
		if sc.operation == "refresh" {
			fx.Tokens = loginForRefresh(t, fake, fx.Config)
			if sc.revoke {
				fake.RevokeRefreshTokens()
			}
		}
		clock.Advance(50 * time.Minute)
	}
	rec := &recorder{fake: fake, canned: sc.canned}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	var drawn *bytes.Buffer
	if sc.oracle == "" {
		drawn = new(bytes.Buffer) // an oracle scenario draws the oracle's a
	}
	sess, err := runFixture(fx, srv.URL, drawn)
	if drawn != nil {
		fx.Config.Rand = hex.EncodeToString(drawn.Bytes())
	}
	fx.Exchanges = rec.exchanges
	fx.Expect = expectFor(t, sc, fx, now)
	checkOutcome(t, fx, sess, err)
	if fake != nil {
		for i, e := range fake.Exchanges() {
			// Only the last exchange of a wrong-password scenario fails.
			valid := sc.name != "wrong_password" || i < len(fake.Exchanges())-1
			fx.ServerSRP = append(fx.ServerSRP, serverSRP{PrivateB: e.b.Text(16), Verifier: e.v.Text(16), SignatureValid: valid})
		}
		if sc.operation == "refresh" {
			fx.ServerSRP = nil // the login that made the tokens was not recorded
		}
	}
	checkSignatures(t, fx)
	return fx
}

// prepareOracle configures an oracle scenario from its vector: canned
// challenge and tokens, the oracle's a as randomness and its clock.
func prepareOracle(t *testing.T, fx *fixture, sc *scenario) {
	v := cognitosrp.SRPVectorByName(t, sc.oracle)
	now, err := time.Parse(cognitosrp.TimestampLayout, v.Timestamp)
	if err != nil {
		t.Fatal(err)
	}
	fx.Config = fixtureConfig{UserPoolID: "us-east-1_" + v.PoolName, ClientID: fxClient,
		Username: v.LoginName, Password: v.Password, Rand: v.PrivateA, Now: now.Format(time.RFC3339)}
	challenge, _ := json.Marshal(map[string]any{
		"ChallengeName": "PASSWORD_VERIFIER",
		"ChallengeParameters": map[string]string{"SALT": v.Salt, "SECRET_BLOCK": v.SecretBlock, "SRP_B": v.B,
			"USERNAME": v.UserIDForSRP, "USER_ID_FOR_SRP": v.UserIDForSRP},
		"Session": "oracle-session-1",
	})
	claims := map[string]any{"sub": v.UserIDForSRP, "iat": now.Unix(), "exp": now.Unix() + 3600}
	access, id := map[string]any{"token_use": "access", "username": v.UserIDForSRP}, map[string]any{"token_use": "id", "cognito:username": v.UserIDForSRP}
	for k, c := range claims {
		access[k], id[k] = c, c
	}
	tokens, _ := json.Marshal(map[string]any{"AuthenticationResult": map[string]any{
		"AccessToken": fakeJWT(access), "IdToken": fakeJWT(id), "RefreshToken": "oracle-refresh-token",
		"ExpiresIn": 3600, "TokenType": "Bearer"}, "ChallengeParameters": map[string]string{}})
	h := map[string]string{"Content-Type": fakeContentType}
	sc.canned = []*recordedResponse{{Status: 200, Headers: h, Body: string(challenge)}, {Status: 200, Headers: h, Body: string(tokens)}}
	sc.wantUser = v.UserIDForSRP
}

// loginForRefresh logs in through the fake, unrecorded, for the tokens a
// refresh starts from.
func loginForRefresh(t *testing.T, f *fakeCognito, cfg fixtureConfig) *cognitosrp.Tokens {
	c := f.sessionConfig()
	c.Rand = newDetReader("login-before-refresh")
	s, err := cognitosrp.NewSession(c, cfg.Username)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Authenticate(context.Background(), cfg.Password); err != nil {
		t.Fatal(err)
	}
	return s.Tokens()
}

// expectFor writes down the scenario's expectation. Expiries follow from
// the clock and the fake's one-hour tokens; the refresh token is the one
// the last response carries, or the old one.
func expectFor(t *testing.T, sc scenario, fx *fixture, now time.Time) fixtureExpect {
	if sc.wantErr != nil {
		return fixtureExpect{Error: sc.wantErr}
	}
	var last struct{ AuthenticationResult struct{ RefreshToken string } }
	if len(fx.Exchanges) == 0 {
		t.Fatal("no exchanges recorded")
	}
	json.Unmarshal([]byte(fx.Exchanges[len(fx.Exchanges)-1].Response.Body), &last)
	refresh := last.AuthenticationResult.RefreshToken
	if sc.keptRefresh {
		if refresh != "" {
			t.Fatal("REFRESH_TOKEN_AUTH returned a refresh token")
		}
		refresh = fx.Tokens.RefreshToken
	}
	exp := now.Add(time.Hour).UTC()
	return fixtureExpect{Tokens: &fixtureTokens{Username: sc.wantUser, AccessExpiry: exp, IDExpiry: exp,
		RefreshToken: refresh, TokenType: "Bearer"}}
}

// recorder answers with canned responses or the fake's, and records.
type recorder struct {
	fake      *fakeCognito
	canned    []*recordedResponse
	mu        sync.Mutex
	exchanges []exchange
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	i := len(rc.exchanges)
	req := recordedRequest{Method: r.Method, Path: r.URL.Path, Body: string(body), Headers: map[string]string{
		"Content-Type": r.Header.Get("Content-Type"), "X-Amz-Target": r.Header.Get("X-Amz-Target")}}
	var resp recordedResponse
	if i < len(rc.canned) && rc.canned[i] != nil {
		resp = *rc.canned[i]
	} else if rc.fake != nil {
		r.Body = io.NopCloser(bytes.NewReader(body))
		rw := httptest.NewRecorder()
		rc.fake.ServeHTTP(rw, r)
		resp = recordedResponse{Status: rw.Code, Body: rw.Body.String(), Headers: map[string]string{}}
		for k := range rw.Header() {
			resp.Headers[k] = rw.Header().Get(k)
		}
	} else {
		resp = *cognitoError(500, "InternalErrorException", fmt.Sprintf("no answer for call %d", i+1), "none")
	}
	rc.exchanges = append(rc.exchanges, exchange{Request: req, Response: resp})
	for k, v := range resp.Headers {
		w.Header().Set(k, v)
	}
	w.WriteHeader(resp.Status)
	io.WriteString(w, resp.Body)
}
