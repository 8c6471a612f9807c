// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestAPI: the exported API of each library package, one line an item in
// the form of Go's api/*.txt files, is the package's testdata/api.txt, so
// that a change to what the packages promise shows in review as a diff of
// that file and never happens by accident. A meant change is recorded with
// go test -run TestAPI -update. The listing is read from the syntax alone:
// constants keep their expression as written (30 * time.Second); struct
// tags, and what an unexported embedded type would promote, are not
// listed; exported methods of unexported types, which callers reach only
// through an interface (error, slog.LogValuer), are left out, as Go's
// cmd/api leaves them.
func TestAPI(t *testing.T) {
	for _, p := range docPackages {
		_, files := parseDocFiles(t, p.dir)
		if files[0].Name.Name == "main" {
			continue // a command exports nothing to import
		}
		t.Run(path.Base(p.importPath), func(t *testing.T) {
			golden := filepath.Join(p.dir, "testdata", "api.txt")
			got := apiListing(t, files)
			if *updateFixtures {
				if err := os.WriteFile(golden, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			data, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (record it with go test -run TestAPI -update)", err)
			}
			// A Windows checkout may have turned the line ends into CRLF.
			want := strings.Split(strings.TrimSuffix(strings.ReplaceAll(string(data), "\r", ""), "\n"), "\n")
			var diff []string
			for _, l := range got {
				if !slices.Contains(want, l) {
					diff = append(diff, "+ "+l)
				}
			}
			for _, l := range want {
				if !slices.Contains(got, l) {
					diff = append(diff, "- "+l)
				}
			}
			if len(diff) > 0 {
				t.Errorf("the exported API differs from %s:\n%s\nif the change is meant, record it with go test -run TestAPI -update", golden, strings.Join(diff, "\n"))
			}
		})
	}
}

// TestAPICoversEveryPackage: docPackages, whose listings TestAPI keeps
// (and whose docs TestDocLinks and TestDocContracts check), names every
// package of the module: a package added without it would export an API
// that no listing shows.
func TestAPICoversEveryPackage(t *testing.T) {
	listed := map[string]bool{}
	for _, p := range docPackages {
		listed[filepath.Clean(p.dir)] = true
	}
	err := filepath.WalkDir(".", func(dir string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if n := d.Name(); dir != "." && (n == "testdata" || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "_")) {
			return filepath.SkipDir // what the go command leaves out of ./...
		}
		paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			return err
		}
		for _, p := range paths {
			if !strings.HasSuffix(p, "_test.go") && !listed[dir] {
				t.Errorf("%s is a package that docPackages does not name: TestAPI keeps no listing of its API", dir)
				break
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// apiListing returns the sorted API lines of a package's files.
func apiListing(t *testing.T, files []*ast.File) []string {
	pkg := "pkg " + files[0].Name.Name + ", "
	var lines []string
	add := func(parts ...string) { lines = append(lines, pkg+strings.Join(parts, "")) }
	for _, f := range files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				switch {
				case !d.Name.IsExported():
				case d.Recv == nil:
					add("func ", d.Name.Name, typeParams(d.Type.TypeParams), signature(d.Type))
				case ast.IsExported(recvName(d.Recv.List[0].Type)):
					add("method (", types.ExprString(d.Recv.List[0].Type), ") ", d.Name.Name, signature(d.Type))
				}
			case *ast.GenDecl:
				var last *ast.ValueSpec // a constant without a value repeats the last one's
				for iotaValue, s := range d.Specs {
					switch s := s.(type) {
					case *ast.ValueSpec:
						if len(s.Values) > 0 {
							last = s
						}
						for i, n := range s.Names {
							if !n.IsExported() {
								continue
							}
							if d.Tok == token.CONST {
								add("const ", n.Name, optional(" ", last.Type), " = ", constValue(last.Values[i], iotaValue))
							} else {
								add("var ", n.Name, " ", varType(t, s, i))
							}
						}
					case *ast.TypeSpec:
						if s.Name.IsExported() {
							lines = append(lines, typeLines(pkg+"type "+s.Name.Name+typeParams(s.TypeParams), s)...)
						}
					}
				}
			}
		}
	}
	slices.Sort(lines)
	return slices.Compact(lines) // a declaration in each of two build-tagged files
}

// typeLines returns the lines of a type declaration: the type, then each
// exported field or interface method and each embedded type.
func typeLines(head string, s *ast.TypeSpec) []string {
	switch typ := s.Type.(type) {
	case *ast.StructType:
		lines := []string{head + " struct"}
		for _, f := range typ.Fields.List {
			if len(f.Names) == 0 && ast.IsExported(recvName(f.Type)) {
				lines = append(lines, head+" struct, embedded "+types.ExprString(f.Type))
			}
			for _, n := range f.Names {
				if n.IsExported() {
					lines = append(lines, head+" struct, "+n.Name+" "+typeString(f.Type))
				}
			}
		}
		return lines
	case *ast.InterfaceType:
		var names, lines []string
		for _, f := range typ.Methods.List {
			if len(f.Names) == 0 { // an embedded interface or a type set
				lines = append(lines, head+" interface, embedded "+types.ExprString(f.Type))
			}
			for _, n := range f.Names {
				if !n.IsExported() {
					names = append(names, "unexported methods")
					continue
				}
				names = append(names, n.Name)
				lines = append(lines, head+" interface, "+n.Name+signature(f.Type.(*ast.FuncType)))
			}
		}
		slices.Sort(names)
		set := "{}"
		if len(names) > 0 {
			set = "{ " + strings.Join(slices.Compact(names), ", ") + " }"
		}
		return append(lines, head+" interface "+set)
	}
	if s.Assign.IsValid() {
		return []string{head + " = " + typeString(s.Type)}
	}
	return []string{head + " " + typeString(s.Type)}
}

// typeString is the type x as Go's api files write it: without the names
// of a function type's parameters and results.
func typeString(x ast.Expr) string {
	switch x := x.(type) {
	case *ast.FuncType:
		return "func" + signature(x)
	case *ast.StarExpr:
		return "*" + typeString(x.X)
	case *ast.ArrayType:
		return "[" + optional("", x.Len) + "]" + typeString(x.Elt)
	case *ast.MapType:
		return "map[" + typeString(x.Key) + "]" + typeString(x.Value)
	case *ast.Ellipsis:
		return "..." + typeString(x.Elt)
	case *ast.ChanType:
		return map[ast.ChanDir]string{ast.SEND: "chan<- ", ast.RECV: "<-chan ", ast.SEND | ast.RECV: "chan "}[x.Dir] + typeString(x.Value)
	}
	return types.ExprString(x)
}

// signature is a function type's parameters and results, without names.
func signature(ft *ast.FuncType) string {
	list := func(fl *ast.FieldList) []string {
		if fl == nil { // no results
			return nil
		}
		var ts []string
		for _, f := range fl.List {
			for range max(1, len(f.Names)) {
				ts = append(ts, typeString(f.Type))
			}
		}
		return ts
	}
	s := "(" + strings.Join(list(ft.Params), ", ") + ")"
	switch res := list(ft.Results); len(res) {
	case 0:
		return s
	case 1:
		return s + " " + res[0]
	default:
		return s + " (" + strings.Join(res, ", ") + ")"
	}
}

// typeParams is a generic declaration's type parameters, names kept.
func typeParams(fl *ast.FieldList) string {
	if fl == nil {
		return ""
	}
	var ps []string
	for _, f := range fl.List {
		for _, n := range f.Names {
			ps = append(ps, n.Name+" "+types.ExprString(f.Type))
		}
	}
	return "[" + strings.Join(ps, ", ") + "]"
}

// recvName is the name of the type a receiver or an embedded field names,
// without its pointer, package or type arguments.
func recvName(x ast.Expr) string {
	switch x := x.(type) {
	case *ast.StarExpr:
		return recvName(x.X)
	case *ast.SelectorExpr:
		return x.Sel.Name
	case *ast.IndexExpr:
		return recvName(x.X)
	case *ast.IndexListExpr:
		return recvName(x.X)
	case *ast.Ident:
		return x.Name
	}
	return ""
}

// varType is the type of the i-th variable of s: the one written, or
// error for errors.New and fmt.Errorf, the package's way to make a
// sentinel. Another var must write its type for the listing to have it.
func varType(t *testing.T, s *ast.ValueSpec, i int) string {
	if s.Type != nil {
		return typeString(s.Type)
	}
	if len(s.Values) == len(s.Names) {
		if call, ok := s.Values[i].(*ast.CallExpr); ok {
			if f := types.ExprString(call.Fun); f == "errors.New" || f == "fmt.Errorf" {
				return "error"
			}
		}
	}
	t.Errorf("var %s: write its type in the declaration, for the API listing to have it", s.Names[i].Name)
	return "?"
}

// constValue is a constant's expression as written, with the value iota
// has there when it uses iota: each constant of a group that repeats it
// has its own line then.
func constValue(x ast.Expr, iotaValue int) string {
	usesIota := false
	ast.Inspect(x, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		usesIota = usesIota || ok && id.Name == "iota"
		return true
	})
	if usesIota {
		return fmt.Sprintf("%s (iota = %d)", types.ExprString(x), iotaValue)
	}
	return types.ExprString(x)
}

// optional is prefix and x, or "" for a nil x.
func optional(prefix string, x ast.Expr) string {
	if x == nil {
		return ""
	}
	return prefix + typeString(x)
}
