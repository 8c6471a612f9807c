// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"testing"
	"time"
)

// RenewalDue follows the same window as ValidTokens: a quarter of the
// lifetime at most 5 minutes, plus the expiry margin, before the expiry.
func TestRenewalDue(t *testing.T) {
	clk := newFakeClock(testNow)
	s, err := NewSession(Config{UserPoolID: testPoolID, ClientID: testClientID, Now: clk.Now}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if !s.RenewalDue(AccessToken) {
		t.Error("due = false without tokens")
	}
	s.SetTokens(&Tokens{
		AccessToken: "a", IDToken: "i", RefreshToken: "r",
		IssuedAt:     testNow,
		AccessExpiry: testNow.Add(time.Hour),
		IDExpiry:     testNow.Add(10 * time.Minute), // window: 2.5 min + 30 s
	})
	for _, c := range []struct {
		at           time.Duration
		access, idTo bool
	}{
		{0, false, false},
		{7*time.Minute - time.Second, false, false},
		{7 * time.Minute, false, true},
		{time.Hour - 5*time.Minute - 30*time.Second - time.Second, false, true},
		{time.Hour - 5*time.Minute - 30*time.Second, true, true},
		{2 * time.Hour, true, true},
	} {
		clk.Advance(testNow.Add(c.at).Sub(clk.Now()))
		if got := s.RenewalDue(AccessToken); got != c.access {
			t.Errorf("at +%v: access due = %v, want %v", c.at, got, c.access)
		}
		if got := s.RenewalDue(IDToken); got != c.idTo {
			t.Errorf("at +%v: id due = %v, want %v", c.at, got, c.idTo)
		}
	}
	s.SetTokens(&Tokens{AccessToken: "a", AccessExpiry: testNow.Add(3 * time.Hour)})
	if !s.RenewalDue(IDToken) {
		t.Error("due = false for a missing id token")
	}
}
