// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build unix

package main

import (
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// checkCacheDir refuses the token cache's directory dir when a user other
// than this one could put files in it or swap it for one of theirs, as
// ssh refuses a ~/.ssh that others can write: another user could remove
// or swap this user's token and device files, and tokens planted there
// (the attacker's own, which root reads though they are not its) would
// have root's requests act as the attacker's account. With a shared
// XDG_CACHE_HOME=/tmp, another user could create /tmp/cognito-srp first;
// a cache directory of mode 0777 lets anyone replace its files.
//
// The rule: dir, and the symbolic link dir may be, belong to this user or
// root and, being a directory, let no group or other user write to it; the
// directory above it lets no group or other user write to it, unless it has
// the sticky bit (as /tmp has), which keeps others from renaming or
// removing what is not theirs; so does the directory the link's target
// lies in. Group write is no one else's where the group is this user's
// private one (privateGroup): Debian 13's users, and others where
// pam_umask has its default, get umask 002 and a ~/.cache of mode 0775
// from any tool that makes it, which upstream ssh's rule would refuse,
// and with it every run (Debian's OpenSSH lifts it too, by its patch
// user-group-modes.patch, "Allow harmless group-writability"). That
// directory's owner is not checked: a CI job in a container runs as root in
// a workspace of the runner's user, whose XDG_CACHE_HOME=$RUNNER_TEMP would
// be refused. Nor are the directories above it: ssh stops at the home
// directory, and the command knows of none. A dir that does not exist yet
// passes: the save creates it with mode 0700, or, in a directory others
// can write, checkCacheDir does, so that no one else can make it first.
// What cannot be read is left to the read or the save that follows, whose
// errors say how to do without the cache.
func checkCacheDir(dir string) error {
	shared, err := checkCacheParent(filepath.Dir(dir))
	if err != nil {
		return err
	}
	if shared {
		// A sticky directory others may write to (/tmp): a dir not there
		// yet would pass, and another user could make it, with tokens of
		// theirs, between this check and the read that follows. Made now,
		// it is this user's; one that exists is checked below, and one
		// that cannot be made is left to the save.
		os.Mkdir(dir, 0o700)
	}
	euid := os.Geteuid()
	for _, stat := range []func(string) (fs.FileInfo, error){os.Lstat, os.Stat} {
		fi, err := stat(dir)
		if err != nil {
			return nil
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != euid && st.Uid != 0 {
			fix := "have it removed, or use another cache directory"
			if euid == 0 {
				// Most likely sudo kept the HOME of the user who ran
				// it (macOS's does, Ubuntu's did before 19.10): the
				// directory is that user's, not to be removed.
				fix = "if you ran this through sudo, which may keep your HOME, use sudo -H; otherwise have it removed, or use another cache directory"
			}
			return &cacheDirError{fmt.Sprintf("the token cache's directory %s belongs to another user (uid %d), who can put tokens of theirs in it: %s",
				dir, st.Uid, fix)}
		}
		if fi.IsDir() && othersCanWrite(fi) {
			return &cacheDirError{fmt.Sprintf("the token cache's directory %s has mode %04o, which lets other users put tokens of theirs in it: run chmod 700 %s",
				dir, fi.Mode().Perm(), dir)}
		}
	}
	// Where dir is a symbolic link, whoever can write to the directory
	// its target lies in can swap the target as well.
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		_, err := checkCacheParent(filepath.Dir(real))
		return err
	}
	return nil
}

// checkCacheParent refuses parent, a directory that holds the cache's,
// when others can write to it and it lacks the sticky bit. It reports
// whether others can write to it (shared, sticky then).
func checkCacheParent(parent string) (shared bool, err error) {
	fi, err := os.Stat(parent)
	if err != nil || !othersCanWrite(fi) {
		return false, nil
	}
	if fi.Mode()&fs.ModeSticky == 0 {
		fix := "run chmod go-w " + parent
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
			// Not this user's to chmod: a Kubernetes emptyDir volume is
			// root's, of mode 0777, in a pod that runs as another user.
			// A directory of its own in it passes, as no directory above
			// the cache's parent is checked (see checkCacheDir): those
			// who can write to the volume, there the pod's other
			// containers, could still swap it between check and read.
			own := filepath.Join(parent, "cache")
			fix = "make a directory of your own in it (mkdir -m 700 " + own + ") and set XDG_CACHE_HOME to " + own
		}
		return true, &cacheDirError{fmt.Sprintf("the directory %s, which holds the token cache's, has mode %04o without the sticky bit, which lets other users replace the cache: %s",
			parent, fi.Mode().Perm(), fix)}
	}
	return true, nil
}

// othersCanWrite reports whether fi's mode lets a user other than its
// owner write to it: other users' write bit, or the group's unless the
// group is this user's private group.
func othersCanWrite(fi fs.FileInfo) bool {
	perm := fi.Mode().Perm()
	if perm&0o002 != 0 {
		return true
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return perm&0o020 != 0 && !(ok && privateGroup(uint64(st.Gid)))
}

// privateGroup reports whether gid is this user's private group: the user's
// primary group (from the user database, not the process's group, which
// newgrp changes), named as the user is, the user not root. That is the
// rule by which pam_umask gives a user umask 002 rather than 022
// (pam_umask(8), "usergroups": "If the user is not root and the username is
// the same as primary group name, the umask group bits are set to be the
// same as owner bits"; on by default where /etc/login.defs sets
// USERGROUPS_ENAB yes, as Debian's does), and Debian enables pam_umask so
// from Debian 13, trixie (wiki.debian.org/Debate/umask: "if user primary
// group is their User Private Group then umask is 002"). Ubuntu's pam_umask
// page describes the same default; that Ubuntu's PAM settings enable the
// module is not confirmed here. login.defs's own comment adds "the uid is
// the same as gid", which pam_umask no longer requires, nor does this. Such
// a group has no other member unless an administrator added one, who could
// give that user the files anyway (Debian's ssh patch also checks that the
// group has no other member, which os/user cannot list: not done here); a
// shared primary group (macOS's staff, a group named users) is named
// otherwise and stays refused. A lookup that fails refuses group write,
// as before: a user known only to a directory service that a build
// without cgo cannot ask, or a container's user missing from /etc/passwd
// (LookupId, unlike user.Current, does not fall back on $USER). A cache
// directory no group can write, as the save makes it, asks no lookup.
func privateGroup(gid uint64) bool {
	euid := os.Geteuid()
	if euid == 0 {
		return false
	}
	u, err := user.LookupId(strconv.Itoa(euid))
	if err != nil || u.Gid != strconv.FormatUint(gid, 10) {
		return false
	}
	g, err := user.LookupGroupId(u.Gid)
	return err == nil && g.Name == u.Username
}
