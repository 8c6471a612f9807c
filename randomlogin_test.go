// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/gocognito/cognitosrp"
)

// randomText draws n runes from pieces chosen to break careless code:
// colons (the x hash joins user id and password with one), multi-byte and
// astral runes, quotes and backslashes (JSON escaping), spaces.
func randomText(r *rand.Rand, n int) string {
	pieces := []string{"a", "Z", "7", ":", "@", ".", "_", "-", "+", " ", "é", "ß", "Ж", "日", "本",
		"😀", "\"", "\\", "'", "%", "#", "\u00a0", "\u200d", "e\u0301"}
	var b strings.Builder
	for range n {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

type randomUser struct {
	id, login, password string
}

// TestLoginRandomUsers logs in 64 random users against a server that
// really verifies SRP: half through an Auth round tripper, half through
// Session.Authenticate; a quarter with an app client secret; a third with an
// alias, so that USER_ID_FOR_SRP differs from the login name. For half of
// them a wrong password must fail first.
func TestLoginRandomUsers(t *testing.T) {
	seed := rand.Uint64()
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 2))
	plain := startFake(t, fakeConfig{PoolID: "eu-west-1_Plain", ClientID: "plain-client"})
	// The secret's random part without the ASCII space, which NewSession
	// refuses in a client secret: no Cognito secret has one.
	secretText := strings.ReplaceAll(randomText(r, 8), " ", "_")
	secret := startFake(t, fakeConfig{PoolID: "ap-south-1_Secret", ClientID: "secret-client", ClientSecret: "cl13nt:s3cr3t/" + secretText})
	api := newEchoAPI()
	t.Cleanup(api.Close) // not defer: the parallel subtests run after this returns

	const n = 64
	seen := map[string]bool{}
	for i := 0; i < n; i++ {
		u := randomUser{id: randomText(r, 1+r.IntN(20)), password: randomText(r, 1+r.IntN(40))}
		if seen[u.id] {
			i--
			continue
		}
		seen[u.id] = true
		u.login = u.id
		if i%3 == 0 {
			u.id = fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", r.Uint32(), r.Uint32()&0xffff, r.Uint32()&0xfff, r.Uint32()&0xfff, r.Uint64()&0xffffffffffff)
		}
		f := plain
		if i%4 == 3 {
			f = secret
		}
		f.AddUser(u.id, u.password, u.login)
		viaAuth, tryWrong := i%2 == 0, i%4 < 2
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			if viaAuth {
				loginThroughAuth(t, f, api.URL, u, tryWrong)
			} else {
				loginThroughSession(t, f, u, tryWrong)
			}
		})
	}
}

func loginThroughSession(t *testing.T, f *fakeCognito, u randomUser, tryWrong bool) {
	ctx := context.Background()
	s, err := cognitosrp.NewSession(f.sessionConfig(), u.login)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Authenticate(ctx, u.password+"x"); tryWrong && !errors.Is(err, cognitosrp.ErrNotAuthorized) {
		t.Fatalf("wrong password: %v", err)
	}
	if err := s.Authenticate(ctx, u.password); err != nil {
		t.Fatalf("login %q / %q: %v", u.login, u.password, err)
	}
	tok := s.Tokens()
	if tok.Username != u.id || tok.RefreshToken == "" {
		t.Fatalf("tokens for %q: username %q", u.id, tok.Username)
	}
	// The refresh names the internal user in SECRET_HASH; the fake checks.
	if err := s.Refresh(ctx); err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if s.Tokens().RefreshToken != tok.RefreshToken || s.Tokens().AccessToken == tok.AccessToken {
		t.Fatal("refresh did not keep the refresh token and renew the access token")
	}
}

func loginThroughAuth(t *testing.T, f *fakeCognito, apiURL string, u randomUser, tryWrong bool) {
	opts := f.options(u.login, u.password+"x")
	if tryWrong {
		bad, err := cognitosrp.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bad.Client().Get(apiURL); !errors.Is(err, cognitosrp.ErrNotAuthorized) {
			t.Fatalf("wrong password: %v", err)
		}
	}
	opts.Password = u.password
	auth, err := cognitosrp.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := auth.Client().Get(apiURL + "/me")
	if err != nil {
		t.Fatalf("login %q / %q: %v", u.login, u.password, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	want := fmt.Sprintf("GET /me with Authorization: Bearer <access token of %s>\n", u.id)
	if resp.StatusCode != http.StatusOK || string(body) != want {
		t.Fatalf("API answered %d %q, want %q", resp.StatusCode, body, want)
	}
}
