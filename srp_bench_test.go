// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"testing"
	"time"
)

// benchChallenge is a fixed, valid PASSWORD_VERIFIER challenge.
func benchChallenge(tb testing.TB) PasswordChallenge {
	tb.Helper()
	B, err := rand.Int(rand.Reader, group.N)
	if err != nil {
		tb.Fatal(err)
	}
	salt := make([]byte, 16)
	rand.Read(salt)
	return PasswordChallenge{
		UserIDForSRP: "3f1c9a6e-1b2d-4c5e-8f70-9a1b2c3d4e5f",
		SRPB:         B.Text(16),
		Salt:         new(big.Int).SetBytes(salt).Text(16),
		SecretBlock:  base64.StdEncoding.EncodeToString(make([]byte, 1024)),
	}
}

// BenchmarkSRPLogin is one full client computation of a login: a, A, u, x,
// S, K and the signature, with the parsing of the challenge, as every login
// after a process's first does it (with the comb tables of gexp.go).
func BenchmarkSRPLogin(b *testing.B) {
	waitForCombs(b)
	ch := benchChallenge(b)
	params := map[string]string{"USER_ID_FOR_SRP": ch.UserIDForSRP, "SRP_B": ch.SRPB, "SALT": ch.Salt, "SECRET_BLOCK": ch.SecretBlock}
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		s, err := NewSRP("AbC123xyZ", nil)
		if err != nil {
			b.Fatal(err)
		}
		c, err := ParsePasswordChallenge(params)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.PasswordClaim(c, "correct horse battery staple", now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSRPFloor is the floor for BenchmarkSRPLogin: the three modular
// exponentiations and the hashes, done bare with math/big (srpFloorSignature,
// which TestSRPFloorMatchesLogin holds to the library's signature).
func BenchmarkSRPFloor(b *testing.B) {
	ch := benchChallenge(b)
	B, _ := new(big.Int).SetString(ch.SRPB, 16)
	salt, _ := new(big.Int).SetString(ch.Salt, 16)
	secretBlock, _ := base64.StdEncoding.DecodeString(ch.SecretBlock)
	buf := make([]byte, privateKeyBytes)
	b.ReportAllocs()
	for b.Loop() {
		rand.Read(buf)
		a := new(big.Int).SetBytes(buf)
		srpFloorSignature(a, B, salt, "AbC123xyZ", ch.UserIDForSRP, "correct horse battery staple", secretBlock, Timestamp(time.Now()))
	}
}

// BenchmarkSRPLatency times the client's computation on a login's critical
// path, the time between Cognito's challenge and the answer, beside the
// floor (all of BenchmarkSRPFloor: a bare login computes A then too).
// first and later have A prepared ahead, as a Session does (prepare.go):
// first is a process's first login, without comb tables for g^x; later is
// every login after it.
func BenchmarkSRPLatency(b *testing.B) {
	ch := benchChallenge(b)
	params := map[string]string{"USER_ID_FOR_SRP": ch.UserIDForSRP, "SRP_B": ch.SRPB, "SALT": ch.Salt, "SECRET_BLOCK": ch.SecretBlock}
	b.Run("impl=floor", BenchmarkSRPFloor)
	waitForCombs(b)
	for _, bc := range []struct {
		name  string
		combs *[2]*combTable
	}{{"impl=first", nil}, {"impl=later", combTables()}} {
		b.Run(bc.name, func(b *testing.B) {
			// Prepared ahead: not on the path.
			s, err := NewSRP("AbC123xyZ", nil)
			if err != nil {
				b.Fatal(err)
			}
			now := time.Now()
			b.ReportAllocs()
			for b.Loop() {
				c, err := ParsePasswordChallenge(params)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.passwordClaim(&c, "correct horse battery staple", now, bc.combs); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// srpFloorSignature is a login's client computation written out with
// math/big alone: A = g^a, u, x, g^x, S = (B − k·g^x)^(a+u·x), K and the
// signature, with big.Int.Exp for all three exponentiations and no checks.
func srpFloorSignature(a, B, salt *big.Int, poolName, userID, password string, secretBlock []byte, ts string) []byte {
	N, g, k := group.N, group.g, group.k
	A := new(big.Int).Exp(g, a, N)
	u := hashInt(padBytes(A), padBytes(B))
	inner := sha256.Sum256([]byte(poolName + userID + ":" + password))
	x := hashInt(padBytes(salt), inner[:])
	gx := new(big.Int).Exp(g, x, N)
	base := new(big.Int).Sub(B, gx.Mul(gx, k))
	base.Mod(base, N)
	S := base.Exp(base, new(big.Int).Add(a, new(big.Int).Mul(u, x)), N)
	key, _ := hkdf.Key(sha256.New, padBytes(S), padBytes(u), derivedKeyInfo, 16)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(poolName + userID))
	m.Write(secretBlock)
	m.Write([]byte(ts))
	return m.Sum(nil)
}

// TestSRPFloorMatchesLogin checks that BenchmarkSRPFloor does a login's
// work: for random private values and challenges, its signature is the
// one PasswordClaim sends. A floor that skipped an exponentiation or a
// hash would be cheaper than a login can ever be.
func TestSRPFloorMatchesLogin(t *testing.T) {
	now := time.Date(2025, 3, 4, 9, 5, 7, 0, time.UTC)
	for range 4 {
		a, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), privateKeyBytes*8))
		if err != nil {
			t.Fatal(err)
		}
		B, err := rand.Int(rand.Reader, group.N)
		if err != nil {
			t.Fatal(err)
		}
		salt := make([]byte, 16)
		rand.Read(salt)
		secretBlock := make([]byte, 64)
		rand.Read(secretBlock)
		ch := PasswordChallenge{UserIDForSRP: "3f1c9a6e-1b2d-4c5e-8f70-9a1b2c3d4e5f", SRPB: B.Text(16),
			Salt: hex.EncodeToString(salt), SecretBlock: base64.StdEncoding.EncodeToString(secretBlock)}
		s, err := newSRPFromPrivate("AbC123xyZ", a)
		if err != nil {
			t.Fatal(err)
		}
		claim, err := s.PasswordClaim(ch, "correct horse battery staple", now)
		if err != nil {
			t.Fatal(err)
		}
		floor := srpFloorSignature(a, B, new(big.Int).SetBytes(salt), "AbC123xyZ", ch.UserIDForSRP,
			"correct horse battery staple", secretBlock, Timestamp(now))
		if got := base64.StdEncoding.EncodeToString(floor); got != claim.Signature {
			t.Fatalf("floor signature %s, PasswordClaim %s", got, claim.Signature)
		}
		// BenchmarkSRPLatency's path without comb tables signs alike.
		bare, err := s.passwordClaim(&ch, "correct horse battery staple", now, nil)
		if err != nil || bare.Signature != claim.Signature {
			t.Fatalf("claim without comb tables: %v, %v; want signature %s", bare, err, claim.Signature)
		}
	}
}

// cannedTransport answers InitiateAuth with a fixed PASSWORD_VERIFIER
// challenge and RespondToAuthChallenge with fixed tokens, without a
// server: BenchmarkLogin then counts the client's work alone.
type cannedTransport struct{ challenge, tokens []byte }

func (c *cannedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	io.Copy(io.Discard, req.Body)
	req.Body.Close()
	body := c.tokens
	if req.Header.Get("X-Amz-Target") == "AWSCognitoIdentityProviderService.InitiateAuth" {
		body = c.challenge
	}
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/x-amz-json-1.1"}},
		ContentLength: int64(len(body)), Body: io.NopCloser(bytes.NewReader(body)), Request: req}, nil
}

// BenchmarkLogin is one whole SRP login through Session.Authenticate: the
// SRP math, both Cognito calls encoded and decoded, and the tokens parsed.
// Its allocs/op and B/op are those of one login.
func BenchmarkLogin(b *testing.B) {
	waitForCombs(b)
	s := cannedSession(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Authenticate(ctx, cannedPassword); err != nil {
			b.Fatal(err)
		}
	}
}

// cannedPassword is the password cannedSession's Cognito accepts (it checks
// none).
const cannedPassword = "correct horse battery staple"

// cannedSession returns a session whose Cognito calls a cannedTransport
// answers: every login succeeds.
func cannedSession(tb testing.TB) *Session {
	tb.Helper()
	ch := benchChallenge(tb)
	now := time.Now()
	tok := fxJWT(map[string]any{"token_use": "access", "username": ch.UserIDForSRP, "jti": "bench",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
	challenge, _ := json.Marshal(AuthOutput{ChallengeName: ChallengePasswordVerifier, Session: "session",
		ChallengeParameters: map[string]string{"USER_ID_FOR_SRP": ch.UserIDForSRP, "USERNAME": ch.UserIDForSRP,
			"SRP_B": ch.SRPB, "SALT": ch.Salt, "SECRET_BLOCK": ch.SecretBlock}})
	tokens, _ := json.Marshal(AuthOutput{AuthenticationResult: &AuthenticationResult{
		AccessToken: tok, IdToken: tok, RefreshToken: "refresh", ExpiresIn: 3600, TokenType: "Bearer"}})
	s, err := NewSession(Config{UserPoolID: "us-east-1_AbC123xyZ", ClientID: "client", ClientSecret: "secret",
		HTTPClient: &http.Client{Transport: &cannedTransport{challenge, tokens}}}, "alice@example.com")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}
