// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"strings"
	"time"
)

// This file retries Cognito calls that failed for a passing reason:
// throttling, Cognito's internal errors, HTTP 5xx and network failures.
//
// Which calls are retried, and why:
//   - InitiateAuth and the other resendable calls carry nothing
//     that a second copy could misuse (USER_SRP_AUTH carries only SRP_A), so
//     the Client resends them as they are. USER_PASSWORD_AUTH carries the
//     password itself, which a second copy sends to the endpoint the first
//     went to; a wrong one whose answer was lost is then tried twice, as a
//     restarted SRP login (below) proves the password twice.
//   - RespondToAuthChallenge is never resent: its challenge session is
//     single-use, and the PASSWORD_VERIFIER answer is bound to the SRP
//     values of one exchange. When the answer to a password verifier fails
//     for a passing reason, the Session starts the login over from
//     InitiateAuth with a fresh SRP private value instead. That is safe: a
//     new exchange reveals nothing more about the password, and if Cognito
//     did accept the lost answer, the tokens it issued are simply unused.
//   - Answers to MFA and other challenges that involve the user are not
//     restarted: a restart would send a new code.

// Defaults of RetryPolicy.
const (
	DefaultMaxAttempts = 4
	DefaultBaseDelay   = 100 * time.Millisecond
	DefaultMaxDelay    = 5 * time.Second
	DefaultMaxElapsed  = 20 * time.Second
)

// RetryPolicy says how Cognito calls that fail for a passing reason are
// retried: with capped exponential backoff and full jitter, a bounded
// number of attempts and a bounded total time, and never past the end of
// the caller's context: a call whose context ends while it waits to retry,
// or as an attempt fails for a passing reason, returns the last attempt's
// error, which then matches the context's too (errors.Is). The zero value
// is the default policy, and a zero or negative duration means that
// field's default; MaxAttempts of 1 turns retries off.
//
// A Session applies the policy twice over: to each call, and to a login
// that starts over after its answer to the password verifier failed. So a
// login makes at most MaxAttempts² InitiateAuth calls; no retry starts
// later than MaxElapsed after the start of its call, no restart later than
// MaxElapsed after the start of the login, and none after the context ends.
// A login with a remembered device that Cognito no longer knows counts as
// two: it is tried once more without the device (see Config.Devices), with
// bounds of its own, so even MaxAttempts 1 sends InitiateAuth twice.
type RetryPolicy struct {
	// MaxAttempts bounds the attempts of one call, the first included.
	// Zero means DefaultMaxAttempts; 1 or less means no retries.
	MaxAttempts int
	// BaseDelay is the backoff before the first retry; it doubles with
	// each retry up to MaxDelay. Zero means DefaultBaseDelay.
	BaseDelay time.Duration
	// MaxDelay caps one backoff. Zero means DefaultMaxDelay.
	MaxDelay time.Duration
	// MaxElapsed bounds the time from the first attempt within which a
	// retry may start. Zero means DefaultMaxElapsed.
	MaxElapsed time.Duration
	// Jitter returns a uniformly random duration in [0, d]. Nil means
	// math/rand/v2's goroutine-safe generator. Tests set a seeded one.
	// A Session draws with it too (as Jitter(time.Second), a share it
	// scales) how much longer than its least it holds failed logins and
	// renewals back (see Session.ValidTokens).
	Jitter func(d time.Duration) time.Duration
}

// withDefaults returns p with its zero fields set to the defaults.
func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts == 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	p.MaxAttempts = max(p.MaxAttempts, 1)
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultBaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = DefaultMaxDelay
	}
	if p.MaxElapsed <= 0 {
		p.MaxElapsed = DefaultMaxElapsed
	}
	if p.Jitter == nil {
		p.Jitter = uniform
	}
	return p
}

// uniform returns a uniformly random duration in [0, d], from
// math/rand/v2's goroutine-safe generator: the Jitter of a policy that
// sets none. Unsigned: d+1 overflows an int64 when d is the largest
// Duration (a MaxDelay of "no limit" a caller may well write). A function,
// not a literal in withDefaults (binary size: the literal, inlined into do,
// was a closure of its own, with a long name); fly draws with it too.
func uniform(d time.Duration) time.Duration { return time.Duration(rand.Uint64N(uint64(d) + 1)) }

// backoff returns the delay before retry n (0 for the first retry): a
// random duration up to min(MaxDelay, BaseDelay·2ⁿ).
func (p *RetryPolicy) backoff(n int) time.Duration {
	ceiling := p.MaxDelay
	if n < 62 && p.BaseDelay <= p.MaxDelay>>n {
		ceiling = p.BaseDelay << n
	}
	return min(max(p.Jitter(ceiling), 0), ceiling)
}

// do runs op until it succeeds, fails with an error again does not accept,
// or the policy or ctx runs out. It returns op's last error, annotated with
// the number of attempts when there were several. Its receiver, and
// backoff's, is a pointer (binary size: nothing per call, see doc.go).
func (p *RetryPolicy) do(ctx context.Context, again func(error) bool, op func() error) error {
	q := p.withDefaults()
	start := time.Now()
	for attempt := 1; ; attempt++ {
		err := op()
		if err == nil || !again(err) {
			return err
		}
		if ctx.Err() != nil {
			// Answered as ctx ended, or cut short by it.
			return notRetried(ctx, err)
		}
		// A call that was not retried says nothing of attempts: with
		// retries off (MaxAttempts 1) every failure read "(gave up after
		// 1 attempts)".
		if attempt >= q.MaxAttempts {
			if attempt > 1 {
				err = errorf("%w (gave up after %d attempts)", err, attempt)
			}
			return err
		}
		delay := q.backoff(attempt - 1)
		if time.Since(start)+delay > q.MaxElapsed {
			if attempt > 1 {
				err = errorf("%w (gave up after %d attempts in %v)", err, attempt, time.Since(start).Round(time.Millisecond))
			}
			return err
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < delay {
			// Sleeping past the deadline only to fail is no use.
			return err
		}
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return notRetried(ctx, err)
		}
	}
}

// notRetried returns err, a passing failure that ended retries because ctx
// ended, matching ctx's error too: so that a caller can tell that it gave
// up (errors.Is(err, context.Canceled), the check of a program shutting
// down) from Cognito failing, even when Cognito's answer came at the very
// moment ctx ended. An attempt that ctx cut short already matches it.
func notRetried(ctx context.Context, err error) error {
	if errors.Is(err, ctx.Err()) {
		return err
	}
	return errorf("%w (not retried: %w)", err, ctx.Err())
}

// resendable reports whether a Cognito action may be sent again as it is.
// RespondToAuthChallenge is not resendable (see the top of this file).
func resendable(action string) bool {
	for rest := resendableActions; rest != ""; {
		var name string
		name, rest, _ = strings.Cut(rest, " ")
		if name == action {
			return true
		}
	}
	return false
}

// resendableActions lists the actions resendable accepts. A string, not a
// switch or a []string literal (binary size: string table, see doc.go).
const resendableActions = "InitiateAuth GetTokensFromRefreshToken GetUser GetDevice ListDevices " +
	"ConfirmDevice ForgetDevice UpdateDeviceStatus RevokeToken GlobalSignOut " +
	"AssociateSoftwareToken SetUserMFAPreference"

// transportError marks a failure to exchange a request with Cognito (or a
// key set): the network, a timeout, a body cut short. It is worth
// retrying. Its text keeps only graphic characters, as the server's own
// text does (serverText): a TLS error quotes the names of the server's
// certificate as sent, and they may hold a line break or an escape
// sequence.
type transportError struct{ err error }

func (e *transportError) Error() string { return serverText(e.err.Error(), maxTransportText) }
func (e *transportError) Unwrap() error { return e.err }

// retryable reports whether err is a passing failure: throttling,
// Cognito's internal errors, HTTP 5xx, or the network.
func retryable(err error) bool {
	var api *APIError
	if as(err, &api) {
		return api.Temporary()
	}
	var te *transportError
	return as(err, &te) && !permanentTransportError(te.err)
}

// permanentTransportError reports transport failures that no retry can
// mend: a certificate that does not verify, or this package's ErrConfig
// (an Auth of the session as Config.HTTPClient's transport: the login
// waits for itself, see Session.wait). Retrying it would only delay the
// error.
func permanentTransportError(err error) bool {
	// One walk for ErrConfig and the four types: as[T] would compile a
	// copy of itself for each of the three struct types.
	return findError(err, func(e error) bool {
		if e == ErrConfig {
			return true
		}
		switch e.(type) {
		case *tls.CertificateVerificationError, x509.UnknownAuthorityError, x509.HostnameError, x509.CertificateInvalidError:
			return true
		}
		x, ok := e.(interface{ As(any) bool })
		return ok && (x.As(new(*tls.CertificateVerificationError)) || x.As(new(x509.UnknownAuthorityError)) ||
			x.As(new(x509.HostnameError)) || x.As(new(x509.CertificateInvalidError)))
	})
}

// restartError marks a passing failure of the answer to an SRP password
// verifier: the login may start over with fresh SRP values.
type restartError struct{ err error }

func (e *restartError) Error() string { return e.err.Error() }
func (e *restartError) Unwrap() error { return e.err }

// srpChallenge reports whether the answer to the challenge name is bound to
// one SRP exchange and involves no user input.
func srpChallenge(name string) bool {
	switch name {
	case ChallengePasswordVerifier, ChallengeDeviceSRPAuth, ChallengeDevicePasswordVerifier:
		return true
	}
	return false
}

// restartable reports whether a login may start over after err.
func restartable(err error) bool {
	var r *restartError
	return as(err, &r)
}

// loginWithRestarts runs loginOnce, starting over with fresh SRP values
// when the answer to an SRP challenge failed for a passing reason.
func (s *Session) loginWithRestarts(ctx context.Context, password string, dev *loginDevice, run *loginRun) (res *AuthenticationResult, err error) {
	err = s.cfg.Retry.do(ctx, restartable, func() error {
		var err error
		res, err = s.loginOnce(ctx, password, dev, run)
		return err
	})
	return res, err
}
