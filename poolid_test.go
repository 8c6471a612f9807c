// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// Pool ids that Cognito's pattern, [\w-]+_[0-9a-zA-Z]+ of at most 55
// bytes, accepts, and ones it does not (or that hold a second '_', which
// no region name has).
var (
	goodPoolIDs = []string{
		"us-east-1_AbC123",
		"eu-west-2_x",
		"US-EAST-1_AbC123",
		"local_4Ld6zNl5",       // cognito-local's
		"us-east-1_0aZ9bY8cX7", // moto's: "us-east-1_" and random alphanumerics
		"us-gov-west-1_AbC123",
		"us-east-1_" + strings.Repeat("a", 45), // 55 bytes
	}
	badPoolIDs = []string{
		"us-east-1_AbC123 ", // pasted with a trailing space
		" us-east-1_AbC123",
		`"us-east-1_AbC123"`, // with the quotes of a .env file
		"'us-east-1_AbC123'",
		"us-east-1_AbC123\t",
		"us-east-1_AbC123\r",
		"us-east-1_AbC-123",
		"us-east-1_AbC_123",
		"us-east-1_AbC.123",
		"us east-1_AbC123",
		"us-east-1_AbCé",
		"us-east-1_AbC\x00",
		"us-east-1_" + strings.Repeat("a", 46), // 56 bytes
		"us-east-1_",
		"_AbC123",
		"nounderscore",
		"",
	}
)

// TestPoolIDPattern: a user pool id that is not one (a stray character,
// most often a space or quotes pasted with it) is refused with ErrConfig
// by NewSession, New and NewVerifier, and quoted so that the stray
// character shows. Accepted, it went into the SRP hash with the pool's
// name, and Cognito answered "Incorrect username or password", which sent
// the user looking for a wrong password.
func TestPoolIDPattern(t *testing.T) {
	for _, id := range badPoolIDs {
		_, err := cognitosrp.NewSession(cognitosrp.Config{UserPoolID: id, ClientID: "c"}, "u")
		if !errors.Is(err, cognitosrp.ErrConfig) || !strings.Contains(err.Error(), fmt.Sprintf("%q", id)) {
			t.Errorf("NewSession with pool id %q: %v", id, err)
		}
		_, err = cognitosrp.New(cognitosrp.Options{UserPoolID: id, ClientID: "c", Username: "u", Password: "pw-s3cret"})
		if !errors.Is(err, cognitosrp.ErrConfig) || strings.Contains(err.Error(), "pw-s3cret") {
			t.Errorf("New with pool id %q: %v", id, err)
		}
		_, err = cognitosrp.NewVerifier(cognitosrp.VerifierConfig{UserPoolID: id, ClientIDs: []string{"c"}})
		if !errors.Is(err, cognitosrp.ErrConfig) || !strings.Contains(err.Error(), fmt.Sprintf("%q", id)) {
			t.Errorf("NewVerifier with pool id %q: %v", id, err)
		}
	}
	for _, id := range goodPoolIDs {
		if _, err := cognitosrp.NewSession(cognitosrp.Config{UserPoolID: id, ClientID: "c", Endpoint: "http://127.0.0.1:1"}, "u"); err != nil {
			t.Errorf("NewSession with pool id %q: %v", id, err)
		}
		if _, err := cognitosrp.NewVerifier(cognitosrp.VerifierConfig{UserPoolID: id, ClientIDs: []string{"c"}}); err != nil {
			t.Errorf("NewVerifier with pool id %q: %v", id, err)
		}
	}

	// The case of the report: the emulator's pool id with a space.
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	srv.AddUser(cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	opts := srv.Options("alice", "pw-alice-123")
	opts.UserPoolID += " "
	if auth, err := cognitosrp.New(opts); !errors.Is(err, cognitosrp.ErrConfig) {
		if err == nil {
			_, err = auth.Token(t.Context())
			auth.Close()
		}
		t.Errorf("New with a space after the pool id: %v", err)
	}
}
