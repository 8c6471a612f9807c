// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// testFunc is a test, example, benchmark or fuzz function of the module.
type testFunc struct {
	file string // base name of the file that declares it
	body string // its source, from func to the closing brace's line
}

// moduleTestFuncs returns the test, example, benchmark and fuzz functions
// of the module's packages by name.
func moduleTestFuncs(t *testing.T) map[string]testFunc {
	t.Helper()
	funcs := map[string]testFunc{}
	decl := regexp.MustCompile(`(?m)^func ((?:Test|Example|Benchmark|Fuzz)\w*)\(`)
	for _, dir := range []string{".", "cognitotest", "cmd/cognito-srp"} {
		files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, file := range files {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range decl.FindAllSubmatchIndex(src, -1) {
				body, _, _ := strings.Cut(string(src[m[0]:]), "\n}\n")
				funcs[string(src[m[2]:m[3]])] = testFunc{filepath.Base(file), body}
			}
		}
	}
	return funcs
}

// TestSecurityNamesTests: every test, example, benchmark and fuzz target
// that SECURITY.md names as evidence is a function of the module, as
// TestREADMENamesTests checks for README.md.
func TestSecurityNamesTests(t *testing.T) {
	doc, err := os.ReadFile("SECURITY.md")
	if err != nil {
		t.Fatal(err)
	}
	funcs := moduleTestFuncs(t)
	for _, name := range regexp.MustCompile(`\b(?:Test|Example|Benchmark|Fuzz)[A-Z_]\w*`).FindAll(doc, -1) {
		if _, ok := funcs[string(name)]; !ok {
			t.Errorf("SECURITY.md names %s, which no test file declares", name)
		}
	}
}

// TestSecurityListsFuzzTargets: SECURITY.md's Fuzzing section names every
// fuzz target of the module, says which have no seeds in their code
// (f.Add), and gives the executions .ci/fuzz.sh runs them for. The
// section had fallen behind: it said 50,000 executions after CI went to
// 30,000, named one target seeded only from testdata where four are, and
// left out FuzzClientAnswer and FuzzFirstLine.
func TestSecurityListsFuzzTargets(t *testing.T) {
	doc, err := os.ReadFile("SECURITY.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "\n## Fuzzing\n")
	section, _, _ = strings.Cut(section, "\n## ")
	section = strings.Join(strings.Fields(section), " ") // line breaks as spaces
	list, budget, ok2 := strings.Cut(section, "CI runs each for ")
	_, seedless, ok3 := strings.Cut(list, "(`f.Add`) but")
	seedless, _, ok4 := strings.Cut(seedless, "whose seeds are all in")
	if !ok || !ok2 || !ok3 || !ok4 {
		t.Fatal("SECURITY.md's Fuzzing section no longer reads \"… (`f.Add`) but …, whose seeds are all in … CI runs each for N executions\"; update this test with it")
	}
	targets := 0
	for name, fn := range moduleTestFuncs(t) {
		if !strings.HasPrefix(name, "Fuzz") {
			continue
		}
		targets++
		quoted := "`" + name + "`"
		if !strings.Contains(list, quoted) {
			t.Errorf("SECURITY.md's list of fuzz targets leaves out %s", name)
		}
		if seeded := strings.Contains(fn.body, "f.Add("); seeded == strings.Contains(seedless, quoted) {
			t.Errorf("SECURITY.md: %s seeded in its code: %t; its list of targets seeded only from testdata says otherwise", name, seeded)
		}
	}
	if targets == 0 {
		t.Fatal("found no fuzz targets")
	}

	script, err := os.ReadFile(".ci/fuzz.sh")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`fuzztime="\$\{FUZZTIME:-(\d+)x\}"`).FindSubmatch(script)
	if m == nil {
		t.Fatal(".ci/fuzz.sh no longer sets its default budget as fuzztime=\"${FUZZTIME:-Nx}\"; update this test")
	}
	if n := thousands(string(m[1])); !strings.HasPrefix(budget, n+" executions") {
		t.Errorf("SECURITY.md says CI runs each fuzz target for %.20q…; .ci/fuzz.sh runs %s executions", budget, n)
	}
	// A target given a budget of its own and named in that sentence is
	// named with it.
	for _, o := range regexp.MustCompile(`(Fuzz\w+)\) n=(\d+)x ;;`).FindAllSubmatch(script, -1) {
		_, after, found := strings.Cut(budget, "`"+string(o[1])+"`")
		if !found {
			continue
		}
		if i := strings.Index(after, "`Fuzz"); i >= 0 {
			after = after[:i]
		}
		if n := thousands(string(o[2])); !strings.Contains(after, "for "+n) {
			t.Errorf("SECURITY.md gives %s a fuzzing budget other than .ci/fuzz.sh's %s executions: %q", o[1], n, after)
		}
	}
}

// thousands writes the decimal number n with a comma every three digits,
// as the docs do ("30,000").
func thousands(n string) string {
	if _, err := strconv.Atoi(n); err != nil {
		return n
	}
	for i := len(n) - 3; i > 0; i -= 3 {
		n = n[:i] + "," + n[i:]
	}
	return n
}
