// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestOnTokens: the callback sees every change, runs without a lock (it
// may call the session), and gets nil after SignOut.
func TestOnTokens(t *testing.T) {
	var (
		mu   sync.Mutex
		seen []*Tokens
	)
	clk := newFakeClock(testNow)
	f := newFakeCognito(t, clk.Now)
	var s *Session
	s = newLifecycleSession(t, f, f.password, func(c *Config) {
		c.OnTokens = func(tok *Tokens) {
			// The session's locks must be free: the callback may call it.
			free := make(chan struct{})
			go func() {
				s.mu.Lock()
				s.mu.Unlock()
				s.persistMu.Lock()
				s.persistMu.Unlock()
				close(free)
			}()
			select {
			case <-free:
			case <-time.After(5 * time.Second):
				t.Error("OnTokens called with a lock held")
			}
			mu.Lock()
			seen = append(seen, tok)
			mu.Unlock()
		}
	})
	first, err := s.ValidTokens(context.Background(), AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	settle(t, s)
	clk.Advance(56 * time.Minute)
	s.ValidTokens(context.Background(), AccessToken) // background renewal
	settle(t, s)
	renewed := s.Tokens()
	s.SetTokens(first)
	if err := s.SignOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []*Tokens{first, renewed, first, nil}
	if len(seen) != len(want) {
		t.Fatalf("OnTokens saw %d changes, want %d", len(seen), len(want))
	}
	for i := range want {
		if seen[i] != want[i] {
			t.Errorf("change %d: got %v, want %v", i, seen[i], want[i])
		}
	}
}

func TestSignOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	_, f, s, first := loggedIn(t, func(c *Config) { c.Store = NewFileStore(path) })
	if err := s.SignOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f.count("RevokeToken") != 1 {
		t.Error("refresh token not revoked")
	}
	live := f.live(first.RefreshToken)
	if live {
		t.Error("the fake still honours the refresh token")
	}
	if s.Tokens() != nil {
		t.Error("session kept its tokens")
	}
	if stored, err := NewFileStore(path).Load(context.Background()); stored != nil || err != nil {
		t.Errorf("store after SignOut: %v, %v", stored, err)
	}
	// With a password at hand the next use logs in again.
	if _, err := s.ValidTokens(context.Background(), AccessToken); err != nil || f.count("login") != 2 {
		t.Errorf("after SignOut: %v, %d logins", err, f.count("login"))
	}
}

// TestSignOutAfterClose: Close ends background work, not the duty to
// revoke: a program that closes its session before signing out (deferred
// calls run last-in, first-out) still revokes the refresh token.
func TestSignOutAfterClose(t *testing.T) {
	_, f, s, first := loggedIn(t, nil)
	s.Close()
	if err := s.SignOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	live := f.live(first.RefreshToken)
	if live || s.Tokens() != nil {
		t.Errorf("SignOut after Close: refresh token live %v, tokens kept %v", live, s.Tokens() != nil)
	}
	if _, err := s.ValidTokens(context.Background(), AccessToken); !errors.Is(err, ErrClosed) {
		t.Errorf("ValidTokens after Close and SignOut: %v, want ErrClosed", err)
	}
}

// TestGlobalSignOutAfterClose: as Close's doc says, GlobalSignOut works
// after Close while the access token is valid; once it has expired the
// closed session cannot renew it, fails with ErrClosed and keeps the
// tokens, so that SignOut can still revoke the refresh token.
func TestGlobalSignOutAfterClose(t *testing.T) {
	_, f, s, _ := loggedIn(t, nil)
	s.Close()
	if err := s.GlobalSignOut(context.Background()); err != nil || s.Tokens() != nil || f.count("GlobalSignOut") != 1 {
		t.Errorf("GlobalSignOut after Close, token valid: %v, tokens kept %v, %d calls", err, s.Tokens() != nil, f.count("GlobalSignOut"))
	}

	clk, f, s, first := loggedIn(t, nil)
	s.Close()
	clk.Advance(2 * time.Hour)
	if err := s.GlobalSignOut(context.Background()); !errors.Is(err, ErrClosed) || s.Tokens() != first {
		t.Errorf("GlobalSignOut after Close, token expired: %v, tokens %v; want ErrClosed and the tokens kept", err, s.Tokens())
	}
	if err := s.SignOut(context.Background()); err != nil || f.count("RevokeToken") != 1 {
		t.Errorf("SignOut after that: %v, %d revocations", err, f.count("RevokeToken"))
	}
}

// TestGlobalSignOutAfterCloseSoonAfterForcedRenewal: a closed session
// whose access token Cognito refuses as revoked fails GlobalSignOut with
// ErrClosed, as Close's doc says, also within the spacing of renewals a
// refusal forces (5 s): it once failed with the spacing's error, which
// does not match ErrClosed, when a 401 had forced a renewal just before.
func TestGlobalSignOutAfterCloseSoonAfterForcedRenewal(t *testing.T) {
	_, f, s, first := loggedIn(t, nil)
	renewed, err := s.renewRejected(context.Background(), first) // an API's 401
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	f.set(func(f *fakeCognito) { delete(f.access, renewed.AccessToken) }) // signed out elsewhere
	renewals := f.count(FlowRefreshTokenAuth)
	if err := s.GlobalSignOut(context.Background()); !errors.Is(err, ErrClosed) || s.Tokens() != renewed {
		t.Errorf("GlobalSignOut after Close, token refused: %v, tokens kept %v; want ErrClosed and the tokens kept", err, s.Tokens() == renewed)
	}
	if n := f.count(FlowRefreshTokenAuth) - renewals; n != 0 {
		t.Errorf("a closed session renewed %d times", n)
	}
}

// TestSignOutRevokesStoredTokens: a session that never loaded its store
// still revokes what an earlier run saved.
func TestSignOutRevokesStoredTokens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	_, f, s1, _ := loggedIn(t, func(c *Config) { c.Store = NewFileStore(path) })
	s1.Close()
	s2 := newLifecycleSession(t, f, "", func(c *Config) { c.Store = NewFileStore(path) })
	if err := s2.SignOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f.count("RevokeToken") != 1 {
		t.Error("stored refresh token not revoked")
	}
	if _, err := s2.ValidTokens(context.Background(), AccessToken); !errors.Is(err, ErrLoginRequired) {
		t.Errorf("after SignOut: %v, want ErrLoginRequired", err)
	}
}

func TestSignOutRevokeFails(t *testing.T) {
	_, f, s, _ := loggedIn(t, nil)
	f.set(func(f *fakeCognito) { f.failNext["RevokeToken"] = DefaultMaxAttempts })
	err := s.SignOut(context.Background())
	if !errors.Is(err, ErrInternalError) {
		t.Fatalf("err = %v, want the revocation's error", err)
	}
	if s.Tokens() != nil {
		t.Error("tokens kept after a failed revocation")
	}
}

// TestSignOutDuringRenewal: a renewal that ends after SignOut does not
// bring the tokens back.
func TestSignOutDuringRenewal(t *testing.T) {
	clk, f, s, _ := loggedIn(t, nil)
	clk.Advance(2 * time.Hour)
	release := f.hold()
	// Count from here: the login's caller waited (and was counted) only if
	// it looked before the login ended, which is the scheduler's choice.
	waited := s.waits.Load()
	errs := needAsync(context.Background(), s)
	for s.waits.Load() == waited { // the renewal is held: its caller waits
		time.Sleep(time.Millisecond)
	}
	signedOut := signOutAsync(s)
	release()
	if err := <-errs; !errors.Is(err, ErrLoginRequired) {
		t.Errorf("renewal ended by SignOut: %v, want ErrLoginRequired", err)
	}
	if err := <-signedOut; err != nil {
		t.Fatal(err)
	}
	settle(t, s)
	if s.Tokens() != nil {
		t.Error("renewal brought tokens back after SignOut")
	}
}

func TestGlobalSignOut(t *testing.T) {
	_, f, s, first := loggedIn(t, nil)
	if err := s.GlobalSignOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	live := f.live(first.RefreshToken)
	if f.count("GlobalSignOut") != 1 || live || s.Tokens() != nil {
		t.Error("GlobalSignOut did not end the session")
	}

	// A GlobalSignOut that Cognito did not carry out forgets nothing: the
	// refresh token is still live, and the session keeps it for another
	// try, or for SignOut to revoke.
	_, f, s, first = loggedIn(t, nil)
	f.set(func(f *fakeCognito) { f.failNext["GlobalSignOut"] = 1 })
	if err := s.GlobalSignOut(context.Background()); !errors.Is(err, ErrInternalError) {
		t.Fatalf("GlobalSignOut refused by Cognito: %v, want its error", err)
	}
	if s.Tokens() != first || !f.live(first.RefreshToken) {
		t.Errorf("after a failed GlobalSignOut: tokens kept %v, refresh token live %v; want both", s.Tokens() == first, f.live(first.RefreshToken))
	}
	if err := s.SignOut(context.Background()); err != nil || f.count("RevokeToken") != 1 || f.live(first.RefreshToken) {
		t.Errorf("SignOut after that: %v, %d revocations, refresh token live %v", err, f.count("RevokeToken"), f.live(first.RefreshToken))
	}

	// An access token refused for lacking the scope GlobalSignOut needs (a
	// hosted-UI token) is not revoked: renewing it would bring the same
	// scopes, so the session reports the refusal and renews nothing.
	_, f, s, first = loggedIn(t, nil)
	f.setFault(nil, func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".GlobalSignOut") {
			return false
		}
		writeFakeError(w, fakeError{"NotAuthorizedException", "Access Token does not have required scopes", 400})
		return true
	})
	logins, renewals := f.count("login"), f.count(FlowRefreshTokenAuth)
	if err := s.GlobalSignOut(context.Background()); !errors.Is(err, ErrNotAuthorized) {
		t.Fatalf("GlobalSignOut without the scope: %v, want ErrNotAuthorized", err)
	}
	if f.count("login") != logins || f.count(FlowRefreshTokenAuth) != renewals || s.Tokens() != first {
		t.Errorf("GlobalSignOut without the scope: %d logins, %d renewals, tokens kept %v; want none, none, true",
			f.count("login")-logins, f.count(FlowRefreshTokenAuth)-renewals, s.Tokens() == first)
	}
}

func TestAuthClose(t *testing.T) {
	f := newFakeCognito(t, nil)
	a, err := New(Options{Username: f.user, Password: f.password, UserPoolID: f.poolID, ClientID: f.clientID, Endpoint: f.URL})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Token(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Token after Close: %v, want ErrClosed", err)
	}

	s := newLifecycleSession(t, f, f.password, nil)
	b, _ := New(Options{Session: s})
	b.Close()
	if _, err := b.Token(context.Background()); err != nil {
		t.Errorf("Close closed a session the Auth does not own: %v", err)
	}
}

// TestOnTokensOrdered: racing changes are reported one at a time, the last
// report is the session's final tokens, and a callback that changes the
// tokens itself neither deadlocks nor reorders the reports.
func TestOnTokensOrdered(t *testing.T) {
	f := newFakeCognito(t, nil)
	var (
		inside, overlaps atomic.Int32
		mu               sync.Mutex
		last             *Tokens
		s                *Session
		reentered        atomic.Bool
	)
	reentrant := sampleTokens(-1)
	s = newLifecycleSession(t, f, "", func(c *Config) {
		c.OnTokens = func(tok *Tokens) {
			if inside.Add(1) > 1 {
				overlaps.Add(1)
			}
			if !reentered.Swap(true) {
				s.SetTokens(reentrant) // reported after this call returns
			}
			mu.Lock()
			last = tok
			mu.Unlock()
			inside.Add(-1)
		}
	})
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() { defer wg.Done(); s.SetTokens(sampleTokens(i)) }()
	}
	wg.Wait()
	if overlaps.Load() != 0 {
		t.Errorf("%d OnTokens calls overlapped", overlaps.Load())
	}
	mu.Lock()
	defer mu.Unlock()
	if last != s.Tokens() {
		t.Errorf("last report %v, session holds %v", last, s.Tokens())
	}
}

// TestOnTokensLateAfterSignOut: OnTokens reports run on whichever
// goroutine is delivering, so SignOut may return before a change made
// before it has been reported; the reports still come in the order of the
// changes, and the nil comes last (Config.OnTokens says so).
func TestOnTokensLateAfterSignOut(t *testing.T) {
	f := newFakeCognito(t, nil)
	tk1, tk2 := sampleTokens(1), sampleTokens(2)
	var (
		mu  sync.Mutex
		got []*Tokens
	)
	entered, release := make(chan struct{}), make(chan struct{})
	s := newLifecycleSession(t, f, "", func(c *Config) {
		c.OnTokens = func(tok *Tokens) {
			if tok == tk1 {
				close(entered)
				<-release
			}
			mu.Lock()
			got = append(got, tok)
			mu.Unlock()
		}
	})
	first := make(chan struct{})
	go func() { s.SetTokens(tk1); close(first) }()
	<-entered // tk1's report is being delivered, and holds the delivery
	s.SetTokens(tk2)
	if err := s.SignOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	early := len(got)
	mu.Unlock()
	close(release)
	<-first
	settle(t, s)
	mu.Lock()
	defer mu.Unlock()
	if early != 0 {
		t.Errorf("%d reports before the first one was released", early)
	}
	if len(got) != 3 || got[0] != tk1 || got[1] != tk2 || got[2] != nil {
		t.Errorf("reports %v, want tk1, tk2, nil", got)
	}
}

// TestSignOutReportsUnreadStore: a session that never loaded its store, and
// cannot read it at SignOut (here a token file others can read, whose
// refresh token may have leaked), cannot revoke what it holds: SignOut
// still forgets it locally but says so, instead of reporting success.
func TestSignOutReportsUnreadStore(t *testing.T) {
	skipWithoutUnixPermissions(t)
	path := filepath.Join(t.TempDir(), "tokens.json")
	_, f, s1, first := loggedIn(t, func(c *Config) { c.Store = NewFileStore(path) })
	s1.Close()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	s2 := newLifecycleSession(t, f, "", func(c *Config) { c.Store = NewFileStore(path) })
	err := s2.SignOut(context.Background())
	live := f.live(first.RefreshToken)
	if live && !errors.Is(err, ErrInsecureFile) {
		t.Fatalf("SignOut = %v with the stored refresh token still live; want an error matching ErrInsecureFile", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("token file after SignOut: %v; want it removed", err)
	}
}

// TestSetTokensNilDuringLogin: tokens forgotten with SetTokens(nil) while a
// login is in flight stay forgotten, as after SignOut: the login that ends
// afterwards neither installs nor saves its tokens.
func TestSetTokensNilDuringLogin(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	f := newFakeCognito(t, nil)
	s := newLifecycleSession(t, f, f.password, func(c *Config) { c.Store = NewFileStore(path) })
	entered := f.watch()
	release := f.hold()
	go s.ValidTokens(context.Background(), AccessToken)
	<-entered // the login reached Cognito
	s.SetTokens(nil)
	release()
	settle(t, s)
	if s.Tokens() != nil {
		t.Error("a login begun before SetTokens(nil) brought tokens back")
	}
	if stored, err := NewFileStore(path).Load(context.Background()); stored != nil || err != nil {
		t.Errorf("store after SetTokens(nil): %v, %v; want it empty", stored, err)
	}
}

// TestFailedSaveKeepsTokens backs Config.Store's doc: a save that fails
// fails neither the login nor the renewal, whose tokens stay in use, and
// the next change is saved again.
func TestFailedSaveKeepsTokens(t *testing.T) {
	store := new(flakyTokenStore)
	store.fail.Store(true)
	f := newFakeCognito(t, nil)
	s := newLifecycleSession(t, f, "", func(c *Config) { c.Store = store })
	if err := s.Authenticate(context.Background(), f.password); err != nil {
		t.Fatalf("Authenticate with a failing store: %v", err)
	}
	first := s.Tokens()
	if got, err := s.ValidTokens(context.Background(), AccessToken); err != nil || got != first {
		t.Fatalf("ValidTokens after a failed save: %v, %v; want the login's tokens", got, err)
	}
	store.fail.Store(false)
	if err := s.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	settle(t, s) // the flight hands out its tokens before it saves them
	if saved, _ := store.Load(context.Background()); saved == nil || saved != s.Tokens() || saved == first {
		t.Errorf("after the store recovered, it holds %v; want the renewed tokens", saved)
	}
}

// slowLoadStore is a MemoryStore whose first Load reads the tokens, then
// waits until release is closed to return them; later ones answer at once.
type slowLoadStore struct {
	MemoryStore
	loading chan struct{} // closed when the first Load starts
	first   sync.Once
	release chan struct{}
}

func (s *slowLoadStore) Load(ctx context.Context) (*Tokens, error) {
	held := false
	s.first.Do(func() { held = true; close(s.loading) })
	t, err := s.MemoryStore.Load(ctx)
	if held {
		<-s.release
	}
	return t, err
}

// TestSignOutDuringFirstLoad: a SignOut while the session's first need is
// still reading the store revokes the stored refresh token. (The session
// counted the store as read as soon as that read began, so the sign-out
// read nothing, revoked nothing and cleared the store, and the read's
// result was voided: the refresh token stayed live, held nowhere.)
func TestSignOutDuringFirstLoad(t *testing.T) {
	clk, f, s1, stored := loggedIn(t, nil)
	s1.Close()
	clk.Advance(2 * time.Hour) // the stored tokens are due for renewal
	store := &slowLoadStore{loading: make(chan struct{}), release: make(chan struct{})}
	store.Save(context.Background(), stored)
	s := newLifecycleSession(t, f, "", func(c *Config) { c.Store = store; c.Now = clk.Now })
	need := needAsync(context.Background(), s)
	<-store.loading
	if err := s.SignOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	close(store.release)
	if err := <-need; err == nil {
		t.Error("the need that began before SignOut got tokens")
	}
	live := f.live(stored.RefreshToken)
	if live || f.count("RevokeToken") != 1 {
		t.Errorf("stored refresh token live %v after SignOut, %d revocations", live, f.count("RevokeToken"))
	}
	if got, _ := store.MemoryStore.Load(context.Background()); got != nil || s.Tokens() != nil || s.stored.Load() != nil {
		t.Errorf("after SignOut: store holds %v, session %v, session believes the store holds %v", got, s.Tokens(), s.stored.Load())
	}
	// The voided read neither renews what it found nor records it.
	if n := f.count(FlowRefreshTokenAuth); n != 0 {
		t.Errorf("%d renewals of the signed-out tokens", n)
	}
}

// TestSignOutDuringStoredRenewal: a SignOut while the session's first
// flight renews the tokens it read from the store revokes their refresh
// token. The read had ended, so the store counted as read, yet the tokens
// were not the session's until the renewal ended: the sign-out revoked
// nothing and cleared the store, and the voided renewal dropped what it
// read, leaving the refresh token live and held nowhere.
func TestSignOutDuringStoredRenewal(t *testing.T) {
	clk, f, s1, stored := loggedIn(t, nil)
	s1.Close()
	clk.Advance(2 * time.Hour) // the stored tokens are no longer usable
	store := new(MemoryStore)
	store.Save(context.Background(), stored)
	s := newLifecycleSession(t, f, "", func(c *Config) { c.Store = store; c.Now = clk.Now })
	held, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	f.setFault(nil, func(w http.ResponseWriter, r *http.Request) bool {
		if strings.Contains(readAll(t, r), FlowRefreshTokenAuth) {
			once.Do(func() { close(held) })
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
		return false
	})
	defer close(release)
	need := needAsync(context.Background(), s)
	<-held
	if err := s.SignOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-need; err == nil {
		t.Error("the need that began before SignOut got tokens")
	}
	if live, n := f.live(stored.RefreshToken), f.count("RevokeToken"); live || n != 1 {
		t.Errorf("stored refresh token live %v after SignOut, %d revocations", live, n)
	}
	if got, _ := store.Load(context.Background()); got != nil || s.Tokens() != nil {
		t.Errorf("after SignOut: store holds %v, session %v", got, s.Tokens())
	}
}

// TestNeedAfterSignOutLogsIn backs SignOut's doc: a session with a password
// logs in again on its next use, even while a renewal that the sign-out
// voided is still in flight. (That need joined the voided renewal and
// failed with its ErrLoginRequired, as SetTokens(nil) made it too.)
func TestNeedAfterSignOutLogsIn(t *testing.T) {
	for _, forget := range []struct {
		name string
		do   func(*Session) error
	}{
		{"SignOut", func(s *Session) error { return s.SignOut(context.Background()) }},
		{"SetTokens(nil)", func(s *Session) error { s.SetTokens(nil); return nil }},
	} {
		t.Run(forget.name, func(t *testing.T) {
			clk, f, s, _ := loggedIn(t, nil)
			clk.Advance(2 * time.Hour) // the next need renews, and waits
			held, release := make(chan struct{}), make(chan struct{})
			var once sync.Once
			f.setFault(nil, func(w http.ResponseWriter, r *http.Request) bool {
				if strings.Contains(readAll(t, r), FlowRefreshTokenAuth) {
					once.Do(func() { close(held) })
					<-release
				}
				return false
			})
			before := needAsync(context.Background(), s)
			<-held
			if err := forget.do(s); err != nil {
				t.Fatal(err)
			}
			after := make(chan error, 1)
			var got *Tokens
			waited := s.waits.Load()
			go func() {
				var err error
				got, err = s.ValidTokens(context.Background(), AccessToken)
				after <- err
			}()
			waitersAtLeast(t, s, waited+1) // it came after the sign-out
			close(release)
			if err := <-before; !errors.Is(err, ErrLoginRequired) {
				t.Errorf("need from before the sign-out: %v, want ErrLoginRequired", err)
			}
			if err := <-after; err != nil || got == nil {
				t.Fatalf("need after the sign-out: %v, want a new login", err)
			}
			settle(t, s)
			if s.Tokens() != got {
				t.Error("the new login's tokens are not the session's")
			}
		})
	}
}

// TestNeedAfterSignOutDuringHungRenewal: a sign-out cancels the renewal it
// voids, so a need after it logs in at once, on a timeout of its own. It
// used to wait for the voided renewal (up to FlightTimeout) on its own
// flight's clock, and fail with "context deadline exceeded" when that
// renewal hung.
func TestNeedAfterSignOutDuringHungRenewal(t *testing.T) {
	for _, forget := range []struct {
		name string
		do   func(s *Session) error
	}{
		{"SignOut", func(s *Session) error { return s.SignOut(context.Background()) }},
		{"SetTokens(nil)", func(s *Session) error { s.SetTokens(nil); return nil }},
	} {
		t.Run(forget.name, func(t *testing.T) {
			clk, f, s, _ := loggedIn(t, func(c *Config) { c.FlightTimeout = 2 * time.Second })
			clk.Advance(2 * time.Hour) // the next need renews, and waits
			hung := hangFirstRenewal(t, f)
			go s.ValidTokens(context.Background(), AccessToken)
			<-hung
			if err := forget.do(s); err != nil {
				t.Fatal(err)
			}
			logsInPromptly(t, s)
		})
	}
}

// TestNeedAfterSignOutDuringFirstLoadLogsIn: a need after a SignOut that
// came while the session's first flight (from no tokens) still read the
// store logs in, rather than joining that voided flight: its tokens (none)
// are still the session's, and only the epoch tells it from a flight the
// need may join.
func TestNeedAfterSignOutDuringFirstLoadLogsIn(t *testing.T) {
	f := newFakeCognito(t, nil)
	store := &slowLoadStore{loading: make(chan struct{}), release: make(chan struct{})}
	s := newLifecycleSession(t, f, f.password, func(c *Config) { c.Store = store })
	before := needAsync(context.Background(), s)
	<-store.loading
	if err := s.SignOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	after := make(chan error, 1)
	waited := s.waits.Load()
	go func() {
		_, err := s.ValidTokens(context.Background(), AccessToken)
		after <- err
	}()
	waitersAtLeast(t, s, waited+1)
	close(store.release)
	if err := <-before; !errors.Is(err, ErrLoginRequired) {
		t.Errorf("need from before the sign-out: %v, want ErrLoginRequired", err)
	}
	if err := <-after; err != nil {
		t.Fatalf("need after the sign-out: %v, want a new login", err)
	}
	if n := f.count("login"); n != 1 {
		t.Errorf("%d logins, want 1", n)
	}
}

// TestNeedAfterSignOutDuringHungChain: a sign-out cancels every flight of
// a chain (a renewal voided by SetTokens, and the one waiting for it), so
// a need after it logs in at once. It used to cancel only the newest,
// which then waited for the hung one, up to FlightTimeout.
func TestNeedAfterSignOutDuringHungChain(t *testing.T) {
	f, s, set := dueWithOtherTokens(t)
	s.cfg.FlightTimeout = 2 * time.Second
	hung := hangFirstRenewal(t, f)
	go s.ValidTokens(context.Background(), AccessToken)
	<-hung
	s.SetTokens(set)
	waited := s.waits.Load()
	go s.ValidTokens(context.Background(), AccessToken) // waits for the hung one
	waitersAtLeast(t, s, waited+1)
	if err := s.SignOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	logsInPromptly(t, s)
}

// hangFirstRenewal makes f's first renewal hang until the client gives up,
// and returns a channel closed once it has reached f.
func hangFirstRenewal(t *testing.T, f *fakeCognito) <-chan struct{} {
	hung := make(chan struct{})
	var once sync.Once
	f.setFault(nil, func(w http.ResponseWriter, r *http.Request) bool {
		first := false
		if strings.Contains(readAll(t, r), FlowRefreshTokenAuth) {
			once.Do(func() { first = true; close(hung) })
		}
		if first {
			<-r.Context().Done()
		}
		return first
	})
	return hung
}

// logsInPromptly checks that a need after a sign-out logs in within a
// second: it did not wait for a voided renewal that hangs.
func logsInPromptly(t *testing.T, s *Session) {
	t.Helper()
	start := time.Now()
	if _, err := s.ValidTokens(context.Background(), AccessToken); err != nil {
		t.Fatalf("need after the sign-out: %v, want a new login", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("the need after the sign-out took %v: it waited for the voided renewal", d)
	}
}

// TestOnTokensReportsEachSavedChange: a change saved while OnTokens runs
// is reported after it returns even if a newer one replaced it meanwhile,
// as Config.OnTokens says; only a change replaced before it was saved is
// skipped.
func TestOnTokensReportsEachSavedChange(t *testing.T) {
	f := newFakeCognito(t, nil)
	a, b, c := sampleTokens(1), sampleTokens(2), sampleTokens(3)
	var (
		s    *Session
		seen []*Tokens
	)
	s = newLifecycleSession(t, f, "", func(cfg *Config) {
		cfg.OnTokens = func(tok *Tokens) {
			seen = append(seen, tok)
			if tok == a {
				s.SetTokens(b) // saved now, reported after this call
				s.SetTokens(c) // replaces b before b is reported
			}
		}
	})
	s.SetTokens(a)
	if len(seen) != 3 || seen[0] != a || seen[1] != b || seen[2] != c {
		t.Errorf("OnTokens saw %d changes, want a, b and c in order", len(seen))
	}
}

// unclearableStore is a MemoryStore whose Clear fails.
type unclearableStore struct{ MemoryStore }

func (*unclearableStore) Clear(context.Context) error { return errStore }

// TestSetTokensNilWinsOverStore: tokens forgotten with SetTokens(nil) stay
// forgotten when the Store could not be cleared: the session's next need
// does not load them back from the store (SetTokens: t, here nil, wins
// over whatever the store holds), and a session without a password asks
// for a login.
func TestSetTokensNilWinsOverStore(t *testing.T) {
	old := sampleTokens(1)
	store := new(unclearableStore)
	store.Save(context.Background(), old)
	s, err := NewSession(Config{UserPoolID: "us-east-1_Forget", ClientID: "c", Endpoint: "http://127.0.0.1:1/", Store: store,
		Now: func() time.Time { return old.IssuedAt.Add(time.Minute) }}, "u")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.SetTokens(nil) // the Clear fails, and is logged
	if got, err := s.ValidTokens(context.Background(), AccessToken); !errors.Is(err, ErrLoginRequired) {
		t.Errorf("ValidTokens after SetTokens(nil) = %v, %v; want ErrLoginRequired, not the store's tokens back", got, err)
	}
}

// TestSignOutRevokesWhatAFailedClearLeft: SetTokens(nil) forgets the
// tokens without revoking them and clears the Store; when that clear
// fails, the store still holds their refresh token, and a SignOut after it
// revokes that (forget: "or else those the store holds").
func TestSignOutRevokesWhatAFailedClearLeft(t *testing.T) {
	_, f, s, first := loggedIn(t, func(c *Config) { c.Store = new(unclearableStore) })
	s.SetTokens(nil) // the clear fails
	err := s.SignOut(context.Background())
	if !errors.Is(err, errStore) {
		t.Errorf("SignOut = %v, want the store's error: it still cannot be cleared", err)
	}
	if f.count("RevokeToken") != 1 || f.live(first.RefreshToken) {
		t.Errorf("SignOut made %d revocations, the stored refresh token live %v; want it revoked", f.count("RevokeToken"), f.live(first.RefreshToken))
	}
}

// TestSignOutWithoutRefreshToken: tokens without a refresh token (set by
// a program that kept only the access and id tokens) have nothing to
// revoke: SignOut forgets them without calling Cognito, and succeeds.
func TestSignOutWithoutRefreshToken(t *testing.T) {
	_, f, s, first := loggedIn(t, nil)
	kept := *first
	kept.RefreshToken = ""
	s.SetTokens(&kept)
	if err := s.SignOut(context.Background()); err != nil || s.Tokens() != nil {
		t.Errorf("SignOut = %v, tokens forgotten %v; want nil and forgotten", err, s.Tokens() == nil)
	}
	if n := f.count("RevokeToken"); n != 0 {
		t.Errorf("SignOut made %d RevokeToken calls without a refresh token", n)
	}
}

// TestNeedInRefreshVoidedBySignOut: a need that joined Session.Refresh's
// flight, which a SignOut then voids, fails with ErrLoginRequired, as any
// caller from before the sign-out does: the voided flight is not taken for
// one that merely cannot log in (mayLogIn), so the need does not log in
// again behind the sign-out's back.
func TestNeedInRefreshVoidedBySignOut(t *testing.T) {
	clk, f, s, _ := loggedIn(t, nil)
	clk.Advance(2 * time.Hour) // the need waits for Cognito
	release := f.hold()
	defer release()
	waited := s.waits.Load()
	refreshed := make(chan error, 1)
	go func() { refreshed <- s.Refresh(context.Background()) }()
	waitersAtLeast(t, s, waited+1)
	errs := needAsync(context.Background(), s)
	waitersAtLeast(t, s, waited+2) // both wait for Refresh's flight
	signedOut := signOutAsync(s)
	release()
	if err := <-errs; !errors.Is(err, ErrLoginRequired) {
		t.Errorf("need in a Refresh ended by SignOut: %v, want ErrLoginRequired", err)
	}
	if err := <-refreshed; !errors.Is(err, ErrLoginRequired) {
		t.Errorf("Refresh ended by SignOut: %v, want ErrLoginRequired", err)
	}
	if err := <-signedOut; err != nil {
		t.Fatal(err)
	}
	settle(t, s)
	if n := f.count("login"); n != 1 || s.Tokens() != nil {
		t.Errorf("after the sign-out: %d logins, tokens %v; want 1 and none", n, s.Tokens() != nil)
	}
}

// signOutAsync starts s.SignOut and returns once the session has dropped
// its tokens (the sign-out may still be revoking them), with the channel
// that gets its result.
func signOutAsync(s *Session) <-chan error {
	signedOut := make(chan error, 1)
	go func() { signedOut <- s.SignOut(context.Background()) }()
	for s.Tokens() != nil {
		time.Sleep(time.Millisecond)
	}
	return signedOut
}

// TestAccessRevoked: GlobalSignOut renews and tries again only when
// Cognito refuses the access token as revoked: not when it is expired or
// lacks the scope (a new token would be refused alike), nor for an error
// of another type that happens to say "revoked" (a web ACL's
// ForbiddenException carries the ACL's own message).
func TestAccessRevoked(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&APIError{Type: "NotAuthorizedException", Message: "Access Token has been revoked"}, true},
		{fmt.Errorf("wrapped: %w", &APIError{Type: "NotAuthorizedException", Message: "Access Token has been revoked"}), true},
		// In any case: Cognito's messages capitalize words freely
		// ("Access Token").
		{&APIError{Type: "NotAuthorizedException", Message: "Access Token has been Revoked"}, true},
		{&APIError{Type: "NotAuthorizedException", Message: "Access Token has expired"}, false},
		{&APIError{Type: "NotAuthorizedException", Message: "Access Token does not have required scopes"}, false},
		{&APIError{Type: "ForbiddenException", Message: "Request blocked: token revoked"}, false},
		{errors.New("NotAuthorizedException: Access Token has been revoked"), false},
		{nil, false},
	} {
		if got := accessRevoked(c.err); got != c.want {
			t.Errorf("accessRevoked(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
