// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"strings"
	"testing"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestMissingMembersRefused: a request without a member or parameter its
// action or challenge needs is refused as Cognito refuses it, a missing
// parameter or a failed validation (InvalidParameterException), not a
// wrong password or an internal error; one whose members have the wrong
// JSON types is a SerializationException. A client under test learns
// which member it forgot.
func TestMissingMembersRefused(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	addUser(t, srv, cognitotest.User{Username: "sms", Password: "pw-sms-12345", SMSMFA: true})
	addUser(t, srv, cognitotest.User{Username: "new", Password: "temporary1", ForceNewPassword: true})
	r := newRaw(t, srv)
	client := srv.ClientID()
	selectChallenge := func() *cognitosrp.AuthOutput {
		return expectChallenge(t, "SELECT_CHALLENGE")(r.initiate("USER_AUTH", map[string]string{"USERNAME": "alice"}))
	}

	for _, c := range []struct {
		name, typ, msg string
		call           func() error
	}{
		{"InitiateAuth without AuthFlow", "InvalidParameterException", "Value at 'authFlow' failed to satisfy constraint: Member must not be null",
			func() error {
				_, err := r.call("InitiateAuth", map[string]any{"AuthParameters": map[string]string{"USERNAME": "alice"}, "ClientId": client})
				return err
			}},
		{"unknown PREFERRED_CHALLENGE", "InvalidParameterException", "Unsupported PREFERRED_CHALLENGE BOGUS",
			func() error {
				_, err := r.initiate("USER_AUTH", map[string]string{"USERNAME": "alice", "PREFERRED_CHALLENGE": "BOGUS"})
				return err
			}},
		{"SELECT_CHALLENGE PASSWORD_SRP without SRP_A", "InvalidParameterException", "Missing required parameter SRP_A",
			func() error {
				_, err := r.respond("SELECT_CHALLENGE", selectChallenge().Session, map[string]string{"USERNAME": "alice", "ANSWER": "PASSWORD_SRP"})
				return err
			}},
		{"SELECT_CHALLENGE PASSWORD without PASSWORD", "InvalidParameterException", "Missing required parameter PASSWORD",
			func() error {
				_, err := r.respond("SELECT_CHALLENGE", selectChallenge().Session, map[string]string{"USERNAME": "alice", "ANSWER": "PASSWORD"})
				return err
			}},
		{"SELECT_CHALLENGE unknown ANSWER", "InvalidParameterException", `Invalid ANSWER "BOGUS" for SELECT_CHALLENGE`,
			func() error {
				_, err := r.respond("SELECT_CHALLENGE", selectChallenge().Session, map[string]string{"USERNAME": "alice", "ANSWER": "BOGUS"})
				return err
			}},
		{"SMS_MFA without code", "InvalidParameterException", "Missing required parameter SMS_MFA_CODE",
			func() error {
				ch := expectChallenge(t, "SMS_MFA")(r.srpLogin("sms", "pw-sms-12345", nil))
				_, err := r.respond("SMS_MFA", ch.Session, map[string]string{"USERNAME": "sms"})
				return err
			}},
		{"NEW_PASSWORD_REQUIRED without NEW_PASSWORD", "InvalidParameterException", "Missing required parameter NEW_PASSWORD",
			func() error {
				ch := expectChallenge(t, "NEW_PASSWORD_REQUIRED")(r.srpLogin("new", "temporary1", nil))
				_, err := r.respond("NEW_PASSWORD_REQUIRED", ch.Session, map[string]string{"USERNAME": "new"})
				return err
			}},
		{"DEVICE_SRP_AUTH without SRP_A", "InvalidParameterException", "Missing required parameter SRP_A",
			func() error {
				first := expectTokens(t)(r.srpLogin("alice", "pw-alice-123", nil))
				d := confirmDevice(t, r, first.AccessToken, first.NewDeviceMetadata)
				ch := expectChallenge(t, "DEVICE_SRP_AUTH")(r.srpLogin("alice", "pw-alice-123", map[string]string{"DEVICE_KEY": d.key}))
				_, err := r.respond("DEVICE_SRP_AUTH", ch.Session, map[string]string{"USERNAME": "alice", "DEVICE_KEY": d.key})
				return err
			}},
		{"REFRESH_TOKEN_AUTH without REFRESH_TOKEN", "InvalidParameterException", "Missing required parameter REFRESH_TOKEN",
			func() error { _, err := r.initiate("REFRESH_TOKEN_AUTH", map[string]string{}); return err }},
		{"RevokeToken without Token", "InvalidParameterException", "Value at 'token' failed to satisfy constraint: Member must not be null",
			func() error { _, err := r.call("RevokeToken", map[string]any{"ClientId": client}); return err }},
		{"VerifySoftwareToken without UserCode", "InvalidParameterException", "Value at 'userCode' failed to satisfy constraint: Member must not be null",
			func() error { _, err := r.call("VerifySoftwareToken", map[string]any{"AccessToken": "x"}); return err }},
	} {
		t.Run(c.name, func(t *testing.T) { wantAPIError(t, c.call(), c.typ, c.msg) })
	}

	for _, action := range []string{"ConfirmDevice", "UpdateDeviceStatus", "ForgetDevice", "AssociateSoftwareToken", "VerifySoftwareToken", "RevokeToken"} {
		t.Run(action+" with a wrongly typed member", func(t *testing.T) {
			_, err := r.call(action, map[string]any{"AccessToken": 5, "ClientId": client, "Token": 5})
			wantAPIError(t, err, "SerializationException", "")
		})
	}
	// The actions that name their app client: the refusal comes before
	// the client is looked up, and quotes none of the body's secrets.
	const secret = "refresh-token-secret"
	for _, action := range []string{"InitiateAuth", "RespondToAuthChallenge", "GetTokensFromRefreshToken"} {
		t.Run(action+" with a wrongly typed member", func(t *testing.T) {
			_, err := r.call(action, map[string]any{
				"ClientId": 5, "AuthFlow": "REFRESH_TOKEN_AUTH", "ChallengeName": "PASSWORD_VERIFIER",
				"RefreshToken": secret, "AuthParameters": map[string]string{"REFRESH_TOKEN": secret},
				"ChallengeResponses": map[string]string{"USERNAME": "alice", "PASSWORD_CLAIM_SIGNATURE": secret},
			})
			wantAPIError(t, err, "SerializationException", "the request body is not a JSON object of the expected shape")
			if strings.Contains(err.Error(), secret) {
				t.Errorf("the refusal quotes the body: %v", err)
			}
		})
	}
}
