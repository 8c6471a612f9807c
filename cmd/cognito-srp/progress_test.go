// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestProgressOnTerminal: with stderr a terminal, the login says what it
// waits for, and says nothing else; the token goes to stdout.
func TestProgressOnTerminal(t *testing.T) {
	t.Parallel()
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: "pw-alice-123"}); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	e := progressEnv(srv, &stdout, &stderr)
	if code := run(context.Background(), e, []string{"token", "-no-cache"}); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if got := stderr.String(); got != "logging in as alice with SRP…\n" {
		t.Errorf("stderr %q, want the login's progress line", got)
	}
	if strings.Count(stdout.String(), ".") != 2 {
		t.Errorf("stdout %q is not a JWT", stdout.String())
	}
}

// TestProgressWithoutRefreshToken: cached tokens without a refresh token
// (expired here) are not renewed from one: the progress says the command
// logs in, and only that.
func TestProgressWithoutRefreshToken(t *testing.T) {
	srv := newEmulator(t, cognitotest.Config{})
	_, tok := expiredTokens(t, srv)
	tok.RefreshToken = ""
	cached(t, srv, tok)
	var stdout, stderr bytes.Buffer
	e := progressEnv(srv, &stdout, &stderr)
	if code := run(context.Background(), e, []string{"token"}); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if got := stderr.String(); got != "logging in as alice with SRP…\n" {
		t.Errorf("stderr %q, want the login's progress line", got)
	}
}

// progressEnv is the environment of a run on a terminal (progress on) as
// alice of srv, whose password is pw-alice-123, writing to stdout and
// stderr.
func progressEnv(srv *cognitotest.Server, stdout, stderr *bytes.Buffer) *env {
	vars := map[string]string{
		"COGNITO_USER_POOL_ID": srv.PoolID(), "COGNITO_CLIENT_ID": srv.ClientID(),
		"COGNITO_ENDPOINT": srv.Endpoint(), "COGNITO_USERNAME": "alice", "COGNITO_PASSWORD": "pw-alice-123",
	}
	return &env{stdin: strings.NewReader(""), stdout: stdout, stderr: stderr,
		getenv: func(k string) string { return vars[k] }, progress: true}
}
