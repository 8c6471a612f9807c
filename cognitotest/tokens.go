// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"encoding/base64"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/gocognito/cognitosrp"
)

// grant is what a set of tokens stands for: one authentication of a user
// through an app client, possibly on a device. Renewals keep it.
type grant struct {
	username  string // internal username
	sub       string // the user's sub: one added again under the name is another user
	originJTI string // shared by every token of the authentication
	eventID   string
	authTime  time.Time
	deviceKey string // the device the refresh token is bound to
}

// refreshToken is an issued refresh token. Server.mu guards it.
type refreshToken struct {
	grant
	tok     string // its key in Server.refresh
	expires time.Time
	retired time.Time // rotated out: usable until then; zero if current
}

// refreshTokenHeader makes refresh tokens look like Cognito's, which are
// JWEs the client cannot read: a JOSE header and four opaque segments.
const refreshTokenHeader = "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ"

// newRefreshToken issues and stores a refresh token for g that expires at
// expires; now is the time of the request, for the sweep (the clock is not
// called under the lock).
func (s *Server) newRefreshToken(now, expires time.Time, g grant) (string, *apiError) {
	tok := refreshTokenHeader
	for _, n := range []int{256, 12, 64, 16} {
		b, err := s.randomBytes(n)
		if err != nil {
			return "", errInternal("random source failed")
		}
		tok += "." + base64.RawURLEncoding.EncodeToString(b)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Checked under the lock DeleteUser takes, where the token is stored:
	// a user deleted before is refused here, and one deleted after finds
	// the token to revoke. A check before storing it (mint's) would let a
	// deletion in between leave a live token for a user that is gone.
	if s.userLocked(g.username, g.sub) == nil {
		return "", errNotAuthorized("User does not exist.").because("user deleted while its tokens were issued")
	}
	// The device a login named, checked here for the same reason: one
	// forgotten before (while the MFA prompt was open, or in between)
	// would leave tokens bound to a device that is gone, which the
	// revocation ForgetDevice made does not reach; one forgotten after
	// finds this token to revoke. The login fails as the steps that look
	// the device up do, "Device does not exist."; that Cognito's last
	// step refuses it so is an inference from those steps, no report
	// showing it.
	if g.deviceKey != "" && s.devices[g.deviceKey] == nil {
		return "", errNoDevice().because("device %s forgotten while its tokens were issued", g.deviceKey)
	}
	rt := &refreshToken{grant: g, tok: tok, expires: expires}
	s.refresh[tok] = rt
	name := fold(g.username)
	s.userTokens[name] = append(s.userTokens[name], rt)
	if s.issued++; s.issued%64 == 0 {
		s.sweepRefreshLocked(now)
	}
	return tok, nil
}

// userLocked returns the user with internal name username and sub sub: the
// user a login began with or a grant was issued to. It is nil once that
// user is deleted, even if another user has taken its name since.
func (s *Server) userLocked(username, sub string) *user {
	if u := s.users[fold(username)]; u != nil && u.Sub == sub {
		return u
	}
	return nil
}

// sweepRefreshLocked forgets refresh tokens long expired, with the
// revocation of their login, so that a long-running emulator does not
// keep every token it ever issued. A token is kept for as long again as
// its lifetime after it expires, still refused as expired rather than
// unknown, and until the access and id tokens it could mint have expired
// too, which the revocation must refuse until then. Every refresh token of
// a login expires at once (rotation keeps the expiry), so none is left
// when the revocation goes.
func (s *Server) sweepRefreshLocked(now time.Time) {
	keep := s.cfg.RefreshTokenLifetime + max(s.cfg.AccessTokenLifetime, s.cfg.IDTokenLifetime)
	if keep < s.cfg.RefreshTokenLifetime {
		// The sum overflowed (a lifetime near math.MaxInt64, "for
		// ever"), and a negative keep swept every live token.
		keep = math.MaxInt64
	}
	gone := func(rt *refreshToken) bool { return now.Sub(rt.expires) > keep }
	for tok, rt := range s.refresh {
		if gone(rt) {
			delete(s.refresh, tok)
			delete(s.revoked, rt.originJTI)
		}
	}
	for name, rts := range s.userTokens {
		if rts = slices.DeleteFunc(rts, gone); len(rts) == 0 {
			delete(s.userTokens, name)
		} else {
			s.userTokens[name] = rts
		}
	}
}

// maxRetiredPerLogin bounds the rotated-out refresh tokens remembered of
// one login, past their grace period. All were kept until the sweep
// after the login's expiry, some 750 bytes each: a client renewing every
// few minutes through the 30 days of a login left thousands (about 7 MB
// a user a month). Remembered, a
// rotated-out token is refused as reused (RefreshTokenReuseException)
// and RevokeToken ends its login with it; forgotten, it is an unknown
// token ("Invalid Refresh Token.", and RevokeToken ignores it). What
// Cognito answers to one rotated out long before is not known; those a
// client may still hold, the last few and any in their grace period,
// keep Cognito's answer.
const maxRetiredPerLogin = 8

// dropRetiredLocked forgets the rotated-out refresh tokens of rt's login
// beyond the maxRetiredPerLogin retired last, once their grace period is
// over.
func (s *Server) dropRetiredLocked(now time.Time, rt *refreshToken) {
	name := fold(rt.username)
	rts := s.userTokens[name]
	n := 0
	for i := len(rts) - 1; i >= 0; i-- { // newest first: issued in order
		old := rts[i]
		if old.originJTI != rt.originJTI || old.retired.IsZero() {
			continue
		}
		if n++; n > maxRetiredPerLogin && !now.Before(old.retired) {
			delete(s.refresh, old.tok)
		}
	}
	s.userTokens[name] = slices.DeleteFunc(rts, func(old *refreshToken) bool { return s.refresh[old.tok] != old })
}

// mint signs a new access token and id token for g at now.
func (s *Server) mint(now time.Time, g grant) (*cognitosrp.AuthenticationResult, *apiError) {
	s.mu.Lock()
	u := s.userLocked(g.username, g.sub)
	var pub User
	if u != nil {
		pub = u.User.clone()
	}
	s.mu.Unlock()
	if u == nil {
		return nil, errNotAuthorized("User does not exist.")
	}
	iat := now.Unix()
	common := map[string]any{
		"sub":       pub.Sub,
		"iss":       s.Issuer(),
		"event_id":  g.eventID,
		"auth_time": g.authTime.Unix(),
		"iat":       iat,
	}
	if len(pub.Groups) > 0 {
		common["cognito:groups"] = pub.Groups
	}
	access := map[string]any{
		"client_id": s.client.id,
		"token_use": "access",
		"scope":     "aws.cognito.signin.user.admin",
		"exp":       iat + seconds(s.cfg.AccessTokenLifetime),
		"username":  pub.Username,
	}
	if g.deviceKey != "" {
		access["device_key"] = g.deviceKey
	}
	// The user's attributes first, the claims of the token over them: an
	// attribute named like a claim ("exp", "aud", "token_use"), which no
	// Cognito schema holds but AddUser and a NEW_PASSWORD_REQUIRED
	// answer's userAttributes.<name> take, must not replace the claim.
	id := make(map[string]any, len(pub.Attributes)+12)
	for name, v := range pub.Attributes {
		switch name {
		case "nbf", "jti", "origin_jti":
			// Claims the token sets only where it says (jti and
			// origin_jti with revocation on), or never (nbf, which
			// no Cognito token has): as a string, "nbf" makes a
			// verifier refuse the token.
			continue
		case "email_verified", "phone_number_verified":
			id[name] = v == "true"
		default:
			id[name] = v
		}
	}
	id["aud"] = s.client.id
	id["cognito:username"] = pub.Username
	id["token_use"] = "id"
	id["exp"] = iat + seconds(s.cfg.IDTokenLifetime)
	if !s.cfg.DisableTokenRevocation {
		// Cognito adds these claims only where revocation is on.
		common["origin_jti"] = g.originJTI
		access["jti"], id["jti"] = s.uuid(), s.uuid()
	}
	for k, v := range common {
		access[k], id[k] = v, v
	}
	at, err := s.sign(access)
	if err != nil {
		return nil, errInternal(fmt.Sprintf("signing: %v", err))
	}
	it, err := s.sign(id)
	if err != nil {
		return nil, errInternal(fmt.Sprintf("signing: %v", err))
	}
	return &cognitosrp.AuthenticationResult{
		AccessToken: at,
		IdToken:     it,
		ExpiresIn:   seconds(s.cfg.AccessTokenLifetime),
		TokenType:   "Bearer",
	}, nil
}

// seconds rounds a lifetime up to whole seconds, the unit of exp and
// ExpiresIn.
func seconds(d time.Duration) int64 { return int64((d + time.Second - 1) / time.Second) }

// completeLogin ends a successful login: it issues the tokens and a refresh
// token, and with device tracking a new device unless the login named a
// confirmed one.
func (s *Server) completeLogin(c *call, sess *authSession) (any, *apiError) {
	now := c.now
	// Not uuid(): revocation (RevokeToken, ForgetDevice) works on
	// origin_jti, and the nil UUID a failed draw gives would be shared by
	// every login that met one, so that revoking one revoked them all.
	origin, err := s.newUUID()
	if err != nil {
		return nil, errInternal("random source failed")
	}
	g := grant{
		username:  sess.username,
		sub:       sess.sub,
		originJTI: origin,
		eventID:   s.uuid(),
		authTime:  sess.authTime,
	}
	if s.cfg.DisableTokenRevocation {
		// The tokens carry no origin_jti then: their event_id, one a login
		// too, names the login for the revocations that remain (verify).
		g.eventID = origin
	}
	var meta *cognitosrp.NewDeviceMetadata
	if s.cfg.DeviceTracking {
		if sess.deviceDone || sess.deviceTracked {
			// A device forgotten since the login named it is refused
			// where the refresh token is stored (newRefreshToken).
			g.deviceKey = sess.deviceKey
			s.deviceUsed(sess.deviceKey, now, c.ip)
		} else {
			d, aerr := s.newDevice(now, c.ip, sess.username, sess.sub)
			if aerr != nil {
				return nil, aerr
			}
			g.deviceKey = d.key
			meta = &cognitosrp.NewDeviceMetadata{DeviceKey: d.key, DeviceGroupKey: d.groupKey}
		}
	}
	res, aerr := s.mint(now, g)
	if aerr != nil {
		return nil, aerr
	}
	if res.RefreshToken, aerr = s.newRefreshToken(now, now.Add(s.cfg.RefreshTokenLifetime), g); aerr != nil {
		return nil, aerr
	}
	res.NewDeviceMetadata = meta
	return &cognitosrp.AuthOutput{AuthenticationResult: res, ChallengeParameters: map[string]string{}}, nil
}

// IssueTokens logs username in without a password, as if it had passed
// every challenge, and returns its tokens. Tests of a resource server use
// it to get a valid token quickly. It does not look at the user's state:
// a Disabled, Unconfirmed or ResetRequired user gets tokens too, which
// Cognito never issues to one, so that a test can hold tokens issued
// before that state; a login through the API refuses such a user.
func (s *Server) IssueTokens(username string) (*cognitosrp.AuthenticationResult, error) {
	u := s.lookupLogin(username)
	if u == nil {
		return nil, noSuchUser(username)
	}
	now := s.now()
	out, aerr := s.completeLogin(&call{now: now}, &authSession{username: u.Username, sub: u.Sub, authTime: now})
	if aerr != nil {
		return nil, aerr
	}
	return out.(*cognitosrp.AuthOutput).AuthenticationResult, nil
}

// revokeUserLocked revokes every refresh token of a user and the access
// tokens issued with them, as GlobalSignOut does.
func (s *Server) revokeUserLocked(username string) {
	for _, rt := range s.userTokens[fold(username)] {
		s.revoked[rt.originJTI] = true
	}
}

// SignOut revokes all of a user's refresh and access tokens, as an
// administrator's global sign-out does.
func (s *Server) SignOut(username string) error {
	u := s.lookupLogin(username)
	if u == nil {
		return noSuchUser(username)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revokeUserLocked(u.Username)
	return nil
}
