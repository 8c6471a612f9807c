// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// ctxStore is a MemoryStore that keeps the context of each Save and Clear.
type ctxStore struct {
	cognitosrp.MemoryStore
	mu   sync.Mutex
	ctxs []context.Context
}

func (s *ctxStore) Save(ctx context.Context, t *cognitosrp.Tokens) error {
	s.keep(ctx)
	return s.MemoryStore.Save(ctx, t)
}

func (s *ctxStore) Clear(ctx context.Context) error {
	s.keep(ctx)
	return s.MemoryStore.Clear(ctx)
}

func (s *ctxStore) keep(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ctxs = append(s.ctxs, ctx)
}

// taken returns the contexts kept since the last call.
func (s *ctxStore) taken() []context.Context {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.ctxs
	s.ctxs = nil
	return c
}

type storeCtxKey struct{}

// TestStoreContext: TokenStore's doc promises that Save and Clear get a
// context that carries the caller's values but is never cancelled and has
// no deadline, so that tokens the session holds reach the store (with
// rotation, a lost refresh token is gone) and a store can still read, say,
// a trace id. Each call that changes the tokens is made with a ctx that has
// a value and a deadline, and is cancelled once it returns.
func TestStoreContext(t *testing.T) {
	store := new(ctxStore)
	srv := cognitotest.NewServer(t, cognitotest.Config{AccessTokenLifetime: time.Hour})
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword}); err != nil {
		t.Fatal(err)
	}
	c := srv.SessionConfig()
	c.Now, c.Store = srv.Now, store
	s, err := cognitosrp.NewSession(c, "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	check := func(call string, run func(ctx context.Context) error) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.WithValue(context.Background(), storeCtxKey{}, call), time.Minute)
		err := run(ctx)
		cancel()
		if err != nil {
			t.Fatalf("%s: %v", call, err)
		}
		var ctxs []context.Context
		for deadline := time.Now().Add(10 * time.Second); len(ctxs) == 0 && time.Now().Before(deadline); {
			// A background renewal saves after the call returned.
			time.Sleep(time.Millisecond)
			ctxs = store.taken()
		}
		if len(ctxs) == 0 {
			t.Fatalf("%s: the store was not called", call)
		}
		for _, sctx := range ctxs {
			if sctx.Value(storeCtxKey{}) != call {
				t.Errorf("%s: the store's ctx lacks the caller's value", call)
			}
			if _, ok := sctx.Deadline(); ok {
				t.Errorf("%s: the store's ctx has a deadline", call)
			}
			if sctx.Done() != nil || sctx.Err() != nil {
				t.Errorf("%s: the store's ctx can be cancelled (Err %v after the caller's ended)", call, sctx.Err())
			}
		}
	}
	check("Authenticate", func(ctx context.Context) error { return s.Authenticate(ctx, emuPassword) })
	check("Refresh", func(ctx context.Context) error { return s.Refresh(ctx) })
	srv.Advance(56 * time.Minute) // into the renewal window (the last 5 min 30 s): renewed in the background
	check("ValidTokens", func(ctx context.Context) error {
		_, err := s.ValidTokens(ctx, cognitosrp.AccessToken)
		return err
	})
	check("SignOut", func(ctx context.Context) error { return s.SignOut(ctx) })
	check("Authenticate", func(ctx context.Context) error { return s.Authenticate(ctx, emuPassword) })
	check("GlobalSignOut", func(ctx context.Context) error { return s.GlobalSignOut(ctx) })
}
