// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestMisspeltActionLineNamesTheTest: with the test's t.Logf as
// Config.Logf, the line about an action FailNext or SetActionLatency does
// not serve names the test's line that called them, the one to fix. It
// used to name faults.go, as every line did. The test runs itself in a
// child process to read the file:line testing puts before the line.
func TestMisspeltActionLineNamesTheTest(t *testing.T) {
	if os.Getenv("COGNITOTEST_LOGLINE_CHILD") == "1" {
		srv := cognitotest.NewServer(t, cognitotest.Config{Logf: t.Logf})
		_, file, line, _ := runtime.Caller(0)
		srv.FailNext(1, cognitotest.FaultInternalError, "InitateAuth") // line+1
		srv.SetActionLatency("GetTokens", time.Millisecond)            // line+2
		fmt.Printf("WANT %s:%d FailNext\nWANT %s:%d SetActionLatency\n", file[strings.LastIndex(file, "/")+1:], line+1, file[strings.LastIndex(file, "/")+1:], line+2)
		return
	}
	if testing.Short() {
		t.Skip("runs the test binary")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "COGNITOTEST_LOGLINE_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	wants := regexp.MustCompile(`(?m)^WANT (\S+) (\w+)$`).FindAllStringSubmatch(string(out), -1)
	if len(wants) != 2 {
		t.Fatalf("child printed no WANT lines:\n%s", out)
	}
	for _, w := range wants {
		if !strings.Contains(string(out), " "+w[1]+": cognitotest: "+w[2]+": ") {
			t.Errorf("no line of %s attributed to %s:\n%s", w[2], w[1], out)
		}
	}
}
