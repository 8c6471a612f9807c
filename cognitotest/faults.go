// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"math/rand/v2"
	"net/http"
	"slices"
	"time"
)

// Fault is a failure the server can inject instead of serving an API call:
// a Cognito error type, answered as Cognito answers it (HTTP 400, or 500
// for InternalErrorException, with Cognito's message where it is known),
// one of the errors common to all AWS APIs, answered with the status AWS
// API references give it (such as 503 for ServiceUnavailable), or
// FaultConnectionReset. A Request's Injected field tells an injected
// failure from a real one.
type Fault string

// Faults a test suite commonly needs. Any other Cognito error type works
// too, as Fault("LimitExceededException"); it is answered with HTTP 400.
// So do the common errors (CommonAWSError): Fault("ServiceUnavailable")
// (HTTP 503), Fault("InternalFailure") (500), Fault("ThrottlingException")
// (400)…
const (
	// FaultInternalError is InternalErrorException with HTTP 500 and
	// the message "Internal server error.".
	FaultInternalError Fault = "InternalErrorException"
	// FaultTooManyRequests is TooManyRequestsException with HTTP 400 and
	// the message "Rate exceeded", as Cognito throttles.
	FaultTooManyRequests Fault = "TooManyRequestsException"
	// FaultConnectionReset closes the connection without answering.
	FaultConnectionReset Fault = "connection reset"
)

// errDropConnection makes ServeHTTP close the connection.
var errDropConnection = &apiError{typ: string(FaultConnectionReset)}

func (f Fault) apiError() *apiError {
	switch f {
	case FaultConnectionReset:
		return errDropConnection
	case FaultInternalError:
		return errInternal("injected")
	case FaultTooManyRequests:
		return errThrottled().because("injected")
	}
	status, common := commonError(string(f))
	if !common {
		status = http.StatusBadRequest // as Cognito answers its own exceptions
	}
	return newError(status, string(f), "Injected %s.", string(f)).because("injected")
}

// CommonAWSError reports whether f is one of the errors common to all AWS
// APIs (the "Common Errors" of AWS API references), such as
// ServiceUnavailable, InternalFailure or ThrottlingException, which the
// server answers with the HTTP status those references give them. A
// program that takes a Fault from its user (a flag, a configuration
// file) can refuse with it a name that is neither such an error nor a
// Cognito error type, such as "Throttling": the server would answer that
// too, as given, with HTTP 400.
func (f Fault) CommonAWSError() bool {
	_, ok := commonError(string(f))
	return ok
}

// commonError returns the HTTP status of typ and true if typ is one of
// the errors common to all AWS APIs: the status AWS API references give
// them ("Common Errors", read on another service's reference; Cognito's
// could not be read here). The one list of them: CommonAWSError serves it
// to cognito-srp emulate's -fault. A client's retries may go by the
// status: a ServiceUnavailable answered with 400 would not be retried
// where Cognito's 503 is.
func commonError(typ string) (status int, ok bool) {
	switch typ {
	case "InternalFailure":
		return http.StatusInternalServerError, true
	case "ServiceUnavailable":
		return http.StatusServiceUnavailable, true
	case "InvalidClientTokenId", "OptInRequired":
		return http.StatusForbidden, true
	case "AccessDeniedException", "IncompleteSignature", "InvalidAction", "NotAuthorized",
		"RequestExpired", "ThrottlingException", "ValidationError":
		return http.StatusBadRequest, true
	}
	return 0, false
}

// faultState holds the injected latency and failures. Server.mu guards it.
type faultState struct {
	latency  time.Duration
	perCall  map[string]time.Duration
	queue    []queuedFault
	rate     float64
	rateWith Fault
	rng      *rand.Rand
}

type queuedFault struct {
	fault   Fault
	left    int
	actions []string // empty: any action
}

func (f *faultState) init(seed uint64) {
	f.perCall = make(map[string]time.Duration)
	f.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// FailNext makes the next n API calls fail with f; n ≤ 0 makes none fail.
// With actions given, only calls to those actions count and fail. Calls
// to FailNext queue up: the earliest one that matches a call applies
// first. A failure queued stays until a call takes it, and nothing
// takes it back: a test that stops calling before all n are taken (a
// client that gave up after its retries) meets the rest at its next
// calls. For an outage that ends when the test says, use
// SetFailureRate(1, f), then SetFailureRate(0, ""). An action the server
// does not serve matches no call; Config.Logf is told.
func (s *Server) FailNext(n int, f Fault, actions ...string) {
	if s.tb != nil {
		s.tb.Helper()
	}
	if n <= 0 {
		return
	}
	s.warnUnknownActions("FailNext", actions)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.queue = append(s.faults.queue, queuedFault{fault: f, left: n, actions: slices.Clone(actions)})
}

// warnUnknownActions tells Config.Logf of each of actions that the server
// does not serve: a misspelt name ("InitateAuth") or X-Amz-Target's whole
// value matches no call, and the test would otherwise wait without a word
// for a failure or a delay that never comes. It counts in as a request
// does (enter), so that no line comes after Close returns.
//
// Called from the test's goroutine, it and its caller are helpers of the
// Server's test: a Logf that is that test's t.Logf then names the line
// that called FailNext or SetActionLatency, the line to fix. (The lines
// of requests are written on the goroutines that serve them, where the
// test's frames are not: they name the emulator's line.)
func (s *Server) warnUnknownActions(method string, actions []string) {
	if s.tb != nil {
		s.tb.Helper()
	}
	if s.cfg.Logf == nil || !s.enter() {
		return
	}
	defer s.active.Done()
	for _, a := range actions {
		if s.action(a) == nil {
			s.cfg.Logf("cognitotest: %s: %q is not an action the server serves (such as \"InitiateAuth\"): it matches no call", method, a)
		}
	}
}

// SetFailureRate makes each API call fail with f with probability rate
// (0 turns it off). The choice is drawn from a generator seeded with
// Config.Seed, so a test repeats.
func (s *Server) SetFailureRate(rate float64, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.rate, s.faults.rateWith = rate, f
}

// SetLatency delays every API call by d before it is served (0 turns it
// off). A client that gives up during the delay sees its own timeout.
// A call already delayed keeps its delay, after SetLatency(0) too, until
// its client gives up or Close: a cognitosrp login goes on when the
// request that started it gives up (see cognitosrp.Options.FlightTimeout),
// so the next request joins it and waits out the rest of the delay.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.latency = d
}

// SetActionLatency delays calls to action by d, in place of the delay of
// SetLatency; a negative d removes the override. An action the server
// does not serve matches no call; Config.Logf is told.
func (s *Server) SetActionLatency(action string, d time.Duration) {
	if s.tb != nil {
		s.tb.Helper()
	}
	if d >= 0 {
		s.warnUnknownActions("SetActionLatency", []string{action})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if d < 0 {
		delete(s.faults.perCall, action)
		return
	}
	s.faults.perCall[action] = d
}

func (s *Server) latency(action string) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.faults.perCall[action]; ok {
		return d
	}
	return s.faults.latency
}

// nextFault returns the injected failure for a call to action, if any.
func (s *Server) nextFault(action string) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.faults.queue
	for i := range q {
		if len(q[i].actions) > 0 && !slices.Contains(q[i].actions, action) {
			continue
		}
		f := q[i].fault
		if q[i].left--; q[i].left == 0 {
			s.faults.queue = slices.Delete(q, i, i+1)
		}
		return f.apiError()
	}
	if s.faults.rate > 0 && s.faults.rng.Float64() < s.faults.rate {
		return s.faults.rateWith.apiError()
	}
	return nil
}

// Request describes one API call the server received. It holds no body:
// request bodies carry secrets.
type Request struct {
	Time      time.Time     // the server's clock when it arrived
	RequestID string        // the x-amzn-RequestId sent back
	Action    string        // such as "InitiateAuth"
	Status    int           // the HTTP status; 0 when the connection was dropped
	ErrorType string        // the __type of an error response
	Reason    string        // why the server refused it, when Cognito's message is vague
	Injected  bool          // whether an injected failure answered it
	Duration  time.Duration // time spent serving, injected latency included
}

// maxLog bounds the request log.
const maxLog = 256

func (s *Server) countCall(action string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[action]++
}

// loggedRequest is an entry of the request log: arrived, on the monotonic
// clock, keeps the log in the order the requests came in, whatever order
// they are answered in (injected latency holds some back).
type loggedRequest struct {
	arrived time.Time
	Request
}

func (s *Server) record(arrived time.Time, r Request) {
	s.mu.Lock()
	i := len(s.log)
	for i > 0 && s.log[i-1].arrived.After(arrived) {
		i--
	}
	s.log = slices.Insert(s.log, i, loggedRequest{arrived, r})
	if len(s.log) > maxLog {
		s.log = slices.Delete(s.log, 0, 1)
	}
	logf := s.cfg.Logf
	s.mu.Unlock()
	// The request id is the one the client's error quotes (APIError's
	// "request id"): it finds the line, and the Reason on it, among the
	// lines of other tests sharing the server.
	if logf != nil {
		switch {
		case r.ErrorType == "":
			logf("cognitotest: %s %d %v (request id %s)", r.Action, r.Status, r.Duration.Round(time.Microsecond), r.RequestID)
		case r.Reason == "":
			logf("cognitotest: %s %d %s (request id %s)", r.Action, r.Status, r.ErrorType, r.RequestID)
		default:
			logf("cognitotest: %s %d %s %s (request id %s)", r.Action, r.Status, r.ErrorType, r.Reason, r.RequestID)
		}
	}
}

// Calls returns how many calls to action the server received, injected
// failures included; action "" counts every action.
func (s *Server) Calls(action string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if action != "" {
		return s.calls[action]
	}
	n := 0
	for _, c := range s.calls {
		n += c
	}
	return n
}

// ResetCalls sets every counter of Calls back to zero and empties the
// request log.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.calls)
	s.log = nil
}

// Requests returns the most recent API calls (up to 256), oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.log))
	for i, l := range s.log {
		out[i] = l.Request
	}
	return out
}
