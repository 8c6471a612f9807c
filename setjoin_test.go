// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"testing"
	"time"
)

// TestForgottenTokensNotHandedOutByAFinishedFlight: a login flight has
// handed out its tokens and is saving them when the application forgets
// them (SetTokens(nil)). A caller that then needs tokens must get new ones,
// not the forgotten ones the finished flight still holds. Before the fix
// the race detector's scheduling made TestForgetPassword and the
// device-lifecycle fixture fail now and then for this reason.
func TestForgottenTokensNotHandedOutByAFinishedFlight(t *testing.T) {
	clk := newTestClock()
	f := newFakeCognito(t, clk.Now)
	store := &slowSaveStore{saving: make(chan struct{}), release: make(chan struct{})}
	s := newLifecycleSession(t, f, f.password, func(c *Config) { c.Store = store })

	first := make(chan *Tokens, 1)
	go func() {
		t1, err := s.ValidTokens(context.Background(), AccessToken)
		if err != nil {
			t.Error(err)
		}
		first <- t1
	}()
	<-store.saving // the login's tokens are out; the flight is saving them
	t1 := <-first
	forgotten := make(chan struct{})
	go func() {
		s.SetTokens(nil) // waits for the flight's save, then clears the store
		close(forgotten)
	}()
	for s.Tokens() != nil { // SetTokens has dropped them before it saves
		time.Sleep(time.Millisecond)
	}
	if got := validWhileSaving(t, s, store); got == t1 {
		t.Fatal("handed out the tokens the application had just forgotten")
	}
	<-forgotten
}
