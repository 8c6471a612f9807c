// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestErrorTextOnePrefix: an error of the package that wraps another of
// its errors names the package once. "cognitosrp: session must log in
// again: cognitosrp: InitiateAuth: …", the text of every refresh token
// that died in a session without a password, read as two errors, and a
// service logging rejected tokens printed "cognitosrp: invalid token:
// cognitosrp: malformed token: …". The wrapped errors still match.
func TestErrorTextOnePrefix(t *testing.T) {
	ctx := context.Background()
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: "pw"}); err != nil {
		t.Fatal(err)
	}
	res, err := srv.IssueTokens("alice")
	if err != nil {
		t.Fatal(err)
	}
	notJSON := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hello") })
	verifier := func(issuer string) *cognitosrp.Verifier {
		v, err := cognitosrp.NewVerifier(cognitosrp.VerifierConfig{UserPoolID: srv.PoolID(), ClientIDs: []string{srv.ClientID()}, Issuer: issuer})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	_, malformed := verifier(srv.Issuer()).Verify(ctx, "abc")
	parts := strings.Split(res.AccessToken, ".")
	_, badSig := verifier(srv.Issuer()).Verify(ctx, parts[0]+"."+parts[1]+".!")
	_, keySet := verifier(notJSON.URL).Verify(ctx, res.AccessToken)

	// A session without a password whose refresh token was signed out.
	s, err := cognitosrp.NewSession(srv.SessionConfig(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Authenticate(ctx, "pw"); err != nil {
		t.Fatal(err)
	}
	if err := srv.SignOut("alice"); err != nil {
		t.Fatal(err)
	}
	signedOut := s.Refresh(ctx)

	for _, tc := range []struct {
		name string
		err  error
		want string
		is   []error
	}{
		{"malformed token", malformed, "cognitosrp: invalid token: malformed token: not three dot-separated segments",
			[]error{cognitosrp.ErrTokenInvalid, cognitosrp.ErrMalformedToken}},
		{"signature not base64url", badSig, "cognitosrp: invalid token: bad signature: malformed token: signature is not base64url",
			[]error{cognitosrp.ErrSignature, cognitosrp.ErrMalformedToken}},
		{"key set not JSON", keySet, "cognitosrp: signing keys unavailable: invalid JSON Web Key Set: ",
			[]error{cognitosrp.ErrKeySetUnavailable, cognitosrp.ErrInvalidKeySet}},
		{"refresh token signed out", signedOut, "cognitosrp: session must log in again: InitiateAuth: NotAuthorizedException: ",
			[]error{cognitosrp.ErrLoginRequired, cognitosrp.ErrNotAuthorized}},
		{"handler of this package failed",
			&cognitosrp.ChallengeError{ChallengeName: cognitosrp.ChallengeSoftwareTokenMFA, Err: cognitosrp.ErrTOTPSecret},
			"cognitosrp: challenge SOFTWARE_TOKEN_MFA: TOTP secret is not valid base32",
			[]error{cognitosrp.ErrTOTPSecret}},
		{"cause of another package", &cognitosrp.LoginRequiredError{Err: errors.New("keyring: locked")},
			"cognitosrp: session must log in again: keyring: locked", nil},
	} {
		if tc.err == nil || !strings.HasPrefix(tc.err.Error(), tc.want) {
			t.Errorf("%s: %v\nwant it to begin %q", tc.name, tc.err, tc.want)
		}
		for _, target := range tc.is {
			if !errors.Is(tc.err, target) {
				t.Errorf("%s: %v does not match %v", tc.name, tc.err, target)
			}
		}
	}
}
