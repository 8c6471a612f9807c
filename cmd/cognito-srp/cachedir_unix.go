// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build unix

package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// checkCacheDir refuses the token cache's directory dir when a user other
// than this one could put files in it or swap it for one of theirs, as
// ssh refuses a ~/.ssh that others can write: tokens planted there (the
// attacker's own) would have this user's requests act as the attacker's
// account, and a planted device file would be logged in with. With a
// shared XDG_CACHE_HOME=/tmp, another user could create /tmp/cognito-srp
// first; a cache directory of mode 0777 lets anyone replace its files.
//
// The rule: dir, and the symbolic link dir may be, belong to this user or
// root and, being a directory, let no group or other user write to it;
// the directory above it lets no group or other user write to it, unless
// it has the sticky bit (as /tmp has), which keeps others from renaming
// or removing what is not theirs. That directory's owner is not checked:
// a CI job in a container runs as root in a workspace of the runner's
// user, whose XDG_CACHE_HOME=$RUNNER_TEMP would be refused. Nor are the
// directories above it: ssh stops at the home directory, and the command
// knows of none. A dir that does not exist yet passes: the save creates
// it with mode 0700. What cannot be read is left to the read or the save
// that follows, whose errors say how to do without the cache.
func checkCacheDir(dir string) error {
	parent := filepath.Dir(dir)
	if fi, err := os.Stat(parent); err == nil && fi.Mode()&0o022 != 0 && fi.Mode()&fs.ModeSticky == 0 {
		return &cacheDirError{fmt.Sprintf("the directory %s, which holds the token cache's, has mode %04o without the sticky bit, which lets other users replace the cache: run chmod go-w %s",
			parent, fi.Mode().Perm(), parent)}
	}
	euid := os.Geteuid()
	for _, stat := range []func(string) (fs.FileInfo, error){os.Lstat, os.Stat} {
		fi, err := stat(dir)
		if err != nil {
			return nil
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != euid && st.Uid != 0 {
			return &cacheDirError{fmt.Sprintf("the token cache's directory %s belongs to another user (uid %d), who can put tokens of theirs in it: have it removed, or use another cache directory",
				dir, st.Uid)}
		}
		if perm := fi.Mode().Perm(); fi.IsDir() && perm&0o022 != 0 {
			return &cacheDirError{fmt.Sprintf("the token cache's directory %s has mode %04o, which lets other users put tokens of theirs in it: run chmod 700 %s",
				dir, perm, dir)}
		}
	}
	return nil
}
