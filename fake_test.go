// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"crypto/rsa"
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

// fakeCognito is a small Cognito for the internal tests (the cognitotest
// emulator is the full-featured one, but this package cannot import it).
// It runs the server side of USER_SRP_AUTH for real, REFRESH_TOKEN_AUTH,
// GetTokensFromRefreshToken with optional rotation, RevokeToken and
// GlobalSignOut; it issues RS256 tokens signed with testKey under the
// issuer URL/poolID and serves their key set; and it has an injectable
// delay, a gate that holds calls, a controllable clock, per-call counters
// and fault injection. It also serves an API that accepts the access
// tokens it issued.
type fakeCognito struct {
	*httptest.Server                  // Cognito
	t                testing.TB       //
	api              *httptest.Server // a protected API
	poolID           string
	clientID         string
	user             string // the first user: login name and internal username
	password         string

	now func() time.Time // Cognito's clock; set once

	mu       sync.Mutex
	lifetime time.Duration  // of access and id tokens; whole seconds
	delay    time.Duration  // before each Cognito answer
	gate     chan struct{}  // when set, Cognito calls wait for it to close
	rotate   bool           // app client with refresh-token rotation
	failNext map[string]int // call → InternalErrorException answers left
	// fault, when set, is asked before each call with its action, with mu
	// held; a non-empty answer fails it (see serveFault).
	fault func(action string) string
	// override, when set, sees each request first; true means it answered.
	override func(w http.ResponseWriter, r *http.Request) bool
	// signer, when set, signs the tokens instead of testKey (a forgery).
	signer *rsa.PrivateKey
	// calls counts by action ("InitiateAuth", "RevokeToken", …) and, for
	// InitiateAuth, also by call: "login" for USER_SRP_AUTH, else the flow.
	calls     map[string]int
	entered   chan string           // when set, receives each call's name as it starts
	users     map[string]*fakeUser  // by login name
	pending   map[string]*fakeLogin // by challenge session, single use
	refresh   map[string]*fakeUser  // live refresh tokens
	access    map[string]time.Time  // live access tokens and their expiry
	rejected  map[string]bool       // access tokens the API refuses although valid
	rejectAll bool                  // the API refuses every token
	issued    []string              // every token and refresh token issued
	apiBody   []string              // bodies the API received
	seq       int
}

type fakeUser struct {
	id      string // the internal username
	salt, v *big.Int
}

type fakeLogin struct {
	*srpExchange
	user *fakeUser
}

// newFakeCognito starts a fake whose clock is now (nil: time.Now), with
// one user, f.user, whose password is f.password.
func newFakeCognito(t testing.TB, now func() time.Time) *fakeCognito {
	if now == nil {
		now = time.Now
	}
	f := &fakeCognito{
		t:        t,
		poolID:   testPoolID,
		clientID: testClientID,
		user:     "alice",
		password: "correct horse battery staple",
		now:      now,
		lifetime: time.Hour,
		calls:    map[string]int{},
		failNext: map[string]int{},
		users:    map[string]*fakeUser{},
		pending:  map[string]*fakeLogin{},
		refresh:  map[string]*fakeUser{},
		access:   map[string]time.Time{},
		rejected: map[string]bool{},
	}
	f.addUser(f.user, f.user, f.password)
	f.Server = httptest.NewServer(http.HandlerFunc(f.serveCognito))
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
		f.Close()
		f.api.Close()
	})
	return f
}

// addUser registers a user who logs in as login and is known to Cognito as
// id.
func (f *fakeCognito) addUser(login, id, password string) {
	salt := new(big.Int).SetBytes(randomBytes(f.t, 16))
	u := &fakeUser{id: id, salt: salt, v: srpVerifier(f.poolName(), id, password, salt)}
	f.mu.Lock()
	f.users[login] = u
	f.mu.Unlock()
}

func (f *fakeCognito) poolName() string { return sfPoolName(f.poolID) }

// config returns a Config for the fake's pool and client.
func (f *fakeCognito) config() Config {
	return Config{UserPoolID: f.poolID, ClientID: f.clientID, Endpoint: f.URL, Now: f.now}
}

// issuer is the iss of the tokens, whose key set the fake serves.
func (f *fakeCognito) issuer() string { return f.URL + "/" + f.poolID }

// count returns how many calls of an action or InitiateAuth flow arrived
// (see fakeCognito.calls).
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

// setFault sets f.fault and f.override.
func (f *fakeCognito) setFault(fault func(action string) string, override func(w http.ResponseWriter, r *http.Request) bool) {
	f.set(func(f *fakeCognito) { f.fault, f.override = fault, override })
}

// watch returns a channel that receives the name of each call to the
// fake as it starts (up to 10 unread).
func (f *fakeCognito) watch() <-chan string {
	entered := make(chan string, 10)
	f.set(func(f *fakeCognito) { f.entered = entered })
	return entered
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

// writeFakeError writes a Cognito error, with the namespaced __type that
// the service sometimes sends.
func writeFakeError(w http.ResponseWriter, e fakeError) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(e.status)
	w.Write(mustJSON(map[string]string{"__type": "com.amazonaws.cognito#" + e.typ, "message": e.msg}))
}

var notAuthorized = &fakeError{"NotAuthorizedException", "Invalid Refresh Token", 400}

func (f *fakeCognito) serveCognito(w http.ResponseWriter, r *http.Request) {
	// Cognito's responses carry its clock, which a login signs its SRP
	// TIMESTAMP on when the client's is far from it.
	w.Header().Set("Date", f.now().UTC().Format(http.TimeFormat))
	if r.Method == http.MethodGet && r.URL.Path == "/"+f.poolID+"/.well-known/jwks.json" {
		w.Write(mustJSON(map[string]any{"keys": []any{jwkOf(testKid, testKey())}}))
		return
	}
	action := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService.")
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body)) // for an override
	var in map[string]any
	decodeErr := json.Unmarshal(body, &in)
	call := action
	if action == "InitiateAuth" {
		call, _ = in["AuthFlow"].(string)
		if call == FlowUserSRPAuth {
			call = "login"
		}
	}
	f.mu.Lock()
	f.calls[action]++
	if call != action {
		f.calls[call]++
	}
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
	var kind string
	switch {
	case f.failNext[call] > 0:
		f.failNext[call]--
		kind = "500"
	case f.fault != nil:
		kind = f.fault(action)
	}
	override := f.override
	f.mu.Unlock()
	if override != nil && override(w, r) {
		return
	}
	if kind != "" && kind != "lost" {
		serveFault(w, kind)
		return
	}
	if decodeErr != nil {
		writeFakeError(w, fakeError{"SerializationException", "bad JSON", 400})
		return
	}
	f.mu.Lock()
	out, ferr := f.answer(action, in)
	f.mu.Unlock()
	switch {
	case kind == "lost":
		// Processed, but the answer never arrives.
		serveFault(w, "500")
	case ferr != nil:
		writeFakeError(w, *ferr)
	default:
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Write(mustJSON(out))
	}
}

// serveFault fails a call the way a struggling service or network does.
func serveFault(w http.ResponseWriter, kind string) {
	switch kind {
	case "throttle":
		writeFakeError(w, fakeError{"TooManyRequestsException", "Rate exceeded", 400})
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
		writeFakeError(w, fakeError{"InternalErrorException", "injected failure", 500})
	}
}

// answer runs one call; f.mu is held.
func (f *fakeCognito) answer(action string, in map[string]any) (any, *fakeError) {
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	strs := func(k string) map[string]string {
		m, _ := in[k].(map[string]any)
		out := make(map[string]string, len(m))
		for k, v := range m {
			out[k], _ = v.(string)
		}
		return out
	}
	params := strs("AuthParameters")
	if str(in, "ClientId") != f.clientID && action != "GlobalSignOut" {
		return nil, &fakeError{"ResourceNotFoundException", "User pool client does not exist.", 400}
	}
	switch action {
	case "InitiateAuth":
		switch str(in, "AuthFlow") {
		case FlowUserSRPAuth:
			return f.startSRP(params["USERNAME"], params["SRP_A"])
		case FlowRefreshTokenAuth:
			if f.rotate {
				return nil, &fakeError{"InvalidParameterException", "REFRESH_TOKEN_AUTH flow not enabled for this client", 400}
			}
			u := f.refresh[params["REFRESH_TOKEN"]]
			if u == nil {
				return nil, notAuthorized
			}
			return f.issue(u, false), nil
		}
	case "GetTokensFromRefreshToken":
		rt := str(in, "RefreshToken")
		u := f.refresh[rt]
		if u == nil {
			return nil, notAuthorized
		}
		if f.rotate {
			delete(f.refresh, rt)
		}
		return f.issue(u, f.rotate), nil
	case "RespondToAuthChallenge":
		return f.finishSRP(str(in, "Session"), strs("ChallengeResponses"))
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

// startSRP answers USER_SRP_AUTH with a PASSWORD_VERIFIER challenge; f.mu
// is held.
func (f *fakeCognito) startSRP(login, aHex string) (any, *fakeError) {
	u := f.users[login]
	if u == nil {
		return nil, &fakeError{"UserNotFoundException", "User does not exist.", 400}
	}
	A, ok := parseSRPA(aHex)
	if !ok {
		return nil, &fakeError{"InvalidParameterException", "bad SRP_A", 400}
	}
	b := new(big.Int).SetBytes(randomBytes(f.t, 32))
	l := &fakeLogin{user: u, srpExchange: newSRPExchange(f.poolName(), u.id, u.v, A, b, randomBytes(f.t, 32))}
	session := hex.EncodeToString(randomBytes(f.t, 16))
	f.pending[session] = l
	return map[string]any{
		"ChallengeName": ChallengePasswordVerifier,
		"Session":       session,
		"ChallengeParameters": map[string]string{
			"SRP_B": l.B.Text(16), "SALT": u.salt.Text(16), "USER_ID_FOR_SRP": u.id, "USERNAME": u.id,
			"SECRET_BLOCK": base64.StdEncoding.EncodeToString(l.secretBlock),
		},
	}, nil
}

// finishSRP checks a PASSWORD_VERIFIER answer as Cognito does; f.mu is
// held.
func (f *fakeCognito) finishSRP(session string, r map[string]string) (any, *fakeError) {
	l := f.pending[session]
	delete(f.pending, session)
	wrong := &fakeError{"NotAuthorizedException", "Incorrect username or password.", 400}
	if l == nil || r["USERNAME"] != l.user.id {
		return nil, wrong
	}
	when, err := time.Parse(TimestampLayout, r["TIMESTAMP"])
	if err != nil || f.now().Sub(when).Abs() > 5*time.Minute || !l.checkClaim(r) {
		return nil, wrong
	}
	return f.issue(l.user, true), nil
}

// issue mints RS256 tokens for u, with a refresh token after a login;
// f.mu is held.
func (f *fakeCognito) issue(u *fakeUser, withRefresh bool) map[string]any {
	f.seq++
	iat := f.now()
	exp := iat.Unix() + int64(f.lifetime/time.Second)
	jti := fmt.Sprintf("jti-%d", f.seq)
	key := cmp.Or(f.signer, testKey())
	access := signRS256(key, rsHeader(testKid), with(accessClaims(iat), "iss", f.issuer(),
		"client_id", f.clientID, "username", u.id, "jti", jti, "exp", exp))
	id := signRS256(key, rsHeader(testKid), with(idClaims(iat), "iss", f.issuer(),
		"aud", f.clientID, "cognito:username", u.id, "jti", jti+"-id", "exp", exp))
	f.access[access] = time.Unix(exp, 0)
	f.issued = append(f.issued, access, id)
	res := map[string]any{"AccessToken": access, "IdToken": id, "TokenType": "Bearer",
		"ExpiresIn": int64(f.lifetime / time.Second)}
	if withRefresh {
		rt := fmt.Sprintf("refresh-%d-%s", f.seq, hex.EncodeToString(randomBytes(f.t, 12)))
		f.refresh[rt] = u
		f.issued = append(f.issued, rt)
		res["RefreshToken"] = rt
	}
	return map[string]any{"AuthenticationResult": res}
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

// readAll reads r's body and puts it back for the next handler.
func readAll(t testing.TB, r *http.Request) string {
	var b strings.Builder
	if _, err := io.Copy(&b, r.Body); err != nil {
		t.Error(err)
	}
	r.Body = io.NopCloser(strings.NewReader(b.String()))
	return b.String()
}

// returnsWithin returns f's result, failing t when f has not returned
// after limit: a call that wrongly sleeps a backoff of an hour then fails
// its test at once, naming it, instead of hanging the run until go test's
// timeout. (f's goroutine is left behind: the test has failed.)
func returnsWithin[T any](t testing.TB, limit time.Duration, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	select {
	case v := <-done:
		return v
	case <-time.After(limit):
		t.Fatalf("still running after %v", limit)
		panic("unreachable")
	}
}
