// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"net"
	"strings"
	"testing"
)

// TestEmulateAddressInUseSaysItOnce: the refusal of an address emulate
// cannot listen on names the address once, with the system's reason,
// not the emulator package's "cognitotest: listen tcp ADDR: …" after it,
// which said the address again in the words the message replaced.
func TestEmulateAddressInUseSaysItOnce(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	addr := l.Addr().String()
	r := newSandbox(t).run("emulate", "-addr", addr, "-quiet")
	r.want(t, exitError, "cannot listen on "+addr+": ")
	if n := strings.Count(r.stderr, addr); n != 1 || strings.Contains(r.stderr, "cognitotest") || strings.Contains(r.stderr, "listen tcp") {
		t.Errorf("stderr %q: names the address %d times, or the emulator package's error", r.stderr, n)
	}
}
