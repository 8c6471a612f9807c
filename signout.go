// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// SignOut ends the session: it revokes the refresh token with Cognito
// (which also invalidates the access tokens issued with it), forgets the
// tokens, clears the Store and calls OnTokens with nil. A session that has
// not loaded the Store's tokens yet (a new process) reads them to revoke
// their refresh token: a program need not load them first, and should
// not with ValidTokens, which may renew them just before the sign-out.
// The local tokens are forgotten even when revocation fails; the error
// then says the refresh token may still work. An app client without
// token revocation refuses it every time (an *APIError of type
// UnsupportedOperationException), and the refresh token lives on until it
// expires: there, GlobalSignOut is the sign-out that ends it, with every
// other refresh token of the user's. A renewal in progress is discarded.
// A session with a password logs in again on its next use.
func (s *Session) SignOut(ctx context.Context) error {
	if !s.built() {
		return errNotNew
	}
	t, err := s.forget(ctx)
	return errors.Join(s.revoke(ctx, t), err)
}

// revoke revokes the refresh token of t, if any, for a sign-out that has
// already forgotten t.
func (s *Session) revoke(ctx context.Context, t *Tokens) error {
	if t == nil || t.RefreshToken == "" {
		return nil
	}
	start := time.Now()
	err := s.api.revokeToken(ctx, &RevokeTokenInput{
		Token:        t.RefreshToken,
		ClientId:     s.cfg.ClientID,
		ClientSecret: s.cfg.ClientSecret,
	})
	if err != nil {
		err = errorf("cognitosrp: signed out locally, but revoking the refresh token failed: %w", err)
	}
	s.logSignOut(ctx, "RevokeToken", start, err)
	return err
}

// GlobalSignOut signs the user out everywhere: it invalidates every
// refresh token of the user, on every device, then forgets the tokens like
// SignOut. It needs a valid access token and renews it first if needed,
// waiting for that renewal as ValidTokens does (ctx bounds only the wait).
// A token Cognito refuses as revoked before it expires (by another
// client's sign-out, or by this call's own copy whose answer was lost: the
// refusal does not tell) is renewed as after an API's 401, and the call
// made once more with the new one; a session without a password to log
// in again then fails. Tokens from the hosted UI need the
// aws.cognito.signin.user.admin scope for it.
func (s *Session) GlobalSignOut(ctx context.Context) error {
	if !s.built() {
		return errNotNew
	}
	// renew, not ValidTokens: a token in its renewal window would start a
	// background renewal, which, reaching Cognito after the sign-out,
	// finds the refresh token dead and logs in again with the password.
	t, err := s.renew(ctx, AccessToken, nil)
	if err != nil {
		return err
	}
	err = s.globalSignOut(ctx, t)
	if accessRevoked(err) {
		// Cognito refused a token that has not expired as revoked, by
		// another client's sign-out say. Renew it as a request's 401
		// would, so that the session does not keep sending it, and try
		// with the new one. (A token refused for lacking the scope
		// GlobalSignOut needs would be renewed without it.)
		nt, rerr := s.renewRejected(ctx, t)
		if rerr != nil {
			return errorf("%w (renewing the refused token: %w)", err, rerr)
		}
		err = s.globalSignOut(ctx, nt)
		t = nt
	}
	if err != nil {
		return err
	}
	// A renewal a request started before may have done just that during
	// the call: its tokens, installed since, outlive the sign-out unless
	// revoked like SignOut's. (Revoking is idempotent, should they be a
	// rotation the sign-out already killed.)
	after, err := s.forget(ctx)
	if after != nil && after.RefreshToken != t.RefreshToken {
		err = errors.Join(s.revoke(ctx, after), err)
	}
	return err
}

// globalSignOut calls GlobalSignOut with t's access token, and logs it.
// A refusal as revoked, even of a resend after a lost answer, does not
// show whether the user is signed out (see Client.GlobalSignOut): the
// caller renews and signs out again, and a new token either signs the
// user out or fails.
func (s *Session) globalSignOut(ctx context.Context, t *Tokens) error {
	start := time.Now()
	err := s.api.globalSignOut(ctx, &GlobalSignOutInput{AccessToken: t.AccessToken})
	s.logSignOut(ctx, "GlobalSignOut", start, err)
	return err
}

// forget drops the session's tokens and clears the store. It returns the
// tokens it dropped, or else those the store holds (reading it when the
// session never loaded it), so that what a past run saved is revoked too;
// a store it cannot read is cleared all the same and reported, as its
// refresh token may still work.
func (s *Session) forget(ctx context.Context) (*Tokens, error) {
	s.mu.Lock()
	// A load in progress counts as none: the flight reading the store is
	// voided below, and what it read must be revoked all the same.
	loaded := s.loaded && !s.loading
	s.loaded = true         // the store is about to be empty
	t := s.tokens.Swap(nil) // before voidLocked: see Auth.valueFor
	s.voidLocked()
	if t == nil && loaded {
		// The first flight may be renewing what it read from the store:
		// those tokens are not the session's yet, and the flight is
		// voided, but their refresh token is live.
		t = s.stored.Load()
	}
	s.mu.Unlock()
	var loadErr error
	if t == nil && !loaded {
		if t, loadErr = s.store.Load(ctx); loadErr != nil {
			loadErr = errorf("cognitosrp: signed out locally, but the stored refresh token could not be read to revoke it: %w", loadErr)
		}
	}
	// Cleared even when ctx has ended (a sign-out on the way out of a
	// cancelled request, say): the session has forgotten the tokens, and
	// a store that kept them would bring them back in the next run.
	return t, errors.Join(loadErr, s.changed(context.WithoutCancel(ctx), nil))
}

func (s *Session) logSignOut(ctx context.Context, action string, start time.Time, err error) {
	attrs := []any{"action", action, "duration", time.Since(start)}
	if err != nil {
		s.log(ctx, slog.LevelWarn, "cognitosrp: sign-out failed", append(attrs, "error", err.Error())...)
		return
	}
	s.log(ctx, slog.LevelInfo, "cognitosrp: signed out", attrs...)
}
