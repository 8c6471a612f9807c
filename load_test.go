// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// loadTag marks a request of the measured phase, so that the logger can
// tell which requests waited for Cognito.
type loadTag struct{}

// waitTagger is an slog.Handler that counts the "waiting for Cognito"
// events, all of them and those of tagged requests: the session logs that
// event in the context of the caller that waits. It calls seen at each.
type waitTagger struct {
	all, waited *atomic.Int64
	seen        func()
}

func (h waitTagger) Enabled(context.Context, slog.Level) bool { return true }
func (h waitTagger) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h waitTagger) WithGroup(string) slog.Handler            { return h }
func (h waitTagger) Handle(ctx context.Context, r slog.Record) error {
	if r.Message != "cognitosrp: waiting for Cognito" {
		return nil
	}
	h.all.Add(1)
	h.seen()
	if ctx.Value(loadTag{}) != nil {
		h.waited.Add(1)
	}
	return nil
}

// loadResult is what one load run measured.
type loadResult struct {
	requests, failed int
	waited           int64 // tagged requests that waited for Cognito
	renewals         int
	p50, p99, max    time.Duration
}

func (r loadResult) String() string {
	return fmt.Sprintf("%d requests, %d failed, %d waited for Cognito, %d renewals; latency p50 %v, p99 %v, max %v",
		r.requests, r.failed, r.waited, r.renewals, r.p50, r.p99, r.max)
}

// runLoad sends requests through an Auth from workers goroutines for
// duration, each pausing pace between requests, to an API that verifies
// the emulator's tokens. Tokens live lifetime, and the emulator answers
// after delay. The first login happens before the measured phase.
func runLoad(t *testing.T, lifetime, delay, duration, pace time.Duration, workers int) loadResult {
	srv := cognitotest.NewServer(t, cognitotest.Config{AccessTokenLifetime: lifetime, IDTokenLifetime: lifetime})
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: "correct horse battery staple"}); err != nil {
		t.Fatal(err)
	}
	srv.SetLatency(delay)
	api := httptest.NewServer(srv.RequireAccessToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	})))
	t.Cleanup(api.Close)

	var all, waited atomic.Int64
	seen := make(chan struct{})
	opts := srv.Options("alice", "correct horse battery staple")
	opts.Logger = slog.New(waitTagger{&all, &waited, sync.OnceFunc(func() { close(seen) })})
	// The first request must wait for its login (see below), but a caller
	// descheduled from starting the login until the login ends finds it
	// done and does not wait: that is the scheduler's choice. So the calls
	// to Cognito are held until the handler has seen a wait, which makes
	// the first request's wait certain; without one they go after 5 s, and
	// the check below fails.
	opts.HTTPClient = &http.Client{Transport: cognitosrp.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		select {
		case <-seen:
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
		return http.DefaultTransport.RoundTrip(r)
	})}
	opts.NoRetryOnUnauthorized = true // a 401 must count as a failure
	// Enough idle connections for every worker: the default two per host
	// would make most requests open a connection.
	base := &http.Transport{MaxIdleConnsPerHost: workers}
	t.Cleanup(base.CloseIdleConnections)
	opts.Base = base
	auth, err := cognitosrp.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { auth.Close() })
	client := auth.Client()
	get := func(ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, "GET", api.URL, nil)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("HTTP %d", resp.StatusCode)
		}
		return nil
	}
	if err := get(context.Background()); err != nil {
		t.Fatalf("first request: %v", err)
	}
	// The first request waits for the login: if the handler did not see
	// that, it could not see any wait, and "0 waited" would prove nothing.
	if all.Load() == 0 {
		t.Fatal("the first request's wait for its login was not counted")
	}
	renewalsBefore := srv.Calls("InitiateAuth")

	var (
		mu        sync.Mutex
		latencies []time.Duration
		failed    atomic.Int64
		wg        sync.WaitGroup
	)
	ctx := context.WithValue(context.Background(), loadTag{}, true)
	stop := time.Now().Add(duration)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Now().Before(stop) {
				start := time.Now()
				if err := get(ctx); err != nil {
					failed.Add(1)
				}
				mine = append(mine, time.Since(start))
				time.Sleep(pace)
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	auth.Close() // waits for a renewal in progress

	slices.Sort(latencies)
	return loadResult{
		requests: len(latencies),
		failed:   int(failed.Load()),
		waited:   waited.Load(),
		renewals: srv.Calls("InitiateAuth") - renewalsBefore,
		p50:      latencies[len(latencies)/2],
		p99:      latencies[len(latencies)*99/100],
		max:      latencies[len(latencies)-1],
	}
}

// TestLoadRenewalNeverBlocks: 50 goroutines send requests for 6 s while
// 2-second tokens are renewed about once a second by an emulated Cognito
// that takes 50 ms to answer. After the first login no request waits for
// Cognito, none fails, and the renewals are as many as the schedule says.
// The same load with 1-hour tokens runs alongside, for the latency
// comparison.
func TestLoadRenewalNeverBlocks(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: 6 s")
	}
	if raceEnabled {
		// Its assertions are about time: under the race detector's
		// slowdown a request can outlast a 2 s token's margin.
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
	t.Logf("2 s tokens: %v", renewing)
	t.Logf("1 h tokens: %v", steady)
	t.Logf("p99 ratio (2 s tokens / 1 h tokens) = %.2f", float64(renewing.p99)/float64(steady.p99))
	// A 2 s token is used until half a second before it expires, and its
	// renewal has half a second to complete. A machine that stalls
	// requests longer than that (as the 1 h run, which never renews,
	// shows) breaks both whatever the library does.
	if margin := lifetime / 4; steady.max > margin {
		t.Skipf("machine too busy to judge: requests that never wait for Cognito took up to %v, beyond the %v margin of 2 s tokens", steady.max, margin)
	}

	if renewing.waited != 0 || steady.waited != 0 {
		t.Errorf("requests that waited for Cognito after the first login: %d and %d, want 0", renewing.waited, steady.waited)
	}
	if renewing.failed != 0 || steady.failed != 0 {
		t.Errorf("failed requests: %d and %d, want 0", renewing.failed, steady.failed)
	}
	// The default schedule renews a token a quarter of its life before a
	// margin of a quarter of its life: 2 s tokens every second.
	interval := lifetime - lifetime/4 - lifetime/4
	want := int(math.Ceil(float64(duration) / float64(interval)))
	if renewing.renewals < want-1 || renewing.renewals > want+1 {
		t.Errorf("renewals = %d, want %d ± 1", renewing.renewals, want)
	}
	if steady.renewals != 0 {
		t.Errorf("renewals of 1 h tokens = %d, want 0", steady.renewals)
	}
}
