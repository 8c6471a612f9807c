// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"fmt"
	"strings"
)

// This file holds the Cognito calls that manage tokens after login:
// renewal with rotation, revocation and global sign-out.

// GetTokensFromRefreshTokenInput is the request of GetTokensFromRefreshToken.
type GetTokensFromRefreshTokenInput struct {
	// ClientId is the app client that issued the refresh token.
	ClientId     string //nolint:revive // the wire name
	RefreshToken string // a secret
	// ClientSecret is the app client's secret, if it has one: a secret.
	// Unlike REFRESH_TOKEN_AUTH this call takes it as it is, not a
	// SECRET_HASH.
	ClientSecret string `json:",omitempty"`
	// DeviceKey names the device the refresh token was issued on (the
	// access token's device_key claim), which a pool that tracks devices
	// requires. A Session fills it in with RememberDevices.
	DeviceKey string `json:",omitempty"`
	// ClientMetadata goes to the pool's Lambda triggers that the call
	// runs. Not encrypted: no secrets. Sessions send none.
	ClientMetadata map[string]string `json:",omitempty"`
}

// GetTokensFromRefreshTokenOutput is the response of
// GetTokensFromRefreshToken.
type GetTokensFromRefreshTokenOutput struct {
	// AuthenticationResult holds the new tokens: a new RefreshToken only
	// when the app client rotates refresh tokens, and NewDeviceMetadata
	// only when DeviceKey named no device that Cognito remembers.
	AuthenticationResult *AuthenticationResult `json:",omitempty"`
}

// String describes the input without its secrets.
func (in GetTokensFromRefreshTokenInput) String() string {
	return fmt.Sprintf("cognitosrp.GetTokensFromRefreshTokenInput{ClientId: %s, RefreshToken: %s, ClientSecret: %s, DeviceKey: %s}",
		in.ClientId, redact(in.RefreshToken), redact(in.ClientSecret), in.DeviceKey)
}

// Format prints String for every verb, so no formatting reveals a secret.
func (in GetTokensFromRefreshTokenInput) Format(f fmt.State, verb rune) { formatRedacted(f, in) }

// GetTokensFromRefreshToken renews tokens with a refresh token. Unlike
// REFRESH_TOKEN_AUTH it works on app clients with refresh-token rotation,
// where the result carries a new refresh token that replaces the old one
// (the old one stops working after the client's grace period).
func (c *Client) GetTokensFromRefreshToken(ctx context.Context, in *GetTokensFromRefreshTokenInput) (*GetTokensFromRefreshTokenOutput, error) {
	out, err := c.api().getTokensFromRefreshToken(ctx, in)
	if err != nil {
		return nil, err
	}
	return out.output(), nil
}

// getTokensFromRefreshToken returns the output as it was decoded: the
// Session takes its AuthenticationResult, so that no program that only
// renews links the exported output (binary size: opt-in, see doc.go).
func (c *apiClient) getTokensFromRefreshToken(ctx context.Context, in *GetTokensFromRefreshTokenInput) (*wireGetTokensOutput, error) {
	out := new(wireGetTokensOutput)
	if err := c.call(ctx, "GetTokensFromRefreshToken", (*wireGetTokens)(in), out); err != nil {
		return nil, err
	}
	return out, nil
}

// output returns the GetTokensFromRefreshTokenOutput of w.
func (w *wireGetTokensOutput) output() *GetTokensFromRefreshTokenOutput {
	return &GetTokensFromRefreshTokenOutput{AuthenticationResult: (*AuthenticationResult)(w.AuthenticationResult)}
}

// RevokeTokenInput is the request of RevokeToken.
type RevokeTokenInput struct {
	Token string // the refresh token; a secret
	// ClientId is the app client that issued the refresh token.
	ClientId     string //nolint:revive // the wire name
	ClientSecret string `json:",omitempty"` // a secret
}

// String describes the input without its secrets.
func (in RevokeTokenInput) String() string {
	return fmt.Sprintf("cognitosrp.RevokeTokenInput{Token: %s, ClientId: %s, ClientSecret: %s}",
		redact(in.Token), in.ClientId, redact(in.ClientSecret))
}

// Format prints String for every verb, so no formatting reveals a secret.
func (in RevokeTokenInput) Format(f fmt.State, verb rune) { formatRedacted(f, in) }

// RevokeToken revokes a refresh token and the access tokens issued with it.
func (c *Client) RevokeToken(ctx context.Context, in *RevokeTokenInput) error {
	return c.api().revokeToken(ctx, in)
}

func (c *apiClient) revokeToken(ctx context.Context, in *RevokeTokenInput) error {
	return c.call(ctx, "RevokeToken", (*wireRevokeToken)(in), &struct{}{})
}

// GlobalSignOutInput is the request of GlobalSignOut.
type GlobalSignOutInput struct {
	AccessToken string // a secret
}

// String describes the input without its secret.
func (in GlobalSignOutInput) String() string {
	return "cognitosrp.GlobalSignOutInput{AccessToken: " + redact(in.AccessToken) + "}"
}

// Format prints String for every verb, so no formatting reveals a secret.
func (in GlobalSignOutInput) Format(f fmt.State, verb rune) { formatRedacted(f, in) }

// GlobalSignOut invalidates every refresh token of the user the access
// token belongs to, on every device. Like Call it resends the request
// after a passing failure. A resent copy refused as revoked does not show
// that an earlier, unanswered copy signed the user out: the token may have
// been revoked before (by another client's sign-out), and devices that
// logged in since are still signed in. Session.GlobalSignOut tells the two
// apart by signing out again with a new token.
func (c *Client) GlobalSignOut(ctx context.Context, in *GlobalSignOutInput) error {
	return c.api().globalSignOut(ctx, in)
}

func (c *apiClient) globalSignOut(ctx context.Context, in *GlobalSignOutInput) error {
	return c.call(ctx, "GlobalSignOut", (*wireGlobalSignOut)(in), &struct{}{})
}

// accessRevoked reports whether err is Cognito refusing an access token as
// revoked ("Access Token has been revoked"), which a sign-out explains;
// not as expired, or as lacking the scope GlobalSignOut needs (a token
// from the hosted UI), which no sign-out explains.
func accessRevoked(err error) bool {
	var ae *APIError
	return as(err, &ae) && ae.Type == "NotAuthorizedException" && strings.Contains(strings.ToLower(ae.Message), "revoked")
}
