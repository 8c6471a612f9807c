// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gocognito/cognitosrp"
)

const (
	markPassword      = "pw-MARK-7d1e9a"
	markClientSecret  = "cs-MARK-41b0c3"
	markChallengeSess = "sess-MARK-c2f0e1"
)

// loggedInAuth returns an Auth built from individual parameters (so its
// session keeps the password) after a first request, and the secrets it
// holds.
func loggedInAuth(t *testing.T) (*cognitosrp.Auth, []string) {
	t.Helper()
	f := startFake(t, fakeConfig{ClientSecret: markClientSecret})
	f.AddUser("alice", markPassword)
	auth, err := cognitosrp.New(f.options("alice", markPassword))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	tok := auth.Session().Tokens()
	return auth, []string{markPassword, markClientSecret, tok.AccessToken, tok.IDToken, tok.RefreshToken}
}

// formatVerbs are the verbs every value must survive.
var formatVerbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %[1]v"}

// TestNoSecretInFormatting formats every exported value that may hold a
// secret with every verb, by value and by pointer, and looks for the
// secrets, raw and hex-encoded.
func TestNoSecretInFormatting(t *testing.T) {
	auth, secrets := loggedInAuth(t)
	secrets = append(secrets, markChallengeSess)
	sess := auth.Session()
	tok := sess.Tokens()
	opts := cognitosrp.Options{Username: "alice", Password: markPassword, UserPoolID: "us-east-1_X",
		ClientID: "c", ClientSecret: markClientSecret, HeaderPrefix: "Bearer "}
	cfg := cognitosrp.Config{UserPoolID: "us-east-1_X", ClientID: "c", ClientSecret: markClientSecret}
	res := cognitosrp.AuthenticationResult{AccessToken: tok.AccessToken, IdToken: tok.IDToken, RefreshToken: tok.RefreshToken, ExpiresIn: 3600}
	out := cognitosrp.AuthOutput{AuthenticationResult: &res, Session: markChallengeSess}
	initIn := cognitosrp.InitiateAuthInput{AuthFlow: cognitosrp.FlowRefreshTokenAuth, ClientId: "c",
		AuthParameters: map[string]string{"REFRESH_TOKEN": tok.RefreshToken}}
	respondIn := cognitosrp.RespondToAuthChallengeInput{ChallengeName: "NEW_PASSWORD_REQUIRED", ClientId: "c",
		ChallengeResponses: map[string]string{"NEW_PASSWORD": markPassword}, Session: markChallengeSess}
	chErr := &cognitosrp.ChallengeError{ChallengeName: "MFA_SETUP", Session: markChallengeSess,
		Parameters: map[string]string{"USER_ID_FOR_SRP": "alice"}}
	apiErr := &cognitosrp.APIError{Action: "InitiateAuth", Type: "NotAuthorizedException", Message: "Incorrect username or password.", StatusCode: 400}
	srp, err := cognitosrp.NewSRP("X", nil)
	if err != nil {
		t.Fatal(err)
	}
	claims, err := cognitosrp.ParseUnverified(tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]any{
		"Options": opts, "*Options": &opts, "Config": cfg, "*Config": &cfg,
		"*Session": sess, "*Auth": auth, "*Tokens": tok, "Tokens": *tok,
		"AuthenticationResult": res, "*AuthenticationResult": &res,
		"AuthOutput": out, "*AuthOutput": &out,
		"InitiateAuthInput": initIn, "*InitiateAuthInput": &initIn,
		"RespondToAuthChallengeInput": respondIn, "*RespondToAuthChallengeInput": &respondIn,
		"*ChallengeError": chErr, "*APIError": apiErr, "*SRP": srp, "*Claims": claims,
		"[]any": []any{opts, cfg, tok, res}, "map": map[string]any{"auth": auth, "tokens": tok},
	}
	for name, v := range values {
		for _, verb := range formatVerbs {
			got := fmt.Sprintf(verb, v)
			for _, s := range secrets {
				if leaks(got, s) {
					t.Errorf("%s of %s reveals %.8s…: %.160s", verb, name, s, got)
				}
			}
		}
	}
}

// leaks reports whether text holds secret as is, quoted, or hex-encoded.
func leaks(text, secret string) bool {
	low := strings.ToLower(text)
	return strings.Contains(text, secret) ||
		strings.Contains(low, fmt.Sprintf("%x", secret)) ||
		strings.Contains(text, strings.Trim(fmt.Sprintf("%q", secret), `"`))
}

// TestNoSecretInErrors collects the errors of many failure paths and
// looks for the secrets in their text.
func TestNoSecretInErrors(t *testing.T) {
	ctx := context.Background()
	auth, secrets := loggedInAuth(t)
	tok := auth.Session().Tokens()
	var errs []error
	add := func(err error) {
		if err == nil {
			t.Errorf("call %d did not fail", len(errs)+1)
		}
		errs = append(errs, err)
	}

	f := startFake(t, fakeConfig{ClientSecret: markClientSecret})
	f.AddUser("alice", "another password")
	opts := f.options("alice", markPassword)
	wrong, _ := cognitosrp.New(opts)
	_, err := wrong.Token(ctx) // wrong password
	add(err)
	_, err = wrong.Client().Get("http://127.0.0.1:1/") // the same, through RoundTrip
	add(err)
	opts.UserPoolID = "not-a-pool-id"
	_, err = cognitosrp.New(opts)
	add(err)
	opts.UserPoolID, opts.Header = "us-east-1_X", "Bad Header"
	_, err = cognitosrp.New(opts)
	add(err)

	// A dead refresh token, with and without a password at hand.
	cfg := f.sessionConfig()
	s, _ := cognitosrp.NewSession(cfg, "alice")
	s.SetTokens(tok)
	add(s.Refresh(ctx))
	expired := *tok
	expired.AccessExpiry = expired.IssuedAt
	s.SetTokens(&expired)
	_, err = s.ValidTokens(ctx, cognitosrp.AccessToken)
	add(err)

	// Tokens that cannot go in a header, or cannot be read.
	bad := *tok
	bad.AccessToken = tok.AccessToken + "\r\nX-Evil: 1"
	s.SetTokens(&bad)
	a2, _ := cognitosrp.New(cognitosrp.Options{Session: s})
	_, err = a2.HeaderValue(ctx)
	add(err)
	for _, broken := range []string{tok.AccessToken[:len(tok.AccessToken)/2], tok.RefreshToken, strings.Replace(tok.AccessToken, ".", "!", 1)} {
		_, err = cognitosrp.ParseUnverified(broken)
		add(err)
	}

	// Network failure and cancellation while the body holds secrets.
	down := &cognitosrp.Client{Endpoint: "http://127.0.0.1:1/"}
	add(down.Call(ctx, "InitiateAuth", &cognitosrp.InitiateAuthInput{AuthParameters: map[string]string{"REFRESH_TOKEN": tok.RefreshToken}}, new(cognitosrp.AuthOutput)))
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	cs, _ := cognitosrp.NewSession(cfg, "alice")
	add(cs.Authenticate(cctx, markPassword))

	// A proxy that echoes the request body in an error page.
	echo := newEchoBodyServer(t)
	es, _ := cognitosrp.NewSession(cognitosrp.Config{UserPoolID: "us-east-1_X", ClientID: "c", ClientSecret: markClientSecret, Endpoint: echo}, "alice")
	es.SetTokens(tok)
	add(es.Refresh(ctx))

	for i, err := range errs {
		if err == nil {
			continue
		}
		t.Logf("error %d: %v", i+1, err)
		for _, verb := range formatVerbs {
			text := fmt.Sprintf(verb, err)
			for _, sec := range secrets {
				if leaks(text, sec) {
					t.Errorf("error %d (%s) reveals %.8s…: %.200s", i+1, verb, sec, text)
				}
			}
		}
	}
}

// newEchoBodyServer answers every request with a 400 whose body repeats the
// request body, as some proxies do.
func newEchoBodyServer(t *testing.T) string {
	srv := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) {
		var b bytes.Buffer
		b.ReadFrom(r.Body)
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusBadRequest)
		w.Write(b.Bytes())
	})
	return srv.URL
}

func TestWrongPasswordIsNotAuthorized(t *testing.T) {
	f := startFake(t, fakeConfig{})
	f.AddUser("alice", "right")
	s, err := cognitosrp.NewSession(f.sessionConfig(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Authenticate(context.Background(), "wrong")
	if !errors.Is(err, cognitosrp.ErrNotAuthorized) || errors.Is(err, cognitosrp.ErrUserNotFound) {
		t.Fatalf("err = %v; want ErrNotAuthorized only", err)
	}
	var ae *cognitosrp.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("%v is not an *APIError", err)
	}
	want := cognitosrp.APIError{Action: "RespondToAuthChallenge", Type: "NotAuthorizedException",
		Message: "Incorrect username or password.", StatusCode: 400, RequestID: "fake-request-0002"}
	if *ae != want || ae.Temporary() {
		t.Errorf("APIError = %#v (temporary %v), want %#v", *ae, ae.Temporary(), want)
	}
	const text = "cognitosrp: RespondToAuthChallenge: NotAuthorizedException: Incorrect username or password. (HTTP 400, request id fake-request-0002)"
	if err.Error() != text {
		t.Errorf("Error() = %q\nwant %q", err, text)
	}
	if s.Tokens() != nil {
		t.Error("a failed login stored tokens")
	}
}
