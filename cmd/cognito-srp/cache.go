// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/gocognito/cognitosrp"
)

// The token cache keeps one cognitosrp.FileStore file per endpoint, pool,
// client and user in os.UserCacheDir()/cognito-srp. The files hold refresh
// tokens: FileStore writes them 0600 (in a directory it creates 0700; one
// that exists keeps its mode) and refuses one that others can read, since
// someone may have copied it there, or that another user owns (on Unix),
// since that user may have planted it; checkCacheDir refuses, on Unix, a
// directory where others could put files of theirs.

// cacheStore returns the token file of conn; it creates nothing yet (but
// the directory, in one others can write: see checkCacheDir). Its
// error says no more than what failed: sign-out has no -no-cache to offer.
// It refuses (*cacheDirError) a cache directory others could put files
// in (checkCacheDir), on every run: the directory may change between
// runs, and neither reading the tokens nor writing them is safe there.
func cacheStore(conn *connection) (*cognitosrp.FileStore, error) {
	dir, err := cacheDir()
	if err != nil {
		return nil, fmt.Errorf("finding the cache directory: %w", err)
	}
	if err := checkCacheDir(dir); err != nil {
		return nil, err
	}
	// NUL cannot occur in any of the parts, so distinct connections never
	// share a name.
	sum := sha256.Sum256([]byte(conn.endpoint + "\x00" + conn.poolID + "\x00" + conn.clientID + "\x00" + conn.username))
	return cognitosrp.NewFileStore(filepath.Join(dir, hex.EncodeToString(sum[:cacheNameBytes])+".json")), nil
}

// cacheDir returns the token cache's directory (see cacheStore).
func cacheDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "cognito-srp"), nil
}

// cacheNameBytes is how many bytes of the SHA-256 name a token file.
const cacheNameBytes = 16

// cacheFileName reports whether name is one cacheStore gives a token
// file: what else the directory holds (a program's own FileStore file,
// the device files, FileStore's temporary files) is not the command's
// token file.
func cacheFileName(name string) bool {
	sum, ok := strings.CutSuffix(name, ".json")
	return ok && len(sum) == 2*cacheNameBytes && strings.Trim(sum, "0123456789abcdef") == ""
}

// cacheDirError is checkCacheDir's refusal of the cache directory, whose
// text names the directory and says what to do.
type cacheDirError struct{ msg string }

func (e *cacheDirError) Error() string { return e.msg }

// deviceName names the device the command confirms in the user's list of
// devices (the AWS console, ListDevices), where the user should recognise
// it. Not the host name: that would put the machine's name in the pool's
// records, for its administrators and the user's other devices to read.
const deviceName = "cognito-srp"

// cacheDevices returns the DeviceTracker of the connection whose token
// file is tokens, which keeps its device in a file beside that one (see
// -no-device). In a pool with device tracking, Cognito binds each refresh
// token to the device it issued with it and renews it only once that
// device is confirmed: the token cache is of no use there without the
// device. One device file per token file, as FileDeviceStore takes no
// lock: runs for other users or app clients never write the same file.
func cacheDevices(tokens *cognitosrp.FileStore) cognitosrp.DeviceTracker {
	return cognitosrp.RememberDevices(deviceFile{cognitosrp.NewFileDeviceStore(deviceFilePath(tokens))}, deviceName)
}

// deviceFilePath returns the path of the device file beside the token
// file tokens.
func deviceFilePath(tokens *cognitosrp.FileStore) string {
	return strings.TrimSuffix(tokens.Path(), ".json") + ".device.json"
}

// deviceFile is the device file of the token cache. Its errors say, as the
// token file's do, how to run without it (deviceError), or without the
// cache when its directory cannot be written (cacheError): the device's
// save after a login would be the first to fail there. Like the token
// file, it is only a cache: one the command cannot read (damaged, or
// another version's) holds no device, and the next save replaces it, or
// every login would fail on it.
type deviceFile struct{ *cognitosrp.FileDeviceStore }

func (d deviceFile) LoadDevice(ctx context.Context, owner cognitosrp.DeviceOwner) (*cognitosrp.Device, error) {
	dev, err := d.FileDeviceStore.LoadDevice(ctx, owner)
	if errors.Is(err, cognitosrp.ErrStoreFormat) {
		dev, err = nil, replaceable(d.Path())
	}
	if err != nil {
		return nil, deviceError(err)
	}
	if dev == nil {
		// The login may be issued a device, which Cognito confirms
		// before the save: a file that cannot be written would fail the
		// run only then, leaving the user one more confirmed device per
		// run. So try the directory first, with a file named as
		// FileDeviceStore names its temporary ones (which it sweeps).
		// The directory is the token file's too: -no-device would not
		// get past it.
		return nil, cacheError(canWrite(d.Path()))
	}
	return dev, nil
}

// replaceable reports why the unreadable thing at path, which SaveDevice
// would remove, cannot be removed (nil if it can). A directory is removed
// now, if empty (it holds no device): one that is not would fail the save
// only after Cognito confirmed the login's device, one lost device per
// run. A file is left for the save to replace: a login that fails keeps
// it.
func replaceable(path string) error {
	if fi, err := os.Lstat(path); err != nil || !fi.IsDir() {
		return nil
	}
	return os.Remove(path)
}

// canWrite reports why a file cannot be written beside path (nil if it
// can), creating the missing directories as a save would.
func canWrite(path string) error {
	dir, base := filepath.Split(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}

func (d deviceFile) SaveDevice(ctx context.Context, owner cognitosrp.DeviceOwner, dev *cognitosrp.Device) error {
	err := d.FileDeviceStore.SaveDevice(ctx, owner, dev)
	if errors.Is(err, cognitosrp.ErrStoreFormat) {
		// FileDeviceStore keeps a file it cannot read; the command's own
		// file it replaces.
		if err = os.Remove(d.Path()); err == nil {
			err = d.FileDeviceStore.SaveDevice(ctx, owner, dev)
		}
	}
	return deviceError(err)
}

func (d deviceFile) DeleteDevice(ctx context.Context, owner cognitosrp.DeviceOwner) error {
	return deviceError(d.FileDeviceStore.DeleteDevice(ctx, owner))
}

// cacheError marks err, from reading or writing the token file (or the
// directory it shares with the device file), as the cache's, and says how
// to do without it. In a container the cache directory is often unusable
// (a service account's home that does not exist, a read-only file system),
// and "mkdir /nonexistent: permission denied" alone does not say what the
// command wanted there. Other errors (a file others can read, an
// interruption) say what to do themselves.
func cacheError(err error) error {
	return fileHint(err, "the token cache; "+cacheHint())
}

// cacheHint says how to run when the cache directory cannot be used.
// Where os.UserCacheDir follows XDG_CACHE_HOME (Linux, the BSDs; not
// macOS, Windows or Plan 9), pointing it at another directory keeps the
// cache: on a CI runner or in a container, whose HOME is often read-only
// or unset, that is the better advice, as -no-cache logs in with the
// password on every run. The job's own temporary directory, as main's
// doc says, goes with the job. It names variables, never their values.
func cacheHint() string {
	switch runtime.GOOS {
	case "windows", "darwin", "ios", "plan9":
		return "-no-cache runs without it"
	}
	return "set XDG_CACHE_HOME to the absolute path of a writable directory (on GitHub Actions, $RUNNER_TEMP), or give -no-cache to run without it"
}

// deviceError is cacheError for the device file itself, which -no-device
// does without while keeping the token file: -no-cache, which gives up
// both, is more than such an error asks for.
func deviceError(err error) error {
	return fileHint(err, "the token cache's device file; -no-device runs without it")
}

// fileHint adds hint to err, in brackets, if err is a file's error.
func fileHint(err error, hint string) error {
	var pe *fs.PathError
	var le *os.LinkError
	if !errors.As(err, &pe) && !errors.As(err, &le) {
		return err
	}
	return fmt.Errorf("%w (%s)", err, hint)
}
