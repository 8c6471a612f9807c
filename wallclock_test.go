// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestWallClock: wallClock reads the same clock as time.Now, and never
// earlier than the true time (it rounds gettimeofday's microseconds up).
func TestWallClock(t *testing.T) {
	for range 1000 {
		before := time.Now().Round(0) // wall clock only
		got := wallClock()
		after := time.Now().Round(0)
		if got.Before(before) || got.After(after.Add(time.Microsecond)) {
			t.Fatalf("wallClock() = %v, want within [%v, %v + 1µs]", got, before, after)
		}
	}
}

// TestSystemClockExpiry: a session on the system clock (no Config.Now),
// which judges expiry with wallClock, hands out a token until its limit and
// never after it.
func TestSystemClockExpiry(t *testing.T) {
	for _, tt := range []struct {
		name  string
		exp   time.Duration // from now
		valid bool
	}{
		{"fresh", time.Hour, true},
		{"just expired", -time.Millisecond, false},
		{"expired", -time.Hour, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSession(Config{UserPoolID: "us-east-1_Clock", ClientID: "c",
				Endpoint: "http://127.0.0.1:1/", ExpiryMargin: -1}, "alice")
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if !s.systemClock {
				t.Fatal("a session without Config.Now is not on the system clock")
			}
			now := time.Now()
			tok := fxJWT(map[string]any{"token_use": "access", "exp": now.Add(tt.exp).Unix()})
			want := &Tokens{AccessToken: tok, IDToken: tok, AccessExpiry: now.Add(tt.exp), IDExpiry: now.Add(tt.exp)}
			s.SetTokens(want)
			got, err := s.ValidTokens(context.Background(), AccessToken)
			switch {
			case tt.valid && (err != nil || got != want):
				t.Fatalf("ValidTokens = %v, %v; want the tokens set", got, err)
			case !tt.valid && !errors.Is(err, ErrLoginRequired):
				t.Fatalf("ValidTokens = %v, %v; want ErrLoginRequired (no password, no refresh token)", got, err)
			}
		})
	}
}
