// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// This file forges tokens and serves key sets for the tests: a fixed RSA
// key from testdata (so that fuzz seeds stay valid), and keys generated once
// per run for rotation and weak-key cases.

const (
	testPoolID   = "us-east-1_TestPool"
	testClientID = "testclient"
	testKid      = "kid-1"
)

// testIssuer is the iss of the pool on the public endpoint.
const testIssuer = "https://cognito-idp.us-east-1.amazonaws.com/" + testPoolID

// testUpdatedIssuer is the test pool's issuer when its issuer configuration
// is UPDATED, which a Verifier accepts too.
const testUpdatedIssuer = "https://issuer-cognito-idp.us-east-1.amazonaws.com/" + testPoolID

// testKey is the fixed 2048-bit key under testdata/verify.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	data, err := os.ReadFile("testdata/verify/rsa2048.pem")
	if err != nil {
		panic(err)
	}
	block, _ := pem.Decode(data)
	k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		panic(err)
	}
	return k
})

// otherKey and weakKey are generated once per test run.
var (
	otherKey = sync.OnceValue(func() *rsa.PrivateKey { return generateKey(2048) })
	weakKey  = sync.OnceValue(func() *rsa.PrivateKey { return generateKey(1024) })
)

func generateKey(bits int) *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		panic(err)
	}
	return k
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func b64JSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b64(b)
}

// signRS256 returns header.claims signed with key.
func signRS256(key *rsa.PrivateKey, header, claims map[string]any) string {
	signed := b64JSON(header) + "." + b64JSON(claims)
	d := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, d[:])
	if err != nil {
		panic(err)
	}
	return signed + "." + b64(sig)
}

// signHS256 returns header.claims with an HMAC-SHA256 signature under
// secret: what a key-confusion attack sends.
func signHS256(secret []byte, header, claims map[string]any) string {
	signed := b64JSON(header) + "." + b64JSON(claims)
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(signed))
	return signed + "." + b64(mac.Sum(nil))
}

// rsHeader is the header Cognito sends.
func rsHeader(kid string) map[string]any { return map[string]any{"alg": "RS256", "kid": kid} }

// accessClaims returns the claims of an access token issued at iat that
// lives for an hour.
func accessClaims(iat time.Time) map[string]any {
	return map[string]any{
		"iss": testIssuer, "sub": "sub-1", "token_use": "access", "client_id": testClientID,
		"username": "internal-user", "iat": iat.Unix(), "exp": iat.Add(time.Hour).Unix(),
		"auth_time": iat.Unix(), "jti": "jti-1", "scope": "aws.cognito.signin.user.admin",
	}
}

// idClaims returns the claims of the matching id token.
func idClaims(iat time.Time) map[string]any {
	return map[string]any{
		"iss": testIssuer, "sub": "sub-1", "token_use": "id", "aud": testClientID,
		"cognito:username": "internal-user", "iat": iat.Unix(), "exp": iat.Add(time.Hour).Unix(),
		"auth_time": iat.Unix(), "email": "user@example.com",
	}
}

// with returns a copy of m with the given changes; a nil value deletes.
func with(m map[string]any, kv ...any) map[string]any {
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(c, kv[i].(string))
		} else {
			c[kv[i].(string)] = kv[i+1]
		}
	}
	return c
}

// jwkOf returns the public half of key as a JWK.
func jwkOf(kid string, key *rsa.PrivateKey) map[string]any {
	return map[string]any{
		"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
		"n": b64(key.N.Bytes()), "e": b64(big.NewInt(int64(key.E)).Bytes()),
	}
}

// jwksServer serves a key set that a test may swap, and counts fetches.
type jwksServer struct {
	*httptest.Server
	fetches atomic.Int64
	delay   time.Duration
	gate    chan struct{} // when set, each fetch waits until it is closed
	mu      sync.Mutex
	body    []byte
	status  int
}

func newJWKSServer(t testing.TB, keys ...map[string]any) *jwksServer {
	s := &jwksServer{status: http.StatusOK}
	s.setKeys(keys...)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		time.Sleep(s.delay)
		if s.gate != nil {
			select {
			case <-s.gate:
			case <-r.Context().Done():
			}
		}
		s.mu.Lock()
		body, status := s.body, s.status
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) setKeys(keys ...map[string]any) {
	b, _ := json.Marshal(map[string]any{"keys": keys})
	s.set(http.StatusOK, b)
}

func (s *jwksServer) set(status int, body []byte) {
	s.mu.Lock()
	s.body, s.status = body, status
	s.mu.Unlock()
}

// fakeClock is a settable clock for tests.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	reads atomic.Int64 // calls of Now
}

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{t: t} }

func (c *fakeClock) Now() time.Time {
	c.reads.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
