// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
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

// HostileText is server text meant to forge a log line and drive a
// terminal: a newline, an escape sequence, a bidirectional override, a
// line separator, a zero-width space, invalid UTF-8, and 4 KiB more. What
// the package prints of it must be Printable and short.
var HostileText = "X\nINFO forged\x1b[2J\u202e\u2028\u200b\xff" + strings.Repeat("z", 4096)

// Printable reports whether s is valid UTF-8 made of graphic characters
// only: what serverText leaves of the server's text, for the tests of both
// packages.
func Printable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return !strconv.IsGraphic(r) })
}

// RoundTripFunc adapts a function to an http.RoundTripper, for the tests of
// both packages.
type RoundTripFunc func(*http.Request) (*http.Response, error)

// RoundTrip calls f(r).
func (f RoundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TrackedBody is a request or response body that records whether it was
// read to the end and whether it was closed, for the tests of both
// packages.
type TrackedBody struct {
	io.ReadCloser
	eof, closed atomic.Bool
}

// NewTrackedBody returns a TrackedBody that reads s.
func NewTrackedBody(s string) *TrackedBody {
	return &TrackedBody{ReadCloser: io.NopCloser(strings.NewReader(s))}
}

// Read reads from the body, noting io.EOF.
func (b *TrackedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF {
		b.eof.Store(true)
	}
	return n, err
}

// Close notes the call and closes the body.
func (b *TrackedBody) Close() error { b.closed.Store(true); return b.ReadCloser.Close() }

// Closed reports whether Close was called.
func (b *TrackedBody) Closed() bool { return b.closed.Load() }

// Drained reports whether a Read reached io.EOF.
func (b *TrackedBody) Drained() bool { return b.eof.Load() }

// SleepClock is the clock of real readings whose Sleep moves only the wall
// reading, as a suspended machine's (suspend_test.go).
type SleepClock = sleepClock

// NewSleepClock returns a SleepClock reading time.Now.
func NewSleepClock(tb testing.TB) *SleepClock { return newSleepClock(tb) }

// SetSessionNow gives a session built by New the clock now, as
// Config.Now would (Options has none), before its first use.
func SetSessionNow(s *Session, now func() time.Time) {
	s.cfg.Now, s.systemClock = now, false
}
