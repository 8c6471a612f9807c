// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"bufio"
	"go/doc/comment"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEEmulateUsers: the command's README.md runs emulate
// with -users, says that without it the pool has no user, and shows a
// users file; that file, as written there, makes a pool whose user logs in
// with token, pointed at it by the export lines emulate prints (which name
// the variables the README lists). A newcomer who copied the emulate line
// without -users got a pool whose every login failed.
func TestREADMEEmulateUsers(t *testing.T) {
	t.Parallel()
	shell := readmeShell(t)
	if !regexp.MustCompile(`(?m)^cognito-srp emulate .*-users users\.json`).MatchString(shell) {
		t.Error(`the command's README.md runs emulate without -users users.json`)
	}
	m := regexp.MustCompile("such as `(\\[.*?\\])`").FindStringSubmatch(strings.Join(strings.Fields(shell), " "))
	if m == nil {
		t.Fatal(`the command's README.md shows no users file ("such as ` + "`[…]`" + `")`)
	}
	users := filepath.Join(t.TempDir(), "users.json")
	if err := os.WriteFile(users, []byte(m[1]), 0o600); err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`"Username": "([^"]*)"`).FindStringSubmatch(m[1])
	password := regexp.MustCompile(`"Password": "([^"]*)"`).FindStringSubmatch(m[1])
	if name == nil || password == nil {
		t.Fatalf("README's users file %s has no Username or Password", m[1])
	}

	_, _, stdout, _ := startEmulate(t, "-users", users, "-quiet")
	s := newSandbox(t)
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "export ")
		if !ok {
			continue
		}
		for _, kv := range strings.Fields(rest) {
			k, v, _ := strings.Cut(kv, "=")
			s.env[k] = v
			if !strings.Contains(shell, "`"+k+"`") {
				t.Errorf("emulate exports %s, which the README's sentence does not name", k)
			}
		}
		break
	}
	s.env["COGNITO_USERNAME"], s.env["COGNITO_PASSWORD"] = name[1], password[1]
	s.run("token", "-no-cache").want(t, exitOK)
}

// readmeShell returns the command's README.md, which the main README's
// "From a shell" section links to for the command's quick start and
// examples (it was that section until they moved here, so the tests that
// read it hold the same text). It fails the test if the main README no
// longer links to it, as a reader of the library's page would not find
// it, or if it does not link to the reference, the package doc on
// pkg.go.dev, which it leaves the details to.
func readmeShell(t *testing.T) string {
	t.Helper()
	main, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, shell, _ := strings.Cut(string(main), "\n### From a shell\n")
	shell, _, _ = strings.Cut(shell, "\n## ")
	if !strings.Contains(shell, "](cmd/cognito-srp/README.md)") {
		t.Error(`README.md's "From a shell" does not link to cmd/cognito-srp/README.md`)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "](https://pkg.go.dev/github.com/gocognito/cognitosrp/cmd/cognito-srp)") {
		t.Error("the command's README.md does not link to its reference on pkg.go.dev")
	}
	return string(readme)
}

// packageDocText returns the command's package doc, the reference that
// go doc and pkg.go.dev show.
func packageDocText(t *testing.T) string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil || f.Doc == nil {
		t.Fatalf("main.go holds no package doc: %v", err)
	}
	return f.Doc.Text()
}

// packageDoc returns packageDocText with its white space folded to single
// spaces.
func packageDoc(t *testing.T) string {
	return strings.Join(strings.Fields(packageDocText(t)), " ")
}

// TestREADMEReferenceAnchors: each link of the READMEs to a section of
// the reference (pkg.go.dev/...cmd/cognito-srp#hdr-...) names a heading
// the package doc has, by the ID pkg.go.dev gives it (go/doc/comment's
// default): a heading renamed or dropped leaves a link that lands at
// the top of a long page, and nothing else would notice.
func TestREADMEReferenceAnchors(t *testing.T) {
	ids := map[string]bool{}
	for _, b := range new(comment.Parser).Parse(packageDocText(t)).Content {
		if h, ok := b.(*comment.Heading); ok {
			ids[h.DefaultID()] = true
		}
	}
	link := regexp.MustCompile(`\(https://pkg\.go\.dev/github\.com/gocognito/cognitosrp/cmd/cognito-srp#([^)]*)\)`)
	n := 0
	for _, name := range []string{"README.md", "../../README.md"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			n++
			if !ids[m[1]] {
				t.Errorf("%s links to #%s of the reference, which has no such heading", name, m[1])
			}
		}
	}
	if n == 0 {
		t.Error("no README links to a section of the reference; update this test")
	}
}

// TestREADMEQuickStartNamesEveryCommand: the command's README opens with
// every command in its quick start, so a reader who stops there knows
// them all. It once lacked demo, the one that needs no pool.
func TestREADMEQuickStartNamesEveryCommand(t *testing.T) {
	// Without its end the quick start would be the whole README, where a
	// command dropped from it may still be named further down.
	_, quick, ok := strings.Cut(readmeShell(t), "\n## Quick start\n")
	quick, _, ok1 := strings.Cut(quick, "\n## ")
	_, list, ok2 := strings.Cut(usageText, "commands:\n")
	if !ok || !ok1 || !ok2 {
		t.Fatalf(`README.md has no "## Quick start" heading (%t), or no heading after it (%t), or the usage text no "commands:" list (%t); update this test`, ok, ok1, ok2)
	}
	list, _, _ = strings.Cut(list, "\n\n")
	for _, line := range strings.Split(list, "\n") {
		name := strings.Fields(line)[0]
		if !strings.Contains(quick, "cognito-srp "+name+" ") {
			t.Errorf("README.md's quick start has no line for %q", name)
		}
	}
}
