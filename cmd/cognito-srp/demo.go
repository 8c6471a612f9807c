// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// demoTokenLifetime is short so that the demo shows a renewal within a
// few seconds.
const demoTokenLifetime = 2 * time.Second

// demoCommand runs the library's whole job against an emulator in the
// process: an SRP login, an authorized request through the RoundTripper,
// a token that expires and its renewal. It prints a transcript with
// timings.
func demoCommand(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "demo", "")
	usage := fs.Usage
	fs.Usage = func() {
		usage()
		// Without it, "demo -h" printed the usage line alone, which did
		// not say what the command does, as the others' help does.
		fmt.Fprint(e.stderr, "\nRuns a Cognito emulator and a protected API in the process, on loopback, and\nprints each step with its timing: an SRP login, a request with the token,\nthe 2 s token's expiry and its renewal. It needs no settings and caches nothing.\n")
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		// Not shown, as token, sign-out and emulate do not show theirs: a
		// stray argument may be a secret typed in the wrong place, and a
		// usage error reaches the terminal and CI logs. demo has no flags
		// whose name it could be.
		return usagef("unexpected argument (not shown); demo takes no arguments")
	}
	start := time.Now()
	say := func(step, format string, args ...any) {
		fmt.Fprintf(e.stdout, "%7.3fs  %-8s %s\n", time.Since(start).Seconds(), step, fmt.Sprintf(format, args...))
	}
	fmt.Fprintln(e.stdout, "cognito-srp demo: SRP login, an API call, expiry and renewal, on a local Cognito emulator")

	srv, err := cognitotest.NewUnstartedServer(cognitotest.Config{
		PoolID:              "us-east-1_Demo2026x",
		AccessTokenLifetime: demoTokenLifetime,
		IDTokenLifetime:     demoTokenLifetime,
		ClientSecret:        randomText(24),
	})
	if err != nil {
		return err
	}
	if err := srv.Start(); err != nil {
		return err
	}
	defer srv.Close()
	say("cognito", "emulator at %s (pool %s, app client with a secret)", srv.Endpoint(), srv.PoolID())

	password := randomText(18)
	user, err := srv.AddUser(cognitotest.User{Aliases: []string{"demo@example.com"}, Password: password})
	if err != nil {
		return err
	}
	say("cognito", "user demo@example.com, internal username %s", user.Username)

	api, err := startAPI(srv)
	if err != nil {
		return err
	}
	defer api.Close()
	apiURL := "http://" + api.Addr + "/hello"
	say("api", "protected endpoint %s (checks the access token's signature, expiry and revocation)", apiURL)

	opts := srv.Options("demo@example.com", password)
	opts.ExpiryMargin = -1 // no margin: let the 2 s token really expire
	auth, err := cognitosrp.New(opts)
	if err != nil {
		return err
	}
	client := auth.Client()
	get := func(label string) error {
		before := srv.Calls("")
		t0 := time.Now()
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(rctx, http.MethodGet, apiURL, nil)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("the API answered %s", resp.Status)
		}
		say("request", "GET /hello → %d %q in %v; %s", resp.StatusCode, body, time.Since(t0).Round(time.Millisecond), cognitoCalls(srv, before, label))
		return nil
	}
	if err := get("SRP login"); err != nil {
		return err
	}
	if err := get(""); err != nil {
		return err
	}
	expiry := auth.Session().Tokens().AccessExpiry
	say("wait", "the access token expires at %s; waiting for it", expiry.Format("15:04:05"))
	select {
	case <-time.After(time.Until(expiry) + 50*time.Millisecond):
	case <-ctx.Done():
		return ctx.Err()
	}
	if _, err := srv.VerifyAccessToken(auth.Session().Tokens().AccessToken); err == nil {
		return fmt.Errorf("the token did not expire")
	}
	say("wait", "expired: the emulator now refuses the old token")
	if err := get("renewal"); err != nil {
		return err
	}
	say("done", "%d Cognito calls in all; the password never went over the wire, only its SRP proof", srv.Calls(""))
	return nil
}

// cognitoCalls describes the Cognito calls made since the counter read
// before.
func cognitoCalls(srv *cognitotest.Server, before int, label string) string {
	n := srv.Calls("") - before
	if n == 0 {
		return "no Cognito call (token still valid)"
	}
	reqs := srv.Requests()
	if len(reqs) > n {
		reqs = reqs[len(reqs)-n:]
	}
	s := label + ":"
	for _, r := range reqs {
		s += fmt.Sprintf(" %s %v", r.Action, r.Duration.Round(time.Millisecond))
	}
	return s
}

// startAPI serves a protected endpoint on a loopback port.
func startAPI(srv *cognitotest.Server) (*http.Server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/hello", srv.RequireAccessToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cl, _ := cognitotest.ClaimsFromContext(r.Context())
		fmt.Fprintf(w, "hello %s", cl.Subject[:8])
	})))
	api := &http.Server{Addr: l.Addr().String(), Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go api.Serve(l)
	return api, nil
}

// randomText returns n random bytes as base64url.
func randomText(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
