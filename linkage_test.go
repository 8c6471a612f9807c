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

// optIn lists the features a program pays for only when it asks for them,
// with what a program writes in Options to ask, and strings naming their
// code: a program that uses the plain Auth must link none of them. A
// symbol matches when it contains one of the strings.
var optIn = []struct {
	name, option string
	symbols      []string
}{
	{"devices", `Devices: cognitosrp.RememberDevices(nil, ""),`, []string{
		"deviceTracker", "DeviceStore", "NewDeviceVerifier", "ConfirmDevice",
		"UpdateDeviceStatus", "deviceClaim", "cognitosrp.Device.", "cognitosrp.(*Device).",
		"cognitosrp.DeviceSecretVerifierConfig.",
	}},
	{"verifier", `Verifier: newVerifier(),`, []string{
		"cognitosrp.(*Verifier).", "cognitosrp.NewVerifier", "cognitosrp.(*keyCache).", "cognitosrp.parseJWKS",
	}},
	// The redacting printers of the request types, of Config, Client and
	// SRP: Client hands encoding/json method-less copies of the request
	// types, and a Session holds method-less copies of its Config, its
	// Client and its SRPs, so that only a program that prints them links
	// their String, Format and LogValue.
	{"printers", `Logger: printRequests(),`, []string{
		"cognitosrp.InitiateAuthInput.", "cognitosrp.RespondToAuthChallengeInput.",
		"cognitosrp.GetTokensFromRefreshTokenInput.", "cognitosrp.RevokeTokenInput.",
		"cognitosrp.AuthOutput.", "cognitosrp.(*AuthOutput).",
		// Client decodes the outputs into structs that hold the
		// method-less wireAuthResult, and a renewal hands the Session the
		// decoded output: the type AuthenticationResult itself, which its
		// equality function names, is not linked either.
		"cognitosrp.AuthenticationResult.", "cognitosrp.(*AuthenticationResult).",
		"type:.eq.github.com/gocognito/cognitosrp.AuthenticationResult",
		// A Session holds its Config as the method-less settings, and
		// calls Cognito through an apiClient, not a Client (whose exported
		// methods build one for each call).
		"cognitosrp.Config.", "cognitosrp.(*Config).",
		"cognitosrp.Client.", "cognitosrp.(*Client).String", "cognitosrp.(*Client).Format",
		"cognitosrp.(*Client).LogValue", "cognitosrp.redactURL",
		// A Session and a login hold their SRPs as the method-less preparedSRP.
		"cognitosrp.SRP.", "cognitosrp.(*SRP).String", "cognitosrp.(*SRP).Format", "cognitosrp.(*SRP).LogValue",
	}},
	// net/http's Cookie printer, 5 KB with its tables: a *http.Client
	// names it (through its Jar), and a Session holds its HTTPClient only
	// as a function (apiClient) and its Config without it (settings).
	{"cookies", `HTTPClient: printCookie(),`, []string{"net/http.(*Cookie).String"}},
}

// TestOptInFeaturesNotLinked builds the program of scripts/footprint.sh
// (an Auth as an http.Client's Transport) and, for each opt-in feature, the
// same program asking for it, and checks that only the latter links the
// feature: the login path must reach device tracking only through
// Config.Devices, and the verifier only through Config.Verifier. It needs
// the go command and takes a few seconds, so -short skips it.
func TestOptInFeaturesNotLinked(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program per opt-in feature, and one without")
	}
	t.Parallel() // seconds in go build, beside the waiting tests
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
	"fmt"
	"log/slog"
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

// newVerifier is linked only by the program that calls it.
func newVerifier() cognitosrp.TokenVerifier {
	v, err := cognitosrp.NewVerifier(cognitosrp.VerifierConfig{UserPoolID: os.Getenv("POOL"), ClientIDs: []string{os.Getenv("CLIENT")}})
	if err != nil {
		os.Exit(2)
	}
	return v
}

// printRequests is linked only by the program that calls it.
func printRequests() *slog.Logger {
	fmt.Fprint(os.Stderr, cognitosrp.InitiateAuthInput{}, cognitosrp.RespondToAuthChallengeInput{},
		cognitosrp.GetTokensFromRefreshTokenInput{}, cognitosrp.RevokeTokenInput{}, cognitosrp.AuthOutput{}, cognitosrp.AuthenticationResult{},
		cognitosrp.Config{}, cognitosrp.Client{}, (*cognitosrp.SRP)(nil))
	return nil
}

// printCookie is linked only by the program that calls it.
func printCookie() *http.Client {
	fmt.Fprint(os.Stderr, &http.Cookie{})
	return nil
}
`
	pkgs := []string{"./basic"}
	write("basic/main.go", strings.Replace(program, "EXTRA", "", 1))
	for _, f := range optIn {
		write(f.name+"/main.go", strings.Replace(program, "EXTRA", f.option, 1))
		pkgs = append(pkgs, "./"+f.name)
	}

	// One go build links all the programs in parallel.
	build := exec.Command(goCmd, append([]string{"build", "-o", filepath.Join(dir, "bin") + string(filepath.Separator)}, pkgs...)...)
	build.Dir = dir
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	symbols := func(prog string, names []string) []string {
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
			for _, s := range names {
				if strings.Contains(sc.Text(), s) {
					found = append(found, strings.TrimSpace(sc.Text()))
					break
				}
			}
		}
		return found
	}
	for _, f := range optIn {
		if found := symbols("basic", f.symbols); len(found) > 0 {
			t.Errorf("a program that uses only the Auth links the %s:\n%s", f.name, strings.Join(found, "\n"))
		}
		// The check must be able to fail: the opting-in program has them.
		if found := symbols(f.name, f.symbols); len(found) == 0 {
			t.Errorf("a program that sets %s links none of %q", f.option, f.symbols)
		}
	}
}
