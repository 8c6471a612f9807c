// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"syscall"
	"time"
)

// wallClock returns the wall-clock time, for expiry checks on the request
// path. time.Now reads two clocks (the wall clock and the monotonic one),
// which costs a sixth of a request with a valid token; an expiry is a
// wall-clock instant and needs only the first. Here gettimeofday goes
// through the vDSO, as time.Now does, and reads just that one.
func wallClock() time.Time {
	var tv syscall.Timeval
	if syscall.Gettimeofday(&tv) != nil {
		return time.Now()
	}
	// gettimeofday truncates to the microsecond. Rounding up keeps the
	// result at or after the true time, so that a token is never taken
	// for valid up to a microsecond past its limit.
	return time.Unix(tv.Sec, tv.Usec*1000+999)
}
