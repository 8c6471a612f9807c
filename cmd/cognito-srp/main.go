// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Command cognito-srp logs in to an Amazon Cognito user pool with SRP, the
// way the AWS CLI cannot, and runs a local Cognito emulator for clients in
// any language.
//
// Usage:
//
//	cognito-srp token   [flags]            print a token (cached, renewed when needed)
//	cognito-srp request [flags] URL        send one authorized HTTP request
//	cognito-srp claims  [TOKEN]            print a token's claims (not verified)
//	cognito-srp emulate [flags]            run a local Cognito user pool
//	cognito-srp demo                       log in, call an API, renew, against an emulator
//	cognito-srp sign-out [flags]           revoke the cached tokens, forget the device, remove both
//
// The pool, app client and user come from flags or the environment:
//
//	COGNITO_USER_POOL_ID   -pool-id     the user pool id, region_name
//	COGNITO_CLIENT_ID      -client-id   the app client id
//	COGNITO_CLIENT_SECRET               the app client secret, if it has one
//	COGNITO_REGION         -region      the region; default: from the pool id
//	COGNITO_USERNAME       -username    the user (name, e-mail or phone)
//	COGNITO_PASSWORD                    the password
//	COGNITO_ENDPOINT       -endpoint    another endpoint (a VPC endpoint, an emulator)
//
// A flag wins over its variable, and a variable set to the empty string
// counts as unset (COGNITO_PASSWORD= is no password). A value loses the
// line break (CR, LF) at its end and the UTF-8 byte order mark at its
// start that a value read from a file ($(cat f)) may keep.
//
// # Secrets and what is read from files
//
// Secrets never come from flags, which other users can see in the process
// list: the password comes from COGNITO_PASSWORD or, with -password-stdin,
// from the first line of standard input, a pipe or a file (not a terminal,
// where a password shows as typed), which must be UTF-8 (a file that
// Windows PowerShell 5.1 wrote with > is UTF-16, and is refused, as is one
// for emulate's -client-secret-file, and COGNITO_PASSWORD or
// COGNITO_CLIENT_SECRET read from such a file). A live token is as
// secret: pipe it to claims (cognito-srp token | cognito-srp claims)
// rather than give it as the TOKEN argument.
//
// What a flag has the command read from a file or standard input is read
// up to a limit, so that a device or a disk image given by mistake
// (< /dev/zero) is refused at once rather than fill the memory: a first
// line of up to 64 KiB for -password-stdin and emulate's
// -client-secret-file, up to 64 MiB for request's -d @FILE and -d @-
// (the body is held in memory, to be sent again after a 401), up to 1 MiB
// for its -H @FILE and -H @-, up to 16 MiB for emulate's
// -users; claims reads up to 1 MiB of standard input.
//
// A header that holds a credential (an API key) is as secret as a
// password, and other users see the arguments: give it to request as
// -H @FILE, as with curl, which reads a header from each line of FILE
// (-H @- from standard input; -H @<(command) from a command). Blank lines
// are skipped, a line may end with CR LF, and a line that is no header,
// or a file that holds none, is refused by its line number or name,
// never quoted.
//
// # The token cache
//
// Tokens are cached in the user's cache directory (cognito-srp/, files of
// mode 0600) and renewed from the cached refresh token, so a script can
// call "cognito-srp token" before every request at no cost. A cache file
// that other users can read, or another user's, is refused, except on
// Windows, Plan 9 and WASI (wasip1), where its mode is not checked. So, on
// Unix, is a cache directory where another user could put tokens of theirs,
// as ssh refuses such a ~/.ssh: one that belongs to another user (but
// root), or that its group or other users can write to, or in a directory
// they can write to that lacks the sticky bit (/tmp has it, so
// XDG_CACHE_HOME=/tmp works, for the first user to create
// /tmp/cognito-srp); the error names the directory and what fixes it (the
// chmod, for a mode). Group write is taken where the group is the user's
// private one, its primary group named as the user is (Debian, since 13,
// gives each user one, and umask 002, so a ~/.cache another tool made has
// mode 0775). On Windows, modes mean nothing: the files are private as the
// cache directory (%LocalAppData%) is, and its owner is not checked. On
// Plan 9 the files are written with mode 0600, but one whose mode was
// loosened since is used all the same. Under WASI files have no mode: keep
// the cache in a host directory only the user can read, mapped into the
// runtime. The cache directory is Go's os.UserCacheDir: $XDG_CACHE_HOME,
// else $HOME/.cache, on Linux and the BSDs; macOS uses ~/Library/Caches and
// Windows %LocalAppData%, whatever XDG_CACHE_HOME says. Where none can be
// written (a container user without a home, a read-only file system) the
// command fails and says so; point XDG_CACHE_HOME at a writable directory
// (on Linux and the BSDs), or give -no-cache, which logs in on every run.
// In a Kubernetes pod that runs as a user other than root, an emptyDir
// volume is refused as XDG_CACHE_HOME: the kubelet makes it root's, of mode
// 0777 without the sticky bit. Make a directory of your own in it (for a
// volume mounted at /cache, "mkdir -m 700 /cache/cache"; the error names
// it) and point XDG_CACHE_HOME there. The directories above the cache's
// are not checked, so the pod's other containers, which can write to the
// volume, could still swap that directory between the check and the read.
// A probe that runs the command every few seconds needs the cache: with
// -no-cache every run logs in, and each login counts against Cognito's
// quotas of sign-ins, the AWS account's (shared by all its user pools in
// the region) and the user's own (ten requests a second).
// The cache outlives the run, and its refresh token stays usable for the
// app client's refresh token lifetime (30 days by default): on a CI runner
// that later jobs share (a self-hosted runner), point XDG_CACHE_HOME at the
// job's own temporary directory ($RUNNER_TEMP on GitHub Actions), which
// goes with the job, or, on a macOS or Windows runner, give -no-cache.
//
// # The device
//
// In a user pool with device tracking, Cognito binds each login's refresh
// token to the device it issues at that login, and renews it only once the
// device is confirmed. So the command confirms that device, names it
// cognito-srp in the user's list of devices, keeps it in a file beside the
// token file (mode 0600, the same care) and logs in with it (device SRP)
// from then on: the user gets one device per app client, not one per run
// (runs that log in for the first time at the same moment each confirm one,
// and the last saved is kept: the command takes no lock). In a pool where
// users opt in to remembering devices, the command opts in, which lets the
// pool skip MFA on this machine. -no-device keeps no device, and neither
// does -no-cache (a device confirmed by each run and then lost is worse
// than none): in a pool with device tracking, renewals then fail, and each
// run that finds its tokens due logs in again with the password, or fails
// without it.
//
// "-no-device" leaves a device file an earlier run kept as it is, for
// runs without it: deleting the file would leave the device in the user's
// list, of no use to anyone. "sign-out" removes it.
//
// # Signing out
//
// "sign-out", given the pool, client and user that "token" was given, needs
// no password: it revokes the cached refresh token at Cognito (RevokeToken,
// which ends the access tokens issued with it; not GlobalSignOut, which
// would sign the user out of every device and program), forgets the cached
// device there (ForgetDevice, with an access token renewed for it), and
// removes the token file and the device file, even when Cognito cannot be
// told (see its exit status below). With -everywhere it calls
// GlobalSignOut instead, which ends every refresh token of the user, and
// the access token ForgetDevice would need: the device stays in the list,
// unusable without its file. An app client without token revocation
// refuses RevokeToken. A renewal then checks whether the refresh token has
// ended (forgetting the device ends it, as does a sign-out elsewhere): if
// so, the files go; if not (no device, or a refresh token that outlived
// it), sign-out keeps the token file and says to use -everywhere. When
// forgetting the device fails there for a reason that may pass
// (throttling, the network), it keeps the files and says to run sign-out
// again later, which forgets the device and so ends the refresh token
// issued to it, rather than -everywhere.
//
// # Proxies and certificates
//
// The command reaches Cognito and the API as Go programs do by default:
// through the proxy HTTPS_PROXY, HTTP_PROXY and NO_PROXY give, trusting
// the system's CAs; on Linux, SSL_CERT_FILE and SSL_CERT_DIR, when set,
// name the CAs to trust instead (a corporate proxy's that re-signs TLS,
// say). On macOS and Windows, add such a CA to the system's store.
//
// # Requests
//
// When the API refuses the token a request carried (401), the command
// renews the tokens and, unless it followed a redirect, sends the request
// once more: after a redirect the first hop was answered, and sending it
// again could repeat what it did (a POST answered with 303 See Other,
// say), so the command shows the 401, renews for the next run, says so on
// standard error and exits with 3. The request itself renews nothing, so
// that every renewal reaches the cache.
//
// "request" follows the API's redirects, as Go's HTTP client does. A hop to
// another scheme, host or port, and every hop after it, gets neither the
// token nor the -H headers, but for Accept, Accept-Encoding,
// Accept-Language, Content-Type, Content-Language and User-Agent: a
// header may hold a credential (an API key).
//
// -timeout bounds the whole response, its body included. A body the server
// sent gzip-encoded is written decoded, as Go and curl --compressed do,
// unless a -H header Accept-Encoding asked for an encoding: then it is
// written as it came. On Unix, a reader that closes the pipe early
// (cognito-srp request URL | head -c1) ends the command by SIGPIPE, as it
// ends cat, without a message: under "set -o pipefail" (the bash of GitHub
// Actions) that fails the pipeline, as curl's status 23 would.
//
// # Exit status
//
//	0  done
//	1  an error that trying again does not mend (its cause on one line of
//	   standard error)
//	2  a usage error: a bad flag, argument or value (a token claims cannot
//	   read, or none on its standard input), a missing setting
//	3  "request" got an HTTP status from 400 to 499: the API refused the
//	   request (401 or 403: it refused the token, renewed if it could be)
//	4  "token" or "request" failed for a reason that may pass (its cause
//	   printed as for 1): a network error, the end of -timeout, Cognito
//	   throttling (TooManyRequestsException, ThrottlingException,
//	   LimitExceededException) or failing (InternalErrorException, HTTP 5xx)
//	5  "request" got an HTTP status of 500 or more: the API failed
//
// "claims" exits with 2 on an empty or blank standard input, as it does
// on claims "". That is what it reads when token fails in "cognito-srp
// token | cognito-srp claims" (token says why on standard error). Unlike
// jq and base64, for which no input is an empty stream with an empty
// answer, claims must be given a token, and a 0 would pass the pipeline
// as done. The pipeline's status is then claims' 2, with or without "set
// -o pipefail", not token's: a script that branches on token's status
// runs it by itself (TOKEN=$(cognito-srp token)).
//
// "sign-out" exits with 0 also when nothing is cached or the refresh token
// had ended already (with -everywhere it then says it signed nobody out
// everywhere: GlobalSignOut needs a live token), and with 1 when it removed
// the files but Cognito could not be told all of it (a refresh token it
// could not revoke works on until it expires): not 4, as a second run finds
// nothing to sign out. Where it finds no cache directory (HOME unset, say)
// it exits with 1, not 0: token may have cached the tokens in another
// environment's. A command that SIGINT or SIGTERM interrupts prints
// "interrupted" and then ends by that signal, as a shell expects;
// "emulate", once serving, ends on them with status 0.
//
// # In a script
//
// Standard output holds only what was asked for, the token and a newline
// (TOKEN=$(cognito-srp token) drops it) or the response's body byte for
// byte, nothing added; the status line, progress, warnings (a token sent
// over plain http to another machine, or a Cognito endpoint, -endpoint or
// COGNITO_ENDPOINT, of plain http to another machine: the tokens cross the
// network in clear) and errors go to standard error. The command never
// prompts: without usable cached tokens and without COGNITO_PASSWORD or
// -password-stdin it fails. Status 4 is the one to retry on, after a pause:
// a loop that retries on any failure ("until cognito-srp token; do sleep 5;
// done") retries a wrong password too, and Cognito locks a user out after
// repeated failed logins. Status 1 covers what trying again does not mend:
// a wrong password, an unknown user or app client, missing tokens, a
// certificate that does not verify, an https URL whose server does not
// speak TLS, a host name that does not exist, a proxy that wants
// credentials or forbids the host, an API that redirects in a loop or to a
// URL that is not http or https; the line on standard error names which.
// "request" fails on an HTTP status of 400 or more, as curl
// --fail-with-body does, its body still on standard output: with 3 on a
// 4xx, with 5 on a 5xx (curl says 22 for both), so that a script tells a
// refused token from a failing API and from a network error (4) by the
// status alone. A script that takes any answer as data runs "cognito-srp
// request URL || case $? in 3|5) ;; *) exit 1;; esac". A request that
// failed with 4 or 5 may have reached the API, as with curl: retry only one
// that is safe to repeat.
//
// eval "$(cognito-srp token -export)" succeeds when the command fails (an
// eval of nothing does): run vars=$(cognito-srp token -export) && eval
// "$vars", and assign TOKEN=$(cognito-srp token) before "export TOKEN",
// whose own status would hide the failure.
//
// # The emulator
//
// "emulate" runs the user pool of package cognitotest, which checks SRP
// for real, on a port: 127.0.0.1:9229, on loopback only, unless -addr
// says otherwise. -users names a JSON array of users, with the fields of
// cognitotest.User, such as [{"Username": "alice", "Password": "correct
// horse"}]; without it the pool has no user to log in. Its other flags
// (emulate -h) set the pool up as the one a client meets. In a container,
// "emulate -addr :9229 -url http://cognito:9229" names the pool, in the
// endpoint it prints and in its tokens' issuer, by the host the other
// containers reach it at (by itself it would say http://[::]:9229).
//
// "emulate" prints a banner on standard output and, last, one export line
// with every variable (COGNITO_ENDPOINT, COGNITO_USER_POOL_ID,
// COGNITO_CLIENT_ID, and -with-secret's COGNITO_CLIENT_SECRET), which
// points token and request at it through a POSIX shell's eval (a value
// the shell would act on, a -url or -client-id with ;, $ or a quote, is
// single-quoted), once it accepts connections; nothing follows it there
// (the request log goes to standard error). A script that starts it in
// the background (-addr 127.0.0.1:0 takes a free port, which the line
// names) waits for that line in a file made empty first (a file an
// earlier run left holds that run's line), and evals it; an emulator that
// cannot start (an address in use, a bad -users file) exits with 1 or 2
// without it, so the wait checks that the process lives (the command's
// README.md shows such a script). Sign out before stopping it: once it is
// gone, a run that needs it (no fresh cached token) fails with 4, as
// nothing listens.
//
// Ended by SIGINT or SIGTERM, emulate removes from its user's cache (in the
// cache directory it was started with) the token files, and their device
// files, of the tokens it issued, which nothing accepts once it is gone,
// and no other (Cognito's, another start's): as the cache keeps a file per
// endpoint, each start on port 0 would otherwise leave one behind (a
// "token" still saving tokens as it stops may leave its file). Killed
// (SIGKILL), or run as another user or in another container, it removes
// nothing, and "sign-out" after it stopped removes the files but fails with
// 1, having told no one. Steps that run at once may share the cache: each
// file is written whole (a new file renamed over the old), and a run whose
// renewal another run's made useless (with refresh-token rotation, the
// refresh token it sent was retired) takes that run's tokens from the
// cache; with device tracking, see The device for runs that log in for
// the first time at once.
//
// Each start of emulate is a new pool as far as tokens go: it signs with
// a new key and knows no earlier start's sessions. A token that token
// cached from an earlier start that did not remove it (a CI cache saved
// while the emulator ran and restored in a later job, say) is still handed
// out while it is fresh, and an API that checks it against the running
// emulator refuses it: against an emulator, give token -no-cache, or a
// cache directory (XDG_CACHE_HOME) that lives no longer than the
// emulator. request recovers by itself: it renews on the 401, and logs in
// again when the emulator does not know the refresh token.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"syscall"
	"time"
)

// Exit statuses.
const (
	exitOK         = 0
	exitError      = 1
	exitUsage      = 2
	exitHTTPStatus = 3 // request got a 4xx: the API refused the request (401, 403, 404…)
	exitTryLater   = 4 // token or request failed for a reason that may pass (tryLater)
	exitHTTPServer = 5 // request got a 5xx: the API failed
)

// env is what a command reads from its surroundings; tests and main fill
// it differently.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// progress says whether to report long waits on stderr: only when it is
	// a terminal, so that scripts see nothing but errors.
	progress bool
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	signals, caught := make(chan os.Signal, 1), make(chan os.Signal, 1)
	// A signal ignored at start stays ignored, as without main taking it
	// over: a shell starts a script's background commands with SIGINT
	// ignored, so that Ctrl-C leaves them running. Notify would catch it
	// (and Stop ignore it again, so the command then exited with status 1).
	// On wasm (js, wasip1) no signal ever comes, and signal.Ignored panics
	// there: the runtime's table of ignored signals is empty, and Go (1.26)
	// indexes it unchecked, so the command died before reading its flags.
	var sigs []os.Signal
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGTERM} {
		if runtime.GOARCH != "wasm" && !signal.Ignored(sig) {
			sigs = append(sigs, sig)
		}
	}
	if len(sigs) > 0 { // Notify without signals would relay every one
		signal.Notify(signals, sigs...)
	}
	go func() {
		caught <- <-signals
		cancel()
	}()
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		// The transport of the calls to Cognito and of request's.
		t.OnProxyConnectResponse = proxyConnectResponse
	}
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, progress: isTerminal(os.Stderr)}
	code := run(ctx, e, os.Args[1:])
	signal.Stop(signals)
	select {
	case sig := <-caught:
		if code != exitOK {
			// The signal cut the work short: end by it, as without main
			// taking it over. A shell running a script goes on after a
			// command that exited on SIGINT, taking it for handled, so
			// Ctrl-C would not stop a loop of requests. Where a process
			// cannot signal itself so (Windows), the exit status stays.
			if p, err := os.FindProcess(os.Getpid()); err == nil && p.Signal(sig) == nil {
				time.Sleep(time.Second) // for the signal to end the process
			}
		}
	default:
	}
	os.Exit(code)
}

// proxyConnectResponse refuses a proxy's answer to CONNECT other than 200
// with a *proxyRefusal, which keeps its status: net/http's own error holds
// only the reason phrase, and tryLater must tell a proxy that wants
// credentials (407) or forbids the host (403) from one that cannot reach
// it (502).
func proxyConnectResponse(_ context.Context, _ *url.URL, _ *http.Request, resp *http.Response) error {
	if resp.StatusCode != http.StatusOK {
		return &proxyRefusal{status: resp.StatusCode}
	}
	return nil
}

// proxyRefusal is a proxy's refusal of a tunnel (see
// proxyConnectResponse). Its text holds no text of the proxy's.
type proxyRefusal struct{ status int }

func (p *proxyRefusal) Error() string {
	return "the proxy refused the tunnel: " + strconv.Itoa(p.status) + " " + http.StatusText(p.status)
}

// usageError reports bad flags or arguments; it exits with status 2.
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// httpStatusError reports a response of status 400 or more to "request":
// it exits with 3 for a 4xx, 5 for a 5xx.
type httpStatusError struct{ status int }

func (h *httpStatusError) Error() string { return fmt.Sprintf("HTTP status %d", h.status) }

const usageText = `usage: cognito-srp <command> [flags]

commands:
  token     log in with SRP (or renew from the cache) and print a token
  request   send one HTTP request with the token: request [-X M] [-H 'K: V'] [-d BODY] URL
  claims    print a token's claims as JSON, without verifying it
  emulate   run a local Cognito user pool that checks SRP for real
  demo      log in, call an API, let the token expire and renew it, on a local emulator
  sign-out  revoke the cached refresh token, forget the cached device, remove the cache

Run "cognito-srp <command> -h" or "cognito-srp help <command>" for a
command's flags. The pool, client and user come from flags or
COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET,
COGNITO_REGION, COGNITO_USERNAME, COGNITO_PASSWORD and COGNITO_ENDPOINT;
the password never comes from a flag.

Exit status:
  0  done
  1  failed; standard error says why (wrong password, no cached tokens and
     no password…)
  2  usage error
  3  request got an HTTP status of 400 to 499 (401, 403: the token was refused)
  4  failed for a reason that may pass (network, timeout, Cognito throttling
     or failing): retry on 4 alone, not on 1, as a retried wrong password can
     lock the user out
  5  request got an HTTP status of 500 or more
request prints the response's body on 3 and 5 too; a request that failed
with 4 or 5 may have reached the API: retry only one that is safe to send
twice. sign-out exits with 1, not 4, when it removed the cache but could not
tell Cognito: a retry finds nothing.
`

// run runs the command line args and returns the exit status.
func run(ctx context.Context, e *env, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(e.stderr, usageText)
		return exitUsage
	}
	out := &outWriter{w: e.stdout}
	withOut := *e
	withOut.stdout = out
	e = &withOut
	commands := map[string]func(context.Context, *env, []string) error{
		"token":    tokenCommand,
		"request":  requestCommand,
		"claims":   claimsCommand,
		"emulate":  emulateCommand,
		"demo":     demoCommand,
		"sign-out": signOutCommand,
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "help", "-h", "-help", "--help":
		switch {
		case len(rest) == 1 && commands[rest[0]] != nil:
			// "help sign-out" is "sign-out -h", as "go help build" is
			// build's help: not the list of commands, which it printed.
			return run(ctx, e, []string{rest[0], "-h"})
		case len(rest) > 1:
			fmt.Fprintf(e.stderr, "cognito-srp help: want at most one command, got %d arguments\n\n%s", len(rest), usageText)
			return exitUsage
		case len(rest) == 1 && rest[0] != "help":
			// A typo ("help tokn") is a usage error naming it, as an
			// unknown command is: the list with status 0 read as found.
			fmt.Fprintf(e.stderr, "cognito-srp help: unknown command %q\n\n%s", rest[0], usageText)
			return exitUsage
		}
		fmt.Fprint(e.stdout, usageText) // checked below, as a command's output
	default:
		if command := commands[cmd]; command != nil {
			err = command(ctx, e, rest)
			break
		}
		fmt.Fprintf(e.stderr, "cognito-srp: unknown command %q\n\n%s", cmd, usageText)
		return exitUsage
	}
	// A failed write is the error to report, also when the command saw
	// it itself (request copies the response: "reading the response").
	if out.err != nil && (err == nil || errors.Is(err, out.err)) {
		err = fmt.Errorf("writing to standard output: %w", out.err)
	}
	var ue *usageError
	var he *httpStatusError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errHelp):
		return exitOK
	case errors.As(err, &he) && he.status >= 500:
		// Apart from a 4xx: the API failed, and the same request may
		// pass later (502, 503, 504 mostly do), where a 401 or a 403,
		// after request's own renewal, or a 404, will not. 600 to 999,
		// which net/http takes, are no HTTP status: RFC 9110 §15 has a
		// client take them "as if it had a 5xx".
		return exitHTTPServer
	case errors.As(err, &he):
		return exitHTTPStatus
	case errors.As(err, &ue):
		// errorText: a setting the library refuses is its error, which
		// reads as its others do, without "cognitosrp: ".
		fmt.Fprintf(e.stderr, "cognito-srp %s: %s\n", args[0], errorText(err))
		return exitUsage
	}
	fmt.Fprintf(e.stderr, "cognito-srp %s: %s\n", args[0], describe(err))
	// Only the commands that reach a server: emulate's and demo's
	// failures are their own local server's (an address in use, say).
	if (args[0] == "token" || args[0] == "request") && tryLater(err) {
		return exitTryLater
	}
	return exitError
}

// outWriter keeps the first error of writes to w. A command's output that
// did not reach its reader (a full disk, a closed descriptor) is a failure,
// though the command did its work.
type outWriter struct {
	w   io.Writer
	err error
}

func (o *outWriter) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	if err != nil && o.err == nil {
		o.err = err
	}
	return n, err
}

// readInput returns what read reads from standard input, or ctx's error
// once ctx ends. Such a read cannot be interrupted, and main has taken
// SIGINT and SIGTERM over, so without this a command that waits for its
// input would ignore them; read goes on in the background until the
// process exits.
func readInput(ctx context.Context, read func() ([]byte, error)) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := read()
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		return r.b, r.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// isTerminal reports whether f is a character device, such as a terminal.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progressf reports a long wait on stderr when stderr is a terminal.
func (e *env) progressf(format string, args ...any) {
	if e.progress {
		fmt.Fprintf(e.stderr, format+"\n", args...)
	}
}
