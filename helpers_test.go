// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gocognito/cognitosrp"
)

// newDetReader is a deterministic byte stream, SHA-256(seed ‖ "/" ‖
// counter) blocks. Fixtures and the fake's randomness use it so that runs
// repeat exactly.
func newDetReader(seed string) io.Reader { return cognitosrp.DetRand(seed + "/") }

// startFake starts a fakeCognito that the test closes.
func startFake(t testing.TB, cfg fakeConfig) *fakeCognito {
	t.Helper()
	if cfg.PoolID == "" {
		cfg.PoolID = "us-east-1_TestPool1"
	}
	if cfg.ClientID == "" {
		cfg.ClientID = "test-client-id"
	}
	f := newFakeCognito(cfg)
	t.Cleanup(f.Close)
	return f
}

// sessionConfig returns the Config of a Session talking to f.
func (f *fakeCognito) sessionConfig() cognitosrp.Config {
	return cognitosrp.Config{
		UserPoolID:   f.cfg.PoolID,
		ClientID:     f.cfg.ClientID,
		ClientSecret: f.cfg.ClientSecret,
		Endpoint:     f.URL,
		Now:          f.cfg.Now,
	}
}

// options returns the individual-parameter Options of an Auth for a user of f.
func (f *fakeCognito) options(username, password string) cognitosrp.Options {
	return cognitosrp.Options{
		Username:     username,
		Password:     password,
		UserPoolID:   f.cfg.PoolID,
		ClientID:     f.cfg.ClientID,
		ClientSecret: f.cfg.ClientSecret,
		Endpoint:     f.URL,
	}
}

// describeCredential replaces the JWT at the end of a header value with a
// description of it, such as "Bearer <access token of alice>", so that
// example output does not depend on token bytes.
func describeCredential(v string) string {
	i := strings.LastIndexByte(v, ' ') + 1
	c, err := cognitosrp.ParseUnverified(v[i:])
	if err != nil {
		return v[:i] + "<not a token>"
	}
	return fmt.Sprintf("%s<%s token of %s>", v[:i], c.TokenUse, c.InternalUsername())
}

// credentialHeaders are the headers the echo API reports.
var credentialHeaders = []string{"Authorization", "X-Auth-Token", "X-Api-Key"}

// newEchoAPI starts a stand-in for a protected API. It answers 401 without
// credentials; otherwise it writes one line per credential header it got,
// "Name: value", with the token described by describeCredential.
func newEchoAPI() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var lines []string
		for _, name := range credentialHeaders {
			if v := r.Header.Get(name); v != "" {
				lines = append(lines, name+": "+describeCredential(v))
			}
		}
		if len(lines) == 0 {
			http.Error(w, "no credentials", http.StatusUnauthorized)
			return
		}
		sort.Strings(lines)
		fmt.Fprintf(w, "%s %s with %s\n", r.Method, r.URL.Path, strings.Join(lines, ", "))
	}))
}

// newHandlerServer starts an httptest server that the test closes.
func newHandlerServer(t testing.TB, h http.HandlerFunc) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// refuseCall returns a handler that answers the nth request to it (from
// 1) with a 401, as an API refusing a token, and passes the others to h.
func refuseCall(n int32, h http.HandlerFunc) http.HandlerFunc {
	var calls atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == n {
			http.Error(w, "refused", http.StatusUnauthorized)
			return
		}
		h(w, r)
	}
}

// http2Off reports whether GODEBUG (the environment's; go.mod sets none)
// turns HTTP/2 off in net/http's clients: a test of what goes over HTTP/2
// cannot run then, in a user's shell that keeps such a setting.
func http2Off() bool {
	return slices.Contains(strings.Split(os.Getenv("GODEBUG"), ","), "http2client=0")
}
