// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import "fmt"

// TokenType selects which Cognito token authorizes requests. The zero value
// means AccessToken.
type TokenType string

const (
	// AccessToken selects the access token: the token for API authorization
	// (AppSync, your own APIs, and API Gateway Cognito authorizers on
	// methods that list OAuth scopes, if it holds one of them: a login's
	// access token holds only aws.cognito.signin.user.admin, unless a pre
	// token generation trigger adds more).
	AccessToken TokenType = "access_token"
	// IDToken selects the id token: it carries the user's attributes, which
	// AppSync's resolvers then see, and API Gateway Cognito authorizers
	// expect it on methods without scopes.
	IDToken TokenType = "id_token"
)

// resolve returns the token type with the default applied, or an error
// matching ErrConfig for an unknown value.
func (t TokenType) resolve() (TokenType, error) {
	switch t {
	case "", AccessToken:
		return AccessToken, nil
	case IDToken:
		return IDToken, nil
	}
	return "", refine(&ErrConfig, fmt.Sprintf("unknown token type %q (want %q or %q)", string(t), AccessToken, IDToken))
}

// String returns the token type's name, "access_token" for the zero value.
//
//go:noinline // binary size: out of line, a value method (see doc.go)
func (t TokenType) String() string {
	if t == "" {
		return string(AccessToken)
	}
	return string(t)
}
