// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestRefreshMethodString(t *testing.T) {
	for m, want := range map[RefreshMethod]string{
		"":                      "REFRESH_TOKEN_AUTH",
		RefreshWithInitiateAuth: "REFRESH_TOKEN_AUTH",
		RefreshWithGetTokens:    "GetTokensFromRefreshToken",
	} {
		if got := m.String(); got != want {
			t.Errorf("RefreshMethod(%q).String() = %q, want %q", string(m), got, want)
		}
	}
}

// TestRefreshFlowRefused: only an InvalidParameterException that says the
// flow is not enabled, or names rotation, in any case, is the refusal of
// REFRESH_TOKEN_AUTH.
func TestRefreshFlowRefused(t *testing.T) {
	for _, tc := range []struct {
		typ, msg string
		want     bool
	}{
		{"InvalidParameterException", "REFRESH_TOKEN_AUTH flow not enabled for this client", true},
		{"InvalidParameterException", "Refresh Token Auth flow Not Enabled for this client", true},
		{"InvalidParameterException", "Refresh token Rotation is enabled for this app client", true},
		{"InvalidParameterException", "Missing required parameter REFRESH_TOKEN", false},
		{"NotAuthorizedException", "REFRESH_TOKEN_AUTH flow not enabled for this client", false},
		{"", "flow not enabled", false},
	} {
		err := fmt.Errorf("renewal: %w", &APIError{Action: "InitiateAuth", Type: tc.typ, Message: tc.msg, StatusCode: 400})
		if got := refreshFlowRefused(err); got != tc.want {
			t.Errorf("refreshFlowRefused(%s: %q) = %v, want %v", tc.typ, tc.msg, got, tc.want)
		}
	}
	if refreshFlowRefused(errors.New("InvalidParameterException: flow not enabled")) {
		t.Error("refreshFlowRefused matched an error that is not Cognito's")
	}
}

// TestRefreshUsername: the SECRET_HASH of a renewal hashes the internal
// username, from either token's claim or else Tokens.Username (which a
// caller's SetTokens may fill with the login name); the login name only
// when nothing names the user.
func TestRefreshUsername(t *testing.T) {
	access := fxJWT(map[string]any{"token_use": "access", "username": "from-access"})
	id := fxJWT(map[string]any{"token_use": "id", "cognito:username": "from-id"})
	bare := fxJWT(map[string]any{"token_use": "id"})
	for _, tc := range []struct {
		name string
		t    Tokens
		want string
	}{
		{"access token over Username", Tokens{Username: "alias@example.com", AccessToken: access, IDToken: id}, "from-access"},
		{"Username", Tokens{Username: "internal", AccessToken: bare, IDToken: "not a JWT"}, "internal"},
		{"access token", Tokens{AccessToken: access, IDToken: id}, "from-access"},
		{"id token", Tokens{AccessToken: bare, IDToken: id}, "from-id"},
		{"id token alone", Tokens{IDToken: id}, "from-id"},
		{"nothing", Tokens{AccessToken: bare, IDToken: "not a JWT"}, "alias@example.com"},
	} {
		if got := refreshUsername(&tc.t, "alias@example.com"); got != tc.want {
			t.Errorf("%s: refreshUsername = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestRenewalLogAttributes: the renewal event names the method (the zero
// value as REFRESH_TOKEN_AUTH), whether the refresh token was rotated, and
// when the new access token expires.
func TestRenewalLogAttributes(t *testing.T) {
	for _, tc := range []struct {
		method  RefreshMethod
		rotate  bool
		name    string
		rotated bool
	}{
		{"", false, "REFRESH_TOKEN_AUTH", false},
		{RefreshWithGetTokens, true, "GetTokensFromRefreshToken", true},
	} {
		var buf syncBuffer
		logger := slog.New(slog.NewJSONHandler(&buf, nil))
		clk, f, s, _ := loggedIn(t, func(c *Config) { c.Logger = logger; c.RefreshMethod = tc.method })
		f.set(func(f *fakeCognito) { f.rotate = tc.rotate })
		clk.Advance(time.Hour)
		got, err := s.ValidTokens(context.Background(), AccessToken)
		if err != nil {
			t.Fatal(err)
		}
		settle(t, s)
		line := findLogLine(t, buf.String(), "cognitosrp: tokens renewed")
		if line == nil {
			t.Fatalf("%s: no renewal event in:\n%s", tc.name, buf.String())
		}
		if line["method"] != tc.name || line["rotated"] != tc.rotated || line["expires"] != got.AccessExpiry.Format(time.RFC3339) {
			t.Errorf("%s: method %v, rotated %v, expires %v; want %s, %v, %s", tc.name,
				line["method"], line["rotated"], line["expires"], tc.name, tc.rotated, got.AccessExpiry.Format(time.RFC3339))
		}
	}
}

// TestSecretHashMismatchIsNoDeadRefreshToken: Cognito refuses the
// SECRET_HASH of REFRESH_TOKEN_AUTH with "SecretHash does not match for
// the client: …" (aws-sdk-net-extensions-cognito issues 94 and 122), not
// only "Unable to verify secret hash …". Either names the secret: the
// refresh token is fine, so the renewal fails with Cognito's refusal, not
// ErrLoginRequired, and a session with a password does not log in instead.
func TestSecretHashMismatchIsNoDeadRefreshToken(t *testing.T) {
	var renewals, logins atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in InitiateAuthInput
		json.NewDecoder(r.Body).Decode(&in)
		if in.AuthFlow == FlowRefreshTokenAuth {
			renewals.Add(1)
		} else {
			logins.Add(1)
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"__type":"NotAuthorizedException","message":"SecretHash does not match for the client: test-client-id"}`)
	}))
	defer srv.Close()
	past := time.Now().Add(-time.Minute)
	due := &Tokens{AccessToken: "a", IDToken: "i", RefreshToken: "r", Username: "alice", AccessExpiry: past, IDExpiry: past}

	s, err := NewSession(Config{UserPoolID: "us-east-1_Pool1", ClientID: "test-client-id", ClientSecret: "wrong", Endpoint: srv.URL}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.SetTokens(due)
	if err := s.Refresh(t.Context()); !errors.Is(err, ErrNotAuthorized) || errors.Is(err, ErrLoginRequired) {
		t.Errorf("Refresh = %v; want ErrNotAuthorized, not ErrLoginRequired", err)
	}

	a, err := New(Options{Username: "alice", Password: "pw", UserPoolID: "us-east-1_Pool1", ClientID: "test-client-id", ClientSecret: "wrong", Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	a.Session().SetTokens(due)
	if _, err := a.Token(t.Context()); !errors.Is(err, ErrNotAuthorized) || errors.Is(err, ErrLoginRequired) {
		t.Errorf("Token = %v; want ErrNotAuthorized, not ErrLoginRequired", err)
	}
	if renewals.Load() != 2 || logins.Load() != 0 {
		t.Errorf("%d renewals and %d logins; want 2 and none", renewals.Load(), logins.Load())
	}
}

// TestRenewalChallengeNamesTheUser: a renewal answered with a challenge
// fails with a ChallengeError whose Username is the internal name a
// continuation must send as USERNAME, as a login's does. It was empty.
func TestRenewalChallengeNamesTheUser(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		io.WriteString(w, `{"ChallengeName":"SMS_MFA","ChallengeParameters":{},"Session":"s1"}`)
	}))
	defer srv.Close()
	s, err := NewSession(Config{UserPoolID: "us-east-1_Pool1", ClientID: "test-client-id", Endpoint: srv.URL}, "alias@example.com")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	past := time.Now().Add(-time.Minute)
	s.SetTokens(&Tokens{AccessToken: fxJWT(map[string]any{"token_use": "access", "username": "internal-name"}), RefreshToken: "r", AccessExpiry: past, IDExpiry: past})
	var ce *ChallengeError
	if err := s.Refresh(t.Context()); !errors.As(err, &ce) {
		t.Fatalf("Refresh = %v; want a ChallengeError", err)
	}
	if ce.ChallengeName != "SMS_MFA" || ce.Session != "s1" || ce.Username != "internal-name" {
		t.Errorf("ChallengeError = {%s, Session %q, Username %q}; want {SMS_MFA, s1, internal-name}", ce.ChallengeName, ce.Session, ce.Username)
	}
}
