// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

// notifier delivers Config.OnTokens calls one at a time and in the order
// of the changes, yet with no lock held during a call, so that the
// callback may call the Session (even change its tokens) without
// deadlocking. Whoever finds nobody delivering becomes the deliverer and
// drains the queue; no goroutine is started.
type notifier struct {
	mu         mutex
	queue      []*Tokens
	delivering bool
}

// push queues a change. The caller orders pushes (see Session.changed).
func (n *notifier) push(t *Tokens) {
	n.mu.Lock()
	n.queue = append(n.queue, t)
	n.mu.Unlock()
}

// deliver calls fn for each queued change, unless another goroutine is
// already delivering: that one will deliver these too.
func (n *notifier) deliver(fn func(*Tokens)) {
	n.mu.Lock()
	if n.delivering {
		n.mu.Unlock()
		return
	}
	n.delivering = true
	finished := false
	defer func() {
		// Only when fn panics: later changes must still be delivered.
		if !finished {
			n.mu.Lock()
			n.delivering = false
			n.mu.Unlock()
		}
	}()
	for len(n.queue) > 0 {
		t := n.queue[0]
		n.queue[0] = nil
		n.queue = n.queue[1:]
		n.mu.Unlock()
		fn(t)
		n.mu.Lock()
	}
	// Stop delivering in the same critical section that saw the queue
	// empty: a push after it finds nobody delivering and delivers itself.
	// Unlocking in between would let that push be left in the queue.
	n.delivering = false
	finished = true
	n.mu.Unlock()
}
