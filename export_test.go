// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"
)

// InChildProcess runs t alone in a child process of the test binary, with
// env added to the child's environment (a variable set again there
// replaces the inherited value), for what a process has once: the comb
// tables, the FIPS 140 mode. It returns true in the child, which goes on
// with the test, and false in the parent once the child has passed it; the
// parent fails t otherwise, a child that matched no test or skipped it
// (which exits 0 too) included, and skips t when the child's runtime
// refused FIPS 140-3 mode at start, as a binary built with
// GOEXPERIMENT=boringcrypto does, or on a port that cannot start a
// process at all.
func InChildProcess(t *testing.T, env ...string) bool {
	t.Helper()
	const marker = "COGNITOSRP_TEST_CHILD"
	if os.Getenv(marker) == t.Name() {
		return true
	}
	// js/wasm and wasip1/wasm have no processes: os/exec fails there with
	// "not implemented", which says nothing about the library. (The same
	// ports internal/testenv.MustHaveExec skips.)
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skipf("cannot start a child process on %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd.Env = append(append(os.Environ(), marker+"="+t.Name()), env...)
	out, err := cmd.CombinedOutput()
	if bytes.Contains(out, []byte("incompatible with GOEXPERIMENT=boringcrypto")) {
		t.Skip("a test binary built with GOEXPERIMENT=boringcrypto cannot run in FIPS 140-3 mode")
	}
	if err != nil {
		t.Fatalf("child process: %v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("--- PASS: "+t.Name())) {
		t.Fatalf("child process did not pass %s:\n%s", t.Name(), out)
	}
	return false
}

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

// ParseDocFiles is parseDocFiles, for the external test package's
// TestContextContractComplete.
var ParseDocFiles = parseDocFiles
