// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"context"
	"crypto/rand"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

var errEntropy = errors.New("entropy source unplugged")

// failingRand is a Config.Rand that fails its failAt-th read and, unless
// once, every later one, as a seeded reader of a reproducible test runs
// out. Failing once, it tells a draw whose failure is ignored from one
// whose failure only a later draw reports.
type failingRand struct {
	mu     sync.Mutex
	reads  int
	failAt int
	once   bool
}

func (r *failingRand) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reads++
	if r.reads == r.failAt || r.reads > r.failAt && !r.once {
		return 0, errEntropy
	}
	return rand.Read(p)
}

// TestRandomSourceFails: whichever draw of the server's Config.Rand fails
// first (a user's salt and verifier, a session id, SRP's b, a secret
// block, a device, a refresh token, a TOTP secret), AddUser returns the
// source's error and an API call answers InternalErrorException, never a
// panic, a hang or a token made from a failed draw.
func TestRandomSourceFails(t *testing.T) {
	t.Parallel() // some hundred logins
	// Failing for good, the first read that does not fail the flow is
	// one past its last draw.
	n := 1
	for !flowPasses(t, &failingRand{failAt: n}) {
		if n++; n > 500 {
			t.Fatal("the flow never completed")
		}
	}
	if n < 10 {
		t.Fatalf("the flow completed with the source failing at read %d", n)
	}
	// Failing once, some draws may fail unseen (the nil UUID of a request
	// id): a flow that passes must have passed for real.
	for failAt := 1; failAt < n; failAt++ {
		flowPasses(t, &failingRand{failAt: failAt, once: true})
	}
}

// flowPasses runs AddUser, a login that confirms a device, a login with
// it, a renewal and AssociateSoftwareToken on a server drawing from r,
// failing t on any failure other than those a failed draw explains, and
// reports whether the flow passed.
func flowPasses(t *testing.T, r *failingRand) bool {
	failAt := r.failAt
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true, Rand: r})
	u, err := srv.AddUser(cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	if err != nil {
		if !errors.Is(err, errEntropy) {
			t.Fatalf("read %d: AddUser = %v, want the source's error", failAt, err)
		}
		return false
	}
	if u.Sub == "" {
		t.Fatalf("read %d: AddUser gave alice no sub", failAt)
	}
	internal := func(step string, err error) bool {
		t.Helper()
		if err == nil {
			return false
		}
		var ae *cognitosrp.APIError
		if !errors.As(err, &ae) || ae.Type != "InternalErrorException" {
			t.Fatalf("read %d: %s = %v, want InternalErrorException", failAt, step, err)
		}
		return true
	}
	store := new(cognitosrp.MemoryDeviceStore)
	cfg := srv.SessionConfig()
	cfg.Retry = cognitosrp.RetryPolicy{MaxAttempts: 1}
	cfg.Devices = cognitosrp.RememberDevices(store, "")
	s, err := cognitosrp.NewSession(cfg, "alice")
	if err != nil {
		t.Fatal(err)
	}
	done := func() bool {
		defer s.Close()
		// The first login confirms a device (ConfirmDevice draws
		// nothing: a login that passed stored its device); the second
		// proves it.
		if internal("first login", s.Authenticate(t.Context(), "pw-alice-123")) {
			return false
		}
		if d, _ := store.LoadDevice(t.Context(), cognitosrp.DeviceOwner{UserPoolID: srv.PoolID(), Username: "alice"}); d == nil || len(d.GroupKey) < 2 {
			t.Fatalf("read %d: the login passed with device %v", failAt, d)
		}
		if internal("device login", s.Authenticate(t.Context(), "pw-alice-123")) {
			return false
		}
		if internal("Refresh", s.Refresh(t.Context())) {
			return false
		}
		var out struct{ SecretCode string }
		c := &cognitosrp.Client{Endpoint: srv.Endpoint()}
		if internal("AssociateSoftwareToken", c.Call(t.Context(), "AssociateSoftwareToken",
			map[string]string{"AccessToken": s.Tokens().AccessToken}, &out)) {
			return false
		}
		if strings.TrimSpace(out.SecretCode) == "" {
			t.Fatalf("read %d: AssociateSoftwareToken answered no secret", failAt)
		}
		return true
	}()
	return done
}

// uuidFailingRand is a Config.Rand that, once on, fails the draws of
// UUIDs (request ids, jti, origin_jti) only: those whose failure the
// server may shrug off, where a failed draw of the same size (a salt, a
// refresh token's part) fails the call. failed counts the draws it
// failed.
type uuidFailingRand struct {
	on     atomic.Bool
	failed atomic.Int64
}

func (r *uuidFailingRand) Read(p []byte) (int, error) {
	if r.on.Load() {
		pc := make([]uintptr, 8)
		frames := runtime.CallersFrames(pc[:runtime.Callers(2, pc)])
		for f, more := frames.Next(); more; f, more = frames.Next() {
			if strings.HasSuffix(f.Function, ".newUUID") {
				r.failed.Add(1)
				return 0, errEntropy
			}
		}
	}
	return rand.Read(p)
}

// TestFailedDrawSharesNoRevocationKey: revocation works on a login's
// origin_jti. With the UUID draws failing, two logins either fail with
// InternalErrorException or stay apart: signing one out leaves the
// other's refresh token working. Before, both logins got the nil UUID as
// origin_jti, and revoking one revoked the other.
func TestFailedDrawSharesNoRevocationKey(t *testing.T) {
	r := new(uuidFailingRand)
	srv := cognitotest.NewServer(t, cognitotest.Config{Rand: r})
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: "pw-alice-123"}); err != nil {
		t.Fatal(err)
	}
	r.on.Store(true)
	ctx := context.Background()
	var sessions []*cognitosrp.Session
	for range 2 {
		s := noRetrySession(t, srv, "alice")
		if err := s.Authenticate(ctx, "pw-alice-123"); err != nil {
			var ae *cognitosrp.APIError
			if !errors.As(err, &ae) || ae.Type != "InternalErrorException" {
				t.Fatalf("login = %v, want InternalErrorException", err)
			}
			continue
		}
		sessions = append(sessions, s)
	}
	// newUUID found by its frame: were it renamed or called deeper down,
	// no draw would fail and the logins would pass for want of a test.
	if r.failed.Load() == 0 {
		t.Fatal("no UUID draw failed")
	}
	if len(sessions) < 2 {
		return // the logins failed, which is one of the two answers
	}
	if err := sessions[0].SignOut(ctx); err != nil {
		t.Fatal(err)
	}
	if err := sessions[1].Refresh(ctx); err != nil {
		t.Errorf("the other login's refresh token, after one was signed out: %v", err)
	}
}

// switchedRand is a Config.Rand that fails while fail is set.
type switchedRand struct{ fail atomic.Bool }

func (r *switchedRand) Read(p []byte) (int, error) {
	if r.fail.Load() {
		return 0, errEntropy
	}
	return rand.Read(p)
}

// TestPasswordChangeRandomSourceFails: a password change that cannot draw
// its salt, SetPassword's or a NEW_PASSWORD_REQUIRED answer's, fails with
// the source's error (InternalErrorException at the API) and changes
// nothing: the old password still logs in, the new one does not, and the
// error quotes neither. SetPassword refuses an empty password outright.
func TestPasswordChangeRandomSourceFails(t *testing.T) {
	r := new(switchedRand)
	srv := cognitotest.NewServer(t, cognitotest.Config{Rand: r})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	addUser(t, srv, cognitotest.User{Username: "new", Password: "temporary1", ForceNewPassword: true})

	if err := srv.SetPassword("alice", ""); err == nil || !strings.Contains(err.Error(), "cognitotest: SetPassword: empty password") {
		t.Errorf("SetPassword with an empty password = %v", err)
	}
	r.fail.Store(true)
	err := srv.SetPassword("alice", "new-password-1")
	r.fail.Store(false)
	if !errors.Is(err, errEntropy) || !strings.HasPrefix(err.Error(), "cognitotest: SetPassword: ") || strings.Contains(err.Error(), "new-password-1") {
		t.Errorf("SetPassword with the source failing = %v, want its error, said to be SetPassword's, without the password", err)
	}
	login(t, srv, "alice", "pw-alice-123").Close()
	s, err := cognitosrp.NewSession(srv.SessionConfig(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	wantAPIError(t, s.Authenticate(t.Context(), "new-password-1"), "NotAuthorizedException", "Incorrect username or password.")

	raw := newRaw(t, srv)
	ch := expectChallenge(t, "NEW_PASSWORD_REQUIRED")(raw.srpLogin("new", "temporary1", nil))
	r.fail.Store(true)
	_, err = raw.respond("NEW_PASSWORD_REQUIRED", ch.Session, map[string]string{"USERNAME": "new", "NEW_PASSWORD": "a much better password"})
	r.fail.Store(false)
	wantAPIError(t, err, "InternalErrorException", "Internal server error.")
	if strings.Contains(err.Error(), "a much better password") || strings.Contains(lastReason(srv), "a much better password") {
		t.Errorf("the refusal quotes the new password: %v (%s)", err, lastReason(srv))
	}
	if u, _ := srv.User("new"); !u.ForceNewPassword || u.Password != "temporary1" {
		t.Errorf("after the failed answer the user is %+v", u)
	}
	expectChallenge(t, "NEW_PASSWORD_REQUIRED")(raw.srpLogin("new", "temporary1", nil))
	_, err = raw.srpLogin("new", "a much better password", nil)
	wantAPIError(t, err, "NotAuthorizedException", "Incorrect username or password.")
}
