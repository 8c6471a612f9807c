// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestEmulatorRefreshTokenExpiresWhileAsleep: the emulator's refresh
// tokens expire on the wall clock, as Cognito's do and as the access and
// id tokens' exp does, also when the machine slept past their lifetime
// (its monotonic clock stopped meanwhile). A program left running
// overnight on a laptop against `cognito-srp emulate` then sees what it
// would see with Cognito: its renewal refused, ErrLoginRequired without
// a password. Compared on the monotonic clock, the time asleep did not
// count, and the expired refresh token renewed the tokens.
func TestEmulatorRefreshTokenExpiresWhileAsleep(t *testing.T) {
	clock := cognitosrp.NewSleepClock(t)
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenLifetime: 2 * time.Hour, Now: clock.Now})
	s := emulatorSessionOn(t, srv, func(c *cognitosrp.Config) { c.Now = clock.Now })
	clock.Sleep(3 * time.Hour)
	_, err := s.ValidTokens(context.Background(), cognitosrp.AccessToken)
	if !errors.Is(err, cognitosrp.ErrLoginRequired) || !errors.Is(err, cognitosrp.ErrNotAuthorized) {
		t.Fatalf("renewal with a refresh token 1h past its expiry on the wall clock: %v, want ErrLoginRequired and ErrNotAuthorized", err)
	}
}
