// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// This file holds the second factors: SMS_MFA, EMAIL_OTP,
// SOFTWARE_TOKEN_MFA, the choice among them (SELECT_MFA_TYPE) and their
// setup (MFA_SETUP with AssociateSoftwareToken and VerifySoftwareToken).

// mfaList returns the user's second factors, in Cognito's names.
func mfaList(u User) []string {
	var l []string
	if u.SMSMFA {
		l = append(l, challengeSMSMFA)
	}
	if u.SoftwareTokenMFA || u.TOTPSecret != "" {
		l = append(l, challengeSoftwareTokenMFA)
	}
	if u.EmailOTP {
		l = append(l, challengeEmailOTP)
	}
	return l
}

// preferredMFA returns the factor a login uses without asking: the
// preferred one, or the only one.
func preferredMFA(u User, list []string) string {
	if slices.Contains(list, u.PreferredMFA) {
		return u.PreferredMFA
	}
	if len(list) == 1 {
		return list[0]
	}
	return ""
}

// mfaChallenge returns the second-factor challenge of a login, or nothing
// when the user has no second factor.
func (s *Server) mfaChallenge(c *call, sess *authSession, u User) (any, *apiError) {
	if u.MFASetup {
		return s.issue(c, sess, challengeMFASetup, map[string]string{"MFAS_CAN_SETUP": `["SOFTWARE_TOKEN_MFA"]`, "USER_ID_FOR_SRP": u.Username})
	}
	list := mfaList(u)
	if len(list) == 0 {
		return nil, nil
	}
	choice := preferredMFA(u, list)
	if choice == "" {
		can, _ := json.Marshal(list)
		return s.issue(c, sess, challengeSelectMFAType, map[string]string{"MFAS_CAN_CHOOSE": string(can), "USER_ID_FOR_SRP": u.Username})
	}
	return s.factorChallenge(c, sess, u, choice)
}

// factorChallenge sends the challenge of one factor, saying where the code
// went as Cognito does, with the destination masked. Like every challenge
// after the first factor it names the user by the internal name, which a
// client that logged in by alias needs for SECRET_HASH.
func (s *Server) factorChallenge(c *call, sess *authSession, u User, factor string) (any, *apiError) {
	params := map[string]string{"USER_ID_FOR_SRP": u.Username}
	switch factor {
	case challengeSMSMFA:
		phone := u.Attributes["phone_number"]
		if phone == "" {
			return nil, errNoMFAMethod().because("the user has SMS MFA but no phone_number attribute")
		}
		params["CODE_DELIVERY_DELIVERY_MEDIUM"] = "SMS"
		params["CODE_DELIVERY_DESTINATION"] = maskPhone(phone)
	case challengeEmailOTP:
		params["CODE_DELIVERY_DELIVERY_MEDIUM"] = "EMAIL"
		params["CODE_DELIVERY_DESTINATION"] = maskEmail(u.Attributes["email"])
	case challengeSoftwareTokenMFA:
		params["FRIENDLY_DEVICE_NAME"] = s.totpName(u)
	}
	return s.issue(c, sess, factor, params)
}

// defaultTOTPName names a software token in the SOFTWARE_TOKEN_MFA
// challenge when none was given. Assumption: what Cognito sends for a
// token verified without FriendlyDeviceName is not known.
const defaultTOTPName = "TOTP device"

// totpName returns the name of the user's software token: the
// FriendlyDeviceName given when it was verified, which Cognito sends
// back as FRIENDLY_DEVICE_NAME when it asks for a code (AWS's iOS SDK,
// AWSCognitoIdentitySoftwareMfaSetupRequiredDetails: "The friendly
// device name that will be specified when this software mfa is
// requested"; its Android SDK shows it as the code's destination).
func (s *Server) totpName(u User) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if stored := s.userLocked(u.Username, u.Sub); stored != nil && stored.totpName != "" {
		return stored.totpName
	}
	return defaultTOTPName
}

// answerMFA checks the code of a factor. A wrong code leaves the session
// usable for a few more tries.
func (s *Server) answerMFA(c *call, sess *authSession, factor string, r map[string]string) (any, *apiError) {
	// SMS_MFA_CODE, EMAIL_OTP_CODE or SOFTWARE_TOKEN_MFA_CODE.
	key := factor + "_CODE"
	code := r[key]
	if code == "" {
		return nil, errMissing(key)
	}
	u := s.user(sess.username, sess.sub)
	step, ok := codeValid(u, factor, code, c.now)
	if !ok {
		s.giveBack(sess)
		aerr := errCodeMismatch(factor)
		if factor == challengeSoftwareTokenMFA && u.TOTPSecret != "" && s.clockMoved() && totpOnMachineClock(u.TOTPSecret, code) {
			// The client's TOTP is on the machine's clock, and
			// sees only "Invalid code received for user".
			aerr = aerr.because("the code of the machine's clock, not of the server's, which SetClock, Advance or Config.Now moved: " +
				"give the client's cognitosrp.TOTP the server's clock, as TOTP.Now = srv.Now")
		}
		return nil, aerr
	}
	if step != nil && !s.spendTOTP(sess, *step, c.now) {
		s.giveBack(sess)
		// The client's message names no one: tests that share a TOTP
		// user and log in at once meet it at random.
		return nil, errCodeUsed().because("user %q's code of this 30-second step was taken before, by a login or the VerifySoftwareToken "+
			"that set the token up: tests that log one TOTP user in at once need a user each, or MFACode, which is taken any number of times", u.Username)
	}
	sess.mfaDone = true
	return s.nextStep(c, sess)
}

// totpOnMachineClock reports whether code is the secret's code of the
// machine's clock (a step either side).
func totpOnMachineClock(secret, code string) bool {
	_, ok := totpValid(secret, code, time.Now())
	return ok
}

// codeValid accepts the user's known code, and for TOTP the RFC 6238 code
// of the time step before, at or after now, whose step it returns too.
// The known code (MFACode) is a test's, accepted any number of times.
func codeValid(u User, factor, code string, now time.Time) (totpStep *int64, ok bool) {
	known := u.MFACode
	if known == "" {
		known = DefaultMFACode
	}
	if subtle.ConstantTimeCompare([]byte(code), []byte(known)) == 1 {
		return nil, true
	}
	if factor == challengeSoftwareTokenMFA && u.TOTPSecret != "" {
		if step, ok := totpValid(u.TOTPSecret, code, now); ok {
			return &step, true
		}
	}
	return nil, false
}

// spendTOTP records the login's TOTP code as used, and reports whether it
// was unused.
func (s *Server) spendTOTP(sess *authSession, step int64, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userLocked(sess.username, sess.sub)
	return u == nil || u.spendTOTPLocked(step, now)
}

// answerSelectMFA sends the challenge of the factor the user chose.
func (s *Server) answerSelectMFA(c *call, sess *authSession, answer string) (any, *apiError) {
	u := s.user(sess.username, sess.sub)
	if !slices.Contains(mfaList(u), answer) {
		return nil, errInvalidParameter("Invalid ANSWER %q for SELECT_MFA_TYPE", answer)
	}
	return s.factorChallenge(c, sess, u, answer)
}

// answerMFASetup finishes MFA_SETUP once VerifySoftwareToken accepted a
// code: the user now has TOTP with the new secret.
func (s *Server) answerMFASetup(c *call, sess *authSession) (any, *apiError) {
	if !sess.totpVerified {
		return nil, errInvalidParameter("Software token MFA has not been verified; call AssociateSoftwareToken and VerifySoftwareToken with the Session first")
	}
	s.mu.Lock()
	// The user the login began with, not another added under its name.
	u := s.userLocked(sess.username, sess.sub)
	if u != nil {
		u.MFASetup, u.SoftwareTokenMFA, u.TOTPSecret = false, true, sess.totpSecret
		u.totpName, u.usedTOTPSteps = sess.totpName, []int64{sess.totpStep}
	}
	s.mu.Unlock()
	if u == nil {
		return nil, errNotAuthorized("User does not exist.")
	}
	sess.mfaDone = true
	return s.nextStep(c, sess)
}

// associateSoftwareToken serves AssociateSoftwareToken: a new TOTP secret,
// for the login waiting in MFA_SETUP (Session) or a signed-in user
// (AccessToken).
func (s *Server) associateSoftwareToken(c *call) (any, *apiError) {
	var in struct{ AccessToken, Session string }
	if aerr := c.decode(&in); aerr != nil {
		return nil, aerr
	}
	var v violations
	checkOptionalTokenMember(&v, "accessToken", in.AccessToken)
	checkSession(&v, in.Session)
	if aerr := v.err(); aerr != nil {
		return nil, aerr
	}
	secret, err := s.randomBytes(20)
	if err != nil {
		return nil, errInternal("random source failed")
	}
	code := totpEncoding.EncodeToString(secret)
	if in.Session != "" {
		sess, aerr := s.takeMFASetup(c.now, in.Session)
		if aerr != nil {
			return nil, aerr
		}
		sess.totpSecret, sess.totpVerified = code, false
		next := sess.next(challengeMFASetup)
		if aerr := s.putSession(c.now, next); aerr != nil {
			return nil, aerr
		}
		return map[string]string{"SecretCode": code, "Session": next.id}, nil
	}
	u, aerr := s.accessTokenUser(c.now, in.AccessToken)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	s.pendingTOTP[fold(u.Username)] = code
	s.mu.Unlock()
	return map[string]string{"SecretCode": code}, nil
}

// verifySoftwareToken serves VerifySoftwareToken: a code of the new secret
// proves the authenticator app has it. With a Session it ends MFA_SETUP's
// setup; with an access token it marks the token verified, which
// SetUserMFAPreference then turns on.
func (s *Server) verifySoftwareToken(c *call) (any, *apiError) {
	var in struct{ AccessToken, Session, UserCode, FriendlyDeviceName string }
	if aerr := c.decode(&in); aerr != nil {
		return nil, aerr
	}
	var v violations
	checkOptionalTokenMember(&v, "accessToken", in.AccessToken)
	checkSession(&v, in.Session)
	if in.UserCode == "" {
		v.add("userCode", nil, mustNotBeNull)
	}
	if aerr := v.err(); aerr != nil {
		return nil, aerr
	}
	// Cognito's words (aws-amplify-auth-starters issue 15).
	mismatch := newError(http.StatusBadRequest, "EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
	if in.Session != "" {
		sess, aerr := s.takeMFASetup(c.now, in.Session)
		if aerr != nil {
			return nil, aerr
		}
		step, ok := totpValid(sess.totpSecret, in.UserCode, c.now)
		if sess.totpSecret == "" || !ok {
			s.giveBack(sess)
			return nil, mismatch
		}
		sess.totpVerified, sess.totpName, sess.totpStep = true, in.FriendlyDeviceName, step
		next := sess.next(challengeMFASetup) // carries the verified secret
		if aerr := s.putSession(c.now, next); aerr != nil {
			return nil, aerr
		}
		return map[string]string{"Status": "SUCCESS", "Session": next.id}, nil
	}
	u, aerr := s.accessTokenUser(c.now, in.AccessToken)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	secret := s.pendingTOTP[fold(u.Username)]
	step, ok := totpValid(secret, in.UserCode, c.now)
	if secret == "" || !ok {
		return nil, mismatch
	}
	delete(s.pendingTOTP, fold(u.Username))
	// The code that verified the token is used: the next login needs the
	// next one.
	u.totpName, u.usedTOTPSteps = in.FriendlyDeviceName, []int64{step}
	// Verified is not turned on: Cognito's TOTP guide has the user verify
	// the token, then turn TOTP MFA on with SetUserMFAPreference. Until
	// then the secret waits where SetUserMFAPreference turns it on from.
	// A token that replaces one in use stays in use (Cognito
	// disassociates the old token when it verifies a new one), and so
	// does one of a user who must set MFA up (MFASetup: a pool that
	// requires MFA, where a verified token is the factor the next login
	// asks for, as after MFA_SETUP; moto PR 8049 reads AWS so).
	switch {
	case u.SoftwareTokenMFA || u.TOTPSecret != "" || u.MFASetup:
		u.SoftwareTokenMFA, u.TOTPSecret, u.MFASetup = true, secret, false
	default:
		u.offTOTP = &secret
	}
	return map[string]string{"Status": "SUCCESS"}, nil
}

// takeMFASetup takes the session of a login waiting in MFA_SETUP.
func (s *Server) takeMFASetup(now time.Time, id string) (*authSession, *apiError) {
	sess, aerr := s.takeSession(now, id, "")
	if aerr != nil {
		return nil, aerr
	}
	if sess.challenge != challengeMFASetup {
		return nil, errBadSession().because("the session waits for %s, not MFA_SETUP", sess.challenge)
	}
	return sess, nil
}

// maskPhone shows the last four digits: "+*******1234". It counts runes,
// as maskEmail does: the attribute is whatever AddUser or a client's new
// password answer set, and its last four bytes may end inside a letter.
func maskPhone(p string) string {
	r := []rune(p)
	if len(r) <= 5 {
		return strings.Repeat("*", len(r))
	}
	return "+" + strings.Repeat("*", len(r)-5) + string(r[len(r)-4:])
}

// maskEmail shows the first letters of the name and domain: "a***@e***".
// A letter is a whole rune: the first byte of "é" alone is not UTF-8, and
// the JSON response would carry U+FFFD in its place.
func maskEmail(e string) string {
	name, domain, ok := strings.Cut(e, "@")
	if !ok || name == "" || domain == "" {
		return "***"
	}
	_, n := utf8.DecodeRuneInString(name)
	_, d := utf8.DecodeRuneInString(domain)
	return name[:n] + "***@" + domain[:d] + "***"
}
