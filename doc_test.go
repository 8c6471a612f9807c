// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPackageDocs: each package of the module has a package comment, the
// first thing go doc and pkg.go.dev show. The root package had none, so
// "go doc github.com/gocognito/cognitosrp" began with a list of constants.
func TestPackageDocs(t *testing.T) {
	for dir, name := range map[string]string{".": "cognitosrp", "cognitotest": "cognitotest", "cmd/cognito-srp": ""} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			file, err := parser.ParseFile(token.NewFileSet(), f, src, parser.PackageClauseOnly|parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			want := "Package " + name + " "
			if name == "" {
				want = "Command "
			}
			if file.Doc != nil && strings.HasPrefix(file.Doc.Text(), want) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no package comment", dir)
		}
	}
}
