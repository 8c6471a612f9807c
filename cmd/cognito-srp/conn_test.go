// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"fmt"
	"strings"
	"testing"
)

// TestConnectionRedacts: a connection holds the password and the client
// secret; no verb prints them, on the value or on a pointer to it.
func TestConnectionRedacts(t *testing.T) {
	t.Parallel()
	c := connection{poolID: "us-east-1_AbC123", clientID: "client", username: "alice",
		password: "pw-secret-123", clientSecret: "client-secret-456"}
	for _, v := range []any{c, &c} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			got := fmt.Sprintf(verb, v)
			if strings.Contains(got, "pw-secret-123") || strings.Contains(got, "client-secret-456") ||
				strings.Contains(got, fmt.Sprintf("%x", "pw-secret-123")) {
				t.Errorf("%s of %T shows a secret: %s", verb, v, got)
			}
		}
	}
	if got := fmt.Sprint(&c); !strings.Contains(got, "alice") {
		t.Errorf("%%v = %q, want the user named", got)
	}
}
