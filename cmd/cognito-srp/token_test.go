// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

func newEmulator(t *testing.T, cfg cognitotest.Config) *cognitotest.Server {
	srv := cognitotest.NewServer(t, cfg)
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Aliases: []string{"alice@example.com"}, Password: "pw-alice-123"}); err != nil {
		t.Fatal(err)
	}
	return srv
}

// TestUsageText: a bad flag's error is printed once, after the usage (the
// flag package printed it before, and main again after); a command without
// flags shows no empty "flags:" section; the usage line has no trailing
// space; claims -h says where the token comes from and that it is not
// verified; emulate's -addr defaults to 127.0.0.1:9229.
func TestUsageText(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	// emulate listens where the command's issue and the README say, on
	// loopback only unless told otherwise.
	if r := s.run("emulate", "-h"); r.code != exitOK || !strings.Contains(r.stderr, `(default "127.0.0.1:9229")`) {
		t.Errorf("emulate -h: %d %q, want -addr's default 127.0.0.1:9229", r.code, r.stderr)
	}
	// And says what a script that starts it in the background waits for.
	if r := s.run("emulate", "-h"); !strings.Contains(r.stderr, "last its export line, once the emulator\naccepts connections") {
		t.Errorf("emulate -h does not say when the export line comes: %q", r.stderr)
	}
	r := s.run("token", "-nope")
	r.want(t, exitUsage, "usage: cognito-srp token [flags]\n")
	if n := strings.Count(r.stderr, "not defined: -nope"); n != 1 || !strings.HasSuffix(r.stderr, "cognito-srp token: flag provided but not defined: -nope\n") {
		t.Errorf("token -nope: the error is printed %d times, or not last:\n%s", n, r.stderr)
	}
	for _, v := range []struct{ cmd, want string }{
		{"claims", "usage: cognito-srp claims [TOKEN]\n\nPrints the claims of TOKEN, or of the token read from standard input, as JSON.\nAn Authorization header's value ('Bearer eyJ…', quoted as one argument) will do.\nThe signature is not checked"},
		{"demo", "usage: cognito-srp demo\n\nRuns a Cognito emulator and a protected API in the process"},
	} {
		r := s.run(v.cmd, "-h")
		r.want(t, exitOK, v.want)
		if strings.Contains(r.stderr, "flags") || strings.Contains(r.stderr, " \n") {
			t.Errorf("%s -h: %q", v.cmd, r.stderr)
		}
	}
}

func TestUsage(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	s.run().want(t, exitUsage, "usage: cognito-srp <command>")
	s.run("frobnicate").want(t, exitUsage, `unknown command "frobnicate"`)
	s.run("token", "-nope").want(t, exitUsage, "flag provided but not defined: -nope")
	s.run("token", "-type", "refresh").want(t, exitUsage, "-type must be access or id")
	s.run("token", "-json", "-export").want(t, exitUsage, "exclude each other")
	s.run("request").want(t, exitUsage, "want exactly one URL")
	s.run("request", "ftp://x/").want(t, exitUsage, "not an http:// or https:// URL")
	s.run("request", "https:///x").want(t, exitUsage, "not an http:// or https:// URL with a host")
	// A method net/http refuses is named by its flag, before the login
	// (this sandbox has no username): not "net/http: invalid method".
	s.run("request", "-X", "B D", "http://127.0.0.1:1/").want(t, exitUsage, `cognito-srp request: -X "B D" is not an HTTP method`)
	// A URL may carry a credential: a refused one is not echoed with it.
	for _, u := range []string{"ftp://user:s3cret-pw@x/", "http://user:s3cret-pw@x:port/",
		"user:s3cret-pw@api.example.com/x", "https:user:s3cret-pw@host/x", "https:/user:s3cret-pw@host/x"} {
		r := s.run("request", u)
		r.want(t, exitUsage)
		if strings.Contains(r.stderr, "s3cret-pw") {
			t.Errorf("request %s: stderr shows the password: %q", u, r.stderr)
		}
	}
	if r := s.run("token", "-h"); r.code != exitOK || !strings.Contains(r.stderr, "-password-stdin") {
		t.Errorf("token -h: %d %q", r.code, r.stderr)
	}
	// Each way of asking for help that the command names in its switch.
	for _, arg := range []string{"help", "-h", "-help", "--help"} {
		if r := s.run(arg); r.code != exitOK || !strings.Contains(r.stdout, "emulate") {
			t.Errorf("%s: %d %q", arg, r.code, r.stdout)
		}
	}
	// A script's author reads the exit statuses where the command says
	// how to use it, not only in its package doc; request's 3, 4 and 5
	// in its -h.
	if r := s.run("help"); !strings.Contains(r.stdout, "Exit status:\n  0  done\n  1  failed") || !strings.Contains(r.stdout, "\n  3  request") || !strings.Contains(r.stdout, "\n  4  failed for a reason that may pass") || !strings.Contains(r.stdout, "\n  5  request") {
		t.Errorf("help does not list the exit statuses: %q", r.stdout)
	}
	if r := s.run("request", "-h"); r.code != exitOK || !strings.Contains(r.stderr, "Exit status 3") || !strings.Contains(r.stderr, "Exit status 4") || !strings.Contains(r.stderr, "Exit status 5") {
		t.Errorf("request -h does not say when it exits with 3, 4 and 5: %d %q", r.code, r.stderr)
	}
	// The password is no flag.
	s.run("token", "-password", "x").want(t, exitUsage, "not defined: -password")
}

// TestUsageLibrarySetting: a setting that the library refuses is a usage
// error whose line reads as the command's other lines with the library's
// errors do: "cognito-srp token: invalid configuration: …", not
// "cognito-srp token: cognitosrp: invalid configuration: …".
func TestUsageLibrarySetting(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	s.env["COGNITO_PASSWORD"] = "pw"
	for _, cmd := range [][]string{{"token"}, {"request", "http://127.0.0.1:1/"}, {"sign-out"}} {
		args := append([]string{cmd[0], "-pool-id", "us-east-1_X", "-client-id", "c", "-username", "u", "-endpoint", "ftp://x"}, cmd[1:]...)
		r := s.run(args...)
		r.want(t, exitUsage, "cognito-srp "+cmd[0]+": invalid configuration: Endpoint is not an http or https URL")
		if strings.Contains(r.stderr, "cognitosrp:") {
			t.Errorf("%s: %q", cmd[0], r.stderr)
		}
	}
}

func TestTokenMissingVariable(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	for _, v := range []struct{ name, msg string }{
		{"COGNITO_USER_POOL_ID", "missing user pool id: set -pool-id or COGNITO_USER_POOL_ID"},
		{"COGNITO_CLIENT_ID", "missing app client id: set -client-id or COGNITO_CLIENT_ID"},
		{"COGNITO_USERNAME", "missing username: set -username or COGNITO_USERNAME"},
	} {
		s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
		delete(s.env, v.name)
		s.run("token").want(t, exitUsage, v.msg)
	}
	// Without a password and without a cache, it says how to give one.
	s := newSandbox(t).forServer(srv, "alice", "")
	s.run("token").want(t, exitError, "COGNITO_PASSWORD", "-password-stdin")
	s.env["COGNITO_USER_POOL_ID"] = "nounderscore"
	s.run("token").want(t, exitUsage, "not of the form region_name")
	if srv.Calls("") != 0 {
		t.Errorf("%d Cognito calls for incomplete settings", srv.Calls(""))
	}
}

func TestTokenErrorsNameTheCause(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{ClientSecret: "the-client-secret"})
	s := newSandbox(t).forServer(srv, "alice", "not-the-password")
	r := s.run("token")
	r.want(t, exitError, "cognito-srp token: wrong username or password", "NotAuthorizedException")
	if strings.Contains(r.stderr, "not-the-password") || strings.Contains(r.stderr, "the-client-secret") {
		t.Errorf("error shows a secret: %q", r.stderr)
	}
	s = newSandbox(t).forServer(srv, "nobody", "x")
	s.run("token").want(t, exitError, "no such user")
	s = newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	s.env["COGNITO_CLIENT_ID"] = "unknownclient"
	s.run("token").want(t, exitError, "unknown user pool, app client")
	s = newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	s.env["COGNITO_CLIENT_SECRET"] = "wrong"
	s.run("token").want(t, exitError, "app client secret is wrong")
	s = newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	s.env["COGNITO_ENDPOINT"] = "http://127.0.0.1:1/"
	s.run("token").want(t, exitTryLater, "network error")
	// The library retries throttling (4 attempts by default); past that,
	// the command names the cause.
	srv.FailNext(4, cognitotest.FaultTooManyRequests)
	newSandbox(t).forServer(srv, "alice", "pw-alice-123").run("token").want(t, exitTryLater, "try again later")
}

func TestTokenLoginCacheAndRenewal(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{ClientSecret: "sec"})
	s := newSandbox(t).forServer(srv, "alice@example.com", "pw-alice-123")
	r := s.run("token")
	r.want(t, exitOK)
	tok := strings.TrimSpace(r.stdout)
	if _, err := srv.VerifyAccessToken(tok); err != nil {
		t.Fatalf("printed token: %v", err)
	}
	if r.stderr != "" {
		t.Errorf("stderr is not a terminal, yet: %q", r.stderr)
	}
	fi, _ := os.Stat(s.cacheFile(t))
	di, _ := os.Stat(s.cacheDir())
	// Windows has access lists, not modes: os.Stat says 0666 and 0777.
	if runtime.GOOS != "windows" && (fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700) {
		t.Errorf("cache file mode %v, directory %v", fi.Mode().Perm(), di.Mode().Perm())
	}

	// The next call is free: the cached token is still valid, and no
	// password is needed.
	delete(s.env, "COGNITO_PASSWORD")
	calls := srv.Calls("")
	r = s.run("token")
	r.want(t, exitOK)
	if strings.TrimSpace(r.stdout) != tok || srv.Calls("") != calls {
		t.Errorf("second call: new token or %d Cognito calls", srv.Calls("")-calls)
	}
	// The id token comes from the same cache.
	r = s.run("token", "-type", "id")
	if _, err := srv.VerifyIDToken(strings.TrimSpace(r.stdout)); err != nil || srv.Calls("") != calls {
		t.Errorf("-type id: %v", err)
	}
}

func TestTokenRenewsFromRefreshToken(t *testing.T) {
	t.Parallel()
	// A 2 s token is renewed in the second half of its life.
	srv, s := cacheDue(t, cognitotest.Config{AccessTokenLifetime: 2 * time.Second, IDTokenLifetime: 2 * time.Second, ClientSecret: "s"}, "alice@example.com")
	r := s.run("token")
	r.want(t, exitOK)
	if srv.Calls("RespondToAuthChallenge") != 1 || srv.Calls("InitiateAuth") != 2 {
		t.Errorf("renewal did not use REFRESH_TOKEN_AUTH: %d InitiateAuth, %d RespondToAuthChallenge",
			srv.Calls("InitiateAuth"), srv.Calls("RespondToAuthChallenge"))
	}
	if _, err := srv.VerifyAccessToken(strings.TrimSpace(r.stdout)); err != nil {
		t.Error(err)
	}

	// A revoked refresh token without a password: say how to log in again.
	srv.SignOut("alice")
	time.Sleep(1100 * time.Millisecond)
	s.run("token").want(t, exitError, "no usable cached tokens", "COGNITO_PASSWORD")
	// With the password, it logs in again.
	s.env["COGNITO_PASSWORD"] = "pw-alice-123"
	s.run("token").want(t, exitOK)
	if srv.Calls("RespondToAuthChallenge") != 2 {
		t.Errorf("%d logins, want 2", srv.Calls("RespondToAuthChallenge"))
	}
}

func TestTokenWithRotatingClient(t *testing.T) {
	t.Parallel()
	srv, s := signedIn(t, cognitotest.Config{AccessTokenLifetime: 2 * time.Second, IDTokenLifetime: 2 * time.Second, RefreshTokenRotation: true})
	delete(s.env, "COGNITO_PASSWORD")
	for range 2 {
		time.Sleep(1100 * time.Millisecond)
		s.run("token").want(t, exitOK)
	}
	if srv.Calls("GetTokensFromRefreshToken") != 2 || srv.Calls("RespondToAuthChallenge") != 1 {
		t.Errorf("%d rotations, %d logins", srv.Calls("GetTokensFromRefreshToken"), srv.Calls("RespondToAuthChallenge"))
	}
}

func TestTokenCachePermissions(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("file modes: Windows has access lists, which FileStore does not check")
	}
	srv, s := signedIn(t, cognitotest.Config{})
	path := s.cacheFile(t)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	calls := srv.Calls("")
	s.run("token").want(t, exitError, "accessible to other users", "mode 0644", "chmod 600")
	if srv.Calls("") != calls {
		t.Error("the command went on after refusing the cache")
	}
	// -no-cache leaves the file alone and logs in.
	s.run("token", "-no-cache").want(t, exitOK)
	os.Chmod(path, 0o600)
	s.run("token").want(t, exitOK)
	// A damaged cache file is replaced by a new login.
	os.WriteFile(path, []byte("{not json"), 0o600)
	s.run("token").want(t, exitOK)
	if srv.Calls("RespondToAuthChallenge") != 3 {
		t.Errorf("%d logins, want 3", srv.Calls("RespondToAuthChallenge"))
	}
}

func TestTokenJSONAndExport(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	r := s.run("token", "-json")
	r.want(t, exitOK)
	var j map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil {
		t.Fatalf("-json output: %v\n%s", err, r.stdout)
	}
	if j["token_type"] != "Bearer" || j["refresh_token"] == "" || j["username"] != "alice" {
		t.Errorf("-json = %v", j)
	}
	if _, err := srv.VerifyIDToken(j["id_token"]); err != nil {
		t.Error(err)
	}
	if _, err := time.Parse(time.RFC3339, j["expires_at"]); err != nil {
		t.Error(err)
	}
	r = s.run("token", "-export")
	r.want(t, exitOK)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 || lines[0] != "export COGNITO_ACCESS_TOKEN='"+j["access_token"]+"'" ||
		!strings.HasPrefix(lines[1], "export COGNITO_ID_TOKEN='ey") || !strings.HasPrefix(lines[2], "export COGNITO_TOKEN_EXPIRY='20") {
		t.Errorf("-export = %q", r.stdout)
	}
}

// TestTokenExportRefusesStrangeCache: -export prints tokens inside shell
// single quotes, for eval. A cached token that is not a JWT (a file someone
// edited) is refused as a damaged cache, and a fresh login replaces it:
// nothing of it reaches the output.
func TestTokenExportRefusesStrangeCache(t *testing.T) {
	t.Parallel()
	srv, s := signedIn(t, cognitotest.Config{})
	s.editCache(t, func(file map[string]any) {
		file["access_token"] = file["access_token"].(string) + "'$(touch pwned)'"
	})
	r := s.run("token", "-export")
	r.want(t, exitOK)
	if strings.Contains(r.stdout, "pwned") || strings.Count(r.stdout, "'") != 6 {
		t.Errorf("-export printed the edited token: %q", r.stdout)
	}
	if srv.Calls("RespondToAuthChallenge") != 2 {
		t.Errorf("%d logins, want 2: the edited cache replaced by a new login", srv.Calls("RespondToAuthChallenge"))
	}
}

// TestShellQuote: what -export prints is one shell word that evaluates to
// the token, whatever the token holds.
func TestShellQuote(t *testing.T) {
	t.Parallel()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for _, s := range []string{"eyJ.a-b_c.d", "", "a'b", "'$(touch pwned)'", "x\\'\n$HOME `id`", "''"} {
		cmd := exec.Command(sh, "-c", "printf %s "+shellQuote(s))
		cmd.Dir = t.TempDir() // where a broken quote would run its touch
		out, err := cmd.Output()
		if err != nil || string(out) != s {
			t.Errorf("sh -c printf %%s %s = %q, %v; want %q", shellQuote(s), out, err, s)
		}
	}
}

func TestTokenPasswordStdin(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	s := newSandbox(t).forServer(srv, "alice", "")
	s.stdin = "pw-alice-123\r\n"
	s.run("token", "-password-stdin").want(t, exitOK)
	s = newSandbox(t).forServer(srv, "alice", "")
	s.stdin = ""
	s.run("token", "-password-stdin").want(t, exitUsage, "standard input holds no password")
	// -password-stdin wins over the variable.
	s = newSandbox(t).forServer(srv, "alice", "wrong")
	s.stdin = "pw-alice-123\n"
	s.run("token", "-password-stdin", "-no-cache").want(t, exitOK)
	// A file saved with a byte order mark, as Windows editors write one:
	// the mark is not part of the password.
	s = newSandbox(t).forServer(srv, "alice", "")
	s.stdin = "\uFEFFpw-alice-123\r\n"
	s.run("token", "-password-stdin").want(t, exitOK)
}

// TestPasswordStdinNotUTF8: a password file that Windows PowerShell 5.1
// wrote (echo pw > f, Out-File: UTF-16 with its byte order mark), given
// as standard input (cmd's < f), or a password in a Windows code page
// (cmd's echo pässword|), is a usage error naming the encoding, before
// any call to Cognito: the bytes are no password's UTF-8, and the login
// was tried with them, a failure toward the user's lockout that read
// "Incorrect username or password". The error quotes none of the input.
func TestPasswordStdinNotUTF8(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	for _, c := range []struct{ stdin, want string }{
		{utf16LE("pw-alice-123\r\n"), "standard input holds UTF-16 text"},
		{"p\xe4ssword-123\r\n", "standard input holds text that is not UTF-8"},
		{"pw-alice-123\x00\r\n", "standard input holds text that is not UTF-8"},
	} {
		s := newSandbox(t).forServer(srv, "alice", "")
		s.stdin = c.stdin
		r := s.run("token", "-password-stdin")
		r.want(t, exitUsage, "cognito-srp token: -password-stdin: "+c.want)
		if strings.Contains(r.stderr, "ssword-123") || strings.Contains(r.stderr, "\x00") {
			t.Errorf("the error quotes the input: %q", r.stderr)
		}
	}
	if n := srv.Calls("InitiateAuth"); n != 0 {
		t.Errorf("%d logins tried", n)
	}
}

// TestEnvSecretsNotUTF8: COGNITO_PASSWORD and COGNITO_CLIENT_SECRET that
// are not UTF-8 are refused as -password-stdin's line is, before a login:
// a CI job's export COGNITO_PASSWORD=$(cat pw.txt) of a file in a Windows
// code page, or of one Windows PowerShell 5.1 wrote (UTF-16: the shell
// drops its NULs and keeps its byte order mark), sent bytes no password
// has, one more failed login toward the user's lockout. A run that finds
// fresh tokens in the cache needs no password, and still succeeds.
func TestEnvSecretsNotUTF8(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("Windows keeps the environment in UTF-16: a value cannot hold these bytes")
	}
	srv := newEmulator(t, cognitotest.Config{ClientSecret: "the-client-secret"})
	for _, c := range []struct{ name, value, want string }{
		{"COGNITO_PASSWORD", "p\xe4ssword-123", "COGNITO_PASSWORD holds text that is not UTF-8"},
		{"COGNITO_PASSWORD", "\xff\xfepw-alice-123\r", "COGNITO_PASSWORD holds UTF-16 text"},
		{"COGNITO_CLIENT_SECRET", "the-client-s\xe9cret", "COGNITO_CLIENT_SECRET holds text that is not UTF-8"},
	} {
		s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
		s.env[c.name] = c.value
		r := s.run("token")
		r.want(t, exitUsage, "cognito-srp token: "+c.want)
		if strings.Contains(r.stderr, "ssword-123") || strings.Contains(r.stderr, "-alice-") || strings.Contains(r.stderr, "the-client-s") {
			t.Errorf("the error quotes the value: %q", r.stderr)
		}
	}
	if n := srv.Calls("InitiateAuth"); n != 0 {
		t.Errorf("%d logins tried", n)
	}
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	s.run("token").want(t, exitOK)
	s.env["COGNITO_PASSWORD"] = "p\xe4ssword-123"
	s.run("token").want(t, exitOK)
}

// utf16LE returns s in UTF-16, little-endian, after its byte order mark:
// what Windows PowerShell 5.1 writes with > and Out-File.
func utf16LE(s string) string {
	b := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return string(b)
}

// TestHelpUnknownCommand: help for a command the tool does not have (a
// typo, "help tokn") is a usage error, status 2, naming it on standard
// error with the list of commands, as an unknown command is; it printed
// the list with status 0, as if help had been found. So is help for more
// than one command. "help" and "help help" print the list.
func TestHelpUnknownCommand(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	for _, arg := range []string{"help", "-h", "-help", "--help"} {
		r := s.run(arg, "tokn")
		r.want(t, exitUsage, "cognito-srp help: unknown command \"tokn\"\n\nusage: cognito-srp <command> [flags]", "\n  sign-out ")
		if r.stdout != "" {
			t.Errorf("%s tokn: stdout %q", arg, r.stdout)
		}
	}
	s.run("help", "token", "request").want(t, exitUsage, "cognito-srp help: want at most one command, got 2 arguments")
	s.run("help", "\x1b[2J").want(t, exitUsage, `unknown command "\x1b[2J"`)
	for _, args := range [][]string{{"help"}, {"help", "help"}, {"-h", "help"}} {
		if r := s.run(args...); r.code != exitOK || !strings.HasPrefix(r.stdout, "usage: cognito-srp <command> [flags]") || r.stderr != "" {
			t.Errorf("%q: %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
	if r := s.run("help", "token"); r.code != exitOK || !strings.Contains(r.stderr, "usage: cognito-srp token [flags]") {
		t.Errorf("help token: %d %q", r.code, r.stderr)
	}
}

// TestStdinReadFails: standard input that cannot be read (a directory,
// as "< dir" gives in some shells) fails the command that reads it with
// status 1 (not 4: no retry reads it either) and says which input it was
// reading; nothing is sent anywhere, and no cache file is made.
func TestStdinReadFails(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("a directory as standard input is a Unix thing")
	}
	srv := newEmulator(t, cognitotest.Config{})
	dir, err := os.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"claims"}, "cognito-srp claims: reading the token from standard input: "},
		{[]string{"token", "-password-stdin"}, "cognito-srp token: reading the password from standard input: "},
		{[]string{"request", "-d", "@-", "http://127.0.0.1:1/"}, "cognito-srp request: reading the body from standard input: "},
	} {
		s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
		s.stdinFile = dir
		r := s.run(c.args...)
		r.want(t, exitError, c.msg, "is a directory")
		if strings.Contains(r.stderr, "pw-alice-123") || r.stdout != "" {
			t.Errorf("%s: stdout %q, stderr %q", c.args, r.stdout, r.stderr)
		}
		if entries, _ := os.ReadDir(s.cacheDir()); len(entries) != 0 {
			t.Errorf("%s: the cache holds %d files", c.args, len(entries))
		}
	}
	if n := srv.Calls("InitiateAuth"); n != 0 {
		t.Errorf("%d logins", n)
	}
}

// TestSettingsLoseLineBreak: a variable read from a file keeps its line
// break (a Kubernetes secret made with --from-file, a CI variable pasted
// with its newline, $(cat f) of a CRLF file), and the UTF-8 byte order
// mark of a file a Windows editor saved: the command drops them, as it
// does from -password-stdin's line, rather than send them to Cognito,
// which answers "Incorrect username or password" for the pool id's or
// the password's, a failure toward the user's lockout. The tokens go to
// the cache file of the settings without them.
func TestSettingsLoseLineBreak(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{ClientSecret: "the-client-secret"})
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	for _, name := range []string{"COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID", "COGNITO_CLIENT_SECRET", "COGNITO_USERNAME", "COGNITO_PASSWORD", "COGNITO_ENDPOINT"} {
		s.env[name] = bom + s.env[name] + "\r\n"
	}
	r := s.run("token")
	r.want(t, exitOK)
	if _, err := srv.VerifyAccessToken(strings.TrimSpace(r.stdout)); err != nil {
		t.Fatal(err)
	}
	s.env["COGNITO_PASSWORD"] = ""
	s.run("token", "-username", bom+"alice\n", "-pool-id", srv.PoolID()+"\n").want(t, exitOK)
	s.cacheFile(t) // one file: the same as without the line breaks
	if n := srv.Calls("RespondToAuthChallenge"); n != 1 {
		t.Errorf("%d logins, want 1", n)
	}
}

// TestTokenCacheNotARegularFile: a cache path that holds a named pipe is
// a damaged cache, replaced by a new login; opening it must not wait for
// a writer that never comes.
func TestTokenCacheNotARegularFile(t *testing.T) {
	t.Parallel()
	mkfifo, err := exec.LookPath("mkfifo")
	if err != nil {
		t.Skip("no mkfifo")
	}
	_, s := signedIn(t, cognitotest.Config{})
	path := s.cacheFile(t)
	os.Remove(path)
	if out, err := exec.Command(mkfifo, "-m", "600", path).CombinedOutput(); err != nil {
		t.Fatalf("mkfifo: %v %s", err, out)
	}
	done := make(chan result, 1)
	go func() { done <- s.run("token") }()
	select {
	case r := <-done:
		r.want(t, exitOK)
	case <-time.After(10 * time.Second):
		t.Fatal("token hangs on a cache path that is a named pipe")
	}
}

// TestTokenFileErrorIsNoNetworkError: the cache's errors name the file,
// not the network, though each holds an errno, which is a net.Error.
func TestTokenFileErrorIsNoNetworkError(t *testing.T) {
	t.Parallel()
	_, s := signedIn(t, cognitotest.Config{})
	path := s.cacheFile(t)
	os.Remove(path)
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	r := s.run("token")
	r.want(t, exitError, "saving tokens")
	if strings.Contains(r.stderr, "network error") {
		t.Errorf("a cache that cannot be saved is called a network error: %q", r.stderr)
	}
}

// TestTokenConcurrentRotation: two runs renew the same cached tokens on a
// client with refresh-token rotation. The first retires the cached refresh
// token; the second, which read it before, is refused and must take the
// tokens the first cached rather than report that none are usable.
func TestTokenConcurrentRotation(t *testing.T) {
	t.Parallel()
	srv, s := rotationCacheDue(t)
	// Each run first tries REFRESH_TOKEN_AUTH, which the client refuses
	// after a second, then renews, which takes two: the second run reads
	// the cache 300 ms after the first, long before the first has renewed
	// (a slack of 2.7 s, for a loaded machine: with 0.7 s the second run
	// sometimes started late, read the renewed tokens and did not renew),
	// and renews 300 ms after it.
	srv.SetActionLatency("InitiateAuth", time.Second)
	srv.SetActionLatency("GetTokensFromRefreshToken", 2*time.Second)
	results := make(chan result, 2)
	for range 2 {
		go func() { results <- s.run("token") }()
		time.Sleep(300 * time.Millisecond)
	}
	for range 2 {
		if r := <-results; r.code != exitOK {
			t.Errorf("exit %d: %s", r.code, r.stderr)
		}
	}
	if n := srv.Calls("GetTokensFromRefreshToken"); n < 2 {
		t.Errorf("%d GetTokensFromRefreshToken calls: the runs did not both renew", n)
	}
}

// TestTokenRenewalWithWrongSecret: a renewal that Cognito refuses because
// the client secret is wrong or missing names that cause, as a login does,
// rather than asking for a password that would not help.
func TestTokenRenewalWithWrongSecret(t *testing.T) {
	t.Parallel()
	_, s := cacheDue(t, cognitotest.Config{AccessTokenLifetime: 2 * time.Second, IDTokenLifetime: 2 * time.Second, ClientSecret: "the-secret"}, "alice")
	for _, secret := range []string{"wrong", ""} {
		s.env["COGNITO_CLIENT_SECRET"] = secret
		r := s.run("token")
		r.want(t, exitError, "app client secret is wrong or missing")
		if strings.Contains(r.stderr, "no usable cached tokens") {
			t.Errorf("secret %q: %q", secret, r.stderr)
		}
	}
	// The cached refresh token still works with the right secret.
	s.env["COGNITO_CLIENT_SECRET"] = "the-secret"
	s.run("token").want(t, exitOK)
}

// TestTokenSimultaneousRotation: runs that renew the same cached tokens at
// once on a client with refresh-token rotation, the way a script's parallel
// jobs call token: one renewal wins, and the runs Cognito refuses take the
// tokens the winner caches, even when their refusal comes before its save.
func TestTokenSimultaneousRotation(t *testing.T) {
	t.Parallel()
	_, s := rotationCacheDue(t)
	const runs = 4
	results := make(chan result, runs)
	for range runs {
		go func() { results <- s.run("token") }()
	}
	for range runs {
		if r := <-results; r.code != exitOK {
			t.Errorf("exit %d: %s", r.code, r.stderr)
		}
	}
}

// rotationCacheDue is cacheDue for alice on a client that rotates refresh
// tokens.
func rotationCacheDue(t *testing.T) (*cognitotest.Server, *sandbox) {
	t.Helper()
	return cacheDue(t, cognitotest.Config{AccessTokenLifetime: 4 * time.Second, IDTokenLifetime: 4 * time.Second, RefreshTokenRotation: true}, "alice")
}

// cacheDue returns an emulator for cfg (its access token lifetime set)
// with the user alice (password pw-alice-123, logging in as user), and a
// sandbox whose cache holds her tokens, without her password, once they
// are past the middle of their life: into the renewal window.
func cacheDue(t *testing.T, cfg cognitotest.Config, user string) (*cognitotest.Server, *sandbox) {
	t.Helper()
	srv := newEmulator(t, cfg)
	s := newSandbox(t).forServer(srv, user, "pw-alice-123")
	s.run("token").want(t, exitOK)
	delete(s.env, "COGNITO_PASSWORD")
	time.Sleep(cfg.AccessTokenLifetime/2 + 100*time.Millisecond)
	return srv, s
}

// TestCacheFileNames: connections that differ in any part (endpoint, pool,
// client, user), or only in where one part ends and the next begins, get
// cache files of their own.
func TestCacheFileNames(t *testing.T) {
	ownCacheDir(t)
	base := connection{endpoint: "http://127.0.0.1:9229/", poolID: "us-east-1_Ab", clientID: "c1", username: "alice"}
	conns := []connection{base}
	for _, change := range []func(*connection){
		func(c *connection) { c.endpoint = "http://127.0.0.1:9230/" },
		func(c *connection) { c.poolID = "us-east-1_Ac" },
		func(c *connection) { c.clientID = "c2" },
		func(c *connection) { c.username = "bob" },
		func(c *connection) { c.poolID, c.clientID = "us-east-1_Abc", "1" },
		func(c *connection) { c.clientID, c.username = "c1alice", "" },
		func(c *connection) { c.endpoint, c.poolID = "http://127.0.0.1:9229/us-east-1_Ab", "" },
	} {
		c := base
		change(&c)
		conns = append(conns, c)
	}
	seen := map[string]int{}
	for i, c := range conns {
		store, err := cacheStore(&c)
		if err != nil {
			t.Fatal(err)
		}
		if j, ok := seen[store.Path()]; ok {
			t.Errorf("connections %d and %d share the cache file %s", j, i, store.Path())
		}
		seen[store.Path()] = i
	}
}

// TestTokenFlagsAndSettings: a flag wins over its environment variable;
// -type takes the tokens' JSON names too; settings the library refuses
// (a pool id without a name or region or with a stray character, a
// -timeout of 0, a region that is no region name, an endpoint without a
// scheme) are usage errors, found before any call to Cognito.
func TestTokenFlagsAndSettings(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	s.env["COGNITO_USER_POOL_ID"] = "nounderscore"
	s.env["COGNITO_USERNAME"] = "nobody"
	s.env["COGNITO_ENDPOINT"] = "http://127.0.0.1:1/"
	r := s.run("token", "-pool-id", srv.PoolID(), "-username", "alice", "-endpoint", srv.Endpoint(), "-type", "id_token")
	r.want(t, exitOK)
	if _, err := srv.VerifyIDToken(strings.TrimSpace(r.stdout)); err != nil {
		t.Errorf("-type id_token: %v", err)
	}
	r = s.run("token", "-pool-id", srv.PoolID(), "-username", "alice", "-endpoint", srv.Endpoint(), "-type", "access_token")
	if _, err := srv.VerifyAccessToken(strings.TrimSpace(r.stdout)); err != nil {
		t.Errorf("-type access_token: %v", err)
	}
	calls := srv.Calls("")
	for _, c := range []struct {
		env  map[string]string
		args []string
		msg  string
	}{
		{map[string]string{"COGNITO_USER_POOL_ID": "us-east-1_"}, nil, "not of the form region_name"},
		{map[string]string{"COGNITO_USER_POOL_ID": "_AbC123"}, nil, "not of the form region_name"},
		// The library's refusal of a stray character, quoted to show it,
		// where Cognito would say "Incorrect username or password".
		{map[string]string{"COGNITO_USER_POOL_ID": "us-east-1_Test123ab "}, nil, `"us-east-1_Test123ab " is not of the form region_name`},
		{nil, []string{"-pool-id", `"us-east-1_Test123ab"`}, `"\"us-east-1_Test123ab\"" is not of the form region_name`},
		{nil, []string{"-timeout", "0"}, "-timeout must be positive"},
		{map[string]string{"COGNITO_ENDPOINT": "", "COGNITO_REGION": "no region"}, nil, "is not a region name"},
		{map[string]string{"COGNITO_ENDPOINT": "127.0.0.1:9229"}, nil, "cognito-srp token: "},
	} {
		s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
		maps.Copy(s.env, c.env)
		s.run(append([]string{"token"}, c.args...)...).want(t, exitUsage, c.msg)
	}
	if n := srv.Calls("") - calls; n != 0 {
		t.Errorf("%d Cognito calls for refused settings", n)
	}
}

// TestTokenTimeoutNamesCognito: -timeout bounds the calls to Cognito, and
// its end is named as such.
func TestTokenTimeoutNamesCognito(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	srv.SetActionLatency("InitiateAuth", 5*time.Second)
	start := time.Now()
	newSandbox(t).forServer(srv, "alice", "pw-alice-123").run("token", "-timeout", "300ms").want(t, exitTryLater, "timed out waiting for Cognito (see -timeout)")
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("token -timeout 300ms took %v", d)
	}
}

// TestTimeoutDefault: without -timeout, token and request wait as long as
// the library waits for one Cognito call (DefaultTimeout, 30 s), and -h
// says so. A shorter default would fail a login or an API call that is
// merely slow with status 4, and a script's retry loop would repeat it.
func TestTimeoutDefault(t *testing.T) {
	t.Parallel()
	// Both commands register connFlags.
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	var c connFlags
	c.register(fs)
	if err := fs.Parse(nil); err != nil || c.timeout != cognitosrp.DefaultTimeout {
		t.Errorf("-timeout defaults to %v (%v), want %v", c.timeout, err, cognitosrp.DefaultTimeout)
	}
	s := newSandbox(t)
	for _, cmd := range []string{"token", "request"} {
		if r := s.run(cmd, "-h"); !strings.Contains(r.stderr, "(default 30s)") {
			t.Errorf("%s -h does not give -timeout's default of 30s: %q", cmd, r.stderr)
		}
	}
}

// TestTokenExpiries: -json gives each token's own expiry, in UTC whatever
// the local time zone, and -export the expiry of the -type token. -json
// and -export print both tokens, so either one due renews them, though
// the other (the one -type names) is fresh.
func TestTokenExpiries(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{AccessTokenLifetime: time.Hour, IDTokenLifetime: 2 * time.Second})
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	s.env["TZ"] = "Asia/Tokyo"
	r := s.run("token", "-json")
	r.want(t, exitOK)
	var j map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil {
		t.Fatal(err)
	}
	access, err1 := time.Parse(time.RFC3339, j["expires_at"])
	id, err2 := time.Parse(time.RFC3339, j["id_token_expires_at"])
	if err1 != nil || err2 != nil || access.Sub(id) < 30*time.Minute || !strings.HasSuffix(j["expires_at"], "Z") || !strings.HasSuffix(j["id_token_expires_at"], "Z") {
		t.Errorf("-json expiries: access %q, id %q", j["expires_at"], j["id_token_expires_at"])
	}
	// The id token's renewal window may open as soon as a second after
	// its issue (at iat, truncated to the second, plus half its 2 s
	// life), so this run may renew it: its expiry is the one of the id
	// token it prints, not the one -json printed.
	r = s.run("token", "-export", "-type", "id")
	r.want(t, exitOK)
	exports := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		name, value, _ := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		exports[name] = strings.Trim(value, "'")
	}
	idClaims, err1 := srv.VerifyIDToken(exports["COGNITO_ID_TOKEN"])
	accessClaims, err2 := srv.VerifyAccessToken(exports["COGNITO_ACCESS_TOKEN"])
	if err1 != nil || err2 != nil {
		t.Fatalf("-export -type id: %v, %v", err1, err2)
	}
	if want := idClaims.Expiry.UTC().Format(time.RFC3339); exports["COGNITO_TOKEN_EXPIRY"] != want || accessClaims.Expiry.Equal(idClaims.Expiry) {
		t.Errorf("-export -type id: COGNITO_TOKEN_EXPIRY=%s, want the id token's expiry %s (the access token's is %s)",
			exports["COGNITO_TOKEN_EXPIRY"], want, accessClaims.Expiry.UTC().Format(time.RFC3339))
	}
	delete(s.env, "COGNITO_PASSWORD")
	time.Sleep(1100 * time.Millisecond)
	before := srv.Calls("InitiateAuth")
	s.run("token", "-export").want(t, exitOK)
	if srv.Calls("InitiateAuth") != before+1 {
		t.Errorf("-export with the id token due: %d renewals, want 1", srv.Calls("InitiateAuth")-before)
	}
}

// TestTokenRenewalFailures: a renewal that fails for a cause other than a
// dead refresh token is reported, not covered up with a login, though the
// password is there; and a dead refresh token is tried once.
func TestTokenRenewalFailures(t *testing.T) {
	t.Parallel()
	srv, s := cacheDue(t, cognitotest.Config{AccessTokenLifetime: 2 * time.Second, IDTokenLifetime: 2 * time.Second}, "alice")
	s.env["COGNITO_PASSWORD"] = "pw-alice-123"
	srv.FailNext(4, cognitotest.FaultTooManyRequests)
	s.run("token").want(t, exitTryLater, "try again later")
	if n := srv.Calls("RespondToAuthChallenge"); n != 1 {
		t.Errorf("%d logins, want only the first: the throttled renewal logged in", n)
	}
	delete(s.env, "COGNITO_PASSWORD")
	srv.SignOut("alice")
	before := srv.Calls("InitiateAuth")
	s.run("token").want(t, exitError, "no usable cached tokens")
	if n := srv.Calls("InitiateAuth") - before; n != 1 {
		t.Errorf("%d renewals with the revoked refresh token, want 1", n)
	}
}

// TestTokenFreshCacheNotRewritten: tokens taken from the cache as they
// are do not write it again.
func TestTokenFreshCacheNotRewritten(t *testing.T) {
	t.Parallel()
	_, s := signedIn(t, cognitotest.Config{})
	before, err := os.Stat(s.cacheFile(t))
	if err != nil {
		t.Fatal(err)
	}
	s.run("token").want(t, exitOK)
	after, err := os.Stat(s.cacheFile(t))
	if err != nil || !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("the cache file was written again (%v)", err)
	}
}

// TestSaveObtainedAfterInterrupt: a Ctrl-C (or -timeout) that ends the
// command's context once Cognito has answered a renewal, with rotation,
// still leaves the new refresh token in the cache: the cached one is
// retired by then, so losing its successor would leave the next run
// without usable tokens. The signal lands after the answer was read, so
// Refresh itself fails with the context's error while the session takes
// the rotated tokens in: the command must wait for that before it saves.
// Should that save fail too, the command reports both failures: the
// interrupt, and that the live refresh token was not kept.
func TestSaveObtainedAfterInterrupt(t *testing.T) {
	for _, saveFails := range []bool{false, true} {
		srv, conn, store, old := rotatingCacheDue(t)

		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var interrupted atomic.Bool
		conn.httpClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := http.DefaultTransport.RoundTrip(r)
			if err != nil || !strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".GetTokensFromRefreshToken") {
				return resp, err
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			// The answer is in, but the session reads it only once the
			// command has closed it after the Ctrl-C, when Refresh has
			// stopped waiting.
			resp.Body = io.NopCloser(io.MultiReader(untilDone{r.Context()}, bytes.NewReader(body)))
			if saveFails {
				// A directory where the cache file was: no file can
				// replace it.
				if err := os.Remove(store.Path()); err != nil {
					t.Error(err)
				}
				if err := os.Mkdir(store.Path(), 0o700); err != nil {
					t.Error(err)
				}
			}
			interrupted.Store(true)
			cancel() // the answer is in; now the Ctrl-C
			return resp, err
		})}
		var stdout, stderr bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
		_, _, err := obtain(ctx, e, conn, nil, cognitosrp.AccessToken)
		if !interrupted.Load() {
			t.Fatal("the renewal did not go through the test's transport: nothing was interrupted")
		}
		if saveFails {
			if !errors.Is(err, context.Canceled) || !strings.Contains(fmt.Sprint(err), "sav") {
				t.Errorf("obtain, interrupted and its save failing = %v; want the interrupt and the failed save", err)
			}
			continue
		}
		if err == nil {
			t.Log("obtain succeeded despite the interrupt") // also fine: what matters is the cache
		}
		got, err := store.Load(context.Background())
		if err != nil || got == nil || got.RefreshToken == old.RefreshToken {
			t.Fatalf("cache after the interrupted renewal holds %v (%v); want the rotated refresh token", got, err)
		}
		// The cached refresh token is the live one.
		if _, err := (&cognitosrp.Client{Endpoint: srv.Endpoint()}).GetTokensFromRefreshToken(context.Background(),
			&cognitosrp.GetTokensFromRefreshTokenInput{ClientId: srv.ClientID(), RefreshToken: got.RefreshToken}); err != nil {
			t.Errorf("the cached refresh token does not work: %v", err)
		}
	}
}

// TestInterruptAtDeadRefreshToken: when Cognito refuses the cached
// refresh token just as the command is interrupted, Refresh may report the
// refusal rather than the interruption. The command must report the
// interruption, not log in on the ended context: it did, on the session it
// had just closed, and reported "session closed".
func TestInterruptAtDeadRefreshToken(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	sess, cached := expiredTokens(t, srv) // cached, due for renewal, its refresh token dead
	if err := sess.SignOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Refresh picks the refusal or the interruption, whichever its select
	// takes; endedLater makes it take the refusal every time, the context
	// reporting its end only once the refusal is in.
	ctx := &endedLater{Context: context.Background()}
	conn := &connection{endpoint: srv.Endpoint(), poolID: srv.PoolID(), clientID: srv.ClientID(),
		username: "alice", password: "pw-alice-123", timeout: time.Minute}
	conn.httpClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := http.DefaultTransport.RoundTrip(r)
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".InitiateAuth") {
			ctx.ended.Store(true)
		}
		return resp, err
	})}
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	_, _, err := renewOrLogin(ctx, e, conn, conn.sessionConfig(), &cached, nil, []cognitosrp.TokenType{cognitosrp.AccessToken})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("renewOrLogin interrupted as the refresh token was refused = %v; want the interruption", err)
	}
}

// TestNoRenewalAfterInterrupt: a Ctrl-C that comes as Cognito refuses
// REFRESH_TOKEN_AUTH (an app client with rotation) ends the command
// without the GetTokensFromRefreshToken it would have sent next. Were
// Refresh to start that renewal on the ended context (the flight outlives
// its caller; it did before the session refused to), the command's Close
// would cut it off once sent: with rotation, Cognito retires the cached
// refresh token, and its successor is lost with the answer. Here the
// answer takes its time on the way back, as it would from Cognito, so the
// cut would come once Cognito has rotated.
func TestNoRenewalAfterInterrupt(t *testing.T) {
	srv, conn, store, _ := rotatingCacheDue(t)
	var sent atomic.Int32
	conn.httpClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if !strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".GetTokensFromRefreshToken") {
			return http.DefaultTransport.RoundTrip(r)
		}
		sent.Add(1)
		// Cognito serves it; its answer is still on the way when the
		// command gives up.
		resp, err := http.DefaultTransport.RoundTrip(r.WithContext(context.WithoutCancel(r.Context())))
		if err == nil {
			resp.Body.Close()
		}
		select {
		case <-r.Context().Done():
			return nil, r.Context().Err()
		case <-time.After(5 * time.Second):
			return nil, errors.New("the test's transport: nobody gave up on the answer")
		}
	})}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	renewing := 0
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, getenv: func(string) string { return "" }, progress: true,
		stderr: writerFunc(func(p []byte) {
			// The second "renewing" line comes once REFRESH_TOKEN_AUTH
			// was refused, just before the renewal the other way.
			if bytes.Contains(p, []byte("renewing")) {
				if renewing++; renewing == 2 {
					cancel()
				}
			}
		})}
	_, _, err := obtain(ctx, e, conn, nil, cognitosrp.AccessToken)
	if renewing != 2 {
		t.Fatalf("%d renewal attempts reported; want the refused one and the next", renewing)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("obtain interrupted between the renewal methods = %v; want the interruption", err)
	}
	if n := sent.Load(); n != 0 {
		t.Errorf("%d GetTokensFromRefreshToken calls sent after the interrupt", n)
	}
	got, err := store.Load(context.Background())
	if err != nil || got == nil {
		t.Fatalf("cache after the interrupt: %v, %v", got, err)
	}
	if _, err := (&cognitosrp.Client{Endpoint: srv.Endpoint()}).GetTokensFromRefreshToken(context.Background(),
		&cognitosrp.GetTokensFromRefreshTokenInput{ClientId: srv.ClientID(), RefreshToken: got.RefreshToken}); err != nil {
		t.Errorf("the cached refresh token does not work: %v", err)
	}
}

// writerFunc is an io.Writer made of a function; its writes never fail.
type writerFunc func([]byte)

func (f writerFunc) Write(p []byte) (int, error) { f(p); return len(p), nil }

// rotatingCacheDue returns an emulator whose app client rotates refresh
// tokens, alice's connection to it (with a cache of its own, and no
// password), and the cache holding her tokens due for renewal.
func rotatingCacheDue(t *testing.T) (*cognitotest.Server, *connection, *cognitosrp.FileStore, cognitosrp.Tokens) {
	t.Helper()
	srv := newEmulator(t, cognitotest.Config{RefreshTokenRotation: true})
	_, tok := expiredTokens(t, srv)
	conn, store := cached(t, srv, tok)
	return srv, conn, store, tok
}

// ownCacheDir points HOME and the cache variables into a temporary
// directory for the rest of t, so that os.UserCacheDir, which the
// in-process calls of cacheStore read, finds a directory whatever the
// environment the tests run in (HOME unset, as under some service
// managers and containers, made it fail) and none of the user's.
func ownCacheDir(t *testing.T) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, ".cache"))
	t.Setenv("LocalAppData", home) // Windows
}

// cached gives the test a cache directory of its own (HOME and the cache
// variables point into a temporary one) and saves tok there as alice's
// tokens of srv; it returns her connection (no password) and the cache.
func cached(t *testing.T, srv *cognitotest.Server, tok cognitosrp.Tokens) (*connection, *cognitosrp.FileStore) {
	t.Helper()
	ownCacheDir(t)
	conn := &connection{endpoint: srv.Endpoint(), poolID: srv.PoolID(), clientID: srv.ClientID(),
		username: "alice", timeout: time.Minute}
	store, err := cacheStore(conn)
	if err == nil {
		err = store.Save(context.Background(), &tok)
	}
	if err != nil {
		t.Fatal(err)
	}
	return conn, store
}

// expiredTokens logs alice in to srv with her password and returns her
// session and a copy of its tokens that look expired, as a cache due for
// renewal holds them.
func expiredTokens(t *testing.T, srv *cognitotest.Server) (*cognitosrp.Session, cognitosrp.Tokens) {
	t.Helper()
	sess, err := cognitosrp.NewSession(srv.SessionConfig(), "alice")
	if err == nil {
		err = sess.Authenticate(context.Background(), "pw-alice-123")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	tok := *sess.Tokens()
	tok.AccessExpiry, tok.IDExpiry = time.Now().Add(-time.Minute), time.Now().Add(-time.Minute)
	return sess, tok
}

// endedLater is a context whose Err reports cancellation once ended is
// set, though its Done never closes: a select on Done and another ready
// channel that took the other one.
type endedLater struct {
	context.Context
	ended atomic.Bool
}

func (c *endedLater) Err() error {
	if c.ended.Load() {
		return context.Canceled
	}
	return nil
}

// untilDone is an empty reader whose Read waits for ctx to end: a body
// whose bytes the session reads only once the command has closed it (the
// flight's context ends with Close), so after Refresh has returned.
type untilDone struct{ ctx context.Context }

func (u untilDone) Read([]byte) (int, error) {
	<-u.ctx.Done()
	return 0, io.EOF
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestTokenJSONExpiriesFromCacheInUTC: -json gives expiries in UTC even
// when the cache file holds them with another offset (a time is kept as
// written, and another program, or a release that wrote local time, may
// have written it so). TestTokenExpiries cannot show this: the expiries it
// sees come from the tokens' exp, which are UTC already.
func TestTokenJSONExpiriesFromCacheInUTC(t *testing.T) {
	t.Parallel()
	srv, s := signedIn(t, cognitotest.Config{})
	tokyo := time.FixedZone("JST", 9*3600)
	want := map[string]string{}
	s.editCache(t, func(file map[string]any) {
		for field, key := range map[string]string{"access_expiry": "expires_at", "id_expiry": "id_token_expires_at"} {
			v, _ := file[field].(string)
			exp, err := time.Parse(time.RFC3339Nano, v)
			if err != nil {
				t.Fatalf("%s in the cache: %q", field, v)
			}
			file[field] = exp.In(tokyo).Format(time.RFC3339Nano)
			want[key] = exp.UTC().Format(time.RFC3339)
		}
	})
	before := srv.Calls("InitiateAuth")
	r := s.run("token", "-json")
	r.want(t, exitOK)
	var j map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &j); err != nil {
		t.Fatal(err)
	}
	for key, w := range want {
		if j[key] != w {
			t.Errorf("-json %s = %q, want %q (UTC)", key, j[key], w)
		}
	}
	if n := srv.Calls("InitiateAuth") - before; n != 0 {
		t.Errorf("%d calls to Cognito; the cached tokens should have served", n)
	}
}

// editCache rewrites the sandbox's one token file, decoded as JSON, with
// edit: as a person or another program might.
func (s *sandbox) editCache(t *testing.T, edit func(file map[string]any)) {
	t.Helper()
	path := s.cacheFile(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var file map[string]any
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	edit(file)
	data, _ = json.Marshal(file)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestPasswordStdinBounded: -password-stdin reads at most maxPasswordLine
// bytes of a first line, and refuses a longer one as a usage error that
// quotes none of it: standard input without a line feed (< /dev/zero, a
// binary piped by mistake) was read whole into memory, and one that
// never ends until the memory ran out.
func TestPasswordStdinBounded(t *testing.T) {
	t.Parallel()
	in := &endlessReader{limit: 4 * maxPasswordLine}
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string {
		return map[string]string{"COGNITO_USER_POOL_ID": "us-east-1_AbC123", "COGNITO_CLIENT_ID": "c", "COGNITO_USERNAME": "alice"}[k]
	}
	e := &env{stdin: in, stdout: &stdout, stderr: &stderr, getenv: getenv}
	code := run(context.Background(), e, []string{"token", "-password-stdin", "-no-cache", "-endpoint", "http://127.0.0.1:1"})
	if code != exitUsage || !strings.Contains(stderr.String(), "-password-stdin: standard input holds a first line longer than") ||
		strings.Contains(stderr.String(), "xxxx") || in.read > 2*maxPasswordLine {
		t.Errorf("endless standard input: exit %d, %d bytes read, stderr %q", code, in.read, &stderr)
	}
	// The longest line taken, with its line feed or without.
	for _, data := range []string{strings.Repeat("p", maxPasswordLine) + "\nnext", strings.Repeat("p", maxPasswordLine)} {
		if line, err := readLine(context.Background(), strings.NewReader(data)); err != nil || line != strings.Repeat("p", maxPasswordLine) {
			t.Errorf("readLine of a line of %d bytes: %d bytes, %v", maxPasswordLine, len(line), err)
		}
	}
	if _, err := readLine(context.Background(), strings.NewReader(strings.Repeat("p", maxPasswordLine+1)+"\n")); err != errLineTooLong {
		t.Errorf("readLine of a line of %d bytes: %v, want errLineTooLong", maxPasswordLine+1, err)
	}
}

// TestPasswordStdinTerminal: -password-stdin refuses a terminal (or
// another character device) for standard input, as a usage error: the
// command never prompts, and it sat silent while the password typed
// there showed as typed. (/dev/null is the character device a test has.)
// The message does not call /dev/null a terminal: it did, and a
// password piped to docker run without -i (whose standard input is then
// /dev/null) was said to be typed on one.
func TestPasswordStdinTerminal(t *testing.T) {
	t.Parallel()
	null, err := os.Open(os.DevNull)
	if err != nil || !isTerminal(null) {
		t.Skipf("%s is no character device here", os.DevNull)
	}
	defer null.Close()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string {
		return map[string]string{"COGNITO_USER_POOL_ID": "us-east-1_AbC123", "COGNITO_CLIENT_ID": "c", "COGNITO_USERNAME": "alice"}[k]
	}
	e := &env{stdin: null, stdout: &stdout, stderr: &stderr, getenv: getenv}
	for _, cmd := range []string{"token", "request"} {
		args := []string{cmd, "-password-stdin", "-no-cache", "-endpoint", "http://127.0.0.1:1"}
		if cmd == "request" {
			args = append(args, "http://127.0.0.1:1/")
		}
		stderr.Reset()
		if code := run(context.Background(), e, args); code != exitUsage || !strings.Contains(stderr.String(), "standard input is a device") ||
			strings.Contains(stderr.String(), "is a terminal") {
			t.Errorf("%s -password-stdin < %s: exit %d, stderr %q", cmd, os.DevNull, code, &stderr)
		}
	}
}
