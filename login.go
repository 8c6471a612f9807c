// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"cmp"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"slices"
	"time"
)

// This file runs a login: InitiateAuth in the configured flow, then one
// RespondToAuthChallenge per challenge until Cognito issues tokens. The
// SRP steps (PASSWORD_VERIFIER, device SRP, the PASSWORD_SRP choice of
// USER_AUTH) are answered here; the rest goes to the ChallengeHandler.

// Further auth flows a Session can log in with (Config.AuthFlow).
const (
	// FlowUserAuth is choice-based sign-in: the login asks for
	// PASSWORD_SRP and takes it when Cognito offers a choice; the
	// ChallengeHandler chooses when it does not offer PASSWORD_SRP (a
	// choice of PASSWORD sends the password itself).
	FlowUserAuth = "USER_AUTH"
	// FlowCustomAuth runs the pool's custom challenges (Lambda triggers)
	// after SRP when there is a password, and alone when there is none.
	// A pool without those triggers refuses it with ErrInvalidParameter
	// ("Custom auth lambda trigger is not configured for the user pool."),
	// not ErrNotAuthorized: the password is not at fault.
	FlowCustomAuth = "CUSTOM_AUTH"
	// FlowUserPasswordAuth sends the password itself, over TLS, instead of
	// an SRP proof: only for app clients that allow nothing else.
	FlowUserPasswordAuth = "USER_PASSWORD_AUTH"
)

// maxChallenges bounds the challenges of one login, so that a broken or
// hostile server cannot keep a login going forever. Real logins meet at
// most five (password, device SRP, device verifier, MFA choice, MFA).
const maxChallenges = 16

// ErrTooManyChallenges reports a login that Cognito kept challenging
// beyond any real sequence of challenges.
var ErrTooManyChallenges = errors.New("cognitosrp: too many challenges in one login")

// checkAuthFlow rejects flows this package cannot run.
func checkAuthFlow(flow string) error {
	switch flow {
	case "", FlowUserSRPAuth, FlowUserAuth, FlowCustomAuth, FlowUserPasswordAuth:
		return nil
	}
	return refine(&ErrConfig, fmt.Sprintf("unsupported AuthFlow %q", flow))
}

// loginState is what one login attempt knows so far.
type loginState struct {
	_        incomparable
	password string
	// username is the name the next request carries: the login name at
	// first, then Cognito's internal name once a challenge reveals it.
	username string
	srp      *preparedSRP // the user's SRP, when the flow proves the password
	device   *loginDevice // the remembered device, if any (only with Config.Devices)
	// deviceSRP is the device's SRP, from DEVICE_SRP_AUTH on.
	deviceSRP *preparedSRP
	// newPassword is the password set by answering NEW_PASSWORD_REQUIRED.
	newPassword string
	// responded is set once the attempt has answered a challenge: a
	// choice of sign-in challenge comes before any (answer).
	responded bool
	// run is shared by the login's attempts.
	run *loginRun
	// date is the Date header of the last response, Cognito's clock
	// (claimTime).
	date string
}

// loginRun is what the attempts of one login share, and tell its caller.
type loginRun struct {
	_ incomparable
	// answered is set once the ChallengeHandler has answered a challenge
	// of this login: starting over would ask it again (and send a new
	// code).
	answered bool
	// sent and received bound, on the session's clock, the call that
	// returned the tokens: Cognito stamped their iat within it. The clock
	// offset is learned from it (observeClock), not from the whole login,
	// which may have waited minutes for a person's code.
	sent, received time.Time
}

// login logs in with password and returns the tokens. When a remembered
// device is one Cognito no longer knows, it forgets the device and logs in
// once more without it, unless a challenge has been answered (a new login
// would ask for another code); when Cognito issues a new device and the
// session remembers devices, it confirms and stores it.
func (s *Session) login(ctx context.Context, password string, run *loginRun) (*Tokens, error) {
	dev, err := s.loadDevice(ctx)
	if err != nil {
		return nil, err
	}
	res, err := s.loginWithRestarts(ctx, password, dev, run)
	if dev != nil && errors.Is(err, ErrResourceNotFound) {
		if err := s.cfg.Devices.forget(ctx, s.deviceOwner()); err != nil {
			return nil, err
		}
		if !run.answered {
			res, err = s.loginWithRestarts(ctx, password, nil, run)
		}
	}
	if err != nil {
		return nil, err
	}
	t, err := s.acceptTokens(ctx, res, nil, s.localNow())
	if err != nil {
		return nil, err
	}
	if md := res.NewDeviceMetadata; md != nil && s.cfg.Devices != nil {
		if err := s.cfg.Devices.remember(ctx, s, t, md); err != nil {
			return nil, err
		}
	}
	// Logins after this one take g^a and g^x from tables (gexp.go), and
	// find their A ready.
	warmCombs()
	if !s.forgetPassword {
		s.prepareSRP()
	}
	return t, nil
}

// loginOnce runs one login attempt through its challenges.
func (s *Session) loginOnce(ctx context.Context, password string, dev *loginDevice, run *loginRun) (*AuthenticationResult, error) {
	// After a forced password change the session's own password is stale.
	stored := password != "" && subtle.ConstantTimeCompare([]byte(password), []byte(s.storedPassword())) == 1
	if p := s.changedPassword.Load(); stored && p != nil {
		password = *p
	}
	st := &loginState{password: password, username: s.username, device: dev, run: run}
	flow := cmp.Or(s.cfg.AuthFlow, FlowUserSRPAuth)
	params, err := s.initialParameters(ctx, flow, st)
	if err != nil {
		return nil, err
	}
	action, sent := "InitiateAuth", s.cfg.Now()
	r, err := s.api.initiateAuth(ctx, &InitiateAuthInput{
		AuthFlow:       flow,
		AuthParameters: params,
		ClientId:       s.cfg.ClientID,
	})
	for n := 0; ; n++ {
		if err != nil {
			return nil, err
		}
		out := r.output()
		st.date = r.date
		if out.AuthenticationResult != nil {
			run.sent, run.received = sent, s.cfg.Now()
			return out.AuthenticationResult, nil
		}
		if out.ChallengeName == "" {
			return nil, unexpectedOutput(action, out, st.username)
		}
		if n == maxChallenges {
			return nil, &refinedError{base: &ErrTooManyChallenges, detail: "the last was " + serverText(out.ChallengeName, maxTypeLen)}
		}
		// A challenge taken after ctx ended (in a process frozen while
		// Cognito answered) is not answered: the answer could not be
		// sent, and a ChallengeHandler would ask a person for nothing.
		// The timeout, no *ChallengeError, leaves the flight late, to be
		// tried again (fly).
		if err = ctx.Err(); err != nil {
			return nil, err
		}
		var in *RespondToAuthChallengeInput
		if in, err = s.answer(ctx, st, out); err != nil {
			return nil, err
		}
		action, sent = "RespondToAuthChallenge", s.cfg.Now()
		r, err = s.api.respondToAuthChallenge(ctx, in)
		if re, ok := err.(*restartError); ok && run.answered {
			// The device SRP that may follow an MFA code: starting over
			// would ask for another code, which a restart never does.
			err = re.err
		}
		if err == nil && stored && in.ChallengeName == ChallengeNewPasswordRequired && st.newPassword != "" {
			// Cognito has set the new password, whatever comes next: a
			// challenge after it that fails, or a login that starts over,
			// must not try the old one again.
			s.changedPassword.Store(&st.newPassword)
		}
	}
}

// initialParameters returns the AuthParameters of InitiateAuth in flow.
func (s *Session) initialParameters(ctx context.Context, flow string, st *loginState) (map[string]string, error) {
	params := map[string]string{"USERNAME": s.username}
	needSRP := st.password != ""
	switch flow {
	case FlowUserSRPAuth, FlowUserPasswordAuth:
		if st.password == "" {
			return nil, refine(&ErrConfig, flow+" needs a password")
		}
		needSRP = flow == FlowUserSRPAuth
		if !needSRP {
			params["PASSWORD"] = st.password
		}
	case FlowCustomAuth:
		if needSRP {
			// Start the custom flow with the SRP password check.
			params["CHALLENGE_NAME"] = "SRP_A"
		}
	case FlowUserAuth:
		if needSRP {
			params["PREFERRED_CHALLENGE"] = ChallengePasswordSRP
		}
	}
	if needSRP {
		srp, err := s.takeSRP(ctx)
		if err != nil {
			return nil, err
		}
		st.srp = (*preparedSRP)(srp)
		params["SRP_A"] = srp.A()
	}
	// InitiateAuth is the one call that hashes the login name.
	s.addSecretHash(params, s.username)
	if st.device != nil {
		params["DEVICE_KEY"] = st.device.Key
	}
	return params, nil
}

// answer builds the response to the challenge in out.
func (s *Session) answer(ctx context.Context, st *loginState, out *AuthOutput) (*RespondToAuthChallengeInput, error) {
	// Cognito names the user by its internal name in its challenges; every
	// answer must use that name, in USERNAME and in SECRET_HASH.
	st.username = cmp.Or(out.ChallengeParameters["USER_ID_FOR_SRP"], out.ChallengeParameters["USERNAME"], st.username)
	in := &RespondToAuthChallengeInput{ChallengeName: out.ChallengeName, ClientId: s.cfg.ClientID, Session: out.Session}
	// A case that leaves ChallengeResponses nil cannot answer: the
	// challenge goes back to the caller as a *ChallengeError.
	var err error
	switch out.ChallengeName {
	case ChallengePasswordVerifier:
		// Only a login that sent SRP_A can be asked for the claim.
		if st.srp != nil {
			in.ChallengeResponses, err = s.passwordVerifier(st, out)
		}
	case ChallengeDeviceSRPAuth, ChallengeDevicePasswordVerifier:
		// Only a login that sent a remembered device's key (so one with
		// Config.Devices) can be asked to prove it.
		if st.device != nil && s.cfg.Devices != nil {
			in.ChallengeResponses, err = s.cfg.Devices.answer(s, st, out.ChallengeName, out.ChallengeParameters)
		}
	case ChallengeMFASetup:
		// Setting up MFA needs AssociateSoftwareToken and a person with an
		// authenticator app: the caller's business, with the session.
	case ChallengeSelectChallenge:
		// Cognito offers a choice of sign-in challenge in one place: the
		// reply to InitiateAuth of USER_AUTH (RespondToAuthChallenge has
		// no AvailableChallenges). Any other is out of turn and goes to no
		// handler: an endpoint that is not Cognito, offering PASSWORD to a
		// login of USER_SRP_AUTH or CUSTOM_AUTH, or after the password's
		// SRP claim, would get the password itself.
		if st.responded || s.cfg.AuthFlow != FlowUserAuth {
			break
		}
		if st.srp != nil && slices.Contains(availableChallenges(out), ChallengePasswordSRP) {
			in.ChallengeResponses = map[string]string{"ANSWER": ChallengePasswordSRP, "SRP_A": (*SRP)(st.srp).A()}
			break
		}
		// Else the handler chooses.
		fallthrough
	default:
		in.ChallengeResponses, in.ClientMetadata, err = s.askHandler(ctx, st, out)
	}
	if err == nil && in.ChallengeResponses == nil {
		err = challengeError(st, out, nil)
	}
	if err != nil {
		return nil, err
	}
	in.ChallengeResponses["USERNAME"] = st.username
	s.addSecretHash(in.ChallengeResponses, st.username)
	if st.device != nil {
		in.ChallengeResponses["DEVICE_KEY"] = st.device.Key
	}
	st.responded = true
	return in, nil
}

// passwordVerifier answers PASSWORD_VERIFIER with the SRP password claim
// of st.srp.
func (s *Session) passwordVerifier(st *loginState, out *AuthOutput) (map[string]string, error) {
	ch, err := ParsePasswordChallenge(out.ChallengeParameters)
	if err != nil {
		return nil, err
	}
	claim, err := (*SRP)(st.srp).passwordClaim(&ch, st.password, s.claimTime(st), combTables())
	if err != nil {
		return nil, err
	}
	// One proof per private value: a server that asked again, with
	// another SRP_B, would get a second proof of the password from the
	// same a, a second offline guess for each. No real login asks twice;
	// a second PASSWORD_VERIFIER is now out of turn (a *ChallengeError).
	st.srp = nil
	st.username = ch.UserIDForSRP
	return claim.ChallengeResponses(), nil
}

// askHandler has the ChallengeHandler answer the challenge.
func (s *Session) askHandler(ctx context.Context, st *loginState, out *AuthOutput) (map[string]string, map[string]string, error) {
	var a *ChallengeAnswer
	var err error
	if h := s.cfg.ChallengeHandler; h != nil {
		a, err = h.HandleChallenge(ctx, newChallenge(out, st.username))
		if err == nil {
			// An answer after ctx ended (a handler that ignored it, as a
			// read from a terminal does) is none: the login is over.
			// As a *ChallengeError, the flight is not late (fly).
			err = ctx.Err()
		}
	}
	if err != nil || a.empty() {
		// No handler, a failing one, or one that declined.
		return nil, nil, challengeError(st, out, err)
	}
	st.run.answered = true
	r := a.responses(out.ChallengeName)
	switch {
	case out.ChallengeName == ChallengeNewPasswordRequired:
		st.newPassword = a.Answer
	case out.ChallengeName != ChallengeSelectChallenge:
		// The cases below are SELECT_CHALLENGE's, its name compared once
		// (binary size: nothing per call, see doc.go).
	case a.Answer == ChallengePasswordSRP && st.srp != nil:
		r["SRP_A"] = (*SRP)(st.srp).A()
	case a.Answer == ChallengePassword && st.password != "":
		// Only a choice in turn gets here (answer).
		r["PASSWORD"] = st.password
	}
	return r, a.ClientMetadata, nil
}

// challengeError reports the challenge in out as unanswered.
func challengeError(st *loginState, out *AuthOutput, err error) error {
	return &ChallengeError{
		ChallengeName: out.ChallengeName,
		Parameters:    out.ChallengeParameters,
		Session:       out.Session,
		Username:      st.username,
		Err:           err,
	}
}
