// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"encoding/json"
	"reflect"
	"strconv"
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
	exps := make([]any, len(wireOutputs))
	for i, d := range wireOutputs {
		exps[i] = d.exported()
		err1 := json.Unmarshal([]byte(auth), exps[i])
		got, err2 := d.viaWire([]byte(auth))
		if err1 != nil || err2 != nil || !reflect.DeepEqual(exps[i], got) {
			t.Errorf("%s decodes differently: %v, %v", d.name, err1, err2)
		}
	}
	out, tokens := exps[0].(*AuthOutput), exps[1].(*GetTokensFromRefreshTokenOutput)
	if out.AuthenticationResult == nil || out.AuthenticationResult.NewDeviceMetadata == nil || out.Session != "s" ||
		tokens.AuthenticationResult == nil || tokens.AuthenticationResult.RefreshToken != "r" {
		t.Error("the outputs lost fields in decoding")
	}
}

// TestWireOutputsKeepEveryField: the outputs are decoded into structs of
// their own (wireAuthOutput, wireGetTokensOutput), which the compiler does
// not hold to the exported types as it does a conversion, so a field added
// to AuthOutput would be dropped in silence. Each exported output, every
// field set, must come back whole through the wire struct Client decodes
// into.
func TestWireOutputsKeepEveryField(t *testing.T) {
	n := 0
	var fill func(v reflect.Value)
	fill = func(v reflect.Value) {
		n++
		switch v.Kind() {
		case reflect.Pointer:
			v.Set(reflect.New(v.Type().Elem()))
			fill(v.Elem())
		case reflect.Struct:
			for i := range v.NumField() {
				fill(v.Field(i))
			}
		case reflect.String:
			v.SetString("s" + strconv.Itoa(n))
		case reflect.Int64:
			v.SetInt(int64(n))
		case reflect.Slice:
			v.Set(reflect.MakeSlice(v.Type(), 1, 1))
			fill(v.Index(0))
		case reflect.Map:
			v.Set(reflect.MakeMap(v.Type()))
			key, elem := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(key)
			fill(elem)
			v.SetMapIndex(key, elem)
		default:
			t.Fatalf("fill does not know %s: teach it", v.Type())
		}
	}
	for _, d := range wireOutputs {
		exported := d.exported()
		fill(reflect.ValueOf(exported).Elem())
		data, err := json.Marshal(exported)
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.viaWire(data)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, exported) {
			back, _ := json.Marshal(got)
			t.Errorf("%s loses a field through its wire struct:\nsent %s\ngot  %s", d.name, data, back)
		}
	}
}

// wireOutputs are the outputs Client decodes into a wire struct: a new
// exported output, and the exported output that data gives through the
// wire struct and the conversion Client uses.
var wireOutputs = []struct {
	name     string
	exported func() any
	viaWire  func(data []byte) (any, error)
}{
	{"AuthOutput", func() any { return new(AuthOutput) }, func(data []byte) (any, error) {
		var r authReply
		err := json.Unmarshal(data, &r.out)
		return r.output(), err
	}},
	{"GetTokensFromRefreshTokenOutput", func() any { return new(GetTokensFromRefreshTokenOutput) }, func(data []byte) (any, error) {
		var w wireGetTokensOutput
		err := json.Unmarshal(data, &w)
		return w.output(), err
	}},
}
