// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// A CA of your own, such as a corporate proxy's that re-signs TLS, for the
// calls to Cognito (HTTPClient) and to your API (Base). Without either,
// the package uses http.DefaultTransport, which already takes a proxy from
// HTTPS_PROXY, HTTP_PROXY and NO_PROXY and trusts the system's CAs (on
// Linux, those SSL_CERT_FILE and SSL_CERT_DIR name instead, when set).
// Clone it rather than build an http.Transport from scratch, which has no
// proxy and, with a TLSClientConfig, no HTTP/2.
func Example_customCA() {
	// Here the emulated pool and the API sit behind TLS, with a
	// certificate that only caPEM vouches for.
	api := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s %s with %s\n", r.Method, r.URL.Path, describeCredential(r.Header.Get("Authorization")))
	}))
	api.EnableHTTP2 = true
	api.StartTLS()
	defer api.Close()
	cognito := startCognitoTLS(examplePoolID, exampleClientID)
	defer cognito.Close()
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: api.Certificate().Raw})

	// caPEM, err := os.ReadFile("/etc/ssl/corporate-ca.pem")
	roots, err := x509.SystemCertPool()
	if err != nil {
		roots = x509.NewCertPool()
	}
	if !roots.AppendCertsFromPEM(caPEM) {
		log.Fatal("no certificate in the CA file")
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.TLSClientConfig = &tls.Config{RootCAs: roots}

	auth, err := cognitosrp.New(cognitosrp.Options{
		Username:   "user@example.com",
		Password:   "password",
		UserPoolID: examplePoolID,
		ClientID:   exampleClientID,
		Endpoint:   cognito.Endpoint(), // the emulator; leave empty for AWS
		HTTPClient: &http.Client{Transport: transport, Timeout: cognitosrp.DefaultTimeout},
		Base:       transport,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()
	printResponse(auth.Client().Post(api.URL+"/items", "application/json", strings.NewReader(`{"name": "x"}`)))
	// Output:
	// 200 OK: POST /items with Bearer <access token of alice>
}

// tlsCognito is an emulated pool behind httptest's TLS.
type tlsCognito struct {
	*cognitotest.Server
	ts *httptest.Server
}

func (c tlsCognito) Close() {
	c.ts.Close()
	c.Server.Close()
}

// startCognitoTLS is startCognito behind TLS, with httptest's certificate,
// speaking HTTP/2 to clients that offer it.
func startCognitoTLS(poolID, clientID string) tlsCognito {
	ts := httptest.NewUnstartedServer(nil)
	ts.EnableHTTP2 = true
	ts.StartTLS()
	srv, err := cognitotest.NewUnstartedServer(cognitotest.Config{PoolID: poolID, ClientID: clientID, URL: ts.URL})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Aliases: []string{"user@example.com"}, Password: "password"}); err != nil {
		log.Fatal(err)
	}
	ts.Config.Handler = srv
	return tlsCognito{srv, ts}
}
