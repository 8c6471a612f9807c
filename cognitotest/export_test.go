// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import "math/big"

// PrimeN exposes the SRP prime to the external tests, which craft
// A ≡ 0 (mod N) and device verifiers as a client would.
func PrimeN() *big.Int { return newGroup().n }

// Held returns how many refresh tokens and revoked logins s remembers. A
// token forgotten but still listed by its user (userTokens) is held all
// the same, its memory with it, and counts.
func Held(s *Server) (refresh, revoked int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	refresh = len(s.refresh)
	for _, rts := range s.userTokens {
		for _, rt := range rts {
			if s.refresh[rt.tok] != rt {
				refresh++
			}
		}
	}
	return refresh, len(s.revoked)
}
