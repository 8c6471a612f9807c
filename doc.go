// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Package cognitosrp logs a user into an Amazon Cognito user pool with SRP
// (USER_SRP_AUTH: the password never leaves the machine), keeps the tokens
// fresh, and authorizes outgoing HTTP requests: the Go counterpart of
// pycognito's RequestsSrpAuth, with the standard library only.
//
// New builds an Auth, an http.RoundTripper that logs in on the first
// request, renews the token in the background before it expires, renews
// and retries once after a 401, and sets "Authorization: Bearer <access
// token>" (Options.Header, HeaderPrefix and TokenType choose another
// header, prefix or the id token):
//
//	auth, err := cognitosrp.New(cognitosrp.Options{
//		Username:   "user@example.com",
//		Password:   password,
//		UserPoolID: "us-east-1_example123",
//		ClientID:   "your-client-id",
//	})
//	if err != nil {
//		return err // a configuration error; no network call has been made
//	}
//	defer auth.Close()
//	resp, err := auth.Client().Get("https://api.example.com/protected")
//
// A Session (NewSession) is one user's tokens with a pool; an Auth can
// also be built on one that is already logged in. Config (or Options)
// sets a TokenStore that keeps the tokens across restarts (FileStore),
// OnTokens and a Logger that follow their changes, the RefreshMethod of
// app clients that rotate refresh tokens, and a ChallengeHandler that
// answers MFA (TOTP computes software-token codes), a forced new password
// (NewPassword) and custom challenges. Login and renewal errors come back
// from the request, and match the sentinels (ErrNotAuthorized,
// ErrUserNotConfirmed, ErrPasswordResetRequired, ErrTooManyRequests, …)
// with errors.Is, and *APIError, *ChallengeError and *LoginRequiredError
// with errors.As.
//
// A Verifier checks RS256 tokens against the pool's key set, for the
// session or for an API of your own. NewSRP, ParsePasswordChallenge and
// Client expose the SRP math and Cognito's JSON API for programs that run
// the login themselves.
//
// Package cognitotest runs a local user pool that really checks SRP, for
// tests; the cognito-srp command logs in from a shell and runs it for
// clients in any language. See README.md for more and SECURITY.md for what
// is and is not verified.
package cognitosrp
