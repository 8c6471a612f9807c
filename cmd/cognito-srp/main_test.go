// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// binary is the command built once for all tests.
var binary string

// commandLimit bounds one process of the command in these tests. None
// needs more than seconds; one that hangs (a -timeout ignored, a banner
// never printed) is killed, and its test fails in two minutes instead of
// holding the whole package until go test's ten-minute timeout.
const commandLimit = 2 * time.Minute

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cognito-srp-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// COGNITO_SRP_TEST_BINARY names a command already built, for a run of
	// the test binary where there is no go command: scripts/wine-test.sh
	// runs the Windows build under Wine.
	binary = os.Getenv("COGNITO_SRP_TEST_BINARY")
	if binary == "" {
		if err := buildCommand(dir); err != nil {
			fmt.Fprintf(os.Stderr, "building the command: %v\n", err)
			os.RemoveAll(dir)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildCommand builds the command into dir and sets binary.
func buildCommand(dir string) error {
	// Windows starts only a file whose name has an executable extension,
	// and go build -o adds none.
	binary = filepath.Join(dir, "cognito-srp")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	// Without -buildvcs=false go build stamps the binary with the
	// checkout's git state, which no test reads, and fails outright when
	// git refuses the checkout: one owned by another user than the one
	// running the tests (a CI container running as root over the runner's
	// workspace) is "dubious ownership" to git, and every test of the
	// command failed there while go test of the other packages passed.
	out, err := exec.Command("go", "build", "-buildvcs=false", "-o", binary, ".").CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v\n%s", err, out)
	}
	return nil
}

// result is what a run of the binary produced.
type result struct {
	stdout, stderr string
	code           int
}

// sandbox is a home and cache directory for the command, and the
// environment it runs with.
type sandbox struct {
	t     *testing.T
	home  string
	env   map[string]string
	stdin string
	// stdinFile, if set, is the command's standard input instead of
	// stdin: a file whose reads fail (a directory), say.
	stdinFile *os.File
	// sysProcAttr, if set, is the runs' (notRoot's user).
	sysProcAttr *syscall.SysProcAttr
}

func newSandbox(t *testing.T) *sandbox {
	home := t.TempDir()
	return &sandbox{t: t, home: home, env: map[string]string{
		"HOME":           home,
		"XDG_CACHE_HOME": filepath.Join(home, ".cache"),
		"LocalAppData":   filepath.Join(home, "AppData", "Local"), // Windows's
		"PATH":           os.Getenv("PATH"),
	}}
}

// forServer points the sandbox at an emulator and its user.
func (s *sandbox) forServer(srv *cognitotest.Server, username, password string) *sandbox {
	s.env["COGNITO_ENDPOINT"] = srv.Endpoint()
	s.env["COGNITO_USER_POOL_ID"] = srv.PoolID()
	s.env["COGNITO_CLIENT_ID"] = srv.ClientID()
	s.env["COGNITO_USERNAME"] = username
	if password != "" {
		s.env["COGNITO_PASSWORD"] = password
	}
	if srv.ClientSecret() != "" {
		s.env["COGNITO_CLIENT_SECRET"] = srv.ClientSecret()
	}
	return s
}

// signedIn starts an emulator with cfg and a sandbox in which alice ran
// token once: her tokens, and in a pool with device tracking her device,
// are cached.
func signedIn(t *testing.T, cfg cognitotest.Config) (*cognitotest.Server, *sandbox) {
	t.Helper()
	srv := newEmulator(t, cfg)
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	s.run("token").want(t, exitOK)
	return srv, s
}

// run runs the binary with args and returns its output and exit status.
func (s *sandbox) run(args ...string) result {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.t.Context(), commandLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = s.environ()
	cmd.Stdin = strings.NewReader(s.stdin)
	if s.stdinFile != nil {
		cmd.Stdin = s.stdinFile
	}
	cmd.SysProcAttr = s.sysProcAttr
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	code := 0
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		s.t.Fatal(err)
	}
	return result{stdout.String(), stderr.String(), code}
}

// environ is s's environment in the form of exec.Cmd.Env: the
// command sees only these variables.
func (s *sandbox) environ() []string {
	env := make([]string, 0, len(s.env))
	for k, v := range s.env {
		env = append(env, k+"="+v)
	}
	return env
}

// cacheDir is where the command keeps its tokens in the sandbox.
func (s *sandbox) cacheDir() string {
	// Where os.UserCacheDir puts it with this HOME, XDG_CACHE_HOME and
	// LocalAppData: macOS ignores XDG_CACHE_HOME, Windows reads only
	// LocalAppData.
	switch runtime.GOOS {
	case "darwin", "ios":
		return filepath.Join(s.home, "Library", "Caches", "cognito-srp")
	case "windows":
		return filepath.Join(s.home, "AppData", "Local", "cognito-srp")
	}
	return filepath.Join(s.home, ".cache", "cognito-srp")
}

// cacheFile returns the path of the one token file in the cache.
func (s *sandbox) cacheFile(t *testing.T) string {
	t.Helper()
	entries, _ := os.ReadDir(s.cacheDir())
	if len(entries) != 1 {
		t.Fatalf("cache holds %d files", len(entries))
	}
	return filepath.Join(s.cacheDir(), entries[0].Name())
}

// want checks the exit status and that stderr contains each of msgs, and
// that an error is one line.
func (r result) want(t *testing.T, code int, msgs ...string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit status %d, want %d\nstdout: %s\nstderr: %s", r.code, code, r.stdout, r.stderr)
	}
	for _, m := range msgs {
		if !strings.Contains(r.stderr, m) {
			t.Errorf("stderr %q does not contain %q", r.stderr, m)
		}
	}
	if (code == exitError || code == exitTryLater) && strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Errorf("error is not one line: %q", r.stderr)
	}
}

// TestDescribeChallengeAdvice: a challenge the command cannot answer comes
// with what to do about it, where that is known; the name alone left a
// script's user to find out that a temporary password must be replaced
// elsewhere, and that the command answers no second factor.
func TestDescribeChallengeAdvice(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		// Without Permanent, AdminSetUserPassword sets another temporary
		// password.
		cognitosrp.ChallengeNewPasswordRequired: "set a permanent one first (an administrator's AdminSetUserPassword with Permanent,",
		cognitosrp.ChallengeSoftwareTokenMFA:    "use a user without MFA",
		cognitosrp.ChallengeSMSMFA:              "use a user without MFA",
		cognitosrp.ChallengeSelectMFAType:       "use a user without MFA",
		// MFA_SETUP comes from a pool that requires MFA, where no user
		// is without it.
		cognitosrp.ChallengeMFASetup: "the pool requires MFA, and the command answers no second factor, so use a pool where MFA is optional",
	} {
		if got := describe(&cognitosrp.ChallengeError{ChallengeName: name}); !strings.Contains(got, want) {
			t.Errorf("describe(%s) = %q, want it to say %q", name, got, want)
		}
	}
	if got := describe(&cognitosrp.ChallengeError{ChallengeName: cognitosrp.ChallengeCustom}); strings.Contains(got, ": ") {
		t.Errorf("describe(CUSTOM_CHALLENGE) = %q, advice for a challenge without a known remedy", got)
	}
	// The SRP steps the command does answer reach describe only when the
	// server asked for one out of turn (a second verifier after the
	// claim, one without its exchange): "cannot answer" sent the user
	// looking for a flag; the endpoint is what to check.
	for _, name := range []string{cognitosrp.ChallengePasswordVerifier, cognitosrp.ChallengeDeviceSRPAuth, cognitosrp.ChallengeDevicePasswordVerifier} {
		got := describe(&cognitosrp.ChallengeError{ChallengeName: name})
		if !strings.Contains(got, name+" challenge out of turn") || !strings.Contains(got, "endpoint") || strings.Contains(got, "cannot answer") {
			t.Errorf("describe(%s) = %q, want it asked out of turn, naming the endpoint", name, got)
		}
	}
}

// TestDescribeJoinedErrors: a renewal that failed and a token cache that
// could not be saved after it come as one error, joined by errors.Join,
// whose text holds a line break between the two: describe makes them one
// line of "; "-separated errors, each without the library's name, not a
// line with U+FFFD (terminalText's stand-in for the line break) and a
// second "cognitosrp: " in the middle.
func TestDescribeJoinedErrors(t *testing.T) {
	t.Parallel()
	renewal := fmt.Errorf("cognitosrp: InitiateAuth: %w", &url.Error{Op: "Post", URL: "https://cognito-idp.example/", Err: errors.New("connection refused")})
	save := cacheError(fmt.Errorf("cognitosrp: saving tokens: %w", &fs.PathError{Op: "open", Path: "/cache/x.json", Err: errors.New("no space left on device")}))
	got := describe(errors.Join(renewal, save))
	want := `network error: InitiateAuth: Post "https://cognito-idp.example/": connection refused; saving tokens: open /cache/x.json: no space left on device (the token cache; ` + cacheHint() + `)`
	if got != want {
		t.Errorf("describe = %q\nwant       %q", got, want)
	}
}

// TestDescribeServerText: describe prints a challenge's name, which is the
// server's text, straight to the user's terminal: a real name as it is,
// anything else quoted and cut. An error without a type says so.
func TestDescribeServerText(t *testing.T) {
	t.Parallel()
	if got := describe(&cognitosrp.ChallengeError{ChallengeName: cognitosrp.ChallengeSMSMFA}); !strings.Contains(got, "the SMS_MFA challenge") {
		t.Errorf("describe = %q", got)
	}
	for _, name := range []string{"X\n\x1b[2J\u202e" + strings.Repeat("z", 4096), "a\xffb", "", "two words"} {
		got := describe(&cognitosrp.ChallengeError{ChallengeName: name})
		if strings.ContainsFunc(got, func(r rune) bool { return !strconv.IsGraphic(r) }) || !utf8.ValidString(got) || len(got) > 160 {
			t.Errorf("describe(%.20q…) = %.100q…, %d bytes", name, got, len(got))
		}
		if len(name) < 64 && !strings.Contains(got, fmt.Sprintf("%.64q", name)) {
			t.Errorf("describe(%q) = %q: the name is not quoted", name, got)
		}
	}
	if got := describe(&cognitosrp.APIError{Action: "InitiateAuth", StatusCode: 400}); !strings.Contains(got, "(unknown error)") {
		t.Errorf("describe of an error without a type = %q", got)
	}
}

// TestOutputWriteFailure: output that cannot be written (a full disk, a
// closed descriptor) is an error, not an exit status 0 with nothing for
// the script that reads it.
func TestOutputWriteFailure(t *testing.T) {
	t.Parallel()
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full")
	}
	defer full.Close()
	srv := newEmulator(t, cognitotest.Config{})
	res, err := srv.IssueTokens("alice")
	if err != nil {
		t.Fatal(err)
	}
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	api := newAPI(t, srv)
	for _, args := range [][]string{{"token"}, {"token", "-export"}, {"claims", res.AccessToken}, {"request", api + "/x"}, {"help"}} {
		ctx, cancel := context.WithTimeout(t.Context(), commandLimit)
		cmd := exec.CommandContext(ctx, binary, args...)
		cmd.Env = s.environ()
		var stderr strings.Builder
		cmd.Stdout, cmd.Stderr = full, &stderr
		cmd.Run()
		cancel()
		if code := cmd.ProcessState.ExitCode(); code != exitError || !strings.Contains(stderr.String(), "writing to standard output") || strings.Contains(stderr.String(), "network error") {
			t.Errorf("%s to a full disk: exit %d, stderr %q", args[0], code, stderr.String())
		}
	}
}

// TestDescribeSecretRefusals: each of Cognito's refusals of the client
// secret names that cause, among them REFRESH_TOKEN_AUTH's "SecretHash does
// not match for the client: …", which says Secret with a capital S.
func TestDescribeSecretRefusals(t *testing.T) {
	t.Parallel()
	for _, msg := range []string{
		"Unable to verify secret hash for client abc",
		"Client abc is configured with secret but SECRET_HASH was not received",
		"Client abc is configured for secret but secret was not received", // its words until 2022
		"SecretHash does not match for the client: abc",
	} {
		got := describe(&cognitosrp.APIError{Action: "InitiateAuth", Type: "NotAuthorizedException", Message: msg, StatusCode: 400})
		if !strings.Contains(got, "app client secret is wrong or missing") {
			t.Errorf("describe(%q) = %q", msg, got)
		}
	}
}

// failingWriter fails each write with the next of its errors.
type failingWriter struct{ errs []error }

func (f *failingWriter) Write(p []byte) (int, error) {
	err := f.errs[0]
	if len(f.errs) > 1 {
		f.errs = f.errs[1:]
	}
	return 0, err
}

// TestOutWriterKeepsFirstError: the error reported for output that did
// not reach its reader is the first write's, the cause; later writes to
// a broken output fail for that one's sake.
func TestOutWriterKeepsFirstError(t *testing.T) {
	t.Parallel()
	first, later := errors.New("no space left on device"), errors.New("later failure")
	o := &outWriter{w: &failingWriter{errs: []error{first, later}}}
	fmt.Fprintln(o, "one")
	fmt.Fprintln(o, "two")
	if o.err != first {
		t.Errorf("outWriter kept %v, want the first error", o.err)
	}
}

// TestDescribeCauses: each Cognito refusal the command names has its own
// cause, and Cognito's own type, message and request id follow it; a
// long challenge name that is all graphic is cut all the same.
func TestDescribeCauses(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		typ, msg, want string
	}{
		{"NotAuthorizedException", "Invalid Refresh Token", "the refresh token is no longer valid"},
		{"NotAuthorizedException", "Access Token has been revoked", "not authorized (NotAuthorizedException: Access Token has been revoked, request id req-1)"},
		{"UserNotConfirmedException", "User is not confirmed.", "the user has not confirmed the sign-up"},
		{"PasswordResetRequiredException", "Password reset required for the user", "the password must be reset first"},
		{"UserNotFoundException", "User does not exist.", "no such user in the pool (UserNotFoundException: User does not exist., request id req-1)"},
	} {
		got := describe(&cognitosrp.APIError{Action: "InitiateAuth", Type: c.typ, Message: c.msg, RequestID: "req-1", StatusCode: 400})
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("describe(%s: %s) = %q, want it to start with %q", c.typ, c.msg, got, c.want)
		}
	}
	if got := describe(&cognitosrp.ChallengeError{ChallengeName: strings.Repeat("Z", 4096)}); len(got) > 160 {
		t.Errorf("describe of a 4096-byte challenge name: %d bytes", len(got))
	}
	// The library's prefix is the command's to replace.
	if _, err := cognitosrp.ParseUnverified("x"); err == nil || !strings.HasPrefix(describe(err), "malformed token") {
		t.Errorf("describe(%v) = %q", err, describe(err))
	}
	// Graphic text that is not ASCII, a no-break space among it, stays.
	if got := terminalText("a\u00a0b\u3000c é"); got != "a\u00a0b\u3000c é" {
		t.Errorf("terminalText = %q", got)
	}
}
