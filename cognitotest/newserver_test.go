// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// fakeTB is a test's own TB, as a test of a helper writes one: a nil
// *testing.T for the methods NewServer does not call, which panic, and
// its own for those it calls.
type fakeTB struct {
	*testing.T
	cleanups []func()
	msg      string
}

func (f *fakeTB) Helper()           {}
func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }

func (f *fakeTB) Fatal(args ...any) {
	f.msg = fmt.Sprint(args...)
	runtime.Goexit()
}

// TestNewServerFakeTB: a TB whose Deadline panics for a reason of its
// own (a nil *testing.T) is not taken for a bubble's T, and gets its
// server as before the bubble check.
func TestNewServerFakeTB(t *testing.T) {
	f := new(fakeTB)
	srv := newServerOf(f)
	if srv == nil {
		t.Fatalf("NewServer with a fake TB failed: %s", f.msg)
	}
	for _, fn := range f.cleanups {
		fn()
	}
}

// newServerOf calls NewServer(tb) in a goroutine of its own, which tb's
// Fatal ends, and returns the server, or nil when tb's Fatal was called.
func newServerOf(tb testing.TB) *cognitotest.Server {
	done := make(chan *cognitotest.Server)
	go func() {
		var srv *cognitotest.Server
		defer func() { done <- srv }()
		srv = cognitotest.NewServer(tb, cognitotest.Config{})
	}()
	return <-done
}
