// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// A token's exp is on Cognito's clock. A machine whose clock is minutes off
// would, judging exp by its own clock, send expired tokens (clock behind)
// or renew in a loop (clock ahead). So the session estimates the offset
// from the iat of each freshly issued token and judges every expiry on
// Cognito's clock: local time plus the offset.
//
// The SRP TIMESTAMP, which Cognito refuses when it is minutes from its own
// clock, is not signed on that offset: it is learnt only when tokens
// arrive, so one learnt before the local clock was stepped (NTP) would
// sign every later TIMESTAMP minutes off, and no login could succeed to
// learn it anew (TestLoginAfterClockStep). It is signed on the local
// clock, as the official clients sign it, unless the Date header of the
// response that carried the verifier challenge, Cognito's clock seconds
// earlier in the same login (so never stale), is more than maxDateSkew
// from it: then on that Date (claimTime), up to maxClockSkew away. A login
// from a machine whose clock is minutes off thus succeeds, and the offset
// is learnt from its tokens as ever; one hours off still cannot log in.

// maxDateSkew is how far the Date of a challenge's response may be from
// the local clock before a claim is signed on it: well above the Date's
// resolution (a second) and a round trip, well inside the five minutes
// Cognito accepts. Within it the claim is the official clients'.
const maxDateSkew = time.Minute

// claimTime returns the time to sign the SRP TIMESTAMP of an answer to the
// verifier challenge that st last received: the local time, or Cognito's
// (the Date of its response) when that is more than maxDateSkew from it
// but within maxClockSkew. Beyond that the session would refuse the tokens
// as replayed (checkLifetime), after Cognito had issued them, leaving a
// live refresh token behind: the claim stays on the local clock, and
// Cognito refuses it as it did before it read the Date. It runs as soon as
// the challenge has arrived, before the SRP arithmetic, so the local time
// is that of its receipt. A Date not in IMF-fixdate form (the one RFC 9110
// has servers send, and Cognito sends; time.Parse is linked anyway,
// http.ParseTime would add its other two forms) counts as none. A hostile
// Date affects only this claim, sent to the server that sent it.
func (s *Session) claimTime(st *loginState) time.Time {
	now := s.cfg.Now()
	if date, err := time.Parse(http.TimeFormat, st.date); err == nil {
		if d := date.Sub(now).Abs(); d > maxDateSkew && d <= maxClockSkew {
			return date
		}
	}
	return now
}

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
func (s *Session) cognitoNow() time.Time { return s.localNow().Add(s.ClockOffset()) }

// localNow returns the local time. With no Config.Now (outside a
// testing/synctest bubble: systemClock) it reads the wall clock alone
// (wallClock): every caller compares the result with, or adds
// it to, wall-clock instants, and the request path must not pay for a
// monotonic reading it never uses.
func (s *Session) localNow() time.Time {
	if s.systemClock {
		return wallClock()
	}
	return s.cfg.Now()
}

// observeClock updates the clock offset from tokens that Cognito issued
// between the local times sent and received.
func (s *Session) observeClock(ctx context.Context, t *Tokens, sent, received time.Time) {
	if t == nil || t.IssuedAt.IsZero() {
		return
	}
	// On the wall clock, as iat is: Sub of two time.Now readings counts
	// on the monotonic clock, which stops while the machine sleeps, and a
	// call it slept through would seem instant, its iat hours ahead.
	sent = sent.Round(0)
	rtt := max(received.Round(0).Sub(sent), 0)
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
