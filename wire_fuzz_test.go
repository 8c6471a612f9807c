// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// This file checks what a login SENDS, whatever the endpoint answers: the
// password, the new password of a forced change, the client secret, the
// device password and the refresh tokens go only where Cognito's API
// reference asks for them, in no encoding anywhere else (the body's
// member names and strings, the URL, the headers). FuzzLogin checks that
// secrets stay out of errors and logs; an endpoint that is not Cognito
// gets the requests themselves. An audit found that a fake answering a
// USER_SRP_AUTH login with SELECT_CHALLENGE ["PASSWORD"] got the password
// itself (TestNoPasswordForAChoiceOutOfTurn); these tests find it
// too, in each flow but USER_AUTH, when that fix is undone.
//
// The places allowed, each the one the API reference gives (wireAllowed):
//   - the password: InitiateAuth's AuthParameters.PASSWORD in
//     USER_PASSWORD_AUTH ("USER_PASSWORD_AUTH takes in USERNAME and
//     PASSWORD"), and, in USER_AUTH only, the PASSWORD of the answer to
//     SELECT_CHALLENGE whose ANSWER is PASSWORD (ChallengeResponseType:
//     {"ANSWER": "PASSWORD", "USERNAME": …, "PASSWORD": …}), the one flow
//     in which Cognito offers a choice, and only in reply to InitiateAuth
//     (the request before it), where Cognito offers it. The library never prefers
//     PASSWORD in USER_AUTH's InitiateAuth (it asks for PASSWORD_SRP), and
//     puts nothing of its own into the answer to a challenge named
//     PASSWORD (the handler's Answer goes there): neither is allowed.
//   - the new password: NEW_PASSWORD in the answer to
//     NEW_PASSWORD_REQUIRED.
//   - the client secret: GetTokensFromRefreshToken's ClientSecret ("the
//     client secret of the requested app client, if the client has a
//     secret"), in a session that renews with it; elsewhere only its
//     SECRET_HASH.
//   - a refresh token: the renewal of the configured method,
//     GetTokensFromRefreshToken's RefreshToken or InitiateAuth's
//     AuthParameters.REFRESH_TOKEN in REFRESH_TOKEN_AUTH.
//   - the device password, old or new: nowhere (SRP proves it, and
//     ConfirmDevice takes a verifier).

// wireConfig is a session's configuration, as a fuzz input's mode byte
// selects it (wireMode).
type wireConfig struct {
	flow string // Config.AuthFlow
	// secret gives the app client a secret; device gives the session a
	// remembered device; getTokens renews with GetTokensFromRefreshToken
	// (else InitiateAuth); prior installs tokens before the login, whose
	// refresh token the login must not send.
	secret, device, getTokens, prior bool
}

// wireFlows are the flows a Session logs in with ("" is the default).
var wireFlows = []string{"", FlowUserSRPAuth, FlowUserAuth, FlowCustomAuth, FlowUserPasswordAuth}

// wireModes is the number of configurations wireMode tells apart.
const wireModes = 5 * 16

// wireMode returns the configuration mode selects: the flow, then a bit
// each for the rest.
func wireMode(mode uint8) wireConfig {
	m := int(mode) % wireModes
	bits := m / len(wireFlows)
	return wireConfig{flow: wireFlows[m%len(wireFlows)],
		secret: bits&1 != 0, device: bits&2 != 0, getTokens: bits&4 != 0, prior: bits&8 != 0}
}

func (c wireConfig) String() string {
	s := cmp.Or(c.flow, "default")
	for _, o := range []struct {
		on   bool
		name string
	}{{c.secret, "secret"}, {c.device, "device"}, {c.getTokens, "gettokens"}, {c.prior, "prior"}} {
		if o.on {
			s += "+" + o.name
		}
	}
	return s
}

// wireRequest is one request a login sent.
type wireRequest struct {
	action string
	url    string
	header http.Header
	body   []byte
}

// wireSecrets are the secrets of one run, drawn for it: the fuzzer never
// sees them.
type wireSecrets struct {
	password, newPassword, clientSecret string
	// devicePasswords are the remembered device's and those of the
	// devices the run confirmed (read from the store afterwards).
	devicePasswords []string
	// refreshTokens are the prior tokens' and the one the fake issues.
	refreshTokens []string
}

// wireStore is a DeviceStore that remembers every device saved, to learn
// the passwords of the devices a login confirmed.
type wireStore struct {
	MemoryDeviceStore
	mu    sync.Mutex
	saved []string
}

func (w *wireStore) SaveDevice(ctx context.Context, owner DeviceOwner, d *Device) error {
	if d != nil {
		w.mu.Lock()
		w.saved = append(w.saved, d.Password)
		w.mu.Unlock()
	}
	return w.MemoryDeviceStore.SaveDevice(ctx, owner, d)
}

// wireAnswer is what the fake makes of the fuzzer's body: a body that
// names an error type (__type) comes with status 400, 429 or 500 as the
// type says, any other with 200; in an AuthenticationResult the
// AccessToken and IdToken present become valid tokens of the user (the
// fuzzer cannot forge them) and the RefreshToken present becomes the
// run's secret one.
func wireAnswer(body []byte, refreshToken string) (int, []byte) {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil || m == nil {
		return 200, body
	}
	var typ string
	if json.Unmarshal(m["__type"], &typ) == nil && typ != "" {
		switch {
		case strings.Contains(typ, "InternalError"):
			return 500, body
		case strings.Contains(typ, "TooManyRequests"):
			return 429, body
		}
		return 400, body
	}
	var res map[string]json.RawMessage
	if json.Unmarshal(m["AuthenticationResult"], &res) != nil || res == nil {
		return 200, body
	}
	for name, value := range map[string]string{
		"AccessToken": fxJWT(accessClaims(testNow)), "IdToken": fxJWT(idClaims(testNow)), "RefreshToken": refreshToken,
	} {
		if _, ok := res[name]; ok {
			res[name] = mustJSON(value)
		}
	}
	m["AuthenticationResult"] = mustJSON(res)
	return 200, mustJSON(m)
}

// wireHandler is the most willing ChallengeHandler: it answers every
// challenge it is given. At SELECT_CHALLENGE it takes PASSWORD when offered
// (or when nothing is), else the first choice; at NEW_PASSWORD_REQUIRED it
// gives newPassword and every required attribute; it gives a code to the
// MFA challenges and a type to SELECT_MFA_TYPE; anything else gets an
// answer. It never gives the password: only the library may add it.
func wireHandler(newPassword string) ChallengeHandler {
	return ChallengeHandlerFunc(func(ctx context.Context, c *Challenge) (*ChallengeAnswer, error) {
		switch c.Name {
		case ChallengeSelectChallenge:
			if len(c.AvailableChallenges) == 0 || slices.Contains(c.AvailableChallenges, ChallengePassword) {
				return &ChallengeAnswer{Answer: ChallengePassword}, nil
			}
			return &ChallengeAnswer{Answer: cmp.Or(c.AvailableChallenges[0], ChallengePassword)}, nil
		case ChallengeNewPasswordRequired:
			attrs := map[string]string{}
			for _, a := range c.RequiredAttributes {
				attrs[a] = "value"
			}
			return &ChallengeAnswer{Answer: newPassword, UserAttributes: attrs}, nil
		case ChallengeSMSMFA, ChallengeSoftwareTokenMFA, ChallengeEmailOTP, ChallengeSMSOTP, "EMAIL_MFA":
			return &ChallengeAnswer{Answer: "123456"}, nil
		case ChallengeSelectMFAType:
			if len(c.MFAOptions) > 0 {
				return &ChallengeAnswer{Answer: c.MFAOptions[0]}, nil
			}
			return &ChallengeAnswer{Answer: ChallengeSoftwareTokenMFA}, nil
		}
		return &ChallengeAnswer{Answer: "answer"}, nil
	})
}

// wireLogin runs Session.Authenticate in configuration c, then (when the
// session has a refresh token) Session.Refresh, against a fake whose n-th
// call is answered from responses[n] (wireAnswer), and after the last one
// with NotAuthorizedException. It returns every request sent and the
// run's secrets.
func wireLogin(t *testing.T, c wireConfig, responses [][]byte) ([]wireRequest, wireSecrets) {
	t.Helper()
	secret := func(prefix string) string { return prefix + hex.EncodeToString(randomBytes(t, 16)) }
	sec := wireSecrets{
		// JSON escapes four of its characters, and é is not ASCII: the
		// escaped forms differ from the raw one.
		password:    secret("Pw-") + `"<&é\`,
		newPassword: secret("NewPw-") + `>`,
		// The fake issues one refresh token; the prior tokens have another.
		refreshTokens: []string{secret("refresh-"), secret("prior-refresh-")},
	}
	cfg := Config{
		UserPoolID: testPoolID, ClientID: testClientID, AuthFlow: c.flow,
		Endpoint: "http://127.0.0.1:1/", // never dialled: the transport answers
		// Retries and restarts once each, at once: a second copy of a
		// request must be as clean as the first.
		Retry:            RetryPolicy{MaxAttempts: 2, Jitter: func(time.Duration) time.Duration { return 0 }},
		ChallengeHandler: wireHandler(sec.newPassword),
		Now:              func() time.Time { return testNow },
		RefreshMethod:    RefreshWithInitiateAuth,
	}
	if c.getTokens {
		cfg.RefreshMethod = RefreshWithGetTokens
	}
	if c.secret {
		sec.clientSecret = secret("client-secret-")
		cfg.ClientSecret = sec.clientSecret
	}
	store := new(wireStore)
	if c.device {
		d := &Device{Key: "us-east-1_0a1b2c3d-device", GroupKey: "-group-key", Password: base64.StdEncoding.EncodeToString(randomBytes(t, devicePasswordBytes))}
		if err := store.MemoryDeviceStore.SaveDevice(t.Context(), DeviceOwner{UserPoolID: testPoolID, Username: "alias@example.com"}, d); err != nil {
			t.Fatal(err)
		}
		sec.devicePasswords = append(sec.devicePasswords, d.Password)
		cfg.Devices = RememberDevices(store, "")
	}
	var mu sync.Mutex
	var reqs []wireRequest
	cfg.HTTPClient = &http.Client{Transport: RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		var body []byte
		if r.Body != nil {
			body, _ = io.ReadAll(r.Body)
			r.Body.Close()
		}
		mu.Lock()
		n := len(reqs)
		reqs = append(reqs, wireRequest{
			action: strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService."),
			url:    r.URL.String(), header: r.Header.Clone(), body: body,
		})
		mu.Unlock()
		status, answer := 400, []byte(`{"__type":"NotAuthorizedException","message":"no more answers"}`)
		if n < len(responses) {
			status, answer = wireAnswer(responses[n], sec.refreshTokens[0])
		}
		return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/x-amz-json-1.1"}},
			Body: io.NopCloser(bytes.NewReader(answer)), ContentLength: int64(len(answer)), Request: r}, nil
	})}
	s, err := NewSession(cfg, "alias@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if c.prior {
		s.SetTokens(&Tokens{AccessToken: fxJWT(accessClaims(testNow)), IDToken: fxJWT(idClaims(testNow)),
			RefreshToken: sec.refreshTokens[1], TokenType: "Bearer", Username: "internal-user"})
	}
	ctx := t.Context()
	_ = s.Authenticate(ctx, sec.password) // any outcome: what was sent is the question
	if tok := s.Tokens(); tok != nil && tok.RefreshToken != "" {
		_ = s.Refresh(ctx)
	}
	s.Close()
	store.mu.Lock()
	sec.devicePasswords = append(sec.devicePasswords, store.saved...)
	store.mu.Unlock()
	mu.Lock()
	defer mu.Unlock()
	return reqs, sec
}

// wireForms returns the spellings of s a request could carry it in: as
// it is, JSON-escaped (with HTML escaping and without), URL-escaped, in
// hex, and in base64 (standard and URL alphabets) at each of the three
// alignments it may have inside a longer encoded text (such as
// "user:password" in a Basic header); for a secret that is itself
// base64 (a device password), its bytes too, raw, in hex and in the URL
// alphabet. Spellings shorter than 8 bytes are left out.
func wireForms(s string) []string {
	forms := []string{s, url.QueryEscape(s), url.PathEscape(s), hex.EncodeToString([]byte(s)), strings.ToUpper(hex.EncodeToString([]byte(s)))}
	for _, html := range []bool{true, false} {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(html)
		enc.Encode(s)
		forms = append(forms, strings.TrimSuffix(strings.TrimSuffix(b.String(), "\n"), `"`)[1:])
	}
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		for k := range 3 {
			// The characters that depend on s alone: not the first group
			// (k bytes before s share it), nor a last partial one.
			e := enc.EncodeToString(append(make([]byte, k), s...))
			from, to := 0, len(e)
			if k > 0 {
				from = 4
			}
			if (k+len(s))%3 != 0 {
				to -= (k+len(s))%3 + 1
			}
			if to > from {
				forms = append(forms, e[from:to])
			}
		}
	}
	if raw, err := base64.StdEncoding.DecodeString(s); err == nil {
		forms = append(forms, string(raw), hex.EncodeToString(raw), base64.RawURLEncoding.EncodeToString(raw))
	}
	forms = slices.DeleteFunc(forms, func(f string) bool { return len(f) < 8 })
	slices.Sort(forms)
	return slices.Compact(forms)
}

// wireWalk calls visit for every member name (with its object's path) and
// every string of the JSON text body, with its path ("AuthParameters.
// PASSWORD"; "[]" for an array's element). Member names that repeat are
// each visited, as encoding/json's maps would hide them. It reports
// whether body is one JSON value.
func wireWalk(body []byte, visit func(path, s string)) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	var walk func(path string) error
	walk = func(path string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch v := tok.(type) {
		case string:
			visit(path, v)
		case json.Delim:
			for dec.More() {
				elem := path + "[]"
				if v == '{' {
					k, err := dec.Token()
					if err != nil {
						return err
					}
					visit(path, k.(string))
					elem = strings.TrimPrefix(path+"."+k.(string), ".")
				}
				if err := walk(elem); err != nil {
					return err
				}
			}
			_, err = dec.Token() // the closing delimiter
			return err
		}
		return nil
	}
	if walk("") != nil {
		return false
	}
	_, err := dec.Token()
	return err == io.EOF
}

// wireAllowed reports whether a request of action, whose strings by path
// are fields, may carry the secret of kind at path in a session of c.
func wireAllowed(c wireConfig, kind, action, prev, path string, fields map[string][]string) bool {
	// A field that decides must be there once: two could be read either way.
	one := func(p string) string {
		if len(fields[p]) != 1 {
			return "\x00"
		}
		return fields[p][0]
	}
	switch kind {
	case "password":
		return action == "InitiateAuth" && c.flow == FlowUserPasswordAuth && one("AuthFlow") == FlowUserPasswordAuth &&
			path == "AuthParameters.PASSWORD" ||
			action == "RespondToAuthChallenge" && prev == "InitiateAuth" && c.flow == FlowUserAuth &&
				one("ChallengeName") == ChallengeSelectChallenge &&
				one("ChallengeResponses.ANSWER") == ChallengePassword && path == "ChallengeResponses.PASSWORD"
	case "new password":
		return action == "RespondToAuthChallenge" && one("ChallengeName") == ChallengeNewPasswordRequired &&
			path == "ChallengeResponses.NEW_PASSWORD"
	case "client secret":
		return action == "GetTokensFromRefreshToken" && c.getTokens && path == "ClientSecret"
	case "refresh token":
		return action == "GetTokensFromRefreshToken" && c.getTokens && path == "RefreshToken" ||
			action == "InitiateAuth" && !c.getTokens && one("AuthFlow") == FlowRefreshTokenAuth && path == "AuthParameters.REFRESH_TOKEN"
	}
	return false // the device password
}

// checkWire fails the test when a request carries a secret of sec other
// than whole, alone in a string, at a place wireAllowed allows; it returns
// how many times each kind of secret was sent where allowed.
func checkWire(t *testing.T, c wireConfig, reqs []wireRequest, sec wireSecrets) map[string]int {
	t.Helper()
	type secret struct {
		kind, value string
		forms       []string
	}
	var secrets []secret
	add := func(kind string, values ...string) {
		for _, v := range values {
			if v != "" {
				secrets = append(secrets, secret{kind, v, wireForms(v)})
			}
		}
	}
	add("password", sec.password)
	add("new password", sec.newPassword)
	add("client secret", sec.clientSecret)
	add("device password", sec.devicePasswords...)
	add("refresh token", sec.refreshTokens...)
	sent := map[string]int{}
	for i, r := range reqs {
		where := fmt.Sprintf("%s: request %d (%s)", c, i+1, cmp.Or(r.action, "no action"))
		// The request before this one: a choice is answered only in
		// reply to InitiateAuth (TestNoPasswordForAChoiceOutOfTurn).
		var prev string
		if i > 0 {
			prev = reqs[i-1].action
		}
		leak := func(place, text string) {
			for _, s := range secrets {
				for _, f := range s.forms {
					if strings.Contains(text, f) {
						t.Fatalf("%s: the %s (spelt %q) in %s: %s", where, s.kind, f, place, r.body)
					}
				}
			}
		}
		leak("the URL", r.url)
		for name, values := range r.header {
			leak("the header name", name)
			for _, v := range values {
				leak("the header "+name, v)
			}
		}
		fields := map[string][]string{}
		if !wireWalk(r.body, func(path, s string) { fields[path] = append(fields[path], s) }) {
			t.Errorf("%s: body is not one JSON value", where)
			leak("the body", string(r.body))
			continue
		}
		wireWalk(r.body, func(path, s string) {
			for _, sc := range secrets {
				if s == sc.value && wireAllowed(c, sc.kind, r.action, prev, path, fields) {
					sent[sc.kind]++
					return
				}
			}
			leak(cmp.Or(path, "the body's top level"), s)
		})
	}
	return sent
}

// wireAlways and wireNever are choosePassword's extremes.
func wireAlways(wireConfig) bool { return true }
func wireNever(wireConfig) bool  { return false }

// wireTokens is an answer with tokens (wireAnswer makes them valid).
const wireTokens = `{"AuthenticationResult":{"AccessToken":"a","IdToken":"i","RefreshToken":"r","ExpiresIn":3600,"TokenType":"Bearer"}}`

// wireVerifier is a PASSWORD_VERIFIER challenge; the fake checks no claim.
const wireVerifier = `{"ChallengeName":"PASSWORD_VERIFIER","Session":"s","ChallengeParameters":{"USER_ID_FOR_SRP":"internal-user","SRP_B":"ab","SALT":"00ff","SECRET_BLOCK":"c2VjcmV0"}}`

// wireScenarios are the answers of the property test, each tried in every
// configuration, and the fuzz target's seeds. choosePassword says in
// which configurations the handler is offered PASSWORD, which in USER_AUTH
// sends the password.
var wireScenarios = []struct {
	name           string
	choosePassword func(wireConfig) bool
	responses      []string
}{
	// The audit's exploit: PASSWORD offered to any flow.
	{"select PASSWORD", wireAlways, []string{
		`{"ChallengeName":"SELECT_CHALLENGE","Session":"s","ChallengeParameters":{"USERNAME":"internal-user"},"AvailableChallenges":["PASSWORD","EMAIL_OTP"]}`,
		wireTokens, wireTokens}},
	// A choice after a first step, which Cognito never offers
	// (TestNoPasswordForAChoiceOutOfTurn): after a custom challenge.
	{"custom then select PASSWORD", wireNever, []string{
		`{"ChallengeName":"CUSTOM_CHALLENGE","Session":"s","ChallengeParameters":{"USERNAME":"internal-user","q":"?"}}`,
		`{"ChallengeName":"SELECT_CHALLENGE","Session":"s","ChallengeParameters":{"AVAILABLE_CHALLENGES":"[\"PASSWORD\"]"}}`,
		wireTokens, wireTokens}},
	// SRP chosen by the login, then PASSWORD offered once the SRP is
	// spent: out of turn too.
	{"select SRP then PASSWORD", wireNever, []string{
		`{"ChallengeName":"SELECT_CHALLENGE","Session":"s","AvailableChallenges":["PASSWORD_SRP","PASSWORD"]}`,
		wireVerifier,
		`{"ChallengeName":"SELECT_CHALLENGE","Session":"s","AvailableChallenges":["PASSWORD"]}`,
		wireTokens, wireTokens}},
	// A forced password change, then a renewal.
	{"new password", wireNever, []string{
		wireVerifier,
		`{"ChallengeName":"NEW_PASSWORD_REQUIRED","Session":"s","ChallengeParameters":{"requiredAttributes":"[\"userAttributes.name\"]","userAttributes":"{}"}}`,
		wireTokens, wireTokens}},
	// MFA, and a new device confirmed by the user's consent.
	{"MFA and new device", wireNever, []string{
		wireVerifier,
		`{"ChallengeName":"SELECT_MFA_TYPE","Session":"s","ChallengeParameters":{"MFAS_CAN_CHOOSE":"[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]"}}`,
		`{"ChallengeName":"SMS_MFA","Session":"s","ChallengeParameters":{"CODE_DELIVERY_DESTINATION":"+1***"}}`,
		`{"AuthenticationResult":{"AccessToken":"a","IdToken":"i","RefreshToken":"r","ExpiresIn":3600,"NewDeviceMetadata":{"DeviceKey":"us-east-1_new","DeviceGroupKey":"-new-group"}}}`,
		`{"UserConfirmationNecessary":true}`, `{}`}},
	// The remembered device's SRP.
	{"device SRP", wireNever, []string{
		wireVerifier,
		`{"ChallengeName":"DEVICE_SRP_AUTH","Session":"s","ChallengeParameters":{"USERNAME":"internal-user"}}`,
		`{"ChallengeName":"DEVICE_PASSWORD_VERIFIER","Session":"s","ChallengeParameters":{"SRP_B":"ab","SALT":"00ff","SECRET_BLOCK":"c2VjcmV0"}}`,
		wireTokens, wireTokens}},
	// A remembered device Cognito no longer knows: forgotten, and the
	// login starts over without it.
	{"device unknown", func(c wireConfig) bool { return c.device }, []string{
		`{"__type":"ResourceNotFoundException","message":"Device does not exist."}`,
		`{"ChallengeName":"SELECT_CHALLENGE","Session":"s","AvailableChallenges":["PASSWORD"]}`,
		wireTokens, wireTokens}},
	// Passing failures: InitiateAuth resent, and the login restarted after
	// its answer to the verifier failed.
	{"retries", wireAlways, []string{
		`{"__type":"InternalErrorException"}`, wireVerifier, `{"__type":"TooManyRequestsException"}`,
		`{"ChallengeName":"SELECT_CHALLENGE","Session":"s","AvailableChallenges":["PASSWORD"]}`,
		wireTokens, wireTokens}},
}

// TestLoginWire: in every configuration (flow, client secret, remembered
// device; the renewal method and prior tokens in turn) and for each
// scenario of answers,
// a login and the renewal after it send each secret only where Cognito's
// API asks for it (checkWire), and the password where the flow needs it:
// in USER_PASSWORD_AUTH, and in USER_AUTH when the handler chose PASSWORD.
func TestLoginWire(t *testing.T) {
	for i, sc := range wireScenarios {
		t.Run(sc.name, func(t *testing.T) {
			responses := make([][]byte, len(sc.responses))
			for j, r := range sc.responses {
				responses[j] = []byte(r)
			}
			for mode := range wireModes {
				// The renewal's settings (getTokens, prior: mode/20) bear
				// on the renewal after the login alone: the audit's
				// exploit is tried with all four, each other scenario
				// with one, in turn (time: a login costs milliseconds).
				if i > 0 && mode/20 != i%4 {
					continue
				}
				c := wireMode(uint8(mode))
				reqs, sec := wireLogin(t, c, responses)
				sent := checkWire(t, c, reqs, sec)
				want := c.flow == FlowUserPasswordAuth || c.flow == FlowUserAuth && sc.choosePassword(c)
				if got := sent["password"] > 0; got != want {
					t.Errorf("%s: password sent: %t, want %t", c, got, want)
				}
			}
		})
	}
}

// FuzzLoginWire plays any answers (up to six bodies) to a login of any
// configuration (mode, see wireMode) and the renewal after it, and checks
// what they send (checkWire). Seeds: the scenarios of TestLoginWire, and
// in testdata/fuzz/FuzzLoginWire the audit's exploit (its answers, those
// of TestNoPasswordForAChoiceOutOfTurn) in each flow, named for it.
func FuzzLoginWire(f *testing.F) {
	for i, sc := range wireScenarios {
		var r [6][]byte
		for j, body := range sc.responses {
			r[j] = []byte(body)
		}
		// The default flow with a client secret and a remembered device,
		// USER_AUTH renewing with GetTokensFromRefreshToken after prior
		// tokens, and one more configuration for each.
		for _, mode := range []uint8{15, 62, uint8(i * 7)} {
			f.Add(mode, r[0], r[1], r[2], r[3], r[4], r[5])
		}
	}
	f.Fuzz(func(t *testing.T, mode uint8, r1, r2, r3, r4, r5, r6 []byte) {
		c := wireMode(mode)
		reqs, sec := wireLogin(t, c, [][]byte{r1, r2, r3, r4, r5, r6})
		checkWire(t, c, reqs, sec)
	})
}
