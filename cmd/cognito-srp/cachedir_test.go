// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestUnusableCacheSaysNoCache: in a container the cache directory often
// cannot be used: the user's home does not exist (nobody's is
// /nonexistent), the file system is read-only, or HOME is unset. The
// command then fails, rather than log in on every run behind the user's
// back, but it must say that the token cache is the problem and how to
// run without it, whether reading or saving failed; and -no-cache works.
// It also names XDG_CACHE_HOME, which keeps the cache elsewhere (on a CI
// runner, the job's temporary directory), where -no-cache logs in with
// the password on every run: it named only -no-cache.
func TestUnusableCacheSaysNoCache(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" || runtime.GOOS == "ios" || runtime.GOOS == "plan9" {
		t.Skip("XDG_CACHE_HOME and symbolic links as on Linux")
	}
	srv := newEmulator(t, cognitotest.Config{})
	const hint = "-no-cache"
	const xdg = "set XDG_CACHE_HOME to the absolute path of a writable directory (on GitHub Actions, $RUNNER_TEMP)"

	// Saving fails after the login: the cache directory is a dangling
	// symbolic link, which reads as missing and cannot be created (the
	// same for root, unlike a directory's mode).
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	dangling := filepath.Join(s.home, "cache")
	if err := os.Symlink(filepath.Join(s.home, "gone", "cache"), dangling); err != nil {
		t.Fatal(err)
	}
	s.env["XDG_CACHE_HOME"] = dangling
	s.run("token").want(t, exitError, "token cache", hint, xdg)

	// Reading fails: the cache directory is under a regular file.
	file := filepath.Join(s.home, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s.env["XDG_CACHE_HOME"] = filepath.Join(file, "cache")
	s.run("token").want(t, exitError, "token cache", hint, xdg)

	// A relative XDG_CACHE_HOME, which os.UserCacheDir refuses.
	s.env["XDG_CACHE_HOME"] = "cache"
	s.run("token").want(t, exitError, "cache directory", "relative", hint, xdg)

	// No HOME: the cache directory cannot be found.
	delete(s.env, "HOME")
	delete(s.env, "XDG_CACHE_HOME")
	s.run("token").want(t, exitError, "cache directory", hint, xdg)

	if r := s.run("token", hint); r.code != exitOK || r.stdout == "" {
		t.Errorf("token -no-cache: exit status %d, stderr %q", r.code, r.stderr)
	}
}

// TestCacheDirectoryAwkwardPath: a cache directory whose path has spaces
// and characters outside ASCII (a Windows user named "Zoë Müller", whose
// %LocalAppData% holds both) and is longer than Windows's MAX_PATH, 260
// characters, holds the token and device files as any other does: a
// second run renews from them without a login, and sign-out removes
// both. Run under Wine (scripts/wine-test.sh) it checks the Windows path
// conversions of the files the command opens, renames and removes.
func TestCacheDirectoryAwkwardPath(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, trackingPool)
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	s.home = filepath.Join(s.home, "Zoë Müller 日本", strings.Repeat("long name ", 12)+"end", strings.Repeat("longer name ", 12)+"end")
	s.env["HOME"] = s.home
	s.env["XDG_CACHE_HOME"] = filepath.Join(s.home, ".cache")
	s.env["LocalAppData"] = filepath.Join(s.home, "AppData", "Local")
	s.run("token").want(t, exitOK)
	wantOneDevice(t, srv, s)
	tokens := strings.TrimSuffix(s.deviceFiles()[0], ".device.json") + ".json"
	if fi, err := os.Stat(tokens); err != nil || !fi.Mode().IsRegular() || len(tokens) <= 260 {
		t.Fatalf("the token file, a path of %d characters: %v, %v", len(tokens), fi, err)
	}
	logins := srv.Calls("RespondToAuthChallenge")
	s.env["COGNITO_PASSWORD"] = ""
	s.run("token").want(t, exitOK)
	if n := srv.Calls("RespondToAuthChallenge"); n != logins {
		t.Errorf("the second run logged in: %d challenge answers, want %d", n, logins)
	}
	s.run("sign-out").want(t, exitOK)
	s.wantCacheEmpty(t)
}
