// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestHeaderFile: -H @FILE and -H @- add the headers of a file or of
// standard input, one a line, as curl's -H @file does, so that an API key
// stays out of the command line (and the process list): a CRLF file with
// a byte order mark and blank lines reads as its headers, beside -H
// values of the command line. A line that is no header is refused by its
// number without being quoted, as are a file that holds no header, one
// larger than maxHeaderFile, and -H @- beside another reader of standard
// input; all before any call to Cognito. -H had no such form: the key
// had to be an argument.
func TestHeaderFile(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "key=%q test=%q accept=%q auth=%t", r.Header.Values("X-Api-Key"), r.Header.Get("X-Test"), r.Header.Get("Accept"), r.Header.Get("Authorization") != "")
	}))
	defer api.Close()
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	dir := t.TempDir()
	file := filepath.Join(dir, "headers")
	os.WriteFile(file, []byte(bom+"X-Api-Key: k3y-s3cret\r\n\r\n  \t\r\nX-Test:  yes \r\n"), 0o600)

	r := s.run("request", "-H", "@"+file, "-H", "Accept: text/plain", api.URL)
	r.want(t, exitOK)
	if want := `key=["k3y-s3cret"] test="yes" accept="text/plain" auth=true`; r.stdout != want {
		t.Errorf("-H @FILE: stdout %q, want %q", r.stdout, want)
	}
	s.stdin = "X-Api-Key: from-stdin\n"
	r = s.run("request", "-H", "@-", api.URL)
	r.want(t, exitOK)
	if want := `key=["from-stdin"] test="" accept="" auth=true`; r.stdout != want {
		t.Errorf("-H @-: stdout %q, want %q", r.stdout, want)
	}
	s.stdin = ""
	calls := srv.Calls("")

	os.WriteFile(file, []byte("X-Api-Key: k3y-s3cret\n\nnot a header s3cret\n"), 0o600)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-H", "@" + file}, "cognito-srp request: -H @" + file + ": line 3 is not 'Name: value'"},
		{[]string{"-H", "@" + filepath.Join(dir, "missing")}, "cognito-srp request: -H: open "},
		{[]string{"-H", "@" + sparseFile(t, maxHeaderFile+1)}, "holds more than 1 MiB of headers"},
		{[]string{"-H", "@-"}, "cognito-srp request: -H @-: standard input holds no header"},
		{[]string{"-H", "@-", "-d", "@-"}, "cognito-srp request: -d @- and -H @- cannot both read standard input"},
		{[]string{"-H", "@-", "-password-stdin"}, "cognito-srp request: -H @- and -password-stdin cannot both read standard input"},
		{[]string{"-H", "@-", "-H", "@-"}, "cognito-srp request: -H @- and -H @- cannot both read standard input"},
		{[]string{"-d", "@-", "-password-stdin"}, "cognito-srp request: -d @- and -password-stdin cannot both read standard input"},
	} {
		r := s.run(append(append([]string{"request"}, c.args...), api.URL)...)
		r.want(t, exitUsage, c.want)
		if strings.Contains(r.stderr, "s3cret") {
			t.Errorf("%q: the error quotes the file: %q", c.args, r.stderr)
		}
	}
	os.WriteFile(file, []byte("\r\n\n"), 0o600)
	s.run("request", "-H", "@"+file, api.URL).want(t, exitUsage, "-H @"+file+": "+file+" holds no header")
	if n := srv.Calls(""); n != calls {
		t.Errorf("%d calls to Cognito for refused headers", n-calls)
	}
}
