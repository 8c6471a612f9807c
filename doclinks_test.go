// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"go/ast"
	"go/build"
	"go/doc"
	"go/doc/comment"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// docPackages are the module's packages, by directory, with their import
// paths: what pkg.go.dev renders.
var docPackages = []struct{ dir, importPath string }{
	{".", "github.com/gocognito/cognitosrp"},
	{"cognitotest", "github.com/gocognito/cognitosrp/cognitotest"},
	{"cmd/cognito-srp", "github.com/gocognito/cognitosrp/cmd/cognito-srp"},
}

// TestDocLinks: every doc link ([Name], [Type.Method], [pkg.Name],
// [net/http.Client]) in a doc comment of the module resolves as pkg.go.dev
// resolves it. A link that does not resolve is rendered as plain
// bracketed text, silently, and go vet does not look: a renamed method
// leaves its links behind as "[Session.Renew]" in the docs. A link to
// another package must name something that package exports (pkg.go.dev
// links it regardless, to an anchor that is not there). It also fails on
// what reads as a link attempt the parser does not take as one:
// "[Auth]s", "[Session.Refresh()]", "[Auth.close]".
func TestDocLinks(t *testing.T) {
	goroot := filepath.Join(build.Default.GOROOT, "src")
	if _, err := os.Stat(filepath.Join(goroot, "net", "http", "client.go")); err != nil {
		t.Skipf("no standard library sources under %s to check links into: %v", goroot, err)
	}
	targets := &linkTargets{dirs: map[string]string{}, names: map[string]map[string]bool{}}
	for _, p := range docPackages {
		targets.dirs[p.importPath] = p.dir
	}
	for _, p := range docPackages {
		fset, files := parseDocFiles(t, p.dir)
		dp, err := doc.NewFromFiles(fset, files, p.importPath, doc.PreserveAST)
		if err != nil {
			t.Fatal(err)
		}
		pkgsite := dp.Parser() // what pkg.go.dev links
		declared := declaredNames(files)
		// attempt takes every well-formed link as one, so that those
		// pkgsite would leave as text can be told apart.
		attempt := &comment.Parser{
			LookupSym: func(recv, name string) bool { return true },
			LookupPackage: func(name string) (string, bool) {
				if ip, ok := pkgsite.LookupPackage(name); ok {
					return ip, true
				}
				if ip, ok := comment.DefaultLookupPackage(name); ok {
					return ip, true
				}
				// pkgsite leaves [0, n) and [::1] as text, and so does this.
				return "?" + name, token.IsIdentifier(name)
			},
		}
		for _, dc := range docComments(files) {
			where := fset.Position(dc.group.Pos())
			parsed := attempt.Parse(dc.group.Text())
			walkDocText(parsed, func(l *comment.DocLink) {
				if msg := checkDocLink(l, dp.Name, dc.exported, pkgsite, declared, targets); msg != "" {
					t.Errorf("%s: doc of %s: %s", where, dc.name, msg)
				}
			}, func(plain string) {
				for _, m := range brokenLinkRE.FindAllStringSubmatch(plain, -1) {
					t.Errorf("%s: doc of %s: %q reads as a doc link but is not one (a link is [Name] or [Type.Method], with a space or punctuation each side)", where, dc.name, m[1])
				}
			})
		}
	}
}

// brokenLinkRE matches plain text that was meant as a doc link: a
// capitalized name in brackets, with a call's parentheses or a letter
// right after the bracket, or a lower-case method or field of a type; not
// x[Name] (an index expression) or [RFC 6238] (a link's text).
var brokenLinkRE = regexp.MustCompile(`(?:^|[^\w\]])(\[\*?[A-Z]\w*(?:\.\w+)?\](?:\(\)|\w)|\[\*?[A-Z]\w*(?:\.\w+)?\(\)\]|\[\*?[A-Z]\w*\.[a-z_]\w*\])`)

// checkDocLink says what is wrong with a link l in the doc of package pkg,
// or "" when it resolves. A link in the doc of an exported declaration is
// held to what pkg.go.dev shows, which has no unexported names; one in the
// doc of an unexported declaration (read in the source, or by gopls) may
// name anything declared.
func checkDocLink(l *comment.DocLink, pkg string, exported bool, pkgsite *comment.Parser, declared map[string]bool, targets *linkTargets) string {
	name := l.Name
	if l.Recv != "" {
		name = l.Recv + "." + l.Name
	}
	text := name
	if l.ImportPath != "" && name != "" {
		text = strings.TrimPrefix(l.ImportPath, "?") + "." + name
	} else if l.ImportPath != "" {
		text = strings.TrimPrefix(l.ImportPath, "?")
	}
	switch {
	case strings.HasPrefix(l.ImportPath, "?") && name == "" && declared[text]:
		return "[" + text + "]: a link to an unexported name is no link: go doc and pkg.go.dev show it as text"
	case strings.HasPrefix(l.ImportPath, "?"):
		return "[" + text + "]: package " + l.ImportPath[1:] + " is not imported by package " + pkg + " (or its name is ambiguous): write the import path, as in [net/http.Client]"
	case l.ImportPath != "":
		names, ok := targets.of(l.ImportPath)
		if !ok {
			return "[" + text + "]: no package " + l.ImportPath
		}
		if name != "" && !names[name] {
			return "[" + text + "]: package " + l.ImportPath + " exports no " + name
		}
	case pkgsite.LookupSym(l.Recv, l.Name):
	case !declared[name]:
		return "[" + name + "]: package " + pkg + " declares no " + name
	case exported:
		return "[" + name + "]: " + name + " is unexported, or a member of an unexported type: pkg.go.dev shows it as plain text"
	}
	return ""
}

// walkDocText calls link for each doc link of d and plain for each run of
// plain text, code blocks left out.
func walkDocText(d *comment.Doc, link func(*comment.DocLink), plain func(string)) {
	var texts func([]comment.Text)
	texts = func(ts []comment.Text) {
		for _, t := range ts {
			switch t := t.(type) {
			case comment.Plain:
				plain(string(t))
			case comment.Italic:
				plain(string(t))
			case *comment.Link:
				texts(t.Text)
			case *comment.DocLink:
				link(t)
				texts(t.Text)
			}
		}
	}
	var blocks func([]comment.Block)
	blocks = func(bs []comment.Block) {
		for _, b := range bs {
			switch b := b.(type) {
			case *comment.Paragraph:
				texts(b.Text)
			case *comment.Heading:
				texts(b.Text)
			case *comment.List:
				for _, it := range b.Items {
					blocks(it.Content)
				}
			}
		}
	}
	blocks(d.Content)
}

// A docComment is one doc comment of a package: its text, what it
// documents, and whether pkg.go.dev shows it.
type docComment struct {
	group    *ast.CommentGroup
	name     string
	exported bool
}

// docComments lists the doc comments of files: the package's, and those
// of every declaration, spec, struct field and interface method, exported
// or not.
func docComments(files []*ast.File) []docComment {
	var out []docComment
	add := func(g *ast.CommentGroup, name string, exported bool) {
		if g != nil {
			out = append(out, docComment{g, name, exported})
		}
	}
	fields := func(owner string, exported bool, list *ast.FieldList) {
		if list == nil {
			return
		}
		for _, f := range list.List {
			name := owner + ".(embedded)"
			if len(f.Names) > 0 {
				name = owner + "." + f.Names[0].Name
			}
			show := exported && (len(f.Names) == 0 || f.Names[0].IsExported())
			add(f.Doc, name, show)
			add(f.Comment, name, show)
		}
	}
	for _, f := range files {
		add(f.Doc, "package "+f.Name.Name, true)
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				name, exported := d.Name.Name, d.Name.IsExported()
				if d.Recv != nil {
					recv := recvTypeName(d.Recv.List[0].Type)
					name = recv + "." + name
					exported = exported && ast.IsExported(recv)
				}
				add(d.Doc, name, exported)
			case *ast.GenDecl:
				first, anyExported := "", false
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						first = s.Name.Name
						anyExported = anyExported || s.Name.IsExported()
						add(s.Doc, s.Name.Name, s.Name.IsExported())
						add(s.Comment, s.Name.Name, s.Name.IsExported())
						switch tt := s.Type.(type) {
						case *ast.StructType:
							fields(s.Name.Name, s.Name.IsExported(), tt.Fields)
						case *ast.InterfaceType:
							fields(s.Name.Name, s.Name.IsExported(), tt.Methods)
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							first = n.Name
							anyExported = anyExported || n.IsExported()
						}
						add(s.Doc, s.Names[0].Name, s.Names[0].IsExported())
						add(s.Comment, s.Names[0].Name, s.Names[0].IsExported())
					}
				}
				if d.Tok != token.IMPORT {
					add(d.Doc, first, anyExported)
				}
			}
		}
	}
	return out
}

// recvTypeName is the type name of a method's receiver: T for T, *T,
// T[K] and *T[K].
func recvTypeName(x ast.Expr) string {
	for {
		switch e := x.(type) {
		case *ast.StarExpr:
			x = e.X
		case *ast.IndexExpr:
			x = e.X
		case *ast.IndexListExpr:
			x = e.X
		case *ast.ParenExpr:
			x = e.X
		case *ast.Ident:
			return e.Name
		default:
			return ""
		}
	}
}

// declaredNames is every name the files declare at package level,
// exported or not, with Type.Member for methods, struct fields and
// interface methods.
func declaredNames(files []*ast.File) map[string]bool {
	names := map[string]bool{}
	for _, f := range files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv != nil {
					names[recvTypeName(d.Recv.List[0].Type)+"."+d.Name.Name] = true
				} else {
					names[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						names[s.Name.Name] = true
						var list *ast.FieldList
						switch tt := s.Type.(type) {
						case *ast.StructType:
							list = tt.Fields
						case *ast.InterfaceType:
							list = tt.Methods
						}
						if list != nil {
							for _, fl := range list.List {
								for _, n := range fl.Names {
									names[s.Name.Name+"."+n.Name] = true
								}
								if len(fl.Names) == 0 { // embedded: its name is its type's
									if n := recvTypeName(fl.Type); n != "" {
										names[s.Name.Name+"."+n] = true
									} else if sel, ok := fl.Type.(*ast.SelectorExpr); ok {
										names[s.Name.Name+"."+sel.Sel.Name] = true
									}
								}
							}
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							names[n.Name] = true
						}
					}
				}
			}
		}
	}
	return names
}

// linkTargets reads, by import path, the exported names of the packages
// links point into, from source: the module's own directories and the
// standard library's under GOROOT, each once.
type linkTargets struct {
	dirs  map[string]string          // the module's packages: import path -> directory
	names map[string]map[string]bool // import path -> exported names; nil: no such package
}

// of returns the exported names of the package at importPath, with
// Type.Member for methods, fields and interface methods.
func (lt *linkTargets) of(importPath string) (map[string]bool, bool) {
	if names, ok := lt.names[importPath]; ok {
		return names, names != nil
	}
	dir, ok := lt.dirs[importPath]
	if !ok {
		dir = filepath.Join(build.Default.GOROOT, "src", filepath.FromSlash(importPath))
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	byPkg := map[string][]*ast.File{} // a directory may hold a generator's package main
	main := ""
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		n := f.Name.Name
		byPkg[n] = append(byPkg[n], f)
		if len(byPkg[n]) > len(byPkg[main]) {
			main = n
		}
	}
	if len(byPkg[main]) == 0 {
		lt.names[importPath] = nil
		return nil, false
	}
	names := map[string]bool{}
	for n := range declaredNames(byPkg[main]) {
		if ast.IsExported(n[strings.LastIndex(n, ".")+1:]) {
			names[n] = true
		}
	}
	lt.names[importPath] = names
	return names, true
}

// parseDocFiles parses the non-test Go files of dir, with their comments.
func parseDocFiles(t *testing.T, dir string) (*token.FileSet, []*ast.File) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		// Not SkipObjectResolution: Go 1.24's go/doc.NewFromFiles reads
		// each file's Scope (ast.NewPackage) and panics on a nil one.
		f, err := parser.ParseFile(fset, p, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		t.Fatalf("%s: no Go files", dir)
	}
	return fset, files
}

// TestDocContracts: each exported declaration of the library's packages
// has a doc comment in Go's form, the form go doc's one-line summaries
// and pkg.go.dev's index are read in: a func's or method's begins with
// its name (then a space, or a colon in a block of errors); a type's with
// its name, or "A", "An" or "The" and its name; a
// const or var has its own comment beginning with its name, or a comment
// of its group. A deprecation is a paragraph beginning "Deprecated: ",
// the form go doc, pkg.go.dev and gopls recognise. Each exported field
// of an exported struct has a comment: its own, leading or trailing, or
// the leading comment of its run of fields, naming it (the standard
// library's form); a field's comment need not begin with its name.
func TestDocContracts(t *testing.T) {
	for _, p := range docPackages {
		fset, files := parseDocFiles(t, p.dir)
		dp, err := doc.NewFromFiles(fset, files, p.importPath, doc.PreserveAST)
		if err != nil {
			t.Fatal(err)
		}
		check := func(pos token.Pos, name, text string, forms ...string) {
			where := fset.Position(pos)
			if text == "" {
				t.Errorf("%s: %s has no doc comment", where, name)
				return
			}
			ok := false
			for _, f := range forms {
				rest, found := strings.CutPrefix(text, f)
				ok = ok || found && rest != "" && !token.IsIdentifier("a"+rest[:1]) // "ErrX: …", "Name's"
			}
			if !ok {
				t.Errorf("%s: the doc of %s begins %q, not %q", where, name, firstWords(text), forms[0])
			}
			if msg := deprecationForm(text); msg != "" {
				t.Errorf("%s: doc of %s: %s", where, name, msg)
			}
		}
		if msg := deprecationForm(dp.Doc); msg != "" {
			t.Errorf("%s: package doc: %s", p.dir, msg)
		}
		if dp.Name == "main" {
			continue // a command's doc is its package comment (TestPackageDocs)
		}
		values := func(vs []*doc.Value) {
			for _, v := range vs {
				for _, s := range v.Decl.Specs {
					s := s.(*ast.ValueSpec)
					for _, n := range s.Names {
						switch {
						case !n.IsExported():
						case s.Doc != nil:
							check(s.Pos(), n.Name, s.Doc.Text(), n.Name, s.Names[0].Name)
						case s.Comment == nil && v.Doc == "":
							check(s.Pos(), n.Name, "", n.Name)
						}
					}
				}
				if msg := deprecationForm(v.Doc); msg != "" {
					t.Errorf("%s: doc of %s: %s", fset.Position(v.Decl.Pos()), v.Names[0], msg)
				}
			}
		}
		funcs := func(recv string, fs []*doc.Func) {
			for _, f := range fs {
				if f.Level == 0 { // not promoted from an embedded field
					check(f.Decl.Pos(), recv+f.Name, f.Doc, f.Name)
				}
			}
		}
		values(dp.Consts)
		values(dp.Vars)
		funcs("", dp.Funcs)
		for _, ty := range dp.Types {
			check(ty.Decl.Pos(), ty.Name, ty.Doc, ty.Name, "A "+ty.Name, "An "+ty.Name, "The "+ty.Name)
			for _, s := range ty.Decl.Specs {
				if st, ok := s.(*ast.TypeSpec).Type.(*ast.StructType); ok {
					for _, f := range undocumentedFields(fset, st.Fields.List) {
						t.Errorf("%s: exported field %s.%s has no comment, own or shared", fset.Position(f.Pos()), ty.Name, f.Name)
					}
				}
			}
			values(ty.Consts)
			values(ty.Vars)
			funcs("", ty.Funcs)
			funcs(ty.Name+".", ty.Methods)
		}
	}
}

// undocumentedFields lists the exported fields in list that no comment
// speaks for: none of their own, leading or trailing, and no leading
// comment of an earlier field in the same run (fields on consecutive
// lines) that names them, as in
//
//	// Min and Max bound the delay.
//	Min, Max time.Duration
//	Cap      time.Duration // names itself: fine
//
// An embedded field is held to it too when its type's name is exported.
// A directive alone ("//nolint:revive // the wire name") is no comment:
// go doc prints it, but it tells a user nothing.
func undocumentedFields(fset *token.FileSet, list []*ast.Field) []*ast.Ident {
	var out []*ast.Ident
	for i, f := range list {
		names := f.Names
		if len(names) == 0 { // embedded: named by its type
			n := recvTypeName(f.Type)
			if sel, ok := f.Type.(*ast.SelectorExpr); ok {
				n = sel.Sel.Name
			}
			names = []*ast.Ident{{NamePos: f.Pos(), Name: n}}
		}
		if says(f.Doc) || says(f.Comment) {
			continue
		}
		var shared string // the leading comment of the run f is in
		for j := i; j > 0; j-- {
			if fset.Position(list[j-1].End()).Line+1 != fset.Position(list[j].Pos()).Line {
				break // a blank line (or a comment of its own) ends a run
			}
			if d := list[j-1].Doc; says(d) {
				shared = d.Text()
				break
			}
		}
		for _, n := range names {
			if n.IsExported() && !regexp.MustCompile(`\b`+n.Name+`\b`).MatchString(shared) {
				out = append(out, n)
			}
		}
	}
	return out
}

// says reports whether g holds text beyond directives, which
// CommentGroup.Text leaves out.
func says(g *ast.CommentGroup) bool { return g != nil && strings.TrimSpace(g.Text()) != "" }

// firstWords is the beginning of a doc comment, for a message.
func firstWords(text string) string {
	w := strings.Fields(text)
	return strings.Join(w[:min(len(w), 4)], " ")
}

// deprecationForm says what is wrong with a deprecation notice in text, or
// "" if there is none or it is in the recognised form: a paragraph that
// begins "Deprecated: ".
func deprecationForm(text string) string {
	for _, para := range strings.Split(text, "\n\n") {
		para = strings.TrimSpace(para)
		if strings.HasPrefix(para, "Deprecated: ") {
			continue
		}
		if m := regexp.MustCompile(`(?i)\bdeprecated\b`).FindString(para); m != "" {
			return "it says \"" + m + "\" outside a paragraph beginning \"Deprecated: \", which tools do not recognise as a deprecation"
		}
	}
	return ""
}
