// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// This file pins the edges of tokencheck.go's rules: each limit a doc
// comment states is accepted exactly at the limit and refused just past it.

// forgeResult returns an AuthenticationResult whose tokens carry the given
// access and id claims.
func forgeResult(access, id map[string]any, expiresIn int64) *AuthenticationResult {
	return &AuthenticationResult{
		AccessToken: signRS256(testKey(), rsHeader(testKid), access),
		IdToken:     signRS256(testKey(), rsHeader(testKid), id),
		ExpiresIn:   expiresIn, TokenType: "Bearer",
	}
}

func TestAcceptTokensLimits(t *testing.T) {
	noExp := func(m map[string]any) map[string]any { return with(m, "exp", nil, "iat", nil) }
	maxSeconds := int64(maxTokenLifetime / time.Second)
	half := 500 * time.Millisecond
	tests := []struct {
		name   string
		access map[string]any
		id     map[string]any
		in     int64     // ExpiresIn
		now    time.Time // the clock acceptTokens judges on
		want   error     // nil: accepted
	}{
		{name: "ExpiresIn at the limit", access: noExp(accessClaims(testNow)), id: noExp(idClaims(testNow)), in: maxSeconds, now: testNow},
		{name: "ExpiresIn past the limit", access: noExp(accessClaims(testNow)), id: noExp(idClaims(testNow)), in: maxSeconds + 1, now: testNow, want: ErrTokenInvalid},
		// The tokens' exp claims take precedence over ExpiresIn; an absurd
		// ExpiresIn still marks the answer as garbage.
		{name: "ExpiresIn past the limit beside exp claims", access: accessClaims(testNow), id: idClaims(testNow), in: maxSeconds + 1, now: testNow, want: ErrTokenInvalid},
		{name: "exp at the limit", access: with(accessClaims(testNow), "exp", testNow.Add(maxTokenLifetime).Unix()), id: idClaims(testNow), in: 3600, now: testNow},
		{name: "exp past the limit", access: with(accessClaims(testNow), "exp", testNow.Add(maxTokenLifetime+time.Second).Unix()), id: idClaims(testNow), in: 3600, now: testNow, want: ErrTokenInvalid},
		{name: "iat the skew ahead", access: accessClaims(testNow.Add(maxClockSkew)), id: idClaims(testNow.Add(maxClockSkew)), in: 3600, now: testNow},
		{name: "iat the skew behind", access: accessClaims(testNow), id: idClaims(testNow), in: 3600, now: testNow.Add(maxClockSkew)},
		{name: "iat past the skew behind", access: accessClaims(testNow), id: idClaims(testNow), in: 3600, now: testNow.Add(maxClockSkew + half), want: ErrTokenExpired},
		{name: "iat past the skew ahead", access: accessClaims(testNow), id: idClaims(testNow), in: 3600, now: testNow.Add(-maxClockSkew - half), want: ErrTokenExpired},
	}
	s := new(Session)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.acceptTokens(context.Background(), forgeResult(tc.access, tc.id, tc.in), nil, tc.now)
			switch {
			case tc.want == nil && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.want != nil && (!errors.Is(err, tc.want) || !errors.Is(err, ErrInvalidResponse)):
				t.Fatalf("got %v, want an error matching %v and ErrInvalidResponse", err, tc.want)
			}
		})
	}
}

// TestAcceptTokensFarExpiryText: a token that expires too far ahead is
// refused in words a reader takes in, not "more than 87600h0m0s ahead".
func TestAcceptTokensFarExpiryText(t *testing.T) {
	access := with(accessClaims(testNow), "exp", testNow.Add(maxTokenLifetime+time.Second).Unix())
	_, err := new(Session).acceptTokens(context.Background(), forgeResult(access, idClaims(testNow), 3600), nil, testNow)
	if want := "the access_token expires at " + rfc3339(testNow.Add(maxTokenLifetime+time.Second)) + ", more than ten years ahead"; err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Fatalf("got %v, want it to end %q", err, want)
	}
}

// A token may hold only what a compact JWS can: the base64url alphabet and
// dots. Standard base64's '+', '/' and '=' are not in it.
func TestAcceptTokensCharacters(t *testing.T) {
	good := forgeResult(accessClaims(testNow), idClaims(testNow), 3600)
	s := new(Session)
	if _, err := s.acceptTokens(context.Background(), good, nil, testNow); err != nil {
		t.Fatalf("refused a good result: %v", err)
	}
	for _, c := range []string{"+", "/", "=", " ", "%", "\x00", "\x7f", "é"} {
		for _, typ := range []TokenType{AccessToken, IDToken} {
			res := *good
			if typ == AccessToken {
				res.AccessToken += c
			} else {
				res.IdToken += c
			}
			_, err := s.acceptTokens(context.Background(), &res, nil, testNow)
			if !errors.Is(err, ErrMalformedToken) || !errors.Is(err, ErrInvalidResponse) {
				t.Errorf("%s ending in %q: got %v, want ErrMalformedToken and ErrInvalidResponse", typ, c, err)
			}
		}
	}
}

// verifierFunc is a TokenVerifier made of a function.
type verifierFunc func(ctx context.Context, token string) (*Claims, error)

func (f verifierFunc) Verify(ctx context.Context, token string) (*Claims, error) {
	return f(ctx, token)
}

// A verifier's token_use is the server's text: the error quotes no more
// than 20 characters of it.
func TestAcceptTokensLongTokenUse(t *testing.T) {
	long := strings.Repeat("a", 10000)
	s := &Session{cfg: settings{Verifier: verifierFunc(func(context.Context, string) (*Claims, error) {
		return &Claims{TokenUse: long}, nil
	})}}
	_, err := s.acceptTokens(context.Background(), forgeResult(accessClaims(testNow), idClaims(testNow), 3600), nil, testNow)
	if !errors.Is(err, ErrClaimMismatch) {
		t.Fatalf("got %v, want ErrClaimMismatch", err)
	}
	if msg := err.Error(); strings.Contains(msg, strings.Repeat("a", 21)) || len(msg) > 200 {
		t.Fatalf("the error quotes the whole token_use (%d bytes)", len(msg))
	}
}

// A TokenVerifier that accepts a token but returns no claims (a stub, or
// a wrapper that drops them) fails the check of the token's kind instead
// of panicking in the flight's goroutine, which would end the program.
func TestAcceptTokensVerifierWithoutClaims(t *testing.T) {
	s := &Session{cfg: settings{Verifier: verifierFunc(func(context.Context, string) (*Claims, error) {
		return nil, nil
	})}}
	_, err := s.acceptTokens(context.Background(), forgeResult(accessClaims(testNow), idClaims(testNow), 3600), nil, testNow)
	if !errors.Is(err, ErrClaimMismatch) {
		t.Fatalf("got %v, want ErrClaimMismatch", err)
	}
}

// A TokenVerifier whose claims lack sub fails the check, but not as
// tokens of another user: that would cost a rotating renewal its new
// refresh token (see refresh), which an incomplete verifier does not
// make another user's.
func TestVerifierClaimsWithoutSub(t *testing.T) {
	s := &Session{cfg: settings{Verifier: verifierFunc(func(_ context.Context, tok string) (*Claims, error) {
		c, err := ParseUnverified(tok)
		if err == nil {
			c.Subject = ""
		}
		return c, err
	})}}
	_, err := s.acceptTokens(context.Background(), forgeResult(accessClaims(testNow), idClaims(testNow), 3600), nil, testNow)
	if !errors.Is(err, ErrClaimMismatch) || errors.Is(err, errOtherUser) {
		t.Fatalf("got %v, want ErrClaimMismatch, not errOtherUser", err)
	}
}

// TestAcceptTokensOnCognitosClock: what a token does not say itself is
// reckoned on Cognito's clock, the local time corrected by the learnt
// offset: the fallback expiry of a token without exp (iat, else that
// time, plus ExpiresIn), and whether a token without iat has expired.
// Here Cognito is 50 minutes behind the local clock.
func TestAcceptTokensOnCognitosClock(t *testing.T) {
	cognito := testNow.Add(-50 * time.Minute)
	s := new(Session)
	s.offset.Store(int64(-50 * time.Minute))

	noExp := forgeResult(with(accessClaims(cognito), "exp", nil), with(idClaims(cognito), "exp", nil), 3600)
	tok, err := s.acceptTokens(context.Background(), noExp, nil, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tok.Expiry(AccessToken), cognito.Add(time.Hour); !got.Equal(want) {
		t.Errorf("fallback expiry %v, want %v (Cognito's clock plus ExpiresIn)", got, want)
	}

	// Expires 20 minutes from Cognito's now, 30 minutes before the local one.
	exp := cognito.Add(20 * time.Minute).Unix()
	noIat := forgeResult(with(accessClaims(cognito), "iat", nil, "auth_time", nil, "exp", exp),
		with(idClaims(cognito), "iat", nil, "auth_time", nil, "exp", exp), 3600)
	if _, err := s.acceptTokens(context.Background(), noIat, nil, testNow); err != nil {
		t.Errorf("a token without iat, valid on Cognito's clock: %v", err)
	}
}

// TestReplayErrorNamesLocalTime: the refusal of a token issued hours away
// quotes the local clock's time, as it says, not local time plus the clock
// offset, which is what the iat is held to.
func TestReplayErrorNamesLocalTime(t *testing.T) {
	s := new(Session)
	s.offset.Store(int64(-50 * time.Minute))
	old := testNow.Add(-3 * time.Hour)
	_, err := s.acceptTokens(context.Background(), forgeResult(accessClaims(old), idClaims(old), 3600), nil, testNow)
	if !errors.Is(err, ErrTokenExpired) {
		t.Fatalf("got %v, want ErrTokenExpired", err)
	}
	if want := "away from the local clock's " + rfc3339(testNow) + " "; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
}

// TestVerifyPairRenewalOfTokensWithoutSub: the user a renewal must keep is
// the renewed access token's sub; tokens that name none (set by a caller
// with SetTokens, from another issuer) bind no user, and their renewal is
// accepted, as one whose access token cannot be read is. One that names
// another sub is refused.
func TestVerifyPairRenewalOfTokensWithoutSub(t *testing.T) {
	v := verifierFunc(func(_ context.Context, tok string) (*Claims, error) { return ParseUnverified(tok) })
	renewed := &Tokens{AccessToken: signRS256(testKey(), rsHeader(testKid), accessClaims(testNow)), IDToken: signRS256(testKey(), rsHeader(testKid), idClaims(testNow))}
	for name, prev := range map[string]string{
		"no sub":     fxJWT(with(accessClaims(testNow), "sub", nil)),
		"unreadable": "opaque",
		"same sub":   fxJWT(accessClaims(testNow)),
	} {
		if err := verifyPair(context.Background(), v, renewed, &Tokens{AccessToken: prev}); err != nil {
			t.Errorf("renewal of an access token with %s: %v", name, err)
		}
	}
	other := fxJWT(with(accessClaims(testNow), "sub", "sub-2"))
	if err := verifyPair(context.Background(), v, renewed, &Tokens{AccessToken: other}); !errors.Is(err, errOtherUser) {
		t.Errorf("renewal of another user's access token: %v, want errOtherUser", err)
	}
}
