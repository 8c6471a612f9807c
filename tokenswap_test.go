// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestVerifierRefusesAnotherUsersTokens: tokens of another user of the pool
// carry the pool's signature, so with a Verifier a session still refuses a
// renewal whose tokens name another user than those renewed, and a pair
// whose access and id tokens name two users; it keeps the tokens it had,
// and on a rotating app client does not keep the other user's refresh
// token either.
func TestVerifierRefusesAnotherUsersTokens(t *testing.T) {
	for _, tc := range []struct {
		name       string
		access, id string // whose token the tampered renewal answers with
		rotate     bool   // a rotating app client: mallory's refresh token too
	}{
		{"both tokens of another user", "mallory", "mallory", false},
		{"another user's id token", "alice", "mallory", false},
		{"another user's access token", "mallory", "alice", false},
		{"all tokens of another user, rotating", "mallory", "mallory", true},
		// A pair of two users: the refresh token that came with it is
		// no more the session's user's than the pair is.
		{"another user's id token, rotating", "alice", "mallory", true},
		{"another user's access token, rotating", "mallory", "alice", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenRotation: tc.rotate})
			ctx := context.Background()
			tokens := map[string]*cognitosrp.Tokens{}
			if _, err := srv.AddUser(cognitotest.User{Username: "mallory", Password: emuPassword}); err != nil {
				t.Fatal(err)
			}
			// What stands between the session and Cognito swaps the tokens
			// of renewals for mallory's.
			tamper := cognitosrp.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
				body, _ := io.ReadAll(r.Body)
				r.Body = io.NopCloser(bytes.NewReader(body))
				resp, err := http.DefaultTransport.RoundTrip(r)
				renewal := bytes.Contains(body, []byte("REFRESH_TOKEN_AUTH")) ||
					strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".GetTokensFromRefreshToken")
				if err != nil || !renewal {
					return resp, err
				}
				defer resp.Body.Close()
				var out struct{ AuthenticationResult map[string]any }
				if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.AuthenticationResult == nil {
					t.Errorf("renewal answered %v", err)
					return nil, errors.New("no renewal")
				}
				tokens["alice"] = &cognitosrp.Tokens{
					AccessToken: out.AuthenticationResult["AccessToken"].(string),
					IDToken:     out.AuthenticationResult["IdToken"].(string),
				}
				out.AuthenticationResult["AccessToken"] = tokens[tc.access].AccessToken
				out.AuthenticationResult["IdToken"] = tokens[tc.id].IDToken
				if tc.rotate {
					out.AuthenticationResult["RefreshToken"] = tokens["mallory"].RefreshToken
				}
				b, _ := json.Marshal(out)
				resp.Body = io.NopCloser(bytes.NewReader(b))
				resp.ContentLength = int64(len(b))
				resp.Header.Set("Content-Length", strconv.Itoa(len(b)))
				return resp, nil
			})
			s := verifiedSession(t, srv, func(c *cognitosrp.Config) {
				c.HTTPClient = &http.Client{Transport: tamper}
				if tc.rotate {
					c.RefreshMethod = cognitosrp.RefreshWithGetTokens
				}
			})
			before := s.Tokens()
			srv.Advance(2 * time.Hour)
			mc := srv.SessionConfig()
			mc.Now = srv.Now
			mallory, err := cognitosrp.NewSession(mc, "mallory")
			if err != nil {
				t.Fatal(err)
			}
			defer mallory.Close()
			if err := mallory.Authenticate(ctx, emuPassword); err != nil {
				t.Fatal(err)
			}
			tokens["mallory"] = mallory.Tokens()
			err = s.Refresh(ctx)
			if !errors.Is(err, cognitosrp.ErrClaimMismatch) || !strings.Contains(err.Error(), "user") && !strings.Contains(err.Error(), "sub") {
				t.Fatalf("renewal answered with %s's access token and %s's id token: %v; want ErrClaimMismatch", tc.access, tc.id, err)
			}
			if now := s.Tokens(); now == nil || now.AccessToken != before.AccessToken || now.Username != "alice" ||
				now.RefreshToken == tokens["mallory"].RefreshToken {
				t.Fatalf("the refused renewal changed the session's tokens, or left it mallory's refresh token")
			}
		})
	}
}

// TestVerifierRenewsTokensWithAnyUsernameField: the user a renewal must
// keep is read from the access token renewed, not from Tokens.Username,
// which a caller's SetTokens may fill with the login name.
func TestVerifierRenewsTokensWithAnyUsernameField(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	s := verifiedSession(t, srv, nil)
	given := *s.Tokens()
	given.Username = "alice@example.com"
	s.SetTokens(&given)
	srv.Advance(2 * time.Hour)
	if err := s.Refresh(context.Background()); err != nil {
		t.Fatalf("renewal of tokens set with Username %q: %v", given.Username, err)
	}
}

// verifiedSession returns a session of srv with a Verifier, and what mod
// changes (if not nil), logged in as alice, whom it adds.
func verifiedSession(t *testing.T, srv *cognitotest.Server, mod func(*cognitosrp.Config)) *cognitosrp.Session {
	t.Helper()
	v, err := cognitosrp.NewVerifier(srv.VerifierConfig())
	if err != nil {
		t.Fatal(err)
	}
	return emulatorSessionOn(t, srv, func(c *cognitosrp.Config) {
		c.Verifier = v
		if mod != nil {
			mod(c)
		}
	})
}

// TestRotationKeptDespiteMisconfiguredVerifier: a rotating renewal refused
// by a Verifier that names another app client (a configuration slip, not
// another user's tokens) still keeps the new refresh token, the only live
// one, so that the session renews once the configuration is mended.
func TestRotationKeptDespiteMisconfiguredVerifier(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenRotation: true})
	store := &cognitosrp.MemoryStore{}
	emulatorSessionOn(t, srv, func(c *cognitosrp.Config) { c.Store = store })
	vc := srv.VerifierConfig()
	vc.ClientIDs = []string{"another-client"}
	v, err := cognitosrp.NewVerifier(vc)
	if err != nil {
		t.Fatal(err)
	}
	c := srv.SessionConfig()
	c.Now, c.Store, c.Verifier, c.RefreshMethod = srv.Now, store, v, cognitosrp.RefreshWithGetTokens
	s, err := cognitosrp.NewSession(c, "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	old, err := store.Load(ctx)
	if err != nil || old == nil {
		t.Fatalf("stored tokens: %v, %v", old, err)
	}
	srv.Advance(2 * time.Hour)
	if err := s.Refresh(ctx); !errors.Is(err, cognitosrp.ErrClaimMismatch) {
		t.Fatalf("renewal with a verifier of another client: %v; want ErrClaimMismatch", err)
	}
	if got := s.Tokens(); got == nil || got.RefreshToken == old.RefreshToken {
		t.Fatal("the session dropped the rotated refresh token, the only live one")
	}
}
