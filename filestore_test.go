// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func sampleTokens(i int) *Tokens {
	exp := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	return &Tokens{
		AccessToken:  fmt.Sprintf("access-%d", i),
		IDToken:      fmt.Sprintf("id-%d", i),
		RefreshToken: fmt.Sprintf("refresh-%d", i),
		TokenType:    "Bearer",
		AccessExpiry: exp,
		IDExpiry:     exp,
		IssuedAt:     exp.Add(-time.Hour),
		Username:     "alice",
	}
}

func skipWithoutUnixPermissions(t *testing.T) {
	if !unixPermissions() {
		t.Skip("no Unix permissions here")
	}
}

func TestFileStoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "tokens.json")
	fs := NewFileStore(path)
	if got, err := fs.Load(ctx); got != nil || err != nil {
		t.Fatalf("Load of a missing file = %v, %v; want nil, nil", got, err)
	}
	want := sampleTokens(1)
	if err := fs.Save(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := fs.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if *got != *want {
		t.Errorf("Load = %+v, want %+v", *got, *want)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), `"version":1`) {
		t.Errorf("file has no format version: %s", data)
	}
	// Tokens that are a refresh token alone (given to SetTokens to
	// resume from it) come back too: the session renews with it.
	if err := fs.Save(ctx, &Tokens{RefreshToken: "refresh-only"}); err != nil {
		t.Fatal(err)
	}
	if got, err := fs.Load(ctx); err != nil || got == nil || got.RefreshToken != "refresh-only" {
		t.Errorf("Load of a refresh token alone = %v, %v; want it back", got, err)
	}
	if err := fs.Clear(ctx); err != nil {
		t.Fatal(err)
	}
	if err := fs.Clear(ctx); err != nil {
		t.Fatalf("clearing twice: %v", err)
	}
	if got, err := fs.Load(ctx); got != nil || err != nil {
		t.Fatalf("Load after Clear = %v, %v", got, err)
	}
}

func TestFileStorePermissions(t *testing.T) {
	skipWithoutUnixPermissions(t)
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "tokens.json")
	fs := NewFileStore(path)
	if err := fs.Save(ctx, sampleTokens(1)); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("saved with mode %04o, want 0600", fi.Mode().Perm())
	}
	for _, mode := range []os.FileMode{0o644, 0o640, 0o604, 0o660, 0o602} {
		os.Chmod(path, mode)
		_, err := fs.Load(ctx)
		if !errors.Is(err, ErrInsecureFile) {
			t.Errorf("mode %04o: err = %v, want ErrInsecureFile", mode, err)
			continue
		}
		if !strings.Contains(err.Error(), "chmod 600") || strings.Contains(err.Error(), "refresh-1") {
			t.Errorf("mode %04o: message %q should say how to fix it and quote nothing", mode, err)
		}
	}
	for _, mode := range []os.FileMode{0o600, 0o400} {
		os.Chmod(path, mode)
		if _, err := fs.Load(ctx); err != nil {
			t.Errorf("mode %04o: %v", mode, err)
		}
	}
	// A save replaces a too-open file with a private one.
	os.Chmod(path, 0o644)
	if err := fs.Save(ctx, sampleTokens(2)); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("after save over a 0644 file: mode %04o", fi.Mode().Perm())
	}
	// Missing directories are created private.
	if err := NewFileStore(filepath.Join(dir, "new", "t.json")).Save(ctx, sampleTokens(3)); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "new")); fi.Mode().Perm() != 0o700 {
		t.Errorf("created directory with mode %04o, want 0700", fi.Mode().Perm())
	}
}

func TestFileStoreBadContents(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "tokens.json")
	for _, content := range []string{
		"not json at all, secret-refresh-token",
		`{"version": 2, "access_token": "secret-access"}`,
		`{"version": "one"}`,
		`[1, 2]`,
		// A token a shell would run: Load never hands such a token on.
		`{"version": 1, "access_token": "ey.secret'$(touch pwned)'.x"}`,
		`{"version": 1, "id_token": "ey.secret\n.x", "refresh_token": "r"}`,
	} {
		os.WriteFile(path, []byte(content), 0o600)
		_, err := NewFileStore(path).Load(ctx)
		if !errors.Is(err, ErrStoreFormat) {
			t.Errorf("%q: err = %v, want ErrStoreFormat", content, err)
			continue
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("%q: error quotes the file: %v", content, err)
		}
	}
	// Too large (ErrStoreFormat's doc), though its first MiB is a token
	// file: it is refused, not read cut short.
	os.WriteFile(path, []byte(`{"version": 1, "access_token": "a", "id_token": "i"}`+strings.Repeat(" ", maxTokenFileBytes)), 0o600)
	if _, err := NewFileStore(path).Load(ctx); !errors.Is(err, ErrStoreFormat) {
		t.Errorf("a file larger than %d bytes: err = %v, want ErrStoreFormat", maxTokenFileBytes, err)
	}
	os.Remove(path)
	os.Mkdir(path, 0o700)
	if _, err := NewFileStore(path).Load(ctx); !errors.Is(err, ErrStoreFormat) {
		t.Errorf("a directory: err = %v, want ErrStoreFormat", err)
	}
}

// TestFileStoreAtomic: readers never see a partial file while writers
// replace it, and no temporary file is left behind.
//
// On Windows a file cannot be replaced while anyone has it open, whatever
// share mode they opened it with (FILE_SHARE_DELETE too: only a rename
// with FILE_RENAME_POSIX_SEMANTICS can, and Wine has none), so four
// readers that loop without a pause can hold the file through the whole
// second a Save tries again: there a Save may fail with Access is denied,
// as FileStore documents, and must still leave the file whole and no
// temporary file. Once the readers stop, a Save succeeds everywhere.
func TestFileStoreAtomic(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	fs := NewFileStore(filepath.Join(dir, "tokens.json"))
	if err := fs.Save(ctx, sampleTokens(0)); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var refused atomic.Int32
	for w := range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := range 50 {
				err := fs.Save(ctx, sampleTokens(w*1000+i))
				// What whileHeldOpen retries (rename_windows.go): access
				// denied, as Wine and Windows answer a rename over a file
				// held open, or a sharing violation, which Windows may
				// give instead; never outside Windows.
				if heldOpen(err) {
					refused.Add(1)
					continue
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
		go func() {
			defer wg.Done()
			for range 100 {
				got, err := fs.Load(ctx)
				if err != nil || got == nil {
					t.Errorf("Load during saves: %v, %v", got, err)
					return
				}
				n := strings.TrimPrefix(got.AccessToken, "access-")
				if got.IDToken != "id-"+n || got.RefreshToken != "refresh-"+n {
					t.Errorf("Load mixed two saves: %+v", *got)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := refused.Load(); n > 0 {
		t.Logf("%d of 200 saves refused while readers held the file", n)
	}
	if err := fs.Save(ctx, sampleTokens(9999)); err != nil {
		t.Fatalf("Save after the readers stopped: %v", err)
	}
	if got, err := fs.Load(ctx); err != nil || got == nil || got.AccessToken != "access-9999" {
		t.Fatalf("Load after the last save: not its tokens (error %v)", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only tokens.json", names)
	}
}

// TestFileStoreFailedSaveLeavesNoTemporary: a save whose rename fails
// (the path is a directory) removes its temporary file, which holds the
// tokens, instead of leaving it beside the path.
func TestFileStoreFailedSaveLeavesNoTemporary(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tokens.json")
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	// (FileDeviceStore reads the file first and stops there, before it
	// writes: only FileStore reaches the rename.)
	if err := NewFileStore(path).Save(context.Background(), sampleTokens(1)); err == nil {
		t.Fatal("a save over a directory succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("directory holds %d entries after a failed save, want only the directory saved over", len(entries))
	}
}

// TestSessionSurvivesRestart: a second session on the same file uses the
// saved tokens without calling Cognito, and renews from the saved refresh
// token once they expire.
func TestSessionSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	clk, f, first, tokens := loggedIn(t, func(c *Config) { c.Store = NewFileStore(path) })
	first.Close()

	s := newLifecycleSession(t, f, "", func(c *Config) {
		c.Store = NewFileStore(path)
		c.Now = clk.Now
	})
	got, err := s.ValidTokens(context.Background(), AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessToken != tokens.AccessToken || f.count("login") != 1 || f.count(FlowRefreshTokenAuth) != 0 {
		t.Fatal("the restarted session did not use the saved tokens")
	}
	settle(t, s)
	clk.Advance(2 * time.Hour)
	got, err = s.ValidTokens(context.Background(), AccessToken)
	if err != nil || got.RefreshToken != tokens.RefreshToken || f.count(FlowRefreshTokenAuth) != 1 {
		t.Fatalf("renewal from the saved refresh token: %v", err)
	}
	settle(t, s)
	saved, _ := NewFileStore(path).Load(context.Background())
	if saved == nil || saved.AccessToken != got.AccessToken {
		t.Error("renewed tokens not saved")
	}
}

// TestSessionRefusesInsecureFile: the session reports the file store's
// refusal rather than using the tokens.
func TestSessionRefusesInsecureFile(t *testing.T) {
	skipWithoutUnixPermissions(t)
	path := filepath.Join(t.TempDir(), "tokens.json")
	NewFileStore(path).Save(context.Background(), sampleTokens(1))
	os.Chmod(path, 0o644)
	f := newFakeCognito(t, nil)
	s := newLifecycleSession(t, f, f.password, func(c *Config) { c.Store = NewFileStore(path) })
	if _, err := s.ValidTokens(context.Background(), AccessToken); !errors.Is(err, ErrInsecureFile) {
		t.Fatalf("err = %v, want ErrInsecureFile", err)
	}
	if f.count("login") != 0 {
		t.Error("logged in past an insecure token file")
	}
}

// TestStoredTokensSurviveAFailedRenewal: a restarted session whose saved
// tokens expired renews them from the saved refresh token; when Cognito
// fails that first renewal for a passing reason, the next need renews
// again instead of forgetting the saved tokens and asking for a login.
func TestStoredTokensSurviveAFailedRenewal(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	clk, f, first, tokens := loggedIn(t, func(c *Config) { c.Store = NewFileStore(path) })
	first.Close()

	for _, name := range []string{"ValidTokens", "Refresh"} {
		t.Run(name, func(t *testing.T) {
			s := newLifecycleSession(t, f, "", func(c *Config) {
				c.Store = NewFileStore(path)
				c.Now = clk.Now
			})
			clk.Advance(2 * time.Hour)
			f.failRenewals(1)
			var err error
			if name == "Refresh" {
				err = s.Refresh(context.Background())
			} else {
				_, err = s.ValidTokens(context.Background(), AccessToken)
			}
			if err == nil {
				t.Fatal("the first renewal succeeded although Cognito failed it")
			}
			got, err := s.ValidTokens(context.Background(), AccessToken)
			if err != nil {
				t.Fatalf("after a passing failure: %v; want a renewal from the saved refresh token", err)
			}
			if got.RefreshToken != tokens.RefreshToken {
				t.Error("renewed tokens do not keep the saved refresh token")
			}
		})
	}
}

// TestFileStoreSaveNilClears: Save(nil) clears the store, as its doc says.
func TestFileStoreSaveNilClears(t *testing.T) {
	s := NewFileStore(filepath.Join(t.TempDir(), "tokens.json"))
	ctx := context.Background()
	if err := s.Save(ctx, sampleTokens(1)); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.Path()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("file after Save(nil): %v, want it removed", err)
	}
}

// TestNilStoreMethods: the store methods of the file stores and of the
// memory stores fail with ErrConfig on a nil receiver, and none panics,
// String included.
func TestNilStoreMethods(t *testing.T) {
	ctx := context.Background()
	owner := DeviceOwner{UserPoolID: "eu-west-1_x", Username: "alice"}
	d := &Device{Key: "k", GroupKey: "g", Password: "p"}
	for name, ts := range map[string]TokenStore{"FileStore": (*FileStore)(nil), "MemoryStore": (*MemoryStore)(nil)} {
		_, err := ts.Load(ctx)
		for i, err := range []error{err, ts.Save(ctx, sampleTokens(1)), ts.Clear(ctx)} {
			if !errors.Is(err, ErrConfig) {
				t.Errorf("nil %s, method %d: %v, want ErrConfig", name, i, err)
			}
		}
	}
	for name, ds := range map[string]DeviceStore{"FileDeviceStore": (*FileDeviceStore)(nil), "MemoryDeviceStore": (*MemoryDeviceStore)(nil)} {
		_, err := ds.LoadDevice(ctx, owner)
		// A nil device too: the nil store is what is wrong first.
		for i, err := range []error{err, ds.SaveDevice(ctx, owner, d), ds.DeleteDevice(ctx, owner), ds.SaveDevice(ctx, owner, nil)} {
			if !errors.Is(err, ErrConfig) {
				t.Errorf("nil %s, method %d: %v, want ErrConfig", name, i, err)
			}
		}
		if got, want := ds.(fmt.Stringer).String(), "cognitosrp."+name+"(nil)"; got != want {
			t.Errorf("nil %s: String() = %q, want %q", name, got, want)
		}
	}
}

// TestFileStoresEmptyPath: a file store with an empty path (built from an
// environment variable left unset) fails every method with ErrConfig:
// before, Load found no tokens and Save failed with a file error the
// session only logged, so that nothing was kept and nobody was told. A
// Session's first need of tokens, which reads the store, fails then.
func TestFileStoresEmptyPath(t *testing.T) {
	t.Chdir(t.TempDir())
	ctx := context.Background()
	owner := DeviceOwner{UserPoolID: "eu-west-1_x", Username: "alice"}
	for _, ts := range []TokenStore{NewFileStore(""), &FileStore{}} {
		_, err := ts.Load(ctx)
		for i, err := range []error{err, ts.Save(ctx, sampleTokens(1)), ts.Clear(ctx), ts.Save(ctx, nil)} {
			if !errors.Is(err, ErrConfig) {
				t.Errorf("FileStore with no path, method %d: %v, want ErrConfig", i, err)
			}
		}
	}
	for _, ds := range []DeviceStore{NewFileDeviceStore(""), &FileDeviceStore{}} {
		_, err := ds.LoadDevice(ctx, owner)
		for i, err := range []error{err, ds.SaveDevice(ctx, owner, &Device{Key: "k", GroupKey: "g", Password: "p"}), ds.DeleteDevice(ctx, owner)} {
			if !errors.Is(err, ErrConfig) {
				t.Errorf("FileDeviceStore with no path, method %d: %v, want ErrConfig", i, err)
			}
		}
	}
	cfg := sfServe(t, newFake(t)) // no call: the need stops at the store
	cfg.Store = NewFileStore("")
	if _, err := mustSession(t, cfg).ValidTokens(t.Context(), AccessToken); !errors.Is(err, ErrConfig) {
		t.Errorf("ValidTokens with a FileStore of no path: %v, want ErrConfig", err)
	}
	if entries, _ := os.ReadDir("."); len(entries) != 0 {
		t.Errorf("files left in the current directory: %v", entries)
	}
}

// TestFileStoresRelativePath: a store whose path names no directory
// ("tokens.json", as a CLI flag may give it) saves into the current
// directory: filepath.Split gives it the directory "", which neither
// MkdirAll nor CreateTemp takes to mean ".".
func TestFileStoresRelativePath(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	ctx := context.Background()
	fs := NewFileStore("tokens.json")
	if err := fs.Save(ctx, sampleTokens(1)); err != nil {
		t.Fatal(err)
	}
	if got, err := fs.Load(ctx); err != nil || got == nil || *got != *sampleTokens(1) {
		t.Fatalf("Load = %v, %v", got, err)
	}
	ds := NewFileDeviceStore("devices.json")
	owner := DeviceOwner{UserPoolID: testPoolID, Username: "u"}
	if err := ds.SaveDevice(ctx, owner, &Device{Key: "k", GroupKey: "g", Password: "p"}); err != nil {
		t.Fatal(err)
	}
	if d, err := ds.LoadDevice(ctx, owner); err != nil || d == nil || d.Key != "k" {
		t.Fatalf("LoadDevice = %v, %v", d, err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "devices.json,tokens.json" {
		t.Fatalf("current directory holds %v", names)
	}
}

// TestFileStoreClearFails: Clear reports a file it cannot remove (here a
// directory that is not empty): a sign-out must not believe the tokens
// gone. A file that holds no token at all loads as no tokens.
func TestFileStoreClearFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	if err := os.MkdirAll(filepath.Join(path, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := NewFileStore(path).Clear(context.Background()); err == nil {
		t.Fatal("Clear of an unremovable path succeeded")
	}
	empty := filepath.Join(t.TempDir(), "empty.json")
	if err := os.WriteFile(empty, []byte(`{"version":1,"access_expiry":"2026-03-04T10:00:00Z","username":"alice"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := NewFileStore(empty).Load(context.Background()); got != nil || err != nil {
		t.Fatalf("Load of a file without tokens = %v, %v; want nil, nil", got, err)
	}
}

// TestStaleTempFilesRemoved: a temporary file that a killed process left
// between its write and its rename holds tokens nobody reads again. The
// next save or clear of the store removes it once it is older than any
// write takes, and leaves a recent one (another process's write in
// progress) and the files of other stores alone, even one whose name
// begins like a temporary file.
func TestStaleTempFilesRemoved(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tokens.json")
	stale := filepath.Join(dir, ".tokens.json.tmp-123") // as os.CreateTemp names them
	recent := filepath.Join(dir, ".tokens.json.tmp-456")
	other := filepath.Join(dir, ".other.json.tmp-789")
	named := filepath.Join(dir, ".tokens.json.tmp-work") // another store's file
	write := func() {
		for _, p := range []string{stale, recent, other, named} {
			if err := os.WriteFile(p, []byte(`{"RefreshToken":"r"}`), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		old := time.Now().Add(-24 * time.Hour)
		for _, p := range []string{stale, other, named} {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
	}
	exists := func(p string) bool { _, err := os.Stat(p); return err == nil }
	s := NewFileStore(path)
	for _, op := range []struct {
		name string
		run  func() error
	}{
		{"Save", func() error { return s.Save(context.Background(), &Tokens{AccessToken: "a", RefreshToken: "r"}) }},
		{"Clear", func() error { return s.Clear(context.Background()) }},
	} {
		write()
		if err := op.run(); err != nil {
			t.Fatal(err)
		}
		if exists(stale) || !exists(recent) || !exists(other) || !exists(named) {
			t.Errorf("after %s: stale temp kept %v, recent kept %v, other store's temp kept %v, other store kept %v; want false, true, true, true",
				op.name, exists(stale), exists(recent), exists(other), exists(named))
		}
	}
}

// TestFileStoreSaveFailsBeforeWriting: a save that cannot create its
// temporary file (the directory's place is taken by a file; a name too
// long for the file system once the temporary suffix is added) fails with
// an error that says what failed and quotes no token, and leaves the
// tokens saved before, and nothing else, in place.
func TestFileStoreSaveFailsBeforeWriting(t *testing.T) {
	ctx := context.Background()
	check := func(t *testing.T, err error) {
		t.Helper()
		if err == nil {
			t.Fatal("Save succeeded")
		}
		if !strings.Contains(err.Error(), "saving tokens") {
			t.Errorf("Save = %q, want it to say the tokens were not saved", err)
		}
		for _, s := range []string{"access-2", "id-2", "refresh-2"} {
			if strings.Contains(err.Error(), s) {
				t.Errorf("Save's error %q quotes a token", err)
			}
		}
	}
	t.Run("parent is a file", func(t *testing.T) {
		dir := t.TempDir()
		parent := filepath.Join(dir, "file")
		if err := os.WriteFile(parent, []byte("not a directory"), 0o600); err != nil {
			t.Fatal(err)
		}
		check(t, NewFileStore(filepath.Join(parent, "tokens.json")).Save(ctx, sampleTokens(2)))
		if data, _ := os.ReadFile(parent); string(data) != "not a directory" {
			t.Errorf("the file in the directory's place holds %q", data)
		}
	})
	t.Run("temporary name too long", func(t *testing.T) {
		// 250 bytes fit the 255 of a file name on common file systems;
		// with its dot and ".tmp-" and digits the temporary's do not.
		dir := t.TempDir()
		path := filepath.Join(dir, strings.Repeat("t", 250))
		// The tokens saved before are saved under a short name, which
		// the save under the long name could not create.
		short := filepath.Join(dir, "tokens.json")
		if err := NewFileStore(short).Save(ctx, sampleTokens(1)); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(short, path); err != nil {
			t.Skipf("no file named by 250 bytes here: %v", err)
		}
		probe := filepath.Join(dir, tempPrefix(filepath.Base(path))+"1")
		if err := os.WriteFile(probe, nil, 0o600); err == nil {
			os.Remove(probe)
			t.Skip("the file system takes names as long as the temporary's")
		}
		fs := NewFileStore(path)
		check(t, fs.Save(ctx, sampleTokens(2)))
		if got, err := fs.Load(ctx); err != nil || got == nil || *got != *sampleTokens(1) {
			t.Errorf("Load after the failed save = %v, %v; want the tokens saved before", got, err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Errorf("directory holds %d entries after a failed save, want only the token file", len(entries))
		}
	})
}

// TestFileStoreClearWithoutDirectory: clearing a store that never saved,
// whose directory does not exist either (a sign-out before any login),
// succeeds and creates nothing.
func TestFileStoreClearWithoutDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "never")
	if err := NewFileStore(filepath.Join(dir, "tokens.json")).Clear(context.Background()); err != nil {
		t.Fatalf("Clear = %v, want nil", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Clear created the directory: %v", err)
	}
}

// TestFileStoreSaveUnencodableTime: tokens whose expiry JSON cannot hold
// (a year past 9999, which only hand-made Tokens have: the library caps
// exp and ExpiresIn far below) are refused with an error quoting no
// token, and the file keeps the tokens saved before.
func TestFileStoreSaveUnencodableTime(t *testing.T) {
	ctx := context.Background()
	fs := NewFileStore(filepath.Join(t.TempDir(), "tokens.json"))
	if err := fs.Save(ctx, sampleTokens(1)); err != nil {
		t.Fatal(err)
	}
	bad := sampleTokens(2)
	bad.AccessExpiry = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	err := fs.Save(ctx, bad)
	if err == nil || !strings.Contains(err.Error(), "encoding tokens") {
		t.Fatalf("Save = %v, want an encoding error", err)
	}
	for _, s := range []string{"access-2", "id-2", "refresh-2"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("Save's error %q quotes a token", err)
		}
	}
	if got, err := fs.Load(ctx); err != nil || got == nil || *got != *sampleTokens(1) {
		t.Errorf("Load after the refused save = %v, %v; want the tokens saved before", got, err)
	}
}
