// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build unix

// The tests of how the command ends by a signal: only Unix has signals a
// process can be sent and can end by (on Windows the command keeps its
// exit status; see main).

package main

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestSignalWhileReadingStdin: the command takes over SIGINT and SIGTERM to
// end its work cleanly, so a command waiting for standard input (the
// password, a request body, a token) must still end on them, with the one
// line "interrupted", and then by the signal, as it would have without
// taking it over.
func TestSignalWhileReadingStdin(t *testing.T) {
	t.Parallel()
	env := []string{"HOME=" + t.TempDir(), "COGNITO_USER_POOL_ID=us-east-1_Sig", "COGNITO_CLIENT_ID=c",
		"COGNITO_USERNAME=u", "COGNITO_PASSWORD=p", "COGNITO_ENDPOINT=http://127.0.0.1:1/"}
	for _, args := range [][]string{
		{"token", "-no-cache", "-password-stdin"},
		{"request", "-no-cache", "-d", "@-", "http://127.0.0.1:1/"},
		// A named file that waits for a writer as well: a named pipe, or
		// a shell's process substitution (-d @<(…)).
		{"request", "-no-cache", "-d", "@/dev/stdin", "http://127.0.0.1:1/"},
		{"emulate", "-addr", "127.0.0.1:0", "-users", "/dev/stdin"},
		{"emulate", "-addr", "127.0.0.1:0", "-client-secret-file", "/dev/stdin"},
		{"claims"},
	} {
		interruptedBy(t, env, args, syscall.SIGTERM)
	}
}

// TestInterruptEndsBySignal: a command that Ctrl-C interrupts ends by
// SIGINT after saying so, as curl does. A shell that runs a script waits
// for its foreground command and goes on with the script when that
// command exited (it took SIGINT for handled), so a loop of requests would
// need a Ctrl-C for each one.
func TestInterruptEndsBySignal(t *testing.T) {
	t.Parallel()
	env := []string{"HOME=" + t.TempDir()}
	interruptedBy(t, env, []string{"claims"}, syscall.SIGINT)
}

// interruptedBy checks that the command with args, waiting for its input,
// ends on sig with the one line "interrupted" and then by sig.
func interruptedBy(t *testing.T, env, args []string, sig syscall.Signal) {
	t.Helper()
	// A signal that comes before main takes it over ends the process the
	// default way, which says nothing about the read: on a loaded machine
	// start-up can take longer than the first wait, so such a run is tried
	// again after a longer one. A read that ignores the signal shows as a
	// process that does not end at all.
	for i, wait := range []time.Duration{300 * time.Millisecond, time.Second, 3 * time.Second} {
		r := interruptWhileReading(t, env, args, sig, after(wait))
		if r.early() && i < 2 {
			continue
		}
		r.check(t)
		break
	}
}

// after returns a ready condition for interruptWhileReading that holds
// once d has passed since it was first asked, which is when the command
// has started.
func after(d time.Duration) func() bool {
	var deadline time.Time
	return func() bool {
		if deadline.IsZero() {
			deadline = time.Now().Add(d)
		}
		return !time.Now().Before(deadline)
	}
}

// interruption is how a command sent a signal ended.
type interruption struct {
	args   []string
	sig    syscall.Signal
	stderr string
	sent   bool // the signal was sent: the command got ready and had not ended
	ended  bool // the command ended, within 5 s of the signal if sent
	ws     syscall.WaitStatus
}

// early reports whether the signal ended the command the default way,
// without "interrupted": it came before main took the signal over.
func (r interruption) early() bool {
	return r.sent && r.ended && !strings.Contains(r.stderr, "interrupted") && r.ws.Signaled()
}

// check checks that the command ended on the signal with the one line
// "interrupted" and then by the signal.
func (r interruption) check(t *testing.T) {
	t.Helper()
	cmd := strings.Join(r.args, " ")
	switch {
	case !r.sent && r.ended:
		t.Errorf("%s ended before it was ready for %v: wait status %#x, stderr %q", cmd, r.sig, r.ws, r.stderr)
	case !r.sent:
		t.Errorf("%s was not ready for %v within 5 s: stderr %q", cmd, r.sig, r.stderr)
	case !r.ended:
		t.Errorf("%s waiting for its input did not end on %v", cmd, r.sig)
	case !strings.Contains(r.stderr, "interrupted") || strings.Count(r.stderr, "\n") != 1 || !r.ws.Signaled() || r.ws.Signal() != r.sig:
		t.Errorf("%s after %v: wait status %#x, stderr %q", cmd, r.sig, r.ws, r.stderr)
	}
}

// interruptWhileReading starts the command with args and its standard input
// left open, sends it sig once ready reports true (asked every 10 ms, for
// up to 5 s, while the command runs), and reports how it ended: its
// standard error, whether it ended within 5 s of the signal, and its wait
// status.
func interruptWhileReading(t *testing.T, env, args []string, sig syscall.Signal, ready func() bool) interruption {
	t.Helper()
	r := interruption{args: args, sig: sig}
	cmd := exec.Command(binary, args...)
	cmd.Env = env
	stdin, err := cmd.StdinPipe() // left open: the command waits
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	var errb strings.Builder
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	ended := func() syscall.WaitStatus {
		r.stderr, r.ended = errb.String(), true
		ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
		return ws
	}
	for deadline := time.Now().Add(5 * time.Second); !ready(); {
		select {
		case <-done:
			r.ws = ended()
			return r
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-done
			r.stderr = errb.String()
			return r
		}
	}
	cmd.Process.Signal(sig)
	r.sent = true
	select {
	case <-done:
		r.ws = ended()
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-done
		r.stderr = errb.String()
	}
	return r
}

// TestIgnoredInterruptStaysIgnored: a command started with SIGINT ignored
// (a shell starts a script's background commands so, that Ctrl-C in the
// terminal leaves them running) goes on with its work on SIGINT, as it
// would without main taking the signal over.
func TestIgnoredInterruptStaysIgnored(t *testing.T) {
	t.Parallel()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	cmd := exec.Command(sh, "-c", `trap '' INT; exec "$0" "$@"`, binary, "claims")
	cmd.Env = []string{"HOME=" + t.TempDir()}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// A SIGINT that comes before main sets up its signals is ignored with
	// or without main's care, so it is sent again later: on a loaded
	// machine start-up can take longer than the first wait (see
	// interruptedBy).
	for _, wait := range []time.Duration{time.Second, 2 * time.Second} {
		time.Sleep(wait)
		cmd.Process.Signal(syscall.SIGINT)
		select {
		case err := <-done:
			t.Fatalf("the command ended on an ignored SIGINT: %v, stderr %q", err, stderr.String())
		case <-time.After(1500 * time.Millisecond):
		}
	}
	// eyJ…: {"alg":"none"}, {"sub":"x"}
	stdin.Write([]byte("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln\n"))
	stdin.Close()
	select {
	case err := <-done:
		if err != nil || !strings.Contains(stdout.String(), `"sub": "x"`) {
			t.Errorf("after an ignored SIGINT: %v, stdout %q, stderr %q", err, stdout.String(), stderr.String())
		}
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the command did not end")
	}
}

// TestSignalWhileWaitingForAnotherRun: a run whose cached refresh token was
// retired by rotation waits up to two seconds for the winner's save (obtain).
// SIGTERM there ends it as anywhere else: with the one line "interrupted",
// not with the refusal it was waiting to get past, which tells the user to
// give a password.
func TestSignalWhileWaitingForAnotherRun(t *testing.T) {
	t.Parallel()
	srv, s := rotationCacheDue(t)
	// Another run renews and retires the cached refresh token; its save
	// never comes.
	file := s.cacheFile(t)
	old, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s.run("token").want(t, exitOK)
	if err := os.WriteFile(file, old, 0o600); err != nil {
		t.Fatal(err)
	}
	// In the wait: Cognito has refused the retired token as reused
	// (RefreshTokenReuseException, which the request log records once the
	// answer is written), and the answer had a moment to arrive, a small
	// part of the two seconds the wait lasts.
	refusals := func() int {
		n := 0
		for _, r := range srv.Requests() {
			if r.Action == "GetTokensFromRefreshToken" && r.ErrorType == "RefreshTokenReuseException" {
				n++
			}
		}
		return n
	}
	before := refusals()
	var settled func() bool
	inWait := func() bool {
		if settled == nil && refusals() > before {
			settled = after(100 * time.Millisecond)
		}
		return settled != nil && settled()
	}
	signalWhen(t, s, []string{"token"}, syscall.SIGTERM, inWait).check(t)
}

// TestInterruptDuringDemoWait: Ctrl-C while the demo waits for its token
// to expire ends it there, by SIGINT, rather than once the wait is over.
func TestInterruptDuringDemoWait(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(binary, "demo")
	cmd.Env = []string{"HOME=" + t.TempDir()}
	stdout, stderr := startPiped(t, cmd)
	sc := bufio.NewScanner(stdout)
	var transcript []string
	for sc.Scan() {
		transcript = append(transcript, sc.Text())
		if strings.Contains(sc.Text(), "waiting for it") {
			cmd.Process.Signal(syscall.SIGINT)
			break
		}
	}
	for sc.Scan() {
		transcript = append(transcript, sc.Text())
	}
	err := cmd.Wait()
	ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGINT || !strings.Contains(stderr.String(), "interrupted") ||
		!strings.Contains(transcript[len(transcript)-1], "waiting for it") {
		t.Errorf("demo interrupted in its wait: %v, stderr %q, transcript %q", err, stderr.String(), transcript)
	}
}
