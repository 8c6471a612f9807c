// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestDroppedSessionsAreCollected: a program that holds many users'
// sessions (a load generator, a multi-tenant service) and lets them go,
// closed or not, gets them back: once idle, nothing of the library (a
// timer, a goroutine, a cache, the HTTP client's idle connections) keeps
// a Session reachable, and none leaves a goroutine. Each has logged in
// with its password, so that it holds the next login's SRP, prepared in
// the background, and renewed once; half are closed, half only dropped,
// as by a service that forgets Close.
func TestDroppedSessionsAreCollected(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{}) // over a socket: idle connections
	const n = 16
	for i := range n {
		if _, err := srv.AddUser(cognitotest.User{Username: fmt.Sprint("user", i), Password: emuPassword}); err != nil {
			t.Fatal(err)
		}
	}
	before := sessionGoroutines()
	var collected atomic.Int32
	func() { // the sessions' last references end with it
		ctx := context.Background()
		for i := range n {
			a, err := cognitosrp.New(srv.Options(fmt.Sprint("user", i), emuPassword))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Token(ctx); err != nil {
				t.Fatal(err)
			}
			if err := a.Session().Refresh(ctx); err != nil {
				t.Fatal(err)
			}
			if i%2 == 0 {
				a.Close()
			}
			runtime.AddCleanup(a.Session(), func(c *atomic.Int32) { c.Add(1) }, &collected)
		}
	}()
	// A dropped session's SRP preparation may still be running: it ends
	// within milliseconds, and the session becomes unreachable then.
	for range 200 {
		runtime.GC()
		if collected.Load() == n {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := collected.Load(); got != n {
		t.Errorf("%d of %d dropped sessions collected", got, n)
	}
	if after := sessionGoroutines(); after > before {
		t.Errorf("goroutines of sessions: %d before, %d after", before, after)
	}
}

// sessionGoroutines counts the goroutines running a Session's code: a
// flight, an SRP preparation.
func sessionGoroutines() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "cognitosrp.(*Session)") {
			n++
		}
	}
	return n
}
