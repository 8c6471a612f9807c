// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"crypto/tls"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestNetworkErrorIsTerminalText: a TLS error names the server
// certificate's DNS names as the server sent them (x509.HostnameError),
// and a certificate's names may hold any ASCII, a line break and an
// escape sequence included. Whoever answers at the address (a captive
// portal, an attacker, a misconfigured API) must not write to the user's
// terminal through the error line, which stays one line.
func TestNetworkErrorIsTerminalText(t *testing.T) {
	t.Parallel()
	// The library's certificate for TestTransportErrorIsGraphicText: DNS
	// names "evil.example\x1b]0;owned\x07" and "x\nforged log line".
	cert, err := tls.LoadX509KeyPair("../../testdata/hostile-cert.pem", "../../testdata/hostile-cert.pem")
	if err != nil {
		t.Fatal(err)
	}
	hostile := httptest.NewUnstartedServer(http.NotFoundHandler())
	hostile.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	hostile.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	hostile.StartTLS()
	defer hostile.Close()
	// A host name, not an IP, so that the error lists the DNS names.
	hostileURL := strings.Replace(hostile.URL, "127.0.0.1", "localhost", 1)

	srv := newEmulator(t, cognitotest.Config{})
	cognito := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	cognito.env["COGNITO_ENDPOINT"] = hostileURL
	api := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	for _, r := range []result{cognito.run("token"), api.run("request", hostileURL+"/x")} {
		r.want(t, exitError, "network error", "certificate")
		if line := strings.TrimSuffix(r.stderr, "\n"); strings.ContainsFunc(line, func(r rune) bool { return !strconv.IsGraphic(r) }) {
			t.Errorf("the error line holds a control character: %q", r.stderr)
		}
	}
}
