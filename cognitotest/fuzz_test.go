// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// FuzzServeAPI sends arbitrary bodies to every action, of an app client
// with a secret and of one without (where the fuzzer, which cannot compute
// a SECRET_HASH, gets past the secret's check). The server must answer
// each with a Cognito-shaped JSON response and never fail internally: an
// error as awsJson1_1 has it, with its __type, a message and the same
// type in x-amzn-ErrorType; the response, as net/http writes it, must be
// one net/http's client reads back (a header value with a control
// character is "malformed"); the request log must record the request as
// answered; and neither the response nor the log's reason may carry the
// user's password or the SECRET_HASH a client would have to compute,
// unless the request did.
func FuzzServeAPI(f *testing.F) {
	const password = "pw-alice-123"
	var servers []*cognitotest.Server
	for _, secret := range []string{"fuzz", ""} {
		srv, err := cognitotest.NewUnstartedServer(cognitotest.Config{ClientSecret: secret, DeviceTracking: true})
		if err != nil {
			f.Fatal(err)
		}
		if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: password, SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}, CustomAnswer: "x"}); err != nil {
			f.Fatal(err)
		}
		servers = append(servers, srv)
	}
	secrets := []string{password, cognitosrp.SecretHash("alice", cognitotest.DefaultClientID, "fuzz")}
	f.Fuzz(func(t *testing.T, action string, body []byte) {
		for _, srv := range servers {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
			req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+action)
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("%s: HTTP %d %s", action, rec.Code, rec.Body)
			}
			// What a client reads: net/http's own parse of the response
			// as its server writes it.
			var wire bytes.Buffer
			if err := rec.Result().Write(&wire); err != nil {
				t.Fatal(err)
			}
			if resp, err := http.ReadResponse(bufio.NewReader(&wire), req); err != nil {
				t.Fatalf("%s: a client cannot read the response: %v", action, err)
			} else {
				resp.Body.Close()
			}
			var out map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
				t.Fatalf("%s: response is not a JSON object: %q", action, rec.Body)
			}
			h := rec.Header()
			if ct := h.Get("Content-Type"); ct != "application/x-amz-json-1.1" {
				t.Fatalf("%s: Content-Type %q", action, ct)
			}
			typ, _ := out["__type"].(string)
			key := "message"
			if typ == "SerializationException" {
				key = "Message" // as the AWS protocol layer words it
			}
			_, hasMessage := out[key].(string)
			if rec.Code != http.StatusOK && (typ == "" || !hasMessage || h.Get("X-Amzn-Errortype") != typ+":") {
				t.Fatalf("%s: HTTP %d %q with x-amzn-ErrorType %q", action, rec.Code, rec.Body, h.Get("X-Amzn-Errortype"))
			}
			if h.Get("X-Amzn-Requestid") == "" {
				t.Fatalf("%s: no request id", action)
			}
			reqs := srv.Requests()
			last := reqs[len(reqs)-1]
			if last.RequestID != h.Get("X-Amzn-Requestid") || last.Status != rec.Code || last.ErrorType != typ && rec.Code != http.StatusOK {
				t.Fatalf("%s: logged %+v for HTTP %d %s", action, last, rec.Code, typ)
			}
			text := rec.Body.String() + last.Reason
			for _, vs := range h {
				text += strings.Join(vs, "\n")
			}
			for _, secret := range secrets {
				if strings.Contains(text, secret) && !strings.Contains(string(body), secret) {
					t.Fatalf("%s: the answer %q (reason %q) carries a secret", action, rec.Body, last.Reason)
				}
			}
		}
	})
}

// FuzzVerifyAccessToken feeds RequireAccessToken, VerifyAccessToken and
// VerifyIDToken what a client of a resource server may send: a token of
// its own, or an issued token with a part replaced. Each fails only with
// ErrInvalidToken, ErrTokenExpired or ErrTokenRevoked, accepts nothing but
// the very token the server issued, and RequireAccessToken serves the
// request exactly when VerifyAccessToken accepts its bearer token.
//
// An edit's position counts from the token's end, where the signature is,
// of a fixed length whatever the payload's: at 0 appends (seed
// crlf-after), at 1 with cut 1 replaces the last character (seed
// last-char).
func FuzzVerifyAccessToken(f *testing.F) {
	f.Add(true, "a.b.c", uint16(0), uint16(0))
	f.Add(false, "", uint16(0), uint16(0))
	f.Add(false, "x", uint16(600), uint16(1))
	f.Add(false, "\n", uint16(700), uint16(0))
	f.Add(false, "", uint16(1), uint16(1))
	f.Add(false, "Z", uint16(0xffff), uint16(1))
	srv, err := cognitotest.NewUnstartedServer(cognitotest.Config{})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: "pw-alice-123"}); err != nil {
		f.Fatal(err)
	}
	// A 256-byte signature's last character carries two bits of it and
	// four unused ones, zero: it is one of A, Q, g and w. Tokens are drawn
	// until both signatures end in A, so that the seed last-char, which
	// puts B there, is another spelling of the issued signature.
	var issued map[string]string
	for range 1000 {
		res, err := srv.IssueTokens("alice")
		if err != nil {
			f.Fatal(err)
		}
		if strings.HasSuffix(res.AccessToken, "A") && strings.HasSuffix(res.IdToken, "A") {
			issued = map[string]string{"access": res.AccessToken, "id": res.IdToken}
			break
		}
	}
	if issued == nil {
		f.Fatal("no tokens whose signatures end in A")
	}
	served := false
	h := srv.RequireAccessToken(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { served = true }))
	f.Fuzz(func(t *testing.T, raw bool, edit string, at, cut uint16) {
		for use, tok := range issued {
			token := edit
			if !raw {
				// The issued token with tok[i:j] replaced by edit, i
				// counted from the end.
				i := len(tok) - int(at)%(len(tok)+1)
				j := i + int(cut)%(len(tok)-i+1)
				token = tok[:i] + edit + tok[j:]
			}
			verify := srv.VerifyAccessToken
			if use == "id" {
				verify = srv.VerifyIDToken
			}
			_, err := verify(token)
			switch {
			case err == nil && token != tok:
				t.Fatalf("accepted an altered %s token %q (issued %q)", use, token, tok)
			case err != nil && !errors.Is(err, cognitotest.ErrInvalidToken) && !errors.Is(err, cognitotest.ErrTokenExpired) && !errors.Is(err, cognitotest.ErrTokenRevoked):
				t.Fatalf("error %v is none of the documented ones", err)
			}
			if use != "access" {
				continue
			}
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.Header["Authorization"] = []string{"Bearer " + token}
			rec := httptest.NewRecorder()
			served = false
			h.ServeHTTP(rec, req)
			if served != (err == nil) || !served && (rec.Code != http.StatusUnauthorized || rec.Header().Get("WWW-Authenticate") == "") {
				t.Fatalf("RequireAccessToken: served %v, HTTP %d, for a token VerifyAccessToken judged %v", served, rec.Code, err)
			}
		}
	})
}
