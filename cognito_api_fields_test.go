// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"reflect"
	"testing"
)

// TestClientTypesAreBodies: the inputs and outputs of Client hold the
// request or response body and nothing else: exported fields only, so that
// callers can build them with unkeyed literals and compare them with
// reflect.DeepEqual or go-cmp (which panics on an unexported field). The
// Date a login needs travels beside AuthOutput (authReply), not in it.
func TestClientTypesAreBodies(t *testing.T) {
	for _, v := range []any{
		InitiateAuthInput{}, RespondToAuthChallengeInput{}, AuthOutput{}, AuthenticationResult{},
		GetTokensFromRefreshTokenInput{}, GetTokensFromRefreshTokenOutput{}, RevokeTokenInput{},
		GlobalSignOutInput{}, ConfirmDeviceInput{}, UpdateDeviceStatusInput{}, NewDeviceMetadata{},
	} {
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			if f := typ.Field(i); !f.IsExported() {
				t.Errorf("%s has the unexported field %s", typ.Name(), f.Name)
			}
		}
	}
}
