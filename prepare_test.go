// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"testing/iotest"
)

// srpARecorder is a transport that notes the SRP_A of each InitiateAuth.
type srpARecorder struct {
	mu   sync.Mutex
	sent []string
}

func (r *srpARecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	var in struct{ AuthParameters map[string]string }
	if json.Unmarshal(body, &in) == nil && in.AuthParameters["SRP_A"] != "" {
		r.mu.Lock()
		r.sent = append(r.sent, in.AuthParameters["SRP_A"])
		r.mu.Unlock()
	}
	req = req.Clone(req.Context())
	req.Body = io.NopCloser(bytes.NewReader(body))
	return http.DefaultTransport.RoundTrip(req)
}

func (r *srpARecorder) last() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.sent) == 0 {
		return ""
	}
	return r.sent[len(r.sent)-1]
}

// preparedAuth returns an Auth with a password on f, as New builds it, and
// the recorder of the SRP_A values its logins send.
func preparedAuth(t *testing.T, f *fakeCognito, forget bool) (*Auth, *srpARecorder) {
	t.Helper()
	rec := new(srpARecorder)
	a, err := New(Options{Username: f.user, Password: f.password, UserPoolID: f.poolID, ClientID: f.clientID,
		Endpoint: f.URL, ForgetPassword: forget, HTTPClient: &http.Client{Transport: rec}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a, rec
}

// spareA waits for the session's prepared SRP and returns its A, or "" when
// none is prepared.
func spareA(t *testing.T, s *Session) string {
	t.Helper()
	sp := s.spare.Load()
	if sp == nil {
		return ""
	}
	if sp.done != nil { // else prepared already
		<-sp.done
	}
	if sp.err != nil {
		t.Fatalf("preparing SRP: %v", sp.err)
	}
	return (*SRP)(sp.srp).A()
}

// TestLoginUsesPreparedSRP: New prepares the first login's A, the login
// sends that A, and each login prepares a new one for the next.
func TestLoginUsesPreparedSRP(t *testing.T) {
	f := newFakeCognito(t, nil)
	a, rec := preparedAuth(t, f, false)
	s := a.Session()
	first := spareA(t, s)
	if first == "" {
		t.Fatal("New prepared no SRP for the first login")
	}
	ctx := context.Background()
	for i := range 2 {
		want := spareA(t, s)
		if err := s.Authenticate(ctx, f.password); err != nil {
			t.Fatal(err)
		}
		if got := rec.last(); got != want {
			t.Fatalf("login %d sent SRP_A %.16s…, want the prepared %.16s…", i, got, want)
		}
		next := spareA(t, s)
		if next == "" || next == want {
			t.Fatalf("login %d prepared no new SRP for the next (%q)", i, next)
		}
	}
}

// TestPreparedSRPOnlyWhenUseful: nothing is prepared for a session without
// a password, for USER_PASSWORD_AUTH, or after the login of a session that
// forgets its password, or after Close.
func TestPreparedSRPOnlyWhenUseful(t *testing.T) {
	f := newFakeCognito(t, nil)
	s := newLifecycleSession(t, f, "", nil)
	s.prepareSRP()
	if s.spare.Load() != nil {
		t.Error("a session without a password prepared an SRP")
	}
	s = newLifecycleSession(t, f, f.password, func(c *Config) { c.AuthFlow = FlowUserPasswordAuth })
	s.prepareSRP()
	if s.spare.Load() != nil {
		t.Error("a USER_PASSWORD_AUTH session prepared an SRP")
	}

	a, _ := preparedAuth(t, f, true)
	if spareA(t, a.Session()) == "" {
		t.Fatal("a session that forgets its password did not prepare its first login")
	}
	if _, err := a.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	settle(t, a.Session())
	if a.Session().spare.Load() != nil {
		t.Error("a session that forgot its password prepared another login")
	}

	// Close waits for the spare (TestCloseWaitsForTakenSpare) and drops it.
	a, _ = preparedAuth(t, f, false)
	a.Close()
	if a.Session().spare.Load() != nil {
		t.Error("a closed session kept its prepared SRP")
	}
	a.Session().prepareSRP()
	if a.Session().spare.Load() != nil {
		t.Error("a closed session prepared an SRP")
	}
}

// TestPreparedSpareHoldsNoChannel: once the next login's SRP is prepared,
// the session holds it without the channel a login waits on while A is
// computed (96 bytes of an idle session's memory: TestMemoryPerLiveAuth),
// and the next login takes it.
func TestPreparedSpareHoldsNoChannel(t *testing.T) {
	_, _, s, _ := loggedIn(t, nil)
	sp := s.spare.Load()
	if sp == nil || sp.srp == nil {
		t.Fatal("no SRP prepared after a login")
	}
	if sp.done != nil {
		t.Error("the prepared SRP keeps its channel")
	}
	if srp, err := s.takeSRP(context.Background()); err != nil || srp != (*SRP)(sp.srp) {
		t.Errorf("takeSRP: %v, %v; want the prepared SRP", srp, err)
	}
}

// TestTakenSpareNotPutBack: a login that takes the spare while its A is
// still being computed has it to itself: the preparation, ending after,
// does not hand the session the same SRP again (in place of the spare
// with its channel) for the next login to send the same SRP_A with the
// same private value.
func TestTakenSpareNotPutBack(t *testing.T) {
	f := newFakeCognito(t, nil)
	for range 20 {
		a, _ := preparedAuth(t, f, false)
		s := a.Session()
		srp, err := s.takeSRP(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		settle(t, s) // the preparation has ended
		if sp := s.spare.Load(); sp != nil {
			t.Fatalf("after a login took the spare, the session holds one again (the same SRP: %t)", (*SRP)(sp.srp) == srp)
		}
	}
}

// TestTakeSRP: a login waiting for a spare honours its context, and a spare
// that failed is replaced by a fresh SRP.
func TestTakeSRP(t *testing.T) {
	f := newFakeCognito(t, nil)
	s := newLifecycleSession(t, f, f.password, nil)

	s.spare.Store(&spareSRP{done: make(chan struct{})}) // never finishes
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.takeSRP(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("takeSRP with a cancelled context and a spare in progress: %v", err)
	}
	if s.spare.Load() != nil {
		t.Error("the spare was not taken")
	}

	// A failed spare, and one skipped by Close (neither SRP nor error).
	for _, failed := range []*spareSRP{{err: ErrSRPInvalidA}, {}} {
		failed.done = make(chan struct{})
		close(failed.done)
		s.spare.Store(failed)
		srp, err := s.takeSRP(context.Background())
		if err != nil || srp == nil {
			t.Fatalf("takeSRP after a spare with error %v: %v, %v", failed.err, srp, err)
		}
	}
	if err := s.Authenticate(context.Background(), f.password); err != nil {
		t.Fatal(err)
	}
}

// TestCloseWaitsForTakenSpare: a login that took the spare and gave up
// waiting for it, as Close makes the login in progress do, leaves the
// preparation running; Close still waits for it, whether it is computing A
// or has yet to start (and then skips A: TestCloseRightAfterNewSkipsPreparation).
// A Close right after New mostly meets the second, so every other try waits
// until the preparation is seen computing A before it closes.
func TestCloseWaitsForTakenSpare(t *testing.T) {
	f := newFakeCognito(t, nil)
	buf := make([]byte, 1<<20)
	computing := func(sp *spareSRP) bool {
		for range 10000 {
			select {
			case <-sp.done:
				return false // prepared already
			default:
			}
			if bytes.Contains(buf[:runtime.Stack(buf, true)], []byte("cognitosrp.newSRPFromPrivate(")) {
				return true
			}
			runtime.Gosched()
		}
		return false
	}
	var computed, skipped int
	for i := 0; i < 100 && (computed < 3 || skipped < 3); i++ {
		a, _ := preparedAuth(t, f, false)
		s := a.Session()
		sp := s.spare.Load()
		if sp == nil {
			t.Fatal("New prepared no SRP")
		}
		if sp.done == nil {
			continue // prepared already: nothing to wait for
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		s.takeSRP(ctx) // the cancelled login: the spare is no longer the session's
		if i%2 == 1 && !computing(sp) {
			continue
		}
		a.Close()
		select {
		case <-sp.done:
		default:
			t.Fatalf("Close returned while the preparation of a taken spare was running (try %d)", i)
		}
		if sp.srp != nil {
			computed++
		} else {
			skipped++
		}
	}
	// With one P the preparation, once running, computes A to the end
	// before the test runs again: it is not seen computing.
	if computed == 0 && runtime.GOMAXPROCS(0) > 1 {
		t.Error("no Close came while A was being computed: that case was not tested")
	}
	if computed+skipped == 0 {
		t.Error("every spare was prepared before the test could take it: nothing was tested")
	}
}

// TestCloseRightAfterNewSkipsPreparation: a Close right after New (a
// program that only checks its options, a cache evicting an unused Auth)
// does not wait for the first login's g^a, milliseconds of CPU: the
// preparation, not yet started when Close comes, finds the session closed
// and skips it. (Whether the preparation's goroutine runs first is the
// scheduler's choice: one skip in 50 tries is asked for, without the
// check none. Here 99 Closes in 100 came first.)
func TestCloseRightAfterNewSkipsPreparation(t *testing.T) {
	f := newFakeCognito(t, nil)
	for range 50 {
		a, _ := preparedAuth(t, f, false)
		sp := a.Session().spare.Load()
		if sp == nil {
			t.Fatal("New prepared no SRP")
		}
		a.Close() // waits for the preparation
		if sp.srp == nil && sp.err == nil {
			return
		}
	}
	t.Error("every preparation computed A although Close came right after New")
}

// TestCloseAfterFailedPreparation: a preparation whose Config.Rand fails
// ends at once, with the error for the login that takes it, and is no
// longer counted as work in progress: Close returns.
func TestCloseAfterFailedPreparation(t *testing.T) {
	f := newFakeCognito(t, nil)
	boom := errors.New("no randomness")
	s := newLifecycleSession(t, f, f.password, func(c *Config) { c.Rand = iotest.ErrReader(boom) })
	s.prepareSRP()
	if sp := s.spare.Load(); sp == nil || !errors.Is(sp.err, boom) {
		t.Fatalf("spare after a failing Rand: %+v, want one holding its error", sp)
	}
	closeWithin(t, s, "after a preparation that failed")
}
