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
// trailing dot or space, cannot be in a name at all.
func TestFileNamesPortable(t *testing.T) {
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
	base, _, _ := strings.Cut(strings.ToLower(name), ".")
	switch base {
	case "con", "prn", "aux", "nul",
		"com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
		"lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9":
		return "a device name on Windows"
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
