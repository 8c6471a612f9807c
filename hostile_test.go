// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"encoding/json"
	"errors"
	gobig "math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// This file plays a hostile or broken Cognito (and proxies in front of it)
// against the whole path: Auth → Session → Client. Each bad answer must end
// in the expected typed error, without a panic, without storing the bad
// tokens, and without sending a request to the API.

// reply is one scripted HTTP answer.
type reply struct {
	status int
	ctype  string
	header map[string]string
	body   string
}

func jsonReply(v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return reply{status: 200, ctype: "application/x-amz-json-1.1", body: string(b)}
}

func rawReply(status int, ctype, body string) reply {
	return reply{status: status, ctype: ctype, body: body}
}

func errorReply(status int, typ string) reply {
	r := jsonReply(map[string]string{"__type": typ, "message": "no"})
	r.status = status
	return r
}

func (r reply) write(w http.ResponseWriter) {
	for k, v := range r.header {
		w.Header().Set(k, v)
	}
	if r.ctype != "" {
		w.Header().Set("Content-Type", r.ctype)
	}
	w.WriteHeader(r.status)
	w.Write([]byte(r.body))
}

// challenge returns a PASSWORD_VERIFIER challenge with params changed as
// given (a nil value deletes).
func challenge(kv ...any) reply {
	p := map[string]any{"SRP_B": "02", "SALT": "abcd", "SECRET_BLOCK": "c2VjcmV0", "USER_ID_FOR_SRP": "internal-user"}
	return jsonReply(map[string]any{"ChallengeName": ChallengePasswordVerifier, "Session": "s", "ChallengeParameters": with(p, kv...)})
}

// result returns an AuthenticationResult holding the given tokens.
func result(access, id string, kv ...any) reply {
	r := map[string]any{"AccessToken": access, "IdToken": id, "RefreshToken": "hostile-refresh", "ExpiresIn": 3600, "TokenType": "Bearer"}
	return jsonReply(map[string]any{"AuthenticationResult": with(r, kv...)})
}

// tokensWith returns a result whose access token has the claims changed.
func tokensWith(kv ...any) reply {
	return result(signRS256(testKey(), rsHeader(testKid), with(accessClaims(testNow), kv...)), goodID())
}

func goodAccess() string { return signRS256(testKey(), rsHeader(testKid), accessClaims(testNow)) }
func goodID() string     { return signRS256(testKey(), rsHeader(testKid), idClaims(testNow)) }

const hostilePassword = "hostile-password"

func TestHostileServer(t *testing.T) {
	big := strings.Repeat("x", maxResponseBytes)
	nHex := group.N.Text(16)
	html := "<html><body><h1>Welcome to the hotel network</h1></body></html>"
	payload := func(p string) string { return b64([]byte(`{"alg":"RS256"}`)) + "." + b64([]byte(p)) + ".c2ln" }
	tests := []struct {
		name     string
		initiate reply // InitiateAuth of USER_SRP_AUTH
		respond  reply // RespondToAuthChallenge
		refresh  *reply
		verify   bool // Config.Verifier set
		want     error
		check    func(error) bool // instead of want
	}{
		// Proxies and broken bodies.
		{name: "body over 1 MiB", initiate: rawReply(200, "application/json", `{"Session":"`+big+`"}`), want: ErrInvalidResponse},
		{name: "error body over 1 MiB", initiate: rawReply(400, "application/json", `{"message":"`+big+`"}`), want: ErrInvalidResponse},
		{name: "HTML with 200", initiate: rawReply(200, "text/html", html), want: ErrInvalidResponse},
		{name: "HTML with 200 and a JSON content type", initiate: rawReply(200, "application/x-amz-json-1.1", html), want: ErrInvalidResponse},
		{name: "HTML with 502", initiate: rawReply(502, "text/html", html), check: func(err error) bool {
			var api *APIError
			return errors.As(err, &api) && api.StatusCode == 502 && !strings.Contains(err.Error(), "hotel")
		}},
		{name: "empty 200", initiate: rawReply(200, "", ""), want: ErrInvalidResponse},
		{name: "JSON array", initiate: rawReply(200, "application/json", `[1,2]`), want: ErrInvalidResponse},
		{name: "JSON null", initiate: rawReply(200, "application/json", `null`), want: ErrInvalidResponse},
		{name: "trailing data", initiate: rawReply(200, "application/json", `{} {}`), want: ErrInvalidResponse},
		{name: "truncated JSON", initiate: rawReply(200, "application/json", `{"ChallengeName":"PASS`), want: ErrInvalidResponse},
		// Fields of the wrong type.
		{name: "ChallengeName a number", initiate: jsonReply(map[string]any{"ChallengeName": 7}), want: ErrInvalidResponse},
		{name: "ChallengeParameters value a number", initiate: challenge("SRP_B", 2), want: ErrInvalidResponse},
		{name: "ChallengeParameters an array", initiate: jsonReply(map[string]any{"ChallengeName": ChallengePasswordVerifier, "ChallengeParameters": []string{"a"}}), want: ErrInvalidResponse},
		{name: "Session an object", initiate: jsonReply(map[string]any{"ChallengeName": ChallengePasswordVerifier, "Session": map[string]any{}}), want: ErrInvalidResponse},
		{name: "neither result nor challenge", initiate: jsonReply(map[string]any{}), want: ErrInvalidResponse},
		{name: "only a session", initiate: jsonReply(map[string]any{"Session": "s"}), want: ErrInvalidResponse},
		// Challenge parameters.
		{name: "no SRP_B", initiate: challenge("SRP_B", nil), want: ErrInvalidChallenge},
		{name: "no SALT", initiate: challenge("SALT", nil), want: ErrInvalidChallenge},
		{name: "no SECRET_BLOCK", initiate: challenge("SECRET_BLOCK", nil), want: ErrInvalidChallenge},
		{name: "no USER_ID_FOR_SRP", initiate: challenge("USER_ID_FOR_SRP", nil), want: ErrInvalidChallenge},
		{name: "SRP_B not hex", initiate: challenge("SRP_B", "xyz"), want: ErrInvalidChallenge},
		{name: "SRP_B with 0x", initiate: challenge("SRP_B", "0x1234"), want: ErrInvalidChallenge},
		{name: "SRP_B negative", initiate: challenge("SRP_B", "-1234"), want: ErrInvalidChallenge},
		{name: "SRP_B with spaces", initiate: challenge("SRP_B", " 1234 "), want: ErrInvalidChallenge},
		{name: "SRP_B oversized", initiate: challenge("SRP_B", strings.Repeat("7", 100000)), want: ErrInvalidChallenge},
		{name: "SALT not hex", initiate: challenge("SALT", "salt"), want: ErrInvalidChallenge},
		{name: "SALT oversized", initiate: challenge("SALT", strings.Repeat("1", maxNumberHexDigits+2)), want: ErrInvalidChallenge},
		{name: "SRP_B zero", initiate: challenge("SRP_B", "0"), want: ErrSRPInvalidB},
		{name: "SRP_B = N", initiate: challenge("SRP_B", nHex), want: ErrSRPInvalidB},
		{name: "SRP_B = 2N", initiate: challenge("SRP_B", new(gobig.Int).Lsh(group.N, 1).Text(16)), want: ErrSRPInvalidB},
		{name: "SRP_B = N with leading zeros", initiate: challenge("SRP_B", "0000"+nHex), want: ErrSRPInvalidB},
		{name: "SECRET_BLOCK not base64", initiate: challenge("SECRET_BLOCK", "not base64!"), want: ErrInvalidChallenge},
		{name: "SECRET_BLOCK base64url", initiate: challenge("SECRET_BLOCK", "c2Vj-_"), want: ErrInvalidChallenge},
		// Cognito errors, typed.
		{name: "NotAuthorized", initiate: errorReply(400, "NotAuthorizedException"), want: ErrNotAuthorized},
		{name: "prefixed type", initiate: errorReply(400, "com.amazonaws.cognito.identity.idp.model#UserNotFoundException"), want: ErrUserNotFound},
		{name: "type only in the header", initiate: reply{status: 500, header: map[string]string{"X-Amzn-Errortype": "InternalErrorException:http://internal"}}, want: ErrInternalError},
		{name: "throttled", initiate: errorReply(400, "TooManyRequestsException"), want: ErrTooManyRequests},
		// The answer to the password verifier.
		{name: "respond: HTML with 200", respond: rawReply(200, "text/html", html), want: ErrInvalidResponse},
		{name: "respond: neither result nor challenge", respond: jsonReply(map[string]any{}), want: ErrInvalidResponse},
		{name: "respond: result a string", respond: jsonReply(map[string]any{"AuthenticationResult": "tokens"}), want: ErrInvalidResponse},
		{name: "respond: ExpiresIn a string", respond: result(goodAccess(), goodID(), "ExpiresIn", "3600"), want: ErrInvalidResponse},
		{name: "respond: no access token", respond: result("", goodID()), want: ErrNoTokens},
		{name: "respond: no id token", respond: result(goodAccess(), ""), want: ErrNoTokens},
		{name: "respond: access token not a JWT", respond: result("opaque-token", goodID()), want: ErrMalformedToken},
		{name: "respond: payload not JSON", respond: result(payload("exp=1"), goodID()), want: ErrMalformedToken},
		{name: "respond: payload an array", respond: result(payload(`[1]`), goodID()), want: ErrMalformedToken},
		{name: "respond: exp a string", respond: tokensWith("exp", "tomorrow"), want: ErrMalformedToken},
		{name: "respond: exp negative", respond: tokensWith("exp", -5), want: ErrMalformedToken},
		{name: "respond: exp in milliseconds", respond: tokensWith("exp", testNow.Add(time.Hour).UnixMilli()), want: ErrMalformedToken},
		{name: "respond: exp in the past", respond: tokensWith("exp", testNow.Add(-time.Second).Unix()), want: ErrTokenExpired},
		{name: "respond: stale token from two days ago", respond: tokensWith("iat", testNow.Add(-48*time.Hour).Unix(), "exp", testNow.Add(-47*time.Hour).Unix()), want: ErrTokenExpired},
		{name: "respond: issued a day ahead", respond: tokensWith("iat", testNow.Add(24*time.Hour).Unix(), "exp", testNow.Add(25*time.Hour).Unix()), want: ErrTokenInvalid},
		{name: "respond: exp now", respond: tokensWith("exp", testNow.Unix()), want: ErrTokenExpired},
		{name: "respond: exp in 20 years", respond: tokensWith("exp", testNow.AddDate(20, 0, 0).Unix()), want: ErrTokenInvalid},
		{name: "respond: exp before iat", respond: tokensWith("iat", testNow.Add(2*time.Hour).Unix()), want: ErrTokenInvalid},
		{name: "respond: id token expired", respond: result(goodAccess(), signRS256(testKey(), rsHeader(testKid), with(idClaims(testNow), "exp", testNow.Add(-time.Minute).Unix()))), want: ErrTokenExpired},
		{name: "respond: no exp, no ExpiresIn", respond: result(payload(`{"token_use":"access"}`), payload(`{"token_use":"id"}`), "ExpiresIn", nil), want: ErrMalformedToken},
		{name: "respond: no exp, ExpiresIn huge", respond: result(payload(`{}`), payload(`{}`), "ExpiresIn", int64(1)<<62), want: ErrTokenInvalid},
		{name: "respond: ExpiresIn negative", respond: result(goodAccess(), goodID(), "ExpiresIn", -1), want: ErrTokenInvalid},
		{name: "respond: token with a line break", respond: result(goodAccess()+"\r\nX-Evil: 1", goodID()), want: ErrMalformedToken},
		// Renewal.
		{name: "refresh: neither result nor challenge", refresh: &[]reply{jsonReply(map[string]any{})}[0], want: ErrInvalidResponse},
		{name: "refresh: HTML with 200", refresh: &[]reply{rawReply(200, "text/html", html)}[0], want: ErrInvalidResponse},
		{name: "refresh: expired tokens", refresh: &[]reply{tokensWith("exp", testNow.Add(-time.Hour).Unix())}[0], want: ErrTokenExpired},
		{name: "refresh: empty token", refresh: &[]reply{result("", "")}[0], want: ErrNoTokens},
		// With verification.
		{name: "verify: signed by another key", verify: true, respond: result(signRS256(otherKey(), rsHeader(testKid), accessClaims(testNow)), goodID()), want: ErrSignature},
		{name: "verify: alg none", verify: true, respond: result(b64JSON(map[string]any{"alg": "none"})+"."+b64JSON(accessClaims(testNow))+".", goodID()), want: ErrSignature},
		{name: "verify: another app client", verify: true, respond: tokensWith("client_id", "other"), want: ErrClaimMismatch},
		{name: "verify: tokens swapped", verify: true, respond: result(goodID(), goodAccess()), want: ErrClaimMismatch},
		{name: "verify: another pool", verify: true, respond: tokensWith("iss", testIssuer+"x"), want: ErrClaimMismatch},
	}
	// SECURITY.md gives reviewers the number of answers played here; its
	// line breaks are read as spaces, so that refilling the paragraph
	// does not fail this test.
	if doc, err := os.ReadFile("SECURITY.md"); err != nil {
		t.Error(err)
	} else if want := "`hostile_test.go` plays " + strconv.Itoa(len(tests)) + " such answers"; !strings.Contains(strings.Join(strings.Fields(string(doc)), " "), want) {
		t.Errorf("SECURITY.md does not say %q", want)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/jwks" {
					w.Write(mustJSON(map[string]any{"keys": []any{jwkOf(testKid, testKey())}}))
					return
				}
				body := readAll(t, r)
				switch action := r.Header.Get("X-Amz-Target"); {
				case strings.Contains(body, FlowRefreshTokenAuth):
					tc.refresh.write(w)
				case strings.HasSuffix(action, ".InitiateAuth") && tc.initiate.status != 0:
					tc.initiate.write(w)
				case strings.HasSuffix(action, ".InitiateAuth"):
					challenge().write(w)
				case tc.respond.status != 0:
					tc.respond.write(w)
				default:
					result(goodAccess(), goodID()).write(w)
				}
			}))
			defer srv.Close()
			var apiCalls atomic.Int64
			api := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { apiCalls.Add(1) }))
			defer api.Close()

			cfg := Config{
				UserPoolID: testPoolID, ClientID: testClientID, Endpoint: srv.URL,
				Now: newFakeClock(testNow).Now, Retry: fastRetry(2),
			}
			if tc.verify {
				v, err := NewVerifier(VerifierConfig{UserPoolID: testPoolID, ClientIDs: []string{testClientID}, JWKSURL: srv.URL + "/jwks", Now: cfg.Now})
				if err != nil {
					t.Fatal(err)
				}
				cfg.Verifier = v
			}
			s, err := NewSession(cfg, "user@example.com")
			if err != nil {
				t.Fatal(err)
			}
			s.password = hostilePassword
			var start *Tokens
			if tc.refresh != nil {
				start = &Tokens{AccessToken: "old", IDToken: "old", RefreshToken: "old-refresh", AccessExpiry: testNow, IDExpiry: testNow}
				s.SetTokens(start)
			}
			a, err := New(Options{Session: s})
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, api.URL, nil)
			resp, err := a.Client().Do(req)
			if err == nil {
				resp.Body.Close()
				t.Fatal("request succeeded")
			}
			if tc.check != nil && !tc.check(err) || tc.check == nil && !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if n := apiCalls.Load(); n != 0 {
				t.Fatalf("%d requests reached the API", n)
			}
			if got := s.Tokens(); got != start {
				t.Fatalf("the session stored tokens %v", got)
			}
			if msg := err.Error(); strings.Contains(msg, hostilePassword) || strings.Contains(msg, "refresh") && strings.Contains(msg, "old-refresh") {
				t.Fatalf("error reveals a secret: %s", msg)
			}
		})
	}
	if len(tests) < 30 {
		t.Fatalf("only %d cases", len(tests))
	}
}
