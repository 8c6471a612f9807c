// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gocognito/cognitosrp"
)

// TestErrorsRedactURLPasswords: an endpoint or key set URL may carry a
// password in its user info; the errors that name the URL show it as
// net/http's own errors do, redacted, and so does a printed Config.
func TestErrorsRedactURLPasswords(t *testing.T) {
	const secret = "s3cret-pw"
	for _, endpoint := range []string{"https://user:" + secret + "@vpce.example/", "https://user:" + secret + "@h/%zz", "user:" + secret + "@h/p?q=@", "https://u:p:" + secret + "@h",
		"https://user:" + secret + "#1@vpce.example/", "https://user:x?" + secret + "@h/", "https://user:x/" + secret + "@h/",
		"https://me@corp.example:" + secret + "@proxy/", "//user:" + secret + "@h/", "https://user:p@" + secret + "@h/",
		"user:" + secret + "@h://x"} { // no scheme: what comes before "://" holds '@'
		cfg := cognitosrp.Config{UserPoolID: "us-east-1_Pool", ClientID: "c", Endpoint: endpoint}
		for _, out := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", &cfg)} {
			if strings.Contains(out, secret) || !strings.Contains(out, "xxxxx@") {
				t.Errorf("printed Config with endpoint %.12s…: %s", endpoint, out)
			}
		}
	}
	// Nor is one whose port is followed by an '@' in the path, query or
	// fragment: net/url reads no user info there.
	for _, endpoint := range []string{"https://user@h/a:b@c", "https://vpce.example:8443/a@b", "https://h:8443?a=b@c",
		"https://h:#a@b", "http://[::1]:80/x@y", "http://[::1]/x@y"} {
		if out := fmt.Sprint(cognitosrp.Config{Endpoint: endpoint}); !strings.Contains(out, "Endpoint: "+endpoint+"}") {
			t.Errorf("a URL without a password is printed as it is: %s", out)
		}
	}
	// A '#', '?' or '/' in the password ends the host for the URL parser,
	// which then quotes the password as the host's "port".
	for _, endpoint := range []string{"ftp://user:" + secret + "@127.0.0.1/", "http://user:" + secret + "@127.0.0.1/%zz",
		"https://user:" + secret + "#x@127.0.0.1/", "https://user:" + secret + "/x@127.0.0.1/", "https://user:" + secret + "?x@127.0.0.1/"} {
		c := &cognitosrp.Client{Endpoint: endpoint}
		err := c.Call(context.Background(), "InitiateAuth", struct{}{}, new(struct{}))
		if err == nil || strings.Contains(err.Error(), secret) {
			t.Errorf("Call with a password in endpoint %.12s…: %v", endpoint, err)
		}
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	v, err := cognitosrp.NewVerifier(cognitosrp.VerifierConfig{
		UserPoolID: "us-east-1_Pool",
		ClientIDs:  []string{"client"},
		JWKSURL:    strings.Replace(srv.URL, "://", "://user:"+secret+"@", 1) + "/jwks.json",
		HTTPClient: srv.Client(),
	})
	if err != nil {
		t.Fatal(err)
	}
	b64 := base64.RawURLEncoding.EncodeToString
	token := b64([]byte(`{"alg":"RS256","kid":"k"}`)) + "." + b64([]byte(`{}`)) + ".c2ln"
	if _, err := v.Verify(context.Background(), token); err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("Verify with a key set URL that answers 503: %v", err)
	}
	for _, jwksURL := range []string{"http://user:" + secret + "@127.0.0.1/%zz", "http://user:" + secret + "#x@127.0.0.1/jwks.json"} {
		// Refused at once, not at each Verify as if the keys were down;
		// the error hides the URL but says which setting is wrong.
		_, err := cognitosrp.NewVerifier(cognitosrp.VerifierConfig{
			UserPoolID: "us-east-1_Pool",
			ClientIDs:  []string{"client"},
			JWKSURL:    jwksURL,
		})
		if !errors.Is(err, cognitosrp.ErrConfig) || strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), "JWKSURL") {
			t.Errorf("NewVerifier with a key set URL that does not parse: %v", err)
		}
	}
}

// TestPrintedURLPasswords: a Client, a VerifierConfig and a Verifier hold the URLs
// that Config's printer and the errors redact; printing them, with any verb
// or through slog, hides the password the same way.
func TestPrintedURLPasswords(t *testing.T) {
	const secret = "s3cret-pw"
	withPW := "https://user:" + secret + "@vpce.example/"
	cfg := cognitosrp.VerifierConfig{UserPoolID: "us-east-1_Pool", ClientIDs: []string{"client"}, Issuer: withPW + "pool", JWKSURL: withPW + "jwks.json"}
	v, err := cognitosrp.NewVerifier(cfg)
	if err != nil {
		t.Fatal(err)
	}
	client := cognitosrp.Client{Endpoint: withPW}
	for name, x := range map[string]any{"VerifierConfig": cfg, "*VerifierConfig": &cfg, "*Verifier": v, "Client": client, "*Client": &client} {
		var outs []string
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			outs = append(outs, fmt.Sprintf(verb, x))
		}
		for _, h := range []func(*strings.Builder) slog.Handler{
			func(b *strings.Builder) slog.Handler { return slog.NewTextHandler(b, nil) },
			func(b *strings.Builder) slog.Handler { return slog.NewJSONHandler(b, nil) },
		} {
			var b strings.Builder
			slog.New(h(&b)).Info("m", "v", x)
			outs = append(outs, b.String())
		}
		for _, out := range outs {
			if strings.Contains(out, secret) || strings.Contains(out, fmt.Sprintf("%x", secret)) {
				t.Errorf("%s printed the URL's password: %.200s", name, out)
			}
		}
	}
}
