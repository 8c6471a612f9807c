// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestWireTypesEncodeAsTheExportedTypes: Client hands encoding/json the
// method-less wire types, so each must encode exactly as the exported type
// it is converted from (and as Cognito expects), full and empty, and decode
// alike. An exported type that grew a MarshalJSON or UnmarshalJSON would be
// bypassed by its wire type: this fails then too. The recorded fixtures
// cover InitiateAuth, RespondToAuthChallenge, ConfirmDevice and
// UpdateDeviceStatus in context; GetTokensFromRefreshToken, RevokeToken and
// GlobalSignOut have none.
func TestWireTypesEncodeAsTheExportedTypes(t *testing.T) {
	meta := map[string]string{"k": "v"}
	for _, tc := range []struct {
		name     string
		exported any
		want     string
	}{
		{"InitiateAuth", &InitiateAuthInput{AuthFlow: FlowUserSRPAuth, AuthParameters: map[string]string{"SRP_A": "0a"}, ClientId: "c", ClientMetadata: meta},
			`{"AuthFlow":"USER_SRP_AUTH","AuthParameters":{"SRP_A":"0a"},"ClientId":"c","ClientMetadata":{"k":"v"}}`},
		{"InitiateAuth empty", &InitiateAuthInput{}, `{"AuthFlow":"","AuthParameters":null,"ClientId":""}`},
		{"RespondToAuthChallenge", &RespondToAuthChallengeInput{ChallengeName: "SMS_MFA", ChallengeResponses: map[string]string{"SMS_MFA_CODE": "1"}, ClientId: "c", ClientMetadata: meta, Session: "s"},
			`{"ChallengeName":"SMS_MFA","ChallengeResponses":{"SMS_MFA_CODE":"1"},"ClientId":"c","ClientMetadata":{"k":"v"},"Session":"s"}`},
		{"RespondToAuthChallenge empty", &RespondToAuthChallengeInput{}, `{"ChallengeName":"","ChallengeResponses":null,"ClientId":""}`},
		{"GetTokensFromRefreshToken", &GetTokensFromRefreshTokenInput{ClientId: "c", RefreshToken: "r", ClientSecret: "cs", DeviceKey: "d", ClientMetadata: meta},
			`{"ClientId":"c","RefreshToken":"r","ClientSecret":"cs","DeviceKey":"d","ClientMetadata":{"k":"v"}}`},
		{"GetTokensFromRefreshToken empty", &GetTokensFromRefreshTokenInput{}, `{"ClientId":"","RefreshToken":""}`},
		{"RevokeToken", &RevokeTokenInput{Token: "r", ClientId: "c", ClientSecret: "cs"}, `{"Token":"r","ClientId":"c","ClientSecret":"cs"}`},
		{"RevokeToken empty", &RevokeTokenInput{}, `{"Token":"","ClientId":""}`},
		{"GlobalSignOut", &GlobalSignOutInput{AccessToken: "a"}, `{"AccessToken":"a"}`},
		{"ConfirmDevice", &ConfirmDeviceInput{AccessToken: "a", DeviceKey: "d", DeviceSecretVerifierConfig: DeviceSecretVerifierConfig{PasswordVerifier: "v", Salt: "s"}, DeviceName: "n"},
			`{"AccessToken":"a","DeviceKey":"d","DeviceSecretVerifierConfig":{"PasswordVerifier":"v","Salt":"s"},"DeviceName":"n"}`},
		{"ConfirmDevice empty", &ConfirmDeviceInput{}, `{"AccessToken":"","DeviceKey":"","DeviceSecretVerifierConfig":{"PasswordVerifier":"","Salt":""}}`},
		{"UpdateDeviceStatus", &UpdateDeviceStatusInput{AccessToken: "a", DeviceKey: "d", DeviceRememberedStatus: "remembered"},
			`{"AccessToken":"a","DeviceKey":"d","DeviceRememberedStatus":"remembered"}`},
	} {
		var wireIn any
		switch in := tc.exported.(type) {
		case *InitiateAuthInput:
			wireIn = (*wireInitiateAuth)(in)
		case *RespondToAuthChallengeInput:
			wireIn = (*wireRespondToChallenge)(in)
		case *GetTokensFromRefreshTokenInput:
			wireIn = (*wireGetTokens)(in)
		case *RevokeTokenInput:
			wireIn = (*wireRevokeToken)(in)
		case *GlobalSignOutInput:
			wireIn = (*wireGlobalSignOut)(in)
		case *ConfirmDeviceInput:
			wireIn = (*wireConfirmDevice)(in)
		case *UpdateDeviceStatusInput:
			wireIn = (*wireUpdateDeviceStatus)(in)
		}
		exported, err1 := json.Marshal(tc.exported)
		wire, err2 := json.Marshal(wireIn)
		if err1 != nil || err2 != nil || string(exported) != string(wire) || string(wire) != tc.want {
			t.Errorf("%s:\nexported %s (%v)\nwire     %s (%v)\nwant     %s", tc.name, exported, err1, wire, err2, tc.want)
		}
	}

	// The outputs decode alike.
	const auth = `{"AuthenticationResult":{"AccessToken":"a","IdToken":"i","RefreshToken":"r","ExpiresIn":3600,"TokenType":"Bearer",` +
		`"NewDeviceMetadata":{"DeviceKey":"d","DeviceGroupKey":"g"}},"ChallengeName":"SELECT_CHALLENGE",` +
		`"ChallengeParameters":{"USERNAME":"u"},"Session":"s","AvailableChallenges":["PASSWORD_SRP"]}`
	var out AuthOutput
	var tokens GetTokensFromRefreshTokenOutput
	var reply authReply
	var wireTokens wireGetTokensOutput
	for _, d := range []struct {
		name       string
		into, wire any
		exp        any
		got        func() any
	}{
		{"AuthOutput", &out, &reply.out, &out, func() any { return reply.output() }},
		{"GetTokensFromRefreshTokenOutput", &tokens, &wireTokens, &tokens, func() any {
			return &GetTokensFromRefreshTokenOutput{AuthenticationResult: (*AuthenticationResult)(wireTokens.AuthenticationResult)}
		}},
	} {
		err1 := json.Unmarshal([]byte(auth), d.into)
		err2 := json.Unmarshal([]byte(auth), d.wire)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(d.exp, d.got()) {
			t.Errorf("%s decodes differently: %v, %v", d.name, err1, err2)
		}
	}
	if out.AuthenticationResult == nil || out.AuthenticationResult.NewDeviceMetadata == nil || out.Session != "s" ||
		tokens.AuthenticationResult == nil || tokens.AuthenticationResult.RefreshToken != "r" {
		t.Error("the outputs lost fields in decoding")
	}
}
