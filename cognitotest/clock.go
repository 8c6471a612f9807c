// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"encoding/base64"
	"fmt"
	"io"
	"time"
)

// SetClock replaces the server's clock; nil restores time.Now. The clock
// decides the TIMESTAMP check, token iat and exp, every expiry, and the
// Date header of every response. Any offset from Advance still applies.
// The server calls it without holding its lock, so it may call the
// server's methods (Requests, Advance…), but for those that read the
// clock (Now, IssueTokens, VerifyAccessToken, VerifyIDToken,
// SetDeviceRemembered) and requests to the server: such a clock recurses
// until the stack overflows, which ends the test binary. To freeze the
// clock, read Now once, before SetClock.
// A clock far from the machine's
// fails the logins of clients on their own clock, as with Advance.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clock = now
}

// Advance moves the server's clock forward by d (backward if d is
// negative), so that a test can let tokens and sessions expire without
// waiting. The SRP TIMESTAMP check and the responses' Date header follow
// it too: once the server is more than five minutes ahead, a client that
// signs its TIMESTAMP on its own clock fails to log in ("Incorrect
// username or password"), as with Cognito, while a cognitosrp.Session
// signs on the Date of the challenge's response and logs in, up to an hour
// ahead or behind (past that it signs on its own clock and fails too).
//
// Advance does not move the clients' clocks. A session judges expiry on
// its own clock, corrected by the offset it learns from each new token's
// iat, so after Advance it goes on sending a token the server's clock has
// expired until an API refuses it. An Auth then renews and retries, but
// at most once every 5 seconds (see
// cognitosrp.Options.NoRetryOnUnauthorized), and the session refuses a
// token issued more than an hour from its own clock as replayed. So a
// request through an Auth on its own clock gets the API's 401 as its
// response, not an error (the failed renewal goes to the Logger), when
// the test advances again within 5 seconds, or once the server is more
// than an hour ahead of the machine in all: Advance(2*time.Hour) does that
// at once, as do two Advances of 40 minutes. A session given the server's
// clock, as cognitosrp.Options.Now or cognitosrp.Config.Now, sees the jump
// and renews first (see the example), however far the test advances.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offset += d
}

// Now returns the server's current time, a wall-clock reading. It calls
// the clock after giving the lock back: a clock that called a method of
// the server under it would deadlock.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	clock, offset := s.clock, s.offset
	s.mu.Unlock()
	if clock == nil {
		clock = time.Now
	}
	// Without its monotonic reading: expiries compared with a time.Now
	// reading that kept it would count on the monotonic clock, which
	// stops while the machine sleeps, and a refresh token or a challenge's
	// Session would outlive a night asleep that its exp-stamped tokens
	// did not. Cognito's expiries are wall-clock instants.
	return clock().Round(0).Add(offset)
}

func (s *Server) now() time.Time { return s.Now() }

// clockMoved reports whether the server's clock is not the machine's:
// SetClock or Config.Now gave it a clock, or Advance an offset.
func (s *Server) clockMoved() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clock != nil || s.offset != 0
}

// movedClockHint completes the reason of a TIMESTAMP refused as too far
// from the server's clock when a test moved that clock: the client was
// most likely left on the machine's, and sees only "Incorrect username or
// password.".
func (s *Server) movedClockHint() string {
	if !s.clockMoved() {
		return ""
	}
	return " (moved by SetClock, Advance or Config.Now: give the client the server's clock, as cognitosrp.Options.Now or cognitosrp.Config.Now = srv.Now)"
}

// randomBytes returns n bytes from the server's random source.
func (s *Server) randomBytes(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(s.random, b); err != nil {
		return nil, err
	}
	return b, nil
}

// randomString returns n random bytes in base64 (standard alphabet), the
// form of Cognito's sessions and secret blocks. A failing random source is
// not survivable for a server handing out secrets.
func (s *Server) randomString(n int) (string, *apiError) {
	b, err := s.randomBytes(n)
	if err != nil {
		return "", errInternal("random source failed")
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// newUUID returns a random UUID, version 4.
func (s *Server) newUUID() (string, error) {
	b, err := s.randomBytes(16)
	if err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// uuid returns a random UUID for what only needs a name (request ids,
// jti), or the nil UUID if the random source fails.
func (s *Server) uuid() string {
	id, err := s.newUUID()
	if err != nil {
		return "00000000-0000-0000-0000-000000000000"
	}
	return id
}
