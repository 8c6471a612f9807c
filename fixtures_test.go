// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
)

// This file replays the recorded exchanges of testdata/fixtures: each file
// holds a client configuration (with the random bytes and the clock it
// ran with), the requests it must send, byte for byte, and the responses
// it gets, and what the call must return. fixturegen_test.go writes them
// (go test -run TestFixtures -update).

// fixture is one recorded exchange with Cognito.
type fixture struct {
	Name        string        `json:"name"`
	Description string        `json:"description"`
	Config      fixtureConfig `json:"config"`
	// Operation is "authenticate" (Session.Authenticate with the password)
	// or "refresh" (Session.Refresh from Tokens).
	Operation string             `json:"operation"`
	Tokens    *cognitosrp.Tokens `json:"tokens,omitempty"`
	Exchanges []exchange         `json:"exchanges"`
	Expect    fixtureExpect      `json:"expect"`
	// Oracle names the case of srp_vectors.json whose values the login
	// uses; its signature must be the one sent.
	Oracle string `json:"oracle,omitempty"`
	// ServerSRP holds the server's side of each SRP exchange, so that
	// replay re-verifies the recorded signature.
	ServerSRP []serverSRP `json:"serverSRP,omitempty"`
}

// serverSRP is the server's secret of one exchange and its verdict.
type serverSRP struct {
	PrivateB       string `json:"b"`        // hex
	Verifier       string `json:"verifier"` // hex: g^x of the user's real password
	SignatureValid bool   `json:"signatureValid"`
}

type fixtureConfig struct {
	UserPoolID   string `json:"userPoolId"`
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret,omitempty"`
	Username     string `json:"username"`
	Password     string `json:"password,omitempty"`
	Rand         string `json:"rand,omitempty"` // hex of what Config.Rand yields
	Now          string `json:"now"`            // RFC 3339: what Config.Now returns
}

type exchange struct {
	Request  recordedRequest  `json:"request"`
	Response recordedResponse `json:"response"`
}

type recordedRequest struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
}

type recordedResponse struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    string            `json:"body"`
}

// fixtureExpect is the outcome: an error or tokens.
type fixtureExpect struct {
	Error  *fixtureError  `json:"error,omitempty"`
	Tokens *fixtureTokens `json:"tokens,omitempty"`
}

type fixtureError struct {
	Is       string           `json:"is,omitempty"` // a sentinel's name, e.g. "ErrNotAuthorized"
	APIError *fixtureAPIError `json:"apiError,omitempty"`
	// Contains and Excludes constrain the error string.
	Contains string `json:"contains,omitempty"`
	Excludes string `json:"excludes,omitempty"`
}

type fixtureAPIError struct {
	Action     string  `json:"action"`
	Type       string  `json:"type"`
	Message    *string `json:"message,omitempty"` // nil: not compared
	StatusCode int     `json:"statusCode"`
	RequestID  string  `json:"requestId"`
	Temporary  bool    `json:"temporary"`
}

type fixtureTokens struct {
	Username     string    `json:"username"`
	AccessExpiry time.Time `json:"accessExpiry"`
	IDExpiry     time.Time `json:"idExpiry"`
	RefreshToken string    `json:"refreshToken"`
	TokenType    string    `json:"tokenType"`
}

// sentinels names the errors a fixture may expect.
func sentinels() map[string]error {
	return map[string]error{
		"ErrNotAuthorized":         cognitosrp.ErrNotAuthorized,
		"ErrUserNotFound":          cognitosrp.ErrUserNotFound,
		"ErrUserNotConfirmed":      cognitosrp.ErrUserNotConfirmed,
		"ErrPasswordResetRequired": cognitosrp.ErrPasswordResetRequired,
		"ErrTooManyRequests":       cognitosrp.ErrTooManyRequests,
		"ErrInternalError":         cognitosrp.ErrInternalError,
		"ErrInvalidResponse":       cognitosrp.ErrInvalidResponse,
		"ErrLoginRequired":         cognitosrp.ErrLoginRequired,
	}
}

const fixtureDir = "testdata/fixtures"

func readFixtures(t *testing.T) []*fixture {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(fixtureDir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures in %s (%v); run go test -run TestFixtures -update", fixtureDir, err)
	}
	var out []*fixture
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		fx := new(fixture)
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(fx); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if fx.Name+".json" != filepath.Base(name) {
			t.Fatalf("%s holds fixture %q", name, fx.Name)
		}
		out = append(out, fx)
	}
	return out
}

// TestFixtures replays every recorded exchange.
func TestFixtures(t *testing.T) {
	if *update {
		writeFixtures(t)
	}
	for _, fx := range readFixtures(t) {
		t.Run(fx.Name, func(t *testing.T) {
			t.Parallel()
			srv := newReplayServer(t, fx.Exchanges)
			defer srv.Close()
			sess, err := runFixture(fx, srv.URL, nil)
			checkOutcome(t, fx, sess, err)
			if n := srv.served(); n != len(fx.Exchanges) {
				t.Errorf("the client made %d of the %d recorded calls", n, len(fx.Exchanges))
			}
			checkSignatures(t, fx)
		})
	}
}

// runFixture runs the fixture's operation against endpoint. rec, when not
// nil, records the random bytes the client draws.
func runFixture(fx *fixture, endpoint string, rec *bytes.Buffer) (*cognitosrp.Session, error) {
	now, err := time.Parse(time.RFC3339Nano, fx.Config.Now)
	if err != nil {
		return nil, err
	}
	var random io.Reader
	if rec != nil {
		random = io.TeeReader(newDetReader("fixture/"+fx.Name), rec)
	} else {
		b, err := hex.DecodeString(fx.Config.Rand)
		if err != nil {
			return nil, err
		}
		// An empty reader makes a login that was not recorded fail.
		random = bytes.NewReader(b)
	}
	sess, err := cognitosrp.NewSession(cognitosrp.Config{
		UserPoolID:   fx.Config.UserPoolID,
		ClientID:     fx.Config.ClientID,
		ClientSecret: fx.Config.ClientSecret,
		Endpoint:     endpoint,
		Rand:         random,
		Now:          func() time.Time { return now },
		// A recorded exchange has one answer per call: no retries.
		Retry: noRetry,
	}, fx.Config.Username)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	switch fx.Operation {
	case "authenticate":
		return sess, sess.Authenticate(ctx, fx.Config.Password)
	case "refresh":
		if fx.Tokens != nil {
			tok := *fx.Tokens
			sess.SetTokens(&tok)
		}
		return sess, sess.Refresh(ctx)
	}
	return nil, errors.New("unknown operation " + fx.Operation)
}

// checkOutcome compares what the call returned with fx.Expect.
func checkOutcome(t *testing.T, fx *fixture, sess *cognitosrp.Session, err error) {
	t.Helper()
	if e := fx.Expect.Error; e != nil {
		if err == nil {
			t.Fatal("the call succeeded; want an error")
		}
		checkNoSecrets(t, err.Error(), fixtureSecrets(fx)...)
		if e.Is != "" {
			target, ok := sentinels()[e.Is]
			if !ok || !errors.Is(err, target) {
				t.Errorf("error %q does not match %s", err, e.Is)
			}
		}
		if e.Contains != "" && !strings.Contains(err.Error(), e.Contains) {
			t.Errorf("error %q does not contain %q", err, e.Contains)
		}
		if e.Excludes != "" && strings.Contains(err.Error(), e.Excludes) {
			t.Errorf("error %q contains %q", err, e.Excludes)
		}
		if want := e.APIError; want != nil {
			var ae *cognitosrp.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("error %q is not an *APIError", err)
			}
			got := fixtureAPIError{ae.Action, ae.Type, want.Message, ae.StatusCode, ae.RequestID, ae.Temporary()}
			if got != *want || (want.Message != nil && *want.Message != ae.Message) {
				t.Errorf("APIError = %+v, message %q\nwant %+v", got, ae.Message, *want)
			}
		}
		return
	}
	if err != nil {
		t.Fatalf("the call failed: %v", err)
	}
	want, tok := fx.Expect.Tokens, sess.Tokens()
	got := fixtureTokens{tok.Username, tok.AccessExpiry, tok.IDExpiry, tok.RefreshToken, tok.TokenType}
	if want == nil || !got.AccessExpiry.Equal(want.AccessExpiry) || !got.IDExpiry.Equal(want.IDExpiry) ||
		got.Username != want.Username || got.RefreshToken != want.RefreshToken || got.TokenType != want.TokenType {
		t.Errorf("tokens = %+v\nwant %+v", got, want)
	}
	last := fx.Exchanges[len(fx.Exchanges)-1].Response.Body
	if !strings.Contains(last, tok.AccessToken) || !strings.Contains(last, tok.IDToken) {
		t.Error("the tokens are not those of the last response")
	}
}

// fixtureSecrets lists what must never appear in an error.
func fixtureSecrets(fx *fixture) []string {
	s := []string{fx.Config.Password, fx.Config.ClientSecret}
	if fx.Tokens != nil {
		s = append(s, fx.Tokens.AccessToken, fx.Tokens.IDToken, fx.Tokens.RefreshToken)
	}
	return s
}

func checkNoSecrets(t *testing.T, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if len(s) >= 4 && (strings.Contains(text, s) || strings.Contains(strings.ToLower(text), hex.EncodeToString([]byte(s)))) {
			t.Errorf("%.200q reveals a secret (%.6s…)", text, s)
		}
	}
}

// checkSignatures re-verifies each recorded PASSWORD_CLAIM_SIGNATURE: with
// the server's side of SRP when the fixture kept b, with the oracle's
// answer when it came from srp_vectors.json.
func checkSignatures(t *testing.T, fx *fixture) {
	t.Helper()
	var sigs int
	for i := 0; i+1 < len(fx.Exchanges); i++ {
		var init struct{ AuthParameters map[string]string }
		var challenge struct{ ChallengeParameters map[string]string }
		var answer struct{ ChallengeResponses map[string]string }
		json.Unmarshal([]byte(fx.Exchanges[i].Request.Body), &init)
		json.Unmarshal([]byte(fx.Exchanges[i].Response.Body), &challenge)
		json.Unmarshal([]byte(fx.Exchanges[i+1].Request.Body), &answer)
		a, c, r := init.AuthParameters, challenge.ChallengeParameters, answer.ChallengeResponses
		if a["SRP_A"] == "" || c["SRP_B"] == "" || r["PASSWORD_CLAIM_SIGNATURE"] == "" {
			continue
		}
		if fx.Oracle != "" {
			v := cognitosrp.SRPVectorByName(t, fx.Oracle)
			if a["SRP_A"] != v.A || r["PASSWORD_CLAIM_SIGNATURE"] != v.Signature || r["TIMESTAMP"] != v.Timestamp {
				t.Errorf("the recorded login differs from oracle case %s", fx.Oracle)
			}
		}
		if sigs < len(fx.ServerSRP) {
			srv := fx.ServerSRP[sigs]
			want := serverSignature(t, fx, srv, a, c, r)
			if got := r["PASSWORD_CLAIM_SIGNATURE"]; (got == want) != srv.SignatureValid {
				t.Errorf("signature %s, server expects %s; want valid: %v", got, want, srv.SignatureValid)
			}
		}
		sigs++
	}
	if fx.Oracle != "" && sigs == 0 {
		t.Error("oracle fixture without a password claim")
	}
	// Every recorded claim is re-verified, by the server's side or by the
	// oracle: a claim with neither would be replayed unchecked.
	if sigs != len(fx.ServerSRP) && fx.Oracle == "" {
		t.Errorf("%d server exchanges, %d claims", len(fx.ServerSRP), sigs)
	}
}

// serverSignature computes the signature the server expects, from the
// server's recorded b and verifier.
func serverSignature(t *testing.T, fx *fixture, srv serverSRP, init, challenge, answer map[string]string) string {
	t.Helper()
	m := newSRPMath()
	_, pool, _ := strings.Cut(fx.Config.UserPoolID, "_")
	hexInt := func(s string) *big.Int { n, _ := new(big.Int).SetString(s, 16); return n }
	block, err := base64.StdEncoding.DecodeString(challenge["SECRET_BLOCK"])
	if err != nil {
		t.Fatal(err)
	}
	e := &srpExchange{
		PoolName:    pool,
		UserID:      challenge["USER_ID_FOR_SRP"],
		A:           hexInt(init["SRP_A"]),
		B:           hexInt(challenge["SRP_B"]),
		b:           hexInt(srv.PrivateB),
		v:           hexInt(srv.Verifier),
		SecretBlock: block,
	}
	if m.serverB(e.v, e.b).Cmp(e.B) != 0 {
		t.Error("recorded B is not k·v + g^b")
	}
	if v := m.verifier(pool, e.UserID, fx.Config.Password, challenge["SALT"]); (v.Cmp(e.v) == 0) != srv.SignatureValid {
		t.Errorf("the password's verifier matches the server's: %v; want %v", !srv.SignatureValid, srv.SignatureValid)
	}
	sig, err := m.expectedSignature(e, answer["TIMESTAMP"])
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

// replayServer answers with the recorded responses, in order, after
// checking that each request is the recorded one.
type replayServer struct {
	*httptest.Server
	mu sync.Mutex
	n  int
}

func newReplayServer(t *testing.T, exchanges []exchange) *replayServer {
	rs := new(replayServer)
	rs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs.mu.Lock()
		i := rs.n
		rs.n++
		rs.mu.Unlock()
		if i >= len(exchanges) {
			t.Errorf("unexpected call %d: %s", i+1, r.Header.Get("X-Amz-Target"))
			http.Error(w, "no more recorded exchanges", http.StatusTeapot)
			return
		}
		want := exchanges[i].Request
		body, _ := io.ReadAll(r.Body)
		if r.Method != want.Method || r.URL.Path != want.Path {
			t.Errorf("call %d: %s %s, want %s %s", i+1, r.Method, r.URL.Path, want.Method, want.Path)
		}
		for k, v := range want.Headers {
			if got := r.Header.Values(k); len(got) != 1 || got[0] != v {
				t.Errorf("call %d: header %s = %q, want %q", i+1, k, got, v)
			}
		}
		if string(body) != want.Body {
			t.Errorf("call %d: body differs\n got: %s\nwant: %s", i+1, body, want.Body)
		}
		resp := exchanges[i].Response
		// Only a recorded Date: none on the real clock (net/http's).
		w.Header()["Date"] = nil
		for k, v := range resp.Headers {
			w.Header().Set(k, v)
		}
		w.WriteHeader(resp.Status)
		io.WriteString(w, resp.Body)
	}))
	return rs
}

func (rs *replayServer) served() int {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.n
}
