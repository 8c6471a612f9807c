// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build unix

package main

import (
	"bufio"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestRequestReaderClosesPipe: a reader that stops early (request URL |
// head -c1) ends the command by SIGPIPE, as it ends cat, as the package doc
// says: no panic, no message that would read as a failure to ask, and the
// tokens are cached before any output, so nothing is lost.
func TestRequestReaderClosesPipe(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	body := binaryBody()
	api := httptest.NewServer(srv.RequireAccessToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(body)
	})))
	defer api.Close()
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	cmd := exec.Command(binary, "request", api.URL+"/big")
	cmd.Env = s.environ()
	stdout, stderr := startPiped(t, cmd)
	b := make([]byte, 1)
	if _, err := stdout.Read(b); err != nil {
		t.Fatal(err)
	}
	stdout.Close() // as head -c1 exits
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("request to a closed pipe: %v, want an end by SIGPIPE", err)
	}
	ws := ee.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGPIPE || stderr.String() != "HTTP/1.1 200 OK\n" {
		t.Errorf("request to a closed pipe: wait status %#x, stderr %q; want an end by SIGPIPE and the status line alone", ws, stderr.String())
	}
	s.cacheFile(t)
}

// TestREADMEEmulateScript runs the README's script that starts emulate in
// the background, waits for its export line and evals it, with the
// command on PATH: a CI job copies it, and the line it waits for is the
// one that holds every variable (the secret of -with-secret had a line of
// its own after it).
func TestREADMEEmulateScript(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, script, _ := strings.Cut(string(readme), "```sh\nout=$(mktemp)")
	script, _, ok := strings.Cut(script, "\n```\n")
	if !ok || !strings.Contains(script, "emulate -addr 127.0.0.1:0") {
		t.Fatal("README holds no script that starts emulate on port 0")
	}
	script = "out=$(mktemp)" + script
	// The same with -with-secret, whose app client refuses a login
	// without the secret.
	withSecret := strings.Replace(script, " -quiet ", " -quiet -with-secret ", 1)
	for _, script := range []string{script, withSecret} {
		s := newSandbox(t)
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "users.json"), []byte(`[{"Username": "alice", "Password": "pw-alice-123"}]`), 0o600)
		cmd := exec.Command("sh", "-c", script)
		cmd.Dir = dir
		s.env["PATH"] = filepath.Dir(binary) + string(filepath.ListSeparator) + s.env["PATH"]
		s.env["COGNITO_USERNAME"], s.env["COGNITO_PASSWORD"] = "alice", "pw-alice-123"
		s.env["TMPDIR"] = dir // mktemp's file in the test's directory, not /tmp
		cmd.Env = s.environ()
		limit := time.AfterFunc(commandLimit, func() { cmd.Process.Kill() })
		out, err := cmd.CombinedOutput()
		limit.Stop()
		if err != nil || !strings.Contains(string(out), "signed out alice") {
			t.Errorf("the README's script: %v\n%s", err, out)
		}
	}
}

// TestEmulateExportLineEval: the export line is safe to eval whatever
// -url and -client-id hold: each value is one word, quoted when it holds
// a character the shell would act on. They went unquoted, so that
// -client-id "a;b" ran b, and a quote broke the eval.
func TestEmulateExportLineEval(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// Characters that each act in an unquoted word (' " ; $( ) ` * ~ #
	// \ ${IFS} >), with commands that leave a file if they run; quotes in
	// pairs, so that the eval of unquoted values runs, and a URL that
	// the emulator takes.
	hostile := `a'b"c"d'e;f$(touch${IFS}ran)` + "`touch${IFS}ran`" + `*~#\g`
	publicURL := "http://x;>ran;$(>ran)*~:9229/"
	_, cmd, stdout, stderr := startEmulate(t, "-quiet", "-with-secret", "-client-id", hostile, "-url", publicURL)
	defer cmd.Wait()
	defer cmd.Process.Kill()
	var line string
	for _, l := range readBanner(bufio.NewScanner(stdout), newSandbox(t)) {
		if strings.HasPrefix(l, "export ") {
			line = l
		}
	}
	if line == "" {
		t.Fatalf("no export line (stderr %q)", stderr.String())
	}
	sh := exec.Command("sh", "-c", `eval "$1" && printf '%s\n' "$COGNITO_ENDPOINT" "$COGNITO_USER_POOL_ID" "$COGNITO_CLIENT_ID" "$COGNITO_CLIENT_SECRET"`, "sh", line)
	sh.Dir = dir
	out, err := sh.CombinedOutput()
	if err != nil {
		t.Fatalf("eval %q: %v\n%s", line, err, out)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(got) != 4 || got[0] != publicURL || got[1] != cognitotest.DefaultPoolID || got[2] != hostile || len(got[3]) < 16 {
		t.Errorf("eval %q set %q; want the endpoint %q, the pool id, the client id %q and the secret", line, got, publicURL, hostile)
	}
	if _, err := os.Stat(filepath.Join(dir, "ran")); err == nil {
		t.Errorf("eval %q ran a command of -url's or -client-id's", line)
	}
	// The usual values stay bare, as scripts that read the line without
	// eval (and README) have them.
	if w := shellWord("http://127.0.0.1:9229/"); w != "http://127.0.0.1:9229/" {
		t.Errorf("shellWord quotes a plain endpoint: %s", w)
	}
}

// TestEmulateRemovesItsTokensOnExit: emulate, ended by SIGTERM, removes the
// token files of the tokens it issued, and their device files, from the
// cache of the user it runs as, and nothing else: each start on port 0
// left a file behind (the cache is keyed by endpoint), of tokens nothing
// accepts once it is gone. Another pool's file stays.
func TestEmulateRemovesItsTokensOnExit(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	other := newEmulator(t, cognitotest.Config{DeviceTracking: true})
	kept := &sandbox{t: t, home: s.home, env: maps.Clone(s.env)}
	kept.forServer(other, "alice", "pw-alice-123").run("token").want(t, exitOK)
	before, _ := os.ReadDir(s.cacheDir())

	cmd, stderr := s.emulateAliceToken("-device-tracking")
	during, _ := os.ReadDir(s.cacheDir())
	if len(during) != len(before)+2 {
		t.Fatalf("the cache holds %d files, want %d and a token and a device file", len(during), len(before))
	}

	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("emulate ended with %v; want status 0\nstderr: %s", err, stderr)
	}
	after, _ := os.ReadDir(s.cacheDir())
	names := func(es []os.DirEntry) (n []string) {
		for _, e := range es {
			n = append(n, e.Name())
		}
		return n
	}
	if !slices.Equal(names(after), names(before)) {
		t.Errorf("the cache holds %q after emulate ended, want %q as before it started", names(after), names(before))
	}
	if !strings.Contains(stderr.String(), "removed 1 token cache file") {
		t.Errorf("stderr %q does not say what it removed", stderr)
	}
	// The other pool's tokens are still cached: no login.
	delete(kept.env, "COGNITO_PASSWORD")
	kept.run("token").want(t, exitOK)
}

// emulateAliceToken starts emulate on a free port in s's environment
// with user alice and args, points s at it, and has s's token command
// log alice in, which caches her tokens. The caller ends emulate.
func (s *sandbox) emulateAliceToken(args ...string) (*exec.Cmd, *strings.Builder) {
	s.t.Helper()
	users := filepath.Join(s.t.TempDir(), "users.json")
	if err := os.WriteFile(users, []byte(`[{"username": "alice", "password": "pw-alice-123"}]`), 0o600); err != nil {
		s.t.Fatal(err)
	}
	cmd, stderr := s.emulate(append([]string{"-users", users}, args...)...)
	s.env["COGNITO_USERNAME"], s.env["COGNITO_PASSWORD"] = "alice", "pw-alice-123"
	s.run("token").want(s.t, exitOK)
	return cmd, stderr
}

// emulate starts emulate on a free port in s's environment (its HOME,
// whose token cache the emulator sweeps at its end) with args, and
// points s at it once its banner is read. The caller ends emulate.
func (s *sandbox) emulate(args ...string) (*exec.Cmd, *strings.Builder) {
	s.t.Helper()
	cmd := exec.Command(binary, append([]string{"emulate", "-addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = s.environ()
	stdout, stderr := startPiped(s.t, cmd)
	readBanner(bufio.NewScanner(stdout), s)
	return cmd, stderr
}

// TestEmulateRemovesOnlyCommandFiles: the sweep at emulate's end removes
// only the files the command names its token files (cacheFileName), not
// any JSON file of the directory that holds the emulator's tokens: a
// program of the user's keeping its FileStore there (app.json, with
// app.device.json beside it) lost both. Each part of the name counts: 32
// characters, each a lowercase hex digit, then ".json"; and a symbolic
// link of such a name, which the command never makes, is left too, as is
// a token file others can read (Load refuses it) or holding no tokens.
func TestEmulateRemovesOnlyCommandFiles(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	cmd, stderr := s.emulateAliceToken("-quiet")
	files, _ := filepath.Glob(filepath.Join(s.cacheDir(), "*.json"))
	if len(files) != 1 {
		t.Fatalf("the cache holds %q, want one token file", files)
	}
	tokens, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	var own []string
	for _, name := range []string{
		"app.json", "app.device.json",
		"0123456789abcdef.json",                 // hex, but 16 characters
		"0123456789abcdef0123456789abcdeg.json", // 32, not all hex
		"0123456789ABCDEF0123456789ABCDEF.json", // hex, but uppercase
		"0123456789abcdef0123456789abcdef",      // no .json
	} {
		f := filepath.Join(s.cacheDir(), name)
		if err := os.WriteFile(f, tokens, 0o600); err != nil {
			t.Fatal(err)
		}
		own = append(own, f)
	}
	// A link of a token file's name, to a file of the emulator's tokens.
	target := filepath.Join(t.TempDir(), "tokens.json")
	link := filepath.Join(s.cacheDir(), "fedcba9876543210fedcba9876543210.json")
	if err := os.WriteFile(target, tokens, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	own = append(own, link)
	// A token file others can read, which FileStore's Load refuses.
	open := filepath.Join(s.cacheDir(), "00000000000000000000000000000000.json")
	if err := os.WriteFile(open, tokens, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o644); err != nil {
		t.Fatal(err)
	}
	own = append(own, open)
	// A token file that holds no tokens, which Load reads as none.
	empty := filepath.Join(s.cacheDir(), "11111111111111111111111111111111.json")
	if err := os.WriteFile(empty, []byte(`{"version": 1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	own = append(own, empty)

	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("emulate ended with %v; want status 0\nstderr: %s", err, stderr)
	}
	if _, err := os.Stat(files[0]); err == nil {
		t.Errorf("the command's token file %s is left", files[0])
	}
	for _, f := range own {
		if _, err := os.Lstat(f); err != nil {
			t.Errorf("a file the command did not name was removed: %v", err)
		}
	}
	// -quiet: standard error holds errors alone, and there were none.
	// The line saying what was removed came under it too.
	if stderr.Len() != 0 {
		t.Errorf("emulate -quiet wrote %q on standard error", stderr)
	}
}

// TestEmulateNoLineWhenNothingRemoved: emulate ended by SIGTERM with no
// token file of its own in the cache says nothing of a removal, also
// without -quiet. The tests that end emulate had a file removed, or ran
// it with -quiet, so that a line "removed 0 token cache file(s)" went
// unseen.
func TestEmulateNoLineWhenNothingRemoved(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	cmd, stderr := s.emulate()
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("emulate ended with %v; want status 0\nstderr: %s", err, stderr)
	}
	if strings.Contains(stderr.String(), "removed") {
		t.Errorf("emulate removed nothing but wrote %q on standard error", stderr)
	}
}

// TestShellWordEachCharacter: every character, alone between two letters,
// comes back from the eval of an export as it was, and runs nothing, in sh
// and in bash (which expands a{b,c} where sh does not). TestEmulateExportLineEval's
// hostile values each hold several characters the shell acts on, so that
// one of them (; alone, say) taken for a plain one went unseen: the value
// was quoted for the others.
func TestShellWordEachCharacter(t *testing.T) {
	t.Parallel()
	var values []string
	for c := 1; c < 128; c++ {
		values = append(values, "a"+string(rune(c))+"b")
	}
	values = append(values, "aéb", "a\x80b", "", "~", "-x", "=", "a:~/b", "a{b,c}", "$((1))")
	script := "export"
	var vars []string
	for i, v := range values {
		script += fmt.Sprintf(" V%d=%s", i, shellWord(v))
		vars = append(vars, fmt.Sprintf(`"$V%d"`, i))
	}
	script += ` && printf '%s\0' ` + strings.Join(vars, " ")
	for _, shell := range []string{"sh", "bash"} {
		if _, err := exec.LookPath(shell); err != nil {
			// sh is POSIX's, which TestEmulateExportLineEval runs too:
			// without it this test would check nothing and pass.
			if shell == "sh" {
				t.Fatalf("no sh: %v", err)
			}
			t.Logf("no %s: %v", shell, err)
			continue
		}
		dir := t.TempDir()
		sh := exec.Command(shell, "-c", script)
		sh.Dir = dir
		var stderr strings.Builder
		sh.Stderr = &stderr
		out, err := sh.Output()
		if err != nil {
			t.Errorf("%s: %v, stderr %q", shell, err, stderr.String())
			continue
		}
		got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		if len(got) != len(values) {
			t.Errorf("%s set %d values, want %d (stderr %q)", shell, len(got), len(values), stderr.String())
			continue
		}
		for i, v := range values {
			if got[i] != v {
				t.Errorf("shellWord(%q) = %s, which %s reads as %q", v, shellWord(v), shell, got[i])
			}
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 0 || stderr.Len() != 0 {
			t.Errorf("%s: the eval left %d files and wrote %q: a value ran as a command", shell, len(ents), stderr.String())
		}
	}
	// What every endpoint, pool id and generated secret is made of stays
	// bare, as the line read without eval has it.
	if plain := "AZaz09@%+=:,./_-"; shellWord(plain) != plain {
		t.Errorf("shellWord(%q) = %s, want it bare", plain, shellWord(plain))
	}
}
