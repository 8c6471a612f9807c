// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
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
