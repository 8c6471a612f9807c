// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build race

package cognitosrp_test

// raceEnabled reports that the race detector is on: it slows code down
// several times, which timing measurements must allow for.
const raceEnabled = true
