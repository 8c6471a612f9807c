// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"go/ast"
	"go/parser"
	"go/token"
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
	seeded := map[string]bool{}
	for _, dir := range []string{".", "cognitotest", "cmd/cognito-srp"} {
		for name, ok := range seededFuzzTargets(t, parseTestFiles(t, dir)) {
			seeded[name] = ok
		}
	}
	targets := 0
	for name := range moduleTestFuncs(t) {
		if !strings.HasPrefix(name, "Fuzz") {
			continue
		}
		targets++
		quoted := "`" + name + "`"
		if !strings.Contains(list, quoted) {
			t.Errorf("SECURITY.md's list of fuzz targets leaves out %s", name)
		}
		if seeded := seeded[name]; seeded == strings.Contains(seedless, quoted) {
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

// parseTestFiles parses the test files of the package directory dir.
func parseTestFiles(t *testing.T, dir string) []*ast.File {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range names {
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return files
}

// seededFuzzTargets reports, for each fuzz target of files (the test
// files of one directory), whether its code adds seeds: whether it calls
// Add on its *testing.F, in its body or a function literal there, or
// passes that F to a function of its package that does (seeds(f), at any
// depth). A text search for "f.Add(" in the target's body took a comment
// or a string for a seed and missed a helper's seeds and an F named
// otherwise.
func seededFuzzTargets(t *testing.T, files []*ast.File) map[string]bool {
	t.Helper()
	type fn struct {
		adds  bool     // calls Add on one of its *testing.F parameters
		calls []string // functions it passes one of them to
	}
	funcs := map[string]*fn{} // by package and name: a directory holds x and x_test
	for _, file := range files {
		pkg := file.Name.Name + "."
		for _, d := range file.Decls {
			decl, ok := d.(*ast.FuncDecl)
			if !ok || decl.Recv != nil || decl.Body == nil {
				continue
			}
			fparams := map[string]bool{}
			for _, field := range decl.Type.Params.List {
				star, ok := field.Type.(*ast.StarExpr)
				if !ok {
					continue
				}
				if sel, ok := star.X.(*ast.SelectorExpr); !ok || sel.Sel.Name != "F" || !isIdent(sel.X, "testing") {
					continue
				}
				for _, n := range field.Names {
					fparams[n.Name] = true
				}
			}
			info := &fn{}
			funcs[pkg+decl.Name.Name] = info
			ast.Inspect(decl.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Add" {
					if id, ok := sel.X.(*ast.Ident); ok && fparams[id.Name] {
						info.adds = true
					}
				}
				if callee, ok := call.Fun.(*ast.Ident); ok {
					for _, arg := range call.Args {
						if id, ok := arg.(*ast.Ident); ok && fparams[id.Name] {
							info.calls = append(info.calls, pkg+callee.Name)
						}
					}
				}
				return true
			})
		}
	}
	// A function seeds if it adds, or passes its F to one that seeds:
	// repeated until nothing changes, as the calls may go several deep.
	for changed := true; changed; {
		changed = false
		for _, info := range funcs {
			for _, c := range info.calls {
				if callee := funcs[c]; !info.adds && callee != nil && callee.adds {
					info.adds, changed = true, true
				}
			}
		}
	}
	seeded := map[string]bool{}
	for key, info := range funcs {
		if _, name, _ := strings.Cut(key, "."); strings.HasPrefix(name, "Fuzz") {
			seeded[name] = info.adds
		}
	}
	return seeded
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// TestSeededFuzzTargets: seededFuzzTargets counts the seeds a fuzz
// target's code adds, directly or through a helper it passes its F to,
// and not the text "f.Add(" in a comment or a string.
func TestSeededFuzzTargets(t *testing.T) {
	// Indented, so that moduleTestFuncs, which reads declarations at the
	// start of a line, does not take these for the module's.
	const src = `package p

	import "testing"

	func FuzzDirect(f *testing.F) { f.Add(1); f.Fuzz(func(*testing.T, int) {}) }
	func FuzzRenamed(fz *testing.F) { fz.Add(1) }
	func FuzzLoop(f *testing.F) { for _, s := range []string{"a"} { f.Add(s) } }
	func FuzzClosure(f *testing.F) { add := func(s string) { f.Add(s) }; add("a") }
	func FuzzHelper(f *testing.F) { seed(f) }
	func FuzzDeepHelper(f *testing.F) { seedVia(f) }
	func FuzzComment(f *testing.F) {
		// Its seeds are in testdata: no f.Add( here.
		f.Fuzz(func(*testing.T, []byte) {})
	}
	func FuzzString(f *testing.F) { f.Skip("f.Add(") }
	func FuzzHelperNoSeed(f *testing.F) { skip(f) }
	func FuzzOtherAdd(f *testing.F) { var m map[int]int; _ = m; list.Add(1) }

	func seed(f *testing.F)    { f.Add("a") }
	func seedVia(g *testing.F) { seed(g) }
	func skip(f *testing.F)    { f.Skip() }
`
	file, err := parser.ParseFile(token.NewFileSet(), "p_test.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := seededFuzzTargets(t, []*ast.File{file})
	for name, want := range map[string]bool{
		"FuzzDirect": true, "FuzzRenamed": true, "FuzzLoop": true, "FuzzClosure": true, "FuzzHelper": true, "FuzzDeepHelper": true,
		"FuzzComment": false, "FuzzString": false, "FuzzHelperNoSeed": false, "FuzzOtherAdd": false,
	} {
		if seeded, ok := got[name]; !ok || seeded != want {
			t.Errorf("%s: seeded %t (found %t), want %t", name, seeded, ok, want)
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
