// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/gocognito/cognitosrp"
)

// TestRetryOn401OverHTTP2: over HTTP/2, to Cognito and to the API, the
// recovery from a 401 sends the whole body again, on a new stream, when
// the API answered the first request before reading its body (a 1 MiB
// one: the first stream's flow control window stops its sender). The
// transport is http.DefaultTransport's clone with a CA of its own, as
// Example_customCA advises.
func TestRetryOn401OverHTTP2(t *testing.T) {
	if http2Off() {
		t.Skip("GODEBUG turns HTTP/2 off in clients")
	}
	body := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
	var calls atomic.Int32
	api := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ProtoMajor != 2 {
			http.Error(w, "not HTTP/2", http.StatusHTTPVersionNotSupported)
			return
		}
		if calls.Add(1) == 1 {
			http.Error(w, "token refused", http.StatusUnauthorized)
			return
		}
		h := sha256.New()
		n, err := io.Copy(h, r.Body)
		fmt.Fprintf(w, "%d %x %v", n, h.Sum(nil), err)
	}))
	api.EnableHTTP2 = true
	api.StartTLS()
	defer api.Close()
	cognito := startCognitoTLS(examplePoolID, exampleClientID)
	defer cognito.Close()

	roots := x509.NewCertPool()
	roots.AddCert(api.Certificate())
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: roots}
	defer tr.CloseIdleConnections()
	opts := cognito.Options("alice", "password")
	opts.HTTPClient, opts.Base = &http.Client{Transport: tr}, tr
	auth, err := cognitosrp.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	resp, err := auth.Client().Post(api.URL+"/upload", "application/octet-stream", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if want := fmt.Sprintf("%d %x <nil>", len(body), sha256.Sum256(body)); resp.StatusCode != http.StatusOK || string(got) != want {
		t.Errorf("%s: %s, want 200 OK: %s", resp.Status, got, want)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
}
