// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build !unix

package main

import "testing"

// notRoot does nothing where there is no Unix root: the tests that call it
// skip there.
func (s *sandbox) notRoot(t *testing.T) {}
