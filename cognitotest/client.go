// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"crypto/subtle"

	"github.com/gocognito/cognitosrp"
)

// appClient is the pool's app client. It is immutable.
type appClient struct {
	id       string
	secret   string
	flows    map[string]bool
	rotation bool
}

func newAppClient(cfg Config) *appClient {
	c := &appClient{id: cfg.ClientID, secret: cfg.ClientSecret, flows: make(map[string]bool), rotation: cfg.RefreshTokenRotation}
	for _, f := range cfg.AuthFlows {
		c.flows[f] = true
	}
	// Cognito refuses REFRESH_TOKEN_AUTH on a client with rotation, even
	// when its explicit auth flows list it.
	if c.rotation {
		delete(c.flows, AllowRefreshTokenAuth)
	}
	return c
}

// lookupClient returns the app client called id.
func (s *Server) lookupClient(id string) (*appClient, *apiError) {
	if id == "" {
		return nil, errValidation("clientId", nil, mustNotBeNull)
	}
	if id != s.client.id {
		return nil, errUnknownClient(id)
	}
	return s.client, nil
}

// allow refuses a flow the app client does not enable; allowFlag is the
// Allow* constant and flow the name the request used.
func (c *appClient) allow(allowFlag, flow string) *apiError {
	if !c.flows[allowFlag] {
		return errInvalidParameter("%s flow not enabled for this client", flow)
	}
	return nil
}

// checkSecretHash verifies SECRET_HASH for username. username must be the
// name Cognito expects at that step: the name typed in InitiateAuth, the
// internal username everywhere after.
func (c *appClient) checkSecretHash(got, username string) *apiError {
	if c.secret == "" {
		return nil
	}
	if got == "" {
		return errNotAuthorized("Client %s is configured for secret but secret was not received", c.id)
	}
	want := cognitosrp.SecretHash(username, c.id, c.secret)
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return errSecretHash(c.id).because("SECRET_HASH is not the hash of %q", username)
	}
	return nil
}

// checkSecret verifies a client secret sent in clear, as
// GetTokensFromRefreshToken and RevokeToken take it.
func (c *appClient) checkSecret(got string) *apiError {
	if c.secret == "" {
		return nil
	}
	if got == "" {
		return errNotAuthorized("Client %s is configured for secret but secret was not received", c.id)
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(c.secret)) != 1 {
		return errNotAuthorized("Client secret is invalid for client %s", c.id)
	}
	return nil
}
