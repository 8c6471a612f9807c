// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"time"
)

// This file reads the claims of a Cognito JWT without checking its
// signature. The library reads them from the tokens a session holds, for
// what concerns the session alone: when to renew (exp, iat), whom a
// renewal's SECRET_HASH names (username), which device its refresh token is
// tied to (device_key), whose sub a verified renewal must keep, and which
// token a log line is about (jti). None of them decides whether a token is
// trusted: a server that must trust a token verifies it (Verifier, which
// decodes the claims here too, and uses them once the signature holds).

// ErrMalformedToken reports a token that is not a JWT this package can read.
var ErrMalformedToken = errors.New("cognitosrp: malformed token")

// maxTokenLen bounds the tokens this package reads. Cognito's tokens are a
// few kilobytes; a much larger one is not a Cognito token. Its value is
// written out in jwtPayload's error.
const maxTokenLen = 64 << 10

// Claims are the claims of a Cognito id or access token that this package
// reads. Times are zero when the claim is absent. Username is empty in an
// id token, which names the user in CognitoUsername: InternalUsername
// reads either, for a server that accepts both.
type Claims struct {
	Issuer          string    // iss: https://cognito-idp.{region}.amazonaws.com/{poolId}
	Subject         string    // sub: the user's stable id
	TokenUse        string    // token_use: "access" or "id"
	Username        string    // username (access tokens): the internal username
	CognitoUsername string    // cognito:username (id tokens)
	ClientID        string    // client_id (access tokens)
	Audience        string    // aud (id tokens)
	ID              string    // jti
	Expiry          time.Time // exp
	IssuedAt        time.Time // iat
	AuthTime        time.Time // auth_time

	// Raw holds every claim of the payload, decoded as encoding/json does
	// into map[string]any, with numbers kept as json.Number.
	Raw map[string]any
}

// InternalUsername returns the user's internal username: the "username"
// claim of an access token or the "cognito:username" claim of an id token.
func (c *Claims) InternalUsername() string {
	if c.Username != "" {
		return c.Username
	}
	return c.CognitoUsername
}

// Groups returns the user's groups, the "cognito:groups" claim that
// Cognito puts in both token types of a user in at least one group, in
// the order of the claim; nil when it is absent. An element that is not
// a string is left out, so that a malformed claim can only take groups
// away, never add one.
func (c *Claims) Groups() []string {
	list, _ := c.Raw["cognito:groups"].([]any)
	var groups []string
	for _, g := range list {
		if s, ok := g.(string); ok {
			groups = append(groups, s)
		}
	}
	return groups
}

// Scopes returns the OAuth scopes of an access token, the "scope" claim
// split at spaces (for a user-pool login, "aws.cognito.signin.user.admin";
// after a hosted-UI login, the scopes granted); nil for an id token.
func (c *Claims) Scopes() []string {
	if c.TokenUse == "id" {
		// Scopes are granted to access tokens. An id token has a scope
		// claim only if a pre token generation trigger added one, as a
		// claim like any other: an API that accepts both kinds of token
		// (VerifierConfig.TokenUse "") and authorizes by scope must not
		// take it for a grant.
		return nil
	}
	s, _ := c.Raw["scope"].(string)
	if f := strings.Fields(s); len(f) > 0 {
		return f
	}
	return nil
}

// ParseUnverified decodes the payload of a JWT (header.payload.signature,
// base64url without padding) and returns its claims. It does NOT verify the
// signature: never use its result to decide whether to trust a token.
func ParseUnverified(token string) (*Claims, error) {
	payload, err := jwtPayload(token)
	if err != nil {
		return nil, err
	}
	raw, trailing := decodeObject(payload)
	if raw == nil {
		return nil, refine(&ErrMalformedToken, "payload is not a JSON object")
	}
	if trailing {
		return nil, refine(&ErrMalformedToken, "trailing data after payload")
	}
	c := &Claims{Raw: raw}
	// The names in a string (binary size: string table, see doc.go).
	// names[i] goes with dst[i]: a pair swapped fails FuzzParseUnverified's
	// seeds, TestTokenID and the Verifier's tests.
	names := "iss sub token_use username cognito:username client_id jti"
	for _, dst := range [...]*string{&c.Issuer, &c.Subject, &c.TokenUse, &c.Username, &c.CognitoUsername, &c.ClientID, &c.ID} {
		var name string
		name, names, _ = strings.Cut(names, " ")
		if *dst, err = stringClaim(raw, name); err != nil {
			return nil, err
		}
	}
	if c.Audience, err = audienceClaim(raw); err != nil {
		return nil, err
	}
	names = "exp iat auth_time"
	for _, dst := range [...]*time.Time{&c.Expiry, &c.IssuedAt, &c.AuthTime} {
		var name string
		name, names, _ = strings.Cut(names, " ")
		if *dst, err = timeClaim(raw, name); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// jwtPayload returns the decoded middle segment of a compact JWT.
func jwtPayload(token string) ([]byte, error) {
	if token == "" {
		return nil, refine(&ErrMalformedToken, "empty")
	}
	if len(token) > maxTokenLen {
		return nil, refine(&ErrMalformedToken, "longer than 65536 bytes") // maxTokenLen, written out
	}
	header, rest, ok1 := strings.Cut(token, ".")
	payload, sig, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || header == "" || payload == "" || strings.Contains(sig, ".") {
		return nil, refine(&ErrMalformedToken, "not three dot-separated segments")
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return nil, refine(&ErrMalformedToken, "payload is not base64url")
	}
	return b, nil
}

func stringClaim(raw map[string]any, name string) (string, error) {
	v, ok := raw[name]
	if !ok || v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", claimError(name, "is not a string")
	}
	return s, nil
}

// claimError refuses the claim name, one of this package's (no character
// to quote), for the reason why: one construction for the claims' three
// refusals (binary size: one site, see doc.go).
func claimError(name, why string) error {
	return refine(&ErrMalformedToken, `claim "`+name+`" `+why)
}

// audienceClaim reads aud, which JWT allows to be a string or an array of
// strings; Cognito sends a string.
func audienceClaim(raw map[string]any) (string, error) {
	switch v := raw["aud"].(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case []any:
		if len(v) == 1 {
			if s, ok := v[0].(string); ok {
				return s, nil
			}
		}
	}
	return "", refine(&ErrMalformedToken, "claim \"aud\" is not a single string")
}

// maxUnixSeconds keeps times representable; year 9999 is far beyond any
// token lifetime.
const maxUnixSeconds = 253402300799

// timeClaim reads a NumericDate claim (seconds since the epoch, possibly
// with a fraction).
func timeClaim(raw map[string]any, name string) (time.Time, error) {
	v, ok := raw[name]
	if !ok || v == nil {
		return time.Time{}, nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return time.Time{}, claimError(name, "is not a number")
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || f < 0 || f > maxUnixSeconds {
		return time.Time{}, claimError(name, "is out of range")
	}
	// Not math.Modf (binary size: nothing linked for one use, see
	// doc.go). f >= 0, so the conversion truncates as Modf would.
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9)).UTC(), nil
}

// decodeObject decodes data, a JSON object, keeping its numbers as
// json.Number: decoded as float64, a number beyond its range (1e400) would
// fail the whole object, though the member holding it may be of no
// interest. It returns nil when data is not an object, and whether
// anything but white space follows the object (which json.Unmarshal
// refuses; dec.More would miss a stray '}' or ']', reporting false before
// either).
func decodeObject(data []byte) (obj map[string]any, trailing bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if dec.Decode(&obj) != nil {
		return nil, false
	}
	return obj, len(bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n")) != 0
}
