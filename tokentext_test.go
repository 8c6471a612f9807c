// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/gocognito/cognitosrp"
)

// TestParseUnverifiedErrorTexts pins the whole text of ParseUnverified's
// refusals of a token whose claims are of the wrong kind, or which is too
// long, and that each matches ErrMalformedToken: the code that builds them
// has been rearranged for size (issue 7).
func TestParseUnverifiedErrorTexts(t *testing.T) {
	token := func(payload string) string {
		return "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2ln"
	}
	const prefix = "cognitosrp: malformed token: "
	for _, tc := range []struct {
		token, want string
	}{
		{token(`{"sub": 5}`), `claim "sub" is not a string`},
		{token(`{"cognito:username": true}`), `claim "cognito:username" is not a string`},
		{token(`{"jti": {}}`), `claim "jti" is not a string`},
		{token(`{"exp": "1"}`), `claim "exp" is not a number`},
		{token(`{"auth_time": []}`), `claim "auth_time" is not a number`},
		{token(`{"iat": -1}`), `claim "iat" is out of range`},
		{token(`{"exp": 1e400}`), `claim "exp" is out of range`},
		{token(`{"aud": ["a", "b"]}`), `claim "aud" is not a single string`},
		{strings.Repeat("a", 64<<10+1), "longer than 65536 bytes"},
		{token(`[]`), "payload is not a JSON object"},
	} {
		_, err := cognitosrp.ParseUnverified(tc.token)
		if err == nil || err.Error() != prefix+tc.want || !errors.Is(err, cognitosrp.ErrMalformedToken) {
			t.Errorf("%.60s: err = %v, want %q matching ErrMalformedToken", tc.token, err, prefix+tc.want)
		}
	}
	if _, err := cognitosrp.ParseUnverified(token(`{"sub": "s"}`) + strings.Repeat("a", 64<<10-len(token(`{"sub": "s"}`)))); err != nil {
		t.Errorf("a token of 65536 bytes: %v", err)
	}
}
