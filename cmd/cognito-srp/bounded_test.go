// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sparseFile returns the path of a new file of size zero bytes, which
// takes no disk where the file system has holes.
func sparseFile(t *testing.T, size int64) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "big")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestInputBounded: the files and standard input that flags name are read
// up to a limit, and refused past it, as usage errors that name the flag
// and quote none of the input: -d @FILE and -d @- up to maxBody bytes,
// emulate's -client-secret-file a first line of up to maxPasswordLine
// bytes, as -password-stdin's, its -users up to maxUsersFile bytes. They
// were read whole, and a file larger than the memory given by mistake (a
// disk image, /dev/zero) ended the process only once it had filled it. A body of maxBody bytes still goes
// (here to a Cognito that is not there).
func TestInputBounded(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	s.env["COGNITO_USER_POOL_ID"], s.env["COGNITO_CLIENT_ID"] = "us-east-1_AbC123", "c"
	s.env["COGNITO_USERNAME"], s.env["COGNITO_PASSWORD"] = "alice", "pw-alice-123"
	s.env["COGNITO_ENDPOINT"] = "http://127.0.0.1:1"

	big := sparseFile(t, maxBody+1)
	s.run("request", "-no-cache", "-d", "@"+big, "http://127.0.0.1:1/").want(t, exitUsage, "-d: "+big+" holds more than 64 MiB")
	f, err := os.Open(big)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s.stdinFile = f
	s.run("request", "-no-cache", "-d", "@-", "http://127.0.0.1:1/").want(t, exitUsage, "-d @-: standard input holds more than 64 MiB")
	s.stdinFile = nil
	r := s.run("request", "-no-cache", "-d", "@"+sparseFile(t, maxBody), "http://127.0.0.1:1/")
	r.want(t, exitTryLater)
	if strings.Contains(r.stderr, "more than") {
		t.Errorf("a body of maxBody bytes is refused: %q", r.stderr)
	}

	secret := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(secret, []byte(strings.Repeat("s", maxPasswordLine+1)), 0o600)
	r = s.run("emulate", "-addr", "127.0.0.1:99999", "-client-secret-file", secret)
	r.want(t, exitUsage, "-client-secret-file "+secret+" holds a first line longer than 65536 bytes")
	if strings.Contains(r.stderr, "sss") {
		t.Errorf("the error quotes the secret: %q", r.stderr)
	}

	big = sparseFile(t, maxUsersFile+1)
	s.run("emulate", "-addr", "127.0.0.1:99999", "-users", big).want(t, exitUsage, "-users "+big+" holds more than 16 MiB")
	// A file of maxUsersFile bytes is read, and its user added: the run
	// fails only at the port.
	users := filepath.Join(t.TempDir(), "users.json")
	list := `[{"Username": "alice", "Password": "pw-alice-123"}]`
	os.WriteFile(users, []byte(list+strings.Repeat(" ", maxUsersFile-len(list))), 0o600)
	r = s.run("emulate", "-addr", "127.0.0.1:99999", "-users", users)
	r.want(t, exitUsage, "-addr \"127.0.0.1:99999\" is no address to listen on (invalid port)")
	if strings.Contains(r.stderr, "-users") {
		t.Errorf("a users file of maxUsersFile bytes is refused: %q", r.stderr)
	}
}

// TestReadBounded: readBounded reads no more than its limit (and, for a
// line, a buffer's worth past it) of input that never ends, and takes
// input of exactly its limit.
func TestReadBounded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, line := range []bool{false, true} {
		in := &endlessReader{limit: 1 << 20}
		_, err := readBounded(ctx, func() (io.ReadCloser, error) { return io.NopCloser(in), nil }, 100, line)
		if want := map[bool]error{false: errTooLarge, true: errLineTooLong}[line]; err != want || in.read > 64<<10 {
			t.Errorf("line %v: endless input: %v after %d bytes, want %v", line, err, in.read, want)
		}
		full := strings.Repeat("x", 100)
		b, err := readBounded(ctx, func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(full + "\n")), nil }, 100, line)
		if line && (err != nil || string(b) != full+"\n") || !line && err != errTooLarge {
			t.Errorf("line %v: 101 bytes, the last a line feed: %q, %v", line, b, err)
		}
		if b, err := readBounded(ctx, func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(full)), nil }, 100, line); err != nil || string(b) != full {
			t.Errorf("line %v: 100 bytes: %d bytes, %v", line, len(b), err)
		}
	}
}
