// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds ChangePassword, by which a signed-in user changes its
// password.
//
// Confirmed by Cognito's API reference: an access token authorizes it;
// PreviousPassword and ProposedPassword are at most 256 characters of
// pattern [\S]+; the answer is empty. A wrong PreviousPassword is
// NotAuthorizedException "Incorrect username or password."
// (amazon-cognito-identity-js issue 336). Cognito also limits wrong
// attempts, with LimitExceededException "Attempt limit exceeded, please
// try after some time." (aws-sdk-android issue 627); the emulator, which
// locks no login out either, does not: a test injects it with FailNext.
//
// Assumptions:
//   - The reference now makes PreviousPassword optional, for users who
//     sign in without a password; every user of the emulator has one, so
//     one left out is a wrong one.
//   - The pattern is matched as AWS matches it in a password that may hold
//     inner spaces: the value must hold a character other than white space.
//   - The proposed password meets the pool's password policy, the one
//     a new password meets (checkPasswordPolicy), or is refused with
//     InvalidPasswordException, which the reference lists for
//     ChangePassword; it is checked after the access token (the request
//     names no pool: the policy is that of the token's) and before the
//     previous password.
//   - Tokens issued before stay valid, as an administrator's SetPassword
//     leaves them.

// maxPasswordLen is the longest password Cognito's PasswordType takes.
const maxPasswordLen = 256

// minPasswordLength is the pool's password policy: Cognito's default
// minimum length, in characters (not bytes: "äöüß" is four).
const minPasswordLength = 8

// checkPasswordPolicy refuses a new password that the pool's policy
// does not take, as the answer to NEW_PASSWORD_REQUIRED and ChangePassword
// do.
func checkPasswordPolicy(pw string) *apiError {
	if utf8.RuneCountInString(pw) < minPasswordLength {
		return newError(http.StatusBadRequest, "InvalidPasswordException", "Password does not conform to policy: Password not long enough")
	}
	return nil
}

// checkPasswordMember checks a password member as the AWS protocol layer
// checks PasswordType, quoting no value: it is a secret. nil is a member
// left out.
func checkPasswordMember(v *violations, field string, p *string) {
	if p == nil {
		v.addSensitive(field, mustNotBeNull)
		return
	}
	if len([]rune(*p)) > maxPasswordLen {
		v.addSensitive(field, "Member must have length less than or equal to 256")
	}
	if strings.TrimFunc(*p, unicode.IsSpace) == "" {
		v.addSensitive(field, `Member must satisfy regular expression pattern: [\S]+`)
	}
}

// changePassword serves ChangePassword: the previous password must be the
// user's, and the proposed one then signs in with SRP in its place.
func (s *Server) changePassword(c *call) (any, *apiError) {
	var in struct {
		withAccessToken
		PreviousPassword *string
		ProposedPassword *string
	}
	u, aerr := s.decodeForUser(c, &in, func(v *violations) {
		if in.PreviousPassword != nil {
			checkPasswordMember(v, "previousPassword", in.PreviousPassword)
		}
		checkPasswordMember(v, "proposedPassword", in.ProposedPassword)
	})
	if aerr != nil {
		return nil, aerr
	}
	// After the token: the policy is that of the pool the token names.
	if aerr := checkPasswordPolicy(*in.ProposedPassword); aerr != nil {
		return nil, aerr
	}
	// The verifier is drawn before the lock is taken, as SetPassword
	// draws it: its random salt and modular exponentiation take time.
	tmp := &user{User: User{Username: u.Username}}
	if err := s.setVerifier(tmp, *in.ProposedPassword); err != nil {
		return nil, errInternal("random source failed")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Checked and changed under one lock: of two requests with the same
	// previous password, only the first changes it.
	if in.PreviousPassword == nil || subtle.ConstantTimeCompare([]byte(*in.PreviousPassword), []byte(u.Password)) != 1 {
		return nil, errWrongPassword().because("PreviousPassword is not the user's password")
	}
	u.salt, u.v, u.Password = tmp.salt, tmp.v, tmp.Password
	return struct{}{}, nil
}
