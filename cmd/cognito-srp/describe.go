// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"cmp"
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gocognito/cognitosrp"
)

// describe turns an error into one line that names its cause, for people
// who did not write this program. It never adds a secret: the errors it
// reads hold none.
func describe(err error) string {
	var ae *cognitosrp.APIError
	var ce *cognitosrp.ChallengeError
	switch {
	case errors.As(err, &ce) && srpStep(ce.ChallengeName):
		// The login answers these itself: it refused one asked out of
		// turn, which says something about the server, not the user.
		return "the server asked for the " + ce.ChallengeName + " challenge out of turn (a second time, or without the SRP exchange it belongs to): check that the endpoint is Cognito"
	case errors.As(err, &ce):
		return fmt.Sprintf("the login needs the %s challenge, which this command cannot answer", serverName(ce.ChallengeName)) +
			challengeAdvice(ce.ChallengeName)
	case errors.Is(err, cognitosrp.ErrLoginRequired):
		return "no usable cached tokens (none yet, or the refresh token expired or was revoked): give the password in COGNITO_PASSWORD or with -password-stdin"
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out waiting for Cognito (see -timeout)"
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case errors.As(err, &ae):
		return describeAPIError(ae)
	case networkError(err):
		return "network error: " + errorText(err)
	}
	return errorText(err)
}

// networkError reports whether err is a failure to exchange a request
// with a server.
func networkError(err error) bool {
	var ue *url.Error
	var ne net.Error
	var pe *fs.PathError
	var le *os.LinkError
	var be *bodyError
	var re *redirectError
	switch {
	case errors.As(err, &re):
		// Wrapped in the client's *url.Error, as a network failure is.
		return false
	case errors.As(err, &be):
		// The API's body, cut short or reset, but not one that does not
		// decode (gzip's header or checksum): the server sends it so.
		return !errors.Is(err, gzip.ErrHeader) && !errors.Is(err, gzip.ErrChecksum) && !errors.As(err, new(flate.CorruptInputError))
	case errors.Is(err, io.ErrUnexpectedEOF):
		// Cognito's answer cut short: the connection closed before the
		// end of the body (the library reads it, and says so with no
		// net.Error). Nothing else the command reads (the token cache,
		// standard input) reports this error.
		return true
	}
	// A file's error (the token cache, standard output or input) holds an
	// errno, which is a net.Error too (it has Timeout and Temporary), but
	// it is no network error.
	return errors.As(err, &ue) || errors.As(err, &ne) && !errors.As(err, &pe) && !errors.As(err, &le)
}

// tryLater reports whether err is a failure that the same command run
// again later may not meet: the network, the end of -timeout, Cognito
// throttling or failing. A script retries on it (exit status 4), and on
// nothing else: a wrong password retried in a loop would lock the user
// out (Cognito counts the failed attempts), and a missing setting, a
// certificate that does not verify, a server that does not speak TLS, a
// host name that does not exist or a proxy's refusal to tunnel (but for
// its 5xx and 429) stay as they are.
func tryLater(err error) bool {
	var ae *cognitosrp.APIError
	var de *net.DNSError
	var at *apiTimeout
	var pr *proxyRefusal
	switch {
	case errors.Is(err, cognitosrp.ErrLoginRequired), errors.Is(err, context.Canceled):
		return false
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &at):
		return true
	case errors.As(err, &ae):
		return apiTryLater(ae)
	case errors.As(err, &de) && de.IsNotFound, certificateError(err), notTLS(err):
		return false
	case errors.As(err, &pr):
		// A proxy that cannot reach the host, or is overloaded, may
		// tunnel later; one that wants credentials (407) or forbids the
		// host (403) will not.
		return pr.status >= 500 || pr.status == http.StatusTooManyRequests
	}
	return networkError(err)
}

// apiTryLater reports whether Cognito's refusal may pass: throttling
// (TooManyRequestsException, ThrottlingException, or
// LimitExceededException: "Attempt limit exceeded, please try after some
// time"), its internal errors and HTTP 5xx. The library retries what Temporary accepts, within its bounds, and
// not a LimitExceededException.
func apiTryLater(ae *cognitosrp.APIError) bool {
	return ae.Temporary() || ae.Is(cognitosrp.ErrLimitExceeded)
}

// certificateError reports whether err is a server certificate that does
// not verify (unknown CA, wrong host name, expired): no retry mends it.
func certificateError(err error) bool {
	var ve *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	return errors.As(err, &ve) || errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &ci)
}

// notTLS reports whether the server of an https URL does not speak TLS
// (an http port named with https, or another protocol's): no retry mends
// it.
func notTLS(err error) bool {
	var rh tls.RecordHeaderError
	return errors.Is(err, http.ErrSchemeMismatch) || errors.As(err, &rh)
}

// errorText returns err's text for the terminal, as one line: a TLS error
// quotes the names of the server's certificate as the server sent them,
// and they may hold any ASCII character, a line break or an escape
// sequence included. Errors that errors.Join put one per line (a failed
// renewal, then the failed save of the token cache) are separated by
// "; ", each without the library's name.
func errorText(err error) string {
	s := strings.TrimPrefix(err.Error(), "cognitosrp: ")
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\ncognitosrp: ", "\n"), "\n", "; ")
	return terminalText(s)
}

// tryAgainLater is describeAPIError's advice for a refusal that may pass,
// which sign-out leaves out where a retry finds nothing to do.
const tryAgainLater = "; try again later"

// describeAPIError names the cause of a Cognito error; Cognito's own type,
// message and request id follow in brackets.
func describeAPIError(ae *cognitosrp.APIError) string {
	var cause string
	switch {
	case ae.Is(cognitosrp.ErrNotAuthorized) && ae.Message == "Incorrect username or password.":
		cause = "wrong username or password"
	case secretRefused(ae):
		cause = "the app client secret is wrong or missing (COGNITO_CLIENT_SECRET)"
	case ae.Is(cognitosrp.ErrNotAuthorized) && strings.Contains(ae.Message, "Refresh Token"):
		cause = "the refresh token is no longer valid"
	case ae.Is(cognitosrp.ErrNotAuthorized):
		cause = "not authorized"
	case ae.Is(cognitosrp.ErrUserNotFound):
		cause = "no such user in the pool"
	case ae.Is(cognitosrp.ErrResourceNotFound):
		cause = "unknown user pool, app client or device"
	case ae.Is(cognitosrp.ErrUserNotConfirmed):
		cause = "the user has not confirmed the sign-up"
	case ae.Is(cognitosrp.ErrPasswordResetRequired):
		cause = "the password must be reset first"
	case apiTryLater(ae):
		cause = "Cognito is throttling or failing" + tryAgainLater
	default:
		cause = "Cognito refused the request"
	}
	detail := cmp.Or(ae.Type, "unknown error")
	if ae.Message != "" {
		detail += ": " + ae.Message
	}
	if ae.RequestID != "" {
		detail += ", request id " + ae.RequestID
	}
	return fmt.Sprintf("%s (%s)", cause, detail)
}

// secretRefused reports whether Cognito refused the app client secret (or
// its hash), or its absence. In any case: REFRESH_TOKEN_AUTH's refusal is
// "SecretHash does not match for the client: …".
func secretRefused(ae *cognitosrp.APIError) bool {
	return ae.Is(cognitosrp.ErrNotAuthorized) && strings.Contains(strings.ToLower(ae.Message), "secret")
}

// serverName returns a name the server sent (a challenge's), for the
// user's terminal: as it is when it is a short run of graphic characters
// without spaces, as every real one is, else quoted and cut, so that no
// escape sequence or line break of a hostile server's reaches the terminal.
func serverName(s string) string {
	if len(s) <= 64 && s != "" && utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return r == ' ' || !strconv.IsGraphic(r) }) {
		return s
	}
	return fmt.Sprintf("%.64q", s)
}

// terminalText returns a server's text for the user's terminal with each
// character that is not graphic (a control, the start of an escape
// sequence, a bidirectional override) or not UTF-8 replaced by U+FFFD, as
// the library does with Cognito's text in errors.
func terminalText(s string) string {
	return strings.Map(func(r rune) rune {
		if strconv.IsGraphic(r) {
			return r
		}
		return utf8.RuneError
	}, s)
}

// srpStep reports whether name is an SRP step of the login, which the
// library answers itself when it is asked in turn (ChallengeError).
func srpStep(name string) bool {
	switch name {
	case cognitosrp.ChallengePasswordVerifier, cognitosrp.ChallengeDeviceSRPAuth, cognitosrp.ChallengeDevicePasswordVerifier:
		return true
	}
	return false
}

// challengeAdvice says what to do about a challenge the command cannot
// answer, for those whose remedy is known: the name alone left the user
// of a script to find out that a temporary password must be replaced
// elsewhere, and that the command answers no second factor.
func challengeAdvice(name string) string {
	switch name {
	case cognitosrp.ChallengeNewPasswordRequired:
		// AdminSetUserPassword without Permanent sets another temporary
		// password, which asks for this challenge again.
		return ": the password is temporary; set a permanent one first (an administrator's AdminSetUserPassword with Permanent, or a sign-in that asks for a new one)"
	case cognitosrp.ChallengeMFASetup:
		// Cognito asks it when the pool requires MFA of a user who has
		// none: in such a pool no user is without MFA.
		return ": the pool requires MFA, and the command answers no second factor, so use a pool where MFA is optional"
	case cognitosrp.ChallengeSMSMFA, cognitosrp.ChallengeSMSOTP, cognitosrp.ChallengeEmailOTP,
		cognitosrp.ChallengeSoftwareTokenMFA, cognitosrp.ChallengeSelectMFAType:
		return ": it asks for no second factor, so use a user without MFA"
	}
	return ""
}
