// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
)

// TestRequireToken runs the middleware of ExampleVerifier_middleware
// against a key set served locally.
func TestRequireToken(t *testing.T) {
	data, err := os.ReadFile("testdata/verify/rsa2048.pem")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	key, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	var keysDown atomic.Bool
	jwks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if keysDown.Load() {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"keys": []any{map[string]string{
			"kty": "RSA", "kid": "k1", "alg": "RS256", "use": "sig",
			"n": enc(key.N.Bytes()), "e": enc(big.NewInt(int64(key.E)).Bytes()),
		}}})
	}))
	defer jwks.Close()
	sign := func(claims map[string]any) string {
		h, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": "k1"})
		c, _ := json.Marshal(claims)
		signed := enc(h) + "." + enc(c)
		d := sha256.Sum256([]byte(signed))
		sig, _ := rsa.SignPKCS1v15(nil, key, crypto.SHA256, d[:])
		return signed + "." + enc(sig)
	}
	iss := "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123"
	now := time.Now()
	v, err := cognitosrp.NewVerifier(cognitosrp.VerifierConfig{
		UserPoolID: "us-east-1_AbC123", ClientIDs: []string{"c1"}, TokenUse: "access",
		JWKSURL: jwks.URL, HTTPClient: jwks.Client(), RefetchInterval: time.Nanosecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(requireToken(v, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, r.Context().Value(claimsKey{}).(*cognitosrp.Claims).Username)
	})))
	defer api.Close()
	claims := map[string]any{"iss": iss, "token_use": "access", "client_id": "c1", "username": "alice", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
	get := func(auth string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, api.URL, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("Bearer " + sign(claims)); code != 200 || body != "alice" {
		t.Fatalf("valid token: %d %q", code, body)
	}
	if code, body := get("bearer " + sign(claims)); code != 200 || body != "alice" {
		t.Fatalf("valid token, scheme in lower case: %d %q", code, body)
	}
	claims["client_id"] = "c2"
	if code, _ := get("Bearer " + sign(claims)); code != http.StatusUnauthorized {
		t.Fatalf("token of another client: %d", code)
	}
	if code, _ := get(""); code != http.StatusUnauthorized {
		t.Fatalf("no token: %d", code)
	}
	keysDown.Store(true)
	h, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": "k2"})
	claims["client_id"] = "c1"
	c, _ := json.Marshal(claims)
	if code, _ := get("Bearer " + enc(h) + "." + enc(c) + ".AAAA"); code != http.StatusServiceUnavailable {
		t.Fatalf("keys unavailable: %d", code)
	}
}
