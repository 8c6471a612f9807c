// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestActionsDocumented: the actions the package documentation says the
// emulator serves are the cases of Server.action, no more and no fewer.
// Nothing held the two in step: an action added to the switch and left
// out of the list was served to clients whose authors read that it would
// fail with UnknownOperationException, and one listed but not served
// failed so.
func TestActionsDocumented(t *testing.T) {
	fset := token.NewFileSet()
	doc, err := parser.ParseFile(fset, "doc.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	// "It serves the actions …: InitiateAuth, …, UpdateDeviceStatus and
	// ForgetDevice. Any other action …"
	text := strings.Join(strings.Fields(doc.Doc.Text()), " ")
	m := regexp.MustCompile(`It serves the actions [^:]*: ([^.]*)\. Any other action`).FindStringSubmatch(text)
	if m == nil {
		t.Fatal(`the package documentation no longer reads "It serves the actions …: A, B and C. Any other action …"; update this test with it`)
	}
	documented := strings.FieldsFunc(strings.ReplaceAll(m[1], " and ", ", "), func(r rune) bool { return r == ',' || r == ' ' })

	handler, err := parser.ParseFile(fset, "handler.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var served []string
	for _, d := range handler.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Name.Name != "action" || fn.Recv == nil {
			continue
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			if cc, ok := n.(*ast.CaseClause); ok {
				for _, e := range cc.List {
					lit, ok := e.(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						t.Fatalf("a case of Server.action is not a string literal: %T", e)
					}
					name, _ := strconv.Unquote(lit.Value)
					served = append(served, name)
				}
			}
			return true
		})
	}
	if len(served) == 0 {
		t.Fatal("found no case in (*Server).action of handler.go; update this test")
	}

	s, err := NewUnstartedServer(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range documented {
		if !slices.Contains(served, name) {
			t.Errorf("the package documentation lists %s, which Server.action does not serve", name)
		}
		if s.action(name) == nil {
			t.Errorf("Server.action(%q) = nil", name)
		}
	}
	for _, name := range served {
		if !slices.Contains(documented, name) {
			t.Errorf("Server.action serves %s, which the package documentation does not list", name)
		}
	}
	if len(documented) != len(served) {
		t.Errorf("the documentation lists %d actions, Server.action serves %d", len(documented), len(served))
	}
}
