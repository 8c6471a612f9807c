// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/gocognito/cognitosrp"
)

// TestCredentialWithLineBreak: a client id, client secret or username
// read with the line break of a file, an environment variable or a
// secret store's string (a Lambda function's configuration, say) is
// refused with ErrConfig, naming the setting, and never quoting the
// secret; so is a verifier's client id. None can be valid: Cognito's API
// reference gives ClientId and ClientSecret the pattern [\w+]+ and
// usernames [\p{L}\p{M}\p{S}\p{N}\p{P}]+, neither of which has white
// space or a control character (a login name may be an alias, which the
// reference does not constrain: only control characters are refused
// there). Accepted, the
// secret went into every SECRET_HASH and Cognito answered
// NotAuthorizedException ("Unable to verify secret hash"), which matches
// ErrNotAuthorized as a wrong password does; the client id gave "User
// pool client … does not exist" and the username "User does not exist",
// at the first request rather than at New.
func TestCredentialWithLineBreak(t *testing.T) {
	const secret = "s3cretabcdefghijklmnopqrstuvwxyz0123456789abcdefghij"
	base := cognitosrp.Options{
		Username: "alice", Password: "pw-s3cret",
		UserPoolID: "us-east-1_AbC123", ClientID: "1example23456789", ClientSecret: secret,
	}
	for _, tc := range []struct {
		setting string
		change  func(o *cognitosrp.Options)
	}{
		{"ClientSecret", func(o *cognitosrp.Options) { o.ClientSecret += "\n" }},
		{"ClientSecret", func(o *cognitosrp.Options) { o.ClientSecret += "\r\n" }},
		{"ClientSecret", func(o *cognitosrp.Options) { o.ClientSecret = " " + o.ClientSecret }},
		{"ClientID", func(o *cognitosrp.Options) { o.ClientID += "\n" }},
		{"ClientID", func(o *cognitosrp.Options) { o.ClientID += " " }},
		{"ClientID", func(o *cognitosrp.Options) { o.ClientID = "\t" + o.ClientID }},
		{"username", func(o *cognitosrp.Options) { o.Username += "\n" }},
		{"username", func(o *cognitosrp.Options) { o.Username = "alice\tsmith" }},
		{"username", func(o *cognitosrp.Options) { o.Username += "\x7f" }},
	} {
		o := base
		tc.change(&o)
		_, err := cognitosrp.New(o)
		if !errors.Is(err, cognitosrp.ErrConfig) || !strings.Contains(err.Error(), tc.setting) ||
			strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "pw-s3cret") {
			t.Errorf("New with a bad %s: %v; want ErrConfig naming it, without the secrets", tc.setting, err)
		}
		if tc.setting == "ClientID" {
			_, err := cognitosrp.NewVerifier(cognitosrp.VerifierConfig{UserPoolID: o.UserPoolID, ClientIDs: []string{"other", o.ClientID}})
			if !errors.Is(err, cognitosrp.ErrConfig) || !strings.Contains(err.Error(), "ClientIDs") {
				t.Errorf("NewVerifier with a bad client id: %v; want ErrConfig naming ClientIDs", err)
			}
		}
		cfg := cognitosrp.Config{UserPoolID: o.UserPoolID, ClientID: o.ClientID, ClientSecret: o.ClientSecret}
		if _, err := cognitosrp.NewSession(cfg, o.Username); !errors.Is(err, cognitosrp.ErrConfig) {
			t.Errorf("NewSession with a bad %s: %v; want ErrConfig", tc.setting, err)
		}
	}
	// What Cognito and the emulators issue, and what usernames may hold.
	for _, o := range []cognitosrp.Options{
		base,
		{Username: "alice@example.com", Password: "p", UserPoolID: "us-east-1_AbC123", ClientID: "test-client-id"},
		{Username: "+15555550123", Password: "p", UserPoolID: "us-east-1_AbC123", ClientID: "c", ClientSecret: "abc+def_ghi0123456789"},
		{Username: "Jöhn_Dœ.1", Password: " p w ", UserPoolID: "us-east-1_AbC123", ClientID: "c"},
		{Username: "Alice Smith", Password: "p", UserPoolID: "us-east-1_AbC123", ClientID: "c"},
	} {
		a, err := cognitosrp.New(o)
		if err != nil {
			t.Errorf("New with %q, %q: %v", o.ClientID, o.Username, err)
			continue
		}
		a.Close()
	}
}
