// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build !unix

package main

// checkCacheDir checks nothing where there are no Unix owners and modes.
// On Windows the cache directory is %LocalAppData%'s, which its ACL keeps
// the user's own (XDG_CACHE_HOME is not read there); on Plan 9 and WASI
// (wasip1) modes are not checked, as the token file's are not (see
// main's doc).
func checkCacheDir(dir string) error { return nil }
