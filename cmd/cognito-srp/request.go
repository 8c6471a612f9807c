// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gocognito/cognitosrp"
)

// headerFlags collects repeated -H 'Name: value' flags.
type headerFlags []string

func (h *headerFlags) String() string { return strings.Join(*h, ", ") }

// Set takes any value; check reports the malformed ones. The flag package
// quotes a value Set refuses, and a mistyped header is often a credential.
func (h *headerFlags) Set(v string) error {
	*h = append(*h, v)
	return nil
}

// header is one -H flag's name and value, without the spaces around them.
type header struct{ name, value string }

// parse returns the headers, or reports the first value that is not
// 'Name: value' by its position, without quoting it: also one whose name
// is no header name or whose value (trimmed, so that a line read with its
// CR passes) has a control character but tab, which net/http would refuse
// at the request, after the login, quoting the name. A value @FILE (no
// header name holds '@') is the headers readFile reads from FILE.
func (h headerFlags) parse(readFile func(path string) ([]header, error)) ([]header, error) {
	out := make([]header, 0, len(h))
	for i, v := range h {
		if path, ok := strings.CutPrefix(v, "@"); ok {
			hs, err := readFile(path)
			if err != nil {
				return nil, err
			}
			out = append(out, hs...)
			continue
		}
		hd, ok := parseHeader(v)
		if !ok {
			return nil, usagef("-H value %d is not 'Name: value'", i+1)
		}
		out = append(out, hd)
	}
	return out, nil
}

// parseHeader returns the header of v, 'Name: value', and whether it is
// one (see headerFlags.parse).
func parseHeader(v string) (header, bool) {
	name, value, ok := strings.Cut(v, ":")
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if !ok || !headerName(name) || strings.ContainsFunc(value, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) {
		return header{}, false
	}
	return header{name, value}, true
}

// maxHeaderFile bounds a -H @FILE: the most that Go's own servers take
// in all the headers of a request (http.DefaultMaxHeaderBytes, 1 MiB),
// and others take less, so a larger file holds headers no API would take.
const maxHeaderFile = http.DefaultMaxHeaderBytes

// headerFile returns the headers of -H @path, one 'Name: value' a line
// as curl's -H @file reads them (@- reads standard input): so that a
// credential (an API key) stays out of the command line, which other
// users see in the process list. A line may end with CR LF (a file
// written on Windows), the file may start with a UTF-8 byte order mark,
// and blank lines (or spaces alone) are skipped; any other line that is
// not a header is refused by its number, unquoted, as is a file of more
// than maxHeaderFile bytes or one that holds no header (a secret store's
// command that failed and wrote nothing, in -H @<(…), would have sent
// the request without its key).
func headerFile(ctx context.Context, e *env, path string) ([]header, error) {
	open, what := openFile(path), path
	if path == "-" {
		open, what = e.openStdin, "standard input"
	}
	b, err := readBounded(ctx, open, maxHeaderFile, false)
	switch {
	case ctx.Err() != nil:
		return nil, fmt.Errorf("reading the -H headers from %s: %w", what, ctx.Err())
	case errors.Is(err, errTooLarge):
		return nil, usagef("-H @%s: %s holds more than %d MiB of headers", path, what, maxHeaderFile>>20)
	case err != nil && path == "-":
		return nil, fmt.Errorf("reading the -H headers from standard input: %w", err)
	case err != nil:
		return nil, usagef("-H: %v", err)
	}
	var out []header
	for n, line := range strings.Split(strings.TrimPrefix(string(b), bom), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		hd, ok := parseHeader(line)
		if !ok {
			return nil, usagef("-H @%s: line %d is not 'Name: value'", path, n+1)
		}
		out = append(out, hd)
	}
	if len(out) == 0 {
		return nil, usagef("-H @%s: %s holds no header", path, what)
	}
	return out, nil
}

// headerName reports whether name is a header name (RFC 9110's token), by
// the rule the library's validHeaderName (auth.go) applies to
// Options.Header, so that a bad name is a usage error before any login.
func headerName(name string) bool {
	return name != "" && !strings.ContainsFunc(name, func(r rune) bool {
		return r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r)
	})
}

// requestFlags are request's flags. One register serves the command and
// FuzzParseFlags, so that every flag of request is fuzzed.
type requestFlags struct {
	conn              connFlags
	method, data, typ string
	authHeader        string
	headers           headerFlags
	include           bool
}

func (r *requestFlags) register(fs *flag.FlagSet) {
	r.conn.register(fs)
	fs.StringVar(&r.method, "X", "", "HTTP method (default GET, or POST with -d)")
	fs.Var(&r.headers, "H", "request header 'Name: value' (repeatable); @FILE reads one a line from a file, @- from standard input, up to 1 MiB: an API key there stays out of the process list")
	fs.StringVar(&r.data, "d", "", "request body; @FILE reads a file, @- standard input, up to 64 MiB (JSON goes as application/json unless -H gives a Content-Type)")
	fs.StringVar(&r.typ, "type", "access", "token to send: access or id")
	fs.StringVar(&r.authHeader, "auth-header", "Authorization", "header that carries the token, with \"Bearer \" only in Authorization")
	fs.BoolVar(&r.include, "i", false, "print the response headers on standard error")
}

func requestCommand(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "request", "URL")
	usage := fs.Usage
	fs.Usage = func() {
		usage()
		// The statuses of its own: a script needs them to tell an API's
		// refusal (a 401 or a 404) from its failure (a 503) and from a
		// failure to ask; and 4 and 5, before it retries.
		fmt.Fprint(e.stderr, "\nThe body goes to standard output, the status line to standard error.\nExit status 3: the response's status is 400 to 499 (401 or 403: the token was refused).\nExit status 4: a failure that may pass (network, timeout); the request may have reached the API.\nExit status 5: the response's status is 500 or more.\nThe body is printed on 3 and 5 too.\n")
	}
	var rf requestFlags
	rf.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 && slices.ContainsFunc(fs.Args()[1:], func(a string) bool { return len(a) > 1 && a[0] == '-' }) {
		// The flag package stops at the first argument that is not a
		// flag, the URL: curl's order (request URL -X POST -d @body.json)
		// left the flags as arguments, and "got 5 arguments" did not say
		// what to move. None is quoted: a -H value may be a credential.
		return usagef("flags must come before the URL: request [flags] URL (got %d arguments)", fs.NArg())
	}
	if fs.NArg() != 1 {
		return usagef("want exactly one URL, got %d arguments", fs.NArg())
	}
	// Who reads standard input, before any of them does: one reader
	// would leave the next nothing.
	var stdinReaders []string
	if rf.data == "@-" {
		stdinReaders = append(stdinReaders, "-d @-")
	}
	for _, v := range rf.headers {
		if v == "@-" {
			stdinReaders = append(stdinReaders, "-H @-")
		}
	}
	if rf.conn.passwordStdin {
		stdinReaders = append(stdinReaders, "-password-stdin")
	}
	if len(stdinReaders) > 1 {
		return usagef("%s and %s cannot both read standard input", stdinReaders[0], stdinReaders[1])
	}
	extra, err := rf.headers.parse(func(path string) ([]header, error) { return headerFile(ctx, e, path) })
	if err != nil {
		return err
	}
	if !headerName(rf.authHeader) {
		return usagef("-auth-header is not a header name")
	}
	target, err := url.Parse(fs.Arg(0))
	if err != nil {
		// url.Parse's error quotes the whole text, credentials included.
		return usagef("the URL does not parse")
	}
	if (target.Scheme != "http" && target.Scheme != "https") || target.Host == "" {
		// Not echoed: a password outside a well-formed user info
		// ("user:pw@host/x" parses with the scheme "user") would show.
		return usagef("the URL is not an http:// or https:// URL with a host")
	}
	if _, err := http.NewRequest(rf.method, "http://h/", nil); err != nil {
		// Checked before the login, and by its flag's name: the request,
		// made after the login, refused it as "net/http: invalid method".
		return usagef("-X %q is not an HTTP method", rf.method)
	}
	tt, err := tokenTypeFlag(rf.typ)
	if err != nil {
		return err
	}
	c, err := rf.conn.resolve(ctx, e, "request")
	if err != nil {
		return err
	}
	text, err := requestBody(ctx, e, rf.data)
	if err != nil {
		return err
	}
	var body io.Reader
	if text != "" {
		body = strings.NewReader(text)
	}
	if rf.method == "" {
		// -d "" is a body too, an empty one: a script's -d "$payload"
		// posts whatever the payload holds.
		rf.method = http.MethodGet
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "d" {
				rf.method = http.MethodPost
			}
		})
	}
	sess, tok, err := obtain(ctx, e, c, nil, tt)
	if err != nil {
		return err
	}
	// The library's own recovery from a 401 would renew with the session's
	// refresh method, which for fresh cached tokens is a guess that a
	// client with refresh-token rotation refuses; obtain renews the way it
	// renews a due token, trying both, and caches the result (rotation
	// retires the cached refresh token).
	opts := cognitosrp.Options{TokenType: tt, Header: rf.authHeader, NoRetryOnUnauthorized: true}
	if strings.EqualFold(rf.authHeader, "Authorization") {
		opts.HeaderPrefix = "Bearer "
	}
	auth, err := sendingAuth(sess, opts, tok)
	if err != nil {
		return err
	}
	rctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, rf.method, target.String(), body)
	if err != nil {
		return usagef("%v", err)
	}
	for _, h := range extra {
		if strings.EqualFold(h.name, "Host") {
			// net/http sends req.Host and ignores the header map's.
			req.Host = h.value
			continue
		}
		req.Header.Add(h.name, h.value)
	}
	if _, given := req.Header["Content-Type"]; !given && json.Valid([]byte(text)) {
		// Without a type, many APIs (Express's, FastAPI's, Spring's)
		// ignore or refuse a JSON body: the -d @body.json example of
		// the command's README.md failed against them. Other bodies go
		// untyped, as before; an
		// empty -H 'Content-Type:' is sent as it is, empty (net/http
		// writes the header with no value).
		req.Header.Set("Content-Type", "application/json")
	}
	// Sent all the same, as curl sends it: an API in the next container
	// (http://api:8080) is the usual case.
	warnPlainHTTP(e, "request", target, "the token goes to")
	resp, err := apiClient(auth, extra).Do(req)
	// refused: the API refused the very token (a hop on another origin
	// gets none, nor a -H header of its name: see apiClient).
	refused := err == nil && resp.StatusCode == http.StatusUnauthorized &&
		resp.Request.Header.Get(auth.HeaderName()) == opts.HeaderPrefix+tok.Token(tt)
	// After a redirect (net/http sets Request.Response then) the first hop
	// was answered, and sending the request again could repeat what it did
	// (a 303 after a POST says it was done): the tokens are renewed after
	// the response is shown, for the next run, and the request is not sent
	// again.
	renewOnly := refused && resp.Request.Response != nil
	if refused && !renewOnly {
		// Renew (obtain caches what it gets, or says why there is none)
		// and send the request once more; the body is a string, which
		// GetBody gives again.
		resp.Body.Close()
		if sess, tok, err = obtain(rctx, e, c, tok, tt); err != nil {
			return err
		}
		if auth, err = sendingAuth(sess, opts, tok); err != nil {
			return err
		}
		r2 := req.Clone(rctx)
		if req.GetBody != nil {
			r2.Body, _ = req.GetBody()
		}
		resp, err = apiClient(auth, extra).Do(r2)
	}
	if errors.Is(err, cognitosrp.ErrLoginRequired) {
		// sendingAuth renews nothing, and obtain's token was not due: it
		// went stale while redirects were followed.
		return errStaleDuringRequest
	}
	if err != nil {
		return apiError(err, target)
	}
	defer resp.Body.Close()
	// The status line and the headers are the server's text on the
	// user's terminal; the body is the output asked for.
	fmt.Fprintf(e.stderr, "%s %s\n", resp.Proto, terminalText(resp.Status))
	if rf.include {
		h := resp.Header.Clone()
		for _, vs := range h {
			for i, v := range vs {
				vs[i] = terminalText(v)
			}
		}
		h.Write(e.stderr)
		fmt.Fprintln(e.stderr)
	}
	if _, err := io.Copy(e.stdout, bodyReader{resp.Body}); err != nil {
		return fmt.Errorf("reading the response: %w", apiError(err, target))
	}
	if renewOnly {
		// Still exit 3, the API's answer, whatever the renewal does: a
		// script that retries on 4 (the renewal's network error, say)
		// would send the request again.
		if _, _, err := obtain(rctx, e, c, tok, tt); err != nil {
			fmt.Fprintln(e.stderr, "the API refused the token after a redirect, and renewing it failed:", describe(err))
		} else {
			fmt.Fprintln(e.stderr, "the API refused the token after a redirect: the tokens are renewed, the request is not sent again")
		}
	}
	if resp.StatusCode >= 400 {
		return &httpStatusError{status: resp.StatusCode}
	}
	return nil
}

// sendingAuth returns an Auth, configured by opts, that sends tok through
// sess (obtain's session, which holds no password and has learnt Cognito's
// clock) and never calls Cognito. Renewals go through obtain, which caches
// what it gets: a renewal inside the request (ahead of time, in the
// background, once the token enters its renewal window, say while a
// redirect is followed) would retire the cached refresh token, with
// refresh-token rotation, and leave the next run a refused one. So the
// session keeps no refresh token, and can renew nothing.
func sendingAuth(sess *cognitosrp.Session, opts cognitosrp.Options, tok *cognitosrp.Tokens) (*cognitosrp.Auth, error) {
	sending := *tok
	sending.RefreshToken = ""
	sess.SetTokens(&sending)
	opts.Session = sess
	auth, err := cognitosrp.New(opts)
	if err != nil {
		return nil, &usageError{msg: err.Error()}
	}
	return auth, nil
}

// apiClient returns the client that sends request's request through auth:
// auth's, following redirects as net/http does by default, but refusing a
// hop with a *redirectError. net/http refuses a redirect loop or a hop to
// another scheme with an error of no type in the *url.Error of a network
// failure: they were taken for one (exit status 4, "network error"), and a
// script retried a request that fails the same way every time.
//
// A hop to another origin, and every hop after it, goes without the -H
// headers (extra) but those that describe the content wanted or sent
// (keptAcrossOrigins). net/http copies every header of the first request
// to each hop, keeping off only Authorization, Cookie and WWW-Authenticate
// on a hop to another domain: a credential in a header of another name
// (API Gateway's x-api-key, sent with the token) went to whatever host
// the API redirected to, which the token itself does not (Auth).
func apiClient(auth *cognitosrp.Auth, extra []header) *http.Client {
	c := auth.Client()
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := checkRedirect(req, via); err != nil {
			return err
		}
		if leftOrigin(req, via) {
			for _, h := range extra {
				if !keptAcrossOrigins(h.name) {
					req.Header.Del(h.name)
				}
			}
		}
		return nil
	}
	return c
}

// leftOrigin reports whether req, a redirect, or a hop before it (via[1:])
// goes to another scheme, host or port than the first request, via[0].
// Hosts compare byte for byte but for the case of ASCII letters: a pair
// that differs otherwise counts as two origins, which at worst keeps a
// header off.
func leftOrigin(req *http.Request, via []*http.Request) bool {
	origin := func(u *url.URL) string {
		host := u.Host
		switch {
		case u.Scheme == "https":
			host = strings.TrimSuffix(host, ":443")
		case u.Scheme == "http":
			host = strings.TrimSuffix(host, ":80")
		}
		return u.Scheme + "://" + asciiLower(host)
	}
	first := origin(via[0].URL)
	for _, hop := range append(via[1:len(via):len(via)], req) {
		if origin(hop.URL) != first {
			return true
		}
	}
	return false
}

// asciiLower returns s with its ASCII upper-case letters in lower case,
// and nothing else changed.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// keptAcrossOrigins reports whether the -H header name follows a redirect
// to another origin: the headers that say what content is wanted or sent,
// which hold no credential; Accept-Encoding's, kept, still has the body
// written as it came.
func keptAcrossOrigins(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Accept", "Accept-Encoding", "Accept-Language", "Content-Type", "Content-Language", "User-Agent":
		return true
	}
	return false
}

// maxRedirects is how many redirects net/http's Client follows by default.
const maxRedirects = 10

// checkRedirect is net/http's default redirect policy, refusing with a
// *redirectError; net/http's transport would also refuse a scheme other
// than http and https.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return &redirectError{"stopped after " + strconv.Itoa(maxRedirects) + " redirects"}
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return &redirectError{"redirected to a URL that is not http:// or https://"}
	}
	return nil
}

// redirectError is a redirect of the API's that request does not follow
// (see checkRedirect): no network failure, and it does not pass.
type redirectError struct{ reason string }

func (e *redirectError) Error() string { return e.reason }

// errStaleDuringRequest: the token stopped being usable during the
// request (see sendingAuth).
var errStaleDuringRequest = errors.New("the token expired while the request followed redirects; run the command again")

// apiError returns err, or when it is the end of -timeout, an error that
// names the API's host: describe would blame Cognito, whose calls were
// over before the request was sent. A URL that net/http's error quotes
// loses its query and fragment: an API key or a presigned URL's
// signature there would otherwise reach the terminal, or a CI log, with
// every network error (net/http hides only the password).
func apiError(err error, target *url.URL) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return &apiTimeout{host: target.Host}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		// Cut, not parsed and written again: url.URL's String escapes
		// the "***" net/http writes for a password to "%2A%2A%2A". In
		// the text of a URL, '?' and '#' only begin its query and its
		// fragment (String escapes them in the user info and the path),
		// except in a user name that net/http writes back unescaped
		// before the "***": there the cut comes early, which loses the
		// host from the quote but keeps no secret.
		if i := strings.IndexAny(ue.URL, "?#"); i >= 0 {
			ue.URL = ue.URL[:i]
		}
	}
	return err
}

// apiTimeout reports the end of -timeout while request waited for the API.
// It does not wrap context.DeadlineExceeded, which describe takes for
// Cognito's; the exit status is the same (tryLater).
type apiTimeout struct{ host string }

func (a *apiTimeout) Error() string { return "timed out waiting for " + a.host + " (see -timeout)" }

// bodyReader reads the API's response and marks its errors as
// *bodyError: the body cut short (an HTTP/1.1 connection closed early, an
// HTTP/2 stream reset) is the network's failure, though net/http says so
// with no net.Error (io.ErrUnexpectedEOF, an unexported stream error).
// Errors writing the body out are not the reader's: io.Copy returns them
// as they are.
type bodyReader struct{ r io.Reader }

func (b bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && err != io.EOF {
		err = &bodyError{err}
	}
	return n, err
}

// bodyError is an error reading the API's response (see bodyReader).
type bodyError struct{ err error }

func (e *bodyError) Error() string { return e.err.Error() }
func (e *bodyError) Unwrap() error { return e.err }

// maxBody bounds the body -d @FILE and -d @- read, which request holds in
// memory, to send it again after a 401: over six times the 10 MB that
// Amazon API Gateway, the usual API behind a user pool, takes in a
// request, and little enough for a small container to hold. A larger
// upload is no job for a command that reads it whole; a file larger than
// that given by mistake (a disk image, < /dev/zero) failed only once it
// had filled the memory.
const maxBody = 64 << 20

// requestBody returns the body -d gives ("" for none): the text itself, a
// file (@FILE) or standard input (@-), of at most maxBody bytes.
func requestBody(ctx context.Context, e *env, data string) (string, error) {
	switch {
	case data == "@-":
		b, err := readBounded(ctx, e.openStdin, maxBody, false)
		if errors.Is(err, errTooLarge) {
			return "", usagef("-d @-: standard input holds more than %d MiB, the most request sends", maxBody>>20)
		}
		if err != nil {
			return "", fmt.Errorf("reading the body from standard input: %w", err)
		}
		return string(b), nil
	case strings.HasPrefix(data, "@"):
		// A named pipe (or -d @<(…)) waits for its writer like standard
		// input does, and must end on a signal as well.
		b, err := readBounded(ctx, openFile(data[1:]), maxBody, false)
		if ctx.Err() != nil {
			return "", fmt.Errorf("reading the body from %s: %w", data[1:], ctx.Err())
		}
		if errors.Is(err, errTooLarge) {
			return "", usagef("-d: %s holds more than %d MiB, the most request sends", data[1:], maxBody>>20)
		}
		if err != nil {
			return "", usagef("-d: %v", err)
		}
		return string(b), nil
	}
	return data, nil
}

// warnPlainHTTP warns on standard error, as command cmd, when u is a plain
// http URL to another machine: what (a subject and verb, "the token goes
// to") then crosses a network in clear, for anyone on the way (or the
// proxy HTTP_PROXY names) to read, and a token to use until it expires.
// A warning, not a refusal: over loopback nothing crosses a network, and
// a service in the next container (http://api:8080, an emulator at
// http://cognito:9229) is the usual case of the others.
func warnPlainHTTP(e *env, cmd string, u *url.URL, what string) {
	if u.Scheme == "http" && !loopbackHost(u.Hostname()) {
		fmt.Fprintf(e.stderr, "cognito-srp %s: warning: %s %s over plain http, readable on the way; use https\n", cmd, what, terminalText(u.Host))
	}
}

// loopbackHost reports whether host, a URL's host name without its port,
// names this machine: localhost or a loopback address, whose traffic
// never leaves it.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}
