// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"time"
)

// authSession is the server's state between a challenge and its answer. A
// Session string names it; it serves one answer and expires.
type authSession struct {
	id        string
	challenge string    // the ChallengeName it waits for
	expires   time.Time // Session lifetime
	username  string    // internal username; "" for an unknown user
	sub       string    // the user's sub, for completeLogin's grant
	flow      string    // the AuthFlow of InitiateAuth
	fake      bool      // an unknown user hidden by PreventUserExistenceErrors
	authTime  time.Time // when the login started

	srp         *srpExchange // PASSWORD_VERIFIER, DEVICE_PASSWORD_VERIFIER
	secretBlock string       // SECRET_BLOCK sent with the SRP challenge

	deviceKey     string // DEVICE_KEY the client sent, if any
	deviceDone    bool   // device SRP succeeded: skip MFA, no new device
	deviceTracked bool   // the device is confirmed, not remembered: MFA, no new device
	passwordDone  bool   // NEW_PASSWORD_REQUIRED answered
	customDone    bool   // CUSTOM_CHALLENGE answered
	mfaDone       bool   // a second factor answered
	totpSecret    string // secret handed out by AssociateSoftwareToken
	totpVerified  bool   // VerifySoftwareToken accepted a code
	totpName      string // the FriendlyDeviceName it was given
	totpStep      int64  // the time step of the code it accepted
	wrongAttempts int    // wrong codes so far
}

// maxWrongCodes is how many wrong codes spend a challenge Session: it
// survives one fewer.
const maxWrongCodes = 3

// next returns a session that carries the login's state on to the next
// challenge; the caller stores it with putSession.
func (a *authSession) next(challenge string) *authSession {
	n := *a
	n.challenge = challenge
	n.srp, n.secretBlock, n.wrongAttempts = nil, "", 0
	return &n
}

// checkSession checks a Session member as the AWS protocol layer checks
// Cognito's SessionType (botocore's cognito-idp service-2.json: length 20
// to 2048, no pattern, sensitive: no value quoted, an inference, see
// addSensitive). "" is a member left
// out, which RespondToAuthChallenge, AssociateSoftwareToken and
// VerifySoftwareToken all allow.
func checkSession(v *violations, session string) {
	switch n := len(session); {
	case n == 0:
	case n < 20:
		v.addSensitive("session", "Member must have length greater than or equal to 20")
	case n > 2048:
		v.addSensitive("session", "Member must have length less than or equal to 2048")
	}
}

// putSession gives sess a fresh id and expiry and stores it.
func (s *Server) putSession(now time.Time, sess *authSession) *apiError {
	id, aerr := s.randomString(96)
	if aerr != nil {
		return aerr
	}
	sess.id = id
	sess.expires = now.Add(s.cfg.SessionLifetime)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.made++
	if s.made%64 == 0 {
		s.sweepLocked(now)
	}
	s.storeSessionLocked(sess)
	return nil
}

// takeSession removes and returns the session a challenge answer names:
// by Session, or, for clients that send none with PASSWORD_VERIFIER, by
// the SECRET_BLOCK they echo. A session serves one answer only. (Its app
// client needs no check: a server has one, and every session belongs to
// it; requests that name none, as AssociateSoftwareToken's, come here
// too.)
func (s *Server) takeSession(now time.Time, id, secretBlock string) (*authSession, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.sessions[id]
	if id == "" {
		sess = s.blocks[secretBlock]
	}
	if sess == nil {
		return nil, errBadSession().because("unknown or used Session")
	}
	s.dropSessionLocked(sess)
	if now.After(sess.expires) {
		return nil, errNotAuthorized("Invalid session for the user, session is expired.")
	}
	return sess, nil
}

// restoreSession stores a taken session again under its id, unchanged in
// expiry.
func (s *Server) restoreSession(sess *authSession) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.storeSessionLocked(sess)
}

// giveBack stores a session again after a wrong code, unless that code was
// its maxWrongCodes-th.
func (s *Server) giveBack(sess *authSession) {
	sess.wrongAttempts++
	if sess.wrongAttempts >= maxWrongCodes {
		return
	}
	s.restoreSession(sess)
}

// storeSessionLocked files sess under its id and, for clients that send no
// Session, its SECRET_BLOCK; dropSessionLocked undoes it.
func (s *Server) storeSessionLocked(sess *authSession) {
	s.sessions[sess.id] = sess
	if sess.secretBlock != "" {
		s.blocks[sess.secretBlock] = sess
	}
}

func (s *Server) dropSessionLocked(sess *authSession) {
	delete(s.sessions, sess.id)
	if sess.secretBlock != "" {
		delete(s.blocks, sess.secretBlock)
	}
}

// sweepLocked forgets expired sessions, so that abandoned logins do not
// pile up in a long-running emulator.
func (s *Server) sweepLocked(now time.Time) {
	for _, sess := range s.sessions {
		if now.After(sess.expires) {
			s.dropSessionLocked(sess)
		}
	}
}
