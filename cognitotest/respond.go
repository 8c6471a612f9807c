// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gocognito/cognitosrp"
)

// respondToAuthChallenge serves RespondToAuthChallenge.
func (s *Server) respondToAuthChallenge(c *call) (any, *apiError) {
	var in struct {
		withClient
		ChallengeName      string
		ChallengeResponses map[string]string
		Session            string
	}
	// A name outside the model's enum fails the protocol's validation,
	// before the service reads the request: it uses up no Session, and
	// comes before the client id is looked up.
	client, aerr := s.decodeForClient(c, &in, func(v *violations) {
		switch {
		case in.ChallengeName == "":
			v.add("challengeName", nil, mustNotBeNull)
		case !slices.Contains(strings.Split(challengeNameSet, ", "), in.ChallengeName):
			v.add("challengeName", &in.ChallengeName, "Member must satisfy enum value set: ["+challengeNameSet+"]")
		}
		checkSession(v, in.Session)
	})
	if aerr != nil {
		return nil, aerr
	}
	r := in.ChallengeResponses
	if r == nil {
		r = map[string]string{}
	}
	name := r["USERNAME"]
	if name == "" {
		return nil, errMissing("USERNAME")
	}
	block := ""
	if in.ChallengeName == challengePasswordVerifier {
		block = r["PASSWORD_CLAIM_SECRET_BLOCK"]
	}
	sess, aerr := s.takeSession(c.now, in.Session, block)
	if aerr != nil {
		return nil, aerr
	}
	if sess.challenge != in.ChallengeName {
		return nil, errInvalidParameter("Invalid challenge name %s for this session", in.ChallengeName).because("the session waits for %s", sess.challenge)
	}
	internal := name
	if !sess.fake {
		internal = sess.username
		if u := s.lookupLogin(name); u == nil || fold(u.Username) != fold(sess.username) {
			return nil, errWrongPassword().because("USERNAME %q is not the user of the session", name)
		}
	}
	// After InitiateAuth, SECRET_HASH must use the internal username.
	if aerr := client.checkSecretHash(r["SECRET_HASH"], internal); aerr != nil {
		return nil, aerr
	}
	switch in.ChallengeName {
	case challengePasswordVerifier:
		if aerr := s.verifyClaim(c, sess, r); aerr != nil {
			return nil, aerr
		}
		if k, ok := r["DEVICE_KEY"]; ok {
			sess.deviceKey = k // a client that drops a forgotten device sends null
		}
		if s.cfg.DeviceTracking && sess.deviceKey != "" {
			if _, ok := s.userDevice(sess.deviceKey, sess.username); !ok {
				// Cognito keeps the session, so that the client can send
				// the same answer again without the device, as the
				// official JavaScript client does.
				retry := *sess
				retry.deviceKey = ""
				s.restoreSession(&retry)
				return nil, errNoDevice()
			}
		}
		return s.nextStep(c, sess)
	case challengeNewPassword:
		return s.answerNewPassword(c, sess, r)
	case challengeCustom:
		if subtle.ConstantTimeCompare([]byte(r["ANSWER"]), []byte(s.user(sess.username, sess.sub).CustomAnswer)) != 1 {
			return nil, errWrongPassword().because("wrong ANSWER to CUSTOM_CHALLENGE")
		}
		// The official JavaScript client names its remembered device here
		// only: initiateAuth (CUSTOM_AUTH without SRP) sends no DEVICE_KEY.
		if k := r["DEVICE_KEY"]; k != "" {
			sess.deviceKey = k
		}
		sess.customDone = true
		return s.nextStep(c, sess)
	case challengeSelectChallenge:
		switch r["ANSWER"] {
		case challengePasswordSRP:
			if r["SRP_A"] == "" {
				return nil, errMissing("SRP_A")
			}
			return s.passwordVerifierChallenge(c, sess, name, r["SRP_A"])
		case challengePassword:
			if r["PASSWORD"] == "" {
				return nil, errMissing("PASSWORD")
			}
			return s.checkPlainPassword(c, sess, r["PASSWORD"])
		}
		return nil, errInvalidParameter("Invalid ANSWER %q for SELECT_CHALLENGE", r["ANSWER"])
	case challengeSMSMFA, challengeEmailOTP, challengeSoftwareTokenMFA:
		return s.answerMFA(c, sess, in.ChallengeName, r)
	case challengeSelectMFAType:
		return s.answerSelectMFA(c, sess, r["ANSWER"])
	case challengeMFASetup:
		return s.answerMFASetup(c, sess)
	case challengeDeviceSRPAuth:
		return s.answerDeviceSRPAuth(c, sess, r)
	case challengeDevicePasswordVerifier:
		if aerr := s.verifyClaim(c, sess, r); aerr != nil {
			return nil, aerr
		}
		// The session holds a copy of the verifier: a device forgotten,
		// or no longer remembered, since DEVICE_SRP_AUTH must not stand
		// in for the second factor.
		d, ok := s.userDevice(sess.deviceKey, sess.username)
		if !ok {
			return nil, errNoDevice()
		}
		sess.deviceDone, sess.deviceTracked = d.remembered, !d.remembered
		return s.nextStep(c, sess)
	}
	return nil, errInvalidParameter("Unsupported challenge %s", in.ChallengeName)
}

// verifyClaim checks the answer to PASSWORD_VERIFIER or
// DEVICE_PASSWORD_VERIFIER: the echoed secret block, the TIMESTAMP and the
// signature, which proves the client knows the password.
func (s *Server) verifyClaim(c *call, sess *authSession, r map[string]string) *apiError {
	for _, k := range []string{"PASSWORD_CLAIM_SIGNATURE", "PASSWORD_CLAIM_SECRET_BLOCK", "TIMESTAMP"} {
		if r[k] == "" {
			return errMissing(k)
		}
	}
	if subtle.ConstantTimeCompare([]byte(r["PASSWORD_CLAIM_SECRET_BLOCK"]), []byte(sess.secretBlock)) != 1 {
		return errWrongPassword().because("PASSWORD_CLAIM_SECRET_BLOCK is not the SECRET_BLOCK sent")
	}
	t, err := time.Parse(cognitosrp.TimestampLayout, r["TIMESTAMP"])
	if err != nil {
		return errInvalidParameter("TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.")
	}
	if skew := c.now.Sub(t); skew > MaxClockSkew || skew < -MaxClockSkew {
		return errWrongPassword().because("TIMESTAMP is %v away from the server's clock%s", skew.Round(time.Second), s.movedClockHint())
	}
	sig, err := base64.StdEncoding.DecodeString(r["PASSWORD_CLAIM_SIGNATURE"])
	if err != nil {
		return errWrongPassword().because("PASSWORD_CLAIM_SIGNATURE is not base64")
	}
	if sess.fake {
		return errWrongPassword().because("unknown user")
	}
	block, _ := base64.StdEncoding.DecodeString(sess.secretBlock)
	key, err := s.group.sessionKey(sess.srp)
	if err != nil {
		return errWrongPassword().because("%v", err)
	}
	// The server signs its own rendering of the time: a client whose text
	// differs (a zero-padded day, a 12-hour clock) fails like Cognito's.
	canonical := cognitosrp.Timestamp(t)
	if !claimValid(key, sess.srp, block, canonical, sig) {
		why := "signature does not verify: wrong password, user id or pool name"
		if canonical != r["TIMESTAMP"] {
			why = "signature does not verify; TIMESTAMP " + r["TIMESTAMP"] + " is not in the canonical form " + canonical
		}
		return errWrongPassword().because("%s", why)
	}
	return nil
}

// nextStep decides what follows a passed step of a login: a refusal for a
// user who may not log in, device SRP, a new password, a custom challenge,
// a second factor, or the tokens.
func (s *Server) nextStep(c *call, sess *authSession) (any, *apiError) {
	if sess.fake {
		return nil, errWrongPassword().because("unknown user")
	}
	u := s.user(sess.username, sess.sub)
	switch {
	case u.Username == "":
		return nil, errNotAuthorized("User does not exist.")
	case u.Disabled:
		return nil, errNotAuthorized("User is disabled.")
	case u.Unconfirmed:
		return nil, newError(http.StatusBadRequest, "UserNotConfirmedException", "User is not confirmed.")
	case u.ResetRequired:
		return nil, newError(http.StatusBadRequest, "PasswordResetRequiredException", "Password reset required for the user")
	}
	// CUSTOM_AUTH proves the device once its custom challenges are
	// passed, as Cognito does (the official JavaScript client answers
	// DEVICE_SRP_AUTH after CUSTOM_CHALLENGE); a login that skipped it
	// would get a new device every time.
	if s.cfg.DeviceTracking && sess.deviceKey != "" && !sess.deviceDone && !sess.deviceTracked && (sess.flow != flowCustom || sess.customDone) {
		if out, aerr := s.deviceStep(c, sess); out != nil || aerr != nil {
			return out, aerr
		}
	}
	if u.ForceNewPassword && !sess.passwordDone {
		return s.newPasswordChallenge(c, sess, u)
	}
	if sess.flow == flowCustom {
		if !sess.customDone {
			return s.customChallenge(c, sess, u)
		}
		return s.completeLogin(c, sess)
	}
	// A remembered device stands in for the second factor.
	if !sess.mfaDone && !sess.deviceDone {
		if out, aerr := s.mfaChallenge(c, sess, u); out != nil || aerr != nil {
			return out, aerr
		}
	}
	return s.completeLogin(c, sess)
}

// issue stores the session of the next challenge and returns it.
func (s *Server) issue(c *call, sess *authSession, challenge string, params map[string]string) (any, *apiError) {
	next := sess.next(challenge)
	if aerr := s.putSession(c.now, next); aerr != nil {
		return nil, aerr
	}
	return &cognitosrp.AuthOutput{ChallengeName: challenge, ChallengeParameters: params, Session: next.id}, nil
}

// newPasswordChallenge asks for a new password, with the user's attributes
// and the required ones as JSON strings, as Cognito sends them.
func (s *Server) newPasswordChallenge(c *call, sess *authSession, u User) (any, *apiError) {
	attrs := map[string]string{}
	for k, v := range u.Attributes {
		if k != "sub" {
			attrs[k] = v
		}
	}
	required := []string{}
	for _, a := range u.RequiredAttributes {
		required = append(required, "userAttributes."+a)
	}
	ua, _ := json.Marshal(attrs)
	ra, _ := json.Marshal(required)
	return s.issue(c, sess, challengeNewPassword, map[string]string{
		"USER_ID_FOR_SRP":    u.Username,
		"userAttributes":     string(ua),
		"requiredAttributes": string(ra),
	})
}

// answerNewPassword sets the new password and the attributes given with
// it, then continues the login.
func (s *Server) answerNewPassword(c *call, sess *authSession, r map[string]string) (any, *apiError) {
	pw := r["NEW_PASSWORD"]
	if pw == "" {
		return nil, errMissing("NEW_PASSWORD")
	}
	if aerr := checkPasswordPolicy(pw); aerr != nil {
		return nil, aerr
	}
	u := s.user(sess.username, sess.sub)
	for _, a := range u.RequiredAttributes {
		if r["userAttributes."+a] == "" {
			return nil, errInvalidParameter("Invalid attributes given, %s is missing", a)
		}
	}
	// Cognito refuses the verified flags, even sent back unchanged as the
	// challenge listed them: "Cannot modify the non-mutable attribute
	// email_verified" (aws-sdk-ios issue 2203); the README of
	// amazon-cognito-identity-js deletes email_verified before answering
	// (its pull request 232). phone_number_verified likewise (ember-cognito
	// pull request 87), in words assumed to be the same.
	for _, a := range []string{"email_verified", "phone_number_verified"} {
		if _, ok := r["userAttributes."+a]; ok {
			return nil, errInvalidParameter("Cannot modify the non-mutable attribute %s", a)
		}
	}
	// Cognito refuses an answer that sends an e-mail address to a user who
	// has one, even the same one: the pattern of amazon-cognito-identity-js's
	// README (send the challenge's userAttributes back without
	// email_verified) fails so since 2022 (aws-saas-factory-bootcamp
	// issue 67). Assumption: phone_number and other attributes the user
	// has are taken, as no report says otherwise.
	if _, ok := r["userAttributes.email"]; ok && u.Attributes["email"] != "" {
		return nil, errNotAuthorized("Cannot modify an already provided email")
	}
	tmp := &user{User: User{Username: u.Username}}
	if err := s.setVerifier(tmp, pw); err != nil {
		return nil, errInternal(err.Error())
	}
	s.mu.Lock()
	// The user the login began with: another added again under its name
	// since must not get this login's password.
	stored := s.userLocked(sess.username, sess.sub)
	if stored != nil {
		stored.salt, stored.v, stored.Password = tmp.salt, tmp.v, pw
		stored.ForceNewPassword = false
		for k, v := range r {
			if name, ok := strings.CutPrefix(k, "userAttributes."); ok && name != "sub" {
				stored.Attributes[name] = v
			}
		}
	}
	s.mu.Unlock()
	if stored == nil {
		return nil, errNotAuthorized("User does not exist.")
	}
	sess.passwordDone = true
	return s.nextStep(c, sess)
}

// customChallenge sends the user's CUSTOM_CHALLENGE.
func (s *Server) customChallenge(c *call, sess *authSession, u User) (any, *apiError) {
	params := map[string]string{"USERNAME": u.Username}
	for k, v := range u.CustomChallenge {
		params[k] = v
	}
	return s.issue(c, sess, challengeCustom, params)
}
