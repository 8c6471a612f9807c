// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestChallengeAnswerKeepsLoginKeys: USERNAME, SECRET_HASH and DEVICE_KEY
// of an answer are the login's own, as ChallengeAnswer.Responses says,
// also when the login has no secret or device: a handler's values for them
// are not sent.
func TestChallengeAnswerKeepsLoginKeys(t *testing.T) {
	got := make(chan map[string]string, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct{ ChallengeResponses map[string]string }
		json.NewDecoder(r.Body).Decode(&in)
		switch r.Header.Get("X-Amz-Target") {
		case "AWSCognitoIdentityProviderService.InitiateAuth":
			w.Write([]byte(`{"ChallengeName":"CUSTOM_CHALLENGE","Session":"s1","ChallengeParameters":{"USERNAME":"alice-internal"}}`))
		default:
			got <- in.ChallengeResponses
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"__type":"NotAuthorizedException","message":"no"}`))
		}
	}))
	defer srv.Close()
	s, err := NewSession(Config{
		UserPoolID: "us-east-1_Pool", ClientID: "client", Endpoint: srv.URL, AuthFlow: FlowCustomAuth,
		Retry: RetryPolicy{MaxAttempts: 1},
		ChallengeHandler: ChallengeHandlerFunc(func(context.Context, *Challenge) (*ChallengeAnswer, error) {
			return &ChallengeAnswer{Answer: "42", Responses: map[string]string{
				"USERNAME": "mallory", "SECRET_HASH": "forged", "DEVICE_KEY": "us-east-1_forged", "EXTRA": "e",
			}}, nil
		}),
	}, "alice@example.com")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Authenticate(context.Background(), "")
	var r map[string]string
	select { // Authenticate has returned: an answer was sent by now, or never
	case r = <-got:
	default:
		t.Fatal("no challenge answer was sent")
	}
	if r["USERNAME"] != "alice-internal" || r["EXTRA"] != "e" || r["ANSWER"] != "42" {
		t.Errorf("responses %v: want the login's USERNAME, the handler's ANSWER and EXTRA", r)
	}
	for _, k := range []string{"SECRET_HASH", "DEVICE_KEY"} {
		if v, ok := r[k]; ok {
			t.Errorf("%s = %q sent for a login without one", k, v)
		}
	}
}
