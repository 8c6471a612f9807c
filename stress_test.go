// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// This file is a randomized, model-based stress test of one Auth and its
// Session used as a busy service uses them: many goroutines make requests,
// ask for tokens, renew, sign out, set tokens, authenticate and cancel
// their contexts at random, while the emulator's clock jumps and its user
// is revoked, disabled or given another password. It checks what a user
// relies on, whatever the interleaving:
//
//   - every call returns within a bound (no deadlock), none panics;
//   - every error matches a documented sentinel and carries no secret;
//   - a request (or Token, ValidTokens) that began after a SignOut or
//     SetTokens(nil) returned never carries a token issued before that
//     call began;
//   - logins and renewals stay bounded by the events that call for them,
//     and concurrent needs of a session without tokens (at the start, and
//     in bursts that hold the other goroutines off) cause one login;
//   - nothing reaches Cognito after Close returned but a sign-out;
//   - OnTokens never reports a change after one that came later;
//   - once quiet, the store's last save and OnTokens's last call are the
//     session's tokens;
//   - after Close no goroutine of the library remains.
//
// A violation names its seed; the interleaving is the scheduler's, so a
// seed makes a failure likely to recur, not certain. The model's clock
// (ev) orders what the test saw: a token counts as issued when its
// response was read (or when SetTokens returned), so the checks flag only
// orders that no interleaving explains.
//
// By default it runs a few seeds quickly. COGNITOSRP_STRESS=n runs n seeds
// with more operations; COGNITOSRP_STRESS_SEED=s runs seed s alone.

const stressPassword = "correct horse battery staple"

// stressRun is the model: what the test knows of every token and event,
// on one logical clock (ev) that orders them.
type stressRun struct {
	t      *testing.T
	seed   uint64
	srv    *cognitotest.Server
	sub    string
	auth   *cognitosrp.Auth
	s      *cognitosrp.Session
	api    *httptest.Server
	client *http.Client

	ev atomic.Int64 // the logical clock

	mu         sync.Mutex
	intro      map[string]int64  // token -> when it was issued (or set)
	origin     map[string]string // access token -> what issued it, for reports
	setAt      map[string]int64  // access token -> when SetTokens was called with it
	current    map[string]int64  // access token -> first ev it was the session's
	forgets    []span            // completed SignOut, GlobalSignOut, SetTokens(nil)
	secrets    []string
	violations []string
	notes      []string // OnTokens calls in order: access token or ""
	unexpected map[string]int
	issued     map[string]int // tokens issued, by action
	events     int            // what may call for a login or renewal

	preloaded bool         // the store held tokens at the start
	calm      bool         // sign-outs and broken users are rare: renewals dominate
	closedAt  atomic.Int64 // ev when Close returned
	lastSaved atomic.Pointer[cognitosrp.Tokens]
	saves     atomic.Int64

	gate   sync.RWMutex // a burst holds it alone; every other operation shares it
	userMu sync.Mutex   // serializes changes to the emulator's user
	broken string       // "", "disabled" or "password"

	busy []atomic.Int64 // per worker: unix nanos when its current op began, 0 idle
	what []atomic.Value // per worker: its current op's name
}

type span struct{ start, end int64 }

func (r *stressRun) tick() int64 { return r.ev.Add(1) }

func (r *stressRun) violate(format string, args ...any) {
	r.mu.Lock()
	r.violateLocked(format, args...)
	r.mu.Unlock()
}

func (r *stressRun) violateLocked(format string, args ...any) {
	if len(r.violations) < 50 {
		r.violations = append(r.violations, fmt.Sprintf(format, args...))
	}
}

// recordTokens notes tokens Cognito (or the test) issued at ev.
func (r *stressRun) recordTokens(ev int64, access, id, refresh string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, tok := range []string{access, id} {
		if _, ok := r.intro[tok]; tok != "" && !ok {
			r.intro[tok] = ev
		}
	}
	for _, tok := range []string{access, id, refresh} {
		if tok != "" {
			r.secrets = append(r.secrets, tok)
		}
	}
}

// checkToken checks a token that a call begun at start handed out (or a
// request carried): it is known, and no forget that ended before start
// began after it was issued.
func (r *stressRun) checkToken(start int64, tok, what string) {
	if tok == "" {
		return
	}
	r.mu.Lock()
	in, ok := r.intro[tok]
	var after int64 = -1
	for _, f := range r.forgets {
		if f.end < start && f.start > after {
			after = f.start
		}
	}
	r.mu.Unlock()
	switch {
	case !ok:
		r.violate("%s: a token the test never saw issued", what)
	case in < after:
		r.violate("%s begun at ev %d carries a token issued at ev %d, before a sign-out begun at ev %d that had returned", what, start, in, after)
	}
}

// seen notes that the session held t at this point of the run.
func (r *stressRun) seen(t *cognitosrp.Tokens) {
	if t == nil {
		return
	}
	ev := r.tick()
	r.mu.Lock()
	if _, ok := r.current[t.AccessToken]; !ok {
		r.current[t.AccessToken] = ev
	}
	r.mu.Unlock()
}

// checkErr checks an error a call returned: a documented sentinel, and no
// secret in its text.
func (r *stressRun) checkErr(op string, err error) {
	if err == nil {
		return
	}
	msg := err.Error()
	r.mu.Lock()
	secrets := r.secrets
	r.mu.Unlock()
	for _, sec := range secrets {
		if strings.Contains(msg, sec) || len(sec) > 40 && strings.Contains(msg, sec[len(sec)-24:]) {
			r.violate("%s: error reveals a secret: %.200s", op, msg)
			break
		}
	}
	for _, target := range []error{
		cognitosrp.ErrClosed, cognitosrp.ErrLoginRequired, cognitosrp.ErrNotAuthorized,
		cognitosrp.ErrUserNotFound, cognitosrp.ErrInvalidResponse, context.Canceled, context.DeadlineExceeded,
	} {
		if errors.Is(err, target) {
			r.mu.Lock()
			r.unexpected["ok: "+op+": "+target.Error()]++
			r.mu.Unlock()
			return
		}
	}
	r.violate("%s: error matches no documented sentinel: %.300s", op, msg)
}

// stressRecorder is the Session's transport to the emulator: it notes every
// token issued, and every call made after Close.
type stressRecorder struct{ r *stressRun }

func (rec stressRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r := rec.r
	action := strings.TrimPrefix(req.Header.Get("X-Amz-Target"), "AWSCognitoIdentityProviderService.")
	if r.closedAt.Load() != 0 && action != "RevokeToken" && action != "GlobalSignOut" {
		r.violate("%s sent to Cognito after Close returned", action)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return resp, nil
	}
	var out struct {
		AuthenticationResult *cognitosrp.AuthenticationResult
	}
	if json.Unmarshal(body, &out) == nil && out.AuthenticationResult != nil {
		res := out.AuthenticationResult
		r.recordTokens(r.tick(), res.AccessToken, res.IdToken, res.RefreshToken)
		r.mu.Lock()
		r.issued[action]++
		r.origin[res.AccessToken] = action
		r.mu.Unlock()
	}
	return resp, nil
}

// stressStore records the last save.
type stressStore struct {
	cognitosrp.MemoryStore
	r *stressRun
}

// pause widens the windows between a store's call and what follows it.
func pause() {
	if rand.N(4) == 0 {
		time.Sleep(rand.N(300 * time.Microsecond))
	}
}

func (st *stressStore) Load(ctx context.Context) (*cognitosrp.Tokens, error) {
	pause()
	return st.MemoryStore.Load(ctx)
}

func (st *stressStore) Save(ctx context.Context, t *cognitosrp.Tokens) error {
	pause()
	st.r.lastSaved.Store(t)
	st.r.saves.Add(1)
	return st.MemoryStore.Save(ctx, t)
}

func (st *stressStore) Clear(ctx context.Context) error {
	pause()
	st.r.lastSaved.Store(nil)
	st.r.saves.Add(1)
	return st.MemoryStore.Clear(ctx)
}

func newStressRun(t *testing.T, seed uint64) *stressRun {
	rnd := rand.New(rand.NewPCG(seed, 1))
	r := &stressRun{
		t: t, seed: seed,
		intro:      make(map[string]int64),
		origin:     make(map[string]string),
		setAt:      make(map[string]int64),
		current:    make(map[string]int64),
		unexpected: make(map[string]int),
		issued:     make(map[string]int),
	}
	cfg := cognitotest.Config{
		Seed:                 seed,
		ClientSecret:         "stress-client-secret-" + strconv.FormatUint(seed, 36) + "-kept-out-of-errors",
		RefreshTokenRotation: rnd.IntN(2) == 0,
	}
	r.srv = cognitotest.NewServer(t, cfg)
	u, err := r.srv.AddUser(cognitotest.User{Username: "alice", Password: stressPassword})
	if err != nil {
		t.Fatal(err)
	}
	r.sub = u.Sub
	r.secrets = append(r.secrets, stressPassword, stressPassword+"!", r.srv.ClientSecret())

	opts := r.srv.Options("alice", stressPassword)
	opts.HTTPClient = &http.Client{Transport: stressRecorder{r}, Timeout: 5 * time.Second}
	st := &stressStore{r: r}
	if rnd.IntN(2) == 0 {
		// A past run's tokens: the first need loads them, a sign-out
		// before it revokes them.
		t := r.fresh()
		r.recordTokens(r.tick(), t.AccessToken, t.IDToken, "")
		r.origin[t.AccessToken] = "Store"
		st.MemoryStore.Save(context.Background(), t)
		r.preloaded = true
	}
	opts.Store = st
	opts.OnTokens = func(tok *cognitosrp.Tokens) {
		r.seen(r.s.Tokens())
		if rand.N(8) == 0 {
			// OnTokens may call the Session: it runs with no lock held.
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			start := r.tick()
			t, err := r.s.ValidTokens(ctx, cognitosrp.AccessToken)
			cancel()
			r.checkErr("ValidTokens in OnTokens", err)
			if err == nil {
				r.checkToken(start, t.AccessToken, "ValidTokens in OnTokens")
			}
		}
		r.mu.Lock()
		if tok == nil {
			r.notes = append(r.notes, "")
		} else {
			r.notes = append(r.notes, tok.AccessToken)
		}
		r.mu.Unlock()
	}
	r.api = httptest.NewServer(http.HandlerFunc(r.serveAPI))
	t.Cleanup(r.api.Close)
	opts.Base = r.api.Client().Transport
	r.calm = rnd.IntN(2) == 0
	if rnd.IntN(2) == 0 {
		opts.RefreshAhead = time.Duration(1+rnd.IntN(20)) * time.Minute
	}
	r.auth, err = cognitosrp.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	r.s = r.auth.Session()
	// Options has no Now: the session must see the emulator's clock jump.
	cognitosrp.SetSessionNow(r.s, r.srv.Now)
	r.client = r.auth.Client()
	return r
}

// serveAPI is the API: it accepts the access tokens the emulator would,
// and checks each against the model.
func (r *stressRun) serveAPI(w http.ResponseWriter, req *http.Request) {
	start, _ := strconv.ParseInt(req.Header.Get("X-Stress-Start"), 10, 64)
	tok, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
	if !ok {
		r.violate("API: a request without a bearer token")
		http.Error(w, "no token", http.StatusUnauthorized)
		return
	}
	r.checkToken(start, tok, "request")
	if _, err := r.srv.VerifyAccessToken(tok); err != nil {
		http.Error(w, "bad token", http.StatusUnauthorized)
		return
	}
	io.WriteString(w, "ok")
}

// opCtx returns a context that may be cancelled at a random point.
func opCtx(rnd *rand.Rand) (context.Context, context.CancelFunc) {
	switch rnd.IntN(12) {
	case 0:
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return ctx, cancel
	case 1, 2:
		return context.WithTimeout(context.Background(), time.Duration(rnd.IntN(4000))*time.Microsecond)
	default:
		return context.WithTimeout(context.Background(), 5*time.Second)
	}
}

// fresh issues tokens outside the session, for SetTokens.
func (r *stressRun) fresh() *cognitosrp.Tokens {
	res, err := r.srv.IssueTokens("alice")
	if err != nil {
		return nil // disabled or deleted: no tokens to set
	}
	ca, err1 := cognitosrp.ParseUnverified(res.AccessToken)
	ci, err2 := cognitosrp.ParseUnverified(res.IdToken)
	if err1 != nil || err2 != nil {
		r.violate("emulator issued unparsable tokens")
		return nil
	}
	r.recordTokens(r.tick(), "", "", res.RefreshToken) // a secret; issued when set
	return &cognitosrp.Tokens{
		AccessToken: res.AccessToken, IDToken: res.IdToken, RefreshToken: res.RefreshToken,
		TokenType: "Bearer", AccessExpiry: ca.Expiry, IDExpiry: ci.Expiry, IssuedAt: ca.IssuedAt,
		Username: ca.Username,
	}
}

// setUser replaces the emulator's user, disabled or not, with password pw.
// Deleting it revokes its tokens, as in Cognito.
func (r *stressRun) setUser(disabled bool, pw string) {
	if err := r.srv.DeleteUser("alice"); err != nil {
		r.t.Error(err)
	}
	if _, err := r.srv.AddUser(cognitotest.User{Username: "alice", Sub: r.sub, Password: pw, Disabled: disabled}); err != nil {
		r.t.Error(err)
	}
}

// heal undoes what breakUser did.
func (r *stressRun) heal() {
	r.userMu.Lock()
	defer r.userMu.Unlock()
	switch r.broken {
	case "disabled":
		r.setUser(false, stressPassword)
	case "password":
		r.srv.SetPassword("alice", stressPassword)
	}
	r.broken = ""
}

func (r *stressRun) breakUser(rnd *rand.Rand) {
	r.userMu.Lock()
	defer r.userMu.Unlock()
	if r.broken != "" {
		return
	}
	switch rnd.IntN(3) {
	case 0:
		r.setUser(true, stressPassword)
		r.broken = "disabled"
	case 1:
		r.srv.SetPassword("alice", stressPassword+"!")
		r.broken = "password"
	case 2:
		r.srv.SignOut("alice")
	}
}

func (r *stressRun) event() {
	r.mu.Lock()
	r.events++
	r.mu.Unlock()
}

func (r *stressRun) forget(start int64) {
	r.mu.Lock()
	r.forgets = append(r.forgets, span{start, r.ev.Add(1)})
	r.events++
	r.mu.Unlock()
}

// op runs one random operation.
func (r *stressRun) op(w int, rnd *rand.Rand, closeNow bool) {
	if closeNow {
		r.gate.RLock()
		defer r.gate.RUnlock()
		r.what[w].Store("Close")
		r.auth.Close()
		r.closedAt.Store(r.tick())
		return
	}
	n := rnd.IntN(103)
	if r.calm && (n >= 67 && n < 84 || n >= 90) && rnd.IntN(5) != 0 {
		n = rnd.IntN(67) // a request, a need or a Refresh instead
	}
	if n >= 100 {
		r.what[w].Store("burst")
		r.burst()
		return
	}
	r.gate.RLock()
	defer r.gate.RUnlock()
	ctx, cancel := opCtx(rnd)
	defer cancel()
	start := r.tick()
	name := ""
	defer func() { r.what[w].Store(name) }()
	switch {
	case n < 30:
		name = "RoundTrip"
		r.what[w].Store(name)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, r.api.URL, nil)
		req.Header.Set("X-Stress-Start", strconv.FormatInt(start, 10))
		resp, err := r.client.Do(req)
		r.checkErr(name, err)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusUnauthorized {
				r.violate("RoundTrip: status %d", resp.StatusCode)
			}
		}
	case n < 42:
		name = "Token"
		r.what[w].Store(name)
		tok, err := r.auth.Token(ctx)
		r.checkErr(name, err)
		r.checkToken(start, tok, name)
	case n < 48:
		name = "HeaderValue"
		r.what[w].Store(name)
		v, err := r.auth.HeaderValue(ctx)
		r.checkErr(name, err)
		r.checkToken(start, strings.TrimPrefix(v, "Bearer "), name)
	case n < 58:
		name = "ValidTokens"
		r.what[w].Store(name)
		typ := []cognitosrp.TokenType{cognitosrp.AccessToken, cognitosrp.IDToken}[rnd.IntN(2)]
		t, err := r.s.ValidTokens(ctx, typ)
		r.checkErr(name, err)
		if err == nil {
			r.checkToken(start, t.Token(typ), name)
		}
	case n < 62:
		name = "Tokens"
		r.seen(r.s.Tokens())
	case n < 67:
		name = "Refresh"
		r.what[w].Store(name)
		r.event()
		r.checkErr(name, r.s.Refresh(ctx))
	case n < 71:
		name = "SignOut"
		r.what[w].Store(name)
		err := r.s.SignOut(ctx)
		r.forget(start) // forgotten locally even when revoking failed
		r.checkErr(name, err)
	case n < 73:
		name = "GlobalSignOut"
		r.what[w].Store(name)
		err := r.s.GlobalSignOut(ctx)
		if err == nil {
			r.forget(start)
		} else {
			r.event()
		}
		r.checkErr(name, err)
	case n < 77:
		name = "Authenticate"
		r.what[w].Store(name)
		r.event()
		r.checkErr(name, r.s.Authenticate(ctx, stressPassword))
	case n < 80:
		name = "SetTokens(nil)"
		r.what[w].Store(name)
		r.s.SetTokens(nil)
		r.forget(start)
	case n < 84:
		name = "SetTokens"
		r.what[w].Store(name)
		if t := r.fresh(); t != nil {
			// Issued, for the model, when set: a concurrent sign-out may
			// or may not have forgotten it, and until SetTokens returns
			// any call may see it.
			r.recordTokens(math.MaxInt64, t.AccessToken, t.IDToken, "")
			r.mu.Lock()
			r.setAt[t.AccessToken] = r.ev.Add(1)
			r.mu.Unlock()
			r.s.SetTokens(t)
			ev := r.tick()
			r.mu.Lock()
			r.intro[t.AccessToken], r.intro[t.IDToken] = ev, ev
			r.origin[t.AccessToken] = "SetTokens"
			r.mu.Unlock()
			r.event()
		}
	case n < 90:
		name = "Advance"
		r.what[w].Store(name)
		r.srv.Advance(time.Duration(rnd.IntN(20)) * time.Minute)
		r.event()
	case n < 95:
		name = "breakUser"
		r.what[w].Store(name)
		r.breakUser(rnd)
		r.event()
	default:
		name = "heal"
		r.what[w].Store(name)
		r.heal()
		r.event()
	}
}

// burst checks single flight mid-run: with every other operation held
// off, a session that forgot its tokens and has many callers needing them
// at once logs in once. (A login voided by the SetTokens(nil) may finish
// too: at most two.)
func (r *stressRun) burst() {
	r.gate.Lock()
	defer r.gate.Unlock()
	r.userMu.Lock()
	broken := r.broken != ""
	r.userMu.Unlock()
	if broken || r.closedAt.Load() != 0 {
		return
	}
	start := r.tick()
	r.s.SetTokens(nil)
	r.forget(start)
	count := func() int {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.issued["RespondToAuthChallenge"]
	}
	before := count()
	r.needAll(12, "burst Token")
	if n := count() - before; n > 2 {
		r.violate("12 concurrent needs after SetTokens(nil) made %d logins", n)
	}
}

// needAll has n goroutines need a token at once, each as a caller with a
// deadline would, checks what each got under the name what, and waits
// for them all.
func (r *stressRun) needAll(n int, what string) {
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			start := r.tick()
			tok, err := r.auth.Token(ctx)
			r.checkErr(what, err)
			r.checkToken(start, tok, what)
		}()
	}
	wg.Wait()
}

// watch fails the run (with every goroutine's stack) when an operation
// does not return within bound: a deadlock would otherwise hang the test.
func (r *stressRun) watch(stop <-chan struct{}, bound time.Duration) {
	tk := time.NewTicker(50 * time.Millisecond)
	defer tk.Stop()
	begun := time.Now()
	for {
		select {
		case <-stop:
			return
		case <-tk.C:
		}
		if time.Since(begun) > 4*bound {
			buf := make([]byte, 4<<20)
			buf = buf[:runtime.Stack(buf, true)]
			fmt.Fprintf(os.Stderr, "seed %d: run not done after %v\n%s\n", r.seed, 4*bound, buf)
			panic("stress: the run did not end: deadlock?")
		}
		for w := range r.busy {
			if b := r.busy[w].Load(); b != 0 && time.Since(time.Unix(0, b)) > bound {
				buf := make([]byte, 1<<20)
				buf = buf[:runtime.Stack(buf, true)]
				fmt.Fprintf(os.Stderr, "seed %d: worker %d stuck in %v for %v\n%s\n", r.seed, w, r.what[w].Load(), bound, buf)
				panic("stress: a call did not return: deadlock?")
			}
		}
	}
}

// libraryGoroutines returns the stacks of goroutines running code of the
// root package (not the tests'), other than the caller's.
func libraryGoroutines() []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for i, g := range strings.Split(string(buf), "\n\n") {
		if i > 0 && strings.Contains(g, "github.com/gocognito/cognitosrp.") && !pausedTest(g) {
			out = append(out, g)
		}
	}
	return out
}

// pausedTest reports whether the goroutine whose stack is g is a test
// waiting in t.Parallel for the serial tests to end: one of the package's
// own tests (package cognitosrp) names the package in its frames, but
// runs nothing of it yet.
func pausedTest(g string) bool {
	_, frames, _ := strings.Cut(g, "\n")
	return strings.HasPrefix(frames, "testing.(*T).Parallel(")
}

func (r *stressRun) run(workers, ops int) {
	t := r.t
	r.busy = make([]atomic.Int64, workers)
	r.what = make([]atomic.Value, workers)
	stopWatch := make(chan struct{})
	go r.watch(stopWatch, 15*time.Second)
	defer close(stopWatch) // after the check of goroutines: it is the test's
	rnd := rand.New(rand.NewPCG(r.seed, 2))
	r.srv.SetLatency(time.Duration(rnd.IntN(3)) * time.Millisecond)

	// Concurrent first needs share one login.
	r.needAll(2*workers, "first Token")
	want := 1
	if r.preloaded {
		want = 0 // the store's tokens are fresh
	}
	if n := r.srv.Calls("InitiateAuth"); n != want {
		r.violate("%d concurrent first needs made %d logins, want %d", 2*workers, n, want)
	}

	closeWorker, closeAt := -1, -1
	if rnd.IntN(3) == 0 {
		closeWorker, closeAt = rnd.IntN(workers), rnd.IntN(ops)
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(r.seed, uint64(10+w)))
			for i := range ops {
				r.busy[w].Store(time.Now().UnixNano())
				r.op(w, rnd, w == closeWorker && i == closeAt)
				r.busy[w].Store(0)
			}
		}()
	}
	wg.Wait()

	// Quiet: the user can log in again, and nobody calls the session.
	r.heal()
	if r.closedAt.Load() == 0 {
		r.checkQuiet()
	}
	r.checkIssued()
	r.checkNotes()

	r.auth.Close()
	deadline := time.Now().Add(3 * time.Second)
	for {
		left := libraryGoroutines()
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			r.violate("after Close, %d goroutines of the library remain:\n%s", len(left), strings.Join(left, "\n\n"))
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, v := range r.violations {
		t.Errorf("seed %d: %s", r.seed, v)
	}
	if testing.Verbose() {
		keys := make([]string, 0, len(r.unexpected))
		for k := range r.unexpected {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			t.Logf("seed %d: %5d %s", r.seed, r.unexpected[k], k)
		}
		t.Logf("seed %d: calm %v, issued %v, events %d, forgets %d, OnTokens %d, saves %d, closed %v",
			r.seed, r.calm, r.issued, r.events, len(r.forgets), len(r.notes), r.saves.Load(), r.closedAt.Load() != 0)
	}
}

// checkQuiet waits for the session to settle (a background renewal may
// still be running) and checks that the store and OnTokens end on the
// session's tokens.
func (r *stressRun) checkQuiet() {
	deadline := time.Now().Add(5 * time.Second)
	for {
		cur := r.s.Tokens()
		r.mu.Lock()
		last := "none"
		if len(r.notes) > 0 {
			last = r.notes[len(r.notes)-1]
		}
		r.mu.Unlock()
		curAccess := ""
		if cur != nil {
			curAccess = cur.AccessToken
		}
		saved := r.lastSaved.Load()
		if saved == cur && last == curAccess {
			return
		}
		if time.Now().After(deadline) {
			r.violate("quiet session: store holds %s, OnTokens last got %s, session holds %s",
				r.short(saved.Token("")), r.short(last), r.short(curAccess))
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// short names a token by when it was issued.
func (r *stressRun) short(tok string) string {
	if tok == "" {
		return "nothing"
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if ev, ok := r.intro[tok]; ok {
		return "tokens of ev " + strconv.FormatInt(ev, 10)
	}
	return "unknown tokens"
}

// checkIssued bounds the logins and renewals: each calls for one event
// (a sign-out, a clock jump, a revocation, an explicit call) at most a
// few times, however many callers needed tokens.
func (r *stressRun) checkIssued() {
	r.mu.Lock()
	defer r.mu.Unlock()
	total := 0
	for _, n := range r.issued {
		total += n
	}
	if bound := 2 + 3*r.events; total > bound {
		r.violateLocked("%d tokens issued (%v) for %d events, more than %d", total, r.issued, r.events, bound)
	}
}

// checkNotes checks that OnTokens never reports tokens after tokens that
// the session held only later: a call for B after a call for A is wrong
// when B was the session's before A was even issued.
func (r *stressRun) checkNotes() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, a := range r.notes {
		if a == "" {
			continue
		}
		issuedA := r.intro[a]
		if at, ok := r.setAt[a]; ok {
			issuedA = at // the session may hold it from the call on
		}
		for _, b := range r.notes[i+1:] {
			if hb, ok := r.current[b]; ok && b != "" && b != a && hb < issuedA {
				r.violateLocked("OnTokens reported tokens held at ev %d (from %s) after tokens issued at ev %d (from %s)",
					hb, r.origin[b], issuedA, r.origin[a])
			}
		}
	}
}

func stressSeeds() (seeds []uint64, ops int) {
	if s := os.Getenv("COGNITOSRP_STRESS_SEED"); s != "" {
		seed, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			panic("COGNITOSRP_STRESS_SEED is not a seed: " + err.Error())
		}
		return []uint64{seed}, 200
	}
	if n, _ := strconv.Atoi(os.Getenv("COGNITOSRP_STRESS")); n > 0 {
		for i := range n {
			seeds = append(seeds, uint64(1000+i))
		}
		return seeds, 200
	}
	return []uint64{1, 2, 3}, 40
}

// TestStressSessionModel runs the randomized model check; see the top of
// the file.
func TestStressSessionModel(t *testing.T) {
	seeds, ops := stressSeeds()
	for _, seed := range seeds {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
			newStressRun(t, seed).run(6, ops)
		})
	}
}
