// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"testing"
	"time"
)

// TestAbandonedSessionsSwept: challenge Sessions that nobody answers are
// forgotten once expired (every 64th new Session sweeps), so that a
// long-running emulator does not keep every abandoned login; Sessions
// still within SessionLifetime are kept.
func TestAbandonedSessionsSwept(t *testing.T) {
	srv := NewServer(t, Config{})
	start := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	for i := range 40 {
		if aerr := srv.putSession(start, &authSession{secretBlock: "old-" + string(rune('a'+i))}); aerr != nil {
			t.Fatal(aerr)
		}
	}
	later := start.Add(DefaultSessionLifetime + time.Second)
	for range 24 {
		if aerr := srv.putSession(later, &authSession{}); aerr != nil {
			t.Fatal(aerr)
		}
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.sessions) != 24 || len(srv.blocks) != 0 {
		t.Fatalf("%d sessions and %d secret blocks held after the sweep, want the 24 live ones and no block", len(srv.sessions), len(srv.blocks))
	}
}

// TestRevocationCostsOneUsersTokens: a global sign-out (GlobalSignOut,
// Server.SignOut, and DeleteUser's) revokes the user's refresh tokens, and
// ForgetDevice those of the device, without going through every other
// user's. They scanned every token the pool had issued in the last two
// lifetimes under the server's lock, 29 ns each: with 10,000 users signed
// in, 0.3 ms a sign-out, during which no request was served, and a suite
// signing them all out took 3 s. Swept tokens leave the index too.
func TestRevocationCostsOneUsersTokens(t *testing.T) {
	now := time.Now()
	srv, err := NewUnstartedServer(Config{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	var subs []string
	for _, name := range []string{"alice", "bob"} {
		u, err := srv.AddUser(User{Username: name, Password: "pw"})
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, u.Sub)
	}
	const key = "us-east-1_0a1b2c3d-0000-4000-8000-000000000000"
	var deviceLogin string
	issue := func(i, n int, deviceKey string) {
		for range n {
			g := grant{username: []string{"alice", "bob"}[i], sub: subs[i], originJTI: srv.uuid(), deviceKey: deviceKey}
			if _, aerr := srv.newRefreshToken(now, now.Add(time.Hour), g); aerr != nil {
				t.Fatal(aerr)
			}
			if deviceKey != "" {
				deviceLogin = g.originJTI
			}
		}
	}
	// The quickest of 30 of alice's sign-outs and of forgetting her device.
	quickest := func() (signOut, forget time.Duration) {
		signOut, forget = time.Hour, time.Hour
		for range 30 {
			start := time.Now()
			if err := srv.SignOut("alice"); err != nil {
				t.Fatal(err)
			}
			signOut = min(signOut, time.Since(start))
			srv.mu.Lock()
			srv.devices[key] = &device{key: key, username: "alice", confirmed: true}
			delete(srv.revoked, deviceLogin)
			srv.mu.Unlock()
			start = time.Now()
			if err := srv.ForgetDevice(key); err != nil {
				t.Fatal(err)
			}
			forget = min(forget, time.Since(start))
		}
		return signOut, forget
	}
	// A token is bound only to a device that exists (newRefreshToken).
	srv.devices[key] = &device{key: key, username: "alice", confirmed: true}
	issue(0, 1, key)
	signOutAlone, forgetAlone := quickest()
	issue(1, 19999, "")
	signOut, forget := quickest()
	if signOut > 20*signOutAlone+50*time.Microsecond {
		t.Errorf("signing alice out took %v among 19,999 tokens of bob's, %v without them", signOut, signOutAlone)
	}
	if forget > 20*forgetAlone+50*time.Microsecond {
		t.Errorf("forgetting alice's device took %v among 19,999 tokens of bob's, %v without them", forget, forgetAlone)
	}
	srv.mu.Lock()
	if !srv.revoked[deviceLogin] {
		t.Error("the login on the forgotten device is not revoked")
	}
	srv.mu.Unlock()
	srv.SignOut("bob")
	srv.mu.Lock()
	revoked := len(srv.revoked)
	srv.mu.Unlock()
	if revoked != 20000 {
		t.Errorf("%d logins revoked, want all 20,000", revoked)
	}

	// Long expired, all are swept at the next 64th token, from the index too.
	now = now.Add(3 * srv.cfg.RefreshTokenLifetime)
	issue(0, 64-20000%64, "")
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if n := len(srv.userTokens["bob"]); n != 0 {
		t.Errorf("%d of bob's swept tokens still indexed", n)
	}
	if n, m := len(srv.userTokens["alice"]), len(srv.refresh); n != m {
		t.Errorf("%d of alice's tokens indexed, %d held", n, m)
	}
}
