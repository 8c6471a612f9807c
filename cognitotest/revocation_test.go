// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// noRevocation is a pool whose app client has token revocation off.
var noRevocation = cognitotest.Config{DisableTokenRevocation: true}

// TestDisableTokenRevocationClaims: with revocation off the access and id
// tokens carry neither origin_jti nor jti, which Cognito adds when it is
// turned on, at login and renewal alike; by default they carry both, and
// an event_id that is not their origin_jti.
func TestDisableTokenRevocationClaims(t *testing.T) {
	for _, cfg := range []cognitotest.Config{{}, noRevocation} {
		srv := cognitotest.NewServer(t, cfg)
		addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
		sess := login(t, srv, "alice", "pw-alice-123")
		login := sess.Tokens()
		if err := sess.Refresh(t.Context()); err != nil {
			t.Fatalf("revocation off %v: Refresh: %v", cfg.DisableTokenRevocation, err)
		}
		for _, tok := range []*cognitosrp.Tokens{login, sess.Tokens()} {
			for _, jwt := range []string{tok.AccessToken, tok.IDToken} {
				cl, err := cognitosrp.ParseUnverified(jwt)
				if err != nil {
					t.Fatal(err)
				}
				for _, claim := range []string{"origin_jti", "jti"} {
					if _, ok := cl.Raw[claim]; ok == cfg.DisableTokenRevocation {
						t.Errorf("revocation off %v: %s token has %s: %v", cfg.DisableTokenRevocation, cl.TokenUse, claim, ok)
					}
				}
				if cl.Raw["event_id"] == nil {
					t.Errorf("revocation off %v: %s token lacks event_id", cfg.DisableTokenRevocation, cl.TokenUse)
				}
				// Cognito's event_id and origin_jti are two ids: a resource
				// server that looked revocations up by event_id would pass
				// here and fail against Cognito if they were one.
				if !cfg.DisableTokenRevocation && cl.Raw["event_id"] == cl.Raw["origin_jti"] {
					t.Errorf("%s token's event_id is its origin_jti, %v", cl.TokenUse, cl.Raw["event_id"])
				}
			}
		}
	}
}

// TestDisableTokenRevocationRefusesRevokeToken: RevokeToken fails with
// UnsupportedOperationException, HTTP 400, whatever the token, and ends
// nothing: the refresh token renews and the access token works after.
func TestDisableTokenRevocationRefusesRevokeToken(t *testing.T) {
	cfg := noRevocation
	cfg.ClientSecret = "shh"
	srv := cognitotest.NewServer(t, cfg)
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	sess := login(t, srv, "alice", "pw-alice-123")
	tok := sess.Tokens()
	for _, token := range []string{tok.RefreshToken, "no-such-token"} {
		_, err := r.call("RevokeToken", map[string]string{"ClientId": srv.ClientID(), "ClientSecret": "shh", "Token": token})
		wantAPIError(t, err, "UnsupportedOperationException", "")
		if ae := apiError(t, err); ae.StatusCode != http.StatusBadRequest || ae.Temporary() {
			t.Errorf("%v: status %d, Temporary %v; want 400, false", err, ae.StatusCode, ae.Temporary())
		}
	}
	if _, err := srv.VerifyAccessToken(tok.AccessToken); err != nil {
		t.Errorf("access token after a refused RevokeToken: %v", err)
	}
	if _, err := r.call("GetUser", map[string]string{"AccessToken": tok.AccessToken}); err != nil {
		t.Errorf("GetUser after a refused RevokeToken: %v", err)
	}
	if err := sess.Refresh(t.Context()); err != nil {
		t.Errorf("the refresh token after a refused RevokeToken: %v", err)
	}
}

// TestDisableTokenRevocationSessionSignOut: the library's Session.SignOut
// against a client without revocation forgets the tokens and returns what
// its documentation promises: an error saying the revocation failed, whose
// *APIError (errors.As) names RevokeToken, UnsupportedOperationException
// and HTTP 400, is not temporary, and matches no sentinel of a dead token;
// it asks once. The refresh token does work on, as the error says it may.
// GlobalSignOut, which Cognito documents with no regard to revocation,
// still ends it, and every other refresh and access token of the user.
func TestDisableTokenRevocationSessionSignOut(t *testing.T) {
	srv := cognitotest.NewServer(t, noRevocation)
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	s1 := login(t, srv, "alice", "pw-alice-123")
	s2 := login(t, srv, "alice", "pw-alice-123")
	forgotten, other := s1.Tokens(), s2.Tokens()

	err := s1.SignOut(t.Context())
	if err == nil || !strings.HasPrefix(err.Error(), "cognitosrp: signed out locally, but revoking the refresh token failed: ") {
		t.Fatalf("SignOut = %v, want the failed revocation", err)
	}
	ae := apiError(t, err)
	if ae.Action != "RevokeToken" || ae.Type != "UnsupportedOperationException" || ae.StatusCode != http.StatusBadRequest || ae.Temporary() {
		t.Errorf("SignOut's *APIError = %+v (Temporary %v)", ae, ae.Temporary())
	}
	if errors.Is(err, cognitosrp.ErrNotAuthorized) || errors.Is(err, cognitosrp.ErrLoginRequired) {
		t.Errorf("SignOut = %v matches a sentinel of a dead token", err)
	}
	if n := srv.Calls("RevokeToken"); n != 1 {
		t.Errorf("%d RevokeToken calls, want 1: the refusal is not passing", n)
	}
	if s1.Tokens() != nil {
		t.Error("SignOut kept the tokens")
	}
	if _, err := r.initiate("REFRESH_TOKEN_AUTH", map[string]string{"REFRESH_TOKEN": forgotten.RefreshToken}); err != nil {
		t.Errorf("the refresh token SignOut could not revoke: %v", err)
	}

	if err := s2.GlobalSignOut(t.Context()); err != nil {
		t.Fatalf("GlobalSignOut: %v", err)
	}
	for _, tok := range []*cognitosrp.Tokens{forgotten, other} {
		_, err := r.initiate("REFRESH_TOKEN_AUTH", map[string]string{"REFRESH_TOKEN": tok.RefreshToken})
		wantAPIError(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
		_, err = r.call("GetUser", map[string]string{"AccessToken": tok.AccessToken})
		wantAPIError(t, err, "NotAuthorizedException", "Access Token has been revoked")
		if _, err := srv.VerifyAccessToken(tok.AccessToken); !errors.Is(err, cognitotest.ErrTokenRevoked) {
			t.Errorf("VerifyAccessToken after GlobalSignOut: %v", err)
		}
	}
	// A login after the sign-out is not ended by it.
	s3 := login(t, srv, "alice", "pw-alice-123")
	if _, err := srv.VerifyAccessToken(s3.Tokens().AccessToken); err != nil {
		t.Errorf("a new login's access token: %v", err)
	}
	if err := s3.Refresh(t.Context()); err != nil {
		t.Errorf("a new login's refresh token: %v", err)
	}
}

// TestDisableTokenRevocationGlobalSignOutEndsItsUserOnly: without
// origin_jti in the tokens, GlobalSignOut still ends only its user's
// logins: another user's tokens live on.
func TestDisableTokenRevocationGlobalSignOutEndsItsUserOnly(t *testing.T) {
	srv := cognitotest.NewServer(t, noRevocation)
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	addUser(t, srv, cognitotest.User{Username: "bob", Password: "pw-bob-12345"})
	alice := login(t, srv, "alice", "pw-alice-123")
	bob := login(t, srv, "bob", "pw-bob-12345")
	if err := alice.GlobalSignOut(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.VerifyAccessToken(bob.Tokens().AccessToken); err != nil {
		t.Errorf("bob's access token after alice's GlobalSignOut: %v", err)
	}
	if err := bob.Refresh(t.Context()); err != nil {
		t.Errorf("bob's refresh token after alice's GlobalSignOut: %v", err)
	}
}

// TestDisableTokenRevocationWithRotation: rotation does not depend on
// revocation, which Cognito documents no link to: GetTokensFromRefreshToken
// issues a successor and retires the token it replaces.
func TestDisableTokenRevocationWithRotation(t *testing.T) {
	cfg := noRevocation
	cfg.RefreshTokenRotation = true
	srv := cognitotest.NewServer(t, cfg)
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	sess := login(t, srv, "alice", "pw-alice-123")
	old := sess.Tokens().RefreshToken
	if err := sess.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	if sess.Tokens().RefreshToken == old {
		t.Fatal("no successor refresh token")
	}
	_, err := r.call("GetTokensFromRefreshToken", map[string]string{"ClientId": srv.ClientID(), "RefreshToken": old})
	wantAPIError(t, err, "RefreshTokenReuseException", "")
	if err := sess.Refresh(t.Context()); err != nil {
		t.Errorf("the successor: %v", err)
	}
}

// TestRevokeTokenChoices pins two choices the package doc lists as the
// emulator's own: RevokeToken takes an expired refresh token without an
// error, and refuses a wrong client secret with NotAuthorizedException
// (Cognito's model lists neither for it).
func TestRevokeTokenChoices(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{ClientSecret: "shh", RefreshTokenLifetime: time.Hour})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	tok := login(t, srv, "alice", "pw-alice-123").Tokens().RefreshToken
	_, err := r.call("RevokeToken", map[string]string{"ClientId": srv.ClientID(), "ClientSecret": "wrong", "Token": tok})
	wantAPIError(t, err, "NotAuthorizedException", "Client secret is invalid")
	srv.Advance(time.Hour)
	if _, err := r.call("RevokeToken", map[string]string{"ClientId": srv.ClientID(), "ClientSecret": "shh", "Token": tok}); err != nil {
		t.Errorf("RevokeToken of an expired refresh token: %v", err)
	}
}
