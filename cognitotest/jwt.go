// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
)

// processKey returns the RSA key shared by every Server of the process
// whose Config has no Key. Generating a 2048-bit key takes long enough
// that a test suite with many servers should pay for it once.
var processKey = sync.OnceValues(func() (*rsa.PrivateKey, error) {
	return rsa.GenerateKey(rand.Reader, 2048)
})

// keyID names the public key of a Config.Key in the JWKS and the tokens'
// kid header: the base64 SHA-256 of its DER form, shaped like Cognito's
// key ids. (The process key gets a random id per Server instead.)
func keyID(pub *rsa.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("cognitotest: encoding the public key: %w", err)
	}
	sum := sha256.Sum256(der)
	return base64.StdEncoding.EncodeToString(sum[:]), nil
}

// JWK is one key of a JSON Web Key Set, in the members Cognito publishes.
type JWK struct {
	Alg string `json:"alg"` // "RS256"
	E   string `json:"e"`   // the RSA public exponent, base64url without padding
	Kid string `json:"kid"` // the key id that the tokens' kid header names
	Kty string `json:"kty"` // "RSA"
	N   string `json:"n"`   // the RSA modulus, base64url without padding
	Use string `json:"use"` // "sig": the key verifies signatures
}

// JWKSet is a JSON Web Key Set.
type JWKSet struct {
	Keys []JWK `json:"keys"` // a Server publishes one: the key it signs with
}

// JWKS returns the key set the server publishes at JWKSURL.
func (s *Server) JWKS() JWKSet {
	pub := &s.key.PublicKey
	return JWKSet{Keys: []JWK{{
		Alg: "RS256",
		E:   base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		Kid: s.kid,
		Kty: "RSA",
		N:   base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		Use: "sig",
	}}}
}

// sign returns the compact RS256 JWS of claims.
func (s *Server) sign(claims map[string]any) (string, error) {
	header, err := json.Marshal(map[string]string{"kid": s.kid, "alg": "RS256"})
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signed := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(payload)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(nil, s.key, crypto.SHA256, sum[:])
	if err != nil {
		return "", err
	}
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// errBadSignature is the cause behind ErrInvalidToken for a token this
// server did not sign.
var errBadSignature = errors.New("signature does not verify")

// checkSignature verifies that this server signed token.
func (s *Server) checkSignature(token string) error {
	head, rest, ok1 := strings.Cut(token, ".")
	payload, sig, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || strings.Contains(sig, ".") {
		return errors.New("not a compact JWS")
	}
	hb, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return errors.New("header is not base64url")
	}
	var h struct{ Alg, Kid string }
	if err := json.Unmarshal(hb, &h); err != nil {
		return errors.New("header is not JSON")
	}
	if h.Alg != "RS256" {
		return fmt.Errorf("alg %q is not RS256", h.Alg)
	}
	if h.Kid != s.kid {
		// Most often a token of another Server of the test suite: each
		// signs under a key id of its own.
		return fmt.Errorf("kid %q is not this server's key", h.Kid)
	}
	// Strict, and without the line breaks the decoder would skip: a
	// signature has one spelling, as cognitosrp's Verify requires, so
	// that no altered copy of a token verifies.
	sb, err := base64.RawURLEncoding.Strict().DecodeString(sig)
	if err != nil || strings.ContainsAny(sig, "\r\n") {
		return errors.New("signature is not base64url")
	}
	sum := sha256.Sum256([]byte(head + "." + payload))
	if rsa.VerifyPKCS1v15(&s.key.PublicKey, crypto.SHA256, sum[:], sb) != nil {
		return errBadSignature
	}
	return nil
}
