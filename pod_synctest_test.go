// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build go1.25

package cognitosrp_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// quota answers TooManyRequestsException to the logins' calls
// (InitiateAuth, RespondToAuthChallenge) beyond perSecond in each second,
// as Cognito's quotas do: per account and region, and per user ten
// "read" requests a second, signing in included (AWS's "Quotas in Amazon
// Cognito"; which calls of a login count there is our assumption).
type quota struct {
	next      http.RoundTripper
	perSecond int

	mu              sync.Mutex
	second          time.Time
	n               int
	passed, refused int
}

func (q *quota) RoundTrip(r *http.Request) (*http.Response, error) {
	target := r.Header.Get("X-Amz-Target")
	if !strings.HasSuffix(target, ".InitiateAuth") && !strings.HasSuffix(target, ".RespondToAuthChallenge") {
		return q.next.RoundTrip(r)
	}
	q.mu.Lock()
	if now := time.Now().Truncate(time.Second); !now.Equal(q.second) {
		q.second, q.n = now, 0
	}
	q.n++
	over := q.n > q.perSecond
	if over {
		q.refused++
	} else {
		q.passed++
	}
	q.mu.Unlock()
	if !over {
		return q.next.RoundTrip(r)
	}
	r.Body.Close()
	return &http.Response{
		StatusCode: http.StatusBadRequest,
		Header:     http.Header{"Content-Type": {"application/x-amz-json-1.1"}},
		Body:       io.NopCloser(strings.NewReader(`{"__type":"TooManyRequestsException","message":"Rate exceeded"}`)),
		Request:    r,
	}, nil
}

// TestPodRolloutThrottled: 30 replicas of a service start at once, each
// probed for readiness every second (Token with a 1 s timeout), against a
// quota of 10 login calls a second, a third of what they ask for at
// first. The throttled calls are retried with jitter and the failed
// logins held back for random waits, and every replica is ready within a
// minute (11 to 15 s in 500 runs). Retries that start from 1 s rather
// than 100 ms spread the calls better: all are ready within 15 s (6 to 10 s),
// with fewer than 3 calls refused for each that passed (1.2 to 1.8;
// the default policy's are about 4). With retries off, only the random
// waits spread the replicas: all are ready within 45 s (11 to 29 s in 1800
// runs). When each wait lasted exactly its least (2 s, 4 s, ...: the
// replicas that failed together tried again together), they took 8 or
// 17 s, 33 s once in 360 runs, with the default policy, and 31 s to over
// 5 minutes with retries off.
func TestPodRolloutThrottled(t *testing.T) {
	for _, c := range []struct {
		name    string
		retry   cognitosrp.RetryPolicy
		readyIn time.Duration
		refused int // at most this many refused calls for each that passed; 0: unchecked
	}{
		{"default retries", cognitosrp.RetryPolicy{}, time.Minute, 0},
		{"retries from 1 s", cognitosrp.RetryPolicy{BaseDelay: time.Second}, 15 * time.Second, 3},
		{"retries off", cognitosrp.RetryPolicy{MaxAttempts: 1}, 45 * time.Second, 0},
	} {
		t.Run(c.name, func(t *testing.T) { rollout(t, c.retry, c.readyIn, c.refused) })
	}
}

// rollout starts the replicas of TestPodRolloutThrottled with retry, and
// fails unless all are ready within readyIn, with at most refused calls
// refused for each that passed (0: unchecked).
func rollout(t *testing.T, retry cognitosrp.RetryPolicy, readyIn time.Duration, refused int) {
	synctest.Test(t, func(t *testing.T) {
		const replicas = 30
		srv, err := cognitotest.NewUnstartedServer(cognitotest.Config{URL: "http://cognito.test"})
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		if _, err := srv.AddUser(cognitotest.User{Username: "svc", Password: emuPassword}); err != nil {
			t.Fatal(err)
		}
		q := &quota{next: srv.Transport(), perSecond: 10}
		start := time.Now()
		ready := make([]time.Duration, replicas) // -1: not ready
		lastErr := make([]error, replicas)
		probes := make([]int, replicas)
		var wg sync.WaitGroup
		for i := range replicas {
			wg.Add(1)
			ready[i] = -1
			go func() {
				defer wg.Done()
				o := srv.Options("svc", emuPassword)
				o.HTTPClient = &http.Client{Transport: q}
				o.Retry = retry
				auth, err := cognitosrp.New(o)
				if err != nil {
					t.Error(err)
					return
				}
				defer auth.Close()
				for time.Since(start) < 2*time.Minute {
					ctx, cancel := context.WithTimeout(context.Background(), time.Second)
					_, err := auth.Token(ctx)
					cancel()
					lastErr[i] = err
					probes[i]++
					if err == nil {
						ready[i] = time.Since(start)
						return
					}
					time.Sleep(time.Second)
				}
			}()
		}
		wg.Wait()
		var last time.Duration
		for i, d := range ready {
			if d < 0 {
				t.Fatalf("replica %d not ready after 2 minutes, %d probes: %v", i, probes[i], lastErr[i])
			}
			last = max(last, d)
		}
		t.Logf("%d replicas, %d login calls a second: all ready after %v; calls passed %d, refused %d",
			replicas, q.perSecond, last, q.passed, q.refused)
		if last > readyIn {
			t.Errorf("all ready after %v, want %v at most", last, readyIn)
		}
		if refused > 0 && q.refused > refused*q.passed {
			t.Errorf("%d calls refused for %d passed, want %d times as many at most", q.refused, q.passed, refused)
		}
	})
}
