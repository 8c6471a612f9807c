// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// openTerminal returns the terminal end of a new pseudo-terminal, whose
// other end it keeps open until the test ends; it skips the test where
// there is none to open.
func openTerminal(t *testing.T) *os.File {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skip("no /dev/ptmx:", err)
	}
	t.Cleanup(func() { ptmx.Close() })
	var n uint32
	var unlock int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, ptmx.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); errno != 0 {
		t.Skip("TIOCGPTN:", errno)
	}
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, ptmx.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); errno != 0 {
		t.Skip("TIOCSPTLCK:", errno)
	}
	tty, err := os.OpenFile("/dev/pts/"+strconv.FormatUint(uint64(n), 10), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skip("opening the terminal:", err)
	}
	t.Cleanup(func() { tty.Close() })
	return tty
}

// TestPasswordStdinOnTerminal: -password-stdin with a terminal for
// standard input fails at once as a usage error: it waited, silent, for a
// password typed where it shows as typed.
func TestPasswordStdinOnTerminal(t *testing.T) {
	t.Parallel()
	tty := openTerminal(t)
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string {
		return map[string]string{"COGNITO_USER_POOL_ID": "us-east-1_AbC123", "COGNITO_CLIENT_ID": "c", "COGNITO_USERNAME": "alice"}[k]
	}
	e := &env{stdin: tty, stdout: &stdout, stderr: &stderr, getenv: getenv}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	code := run(ctx, e, []string{"token", "-password-stdin", "-no-cache", "-endpoint", "http://127.0.0.1:1"})
	if code != exitUsage || !strings.Contains(stderr.String(), "standard input is a device (a terminal") {
		t.Errorf("token -password-stdin on a terminal: exit %d, stderr %q", code, &stderr)
	}
}
