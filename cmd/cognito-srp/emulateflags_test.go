// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// emulateFlags returns the names of emulate's flags, as "emulate -h"
// lists them.
func emulateFlags(t *testing.T) []string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	if code := run(context.Background(), e, []string{"emulate", "-h"}); code != exitOK {
		t.Fatalf("emulate -h: exit %d: %s", code, stderr.String())
	}
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(stderr.String(), -1) {
		names = append(names, m[1])
	}
	if len(names) == 0 {
		t.Fatalf("emulate -h lists no flags: %q", stderr.String())
	}
	return names
}

// TestREADMEEmulateFlags: every flag "emulate -h" lists is named in the
// README's "From a shell" section, and its list of emulate's flags names
// none that emulate lacks. The section named three of fifteen flags, so a
// reader could not tell that the pool could rotate refresh tokens, track
// devices or have a client secret without running emulate -h.
func TestREADMEEmulateFlags(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, shell, _ := strings.Cut(string(readme), "\n### From a shell\n")
	shell, _, _ = strings.Cut(shell, "\n### ")
	flags := emulateFlags(t)
	for _, name := range flags {
		// "`-rotation`" is not named by "`-rotation-grace`".
		if !regexp.MustCompile("[` ]-" + regexp.QuoteMeta(name) + "[` ]").MatchString(shell) {
			t.Errorf("README's \"From a shell\" does not name emulate's flag -%s", name)
		}
	}
	_, list, ok := strings.Cut(shell, "(`cognito-srp emulate -h` lists them all):\n\n")
	if !ok {
		t.Fatal(`README's "From a shell" has no list of emulate's flags`)
	}
	list, _, _ = strings.Cut(list, "\n\n")
	for _, m := range regexp.MustCompile("`-([a-z-]+)").FindAllStringSubmatch(list, -1) {
		if !slices.Contains(flags, m[1]) {
			t.Errorf("README lists -%s among emulate's flags; emulate -h does not", m[1])
		}
	}
}
