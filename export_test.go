// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"io"
	"time"
)

// UpdateFixtures is the -update flag for the external test package too: a
// flag can be defined only once per test binary.
var UpdateFixtures = updateFixtures

// FakeClock is the settable test clock, shared with the external tests.
type FakeClock = fakeClock

// NewFakeClock returns a FakeClock that reads t until advanced.
func NewFakeClock(t time.Time) *FakeClock { return newFakeClock(t) }

// DetRand returns the deterministic stream of the fixtures,
// SHA-256(label ‖ counter) blocks, for the external tests' fixtures.
func DetRand(label string) io.Reader { return fxRand(label) }
