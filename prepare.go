// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import "context"

// This file takes the computation of SRP_A off a login's critical path. The
// private value a and A = g^a do not depend on anything Cognito sends, so a
// session that will log in with a password prepares them ahead: when it is
// given the password (Options.Password) and after each login, for the next
// one (a new login is needed when the refresh token dies). A and S are a
// login's two exponentiations with a 1024-bit exponent (g^x has a 256-bit
// one); a login that finds A ready waits only for x, g^x and S
// (BenchmarkSRPLatency).

// spareSRP is one prepared exchange. done is closed once srp or err is set
// (neither when Close came first: prepareSRP); a spare whose preparation
// has ended is replaced by one without done, nil, so that an idle session
// does not hold the channel (96 bytes).
type spareSRP struct {
	_    incomparable
	done chan struct{}
	srp  *preparedSRP
	err  error
}

// preparedSRP is an SRP without its methods: the Session holds its spare
// as one, and a login its SRPs, in loginState (binary size: method-less
// copy, see doc.go).
type preparedSRP SRP

// prepareSRP starts preparing the next login's SRP in the background, unless
// one is already prepared, the session has no password of its own, its flow
// sends no SRP_A, or it is closed. A session that forgets its password after
// the first login prepares that login only. The private value is drawn here,
// in the caller's goroutine, so that an injected Config.Rand is read in the
// same order as if each login drew its own; only g^a runs in the background.
func (s *Session) prepareSRP() {
	if s.cfg.AuthFlow == FlowUserPasswordAuth {
		return
	}
	sp := &spareSRP{done: make(chan struct{})}
	s.mu.Lock()
	// Counted in running under mu with closed, like a flight, so that Close
	// waits for it even after a login has taken it and stopped waiting.
	ok := !s.closed && s.password != "" && s.spare.CompareAndSwap(nil, sp)
	if ok {
		s.running++
	}
	s.mu.Unlock()
	if !ok {
		return
	}
	a, err := drawPrivate(s.cfg.Rand)
	if err != nil {
		sp.err = err
		close(sp.done)
		s.end()
		return
	}
	go func() {
		// A Close that came first (right after New: a program that only
		// checks its options, a cache evicting an unused Auth) would wait
		// for g^a, milliseconds of CPU that no login will use. Skipped,
		// the spare has neither srp nor err: takeSRP starts over.
		if !s.isClosed() {
			srp, err := newSRPFromPrivate(s.poolName, a)
			sp.srp, sp.err = (*preparedSRP)(srp), err
		}
		close(sp.done)
		s.spare.CompareAndSwap(sp, &spareSRP{srp: sp.srp, err: sp.err})
		s.end()
	}()
}

// takeSRP returns the prepared SRP, waiting for it if its A is still being
// computed, or else a new one. A spare is used by one login only.
func (s *Session) takeSRP(ctx context.Context) (*SRP, error) {
	if sp := s.spare.Swap(nil); sp != nil {
		if sp.done != nil {
			select {
			case <-sp.done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		if sp.srp != nil {
			return (*SRP)(sp.srp), nil
		}
		// A failed draw, or none after Close: start over as if nothing
		// was prepared.
	}
	return NewSRP(s.poolName, s.cfg.Rand)
}
