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
// It records the tokens of every Save in saved.
type slowSaveStore struct {
	MemoryStore
	saving  chan struct{} // closed when the first Save starts
	started sync.Once
	release chan struct{}

	mu    sync.Mutex
	saved []*Tokens
}

func newSlowSaveStore() *slowSaveStore {
	return &slowSaveStore{saving: make(chan struct{}), release: make(chan struct{})}
}

func (s *slowSaveStore) Save(ctx context.Context, t *Tokens) error {
	s.mu.Lock()
	s.saved = append(s.saved, t)
	s.mu.Unlock()
	s.started.Do(func() { close(s.saving) })
	<-s.release
	return s.MemoryStore.Save(ctx, t)
}

// TestNoStaleResultWhileSaving: a flight hands out its tokens, then saves
// them. A caller that comes while it is still saving, after those tokens
// went stale, gets new usable tokens: neither the finished flight's result
// nor a wait for its save, which is held for the whole test. (Found by
// TestRetryFaultInjection on a loaded machine: joining a finished flight
// handed out an expired token.)
func TestNoStaleResultWhileSaving(t *testing.T) {
	clk := newFakeClock(testNow)
	f := newFakeCognito(t, clk.Now)
	store := newSlowSaveStore()
	s := newLifecycleSession(t, f, f.password, func(c *Config) { c.Store = store })
	defer close(store.release)
	first, err := s.ValidTokens(context.Background(), AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	<-store.saving          // the login's flight is now blocked saving first
	clk.Advance(f.lifetime) // first is stale now
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, err := s.ValidTokens(ctx, AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if got == first || !s.usable(got) {
		t.Fatalf("got the finished flight's stale tokens (the same: %v), expiring at %v; now is %v",
			got == first, got.AccessExpiry, clk.Now())
	}
}
