// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// scriptFake is a scripted Cognito for the challenge tests: it expects one
// call after another, checks each request with the step's function and
// answers what that function returns. It does the server side of SRP (for
// the user and for remembered devices), so a wrong proof fails the test;
// it is deterministic, so that its transcripts can be golden fixtures.
type scriptFake struct {
	t     testing.TB
	rand  io.Reader
	now   time.Time
	steps []scriptStep

	poolID, clientID, clientSecret string
	loginName, internal, password  string

	mu   sync.Mutex
	next int
	// srp is the exchange in progress, for the user or a device.
	srp *srpExchange
	// devices are the verifiers registered with ConfirmDevice, by key.
	devices map[string]sfDevice
	seq     int
	// lastSession and lastAccess are the latest challenge session and
	// access token issued, which the next request must carry.
	lastSession, lastAccess string
}

// scriptStep is one expected call and its answer: a status and a body
// (an error body when status is not 200).
type scriptStep struct {
	action string
	handle func(f *scriptFake, in map[string]any) (int, any)
}

type sfDevice struct {
	groupKey string
	v, salt  *big.Int
}

// fxNow is the fixed clock of the fixture tests.
var fxNow = time.Date(2026, time.March, 4, 9, 5, 7, 0, time.UTC)

// newScriptFake returns a fake for the pool us-east-1_ChAlL3nge whose
// user logs in as loginName and is internally called internal.
func newScriptFake(t testing.TB, clientSecret, loginName, internal string) *scriptFake {
	return &scriptFake{
		t:            t,
		rand:         fxRand("server"),
		now:          fxNow,
		poolID:       "us-east-1_ChAlL3nge",
		clientID:     "3n7c1ient1d0000000000000000",
		clientSecret: clientSecret,
		loginName:    loginName,
		internal:     internal,
		password:     "Corr3ct-Horse!",
		devices:      map[string]sfDevice{},
	}
}

// then appends steps.
func (f *scriptFake) then(steps ...scriptStep) *scriptFake {
	f.steps = append(f.steps, steps...)
	return f
}

// config is the client configuration that matches the fake.
func (f *scriptFake) config(endpoint string) Config {
	return Config{
		UserPoolID:   f.poolID,
		ClientID:     f.clientID,
		ClientSecret: f.clientSecret,
		Endpoint:     endpoint,
		Rand:         fxRand("client"),
		Now:          func() time.Time { return fxNow },
		// A script has one answer per call: no retries.
		Retry: RetryPolicy{MaxAttempts: 1},
	}
}

// done fails the test unless every step was taken.
func (f *scriptFake) done() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.next != len(f.steps) {
		f.t.Errorf("fake Cognito: %d of %d calls made", f.next, len(f.steps))
	}
}

func (f *scriptFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	action := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService.")
	var in map[string]any
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		f.t.Errorf("fake Cognito: %s: body is not JSON: %v", action, err)
	}
	if f.next >= len(f.steps) {
		f.t.Errorf("fake Cognito: unexpected call %s", action)
		sfWriteJSON(w, 400, sfErr("InvalidParameterException", "unexpected call"))
		return
	}
	step := f.steps[f.next]
	f.next++
	if step.action != action {
		f.t.Errorf("fake Cognito: call %d is %s, want %s", f.next, action, step.action)
	}
	if r.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
		f.t.Errorf("fake Cognito: %s: Content-Type %q", action, r.Header.Get("Content-Type"))
	}
	status, body := step.handle(f, in)
	sfWriteJSON(w, status, body)
}

func sfWriteJSON(w http.ResponseWriter, status int, body any) {
	data, err := json.Marshal(body)
	if err != nil {
		panic(err) // the test's own values
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	// No Date on the real clock (net/http's), which is not the test's.
	w.Header()["Date"] = nil
	w.WriteHeader(status)
	w.Write(data)
}

func sfErr(typ, msg string) map[string]string {
	return map[string]string{"__type": typ, "message": msg}
}

// strMap reads a map of strings from a request.
func sfStrMap(in map[string]any, key string) map[string]string {
	m := map[string]string{}
	raw, _ := in[key].(map[string]any)
	for k, v := range raw {
		m[k], _ = v.(string)
	}
	return m
}

// want checks the keys of a request map: each of want must be present
// with its value ("*" for any), and nothing else may be.
func (f *scriptFake) want(what string, got, want map[string]string) {
	f.t.Helper()
	for k, v := range want {
		g, ok := got[k]
		switch {
		case !ok:
			f.t.Errorf("%s: %s missing", what, k)
		case v != "*" && g != v:
			f.t.Errorf("%s: %s = %q, want %q", what, k, g, v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			f.t.Errorf("%s: unexpected %s", what, k)
		}
	}
}

// withAuth adds SECRET_HASH for name (when the client has a secret) and
// DEVICE_KEY (when not empty) to the expected keys of want.
func (f *scriptFake) withAuth(want map[string]string, name, deviceKey string) map[string]string {
	if f.clientSecret != "" {
		want["SECRET_HASH"] = SecretHash(name, f.clientID, f.clientSecret)
	}
	if deviceKey != "" {
		want["DEVICE_KEY"] = deviceKey
	}
	return want
}

func (f *scriptFake) session() string {
	f.seq++
	f.lastSession = fmt.Sprintf("fake-session-%d-%s", f.seq, strings.Repeat("x", 40))
	return f.lastSession
}

// startUserSRP begins the server side of SRP for the user with the
// client's SRP_A and returns the PASSWORD_VERIFIER challenge.
func (f *scriptFake) startUserSRP(aHex string) map[string]any {
	salt := new(big.Int).SetBytes(fxBytes(f.rand, 16))
	v := srpVerifier(sfPoolName(f.poolID), f.internal, f.password, salt)
	params := f.startSRP(sfPoolName(f.poolID), f.internal, aHex, v, salt)
	params["USER_ID_FOR_SRP"] = f.internal
	params["USERNAME"] = f.internal
	return sfChallenge(ChallengePasswordVerifier, params, f.session())
}

// startDeviceSRP begins the server side of device SRP and returns the
// DEVICE_PASSWORD_VERIFIER challenge.
func (f *scriptFake) startDeviceSRP(deviceKey, aHex string) map[string]any {
	d, ok := f.devices[deviceKey]
	if !ok {
		f.t.Fatalf("fake Cognito: device %s was never confirmed", deviceKey)
	}
	params := f.startSRP(d.groupKey, deviceKey, aHex, d.v, d.salt)
	params["USERNAME"] = f.internal
	params["DEVICE_KEY"] = deviceKey
	return sfChallenge(ChallengeDevicePasswordVerifier, params, f.session())
}

// startSRP begins an exchange with a fresh b.
func (f *scriptFake) startSRP(poolName, userID, aHex string, v, salt *big.Int) map[string]string {
	A, ok := parseSRPA(aHex)
	if !ok {
		f.t.Fatalf("fake Cognito: SRP_A %q is not valid", aHex)
	}
	b := new(big.Int).SetBytes(fxBytes(f.rand, 128))
	f.srp = newSRPExchange(poolName, userID, v, A, b, fxBytes(f.rand, 48))
	return map[string]string{
		"SRP_B":        f.srp.B.Text(16),
		"SALT":         hex.EncodeToString(padBytes(salt)),
		"SECRET_BLOCK": base64.StdEncoding.EncodeToString(f.srp.secretBlock),
	}
}

// checkClaim verifies a password claim against the exchange in progress.
func (f *scriptFake) checkClaim(r map[string]string) {
	f.t.Helper()
	st := f.srp
	if st == nil {
		f.t.Fatal("fake Cognito: claim without an SRP exchange")
	}
	f.srp = nil
	if r["TIMESTAMP"] != Timestamp(f.now) {
		f.t.Errorf("claim TIMESTAMP = %q, want %q", r["TIMESTAMP"], Timestamp(f.now))
	}
	if r["PASSWORD_CLAIM_SIGNATURE"] != st.claimSignature(r["TIMESTAMP"]) {
		f.t.Errorf("the password claim of %s does not verify", st.userID)
	}
	if r["PASSWORD_CLAIM_SECRET_BLOCK"] != base64.StdEncoding.EncodeToString(st.secretBlock) {
		f.t.Errorf("PASSWORD_CLAIM_SECRET_BLOCK is not the echo of SECRET_BLOCK")
	}
}

// confirm registers a device from a ConfirmDevice request.
func (f *scriptFake) confirm(in map[string]any, groupKey string) {
	cfg, _ := in["DeviceSecretVerifierConfig"].(map[string]any)
	vb, err1 := base64.StdEncoding.DecodeString(fmt.Sprint(cfg["PasswordVerifier"]))
	sb, err2 := base64.StdEncoding.DecodeString(fmt.Sprint(cfg["Salt"]))
	if err1 != nil || err2 != nil || len(vb) == 0 || len(sb) == 0 {
		f.t.Fatalf("ConfirmDevice: DeviceSecretVerifierConfig is not base64")
	}
	key := fmt.Sprint(in["DeviceKey"])
	f.devices[key] = sfDevice{groupKey: groupKey, v: new(big.Int).SetBytes(vb), salt: new(big.Int).SetBytes(sb)}
}

// tokens returns an AuthenticationResult for the user; a refresh omits
// the refresh token, as REFRESH_TOKEN_AUTH does.
func (f *scriptFake) tokens(refresh bool, device *NewDeviceMetadata) map[string]any {
	f.seq++
	iat := f.now.Unix()
	access := fxJWT(map[string]any{
		"sub": f.internal, "username": f.internal, "token_use": "access", "client_id": f.clientID,
		"iat": iat, "exp": iat + 3600, "jti": fmt.Sprint("access-", f.seq),
	})
	id := fxJWT(map[string]any{
		"sub": f.internal, "cognito:username": f.internal, "token_use": "id", "aud": f.clientID,
		"email": f.loginName, "iat": iat, "exp": iat + 3600, "jti": fmt.Sprint("id-", f.seq),
	})
	f.lastAccess = access
	res := map[string]any{"AccessToken": access, "IdToken": id, "ExpiresIn": 3600, "TokenType": "Bearer"}
	if !refresh {
		res["RefreshToken"] = fmt.Sprintf("fake-refresh-token-%d", f.seq)
	}
	if device != nil {
		res["NewDeviceMetadata"] = device
	}
	return map[string]any{"AuthenticationResult": res, "ChallengeParameters": map[string]string{}}
}

func sfChallenge(name string, params map[string]string, session string) map[string]any {
	return map[string]any{"ChallengeName": name, "ChallengeParameters": params, "Session": session}
}

func sfPoolName(poolID string) string {
	_, name, _ := strings.Cut(poolID, "_")
	return name
}

// fxJWT builds an unsigned JWT with the claims: the client reads claims
// without verifying signatures.
func fxJWT(claims map[string]any) string {
	enc := func(v any) string {
		data, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		return base64.RawURLEncoding.EncodeToString(data)
	}
	return enc(map[string]string{"alg": "RS256", "kid": "fake"}) + "." + enc(claims) + ".c2lnbmF0dXJl"
}

// fxRand is a deterministic stream: SHA-256(label/counter) blocks.
func fxRand(label string) io.Reader { return &fxStream{label: label} }

type fxStream struct {
	label string
	n     uint64
	buf   []byte
}

func (s *fxStream) Read(p []byte) (int, error) {
	for len(s.buf) < len(p) {
		h := sha256.New()
		h.Write([]byte(s.label))
		binary.Write(h, binary.BigEndian, s.n)
		s.n++
		s.buf = h.Sum(s.buf)
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	return n, nil
}

func fxBytes(r io.Reader, n int) []byte {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		panic(err)
	}
	return b
}

// claimKeys are the ChallengeResponses of a password claim, besides
// USERNAME, SECRET_HASH and DEVICE_KEY.
var claimKeys = map[string]string{"PASSWORD_CLAIM_SECRET_BLOCK": "*", "PASSWORD_CLAIM_SIGNATURE": "*", "TIMESTAMP": "*"}

// sfInitiate expects InitiateAuth in flow with the AuthParameters of want
// plus SECRET_HASH (of the login name, or of the internal name for a
// refresh) and DEVICE_KEY when deviceKey is set.
func sfInitiate(flow string, want map[string]string, deviceKey string, answer func(f *scriptFake, p map[string]string) (int, any)) scriptStep {
	return scriptStep{action: "InitiateAuth", handle: func(f *scriptFake, in map[string]any) (int, any) {
		if in["AuthFlow"] != flow || in["ClientId"] != f.clientID {
			f.t.Errorf("InitiateAuth: AuthFlow %v, ClientId %v", in["AuthFlow"], in["ClientId"])
		}
		name := f.loginName
		if flow == FlowRefreshTokenAuth {
			name = f.internal
		}
		p := sfStrMap(in, "AuthParameters")
		f.want("InitiateAuth "+flow, p, f.withAuth(maps.Clone(want), name, deviceKey))
		return answer(f, p)
	}}
}

// sfRespond expects RespondToAuthChallenge to the challenge name in the
// latest session, with the responses of want plus USERNAME (the internal
// name unless want sets it), SECRET_HASH of that name, and DEVICE_KEY when
// deviceKey is set.
func sfRespond(name string, want map[string]string, deviceKey string, answer func(f *scriptFake, r map[string]string) (int, any)) scriptStep {
	return scriptStep{action: "RespondToAuthChallenge", handle: func(f *scriptFake, in map[string]any) (int, any) {
		if in["ChallengeName"] != name || in["ClientId"] != f.clientID {
			f.t.Errorf("RespondToAuthChallenge: ChallengeName %v, want %s; ClientId %v", in["ChallengeName"], name, in["ClientId"])
		}
		if in["Session"] != f.lastSession {
			f.t.Errorf("%s: Session is not the challenge's", name)
		}
		w := maps.Clone(want)
		if w["USERNAME"] == "" {
			w["USERNAME"] = f.internal
		}
		r := sfStrMap(in, "ChallengeResponses")
		f.want(name+" ChallengeResponses", r, f.withAuth(w, w["USERNAME"], deviceKey))
		return answer(f, r)
	}}
}

// sfCall expects another action; check sees its request.
func sfCall(action string, answer func(f *scriptFake, in map[string]any) (int, any)) scriptStep {
	return scriptStep{action: action, handle: answer}
}

// Answers for the steps above.

func sfPasswordVerifier(f *scriptFake, p map[string]string) (int, any) {
	return 200, f.startUserSRP(p["SRP_A"])
}

func sfClaim(next func(f *scriptFake) (int, any)) func(f *scriptFake, r map[string]string) (int, any) {
	return func(f *scriptFake, r map[string]string) (int, any) {
		f.checkClaim(r)
		return next(f)
	}
}

func sfTokens(device *NewDeviceMetadata) func(f *scriptFake) (int, any) {
	return func(f *scriptFake) (int, any) { return 200, f.tokens(false, device) }
}

func sfAsk(name string, params map[string]string) func(f *scriptFake) (int, any) {
	return func(f *scriptFake) (int, any) { return 200, sfChallenge(name, params, f.session()) }
}

// sfThen ignores the request and answers with next.
func sfThen[M any](next func(f *scriptFake) (int, any)) func(f *scriptFake, m M) (int, any) {
	return func(f *scriptFake, m M) (int, any) { return next(f) }
}
