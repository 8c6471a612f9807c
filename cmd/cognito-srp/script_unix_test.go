// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build unix

package main

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"syscall"
	"testing"

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
	for k, v := range s.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
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
