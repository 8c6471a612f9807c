// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
)

// This file reads a JSON Web Key Set (RFC 7517) as Cognito publishes it at
// {iss}/.well-known/jwks.json, keeping only keys that can check RS256.

// ErrInvalidKeySet reports a key set document that cannot be used: not
// JSON, the wrong shape, two keys with one kid, or no usable key at all.
var ErrInvalidKeySet = errors.New("cognitosrp: invalid JSON Web Key Set")

// RSA key sizes accepted for signatures. Below 2048 bits a key is too weak;
// above 8192 bits it only makes each verification expensive, which a hostile
// key set could use to slow a server down.
const (
	minRSABits = 2048
	maxRSABits = 8192
)

// jwk is one key as published; only the members this package needs.
type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Use string `json:"use"`
	N   string `json:"n"`
	E   string `json:"e"`
}

// parseJWKS returns the RS256 signing keys of a key set by kid. Keys of
// another type, algorithm or use are skipped, since a key set may serve
// other purposes too; a malformed RSA key, a key size out of bounds or a
// repeated kid makes the whole set invalid, as it is not what Cognito
// publishes.
func parseJWKS(data []byte) (map[string]*rsa.PublicKey, error) {
	var set struct {
		Keys []jwk `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		// The decoder's message may quote a character of the body; the
		// key set is public, so that is no leak.
		return nil, errorf("%w: %v", ErrInvalidKeySet, err)
	}
	keys := make(map[string]*rsa.PublicKey, len(set.Keys))
	for i, k := range set.Keys {
		if k.Kty != "RSA" || (k.Alg != "" && k.Alg != "RS256") || (k.Use != "" && k.Use != "sig") {
			continue
		}
		if k.Kid == "" {
			return nil, errorf("%w: key %d has no kid", ErrInvalidKeySet, i)
		}
		if _, dup := keys[k.Kid]; dup {
			return nil, errorf("%w: kid %.64q appears twice", ErrInvalidKeySet, k.Kid)
		}
		pub, err := rsaKey(k)
		if err != nil {
			return nil, errorf("%w: key %.64q: %v", ErrInvalidKeySet, k.Kid, err)
		}
		keys[k.Kid] = pub
	}
	if len(keys) == 0 {
		return nil, refine(&ErrInvalidKeySet, "no RS256 signing key")
	}
	return keys, nil
}

// rsaKey builds the public key of k, checking its size and exponent.
func rsaKey(k jwk) (*rsa.PublicKey, error) {
	nb, err := decodeBase64URL(k.N)
	if err != nil || len(nb) == 0 || len(nb) > maxRSABits/8+1 {
		return nil, errors.New("modulus n is not a base64url number of a usable size")
	}
	n := new(big.Int).SetBytes(nb)
	if bits := n.BitLen(); bits < minRSABits || bits > maxRSABits {
		return nil, errorf("modulus of %d bits (want %d to %d)", bits, minRSABits, maxRSABits)
	}
	if n.Bit(0) == 0 {
		return nil, errors.New("modulus is even")
	}
	eb, err := decodeBase64URL(k.E)
	if err != nil || len(eb) == 0 || len(eb) > 4 {
		return nil, errors.New("exponent e is not a base64url number of at most 4 bytes")
	}
	var e int64 // at most 4 bytes: below 2^32
	for _, b := range eb {
		e = e<<8 | int64(b)
	}
	// crypto/rsa takes e as an int and refuses e < 2 or e ≥ 2^31; an even
	// e is not an RSA exponent.
	if e < 3 || e > 1<<31-1 || e%2 == 0 {
		return nil, errors.New("exponent e is out of range")
	}
	return &rsa.PublicKey{N: n, E: int(e)}, nil
}

// decodeBase64URL decodes base64url, tolerating the padding that RFC 7518
// forbids but some publishers add.
func decodeBase64URL(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}
