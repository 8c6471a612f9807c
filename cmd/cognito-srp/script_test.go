// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// binaryBody is a response or request body no text handling may touch:
// every byte value, a byte order mark and a CRLF at the start, no line
// break at the end, and longer than a pipe's buffer and than any round
// limit a copy might put on it (2 MiB and a few bytes).
func binaryBody() []byte {
	var b bytes.Buffer
	b.WriteString("\uFEFF\r\n")
	for b.Len() < 2<<20 {
		for i := range 256 {
			b.WriteByte(byte(i))
		}
	}
	b.WriteString("\x00\xff")
	return b.Bytes()
}

// TestScriptOutput: what the package doc promises a script. Standard
// output holds the token and one newline, or the response's body byte for
// byte, nothing added, whatever the status; the status line goes to
// standard error. A body from standard input (-d @-) reaches the API byte
// for byte. Nothing is read from standard input unless asked for.
func TestScriptOutput(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	body := binaryBody()
	api := httptest.NewServer(srv.RequireAccessToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/echo" {
			io.Copy(w, r.Body)
			return
		}
		w.WriteHeader(http.StatusInternalServerError)
		w.Write(body)
	})))
	defer api.Close()
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	s.stdin = "not for token\n" // never read: the password is in the variable

	r := s.run("token")
	r.want(t, exitOK)
	tok, ok := strings.CutSuffix(r.stdout, "\n")
	if !ok || strings.ContainsAny(tok, "\r\n \t") || r.stderr != "" {
		t.Errorf("token: stdout %q, stderr %q; want the token and a newline, and nothing on stderr", r.stdout, r.stderr)
	}
	if _, err := srv.VerifyAccessToken(tok); err != nil {
		t.Error(err)
	}

	r = s.run("request", api.URL+"/fail")
	r.want(t, exitHTTPServer)
	if r.stdout != string(body) {
		t.Errorf("request: the body of the 500 on stdout is not byte for byte (%d bytes, want %d)", len(r.stdout), len(body))
	}
	if r.stderr != "HTTP/1.1 500 Internal Server Error\n" {
		t.Errorf("request: stderr %q, want the status line alone", r.stderr)
	}

	s.stdin = string(body)
	r = s.run("request", "-d", "@-", api.URL+"/echo")
	r.want(t, exitOK)
	if r.stdout != string(body) {
		t.Errorf("request -d @-: the body did not make the round trip byte for byte (%d bytes, want %d)", len(r.stdout), len(body))
	}
}

// TestNoPromptOnOpenStdin: a CI job's standard input may be a pipe nobody
// writes to or closes. Without a password and without cached tokens the
// command fails at once, as the package doc says, rather than wait there
// for a password; with the password in the variable it never reads it.
func TestNoPromptOnOpenStdin(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	for _, c := range []struct {
		password string
		code     int
	}{{"", exitError}, {"pw-alice-123", exitOK}} {
		s := newSandbox(t).forServer(srv, "alice", c.password)
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		cmd := exec.CommandContext(ctx, binary, "token")
		cmd.Env = s.environ()
		stdin, err := cmd.StdinPipe() // left open
		if err != nil {
			t.Fatal(err)
		}
		out, _ := cmd.Output()
		stdin.Close()
		if ctx.Err() != nil || cmd.ProcessState.ExitCode() != c.code {
			t.Errorf("token with password %q and standard input open: exit %d (%v), stdout %q; want %d at once",
				c.password, cmd.ProcessState.ExitCode(), ctx.Err(), out, c.code)
		}
		cancel()
	}
}

// TestRequestGzipBody: a gzip-encoded body is written decoded, as the
// package doc says, unless -H Accept-Encoding asked for an encoding: then
// it is written byte for byte as it came (a .tar.gz a server labels with
// Content-Encoding stays one).
func TestRequestGzipBody(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	plain := strings.Repeat("hello, gzip\n", 100)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(plain))
	zw.Close()
	api := httptest.NewServer(srv.RequireAccessToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gz.Bytes())
	})))
	defer api.Close()
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	if r := s.run("request", api.URL); r.code != exitOK || r.stdout != plain {
		t.Errorf("request: exit %d, %d bytes on stdout; want the %d bytes decoded", r.code, len(r.stdout), len(plain))
	}
	if r := s.run("request", "-H", "Accept-Encoding: gzip", api.URL); r.code != exitOK || r.stdout != gz.String() {
		t.Errorf("request -H 'Accept-Encoding: gzip': exit %d, %d bytes on stdout; want the %d bytes as sent", r.code, len(r.stdout), gz.Len())
	}
}
