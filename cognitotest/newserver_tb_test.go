// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"testing"
	"time"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestNewServerTBWithoutDeadline: a testing.TB without a Deadline method
// (a *testing.B, a *testing.F, or a wrapper that embeds testing.TB) is
// never in a synctest bubble, and NewServer starts a Server for it: the
// check of the bubble must not fail every benchmark.
func TestNewServerTBWithoutDeadline(t *testing.T) {
	tb := struct{ testing.TB }{t}
	if _, ok := any(tb).(interface{ Deadline() (time.Time, bool) }); ok {
		t.Fatal("the wrapper has a Deadline method")
	}
	srv := cognitotest.NewServer(tb, cognitotest.Config{})
	if srv.URL() == "" {
		t.Error("NewServer returned a server without a URL")
	}
}
