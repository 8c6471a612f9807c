// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// The emulator keeps nothing on disk: users, devices and refresh tokens
// live in memory and end with the Server. What outlives a run is its key,
// when the caller gives one (Config.Key): Config's doc promises that
// Servers given the same Key, pool id and issuer accept each other's
// tokens, so a developer who restarts an emulator, or upgrades this
// package, with the same key keeps access and id tokens that verify, and
// an API's verifier keeps a JWKS it cached. That rests on the key id
// derived from the key and on the claims a token must carry; the golden
// files pin both.

// goldenServer returns an unstarted server with the key of
// ../testdata/verify/rsa2048.pem (a test key) and the settings the files
// of testdata/tokens-v1 were issued with, its clock at now.
func goldenServer(t *testing.T, now time.Time) *cognitotest.Server {
	t.Helper()
	data, err := os.ReadFile("../testdata/verify/rsa2048.pem")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	var key *rsa.PrivateKey
	if block != nil {
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	}
	if key == nil {
		t.Fatalf("rsa2048.pem: %v", err)
	}
	srv, err := cognitotest.NewUnstartedServer(cognitotest.Config{PoolID: "us-east-1_Golden1", ClientID: "goldenclientid0000000000001",
		AWSIssuer: true, Key: key, AccessTokenLifetime: time.Hour, IDTokenLifetime: time.Hour, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.AddUser(cognitotest.User{Username: "golden-alice", Sub: "5f0c0a3e-0000-4000-8000-00000000a1ce",
		Password: "golden-Passw0rd!", Aliases: []string{"alice@example.com"}, Groups: []string{"gold"}}); err != nil {
		t.Fatal(err)
	}
	return srv
}

// goldenIssued is when testdata/tokens-v1's tokens were issued.
var goldenIssued = time.Date(2031, 2, 3, 3, 5, 6, 0, time.UTC)

// TestConfigKeyJWKSStable: a Config.Key is published under the same key
// id, in the same JWKS, release after release: testdata/jwks-rsa2048.json
// was computed outside Go (openssl's modulus and the SHA-256 of the
// public key's DER form, base64), not by the code under test.
func TestConfigKeyJWKSStable(t *testing.T) {
	golden, err := os.ReadFile("testdata/jwks-rsa2048.json")
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(goldenServer(t, goldenIssued).JWKS())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, golden) {
		t.Errorf("JWKS of the key\n%s\nwant testdata/jwks-rsa2048.json\n%s", got, golden)
	}
}

// TestTokensOfEarlierRunVerify: tokens an emulator of this release issued
// with the golden key (testdata/tokens-v1) verify on a new Server with the
// same key, pool id and issuer, with the claims they were issued with.
// Tokens issued today with the same settings and clock have the same
// header and claims, but for the ids Cognito makes random in each token
// (jti, origin_jti, event_id): the writer's bytes are not stable by
// design, so the claims are compared decoded.
func TestTokensOfEarlierRunVerify(t *testing.T) {
	srv := goldenServer(t, goldenIssued.Add(30*time.Minute))
	fresh, err := goldenServer(t, goldenIssued).IssueTokens("alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		file, fresh string
		verify      func(string) (map[string]any, error)
	}{
		{"access.jwt", fresh.AccessToken, func(tok string) (map[string]any, error) {
			cl, err := srv.VerifyAccessToken(tok)
			if err != nil {
				return nil, err
			}
			return cl.Raw, nil
		}},
		{"id.jwt", fresh.IdToken, func(tok string) (map[string]any, error) {
			cl, err := srv.VerifyIDToken(tok)
			if err != nil {
				return nil, err
			}
			return cl.Raw, nil
		}},
	} {
		data, err := os.ReadFile("testdata/tokens-v1/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		golden := strings.TrimSpace(string(data))
		claims, err := c.verify(golden)
		if err != nil {
			t.Errorf("%s no longer verifies: %v", c.file, err)
			continue
		}
		want := map[string]any{"sub": "5f0c0a3e-0000-4000-8000-00000000a1ce", "iat": float64(goldenIssued.Unix()),
			"exp": float64(goldenIssued.Add(time.Hour).Unix()), "auth_time": float64(goldenIssued.Unix()),
			"iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Golden1", "cognito:groups": []any{"gold"}}
		if c.file == "access.jwt" {
			maps.Copy(want, map[string]any{"token_use": "access", "client_id": "goldenclientid0000000000001",
				"username": "golden-alice", "scope": "aws.cognito.signin.user.admin"})
		} else {
			maps.Copy(want, map[string]any{"token_use": "id", "aud": "goldenclientid0000000000001",
				"cognito:username": "golden-alice", "email": "alice@example.com"})
		}
		random := []string{"jti", "origin_jti", "event_id"}
		for k, v := range want {
			if g, _ := json.Marshal(claims[k]); string(g) != mustJSON(v) {
				t.Errorf("%s: claim %s = %s, want %s", c.file, k, g, mustJSON(v))
			}
		}
		for k := range claims {
			if _, ok := want[k]; !ok && !slices.Contains(random, k) {
				t.Errorf("%s: unexpected claim %s", c.file, k)
			}
		}

		// Today's writer: the same header, the same claims but the
		// random ids.
		gParts, fParts := strings.Split(golden, "."), strings.Split(c.fresh, ".")
		if gParts[0] != fParts[0] {
			t.Errorf("%s: header %s, want %s", c.file, decodePart(fParts[0]), decodePart(gParts[0]))
		}
		var gc, fc map[string]any
		json.Unmarshal([]byte(decodePart(gParts[1])), &gc)
		json.Unmarshal([]byte(decodePart(fParts[1])), &fc)
		for _, k := range random {
			if _, ok := fc[k]; !ok {
				t.Errorf("%s: a token issued today has no %s", c.file, k)
			}
			delete(gc, k)
			delete(fc, k)
		}
		if mustJSON(gc) != mustJSON(fc) {
			t.Errorf("%s: a token issued today has the claims\n%s\nwant\n%s", c.file, mustJSON(fc), mustJSON(gc))
		}
	}
}

// mustJSON returns the JSON of v.
func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// decodePart returns the decoded text of a part of a JWT.
func decodePart(p string) string {
	b, _ := base64.RawURLEncoding.DecodeString(p)
	return string(b)
}
