// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build unix

package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

// nobody is the user id and group id the command runs as in a test that
// needs a user other than root.
const nobody = 65534

// notRoot makes s's later runs those of a user other than root where the
// tests run as root (CI's do), who reads and writes any file whatever its
// mode: a test of a file the command cannot read, or of a directory it
// cannot write, tested nothing there. The runs are then nobody's, whom
// the sandbox's home, as it is now, is given, and whom the directories
// above it and the binary's let through. It skips t where root cannot
// give nobody the home or start a process as nobody (a user namespace
// that maps no such user, a container without the capability), or where
// a directory above the home, not the test's, keeps other users out.
func (s *sandbox) notRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		return
	}
	s.runAs(t, nobody, nobody)
}

// runAs makes s's later runs those of user uid with group gid, as notRoot
// does for nobody, and skips t where it cannot; the test runs as root.
func (s *sandbox) runAs(t *testing.T, uid, gid int) {
	t.Helper()
	// t.TempDir's parent is the test's own, of mode 0700, and so is the
	// binary's directory when TestMain built it; the directories above
	// them are not. A binary COGNITO_SRP_TEST_BINARY names lies where
	// its user put it (the package's directory, say), which no test may
	// change: the run below tells whether the user can start it.
	dirs := []string{filepath.Dir(s.home)}
	if os.Getenv("COGNITO_SRP_TEST_BINARY") == "" {
		dirs = append(dirs, filepath.Dir(binary))
	}
	for _, dir := range dirs {
		if err := os.Chmod(dir, 0o711); err != nil {
			t.Fatal(err)
		}
		for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
			if fi, err := os.Stat(d); err != nil || fi.Mode()&0o001 == 0 {
				t.Skipf("%s keeps other users than root out: %v", d, err)
			}
			if d == filepath.Dir(d) {
				break
			}
		}
	}
	err := filepath.WalkDir(s.home, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := os.Lchown(path, uid, gid); err != nil {
			t.Skipf("cannot give the sandbox to user %d: %v", uid, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s.sysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
	// Not s.run, which fails t when the process cannot start.
	cmd := exec.Command(binary, "help")
	cmd.SysProcAttr = s.sysProcAttr
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("cannot run the command as user %d: %v, %s", uid, err, out)
	}
}
