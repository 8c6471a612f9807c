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

// checkClientID checks a request's ClientId as the AWS protocol layer
// checks Cognito's ClientIdType (length 1 to 128, pattern [\w+]+): an id
// of another shape, such as a pool id ("Value 'ap-northeast-1_…' at
// 'clientId' failed to satisfy constraint: Member must satisfy regular
// expression pattern", boto3 issue 3581), is malformed, not an unknown
// client. The server's own client id passes whatever it is: Config takes
// ids Cognito would not make ("another-app-client"), which the emulator
// must still serve. "" is a member left out.
func (s *Server) checkClientID(v *violations, id string) {
	switch {
	case id == "":
		v.add("clientId", nil, mustNotBeNull)
		return
	case id == s.client.id:
		return
	}
	if len(id) > 128 {
		v.add("clientId", &id, "Member must have length less than or equal to 128")
	}
	if !idChars(id, "_+") {
		v.add("clientId", &id, `Member must satisfy regular expression pattern: [\w+]+`)
	}
}

// lookupClient returns the app client called id, which checkClientID
// took.
func (s *Server) lookupClient(id string) (*appClient, *apiError) {
	if id != s.client.id {
		return nil, errUnknownClient(id)
	}
	return s.client, nil
}

// checkClientSecret checks a ClientSecret member as the protocol layer
// checks ClientSecretType (length 1 to 64, pattern [\w+]+, sensitive: no
// value quoted) before the action runs: sent as "", it was taken as none,
// and a client without a secret was answered as if it had left it out.
// The server's own secret passes whatever it is, as its client id does
// in checkClientID. nil is a member left out, or sent as null.
//
// The minimum, 1, is that of botocore's model (cognito-idp
// service-2.json, ClientSecretType "min":1, "max":64) and of the
// RevokeToken reference on docs.amazonaws.cn. AWS's references of client
// secret rotation give 24 to 64 (AddUserPoolClientSecret's ClientSecret,
// ClientSecretDescriptorType's value), and a current RevokeToken
// reference reportedly 24 too: the model's ClientSecretType may have
// become 24 to 64. Which bound Cognito's protocol layer applies is not
// known. It decides only how a secret of 1 to 23 characters is refused
// (a validation error, or the wrong secret's NotAuthorizedException);
// secrets Cognito generates are longer.
func (s *Server) checkClientSecret(v *violations, secret *string) {
	if secret == nil || *secret != "" && subtle.ConstantTimeCompare([]byte(*secret), []byte(s.client.secret)) == 1 {
		return
	}
	if n := len(*secret); n == 0 {
		v.addSensitive("clientSecret", "Member must have length greater than or equal to 1")
	} else if n > 64 {
		v.addSensitive("clientSecret", "Member must have length less than or equal to 64")
	}
	if !idChars(*secret, "_+") {
		v.addSensitive("clientSecret", `Member must satisfy regular expression pattern: [\w+]+`)
	}
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
// internal username everywhere after. A client without a secret refuses
// a SECRET_HASH, in Cognito's words of 2016, which aws-sdk-ios-samples
// issue 102 quotes from the headers of an InitiateAuth answer
// (x-amzn-ErrorType "InvalidParameterException:"; pmill/aws-cognito pull
// request 23, 2019, quotes "App client XXXXXX is not configured for
// secret but secret hash was received"). No later report quotes it:
// Cognito may have reworded it since, as it did errNoSecretHash's. That
// RespondToAuthChallenge and REFRESH_TOKEN_AUTH refuse it alike is an
// assumption.
func (c *appClient) checkSecretHash(got, username string) *apiError {
	if c.secret == "" {
		if got != "" {
			return errInvalidParameter("Client %s is not configured for secret but secret hash was received", c.id)
		}
		return nil
	}
	if got == "" {
		return errNoSecretHash(c.id)
	}
	want := cognitosrp.SecretHash(username, c.id, c.secret)
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return errSecretHash(c.id).because("SECRET_HASH is not the hash of %q", username)
	}
	return nil
}

// checkSecret verifies a client secret sent in clear, as
// GetTokensFromRefreshToken and RevokeToken take it. A client without a
// secret takes one it is sent (of ClientSecretType's shape): what Cognito
// answers then is not known, no public report quoting it.
func (c *appClient) checkSecret(got string) *apiError {
	if c.secret == "" {
		return nil
	}
	if got == "" {
		return errNoSecretHash(c.id)
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(c.secret)) != 1 {
		return errNotAuthorized("Client secret is invalid for client %s", c.id)
	}
	return nil
}
