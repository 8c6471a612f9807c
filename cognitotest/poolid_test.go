// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestPoolIDAsLibrary: the server takes exactly the pool ids the library
// takes, so that no test runs a pool its client could not name, and a
// pool id the library refuses is not one a test could miss because the
// emulator refused it first. Every string of up to four bytes over an
// alphabet of each kind of byte (letter, digit, '-', '_', space, quote, a
// byte of UTF-8), and the longest id and one byte more.
func TestPoolIDAsLibrary(t *testing.T) {
	const alphabet = "aZ9-_ \"\xc3"
	ids := []string{"us-east-1_" + strings.Repeat("a", 45), "us-east-1_" + strings.Repeat("a", 46), "local_4Ld6zNl5"}
	level := []string{""}
	for range 4 {
		var next []string
		for _, p := range level {
			for i := range len(alphabet) {
				next = append(next, p+alphabet[i:i+1])
			}
		}
		ids, level = append(ids, next...), next
	}
	accepted := 0
	for _, id := range ids {
		srv, serr := cognitotest.NewUnstartedServer(cognitotest.Config{PoolID: id})
		if serr == nil {
			accepted++
			srv.Close()
		}
		_, lerr := cognitosrp.NewSession(cognitosrp.Config{UserPoolID: id, ClientID: "c", Endpoint: "http://127.0.0.1:1"}, "u")
		if (serr == nil) != (lerr == nil) {
			t.Errorf("pool id %q: the emulator says %v, the library %v", id, serr, lerr)
		}
	}
	if accepted < 50 {
		t.Errorf("%d pool ids accepted of %d", accepted, len(ids))
	}
}

// TestClientIDAsLibrary: the server takes the app client ids and secrets
// that cognitosrp.NewSession takes, and no other: one it refused would
// leave a server that no client of the library can use.
func TestClientIDAsLibrary(t *testing.T) {
	for _, v := range []string{"4a1b2c3d4e5f6g7h8i9j0k1l2m", "test-client_id+1", "é", "a b", "a\n", "\ta", "a\x00", "a\x7f", "a\u00a0b"} {
		for _, secret := range []bool{false, true} {
			cfg := cognitotest.Config{ClientID: v}
			lcfg := cognitosrp.Config{UserPoolID: "local_1", ClientID: v, Endpoint: "http://127.0.0.1:1"}
			if secret {
				cfg = cognitotest.Config{ClientSecret: v + strings.Repeat("s", 20)}
				lcfg.ClientID, lcfg.ClientSecret = "c", cfg.ClientSecret
			}
			srv, serr := cognitotest.NewUnstartedServer(cfg)
			if serr == nil {
				srv.Close()
			} else if !errors.Is(serr, cognitotest.ErrConfig) || strings.Contains(serr.Error(), cfg.ClientID+cfg.ClientSecret) {
				t.Errorf("%q (secret %v): %v, want ErrConfig quoting nothing", v, secret, serr)
			}
			_, lerr := cognitosrp.NewSession(lcfg, "u")
			if (serr == nil) != (lerr == nil) {
				t.Errorf("%q (secret %v): the emulator says %v, the library %v", v, secret, serr, lerr)
			}
		}
	}
}
