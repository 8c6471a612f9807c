// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"testing"
	"time"
)

// TestNoDroppedTokensFromAFinishedFlight: tokens dropped with
// SetTokens(nil) while the flight that issued them is still saving them
// must not come back from that flight: the next caller logs in anew. (The
// challenge fixtures, which force a new login this way, found it.)
func TestNoDroppedTokensFromAFinishedFlight(t *testing.T) {
	f := newFakeCognito(t, nil)
	store := newSlowSaveStore()
	s := newLifecycleSession(t, f, f.password, func(c *Config) { c.Store = store })

	firstc := make(chan *Tokens, 1)
	go func() {
		t1, err := s.ValidTokens(context.Background(), AccessToken)
		if err != nil {
			t.Error(err)
		}
		firstc <- t1
	}()
	<-store.saving // the login's tokens are out; the flight is saving them
	first := <-firstc
	dropped := make(chan struct{})
	go func() {
		defer close(dropped)
		s.SetTokens(nil) // drops the tokens at once, then waits to persist that
	}()
	for s.Tokens() != nil {
		time.Sleep(time.Millisecond)
	}
	got := validWhileSaving(t, s, store)
	<-dropped
	settle(t, s)
	if got == first || got.AccessToken == first.AccessToken {
		t.Fatal("ValidTokens after SetTokens(nil) returned the dropped tokens of a finished flight")
	}
	if s.Tokens() != got {
		t.Error("the session does not hold the tokens it handed out")
	}
}
