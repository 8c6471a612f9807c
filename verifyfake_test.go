// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"cmp"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// rsaFake is a compact Cognito for the retry and verification tests: it
// runs the server side of SRP for real (S = (A·v^u)^b), issues RS256 tokens
// signed with testKey under the issuer URL/poolID, serves their key set,
// and can fail any call on demand.
type rsaFake struct {
	*httptest.Server
	now func() time.Time
	ttl time.Duration // of access and id tokens

	mu sync.Mutex // guards what follows
	// fault, when set, is asked before each call; a non-empty answer fails
	// it (see rsaServeFault). It runs with mu held.
	fault func(action string) string
	// override, when set, sees each request first; true means it answered.
	override func(w http.ResponseWriter, r *http.Request) bool
	// signer, when set, signs the tokens instead of testKey (a forgery).
	signer *rsa.PrivateKey

	users   map[string]*rsaFakeUser  // by login name
	logins  map[string]*rsaFakeLogin // by challenge session, single use
	refresh map[string]*rsaFakeUser  // by refresh token
	calls   map[string]int           // by action
}

type rsaFakeUser struct {
	id      string // the internal username
	salt, v *big.Int
}

type rsaFakeLogin struct {
	user        *rsaFakeUser
	A, b, B     *big.Int
	secretBlock []byte
}

const fakePoolName = "TestPool" // of testPoolID

func newRSAFake(t testing.TB, now func() time.Time) *rsaFake {
	f := &rsaFake{
		now: now, ttl: time.Hour,
		users: map[string]*rsaFakeUser{}, logins: map[string]*rsaFakeLogin{},
		refresh: map[string]*rsaFakeUser{}, calls: map[string]int{},
	}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// addUser registers a user who logs in as login and is known to Cognito as
// id.
func (f *rsaFake) addUser(login, id, password string) {
	salt := new(big.Int).SetBytes(randBytes(16))
	x := computeX(fakePoolName, id, password, salt)
	f.mu.Lock()
	f.users[login] = &rsaFakeUser{id: id, salt: salt, v: new(big.Int).Exp(group.g, x, group.N)}
	f.mu.Unlock()
}

func (f *rsaFake) issuer() string { return f.URL + "/" + testPoolID }

func (f *rsaFake) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && r.URL.Path == "/"+testPoolID+"/.well-known/jwks.json" {
		w.Write(mustJSON(map[string]any{"keys": []any{jwkOf(testKid, testKey())}}))
		return
	}
	action := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService.")
	f.mu.Lock()
	f.calls[action]++
	override, kind := f.override, ""
	if f.fault != nil {
		kind = f.fault(action)
	}
	f.mu.Unlock()
	if override != nil && override(w, r) {
		return
	}
	if kind != "" && kind != "lost" {
		rsaServeFault(w, kind)
		return
	}
	var in struct {
		AuthFlow           string
		AuthParameters     map[string]string
		ChallengeResponses map[string]string
		Session            string
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		rsaFakeError(w, 400, "InvalidParameterException")
		return
	}
	var out any
	var errType string
	switch {
	case action == "InitiateAuth" && in.AuthFlow == FlowUserSRPAuth:
		out, errType = f.initiate(in.AuthParameters)
	case action == "InitiateAuth" && in.AuthFlow == FlowRefreshTokenAuth:
		out, errType = f.renew(in.AuthParameters["REFRESH_TOKEN"])
	case action == "RespondToAuthChallenge":
		out, errType = f.verify(in.Session, in.ChallengeResponses)
	default:
		errType = "InvalidParameterException"
	}
	switch {
	case kind == "lost":
		// Processed, but the answer never arrives.
		rsaServeFault(w, "500")
	case errType != "":
		rsaFakeError(w, 400, errType)
	default:
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Write(mustJSON(out))
	}
}

// rsaServeFault fails a call the way a struggling service or network does.
func rsaServeFault(w http.ResponseWriter, kind string) {
	switch kind {
	case "throttle":
		rsaFakeError(w, 400, "TooManyRequestsException")
	case "html":
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		w.Write([]byte("<html><body>502 Bad Gateway</body></html>"))
	case "429":
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte("slow down"))
	case "drop":
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	default:
		rsaFakeError(w, 500, "InternalErrorException")
	}
}

func rsaFakeError(w http.ResponseWriter, status int, typ string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(status)
	w.Write(mustJSON(map[string]string{"__type": "com.amazonaws.cognito#" + typ, "message": typ}))
}

func (f *rsaFake) initiate(p map[string]string) (any, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.users[p["USERNAME"]]
	A, ok := new(big.Int).SetString(p["SRP_A"], 16)
	if u == nil || !ok || new(big.Int).Mod(A, group.N).Sign() == 0 {
		return nil, "NotAuthorizedException"
	}
	b := new(big.Int).SetBytes(randBytes(32))
	B := new(big.Int).Mul(group.k, u.v)
	B.Add(B, new(big.Int).Exp(group.g, b, group.N)).Mod(B, group.N)
	session := hex.EncodeToString(randBytes(16))
	l := &rsaFakeLogin{user: u, A: A, b: b, B: B, secretBlock: randBytes(32)}
	f.logins[session] = l
	return &AuthOutput{ChallengeName: ChallengePasswordVerifier, Session: session, ChallengeParameters: map[string]string{
		"SALT": u.salt.Text(16), "SRP_B": B.Text(16), "SECRET_BLOCK": base64.StdEncoding.EncodeToString(l.secretBlock),
		"USER_ID_FOR_SRP": u.id, "USERNAME": u.id,
	}}, ""
}

// verify checks a PASSWORD_VERIFIER answer as Cognito does.
func (f *rsaFake) verify(session string, r map[string]string) (any, string) {
	f.mu.Lock()
	l := f.logins[session]
	delete(f.logins, session)
	f.mu.Unlock()
	if l == nil || r["USERNAME"] != l.user.id || r["PASSWORD_CLAIM_SECRET_BLOCK"] != base64.StdEncoding.EncodeToString(l.secretBlock) {
		return nil, "NotAuthorizedException"
	}
	u := hashInt(padBytes(l.A), padBytes(l.B))
	S := new(big.Int).Exp(l.user.v, u, group.N)
	S.Mul(S, l.A).Mod(S, group.N).Exp(S, l.b, group.N)
	key, _ := hkdf.Key(sha256.New, padBytes(S), padBytes(u), derivedKeyInfo, 16)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(fakePoolName + l.user.id))
	mac.Write(l.secretBlock)
	mac.Write([]byte(r["TIMESTAMP"]))
	got, _ := base64.StdEncoding.DecodeString(r["PASSWORD_CLAIM_SIGNATURE"])
	if !hmac.Equal(got, mac.Sum(nil)) {
		return nil, "NotAuthorizedException"
	}
	return f.issue(l.user, true), ""
}

func (f *rsaFake) renew(token string) (any, string) {
	f.mu.Lock()
	u := f.refresh[token]
	f.mu.Unlock()
	if u == nil {
		return nil, "NotAuthorizedException"
	}
	return f.issue(u, false), ""
}

// issue returns fresh tokens for u, with a refresh token after a login.
func (f *rsaFake) issue(u *rsaFakeUser, withRefresh bool) *AuthOutput {
	iat := f.now()
	f.mu.Lock()
	key := cmp.Or(f.signer, testKey())
	f.mu.Unlock()
	ac := with(accessClaims(iat), "iss", f.issuer(), "username", u.id, "exp", iat.Add(f.ttl).Unix())
	ic := with(idClaims(iat), "iss", f.issuer(), "cognito:username", u.id, "exp", iat.Add(f.ttl).Unix())
	res := &AuthenticationResult{
		AccessToken: signRS256(key, rsHeader(testKid), ac),
		IdToken:     signRS256(key, rsHeader(testKid), ic),
		ExpiresIn:   int64(f.ttl / time.Second),
		TokenType:   "Bearer",
	}
	if withRefresh {
		res.RefreshToken = hex.EncodeToString(randBytes(32))
		f.mu.Lock()
		f.refresh[res.RefreshToken] = u
		f.mu.Unlock()
	}
	return &AuthOutput{AuthenticationResult: res}
}

// setFault sets f.fault and f.override.
func (f *rsaFake) setFault(fault func(action string) string, override func(w http.ResponseWriter, r *http.Request) bool) {
	f.mu.Lock()
	f.fault, f.override = fault, override
	f.mu.Unlock()
}

func (f *rsaFake) callCount(action string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[action]
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// readAll reads r's body and puts it back for the next handler.
func readAll(t testing.TB, r *http.Request) string {
	var b strings.Builder
	if _, err := io.Copy(&b, r.Body); err != nil {
		t.Error(err)
	}
	r.Body = io.NopCloser(strings.NewReader(b.String()))
	return b.String()
}
