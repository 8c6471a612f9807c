// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"crypto/subtle"
	"math/big"

	"github.com/gocognito/cognitosrp"
)

// Auth flows of InitiateAuth.
const (
	flowUserSRP      = "USER_SRP_AUTH"
	flowRefreshToken = "REFRESH_TOKEN_AUTH"
	flowCustom       = "CUSTOM_AUTH"
	flowUserPassword = "USER_PASSWORD_AUTH"
	flowUserAuth     = "USER_AUTH"
)

// Challenge names.
const (
	challengePasswordVerifier       = "PASSWORD_VERIFIER"
	challengeNewPassword            = "NEW_PASSWORD_REQUIRED"
	challengeSMSMFA                 = "SMS_MFA"
	challengeEmailOTP               = "EMAIL_OTP"
	challengeSoftwareTokenMFA       = "SOFTWARE_TOKEN_MFA"
	challengeSelectMFAType          = "SELECT_MFA_TYPE"
	challengeMFASetup               = "MFA_SETUP"
	challengeCustom                 = "CUSTOM_CHALLENGE"
	challengeSelectChallenge        = "SELECT_CHALLENGE"
	challengeDeviceSRPAuth          = "DEVICE_SRP_AUTH"
	challengeDevicePasswordVerifier = "DEVICE_PASSWORD_VERIFIER"
	challengePassword               = "PASSWORD"
	challengePasswordSRP            = "PASSWORD_SRP"
)

// challengeNameSet is ChallengeNameType, the enum of RespondToAuthChallenge's
// ChallengeName, in the order of Cognito's model (aws-sdk-go-v2's
// types.ChallengeNameType); the order Cognito's own message lists it in is
// not known. It holds names the emulator does not serve (SMS_OTP,
// WEB_AUTHN, ADMIN_NO_SRP_AUTH): those pass the validation and are refused
// as answers to a challenge the Session does not wait for.
const challengeNameSet = "SMS_MFA, EMAIL_OTP, SOFTWARE_TOKEN_MFA, SELECT_MFA_TYPE, MFA_SETUP, PASSWORD_VERIFIER, " +
	"CUSTOM_CHALLENGE, SELECT_CHALLENGE, DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER, ADMIN_NO_SRP_AUTH, " +
	"NEW_PASSWORD_REQUIRED, SMS_OTP, PASSWORD, WEB_AUTHN, PASSWORD_SRP"

// initiateAuth serves InitiateAuth.
func (s *Server) initiateAuth(c *call) (any, *apiError) {
	var in struct {
		withClient
		AuthFlow       string
		AuthParameters map[string]string
	}
	client, aerr := s.decodeForClient(c, &in, func(v *violations) {
		switch in.AuthFlow {
		case "":
			v.add("authFlow", nil, mustNotBeNull)
		case flowUserSRP, flowRefreshToken, "REFRESH_TOKEN", flowCustom, "ADMIN_NO_SRP_AUTH", flowUserPassword, "ADMIN_USER_PASSWORD_AUTH", flowUserAuth:
		default:
			// The set in the order of Cognito's model; the order Cognito's
			// own message lists it in is not known.
			v.add("authFlow", &in.AuthFlow, "Member must satisfy enum value set: "+
				"[USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_AUTH]")
		}
	})
	if aerr != nil {
		return nil, aerr
	}
	p := in.AuthParameters
	if p == nil {
		p = map[string]string{}
	}
	switch in.AuthFlow {
	case flowUserSRP:
		if aerr := client.allow(AllowUserSRPAuth, in.AuthFlow); aerr != nil {
			return nil, aerr
		}
		return s.startLogin(c, client, in.AuthFlow, p, challengePasswordSRP)
	case flowRefreshToken, "REFRESH_TOKEN":
		if aerr := client.allow(AllowRefreshTokenAuth, in.AuthFlow); aerr != nil {
			return nil, aerr
		}
		return s.refreshTokenAuth(c, client, p)
	case flowCustom:
		if aerr := client.allow(AllowCustomAuth, in.AuthFlow); aerr != nil {
			return nil, aerr
		}
		return s.startLogin(c, client, in.AuthFlow, p, challengeCustom)
	case flowUserPassword:
		if aerr := client.allow(AllowUserPasswordAuth, in.AuthFlow); aerr != nil {
			return nil, aerr
		}
		return s.startLogin(c, client, in.AuthFlow, p, challengePassword)
	case flowUserAuth:
		if aerr := client.allow(AllowUserAuth, in.AuthFlow); aerr != nil {
			return nil, aerr
		}
		return s.startLogin(c, client, in.AuthFlow, p, p["PREFERRED_CHALLENGE"])
	}
	// ADMIN_NO_SRP_AUTH and ADMIN_USER_PASSWORD_AUTH, the enum's others:
	// with the full stop, as Cognito words it (aws-doc-sdk-examples issue
	// 5289, soto-cognito-authentication-kit issue 10).
	return nil, errInvalidParameter("Initiate Auth method not supported.")
}

// startLogin begins a login of the user named by USERNAME. method says how
// the first factor goes: PASSWORD_SRP (SRP_A), PASSWORD (PASSWORD in clear),
// CUSTOM_CHALLENGE (SRP first if CHALLENGE_NAME is SRP_A), or "" to let
// the client choose (USER_AUTH).
func (s *Server) startLogin(c *call, client *appClient, flow string, p map[string]string, method string) (any, *apiError) {
	name := p["USERNAME"]
	if name == "" {
		return nil, errMissing("USERNAME")
	}
	// CUSTOM_AUTH runs SRP first when the client names it: an SRP_A
	// alone leaves Cognito's flow at the custom challenge.
	if flow == flowCustom && p["CHALLENGE_NAME"] == "SRP_A" {
		method = challengePasswordSRP
	}
	switch method {
	case challengePasswordSRP:
		if p["SRP_A"] == "" {
			return nil, errMissing("SRP_A")
		}
	case challengePassword:
		if p["PASSWORD"] == "" {
			return nil, errMissing("PASSWORD")
		}
	case "":
	case challengeCustom:
		// CUSTOM_AUTH's own method, not a PREFERRED_CHALLENGE of
		// USER_AUTH: that would skip the first factor.
		if flow != flowCustom {
			return nil, errInvalidParameter("Unsupported PREFERRED_CHALLENGE %s", method)
		}
	default:
		return nil, errInvalidParameter("Unsupported PREFERRED_CHALLENGE %s", method)
	}
	// In InitiateAuth, SECRET_HASH uses the name the user typed.
	if aerr := client.checkSecretHash(p["SECRET_HASH"], name); aerr != nil {
		return nil, aerr
	}
	sess := &authSession{flow: flow, authTime: c.now, deviceKey: p["DEVICE_KEY"]}
	if u := s.lookupLogin(name); u != nil {
		sess.username, sess.sub = u.Username, u.Sub
	} else if !s.cfg.PreventUserExistenceErrors {
		return nil, errUserNotFound()
	} else {
		sess.fake = true
	}
	// A user without a custom challenge has no CUSTOM_AUTH, with SRP first
	// or not: its CUSTOM_CHALLENGE would take an empty ANSWER.
	if flow == flowCustom && !sess.fake && s.user(sess.username, sess.sub).CustomAnswer == "" {
		return nil, errNoCustomAuth()
	}
	switch method {
	case challengePasswordSRP:
		return s.passwordVerifierChallenge(c, sess, name, p["SRP_A"])
	case challengePassword:
		return s.checkPlainPassword(c, sess, p["PASSWORD"])
	case challengeCustom:
		if sess.fake {
			return nil, errNoCustomAuth()
		}
		return s.nextStep(c, sess)
	}
	return s.selectChallenge(c, sess)
}

// passwordVerifierChallenge starts the SRP exchange and sends
// PASSWORD_VERIFIER. For an unknown user hidden by
// PreventUserExistenceErrors it sends a challenge no password passes.
func (s *Server) passwordVerifierChallenge(c *call, sess *authSession, typed, srpA string) (any, *apiError) {
	x := &srpExchange{poolName: s.poolName}
	if sess.fake {
		b, err := s.randomBytes(32)
		if err != nil {
			return nil, errInternal("random source failed")
		}
		x.userID = typed
		x.salt = new(big.Int).SetBytes(b[:16])
		x.v = new(big.Int).Exp(s.group.g, new(big.Int).SetBytes(b[16:]), s.group.n)
	} else {
		// The user the login began with, by sub too: one deleted and
		// added again under its name is another user, whose salt and
		// verifier are not this login's.
		s.mu.Lock()
		u := s.userLocked(sess.username, sess.sub)
		if u != nil {
			x.userID, x.salt, x.v = u.Username, u.salt, u.v
		}
		s.mu.Unlock()
		if u == nil {
			return nil, errNotAuthorized("User does not exist.")
		}
	}
	return s.srpChallenge(c, sess, challengePasswordVerifier, srpA, x, map[string]string{
		"USERNAME":        x.userID,
		"USER_ID_FOR_SRP": x.userID,
	})
}

// srpChallenge reads the client's A into x, draws B and sends challenge
// (PASSWORD_VERIFIER or DEVICE_PASSWORD_VERIFIER) with params plus SALT,
// SECRET_BLOCK and SRP_B, keeping x in the session for the answer.
func (s *Server) srpChallenge(c *call, sess *authSession, challenge, srpA string, x *srpExchange, params map[string]string) (any, *apiError) {
	A, err := s.group.parseA(srpA)
	if err != nil {
		// Cognito refuses a malformed or zero A as a bad parameter.
		return nil, errInvalidParameter("Invalid SRP_A value.").because("%v", err)
	}
	x.bigA = A
	if err := s.group.start(s.random, x); err != nil {
		return nil, errInternal(err.Error())
	}
	block, aerr := s.randomString(64)
	if aerr != nil {
		return nil, aerr
	}
	next := sess.next(challenge)
	next.srp, next.secretBlock = x, block
	if aerr := s.putSession(c.now, next); aerr != nil {
		return nil, aerr
	}
	params["SALT"], params["SECRET_BLOCK"], params["SRP_B"] = x.salt.Text(16), block, x.bigB.Text(16)
	return &cognitosrp.AuthOutput{ChallengeName: challenge, ChallengeParameters: params, Session: next.id}, nil
}

// checkPlainPassword verifies a password sent in clear (USER_PASSWORD_AUTH,
// USER_AUTH with PASSWORD) against the stored one.
func (s *Server) checkPlainPassword(c *call, sess *authSession, password string) (any, *apiError) {
	if sess.fake {
		return nil, errWrongPassword().because("unknown user")
	}
	want := s.user(sess.username, sess.sub).Password
	if subtle.ConstantTimeCompare([]byte(password), []byte(want)) != 1 {
		return nil, errWrongPassword().because("wrong password")
	}
	return s.nextStep(c, sess)
}

// selectChallenge answers USER_AUTH without PREFERRED_CHALLENGE with the
// first factors the user may choose from.
func (s *Server) selectChallenge(c *call, sess *authSession) (any, *apiError) {
	sess = sess.next(challengeSelectChallenge)
	if aerr := s.putSession(c.now, sess); aerr != nil {
		return nil, aerr
	}
	return &cognitosrp.AuthOutput{
		AvailableChallenges: []string{challengePasswordSRP, challengePassword},
		ChallengeName:       challengeSelectChallenge,
		ChallengeParameters: map[string]string{},
		Session:             sess.id,
	}, nil
}

// user returns a snapshot of the user with internal name username and sub
// sub, or the zero User if it was deleted (and another user may have taken
// its name since).
func (s *Server) user(username, sub string) User {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.userLocked(username, sub); u != nil {
		return u.User.clone()
	}
	return User{}
}
