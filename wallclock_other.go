// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build !(linux && amd64)

package cognitosrp

import "time"

// wallClock returns the wall-clock time, for expiry checks. Only on
// linux/amd64 does the standard library offer a read of the wall clock
// alone that is cheaper than time.Now (a vDSO call rather than a system
// call).
func wallClock() time.Time { return time.Now() }
