// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import "math/big"

// PrimeN exposes the SRP prime to the external tests, which craft
// A ≡ 0 (mod N) and device verifiers as a client would.
func PrimeN() *big.Int { return newGroup().n }

// Held returns how many refresh tokens and revoked logins s remembers.
func Held(s *Server) (refresh, revoked int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.refresh), len(s.revoked)
}
