// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// TestTransportErrorIsGraphicText: a TLS error names the server
// certificate's DNS names as the server sent them (x509.HostnameError),
// and they may hold any ASCII, a line break and an escape sequence
// included. Whoever answers at Cognito's or the key set's address must
// not forge a log line or drive a terminal through the error, which keeps
// only graphic characters, as the server's other text does, and still
// matches what it wraps.
func TestTransportErrorIsGraphicText(t *testing.T) {
	// A self-signed P-256 certificate, valid until 2126, whose DNS names
	// are "evil.example\x1b]0;owned\x07" and "x\nforged log line"; the
	// command's TestNetworkErrorIsTerminalText serves it too.
	cert, err := tls.LoadX509KeyPair("testdata/hostile-cert.pem", "testdata/hostile-cert.pem")
	if err != nil {
		t.Fatal(err)
	}
	hostile := httptest.NewUnstartedServer(http.NotFoundHandler())
	hostile.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	hostile.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes
	hostile.StartTLS()
	defer hostile.Close()
	// A host name, not an IP, so that the error lists the DNS names.
	u := strings.Replace(hostile.URL, "127.0.0.1", "localhost", 1)

	// A client that trusts the certificate, so that Go's own verifier
	// checks it and reaches the names: with the system's roots, Windows's
	// and macOS's verifiers refuse the unknown issuer first, with an
	// error that names none.
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}

	c := &Client{Endpoint: u, HTTPClient: hc, Retry: RetryPolicy{MaxAttempts: 1}}
	_, callErr := c.InitiateAuth(context.Background(), &InitiateAuthInput{AuthFlow: FlowUserSRPAuth, ClientId: "c"})
	v, err := NewVerifier(VerifierConfig{Issuer: "https://issuer.example/p", JWKSURL: u + "/jwks.json", ClientIDs: []string{"c"}, HTTPClient: hc})
	if err != nil {
		t.Fatal(err)
	}
	_, keyErr := v.keys.get(context.Background(), "k1")
	for _, err := range []error{callErr, keyErr} {
		var he x509.HostnameError
		if !errors.As(err, &he) {
			t.Fatalf("got %v, want an x509.HostnameError within", err)
		}
		if s := err.Error(); strings.ContainsFunc(s, func(r rune) bool { return !strconv.IsGraphic(r) }) {
			t.Errorf("the error holds a control character: %q", s)
		}
	}
}
