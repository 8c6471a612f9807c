// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// This file checks Cognito tokens: an RS256 signature by a key of the pool's
// key set, and the claims that say the token is for this pool, this app
// client and this moment. Servers that receive Cognito tokens use it on its
// own; a Session uses it when it is Config.Verifier.

// Errors of token verification. Every error of Verify about the token
// itself matches ErrTokenInvalid, and the more precise sentinel when there
// is one; a server answers them with 401. ErrKeySetUnavailable is not about
// the token: the keys could not be had, and a server answers it with 503.
var (
	// ErrTokenInvalid: the token must not be trusted.
	ErrTokenInvalid = errors.New("cognitosrp: invalid token")
	// ErrTokenExpired: the token's exp has passed, beyond the leeway.
	ErrTokenExpired error = &refinedError{base: &ErrTokenInvalid, detail: "expired"}
	// ErrTokenNotYetValid: the token's iat (or nbf) lies in the future,
	// beyond the leeway.
	ErrTokenNotYetValid error = &refinedError{base: &ErrTokenInvalid, detail: "not valid yet"}
	// ErrSignature: the algorithm is not RS256, or the signature does not
	// match.
	ErrSignature error = &refinedError{base: &ErrTokenInvalid, detail: "bad signature"}
	// ErrUnknownKey: the token names no kid, or one the key set lacks
	// even after refetching it.
	ErrUnknownKey error = &refinedError{base: &ErrTokenInvalid, detail: "unknown signing key"}
	// ErrClaimMismatch: the issuer, token_use, client_id or aud is not the
	// expected one, or a required claim is missing.
	ErrClaimMismatch error = &refinedError{base: &ErrTokenInvalid, detail: "unexpected claims"}
	// ErrKeySetUnavailable: the key set could not be fetched or read.
	ErrKeySetUnavailable = errors.New("cognitosrp: signing keys unavailable")
)

// Defaults of VerifierConfig.
const (
	// DefaultLeeway is the clock drift allowed between Cognito and the
	// verifying host when checking exp, iat and nbf.
	DefaultLeeway = time.Minute
	// DefaultKeyLifetime is how long a fetched key set is trusted before it
	// is fetched again. It bounds how long a key the pool has dropped
	// still verifies tokens.
	DefaultKeyLifetime = time.Hour
	// DefaultRefetchInterval is the least time between two fetches caused
	// by tokens with an unknown kid, so that forged kids cannot turn every
	// request into a fetch.
	DefaultRefetchInterval = time.Minute
)

// failedFetchRetry is the least time between fetches while there are no
// usable keys at all; it spares a failing key endpoint from a retry per
// request.
const failedFetchRetry = 5 * time.Second

// keyFetchTimeout bounds one key set fetch, which runs apart from the
// contexts of the callers waiting for it.
const keyFetchTimeout = 30 * time.Second

// VerifierConfig describes the tokens a Verifier accepts.
type VerifierConfig struct {
	// UserPoolID is the pool's id, such as "us-east-1_AbC123". It is
	// required, and checked as Config.UserPoolID is, unless Issuer is set.
	UserPoolID string
	// Region is the pool's region; empty means the part of UserPoolID
	// before "_".
	Region string
	// ClientIDs are the app clients whose tokens are accepted: an access
	// token's client_id, or an id token's aud, must be one of them. At
	// least one is required.
	ClientIDs []string
	// TokenUse restricts tokens to "access" or "id"; empty accepts both.
	TokenUse string
	// Issuer overrides the expected iss. By default it is
	// "https://cognito-idp.{region}.amazonaws.com/{UserPoolID}", or the
	// form of a pool whose issuer configuration is UPDATED,
	// "https://issuer-cognito-idp.{region}.amazonaws.com/{UserPoolID}"
	// (amazonaws.com.cn in the China regions):
	// both are accepted, since a pool switched from one to the other has
	// tokens of each until the older expire. Set it for an emulator; it
	// is then the only one. A trailing "/" is dropped: an issuer URL has
	// none. It must be an http or https URL with a host.
	Issuer string
	// JWKSURL overrides where the keys are fetched from, by default the
	// token's issuer + "/.well-known/jwks.json". Set it for a VPC endpoint
	// or a local copy. It must be an http or https URL with a host.
	JWKSURL string
	// HTTPClient fetches the keys; nil means a client with DefaultTimeout
	// (for proxies and CAs, see Config.HTTPClient). Its CheckRedirect is
	// not used: a redirect is never followed.
	HTTPClient *http.Client
	// Now, when set, replaces time.Now.
	Now func() time.Time
	// Leeway is the clock drift allowed on exp, iat and nbf. Zero means
	// DefaultLeeway; a negative value means none.
	Leeway time.Duration
	// KeyLifetime is how long fetched keys are used before they are
	// fetched again. Zero or negative means DefaultKeyLifetime (not "no
	// caching", as a negative Leeway means none).
	KeyLifetime time.Duration
	// RefetchInterval is the least time between fetches when a token names
	// an unknown kid. Zero or negative means DefaultRefetchInterval.
	RefetchInterval time.Duration
}

// TokenVerifier checks a token's signature and claims and returns its
// claims; *Verifier is the package's implementation. A session refuses
// tokens whose claims lack token_use or sub (see Config.Verifier).
type TokenVerifier interface {
	Verify(ctx context.Context, token string) (*Claims, error)
}

// Verifier checks the signature and claims of Cognito id and access tokens.
// It fetches the pool's keys on first use and caches them; concurrent
// verifications share one fetch. A Verifier is safe for concurrent use.
type Verifier struct {
	cfg    VerifierConfig // with defaults applied
	issuer string
	keys   keyCache // holds the key set's URL
	// updated is the pool's UPDATED issuer, accepted beside issuer when
	// no Issuer was configured, and updatedKeys the key set it publishes,
	// set up only when no JWKSURL serves both.
	updated     string
	updatedKeys keyCache
}

// badClientID reports whether id is empty or holds a byte that no client
// id has ([\w+]+): white space or a control character.
func badClientID(id string) bool { return id == "" || hasByteBelow(id, '!') }

// NewVerifier returns a Verifier for cfg. It makes no network call. A
// cfg it cannot use (no ClientIDs, or one that is empty or holds white
// space or a control character, an unknown TokenUse, a malformed
// UserPoolID or Region, an Issuer or JWKSURL that is not an http or https
// URL with a host) is refused with an error matching ErrConfig.
func NewVerifier(cfg VerifierConfig) (*Verifier, error) {
	if len(cfg.ClientIDs) == 0 || slices.ContainsFunc(cfg.ClientIDs, badClientID) {
		// A client id read with a line break would refuse every token.
		return nil, refine(&ErrConfig, "the verifier needs the accepted ClientIDs, none empty or with a line break or space")
	}
	switch cfg.TokenUse {
	case "", "access", "id":
	default:
		return nil, errorf("%w: TokenUse %q is neither \"access\" nor \"id\"", ErrConfig, cfg.TokenUse)
	}
	issuer, updated := strings.TrimSuffix(cfg.Issuer, "/"), ""
	if issuer == "" {
		region, _, ok := splitPoolID(cfg.UserPoolID)
		if !ok {
			return nil, poolIDError(cfg.UserPoolID)
		}
		if cfg.Region != "" {
			region = cfg.Region
		}
		if !regionName(region) {
			return nil, errorf("%w: region %q is not a region name", ErrConfig, region)
		}
		// Not RegionEndpoint's host: in GovCloud that is the FIPS API
		// endpoint, which tokens are not known to name as their issuer.
		// The host is in the region's partition: amazonaws.com.cn in China.
		// A token's iss names the region in lower case, and the issuer
		// is compared exactly: a Region typed "US-East-1" must match it.
		region = strings.ToLower(region)
		domain := regionDomain(region)
		issuer = "https://cognito-idp." + region + "." + domain + "/" + cfg.UserPoolID
		updated = "https://issuer-cognito-idp." + region + "." + domain + "/" + cfg.UserPoolID
	}
	jwksURL := cfg.JWKSURL
	if jwksURL == "" {
		jwksURL = issuer + "/.well-known/jwks.json"
	}
	// Here, not at the first Verify: a typo, or an emulator's config taken
	// before it started, would otherwise make every token fail as if the
	// keys were down (ErrKeySetUnavailable). Neither is quoted: a URL may
	// hold a password.
	if !httpURL(issuer) {
		return nil, refine(&ErrConfig, "Issuer is not an http or https URL with a host")
	}
	if !httpURL(jwksURL) {
		return nil, refine(&ErrConfig, "JWKSURL is not an http or https URL with a host")
	}
	cfg.ClientIDs = slices.Clone(cfg.ClientIDs)
	cfg.Leeway = durationOr(cfg.Leeway, DefaultLeeway)
	if cfg.KeyLifetime <= 0 {
		cfg.KeyLifetime = DefaultKeyLifetime
	}
	if cfg.RefetchInterval <= 0 {
		cfg.RefetchInterval = DefaultRefetchInterval
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	v := &Verifier{cfg: cfg, issuer: issuer, updated: updated}
	v.keys.init(jwksURL, cfg)
	if updated != "" && cfg.JWKSURL == "" {
		v.updatedKeys.init(updated+"/.well-known/jwks.json", cfg)
	}
	return v, nil
}

// httpURL reports whether s is an http or https URL with a host.
func httpURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && checkEndpoint(u) == nil
}

// keysFor returns the key set of a token whose iss is iss: the UPDATED
// issuer's own if it has one; any other iss is refused once the
// signature is checked.
func (v *Verifier) keysFor(iss string) *keyCache {
	if iss == v.updated && v.updatedKeys.url != "" {
		return &v.updatedKeys
	}
	return &v.keys
}

// Issuer returns the iss the verifier expects (by default the pool's
// original issuer; its UPDATED issuer is accepted too): "" for a Verifier
// that NewVerifier did not build.
func (v *Verifier) Issuer() string {
	if v == nil {
		return ""
	}
	return v.issuer
}

// jwtHeader is the JOSE header of a token; only what is checked.
type jwtHeader struct {
	Alg, Kid, Typ string
	Crit          bool // the header names critical extensions
}

// Verify checks token and returns its claims. The token must be signed with
// RS256 by a key of the pool's key set chosen by its kid; its iss, token_use
// and client_id (access) or aud (id) must be the expected ones; exp must
// not have passed and iat must not lie ahead, give or take the leeway.
// Header parameters that point to other keys (jku, jwk, x5u, x5c) are
// ignored: keys come only from the configured key set.
//
// Verify cannot see revocation (RevokeToken, GlobalSignOut, an
// administrator's sign-out), which only Cognito knows: a revoked token
// verifies until it expires. A server that must refuse one at once asks
// Cognito, with GetUser and the access token (Client.Call), which fails
// with an error matching ErrNotAuthorized. GetUser needs the token's
// scope aws.cognito.signin.user.admin, which an SRP login's token has and
// a hosted-UI login's only if requested: without it, a live token fails
// the same way.
//
// Errors about the token match ErrTokenInvalid; an error fetching the keys
// matches ErrKeySetUnavailable. ctx bounds the wait for a key fetch. A
// nil Verifier, or one not built with NewVerifier, fails with ErrConfig.
func (v *Verifier) Verify(ctx context.Context, token string) (*Claims, error) {
	if v == nil || v.issuer == "" {
		// A nil or zero Verifier (one NewVerifier did not build, such as
		// the nil of its failed call put into Config.Verifier) has no key
		// set to ask: a configuration error, not a nil dereference in a
		// flight's goroutine.
		return nil, refine(&ErrConfig, "the Verifier was not built with NewVerifier")
	}
	// ParseUnverified checks the size and shape of the token and decodes
	// the claims; they are only used once the signature holds.
	claims, err := ParseUnverified(token)
	if err != nil {
		return nil, errorf("%w: %w", ErrTokenInvalid, err)
	}
	// ParseUnverified found the three segments.
	dot := strings.LastIndexByte(token, '.')
	signed, sigPart := token[:dot], token[dot+1:]
	headerPart, _, _ := strings.Cut(signed, ".")
	h, err := parseJWTHeader(headerPart)
	if err != nil {
		return nil, err
	}
	// Raw: unlike a key set's members, a JWS segment has no padding.
	// Strict, and without the line breaks the decoder would skip: a
	// signature has one spelling, so that no altered copy of a token
	// verifies (a deny list or cache keyed by the token would miss it).
	sig, err := base64.RawURLEncoding.Strict().DecodeString(sigPart)
	if err != nil || !wordChars(sigPart) {
		return nil, errorf("%w: %w: signature is not base64url", ErrSignature, ErrMalformedToken)
	}
	key, err := v.keysFor(claims.Issuer).get(ctx, h.Kid)
	if err != nil {
		return nil, err
	}
	digest := sha256.Sum256([]byte(signed))
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig); err != nil {
		return nil, ErrSignature
	}
	// A session verifying the tokens it has just received puts their iat
	// into ctx (verifyPair): Cognito's clock has reached it.
	floor, _ := ctx.Value(issuedKey()).(time.Time)
	if err := v.checkClaims(claims, floor); err != nil {
		return nil, err
	}
	return claims, nil
}

// parseJWTHeader decodes the header and refuses all but RS256.
func parseJWTHeader(part string) (*jwtHeader, error) {
	b, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		return nil, errorf("%w: %w: header is not base64url", ErrTokenInvalid, ErrMalformedToken)
	}
	// Member names are matched exactly, as RFC 7515 names them: decoding
	// into a struct would take "ALG" or "Kid" for them, since encoding/json
	// matches field names without regard to case.
	var m map[string]json.RawMessage
	err = json.Unmarshal(b, &m)
	var h jwtHeader
	member := func(name string, field *string) {
		if v, ok := m[name]; ok && err == nil {
			err = json.Unmarshal(v, field)
		}
	}
	member("alg", &h.Alg)
	member("kid", &h.Kid)
	member("typ", &h.Typ)
	if err != nil {
		return nil, errorf("%w: %w: header is not a JSON object of strings", ErrTokenInvalid, ErrMalformedToken)
	}
	_, h.Crit = m["crit"]
	switch {
	case h.Alg != "RS256":
		// Only RS256 with a key from the key set: this refuses "none", and
		// HS256 "signed" with the public key (key confusion).
		return nil, errorf("%w: algorithm %.20q is not RS256", ErrSignature, h.Alg)
	case h.Typ != "" && !strings.EqualFold(h.Typ, "JWT") && !strings.EqualFold(h.Typ, "application/jwt"):
		// A media type, without regard to case; RFC 7515 reads one
		// without '/' as if "application/" came first, so both forms
		// name the one type.
		return nil, errorf("%w: typ %.20q is not JWT", ErrTokenInvalid, h.Typ)
	case h.Crit:
		// RFC 7515: a recipient must refuse critical extensions it does
		// not understand, and this one understands none.
		return nil, refine(&ErrTokenInvalid, "the header has critical extensions")
	case h.Kid == "":
		return nil, refine(&ErrUnknownKey, "the header has no kid")
	}
	return &h, nil
}

// checkClaims checks the claims of a token whose signature holds, its
// times at the later of the verifier's clock and floor.
func (v *Verifier) checkClaims(c *Claims, floor time.Time) error {
	if c.Issuer != v.issuer && (v.updated == "" || c.Issuer != v.updated) {
		return errorf("%w: iss %.200q is not %q", ErrClaimMismatch, c.Issuer, v.issuer)
	}
	if v.cfg.TokenUse != "" && c.TokenUse != v.cfg.TokenUse {
		return errorf("%w: token_use %.20q is not %q", ErrClaimMismatch, c.TokenUse, v.cfg.TokenUse)
	}
	var client string
	switch c.TokenUse {
	case "access":
		client = c.ClientID
	case "id":
		client = c.Audience
	default:
		return errorf("%w: token_use %.20q is neither access nor id", ErrClaimMismatch, c.TokenUse)
	}
	if !slices.Contains(v.cfg.ClientIDs, client) {
		return errorf("%w: the %s token is for app client %.100q", ErrClaimMismatch, c.TokenUse, client)
	}
	if c.Expiry.IsZero() || c.IssuedAt.IsZero() {
		return refine(&ErrClaimMismatch, "exp or iat is missing")
	}
	now, leeway := v.cfg.Now(), v.cfg.Leeway
	if now.Before(floor) {
		now = floor
	}
	if !now.Before(c.Expiry.Add(leeway)) {
		return errorf("%w at %s", ErrTokenExpired, c.Expiry.Format(time.RFC3339))
	}
	nbf, err := timeClaim(c.Raw, "nbf")
	if err != nil {
		return errorf("%w: %w", ErrTokenInvalid, err)
	}
	for _, t := range []time.Time{c.IssuedAt, nbf} {
		if t.After(now.Add(leeway)) {
			return errorf("%w: until %s", ErrTokenNotYetValid, t.Format(time.RFC3339))
		}
	}
	return nil
}
