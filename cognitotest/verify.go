// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gocognito/cognitosrp"
)

// Errors of VerifyAccessToken and VerifyIDToken.
var (
	// ErrInvalidToken: not a token of this server (bad signature, wrong
	// issuer, client or token_use, malformed).
	ErrInvalidToken = errors.New("cognitotest: invalid token")
	// ErrTokenExpired: the token's exp has passed on the server's clock.
	ErrTokenExpired = errors.New("cognitotest: token expired")
	// ErrTokenRevoked: the token was revoked (RevokeToken, GlobalSignOut,
	// SignOut, DeleteUser).
	ErrTokenRevoked = errors.New("cognitotest: token revoked")
)

// VerifyAccessToken checks an access token with the pool's own records as
// well as what the token carries: the RS256 signature by this server's key,
// the issuer, the app client, token_use "access", exp on the server's
// clock with no leeway, and revocation. It returns the token's claims. Use
// it in tests of your own servers. It is stricter than a resource server
// that checks tokens itself, as cognitosrp.Verifier does: that allows a
// leeway past exp and cannot see revocation, so it accepts a signed-out
// user's token until it expires (see the example of VerifierConfig).
func (s *Server) VerifyAccessToken(token string) (*cognitosrp.Claims, error) {
	return s.verify(token, "access", s.now())
}

// VerifyIDToken checks an id token like VerifyAccessToken, with token_use
// "id" and the app client in aud.
func (s *Server) VerifyIDToken(token string) (*cognitosrp.Claims, error) {
	return s.verify(token, "id", s.now())
}

// verify checks a token of the given use, judging exp at now: the API
// calls pass their request's time, so that a request reads the clock once.
func (s *Server) verify(token, use string, now time.Time) (*cognitosrp.Claims, error) {
	if err := s.checkSignature(token); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	cl, err := cognitosrp.ParseUnverified(token)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidToken, err)
	}
	client := cl.ClientID
	if use == "id" {
		client = cl.Audience
	}
	switch {
	case cl.TokenUse != use:
		return nil, fmt.Errorf("%w: token_use is %q, not %q", ErrInvalidToken, cl.TokenUse, use)
	case cl.Issuer != s.Issuer():
		return nil, fmt.Errorf("%w: issuer %q is not this pool's", ErrInvalidToken, cl.Issuer)
	case client != s.client.id:
		return nil, fmt.Errorf("%w: issued to app client %q", ErrInvalidToken, client)
	case !now.Before(cl.Expiry):
		return nil, ErrTokenExpired
	}
	login := "origin_jti"
	if s.cfg.DisableTokenRevocation {
		login = "event_id" // the login's origin_jti (completeLogin)
	}
	origin, _ := cl.Raw[login].(string)
	s.mu.Lock()
	revoked := s.revoked[origin]
	s.mu.Unlock()
	if revoked {
		return nil, ErrTokenRevoked
	}
	return cl, nil
}

// accessTokenUser checks the access token of an API call at the request's
// time and returns its user, with Cognito's messages.
func (s *Server) accessTokenUser(now time.Time, token string) (*user, *apiError) {
	// Checked here too for the callers that take AccessToken as an
	// optional member (AssociateSoftwareToken, VerifySoftwareToken)
	// and so leave it out of their own checks.
	var v violations
	if checkTokenMember(&v, "accessToken", token); v != nil {
		return nil, v.err()
	}
	cl, err := s.verify(token, "access", now)
	switch {
	case errors.Is(err, ErrTokenExpired):
		return nil, errNotAuthorized("Access Token has expired")
	case errors.Is(err, ErrTokenRevoked):
		return nil, errNotAuthorized("Access Token has been revoked")
	case err != nil:
		return nil, errNotAuthorized("Invalid Access Token").because("%v", err)
	}
	// The user of the token's sub, not any user of its name: one added
	// again under the name, or the namesake on another server given the
	// same Key, is another user.
	s.mu.Lock()
	u := s.userLocked(cl.Username, cl.Subject)
	s.mu.Unlock()
	if u == nil {
		return nil, errNotAuthorized("User does not exist.")
	}
	return u, nil
}

// getUser serves GetUser: the user's attributes for its access token.
func (s *Server) getUser(c *call) (any, *apiError) {
	var in withAccessToken
	u, aerr := s.decodeForUser(c, &in, nil)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	pub := u.User.clone()
	s.mu.Unlock()
	attrs := make([]nameValue, 0, len(pub.Attributes))
	for k, v := range pub.Attributes {
		attrs = append(attrs, nameValue{k, v})
	}
	slices.SortFunc(attrs, func(a, b nameValue) int { return strings.Compare(a.Name, b.Name) })
	out := map[string]any{"Username": pub.Username, "UserAttributes": attrs}
	if list := mfaList(pub); len(list) > 0 {
		out["UserMFASettingList"] = list
		// Left out without a preference, as Cognito leaves it: a client
		// reads a member sent as "" as a preference named "".
		if pref := preferredMFA(pub, list); pref != "" {
			out["PreferredMfaSetting"] = pref
		}
	}
	return out, nil
}

// globalSignOut serves GlobalSignOut: every refresh token of the user is
// revoked, with the access tokens issued with them.
func (s *Server) globalSignOut(c *call) (any, *apiError) {
	var in withAccessToken
	u, aerr := s.decodeForUser(c, &in, nil)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revokeUserLocked(u.Username)
	return struct{}{}, nil
}
