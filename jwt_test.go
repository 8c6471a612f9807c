// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"encoding/base64"
	"errors"
	"testing"
)

// TestParseUnverifiedTrailingData: a payload is one JSON object and nothing
// after it but white space. A stray closing brace or bracket used to pass,
// since json.Decoder.More reports false before one.
func TestParseUnverifiedTrailingData(t *testing.T) {
	token := func(payload string) string {
		return "e30." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2ln"
	}
	for _, p := range []string{`{"exp":1}}`, `{"exp":1}]`, `{"exp":1} }`, `{"exp":1} x`, `{"exp":1}{}`, `{"exp":1},`} {
		if _, err := ParseUnverified(token(p)); !errors.Is(err, ErrMalformedToken) {
			t.Errorf("payload %s: err = %v, want ErrMalformedToken", p, err)
		}
	}
	for _, p := range []string{`{"exp":1}`, "{\"exp\":1} \t\r\n", ` {"exp":1}`} {
		if c, err := ParseUnverified(token(p)); err != nil || c.Expiry.Unix() != 1 {
			t.Errorf("payload %q: claims %v, err %v; want exp 1", p, c, err)
		}
	}
}
