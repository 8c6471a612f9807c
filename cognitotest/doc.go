// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Package cognitotest runs a local Amazon Cognito user pool for tests, in the
// spirit of net/http/httptest.
//
// A [Server] speaks the JSON 1.1 protocol of the Cognito user pool API on a
// loopback address and performs the server side of SRP for real: it keeps a
// verifier derived from each user's password, sends B, checks the client's
// PASSWORD_CLAIM_SIGNATURE and TIMESTAMP, and refuses what Cognito refuses
// with Cognito's error types. It issues RS256 JWTs with Cognito's claims,
// publishes their keys at /{poolId}/.well-known/jwks.json, and renews,
// rotates and revokes refresh tokens. Per user it can ask for a new
// password, SMS, e-mail or TOTP codes, a custom challenge, MFA setup, and
// device SRP.
//
// It serves the actions of signing in and out, and those by which a
// signed-in user manages its password, second factors and devices:
// InitiateAuth, RespondToAuthChallenge, GetTokensFromRefreshToken,
// RevokeToken, GlobalSignOut, GetUser, ChangePassword,
// SetUserMFAPreference, AssociateSoftwareToken, VerifySoftwareToken,
// ConfirmDevice, GetDevice, ListDevices, UpdateDeviceStatus and
// ForgetDevice. Any other action (sign-up, forgotten passwords, the Admin
// actions) fails with UnknownOperationException. The pool's password
// policy is Cognito's default minimum length alone (8 characters), met by
// the new password that answers NEW_PASSWORD_REQUIRED and by
// ChangePassword's; AddUser and SetPassword apply none. It has no limit on
// wrong attempts: FailNext injects their errors (InvalidPasswordException,
// LimitExceededException).
//
// Where neither Cognito's documentation nor its users' reports say what it
// does, the emulator makes a choice of its own, which may differ from
// Cognito's. Those a test may meet:
//   - ForgetDevice (and Server.ForgetDevice) ends the access tokens of the
//     logins on the device too, as RevokeToken ends a login's; Cognito
//     documents only that the device's refresh tokens stop working.
//   - A device forgotten while a login that named it waits for its MFA
//     code (or a new password) fails the answer with "Device does not
//     exist.", as the steps that look the device up do; a login does
//     not end with tokens bound to a device that is gone.
//   - GetTokensFromRefreshToken renews on an app client without
//     RefreshTokenRotation whose AuthFlows leave out AllowRefreshTokenAuth,
//     which refuses only REFRESH_TOKEN_AUTH. Cognito has refused to make
//     such a client (see Config.AuthFlows); whether GetTokensFromRefreshToken
//     checks the flow there is not known. (With rotation, a client without
//     the flow is what Cognito's guide asks for.)
//   - RevokeToken takes an expired refresh token without an error, as an
//     unknown one; a missing client secret, or a wrong one of the model's
//     shape, fails with NotAuthorizedException, as at
//     GetTokensFromRefreshToken, though Cognito's model lists for
//     RevokeToken UnauthorizedException and UnsupportedTokenTypeException
//     and not it. (A secret of another shape, or "", fails the model's
//     validation, InvalidParameterException.)
//   - An app client without a secret refuses a SECRET_HASH at the
//     challenge answers and at REFRESH_TOKEN_AUTH as at InitiateAuth,
//     where a report quotes Cognito's refusal; it takes a ClientSecret
//     (GetTokensFromRefreshToken, RevokeToken) of the model's shape.
//   - Of a login renewed on an app client with RefreshTokenRotation, the
//     emulator remembers the last 8 refresh tokens rotated out, and any
//     in their grace period: an older one is refused as unknown
//     ("Invalid Refresh Token.", not RefreshTokenReuseException), and
//     RevokeToken takes it as an unknown token, ending nothing.
//   - A login takes each TOTP code once, as Cognito does, but
//     VerifySoftwareToken takes a code it took before, and a login refuses
//     only a code of the same time step, not an earlier one.
//   - SOFTWARE_TOKEN_MFA names a software token verified without a
//     FriendlyDeviceName, or given by AddUser, "TOTP device".
//   - SELECT_MFA_TYPE offers SMS_MFA to a user without a phone number,
//     whose choice of it then fails as a login with SMS alone does
//     (MFAMethodNotFoundException); EMAIL_OTP is asked of a user without
//     an email attribute.
//   - The answer to NEW_PASSWORD_REQUIRED is refused for
//     phone_number_verified in the words Cognito uses for email_verified,
//     and for a verified flag before an e-mail address.
//   - Messages that no report quotes are the emulator's own.
//
// For test suites it offers a controllable clock, injected latency and
// failures, counters of calls per action and a log of recent requests. It
// keeps everything in memory and is safe for concurrent use.
//
//	srv := cognitotest.NewServer(t, cognitotest.Config{})
//	srv.AddUser(cognitotest.User{Username: "alice", Password: "correct horse"})
//	auth, err := cognitosrp.New(srv.Options("alice", "correct horse"))
//
// A suite may give each test a Server of its own or share one among
// parallel tests: among the subtests of one test, made with NewServer in
// the parent (its cleanup waits for them), or among all the tests of a
// package, made in TestMain with NewUnstartedServer and Start, and closed
// after m.Run. A Server of NewServer kept in a package variable for the
// tests that follow is closed when the test that made it ends, and their
// calls fail to connect. A Server is cheap: once the process's signing key exists
// (generating it takes a fraction of a second, once per process), NewServer
// takes well under a millisecond, and a login a few milliseconds of SRP on
// either side. Tests that share a Server need users of their own (names
// and aliases are case-insensitive, as in Cognito); on a Server of
// TestMain, go test -count=2 runs each test twice against the same
// users, so a test that adds one deletes it in a Cleanup (DeleteUser),
// or AddUser fails with ErrUserExists the second time. The clock (Advance,
// SetClock), injected latency and failures (FailNext, SetFailureRate),
// the counters of Calls and the request log are the Server's: a test that
// moves, breaks or counts them needs a Server of its own, or it moves,
// breaks and counts the other tests' calls too. Servers do not accept one
// another's tokens (see Config.Key).
//
// In a testing/synctest bubble (Go 1.25 and later), where a test can
// sleep through days of token lifetimes in milliseconds, a socket would
// stop the bubble's clock: there the Server is made with
// NewUnstartedServer, never started, and served in memory by
// [Server.Transport] (NewServer fails the test). Close every Auth and
// Session made in the bubble before its function returns, with defer or
// a Cleanup registered after the Server's: a renewal still running when
// the Server closes retries against it, and synctest.Test then panics
// ("blocked goroutines remain").
//
// The emulator is for tests: its secrets live in memory, its keys are
// generated per process, and it listens on loopback only unless told
// otherwise.
package cognitotest
