// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// TestPanicInFlightEndsProgram: a panic in a flight ends the program, as
// any panic in a goroutine does, also one raised while the flight holds
// s.mu: here Config.Now's, which fly reads under s.mu to space the next
// try after a failed background renewal. The end of the flight's count
// (Session.end) takes s.mu: run as the panic unwound, it waited for the
// lock the panicking code held, for ever, and the program neither crashed
// nor said why, its session locked. The panic happens in a child process.
func TestPanicInFlightEndsProgram(t *testing.T) {
	const env = "COGNITOSRP_TEST_FLIGHT_PANIC"
	if os.Getenv(env) == "1" {
		var armed atomic.Bool
		now := time.Now()
		s, err := NewSession(Config{UserPoolID: testPoolID, ClientID: testClientID, Endpoint: "http://127.0.0.1:1",
			Now: func() time.Time {
				if armed.Load() {
					panic("the clock broke")
				}
				return now
			}}, "alice")
		if err != nil {
			t.Fatal(err)
		}
		o := func(*Session, context.Context, *Tokens, string) (*Tokens, error) {
			armed.Store(true) // the next reading is fly's, under s.mu
			return nil, errors.New("renewal failed")
		}
		s.mu.Lock()
		s.startFlight(context.Background(), nil, "background", o)
		s.mu.Unlock()
		time.Sleep(time.Minute) // the panic ends the process first
		return
	}
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skipf("cannot start a child process on %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.timeout=10m")
	cmd.Env = append(os.Environ(), env+"=1")
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("a panic in a flight holding s.mu did not end the program in 30 s; its output:\n%s", out)
	}
	if err == nil || !bytes.Contains(out, []byte("panic: the clock broke")) {
		t.Fatalf("child process: %v, want it ended by the flight's panic; its output:\n%s", err, out)
	}
}
