// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"sync"
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
	before := len(libraryGoroutines())
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
	// The comb tables' build, started by the first login, may still run.
	after := len(libraryGoroutines())
	for i := 0; i < 200 && after > before; i++ {
		time.Sleep(10 * time.Millisecond)
		after = len(libraryGoroutines())
	}
	if after > before {
		t.Errorf("goroutines of the library: %d before, %d after:\n%s", before, after, strings.Join(libraryGoroutines(), "\n\n"))
	}
}

// TestMemoryPerLiveAuth backs the README's "about 6.5 KB of memory per
// live Auth": Auths that have logged in, each holding its tokens, its
// password and the next login's SRP value prepared ahead, cost no more
// than maxPerLiveAuth each (the emulator's record of each login, about
// 1.9 KB, included). The comb tables, built once per process after its
// first login, are built before the count starts. Measured over a socket:
// 6.3 to 6.6 KB on linux/amd64 (-race included), 5.5 to 5.6 KB on
// linux/386; 8.0 KB before four savings (the prepared A held twice, as hex
// and as bytes; a context of each session's for Close to cancel, with its
// children map; a context made for Authenticate alone; the prepared A's
// channel). The bound is tight so that a regression of a few hundred
// bytes per session fails it.
func TestMemoryPerLiveAuth(t *testing.T) {
	const maxPerLiveAuth = 6800
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	const n = 100
	for i := range n + 1 {
		if _, err := srv.AddUser(cognitotest.User{Username: fmt.Sprint("user", i), Password: emuPassword}); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	login := func(name string) *cognitosrp.Auth {
		a, err := cognitosrp.New(srv.Options(name, emuPassword))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		if _, err := a.Token(ctx); err != nil {
			t.Fatal(err)
		}
		return a
	}
	login("user0")
	settled := func() uint64 {
		// The background work (SRP preparations, the comb tables) ends
		// within milliseconds; its garbage goes with two collections.
		time.Sleep(100 * time.Millisecond)
		for range 100 {
			if len(libraryGoroutines()) == 0 {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := settled()
	auths := make([]*cognitosrp.Auth, n)
	for i := range auths {
		auths[i] = login(fmt.Sprint("user", i+1))
	}
	per := (int64(settled()) - int64(before)) / n
	// The README's "no goroutine while idle", for n live Auths.
	if g := libraryGoroutines(); len(g) != 0 {
		t.Errorf("%d goroutines of the library with %d idle Auths, want none:\n%s", len(g), n, strings.Join(g, "\n\n"))
	}
	runtime.KeepAlive(auths)
	t.Logf("%d bytes per live Auth", per)
	if per > maxPerLiveAuth {
		t.Errorf("%d bytes per live Auth, want at most %d (the README says about 6.5 KB)", per, maxPerLiveAuth)
	}
}

// TestSessionsShareVerifier backs the README's and Config.Verifier's "one
// Verifier serves every session of a pool": the sessions of many users,
// logging in at once and renewing, all verified by one Verifier, fetch
// its key set once, each getting its own user's tokens.
func TestSessionsShareVerifier(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	const n = 8
	for i := range n {
		if _, err := srv.AddUser(cognitotest.User{Username: fmt.Sprint("user", i), Password: emuPassword}); err != nil {
			t.Fatal(err)
		}
	}
	fetches := &countingTransport{next: http.DefaultTransport}
	counting := &http.Client{Transport: fetches}
	v, err := cognitosrp.NewVerifier(cognitosrp.VerifierConfig{
		ClientIDs: []string{srv.ClientID()}, Issuer: srv.Issuer(), JWKSURL: srv.JWKSURL(), HTTPClient: counting,
	})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range n {
		opts := srv.Options(fmt.Sprint("user", i), emuPassword)
		opts.Verifier = v
		a, err := cognitosrp.New(opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.Close() })
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.Background()
			if _, err := a.Token(ctx); err != nil {
				t.Error(err)
				return
			}
			if err := a.Session().Refresh(ctx); err != nil {
				t.Error(err)
				return
			}
			if got, want := a.Session().Tokens().Username, fmt.Sprint("user", i); got != want {
				t.Errorf("the session of %s holds the tokens of %s", want, got)
			}
		}()
	}
	wg.Wait()
	if got := fetches.n.Load(); got != 1 {
		t.Errorf("%d sessions sharing a Verifier fetched its key set %d times, want once", n, got)
	}
}
