// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestRunsOnWasm builds the command for js/wasm and runs "claims" under
// Node, through the runner Go ships (lib/wasm/wasm_exec_node.js): the
// command once panicked there before reading its flags, in signal.Ignored.
// js/wasm stands for wasip1/wasm too, which shares the runtime's empty
// signal table. Where the command's network calls go on wasm is another
// matter (nowhere under Node); claims needs none.
func TestRunsOnWasm(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the command for js/wasm")
	}
	if runtime.GOARCH == "wasm" {
		t.Skip("cannot start a process on wasm")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node to run a js/wasm program")
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skipf("no go command: %v", err)
	}
	runner := filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec_node.js")
	if _, err := os.Stat(runner); err != nil {
		t.Skipf("no js/wasm runner: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "cognito-srp.wasm")
	build := exec.Command("go", "build", "-buildvcs=false", "-o", bin, ".")
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build for js/wasm: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(t.Context(), commandLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "--stack-size=8192", runner, bin, "claims")
	cmd.Stdin = strings.NewReader(unsignedToken(`{"sub":"abc"}`))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), `"sub": "abc"`) {
		t.Fatalf("cognito-srp claims on js/wasm: %v\n%s", err, out)
	}
}
