// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"fmt"
	"net/http"
	"strings"
)

// apiError is a Cognito error response: an HTTP status, the __type and the
// message. why, when set, explains a refusal whose message is deliberately
// vague (as Cognito's are); it goes to the request log, never to the client.
type apiError struct {
	status int
	typ    string
	msg    string
	why    string
}

func (e *apiError) Error() string { return e.typ + ": " + e.msg }

// because returns a copy of e with the reason for the request log.
func (e *apiError) because(format string, args ...any) *apiError {
	c := *e
	c.why = fmt.Sprintf(format, args...)
	return &c
}

func newError(status int, typ, format string, args ...any) *apiError {
	return &apiError{status: status, typ: typ, msg: fmt.Sprintf(format, args...)}
}

// The messages below are Cognito's where they are known.

func errNotAuthorized(format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, "NotAuthorizedException", format, args...)
}

func errInvalidParameter(format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, "InvalidParameterException", format, args...)
}

func errResourceNotFound(format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, "ResourceNotFoundException", format, args...)
}

// errCodeMismatch is a wrong code to an MFA challenge. Cognito words it
// by factor: "Invalid code received for user" for an authenticator app's
// (SOFTWARE_TOKEN_MFA), "Invalid code or auth state for the user." for a
// code it sent by SMS or email (amplify-js issues 3066 and 11069).
func errCodeMismatch(factor string) *apiError {
	msg := "Invalid code or auth state for the user."
	if factor == challengeSoftwareTokenMFA {
		msg = "Invalid code received for user"
	}
	return newError(http.StatusBadRequest, "CodeMismatchException", "%s", msg)
}

// errCodeUsed is a SOFTWARE_TOKEN_MFA code accepted before, at a login or
// at the VerifySoftwareToken that set the token up. Cognito refuses it
// with ExpiredCodeException: AWS's own example reads that error as "Your
// MFA code has expired or has been used already. You might have to wait a
// few seconds until your app shows you a new code." and asks again on the
// same Session, after telling the user who just verified a token to wait
// for a new code (aws-doc-sdk-examples, python/example_code/cognito:
// cognito_idp_actions.py, scenario_signup_user_with_mfa.py). Cognito's
// message is not known: this one is the emulator's.
func errCodeUsed() *apiError {
	return newError(http.StatusBadRequest, "ExpiredCodeException", "This code has been used already; wait for the next one.")
}

// errNoMFAMethod is a login whose second factor is SMS for a user without
// a phone number: Cognito fails it with MFAMethodNotFoundException, so
// worded (sic), HTTP 400 (amplify-flutter issue 95 quotes the service's
// error; amplify-js issues 8829, a user whose phone_number was deleted
// while SMS MFA was on, and 14013, a pool that requires SMS MFA).
func errNoMFAMethod() *apiError {
	return newError(http.StatusBadRequest, "MFAMethodNotFoundException", "No MFA mechanism registerd in the account.")
}

// errWrongPassword is Cognito's answer to any failed proof of the password.
func errWrongPassword() *apiError {
	return errNotAuthorized("Incorrect username or password.")
}

func errMissing(name string) *apiError {
	return errInvalidParameter("Missing required parameter %s", name)
}

func errBadSession() *apiError {
	return errNotAuthorized("Invalid session for the user.")
}

// errNoCustomAuth is CUSTOM_AUTH without the pool's Lambda triggers, what
// amplify users get when an empty password sends amplify down CUSTOM_AUTH
// (the message: amplify-js issues 5623 and 6327; the type: users quote it
// as "InvalidParameterException: Custom auth lambda trigger is not
// configured for the user pool", around amplify-js pull request 7401).
func errNoCustomAuth() *apiError {
	return errInvalidParameter("Custom auth lambda trigger is not configured for the user pool.")
}

func errUnknownClient(id string) *apiError {
	return errResourceNotFound("User pool client %s does not exist.", id)
}

func errSecretHash(clientID string) *apiError {
	return errNotAuthorized("Unable to verify secret hash for client %s", clientID)
}

// errNoSecretHash is the refusal of a request without SECRET_HASH on an
// app client with a secret, in the words reported since 2023:
// amplify-android issue 2504 (July 2023, USER_SRP_AUTH),
// amazon-cognito-identity-dart-2 issue 249 (January 2024, the
// RespondToAuthChallenge of SMS_MFA), aws-sdk-cpp issue 3246 (January
// 2025, USER_SRP_AUTH). Reports up to late 2022 quote "Client … is
// configured for secret but secret was not received"
// (amazon-cognito-identity-dart-2 issue 164, August 2021, at
// REFRESH_TOKEN_AUTH; aws-amplify-identity-broker issue 373, October
// 2022, a login): Cognito has reworded it. The emulator gives the same
// words for a ClientSecret left out of GetTokensFromRefreshToken or
// RevokeToken, an assumption: no report quotes Cognito there.
func errNoSecretHash(clientID string) *apiError {
	return errNotAuthorized("Client %s is configured with secret but SECRET_HASH was not received", clientID)
}

// errRefreshSecretHash is REFRESH_TOKEN_AUTH's refusal of a SECRET_HASH,
// which Cognito words otherwise than a login's (aws-sdk-net-extensions-
// cognito issues 94 and 122; reports before 2022 quote errSecretHash's).
func errRefreshSecretHash(clientID string) *apiError {
	return errNotAuthorized("SecretHash does not match for the client: %s", clientID)
}

// violations collects what the AWS protocol layer finds wrong with a
// request's members. It validates the whole request against Cognito's
// model before the service reads any of it, and refuses it once for all
// it found: "4 validation errors detected: Value at 'password' failed to
// satisfy constraint: Member must have length greater than or equal to 6;
// Value at 'password' failed to satisfy constraint: Member must satisfy
// regular expression pattern: [\S]+; Value at 'username' …"
// (amazon-cognito-identity-js issue 388), "1 validation error detected:
// …" for one. Each constraint a member breaks is one error of its own,
// a length before the pattern (issue 388 there; o3de-multiplayersample
// issue 105, where an empty identityPoolId is two errors, its length and
// then its pattern; ks888/LambStatus issue 6, an empty username, the
// same). That order is what reports of Cognito show, not a rule of the
// protocol layer: STS has listed a pattern before a length
// (miquella/vaulted issue 138). The order of the members is not known:
// issue 388 lists password before username, and aws-sdk-cpp issue 1085
// logins before identityId, neither in the model's order; the emulator
// lists them in the order it checks them.
type violations []string

// add records a member that breaks constraint, quoting the value sent, or
// saying null for a member left out (value nil), as Cognito does: "Value
// null at 'deviceKey'" (amplify-js issue 1355), "Value null at
// 'clientId'", "Value 'Aaaa' at 'userCode'", "Value 'ap-northeast-1_…' at
// 'clientId'" (boto3 issue 3581).
func (v *violations) add(field string, value *string, constraint string) {
	q := "null"
	if value != nil {
		q = "'" + *value + "'"
	}
	*v = append(*v, "Value "+q+" at '"+field+"' failed to satisfy constraint: "+constraint)
}

// addSensitive is add for a member Cognito's model marks sensitive (a
// token, a password, a client secret, a Session): AWS quotes no value,
// null or not ("Value at 'password'", "Value at 'accessToken'"). For the
// client secret and the Session that is an inference from the model's
// sensitive trait, no report showing it; the trait is no proof: today's
// model marks ClientIdType and the TOTP user code sensitive too, whose
// values the reports above quote.
func (v *violations) addSensitive(field, constraint string) {
	*v = append(*v, "Value at '"+field+"' failed to satisfy constraint: "+constraint)
}

// err is the refusal of what v holds, nil if nothing.
func (v violations) err() *apiError {
	switch len(v) {
	case 0:
		return nil
	case 1:
		return errInvalidParameter("1 validation error detected: %s", v[0])
	}
	return errInvalidParameter("%d validation errors detected: %s", len(v), strings.Join(v, "; "))
}

// mustNotBeNull is the constraint a required member left out breaks.
const mustNotBeNull = "Member must not be null"

// errInternal is Cognito's InternalErrorException, worded as Cognito
// words it ("Internal server error.": aws-sdk-android issue 2022,
// github.com/kirodotdev/Kiro/issues/3401).
func errInternal(why string) *apiError {
	return newError(http.StatusInternalServerError, "InternalErrorException", "Internal server error.").because("%s", why)
}

// errThrottled is Cognito's throttling, "Rate exceeded" as its users
// quote it (amplify-js issues 3554, 6767 and 13608; cognito-backup
// issue 12).
func errThrottled() *apiError {
	return newError(http.StatusBadRequest, "TooManyRequestsException", "Rate exceeded")
}

func errUserNotFound() *apiError {
	return newError(http.StatusBadRequest, "UserNotFoundException", "User does not exist.")
}
