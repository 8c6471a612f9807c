// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"
)

// RefreshMethod selects the Cognito call that renews tokens with a refresh
// token.
type RefreshMethod string

const (
	// RefreshWithInitiateAuth renews with InitiateAuth(REFRESH_TOKEN_AUTH).
	// Cognito returns no new refresh token; the old one is kept. App clients
	// with refresh-token rotation refuse it. It is the default.
	RefreshWithInitiateAuth RefreshMethod = "REFRESH_TOKEN_AUTH"
	// RefreshWithGetTokens renews with GetTokensFromRefreshToken, which
	// works on every app client and, with rotation on, returns a new
	// refresh token that replaces the old one.
	RefreshWithGetTokens RefreshMethod = "GetTokensFromRefreshToken"
)

// String returns the method's name, REFRESH_TOKEN_AUTH for the zero value.
//
//go:noinline // binary size: out of line (see doc.go)
func (m RefreshMethod) String() string {
	if m == "" {
		return string(RefreshWithInitiateAuth)
	}
	return string(m)
}

// ErrRefreshFlowNotEnabled reports that Cognito refused REFRESH_TOKEN_AUTH
// because the app client does not allow it, which is always the case when
// the client rotates refresh tokens. The error also matches the
// *APIError Cognito returned. Set Config.RefreshMethod (or
// Options.RefreshMethod) to RefreshWithGetTokens.
var ErrRefreshFlowNotEnabled = errors.New("cognitosrp: the app client does not allow REFRESH_TOKEN_AUTH")

// refreshFlowRefused recognizes Cognito's answer to REFRESH_TOKEN_AUTH on
// an app client without ALLOW_REFRESH_TOKEN_AUTH, as every client with
// refresh-token rotation is: an InvalidParameterException whose message
// says the flow is not enabled ("REFRESH_TOKEN_AUTH flow not enabled for
// this client"; emulators vary the wording).
func refreshFlowRefused(err error) bool {
	var ae *APIError
	if !as(err, &ae) || ae.Type != "InvalidParameterException" {
		return false
	}
	m := strings.ToLower(ae.Message)
	return strings.Contains(m, "not enabled") || strings.Contains(m, "rotation")
}

// refreshTokenDead reports whether a renewal failed because the refresh
// token can no longer be used: expired, revoked, signed out, or replaced
// by rotation and reused after the grace period (RefreshTokenReuseException
// matches ErrNotAuthorized too, see APIError.Is). A NotAuthorized for the
// client secret (wrong, or missing: Cognito's message names the secret)
// is not: the refresh token is fine, and a new login would be refused
// for the same reason.
// (An *APIError matches the errorKind of its Type: errors.Is needs no
// target variable and no as; binary size, see doc.go.)
func refreshTokenDead(err error) bool {
	return errors.Is(err, ErrNotAuthorized) && !findError(err, secretRefused)
}

// secretRefused reports whether err is Cognito refusing the app client's
// secret or its hash ("Unable to verify secret hash for client …",
// "Client … is configured with secret but SECRET_HASH was not received",
// until 2022 "… configured for secret but secret was not received", and
// for REFRESH_TOKEN_AUTH "SecretHash does not match for the client: …",
// hence in any case).
func secretRefused(err error) bool {
	ae, ok := err.(*APIError)
	return ok && strings.Contains(strings.ToLower(ae.Message), "secret")
}

// refresh renews cur, which has a refresh token (its callers, obtain and
// refreshOnly, check), with the configured method. A result without a
// refresh token keeps cur's; with rotation the new one replaces it, also
// when the tokens it came with are refused.
func (s *Session) refresh(ctx context.Context, cur *Tokens) (*Tokens, error) {
	// With device tracking Cognito ties refresh tokens to the device.
	deviceKey, err := s.deviceKey(ctx, cur)
	if err != nil {
		return nil, err
	}
	var res *AuthenticationResult
	if s.cfg.RefreshMethod == RefreshWithGetTokens {
		out, err := s.api.getTokensFromRefreshToken(ctx, &GetTokensFromRefreshTokenInput{
			ClientId:     s.cfg.ClientID,
			RefreshToken: cur.RefreshToken,
			ClientSecret: s.cfg.ClientSecret,
			DeviceKey:    deviceKey,
		})
		if err != nil {
			return nil, err
		}
		res = (*AuthenticationResult)(out.AuthenticationResult)
	} else {
		params := map[string]string{"REFRESH_TOKEN": cur.RefreshToken}
		username := refreshUsername(cur, s.username)
		s.addSecretHash(params, username)
		if deviceKey != "" {
			params["DEVICE_KEY"] = deviceKey
		}
		out, err := outputOf(s.api.initiateAuth(ctx, &InitiateAuthInput{
			AuthFlow:       FlowRefreshTokenAuth,
			AuthParameters: params,
			ClientId:       s.cfg.ClientID,
		}))
		if refreshFlowRefused(err) {
			return nil, errorf("%w (app clients with refresh-token rotation allow only GetTokensFromRefreshToken): set Config.RefreshMethod or Options.RefreshMethod to RefreshWithGetTokens: %w",
				ErrRefreshFlowNotEnabled, err)
		}
		if err != nil {
			return nil, err
		}
		if out.AuthenticationResult == nil {
			return nil, unexpectedOutput("InitiateAuth", out, username)
		}
		res = out.AuthenticationResult
	}
	if res == nil {
		return nil, &refinedError{base: &ErrInvalidResponse, detail: s.cfg.RefreshMethod.String() + " returned no tokens"}
	}
	t, err := s.acceptTokens(ctx, res, cur, s.localNow())
	if err != nil && s.cfg.RefreshMethod == RefreshWithGetTokens && res.RefreshToken != "" && res.RefreshToken != cur.RefreshToken &&
		!errors.Is(err, errOtherUser) {
		// Rotation: GetTokensFromRefreshToken has retired cur's refresh
		// token, and the new one is the only live one, even though the
		// tokens that came with it were refused (a key set that could not
		// be fetched, a clock far off). cur's tokens with it go back with
		// the error, for the session to keep and store (see op), so that
		// the next renewal does not find the refresh token dead. Not when
		// the tokens are another user's: so is the refresh token that came
		// with them. (Another pool's or client's Cognito refuses itself.)
		kept := *cur
		kept.RefreshToken = res.RefreshToken
		return &kept, err
	}
	return t, err
}

// refreshUsername returns the name that SECRET_HASH of a renewal of t
// hashes: Cognito's internal username, never the alias the user logs in
// with (the classic "Unable to verify secret hash" bug). The access or id
// token names it as Cognito knows it; Tokens given to SetTokens may lack
// Username, or hold the login name there, so the field comes after them.
// Only when nothing names the user is the login name the best guess.
func refreshUsername(t *Tokens, login string) string {
	for _, tok := range []string{t.AccessToken, t.IDToken} {
		if c, err := ParseUnverified(tok); err == nil {
			if name := c.InternalUsername(); name != "" {
				return name
			}
		}
	}
	if t.Username != "" {
		return t.Username
	}
	return login
}

// refreshNow renews cur, learns the clock offset from the new tokens and
// logs the outcome.
func (s *Session) refreshNow(ctx context.Context, cur *Tokens, trigger string) (*Tokens, error) {
	start, sent := time.Now(), s.cfg.Now()
	t, err := s.refresh(ctx, cur)
	return s.obtained(ctx, cur, trigger, start, sent, s.cfg.Now(), t, err)
}

// loginNow logs in, learns the clock offset from the new tokens
// and logs the outcome. The SRP TIMESTAMP is never signed on that offset
// (see claimTime).
func (s *Session) loginNow(ctx context.Context, password, trigger string) (*Tokens, error) {
	start := time.Now()
	var run loginRun
	t, err := s.login(ctx, password, &run)
	if err == nil {
		s.dead.Store(nil)
	}
	return s.obtained(ctx, nil, trigger, start, run.sent, run.received, t, err)
}

// obtained ends a login (cur nil) or a renewal of cur that began at start
// and returned t or err: it learns the clock offset from t, issued between
// sent and received on the session's clock, and logs the outcome. One
// function logs all four outcomes, whose events share most attributes
// (binary size: one site, see doc.go).
func (s *Session) obtained(ctx context.Context, cur *Tokens, trigger string, start, sent, received time.Time, t *Tokens, err error) (*Tokens, error) {
	if err == nil {
		s.observeClock(ctx, t, sent, received)
	}
	level, msg := slog.LevelInfo, "cognitosrp: logged in"
	if cur != nil {
		msg = "cognitosrp: tokens renewed"
	}
	if err != nil {
		level, msg = slog.LevelWarn, "cognitosrp: login failed"
		if cur != nil {
			msg = "cognitosrp: renewal failed"
		}
		if ctx.Err() == context.Canceled && errors.Is(err, context.Canceled) {
			// Cancelled by Close, a sign-out or the caller, who know: a
			// worker that shuts down cleanly must not log a failure.
			level, msg = slog.LevelDebug, "cognitosrp: login cancelled"
			if cur != nil {
				msg = "cognitosrp: renewal cancelled"
			}
		}
	}
	if s.logs(ctx, level) {
		args := append(make([]any, 0, 14), "user", s.username)
		if cur != nil {
			args = append(args, "method", s.cfg.RefreshMethod.String())
		}
		args = append(args, "trigger", trigger, "duration", time.Since(start))
		if err != nil {
			args = append(args, "error", err.Error())
		} else {
			if cur != nil {
				args = append(args, "rotated", t.RefreshToken != cur.RefreshToken)
			}
			// tokenID decodes the token: only for an event that is written.
			args = append(args, "jti", tokenID(t), "expires", t.AccessExpiry)
		}
		s.cfg.Logger.Log(ctx, level, msg, args...)
	}
	// On failure t is what the session keeps, if anything (see op).
	return t, err
}
