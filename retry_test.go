// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// seededJitter returns a Jitter drawing from a seeded generator, safe for
// concurrent use; the package-wide generator is left alone.
func seededJitter(seed uint64) func(time.Duration) time.Duration {
	var mu sync.Mutex
	r := rand.New(rand.NewPCG(seed, seed))
	return func(d time.Duration) time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return time.Duration(r.Int64N(int64(d) + 1))
	}
}

// fastRetry retries quickly, for tests.
func fastRetry(attempts int) RetryPolicy {
	return RetryPolicy{MaxAttempts: attempts, BaseDelay: time.Millisecond, MaxDelay: 4 * time.Millisecond, Jitter: seededJitter(1)}
}

// fakeSession returns a session with f's user, password known, at clock.
func fakeSession(t testing.TB, f *fakeCognito, clock *fakeClock, mod func(*Config)) *Session {
	t.Helper()
	cfg := Config{
		UserPoolID: testPoolID, ClientID: testClientID, Endpoint: f.URL, HTTPClient: f.Client(),
		Now: clock.Now, Retry: fastRetry(DefaultMaxAttempts),
	}
	if mod != nil {
		mod(&cfg)
	}
	s, err := NewSession(cfg, "user@example.com")
	if err != nil {
		t.Fatal(err)
	}
	s.password = "correct horse battery staple"
	return s
}

// tokenChecker is an API that accepts only requests with a valid access
// token of the fake pool, at clock's time.
func tokenChecker(t testing.TB, f *fakeCognito, clock *fakeClock) (*httptest.Server, *Verifier) {
	v, err := NewVerifier(VerifierConfig{
		Issuer: f.issuer(), ClientIDs: []string{testClientID}, TokenUse: "access",
		HTTPClient: f.Client(), Now: clock.Now, Leeway: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if _, err := v.Verify(r.Context(), tok); !ok || err != nil {
			t.Errorf("API got a request with a bad token: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	t.Cleanup(api.Close)
	return api, v
}

// TestRetryFaultInjection logs in and renews 100 times each while 30 % of
// the Cognito calls fail in every retryable way (errors, HTML from a proxy,
// dropped connections, answers lost after the server acted), and checks
// that every one succeeds within its bounded retries. The emulator test
// does 200 of each with the project's own server-side SRP.
func TestRetryFaultInjection(t *testing.T) {
	t.Parallel() // seconds of SRP on a fake clock, beside the waiting tests
	clock := newFakeClock(testNow)
	f := newFakeCognito(t, clock.Now)
	f.addUser("user@example.com", "internal-user", "correct horse battery staple")
	faults := rand.New(rand.NewPCG(30, 30))
	kinds := []string{"500", "throttle", "html", "drop", "lost"}
	var injected int
	f.setFault(func(action string) string {
		if faults.Float64() >= 0.3 {
			return ""
		}
		injected++
		return kinds[faults.IntN(len(kinds))]
	}, nil)
	api, _ := tokenChecker(t, f, clock)
	const n = 100
	for i := range n {
		s := fakeSession(t, f, clock, func(c *Config) { c.Verifier = fakeVerifier(t, f, clock.Now); c.Retry = fastRetry(8) })
		a, err := New(Options{Session: s})
		if err != nil {
			t.Fatal(err)
		}
		for step := range 2 { // a login, then a renewal
			resp, err := a.Client().Get(api.URL)
			if err != nil {
				t.Fatalf("round %d step %d: %v", i, step, err)
			}
			resp.Body.Close()
			clock.Advance(f.lifetime)
		}
	}
	calls := f.count("InitiateAuth") + f.count("RespondToAuthChallenge")
	f.mu.Lock()
	defer f.mu.Unlock()
	t.Logf("%d Cognito calls, %d failed on purpose", calls, injected)
	if calls < 3*n || float64(injected) < 0.25*float64(calls) {
		t.Fatalf("only %d of %d calls failed: the test does not test", injected, calls)
	}
}

func TestRetryNeverOn4xx(t *testing.T) {
	for _, typ := range []string{"NotAuthorizedException", "InvalidParameterException", "UserNotFoundException"} {
		clock := newFakeClock(testNow)
		f := newFakeCognito(t, clock.Now)
		f.setFault(nil, func(w http.ResponseWriter, r *http.Request) bool {
			writeFakeError(w, fakeError{typ, typ, 400})
			return true
		})
		err := fakeSession(t, f, clock, nil).Authenticate(context.Background(), "pw")
		var api *APIError
		if !errors.As(err, &api) || api.Type != typ {
			t.Fatalf("%s: Authenticate = %v", typ, err)
		}
		if n := f.count("InitiateAuth"); n != 1 {
			t.Fatalf("%s: %d calls, want 1", typ, n)
		}
	}
}

func TestRetryBoundedAttempts(t *testing.T) {
	for _, tc := range []struct {
		kind  string
		want  error
		tries int
	}{{"throttle", ErrTooManyRequests, 3}, {"500", ErrInternalError, 5}, {"drop", nil, 2}, {"html", nil, 1}, {"429", nil, 3}} {
		clock := newFakeClock(testNow)
		f := newFakeCognito(t, clock.Now)
		f.addUser("user@example.com", "internal-user", "pw")
		f.setFault(func(string) string { return tc.kind }, nil)
		err := fakeSession(t, f, clock, func(c *Config) { c.Retry = fastRetry(tc.tries) }).Authenticate(context.Background(), "pw")
		if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) || !retryable(err) {
			t.Fatalf("%s: Authenticate = %v, want a retryable %v", tc.kind, err, tc.want)
		}
		if n := f.count("InitiateAuth"); n != tc.tries {
			t.Fatalf("%s: %d attempts, want %d", tc.kind, n, tc.tries)
		}
		if tc.tries > 1 && !strings.Contains(err.Error(), "attempts") {
			t.Fatalf("%s: error %q does not say it retried", tc.kind, err)
		}
		// Not retried: no "(gave up after 1 attempts)".
		if tc.tries == 1 && strings.Contains(err.Error(), "attempt") {
			t.Fatalf("%s: error %q speaks of attempts; there were no retries", tc.kind, err)
		}
	}
}

// TestLoginRestartsWithFreshSRP fails the answer to PASSWORD_VERIFIER and
// checks that the login started over with a new SRP_A instead of resending
// the answer.
func TestLoginRestartsWithFreshSRP(t *testing.T) {
	for _, kind := range []string{"500", "lost", "drop"} {
		clock := newFakeClock(testNow)
		f := newFakeCognito(t, clock.Now)
		f.addUser("user@example.com", "internal-user", "pw")
		failed := false
		var mu sync.Mutex
		var srpA []string
		f.setFault(func(action string) string {
			if action == "RespondToAuthChallenge" && !failed {
				failed = true
				return kind
			}
			return ""
		}, func(w http.ResponseWriter, r *http.Request) bool {
			body := readAll(t, r)
			if i := strings.Index(body, `"SRP_A":"`); i >= 0 {
				mu.Lock()
				srpA = append(srpA, body[i:i+40])
				mu.Unlock()
			}
			return false
		})
		if err := fakeSession(t, f, clock, nil).Authenticate(context.Background(), "pw"); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if a, r := f.count("InitiateAuth"), f.count("RespondToAuthChallenge"); a != 2 || r != 2 {
			t.Fatalf("%s: %d InitiateAuth and %d RespondToAuthChallenge, want 2 and 2", kind, a, r)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(srpA) != 2 || srpA[0] == srpA[1] {
			t.Fatalf("%s: SRP_A values %q: the restart must use a fresh SRP", kind, srpA)
		}
	}
}

// TestRetryBodyCutShort: a response whose body breaks off (the connection
// closed before Content-Length bytes) failed in the network, like a
// dropped connection, and is retried.
func TestRetryBodyCutShort(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			conn, buf, err := http.NewResponseController(w).Hijack()
			if err == nil {
				buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 100\r\n\r\n{\"Chall")
				buf.Flush()
				conn.Close()
			}
			return
		}
		w.Write([]byte(`{"ChallengeName":"X"}`))
	}))
	defer srv.Close()
	c := &Client{Endpoint: srv.URL, Retry: fastRetry(3)}
	out, err := c.InitiateAuth(context.Background(), &InitiateAuthInput{AuthFlow: FlowUserSRPAuth})
	if err != nil || out.ChallengeName != "X" || calls.Load() != 2 {
		t.Fatalf("InitiateAuth = %v, %v after %d calls; want success after 2", out, err, calls.Load())
	}
}

func TestRespondToAuthChallengeNeverResent(t *testing.T) {
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		writeFakeError(w, fakeError{"InternalErrorException", "InternalErrorException", 500})
	}))
	defer srv.Close()
	c := &Client{Endpoint: srv.URL, Retry: fastRetry(5)}
	for _, tc := range []struct {
		challenge string
		restart   bool
	}{{ChallengePasswordVerifier, true}, {"DEVICE_PASSWORD_VERIFIER", true}, {"SMS_MFA", false}, {"SOFTWARE_TOKEN_MFA", false}} {
		calls.Store(0)
		_, err := c.RespondToAuthChallenge(context.Background(), &RespondToAuthChallengeInput{ChallengeName: tc.challenge})
		if !errors.Is(err, ErrInternalError) || restartable(err) != tc.restart || calls.Load() != 1 {
			t.Fatalf("%s: err %v, restartable %v, %d calls; want restartable %v after 1 call", tc.challenge, err, restartable(err), calls.Load(), tc.restart)
		}
	}
}

// TestRetryHonoursContext: a deadline the next backoff would pass ends the
// retries at once, with the last error; a context cancelled during a
// backoff ends it at once, with the last error, which matches
// context.Canceled too; a cancelled context is never retried. Every
// backoff is an hour, so a call that slept one would hang: nothing here
// races a deadline against an attempt (which, cut short, fails with the
// context's error instead of Cognito's).
func TestRetryHonoursContext(t *testing.T) {
	clock := newFakeClock(testNow)
	f := newFakeCognito(t, clock.Now)
	f.setFault(func(string) string { return "500" }, nil)
	hourly := func(jitter func(time.Duration) time.Duration) func(*Config) {
		return func(c *Config) {
			c.Retry = RetryPolicy{MaxAttempts: 100, BaseDelay: time.Hour, MaxDelay: time.Hour, MaxElapsed: 2 * time.Hour, Jitter: jitter}
		}
	}
	ceiling := func(d time.Duration) time.Duration { return d }
	// A guard, not a measure: it fires only when a call slept a backoff or,
	// ignoring the deadline's nearness, slept until the deadline.
	const slept = 10 * time.Second

	ctx, cancel := context.WithTimeout(context.Background(), 2*slept)
	defer cancel()
	start := time.Now()
	s := fakeSession(t, f, clock, hourly(ceiling))
	err := returnsWithin(t, slept, func() error { return s.Authenticate(ctx, "pw") })
	if !errors.Is(err, ErrInternalError) || time.Since(start) > slept {
		t.Fatalf("deadline before the next backoff ends: Authenticate = %v after %v", err, time.Since(start))
	}
	if n := f.count("InitiateAuth"); n != 1 {
		t.Fatalf("deadline before the next backoff ends: %d attempts, want 1", n)
	}

	// Cancelled as the backoff is drawn: the sleep ends at once.
	ctx, cancel = context.WithCancel(context.Background())
	start = time.Now()
	s = fakeSession(t, f, clock, hourly(func(d time.Duration) time.Duration { cancel(); return d }))
	err = returnsWithin(t, slept, func() error { return s.Authenticate(ctx, "pw") })
	if !errors.Is(err, ErrInternalError) || !errors.Is(err, context.Canceled) || time.Since(start) > slept {
		t.Fatalf("cancelled during the backoff: Authenticate = %v after %v; want Cognito's error and context.Canceled", err, time.Since(start))
	}
	if n := f.count("InitiateAuth"); n != 2 {
		t.Fatalf("cancelled during the backoff: %d attempts in all, want 2", n)
	}

	// A deadline that leaves room for the backoffs does not stop them.
	ctx, cancel = context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	fast := func(c *Config) { c.Retry = RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, Jitter: ceiling} }
	if err := fakeSession(t, f, clock, fast).Authenticate(ctx, "pw"); !errors.Is(err, ErrInternalError) {
		t.Fatalf("deadline far off: Authenticate = %v", err)
	}
	if n := f.count("InitiateAuth"); n != 5 {
		t.Fatalf("deadline far off: %d attempts in all, want 5 (3 more)", n)
	}

	// A cancelled context is never retried.
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	before := f.count("InitiateAuth")
	if err := fakeSession(t, f, clock, nil).Authenticate(ctx, "pw"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Authenticate with a cancelled context = %v", err)
	}
	if n := f.count("InitiateAuth") - before; n != 0 {
		t.Fatalf("%d calls with a cancelled context", n)
	}
}

// TestRetryAnsweredAsContextEnds covers the instant between an attempt's
// answer and the check of ctx: a passing failure answered as ctx ends is
// not retried, and the error says why (a program shutting down tells it
// from Cognito failing with errors.Is); an attempt that ctx cut short is
// not wrapped twice; a failure no retry would mend is returned as it is.
func TestRetryAnsweredAsContextEnds(t *testing.T) {
	passing := &APIError{Type: "InternalErrorException", StatusCode: 500}
	cutShort := &transportError{err: context.Canceled}
	final := &APIError{Type: "NotAuthorizedException", StatusCode: 400}
	for _, tc := range []struct {
		name     string
		answer   error
		want     []error
		notInMsg string
	}{
		{"passing failure", passing, []error{passing, context.Canceled}, ""},
		{"cut short by ctx", cutShort, []error{context.Canceled}, "not retried"},
		{"failure no retry mends", final, []error{final}, "not retried"},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		attempts := 0
		p := RetryPolicy{MaxAttempts: 5, BaseDelay: time.Nanosecond}
		err := p.do(ctx, retryable, func() error {
			attempts++
			cancel() // ctx ends as the answer arrives
			return tc.answer
		})
		for _, w := range tc.want {
			if !errors.Is(err, w) {
				t.Errorf("%s: do = %v; does not match %v", tc.name, err, w)
			}
		}
		if tc.notInMsg != "" && strings.Contains(err.Error(), tc.notInMsg) {
			t.Errorf("%s: do = %q; want no %q", tc.name, err, tc.notInMsg)
		}
		if attempts != 1 {
			t.Errorf("%s: %d attempts, want 1", tc.name, attempts)
		}
	}
}

func TestRetryDisabledAndElapsed(t *testing.T) {
	clock := newFakeClock(testNow)
	f := newFakeCognito(t, clock.Now)
	f.setFault(func(string) string { return "500" }, nil)
	if err := fakeSession(t, f, clock, func(c *Config) { c.Retry = RetryPolicy{MaxAttempts: 1} }).Authenticate(context.Background(), "pw"); !errors.Is(err, ErrInternalError) {
		t.Fatal(err)
	}
	if n := f.count("InitiateAuth"); n != 1 {
		t.Fatalf("MaxAttempts 1: %d calls", n)
	}
	if err := fakeSession(t, f, clock, func(c *Config) { c.Retry = RetryPolicy{MaxAttempts: 1} }).Authenticate(context.Background(), "pw"); strings.Contains(err.Error(), "attempt") {
		t.Errorf("MaxAttempts 1: error %q speaks of attempts; retries are off", err)
	}
	// The first backoff (jitter at its ceiling) would end past MaxElapsed.
	// It is an hour long, so that the time check is a guard against a
	// call that slept it, not a measure a slow run can fail.
	p := RetryPolicy{MaxAttempts: 10, BaseDelay: time.Hour, MaxDelay: time.Hour, MaxElapsed: 500 * time.Millisecond, Jitter: func(d time.Duration) time.Duration { return d }}
	start := time.Now()
	s := fakeSession(t, f, clock, func(c *Config) { c.Retry = p })
	if err := returnsWithin(t, 30*time.Second, func() error { return s.Authenticate(context.Background(), "pw") }); !errors.Is(err, ErrInternalError) || strings.Contains(err.Error(), "attempt") {
		t.Fatalf("MaxElapsed before the first retry: %v; want Cognito's error alone", err)
	}
	if n := f.count("InitiateAuth"); n != 3 || time.Since(start) > 30*time.Second {
		t.Fatalf("MaxElapsed: %d calls in all after %v", n, time.Since(start))
	}
}

// TestRetryBackoffSequence: do waits BaseDelay at most before the first
// retry, and doubles the ceiling with each retry after it.
func TestRetryBackoffSequence(t *testing.T) {
	var asked []time.Duration
	p := RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: time.Second,
		Jitter: func(d time.Duration) time.Duration { asked = append(asked, d); return 0 }}
	calls := 0
	errPassing := errors.New("passing")
	err := p.do(context.Background(), func(error) bool { return true }, func() error { calls++; return errPassing })
	if !errors.Is(err, errPassing) || calls != 4 {
		t.Fatalf("do = %v after %d calls, want the op's error after 4", err, calls)
	}
	want := []time.Duration{time.Millisecond, 2 * time.Millisecond, 4 * time.Millisecond}
	if !slices.Equal(asked, want) {
		t.Errorf("backoff ceilings %v, want %v", asked, want)
	}
}

func TestRetryBackoff(t *testing.T) {
	var asked []time.Duration
	p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second, Jitter: func(d time.Duration) time.Duration {
		asked = append(asked, d)
		return d + time.Hour // out of range: clamped
	}}.withDefaults()
	var got []time.Duration
	for n := range 70 {
		got = append(got, p.backoff(n))
	}
	want := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for i, w := range want {
		if w *= time.Millisecond; got[i] != w || asked[i] != w {
			t.Fatalf("backoff(%d) = %v (ceiling %v), want %v", i, got[i], asked[i], w)
		}
	}
	if got[69] != time.Second {
		t.Fatalf("backoff(69) = %v", got[69])
	}
	// A jitter below zero is clamped to no delay.
	p.Jitter = func(time.Duration) time.Duration { return -time.Hour }
	if b := p.backoff(2); b != 0 {
		t.Fatalf("backoff(2) with a negative jitter = %v, want 0", b)
	}
	// The default jitter takes the largest Duration as a ceiling (a
	// MaxDelay meaning "no limit"): d+1 overflowed an int64, and
	// rand.Int64N panicked on the negative bound.
	// (The jitter itself is checked: backoff would clamp a negative one.)
	huge := RetryPolicy{BaseDelay: time.Hour, MaxDelay: math.MaxInt64}.withDefaults()
	for range 100 {
		if j := huge.Jitter(huge.MaxDelay); j < 0 {
			t.Fatalf("default jitter of %v = %v", huge.MaxDelay, j)
		}
	}
	// The default jitter is full jitter: uniform in [0, d]. It is checked
	// itself, as above: backoff clamps whatever it returns to [0, d], so
	// a check of backoff's results held for a jitter that returned 0 (no
	// delay at all) or d (no jitter). 1000 uniform draws all in one
	// quarter happen with odds of 0.75¹⁰⁰⁰.
	d := RetryPolicy{}.withDefaults()
	const ceiling = 800 * time.Millisecond
	var low, high bool
	for range 1000 {
		j := d.Jitter(ceiling)
		if j < 0 || j > ceiling {
			t.Fatalf("default jitter of %v = %v", ceiling, j)
		}
		low, high = low || j < ceiling/4, high || j > ceiling*3/4
	}
	if !low || !high {
		t.Fatalf("default jitter of %v: 1000 draws, one below %v %v, one above %v %v; want full jitter", ceiling, ceiling/4, low, ceiling*3/4, high)
	}
}

// TestResendable: every call that carries nothing a second copy could
// misuse is resent after a passing failure; RespondToAuthChallenge never.
func TestResendable(t *testing.T) {
	for _, action := range []string{"InitiateAuth", "GetTokensFromRefreshToken", "GetUser", "GetDevice", "ListDevices",
		"ConfirmDevice", "ForgetDevice", "UpdateDeviceStatus", "RevokeToken", "GlobalSignOut",
		"AssociateSoftwareToken", "SetUserMFAPreference"} {
		if !resendable(action) {
			t.Errorf("%s is not resent", action)
		}
	}
	for _, action := range []string{"RespondToAuthChallenge", "VerifySoftwareToken", ""} {
		if resendable(action) {
			t.Errorf("%s is resent", action)
		}
	}
}

// TestRetryPolicyNegativeDurations: zero and negative durations mean the
// defaults; kept as is, a negative BaseDelay would make the default
// Jitter panic (rand.Int64N of a negative bound).
func TestRetryPolicyNegativeDurations(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second} {
		p := RetryPolicy{BaseDelay: d, MaxDelay: d, MaxElapsed: d}.withDefaults()
		if p.BaseDelay != DefaultBaseDelay || p.MaxDelay != DefaultMaxDelay || p.MaxElapsed != DefaultMaxElapsed || p.MaxAttempts != DefaultMaxAttempts {
			t.Fatalf("withDefaults of %v = %v, %v, %v, %d; want the defaults", d, p.BaseDelay, p.MaxDelay, p.MaxElapsed, p.MaxAttempts)
		}
	}
	// MaxAttempts is the exception: only zero means the default, and a
	// negative value, like 1, means no retries.
	for _, n := range []int{1, -1, -100} {
		if got := (RetryPolicy{MaxAttempts: n}).withDefaults().MaxAttempts; got != 1 {
			t.Errorf("withDefaults of MaxAttempts %d = %d, want 1 (no retries)", n, got)
		}
	}
}

// TestSRPChallengesRestart: the answers bound to one SRP exchange, and only
// those, start the login over when they fail for a passing reason.
func TestSRPChallengesRestart(t *testing.T) {
	for name, want := range map[string]bool{
		ChallengePasswordVerifier: true, ChallengeDeviceSRPAuth: true, ChallengeDevicePasswordVerifier: true,
		ChallengeSMSMFA: false, ChallengeNewPasswordRequired: false, ChallengeSelectChallenge: false, ChallengeCustom: false,
	} {
		if got := srpChallenge(name); got != want {
			t.Errorf("srpChallenge(%s) = %v, want %v", name, got, want)
		}
	}
}

// TestCallDocNamesResendableActions: the doc of Client.Call lists the
// actions it retries, and they are the ones it resends. Without the list
// a program that sends an action of its own through Call (GetUser,
// SignUp, ChangePassword, …) could not tell whether a throttled call
// comes back at once or after up to 20 s of retries, nor whether a
// non-idempotent one might reach Cognito twice.
func TestCallDocNamesResendableActions(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "cognito_api.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var text string
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "Call" && fd.Recv != nil {
			text = strings.Join(strings.Fields(fd.Doc.Text()), " ")
		}
	}
	_, list, ok := strings.Cut(text, "retried as c.Retry says: ")
	list, _, ok2 := strings.Cut(list, ". ")
	if !ok || !ok2 {
		t.Fatalf("the doc of Client.Call lists no retried actions: %q", text)
	}
	documented := strings.FieldsFunc(strings.ReplaceAll(list, " and ", ", "), func(r rune) bool { return r == ',' || r == ' ' })
	slices.Sort(documented)
	resent := strings.Fields(resendableActions)
	slices.Sort(resent)
	if !slices.Equal(documented, resent) {
		t.Errorf("Client.Call's doc says it retries %v; it resends %v", documented, resent)
	}
	if !strings.Contains(text, "RespondToAuthChallenge among them, is sent once") || resendable("RespondToAuthChallenge") {
		t.Errorf("Client.Call's doc and resendable disagree on RespondToAuthChallenge")
	}
}

// TestRetryGivesUpOnMaxElapsed: when the next backoff would end past
// MaxElapsed, the call gives up with the last error (errors.Is), saying
// how many attempts it made and over how long, before MaxAttempts.
func TestRetryGivesUpOnMaxElapsed(t *testing.T) {
	clock := newFakeClock(testNow)
	f := newFakeCognito(t, clock.Now)
	f.addUser("user@example.com", "internal-user", "pw")
	f.setFault(func(string) string { return "500" }, nil)
	// Backoffs of 300 ms, then 600 ms: the second would end 900 ms in.
	policy := RetryPolicy{MaxAttempts: 10, BaseDelay: 300 * time.Millisecond, MaxDelay: time.Minute,
		MaxElapsed: 500 * time.Millisecond, Jitter: func(d time.Duration) time.Duration { return d }}
	err := fakeSession(t, f, clock, func(c *Config) { c.Retry = policy }).Authenticate(context.Background(), "pw")
	if !errors.Is(err, ErrInternalError) || !strings.Contains(err.Error(), "(gave up after 2 attempts in ") {
		t.Fatalf("Authenticate = %v, want ErrInternalError given up after 2 attempts", err)
	}
	if n := f.count("InitiateAuth"); n != 2 {
		t.Errorf("%d attempts, want 2", n)
	}
}
