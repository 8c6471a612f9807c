// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// trackingPool is a pool with device tracking whose tokens are due for
// renewal a second after they are issued.
var trackingPool = cognitotest.Config{DeviceTracking: true, AccessTokenLifetime: 2 * time.Second, IDTokenLifetime: 2 * time.Second}

// deviceFiles returns the device files in the sandbox's cache.
func (s *sandbox) deviceFiles() []string {
	files, _ := filepath.Glob(filepath.Join(s.cacheDir(), "*.device.json"))
	return files
}

// wantOneDevice checks that alice has one device, confirmed, named so that
// she recognises it in her list of devices, and kept in one file of mode
// 0600 beside the token cache.
func wantOneDevice(t *testing.T, srv *cognitotest.Server, s *sandbox) cognitotest.Device {
	t.Helper()
	devs := srv.Devices("alice")
	if len(devs) != 1 || !devs[0].Confirmed || devs[0].Name != "cognito-srp" {
		t.Fatalf("alice's devices: %+v, want one confirmed, named cognito-srp", devs)
	}
	files := s.deviceFiles()
	if len(files) != 1 {
		t.Fatalf("%d device files in the cache, want 1", len(files))
	}
	fi, err := os.Stat(files[0])
	if err != nil {
		t.Fatal(err)
	}
	// Windows has access lists, not modes: os.Stat says 0666.
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("device file mode %v, want 0600", fi.Mode().Perm())
	}
	// The directory too: in a pool with device tracking, the device
	// file's check that it can be written creates it first.
	if di, err := os.Stat(filepath.Dir(files[0])); err != nil {
		t.Error(err)
	} else if runtime.GOOS != "windows" && di.Mode().Perm() != 0o700 {
		t.Errorf("cache directory mode %v, want 0700", di.Mode().Perm())
	}
	return devs[0]
}

// TestTokenRenewsInDeviceTrackingPool: in a pool with device tracking,
// Cognito refuses a refresh token until the device issued with it is
// confirmed. The command confirms it and keeps it beside the token cache,
// so that a later run renews the cached tokens without the password, as
// token and request do in any other pool; before, every renewal failed
// ("no usable cached tokens").
func TestTokenRenewsInDeviceTrackingPool(t *testing.T) {
	t.Parallel()
	srv, s := cacheDue(t, trackingPool, "alice")
	r := s.run("token")
	r.want(t, exitOK)
	if _, err := srv.VerifyAccessToken(strings.TrimSpace(r.stdout)); err != nil {
		t.Fatal(err)
	}
	if n := srv.Calls("RespondToAuthChallenge"); n != 1 {
		t.Errorf("%d logins, want 1 and a renewal", n)
	}
	wantOneDevice(t, srv, s)

	// request renews the same way.
	api := newAPI(t, srv)
	time.Sleep(1100 * time.Millisecond)
	s.run("request", api+"/x").want(t, exitOK)
	if n := srv.Calls("RespondToAuthChallenge"); n != 1 {
		t.Errorf("request: %d logins, want 1", n)
	}
}

// TestTokenKeepsOneDevice: runs that renew, and a login once the refresh
// token was revoked, all use the one device the first login confirmed.
// Before, each run that found its tokens due logged in again with the
// password, and each login left one more device in the user's list.
func TestTokenKeepsOneDevice(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, trackingPool)
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	for range 3 {
		s.run("token").want(t, exitOK)
		time.Sleep(1100 * time.Millisecond)
	}
	first := wantOneDevice(t, srv, s)
	srv.SignOut("alice")
	s.run("token").want(t, exitOK)
	if dev := wantOneDevice(t, srv, s); dev.Key != first.Key {
		t.Errorf("the login after the sign-out changed the device")
	}
	if n := srv.Calls("RespondToAuthChallenge"); n != 1+3 {
		// The first login answers PASSWORD_VERIFIER; the one after the
		// sign-out that and the device's two challenges.
		t.Errorf("%d RespondToAuthChallenge calls, want 4: one password login and one with the device", n)
	}
}

// TestTokenDeviceForgotten: a device an administrator forgot (or the user,
// from another client) is dropped from the device file at the next login,
// which confirms a new one: the user is left with one device again.
func TestTokenDeviceForgotten(t *testing.T) {
	t.Parallel()
	srv, s := signedIn(t, trackingPool)
	old := wantOneDevice(t, srv, s)
	if err := srv.ForgetDevice(old.Key); err != nil {
		t.Fatal(err)
	}
	srv.SignOut("alice")
	time.Sleep(1100 * time.Millisecond) // for the cached tokens to be due
	s.run("token").want(t, exitOK)
	if dev := wantOneDevice(t, srv, s); dev.Key == old.Key {
		t.Errorf("the forgotten device is still in use")
	}
	// Its tokens renew.
	delete(s.env, "COGNITO_PASSWORD")
	time.Sleep(1100 * time.Millisecond)
	s.run("token").want(t, exitOK)
}

// TestTokenDeviceOptIn: in a pool that remembers a device only when the
// user opts in, the command opts in (the consent -no-device withholds),
// and renewals work there too.
func TestTokenDeviceOptIn(t *testing.T) {
	t.Parallel()
	pool := trackingPool
	pool.DeviceOnlyRememberedOnUserPrompt = true
	srv, s := cacheDue(t, pool, "alice")
	s.run("token").want(t, exitOK)
	if dev := wantOneDevice(t, srv, s); !dev.Remembered || srv.Calls("UpdateDeviceStatus") != 1 {
		t.Errorf("device remembered %v after %d UpdateDeviceStatus calls, want it remembered", dev.Remembered, srv.Calls("UpdateDeviceStatus"))
	}

	// -no-device neither confirms nor opts in, in a sandbox of its own.
	calls := srv.Calls("ConfirmDevice") + srv.Calls("UpdateDeviceStatus")
	s = newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	s.run("token", "-no-device").want(t, exitOK)
	if n := srv.Calls("ConfirmDevice") + srv.Calls("UpdateDeviceStatus"); n != calls || len(s.deviceFiles()) != 0 {
		t.Errorf("-no-device: %d device calls, %d device files", n-calls, len(s.deviceFiles()))
	}
}

// TestTokenNoDevice: with -no-device the command behaves as before it
// kept devices: no device confirmed or kept, and in a pool with device
// tracking no renewal either (without the password the run fails, with it
// the run logs in again, and Cognito issues another device). -no-cache
// keeps no device either: one confirmed by each run and then lost would
// fill the user's list of devices with confirmed ones.
func TestTokenNoDevice(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, trackingPool)
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	s.run("token", "-no-device").want(t, exitOK)
	time.Sleep(1100 * time.Millisecond)
	s.run("token", "-no-device").want(t, exitOK)
	delete(s.env, "COGNITO_PASSWORD")
	time.Sleep(1100 * time.Millisecond)
	s.run("token", "-no-device").want(t, exitError, "no usable cached tokens")
	s.env["COGNITO_PASSWORD"] = "pw-alice-123"
	s.run("token", "-no-cache").want(t, exitOK)
	if n := srv.Calls("RespondToAuthChallenge"); n != 3 {
		t.Errorf("%d logins, want 3", n)
	}
	if n := srv.Calls("ConfirmDevice"); n != 0 || len(s.deviceFiles()) != 0 || len(srv.Devices("alice")) != 3 {
		t.Errorf("%d ConfirmDevice calls, %d device files, %d devices issued; want 0, 0, 3", n, len(s.deviceFiles()), len(srv.Devices("alice")))
	}
}

// TestNoDeviceDocumented: token -h, request -h and the command's README.md
// say what -no-device does: a pool with device tracking then renews
// nothing, and without it the command opts in where users must, which
// spares this machine MFA.
func TestNoDeviceDocumented(t *testing.T) {
	t.Parallel()
	shell := readmeShell(t)
	s := newSandbox(t)
	docs := map[string]string{"README": strings.Join(strings.Fields(shell), " ")}
	for _, cmd := range []string{"token", "request"} {
		docs[cmd+" -h"] = strings.Join(strings.Fields(s.run(cmd, "-h").stderr), " ")
	}
	for name, doc := range docs {
		for _, want := range []string{"-no-device", "device tracking", "MFA", "cognito-srp"} {
			if !strings.Contains(doc, want) {
				t.Errorf("%s does not say %q", name, want)
			}
		}
	}
}

// TestUnusableCacheSaysNoCacheForDevice: in a pool with device tracking,
// a cache directory that cannot be written fails the run before its
// login, at the device file: that error too says it is the token cache's
// and how to run without it. Before the login, not after Cognito
// confirmed the device it could not keep: a script run again and again
// (cron, a container restarting) left one confirmed device in the user's
// list per run.
func TestUnusableCacheSaysNoCacheForDevice(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		t.Skip("XDG_CACHE_HOME and symbolic links as on Linux")
	}
	srv := newEmulator(t, trackingPool)
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	dangling := filepath.Join(s.home, "cache")
	if err := os.Symlink(filepath.Join(s.home, "gone", "cache"), dangling); err != nil {
		t.Fatal(err)
	}
	s.env["XDG_CACHE_HOME"] = dangling
	for range 3 {
		s.run("token").want(t, exitError, "device", "token cache", "-no-cache")
	}
	if n := srv.Calls("ConfirmDevice"); n != 0 {
		t.Errorf("%d devices confirmed and lost, want 0", n)
	}
	// Nor is a file left behind where the cache can be written.
	s.env["XDG_CACHE_HOME"] = filepath.Join(s.home, ".cache")
	s.run("token").want(t, exitOK)
	entries, err := os.ReadDir(filepath.Dir(s.deviceFiles()[0]))
	if err != nil || len(entries) != 2 {
		t.Errorf("cache directory: %v, %v; want the token file and the device file", entries, err)
	}
}

// TestCacheDirNotWritable: in a pool with device tracking, a cache
// directory that exists but cannot be written (mode 0500; root writes it
// anyway, so the run is another user's: notRoot) fails the run before its login,
// as one that cannot be created does: status 1, the directory's error,
// the token cache and -no-cache named, no device confirmed and lost.
func TestCacheDirNotWritable(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("needs Unix modes")
	}
	srv := newEmulator(t, trackingPool)
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	if err := os.MkdirAll(s.cacheDir(), 0o700); err != nil {
		t.Fatal(err)
	}
	s.notRoot(t)
	if err := os.Chmod(s.cacheDir(), 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(s.cacheDir(), 0o700) // for t.TempDir's removal
	r := s.run("token")
	r.want(t, exitError, "cognito-srp token: ", s.cacheDir(), "permission denied", "(the token cache; "+cacheHint()+")")
	if n := srv.Calls("InitiateAuth"); n != 0 {
		t.Errorf("%d logins, want none", n)
	}
	if entries, _ := os.ReadDir(s.cacheDir()); len(entries) != 0 {
		t.Errorf("the cache directory holds %d files", len(entries))
	}
	s.run("token", "-no-cache").want(t, exitOK)
}

// TestDeviceFileErrorSaysNoDevice: an error of the device file itself
// (here a directory in its place, which the command cannot replace) names
// -no-device, which runs without that file and keeps the token cache, and
// -no-device indeed gets past it. Before, it named -no-cache, which gives
// up the token cache too.
func TestDeviceFileErrorSaysNoDevice(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, trackingPool)
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	s.run("token", "-no-device").want(t, exitOK)
	tokens := s.cacheFile(t)
	if err := os.Remove(tokens); err != nil {
		t.Fatal(err)
	}
	device := strings.TrimSuffix(tokens, ".json") + ".device.json"
	if err := os.MkdirAll(filepath.Join(device, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	r := s.run("token")
	r.want(t, exitError, "device file", "-no-device runs without it")
	if strings.Contains(r.stderr, "-no-cache") {
		t.Errorf("the device file's error names -no-cache: %s", r.stderr)
	}
	s.run("token", "-no-device").want(t, exitOK)
}

// TestDeviceFileUnreadable: a device file the command cannot read for
// another reason than its contents (a symbolic link to itself; mode 000,
// run as another user than root: notRoot) fails the run before its login,
// with status 1, naming the file and -no-device, and the file stays: it
// may hold the device, which a save would overwrite. A damaged file holds
// none and is replaced, but this one is no format's fault. So does a
// directory that is not empty, which reads as damaged but which the save
// cannot replace: before, the login went ahead, Cognito confirmed a
// device, and the save failed, one lost device in the user's list per run.
func TestDeviceFileUnreadable(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "plan9" {
		t.Skip("symbolic links and modes as on Unix")
	}
	for _, how := range []string{"symlink loop", "non-empty directory", "mode 000"} {
		if runtime.GOOS == "windows" && how != "non-empty directory" {
			continue // symbolic links and modes as on Unix
		}
		srv, s := signedIn(t, trackingPool)
		wantOneDevice(t, srv, s)
		device := s.deviceFiles()[0]
		tokens := strings.TrimSuffix(device, ".device.json") + ".json"
		// Without tokens the next run logs in, which reads the device.
		if err := os.Remove(tokens); err != nil {
			t.Fatal(err)
		}
		var want string
		if how == "mode 000" {
			if err := os.Chmod(device, 0); err != nil {
				t.Fatal(err)
			}
			s.notRoot(t) // root reads it anyway
			want = "permission denied"
		} else if how == "non-empty directory" {
			// Read as damaged, but the save cannot replace it.
			if err := os.Remove(device); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Join(device, "kept"), 0o700); err != nil {
				t.Fatal(err)
			}
			want = dirNotEmptyText(t)
		} else {
			if err := os.Remove(device); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(filepath.Base(device), device); err != nil {
				t.Fatal(err)
			}
			want = "too many levels of symbolic links"
		}
		r := s.run("token")
		r.want(t, exitError, "cognito-srp token: ", device, want, "(the token cache's device file; -no-device runs without it)")
		if r.stdout != "" || strings.Contains(r.stderr, "pw-alice-123") {
			t.Errorf("%s: stdout %q, stderr %q", how, r.stdout, r.stderr)
		}
		if n := srv.Calls("InitiateAuth"); n != 1 {
			t.Errorf("%s: %d logins, want the first alone", how, n)
		}
		if fi, err := os.Lstat(device); err != nil || (how == "symlink loop") != (fi.Mode()&os.ModeSymlink != 0) {
			t.Errorf("%s: the device file is now %v, %v", how, fi, err)
		}
		if _, err := os.Stat(tokens); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: a token file was saved: %v", how, err)
		}
		s.run("token", "-no-device").want(t, exitOK)
	}
}

// TestNoDeviceKeepsDeviceFile: -no-device neither reads nor writes the
// device file, so one an earlier run kept stays, byte for byte, through a
// login with -no-device, and runs without the flag log in with it again
// (no second device confirmed). Deleting it would leave the device in the
// user's list, of no use to anyone; sign-out forgets it properly. The
// package doc says so.
func TestNoDeviceKeepsDeviceFile(t *testing.T) {
	t.Parallel()
	srv, s := signedIn(t, trackingPool)
	first := wantOneDevice(t, srv, s)
	before, err := os.ReadFile(s.deviceFiles()[0])
	if err != nil {
		t.Fatal(err)
	}
	// The next runs log in: without a token file, not only once the
	// cached tokens are due, which a run within a second of the first
	// did not find, and so tested nothing.
	tokens := strings.TrimSuffix(s.deviceFiles()[0], ".device.json") + ".json"
	if err := os.Remove(tokens); err != nil {
		t.Fatal(err)
	}
	s.run("token", "-no-device").want(t, exitOK)
	after, err := os.ReadFile(s.deviceFiles()[0])
	if err != nil || string(after) != string(before) {
		t.Errorf("-no-device changed the device file: %v", err)
	}
	if err := os.Remove(tokens); err != nil {
		t.Fatal(err)
	}
	s.run("token").want(t, exitOK)
	if n := srv.Calls("RespondToAuthChallenge"); n < 3 {
		t.Fatalf("%d RespondToAuthChallenge calls: the runs did not all log in", n)
	}
	if n := srv.Calls("ConfirmDevice"); n != 1 {
		t.Errorf("%d devices confirmed, want the first alone", n)
	}
	// The -no-device login was issued a device it never confirmed (the
	// emulator keeps those); the confirmed one is the first.
	var confirmed []cognitotest.Device
	for _, d := range srv.Devices("alice") {
		if d.Confirmed {
			confirmed = append(confirmed, d)
		}
	}
	if len(confirmed) != 1 || confirmed[0].Key != first.Key {
		t.Errorf("alice's confirmed devices: %+v, want the first alone", confirmed)
	}
	if c, err := cognitosrp.ParseUnverified(s.cachedTokens(t).AccessToken); err != nil || c.Raw["device_key"] != first.Key {
		t.Errorf("the login without -no-device did not use the kept device: %v", err)
	}
	if !strings.Contains(packageDoc(t), `"-no-device" leaves a device file an earlier run kept as it is, for runs without it`) {
		t.Error("the package doc does not say what -no-device does to a device file kept before")
	}
}

// TestTokenDeviceFileDamaged: a device file the command cannot read
// (damaged, or written by another version) is only a cache, as the token
// file is: the next login passes over it and its save replaces it, and
// the runs after it renew with the new device. Before, every login failed
// on it ("loading the remembered device: … is not a device file") until
// the user found the file and removed it.
func TestTokenDeviceFileDamaged(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, trackingPool)
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	for _, content := range []string{"garbage", `{"version": 99}`} {
		s.run("token").want(t, exitOK)
		files := s.deviceFiles()
		if len(files) != 1 {
			t.Fatalf("%d device files", len(files))
		}
		if err := os.WriteFile(files[0], []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		srv.SignOut("alice") // the next run logs in
		time.Sleep(1100 * time.Millisecond)
		s.run("token").want(t, exitOK)
		data, err := os.ReadFile(files[0])
		if err != nil || !strings.Contains(string(data), `"device_password"`) {
			t.Fatalf("%s: the device file was not replaced: %q, %v", content, data, err)
		}
		// The new device renews the tokens without the password.
		delete(s.env, "COGNITO_PASSWORD")
		time.Sleep(1100 * time.Millisecond)
		s.run("token").want(t, exitOK)
		s.env["COGNITO_PASSWORD"] = "pw-alice-123"
	}
}

// TestTokenDeviceFileDamagedKeptOnFailedLogin: a device file the command
// cannot read, but a regular file (damaged, or another version's, which
// may hold a device), is replaced only by the save after a login: a login
// that fails leaves it as it was. A directory in its place is removed
// before the login (replaceable); a file must not be.
func TestTokenDeviceFileDamagedKeptOnFailedLogin(t *testing.T) {
	t.Parallel()
	_, s := signedIn(t, trackingPool)
	files := s.deviceFiles()
	if len(files) != 1 {
		t.Fatalf("%d device files", len(files))
	}
	tokens := strings.TrimSuffix(files[0], ".device.json") + ".json"
	for _, content := range []string{"garbage", `{"version": 99}`} {
		if err := os.WriteFile(files[0], []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		// No token file: the next run logs in.
		if err := os.Remove(tokens); err != nil && !errors.Is(err, fs.ErrNotExist) { // gone after the first round
			t.Fatal(err)
		}
		s.env["COGNITO_PASSWORD"] = "wrong-password"
		s.run("token").want(t, exitError, "wrong username or password")
		if data, err := os.ReadFile(files[0]); err != nil || string(data) != content {
			t.Errorf("%s: after a failed login the device file holds %q, %v", content, data, err)
		}
	}
}

// TestFlagUsageOnePhrase: each flag's usage in -h is one phrase of at
// most a line and a half, as the flag package's output expects (it
// indents the usage on a line of its own and does not wrap it); the
// command's doc and README give the details. -no-device's was three
// sentences on one 360-character line, whose "Without it" could be read as
// "without -no-device".
func TestFlagUsageOnePhrase(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	sentence := regexp.MustCompile(`\. [A-Z]`)
	for _, cmd := range []string{"token", "request", "claims", "emulate", "demo", "sign-out"} {
		for _, line := range strings.Split(s.run(cmd, "-h").stderr, "\n") {
			usage, ok := strings.CutPrefix(line, "    \t")
			if !ok {
				continue
			}
			if len(usage) > 170 || sentence.MatchString(usage) {
				t.Errorf("%s -h: a flag's usage is not one short phrase (%d bytes): %s", cmd, len(usage), usage)
			}
		}
	}
}
