// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

func TestFailNext(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	// Retries off: this test looks at each injected failure.
	sess := noRetrySession(t, srv, "alice")

	srv.FailNext(1, cognitotest.FaultInternalError)
	err := sess.Authenticate(t.Context(), "pw-alice-123")
	if !errors.Is(err, cognitosrp.ErrInternalError) || !apiError(t, err).Temporary() || apiError(t, err).StatusCode != http.StatusInternalServerError {
		t.Fatalf("injected internal error: %v", err)
	}
	srv.FailNext(1, cognitotest.FaultTooManyRequests)
	err = sess.Authenticate(t.Context(), "pw-alice-123")
	if !errors.Is(err, cognitosrp.ErrTooManyRequests) || !apiError(t, err).Temporary() || apiError(t, err).StatusCode != http.StatusBadRequest {
		t.Fatalf("injected throttling: %v", err)
	}
	if err := sess.Authenticate(t.Context(), "pw-alice-123"); err != nil {
		t.Fatalf("after the injected failures: %v", err)
	}

	// Only the named action fails, and only twice.
	srv.FailNext(2, cognitotest.FaultInternalError, "RespondToAuthChallenge")
	for i := range 3 {
		err := sess.Authenticate(t.Context(), "pw-alice-123")
		if (i < 2) != errors.Is(err, cognitosrp.ErrInternalError) {
			t.Errorf("login %d: %v", i, err)
		}
	}
	reqs := srv.Requests()
	var injected []string
	for _, r := range reqs {
		if r.Injected {
			injected = append(injected, r.Action)
		}
	}
	// The errors alone cannot tell: a failure that hit InitiateAuth would
	// fail those logins the same way.
	if want := []string{"InitiateAuth", "InitiateAuth", "RespondToAuthChallenge", "RespondToAuthChallenge"}; !slices.Equal(injected, want) {
		t.Errorf("request log shows injected failures of %q, want %q", injected, want)
	}

	srv.FailNext(1, cognitotest.FaultConnectionReset)
	err = sess.Authenticate(t.Context(), "pw-alice-123")
	var ae *cognitosrp.APIError
	if err == nil || errors.As(err, &ae) {
		t.Fatalf("dropped connection: %v, want a network error", err)
	}
}

// TestFailNextNothing: FailNext with n of 0 or less injects nothing, and
// queues nothing to fail later calls: a test that computes n (failures
// left to inject) and reaches 0 must not fail every call after it.
func TestFailNextNothing(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	srv.FailNext(0, cognitotest.FaultInternalError)
	srv.FailNext(-1, cognitotest.FaultInternalError, "RespondToAuthChallenge")
	login(t, srv, "alice", "pw-alice-123").Close()
	login(t, srv, "alice", "pw-alice-123").Close()
	for _, r := range srv.Requests() {
		if r.Injected || r.Status != http.StatusOK {
			t.Errorf("request %+v after FailNext of 0 and -1 calls", r)
		}
	}
	// A later FailNext still applies first.
	srv.FailNext(1, cognitotest.FaultTooManyRequests, "InitiateAuth")
	s := noRetrySession(t, srv, "alice")
	if err := s.Authenticate(t.Context(), "pw-alice-123"); !errors.Is(err, cognitosrp.ErrTooManyRequests) {
		t.Errorf("the FailNext after them: %v, want TooManyRequestsException", err)
	}
}

// TestFailNextQueue: a queued failure whose actions do not match a call
// lets the next queued ones be tried, and the one used up is the one that
// leaves the queue: "the earliest one that matches a call applies first".
func TestFailNextQueue(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	sess := noRetrySession(t, srv, "alice")
	srv.FailNext(1, cognitotest.FaultInternalError, "RespondToAuthChallenge")
	srv.FailNext(1, cognitotest.FaultTooManyRequests, "InitiateAuth")
	for i, want := range []error{cognitosrp.ErrTooManyRequests, cognitosrp.ErrInternalError, nil} {
		if err := sess.Authenticate(t.Context(), "pw-alice-123"); !errors.Is(err, want) || (want == nil) != (err == nil) {
			t.Errorf("login %d: %v, want %v", i, err, want)
		}
	}
	var injected []string
	for _, r := range srv.Requests() {
		if r.Injected {
			injected = append(injected, r.Action)
		}
	}
	if want := []string{"InitiateAuth", "RespondToAuthChallenge"}; !slices.Equal(injected, want) {
		t.Errorf("injected failures of %q, want %q", injected, want)
	}
}

func TestFailureRateIsSeeded(t *testing.T) {
	pattern := func(seed uint64) []bool {
		srv := cognitotest.NewServer(t, cognitotest.Config{Seed: seed})
		srv.SetFailureRate(0.5, cognitotest.FaultTooManyRequests)
		api := &cognitosrp.Client{Endpoint: srv.Endpoint(), Retry: cognitosrp.RetryPolicy{MaxAttempts: 1}}
		var got []bool
		for range 40 {
			err := api.Call(t.Context(), "GetUser", map[string]string{"AccessToken": "x"}, &struct{}{})
			got = append(got, errors.Is(err, cognitosrp.ErrTooManyRequests))
		}
		return got
	}
	// Seed 0 too: cognito-srp emulate sets none, and its README promises
	// "the same calls on each start".
	for _, seed := range []uint64{42, 0} {
		a, b := pattern(seed), pattern(seed)
		failed := 0
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("seed %d, call %d: the same seed gave different failures", seed, i)
			}
			if a[i] {
				failed++
			}
		}
		if failed < 8 || failed > 32 {
			t.Errorf("seed %d: %d of 40 calls failed at rate 0.5", seed, failed)
		}
	}
	// Rate 1 fails every call, with the fault given.
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	srv.SetFailureRate(1, cognitotest.FaultInternalError)
	api := &cognitosrp.Client{Endpoint: srv.Endpoint(), Retry: cognitosrp.RetryPolicy{MaxAttempts: 1}}
	for i := range 10 {
		if err := api.Call(t.Context(), "GetUser", map[string]string{"AccessToken": "x"}, &struct{}{}); !errors.Is(err, cognitosrp.ErrInternalError) {
			t.Fatalf("call %d at rate 1: %v, want InternalErrorException", i, err)
		}
	}
}

// TestLatency: SetLatency delays every call, SetActionLatency overrides it
// for one action (0: no delay; negative: back to SetLatency's), and a
// client that gives up during the delay sees its own timeout. A call that
// must not wait runs under a latency of an hour, and one that must give up
// waits for an hour, so no scheduling delay on a loaded machine decides:
// with 80 ms of latency and a 60 ms bound for the undelayed call, a busy
// machine made that call slow, or ran the 80 ms timer before the 20 ms
// deadline's, so the call shorter than the latency succeeded.
func TestLatency(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	api := &cognitosrp.Client{Endpoint: srv.Endpoint()}
	srv.SetLatency(time.Hour)
	srv.SetActionLatency("GetUser", 0)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	err := api.Call(ctx, "GetUser", map[string]string{"AccessToken": "x"}, &struct{}{})
	cancel()
	var apiErr *cognitosrp.APIError
	if !errors.As(err, &apiErr) {
		t.Errorf("GetUser without latency: %v, want Cognito's answer", err)
	}
	ctx, cancel = context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	err = api.Call(ctx, "RevokeToken", map[string]string{"Token": "x", "ClientId": srv.ClientID()}, &struct{}{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("call shorter than the latency: %v", err)
	}
	srv.SetLatency(80 * time.Millisecond)
	start := time.Now()
	api.Call(t.Context(), "RevokeToken", map[string]string{"Token": "x", "ClientId": srv.ClientID()}, &struct{}{})
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("RevokeToken with 80ms latency took %v", d)
	}
	srv.SetActionLatency("GetUser", -1) // back to the global latency
	start = time.Now()
	api.Call(t.Context(), "GetUser", map[string]string{"AccessToken": "x"}, &struct{}{})
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Errorf("GetUser after removing its override took %v", d)
	}
}

func TestOtherFaultTypesAndRequestLog(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	api := &cognitosrp.Client{Endpoint: srv.Endpoint(), Retry: cognitosrp.RetryPolicy{MaxAttempts: 1}}
	getUser := func() error {
		return api.Call(t.Context(), "GetUser", map[string]string{"AccessToken": "x"}, &struct{}{})
	}
	// Any Cognito error type can be injected; it is answered with HTTP 400.
	srv.FailNext(1, cognitotest.Fault("LimitExceededException"))
	err := getUser()
	if !errors.Is(err, cognitosrp.ErrLimitExceeded) || apiError(t, err).StatusCode != http.StatusBadRequest {
		t.Fatalf("injected LimitExceededException: %v", err)
	}
	// The log keeps the 256 most recent calls; the counters keep them all.
	for range 259 {
		getUser()
	}
	reqs := srv.Requests()
	if len(reqs) != 256 || srv.Calls("GetUser") != 260 {
		t.Fatalf("%d logged, %d counted; want 256 and 260", len(reqs), srv.Calls("GetUser"))
	}
	// The first call, the injected one, is the one dropped.
	for _, r := range reqs {
		if r.Injected {
			t.Fatalf("the log kept the oldest call: %+v", r)
		}
	}
	srv.ResetCalls()
	if srv.Calls("") != 0 || len(srv.Requests()) != 0 {
		t.Errorf("after ResetCalls: %d calls, %d logged", srv.Calls(""), len(srv.Requests()))
	}
}

// TestRequestLogInArrivalOrder: Requests lists the calls oldest first, as
// they came in (Request.Time), even when a slow call is answered after a
// later one.
func TestRequestLogInArrivalOrder(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	api := &cognitosrp.Client{Endpoint: srv.Endpoint(), Retry: cognitosrp.RetryPolicy{MaxAttempts: 1}}
	srv.SetActionLatency("RevokeToken", 300*time.Millisecond)
	done := make(chan struct{})
	go func() {
		defer close(done)
		api.Call(context.Background(), "RevokeToken", map[string]string{"Token": "x", "ClientId": srv.ClientID()}, &struct{}{})
	}()
	for deadline := time.Now().Add(5 * time.Second); srv.Calls("RevokeToken") == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the RevokeToken call did not arrive within 5 s")
		}
		time.Sleep(time.Millisecond)
	}
	api.Call(t.Context(), "GetUser", map[string]string{"AccessToken": "x"}, &struct{}{})
	<-done
	var got []string
	for _, r := range srv.Requests() {
		got = append(got, r.Action)
	}
	if !slices.Equal(got, []string{"RevokeToken", "GetUser"}) {
		t.Errorf("Requests() = %v, want RevokeToken (the older) first", got)
	}
}

// TestUnknownActionIsLogged: a misspelt action name given to FailNext or
// SetActionLatency matches no call, so a test waiting for its failure or
// delay gets neither; Config.Logf says so, once per unknown name, and
// says nothing of a known one, of a removal, or after Close.
func TestUnknownActionIsLogged(t *testing.T) {
	logs := new(logLines)
	srv, err := cognitotest.NewUnstartedServer(cognitotest.Config{Logf: logs.logf})
	if err != nil {
		t.Fatal(err)
	}
	srv.FailNext(1, cognitotest.FaultInternalError, "InitiateAuth", "InitateAuth")
	srv.FailNext(1, cognitotest.FaultInternalError, "AWSCognitoIdentityProviderService.GetUser")
	srv.SetActionLatency("RespondToAuthChallenge", time.Second)
	srv.SetActionLatency("RespondToAuthChalenge", time.Second)
	srv.SetActionLatency("RespondToAuthChalenge", -1)
	srv.SetActionLatency("GetUsr", 0) // 0 is an override too: no delay
	srv.Close()
	srv.FailNext(1, cognitotest.FaultInternalError, "AfterClose")
	want := []string{
		`cognitotest: FailNext: "InitateAuth" is not an action the server serves (such as "InitiateAuth"): it matches no call`,
		`cognitotest: FailNext: "AWSCognitoIdentityProviderService.GetUser" is not an action the server serves (such as "InitiateAuth"): it matches no call`,
		`cognitotest: SetActionLatency: "RespondToAuthChalenge" is not an action the server serves (such as "InitiateAuth"): it matches no call`,
		`cognitotest: SetActionLatency: "GetUsr" is not an action the server serves (such as "InitiateAuth"): it matches no call`,
	}
	if lines := logs.all(); !slices.Equal(lines, want) {
		t.Errorf("Logf got\n%q\nwant\n%q", lines, want)
	}
}

// TestLogLinesCarryRequestID: each Logf line ends with the request id the
// response carried, which the client's APIError quotes: a failed call's
// error finds its line, with the server's reason, among other tests'.
func TestLogLinesCarryRequestID(t *testing.T) {
	logs := new(logLines)
	srv := cognitotest.NewServer(t, cognitotest.Config{Logf: logs.logf})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	sess, _ := cognitosrp.NewSession(srv.SessionConfig(), "alice")
	defer sess.Close()
	ae := apiError(t, sess.Authenticate(t.Context(), "wrong-password"))
	// A refusal without a reason of the server's (an unknown user) too.
	nobody, _ := cognitosrp.NewSession(srv.SessionConfig(), "nobody")
	defer nobody.Close()
	nobody.Authenticate(t.Context(), "pw")
	reqs, lines := srv.Requests(), logs.all()
	if len(lines) != len(reqs) || len(reqs) != 3 {
		t.Fatalf("%d lines for %d requests, want 3: %q", len(lines), len(reqs), lines)
	}
	for i, r := range reqs {
		if !strings.HasSuffix(lines[i], " (request id "+r.RequestID+")") || r.RequestID == "" {
			t.Errorf("line %q does not end with its request id %q", lines[i], r.RequestID)
		}
		if strings.Contains(lines[i], "  ") {
			t.Errorf("line %q has a double space", lines[i])
		}
	}
	if !strings.Contains(lines[1], "NotAuthorizedException") || !strings.HasSuffix(lines[1], ae.RequestID+")") {
		t.Errorf("the refusal's line %q does not carry the error's request id %q", lines[1], ae.RequestID)
	}
}

// TestFaultMessagesAreCognitos pins the injected failures' messages to
// Cognito's own, which programs under test match on: "Rate exceeded"
// (amplify-js issues 3554 and 13608, cognito-backup issue 12) and
// "Internal server error." (aws-sdk-android issue 2022). Another type has
// no known message and says it was injected.
func TestFaultMessagesAreCognitos(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	r.api.Retry = cognitosrp.RetryPolicy{MaxAttempts: 1}
	for _, c := range []struct {
		fault  cognitotest.Fault
		msg    string
		status int
	}{
		{cognitotest.FaultTooManyRequests, "Rate exceeded", http.StatusBadRequest},
		{cognitotest.FaultInternalError, "Internal server error.", http.StatusInternalServerError},
		{"LimitExceededException", "Injected LimitExceededException.", http.StatusBadRequest},
	} {
		srv.FailNext(1, c.fault)
		_, err := r.srpLogin("alice", "pw-alice-123", nil)
		if ae := apiError(t, err); ae.Type != string(c.fault) || ae.Message != c.msg || ae.StatusCode != c.status {
			t.Errorf("FailNext(%s): %s %q (HTTP %d), want %q (HTTP %d)", c.fault, ae.Type, ae.Message, ae.StatusCode, c.msg, c.status)
		}
		// Cognito's message does not say it was injected: the log line
		// (Logf prints Reason, not Injected) must.
		if reqs := srv.Requests(); reqs[len(reqs)-1].Reason != "injected" {
			t.Errorf("FailNext(%s): logged with reason %q, want \"injected\"", c.fault, reqs[len(reqs)-1].Reason)
		}
	}
}

// TestCommonErrorStatuses: an injected error common to all AWS APIs is
// answered with the HTTP status AWS API references give it ("Common
// Errors"), not the 400 of Cognito's own exceptions: a client
// whose retries go by the status (as the AWS SDKs' and this library's do)
// must meet ServiceUnavailable as a 503, as it would from Cognito.
// Cognito's own types keep theirs. CommonAWSError names the common ones,
// and only those (cognito-srp emulate's -fault accepts them by it).
func TestCommonErrorStatuses(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	api := &cognitosrp.Client{Endpoint: srv.Endpoint(), Retry: cognitosrp.RetryPolicy{MaxAttempts: 1}}
	for fault, status := range map[cognitotest.Fault]int{
		"AccessDeniedException":          http.StatusBadRequest,
		"IncompleteSignature":            http.StatusBadRequest,
		"InternalFailure":                http.StatusInternalServerError,
		"InvalidAction":                  http.StatusBadRequest,
		"InvalidClientTokenId":           http.StatusForbidden,
		"NotAuthorized":                  http.StatusBadRequest,
		"OptInRequired":                  http.StatusForbidden,
		"RequestExpired":                 http.StatusBadRequest,
		"ServiceUnavailable":             http.StatusServiceUnavailable,
		"ThrottlingException":            http.StatusBadRequest,
		"ValidationError":                http.StatusBadRequest,
		cognitotest.FaultInternalError:   http.StatusInternalServerError,
		cognitotest.FaultTooManyRequests: http.StatusBadRequest,
		"LimitExceededException":         http.StatusBadRequest,
		"NotAuthorizedException":         http.StatusBadRequest,
	} {
		// The common errors are the names here that are not Cognito's
		// own error types (which all end in "Exception", as two of the
		// common ones do).
		cognitos := fault == cognitotest.FaultInternalError || fault == cognitotest.FaultTooManyRequests ||
			fault == "LimitExceededException" || fault == "NotAuthorizedException"
		if fault.CommonAWSError() == cognitos {
			t.Errorf("Fault(%q).CommonAWSError() = %v", fault, fault.CommonAWSError())
		}
		srv.FailNext(1, fault)
		err := api.Call(t.Context(), "GetUser", map[string]string{"AccessToken": "x"}, &struct{}{})
		if ae := apiError(t, err); ae.Type != string(fault) || ae.StatusCode != status {
			t.Errorf("FailNext(%s): %s (HTTP %d), want HTTP %d", fault, ae.Type, ae.StatusCode, status)
		}
		if reqs := srv.Requests(); !reqs[len(reqs)-1].Injected || reqs[len(reqs)-1].Status != status {
			t.Errorf("FailNext(%s): logged as %+v", fault, reqs[len(reqs)-1])
		}
	}
	for _, f := range []cognitotest.Fault{cognitotest.FaultConnectionReset, "Throttling", "", "serviceunavailable", "ServiceUnavailable ", "InvalidAction InvalidClientTokenId"} {
		if f.CommonAWSError() {
			t.Errorf("Fault(%q).CommonAWSError() = true", f)
		}
	}
	// SetFailureRate injects the same answer.
	srv.SetFailureRate(1, "ServiceUnavailable")
	err := api.Call(t.Context(), "GetUser", map[string]string{"AccessToken": "x"}, &struct{}{})
	if ae := apiError(t, err); ae.StatusCode != http.StatusServiceUnavailable || !ae.Temporary() {
		t.Errorf("SetFailureRate(1, ServiceUnavailable): HTTP %d, temporary %v", ae.StatusCode, ae.Temporary())
	}
}
