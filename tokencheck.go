// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"time"
)

// This file decides whether the tokens of an authentication result may be
// used at all. Whatever the server sent, a session never stores, and so
// never sends, an empty token, one that is already expired, or one whose
// lifetime no Cognito pool can configure; with Config.Verifier it also
// checks each token's signature and claims.

// maxTokenLifetime bounds how far ahead a token may expire. Cognito issues
// access and id tokens for a day at most; ten years leaves room for any
// emulator while still catching garbage such as milliseconds in exp.
const maxTokenLifetime = 10 * 365 * 24 * time.Hour

// maxClockSkew bounds how far the local clock may be from Cognito's, as
// told by the iat of a fresh token: an iat hours away from the local clock
// is a replayed token. A login signs its SRP TIMESTAMP on Cognito's Date
// only within this bound (claimTime), so that Cognito issues no tokens
// that would then be refused here.
const maxClockSkew = time.Hour

// acceptTokens builds Tokens from an authentication result received at the
// local time local, keeping prev's refresh token when the result has none.
// An error of its own checks matches ErrInvalidResponse; one of
// Config.Verifier is the verifier's (ours: ErrTokenInvalid, or
// ErrKeySetUnavailable for a key set that cannot be fetched).
func (s *Session) acceptTokens(ctx context.Context, res *AuthenticationResult, prev *Tokens, local time.Time) (*Tokens, error) {
	// The fallback expiry (ExpiresIn) is reckoned on Cognito's clock, like
	// the exp claims.
	now := local.Add(s.ClockOffset())
	t, err := tokensFromResult(res, now, prev)
	if err != nil {
		return nil, errorf("%w: %w", ErrInvalidResponse, err)
	}
	for _, typ := range []TokenType{AccessToken, IDToken} {
		if !wordChars(t.Token(typ)) {
			// It would never get past Auth into a header; refusing it here
			// keeps the session from holding it until it expires.
			return nil, errorf("%w: %w: the %s has characters a JWT cannot have", ErrInvalidResponse, ErrMalformedToken, typ)
		}
		if err := checkLifetime(typ, t.Expiry(typ), t.IssuedAt, now, local); err != nil {
			return nil, errorf("%w: %w", ErrInvalidResponse, err)
		}
	}
	if s.cfg.Verifier != nil {
		if err := verifyPair(ctx, s.cfg.Verifier, t, prev); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// checkLifetime refuses a token that expired before it arrived, expires
// absurdly late, or was issued hours away from the local time local.
// Expiry is judged on Cognito's clock: against the token's own iat when it
// has one (a local clock minutes off must not refuse a fresh token), else
// against now, local corrected by the clock offset. The iat is held to the
// local clock, not to now: an offset learnt before the local clock was
// stepped would otherwise refuse every new token, and, learnt only from
// accepted ones, never be corrected.
func checkLifetime(typ TokenType, exp, iat, now, local time.Time) error {
	issued := now
	if !iat.IsZero() {
		if d := iat.Sub(local); d.Abs() > maxClockSkew {
			return lifetimeError(ErrTokenExpired, typ, "was issued at", iat, d.Round(time.Second).String()+
				" away from the local clock's "+rfc3339(local)+" (a replayed token, or a clock far off)")
		}
		issued = iat
	}
	switch {
	case !exp.After(issued):
		return lifetimeError(ErrTokenExpired, typ, "expired at", exp, "before it was issued or arrived ("+rfc3339(issued)+")")
	case exp.Sub(issued) > maxTokenLifetime:
		// In words: maxTokenLifetime.String() is "87600h0m0s".
		return lifetimeError(ErrTokenInvalid, typ, "expires at", exp, "more than ten years ahead")
	}
	return nil
}

// lifetimeError reports an instant at of the token of type typ that
// checkLifetime refuses, as "kind: the typ what at, why". One formatting
// call for the three refusals (binary size: one site, see doc.go).
func lifetimeError(kind error, typ TokenType, what string, at time.Time, why string) error {
	return errorf("%w: the %s %s %s, %s", kind, typ, what, rfc3339(at), why)
}

// rfc3339 formats t in UTC for an error message.
func rfc3339(t time.Time) string { return formatUTC(t, time.RFC3339) }

// formatUTC formats t in UTC with layout: the body of Timestamp and
// rfc3339, written once (binary size: one site, see doc.go).
func formatUTC(t time.Time, layout string) string { return t.UTC().Format(layout) }

// wordChars reports whether s holds only letters, digits, '-', '_' and
// '.': all a compact JWS can hold (the base64url alphabet and dots), and
// all an AWS error type does.
func wordChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// issuedKey returns the context key under which verifyPair tells the
// Verifier when Cognito issued the tokens it checks: the address of an
// unexported variable of the package, unique as a key must be and out of
// reach of every other package, which could otherwise move a Verifier's
// clock ahead and have it accept tokens not valid yet. (Not a key type
// or a variable of its own: binary size, no new type, page, see doc.go.)
func issuedKey() any { return &errOtherUser }

// errOtherUser refuses tokens that name another user than they must.
var errOtherUser error = &refinedError{base: &ErrClaimMismatch, detail: "the tokens name another user"}

// verifyPair checks both tokens with v, that each is of its kind, and that
// both name one user: on a renewal of prev, prev's. Tokens of another user
// of the pool carry the pool's signature too, so a tampered answer could
// otherwise swap them in, and the caller's requests would act as that
// user. (Cognito keeps a user's sub for life, and a refresh token renews
// only its own user.)
func verifyPair(ctx context.Context, v TokenVerifier, t, prev *Tokens) error {
	// Our Verifier judges exp, iat and nbf no earlier than the iat of t,
	// Cognito's clock when it issued them, which checkLifetime has held
	// within maxClockSkew of the local clock: the session works with a
	// clock minutes off (claimTime, ClockOffset), and on such a clock
	// alone, minutes behind, every token would lie ahead, refused after
	// Cognito had issued it. (A context value, not a method of *Verifier:
	// a caller's TokenVerifier that wraps ours passes it on, and programs
	// that do not verify link no assertion; binary size: opt-in, see
	// doc.go.)
	ctx = context.WithValue(ctx, issuedKey(), t.IssuedAt)
	var sub string
	for _, p := range []struct {
		typ   TokenType
		use   string
		token string
	}{{AccessToken, "access", t.AccessToken}, {IDToken, "id", t.IDToken}} {
		c, err := v.Verify(ctx, p.token)
		if err == nil && c == nil {
			// A TokenVerifier (not ours) that returns no claims has not
			// said what the token is: refused below, not a nil
			// dereference in the flight's goroutine, which ends the
			// program.
			c = &Claims{}
		}
		switch {
		case err != nil:
		case c.TokenUse != p.use:
			err = errorf("%w: token_use %.20q where %q belongs", ErrClaimMismatch, c.TokenUse, p.use)
		case c.Subject == "":
			err = refine(&ErrClaimMismatch, "no sub")
		case sub != "" && c.Subject != sub:
			err = refine(&errOtherUser, "its sub is not the access token's")
		}
		if err != nil {
			return errorf("cognitosrp: %s from Cognito: %w", p.typ, err)
		}
		sub = c.Subject
	}
	// The user renewed is read from its access token, not from
	// prev.Username, which a caller's SetTokens may have filled in.
	if prev != nil {
		if old, err := ParseUnverified(prev.AccessToken); err == nil && old.Subject != "" && old.Subject != sub {
			return errorf("cognitosrp: renewal from Cognito: %w than those renewed", errOtherUser)
		}
	}
	return nil
}
