// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestFileNamesPortable: every file of the repository can be checked out
// and read on Windows. There a name such as "nul" or "aux.txt" names a
// device, whatever its folder (a fuzz seed named nul read as an empty
// file under Wine, failing FuzzFirstLine), and some characters, or a
// trailing dot or space, cannot be in a name at all. Nor may two paths
// differ only in case: Windows and macOS file systems hold one of them,
// and the Go module zip refuses the pair.
func TestFileNamesPortable(t *testing.T) {
	seen := map[string]string{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() && (name == ".git" || name == "node_modules") {
			return filepath.SkipDir
		}
		if why := unportableName(name); why != "" {
			t.Errorf("%s: %s", path, why)
		}
		if other := sameButCase(seen, path); other != "" {
			t.Errorf("%s and %s differ only in case", other, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// unportableName says why Windows cannot hold a file named name ("" if it
// can).
func unportableName(name string) string {
	if name == "." {
		return ""
	}
	// Spaces before the extension are dropped too: "nul .txt" is nul.
	base, _, _ := strings.Cut(strings.ToLower(name), ".")
	base = strings.TrimRight(base, " ")
	switch base {
	case "con", "prn", "aux", "nul", "conin$", "conout$":
		return "a device name on Windows"
	}
	// COM1-9 and LPT1-9, and with the superscript digits ¹²³, which
	// Windows counts as digits there.
	if len(base) > 3 && (base[:3] == "com" || base[:3] == "lpt") {
		switch base[3:] {
		case "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
			return "a device name on Windows"
		}
	}
	if strings.ContainsAny(name, `<>:"|?*\`) {
		return `holds a character Windows refuses in a name (<>:"|?*\)`
	}
	if strings.HasSuffix(name, ".") || strings.HasSuffix(name, " ") {
		return "ends in a dot or space, which Windows drops"
	}
	for _, r := range name {
		if r < ' ' {
			return "holds a control character"
		}
	}
	return ""
}

// sameButCase returns the path in seen that differs from path only in
// case ("" if none), and records path.
func sameButCase(seen map[string]string, path string) string {
	key := strings.ToLower(path)
	if other, ok := seen[key]; ok {
		return other
	}
	seen[key] = path
	return ""
}

// TestUnportableNames: the names TestFileNamesPortable refuses, and
// names alike that Windows holds.
func TestUnportableNames(t *testing.T) {
	for _, name := range []string{"nul", "NUL", "nul.txt", "Aux.tar.gz", "con", "prn.go", "nul .txt",
		"CONIN$", "conout$.log", "com1", "COM9.c", "lpt5", "com¹", "LPT³.txt",
		"a:b", "a?", "a*", `a\b`, "a|b", "a<b", "a>b", `a"b`, "a.", "a ", "a\x01b", "a\tb"} {
		if unportableName(name) == "" {
			t.Errorf("%q: not refused", name)
		}
	}
	for _, name := range []string{".", "nul_byte", "null", "console.go", "auxiliary", "com0", "com10",
		"lpt", "com", "lpt1x", "comé", "comlpt1", ".con", "x.nul", "a b", "a.b", "café", "testdata"} {
		if why := unportableName(name); why != "" {
			t.Errorf("%q: refused: %s", name, why)
		}
	}
	seen := map[string]string{}
	for _, p := range []string{"a/README.md", "a/readme.txt", "b/readme.md"} {
		if other := sameButCase(seen, p); other != "" {
			t.Errorf("%s: same as %s", p, other)
		}
	}
	if other := sameButCase(seen, "A/ReadMe.md"); other != "a/README.md" {
		t.Errorf("A/ReadMe.md: same as %q, want a/README.md", other)
	}
}
