// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// testNow is the fixed time the verification tests run at.
var testNow = time.Date(2026, 3, 4, 9, 5, 7, 0, time.UTC)

// newTestVerifier returns a verifier of the test pool against srv, at the
// time of clock.
func newTestVerifier(t testing.TB, srv *jwksServer, clock *fakeClock, mod func(*VerifierConfig)) *Verifier {
	t.Helper()
	cfg := VerifierConfig{
		UserPoolID: testPoolID,
		ClientIDs:  []string{"other-client", testClientID},
		JWKSURL:    srv.URL + "/.well-known/jwks.json",
		HTTPClient: srv.Client(),
		Now:        clock.Now,
	}
	if mod != nil {
		mod(&cfg)
	}
	v, err := NewVerifier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestVerifyAcceptsCognitoTokens(t *testing.T) {
	srv := newJWKSServer(t, jwkOf("other", otherKey()), jwkOf(testKid, testKey()))
	v := newTestVerifier(t, srv, newFakeClock(testNow), nil)
	for name, claims := range map[string]map[string]any{
		"access": accessClaims(testNow.Add(-time.Minute)),
		"id":     idClaims(testNow.Add(-time.Minute)),
		// Within the leeway either side.
		"expired 30s ago":  accessClaims(testNow.Add(-time.Hour - 30*time.Second)),
		"issued 30s ahead": accessClaims(testNow.Add(30 * time.Second)),
	} {
		c, err := v.Verify(context.Background(), signRS256(testKey(), rsHeader(testKid), claims))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if c.Subject != "sub-1" || c.InternalUsername() != "internal-user" {
			t.Errorf("%s: claims %+v", name, c)
		}
	}
	if n := srv.fetches.Load(); n != 1 {
		t.Errorf("%d key set fetches, want 1", n)
	}
}

// TestVerifyTypIsTheJWTMediaType: typ names a media type, compared without
// regard to case, and RFC 7515 (4.1.9) has a recipient read a value without
// '/' as if "application/" came before it: "JWT" and "application/jwt" are
// one type, and a token may carry either.
func TestVerifyTypIsTheJWTMediaType(t *testing.T) {
	srv := newJWKSServer(t, jwkOf(testKid, testKey()))
	v := newTestVerifier(t, srv, newFakeClock(testNow), nil)
	for typ, ok := range map[string]bool{
		"JWT": true, "jwt": true, "application/jwt": true, "Application/JWT": true,
		"JWE": false, "at+jwt": false, "application/json": false, "text/jwt": false, "application/": false,
	} {
		_, err := v.Verify(context.Background(), signRS256(testKey(), with(rsHeader(testKid), "typ", typ), accessClaims(testNow)))
		if ok && err != nil || !ok && !errors.Is(err, ErrTokenInvalid) {
			t.Errorf("typ %q: Verify = %v, want accepted %v", typ, err, ok)
		}
	}
}

// TestVerifyIgnoresKeysTheTokenNames: the header parameters that point to
// a key (jku and x5u, URLs; jwk, the key itself; x5c, a certificate
// chain) are the signer's word, and a forger's: a token signed with a key
// it names verifies only if that key is in the configured key set. The
// forger's key set is served too, and must never be fetched.
func TestVerifyIgnoresKeysTheTokenNames(t *testing.T) {
	srv := newJWKSServer(t, jwkOf(testKid, testKey()))
	evil := newJWKSServer(t, jwkOf(testKid, otherKey()), jwkOf("evil", otherKey()))
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: testNow.Add(-time.Hour), NotAfter: testNow.Add(time.Hour)}
	cert, err := x509.CreateCertificate(strings.NewReader(strings.Repeat("r", 1<<10)), tmpl, tmpl, &otherKey().PublicKey, otherKey())
	if err != nil {
		t.Fatal(err)
	}
	ac := accessClaims(testNow.Add(-time.Minute))
	for _, kid := range []string{testKid, "evil"} {
		for name, value := range map[string]any{
			"jku": evil.URL,
			"x5u": evil.URL,
			"jwk": jwkOf(kid, otherKey()),
			"x5c": []string{base64.StdEncoding.EncodeToString(cert)},
		} {
			v := newTestVerifier(t, srv, newFakeClock(testNow), nil)
			c, err := v.Verify(context.Background(), signRS256(otherKey(), with(rsHeader(kid), name, value), ac))
			if c != nil || !errors.Is(err, ErrTokenInvalid) {
				t.Errorf("%s, kid %q: Verify = %v, %v; want ErrTokenInvalid", name, kid, c, err)
			}
		}
	}
	if n := evil.fetches.Load(); n != 0 {
		t.Errorf("the key set a token named was fetched %d times", n)
	}
}

func TestVerifyRejects(t *testing.T) {
	srv := newJWKSServer(t, jwkOf(testKid, testKey()), jwkOf("kid-2", otherKey()))
	iat := testNow.Add(-time.Minute)
	ac := accessClaims(iat)
	good := signRS256(testKey(), rsHeader(testKid), ac)
	parts := strings.Split(good, ".")
	// The same signature spelled otherwise: the last character of a
	// 256-byte signature carries 2 bits and 4 bits that must be zero.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	respelled := good[:len(good)-1] + string(alphabet[strings.IndexByte(alphabet, good[len(good)-1])|1])
	pubPKIX, _ := x509.MarshalPKIXPublicKey(&testKey().PublicKey)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubPKIX})
	tests := []struct {
		name  string
		token string
		use   string // VerifierConfig.TokenUse
		want  error
	}{
		{"alg none", b64JSON(map[string]any{"alg": "none", "kid": testKid}) + "." + parts[1] + ".", "", ErrSignature},
		{"alg none no kid", b64JSON(map[string]any{"alg": "none"}) + "." + parts[1] + ".", "", ErrSignature},
		{"HS256 with the PEM public key", signHS256(pubPEM, map[string]any{"alg": "HS256", "kid": testKid}, ac), "", ErrSignature},
		{"HS256 with the modulus", signHS256(testKey().N.Bytes(), map[string]any{"alg": "HS256", "kid": testKid}, ac), "", ErrSignature},
		{"RS384", signRS256(testKey(), map[string]any{"alg": "RS384", "kid": testKid}, ac), "", ErrSignature},
		{"alg lower case", signRS256(testKey(), map[string]any{"alg": "rs256", "kid": testKid}, ac), "", ErrSignature},
		{"alg missing", signRS256(testKey(), map[string]any{"kid": testKid}, ac), "", ErrSignature},
		{"alg in upper case", signRS256(testKey(), map[string]any{"ALG": "RS256", "kid": testKid}, ac), "", ErrSignature},
		{"kid in mixed case", signRS256(testKey(), map[string]any{"alg": "RS256", "Kid": testKid}, ac), "", ErrUnknownKey},
		{"crit null", signRS256(testKey(), with(rsHeader(testKid), "crit", json.RawMessage("null")), ac), "", ErrTokenInvalid},
		{"kid not a string", signRS256(testKey(), map[string]any{"alg": "RS256", "kid": 7}, ac), "", ErrMalformedToken},
		{"header an array", b64JSON([]any{"RS256"}) + "." + parts[1] + "." + parts[2], "", ErrMalformedToken},
		{"alg not a string", signRS256(testKey(), map[string]any{"alg": 1, "kid": testKid}, ac), "", ErrMalformedToken},
		{"typ JWE", signRS256(testKey(), with(rsHeader(testKid), "typ", "JWE"), ac), "", ErrTokenInvalid},
		{"crit", signRS256(testKey(), with(rsHeader(testKid), "crit", []string{"exp"}), ac), "", ErrTokenInvalid},
		{"no kid", signRS256(testKey(), map[string]any{"alg": "RS256"}, ac), "", ErrUnknownKey},
		{"unknown kid", signRS256(testKey(), rsHeader("nope"), ac), "", ErrUnknownKey},
		{"jku does not add keys", signRS256(otherKey(), with(rsHeader("nope"), "jku", srv.URL), ac), "", ErrUnknownKey},
		{"signed by another key", signRS256(otherKey(), rsHeader(testKid), ac), "", ErrSignature},
		{"payload swapped", parts[0] + "." + b64JSON(with(ac, "username", "admin")) + "." + parts[2], "", ErrSignature},
		{"signature truncated", good[:len(good)-8], "", ErrSignature},
		{"signature empty", parts[0] + "." + parts[1] + ".", "", ErrSignature},
		{"signature not base64url", parts[0] + "." + parts[1] + ".*" + parts[2][1:], "", ErrMalformedToken},
		{"signature padded", good + "==", "", ErrMalformedToken},
		{"signature with padding bits set", respelled, "", ErrMalformedToken},
		{"line break after the signature", good + "\n", "", ErrMalformedToken},
		{"line break in the signature", good[:len(good)-10] + "\r\n" + good[len(good)-10:], "", ErrMalformedToken},
		{"two segments", parts[0] + "." + parts[1], "", ErrMalformedToken},
		{"header not JSON", b64([]byte("RS256")) + "." + parts[1] + "." + parts[2], "", ErrMalformedToken},
		{"header not base64url", "!!." + parts[1] + "." + parts[2], "", ErrMalformedToken},
		{"header padded", parts[0] + "=." + parts[1] + "." + parts[2], "", ErrMalformedToken},
		{"empty", "", "", ErrMalformedToken},
		{"oversized", good + strings.Repeat("A", maxTokenLen), "", ErrMalformedToken},
		{"wrong issuer", signRS256(testKey(), rsHeader(testKid), with(ac, "iss", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other")), "", ErrClaimMismatch},
		{"issuer with slash", signRS256(testKey(), rsHeader(testKid), with(ac, "iss", testIssuer+"/")), "", ErrClaimMismatch},
		{"no issuer", signRS256(testKey(), rsHeader(testKid), with(ac, "iss", nil)), "", ErrClaimMismatch},
		{"token_use refresh", signRS256(testKey(), rsHeader(testKid), with(ac, "token_use", "refresh")), "", ErrClaimMismatch},
		{"id token where access wanted", signRS256(testKey(), rsHeader(testKid), idClaims(iat)), "access", ErrClaimMismatch},
		{"access token for another client", signRS256(testKey(), rsHeader(testKid), with(ac, "client_id", "evil")), "", ErrClaimMismatch},
		{"access token with aud only", signRS256(testKey(), rsHeader(testKid), with(ac, "client_id", nil, "aud", testClientID)), "", ErrClaimMismatch},
		{"id token for another client", signRS256(testKey(), rsHeader(testKid), with(idClaims(iat), "aud", "evil")), "", ErrClaimMismatch},
		{"no exp", signRS256(testKey(), rsHeader(testKid), with(ac, "exp", nil)), "", ErrClaimMismatch},
		{"no iat", signRS256(testKey(), rsHeader(testKid), with(ac, "iat", nil)), "", ErrClaimMismatch},
		{"expired", signRS256(testKey(), rsHeader(testKid), with(ac, "exp", testNow.Add(-2*time.Minute).Unix())), "", ErrTokenExpired},
		{"expires at the leeway", signRS256(testKey(), rsHeader(testKid), with(ac, "exp", testNow.Add(-DefaultLeeway).Unix())), "", ErrTokenExpired},
		{"issued in the future", signRS256(testKey(), rsHeader(testKid), with(ac, "iat", testNow.Add(2*time.Minute).Unix())), "", ErrTokenNotYetValid},
		{"nbf in the future", signRS256(testKey(), rsHeader(testKid), with(ac, "nbf", testNow.Add(2*time.Minute).Unix())), "", ErrTokenNotYetValid},
		{"nbf not a number", signRS256(testKey(), rsHeader(testKid), with(ac, "nbf", "soon")), "", ErrTokenInvalid},
		{"exp a string", signRS256(testKey(), rsHeader(testKid), with(ac, "exp", "2030")), "", ErrMalformedToken},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := newTestVerifier(t, srv, newFakeClock(testNow), func(c *VerifierConfig) { c.TokenUse = tc.use })
			c, err := v.Verify(context.Background(), tc.token)
			if !errors.Is(err, tc.want) || !errors.Is(err, ErrTokenInvalid) {
				t.Fatalf("Verify = %v, %v; want an error matching %v and ErrTokenInvalid", c, err, tc.want)
			}
			if c != nil {
				t.Fatal("claims returned with an error")
			}
		})
	}
	// The same verifier accepts the good token: the cases fail for the
	// reason given, not for a broken setup.
	if _, err := newTestVerifier(t, srv, newFakeClock(testNow), nil).Verify(context.Background(), good); err != nil {
		t.Fatal(err)
	}
	// With Issuer set, the pool has no UPDATED issuer to accept besides
	// it: a token without iss is still refused, and the good one accepted.
	v := newTestVerifier(t, srv, newFakeClock(testNow), func(c *VerifierConfig) { c.Issuer = testIssuer })
	if c, err := v.Verify(context.Background(), signRS256(testKey(), rsHeader(testKid), with(ac, "iss", nil))); !errors.Is(err, ErrClaimMismatch) {
		t.Errorf("Issuer set, no iss: Verify = %v, %v; want ErrClaimMismatch", c, err)
	}
	if _, err := v.Verify(context.Background(), good); err != nil {
		t.Errorf("Issuer set, the good token: %v", err)
	}
}

// TestVerifyLeeway: VerifierConfig.Leeway is the drift allowed on exp, iat
// and nbf, zero means DefaultLeeway and a negative value none, as its doc
// says; each setting is held on both sides of its edge.
func TestVerifyLeeway(t *testing.T) {
	srv := newJWKSServer(t, jwkOf(testKid, testKey()))
	expired := func(ago time.Duration) map[string]any {
		return accessClaims(testNow.Add(-time.Hour - ago))
	}
	ahead := func(d time.Duration) map[string]any { return accessClaims(testNow.Add(d)) }
	for _, tc := range []struct {
		leeway, edge time.Duration // configured, and in effect
	}{{0, DefaultLeeway}, {5 * time.Minute, 5 * time.Minute}, {-time.Hour, 0}} {
		v := newTestVerifier(t, srv, newFakeClock(testNow), func(c *VerifierConfig) { c.Leeway = tc.leeway })
		for _, c := range []struct {
			claims map[string]any
			want   error
		}{
			{expired(tc.edge - time.Second), nil},
			{expired(tc.edge), ErrTokenExpired},
			{ahead(tc.edge), nil},
			{ahead(tc.edge + time.Second), ErrTokenNotYetValid},
			{with(accessClaims(testNow), "nbf", testNow.Add(tc.edge).Unix()), nil},
			{with(accessClaims(testNow), "nbf", testNow.Add(tc.edge+time.Second).Unix()), ErrTokenNotYetValid},
		} {
			_, err := v.Verify(context.Background(), signRS256(testKey(), rsHeader(testKid), c.claims))
			if !errors.Is(err, c.want) {
				t.Errorf("Leeway %v, exp %v iat %v nbf %v: Verify = %v, want %v",
					tc.leeway, c.claims["exp"], c.claims["iat"], c.claims["nbf"], err, c.want)
			}
		}
	}
}

// TestVerifyUnknownKidNoFetchStorm sends 200 concurrent verifications of a
// token with an unknown kid, cold and then warm, and counts key set fetches.
func TestVerifyUnknownKidNoFetchStorm(t *testing.T) {
	srv := newJWKSServer(t, jwkOf(testKid, testKey()))
	srv.delay = 20 * time.Millisecond // keep the fetch in flight while the others arrive
	clock := newFakeClock(testNow)
	v := newTestVerifier(t, srv, clock, nil)
	forged := signRS256(otherKey(), rsHeader("forged"), accessClaims(testNow))
	storm := func() {
		var wg sync.WaitGroup
		for range 200 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := v.Verify(context.Background(), forged); !errors.Is(err, ErrUnknownKey) {
					t.Errorf("Verify = %v, want ErrUnknownKey", err)
				}
			}()
		}
		wg.Wait()
	}
	storm()
	if n := srv.fetches.Load(); n != 1 {
		t.Fatalf("cold cache: %d fetches, want 1", n)
	}
	clock.Advance(DefaultRefetchInterval - time.Second)
	storm()
	if n := srv.fetches.Load(); n != 1 {
		t.Fatalf("within the refetch interval: %d fetches, want still 1", n)
	}
	clock.Advance(time.Second)
	storm()
	if n := srv.fetches.Load(); n != 2 {
		t.Fatalf("after the refetch interval: %d fetches, want 2", n)
	}
}

// warmVerifier returns a verifier that has fetched the test key set once,
// with its server and clock.
func warmVerifier(t *testing.T) (*jwksServer, *fakeClock, *Verifier) {
	t.Helper()
	srv := newJWKSServer(t, jwkOf(testKid, testKey()))
	clock := newFakeClock(testNow)
	v := newTestVerifier(t, srv, clock, nil)
	if _, err := v.Verify(context.Background(), signRS256(testKey(), rsHeader(testKid), accessClaims(testNow))); err != nil {
		t.Fatal(err)
	}
	return srv, clock, v
}

func TestVerifyKeyRotation(t *testing.T) {
	srv, clock, v := warmVerifier(t)
	ctx := context.Background()
	// The pool adds a key and signs with it.
	srv.setKeys(jwkOf(testKid, testKey()), jwkOf("kid-2", otherKey()))
	clock.Advance(DefaultRefetchInterval)
	if _, err := v.Verify(ctx, signRS256(otherKey(), rsHeader("kid-2"), accessClaims(testNow))); err != nil {
		t.Fatalf("token signed with the new key: %v", err)
	}
	// The pool drops the first key: it stops verifying once the cached set
	// outlives its lifetime.
	srv.setKeys(jwkOf("kid-2", otherKey()))
	old := signRS256(testKey(), rsHeader(testKid), accessClaims(testNow))
	if _, err := v.Verify(ctx, old); err != nil {
		t.Fatalf("dropped key within the cache lifetime: %v", err)
	}
	clock.Advance(DefaultKeyLifetime)
	if _, err := v.Verify(ctx, signRS256(testKey(), rsHeader(testKid), accessClaims(clock.Now()))); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("dropped key after the cache lifetime: %v, want ErrUnknownKey", err)
	}
}

// TestVerifyKeyLifetime: a configured KeyLifetime, not the default, bounds
// how long a key the pool has dropped still verifies tokens.
func TestVerifyKeyLifetime(t *testing.T) {
	const lifetime = 10 * time.Minute
	srv := newJWKSServer(t, jwkOf(testKid, testKey()))
	clock := newFakeClock(testNow)
	v := newTestVerifier(t, srv, clock, func(c *VerifierConfig) { c.KeyLifetime = lifetime })
	token := func() string { return signRS256(testKey(), rsHeader(testKid), accessClaims(clock.Now())) }
	if _, err := v.Verify(context.Background(), token()); err != nil {
		t.Fatal(err)
	}
	srv.setKeys(jwkOf("kid-2", otherKey()))
	clock.Advance(lifetime - time.Second)
	if _, err := v.Verify(context.Background(), token()); err != nil {
		t.Fatalf("dropped key within KeyLifetime: %v", err)
	}
	clock.Advance(time.Second)
	if _, err := v.Verify(context.Background(), token()); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("dropped key after KeyLifetime: %v, want ErrUnknownKey", err)
	}
	if n := srv.fetches.Load(); n != 2 {
		t.Fatalf("%d fetches, want 2", n)
	}
}

func TestVerifyKeySetUnavailable(t *testing.T) {
	srv, clock, v := warmVerifier(t)
	ctx := context.Background()
	// The key endpoint breaks; stale keys are not used past their lifetime,
	// and the failing endpoint is not asked again on every request.
	srv.set(http.StatusBadGateway, []byte("<html>bad gateway</html>"))
	clock.Advance(DefaultKeyLifetime)
	tok := signRS256(testKey(), rsHeader(testKid), accessClaims(clock.Now()))
	for range 3 {
		if _, err := v.Verify(ctx, tok); !errors.Is(err, ErrKeySetUnavailable) || errors.Is(err, ErrTokenInvalid) {
			t.Fatalf("Verify = %v, want ErrKeySetUnavailable and not ErrTokenInvalid", err)
		}
	}
	if n := srv.fetches.Load(); n != 2 {
		t.Fatalf("%d fetches, want 2", n)
	}
	srv.setKeys(jwkOf(testKid, testKey()))
	clock.Advance(failedFetchRetry)
	if _, err := v.Verify(ctx, tok); err != nil {
		t.Fatalf("after the endpoint recovered: %v", err)
	}
	// A new kid while the endpoint is down: the keys are unavailable, the
	// token is not proven bad.
	srv.set(http.StatusInternalServerError, nil)
	clock.Advance(DefaultRefetchInterval)
	if _, err := v.Verify(ctx, signRS256(otherKey(), rsHeader("kid-2"), accessClaims(clock.Now()))); !errors.Is(err, ErrKeySetUnavailable) {
		t.Fatalf("unknown kid, endpoint down: %v, want ErrKeySetUnavailable", err)
	}
	if _, err := v.Verify(ctx, tok); err != nil {
		t.Fatalf("known kid, endpoint down, keys fresh: %v", err)
	}
}

// TestVerifyWaitHonoursContext: a verification waiting for a fetch gives up
// when its context ends, and the fetch carries on for the others. The fetch
// is held until the first verification has returned, so no timing decides
// the outcome; a Verify that ignored its context would wait for it.
func TestVerifyWaitHonoursContext(t *testing.T) {
	srv := newJWKSServer(t, jwkOf(testKid, testKey()))
	srv.gate = make(chan struct{})
	v := newTestVerifier(t, srv, newFakeClock(testNow), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		_, err := v.Verify(ctx, signRS256(testKey(), rsHeader(testKid), accessClaims(testNow)))
		errc <- err
	}()
	select {
	case err := <-errc:
		if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrKeySetUnavailable) {
			t.Fatalf("Verify = %v, want the context's error", err)
		}
	case <-time.After(keyFetchTimeout / 3):
		// A guard that fires only on failure. It ends before the fetch's
		// own timeout, whose error would also match DeadlineExceeded.
		close(srv.gate)
		t.Fatal("Verify waited for the fetch past its context's deadline")
	}
	close(srv.gate)
	// The fetch carried on for the others.
	if _, err := v.Verify(context.Background(), signRS256(testKey(), rsHeader(testKid), accessClaims(testNow))); err != nil {
		t.Fatal(err)
	}
	if n := srv.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches, want 1", n)
	}
}

func TestParseJWKS(t *testing.T) {
	good := jwkOf(testKid, testKey())
	set := func(keys ...map[string]any) []byte { return mustJSON(map[string]any{"keys": keys}) }
	bad := []struct {
		name string
		doc  []byte
	}{
		{"not JSON", []byte("<html>")},
		{"keys not an array", []byte(`{"keys":{}}`)},
		{"n not a string", set(with(good, "n", 5))},
		{"no keys", []byte(`{"keys":[]}`)},
		{"only EC", set(map[string]any{"kty": "EC", "kid": "e", "crv": "P-256", "x": "AA", "y": "AA"})},
		{"only RS512", set(with(good, "alg", "RS512"))},
		{"only encryption", set(with(good, "use", "enc"))},
		{"weak key", set(jwkOf("weak", weakKey()))},
		{"even modulus", set(with(good, "n", b64(append(testKey().N.Bytes()[:255], 2))))},
		{"n not base64url", set(with(good, "n", "+/+/"))},
		{"e even", set(with(good, "e", b64([]byte{1, 0, 0})))},
		{"e one", set(with(good, "e", "AQ"))},
		{"e too long", set(with(good, "e", b64([]byte{1, 0, 0, 0, 1})))},
		{"e over 2^31-1", set(with(good, "e", b64([]byte{0x80, 0, 0, 1})))},
		{"e empty", set(with(good, "e", ""))},
		// A character after the last whole group: the decoder has read the
		// whole number by then, and only its error refuses it.
		{"n with a stray character", set(with(good, "n", b64(oddModulus(2064))+"!"))}, // 258 bytes: whole groups
		{"e with a stray character", set(with(good, "e", "AQAB!"))},
		{"no kid", set(with(good, "kid", nil))},
		{"duplicate kid", set(good, jwkOf(testKid, otherKey()))},
		// Odd moduli, so that only their size can refuse them.
		{"modulus just under the minimum", set(with(good, "n", b64(oddModulus(minRSABits-1))))},
		{"modulus just over the maximum", set(with(good, "n", b64(oddModulus(maxRSABits+1))))},
		{"huge modulus", set(with(good, "n", b64(oddModulus(64<<10))))},
		{"duplicate long kid", set(jwkOf(strings.Repeat("k", 4096), testKey()), jwkOf(strings.Repeat("k", 4096), otherKey()))},
		{"bad key with a long kid", set(with(jwkOf(strings.Repeat("k", 4096), testKey()), "e", "AQ"))},
	}
	for _, tc := range bad {
		if keys, err := parseJWKS(tc.doc); !errors.Is(err, ErrInvalidKeySet) {
			t.Errorf("%s: parseJWKS = %v, %v; want ErrInvalidKeySet", tc.name, keys, err)
		} else if len(err.Error()) > 200 {
			// The key set is the server's text: quote a bounded part of it.
			t.Errorf("%s: error of %d bytes", tc.name, len(err.Error()))
		}
	}
	keys, err := parseJWKS(set(map[string]any{"kty": "EC", "kid": "e"}, good, with(jwkOf("padded", otherKey()), "alg", nil, "use", nil, "e", "AQAB")))
	if err != nil || len(keys) != 2 || keys[testKid].N.Cmp(testKey().N) != 0 || keys["padded"].E != 65537 {
		t.Fatalf("parseJWKS = %v, %v", keys, err)
	}
	// The bounds themselves are accepted.
	for _, bits := range []int{minRSABits, maxRSABits} {
		if keys, err := parseJWKS(set(with(good, "n", b64(oddModulus(bits))))); err != nil || keys[testKid].N.BitLen() != bits {
			t.Errorf("modulus of %d bits: parseJWKS = %v, %v", bits, keys, err)
		}
		// A leading zero byte, as a publisher writing n as a signed
		// big-endian number adds, does not make the largest key too long.
		if keys, err := parseJWKS(set(with(good, "n", b64(append([]byte{0}, oddModulus(bits)...))))); err != nil || keys[testKid].N.BitLen() != bits {
			t.Errorf("modulus of %d bits after a zero byte: parseJWKS = %v, %v", bits, keys, err)
		}
	}
	// Padding, which RFC 7518 forbids, is tolerated.
	if keys, err := parseJWKS(set(with(good, "n", b64(testKey().N.Bytes())+"==", "e", "AQAB="))); err != nil || keys[testKid].N.Cmp(testKey().N) != 0 || keys[testKid].E != 65537 {
		t.Errorf("padded n and e: parseJWKS = %v, %v", keys, err)
	}
	for _, e := range []int{3, 1<<31 - 1} {
		if keys, err := parseJWKS(set(with(good, "e", b64(big.NewInt(int64(e)).Bytes())))); err != nil || keys[testKid].E != e {
			t.Errorf("e = %d: parseJWKS = %v, %v", e, keys, err)
		}
	}
}

// oddModulus returns an odd number of the given bit length, big-endian:
// the form of an RSA modulus, for tests of the size bounds.
func oddModulus(bits int) []byte {
	n := new(big.Int).Lsh(big.NewInt(1), uint(bits-1))
	return n.SetBit(n, 0, 1).Bytes()
}

func TestNewVerifierConfig(t *testing.T) {
	for name, cfg := range map[string]VerifierConfig{
		"no client":      {UserPoolID: testPoolID},
		"empty client":   {UserPoolID: testPoolID, ClientIDs: []string{""}},
		"bad pool":       {UserPoolID: "nopool", ClientIDs: []string{"c"}},
		"bad token use":  {UserPoolID: testPoolID, ClientIDs: []string{"c"}, TokenUse: "refresh"},
		"nothing at all": {},
		// An emulator's config taken before it started: every token
		// would otherwise fail as if the keys were down.
		"issuer without host": {Issuer: "/us-east-1_X", JWKSURL: "/us-east-1_X/.well-known/jwks.json", ClientIDs: []string{"c"}},
		"issuer only a path":  {Issuer: "/us-east-1_X", ClientIDs: []string{"c"}},
		"issuer not http":     {Issuer: "ftp://h/p", ClientIDs: []string{"c"}},
		"jwks url typo":       {UserPoolID: testPoolID, ClientIDs: []string{"c"}, JWKSURL: "htps://h/jwks.json"},
		"jwks url no host":    {UserPoolID: testPoolID, ClientIDs: []string{"c"}, JWKSURL: "https:///jwks.json"},
		"jwks url unparsable": {UserPoolID: testPoolID, ClientIDs: []string{"c"}, JWKSURL: "http://h/%zz"},
	} {
		if _, err := NewVerifier(cfg); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: NewVerifier = %v, want ErrConfig", name, err)
		}
	}
	v, err := NewVerifier(VerifierConfig{UserPoolID: "eu-west-1_X", ClientIDs: []string{"c"}})
	if err != nil || v.Issuer() != "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_X" ||
		v.keys.url != "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_X/.well-known/jwks.json" {
		t.Fatalf("defaults: %v %v", v, err)
	}
	v, err = NewVerifier(VerifierConfig{Issuer: "http://127.0.0.1:9229/local_1/", ClientIDs: []string{"c"}})
	if err != nil || v.Issuer() != "http://127.0.0.1:9229/local_1" || v.keys.url != "http://127.0.0.1:9229/local_1/.well-known/jwks.json" {
		t.Fatalf("issuer override: %v %v", v, err)
	}
}

// TestVerifierKeepsItsClientIDs: the verifier holds a copy of ClientIDs, so
// that a caller reusing its slice afterwards (to build another verifier, say)
// does not change which app clients this one accepts.
func TestVerifierKeepsItsClientIDs(t *testing.T) {
	srv := newJWKSServer(t, jwkOf(testKid, testKey()))
	ids := []string{testClientID}
	v := newTestVerifier(t, srv, newFakeClock(testNow), func(c *VerifierConfig) { c.ClientIDs = ids })
	ids[0] = "evil"
	if _, err := v.Verify(context.Background(), signRS256(testKey(), rsHeader(testKid), accessClaims(testNow))); err != nil {
		t.Errorf("the configured client, after the caller's slice changed: %v", err)
	}
	evil := signRS256(testKey(), rsHeader(testKid), with(accessClaims(testNow), "client_id", "evil"))
	if _, err := v.Verify(context.Background(), evil); !errors.Is(err, ErrClaimMismatch) {
		t.Errorf("a client written into the caller's slice afterwards: %v, want ErrClaimMismatch", err)
	}
}

// TestKeyFetchDoesNotFollowRedirects: a key set URL that redirects (here to
// a server with the right keys) is not followed, whatever the client: the
// keys must come from the URL configured, not from wherever an answer
// points, which could be plain http.
func TestKeyFetchDoesNotFollowRedirects(t *testing.T) {
	keys := newJWKSServer(t, jwkOf(testKid, testKey()))
	redirector := httptest.NewServer(http.RedirectHandler(keys.URL+"/.well-known/jwks.json", http.StatusFound))
	defer redirector.Close()
	token := signRS256(testKey(), rsHeader(testKid), accessClaims(testNow.Add(-time.Minute)))
	for _, hc := range []*http.Client{nil, {}} {
		v := newTestVerifier(t, keys, newFakeClock(testNow), func(c *VerifierConfig) {
			c.JWKSURL = redirector.URL + "/jwks.json"
			c.HTTPClient = hc
		})
		if _, err := v.Verify(context.Background(), token); !errors.Is(err, ErrKeySetUnavailable) {
			t.Errorf("HTTPClient %v: Verify = %v, want ErrKeySetUnavailable", hc != nil, err)
		}
	}
	if n := keys.fetches.Load(); n != 0 {
		t.Errorf("the redirect was followed: %d fetches from its target", n)
	}
}

// TestZeroVerifier: a Verifier not built with NewVerifier fails with
// ErrConfig, as a zero Auth does, instead of dereferencing its missing key
// cache on a well-formed token.
func TestZeroVerifier(t *testing.T) {
	var v Verifier
	token := signRS256(testKey(), rsHeader(testKid), accessClaims(testNow))
	if _, err := v.Verify(context.Background(), token); !errors.Is(err, ErrConfig) {
		t.Fatalf("zero Verifier: %v, want ErrConfig", err)
	}
	// The nil of a failed NewVerifier, put into Config.Verifier, is a
	// TokenVerifier that is not nil.
	var nilV *Verifier
	if _, err := nilV.Verify(context.Background(), token); !errors.Is(err, ErrConfig) {
		t.Fatalf("nil Verifier: %v, want ErrConfig", err)
	}
	if v.Issuer() != "" || nilV.Issuer() != "" {
		t.Errorf("Issuer of a zero and a nil Verifier: %q, %q; want \"\"", v.Issuer(), nilV.Issuer())
	}
}

// TestVerifyUpdatedIssuer: a pool whose issuer configuration is UPDATED
// signs tokens with iss https://issuer-cognito-idp.{region}.amazonaws.com/
// {poolId} and publishes its keys under that issuer. By default both that
// issuer and the original are accepted, each with the key set of its own
// URL; a configured Issuer is the only one.
func TestVerifyUpdatedIssuer(t *testing.T) {
	const updatedIssuer = testUpdatedIssuer
	sets := map[string][]byte{}
	for issuer, jwk := range map[string]map[string]any{testIssuer: jwkOf(testKid, testKey()), updatedIssuer: jwkOf("updated", otherKey())} {
		b, _ := json.Marshal(map[string]any{"keys": []any{jwk}})
		sets[issuer+"/.well-known/jwks.json"] = b
	}
	var fetched []string
	var mu sync.Mutex
	client := &http.Client{Transport: RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		fetched = append(fetched, r.URL.String())
		mu.Unlock()
		body, ok := sets[r.URL.String()]
		if !ok {
			return &http.Response{StatusCode: http.StatusNotFound, Body: http.NoBody, Request: r}, nil
		}
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(bytes.NewReader(body)), Request: r}, nil
	})}
	v, err := NewVerifier(VerifierConfig{UserPoolID: testPoolID, ClientIDs: []string{testClientID}, HTTPClient: client, Now: newFakeClock(testNow).Now})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	original := signRS256(testKey(), rsHeader(testKid), accessClaims(testNow))
	updated := signRS256(otherKey(), rsHeader("updated"), with(accessClaims(testNow), "iss", updatedIssuer))
	for name, token := range map[string]string{"original": original, "updated": updated} {
		if c, err := v.Verify(ctx, token); err != nil || c.Subject != "sub-1" {
			t.Errorf("%s issuer: %v %v", name, c, err)
		}
	}
	slices.Sort(fetched)
	if want := []string{testIssuer + "/.well-known/jwks.json", updatedIssuer + "/.well-known/jwks.json"}; !slices.Equal(fetched, want) {
		t.Errorf("fetched %q, want %q", fetched, want)
	}
	// A key of one issuer's set does not sign for the other.
	crossed := signRS256(testKey(), rsHeader(testKid), with(accessClaims(testNow), "iss", updatedIssuer))
	if _, err := v.Verify(ctx, crossed); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("original key, updated issuer: %v, want ErrUnknownKey", err)
	}
	// Other hosts and other pools stay refused.
	for _, iss := range []string{"https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_Other", "https://issuer-cognito-idp.eu-west-1.amazonaws.com/" + testPoolID, "https://evil-cognito-idp.us-east-1.amazonaws.com/" + testPoolID} {
		if _, err := v.Verify(ctx, signRS256(testKey(), rsHeader(testKid), with(accessClaims(testNow), "iss", iss))); !errors.Is(err, ErrClaimMismatch) {
			t.Errorf("iss %s: %v, want ErrClaimMismatch", iss, err)
		}
	}
	// With JWKSURL set, it serves both issuers.
	fetched = nil
	v, err = NewVerifier(VerifierConfig{UserPoolID: testPoolID, ClientIDs: []string{testClientID}, JWKSURL: testIssuer + "/.well-known/jwks.json", HTTPClient: client, Now: newFakeClock(testNow).Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(ctx, crossed); err != nil {
		t.Errorf("JWKSURL set, updated issuer: %v", err)
	}
	if want := []string{testIssuer + "/.well-known/jwks.json"}; !slices.Equal(fetched, want) {
		t.Errorf("JWKSURL set: fetched %q, want %q", fetched, want)
	}
	// With Issuer set, it is the only issuer accepted.
	v, err = NewVerifier(VerifierConfig{UserPoolID: testPoolID, ClientIDs: []string{testClientID}, Issuer: testIssuer, HTTPClient: client, Now: newFakeClock(testNow).Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(ctx, signRS256(testKey(), rsHeader(testKid), with(accessClaims(testNow), "iss", updatedIssuer))); !errors.Is(err, ErrClaimMismatch) {
		t.Errorf("Issuer set, updated issuer: %v, want ErrClaimMismatch", err)
	}
}

// TestVerifyKeysExpiredBeforeRefetch: keys past a KeyLifetime shorter than
// the wait between fetches are unavailable until the next fetch may start,
// not proof that the token's kid is unknown (ErrUnknownKey would answer a
// valid token 401).
func TestVerifyKeysExpiredBeforeRefetch(t *testing.T) {
	srv := newJWKSServer(t, jwkOf(testKid, testKey()))
	clock := newFakeClock(testNow)
	v := newTestVerifier(t, srv, clock, func(c *VerifierConfig) { c.KeyLifetime = time.Second })
	if _, err := v.Verify(context.Background(), signRS256(testKey(), rsHeader(testKid), accessClaims(testNow))); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Second) // past KeyLifetime, before failedFetchRetry
	_, err := v.Verify(context.Background(), signRS256(testKey(), rsHeader(testKid), accessClaims(clock.Now())))
	if !errors.Is(err, ErrKeySetUnavailable) || errors.Is(err, ErrUnknownKey) {
		t.Fatalf("Verify = %v, want ErrKeySetUnavailable, not ErrUnknownKey", err)
	}
	if n := srv.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches, want 1", n)
	}
}

// TestKeyFetchRefusals: a key set answered with a status other than 200,
// or larger than maxResponseBytes, is not used even when its body is a
// valid key set; the error names the host and the status, never the URL's
// password.
func TestKeyFetchRefusals(t *testing.T) {
	good, _ := json.Marshal(map[string]any{"keys": []any{jwkOf(testKid, testKey())}})
	token := signRS256(testKey(), rsHeader(testKid), accessClaims(testNow))
	for _, tc := range []struct {
		name   string
		status int
		body   []byte
		want   string
	}{
		{"404 with keys", http.StatusNotFound, good, "HTTP 404"},
		// A partial answer, or a success of a proxy's own, is not the key set.
		{"206 with keys", http.StatusPartialContent, good, "HTTP 206"},
		{"203 with keys", http.StatusNonAuthoritativeInfo, good, "HTTP 203"},
		{"oversized keys", http.StatusOK, append(good, bytes.Repeat([]byte(" "), maxResponseBytes+1-len(good))...), "larger than"},
	} {
		srv := newJWKSServer(t)
		srv.set(tc.status, tc.body)
		v := newTestVerifier(t, srv, newFakeClock(testNow), func(c *VerifierConfig) {
			c.JWKSURL = strings.Replace(srv.URL, "http://", "http://user:pa55word@", 1) + "/jwks.json"
		})
		_, err := v.Verify(context.Background(), token)
		if !errors.Is(err, ErrKeySetUnavailable) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Verify = %v, want ErrKeySetUnavailable saying %q", tc.name, err, tc.want)
		} else if strings.Contains(err.Error(), "pa55word") {
			t.Errorf("%s: error quotes the URL's password: %v", tc.name, err)
		}
	}
	// maxResponseBytes itself is not too large.
	srv := newJWKSServer(t)
	srv.set(http.StatusOK, append(good, bytes.Repeat([]byte(" "), maxResponseBytes-len(good))...))
	if _, err := newTestVerifier(t, srv, newFakeClock(testNow), nil).Verify(context.Background(), token); err != nil {
		t.Errorf("a key set of maxResponseBytes: %v", err)
	}
}

// TestVerifyWaitsForOneFetch: a verification that started a fetch and
// waited for it does not start another when it fails, even if by then the
// next fetch would be allowed: a caller waits for at most one fetch.
func TestVerifyWaitsForOneFetch(t *testing.T) {
	srv := newJWKSServer(t)
	srv.set(http.StatusInternalServerError, nil)
	srv.gate = make(chan struct{})
	clock := newFakeClock(testNow)
	v := newTestVerifier(t, srv, clock, nil)
	// The fetch is slow: another would be allowed by its end.
	if err := verifyDuringSlowFetch(v, srv, clock, failedFetchRetry); !errors.Is(err, ErrKeySetUnavailable) {
		t.Fatalf("Verify = %v, want ErrKeySetUnavailable", err)
	}
	if n := srv.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches for one verification, want 1", n)
	}
}

// TestKeySetUnreadable: a key set that is not one, or whose body is cut
// short, fails Verify with ErrKeySetUnavailable (a server answers 503),
// never with ErrTokenInvalid (401: the token may be fine); a document that
// is not a key set matches ErrInvalidKeySet too, a cut body does not.
func TestKeySetUnreadable(t *testing.T) {
	for _, tc := range []struct {
		name    string
		serve   func(w http.ResponseWriter)
		invalid bool
	}{
		{"keys a string", func(w http.ResponseWriter) { w.Write([]byte(`{"keys":"x"}`)) }, true},
		{"not JSON", func(w http.ResponseWriter) { w.Write([]byte(`<html>`)) }, true},
		{"body cut short", func(w http.ResponseWriter) {
			w.Header().Set("Content-Length", "1000")
			w.Write([]byte(`{"keys":[`))
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { tc.serve(w) }))
			defer srv.Close()
			v, err := NewVerifier(VerifierConfig{UserPoolID: testPoolID, ClientIDs: []string{testClientID},
				JWKSURL: srv.URL + "/jwks", Now: newFakeClock(testNow).Now})
			if err != nil {
				t.Fatal(err)
			}
			_, err = v.Verify(t.Context(), goodAccess())
			if !errors.Is(err, ErrKeySetUnavailable) || errors.Is(err, ErrTokenInvalid) {
				t.Fatalf("Verify: %v; want ErrKeySetUnavailable only", err)
			}
			if errors.Is(err, ErrInvalidKeySet) != tc.invalid {
				t.Fatalf("Verify: %v; matches ErrInvalidKeySet: %v, want %v", err, !tc.invalid, tc.invalid)
			}
		})
	}
}

// TestVerifyUnknownKidAfterRecovery: once a fetch succeeds again, the error
// of the failed one before it is forgotten: a kid the fresh key set lacks is
// an unknown key (a server answers 401), not keys unavailable (503), which
// would let a forged kid pass for an outage for as long as the keys live.
func TestVerifyUnknownKidAfterRecovery(t *testing.T) {
	srv, clock, v := warmVerifier(t)
	ctx := context.Background()
	srv.set(http.StatusInternalServerError, nil)
	clock.Advance(DefaultKeyLifetime)
	if _, err := v.Verify(ctx, signRS256(testKey(), rsHeader(testKid), accessClaims(clock.Now()))); !errors.Is(err, ErrKeySetUnavailable) {
		t.Fatalf("endpoint down: %v, want ErrKeySetUnavailable", err)
	}
	srv.setKeys(jwkOf(testKid, testKey()))
	clock.Advance(failedFetchRetry)
	if _, err := v.Verify(ctx, signRS256(testKey(), rsHeader(testKid), accessClaims(clock.Now()))); err != nil {
		t.Fatalf("endpoint recovered: %v", err)
	}
	forged := signRS256(otherKey(), rsHeader("forged"), accessClaims(clock.Now()))
	for _, wait := range []time.Duration{0, DefaultRefetchInterval} { // without a fetch, then with one
		clock.Advance(wait)
		if _, err := v.Verify(ctx, forged); !errors.Is(err, ErrUnknownKey) || errors.Is(err, ErrKeySetUnavailable) {
			t.Fatalf("unknown kid %v after recovery: %v, want ErrUnknownKey only", wait, err)
		}
	}
}

// verifyDuringSlowFetch verifies a token whose key v must fetch from srv
// (gated: srv.gate must be set), and moves clock on by d while the fetch
// is held, then lets it answer; it returns Verify's error.
func verifyDuringSlowFetch(v *Verifier, srv *jwksServer, clock *fakeClock, d time.Duration) error {
	errc := make(chan error, 1)
	go func() {
		_, err := v.Verify(context.Background(), signRS256(testKey(), rsHeader(testKid), accessClaims(testNow)))
		errc <- err
	}()
	for srv.fetches.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	clock.Advance(d)
	close(srv.gate)
	return <-errc
}

// TestVerifyKeyLifetimeFromFetchEnd: a key set's lifetime runs from when
// it arrived, not from when its fetch began: a fetch slower than a short
// KeyLifetime still gives keys to the verification waiting for it, instead
// of keys already expired (every verification would fail).
func TestVerifyKeyLifetimeFromFetchEnd(t *testing.T) {
	srv := newJWKSServer(t, jwkOf(testKid, testKey()))
	srv.gate = make(chan struct{})
	clock := newFakeClock(testNow)
	v := newTestVerifier(t, srv, clock, func(c *VerifierConfig) { c.KeyLifetime = time.Second })
	// The fetch outlasts KeyLifetime.
	if err := verifyDuringSlowFetch(v, srv, clock, 2*time.Second); err != nil {
		t.Fatalf("Verify after a fetch slower than KeyLifetime: %v", err)
	}
}

// TestVerifyRetryFollowsShortRefetchInterval: without usable keys, a failed
// fetch is retried after failedFetchRetry or a shorter RefetchInterval,
// whichever comes first, as the configured interval allows.
func TestVerifyRetryFollowsShortRefetchInterval(t *testing.T) {
	srv := newJWKSServer(t)
	srv.set(http.StatusInternalServerError, nil)
	clock := newFakeClock(testNow)
	v := newTestVerifier(t, srv, clock, func(c *VerifierConfig) { c.RefetchInterval = time.Second })
	tok := signRS256(testKey(), rsHeader(testKid), accessClaims(testNow))
	if _, err := v.Verify(context.Background(), tok); !errors.Is(err, ErrKeySetUnavailable) {
		t.Fatalf("endpoint down: %v, want ErrKeySetUnavailable", err)
	}
	srv.setKeys(jwkOf(testKid, testKey()))
	clock.Advance(time.Second)
	if _, err := v.Verify(context.Background(), tok); err != nil {
		t.Fatalf("a RefetchInterval after the failure: %v", err)
	}
	if n := srv.fetches.Load(); n != 2 {
		t.Fatalf("%d fetches, want 2", n)
	}
}

// TestVerifyHeaderHasOneSpelling: a header segment with a character after
// its last whole base64url group is refused, even signed: the decoder has
// read the whole JSON by then, so only its error keeps such a header from
// passing, and a token has one spelling (see the signature's).
func TestVerifyHeaderHasOneSpelling(t *testing.T) {
	srv := newJWKSServer(t, jwkOf(testKid, testKey()))
	v := newTestVerifier(t, srv, newFakeClock(testNow), nil)
	hdr := `{"alg":"RS256","kid":"` + testKid + `"`
	hdr += strings.Repeat(" ", 2-len(hdr)%3) + "}" // whole groups of 3 bytes
	for _, stray := range []string{"", "=", "!", "A"} {
		signed := b64([]byte(hdr)) + stray + "." + b64JSON(accessClaims(testNow))
		d := sha256.Sum256([]byte(signed))
		sig, err := rsa.SignPKCS1v15(nil, testKey(), crypto.SHA256, d[:])
		if err != nil {
			t.Fatal(err)
		}
		_, err = v.Verify(context.Background(), signed+"."+b64(sig))
		if stray == "" && err != nil || stray != "" && !errors.Is(err, ErrMalformedToken) {
			t.Errorf("header followed by %q: Verify = %v, want ErrMalformedToken unless none", stray, err)
		}
	}
}

// TestKeyFetchKeepsNoClientTrace: the key set fetch that a verification
// starts keeps the values of the caller's context but not its
// httptrace.ClientTrace, which describes the caller's own request (as a
// flight's calls do not show in it: TestClientTraceStaysWithItsRequest).
// The fetch goes to another host and may outlive that request, serving
// other verifications: its hooks would run after the request had ended.
func TestKeyFetchKeepsNoClientTrace(t *testing.T) {
	type probeKey struct{}
	srv := newJWKSServer(t, jwkOf(testKid, testKey()))
	var value atomic.Value
	v := newTestVerifier(t, srv, newFakeClock(testNow), func(c *VerifierConfig) {
		c.HTTPClient = &http.Client{Transport: RoundTripFunc(func(r *http.Request) (*http.Response, error) {
			if p := r.Context().Value(probeKey{}); p != nil {
				value.Store(p)
			}
			return srv.Client().Transport.RoundTrip(r)
		})}
	})
	var hooks atomic.Int64 // they would run in the fetch's goroutine
	trace := &httptrace.ClientTrace{
		GetConn:              func(string) { hooks.Add(1) },
		ConnectStart:         func(_, _ string) { hooks.Add(1) }, // the dialer's, kept apart
		GotFirstResponseByte: func() { hooks.Add(1) },
	}
	ctx := httptrace.WithClientTrace(context.WithValue(context.Background(), probeKey{}, "kept"), trace)
	if _, err := v.Verify(ctx, signRS256(testKey(), rsHeader(testKid), accessClaims(testNow))); err != nil {
		t.Fatal(err)
	}
	if n := srv.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches, want 1", n)
	}
	if n := hooks.Load(); n != 0 {
		t.Errorf("the caller's trace saw %d events of the key fetch, want none", n)
	}
	if got := value.Load(); got != "kept" {
		t.Errorf("the key fetch's context has %v for the caller's value, want it kept", got)
	}
}
