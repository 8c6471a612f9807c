// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"bytes"
	"context"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestEnvironmentDocumented: every COGNITO_ variable the command reads is
// named by "cognito-srp help" and by the command's README.md,
// as the command's issue asks ("document the names"). The list is taken
// from what a login reads, so a variable added to the code and not to the
// documents, or renamed in one of them, fails here.
func TestEnvironmentDocumented(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	var mu sync.Mutex
	var read []string
	vars := map[string]string{
		"COGNITO_USER_POOL_ID": srv.PoolID(), "COGNITO_CLIENT_ID": srv.ClientID(),
		"COGNITO_ENDPOINT": srv.Endpoint(), "COGNITO_USERNAME": "alice", "COGNITO_PASSWORD": "pw-alice-123",
	}
	getenv := func(k string) string {
		mu.Lock()
		defer mu.Unlock()
		if strings.HasPrefix(k, "COGNITO_") && !slices.Contains(read, k) {
			read = append(read, k)
		}
		return vars[k]
	}
	var stdout, stderr bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, getenv: getenv}
	if code := run(context.Background(), e, []string{"token", "-no-cache"}); code != exitOK {
		t.Fatalf("token: exit %d: %s", code, stderr.String())
	}
	for _, want := range []string{"COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID", "COGNITO_CLIENT_SECRET", "COGNITO_USERNAME", "COGNITO_PASSWORD"} {
		if !slices.Contains(read, want) {
			t.Errorf("token did not read %s (read %q)", want, read)
		}
	}
	stdout.Reset()
	if code := run(context.Background(), &env{stdout: &stdout, stderr: &stderr, getenv: getenv}, []string{"help"}); code != exitOK {
		t.Fatalf("help: exit %d", code)
	}
	help := strings.Join(strings.Fields(stdout.String()), " ")
	shell := readmeShell(t)
	for _, name := range read {
		// The whole name: COGNITO_REGION does not name COGNITO_REG, nor
		// COGNITO_USERNAME COGNITO_USER.
		named := regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\b`)
		if !named.MatchString(help) {
			t.Errorf("cognito-srp help does not name %s, which the command reads", name)
		}
		if !named.MatchString(shell) {
			t.Errorf("the command's README.md does not name %s, which the command reads", name)
		}
	}
}
