// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"errors"
	"testing"

	"github.com/gocognito/cognitosrp"
)

// TestSessionNotBuiltByNewSession: a Session that NewSession did not build
// (the zero value, a nil pointer) fails with ErrConfig in each method that
// calls Cognito, as a zero Auth, Verifier and Client do, instead of
// panicking: ValidTokens and Refresh panicked in the goroutine of the
// renewal they started, which crashed the program out of any caller's
// reach, and Authenticate, SignOut and SetTokens in the caller's.
func TestSessionNotBuiltByNewSession(t *testing.T) {
	ctx := context.Background()
	for name, s := range map[string]*cognitosrp.Session{"zero": new(cognitosrp.Session), "nil": nil} {
		t.Run(name, func(t *testing.T) {
			for call, err := range map[string]error{
				"Authenticate":  s.Authenticate(ctx, "password"),
				"Refresh":       s.Refresh(ctx),
				"SignOut":       s.SignOut(ctx),
				"GlobalSignOut": s.GlobalSignOut(ctx),
			} {
				if !errors.Is(err, cognitosrp.ErrConfig) {
					t.Errorf("%s = %v, want ErrConfig", call, err)
				}
			}
			for _, typ := range []cognitosrp.TokenType{cognitosrp.AccessToken, cognitosrp.IDToken} {
				if tok, err := s.ValidTokens(ctx, typ); tok != nil || !errors.Is(err, cognitosrp.ErrConfig) {
					t.Errorf("ValidTokens(%s) = %v, %v; want nil, ErrConfig", typ, tok, err)
				}
			}
			s.SetTokens(&cognitosrp.Tokens{AccessToken: "a", IDToken: "i"})
			s.SetTokens(nil)
			if name == "zero" {
				if tok := s.Tokens(); tok != nil {
					t.Errorf("Tokens after SetTokens = %v, want nil: SetTokens does nothing", tok)
				}
				if err := s.Close(); err != nil {
					t.Errorf("Close = %v", err)
				}
			}
		})
	}
}
