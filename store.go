// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"sync/atomic"
)

// A TokenStore keeps a session's tokens across restarts. A Session loads
// from it once, when it first needs tokens and has none (or at SignOut, to
// revoke what it holds), and saves to it after every change; SignOut
// clears it.
//
// A store holds one user's tokens, of one pool and app client: a session
// takes the tokens it loads as its own user's without checking whose they
// are (its login name may be an alias the tokens do not name), so a
// program that signs in as several users gives each a store of its own,
// such as a FileStore path per user.
//
// Implementations must be safe for concurrent use. The Tokens passed to
// Save and returned by Load are never modified afterwards by the Session;
// a store must not modify them either. Save and Clear get a context that
// carries the caller's values but is never cancelled and has no deadline,
// since tokens the session holds must reach the store (with rotation, a
// lost refresh token is gone): a store that does network I/O must bound
// it itself.
type TokenStore interface {
	// Load returns the stored tokens, or (nil, nil) when there are none.
	Load(ctx context.Context) (*Tokens, error)
	// Save replaces the stored tokens with t, which is never nil: a
	// session that forgets its tokens calls Clear.
	Save(ctx context.Context, t *Tokens) error
	// Clear removes the stored tokens. Clearing an empty store succeeds.
	Clear(ctx context.Context) error
}

// errNilStore is what the stores' methods return on a nil receiver,
// instead of panicking. Such a nil is easily made: a *FileStore variable
// left unset when no path was given, or a *MemoryStore field never set,
// put into Options.Store, is an interface that is not nil, and the panic
// would come from a flight's goroutine, ending the program.
var errNilStore error = &refinedError{base: &ErrConfig, detail: "a nil store"}

// errNoPath is what a file store with an empty path returns: built by
// NewFileStore(os.Getenv(…)) of a variable left unset, it would find no
// tokens at each start and fail every save, which a session only logs, so
// that nothing is kept across runs and nobody is told.
var errNoPath error = &refinedError{base: &ErrConfig, detail: "a file store with an empty path"}

// fileStoreError returns the error of a file store that cannot be used:
// a nil one (isNil), or one whose path is empty.
func fileStoreError(isNil bool, path string) error {
	switch {
	case isNil:
		return errNilStore
	case path == "":
		return errNoPath
	}
	return nil
}

// MemoryStore is a TokenStore that keeps the tokens in memory, so they last
// as long as the process. It is the Session's default. The zero value is an
// empty store ready to use (a nil pointer fails with ErrConfig); it is safe
// for concurrent use.
type MemoryStore struct {
	_ incomparable // used by pointer; see incomparable
	// t is an atomic.Pointer rather than a *Tokens under a mutex because
	// fmt shows nothing behind it: a MemoryStore held as a value in the
	// caller's struct has no Format (its methods are on the pointer), so
	// fmt walks its fields, and with %s or %q it would print the Tokens a
	// *Tokens field points to, tokens included.
	t atomic.Pointer[Tokens]
}

// Load returns the tokens last saved, or nil.
func (m *MemoryStore) Load(context.Context) (*Tokens, error) {
	if m == nil {
		return nil, errNilStore
	}
	return m.t.Load(), nil
}

// Save keeps t.
func (m *MemoryStore) Save(_ context.Context, t *Tokens) error {
	if m == nil {
		return errNilStore
	}
	m.t.Store(t)
	return nil
}

// Clear forgets the tokens.
func (m *MemoryStore) Clear(context.Context) error {
	if m == nil {
		return errNilStore
	}
	m.t.Store(nil)
	return nil
}
