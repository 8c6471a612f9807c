// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"log/slog"
	"time"
)

// A token's exp is on Cognito's clock. A machine whose clock is minutes off
// would, judging exp by its own clock, send expired tokens (clock behind)
// or renew in a loop (clock ahead). So the session estimates the offset
// from the iat of each freshly issued token and judges every expiry on
// Cognito's clock: local time plus the offset. The SRP TIMESTAMP stays on
// the local clock, as the official clients sign it: an offset is learnt
// only when tokens arrive, so one learnt before the local clock was
// stepped (NTP) would sign every later TIMESTAMP minutes off, and no login
// could succeed to learn it anew (TestLoginAfterClockStep). A local clock
// minutes from Cognito's fails logins (not renewals) until it is set
// right, as it does for every client.

// iatResolution is the resolution of the iat claim: Cognito writes whole
// seconds.
const iatResolution = time.Second

// ClockOffset returns how far Cognito's clock is ahead of the local one (a
// negative value: behind), as estimated from the last tokens Cognito
// issued; zero before any, or when the clocks agree within the estimate's
// precision (about half a second plus half the call's round trip). Tokens
// loaded from Config.Store or given to SetTokens were issued to another
// process, at a local time the session cannot know, so they leave it
// unchanged: a restarted session judges them on the local clock until
// Cognito issues it tokens.
func (s *Session) ClockOffset() time.Duration { return time.Duration(s.offset.Load()) }

// cognitoNow returns the current time on Cognito's clock, as estimated.
// With no Config.Now it reads the wall clock alone (wallClock): every
// caller compares the result with, or adds it to, wall-clock instants, and
// the request path must not pay for a monotonic reading it never uses.
func (s *Session) cognitoNow() time.Time {
	if s.systemClock {
		return wallClock().Add(s.ClockOffset())
	}
	return s.cfg.Now().Add(s.ClockOffset())
}

// observeClock updates the clock offset from tokens that Cognito issued
// between the local times sent and received.
func (s *Session) observeClock(ctx context.Context, t *Tokens, sent, received time.Time) {
	if t == nil || t.IssuedAt.IsZero() {
		return
	}
	rtt := max(received.Sub(sent), 0)
	// Cognito stamped iat at some point of the call, truncated to the
	// second: compare the middles of both intervals.
	est := t.IssuedAt.Add(iatResolution / 2).Sub(sent.Add(rtt / 2))
	if est.Abs() <= iatResolution/2+rtt/2 {
		// Within the estimate's precision the clocks agree; rounding noise
		// must not move expiry decisions back and forth.
		est = 0
	}
	old := time.Duration(s.offset.Swap(int64(est)))
	if (est - old).Abs() >= iatResolution {
		s.log(ctx, slog.LevelInfo, "cognitosrp: clock offset from Cognito",
			"offset", est, "previous", old)
	}
}
