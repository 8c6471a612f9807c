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

// Binary size
//
// What this package adds to a program is budgeted (issue 7: README.md,
// and scripts/footprint.sh, which .ci/run runs against the budgets), and
// many places are written as they are for that alone. The forms recur,
// so they are explained here, once; a site names its form, as "(binary
// size: out of line, see doc.go)", and why it applies there when that is
// not plain. A reason of correctness or security is always given at the
// site itself. The sizes below were measured with the Go release of the
// day and go stale: footprint.sh says what a change costs now.
//
// Out of line. //go:noinline on a small function called from several
// places, where each inlined copy (its code and line tables) costs more
// than a call: mutex's Lock and Unlock (4.5 KB in all, at about fifty
// places), settingsOf, Tokens.Token. On a method with a value receiver
// too, because the pointer wrapper the compiler adds for it held a
// second, inlined copy (TokenType.String, errorKind.Error,
// ChallengeAnswer's Format and LogValue). A generic helper (as) is
// compiled once, shared by all pointer types, where each inlined call
// carried its own closure. The converse, once: a few lines that two
// places need are written out at both where a function of their own,
// with its metadata in read-only data (192 bytes), cost more (Close's
// cancellation, which voidLocked's repeats).
//
// One site. An error, log event or text that several places build is
// built at one site they share (refine, claimError, lifetimeError,
// parseHexNumber, obtained, formatUTC): each construction is compiled in
// place, its arguments boxed for fmt or slog at each call. fmt.Errorf
// itself is called through errorf: since Go 1.26 it inlines, with the
// errors.New it falls back on, at each call. Likewise a loop or a call
// that two paths need is written once, for both (renewRejected through
// renew, one callOnce in Client.Call).
//
// One concatenation. A text is built with one concatenation, not with a
// strings.Builder, whose every WriteString inlines its growth code (2 KB
// in APIError.Error), nor written in parts, each compiled with its
// conversion.
//
// String table. A list of names is one space-separated string, walked
// with strings.Cut, its values beside it in the same order
// (resendableActions, the claim names, the challenge response keys): a
// []string, a map literal or a switch compiles each name into code.
//
// No start-up work. A package-level value is one the linker lays out (a
// refinedError literal, not a fmt.Errorf call), and a lookup a switch,
// not a package-level map: a call or a map there runs when every program
// that links the package starts. Nor is a package imported whose
// initialization builds tables (encoding/base32).
//
// Nothing linked for one use. What a service links anyway (net/http,
// crypto/tls, encoding/json, log/slog) does the work of a package or
// function that would be linked, or inlined, for one use here:
// bytes.Buffer.ReadFrom for io.ReadAll, a json.Encoder for json.Marshal,
// big.Int.Text and Bytes for encoding/hex and Int.FillBytes. Otherwise a
// few lines written out: no regexp (about 100 KB), math.Modf or
// sync.WaitGroup, and no strings.EqualFold outside the Verifier.
//
// as. as, not errors.As, whose reflection on its target linked 8 KB of
// internal/reflectlite into every program; errors.AsType, from Go
// 1.26, does what as does.
//
// Types. Each type that reaches run time carries a descriptor and its
// name in read-only data. A named type, not an anonymous struct, whose
// name is its whole definition, tags included; and no new type where one
// the program has serves (a chan struct{} in an interface rather than a
// *flight, the address of a variable as a context key).
//
// incomparable. A struct whose first field is incomparable has no
// equality function, which the linker would keep in every program that
// links the type.
//
// Method-less copy. A value stored in an interface (an Auth is an
// http.RoundTripper) keeps in the binary every method of every type it
// names. So a Session holds its Config as settings and its HTTPClient as
// the function that sends with it (a *http.Client names net/http's
// cookie printer, 5 KB), its SRPs as preparedSRP, and Client hands
// encoding/json method-less copies of the exported types: their
// redacting String, Format and LogValue reach only programs that print
// them.
//
// Opt-in. Code that only some programs need is reached through a value
// or call that only they make (combTable.exp, a function field; the
// DeviceTracker of RememberDevices; a Verifier), so that the linker
// leaves it out of the others (TestOptInFeaturesNotLinked checks the
// last two).
//
// Nothing per call. A struct of several fields is passed by address (the
// RetryPolicy receivers, passwordClaim's challenge), a map entry is
// looked up once, a helper takes two parameters rather than variadic
// ones (hashInt, or), and a call due before many returns is made, not
// deferred (callOnce's Close): a copy, a lookup, the slice of the
// arguments or a deferred call is compiled at each call, or each return.
//
// Written-out limit. An error that names a limit writes it out as a
// literal: formatting the constant is code (TestWrittenOutLimits keeps
// the two in step).
//
// Page. A program grows by whole 4 KiB pages, and the segments of Auth's
// are often within bytes of their next (footprint.sh prints the room),
// read-only data and data the tightest. So a few forms were chosen for
// the page they kept: renew's late test written out rather than a call
// of lateTimeout, newAPIClient inlined, and a call rather than a
// package-level variable, which takes data.
