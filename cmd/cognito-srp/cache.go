// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/gocognito/cognitosrp"
)

// The token cache keeps one file per endpoint, pool, client and user in
// os.UserCacheDir()/cognito-srp. The files hold refresh tokens, so they
// are created 0600 in a 0700 directory, and a file that others can read
// is refused rather than used: someone may have copied it there.

// cacheVersion changes when the file format does; other versions are
// ignored.
const cacheVersion = 1

// tokenCache is the cache file of one connection.
type tokenCache struct {
	path string
	key  cacheKey
}

// cacheKey says which connection a cache file belongs to.
type cacheKey struct {
	Endpoint string `json:"endpoint"`
	PoolID   string `json:"pool_id"`
	ClientID string `json:"client_id"`
	Username string `json:"username"`
}

type cacheFile struct {
	Version int                `json:"version"`
	Key     cacheKey           `json:"key"`
	Tokens  *cognitosrp.Tokens `json:"tokens"`
}

// errCachePermissions reports a cache file that others may read.
var errCachePermissions = errors.New("token cache file is accessible by other users")

// openCache returns the cache of conn; it creates nothing yet.
func openCache(conn *connection) (*tokenCache, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return nil, fmt.Errorf("finding the cache directory: %w (use -no-cache)", err)
	}
	key := cacheKey{Endpoint: conn.endpoint, PoolID: conn.poolID, ClientID: conn.clientID, Username: conn.username}
	b, _ := json.Marshal(key)
	sum := sha256.Sum256(b)
	name := hex.EncodeToString(sum[:16]) + ".json"
	return &tokenCache{path: filepath.Join(dir, "cognito-srp", name), key: key}, nil
}

// load returns the cached tokens, or nil when there are none for this
// connection. A file with loose permissions is an error.
func (c *tokenCache) load() (*cognitosrp.Tokens, error) {
	fi, err := os.Lstat(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the token cache: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is not a regular file; delete it", errCachePermissions, c.path)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has mode %04o; run chmod 600 on it or delete it", errCachePermissions, c.path, fi.Mode().Perm())
	}
	data, err := os.ReadFile(c.path)
	if err != nil {
		return nil, fmt.Errorf("reading the token cache: %w", err)
	}
	var f cacheFile
	if json.Unmarshal(data, &f) != nil || f.Version != cacheVersion || f.Key != c.key || f.Tokens == nil {
		// Unreadable or someone else's: start afresh, it will be replaced.
		return nil, nil
	}
	return f.Tokens, nil
}

// save writes t to the cache atomically, readable by the user only.
func (c *tokenCache) save(t *cognitosrp.Tokens) error {
	dir := filepath.Dir(c.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating the token cache: %w", err)
	}
	data, err := json.Marshal(cacheFile{Version: cacheVersion, Key: c.key, Tokens: t})
	if err != nil {
		return fmt.Errorf("encoding the token cache: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".tokens-*")
	if err != nil {
		return fmt.Errorf("writing the token cache: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, a no-op
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		tmp.Close()
		return fmt.Errorf("writing the token cache: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("writing the token cache: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing the token cache: %w", err)
	}
	if err := os.Rename(tmp.Name(), c.path); err != nil {
		return fmt.Errorf("writing the token cache: %w", err)
	}
	return nil
}
