// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"sync"
	"testing"
	"time"
)

// slowSaveStore is a MemoryStore whose Save waits until release is closed.
type slowSaveStore struct {
	MemoryStore
	saving  chan struct{} // closed when the first Save starts
	started sync.Once
	release chan struct{}
}

func newSlowSaveStore() *slowSaveStore {
	return &slowSaveStore{saving: make(chan struct{}), release: make(chan struct{})}
}

func (s *slowSaveStore) Save(ctx context.Context, t *Tokens) error {
	s.started.Do(func() { close(s.saving) })
	<-s.release
	return s.MemoryStore.Save(ctx, t)
}

// TestNoStaleTokensFromAFinishedFlight: a flight hands out its tokens, then
// saves them. If they go stale while it saves, a caller that needs tokens
// must not be handed the stale ones the finished flight still holds.
// (Found by TestRetryFaultInjection on a loaded machine.)
func TestNoStaleTokensFromAFinishedFlight(t *testing.T) {
	clk := newFakeClock(testNow)
	f := newFakeCognito(t, clk.Now)
	store := newSlowSaveStore()
	s := newLifecycleSession(t, f, f.password, func(c *Config) { c.Store = store })

	first := make(chan error, 1)
	go func() {
		_, err := s.ValidTokens(context.Background(), AccessToken)
		first <- err
	}()
	<-store.saving // the login's tokens are out; the flight is saving them
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	clk.Advance(f.lifetime) // they are stale now
	got := validWhileSaving(t, s, store)
	if !clk.Now().Before(got.AccessExpiry) {
		t.Fatalf("handed out a token that expired at %v; now is %v", got.AccessExpiry, clk.Now())
	}
}

// validWhileSaving calls ValidTokens while the store still holds a save,
// which it lets finish 50 ms later.
func validWhileSaving(t *testing.T, s *Session, store *slowSaveStore) *Tokens {
	t.Helper()
	go func() {
		time.Sleep(50 * time.Millisecond)
		close(store.release)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, err := s.ValidTokens(ctx, AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	return got
}
