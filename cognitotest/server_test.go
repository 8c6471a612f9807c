// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

func TestWireFormat(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	post := func(target, body string) (*http.Response, map[string]string) {
		req, _ := http.NewRequest(http.MethodPost, srv.Endpoint(), strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		if target != "" {
			req.Header.Set("X-Amz-Target", target)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		json.Unmarshal([]byte(readBody(t, resp)), &m)
		return resp, m
	}
	resp, body := post("AWSCognitoIdentityProviderService.InitiateAuth", `{"AuthFlow":"USER_SRP_AUTH","ClientId":"nope","AuthParameters":{}}`)
	if resp.StatusCode != 400 || body["__type"] != "ResourceNotFoundException" || body["message"] != "User pool client nope does not exist." {
		t.Errorf("unknown client: %d %v", resp.StatusCode, body)
	}
	if resp.Header.Get("Content-Type") != "application/x-amz-json-1.1" || resp.Header.Get("X-Amzn-Requestid") == "" || resp.Header.Get("X-Amzn-Errortype") != "ResourceNotFoundException:" {
		t.Errorf("headers = %v", resp.Header)
	}
	// A message quoting a control character the client sent keeps it in
	// the body, and a space in x-amzn-ErrorMessage: as it was, the
	// header made the response unreadable ("malformed MIME header line").
	// (Such an id is malformed, not unknown: the message quotes it.)
	const notID = "' at 'clientId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+]+"
	resp, body = post("AWSCognitoIdentityProviderService.InitiateAuth", `{"AuthFlow":"USER_SRP_AUTH","ClientId":"x\u0001y"}`)
	if body["message"] != "1 validation error detected: Value 'x\x01y"+notID || resp.Header.Get("X-Amzn-Errormessage") != "1 validation error detected: Value 'x y"+notID {
		t.Errorf("client id with a control character: %v, x-amzn-ErrorMessage %q", body, resp.Header.Get("X-Amzn-Errormessage"))
	}
	// A tab, which a header value may hold, stays.
	resp, _ = post("AWSCognitoIdentityProviderService.InitiateAuth", `{"AuthFlow":"USER_SRP_AUTH","ClientId":"x\ty"}`)
	if got := resp.Header.Get("X-Amzn-Errormessage"); got != "1 validation error detected: Value 'x\ty"+notID {
		t.Errorf("client id with a tab: x-amzn-ErrorMessage %q", got)
	}
	resp, body = post("AWSCognitoIdentityProviderService.InitiateAuth", `{not json`)
	if _, lower := body["message"]; resp.StatusCode != 400 || body["__type"] != "SerializationException" || body["Message"] == "" || lower {
		t.Errorf("bad JSON: %d %v, want SerializationException with its text in Message, as Cognito sends it", resp.StatusCode, body)
	}
	resp, body = post("", `{}`)
	if resp.StatusCode != 400 || body["__type"] != "UnknownOperationException" {
		t.Errorf("no target: %d %v", resp.StatusCode, body)
	}
	resp, body = post("AWSCognitoIdentityProviderService.InitiateAuth", `{"X":"`+strings.Repeat("a", 2<<20)+`"}`)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB body: %d %v", resp.StatusCode, body)
	}
	// Tokens come with "ChallengeParameters": {}, as from Cognito, which
	// sends the member with every InitiateAuth response; it was dropped.
	srvPW := cognitotest.NewServer(t, cognitotest.Config{AuthFlows: []string{cognitotest.AllowUserPasswordAuth}})
	if _, err := srvPW.AddUser(cognitotest.User{Username: "alice", Password: "Passw0rd!"}); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, srvPW.Endpoint(), strings.NewReader(`{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"`+srvPW.ClientID()+`","AuthParameters":{"USERNAME":"alice","PASSWORD":"Passw0rd!"}}`))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if raw := readBody(t, resp); resp.StatusCode != 200 || !strings.Contains(raw, `"ChallengeParameters":{}`) {
		t.Errorf("login: %d, body without an empty ChallengeParameters", resp.StatusCode)
	}
	// Every response has a request id, success or not, each different.
	r1, _ := post("AWSCognitoIdentityProviderService.GetUser", `{}`)
	r2, _ := post("AWSCognitoIdentityProviderService.GetUser", `{}`)
	if id1, id2 := r1.Header.Get("X-Amzn-Requestid"), r2.Header.Get("X-Amzn-Requestid"); id1 == "" || id1 == id2 {
		t.Errorf("request ids %q, %q", id1, id2)
	}
	// Browsers get CORS.
	req, _ = http.NewRequest(http.MethodOptions, srv.Endpoint(), nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	if !strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "X-Amz-Target") {
		t.Errorf("preflight headers = %v", resp.Header)
	}
}

// TestClientGoneMidBody: a client that disconnects before sending the
// body its Content-Length promised is logged as a SerializationException
// of its action, and the action never runs on the part that came: Calls
// does not count it, and the log line quotes nothing of that part.
func TestClientGoneMidBody(t *testing.T) {
	logs := new(logLines)
	srv := cognitotest.NewServer(t, cognitotest.Config{Logf: logs.logf})
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	const secret = "pw-half-sent"
	part := `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"` + srv.ClientID() + `","AuthParameters":{"USERNAME":"alice","PASSWORD":"` + secret + `"}}`
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: cognito\r\nX-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth\r\n"+
		"Content-Type: application/x-amz-json-1.1\r\nContent-Length: %d\r\n\r\n%s", len(part)+100, part)
	conn.Close()

	for deadline := time.Now().Add(10 * time.Second); len(logs.all()) == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the request was never logged")
		}
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Action != "InitiateAuth" || reqs[0].Status != http.StatusBadRequest || reqs[0].ErrorType != "SerializationException" || reqs[0].Injected {
		t.Errorf("Requests = %+v, want InitiateAuth's SerializationException", reqs)
	}
	if n := srv.Calls("InitiateAuth"); n != 0 {
		t.Errorf("Calls(InitiateAuth) = %d for a body that never came whole", n)
	}
	if l := logs.all(); len(l) != 1 || !strings.HasPrefix(l[0], "cognitotest: InitiateAuth 400 SerializationException (request id ") || strings.Contains(l[0], secret) {
		t.Errorf("Logf got %q", l)
	}
}

// TestWellKnownUnknownPath: under /.well-known/ the server serves the
// pool's jwks.json and openid-configuration only. Any other document, or
// these of another pool, is a plain 404, not the JWKS or an API error.
func TestWellKnownUnknownPath(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	get := func(path string) (int, string, string) {
		t.Helper()
		resp, err := http.Get(srv.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, resp.Header.Get("Content-Type"), readBody(t, resp)
	}
	if code, _, body := get("/" + srv.PoolID() + "/.well-known/jwks.json"); code != http.StatusOK || !strings.Contains(body, `"keys"`) {
		t.Fatalf("jwks.json: %d %q", code, body)
	}
	for _, path := range []string{
		"/" + srv.PoolID() + "/.well-known/nope.json",
		"/" + srv.PoolID() + "/.well-known/",
		"/us-east-1_Other/.well-known/jwks.json",
		"/.well-known/openid-configuration",
	} {
		code, ctype, body := get(path)
		if code != http.StatusNotFound || strings.Contains(ctype, "json") || strings.Contains(body, "keys") || strings.Contains(body, "__type") {
			t.Errorf("GET %s: %d %q %q, want a plain 404", path, code, ctype, body)
		}
	}
}

// TestZeroServer: the zero Server, which its doc says is not usable, fails
// plainly. Its Start listened on every interface (Addr "") with a handler
// that panicked at each request (net/http logs that, the client sees a
// dropped connection), and its Close, which a test defers, panicked.
func TestZeroServer(t *testing.T) {
	var s cognitotest.Server
	if err := s.Start(); !errors.Is(err, cognitotest.ErrConfig) {
		t.Errorf("Start = %v, want ErrConfig", err)
	}
	if u := s.URL(); u != "" {
		t.Errorf("URL after Start = %q, want none", u)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", strings.NewReader("{}")))
	if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), "NewUnstartedServer") {
		t.Errorf("ServeHTTP answered %d %q, want 500 naming NewUnstartedServer", w.Code, w.Body)
	}
	s.Close()
	s.Close()
}

// tenYears is the longest access and id token lifetime a Config may give.
const tenYears = 10 * 365 * 24 * time.Hour

// TestTenYearTokens: tokens of the longest lifetime Config allows are ones
// that cognitosrp accepts, renews and verifies.
func TestTenYearTokens(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{AccessTokenLifetime: tenYears, IDTokenLifetime: tenYears})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	auth, err := cognitosrp.New(srv.Options("alice", "pw-alice-123"))
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	if _, err := auth.Token(t.Context()); err != nil {
		t.Fatalf("login: %v", err)
	}
	if err := auth.Session().Refresh(t.Context()); err != nil {
		t.Fatalf("renewal: %v", err)
	}
	v, err := cognitosrp.NewVerifier(srv.VerifierConfig())
	if err != nil {
		t.Fatal(err)
	}
	tok := auth.Session().Tokens()
	for _, s := range []string{tok.AccessToken, tok.IDToken} {
		if _, err := v.Verify(t.Context(), s); err != nil {
			t.Errorf("Verify: %v", err)
		}
	}
}

// TestRefreshTokenNearlyForEver: a refresh token lifetime close to
// math.MaxInt64 is one Config allows, and its tokens must outlive the
// sweep of expired ones that runs every 64 tokens issued: the sweep added
// the access token lifetime to it, which overflowed, and swept every
// live token, so the session's renewal got "Invalid Refresh Token".
func TestRefreshTokenNearlyForEver(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenLifetime: math.MaxInt64 - 30*time.Minute})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	sess, err := cognitosrp.NewSession(srv.SessionConfig(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if err := sess.Authenticate(t.Context(), "pw-alice-123"); err != nil {
		t.Fatal(err)
	}
	for range 64 { // a sweep or more
		if _, err := srv.IssueTokens("alice"); err != nil {
			t.Fatal(err)
		}
	}
	if err := sess.Refresh(t.Context()); err != nil {
		t.Errorf("renewal: %v", err)
	}
}

func TestUnstartedServer(t *testing.T) {
	if _, err := cognitotest.NewUnstartedServer(cognitotest.Config{PoolID: "nounderscore"}); !errors.Is(err, cognitotest.ErrConfig) {
		t.Errorf("bad pool id: %v", err)
	}
	if _, err := cognitotest.NewUnstartedServer(cognitotest.Config{AuthFlows: []string{"ALLOW_EVERYTHING"}}); !errors.Is(err, cognitotest.ErrConfig) {
		t.Errorf("bad flow: %v", err)
	}
	// The limits of Config's doc, at and just past each edge: a grace
	// period of 0 to 60 seconds (as Cognito allows), token lifetimes of one
	// second or more, and ten years at most for access and id tokens.
	for _, tc := range []struct {
		name string
		cfg  cognitotest.Config
		ok   bool
	}{
		{"negative grace period", cognitotest.Config{RotationGracePeriod: -1}, false},
		{"60 s grace period", cognitotest.Config{RotationGracePeriod: time.Minute}, true},
		{"61 s grace period", cognitotest.Config{RotationGracePeriod: time.Minute + time.Second}, false},
		{"1 s tokens", cognitotest.Config{AccessTokenLifetime: time.Second, IDTokenLifetime: time.Second}, true},
		{"access token under 1 s", cognitotest.Config{AccessTokenLifetime: time.Second - 1}, false},
		{"id token under 1 s", cognitotest.Config{IDTokenLifetime: time.Second - 1}, false},
		{"negative refresh token lifetime", cognitotest.Config{RefreshTokenLifetime: -time.Hour}, false},
		// Longer access and id tokens were issued, and cognitosrp
		// refused every login; "never" (math.MaxInt64) sent a negative
		// ExpiresIn. TestTenYearTokens logs in with the longest.
		{"10-year tokens", cognitotest.Config{AccessTokenLifetime: tenYears, IDTokenLifetime: tenYears}, true},
		{"access token over 10 years", cognitotest.Config{AccessTokenLifetime: tenYears + time.Second}, false},
		{"id token over 10 years", cognitotest.Config{IDTokenLifetime: tenYears + time.Second}, false},
		{"access token for ever", cognitotest.Config{AccessTokenLifetime: math.MaxInt64}, false},
		{"refresh token for ever", cognitotest.Config{RefreshTokenLifetime: math.MaxInt64}, true},
	} {
		if _, err := cognitotest.NewUnstartedServer(tc.cfg); tc.ok != (err == nil) || err != nil && !errors.Is(err, cognitotest.ErrConfig) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	// A negative lifetime is refused by the name of its field: four
	// fields hold one, and "negative lifetime -1s" named none.
	for _, tc := range []struct {
		field string
		cfg   cognitotest.Config
	}{
		{"AccessTokenLifetime", cognitotest.Config{AccessTokenLifetime: -time.Second}},
		{"IDTokenLifetime", cognitotest.Config{IDTokenLifetime: -time.Second}},
		{"RefreshTokenLifetime", cognitotest.Config{RefreshTokenLifetime: -time.Second}},
		{"SessionLifetime", cognitotest.Config{SessionLifetime: -time.Second}},
	} {
		if _, err := cognitotest.NewUnstartedServer(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.field+" is negative (-1s)") {
			t.Errorf("negative %s: %v", tc.field, err)
		}
	}
	srv, err := cognitotest.NewUnstartedServer(cognitotest.Config{PoolID: "ap-south-1_Xyz"})
	if err != nil {
		t.Fatal(err)
	}
	if srv.URL() != "" {
		t.Errorf("URL before Start = %q", srv.URL())
	}
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := srv.Start(); err == nil {
		t.Error("second Start succeeded")
	}
	if !strings.HasPrefix(srv.URL(), "http://127.0.0.1:") || srv.Endpoint() != srv.URL()+"/" {
		t.Errorf("URL %q, Endpoint %q", srv.URL(), srv.Endpoint())
	}
	login(t, srv, "alice", "pw-alice-123")
	srv.Close()
	srv.Close() // twice is fine
	sess, _ := cognitosrp.NewSession(srv.SessionConfig(), "alice")
	if err := sess.Authenticate(t.Context(), "pw-alice-123"); err == nil {
		t.Error("login after Close succeeded")
	}

	// Closed before it started: a later Start must not listen, as nothing
	// would close it.
	unstarted, err := cognitotest.NewUnstartedServer(cognitotest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	unstarted.Close()
	if err := unstarted.Start(); err == nil || unstarted.URL() != "" {
		t.Errorf("Start after Close: %v, URL %q; want an error and no listener", err, unstarted.URL())
	}
}

// TestStartAgainAfterAddressTaken: a Start that failed because its address
// was taken did not start the server, so a later Start, once the address
// is free, listens (Start's doc fails it only for a server started or
// closed before, or a taken address).
func TestStartAgainAfterAddressTaken(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := cognitotest.NewUnstartedServer(cognitotest.Config{Addr: l.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := srv.Start(); err == nil || srv.URL() != "" {
		t.Fatalf("Start on a taken address: %v, URL %q; want an error and no listener", err, srv.URL())
	}
	l.Close()
	if err := srv.Start(); err != nil {
		t.Fatalf("Start once the address is free: %v", err)
	}
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	login(t, srv, "alice", "pw-alice-123")
	if err := srv.Start(); err == nil {
		t.Error("a third Start succeeded")
	}
}

func TestUserManagement(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Aliases: []string{"a@example.com"}, Password: "pw-alice-123"})
	for _, u := range []cognitotest.User{
		{Username: "ALICE", Password: "x"},
		{Username: "bob", Aliases: []string{"A@example.com"}, Password: "x"},
	} {
		if _, err := srv.AddUser(u); !errors.Is(err, cognitotest.ErrUserExists) {
			t.Errorf("AddUser(%v) = %v, want ErrUserExists", u, err)
		}
	}
	if _, err := srv.AddUser(cognitotest.User{Username: "nopw"}); err == nil {
		t.Error("AddUser without a password succeeded")
	}
	if u, err := srv.AddUser(cognitotest.User{Username: "carol", Aliases: []string{"c@example.com", ""}, Password: "x"}); err == nil {
		t.Errorf("AddUser with an empty alias added %v", u)
	}
	// A TOTP secret that is not base32 ("secret123": 1 is not a base32
	// digit) is refused where it is written, not at the login that
	// cannot compute its code; a valid one in any form a client takes is
	// kept.
	if u, err := srv.AddUser(cognitotest.User{Username: "dave", Password: "x", TOTPSecret: "secret123"}); !errors.Is(err, cognitosrp.ErrTOTPSecret) {
		t.Errorf("AddUser with a TOTPSecret that is not base32 = %v, %v; want ErrTOTPSecret", u, err)
	} else if strings.Contains(err.Error(), "secret123") {
		t.Errorf("AddUser's error quotes the secret: %v", err)
	}
	if _, err := srv.AddUser(cognitotest.User{Username: "erin", Password: "x", TOTPSecret: "jbsw y3dp-ehpk 3pxp"}); err != nil {
		t.Errorf("AddUser with a spaced, lower-case TOTPSecret: %v", err)
	}
	sess := login(t, srv, "alice", "pw-alice-123")
	if err := srv.SetPassword("a@example.com", "new-password-1"); err != nil {
		t.Fatal(err)
	}
	login(t, srv, "alice", "new-password-1")
	if err := sess.Refresh(t.Context()); err != nil {
		t.Errorf("a password change signed the user out: %v", err)
	}
	if err := srv.SignOut("alice"); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, sess.Refresh(t.Context()), "NotAuthorizedException", "revoked")
	res, err := srv.IssueTokens("a@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if cl, err := srv.VerifyAccessToken(res.AccessToken); err != nil || cl.Username != "alice" {
		t.Errorf("IssueTokens: %v, %v", cl, err)
	}
	if err := srv.DeleteUser("alice"); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.VerifyAccessToken(res.AccessToken); !errors.Is(err, cognitotest.ErrTokenRevoked) {
		t.Errorf("token of a deleted user: %v", err)
	}
	if _, ok := srv.User("a@example.com"); ok {
		t.Error("deleted user still found")
	}
	// Each fails with the sentinel the doc names, which a test can match,
	// and names what it did not find: in a suite with hundreds of users,
	// a bare "no such user" leaves the reader to guess which.
	_, issueErr := srv.IssueTokens("alice")
	for name, err := range map[string]error{
		"DeleteUser": srv.DeleteUser("alice"), "SetPassword": srv.SetPassword("alice", "x"),
		"SignOut": srv.SignOut("alice"), "IssueTokens": issueErr,
	} {
		if !errors.Is(err, cognitotest.ErrNoSuchUser) || !strings.Contains(err.Error(), `"alice"`) {
			t.Errorf("%s of a missing user = %v, want ErrNoSuchUser naming alice", name, err)
		}
	}
	for name, err := range map[string]error{
		"ForgetDevice": srv.ForgetDevice("nope"), "SetDeviceRemembered": srv.SetDeviceRemembered("nope", true),
	} {
		if !errors.Is(err, cognitotest.ErrNoSuchDevice) || !strings.Contains(err.Error(), `"nope"`) {
			t.Errorf("%s of a missing device = %v, want ErrNoSuchDevice naming it", name, err)
		}
	}
}

func TestNoSecretsInLogsOrFormatting(t *testing.T) {
	logs := new(logLines)
	const secret, password = "client-secret-XYZ", "hunter2-password"
	srv := cognitotest.NewServer(t, cognitotest.Config{ClientSecret: secret, Logf: logs.logf})
	u := addUser(t, srv, cognitotest.User{Username: "alice", Password: password, TOTPSecret: "JBSWY3DPEHPK3PXP", MFACode: "777777", CustomAnswer: "blue"})
	r := newRaw(t, srv)
	ch := expectChallenge(t, "SOFTWARE_TOKEN_MFA")(r.srpLogin("alice", password, nil))
	res := expectTokens(t)(r.respond("SOFTWARE_TOKEN_MFA", ch.Session, r.withHash(map[string]string{"USERNAME": "alice", "SOFTWARE_TOKEN_MFA_CODE": "777777"}, "alice")))
	r.srpLogin("alice", "wrong", nil)
	r.initiate("CUSTOM_AUTH", map[string]string{"USERNAME": "alice", "SECRET_HASH": "blue"})
	// The tokens travel in requests that succeed and in requests refused
	// with a logged reason.
	if _, err := r.call("GetUser", map[string]string{"AccessToken": res.AccessToken}); err != nil {
		t.Fatal(err)
	}
	r.call("GetUser", map[string]string{"AccessToken": res.AccessToken + "x"})
	r.initiate("REFRESH_TOKEN_AUTH", map[string]string{"REFRESH_TOKEN": res.RefreshToken, "SECRET_HASH": "blue"})
	r.call("RevokeToken", map[string]string{"ClientId": srv.ClientID(), "ClientSecret": "blue", "Token": res.RefreshToken})
	reasons := 0
	for _, req := range srv.Requests() {
		if req.Reason != "" {
			reasons++
		}
	}
	if reasons < 3 {
		t.Fatalf("%d refusals logged with a reason, want at least 3", reasons)
	}
	issued, err := srv.IssueTokens("alice")
	if err != nil {
		t.Fatal(err)
	}

	var dump []string
	for _, r := range srv.Requests() {
		dump = append(dump, fmt.Sprintf("%+v", r))
	}
	lines := logs.all()
	dump = append(dump, lines...)
	for _, v := range []any{u, &u, srv, srv.SessionConfig(), cognitotest.Config{ClientSecret: secret}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			dump = append(dump, fmt.Sprintf(verb, v))
		}
		// slog's JSON handler marshals a value that is no LogValuer.
		var js bytes.Buffer
		slog.New(slog.NewJSONHandler(&js, nil)).Info("value", "v", v)
		dump = append(dump, js.String())
		// and so each is a LogValuer, logged as it prints: a JSON
		// handler may not marshal its fields and fail, or succeed.
		if want, _ := json.Marshal(fmt.Sprint(v)); !strings.Contains(js.String(), `"v":`+string(want)) {
			t.Errorf("slog's JSON handler logged %T as %s, want its String", v, js.String())
		}
	}
	all := strings.Join(dump, "\n")
	for _, leak := range []string{secret, password, "JBSWY3DPEHPK3PXP", "777777", "blue", ch.Session,
		res.RefreshToken, res.AccessToken, res.IdToken, issued.RefreshToken, issued.AccessToken} {
		if strings.Contains(all, leak) {
			t.Errorf("a log line or formatting holds a secret %.12q…", leak)
		}
	}
	if len(lines) == 0 {
		t.Error("Logf got no lines")
	}
}

// TestCORSPreflightAllowsBrowserSDKHeaders: a browser lets a page send a
// request only with the headers the preflight allows, and the browser
// clients of Cognito add their own: Amplify JS v6 sends cache-control,
// amz-sdk-invocation-id and amz-sdk-request besides the protocol's, as the
// AWS SDK for JavaScript v3 does.
func TestCORSPreflightAllowsBrowserSDKHeaders(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	asked := []string{"amz-sdk-invocation-id", "amz-sdk-request", "cache-control", "content-type", "x-amz-target", "x-amz-user-agent"}
	req, _ := http.NewRequest(http.MethodOptions, srv.Endpoint(), nil)
	req.Header.Set("Origin", "http://localhost:5173")
	req.Header.Set("Access-Control-Request-Method", http.MethodPost)
	req.Header.Set("Access-Control-Request-Headers", strings.Join(asked, ","))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	readBody(t, resp)
	allowed := map[string]bool{}
	for _, h := range strings.Split(resp.Header.Get("Access-Control-Allow-Headers"), ",") {
		allowed[strings.ToLower(strings.TrimSpace(h))] = true
	}
	for _, h := range asked {
		if !allowed[h] {
			t.Errorf("preflight does not allow %s: Access-Control-Allow-Headers %q", h, resp.Header.Get("Access-Control-Allow-Headers"))
		}
	}
}

// TestDateOnServerClock: every response carries a Date on the server's
// clock (SetClock, Advance), as Cognito's carry its own, not net/http's
// real one: a client may sign its SRP TIMESTAMP on it. The Date is in
// GMT whatever the clock's zone.
func TestDateOnServerClock(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	at := time.Date(2031, time.July, 9, 13, 37, 6, 0, time.FixedZone("IST", 5*3600+1800))
	srv.SetClock(func() time.Time { return at })
	srv.Advance(time.Hour)
	want := "Wed, 09 Jul 2031 09:07:06 GMT"
	for _, req := range []func() (*http.Response, error){
		func() (*http.Response, error) {
			r, _ := http.NewRequest(http.MethodPost, srv.Endpoint(), strings.NewReader(`{}`))
			r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
			return http.DefaultClient.Do(r)
		},
		func() (*http.Response, error) { return http.Get(srv.JWKSURL()) },
	} {
		resp, err := req()
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Values("Date"); len(got) != 1 || got[0] != want {
			t.Errorf("%s %s: Date = %q, want [%q]", resp.Request.Method, resp.Request.URL.Path, got, want)
		}
	}
}

// TestOneClockReadPerRequest: a request reads the server's clock once, for
// its Date, its Request.Time and the action, so a test's clock that counts
// or steps its calls sees one call per request, and the Date a client
// signs its SRP TIMESTAMP on is the time the request was judged at. The
// actions that take an access token judge its exp at that time too.
func TestOneClockReadPerRequest(t *testing.T) {
	srv, res := aliceWithTokens(t)
	withToken := `{"AccessToken":"` + res.AccessToken + `","DeviceKey":"us-east-1_none","UserCode":"123456"}`
	at := time.Date(2031, time.July, 9, 8, 7, 6, 0, time.UTC)
	var calls atomic.Int64
	srv.SetClock(func() time.Time { return at.Add(time.Duration(calls.Add(1)) * time.Second) })
	for i, req := range []struct{ action, body string }{
		{"InitiateAuth", `{}`},
		{"GetUser", withToken},
		{"AssociateSoftwareToken", withToken},
		{"VerifySoftwareToken", withToken},
		{"ConfirmDevice", withToken},
		{"ForgetDevice", withToken},
		{"GlobalSignOut", withToken},
	} {
		calls.Store(0)
		r, _ := http.NewRequest(http.MethodPost, srv.Endpoint(), strings.NewReader(req.body))
		r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+req.action)
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if n := calls.Load(); n != 1 {
			t.Errorf("%s: one request read the clock %d times, want 1", req.action, n)
		}
		log := srv.Requests()
		if len(log) != i+1 || resp.Header.Get("Date") != log[i].Time.Format(http.TimeFormat) {
			t.Errorf("%s: Date %q, logged requests %+v: want the same time", req.action, resp.Header.Get("Date"), log)
		}
	}
}

// TestCloseWaitsForRequests: Close waits for the requests being served,
// as httptest.Server.Close does, so that Logf (a test's t.Logf, which
// panics once its test has ended) is never called after Close returns.
// The request here is held in the server's random source, which it reads
// first, until Close has had time to return. Injected latency does not
// hold Close up, whether the server listens itself or serves as another
// server's handler.
func TestCloseWaitsForRequests(t *testing.T) {
	gate := &gatedReader{entered: make(chan struct{}), release: make(chan struct{})}
	var closeReturned, late atomic.Bool
	logged := make(chan struct{}, 100)
	srv := cognitotest.NewServer(t, cognitotest.Config{Rand: gate, Logf: func(string, ...any) {
		if closeReturned.Load() {
			late.Store(true)
		}
		logged <- struct{}{}
	}})
	gate.armed.Store(true)
	go func() {
		resp, err := http.Post(srv.Endpoint(), "application/x-amz-json-1.1", strings.NewReader("{}"))
		if err == nil {
			resp.Body.Close()
		}
	}()
	<-gate.entered
	closed := make(chan struct{})
	go func() {
		srv.Close()
		closeReturned.Store(true)
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(200 * time.Millisecond):
	}
	close(gate.release)
	<-closed
	select {
	case <-logged:
	case <-time.After(5 * time.Second):
		t.Fatal("the request was never logged")
	}
	if late.Load() {
		t.Error("Logf called after Close returned")
	}

	for _, own := range []bool{false, true} {
		srv, err := cognitotest.NewUnstartedServer(cognitotest.Config{})
		if err != nil {
			t.Fatal(err)
		}
		url := ""
		if own {
			url = newBackend(t, srv) + "/"
		} else {
			if err := srv.Start(); err != nil {
				t.Fatal(err)
			}
			url = srv.Endpoint()
		}
		srv.SetLatency(5 * time.Second)
		go func() {
			req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader("{}"))
			req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.GetUser")
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
		for srv.Calls("") == 0 {
			time.Sleep(time.Millisecond)
		}
		start := time.Now()
		srv.Close()
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("own server %v: Close waited %v for injected latency", own, d)
		}
	}
}

// gatedReader is a random source that, once armed, holds its next read
// until release is closed.
type gatedReader struct {
	armed            atomic.Bool
	entered, release chan struct{}
}

func (g *gatedReader) Read(p []byte) (int, error) {
	if g.armed.CompareAndSwap(true, false) {
		close(g.entered)
		<-g.release
	}
	return rand.Read(p)
}

// TestClockMayCallServer: the server calls a SetClock clock without
// holding its lock, so a clock that reads the server (here Requests and
// Calls, as a clock that stamps what it sees might) does not deadlock a
// login, a renewal, Now, or the sweep of old refresh tokens that every
// 64th issued token runs. On failure the server stays locked, so it is
// not closed.
func TestClockMayCallServer(t *testing.T) {
	srv, err := cognitotest.NewUnstartedServer(cognitotest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	srv.SetClock(func() time.Time {
		srv.Requests()
		srv.Calls("")
		return time.Now()
	})
	done := make(chan error, 1)
	go func() {
		done <- func() error {
			sess, err := cognitosrp.NewSession(srv.SessionConfig(), "alice")
			if err != nil {
				return err
			}
			if err := sess.Authenticate(context.Background(), "pw-alice-123"); err != nil {
				return err
			}
			if err := sess.Refresh(context.Background()); err != nil {
				return err
			}
			for range 64 {
				if _, err := srv.IssueTokens("alice"); err != nil {
					return err
				}
			}
			srv.Now()
			return nil
		}()
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Error(err)
		}
		srv.Close()
	case <-time.After(30 * time.Second):
		t.Fatal("deadlock: a clock that calls the server's methods blocks it")
	}
}

// TestActionAfterLatencyAtItsEnd: an action delayed by injected latency
// runs at the time the latency ends, read again then, not at the request's
// arrival (its Date and Request.Time): here the clock steps an hour per
// call, and the access token, valid at the arrival, has expired when
// GetUser runs.
func TestActionAfterLatencyAtItsEnd(t *testing.T) {
	srv, res := aliceWithTokens(t)
	issued := srv.Now()
	var calls atomic.Int64
	srv.SetClock(func() time.Time { return issued.Add(time.Duration(calls.Add(1))*time.Hour - 30*time.Minute) })
	srv.SetLatency(time.Millisecond)
	r, _ := http.NewRequest(http.MethodPost, srv.Endpoint(), strings.NewReader(`{"AccessToken":"`+res.AccessToken+`"}`))
	r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.GetUser")
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Access Token has expired") {
		t.Errorf("GetUser with a token that expired during the latency: %d %s, want 400 Access Token has expired", resp.StatusCode, body)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("the clock was read %d times, want 2 (arrival and the latency's end)", n)
	}
}

// TestRequestAfterCloseDropped: a request that reaches the Server after
// Close, as another server's handler, is dropped unanswered, and neither
// served nor logged: Close could not wait for it.
func TestRequestAfterCloseDropped(t *testing.T) {
	var logged atomic.Int64
	srv, err := cognitotest.NewUnstartedServer(cognitotest.Config{Logf: func(string, ...any) { logged.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	url := newBackend(t, srv) + "/"
	srv.Close()
	r, _ := http.NewRequest(http.MethodPost, url, strings.NewReader("{}"))
	r.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
	if resp, err := http.DefaultClient.Do(r); err == nil {
		resp.Body.Close()
		t.Errorf("a request after Close got HTTP %d, want the connection dropped", resp.StatusCode)
	}
	if n := logged.Load(); n != 0 || len(srv.Requests()) != 0 {
		t.Errorf("a request after Close: %d log lines, %d requests recorded; want none", n, len(srv.Requests()))
	}
}

// aliceWithTokens returns a server with the user alice and tokens it
// issued her.
func aliceWithTokens(t *testing.T) (*cognitotest.Server, *cognitosrp.AuthenticationResult) {
	t.Helper()
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: "Passw0rd!"}); err != nil {
		t.Fatal(err)
	}
	res, err := srv.IssueTokens("alice")
	if err != nil {
		t.Fatal(err)
	}
	return srv, res
}

// TestAliasAttributes: User's doc promises that an alias with "@" sets the
// email attribute and one starting with "+" the phone_number attribute,
// unless Attributes already has them; and AddUser returns the user with
// its defaults filled in, Username being Sub when empty.
func TestAliasAttributes(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	u, err := srv.AddUser(cognitotest.User{
		Aliases: []string{"first@example.com", "+15555550100"}, Password: "pw-alias-123",
		Attributes: map[string]string{"email": "given@example.com"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if u.Sub == "" || u.Username != u.Sub {
		t.Errorf("AddUser without a Username returned Username %q, Sub %q; want both the same, not empty", u.Username, u.Sub)
	}
	if u.Attributes["email"] != "given@example.com" || u.Attributes["phone_number"] != "+15555550100" {
		t.Errorf("attributes %v: want the given email kept and the phone number from the alias", u.Attributes)
	}
	if got, ok := srv.User("+15555550100"); !ok || got.Attributes["email"] != "given@example.com" {
		t.Errorf("User by its phone alias = %v, %v", got, ok)
	}
}

// TestAliasAttributesPlusAddress: an e-mail alias that starts with "+"
// is an address still. Once the email attribute was set, the second case
// of AddUser's switch took it for a phone number, and SMS_MFA named an
// address as where its code went.
func TestAliasAttributesPlusAddress(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	u, err := srv.AddUser(cognitotest.User{
		Aliases: []string{"first@example.com", "+news@example.com"}, Password: "pw-alias-123",
	})
	if err != nil {
		t.Fatal(err)
	}
	if u.Attributes["email"] != "first@example.com" || u.Attributes["phone_number"] != "" {
		t.Errorf("attributes %v: want the first address as email and no phone number", u.Attributes)
	}
}

// TestAliasAttributesOtherName: an alias that is neither an address nor
// a phone number (a preferred_username) sets neither attribute.
func TestAliasAttributesOtherName(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	u, err := srv.AddUser(cognitotest.User{Username: "alias-other", Aliases: []string{"alice.smith"}, Password: "pw-alias-123"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Attributes["email"] != "" || u.Attributes["phone_number"] != "" {
		t.Errorf("attributes %v: want neither email nor phone number from the alias alice.smith", u.Attributes)
	}
}

// TestHelpersRenewOnRotatingServer: the configurations Options and
// SessionConfig return renew tokens on a server with refresh-token
// rotation too. Such a client refuses REFRESH_TOKEN_AUTH, the default
// RefreshMethod, so a session built from them (an Auth of Options among
// them) failed every renewal once its first tokens expired, password or
// not.
func TestHelpersRenewOnRotatingServer(t *testing.T) {
	for _, rotation := range []bool{false, true} {
		srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenRotation: rotation})
		addUser(t, srv, cognitotest.User{Username: "rosa", Password: "pw-rosa-123"})

		auth, err := cognitosrp.New(srv.Options("rosa", "pw-rosa-123"))
		if err != nil {
			t.Fatal(err)
		}
		defer auth.Close()
		if _, err := auth.Token(t.Context()); err != nil {
			t.Fatal(err)
		}
		if err := auth.Session().Refresh(t.Context()); err != nil {
			t.Errorf("rotation %v: renewal of an Auth built from Options: %v", rotation, err)
		}

		sess := login(t, srv, "rosa", "pw-rosa-123")
		defer sess.Close()
		if err := sess.Refresh(t.Context()); err != nil {
			t.Errorf("rotation %v: renewal of a session built from SessionConfig: %v", rotation, err)
		}
		// Without rotation the default, REFRESH_TOKEN_AUTH, stays: it is
		// what most clients use.
		if got, want := srv.SessionConfig().RefreshMethod, map[bool]cognitosrp.RefreshMethod{true: cognitosrp.RefreshWithGetTokens}[rotation]; got != want {
			t.Errorf("rotation %v: SessionConfig().RefreshMethod = %q, want %q", rotation, got, want)
		}
	}
}
