// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestRequireAccessTokenAnswers: RequireAccessToken takes the Bearer
// scheme in any case (RFC 9110's schemes are case-insensitive), answers a
// request without a token with a bare challenge (RFC 6750: no error code
// when no token was sent), and says in error_description why it refused a
// token: revoked, expired or invalid, which a client reading the header
// acts on differently (mutants T29 to T32).
func TestRequireAccessTokenAnswers(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	var served int
	h := srv.RequireAccessToken(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { served++ }))
	send := func(auth string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("Authorization", auth)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	issue := func() string {
		out, err := srv.IssueTokens("alice")
		if err != nil {
			t.Fatal(err)
		}
		return out.AccessToken
	}
	realm := `Bearer realm="` + srv.PoolID() + `"`

	if rec := send("bearer " + issue()); rec.Code != http.StatusOK || served != 1 {
		t.Errorf("lower-case bearer: %d, served %d times", rec.Code, served)
	}
	for _, auth := range []string{"", "Bearer ", "Basic x"} {
		if rec := send(auth); rec.Code != http.StatusUnauthorized || rec.Header().Get("WWW-Authenticate") != realm {
			t.Errorf("Authorization %q: %d, WWW-Authenticate %q, want 401 and %q", auth, rec.Code, rec.Header().Get("WWW-Authenticate"), realm)
		}
	}
	refusal := func(token, desc string) {
		t.Helper()
		rec := send("Bearer " + token)
		want := realm + `, error="invalid_token", error_description="` + desc + `"`
		if rec.Code != http.StatusUnauthorized || rec.Header().Get("WWW-Authenticate") != want {
			t.Errorf("%s: %d, WWW-Authenticate %q, want 401 and %q", desc, rec.Code, rec.Header().Get("WWW-Authenticate"), want)
		}
	}
	refusal("not.a.token", "invalid token")
	revoked := issue()
	if err := srv.SignOut("alice"); err != nil {
		t.Fatal(err)
	}
	refusal(revoked, "token revoked")
	expired := issue()
	srv.Advance(time.Hour) // the default access token lifetime: at exp
	refusal(expired, "token expired")
	if served != 1 {
		t.Errorf("served %d requests, want the first alone", served)
	}
}
