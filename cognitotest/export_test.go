// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import "math/big"

// PrimeN exposes the SRP prime to the external tests, which craft
// A ≡ 0 (mod N) and device verifiers as a client would.
func PrimeN() *big.Int { return newGroup().n }
