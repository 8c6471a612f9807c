// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestREADMECodeTypeChecks: every Go block of README.md type-checks against
// the package as it is now. The blocks are what users copy; a field, method
// or function renamed or given another signature in the code, and not in
// the README, would hand them code that does not compile, and no other test
// reads the README. A block is a fragment: it is checked inside a function
// that declares the variables the README leaves to the reader (ctx, opts,
// auth, …), and only errors that name no such loose end count.
func TestREADMECodeTypeChecks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the export data of the packages the README imports")
	}
	blocks := readmeGoBlocks(t)
	if len(blocks) < 10 {
		t.Fatalf("README.md has %d Go blocks; the usage section has more", len(blocks))
	}
	// The README's loose ends, with the types its text gives them.
	const loose = `
	var (
		ctx        context.Context
		opts       cognitosrp.Options
		auth       *cognitosrp.Auth
		client     *http.Client
		out        *cognitosrp.AuthOutput
		ws         interface{ SetHeader(name, value string) }
		t          *testing.T
		passwords  map[string]string
		askUser    func(destination string) string
		url, password, secret, totpSecret, newPassword, devicePath, cacheDir, token string
	)
	_, _, _, _, _, _, _, _, _ = ctx, opts, auth, client, out, ws, t, passwords, askUser
	_, _, _, _, _, _, _, _ = url, password, secret, totpSecret, newPassword, devicePath, cacheDir, token
`
	const imports = `import (
	"context"
	"errors"
	"log"
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)
`
	imp := importer.ForCompiler(token.NewFileSet(), "gc", exportData(t, imports))
	for _, b := range blocks {
		src := "package readme\n" + imports
		if regexp.MustCompile(`(?m)^(type|func) `).MatchString(b.code) {
			src += b.code // declarations
		} else {
			src += "func _() error {\n" + loose + "{\n" + b.code + "\n}\nreturn nil\n}\n"
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "README.go", src, 0)
		if err != nil {
			t.Errorf("README.md:%d: the Go block does not parse: %v", b.line, err)
			continue
		}
		var bad []string
		conf := types.Config{Importer: imp, Error: func(err error) {
			if msg := err.(types.Error).Msg; !looseEnd(msg) {
				bad = append(bad, msg)
			}
		}}
		conf.Check("readme", fset, []*ast.File{f}, nil)
		for _, msg := range bad {
			t.Errorf("README.md:%d: the Go block does not type-check: %s", b.line, msg)
		}
	}
}

// looseEnd reports whether a type checker's message is about what a README
// fragment leaves out (a variable of the reader's, a type the text
// describes) rather than about the package.
func looseEnd(msg string) bool {
	if strings.Contains(msg, "declared and not used") || strings.Contains(msg, "imported and not used") {
		return true
	}
	name, ok := strings.CutPrefix(msg, "undefined: ")
	return ok && !strings.Contains(name, ".") // retryTransport, not cognitosrp.X
}

// exportData returns an importer lookup that opens the compiler's export
// data of the packages that the import declaration imports, and of their
// dependencies, as go list -export builds them.
func exportData(t *testing.T, imports string) func(path string) (io.ReadCloser, error) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	args := []string{"list", "-export", "-deps", "-f", "{{.ImportPath}}={{.Export}}"}
	for _, m := range regexp.MustCompile(`"([^"]+)"`).FindAllStringSubmatch(imports, -1) {
		args = append(args, m[1])
	}
	out, err := exec.Command(goCmd, args...).Output()
	if err != nil {
		t.Fatalf("go list -export: %v", err)
	}
	files := map[string]string{}
	// One package a line: a file's path may hold spaces (a user's
	// directory on Windows or macOS, where the build cache is).
	for _, line := range strings.Split(string(out), "\n") {
		if path, file, ok := strings.Cut(strings.TrimRight(line, "\r"), "="); ok {
			files[path] = file
		}
	}
	return func(path string) (io.ReadCloser, error) {
		file, ok := files[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %q", path)
		}
		return os.Open(file)
	}
}

type readmeBlock struct {
	line int // of the opening fence
	code string
}

// readmeGoBlocks returns the Go blocks of README.md.
func readmeGoBlocks(t *testing.T) []readmeBlock {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var blocks []readmeBlock
	var cur *readmeBlock
	for i, line := range strings.Split(string(data), "\n") {
		switch {
		case cur == nil && line == "```go":
			cur = &readmeBlock{line: i + 1}
		case cur != nil && line == "```":
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			cur.code += line + "\n"
		}
	}
	return blocks
}

// TestREADMEPromises: the README keeps what the core and security issues
// asked of it: its sections; the main job on this machine without AWS as
// its first command; the test command, which .ci/run runs too; and a
// security section that says what is not verified (math/big's
// exponentiation is not constant-time) and how to report a problem.
func TestREADMEPromises(t *testing.T) {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	for _, h := range []string{"## Install", "## Try it", "## Usage", "## Security", "## Performance"} {
		if !strings.Contains(readme, "\n"+h+"\n") {
			t.Errorf("README.md has no %q section", h)
		}
	}
	commands := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(readme, -1)
	var run []string
	for _, c := range commands {
		run = append(run, strings.TrimSpace(c[1]))
	}
	// The first is go get; the main job comes next, then the tests.
	if len(run) < 3 || run[1] != "go run ./cmd/cognito-srp demo" || run[2] != "go test -race ./..." {
		t.Errorf("README.md's commands begin %q; want go get, the demo, then the tests", run[:min(3, len(run))])
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ci), "\n\tgo test -race ./...\n") {
		t.Error(".ci/run does not run the README's test command, go test -race ./...")
	}
	_, security, _ := strings.Cut(readme, "\n## Security\n")
	security, _, _ = strings.Cut(security, "\n## ")
	for _, want := range []string{"**Verified:**", "**Not verified:**", "`math/big`", "not constant-time", "**Report a problem**", "SECURITY.md"} {
		if !strings.Contains(security, want) {
			t.Errorf("README.md's security section lacks %q", want)
		}
	}
}

// TestREADMENamesTests: every example, test and benchmark README.md names
// is a function of that name in the module's test files, examples in the
// example*_test.go files the README points to: a renamed or deleted one
// would leave the reader looking for evidence that is not there, and go
// doc, which prints no examples, would not tell them.
func TestREADMENamesTests(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	declared := moduleTestFuncs(t)
	names := regexp.MustCompile(`\b(?:Test|Example|Benchmark)[A-Z_]\w*`).FindAll(readme, -1)
	if len(names) < 10 {
		t.Fatalf("README.md names %d tests and examples; it names more", len(names))
	}
	for _, name := range names {
		fn, ok := declared[string(name)]
		switch {
		case !ok:
			t.Errorf("README.md names %s, which no test file declares", name)
		case strings.HasPrefix(string(name), "Example") && !strings.HasPrefix(fn.file, "example"):
			t.Errorf("README.md names %s, which is in %s, not an example*_test.go file", name, fn.file)
		}
	}
}
