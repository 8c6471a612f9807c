// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gocognito/cognitosrp"
)

// The token cache keeps one cognitosrp.FileStore file per endpoint, pool,
// client and user in os.UserCacheDir()/cognito-srp. The files hold refresh
// tokens: FileStore writes them 0600 in a 0700 directory and refuses one
// that others can read, since someone may have copied it there.

// cacheStore returns the token file of conn; it creates nothing yet.
func cacheStore(conn *connection) (*cognitosrp.FileStore, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return nil, fmt.Errorf("finding the cache directory: %w (use -no-cache)", err)
	}
	// NUL cannot occur in any of the parts, so distinct connections never
	// share a name.
	sum := sha256.Sum256([]byte(conn.endpoint + "\x00" + conn.poolID + "\x00" + conn.clientID + "\x00" + conn.username))
	return cognitosrp.NewFileStore(filepath.Join(dir, "cognito-srp", hex.EncodeToString(sum[:16])+".json")), nil
}
