// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"net/http"
	"testing"
	"time"
)

// noopTransport answers every request with the same empty response, so
// that a benchmark measures only what happens before the network.
type noopTransport struct{ resp *http.Response }

func (n noopTransport) RoundTrip(*http.Request) (*http.Response, error) { return n.resp, nil }

// cloneSetTransport is the baseline: what a minimal token-injecting
// transport must do, req.Clone and Header.Set of a precomputed value.
type cloneSetTransport struct {
	base  http.RoundTripper
	value string
}

func (c cloneSetTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r2 := req.Clone(req.Context())
	r2.Header.Set("Authorization", c.value)
	return c.base.RoundTrip(r2)
}

// oauth2StyleTransport is what golang.org/x/oauth2's Transport does per
// request: clone, then build the header value from the token.
type oauth2StyleTransport struct {
	base  http.RoundTripper
	token string
}

func (c oauth2StyleTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r2 := req.Clone(req.Context())
	r2.Header.Set("Authorization", "Bearer "+c.token)
	return c.base.RoundTrip(r2)
}

// BenchmarkRoundTrip measures token injection with a valid token against
// a no-op base transport, beside the two baselines, in ns/op and in CPU
// time per request (cpu-ns/op, see reportCPU). Compare with
//
//	go test -run '^$' -bench RoundTrip -count 10 > rt.txt
//	go run golang.org/x/perf/cmd/benchstat@latest -col /impl rt.txt
func BenchmarkRoundTrip(b *testing.B) {
	auth, s, base, access, req := roundTripSetup(b)

	for _, impl := range []struct {
		name string
		rt   http.RoundTripper
	}{
		{"auth", auth},
		{"cloneset", cloneSetTransport{base: base, value: "Bearer " + access}},
		{"oauth2style", oauth2StyleTransport{base: base, token: access}},
	} {
		b.Run("impl="+impl.name+"/mode=serial", func(b *testing.B) {
			b.ReportAllocs()
			reportCPU(b, func() {
				for b.Loop() {
					if _, err := impl.rt.RoundTrip(req); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
		b.Run("impl="+impl.name+"/mode=parallel", func(b *testing.B) {
			b.ReportAllocs()
			reportCPU(b, func() {
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := impl.rt.RoundTrip(req); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		})
	}
	if s.flying.Load() || s.waits.Load() != 0 {
		b.Fatal("the benchmark called Cognito")
	}
}

// reportCPU runs the benchmark loop run and reports the CPU time the
// process spent per iteration, the garbage collector's included, as
// cpu-ns/op. Unlike ns/op it does not count the time other programs take
// the CPUs away, so on a busy machine it varies between runs about half as
// much, and its ratios between implementations are steadier.
func reportCPU(b *testing.B, run func()) {
	start, ok := processCPU()
	run()
	if end, ok2 := processCPU(); ok && ok2 && b.N > 0 {
		b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
	}
}

// roundTripSetup returns an Auth whose session holds a valid access token,
// over a no-op base transport, and a request to send through it.
func roundTripSetup(tb testing.TB) (auth *Auth, s *Session, base http.RoundTripper, access string, req *http.Request) {
	tb.Helper()
	base = noopTransport{resp: &http.Response{StatusCode: http.StatusOK, Body: http.NoBody}}
	now := time.Now()
	access = fxJWT(map[string]any{"token_use": "access", "username": "alice", "jti": "bench",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()})
	s, err := NewSession(Config{UserPoolID: "us-east-1_Bench", ClientID: "c", Endpoint: "http://127.0.0.1:1/"}, "alice")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	s.SetTokens(&Tokens{AccessToken: access, IDToken: access, AccessExpiry: now.Add(time.Hour),
		IDExpiry: now.Add(time.Hour), IssuedAt: now})
	auth, err = New(Options{Session: s, Base: base})
	if err != nil {
		tb.Fatal(err)
	}
	req, _ = http.NewRequest("GET", "http://127.0.0.1/resource", nil)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "bench")
	return auth, s, base, access, req
}

// TestRoundTripAllocs backs README's figure for BenchmarkRoundTrip: with a
// valid token, RoundTrip allocates only the request copy, its header map
// and nothing per token, and never calls Cognito.
func TestRoundTripAllocs(t *testing.T) {
	auth, s, _, _, req := roundTripSetup(t)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := auth.RoundTrip(req); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 3 {
		t.Errorf("RoundTrip with a valid token: %v allocations, want at most 3", allocs)
	}
	// Auths that share the session, one per header form (an id token for
	// one API, the access token for another), keep their values side by
	// side in its cache: taking turns, neither formats its value again.
	id, err := New(Options{Session: s, Base: auth.base, Header: "X-Id", HeaderPrefix: "Token ", TokenType: IDToken})
	if err != nil {
		t.Fatal(err)
	}
	allocs = testing.AllocsPerRun(100, func() {
		for _, a := range []*Auth{auth, id} {
			if _, err := a.RoundTrip(req); err != nil {
				t.Fatal(err)
			}
		}
	}) / 2
	if allocs > 3 {
		t.Errorf("RoundTrip through two Auths on one session, taking turns: %v allocations each, want at most 3", allocs)
	}
	if s.flying.Load() || s.waits.Load() != 0 {
		t.Error("RoundTrip with a valid token called Cognito")
	}
}

// TestHeaderCacheOfCurrentTokens: the session's header cache holds one
// value per header form, of the current tokens only: a renewal's tokens
// replace the older values rather than pile up behind them, keeping the
// older tokens reachable.
func TestHeaderCacheOfCurrentTokens(t *testing.T) {
	auth, s, _, access, req := roundTripSetup(t)
	id, err := New(Options{Session: s, Base: auth.base, Header: "X-Id", HeaderPrefix: "Token ", TokenType: IDToken})
	if err != nil {
		t.Fatal(err)
	}
	for round := range 3 {
		now := time.Now()
		cur := &Tokens{AccessToken: access, IDToken: access, AccessExpiry: now.Add(time.Hour), IDExpiry: now.Add(time.Hour), IssuedAt: now}
		s.SetTokens(cur)
		for range 2 {
			for _, a := range []*Auth{auth, id, auth} {
				if _, err := a.RoundTrip(req); err != nil {
					t.Fatal(err)
				}
			}
		}
		n := 0
		for hv := s.header.Load(); hv != nil; hv = hv.next {
			if hv.tokens != cur {
				t.Fatalf("round %d: the cache holds a value of older tokens", round)
			}
			n++
		}
		if n != 2 {
			t.Fatalf("round %d: %d cached values, want 2 (one per header form)", round, n)
		}
	}
}
