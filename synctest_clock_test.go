// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build go1.25

package cognitosrp_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestSessionOnBubbleClock: a session made in a testing/synctest bubble
// without Config.Now judges tokens on the bubble's clock, as time.Now
// reads it there. Expiry checks read the wall clock with gettimeofday
// (wallClock), which the bubble does not fake: a session there took the
// tokens of a server on the bubble's clock (which starts in 2000) for
// replayed ones, decades old, and no login succeeded.
func TestSessionOnBubbleClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newVnet(t, cognitotest.Config{}, 0)
		auth, c := vnetAuth(t, n.options())
		defer auth.Close()
		for range 3 {
			if err := n.get(context.Background(), c); err != nil {
				t.Fatal(err)
			}
			time.Sleep(2 * time.Hour)
		}
		if off := auth.Session().ClockOffset(); off != 0 {
			t.Errorf("ClockOffset = %v, want 0: the session and the emulator share the bubble's clock", off)
		}
		if all, _ := n.count("refresh"); all != 2 {
			t.Errorf("%d renewals for 3 requests 2 h apart, want 2", all)
		}
	})
}
