// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// FuzzServeAPI sends arbitrary bodies to every action: the server must
// answer each with a Cognito-shaped JSON response and never fail
// internally.
func FuzzServeAPI(f *testing.F) {
	srv, err := cognitotest.NewUnstartedServer(cognitotest.Config{ClientSecret: "fuzz", DeviceTracking: true})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: "pw-alice-123", SMSMFA: true, CustomAnswer: "x"}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, action string, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
		req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+action)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s: HTTP %d %s", action, rec.Code, rec.Body)
		}
		var out map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s: response is not a JSON object: %q", action, rec.Body)
		}
		if rec.Code != http.StatusOK && out["__type"] == nil {
			t.Fatalf("%s: error without __type: %q", action, rec.Body)
		}
		if rec.Header().Get("X-Amzn-Requestid") == "" {
			t.Fatalf("%s: no request id", action)
		}
	})
}
