// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build unix

package main

import (
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
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
	// Group write is refused unless the group is the user's private one
	// (TestCacheDirectoryPrivateGroup's), as it may be where the test
	// does not run as root.
	_, ownGroup := privateGroupOf(os.Geteuid())
	for _, mode := range []os.FileMode{0o777, 0o770, 0o702} {
		if ownGroup && mode == 0o770 {
			continue
		}
		chmod(dir, mode)
		s.run("token").want(t, exitError, "the token cache's directory "+dir+" has mode", "chmod 700 "+dir)
		s.run("sign-out").want(t, exitError, "chmod 700 "+dir)
	}
	chmod(dir, 0o755)
	s.run("token").want(t, exitOK)

	for _, mode := range []os.FileMode{0o777, 0o775} {
		if ownGroup && mode == 0o775 {
			continue
		}
		chmod(root, mode)
		s.run("token").want(t, exitError, "the directory "+root+", which holds the token cache's, has mode", "chmod go-w "+root)
	}
	chmod(root, 0o777|os.ModeSticky)
	s.run("token").want(t, exitOK)
	chmod(root, 0o700)

	// Another user's directory, or symbolic link: a test that runs as
	// root can give them to nobody. Not when it runs as nobody, who can
	// "give" nobody its own (the check then rightly passes), and no
	// other user its files.
	other := nobody
	if os.Geteuid() == nobody {
		other = nobody - 1
	}
	otherUser := "belongs to another user (uid " + strconv.Itoa(other) + ")"
	if err := os.Lchown(dir, other, other); err != nil {
		t.Logf("cannot give the cache directory to another user: %v", err)
	} else {
		want := []string{"the token cache's directory " + dir + " " + otherUser}
		if os.Geteuid() == 0 {
			// sudo may have kept the HOME of the user who ran it: the
			// directory is theirs, and "have it removed" the wrong fix.
			want = append(want, "use sudo -H")
		}
		s.run("token").want(t, exitError, want...)
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
		if err := os.Lchown(dir, other, other); err != nil {
			t.Fatal(err)
		}
		s.run("token").want(t, exitError, otherUser)
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

// TestCacheDirectoryPrivateGroup: Debian and Ubuntu give each user a
// group of its own, named as the user, and umask 002, so a ~/.cache made
// by pip or any other tool has mode 0775. The command takes it, and a
// cache directory of mode 0770, when the group is the user's private one,
// still refusing a directory others can write, or whose group is another
// (a shared one, as macOS's staff): group write was refused whatever the
// group, and so every token and request there. As root the command runs
// as a user of the system's with a private group (Debian's daemon), with
// root's group as the other; otherwise as this user, if its group is a
// private one, with another group of its own as the other, if it has one.
func TestCacheDirectoryPrivateGroup(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	root := filepath.Join(s.home, "cache")
	if err := os.Mkdir(root, 0o700); err != nil {
		t.Fatal(err)
	}
	s.env["XDG_CACHE_HOME"] = root
	dir := filepath.Join(root, "cognito-srp")
	chown := func(path string, gid int) {
		t.Helper()
		if err := os.Chown(path, -1, gid); err != nil {
			t.Fatal(err)
		}
	}
	chmod := func(path string, mode os.FileMode) {
		t.Helper()
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
	}

	var private, other int
	if uid := os.Geteuid(); uid == 0 {
		uid, private = userWithPrivateGroup(t)
		s.runAs(t, uid, private)
		other = 0
	} else {
		var ok bool
		if private, ok = privateGroupOf(uid); !ok {
			t.Skipf("the test's user (uid %d) has no private group, and is not root", uid)
		}
		if err := os.Chown(root, -1, private); err != nil {
			t.Skipf("cannot give %s the user's group: %v", root, err)
		}
		other = -1
		groups, _ := os.Getgroups()
		for _, g := range groups {
			if g != private {
				other = g
				break
			}
		}
	}
	s.run("token").want(t, exitOK)
	chown(dir, private) // as the process's group may not be, under newgrp
	logins := srv.Calls("RespondToAuthChallenge")
	chmod(root, 0o775)
	s.run("token").want(t, exitOK)
	chmod(dir, 0o770)
	s.run("token").want(t, exitOK)
	if n := srv.Calls("RespondToAuthChallenge"); n != logins {
		t.Errorf("%d logins after the first: the cache was not used", n-logins)
	}
	// Other users' write bit is refused all the same.
	chmod(root, 0o777)
	s.run("token").want(t, exitError, "the directory "+root+", which holds the token cache's, has mode 0777")
	chmod(root, 0o775)
	chmod(dir, 0o772)
	s.run("token").want(t, exitError, "the token cache's directory "+dir+" has mode 0772")
	chmod(dir, 0o770)

	if other < 0 {
		t.Log("the test's user has no other group: group write of another group not tested")
		return
	}
	chown(root, other)
	s.run("token").want(t, exitError, "the directory "+root+", which holds the token cache's, has mode 0775", "chmod go-w "+root)
	chown(root, private)
	chown(dir, other)
	s.run("token").want(t, exitError, "the token cache's directory "+dir+" has mode 0770", "chmod 700 "+dir)
	s.run("sign-out").want(t, exitError, "chmod 700 "+dir)
	chown(dir, private)
	s.run("token").want(t, exitOK)
}

// privateGroupOf returns the group id of user uid's private group, its
// primary group if named as the user is, and whether it has one; root
// has none (pam_umask's rule, which checkCacheDir follows).
func privateGroupOf(uid int) (int, bool) {
	if uid == 0 {
		return 0, false
	}
	u, err := user.LookupId(strconv.Itoa(uid))
	if err != nil {
		return 0, false
	}
	g, err := user.LookupGroupId(u.Gid)
	if err != nil || g.Name != u.Username {
		return 0, false
	}
	gid, err := strconv.Atoi(u.Gid)
	return gid, err == nil
}

// userWithPrivateGroup returns a user of /etc/passwd other than root whose
// primary group is its private one, not root's group, and that group; it
// skips t where there is none.
func userWithPrivateGroup(t *testing.T) (uid, gid int) {
	t.Helper()
	passwd, err := os.ReadFile("/etc/passwd")
	if err != nil {
		t.Skipf("no user to run the command as: %v", err)
	}
	for _, line := range strings.Split(string(passwd), "\n") {
		fields := strings.Split(line, ":")
		if len(fields) < 4 {
			continue
		}
		uid, err := strconv.Atoi(fields[2])
		if err != nil {
			continue
		}
		if gid, ok := privateGroupOf(uid); ok && gid != 0 {
			return uid, gid
		}
	}
	t.Skip("no user in /etc/passwd has a private group")
	return 0, 0
}

// TestCacheDirMadeInSharedParent: in a directory others can write (the
// sticky /tmp of XDG_CACHE_HOME=/tmp), checkCacheDir makes a cache
// directory that is not there yet, 0700 and this user's. It passed it as
// missing, and another user could make it, with tokens of theirs, between
// the check and the read of the tokens that follows. In a directory only
// this user writes, it makes nothing: the save does.
func TestCacheDirMadeInSharedParent(t *testing.T) {
	t.Parallel()
	shared := t.TempDir()
	if err := os.Chmod(shared, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(shared, "cognito-srp")
	if err := checkCacheDir(dir); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Fatalf("in a sticky directory others can write: %v, %v; want a directory of mode 0700", fi, err)
	}
	if st := fi.Sys().(*syscall.Stat_t); int(st.Uid) != os.Geteuid() {
		t.Errorf("the directory made belongs to uid %d, not %d", st.Uid, os.Geteuid())
	}

	private := filepath.Join(t.TempDir(), "cognito-srp")
	if err := checkCacheDir(private); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(private); !os.IsNotExist(err) {
		t.Errorf("in a private directory: %v, want nothing made", err)
	}
}

// TestCacheDirectoryUserNotInDatabase: a container run as a user id that
// /etc/passwd does not list (docker run -u 54321, OpenShift's arbitrary
// ids) has the user lookup of privateGroup fail. That must refuse no
// private cache directory, neither the one the save makes (0700) nor its
// parent of mode 0755; only group write, which no private group can then
// vouch for, is refused. It needs root, to run the command as such a user.
func TestCacheDirectoryUserNotInDatabase(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root, to run the command as a user id outside the user database")
	}
	const id = 54321
	if _, err := user.LookupId(strconv.Itoa(id)); err == nil {
		t.Skipf("uid %d is in the user database", id)
	}
	srv := newEmulator(t, cognitotest.Config{})
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	root := filepath.Join(s.home, "cache")
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	s.env["XDG_CACHE_HOME"] = root
	dir := filepath.Join(root, "cognito-srp")
	s.runAs(t, id, id)

	s.run("token").want(t, exitOK)
	logins := srv.Calls("RespondToAuthChallenge")
	s.run("token").want(t, exitOK)
	if n := srv.Calls("RespondToAuthChallenge"); n != logins {
		t.Errorf("%d logins after the first: the cache was not used", n-logins)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("the cache directory: %v, %v; want mode 0700", fi, err)
	}
	if err := os.Chmod(dir, 0o770); err != nil {
		t.Fatal(err)
	}
	s.run("token").want(t, exitError, "the token cache's directory "+dir+" has mode 0770")
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	s.run("sign-out").want(t, exitOK)
}

// TestCacheDirectorySymlinkTarget: a cache directory that is a symbolic
// link is refused when the directory its target lies in lets others
// write without the sticky bit, as XDG_CACHE_HOME set to that directory
// is: they could swap the target for one of theirs between the check and
// the read. Only the directory above the link was checked.
func TestCacheDirectorySymlinkTarget(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	root := filepath.Join(s.home, "cache")
	scratch := filepath.Join(s.home, "scratch")
	for _, d := range []string{root, scratch} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	s.env["XDG_CACHE_HOME"] = root
	target := filepath.Join(scratch, "cognito-srp")
	if err := os.Mkdir(target, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(root, "cognito-srp")); err != nil {
		t.Fatal(err)
	}
	s.run("token").want(t, exitOK)
	if err := os.Chmod(scratch, 0o777); err != nil {
		t.Fatal(err)
	}
	real, err := filepath.EvalSymlinks(scratch) // as the message names it (macOS's /tmp is a link)
	if err != nil {
		t.Fatal(err)
	}
	s.run("token").want(t, exitError, "the directory "+real+", which holds the token cache's, has mode 0777", "chmod go-w "+real)
	if err := os.Chmod(scratch, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	s.run("token").want(t, exitOK)
}

// TestCacheDirectoryInEmptyDir: XDG_CACHE_HOME set to a Kubernetes
// emptyDir volume, which the kubelet makes root's with mode 0777 and no
// sticky bit, in a pod that runs as another user. The command refuses it,
// as any directory others can write; the fix it names must be one that
// user can make: a directory of its own in the volume, which then works.
// It said "run chmod go-w" of a directory that user cannot change.
func TestCacheDirectoryInEmptyDir(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root, to give the volume to root and run the command as another user")
	}
	srv := newEmulator(t, cognitotest.Config{})
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	s.runAs(t, nobody, nobody)
	volume := filepath.Join(s.home, "volume")
	if err := os.Mkdir(volume, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(volume, 0o777); err != nil { // whatever the umask
		t.Fatal(err)
	}
	s.env["XDG_CACHE_HOME"] = volume
	own := filepath.Join(volume, "cache")
	r := s.run("token")
	r.want(t, exitError, "the directory "+volume+", which holds the token cache's, has mode 0777", "mkdir -m 700 "+own)
	if strings.Contains(r.stderr, "chmod") {
		t.Errorf("the hint names a chmod the user cannot run: %q", r.stderr)
	}
	if err := os.Mkdir(own, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(own, nobody, nobody); err != nil {
		t.Fatal(err)
	}
	s.env["XDG_CACHE_HOME"] = own
	s.run("token").want(t, exitOK)
}
