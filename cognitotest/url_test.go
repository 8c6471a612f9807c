// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestConfigURL: a server that clients reach at another URL than its
// listening address (behind TLS here, as the http.Handler of an httptest
// server speaking HTTP/2; in a container, behind a proxy) names that URL
// in Endpoint, in its tokens' iss and in its OpenID configuration, so
// that a verifier configured from it, or from the discovery document,
// accepts its tokens.
func TestConfigURL(t *testing.T) {
	ts := httptest.NewUnstartedServer(nil)
	ts.EnableHTTP2 = true
	ts.StartTLS()
	defer ts.Close()
	srv, err := cognitotest.NewUnstartedServer(cognitotest.Config{URL: ts.URL + "/"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts.Config.Handler = srv
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: "correct horse"}); err != nil {
		t.Fatal(err)
	}
	if srv.URL() != ts.URL || srv.Endpoint() != ts.URL+"/" || srv.Issuer() != ts.URL+"/"+srv.PoolID() {
		t.Fatalf("URL %q, Endpoint %q, Issuer %q; want them under %s", srv.URL(), srv.Endpoint(), srv.Issuer(), ts.URL)
	}

	vc := srv.VerifierConfig()
	vc.HTTPClient = ts.Client()
	v, err := cognitosrp.NewVerifier(vc)
	if err != nil {
		t.Fatal(err)
	}
	cfg := srv.SessionConfig()
	cfg.HTTPClient, cfg.Verifier = ts.Client(), v
	s, err := cognitosrp.NewSession(cfg, "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.Authenticate(ctx, "correct horse"); err != nil {
		t.Fatal(err)
	}
	claims, err := v.Verify(ctx, s.Tokens().AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if claims.Issuer != srv.Issuer() {
		t.Errorf("iss %q, want %q", claims.Issuer, srv.Issuer())
	}

	resp, err := ts.Client().Get(srv.Issuer() + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.Issuer != srv.Issuer() || doc.JWKSURI != srv.JWKSURL() {
		t.Errorf("issuer %q, jwks_uri %q; want %q, %q", doc.Issuer, doc.JWKSURI, srv.Issuer(), srv.JWKSURL())
	}

	// A started server names Config.URL too, not its listening address.
	other := cognitotest.NewServer(t, cognitotest.Config{URL: "http://cognito:9229"})
	if other.Endpoint() != "http://cognito:9229/" || other.JWKSURL() != "http://cognito:9229/"+other.PoolID()+"/.well-known/jwks.json" {
		t.Errorf("Endpoint %q, JWKSURL %q; want them under http://cognito:9229", other.Endpoint(), other.JWKSURL())
	}

	for _, bad := range []string{"cognito:9229", "ftp://cognito/", "http://", "http://cognito/pool", "http://u:p@cognito", "http://cognito/?x", "http://cognito/#x", "http://[::1"} {
		if _, err := cognitotest.NewUnstartedServer(cognitotest.Config{URL: bad}); !errors.Is(err, cognitotest.ErrConfig) {
			t.Errorf("URL %q: error %v, want ErrConfig", bad, err)
		}
	}
}

// TestConfigURLForms: what Config.URL accepts it names in a form that is a
// URL again, so that a client given Endpoint, or a verifier given Issuer,
// can use it: an IPv6 host keeps its brackets and a link-local one its
// zone, escaped ("%25") as a URL must have it.
func TestConfigURLForms(t *testing.T) {
	for in, want := range map[string]string{
		"http://[::1]:9229/":            "http://[::1]:9229",
		"http://[fe80::1%25eth0]:9229/": "http://[fe80::1%25eth0]:9229",
		"HTTPS://Cognito.Test":          "https://Cognito.Test",
		"http://cognito:":               "http://cognito",
		"http://cognito:65535/":         "http://cognito:65535",
	} {
		srv, err := cognitotest.NewUnstartedServer(cognitotest.Config{URL: in})
		if err != nil {
			t.Errorf("URL %q: %v", in, err)
			continue
		}
		if srv.URL() != want {
			t.Errorf("URL %q: named %q, want %q", in, srv.URL(), want)
		}
		if _, err := cognitosrp.NewSession(srv.SessionConfig(), "alice"); err != nil {
			t.Errorf("URL %q: a session on its Endpoint %q: %v", in, srv.Endpoint(), err)
		}
		if _, err := url.Parse(srv.Issuer()); err != nil {
			t.Errorf("URL %q: its issuer is no URL: %v", in, err)
		}
	}
}

// TestConfigURLRefusesPorts: a port that no TCP connection can have is
// refused with the configuration, as the listening address's would be,
// not left to fail each client's dial.
func TestConfigURLRefusesPorts(t *testing.T) {
	for _, bad := range []string{"http://cognito:0", "http://cognito:65536", "http://cognito:99999", "http://[::1]:070000", "http://:9229"} {
		if _, err := cognitotest.NewUnstartedServer(cognitotest.Config{URL: bad}); !errors.Is(err, cognitotest.ErrConfig) {
			t.Errorf("URL %q: error %v, want ErrConfig", bad, err)
		}
	}
}
