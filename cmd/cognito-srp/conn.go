// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gocognito/cognitosrp"
)

// connFlags are the flags that say where and as whom to log in. Each of
// registerTarget's has an environment variable that applies when the flag
// is not given; the password has its variable and no flag.
type connFlags struct {
	poolID, clientID, region, username, endpoint string
	passwordStdin, noCache, noDevice             bool
	timeout                                      time.Duration
}

func (c *connFlags) register(fs *flag.FlagSet) {
	c.registerTarget(fs)
	fs.BoolVar(&c.passwordStdin, "password-stdin", false, "read the password from the first line of standard input (else env COGNITO_PASSWORD)")
	fs.BoolVar(&c.noCache, "no-cache", false, "neither read nor write the token cache, nor keep a device (see -no-device)")
	fs.BoolVar(&c.noDevice, "no-device", false, "keep no device (by default the cache keeps the one Cognito issues, named cognito-srp): a pool with device tracking then renews no token, nor skips MFA")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "how long to wait for Cognito, and for request's whole response, body included")
}

// registerTarget registers the flags that name the pool, the app client
// and the user, and so the token cache's files.
func (c *connFlags) registerTarget(fs *flag.FlagSet) {
	fs.StringVar(&c.poolID, "pool-id", "", "user pool id, region_name (env COGNITO_USER_POOL_ID)")
	fs.StringVar(&c.clientID, "client-id", "", "app client id (env COGNITO_CLIENT_ID)")
	fs.StringVar(&c.region, "region", "", "region (env COGNITO_REGION; default: from the pool id)")
	fs.StringVar(&c.username, "username", "", "user name, e-mail or phone (env COGNITO_USERNAME)")
	fs.StringVar(&c.endpoint, "endpoint", "", "Cognito endpoint URL, e.g. an emulator (env COGNITO_ENDPOINT); plain http to another machine gets a warning")
}

// connection is a resolved connFlags.
type connection struct {
	poolID, clientID, clientSecret, region, username, endpoint string
	password                                                   string
	noCache, noDevice                                          bool
	timeout                                                    time.Duration
	// httpClient is nil in the command (the library's default); tests
	// set it to see or cut the calls to Cognito.
	httpClient *http.Client
}

// String describes the connection without its secrets.
func (c connection) String() string {
	return fmt.Sprintf("connection{pool %s, client %s, user %s}", c.poolID, c.clientID, c.username)
}

// Format prints String for every verb: without it, %#v (and any verb on a
// value) would print the fields, password and client secret included.
func (c connection) Format(f fmt.State, verb rune) { io.WriteString(f, c.String()) }

// resolve fills each setting from its flag or its environment variable
// and reads the password. A missing setting is a usage error that names
// both ways to give it. An endpoint of plain http to another machine
// gets warnPlainHTTP's warning, as command cmd's.
func (c *connFlags) resolve(ctx context.Context, e *env, cmd string) (*connection, error) {
	// setting is a flag's value, or else its variable's, without the line
	// break a value read from a file keeps (a Kubernetes secret made with
	// --from-file, a CI variable pasted with its newline, -username
	// "$(cat f)" on Windows), nor the UTF-8 byte order mark a file saved
	// by a Windows editor starts with (PowerShell 5.1's Set-Content
	// -Encoding UTF8, say), as -password-stdin's line loses both: none of
	// these values can hold one, and Cognito would answer "Incorrect
	// username or password" for a password or a pool id, a failure toward
	// the user's lockout, and "User does not exist" for a username. An
	// empty variable counts as unset.
	setting := func(flag, name string) string {
		return strings.TrimPrefix(strings.TrimRight(cmp.Or(flag, e.getenv(name)), "\r\n"), bom)
	}
	conn := &connection{
		poolID:       setting(c.poolID, "COGNITO_USER_POOL_ID"),
		clientID:     setting(c.clientID, "COGNITO_CLIENT_ID"),
		clientSecret: setting("", "COGNITO_CLIENT_SECRET"),
		region:       setting(c.region, "COGNITO_REGION"),
		username:     setting(c.username, "COGNITO_USERNAME"),
		endpoint:     setting(c.endpoint, "COGNITO_ENDPOINT"),
		noCache:      c.noCache,
		noDevice:     c.noDevice,
		timeout:      c.timeout,
	}
	for _, m := range []struct{ v, what, flag, env string }{
		{conn.poolID, "user pool id", "-pool-id", "COGNITO_USER_POOL_ID"},
		{conn.clientID, "app client id", "-client-id", "COGNITO_CLIENT_ID"},
		{conn.username, "username", "-username", "COGNITO_USERNAME"},
	} {
		if m.v == "" {
			return nil, usagef("missing %s: set %s or %s", m.what, m.flag, m.env)
		}
	}
	if region, name, ok := strings.Cut(conn.poolID, "_"); !ok || region == "" || name == "" {
		return nil, usagef("user pool id %q is not of the form region_name, such as us-east-1_AbC123", conn.poolID)
	}
	if c.timeout <= 0 {
		return nil, usagef("-timeout must be positive")
	}
	if u, err := url.Parse(conn.endpoint); err == nil {
		// The tokens Cognito issues, the refresh token that renews them
		// and the client secret's hash would cross a network in clear,
		// and whoever is on the way could answer as Cognito. A bad URL is
		// the library's to refuse.
		warnPlainHTTP(e, cmd, u, "the calls to Cognito, tokens included, go to")
	}
	if c.passwordStdin {
		if f, ok := e.stdin.(*os.File); ok && isTerminal(f) {
			// The command never prompts: on a terminal it sat silent, and
			// the password typed there showed as typed, in the scrollback
			// and in any recording of the screen. /dev/null (NUL on
			// Windows), the standard input of docker run without -i or of
			// a service, is a character device too: not called a terminal
			// by the message, which a password piped to docker would be.
			return nil, usagef("-password-stdin reads a pipe or a file, and standard input is a device (a terminal, where a password shows as typed, or /dev/null): pipe the password in, or set COGNITO_PASSWORD")
		}
		pw, err := readLine(ctx, e.stdin)
		if errors.Is(err, errUTF16) || errors.Is(err, errNotUTF8) || errors.Is(err, errLineTooLong) {
			return nil, usagef("-password-stdin: standard input holds %v", err)
		}
		if err != nil {
			return nil, fmt.Errorf("reading the password from standard input: %w", err)
		}
		if pw == "" {
			return nil, usagef("-password-stdin: standard input holds no password")
		}
		conn.password = pw
	} else {
		conn.password = setting("", "COGNITO_PASSWORD")
	}
	// A client secret read into the variable from a file ($(cat f)) that
	// is not UTF-8 is refused as a password is (see renewOrLogin): no app
	// client has it, and sign-out, whose RevokeToken it would fail, would
	// remove the cached tokens all the same.
	if err := notText(conn.clientSecret); err != nil {
		return nil, usagef("COGNITO_CLIENT_SECRET holds %v", err)
	}
	return conn, nil
}

// sessionConfig returns the library's configuration for the connection.
func (c *connection) sessionConfig() cognitosrp.Config {
	return cognitosrp.Config{
		UserPoolID:   c.poolID,
		ClientID:     c.clientID,
		ClientSecret: c.clientSecret,
		Region:       c.region,
		Endpoint:     c.endpoint,
		HTTPClient:   c.httpClient,
	}
}

// bom is the UTF-8 byte order mark that Windows editors put at the start
// of a file they save. It belongs to no password or JSON document, so
// input read from a file or a pipe drops it.
const bom = "\uFEFF"

// maxPasswordLine bounds the first line readLine takes, before its line
// feed: far longer than any password, and short enough to hold in memory.
const maxPasswordLine = 64 << 10

// readLine returns the first line of r without its line ending or a byte
// order mark; it fails with errUTF16 or errNotUTF8 as firstLine does, and
// with errLineTooLong when the line is longer than maxPasswordLine bytes.
// It reads no more than that: standard input without a line feed (a
// binary piped by mistake, < /dev/zero) was read whole into memory, and
// one that never ended filled it.
func readLine(ctx context.Context, r io.Reader) (string, error) {
	line, err := readBounded(ctx, func() (io.ReadCloser, error) { return io.NopCloser(r), nil }, maxPasswordLine, true)
	if err != nil {
		return "", err
	}
	return firstLine(line)
}

// readBounded returns what the reader open returns holds, or with line
// its first line, line feed included, reading no more than limit bytes of
// it (and a buffer's worth past a line feed): it fails with
// errLineTooLong (line) or errTooLarge when there is more. It is the
// command's one reader of input it does not control, standard input and
// the files flags name (-d @FILE, -H @FILE, -client-secret-file, emulate's
// -users), none of which should end the process by filling its memory
// (< /dev/zero, a disk image given by mistake). It reads as readInput does, ending with ctx,
// and calls open there too: opening a named pipe (-d @<(…)) waits for its
// writer. It closes what open returns.
func readBounded(ctx context.Context, open func() (io.ReadCloser, error), limit int, line bool) ([]byte, error) {
	return readInput(ctx, func() ([]byte, error) {
		rc, err := open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		r := io.LimitReader(rc, int64(limit)+1)
		if !line {
			b, err := io.ReadAll(r)
			if err == nil && len(b) > limit {
				err = errTooLarge
			}
			return b, err
		}
		b, err := bufio.NewReader(r).ReadBytes('\n')
		if err == io.EOF {
			err = nil
		}
		if err == nil && len(b) > limit && b[len(b)-1] != '\n' {
			err = errLineTooLong
		}
		return b, err
	})
}

// openFile returns a function that opens the file at path, for readBounded.
func openFile(path string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return os.Open(path) }
}

// openStdin is openFile for the command's standard input (-d @-, -H @-,
// claims): readBounded closes what open returns, and standard input is
// not the command's to close.
func (e *env) openStdin() (io.ReadCloser, error) { return io.NopCloser(e.stdin), nil }

// firstLine returns the first line of data without its line ending or a
// byte order mark: what readLine and a secret file's reader take. It
// refuses what is not UTF-8 text (errUTF16, errNotUTF8): a file that
// Windows PowerShell 5.1 wrote (echo pw > f, Out-File) is UTF-16, whose
// first "line" is the password's characters with NULs between them, and
// text in a Windows code page (cmd's echo pässword|) has other bytes than
// the password's UTF-8. Either is a password no user has, a failed login
// that counts toward the user's lockout, or a client secret no client has.
func firstLine(data []byte) (string, error) {
	text := string(data)
	if utf16Mark(text) {
		return "", errUTF16
	}
	line, _, _ := strings.Cut(text, "\n")
	line = strings.TrimPrefix(strings.TrimRight(line, "\r"), bom)
	if !utf8Text(line) {
		return "", errNotUTF8
	}
	return line, nil
}

// notText reports why s, a secret, is not UTF-8 text (nil if it is), with
// firstLine's refusals: errUTF16, errNotUTF8.
func notText(s string) error {
	switch {
	case utf16Mark(s):
		return errUTF16
	case !utf8Text(s):
		return errNotUTF8
	}
	return nil
}

// utf8Text reports whether s is UTF-8 without a NUL, which no password or
// client secret holds.
func utf8Text(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// utf16Mark reports whether s starts with a UTF-16 byte order mark.
func utf16Mark(s string) bool {
	return strings.HasPrefix(s, "\xff\xfe") || strings.HasPrefix(s, "\xfe\xff")
}

// firstLine's refusals, which follow "holds" in a message. They quote
// none of the input: it is a secret.
var (
	errUTF16   = errors.New("UTF-16 text (as Windows PowerShell 5.1 writes with > and Out-File): save it as UTF-8")
	errNotUTF8 = errors.New("text that is not UTF-8 (in a Windows code page?)")
	// errLineTooLong: standard input, or a file (a named pipe, a device),
	// may never end. Its text is for maxPasswordLine, the one limit of a
	// line that readBounded's callers give it.
	errLineTooLong = errors.New("a first line longer than " + strconv.Itoa(maxPasswordLine) + " bytes, which is no password or secret")
	// errTooLarge is readBounded's refusal of input larger than its limit,
	// which its caller names.
	errTooLarge = errors.New("input larger than its limit")
)
