// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"errors"
	"fmt"
	"time"
)

// DefaultExpiryMargin is how long before its expiry a token stops counting
// as valid, so that a request sent with it does not arrive after it expired.
const DefaultExpiryMargin = 30 * time.Second

// ErrNoTokens reports an authentication result without the tokens a session
// needs.
var ErrNoTokens = errors.New("cognitosrp: Cognito returned no tokens")

// Tokens are a user's Cognito tokens. A Tokens value is never modified once
// a Session has handed it out; renewals produce a new one. A nil *Tokens
// (what Session.Tokens returns before a login) holds no token: Token
// returns "", Expiry the zero time, Valid and ValidAt false.
//
// encoding/json encodes Tokens with its field names as keys and its times
// in RFC 3339 (time.Time's own encoding), tokens included: unlike String,
// the encoding redacts nothing, so store it as the refresh token deserves.
// That encoding is stable across releases, for programs that keep tokens
// their own way (FileStore has a file format of its own).
type Tokens struct {
	// AccessToken and IDToken are JWTs; an Auth sends the access token
	// unless its TokenType is IDToken. RefreshToken renews them; it is
	// empty only in tokens given (SetTokens) or stored without one, which
	// cannot be renewed. All three are secrets: String redacts them.
	AccessToken  string
	IDToken      string
	RefreshToken string
	TokenType    string // "Bearer"

	AccessExpiry time.Time // from the access token's exp, else ExpiresIn
	IDExpiry     time.Time // from the id token's exp, else ExpiresIn
	IssuedAt     time.Time // the access token's iat: Cognito's clock at issue

	// Username is Cognito's internal username (the access token's
	// "username" claim). It differs from the login name when the user logs
	// in with an alias such as an e-mail address.
	Username string
}

// Token returns the token of type typ, or "" for a type that names neither
// token: a misspelt type must not authorize requests with the other token.
//
//go:noinline // binary size: out of line, seven callers (see doc.go)
func (t *Tokens) Token(typ TokenType) string {
	if t == nil {
		return ""
	}
	switch typ {
	case "", AccessToken:
		return t.AccessToken
	case IDToken:
		return t.IDToken
	}
	return ""
}

// Expiry returns the expiry of the token of type typ, or the zero time for a
// type that names neither token.
//
//go:noinline // binary size: out of line, four callers (see doc.go)
func (t *Tokens) Expiry(typ TokenType) time.Time {
	if t == nil {
		return time.Time{}
	}
	switch typ {
	case "", AccessToken:
		return t.AccessExpiry
	case IDToken:
		return t.IDExpiry
	}
	return time.Time{}
}

// Valid reports whether the token of type typ is present and stays valid for
// at least DefaultExpiryMargin. It is false for a type that names neither
// token.
func (t *Tokens) Valid(typ TokenType) bool {
	return t.ValidAt(typ, time.Now(), DefaultExpiryMargin)
}

// ValidAt reports whether the token of type typ is present and does not expire
// within margin of now.
func (t *Tokens) ValidAt(typ TokenType, now time.Time, margin time.Duration) bool {
	return t.Token(typ) != "" && now.Add(margin).Before(t.Expiry(typ))
}

// tokensFromResult builds Tokens from an AuthenticationResult received at
// now. A renewal that returns no refresh token keeps prev's, as
// REFRESH_TOKEN_AUTH never returns one.
func tokensFromResult(res *AuthenticationResult, now time.Time, prev *Tokens) (*Tokens, error) {
	if res == nil || res.AccessToken == "" || res.IdToken == "" {
		return nil, ErrNoTokens
	}
	if res.ExpiresIn < 0 || res.ExpiresIn > int64(maxTokenLifetime/time.Second) {
		// Beyond any lifetime (and, far beyond, an overflow of the
		// Duration below).
		return nil, errorf("%w: ExpiresIn %d is out of range", ErrTokenInvalid, res.ExpiresIn)
	}
	t := &Tokens{
		AccessToken:  res.AccessToken,
		IDToken:      res.IdToken,
		RefreshToken: res.RefreshToken,
		TokenType:    res.TokenType,
	}
	if t.RefreshToken == "" && prev != nil {
		t.RefreshToken = prev.RefreshToken
	}
	fallback := time.Time{}
	if res.ExpiresIn > 0 {
		// A wall-clock instant, as exp is: with now's monotonic reading
		// (time.Now's), comparisons with it would count on the monotonic
		// clock, which stops while the machine sleeps.
		fallback = now.Round(0).Add(time.Duration(res.ExpiresIn) * time.Second)
	}
	access, err := ParseUnverified(res.AccessToken)
	if err != nil {
		return nil, errorf("access token: %w", err)
	}
	id, err := ParseUnverified(res.IdToken)
	if err != nil {
		return nil, errorf("id token: %w", err)
	}
	t.AccessExpiry = orTime(access.Expiry, fallback)
	t.IDExpiry = orTime(id.Expiry, fallback)
	t.IssuedAt = access.IssuedAt
	if t.Username = access.InternalUsername(); t.Username == "" {
		t.Username = id.InternalUsername()
	}
	if t.AccessExpiry.IsZero() || t.IDExpiry.IsZero() {
		return nil, refine(&ErrMalformedToken, "tokens carry no exp and the response no ExpiresIn")
	}
	return t, nil
}

func orTime(t, fallback time.Time) time.Time {
	if t.IsZero() {
		return fallback
	}
	return t
}

// String describes the tokens without revealing any of them.
func (t Tokens) String() string {
	return fmt.Sprintf("cognitosrp.Tokens{AccessToken: %s, IDToken: %s, RefreshToken: %s, AccessExpiry: %s, IDExpiry: %s}",
		redact(t.AccessToken), redact(t.IDToken), redact(t.RefreshToken),
		t.AccessExpiry.Format(time.RFC3339), t.IDExpiry.Format(time.RFC3339))
}

// Format prints String for every verb (%v, %+v, %#v, %s, %x …), so that no
// formatting of Tokens reveals a token.
func (t Tokens) Format(f fmt.State, verb rune) { formatRedacted(f, t) }
