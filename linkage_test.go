// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// optInSymbols name the code of features a program pays for only when it
// asks for them: a program that uses the plain Auth must not link any of
// them. A symbol matches when it contains one of these strings.
var optInSymbols = []string{
	"deviceTracker", "DeviceStore", "NewDeviceVerifier", "ConfirmDevice",
	"UpdateDeviceStatus", "deviceClaim", "cognitosrp.Device.", "cognitosrp.(*Device).",
}

// TestOptInFeaturesNotLinked builds the program of scripts/footprint.sh
// (an Auth as an http.Client's Transport) and the same program with
// RememberDevices, and checks that only the second links device tracking:
// the login path must reach it only through Config.Devices. It needs the
// go command and takes a few seconds, so -short skips it.
func TestOptInFeaturesNotLinked(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two programs")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	repo, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module linkage\n\ngo 1.24\n\nrequire github.com/gocognito/cognitosrp v0.0.0\n\nreplace github.com/gocognito/cognitosrp => "+repo+"\n")
	const program = `package main

import (
	"net/http"
	"os"

	"github.com/gocognito/cognitosrp"
)

func main() {
	auth, err := cognitosrp.New(cognitosrp.Options{
		Username: os.Getenv("U"), Password: os.Getenv("P"),
		UserPoolID: os.Getenv("POOL"), ClientID: os.Getenv("CLIENT"),
		EXTRA
	})
	if err != nil {
		os.Exit(2)
	}
	resp, err := (&http.Client{Transport: auth}).Get(os.Args[1])
	if err == nil {
		resp.Body.Close()
	}
}
`
	write("basic/main.go", strings.Replace(program, "EXTRA", "", 1))
	write("devices/main.go", strings.Replace(program, "EXTRA", `Devices: cognitosrp.RememberDevices(nil, ""),`, 1))

	// One go build links both programs in parallel.
	build := exec.Command(goCmd, "build", "-o", filepath.Join(dir, "bin")+string(filepath.Separator), "./basic", "./devices")
	build.Dir = dir
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	symbols := func(prog string) []string {
		t.Helper()
		bins, _ := filepath.Glob(filepath.Join(dir, "bin", prog+"*"))
		if len(bins) != 1 {
			t.Fatalf("go build made %q for %s", bins, prog)
		}
		out, err := exec.Command(goCmd, "tool", "nm", bins[0]).Output()
		if err != nil {
			t.Fatalf("go tool nm %s: %v", prog, err)
		}
		var found []string
		for sc := bufio.NewScanner(bytes.NewReader(out)); sc.Scan(); {
			for _, s := range optInSymbols {
				if strings.Contains(sc.Text(), s) {
					found = append(found, strings.TrimSpace(sc.Text()))
					break
				}
			}
		}
		return found
	}
	if found := symbols("basic"); len(found) > 0 {
		t.Errorf("a program that uses only the Auth links opt-in features:\n%s", strings.Join(found, "\n"))
	}
	// The check must be able to fail: the opting-in program has them.
	if found := symbols("devices"); len(found) == 0 {
		t.Errorf("a program that remembers devices links none of %q", optInSymbols)
	}
}
