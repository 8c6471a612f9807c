// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"testing"
)

// gatedStore is a MemoryStore whose saves wait at a gate once armed.
type gatedStore struct {
	MemoryStore
	armed  chan struct{} // closed: saves wait for open
	open   chan struct{}
	saving chan struct{} // receives when a save starts waiting
}

func (g *gatedStore) Save(ctx context.Context, t *Tokens) error {
	select {
	case <-g.armed:
		g.saving <- struct{}{}
		<-g.open
	default:
	}
	return g.MemoryStore.Save(ctx, t)
}

// TestNoJoiningAFinishedFlight: a caller that needs tokens after the
// session's were dropped must not be handed the result of a flight that
// had already delivered it (and whose save is still under way): that
// result predates SetTokens(nil). It once was, for the few moments
// between a flight releasing its waiters and clearing itself.
func TestNoJoiningAFinishedFlight(t *testing.T) {
	f := newFakeCognito(t, nil)
	store := &gatedStore{armed: make(chan struct{}), open: make(chan struct{}), saving: make(chan struct{}, 4)}
	s := newLifecycleSession(t, f, f.password, func(c *Config) { c.Store = store })
	close(store.armed)
	first, err := s.ValidTokens(t.Context(), AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	<-store.saving // the first flight is persisting its result
	dropped := make(chan struct{})
	go func() {
		defer close(dropped)
		s.SetTokens(nil) // waits for the save to finish, after dropping the tokens
	}()
	for s.Tokens() != nil {
		// SetTokens stores nil before it waits to persist it.
	}
	// Without the fix this joins the first flight, already done, and gets
	// its tokens; with it, a new flight logs in. Neither waits for a save.
	t2, err := s.ValidTokens(t.Context(), AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	close(store.open)
	<-dropped
	settle(t, s)
	if t2 == first {
		t.Fatal("ValidTokens after SetTokens(nil) returned the dropped tokens of a finished flight")
	}
}
