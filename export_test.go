// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

// UpdateFixtures is the -update flag for the external test package too: a
// flag can be defined only once per test binary.
var UpdateFixtures = updateFixtures
