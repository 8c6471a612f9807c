// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"bufio"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestEmulateURL: -url names the emulator where clients reach it, in
// the endpoint it prints and in its tokens' issuer. In a container it
// listens on ":9229" (Go reports "[::]:9229"), which no client elsewhere
// can use, and tokens whose iss says http://[::]:9229/… fail a verifier
// that knows the pool as http://cognito:9229/….
func TestEmulateURL(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(l.Addr().String())
	l.Close()
	public := "http://localhost:" + port
	users := filepath.Join(t.TempDir(), "users.json")
	os.WriteFile(users, []byte(`[{"username": "alice", "password": "pw-alice-123"}]`), 0o600)
	_, cmd, stdout, stderr := startEmulate(t, "-addr", "127.0.0.1:"+port, "-url", public+"/", "-users", users, "-quiet")
	defer cmd.Wait()
	defer cmd.Process.Kill()
	s := newSandbox(t)
	banner := readBanner(bufio.NewScanner(stdout), s)
	if s.env["COGNITO_ENDPOINT"] != public+"/" {
		t.Fatalf("banner %q (stderr %q): want the endpoint %s/", banner, stderr.String(), public)
	}
	jwks := public + "/" + cognitotest.DefaultPoolID + "/.well-known/jwks.json"
	if !strings.Contains(strings.Join(banner, "\n"), jwks) {
		t.Errorf("banner %q: want the key set at %s", banner, jwks)
	}
	// The issuer a verifier needs, as the tokens' iss below names it.
	if iss := "  issuer     " + public + "/" + cognitotest.DefaultPoolID; !slices.Contains(banner, iss) {
		t.Errorf("banner %q: want the line %q", banner, iss)
	}
	s.env["COGNITO_USERNAME"], s.env["COGNITO_PASSWORD"] = "alice", "pw-alice-123"
	r := s.run("token", "-no-cache")
	r.want(t, exitOK)
	s.stdin = r.stdout
	r = s.run("claims")
	if iss := `"iss": "` + public + "/" + cognitotest.DefaultPoolID + `"`; !strings.Contains(r.stdout, iss) {
		t.Errorf("claims %s: want %s", r.stdout, iss)
	}

	newSandbox(t).run("emulate", "-addr", "127.0.0.1:99999", "-url", "cognito:9229").want(t, exitUsage, "URL is not an http or https URL")
}

// TestEmulateAddressInUse: an address that emulate cannot listen on (one
// in use, as by an emulator an earlier CI step left running) fails with
// status 1 and says what to give instead; it said only "network error:
// cognitotest: listen tcp …".
func TestEmulateAddressInUse(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	addr := l.Addr().String()
	r := newSandbox(t).run("emulate", "-addr", addr, "-quiet")
	r.want(t, exitError, "cognito-srp emulate: cannot listen on "+addr+": ", "(give -addr another address, or 127.0.0.1:0 for a free port, which the export line names)")
	if r.stdout != "" {
		t.Errorf("stdout %q, want nothing: no export line for a script to wait for", r.stdout)
	}
	// The address once, with the system's reason: not the emulator
	// package's "cognitotest: listen tcp ADDR: …" after it, which said
	// the address again in the words the message replaced.
	if n := strings.Count(r.stderr, addr); n != 1 || strings.Contains(r.stderr, "cognitotest") || strings.Contains(r.stderr, "listen tcp") {
		t.Errorf("stderr %q: names the address %d times, or the emulator package's error", r.stderr, n)
	}
}

// TestEmulateUsageErrors: a flag value that is wrong on any machine is a
// usage error (2), as elsewhere in the command, before anything is read
// or listened on, and names its flag: an -addr with a bad port exited
// with 1, as an address in use does, and -token-ttl 0 or -refresh-ttl 0
// started an emulator with an hour's or 30 days' tokens, the defaults the
// emulator package takes 0 for.
func TestEmulateUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-addr", "127.0.0.1:99999"},
		{"-addr", "127.0.0.1"},
		{"-addr", "127.0.0.1:no-such-service"},
		{"-addr", "127.0.0.1:0", "-token-ttl", "0"},
		{"-addr", "127.0.0.1:0", "-refresh-ttl", "0"},
		{"-addr", "127.0.0.1:0", "-token-ttl", "-1m"},
	} {
		// Without the checks, an emulator that starts serves until
		// killed: give it seconds, not commandLimit.
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		cmd := exec.CommandContext(ctx, binary, append([]string{"emulate", "-quiet"}, args...)...)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		cancel()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != exitUsage || stdout.Len() != 0 {
			t.Errorf("emulate %q: %v, stdout %q, stderr %q; want exit status 2 and no banner", args, err, stdout.String(), stderr.String())
			continue
		}
		if flag := args[len(args)-2]; !strings.Contains(stderr.String(), flag) {
			t.Errorf("emulate %q: stderr %q does not name %s", args, stderr.String(), flag)
		}
	}
}
