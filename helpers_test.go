// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
)

// detReader is a deterministic byte stream: SHA-256(seed ‖ counter) blocks.
// Fixtures and the fake's randomness use it so that runs repeat exactly.
type detReader struct {
	seed string
	n    uint64
	buf  []byte
}

func newDetReader(seed string) *detReader { return &detReader{seed: seed} }

func (d *detReader) Read(p []byte) (int, error) {
	for len(d.buf) < len(p) {
		var ctr [8]byte
		binary.BigEndian.PutUint64(ctr[:], d.n)
		d.n++
		sum := sha256.Sum256(append([]byte(d.seed+"/"), ctr[:]...))
		d.buf = append(d.buf, sum[:]...)
	}
	n := copy(p, d.buf)
	d.buf = d.buf[n:]
	return n, nil
}

// fakeClock is a settable clock shared by a Session and a fakeCognito.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{t: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

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
