// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build unix || js

package cognitosrp

import (
	"io/fs"
	"os"
	"syscall"
)

// otherOwner reports the owner of the file fi describes, from the stat of
// an open handle, when that owner is not this process's effective user.
// The rule is ssh's for the files it trusts: a root process must not act
// on a file another user could have planted, tokens of theirs that would
// make it act as their Cognito user. Root is no exception: it accepts
// root's files only. (js/wasm under Node.js has the host's owners; the
// caller checks the mode first, so that on Windows, where Node.js has no
// geteuid for Go to call, a file is refused before this asks for it.)
func otherOwner(fi fs.FileInfo) (owner, self uint32, other bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	// Geteuid's int of a uid above 2³¹ is negative on 32-bit systems;
	// uint32 gives its bits back.
	self = uint32(os.Geteuid())
	return st.Uid, self, st.Uid != self
}
