// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build unix || js

package cognitosrp

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAnotherUsersFileSaysWhoIsWho: the refusal of another user's token
// file says which uid owns the file and which one the process runs as,
// not the two in either order: a reader told the wrong owner chowns the
// file to the wrong user, or runs the process as it.
func TestAnotherUsersFileSaysWhoIsWho(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	if err := NewFileStore(path).Save(t.Context(), sampleTokens(1)); err != nil {
		t.Fatal(err)
	}
	other := giveAway(t, path)
	_, err := NewFileStore(path).Load(t.Context())
	if !errors.Is(err, ErrInsecureFile) {
		t.Fatalf("Load of another user's file: %v, want ErrInsecureFile", err)
	}
	owns := fmt.Sprintf("belongs to uid %d,", other)
	runs := fmt.Sprintf("runs as (uid %d)", os.Geteuid())
	if msg := err.Error(); !strings.Contains(msg, owns) || !strings.Contains(msg, runs) {
		t.Errorf("message %q should say the file %s and the process %s", msg, owns, runs)
	}
}
