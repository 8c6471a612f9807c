// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeCognito is a small Cognito for the lifecycle tests: the server side
// of USER_SRP_AUTH (it checks the password claim), REFRESH_TOKEN_AUTH,
// GetTokensFromRefreshToken with optional rotation, RevokeToken and
// GlobalSignOut, with an injectable delay, a gate that holds calls, a
// controllable clock and per-call counters. It also serves an API that
// accepts the access tokens it issued. The cognitotest emulator is the
// full-featured one; this fake keeps these tests self-contained.
type fakeCognito struct {
	t        testing.TB
	srv      *httptest.Server // Cognito
	api      *httptest.Server // a protected API
	poolID   string
	clientID string
	user     string // login name and internal username
	password string

	now func() time.Time // Cognito's clock; set once

	mu        sync.Mutex
	lifetime  time.Duration   // of access and id tokens; whole seconds
	delay     time.Duration   // before each Cognito answer
	gate      chan struct{}   // when set, Cognito calls wait for it to close
	rotate    bool            // app client with refresh-token rotation
	failNext  map[string]int  // call → InternalErrorException answers left
	calls     map[string]int  // "login", "REFRESH_TOKEN_AUTH", "GetTokensFromRefreshToken", "RevokeToken", …
	entered   chan string     // when set, receives each call's name as it starts
	refresh   map[string]bool // live refresh tokens
	access    map[string]time.Time
	rejected  map[string]bool // access tokens the API refuses although valid
	rejectAll bool            // the API refuses every token
	issued    []string        // every token and refresh token issued
	pending   map[string]*srpPending
	apiBody   []string // bodies the API received
	seq       int
}

type srpPending struct {
	b, B, A, v, salt *big.Int
	secretBlock      []byte
}

// newFakeCognito starts a fake whose clock is now (nil: time.Now).
func newFakeCognito(t testing.TB, now func() time.Time) *fakeCognito {
	if now == nil {
		now = time.Now
	}
	f := &fakeCognito{
		t:        t,
		poolID:   "us-east-1_Fake1",
		clientID: "fakeclient",
		user:     "alice",
		password: "correct horse battery staple",
		now:      now,
		lifetime: time.Hour,
		calls:    map[string]int{},
		failNext: map[string]int{},
		refresh:  map[string]bool{},
		access:   map[string]time.Time{},
		rejected: map[string]bool{},
		pending:  map[string]*srpPending{},
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serveCognito))
	f.api = httptest.NewServer(http.HandlerFunc(f.serveAPI))
	t.Cleanup(func() {
		f.mu.Lock()
		if f.gate != nil {
			select {
			case <-f.gate:
			default:
				close(f.gate)
			}
		}
		f.mu.Unlock()
		f.srv.Close()
		f.api.Close()
	})
	return f
}

// config returns a Config for the fake's pool and client.
func (f *fakeCognito) config() Config {
	return Config{UserPoolID: f.poolID, ClientID: f.clientID, Endpoint: f.srv.URL, Now: f.now}
}

func (f *fakeCognito) count(call string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[call]
}

func (f *fakeCognito) set(fn func(f *fakeCognito)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

// hold makes Cognito calls wait until the returned function is called.
func (f *fakeCognito) hold() (release func()) {
	g := make(chan struct{})
	f.set(func(f *fakeCognito) { f.gate = g })
	var once sync.Once
	return func() { once.Do(func() { close(g) }) }
}

type fakeError struct {
	typ, msg string
	status   int
}

func (f *fakeCognito) serveCognito(w http.ResponseWriter, r *http.Request) {
	action := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService.")
	var in map[string]any
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeFakeError(w, fakeError{"SerializationException", "bad JSON", 400})
		return
	}
	call := action
	if action == "InitiateAuth" {
		call, _ = in["AuthFlow"].(string)
		if call == FlowUserSRPAuth {
			call = "login"
		}
	}
	f.mu.Lock()
	f.calls[call]++
	gate, delay, entered := f.gate, f.delay, f.entered
	f.mu.Unlock()
	if entered != nil {
		entered <- call
	}
	if gate != nil {
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
	}
	if delay > 0 {
		time.Sleep(delay)
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failNext[call] > 0 {
		f.failNext[call]--
		writeFakeError(w, fakeError{"InternalErrorException", "injected failure", 500})
		return
	}
	out, ferr := f.answer(action, in)
	if ferr != nil {
		writeFakeError(w, *ferr)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	json.NewEncoder(w).Encode(out)
}

func writeFakeError(w http.ResponseWriter, e fakeError) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(e.status)
	json.NewEncoder(w).Encode(map[string]string{"__type": e.typ, "message": e.msg})
}

var notAuthorized = &fakeError{"NotAuthorizedException", "Invalid Refresh Token", 400}

// answer runs one call; f.mu is held.
func (f *fakeCognito) answer(action string, in map[string]any) (any, *fakeError) {
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	params, _ := in["AuthParameters"].(map[string]any)
	if str(in, "ClientId") != f.clientID && action != "GlobalSignOut" {
		return nil, &fakeError{"ResourceNotFoundException", "User pool client does not exist.", 400}
	}
	switch action {
	case "InitiateAuth":
		switch str(in, "AuthFlow") {
		case FlowUserSRPAuth:
			return f.startSRP(str(params, "USERNAME"), str(params, "SRP_A"))
		case FlowRefreshTokenAuth:
			if f.rotate {
				return nil, &fakeError{"InvalidParameterException", "REFRESH_TOKEN_AUTH flow not enabled for this client", 400}
			}
			if !f.refresh[str(params, "REFRESH_TOKEN")] {
				return nil, notAuthorized
			}
			return map[string]any{"AuthenticationResult": f.issue(false)}, nil
		}
	case "GetTokensFromRefreshToken":
		rt := str(in, "RefreshToken")
		if !f.refresh[rt] {
			return nil, notAuthorized
		}
		if f.rotate {
			delete(f.refresh, rt)
		}
		return map[string]any{"AuthenticationResult": f.issue(f.rotate)}, nil
	case "RespondToAuthChallenge":
		return f.finishSRP(str(in, "Session"), in["ChallengeResponses"].(map[string]any))
	case "RevokeToken":
		delete(f.refresh, str(in, "Token"))
		return map[string]any{}, nil
	case "GlobalSignOut":
		if _, ok := f.access[str(in, "AccessToken")]; !ok {
			return nil, &fakeError{"NotAuthorizedException", "Access Token has been revoked", 400}
		}
		clear(f.refresh)
		clear(f.access)
		return map[string]any{}, nil
	}
	return nil, &fakeError{"InvalidParameterException", "unsupported call " + action, 400}
}

func (f *fakeCognito) startSRP(username, aHex string) (any, *fakeError) {
	if username != f.user {
		return nil, &fakeError{"UserNotFoundException", "User does not exist.", 400}
	}
	A, ok := new(big.Int).SetString(aHex, 16)
	if !ok || new(big.Int).Mod(A, group.N).Sign() == 0 {
		return nil, &fakeError{"InvalidParameterException", "bad SRP_A", 400}
	}
	p := &srpPending{A: A, b: randomInt(f.t, 32), salt: randomInt(f.t, 16), secretBlock: randomBytes(f.t, 32)}
	x := computeX(strings.TrimPrefix(f.poolID, "us-east-1_"), f.user, f.password, p.salt)
	p.v = new(big.Int).Exp(group.g, x, group.N)
	p.B = new(big.Int).Exp(group.g, p.b, group.N)
	p.B.Add(p.B, new(big.Int).Mul(group.k, p.v)).Mod(p.B, group.N)
	session := hex.EncodeToString(randomBytes(f.t, 16))
	f.pending[session] = p
	return map[string]any{
		"ChallengeName": ChallengePasswordVerifier,
		"Session":       session,
		"ChallengeParameters": map[string]string{
			"SRP_B": p.B.Text(16), "SALT": p.salt.Text(16), "USER_ID_FOR_SRP": f.user, "USERNAME": f.user,
			"SECRET_BLOCK": base64.StdEncoding.EncodeToString(p.secretBlock),
		},
	}, nil
}

func (f *fakeCognito) finishSRP(session string, resp map[string]any) (any, *fakeError) {
	p := f.pending[session]
	delete(f.pending, session)
	wrong := &fakeError{"NotAuthorizedException", "Incorrect username or password.", 400}
	if p == nil {
		return nil, wrong
	}
	ts, _ := resp["TIMESTAMP"].(string)
	when, err := time.Parse(TimestampLayout, ts)
	if err != nil || f.now().Sub(when).Abs() > 5*time.Minute {
		return nil, wrong
	}
	u := hashInt(padBytes(p.A), padBytes(p.B))
	S := new(big.Int).Exp(p.v, u, group.N)
	S.Mul(S, p.A).Mod(S, group.N).Exp(S, p.b, group.N)
	key, _ := hkdf.Key(sha256.New, padBytes(S), padBytes(u), derivedKeyInfo, 16)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(strings.TrimPrefix(f.poolID, "us-east-1_")))
	mac.Write([]byte(f.user))
	mac.Write(p.secretBlock)
	mac.Write([]byte(ts))
	sig, _ := resp["PASSWORD_CLAIM_SIGNATURE"].(string)
	if sig != base64.StdEncoding.EncodeToString(mac.Sum(nil)) {
		return nil, wrong
	}
	return map[string]any{"AuthenticationResult": f.issue(true)}, nil
}

// issue mints tokens; f.mu is held.
func (f *fakeCognito) issue(withRefresh bool) map[string]any {
	f.seq++
	iat := f.now().Unix()
	exp := iat + int64(f.lifetime/time.Second)
	jti := fmt.Sprintf("jti-%d", f.seq)
	access := fakeJWT(map[string]any{"token_use": "access", "username": f.user, "client_id": f.clientID,
		"jti": jti, "iat": iat, "exp": exp, "sub": "sub-1"})
	id := fakeJWT(map[string]any{"token_use": "id", "cognito:username": f.user, "aud": f.clientID,
		"jti": jti + "-id", "iat": iat, "exp": exp, "sub": "sub-1"})
	f.access[access] = time.Unix(exp, 0)
	f.issued = append(f.issued, access, id)
	res := map[string]any{"AccessToken": access, "IdToken": id, "TokenType": "Bearer",
		"ExpiresIn": int64(f.lifetime / time.Second)}
	if withRefresh {
		rt := fmt.Sprintf("refresh-%d-%s", f.seq, hex.EncodeToString(randomBytes(f.t, 12)))
		f.refresh[rt] = true
		f.issued = append(f.issued, rt)
		res["RefreshToken"] = rt
	}
	return res
}

func fakeJWT(claims map[string]any) string {
	payload, _ := json.Marshal(claims)
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"RS256","kid":"fake"}`)) + "." +
		enc.EncodeToString(payload) + "." + enc.EncodeToString([]byte("signature-of-"+string(payload)))
}

// apiCalls returns how many requests the API has received.
func (f *fakeCognito) apiCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.apiBody)
}

// serveAPI answers 200 to a request carrying a live access token, else 401.
func (f *fakeCognito) serveAPI(w http.ResponseWriter, r *http.Request) {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	exp, ok := f.access[tok]
	ok = ok && f.now().Before(exp) && !f.rejected[tok] && !f.rejectAll
	f.apiBody = append(f.apiBody, string(body))
	f.mu.Unlock()
	if !ok {
		http.Error(w, "token rejected", http.StatusUnauthorized)
		return
	}
	fmt.Fprint(w, "ok")
}

func randomBytes(t testing.TB, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

func randomInt(t testing.TB, n int) *big.Int {
	return new(big.Int).SetBytes(randomBytes(t, n))
}

// testClock is a clock that moves only when told.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock {
	return &testClock{t: time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
