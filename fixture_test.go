// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The challenge fixtures are recorded Cognito conversations: every request
// the client sent, byte for byte, and every response. They are recorded
// from the scripted fake (which checks each request and verifies the SRP
// proofs) with `go test -run TestChallengeFixtures -update`, replayed
// without it, and compared with a fresh recording on every run, so that a
// change in what the client sends shows up as a diff of the fixture.

var updateFixtures = flag.Bool("update", false, "rewrite testdata/fixtures (recorded exchanges) from their scenarios, and the api.txt listings (TestAPI) from the code")

const fixtureDir = "testdata/fixtures/challenges"

// fxFixture is one recorded conversation.
type fxFixture struct {
	Exchanges []fxExchange `json:"exchanges"`
}

// fxExchange is one call. Request and Response hold the JSON bodies; the
// client's body must equal the compacted Request exactly.
type fxExchange struct {
	Action   string          `json:"action"`
	Request  json.RawMessage `json:"request"`
	Status   int             `json:"status"`
	Response json.RawMessage `json:"response"`
}

func (x *fxFixture) encode() []byte {
	data, err := json.MarshalIndent(x, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(data, '\n')
}

func fixturePath(name string) string { return filepath.Join(fixtureDir, name+".json") }

func readFixture(t *testing.T, name string) *fxFixture {
	t.Helper()
	data, err := os.ReadFile(fixturePath(name))
	if err != nil {
		t.Fatalf("%v (record it with go test -run TestChallengeFixtures -update)", err)
	}
	x := new(fxFixture)
	if err := json.Unmarshal(data, x); err != nil {
		t.Fatalf("%s: %v", fixturePath(name), err)
	}
	return x
}

func actionOf(r *http.Request) string {
	return strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService.")
}

// fxRecorder passes calls to a handler and records them.
type fxRecorder struct {
	h  http.Handler
	mu sync.Mutex
	x  fxFixture
}

func (rec *fxRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	rr := httptest.NewRecorder()
	rec.h.ServeHTTP(rr, r)
	rec.mu.Lock()
	rec.x.Exchanges = append(rec.x.Exchanges, fxExchange{
		Action: actionOf(r), Request: body, Status: rr.Code, Response: rr.Body.Bytes(),
	})
	rec.mu.Unlock()
	for k, v := range rr.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rr.Code)
	w.Write(rr.Body.Bytes())
}

// fxReplay answers from a fixture, refusing any request that differs from
// the recorded one in a single byte.
type fxReplay struct {
	t    *testing.T
	x    *fxFixture
	mu   sync.Mutex
	next int
}

func (rp *fxReplay) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	if rp.next >= len(rp.x.Exchanges) {
		rp.t.Errorf("replay: unexpected call %s after %d recorded calls", actionOf(r), len(rp.x.Exchanges))
		sfWriteJSON(w, 400, sfErr("InvalidParameterException", "not in the fixture"))
		return
	}
	ex := rp.x.Exchanges[rp.next]
	rp.next++
	var want bytes.Buffer
	if err := json.Compact(&want, ex.Request); err != nil {
		rp.t.Fatal(err)
	}
	if got := actionOf(r); got != ex.Action {
		rp.t.Errorf("replay: call %d is %s, recorded %s", rp.next, got, ex.Action)
	}
	if !bytes.Equal(body, want.Bytes()) {
		rp.t.Errorf("replay: call %d (%s) differs from the fixture:\n got: %s\nwant: %s", rp.next, ex.Action, body, want.Bytes())
	}
	var resp bytes.Buffer
	if err := json.Compact(&resp, ex.Response); err != nil {
		rp.t.Fatal(err)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	// The fixture records no Date: none on the real clock (net/http's).
	w.Header()["Date"] = nil
	w.WriteHeader(ex.Status)
	w.Write(resp.Bytes())
}

func (rp *fxReplay) done() {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	if rp.next != len(rp.x.Exchanges) {
		rp.t.Errorf("replay: %d of %d recorded calls made", rp.next, len(rp.x.Exchanges))
	}
}

// fxScenario is one challenge sequence: the fake's script and the client
// run that goes through it (and checks its outcome). run gets a client
// configuration pointing at the server under test.
type fxScenario struct {
	name                    string
	secret, login, internal string
	script                  func(f *scriptFake)
	run                     func(t *testing.T, f *scriptFake, cfg Config)
}

// TestChallengeFixturesMatchFake runs each scenario against the scripted
// fake and compares the conversation with its fixture (or, with -update,
// rewrites the fixture).
func TestChallengeFixturesMatchFake(t *testing.T) {
	for _, sc := range challengeScenarios {
		t.Run(sc.name, func(t *testing.T) {
			f := newScriptFake(t, sc.secret, sc.login, sc.internal)
			sc.script(f)
			rec := &fxRecorder{h: f}
			srv := httptest.NewServer(rec)
			defer srv.Close()
			sc.run(t, f, f.config(srv.URL))
			f.done()
			got := rec.x.encode()
			if *updateFixtures {
				if err := os.MkdirAll(fixtureDir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(fixturePath(sc.name), got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(fixturePath(sc.name))
			if err != nil {
				t.Fatalf("%v (record it with -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("the conversation differs from %s; inspect the change with -update and git diff", fixturePath(sc.name))
			}
		})
	}
}

// TestChallengeFixtures replays each fixture: the client must send the
// recorded requests byte for byte and reach the same outcome.
func TestChallengeFixtures(t *testing.T) {
	for _, sc := range challengeScenarios {
		t.Run(sc.name, func(t *testing.T) {
			f := newScriptFake(t, sc.secret, sc.login, sc.internal)
			rp := &fxReplay{t: t, x: readFixture(t, sc.name)}
			srv := httptest.NewServer(rp)
			defer srv.Close()
			sc.run(t, f, f.config(srv.URL))
			rp.done()
		})
	}
}
