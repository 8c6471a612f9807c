// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// ErrInsecureFile reports a token (or device) file that users other than
// its owner can read or write, or that belongs to another user than the
// one the process runs as. The secrets in it may have leaked, or be
// another user's; FileStore and FileDeviceStore refuse it rather than use
// them.
var ErrInsecureFile = errors.New("cognitosrp: file of secrets is accessible to other users")

// ErrStoreFormat reports a token (or device) file this version of the
// package cannot read: not JSON, not a regular file, too large, or of an
// unknown format version.
var ErrStoreFormat = errors.New("cognitosrp: unreadable store file")

// fileFormatVersion is written in every token file; a reader refuses a
// version it does not know rather than guess at its fields.
const fileFormatVersion = 1

// maxTokenFileBytes bounds what Load reads: a token file is a few kilobytes.
const maxTokenFileBytes = 1 << 20

// FileStore is a TokenStore that keeps the tokens in one JSON file. It
// writes atomically (a temporary file in the same directory, synced, then
// renamed over the old one), so a crash leaves either the old tokens or the
// new ones, never a mix; a temporary file that a killed process left is
// removed by a Save or Clear more than ten minutes later. On Windows, where
// a file can be neither replaced nor removed while anyone has it open (a
// Load of another process, a virus scanner), Save and Clear try again for
// about a second before they fail. The file has mode 0600, and Load
// refuses a file that others can read or write, or that belongs to
// another user than the process's effective user (root's too: root
// accepts root's files only, as ssh does), on systems with Unix
// permissions only: on Windows the file takes its directory's access list,
// on Plan 9 its mode is set but not checked, and under WASI (wasip1) files
// have no mode or owner, so there keep it in a directory only the user can
// read (os.UserCacheDir's is; under WASI, the host directory the runtime
// maps). Another user's file, even of mode 0600, may hold tokens they put
// there for a process of root's to act as their Cognito user. Where the
// file system maps owners, the process's own file reads as another user's
// and is refused too (root's on an NFS export with root_squash, whose
// files root creates belong to the anonymous user): keep the file on a
// local file system there.
//
// Load follows a symbolic link and checks the file it opened, so that a
// file swapped in between a check and the read is not trusted; neither
// the link nor the directories are checked: keep the file in a directory
// only the user can write, or another user can remove it or replace it
// with a link to a file of the process's own user. Save and Clear replace
// or remove a link, not the file it leads to.
//
// The file holds the refresh token: anyone who can read it can act as the
// user until the refresh token expires or is revoked. Load, Save and Clear
// of a nil *FileStore, or of one with an empty path, fail with ErrConfig.
//
// A session reads the file once (see TokenStore), so sessions that share
// one file, in one process or several, do not see each other's renewals.
// On an app client with refresh-token rotation, each renewal retires the
// refresh token the others hold: their next renewal is refused once the
// client's grace period ends (a session with a password logs in again, one
// without fails with ErrLoginRequired though the file holds live tokens),
// and the last save wins. Give each process its own file, and share one
// Session within a process.
type FileStore struct {
	path string
}

// NewFileStore returns a store that keeps tokens in the file at path. It
// touches nothing until used; Save creates missing parent directories with
// mode 0700. With an empty path (an environment variable left unset, say)
// Load, Save and Clear fail with ErrConfig, rather than keep nothing in
// silence.
func NewFileStore(path string) *FileStore { return &FileStore{path: path} }

// Path returns the file's path ("" for a nil store).
func (s *FileStore) Path() string {
	if s == nil {
		return ""
	}
	return s.path
}

// tokenFile is the on-disk form of Tokens, version 1.
type tokenFile struct {
	Version      int       `json:"version"`
	AccessToken  string    `json:"access_token"`
	IDToken      string    `json:"id_token"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	TokenType    string    `json:"token_type,omitempty"`
	AccessExpiry time.Time `json:"access_expiry"`
	IDExpiry     time.Time `json:"id_expiry"`
	IssuedAt     time.Time `json:"issued_at,omitzero"`
	Username     string    `json:"username,omitempty"`
}

// Load reads the tokens, or returns (nil, nil) when the file does not
// exist. It fails with ErrInsecureFile when the file's mode lets others in
// or another user owns it (see FileStore), and with ErrStoreFormat when it
// cannot read the file's contents or an access or ID token in it has
// characters a JWT cannot have; neither error quotes the file.
func (s *FileStore) Load(ctx context.Context) (*Tokens, error) {
	if err := fileStoreError(s == nil, s.Path()); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := readPrivateFile(s.path, "tokens")
	if data == nil || err != nil {
		return nil, err
	}
	var tf tokenFile
	if err := json.Unmarshal(data, &tf); err != nil {
		// The decoder's message can quote a byte of the file; say where
		// instead.
		return nil, errorf("%w: %s is not a token file (%s)", ErrStoreFormat, s.path, jsonErrorKind(err))
	}
	if tf.Version != fileFormatVersion {
		return nil, errorf("%w: %s has format version %d; this package reads version %d",
			ErrStoreFormat, s.path, tf.Version, fileFormatVersion)
	}
	if tf.AccessToken == "" && tf.IDToken == "" && tf.RefreshToken == "" {
		return nil, nil
	}
	if !wordChars(tf.AccessToken) || !wordChars(tf.IDToken) {
		// Tokens from Cognito never have such characters (acceptTokens
		// refuses them), and whoever reads a token expects a JWT: a
		// program that prints one into a shell's single quotes, say.
		return nil, errorf("%w: %s holds a token with characters a JWT cannot have", ErrStoreFormat, s.path)
	}
	return &Tokens{
		AccessToken:  tf.AccessToken,
		IDToken:      tf.IDToken,
		RefreshToken: tf.RefreshToken,
		TokenType:    tf.TokenType,
		AccessExpiry: tf.AccessExpiry,
		IDExpiry:     tf.IDExpiry,
		IssuedAt:     tf.IssuedAt,
		Username:     tf.Username,
	}, nil
}

// readPrivateFile reads a file that must be this user's alone, returning
// nil and no error when it does not exist. It fails with ErrInsecureFile
// when the file's mode lets others in or another user owns it, and with
// ErrStoreFormat when it is not a regular file or too large; what names
// the contents in messages.
func readPrivateFile(path, what string) ([]byte, error) {
	// Opening a named pipe waits for a writer: refuse what is not a
	// regular file before opening it, and again once it is open. On Unix
	// the open does not wait (openNonblock), so that a pipe renamed over
	// the file between the two checks is refused by the second, not
	// waited on for ever, ctx and Close with it.
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, errorf("%w: %s is not a regular file", ErrStoreFormat, path)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, errorf("cognitosrp: reading %s: %w", what, err)
	}
	defer f.Close()
	// Check the file that is open, not the path, so that a file swapped in
	// between the check and the read is not trusted. A Save that renames
	// a new file over path while f is open does not change what f reads:
	// the old tokens, whole, never a mix. (On Windows no rename replaces
	// path while f is open: Save tries again for about a second, and
	// fails if f stays open that long; see rename.)
	fi, err := f.Stat()
	if err != nil {
		return nil, errorf("cognitosrp: reading %s: %w", what, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, errorf("%w: %s is not a regular file", ErrStoreFormat, path)
	}
	if perm := fi.Mode().Perm(); unixPermissions() && perm&0o077 != 0 {
		return nil, errorf("%w: %s has mode %04o; make it readable by its owner only (chmod 600 %s)",
			ErrInsecureFile, path, perm, path)
	}
	// The owner of the file open too: through a symbolic link, the
	// link's target, which is what is read.
	if owner, self, other := otherOwner(fi); other {
		return nil, errorf("%w: %s belongs to uid %d, not to the user this process runs as (uid %d), and may hold %s of theirs: remove it, or chown it if it is yours",
			ErrInsecureFile, path, owner, self, what)
	}
	data, err := readUpTo(f, maxTokenFileBytes+1, fi.Size())
	if err != nil {
		return nil, errorf("cognitosrp: reading %s: %w", what, err)
	}
	if len(data) > maxTokenFileBytes {
		return nil, errorf("%w: %s is larger than %d bytes", ErrStoreFormat, path, maxTokenFileBytes)
	}
	return data, nil
}

// jsonErrorKind describes an error of json.Unmarshal, which returns these
// types unwrapped, without the bytes its message may quote. (A type
// switch and strconv, not as and fmt.Sprintf: Client.Call links it into
// every program; binary size, see doc.go.)
func jsonErrorKind(err error) string {
	switch e := err.(type) {
	case *json.SyntaxError:
		return "invalid JSON at offset " + strconv.FormatInt(e.Offset, 10)
	case *json.UnmarshalTypeError:
		return "field " + strconv.Quote(e.Field) + " has the wrong type"
	}
	return "invalid JSON"
}

// Save writes t atomically with mode 0600. A nil t clears the store.
func (s *FileStore) Save(ctx context.Context, t *Tokens) error {
	if err := fileStoreError(s == nil, s.Path()); err != nil {
		return err
	}
	if t == nil {
		return s.Clear(ctx)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := json.Marshal(tokenFile{
		Version:      fileFormatVersion,
		AccessToken:  t.AccessToken,
		IDToken:      t.IDToken,
		RefreshToken: t.RefreshToken,
		TokenType:    t.TokenType,
		AccessExpiry: t.AccessExpiry,
		IDExpiry:     t.IDExpiry,
		IssuedAt:     t.IssuedAt,
		Username:     t.Username,
	})
	if err != nil {
		return errorf("cognitosrp: encoding tokens: %w", err)
	}
	if err := writeFileAtomic(s.path, data); err != nil {
		return errorf("cognitosrp: saving tokens: %w", err)
	}
	return nil
}

// Clear removes the file; a missing file is not an error.
func (s *FileStore) Clear(ctx context.Context) error {
	if err := fileStoreError(s == nil, s.Path()); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := remove(s.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return errorf("cognitosrp: clearing tokens: %w", err)
	}
	removeStaleTemps(s.path)
	return nil
}

// writeFileAtomic replaces path with data: it writes a temporary file in
// the same directory (a rename across file systems is not atomic), syncs
// it, renames it over path and syncs the directory so the rename itself
// survives a crash.
func writeFileAtomic(path string, data []byte) (err error) {
	dir, base := splitPath(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	// CreateTemp creates the file with mode 0600: the tokens are never
	// readable by others, not even for the moment before a chmod.
	f, err := os.CreateTemp(dir, tempPrefix(base)+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil && unixPermissions() {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := rename(tmp, path); err != nil {
		return err
	}
	syncDir(dir)
	removeStaleTemps(path)
	return nil
}

// splitPath splits path into its directory ("." for none) and file name.
func splitPath(path string) (dir, base string) {
	dir, base = filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	return dir, base
}

// tempPrefix is how the temporary files of writeFileAtomic for a file
// named base begin.
func tempPrefix(base string) string { return "." + base + ".tmp-" }

// staleTempAge is the age past which a temporary file of writeFileAtomic
// is a leftover: a write takes milliseconds.
const staleTempAge = 10 * time.Minute

// removeStaleTemps removes the temporary files that writes of path left
// behind when their process was killed (SIGKILL, a power cut) between the
// write and the rename: each holds tokens, in a file nobody reads again.
// Their age is judged on the file system's clock, by the modification
// time of path (just written), or else of its directory (just changed by
// Clear), so that a network file system's skew cannot make another
// process's write in progress look stale. Best effort: a file it cannot
// remove stays.
func removeStaleTemps(path string) {
	dir, base := splitPath(path)
	ref, err := os.Stat(path)
	if err != nil {
		if ref, err = os.Stat(dir); err != nil {
			return
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		// os.CreateTemp puts only decimal digits after the prefix: a
		// longer name is another store's file.
		rest, ok := strings.CutPrefix(e.Name(), tempPrefix(base))
		if !ok || rest == "" || strings.Trim(rest, "0123456789") != "" || !e.Type().IsRegular() {
			continue
		}
		if info, err := e.Info(); err == nil && ref.ModTime().Sub(info.ModTime()) > staleTempAge {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// syncDir makes a rename in dir durable. Some systems cannot sync a
// directory; the rename has still happened, so that is not an error.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// unixPermissions reports whether file modes mean Unix permissions here.
// Under WASI (wasip1) there are no modes at all: Go's Chmod does nothing
// and Stat reports 0600 for every file, so a check there would pass a
// file that anyone can read.
func unixPermissions() bool {
	return runtime.GOOS != "windows" && runtime.GOOS != "plan9" && runtime.GOOS != "wasip1"
}
