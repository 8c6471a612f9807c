// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"cmp"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// verifyWithJWKS checks token's RS256 signature with the key its kid names
// in the JWKS served over HTTP, as a resource server would, and returns
// its header.
func verifyWithJWKS(t *testing.T, jwksURL, token string) map[string]string {
	t.Helper()
	resp, err := http.Get(jwksURL)
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Keys []struct{ Alg, E, Kid, Kty, N, Use string }
	}
	if err := json.Unmarshal([]byte(readBody(t, resp)), &set); err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token has %d parts", len(parts))
	}
	hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
	var header map[string]string
	if err := json.Unmarshal(hb, &header); err != nil {
		t.Fatal(err)
	}
	for _, k := range set.Keys {
		if k.Kid != header["kid"] {
			continue
		}
		if k.Kty != "RSA" || k.Alg != "RS256" || k.Use != "sig" {
			t.Errorf("JWK = %+v", k)
		}
		n, _ := base64.RawURLEncoding.DecodeString(k.N)
		e, _ := base64.RawURLEncoding.DecodeString(k.E)
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
		sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
			t.Fatalf("signature does not verify with the JWKS: %v", err)
		}
		if pub.N.BitLen() != 2048 {
			t.Errorf("key has %d bits", pub.N.BitLen())
		}
		return header
	}
	t.Fatalf("no JWK with kid %q", header["kid"])
	return nil
}

func TestTokensVerifyWithJWKS(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{AccessTokenLifetime: 10 * time.Minute, IDTokenLifetime: 20 * time.Minute})
	u := addUser(t, srv, cognitotest.User{
		Username:   "alice",
		Password:   "pw-alice-123",
		Aliases:    []string{"alice@example.com"},
		Attributes: map[string]string{"email_verified": "true", "custom:tier": "gold"},
		Groups:     []string{"admins"},
	})
	tok := login(t, srv, "alice@example.com", "pw-alice-123").Tokens()
	for _, token := range []string{tok.AccessToken, tok.IDToken} {
		h := verifyWithJWKS(t, srv.JWKSURL(), token)
		if h["alg"] != "RS256" || len(h) != 2 {
			t.Errorf("header = %v", h)
		}
	}
	if !strings.HasSuffix(srv.JWKSURL(), "/"+srv.PoolID()+"/.well-known/jwks.json") {
		t.Errorf("JWKSURL = %s", srv.JWKSURL())
	}

	access, _ := cognitosrp.ParseUnverified(tok.AccessToken)
	id, _ := cognitosrp.ParseUnverified(tok.IDToken)
	for _, name := range []string{"sub", "iss", "client_id", "origin_jti", "event_id", "token_use", "scope", "auth_time", "exp", "iat", "jti", "username"} {
		if access.Raw[name] == nil {
			t.Errorf("access token lacks %q: %v", name, access.Raw)
		}
	}
	for _, name := range []string{"sub", "aud", "iss", "cognito:username", "email", "token_use", "auth_time", "exp", "iat", "jti", "origin_jti", "event_id"} {
		if id.Raw[name] == nil {
			t.Errorf("id token lacks %q: %v", name, id.Raw)
		}
	}
	switch {
	case access.TokenUse != "access" || id.TokenUse != "id":
		t.Errorf("token_use = %q, %q", access.TokenUse, id.TokenUse)
	case access.Raw["scope"] != "aws.cognito.signin.user.admin":
		t.Errorf("scope = %v", access.Raw["scope"])
	case access.Subject != u.Sub || id.Subject != u.Sub:
		t.Errorf("sub = %q, %q, want %q", access.Subject, id.Subject, u.Sub)
	case access.Issuer != srv.URL()+"/"+srv.PoolID() || id.Issuer != access.Issuer:
		t.Errorf("iss = %q", access.Issuer)
	case access.Expiry.Sub(access.IssuedAt) != 10*time.Minute || id.Expiry.Sub(id.IssuedAt) != 20*time.Minute:
		t.Errorf("lifetimes %v, %v", access.Expiry.Sub(access.IssuedAt), id.Expiry.Sub(id.IssuedAt))
	case id.Audience != srv.ClientID() || access.ClientID != srv.ClientID():
		t.Errorf("aud %q, client_id %q", id.Audience, access.ClientID)
	case id.Raw["email_verified"] != true || id.Raw["custom:tier"] != "gold" || id.Raw["email"] != "alice@example.com":
		t.Errorf("id token attributes: %v", id.Raw)
	case access.Raw["origin_jti"] != id.Raw["origin_jti"] || access.ID == id.ID:
		t.Errorf("origin_jti %v/%v, jti %v/%v", access.Raw["origin_jti"], id.Raw["origin_jti"], access.ID, id.ID)
	}
	if g, ok := access.Raw["cognito:groups"].([]any); !ok || len(g) != 1 || g[0] != "admins" {
		t.Errorf("cognito:groups = %v", access.Raw["cognito:groups"])
	}
	if g := id.Groups(); !slices.Equal(g, []string{"admins"}) {
		t.Errorf("id token's Groups() = %q", g)
	}
	if s, sid := access.Scopes(), id.Scopes(); !slices.Equal(s, []string{"aws.cognito.signin.user.admin"}) || sid != nil {
		t.Errorf("Scopes() = %q (access), %q (id)", s, sid)
	}
	if tok.RefreshToken == "" || strings.Count(tok.RefreshToken, ".") != 4 {
		t.Errorf("refresh token is not shaped like Cognito's JWE")
	}
	// The OpenID configuration names the issuer and the JWKS.
	resp, err := http.Get(srv.Issuer() + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	var oidc map[string]any
	json.Unmarshal([]byte(readBody(t, resp)), &oidc)
	if oidc["issuer"] != srv.Issuer() || oidc["jwks_uri"] != srv.JWKSURL() {
		t.Errorf("openid-configuration = %v", oidc)
	}
}

func TestAWSIssuer(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{PoolID: "eu-west-2_AbCdEf123", AWSIssuer: true})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	tok := login(t, srv, "alice", "pw-alice-123").Tokens()
	cl, err := srv.VerifyAccessToken(tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_AbCdEf123"; cl.Issuer != want || srv.Issuer() != want {
		t.Errorf("iss = %q, want %q", cl.Issuer, want)
	}
	if srv.Region() != "eu-west-2" {
		t.Errorf("Region = %q", srv.Region())
	}
}

// TestAWSIssuerChina: in a China region the issuer Cognito would use is
// under amazonaws.com.cn, the domain of every AWS endpoint there, and it is
// the one cognitosrp.NewVerifier expects by default for such a pool.
func TestAWSIssuerChina(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{PoolID: "cn-north-1_AbCdEf123", AWSIssuer: true})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	tok := login(t, srv, "alice", "pw-alice-123").Tokens()
	cfg := srv.VerifierConfig()
	cfg.Issuer = "" // the default, derived from the pool id
	v, err := cognitosrp.NewVerifier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_AbCdEf123"; srv.Issuer() != want || v.Issuer() != want {
		t.Errorf("issuer = %q, verifier's %q, want %q", srv.Issuer(), v.Issuer(), want)
	}
	if _, err := v.Verify(t.Context(), tok.AccessToken); err != nil {
		t.Errorf("the default verifier refuses the token: %v", err)
	}
}

func TestVerifyRefusesForeignAndExpiredTokens(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{AccessTokenLifetime: time.Second, IDTokenLifetime: time.Second})
	other := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	addUser(t, other, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	mine := login(t, srv, "alice", "pw-alice-123").Tokens()
	theirs := login(t, other, "alice", "pw-alice-123").Tokens()

	// Same key (shared per process), other issuer.
	if _, err := srv.VerifyAccessToken(theirs.AccessToken); !errors.Is(err, cognitotest.ErrInvalidToken) {
		t.Errorf("token of another pool: %v", err)
	}
	if _, err := srv.VerifyAccessToken(mine.IDToken); !errors.Is(err, cognitotest.ErrInvalidToken) {
		t.Errorf("id token as access token: %v", err)
	}
	// A changed payload breaks the signature.
	parts := strings.Split(mine.AccessToken, ".")
	forged := parts[0] + "." + parts[1] + "A" + "." + parts[2]
	if _, err := srv.VerifyAccessToken(forged); !errors.Is(err, cognitotest.ErrInvalidToken) {
		t.Errorf("forged token: %v", err)
	}
	srv.Advance(2 * time.Second)
	if _, err := srv.VerifyAccessToken(mine.AccessToken); !errors.Is(err, cognitotest.ErrTokenExpired) {
		t.Errorf("expired token: %v", err)
	}
	if _, err := srv.VerifyIDToken(mine.IDToken); !errors.Is(err, cognitotest.ErrTokenExpired) {
		t.Errorf("expired id token: %v", err)
	}
	_, err := newRaw(t, srv).call("GetUser", map[string]string{"AccessToken": mine.AccessToken})
	wantAPIError(t, err, "NotAuthorizedException", "Access Token has expired")
	_, err = newRaw(t, srv).call("GetUser", map[string]string{"AccessToken": "garbage"})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid Access Token")
}

// TestServersRefuseEachOthersTokens: the servers of a test suite share the
// process key, but not their identity. Two that also share their issuer
// (Cognito's, with AWSIssuer, for the default pool id) are two pools, as
// two parallel tests' servers are: neither they nor a verifier of their
// key set accept the other's tokens, and one's GetUser does not answer
// for its own user of the same name.
func TestServersRefuseEachOthersTokens(t *testing.T) {
	a := cognitotest.NewServer(t, cognitotest.Config{AWSIssuer: true})
	b := cognitotest.NewServer(t, cognitotest.Config{AWSIssuer: true})
	for _, srv := range []*cognitotest.Server{a, b} {
		addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	}
	theirs, err := a.IssueTokens("alice")
	if err != nil {
		t.Fatal(err)
	}
	// The error says why, for the test whose token came from elsewhere.
	if _, err := b.VerifyAccessToken(theirs.AccessToken); !errors.Is(err, cognitotest.ErrInvalidToken) ||
		!strings.Contains(err.Error(), "not this server's key") {
		t.Errorf("VerifyAccessToken of another server's token: %v", err)
	}
	if _, err := b.VerifyIDToken(theirs.IdToken); !errors.Is(err, cognitotest.ErrInvalidToken) {
		t.Errorf("VerifyIDToken of another server's token: %v", err)
	}
	v, err := cognitosrp.NewVerifier(b.VerifierConfig())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(t.Context(), theirs.AccessToken); err == nil {
		t.Error("a verifier of the other server's key set accepts the token")
	}
	_, err = newRaw(t, b).call("GetUser", map[string]string{"AccessToken": theirs.AccessToken})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid Access Token")
	// Each still accepts its own.
	if _, err := a.VerifyAccessToken(theirs.AccessToken); err != nil {
		t.Errorf("own token: %v", err)
	}
}

// TestAccessTokenActsForItsSubOnly: servers given the same Key, pool id
// and issuer accept each other's tokens (documented), but an access
// token stands for the user of its sub: another server's GetUser does not
// answer with its own user of the same name, nor its GlobalSignOut sign
// that user out.
func TestAccessTokenActsForItsSubOnly(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	cfg := cognitotest.Config{AWSIssuer: true, Key: key}
	a, b := cognitotest.NewServer(t, cfg), cognitotest.NewServer(t, cfg)
	for _, srv := range []*cognitotest.Server{a, b} {
		addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	}
	theirs, err := a.IssueTokens("alice")
	if err != nil {
		t.Fatal(err)
	}
	mine, err := b.IssueTokens("alice")
	if err != nil {
		t.Fatal(err)
	}
	r := newRaw(t, b)
	_, err = r.call("GetUser", map[string]string{"AccessToken": theirs.AccessToken})
	wantAPIError(t, err, "NotAuthorizedException", "User does not exist.")
	_, err = r.call("GlobalSignOut", map[string]string{"AccessToken": theirs.AccessToken})
	wantAPIError(t, err, "NotAuthorizedException", "User does not exist.")
	if _, err := b.VerifyAccessToken(mine.AccessToken); err != nil {
		t.Errorf("b's alice after a GlobalSignOut with a's token: %v", err)
	}
}

func TestGetUserRevokeAndSignOut(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{ClientSecret: "shh"})
	u := addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123", Attributes: map[string]string{"name": "Alice"}})
	r := newRaw(t, srv)
	s1 := login(t, srv, "alice", "pw-alice-123")
	s2 := login(t, srv, "alice", "pw-alice-123")

	var got struct {
		Username       string
		UserAttributes []struct{ Name, Value string }
	}
	if err := r.api.Call(t.Context(), "GetUser", map[string]string{"AccessToken": s1.Tokens().AccessToken}, &got); err != nil {
		t.Fatal(err)
	}
	if got.Username != "alice" || len(got.UserAttributes) != 2 || got.UserAttributes[0].Name != "name" || got.UserAttributes[1].Value != u.Sub {
		t.Errorf("GetUser = %+v", got)
	}

	// RevokeToken ends one session's refresh and access tokens only.
	_, err := r.call("RevokeToken", map[string]string{"ClientId": srv.ClientID(), "Token": s1.Tokens().RefreshToken})
	wantAPIError(t, err, "NotAuthorizedException", "Client "+srv.ClientID()+" is configured with secret but SECRET_HASH was not received")
	if _, err := r.call("RevokeToken", map[string]string{"ClientId": srv.ClientID(), "ClientSecret": "shh", "Token": s1.Tokens().RefreshToken}); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, s1.Refresh(t.Context()), "NotAuthorizedException", "Refresh Token has been revoked")
	if _, err := srv.VerifyAccessToken(s1.Tokens().AccessToken); !errors.Is(err, cognitotest.ErrTokenRevoked) {
		t.Errorf("access token after RevokeToken: %v", err)
	}
	if err := s2.Refresh(t.Context()); err != nil {
		t.Fatalf("the other session after RevokeToken: %v", err)
	}

	// GlobalSignOut ends every session of the user.
	s3 := login(t, srv, "alice", "pw-alice-123")
	if _, err := r.call("GlobalSignOut", map[string]string{"AccessToken": s2.Tokens().AccessToken}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*cognitosrp.Session{s2, s3} {
		wantAPIError(t, s.Refresh(t.Context()), "NotAuthorizedException", "revoked")
		_, err := r.call("GetUser", map[string]string{"AccessToken": s.Tokens().AccessToken})
		wantAPIError(t, err, "NotAuthorizedException", "Access Token has been revoked")
	}
	// A new login works again.
	login(t, srv, "alice", "pw-alice-123")
}

func TestRefreshTokenRotation(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenRotation: true, ClientSecret: "rot"})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	sess := loginRefreshTokenAuth(t, srv, "alice", "pw-alice-123")
	old := sess.Tokens().RefreshToken

	// Like Cognito, a client with rotation refuses REFRESH_TOKEN_AUTH.
	err := sess.Refresh(t.Context())
	wantAPIError(t, err, "InvalidParameterException", "REFRESH_TOKEN_AUTH flow not enabled for this client")

	r := newRaw(t, srv)
	var out struct {
		AuthenticationResult cognitosrp.AuthenticationResult
	}
	in := map[string]string{"ClientId": srv.ClientID(), "ClientSecret": "rot", "RefreshToken": old}
	if err := r.api.Call(t.Context(), "GetTokensFromRefreshToken", in, &out); err != nil {
		t.Fatal(err)
	}
	fresh := out.AuthenticationResult.RefreshToken
	if fresh == "" || fresh == old || out.AuthenticationResult.AccessToken == "" {
		t.Fatalf("rotation returned refresh token %v", out.AuthenticationResult)
	}
	// The old one is spent; the new one works once.
	err = r.api.Call(t.Context(), "GetTokensFromRefreshToken", in, &out)
	wantAPIError(t, err, "RefreshTokenReuseException", "")
	in["RefreshToken"] = fresh
	if err := r.api.Call(t.Context(), "GetTokensFromRefreshToken", in, &out); err != nil {
		t.Fatal(err)
	}
	in["ClientSecret"] = "wrong"
	err = r.api.Call(t.Context(), "GetTokensFromRefreshToken", in, &out)
	wantAPIError(t, err, "NotAuthorizedException", "")
}

func TestRotationGracePeriod(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenRotation: true, RotationGracePeriod: 10 * time.Second})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	old := login(t, srv, "alice", "pw-alice-123").Tokens().RefreshToken
	r := newRaw(t, srv)
	in := map[string]string{"ClientId": srv.ClientID(), "RefreshToken": old}
	for range 2 { // a client retry within the grace period works
		if _, err := r.call("GetTokensFromRefreshToken", in); err != nil {
			t.Fatal(err)
		}
	}
	srv.Advance(11 * time.Second)
	_, err := r.call("GetTokensFromRefreshToken", in)
	wantAPIError(t, err, "RefreshTokenReuseException", "")
}

// TestRotatedOutTokensBounded: a login renewed again and again on a
// client with rotation keeps a bounded number of its rotated-out refresh
// tokens: every one was remembered until the login expired, thousands
// for a client renewing every few minutes. The last ones rotated out
// are still refused as reused, and RevokeToken of one still ends the
// login; an older one is an unknown token. The bound is each login's:
// another login's token rotated out before is not forgotten for these
// renewals. Within the grace period none is forgotten.
func TestRotatedOutTokensBounded(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenRotation: true})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	// Another login of alice's, renewed once before: its token rotated
	// out is bounded by its own login, not by the renewals of the other.
	other := login(t, srv, "alice", "pw-alice-123").Tokens().RefreshToken
	if _, err := r.call("GetTokensFromRefreshToken", map[string]string{"ClientId": srv.ClientID(), "RefreshToken": other}); err != nil {
		t.Fatal(err)
	}
	held0, _ := cognitotest.Held(srv)
	chain := []string{login(t, srv, "alice", "pw-alice-123").Tokens().RefreshToken}
	const renewals = 200
	for range renewals {
		out, err := r.call("GetTokensFromRefreshToken", map[string]string{"ClientId": srv.ClientID(), "RefreshToken": chain[len(chain)-1]})
		if err != nil {
			t.Fatal(err)
		}
		chain = append(chain, out.AuthenticationResult.RefreshToken)
	}
	if held, _ := cognitotest.Held(srv); held-held0 > 16 {
		t.Errorf("%d refresh tokens held after %d renewals of one login", held-held0, renewals)
	}
	renew := func(tok string) error {
		_, err := r.call("GetTokensFromRefreshToken", map[string]string{"ClientId": srv.ClientID(), "RefreshToken": tok})
		return err
	}
	wantAPIError(t, renew(chain[len(chain)-2]), "RefreshTokenReuseException", "")
	wantAPIError(t, renew(chain[0]), "NotAuthorizedException", "Invalid Refresh Token.")
	wantAPIError(t, renew(other), "RefreshTokenReuseException", "")
	if _, err := r.call("RevokeToken", map[string]string{"ClientId": srv.ClientID(), "Token": chain[len(chain)-2]}); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, renew(chain[len(chain)-1]), "NotAuthorizedException", "Refresh Token has been revoked")

	// Within the grace period every rotated-out token stays usable.
	srv = cognitotest.NewServer(t, cognitotest.Config{RefreshTokenRotation: true, RotationGracePeriod: time.Minute})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r = newRaw(t, srv)
	chain = []string{login(t, srv, "alice", "pw-alice-123").Tokens().RefreshToken}
	for range 20 {
		out, err := r.call("GetTokensFromRefreshToken", map[string]string{"ClientId": srv.ClientID(), "RefreshToken": chain[len(chain)-1]})
		if err != nil {
			t.Fatal(err)
		}
		chain = append(chain, out.AuthenticationResult.RefreshToken)
	}
	if err := renew(chain[0]); err != nil {
		t.Errorf("the first token, rotated out within the grace period: %v", err)
	}
}

// TestRotationRetiresOnce: renewals racing with one refresh token on a
// rotating client, without a grace period, are served one: the others
// get RefreshTokenReuseException, as a second renewal after the first
// would. (Checking the token and retiring it in two critical sections let
// several pass, which hid clients that race their own renewals.)
func TestRotationRetiresOnce(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenRotation: true})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	// Each round is one race; a server that lets several through does so
	// in most rounds, not all.
	for round := range 6 {
		old := login(t, srv, "alice", "pw-alice-123").Tokens().RefreshToken
		in := map[string]string{"ClientId": srv.ClientID(), "RefreshToken": old}
		const n = 8
		errs := make(chan error, n)
		start := make(chan struct{})
		for range n {
			go func() {
				<-start
				_, err := r.call("GetTokensFromRefreshToken", in)
				errs <- err
			}()
		}
		close(start)
		served := 0
		for range n {
			if err := <-errs; err == nil {
				served++
			} else {
				wantAPIError(t, err, "RefreshTokenReuseException", "")
			}
		}
		if served != 1 {
			t.Fatalf("round %d: %d of %d racing renewals served, want 1", round, served, n)
		}
	}
}

// TestRotationRetiresOnlyWhatIssues: a renewal that fails to issue the
// successor (here the random source fails once: a 500, which the client
// retries) leaves the refresh token usable, so that the retry gets new
// tokens instead of RefreshTokenReuseException. And without a grace
// period a token once retired stays refused even to a call whose clock
// reads earlier than the retirement.
func TestRotationRetiresOnlyWhatIssues(t *testing.T) {
	rnd := &failOnce{}
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenRotation: true, Rand: rnd})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	old := login(t, srv, "alice", "pw-alice-123").Tokens().RefreshToken
	r := newRaw(t, srv)
	in := map[string]string{"ClientId": srv.ClientID(), "RefreshToken": old}
	rnd.fail.Store(true)
	if _, err := r.call("GetTokensFromRefreshToken", in); err != nil {
		t.Fatalf("renewal after a failed attempt: %v", err)
	}
	if rnd.fail.Load() {
		t.Fatal("the random source never failed")
	}
	srv.Advance(-time.Second) // the next call's clock reads before the retirement
	_, err := r.call("GetTokensFromRefreshToken", in)
	wantAPIError(t, err, "RefreshTokenReuseException", "")
}

// failOnce is a random source that fails one read once fail is set: the
// first read of 256 bytes, the size of a refresh token's largest part
// (request ids and jti, which come first, survive a failing source).
type failOnce struct{ fail atomic.Bool }

func (f *failOnce) Read(p []byte) (int, error) {
	if len(p) == 256 && f.fail.CompareAndSwap(true, false) {
		return 0, errors.New("random source down")
	}
	return rand.Read(p)
}

func TestRefreshTokenExpiry(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenLifetime: time.Hour})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	sess := login(t, srv, "alice", "pw-alice-123")
	srv.Advance(time.Hour)
	wantAPIError(t, sess.Refresh(t.Context()), "NotAuthorizedException", "Refresh Token has expired")
}

// TestExpiredRefreshTokensAreForgotten: a long-running emulator (cognito-srp
// emulate) forgets refresh tokens, and revocations, long expired instead
// of keeping every one it issued; a token that expired as long ago as its
// lifetime is still refused as expired, and a revoked one as revoked; and
// a revocation is kept until the access tokens it refuses have expired,
// even when they outlive the refresh token.
func TestExpiredRefreshTokensAreForgotten(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenLifetime: time.Hour, AccessTokenLifetime: 5 * time.Minute, IDTokenLifetime: 5 * time.Minute})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	addUser(t, srv, cognitotest.User{Username: "bob", Password: "pw-bob-1234"})
	for i := range 300 {
		if _, err := srv.IssueTokens("alice"); err != nil {
			t.Fatal(err)
		}
		if i%10 == 0 {
			srv.SignOut("alice")
		}
		srv.Advance(30 * time.Minute)
	}
	// Alive, or expired less than an hour and five minutes ago: 5, and at
	// most 63 issued since the last sweep.
	if refresh, revoked := cognitotest.Held(srv); refresh > 5+63 || revoked > refresh {
		t.Errorf("the emulator holds %d refresh tokens and %d revoked logins after 300 logins over six days of one-hour refresh tokens", refresh, revoked)
	}
	res, err := srv.IssueTokens("alice")
	if err != nil {
		t.Fatal(err)
	}
	revoked, err := srv.IssueTokens("bob")
	if err != nil {
		t.Fatal(err)
	}
	srv.SignOut("bob")
	// An hour and two minutes after both expired: kept for the refresh
	// lifetime plus the access and id lifetimes (an hour and five minutes),
	// so a sweep now forgets neither.
	srv.Advance(2*time.Hour + 2*time.Minute)
	for range 64 {
		srv.IssueTokens("alice")
	}
	r := newRaw(t, srv)
	_, err = r.initiate("REFRESH_TOKEN_AUTH", map[string]string{"REFRESH_TOKEN": res.RefreshToken})
	wantAPIError(t, err, "NotAuthorizedException", "Refresh Token has expired")
	_, err = r.initiate("REFRESH_TOKEN_AUTH", map[string]string{"REFRESH_TOKEN": revoked.RefreshToken})
	wantAPIError(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
}

// TestRevocationOutlivesRefreshToken: with access tokens that outlive the
// refresh token, the revocation of a login is kept, past the refresh
// token's own lifetime after it expired, until the last access token it
// minted has expired.
func TestRevocationOutlivesRefreshToken(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenLifetime: time.Hour, AccessTokenLifetime: 24 * time.Hour, IDTokenLifetime: 5 * time.Minute})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	addUser(t, srv, cognitotest.User{Username: "bob", Password: "pw-bob-1234"})
	r := newRaw(t, srv)
	out, err := r.srpLogin("alice", "pw-alice-123", nil)
	if err != nil {
		t.Fatal(err)
	}
	// Renewed a minute before the refresh token expires: the access token
	// lasts a day from then.
	srv.Advance(59 * time.Minute)
	renewed, err := r.initiate("REFRESH_TOKEN_AUTH", map[string]string{"REFRESH_TOKEN": out.AuthenticationResult.RefreshToken})
	if err != nil {
		t.Fatal(err)
	}
	access := renewed.AuthenticationResult.AccessToken
	if _, err := r.call("GlobalSignOut", map[string]any{"AccessToken": access}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.VerifyAccessToken(access); !errors.Is(err, cognitotest.ErrTokenRevoked) {
		t.Fatalf("VerifyAccessToken after sign-out: %v, want ErrTokenRevoked", err)
	}
	// Past the refresh lifetime plus an hour after it expired, with a
	// sweep: the access token is still alive, so still refused.
	srv.Advance(2*time.Hour + time.Minute)
	for range 64 {
		if _, err := srv.IssueTokens("bob"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := srv.VerifyAccessToken(access); !errors.Is(err, cognitotest.ErrTokenRevoked) {
		t.Errorf("VerifyAccessToken of a revoked login's live access token, after its refresh token expired and a sweep: %v, want ErrTokenRevoked", err)
	}
}

func TestSecretHashMustUseInternalName(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{ClientSecret: "topsecret"})
	u := addUser(t, srv, cognitotest.User{Aliases: []string{"eve@example.com"}, Password: "pw-eve-1234"})
	r := newRaw(t, srv)
	srp, _ := cognitosrp.NewSRP(r.poolName(), nil)

	// InitiateAuth takes the hash of the name typed…
	_, err := r.initiate("USER_SRP_AUTH", map[string]string{"USERNAME": "eve@example.com", "SRP_A": srp.A(), "SECRET_HASH": r.secretHash(u.Sub)})
	wantAPIError(t, err, "NotAuthorizedException", "Unable to verify secret hash for client "+srv.ClientID())
	_, err = r.initiate("USER_SRP_AUTH", map[string]string{"USERNAME": "eve@example.com", "SRP_A": srp.A()})
	wantAPIError(t, err, "NotAuthorizedException", "Client "+srv.ClientID()+" is configured with secret but SECRET_HASH was not received")
	ch, err := r.initiate("USER_SRP_AUTH", map[string]string{"USERNAME": "eve@example.com", "SRP_A": srp.A(), "SECRET_HASH": r.secretHash("eve@example.com")})
	if err != nil {
		t.Fatal(err)
	}
	if ch.ChallengeParameters["USER_ID_FOR_SRP"] != u.Sub {
		t.Fatalf("USER_ID_FOR_SRP = %q, want the sub %q", ch.ChallengeParameters["USER_ID_FOR_SRP"], u.Sub)
	}
	// …the challenge answer the hash of the internal name: the alias
	// fails, the classic bug.
	resp := r.claim(srp, ch, "pw-eve-1234")
	resp["SECRET_HASH"] = r.secretHash("eve@example.com")
	_, err = r.respond("PASSWORD_VERIFIER", ch.Session, resp)
	wantAPIError(t, err, "NotAuthorizedException", "Unable to verify secret hash")
	// The alias as USERNAME too does not make its hash acceptable.
	ch, _ = r.initiate("USER_SRP_AUTH", map[string]string{"USERNAME": "eve@example.com", "SRP_A": srp.A(), "SECRET_HASH": r.secretHash("eve@example.com")})
	resp = r.claim(srp, ch, "pw-eve-1234")
	resp["USERNAME"], resp["SECRET_HASH"] = "eve@example.com", r.secretHash("eve@example.com")
	_, err = r.respond("PASSWORD_VERIFIER", ch.Session, resp)
	wantAPIError(t, err, "NotAuthorizedException", "Unable to verify secret hash")

	out, err := r.srpLogin("eve@example.com", "pw-eve-1234", nil)
	if err != nil {
		t.Fatal(err)
	}
	rt := out.AuthenticationResult.RefreshToken
	// REFRESH_TOKEN_AUTH words its refusal otherwise (Secret with a
	// capital S), as Cognito does: aws-sdk-net-extensions-cognito issues
	// 94 and 122.
	_, err = r.initiate("REFRESH_TOKEN_AUTH", map[string]string{"REFRESH_TOKEN": rt, "SECRET_HASH": r.secretHash("eve@example.com")})
	wantAPIError(t, err, "NotAuthorizedException", "SecretHash does not match for the client: "+srv.ClientID())
	if _, err := r.initiate("REFRESH_TOKEN_AUTH", map[string]string{"REFRESH_TOKEN": rt, "SECRET_HASH": r.secretHash(u.Sub)}); err != nil {
		t.Fatal(err)
	}
}

// TestSecretHashToClientWithoutSecret: an app client without a secret
// refuses a SECRET_HASH, well formed or not, in Cognito's words
// (InvalidParameterException, quoted from the headers of an InitiateAuth
// answer in aws-sdk-ios-samples issue 102), at each step that takes one
// (the challenge answer and REFRESH_TOKEN_AUTH alike: an assumption). The
// emulator ignored it, so that a client computing a hash with a secret
// the pool's client does not have passed.
func TestSecretHashToClientWithoutSecret(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	want := "Client " + srv.ClientID() + " is not configured for secret but secret hash was received"
	hash := cognitosrp.SecretHash("alice", srv.ClientID(), "a-secret-it-does-not-have")
	srp, _ := cognitosrp.NewSRP(r.poolName(), nil)

	_, err := r.initiate("USER_SRP_AUTH", map[string]string{"USERNAME": "alice", "SRP_A": srp.A(), "SECRET_HASH": hash})
	wantAPIError(t, err, "InvalidParameterException", want)
	ch, err := r.initiate("USER_SRP_AUTH", map[string]string{"USERNAME": "alice", "SRP_A": srp.A()})
	if err != nil {
		t.Fatal(err)
	}
	resp := r.claim(srp, ch, "pw-alice-123")
	resp["SECRET_HASH"] = hash
	_, err = r.respond("PASSWORD_VERIFIER", ch.Session, resp)
	wantAPIError(t, err, "InvalidParameterException", want)

	out, err := r.srpLogin("alice", "pw-alice-123", nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.initiate("REFRESH_TOKEN_AUTH", map[string]string{"REFRESH_TOKEN": out.AuthenticationResult.RefreshToken, "SECRET_HASH": hash})
	wantAPIError(t, err, "InvalidParameterException", want)

	// Through the library: a session given a secret the client lacks.
	cfg := srv.SessionConfig()
	cfg.ClientSecret = "a-secret-it-does-not-have"
	sess, err := cognitosrp.NewSession(cfg, "alice")
	if err != nil {
		t.Fatal(err)
	}
	err = sess.Authenticate(t.Context(), "pw-alice-123")
	wantAPIError(t, err, "InvalidParameterException", want)
}

func TestSessionsAreSingleUseAndExpire(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	addUser(t, srv, cognitotest.User{Username: "bob", Password: "pw-bob-1234"})
	r := newRaw(t, srv)
	srp, _ := cognitosrp.NewSRP(r.poolName(), nil)
	ch, err := r.initiate("USER_SRP_AUTH", map[string]string{"USERNAME": "alice", "SRP_A": srp.A()})
	if err != nil {
		t.Fatal(err)
	}
	srv.Advance(cognitotest.DefaultSessionLifetime + time.Second)
	r.now = srv.Now
	resp := r.claim(srp, ch, "pw-alice-123")
	_, err = r.respond("PASSWORD_VERIFIER", ch.Session, resp)
	wantAPIError(t, err, "NotAuthorizedException", "session is expired")

	// Another user's name in the answer fails.
	ch, _ = r.initiate("USER_SRP_AUTH", map[string]string{"USERNAME": "alice", "SRP_A": srp.A()})
	resp = r.claim(srp, ch, "pw-alice-123")
	resp["USERNAME"] = "bob"
	_, err = r.respond("PASSWORD_VERIFIER", ch.Session, resp)
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")

	// A client that sends no Session is found by its secret block, once.
	ch, _ = r.initiate("USER_SRP_AUTH", map[string]string{"USERNAME": "alice", "SRP_A": srp.A()})
	resp = r.claim(srp, ch, "pw-alice-123")
	if out, err := r.respond("PASSWORD_VERIFIER", "", resp); err != nil || out.AuthenticationResult == nil {
		t.Fatalf("answer without Session: %v", err)
	}
	_, err = r.respond("PASSWORD_VERIFIER", "", resp)
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session")
}

// TestRotationRefusesRefreshTokenAuthWhateverTheFlows: Cognito refuses
// REFRESH_TOKEN_AUTH on an app client with refresh-token rotation, even one
// whose explicit auth flows list ALLOW_REFRESH_TOKEN_AUTH.
func TestRotationRefusesRefreshTokenAuthWhateverTheFlows(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenRotation: true,
		AuthFlows: []string{cognitotest.AllowUserSRPAuth, cognitotest.AllowRefreshTokenAuth}})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	err := loginRefreshTokenAuth(t, srv, "alice", "pw-alice-123").Refresh(t.Context())
	wantAPIError(t, err, "InvalidParameterException", "REFRESH_TOKEN_AUTH flow not enabled for this client")
}

// TestRotationKeepsTheOriginalExpiry: a refresh token issued by rotation
// is valid for what was left of the one it replaces, as Cognito's guide to
// refresh tokens says; rotation does not extend a login beyond the
// client's refresh token lifetime.
func TestRotationKeepsTheOriginalExpiry(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenRotation: true, RefreshTokenLifetime: time.Hour})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	in := map[string]string{"ClientId": srv.ClientID(), "RefreshToken": login(t, srv, "alice", "pw-alice-123").Tokens().RefreshToken}
	srv.Advance(40 * time.Minute)
	out, err := r.call("GetTokensFromRefreshToken", in)
	if err != nil {
		t.Fatal(err)
	}
	in["RefreshToken"] = out.AuthenticationResult.RefreshToken
	srv.Advance(20*time.Minute - time.Second)
	if out, err = r.call("GetTokensFromRefreshToken", in); err != nil {
		t.Fatalf("rotated token before the original expiry: %v", err)
	}
	in["RefreshToken"] = out.AuthenticationResult.RefreshToken
	srv.Advance(time.Second)
	_, err = r.call("GetTokensFromRefreshToken", in)
	wantAPIError(t, err, "NotAuthorizedException", "Refresh Token has expired")
}

// TestRevokeTokenEndsTheRotatedFamily: RevokeToken ends the login its
// refresh token belongs to, the token it rotated out included. A token
// still in its grace period used to renew after its successor was revoked,
// returning access tokens the server itself called revoked and a refresh
// token that was not, so a sign-out left the login alive.
func TestRevokeTokenEndsTheRotatedFamily(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenRotation: true, RotationGracePeriod: 30 * time.Second})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	old := login(t, srv, "alice", "pw-alice-123").Tokens().RefreshToken
	out, err := r.call("GetTokensFromRefreshToken", map[string]string{"ClientId": srv.ClientID(), "RefreshToken": old})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.call("RevokeToken", map[string]string{"ClientId": srv.ClientID(), "Token": out.AuthenticationResult.RefreshToken}); err != nil {
		t.Fatal(err)
	}
	_, err = r.call("GetTokensFromRefreshToken", map[string]string{"ClientId": srv.ClientID(), "RefreshToken": old})
	wantAPIError(t, err, "NotAuthorizedException", "Refresh Token has been revoked")

	// And the other way: revoking the token rotated out, still in its
	// grace period, ends its successor (mutant T56).
	old = login(t, srv, "alice", "pw-alice-123").Tokens().RefreshToken
	if out, err = r.call("GetTokensFromRefreshToken", map[string]string{"ClientId": srv.ClientID(), "RefreshToken": old}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.call("RevokeToken", map[string]string{"ClientId": srv.ClientID(), "Token": old}); err != nil {
		t.Fatal(err)
	}
	_, err = r.call("GetTokensFromRefreshToken", map[string]string{"ClientId": srv.ClientID(), "RefreshToken": out.AuthenticationResult.RefreshToken})
	wantAPIError(t, err, "NotAuthorizedException", "Refresh Token has been revoked")
}

// foreignTokens starts a server of cfg and another of cfg changed by
// change, each with a user alice of the same sub, and returns the first
// and the tokens the other issued alice: tokens signed with the first's
// key (cfg.Key) that it must refuse for what change made different.
func foreignTokens(t *testing.T, cfg cognitotest.Config, change func(*cognitotest.Config)) (*cognitotest.Server, *cognitosrp.AuthenticationResult) {
	t.Helper()
	srv := cognitotest.NewServer(t, cfg)
	change(&cfg)
	other := cognitotest.NewServer(t, cfg)
	for _, s := range []*cognitotest.Server{srv, other} {
		addUser(t, s, cognitotest.User{Username: "alice", Sub: "5f0c0a3e-0000-4000-8000-000000000001", Password: "pw-alice-123"})
	}
	theirs, err := other.IssueTokens("alice")
	if err != nil {
		t.Fatal(err)
	}
	return srv, theirs
}

// TestVerifyChecksClientAlgKidAndExpiry: VerifyAccessToken and
// VerifyIDToken refuse a token of the same issuer and key issued to
// another app client, a token whose header names another algorithm or
// key though the key signed it, a token of the other token_use, and a
// token at the second of its exp.
func TestVerifyChecksClientAlgKidAndExpiry(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	cfg := cognitotest.Config{PoolID: "eu-west-2_Same1", AWSIssuer: true, Key: key, AccessTokenLifetime: time.Hour, IDTokenLifetime: 2 * time.Hour}
	srv, theirs := foreignTokens(t, cfg, func(c *cognitotest.Config) { c.ClientID = "anotherappclient" })
	if _, err := srv.VerifyAccessToken(theirs.AccessToken); !errors.Is(err, cognitotest.ErrInvalidToken) {
		t.Errorf("access token of another app client: %v", err)
	}
	if _, err := srv.VerifyIDToken(theirs.IdToken); !errors.Is(err, cognitotest.ErrInvalidToken) {
		t.Errorf("id token of another app client: %v", err)
	}

	start := time.Unix(1767225600, 0) // a whole second: exp is reached exactly
	srv.SetClock(func() time.Time { return start })
	mine, err := srv.IssueTokens("alice")
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(mine.AccessToken, ".")[1])
	resign := func(header string) string {
		signed := base64.RawURLEncoding.EncodeToString([]byte(header)) + "." + base64.RawURLEncoding.EncodeToString(payload)
		sum := sha256.Sum256([]byte(signed))
		sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
		if err != nil {
			t.Fatal(err)
		}
		return signed + "." + base64.RawURLEncoding.EncodeToString(sig)
	}
	hb, _ := base64.RawURLEncoding.DecodeString(strings.Split(mine.AccessToken, ".")[0])
	var h map[string]string
	json.Unmarshal(hb, &h)
	if _, err := srv.VerifyAccessToken(resign(`{"alg":"RS256","kid":"` + h["kid"] + `"}`)); err != nil {
		t.Fatalf("token signed again with the same header: %v", err)
	}
	for _, header := range []string{`{"alg":"RS512","kid":"` + h["kid"] + `"}`, `{"alg":"RS256","kid":"another key"}`} {
		if _, err := srv.VerifyAccessToken(resign(header)); !errors.Is(err, cognitotest.ErrInvalidToken) {
			t.Errorf("header %s: %v", header, err)
		}
	}
	// An access token that says it is an id token is neither, though its
	// client_id and aud name this app client.
	var claims map[string]any
	json.Unmarshal(payload, &claims)
	claims["token_use"], claims["aud"] = "id", srv.ClientID()
	payload, _ = json.Marshal(claims)
	confused := resign(`{"alg":"RS256","kid":"` + h["kid"] + `"}`)
	if _, err := srv.VerifyAccessToken(confused); !errors.Is(err, cognitotest.ErrInvalidToken) {
		t.Errorf("token_use id as an access token: %v", err)
	}
	claims["token_use"] = "access"
	payload, _ = json.Marshal(claims)
	if _, err := srv.VerifyIDToken(resign(`{"alg":"RS256","kid":"` + h["kid"] + `"}`)); !errors.Is(err, cognitotest.ErrInvalidToken) {
		t.Errorf("token_use access as an id token: %v", err)
	}

	srv.Advance(time.Hour - time.Second)
	if _, err := srv.VerifyAccessToken(mine.AccessToken); err != nil {
		t.Fatalf("a second before exp: %v", err)
	}
	srv.Advance(time.Second)
	if _, err := srv.VerifyAccessToken(mine.AccessToken); !errors.Is(err, cognitotest.ErrTokenExpired) {
		t.Errorf("at exp: %v", err)
	}
}

// TestGracePeriodNotExtendedByUse: a rotated-out refresh token stays usable
// for the grace period after its first use, not after its latest one; a
// client retrying within the period does not keep it alive.
func TestGracePeriodNotExtendedByUse(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenRotation: true, RotationGracePeriod: 10 * time.Second})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	in := map[string]string{"ClientId": srv.ClientID(), "RefreshToken": login(t, srv, "alice", "pw-alice-123").Tokens().RefreshToken}
	for range 2 {
		if _, err := r.call("GetTokensFromRefreshToken", in); err != nil {
			t.Fatal(err)
		}
		srv.Advance(6 * time.Second)
	}
	_, err := r.call("GetTokensFromRefreshToken", in)
	wantAPIError(t, err, "RefreshTokenReuseException", "")
}

// TestRefreshTokenExpiresAtItsLifetime: a refresh token works until the
// last instant of its lifetime and not at its end.
func TestRefreshTokenExpiresAtItsLifetime(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenLifetime: time.Hour})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	start := time.Now()
	srv.SetClock(func() time.Time { return start })
	tok, err := srv.IssueTokens("alice")
	if err != nil {
		t.Fatal(err)
	}
	r := newRaw(t, srv)
	in := map[string]string{"REFRESH_TOKEN": tok.RefreshToken}
	srv.Advance(time.Hour - time.Nanosecond)
	if _, err := r.initiate("REFRESH_TOKEN_AUTH", in); err != nil {
		t.Fatalf("just before the end of the lifetime: %v", err)
	}
	srv.Advance(time.Nanosecond)
	_, err = r.initiate("REFRESH_TOKEN_AUTH", in)
	wantAPIError(t, err, "NotAuthorizedException", "Refresh Token has expired")
}

// TestNoTokensForUserDeletedDuringLogin: a user deleted while its login
// issues tokens gets none, as Cognito issues none to a deleted user, nor
// does a user added again under its name. The
// deletion runs where the refresh token's random parts are drawn (its
// first, 256-byte read), after the access token was minted for a user
// that still existed: it used to find no refresh token of the login to
// revoke, so the login's tokens stayed live, and once a user was added
// again under the name, the refresh token renewed as that other user.
func TestNoTokensForUserDeletedDuringLogin(t *testing.T) {
	rnd := &hookOnce{}
	srv := cognitotest.NewServer(t, cognitotest.Config{Rand: rnd})
	r := newRaw(t, srv)
	alice := cognitotest.User{Username: "alice", Password: "pw-alice-123"}
	deleteAlice := deleter(t, srv, "alice")

	addUser(t, srv, alice)
	rnd.hook.Store(&deleteAlice)
	res, err := srv.IssueTokens("alice")
	if err == nil {
		t.Error("IssueTokens gave tokens to a user deleted while they were issued")
		addUser(t, srv, alice)
		in := map[string]string{"ClientId": srv.ClientID(), "RefreshToken": res.RefreshToken}
		if _, err := r.call("GetTokensFromRefreshToken", in); err == nil {
			t.Error("and its refresh token renews for the user added again under its name")
		}
		if err := srv.DeleteUser("alice"); err != nil {
			t.Fatal(err)
		}
	}

	addUser(t, srv, alice)
	rnd.hook.Store(&deleteAlice)
	_, err = r.srpLogin("alice", "pw-alice-123", nil)
	wantAPIError(t, err, "NotAuthorizedException", "User does not exist.")
	if refresh, _ := cognitotest.Held(srv); refresh != 0 {
		t.Errorf("%d refresh tokens held for a deleted user", refresh)
	}

	// Deleted and added again under its name: another user (another sub),
	// whose tokens a login of the first must not get. IssueTokens reads
	// the clock after it looked the user up; the clock does both.
	addUser(t, srv, alice)
	var again atomic.Bool
	again.Store(true)
	srv.SetClock(func() time.Time {
		if again.CompareAndSwap(true, false) {
			deleteAlice()
			if _, err := srv.AddUser(alice); err != nil {
				t.Error(err)
			}
		}
		return time.Now()
	})
	if _, err := srv.IssueTokens("alice"); err == nil {
		t.Error("IssueTokens gave the tokens of a user added again under the name of one it looked up")
	}
}

// TestNoDeviceForUserDeletedDuringLogin: a user deleted while its login
// issues a device leaves no device behind. The deletion runs where the
// device's group key is drawn (its 9-byte read), before the device is
// stored: DeleteUser found no device to forget, and the unconfirmed device
// was kept for good and listed for a user added again under the name.
func TestNoDeviceForUserDeletedDuringLogin(t *testing.T) {
	rnd := &hookOnce{size: 9}
	srv := cognitotest.NewServer(t, cognitotest.Config{Rand: rnd, DeviceTracking: true})
	alice := cognitotest.User{Username: "alice", Password: "pw-alice-123"}
	deleteAlice := deleter(t, srv, "alice")
	addUser(t, srv, alice)
	rnd.hook.Store(&deleteAlice)
	if _, err := srv.IssueTokens("alice"); err == nil {
		t.Error("IssueTokens gave tokens to a user deleted while its device was issued")
	}
	addUser(t, srv, alice)
	if d := srv.Devices("alice"); len(d) != 0 {
		t.Errorf("a user added again under the name of one deleted during its login has its device: %+v", d)
	}
}

// deleter returns a function that deletes the user name from srv, for a
// hook to run in the middle of a login.
func deleter(t *testing.T, srv *cognitotest.Server, name string) func() {
	return func() {
		if err := srv.DeleteUser(name); err != nil {
			t.Error(err)
		}
	}
}

// hookOnce is a random source that, once hook is set, runs it at its next
// read of size bytes, or of 256 if size is 0: the first part of a refresh
// token, drawn before the token is stored.
type hookOnce struct {
	size int
	hook atomic.Pointer[func()]
}

func (h *hookOnce) Read(p []byte) (int, error) {
	if len(p) == cmp.Or(h.size, 256) {
		if f := h.hook.Swap(nil); f != nil {
			(*f)()
		}
	}
	return rand.Read(p)
}

// TestVerifyRefusesAlteredSignature: VerifyAccessToken, VerifyIDToken and
// the API calls that take an access token accept a signature in its one
// base64url spelling only, as cognitosrp's Verify does: not with a line
// break in it or after it, nor with the unused low bits of its last
// character set, which the lenient decoder reads as the same signature.
func TestVerifyRefusesAlteredSignature(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	res, err := srv.IssueTokens("alice")
	if err != nil {
		t.Fatal(err)
	}
	alter := func(tok string) map[string]string {
		sig := tok[strings.LastIndexByte(tok, '.')+1:]
		last := strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", tok[len(tok)-1])
		if len(sig)%4 == 1 || last < 0 {
			t.Fatalf("signature of %d characters ending in %q", len(sig), tok[len(tok)-1])
		}
		return map[string]string{
			"line break inside": tok[:len(tok)-len(sig)/2] + "\n" + tok[len(tok)-len(sig)/2:],
			"line break after":  tok + "\r\n",
			"unused bits set":   tok[:len(tok)-1] + string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[last^1]),
		}
	}
	for what, tok := range alter(res.AccessToken) {
		if _, err := srv.VerifyAccessToken(tok); !errors.Is(err, cognitotest.ErrInvalidToken) {
			t.Errorf("access token, %s: %v", what, err)
		}
		api := &cognitosrp.Client{Endpoint: srv.Endpoint()}
		// A line break is no character of Cognito's TokenModelType: the
		// member is malformed before it is a token.
		want := "NotAuthorizedException"
		if strings.Contains(tok, "\n") {
			want = "InvalidParameterException"
		}
		var ae *cognitosrp.APIError
		if err := api.Call(context.Background(), "GetUser", map[string]string{"AccessToken": tok}, new(map[string]any)); !errors.As(err, &ae) || ae.Type != want {
			t.Errorf("GetUser with the access token, %s: %v, want %s", what, err, want)
		}
	}
	for what, tok := range alter(res.IdToken) {
		if _, err := srv.VerifyIDToken(tok); !errors.Is(err, cognitotest.ErrInvalidToken) {
			t.Errorf("id token, %s: %v", what, err)
		}
	}
}

// TestVerifierConfig: VerifierConfig is "the cognitosrp.VerifierConfig of
// the server's tokens: its issuer, key set and app client, on its clock".
// A Verifier built from it accepts the server's access and id tokens and
// judges their expiry on the server's clock: advanced past exp, it refuses
// them although the host's clock has not moved.
func TestVerifierConfig(t *testing.T) {
	srv, res := aliceWithTokens(t)
	v, err := cognitosrp.NewVerifier(srv.VerifierConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{res.AccessToken, res.IdToken} {
		if c, err := v.Verify(t.Context(), tok); err != nil || c.InternalUsername() != "alice" {
			t.Fatalf("Verify: %v, %v", c, err)
		}
	}
	srv.Advance(time.Duration(res.ExpiresIn)*time.Second + time.Hour)
	if _, err := v.Verify(t.Context(), res.AccessToken); !errors.Is(err, cognitosrp.ErrTokenExpired) {
		t.Fatalf("Verify on the advanced server clock: %v, want ErrTokenExpired", err)
	}
}

// IssueTokens' doc promises tokens whatever the user's state, so that a
// test can hold tokens issued before a user was disabled; the login
// through the API is what refuses such a user.
func TestIssueTokensIgnoresUserState(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	for _, u := range []cognitotest.User{
		{Username: "carol", Password: "carol password", Unconfirmed: true},
		{Username: "dave", Password: "dave password", ResetRequired: true},
		{Username: "erin", Password: "erin password", Disabled: true},
	} {
		addUser(t, srv, u)
		res, err := srv.IssueTokens(u.Username)
		if err != nil {
			t.Fatalf("IssueTokens(%s) = %v", u.Username, err)
		}
		if _, err := srv.VerifyAccessToken(res.AccessToken); err != nil {
			t.Errorf("%s's issued access token: %v", u.Username, err)
		}
		sess, err := cognitosrp.NewSession(srv.SessionConfig(), u.Username)
		if err != nil {
			t.Fatal(err)
		}
		if err := sess.Authenticate(t.Context(), u.Password); err == nil {
			t.Errorf("%s logged in through the API", u.Username)
		}
	}
}
