// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestNotifierDeliversEveryChange pushes and delivers from several
// goroutines at once: every change must reach fn by the time all of them
// return. A deliverer that stops delivering in a separate critical section
// from the one that saw its queue empty leaves a concurrent push
// undelivered; the race is narrow, so it runs many rounds.
func TestNotifierDeliversEveryChange(t *testing.T) {
	const goroutines = 4
	deadline := time.Now().Add(time.Second)
	for round := 0; round < 300000 && time.Now().Before(deadline); round++ {
		var n notifier
		var delivered atomic.Int64
		fn := func(*Tokens) { delivered.Add(1) }
		var wg sync.WaitGroup
		for range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n.push(nil)
				n.deliver(fn)
			}()
		}
		wg.Wait()
		if got := delivered.Load(); got != goroutines {
			t.Fatalf("round %d: %d of %d changes delivered; %d left in the queue", round, got, goroutines, len(n.queue))
		}
	}
}

// TestNotifierPanicKeepsDelivering checks that a panicking fn does not
// leave the notifier stuck: the next deliver delivers what is queued.
func TestNotifierPanicKeepsDelivering(t *testing.T) {
	var n notifier
	n.push(nil)
	func() {
		defer func() { recover() }()
		n.deliver(func(*Tokens) { panic("boom") })
	}()
	n.push(nil)
	got := 0
	n.deliver(func(*Tokens) { got++ })
	if got != 1 {
		t.Fatalf("after a panic, %d changes delivered, want 1", got)
	}
}

// TestNotifierOneCallAtATime: a change pushed while fn runs is delivered
// by the goroutine already delivering, after fn returns and in order, not
// by a second call of fn running beside the first.
func TestNotifierOneCallAtATime(t *testing.T) {
	var n notifier
	first, second := &Tokens{AccessToken: "1"}, &Tokens{AccessToken: "2"}
	entered, release := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	var got []*Tokens
	var running atomic.Int32
	fn := func(t *Tokens) {
		overlap := running.Add(1) != 1
		defer running.Add(-1)
		mu.Lock()
		if overlap {
			got = append(got, nil) // marks a call beside another
		}
		got = append(got, t)
		mu.Unlock()
		if t == first {
			close(entered)
			<-release
		}
	}
	n.push(first)
	done := make(chan struct{})
	go func() { n.deliver(fn); close(done) }()
	<-entered
	n.push(second)
	n.deliver(fn) // returns at once: the first deliverer delivers it
	close(release)
	<-done
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0] != first || got[1] != second {
		t.Fatalf("delivered %v, want the two changes one after the other, in order", got)
	}
}
