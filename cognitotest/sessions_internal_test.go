// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"testing"
	"time"
)

// TestAbandonedSessionsSwept: challenge Sessions that nobody answers are
// forgotten once expired (every 64th new Session sweeps), so that a
// long-running emulator does not keep every abandoned login; Sessions
// still within SessionLifetime are kept.
func TestAbandonedSessionsSwept(t *testing.T) {
	srv := NewServer(t, Config{})
	start := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	for i := range 40 {
		if aerr := srv.putSession(start, &authSession{secretBlock: "old-" + string(rune('a'+i))}); aerr != nil {
			t.Fatal(aerr)
		}
	}
	later := start.Add(DefaultSessionLifetime + time.Second)
	for range 24 {
		if aerr := srv.putSession(later, &authSession{}); aerr != nil {
			t.Fatal(aerr)
		}
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.sessions) != 24 || len(srv.blocks) != 0 {
		t.Fatalf("%d sessions and %d secret blocks held after the sweep, want the 24 live ones and no block", len(srv.sessions), len(srv.blocks))
	}
}
