// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"io"
	"math"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// loadResult is what one load run measured.
type loadResult struct {
	requests, failed int
	waited           int64 // requests that waited for Cognito after the first login
	slow             int   // requests slower than Cognito's delay
	renewals         int
	p50, p99, max    time.Duration
}

// runLoad sends requests through an Auth from workers goroutines for
// duration, each pausing pace between requests, against the fake's API,
// with tokens of the given lifetime and a Cognito that answers after
// delay. The first login happens before the clock starts.
func runLoad(t *testing.T, lifetime, delay, duration, pace time.Duration, workers int) loadResult {
	f := newFakeCognito(t, nil)
	f.set(func(f *fakeCognito) { f.lifetime, f.delay = lifetime, delay })
	s := newLifecycleSession(t, f, f.password, nil)
	// Enough idle connections for every worker: the default two per host
	// would make most requests open a connection.
	base := &http.Transport{MaxIdleConnsPerHost: workers}
	t.Cleanup(base.CloseIdleConnections)
	a, err := New(Options{Session: s, Base: base, NoRetryOnUnauthorized: true})
	if err != nil {
		t.Fatal(err)
	}
	client := a.Client()
	get := func() (int, error) {
		resp, err := client.Get(f.api.URL)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	if code, err := get(); err != nil || code != http.StatusOK {
		t.Fatalf("first request: %d, %v", code, err)
	}
	settle(t, s)
	waitsBefore, renewalsBefore := s.waits.Load(), f.count(FlowRefreshTokenAuth)

	var (
		mu        sync.Mutex
		latencies []time.Duration
		failed    atomic.Int64
		wg        sync.WaitGroup
	)
	stop := time.Now().Add(duration)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Now().Before(stop) {
				start := time.Now()
				code, err := get()
				mine = append(mine, time.Since(start))
				if err != nil || code != http.StatusOK {
					failed.Add(1)
				}
				time.Sleep(pace)
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	settle(t, s)

	slices.Sort(latencies)
	r := loadResult{
		requests: len(latencies),
		failed:   int(failed.Load()),
		waited:   s.waits.Load() - waitsBefore,
		renewals: f.count(FlowRefreshTokenAuth) - renewalsBefore,
		p50:      latencies[len(latencies)/2],
		p99:      latencies[len(latencies)*99/100],
		max:      latencies[len(latencies)-1],
	}
	for _, l := range latencies {
		if l >= delay {
			r.slow++
		}
	}
	return r
}

// TestLoadRenewalNeverBlocks: 50 goroutines send requests for 6 s while
// 2-second tokens are renewed about once a second by a Cognito that takes
// 50 ms to answer. After the first login no request waits for Cognito,
// none fails, and the renewals are as many as the schedule says. The same
// load with tokens that never expire in the test runs alongside, for the
// latency comparison.
func TestLoadRenewalNeverBlocks(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: 6 s")
	}
	if raceEnabled {
		// Its assertions are about time: under the race detector's
		// slowdown a request can take longer than a 2 s token's margin.
		t.Skip("load test: timing is meaningless under the race detector")
	}
	const (
		workers  = 50
		duration = 6 * time.Second
		delay    = 50 * time.Millisecond
		pace     = 20 * time.Millisecond
		lifetime = 2 * time.Second
	)
	var renewing, steady loadResult
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); renewing = runLoad(t, lifetime, delay, duration, pace, workers) }()
	go func() { defer wg.Done(); steady = runLoad(t, time.Hour, delay, duration, pace, workers) }()
	wg.Wait()
	if t.Failed() {
		return
	}

	for _, r := range []struct {
		name string
		loadResult
	}{{"2 s tokens", renewing}, {"1 h tokens", steady}} {
		t.Logf("%s: %d requests, %d failed, %d waited for Cognito, %d slower than Cognito's %v, %d renewals; latency p50 %v, p99 %v, max %v",
			r.name, r.requests, r.failed, r.waited, r.slow, delay, r.renewals, r.p50, r.p99, r.max)
	}
	t.Logf("p99 ratio (renewing / steady) = %.2f", float64(renewing.p99)/float64(steady.p99))

	if renewing.waited != 0 || steady.waited != 0 {
		t.Errorf("requests that waited for Cognito after the first login: %d and %d, want 0", renewing.waited, steady.waited)
	}
	if renewing.failed != 0 || steady.failed != 0 {
		t.Errorf("failed requests: %d and %d, want 0", renewing.failed, steady.failed)
	}
	// The default schedule renews 2 s tokens a quarter of their life
	// before a margin of a quarter: every second.
	interval := lifetime - lifetime/4 - lifetime/4
	want := int(math.Ceil(float64(duration) / float64(interval)))
	if renewing.renewals < want-1 || renewing.renewals > want+1 {
		t.Errorf("renewals = %d, want %d ± 1", renewing.renewals, want)
	}
	if steady.renewals != 0 {
		t.Errorf("renewals of 1 h tokens = %d, want 0", steady.renewals)
	}
}
