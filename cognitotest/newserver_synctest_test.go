// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build go1.25

package cognitotest_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"testing/synctest"
)

// fatalTB is a test's T whose Fatal ends the calling goroutine, as
// FailNow does, without failing the test: it records the message.
type fatalTB struct {
	*testing.T
	msg string
}

func (f *fatalTB) Fatal(args ...any) {
	f.msg = fmt.Sprint(args...)
	runtime.Goexit()
}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// TestNewServerInBubble: NewServer in a testing/synctest bubble fails the
// test at once, saying what to do instead. The server it would start
// listens on a socket, and a goroutine waiting on a socket is not durably
// blocked, so the bubble's clock stops: the test's first time.Sleep,
// timeout or synctest.Wait hung until the -timeout of the whole binary
// (ten minutes by default), with nothing pointing at the cause.
func TestNewServerInBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ft := &fatalTB{T: t}
		if srv := newServerOf(ft); srv != nil {
			t.Errorf("NewServer in a bubble returned a server listening at %s", srv.URL())
		}
		for _, want := range []string{"synctest", "NewUnstartedServer", "Transport"} {
			if !strings.Contains(ft.msg, want) {
				t.Errorf("NewServer's failure in a bubble %q does not mention %s", ft.msg, want)
			}
		}
	})
}

// TestNewServerOutsideBubble: the check does not misfire on an ordinary
// test.
func TestNewServerOutsideBubble(t *testing.T) {
	ft := &fatalTB{T: t}
	if srv := newServerOf(ft); srv == nil {
		t.Fatalf("NewServer failed: %s", ft.msg)
	}
}
