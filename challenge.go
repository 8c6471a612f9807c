// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// This file describes the challenges a login may meet after (or instead
// of) the password, and how a caller answers them: a ChallengeHandler sees
// each one decoded as a Challenge and returns a ChallengeAnswer, which the
// login turns into the ChallengeResponses Cognito expects.

// Challenge names Cognito sends, besides ChallengePasswordVerifier.
const (
	ChallengeNewPasswordRequired    = "NEW_PASSWORD_REQUIRED"
	ChallengeSMSMFA                 = "SMS_MFA"
	ChallengeSoftwareTokenMFA       = "SOFTWARE_TOKEN_MFA"
	ChallengeEmailOTP               = "EMAIL_OTP"
	ChallengeSMSOTP                 = "SMS_OTP"
	ChallengeSelectMFAType          = "SELECT_MFA_TYPE"
	ChallengeMFASetup               = "MFA_SETUP"
	ChallengeCustom                 = "CUSTOM_CHALLENGE"
	ChallengeDeviceSRPAuth          = "DEVICE_SRP_AUTH"
	ChallengeDevicePasswordVerifier = "DEVICE_PASSWORD_VERIFIER"
	ChallengeSelectChallenge        = "SELECT_CHALLENGE"
	// ChallengeWebAuthn asks for a passkey's assertion: the JSON of the
	// WebAuthn AuthenticationResponseJSON, which an answer carries as
	// CREDENTIAL.
	ChallengeWebAuthn = "WEB_AUTHN"

	// ChallengePasswordSRP and ChallengePassword are choices of the
	// USER_AUTH flow, offered in a SELECT_CHALLENGE.
	ChallengePasswordSRP = "PASSWORD_SRP"
	ChallengePassword    = "PASSWORD"
)

// answerKey returns the ChallengeResponses key that carries the main
// answer to the challenge name. (A switch, not a map: binary size, no
// start-up work, see doc.go.)
func answerKey(name string) string {
	switch name {
	case ChallengeSMSMFA, ChallengeSoftwareTokenMFA, ChallengeEmailOTP, ChallengeSMSOTP, "EMAIL_MFA":
		// The challenges answered by a one-time code carry it under their
		// own name with "_CODE" appended.
		return name + "_CODE"
	case ChallengeNewPasswordRequired:
		return "NEW_PASSWORD"
	case ChallengeWebAuthn:
		return "CREDENTIAL"
	case ChallengePassword:
		return "PASSWORD"
	case ChallengePasswordSRP:
		return "SRP_A"
	}
	return "ANSWER"
}

// Challenge is a challenge of a login that a [ChallengeHandler] may
// answer. Name and Parameters are what Cognito sent; the other fields are
// decoded from Parameters for the challenges that carry them (except
// AvailableChallenges, taken from the response's own field of that name
// when it has one), and empty otherwise (also when Cognito sent a value
// this package cannot decode).
type Challenge struct {
	// Name is the ChallengeName, such as "SMS_MFA" or "CUSTOM_CHALLENGE".
	Name string
	// Username is Cognito's internal username for the user, which the
	// answer is sent with. It differs from the login name when the user
	// logs in with an alias such as an e-mail address.
	Username string
	// Parameters are the ChallengeParameters as Cognito sent them: for
	// CUSTOM_CHALLENGE, whatever the pool's Lambda trigger set.
	Parameters map[string]string

	// DeliveryMedium and DeliveryDestination tell where a code was sent
	// (SMS_MFA, EMAIL_OTP, SMS_OTP): "SMS" or "EMAIL", and a masked
	// destination such as "+*******0123".
	DeliveryMedium      string
	DeliveryDestination string
	// MFAOptions are the MFA types the user may choose from
	// (SELECT_MFA_TYPE), such as "SOFTWARE_TOKEN_MFA". MFA_SETUP never
	// reaches a handler, which has no session to call
	// AssociateSoftwareToken with: it ends the login in a *ChallengeError,
	// whose Parameters name the types in MFAS_CAN_SETUP.
	MFAOptions []string
	// RequiredAttributes (NEW_PASSWORD_REQUIRED) name the attributes the
	// answer must set, without the "userAttributes." prefix Cognito adds.
	RequiredAttributes []string
	// UserAttributes (NEW_PASSWORD_REQUIRED) are the user's current
	// attributes.
	UserAttributes map[string]string
	// AvailableChallenges (SELECT_CHALLENGE) are the sign-in choices of the
	// USER_AUTH flow, such as "PASSWORD_SRP" or "EMAIL_OTP".
	AvailableChallenges []string
}

// newChallenge decodes a challenge of out for a handler. Undecodable
// values are left empty: Parameters still carries them.
func newChallenge(out *AuthOutput, username string) *Challenge {
	p := out.ChallengeParameters
	c := &Challenge{
		Name:                out.ChallengeName,
		Username:            username,
		Parameters:          maps.Clone(p),
		DeliveryMedium:      p["CODE_DELIVERY_DELIVERY_MEDIUM"],
		DeliveryDestination: p["CODE_DELIVERY_DESTINATION"],
		UserAttributes:      jsonObject(p["userAttributes"]),
		AvailableChallenges: availableChallenges(out),
	}
	if c.Name == ChallengeSelectMFAType {
		c.MFAOptions = jsonList(p["MFAS_CAN_CHOOSE"])
	}
	c.RequiredAttributes = jsonList(p["requiredAttributes"])
	for i, a := range c.RequiredAttributes {
		c.RequiredAttributes[i] = strings.TrimPrefix(a, userAttributePrefix)
	}
	return c
}

// availableChallenges returns the sign-in choices of a SELECT_CHALLENGE.
func availableChallenges(out *AuthOutput) []string {
	if len(out.AvailableChallenges) > 0 {
		return slices.Clone(out.AvailableChallenges)
	}
	// Some servers put the choices among the parameters instead.
	return jsonList(out.ChallengeParameters["AVAILABLE_CHALLENGES"])
}

// userAttributePrefix is how ChallengeResponses and requiredAttributes
// name a user attribute.
const userAttributePrefix = "userAttributes."

// jsonList decodes a parameter holding a JSON array of strings. Not
// inlined, for its three callers (binary size: out of line, see doc.go).
//
//go:noinline
func jsonList(s string) []string {
	var v []string
	if s == "" || json.Unmarshal([]byte(s), &v) != nil {
		return nil
	}
	return v
}

// jsonObject decodes a parameter holding a JSON object of strings. Cognito
// sends attributes as strings; other values are skipped (decodeObject
// keeps a number beyond float64's range from failing the whole object and
// losing every attribute with it).
func jsonObject(s string) map[string]string {
	v, trailing := decodeObject([]byte(s))
	if v == nil || trailing {
		return nil
	}
	m := make(map[string]string, len(v))
	for k, x := range v {
		if str, ok := x.(string); ok {
			m[k] = str
		}
	}
	return m
}

// ChallengeAnswer is a [ChallengeHandler]'s answer to one challenge.
type ChallengeAnswer struct {
	// Answer is the main answer, sent under the key the challenge expects:
	//   NEW_PASSWORD_REQUIRED: the new password (NEW_PASSWORD);
	//   SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP, SMS_OTP: the code;
	//   SELECT_MFA_TYPE: the chosen type, such as "SOFTWARE_TOKEN_MFA";
	//   SELECT_CHALLENGE: the chosen sign-in challenge (for "PASSWORD_SRP"
	//   and "PASSWORD" the login adds SRP_A or the password itself; a
	//   handler is asked to choose only in reply to InitiateAuth of
	//   USER_AUTH; for "WEB_AUTHN" put the passkey's assertion in
	//   Responses as CREDENTIAL);
	//   WEB_AUTHN: the passkey's assertion (CREDENTIAL);
	//   PASSWORD: the password (PASSWORD); PASSWORD_SRP: SRP_A;
	//   CUSTOM_CHALLENGE and any other challenge: ANSWER.
	Answer string
	// UserAttributes are attributes to set with a new password, such as
	// the RequiredAttributes of the challenge: {"name": "Jane"}.
	UserAttributes map[string]string
	// Responses are further ChallengeResponses, sent as given. USERNAME,
	// SECRET_HASH and DEVICE_KEY are always the login's own.
	Responses map[string]string
	// ClientMetadata goes to the pool's Lambda triggers.
	ClientMetadata map[string]string
}

// empty reports an answer that answers nothing.
func (a *ChallengeAnswer) empty() bool {
	return a == nil || a.Answer == "" && len(a.UserAttributes) == 0 && len(a.Responses) == 0
}

// responses returns the ChallengeResponses of a for the challenge name,
// without USERNAME, SECRET_HASH and DEVICE_KEY.
func (a *ChallengeAnswer) responses(name string) map[string]string {
	r := make(map[string]string, len(a.Responses)+len(a.UserAttributes)+1)
	maps.Copy(r, a.Responses)
	// The login sets its own, or none: a login without a client secret or
	// a device must not send a handler's.
	delete(r, "USERNAME")
	delete(r, "SECRET_HASH")
	delete(r, "DEVICE_KEY")
	for k, v := range a.UserAttributes {
		r[userAttributePrefix+k] = v
	}
	if a.Answer != "" {
		r[answerKey(name)] = a.Answer
	}
	return r
}

// String describes the answer without its values: an answer may be a new
// password or a one-time code.
func (a ChallengeAnswer) String() string {
	return fmt.Sprintf("cognitosrp.ChallengeAnswer{Answer: %s, UserAttributes: %d, Responses: %d}",
		redact(a.Answer), len(a.UserAttributes), len(a.Responses))
}

// Format prints String for every verb, so no formatting reveals a secret.
//
//go:noinline // binary size: out of line, a value method (see doc.go)
func (a ChallengeAnswer) Format(f fmt.State, verb rune) { formatRedacted(f, a) }

// ChallengeHandler answers the challenges of a login that this package
// cannot answer alone: MFA codes, a new password, custom challenges, the
// choice of an MFA type or of a USER_AUTH sign-in challenge.
//
// HandleChallenge is called once per challenge, in the goroutine of the
// login, with the login's context; it may block (to ask a person) for as
// long as ctx allows: a login an Auth starts on demand is bounded by
// Config.FlightTimeout (Options.FlightTimeout; both default to
// DefaultFlightTimeout, one minute for the calls and the handler's wait
// together), one of Session.Authenticate by Authenticate's ctx alone.
// It returns the answer, or nil and a nil error to decline (so does an
// answer without Answer, UserAttributes or Responses, such as
// &ChallengeAnswer{}, which would answer nothing): the login then fails
// with a *ChallengeError, as it does for an error, which the
// ChallengeError wraps. An answer returned after ctx has ended (by a
// handler that does not watch ctx, as a read from a terminal cannot) is
// not sent: the login fails with a *ChallengeError wrapping ctx's error,
// and the needs that waited for it get that error rather than a second
// login that would ask again. A challenge that comes in after ctx has
// ended (in a process frozen while Cognito answered) is not put to the
// handler at all. A handler may be called concurrently by different
// logins of different sessions.
//
// The login waits for the handler: a handler must not wait for tokens of
// the session it serves (Auth.Token, Session.ValidTokens or Refresh).
// Given ctx (or a context made from it), such a call fails at once with an
// error matching ErrConfig, but in a login of Session.Authenticate's,
// which the session does not share, it starts a second login, which calls
// the handler again; with a context of its own it waits until that
// context ends, past the FlightTimeout (for ever, for
// context.Background). Nor may a handler call Close, which waits for the
// login.
type ChallengeHandler interface {
	HandleChallenge(ctx context.Context, c *Challenge) (*ChallengeAnswer, error)
}

// ChallengeHandlerFunc adapts a function to a ChallengeHandler.
type ChallengeHandlerFunc func(ctx context.Context, c *Challenge) (*ChallengeAnswer, error)

// HandleChallenge calls f(ctx, c).
func (f ChallengeHandlerFunc) HandleChallenge(ctx context.Context, c *Challenge) (*ChallengeAnswer, error) {
	return f(ctx, c)
}

// ChallengeHandlers asks each handler in turn and returns the first
// answer; it declines when all decline, and stops at the first error.
// Combine a [TOTP] with a [NewPassword], for example.
type ChallengeHandlers []ChallengeHandler

// HandleChallenge returns the first handler's answer that does not
// decline (see ChallengeHandler): one that answers nothing is passed over
// like nil.
func (hs ChallengeHandlers) HandleChallenge(ctx context.Context, c *Challenge) (*ChallengeAnswer, error) {
	for _, h := range hs {
		if h == nil {
			continue
		}
		a, err := h.HandleChallenge(ctx, c)
		if err != nil || !a.empty() {
			return a, err
		}
	}
	return nil, nil
}

// NewPassword answers NEW_PASSWORD_REQUIRED, the challenge of a user whom
// an administrator created with a temporary password, with Password and
// Attributes; it declines every other challenge. A Session that logs in
// on its own (one built by New with a Password) logs in with the new
// password from then on.
type NewPassword struct {
	Password string // a secret; empty declines NEW_PASSWORD_REQUIRED too
	// Attributes are set with the new password; they should include every
	// attribute of the challenge's RequiredAttributes.
	Attributes map[string]string
}

// HandleChallenge answers NEW_PASSWORD_REQUIRED and declines the rest.
func (p NewPassword) HandleChallenge(ctx context.Context, c *Challenge) (*ChallengeAnswer, error) {
	if c.Name != ChallengeNewPasswordRequired || p.Password == "" {
		return nil, nil
	}
	return &ChallengeAnswer{Answer: p.Password, UserAttributes: p.Attributes}, nil
}

// String describes p without the password.
func (p NewPassword) String() string {
	return "cognitosrp.NewPassword{Password: " + redact(p.Password) + "}"
}

// Format prints String for every verb, so no formatting reveals the password.
func (p NewPassword) Format(f fmt.State, verb rune) { formatRedacted(f, p) }

// ChallengeError reports a challenge the login could not answer: one this
// package does not support (MFA_SETUP, which needs AssociateSoftwareToken),
// one no ChallengeHandler answered, one whose handler failed (Err), one
// it answered after the login's context ended (Err is the context's), or
// an SRP step out of turn: PASSWORD_VERIFIER in a login that sent no SRP_A
// or after its claim, DEVICE_SRP_AUTH without a remembered device,
// DEVICE_PASSWORD_VERIFIER before DEVICE_SRP_AUTH or after its claim (each
// SRP private value proves a password once), or a SELECT_CHALLENGE other
// than the reply to InitiateAuth of USER_AUTH, the one place Cognito
// offers a choice.
// Username and Session let a caller continue the login itself with
// RespondToAuthChallenge; the Session is a credential and never printed.
type ChallengeError struct {
	ChallengeName string // as Cognito named it, such as "MFA_SETUP"
	// Parameters are the challenge's ChallengeParameters as Cognito sent
	// them; for MFA_SETUP, MFAS_CAN_SETUP names the types to set up.
	Parameters map[string]string
	// Session is the challenge's session, which a continuation sends back
	// within the few minutes it lasts. A credential: no printing of the
	// error shows it.
	Session string
	// Username is Cognito's internal username, which a continuation must
	// send as USERNAME (and hash into SECRET_HASH).
	Username string
	// Err is the handler's error, if it failed, or the login context's,
	// if the handler answered after it ended.
	Err error
}

// Error names the challenge, and the handler's error if there is one;
// never the session. Only MFA_SETUP is called unsupported: the others
// went unanswered (no ChallengeHandler, one that declined, no remembered
// device), and calling NEW_PASSWORD_REQUIRED unsupported told users
// without a handler that NewPassword would not do.
func (e *ChallengeError) Error() string {
	if e.Err != nil {
		return errorf("cognitosrp: challenge %s: %w", serverText(e.ChallengeName, maxTypeLen), e.Err).Error()
	}
	if e.ChallengeName == ChallengeMFASetup {
		return "cognitosrp: unsupported challenge MFA_SETUP"
	}
	return "cognitosrp: unanswered challenge " + serverText(e.ChallengeName, maxTypeLen) + unansweredHint(e.ChallengeName)
}

// unansweredHint says, for the message of a login that stopped at
// challenge, that no ChallengeHandler answered it, and names the handler
// of this package that does: the name alone sent users who had set no
// ChallengeHandler searching for what to do. The SRP steps are never put
// to a ChallengeHandler (the login answers them, the device ones with
// Config.Devices and a remembered device): for them it says nothing, as
// a handler would not be asked.
func unansweredHint(challenge string) string {
	switch challenge {
	case ChallengeSoftwareTokenMFA, ChallengeSelectMFAType:
		return " (no ChallengeHandler answered it; cognitosrp.TOTP does)"
	case ChallengeNewPasswordRequired:
		return " (no ChallengeHandler answered it; cognitosrp.NewPassword does)"
	case ChallengePasswordVerifier, ChallengeDeviceSRPAuth, ChallengeDevicePasswordVerifier:
		return ""
	}
	return " (no ChallengeHandler answered it)"
}

// Unwrap returns the handler's error.
func (e *ChallengeError) Unwrap() error { return e.Err }

// Format prints Error for every verb: the challenge session is a credential.
// Its receiver is a value, so that a ChallengeError printed as a value (say
// *ce, after errors.As) is covered too, not only a pointer.
func (e ChallengeError) Format(f fmt.State, verb rune) { f.Write([]byte(e.Error())) }
