// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

func TestLoginThroughRootPackage(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "correct horse battery"})

	sess := login(t, srv, "alice", "correct horse battery")
	tok := sess.Tokens()
	if tok.Username != "alice" || tok.RefreshToken == "" || tok.TokenType != "Bearer" {
		t.Fatalf("tokens = %+v, username %q", tok, tok.Username)
	}
	claims, err := srv.VerifyAccessToken(tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if claims.Username != "alice" || claims.ClientID != srv.ClientID() || claims.Issuer != srv.Issuer() {
		t.Errorf("claims = %+v", claims)
	}
	if _, err := srv.VerifyIDToken(tok.IDToken); err != nil {
		t.Error(err)
	}
	if got := srv.Calls("InitiateAuth"); got != 1 {
		t.Errorf("Calls(InitiateAuth) = %d, want 1", got)
	}
	if got := srv.Calls("RespondToAuthChallenge"); got != 1 {
		t.Errorf("Calls(RespondToAuthChallenge) = %d, want 1", got)
	}
	if got := srv.Calls(""); got != 2 {
		t.Errorf("Calls() = %d, want 2", got)
	}
}

func TestLoginThroughRoundTripper(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{ClientSecret: "s3cr3t"})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	api := http.NewServeMux()
	api.Handle("/hello", srv.RequireAccessToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cl, _ := cognitotest.ClaimsFromContext(r.Context())
		fmt.Fprintf(w, "hello %s", cl.Username)
	})))
	backend := newBackend(t, api)

	auth, err := cognitosrp.New(srv.Options("alice", "pw-alice-123"))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := auth.Client().Get(backend + "/hello")
	if err != nil {
		t.Fatal(err)
	}
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusOK || body != "hello alice" {
		t.Fatalf("GET /hello = %d %q", resp.StatusCode, body)
	}
	// Without the token the middleware refuses.
	resp, err = http.Get(backend + "/hello")
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
		t.Fatalf("GET /hello without a token = %d, WWW-Authenticate %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
}

func TestAliasUserWithClientSecret(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{ClientSecret: "0123456789abcdefghij"})
	u := addUser(t, srv, cognitotest.User{Aliases: []string{"Bob@Example.com", "+15555551234"}, Password: "bob password"})
	if u.Username != u.Sub || len(u.Sub) != 36 || u.Sub[14] != '4' {
		t.Fatalf("internal username %q, sub %q: want the sub, a UUID v4", u.Username, u.Sub)
	}
	for _, name := range []string{"bob@example.com", "+15555551234", u.Sub} {
		sess := login(t, srv, name, "bob password")
		if got := sess.Tokens().Username; got != u.Sub {
			t.Errorf("login as %q: internal username %q, want %q", name, got, u.Sub)
		}
		// Renewal with the client secret needs the internal username.
		if err := sess.Refresh(t.Context()); err != nil {
			t.Errorf("Refresh after login as %q: %v", name, err)
		}
	}
	cl, err := srv.VerifyIDToken(login(t, srv, "bob@example.com", "bob password").Tokens().IDToken)
	if err != nil {
		t.Fatal(err)
	}
	if cl.Raw["email"] != "Bob@Example.com" || cl.Raw["phone_number"] != "+15555551234" || cl.CognitoUsername != u.Sub {
		t.Errorf("id token claims = %v", cl.Raw)
	}
}

func TestLoginRefusals(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "right password"})
	addUser(t, srv, cognitotest.User{Username: "carol", Password: "carol password", Unconfirmed: true})
	addUser(t, srv, cognitotest.User{Username: "dave", Password: "dave password", ResetRequired: true})
	addUser(t, srv, cognitotest.User{Username: "erin", Password: "erin password", Disabled: true})
	tests := []struct {
		name, user, password string
		sentinel             error
		msg                  string
	}{
		{"wrong password", "alice", "wrong password", cognitosrp.ErrNotAuthorized, "Incorrect username or password."},
		{"empty-ish password", "alice", " ", cognitosrp.ErrNotAuthorized, "Incorrect username or password."},
		{"unknown user", "mallory", "x", cognitosrp.ErrUserNotFound, "User does not exist."},
		{"unconfirmed", "carol", "carol password", cognitosrp.ErrUserNotConfirmed, "User is not confirmed."},
		{"reset required", "dave", "dave password", cognitosrp.ErrPasswordResetRequired, "Password reset required"},
		{"disabled", "erin", "erin password", cognitosrp.ErrNotAuthorized, "User is disabled."},
		{"unconfirmed with wrong password", "carol", "nope", cognitosrp.ErrNotAuthorized, "Incorrect"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sess, err := cognitosrp.NewSession(srv.SessionConfig(), tt.user)
			if err != nil {
				t.Fatal(err)
			}
			err = sess.Authenticate(t.Context(), tt.password)
			if !errors.Is(err, tt.sentinel) {
				t.Fatalf("Authenticate = %v, want %v", err, tt.sentinel)
			}
			ae := apiError(t, err)
			if ae.StatusCode != http.StatusBadRequest || !strings.Contains(ae.Message, tt.msg) || ae.RequestID == "" {
				t.Errorf("error = %+v, want HTTP 400 with %q and a request id", ae, tt.msg)
			}
			if strings.Contains(err.Error(), tt.password) && len(tt.password) > 2 {
				t.Errorf("error %q contains the password", err)
			}
		})
	}
}

func TestPreventUserExistenceErrors(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{PreventUserExistenceErrors: true})
	sess, err := cognitosrp.NewSession(srv.SessionConfig(), "nobody")
	if err != nil {
		t.Fatal(err)
	}
	// As in Cognito, the unknown user gets a PASSWORD_VERIFIER challenge
	// and fails at the answer, like a wrong password.
	err = sess.Authenticate(t.Context(), "whatever")
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
	if srv.Calls("RespondToAuthChallenge") != 1 {
		t.Errorf("the unknown user did not get a challenge")
	}
}

func TestUnknownClientAndFlows(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	cfg := srv.SessionConfig()
	cfg.ClientID = "nosuchclient"
	sess, err := cognitosrp.NewSession(cfg, "alice")
	if err != nil {
		t.Fatal(err)
	}
	err = sess.Authenticate(t.Context(), "pw-alice-123")
	if !errors.Is(err, cognitosrp.ErrResourceNotFound) {
		t.Fatalf("unknown client: %v", err)
	}
	r := newRaw(t, srv)
	_, err = r.initiate("USER_PASSWORD_AUTH", map[string]string{"USERNAME": "alice", "PASSWORD": "pw-alice-123"})
	wantAPIError(t, err, "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client")
	_, err = r.initiate("ADMIN_NO_SRP_AUTH", map[string]string{"USERNAME": "alice", "PASSWORD": "pw-alice-123"})
	wantAPIError(t, err, "InvalidParameterException", "Initiate Auth method not supported")
	_, err = r.initiate("NO_SUCH_FLOW", nil)
	wantAPIError(t, err, "InvalidParameterException", "authFlow")
	_, err = r.initiate("USER_SRP_AUTH", map[string]string{"USERNAME": "alice"})
	wantAPIError(t, err, "InvalidParameterException", "Missing required parameter SRP_A")
	_, err = r.call("NoSuchAction", map[string]string{})
	wantAPIError(t, err, "UnknownOperationException", "")
}

func TestRefreshKeepsRefreshToken(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	sess := login(t, srv, "alice", "pw-alice-123")
	before := sess.Tokens()
	srv.Advance(2 * time.Second) // new iat, so new tokens differ
	if err := sess.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	after := sess.Tokens()
	if after.RefreshToken != before.RefreshToken {
		t.Error("REFRESH_TOKEN_AUTH changed the refresh token")
	}
	if after.AccessToken == before.AccessToken {
		t.Error("REFRESH_TOKEN_AUTH returned the same access token")
	}
	b, _ := cognitosrp.ParseUnverified(before.AccessToken)
	a, _ := cognitosrp.ParseUnverified(after.AccessToken)
	if a.Raw["origin_jti"] != b.Raw["origin_jti"] || !a.AuthTime.Equal(b.AuthTime) || a.ID == b.ID {
		t.Errorf("renewed token: origin_jti %v→%v, auth_time %v→%v, jti %v→%v",
			b.Raw["origin_jti"], a.Raw["origin_jti"], b.AuthTime, a.AuthTime, b.ID, a.ID)
	}
	if srv.Calls("InitiateAuth") != 2 {
		t.Errorf("Calls(InitiateAuth) = %d, want 2", srv.Calls("InitiateAuth"))
	}
}

// TestClockSkew: a claim whose TIMESTAMP is more than MaxClockSkew from
// the server's clock is refused, whichever clock moved. The claims are made
// with the primitives on the client's clock, as clients that ignore the
// response's Date sign them (a cognitosrp.Session follows the Date:
// TestEmulatorLoginClocksApart in the root package).
func TestClockSkew(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	for _, tt := range []struct {
		skew time.Duration
		ok   bool
	}{
		{4 * time.Minute, true},
		{-4 * time.Minute, true},
		{6 * time.Minute, false},
		{-6 * time.Minute, false},
	} {
		r.now = func() time.Time { return time.Now().Add(tt.skew) }
		_, err := r.srpLogin("alice", "pw-alice-123", nil)
		if tt.ok && err != nil {
			t.Errorf("client clock %v off: %v", tt.skew, err)
		}
		if !tt.ok {
			if !errors.Is(err, cognitosrp.ErrNotAuthorized) {
				t.Errorf("client clock %v off: %v, want NotAuthorized", tt.skew, err)
			}
			if !strings.Contains(lastReason(srv), "TIMESTAMP") {
				t.Errorf("reason %q does not name the TIMESTAMP", lastReason(srv))
			}
		}
	}
	// The server's clock moves the window too.
	srv.Advance(10 * time.Minute)
	r.now = time.Now
	if _, err := r.srpLogin("alice", "pw-alice-123", nil); !errors.Is(err, cognitosrp.ErrNotAuthorized) {
		t.Errorf("server clock 10 min ahead: %v", err)
	}
}

func TestTimestampIsSigned(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	now := time.Date(2025, 3, 4, 9, 5, 7, 0, time.UTC)
	srv.SetClock(func() time.Time { return now })
	r.now = func() time.Time { return now }

	// A TIMESTAMP other than the one signed, though within the allowed
	// skew, breaks the signature.
	srp, _ := cognitosrp.NewSRP(r.poolName(), nil)
	ch, err := r.initiate("USER_SRP_AUTH", map[string]string{"USERNAME": "alice", "SRP_A": srp.A()})
	if err != nil {
		t.Fatal(err)
	}
	resp := r.claim(srp, ch, "pw-alice-123")
	if resp["TIMESTAMP"] != "Tue Mar 4 09:05:07 UTC 2025" {
		t.Fatalf("TIMESTAMP = %q", resp["TIMESTAMP"])
	}
	resp["TIMESTAMP"] = "Tue Mar 4 09:05:08 UTC 2025"
	_, err = r.respond("PASSWORD_VERIFIER", ch.Session, resp)
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")

	// The session served its one answer.
	_, err = r.respond("PASSWORD_VERIFIER", ch.Session, resp)
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session")

	for _, ts := range []string{"2025-03-04T09:05:07Z", "Tue Mar 4 24:05:07 UTC 2025", "Tue Mar 4 9:05:07 PM UTC 2025"} {
		ch, _ = r.initiate("USER_SRP_AUTH", map[string]string{"USERNAME": "alice", "SRP_A": srp.A()})
		resp = r.claim(srp, ch, "pw-alice-123")
		resp["TIMESTAMP"] = ts
		_, err = r.respond("PASSWORD_VERIFIER", ch.Session, resp)
		wantAPIError(t, err, "InvalidParameterException", "TIMESTAMP format")
	}
}

func TestZeroSRPARefused(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	n := cognitotest.PrimeN()
	// A = N or a multiple makes S = 0 whatever the password: a server that
	// accepted it would let anyone in.
	for _, a := range []string{"0", "00", n.Text(16), new(big.Int).Lsh(n, 1).Text(16), "-1", "xyz", strings.Repeat("f", 5000)} {
		_, err := r.initiate("USER_SRP_AUTH", map[string]string{"USERNAME": "alice", "SRP_A": a})
		if !errors.Is(err, cognitosrp.ErrInvalidParameter) {
			t.Errorf("SRP_A %.10q: %v, want InvalidParameterException", a, err)
		}
	}
}

func TestManyUsers(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{ClientSecret: "many-users-secret"})
	rng := rand.New(rand.NewPCG(1, 2))
	type cred struct {
		login, password, internal string
		tryWrong                  bool // also try a wrong password
	}
	var creds []cred
	for i := range 50 {
		pw := randomPassword(rng)
		u := cognitotest.User{Password: pw}
		login := ""
		switch i % 3 {
		case 0:
			u.Username = fmt.Sprintf("user%02d_%x", i, rng.Uint32())
			login = u.Username
		case 1:
			login = fmt.Sprintf("u%d.%x@example.org", i, rng.Uint32())
			u.Aliases = []string{login}
		case 2:
			u.Username = fmt.Sprintf("Ünïcode-%d", i)
			login = strings.ToUpper(u.Username) // names are case-insensitive
		}
		got := addUser(t, srv, u)
		creds = append(creds, cred{login, pw, got.Username, i%4 == 0})
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for _, c := range creds {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			sess, err := cognitosrp.NewSession(srv.SessionConfig(), c.login)
			if err != nil {
				t.Error(err)
				return
			}
			if err := sess.Authenticate(t.Context(), c.password); err != nil {
				t.Errorf("login %q: %v", c.login, err)
				return
			}
			if got := sess.Tokens().Username; got != c.internal {
				t.Errorf("login %q: username %q, want %q", c.login, got, c.internal)
			}
			if !c.tryWrong {
				return // a wrong password for some users is enough
			}
			if err := sess.Authenticate(t.Context(), c.password+"x"); !errors.Is(err, cognitosrp.ErrNotAuthorized) {
				t.Errorf("login %q with a wrong password: %v", c.login, err)
			}
		}()
	}
	wg.Wait()
}

// randomPassword returns a password of 8 to 40 characters, some of them
// outside ASCII.
func randomPassword(rng *rand.Rand) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#%&*:;éß€漢"
	runes := []rune(alphabet)
	n := 8 + rng.IntN(33)
	var b strings.Builder
	for range n {
		b.WriteRune(runes[rng.IntN(len(runes))])
	}
	return b.String()
}

// TestRefusalWordings pins refusals whose type or wording a program under
// test may match on to Cognito's, as its users quote them:
// "InvalidParameterException: Custom auth lambda trigger is not configured
// for the user pool." (amplify-js issues 5623 and 6327, pull request 7401)
// and "Initiate Auth method not supported." with its full stop
// (aws-doc-sdk-examples issue 5289, soto-cognito-authentication-kit
// issue 10).
func TestRefusalWordings(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	for _, c := range []struct {
		flow     string
		typ, msg string
	}{
		{"CUSTOM_AUTH", "InvalidParameterException", "Custom auth lambda trigger is not configured for the user pool."},
		{"ADMIN_USER_PASSWORD_AUTH", "InvalidParameterException", "Initiate Auth method not supported."},
	} {
		_, err := r.initiate(c.flow, map[string]string{"USERNAME": "alice", "PASSWORD": "pw-alice-123"})
		if ae := apiError(t, err); ae.Type != c.typ || ae.Message != c.msg {
			t.Errorf("%s: %s %q, want %s %q", c.flow, ae.Type, ae.Message, c.typ, c.msg)
		}
	}
}
