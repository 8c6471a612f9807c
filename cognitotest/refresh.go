// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"net/http"
	"time"

	"github.com/gocognito/cognitosrp"
)

// This file renews and revokes refresh tokens: REFRESH_TOKEN_AUTH,
// GetTokensFromRefreshToken and RevokeToken.

// useRefreshToken returns the grant of a refresh token that client may use
// now. deviceKey is the DEVICE_KEY the request sent. On a client with
// rotation the token is retired (after the grace period) as it is used,
// and retired reports whether this call did it, for the caller to undo
// if it fails to issue the successor.
func (s *Server) useRefreshToken(now time.Time, client *appClient, tok, deviceKey string) (rt *refreshToken, retired bool, aerr *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt = s.refresh[tok]
	switch {
	case rt == nil:
		return nil, false, errNotAuthorized("Invalid Refresh Token.").because("unknown refresh token")
	case s.revoked[rt.originJTI]:
		// Revoked with its family: a token rotated out, still in its grace
		// period, ends with the successor it was replaced by.
		return nil, false, errNotAuthorized("Refresh Token has been revoked")
	case !now.Before(rt.expires):
		return nil, false, errNotAuthorized("Refresh Token has expired")
	case !rt.retired.IsZero() && (s.cfg.RotationGracePeriod == 0 || !now.Before(rt.retired)):
		// Without a grace period, retired whatever the clocks say: a call
		// that read the time before the one that retired the token may
		// take the lock after it.
		return nil, false, newError(http.StatusBadRequest, "RefreshTokenReuseException", "Refresh token has been invalidated by rotation.")
	case s.userLocked(rt.username, rt.sub) == nil:
		return nil, false, errNotAuthorized("Invalid Refresh Token.").because("user deleted")
	}
	if rt.deviceKey != "" {
		d := s.devices[rt.deviceKey]
		if deviceKey != rt.deviceKey || d == nil || !d.confirmed {
			return nil, false, errNotAuthorized("Invalid Refresh Token.").because("issued to device %s: DEVICE_KEY missing, wrong or not confirmed", rt.deviceKey)
		}
	}
	if client.rotation && rt.retired.IsZero() {
		// Retired in the same critical section as the checks above, so
		// that two renewals racing with one token cannot both pass them.
		rt.retired = now.Add(s.cfg.RotationGracePeriod)
		retired = true
	}
	return rt, retired, nil
}

// refreshTokenAuth serves InitiateAuth with REFRESH_TOKEN_AUTH. Cognito
// returns no refresh token here: the client keeps its own.
func (s *Server) refreshTokenAuth(c *call, client *appClient, params map[string]string) (any, *apiError) {
	tok := params["REFRESH_TOKEN"]
	if tok == "" {
		return nil, errMissing("REFRESH_TOKEN")
	}
	rt, _, aerr := s.useRefreshToken(c.now, client, tok, params["DEVICE_KEY"]) // a rotating client cannot get here
	if aerr != nil {
		return nil, aerr
	}
	// The hash must use the internal username: an alias fails here, the
	// classic bug of clients that reuse the name the user typed.
	if aerr := client.checkSecretHash(params["SECRET_HASH"], rt.username); aerr != nil {
		if params["SECRET_HASH"] != "" && client.secret != "" {
			aerr = errRefreshSecretHash(client.id).because("%s", aerr.why)
		}
		return nil, aerr
	}
	res, aerr := s.mint(c.now, rt.grant)
	if aerr != nil {
		return nil, aerr
	}
	return &cognitosrp.AuthOutput{AuthenticationResult: res, ChallengeParameters: map[string]string{}}, nil
}

// getTokensFromRefreshToken serves GetTokensFromRefreshToken: new tokens,
// and with rotation a new refresh token that retires the old one.
func (s *Server) getTokensFromRefreshToken(c *call) (any, *apiError) {
	var in struct {
		withClient
		ClientSecret *string
		RefreshToken string
		DeviceKey    *string
	}
	client, aerr := s.decodeForClient(c, &in, func(v *violations) {
		checkTokenMember(v, "refreshToken", in.RefreshToken)
		// A member, unlike REFRESH_TOKEN_AUTH's DEVICE_KEY: sent as ""
		// it is malformed, where left out it is no device.
		checkDeviceKey(v, in.DeviceKey, false)
		s.checkClientSecret(v, in.ClientSecret)
	})
	if aerr != nil {
		return nil, aerr
	}
	if aerr := client.checkSecret(deref(in.ClientSecret)); aerr != nil {
		return nil, aerr
	}
	deviceKey := ""
	if in.DeviceKey != nil {
		deviceKey = *in.DeviceKey
	}
	rt, retired, aerr := s.useRefreshToken(c.now, client, in.RefreshToken, deviceKey)
	if aerr != nil {
		return nil, aerr
	}
	res, aerr := s.mint(c.now, rt.grant)
	if aerr == nil && client.rotation {
		// The successor lives for what is left of the token it replaces,
		// as in Cognito: rotation never extends a login.
		res.RefreshToken, aerr = s.newRefreshToken(c.now, rt.expires, rt.grant)
	}
	if retired {
		s.mu.Lock()
		if aerr != nil {
			// A call that issued nothing uses nothing up: the client's
			// retry must still find its refresh token.
			rt.retired = time.Time{}
		} else {
			s.dropRetiredLocked(c.now, rt)
		}
		s.mu.Unlock()
	}
	if aerr != nil {
		return nil, aerr
	}
	return map[string]any{"AuthenticationResult": res}, nil
}

// revokeToken serves RevokeToken: the refresh token, every other refresh
// token of its login (rotated out before it, or issued after it when it
// is itself rotated out) and every access token issued with them stop
// working. An unknown token is not an error, so that revoking stays
// idempotent. An app client without token revocation refuses every call
// it authenticates, known token or not.
func (s *Server) revokeToken(c *call) (any, *apiError) {
	var in struct {
		withClient
		ClientSecret *string
		Token        string
	}
	client, aerr := s.decodeForClient(c, &in, func(v *violations) {
		checkTokenMember(v, "token", in.Token)
		s.checkClientSecret(v, in.ClientSecret)
	})
	if aerr != nil {
		return nil, aerr
	}
	if aerr := client.checkSecret(deref(in.ClientSecret)); aerr != nil {
		return nil, aerr
	}
	if s.cfg.DisableTokenRevocation {
		return nil, newError(http.StatusBadRequest, "UnsupportedOperationException", "Token revocation is not enabled for this app client.").because("Config.DisableTokenRevocation")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rt := s.refresh[in.Token]
	if rt == nil {
		return struct{}{}, nil
	}
	s.revoked[rt.originJTI] = true
	return struct{}{}, nil
}

// checkTokenMember checks a token member (refreshToken, token,
// accessToken) as the protocol layer checks Cognito's TokenModelType:
// required here, and of the characters of a JWT or JWE
// ([A-Za-z0-9-_=.]+). It is sensitive: no value is quoted. "" is a
// member left out.
func checkTokenMember(v *violations, field, tok string) {
	switch {
	case tok == "":
		v.addSensitive(field, mustNotBeNull)
	case !idChars(tok, "-_=."):
		v.addSensitive(field, "Member must satisfy regular expression pattern: [A-Za-z0-9-_=.]+")
	}
}

// checkOptionalTokenMember is checkTokenMember for a member the model
// does not require, as AssociateSoftwareToken's and VerifySoftwareToken's
// AccessToken: "" is a member left out, which is no error.
func checkOptionalTokenMember(v *violations, field, tok string) {
	if tok != "" {
		checkTokenMember(v, field, tok)
	}
}

// deref is *p, or "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
