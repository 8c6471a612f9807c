// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build unix

// The tests of how the command ends by a signal: only Unix has signals a
// process can be sent and can end by (on Windows the command keeps its
// exit status; see main).

package main

import (
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
	env := []string{"HOME=" + t.TempDir(), "COGNITO_USER_POOL_ID=us-east-1_Sig", "COGNITO_CLIENT_ID=c",
		"COGNITO_USERNAME=u", "COGNITO_PASSWORD=p", "COGNITO_ENDPOINT=http://127.0.0.1:1/"}
	for _, args := range [][]string{
		{"token", "-no-cache", "-password-stdin"},
		{"request", "-no-cache", "-d", "@-", "http://127.0.0.1:1/"},
		// A named file that waits for a writer as well: a named pipe, or
		// a shell's process substitution (-d @<(…)).
		{"request", "-no-cache", "-d", "@/dev/stdin", "http://127.0.0.1:1/"},
		{"emulate", "-addr", "127.0.0.1:0", "-users", "/dev/stdin"},
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
		stderr, ended, ws := interruptWhileReading(t, env, args, sig, wait)
		handled := strings.Contains(stderr, "interrupted")
		switch {
		case !ended:
			t.Errorf("%s waiting for its input did not end on %v", strings.Join(args, " "), sig)
		case !handled && ws.Signaled() && i < 2:
			continue
		case !handled || strings.Count(stderr, "\n") != 1 || !ws.Signaled() || ws.Signal() != sig:
			t.Errorf("%s after %v: wait status %#x, stderr %q", strings.Join(args, " "), sig, ws, stderr)
		}
		break
	}
}

// interruptWhileReading starts the command with args and its standard input
// left open, sends it sig after wait, and reports how it ended: its
// standard error, whether it ended within 5 s, and its wait status.
func interruptWhileReading(t *testing.T, env, args []string, sig syscall.Signal, wait time.Duration) (stderr string, ended bool, ws syscall.WaitStatus) {
	t.Helper()
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
	time.Sleep(wait)
	cmd.Process.Signal(sig)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
		ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
		return errb.String(), true, ws
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-done
		return errb.String(), false, 0
	}
}

// TestIgnoredInterruptStaysIgnored: a command started with SIGINT ignored
// (a shell starts a script's background commands so, that Ctrl-C in the
// terminal leaves them running) goes on with its work on SIGINT, as it
// would without main taking the signal over.
func TestIgnoredInterruptStaysIgnored(t *testing.T) {
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
	calls := srv.Calls("GetTokensFromRefreshToken")
	cmd := exec.Command(binary, "token")
	for k, v := range s.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var errb strings.Builder
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); srv.Calls("GetTokensFromRefreshToken") == calls && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // into the wait
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !strings.Contains(errb.String(), "interrupted") || strings.Count(errb.String(), "\n") != 1 || !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Errorf("wait status %#x, stderr %q", ws, errb.String())
	}
}
