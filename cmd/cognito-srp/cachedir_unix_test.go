// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestCacheDirectoryOthersCannotWrite: token and sign-out refuse a cache
// directory that another user could put tokens in, naming the directory
// and the fix, as ssh refuses a ~/.ssh others can write: one of mode 0777
// or 0770, one that belongs to another user (another user's
// /tmp/cognito-srp, with XDG_CACHE_HOME=/tmp) or is a symbolic link of
// theirs, one in a directory others can write without the sticky bit.
// The sticky bit (/tmp's 01777) passes, as do directories of mode 0755.
// Neither the owner nor the mode was checked: tokens another user planted
// were sent as this user's.
func TestCacheDirectoryOthersCannotWrite(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	root := filepath.Join(s.home, "shared")
	if err := os.Mkdir(root, 0o700); err != nil {
		t.Fatal(err)
	}
	s.env["XDG_CACHE_HOME"] = root
	dir := filepath.Join(root, "cognito-srp")
	s.run("token").want(t, exitOK)
	logins := srv.Calls("RespondToAuthChallenge")

	chmod := func(path string, mode os.FileMode) {
		t.Helper()
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
	}
	for _, mode := range []os.FileMode{0o777, 0o770, 0o702} {
		chmod(dir, mode)
		s.run("token").want(t, exitError, "the token cache's directory "+dir+" has mode", "chmod 700 "+dir)
		s.run("sign-out").want(t, exitError, "chmod 700 "+dir)
	}
	chmod(dir, 0o755)
	s.run("token").want(t, exitOK)

	for _, mode := range []os.FileMode{0o777, 0o775} {
		chmod(root, mode)
		s.run("token").want(t, exitError, "the directory "+root+", which holds the token cache's, has mode", "chmod go-w "+root)
	}
	chmod(root, 0o777|os.ModeSticky)
	s.run("token").want(t, exitOK)
	chmod(root, 0o700)

	// Another user's directory, or symbolic link: a test that runs as
	// root can give them to nobody.
	if err := os.Lchown(dir, nobody, nobody); err != nil {
		t.Logf("cannot give the cache directory to another user: %v", err)
	} else {
		s.run("token").want(t, exitError, "the token cache's directory "+dir+" belongs to another user (uid 65534)")
		s.run("sign-out").want(t, exitError, "belongs to another user")
		if err := os.Lchown(dir, os.Geteuid(), os.Getegid()); err != nil {
			t.Fatal(err)
		}
		mine := filepath.Join(s.home, "mine")
		if err := os.Rename(dir, mine); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(mine, dir); err != nil {
			t.Fatal(err)
		}
		s.run("token").want(t, exitOK)
		if err := os.Lchown(dir, nobody, nobody); err != nil {
			t.Fatal(err)
		}
		s.run("token").want(t, exitError, "belongs to another user (uid 65534)")
		os.Remove(dir)
		os.Rename(mine, dir)
	}
	if n := srv.Calls("RespondToAuthChallenge"); n != logins {
		t.Errorf("%d logins after the first: the cache was not used", n-logins)
	}
	s.run("sign-out").want(t, exitOK)
	// -no-cache uses no cache directory, and so checks none.
	chmod(dir, 0o777)
	if r := s.run("token", "-no-cache"); r.code != exitOK || strings.Contains(r.stderr, "mode") {
		t.Errorf("token -no-cache: exit %d, %q", r.code, r.stderr)
	}
}
