// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// errorKind is the type of the sentinels below. An *APIError matches the
// sentinel whose name is its Type, so callers write
// errors.Is(err, cognitosrp.ErrNotAuthorized).
type errorKind string

// Error is not inlined (binary size: out of line, a value method, see
// doc.go).
//
//go:noinline
func (k errorKind) Error() string { return "cognitosrp: " + string(k) }

// Sentinels for the Cognito error types callers most often handle. Match
// them with errors.Is; use errors.As with *APIError for the message, the
// HTTP status and the request id.
var (
	// ErrNotAuthorized: wrong password, or an expired, revoked or
	// signed-out refresh token, or one that rotation retired
	// (RefreshTokenReuseException, which matches it too).
	ErrNotAuthorized error = errorKind("NotAuthorizedException")
	// ErrUserNotFound: no such user (only when the pool reveals it).
	ErrUserNotFound error = errorKind("UserNotFoundException")
	// ErrUserNotConfirmed: the user has not confirmed the sign-up.
	ErrUserNotConfirmed error = errorKind("UserNotConfirmedException")
	// ErrPasswordResetRequired: an administrator reset the password.
	ErrPasswordResetRequired error = errorKind("PasswordResetRequiredException")
	// ErrTooManyRequests: Cognito throttled the call
	// (TooManyRequestsException); retry later. The ThrottlingException
	// common to AWS APIs and an HTTP 429 from something in front of
	// Cognito do not match it: APIError.Temporary covers all three.
	ErrTooManyRequests error = errorKind("TooManyRequestsException")
	// ErrInvalidParameter: a malformed request, or a flow the app client
	// does not allow, or FlowCustomAuth in a pool without the custom-auth
	// Lambda triggers.
	ErrInvalidParameter error = errorKind("InvalidParameterException")
	// ErrResourceNotFound: unknown user pool, app client or device.
	ErrResourceNotFound error = errorKind("ResourceNotFoundException")
	// ErrLimitExceeded: a per-account or per-pool limit.
	ErrLimitExceeded error = errorKind("LimitExceededException")
	// ErrInternalError: Cognito failed; retry later.
	ErrInternalError error = errorKind("InternalErrorException")
	// ErrCodeMismatch: a wrong MFA or verification code. At a login it
	// ends the login: log in again, which asks for a code again (and has
	// a new SMS or e-mail code sent).
	ErrCodeMismatch error = errorKind("CodeMismatchException")
	// ErrExpiredCode: an expired MFA or verification code; at a login,
	// an authenticator's code Cognito took before (wait for the next).
	// A code sent after the challenge's session expired is refused with
	// ErrNotAuthorized instead ("Invalid session for the user, session
	// is expired.").
	ErrExpiredCode error = errorKind("ExpiredCodeException")
	// ErrInvalidPassword: a new password that breaks the pool's policy.
	ErrInvalidPassword error = errorKind("InvalidPasswordException")
)

// incomparable, as the first field of a struct, makes the struct not
// comparable, and the compiler then emits no equality function for it
// (binary size, see doc.go). First, because a zero-size last field would
// be padded.
type incomparable [0]func()

// refinedError is a sentinel that refines another, *base: its message is
// base's followed by detail, and errors.Is matches both. A composite
// literal of it that points to base is laid out by the linker, where
// fmt.Errorf would run at start-up (binary size: no start-up work, see
// doc.go).
type refinedError struct {
	_      incomparable
	base   *error
	detail string
}

func (e *refinedError) Error() string { return (*e.base).Error() + ": " + e.detail }
func (e *refinedError) Unwrap() error { return *e.base }

// APIError is an error returned by the Cognito API.
type APIError struct {
	Action     string // the API action, such as "InitiateAuth"
	Type       string // Cognito's error type (__type) without its prefix, e.g. "NotAuthorizedException"; empty if the server sent none or one that is not a name
	Message    string // Cognito's message, cut at 512 bytes (then "…"), characters that are not graphic replaced
	StatusCode int    // the HTTP status
	RequestID  string // x-amzn-RequestId, for AWS support
}

// Error returns "cognitosrp: Action: Type: Message (HTTP n, request id r)",
// leaving out an empty Action, Message or request id; an empty Type reads
// "unknown error".
func (e *APIError) Error() string {
	// One concatenation, no strings.Builder (binary size, see doc.go).
	typ, msg, id := e.Type, "", ""
	if typ == "" {
		typ = "unknown error"
	}
	if e.Action != "" {
		// One made by hand, as in a caller's fake, often has none: it
		// must not read "cognitosrp: : Type".
		typ = e.Action + ": " + typ
	}
	if e.Message != "" {
		msg = ": " + e.Message
	}
	if e.RequestID != "" {
		id = ", request id " + e.RequestID
	}
	return "cognitosrp: " + typ + msg + " (HTTP " + strconv.Itoa(e.StatusCode) + id + ")"
}

// Is reports whether target is the sentinel of e's Type. A
// RefreshTokenReuseException, Cognito's refusal of a refresh token that
// rotation retired, also matches ErrNotAuthorized: that refresh token is as
// dead as a revoked one, and ErrNotAuthorized is what callers check for one.
func (e *APIError) Is(target error) bool {
	k, ok := target.(errorKind)
	return ok && (string(k) == e.Type || k == "NotAuthorizedException" && e.Type == "RefreshTokenReuseException")
}

// Temporary reports whether the call may succeed if retried later:
// throttling (Cognito's TooManyRequestsException, the ThrottlingException
// common to AWS APIs, or HTTP 429 from something in front of it),
// Cognito's internal errors and HTTP 5xx. Authentication failures and other
// 4xx are never temporary.
//
//go:noinline // binary size: out of line, as the method is linked anyway (see doc.go)
func (e *APIError) Temporary() bool {
	switch e.Type {
	case "TooManyRequestsException", "InternalErrorException", "ThrottlingException":
		return true
	}
	return e.StatusCode >= 500 || e.StatusCode == http.StatusTooManyRequests
}

// maxMessageLen bounds the message kept from an error body, and maxTypeLen
// its error type and request id, and a challenge name quoted in an error or
// a printed value; maxTransportText bounds a transport error's text, which
// names the URL and the network's cause.
const (
	maxMessageLen    = 512
	maxTypeLen       = 128
	maxTransportText = 2048
)

// newAPIError reads a Cognito error response. The error type comes from the
// body's __type, else its code (which the awsJson1_1 protocol also allows,
// and some Cognito emulators send instead), else the x-amzn-ErrorType
// header: the first of them that names one (see errorType), so that a
// blank or garbled __type does not hide the header's name, which the AWS
// SDKs would read first. A body that is not a Cognito error (HTML from a
// proxy) is described, never quoted.
func newAPIError(action string, resp *http.Response, data []byte) *APIError {
	e := &APIError{Action: action, StatusCode: resp.StatusCode, RequestID: resp.Header.Get("X-Amzn-Requestid")}
	var body errorBody
	if isJSON(data) && json.Unmarshal(data, &body) == nil {
		code, _ := body.Code.(string)
		e.Type = or(errorType(body.Type), errorType(code))
		e.Message = or(body.Message, body.MessageCap)
	} else if len(data) > 0 {
		e.Message = "response is not a Cognito error (" + describeBody(resp, data) + ")"
	}
	if e.Type == "" {
		e.Type = errorType(resp.Header.Get("X-Amzn-Errortype"))
	}
	e.Message = serverText(e.Message, maxMessageLen)
	e.RequestID = serverText(e.RequestID, maxTypeLen)
	return e
}

// errorBody is the body of a Cognito error response. (A named type:
// binary size, see doc.go.)
type errorBody struct {
	_          incomparable
	Type       string `json:"__type"`
	Code       any    `json:"code"` // any: a number there must not void the rest
	Message    string `json:"message"`
	MessageCap string `json:"Message"`
}

// errorType returns the error type that t names, after the last '#' (a
// namespace) and before the first ':' (a URL), if it looks like one: a
// short name of letters, digits, '.', '_' and '-', as every AWS error type
// is. Anything else is a hostile or broken server's text, useless to match
// on, and printing it would let that server write what it likes into the
// caller's logs: it names none, and without another source the error says
// "unknown error".
func errorType(t string) string {
	t, _, _ = strings.Cut(t, ":")
	t = strings.TrimSpace(t[strings.LastIndexByte(t, '#')+1:])
	if len(t) > maxTypeLen || !wordChars(t) {
		return ""
	}
	return t
}

// serverText makes text from the server safe to print: invalid UTF-8 and
// every character that is not graphic (controls, line separators,
// bidirectional overrides, zero-width characters) become U+FFFD, since
// they would let a hostile server forge log lines, drive a terminal or
// make text read other than it is; and text longer than max bytes is cut
// at a character boundary at or before max, and "…" appended.
func serverText(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if !strconv.IsGraphic(r) {
			return utf8.RuneError
		}
		return r
	}, s)
	if len(s) <= max {
		return s
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return s[:max] + "…"
}

// as is errors.As for a target of concrete type T, without reflection;
// errors.AsType does the same, but needs Go 1.26. Not inlined: every
// pointer type T shares one compiled copy (binary size: as, out of line,
// see doc.go).
//
//go:noinline
func as[T error](err error, target *T) bool {
	return findError(err, func(e error) bool {
		if t, ok := e.(T); ok {
			*target = t
			return true
		}
		x, ok := e.(interface{ As(any) bool })
		return ok && x.As(target)
	})
}

// findError reports whether match accepts err or an error it wraps. It
// visits the tree in errors.As's order: err, then what Unwrap returns,
// depth first. It is not generic, so that each target type adds only its
// match function (binary size: as, see doc.go).
func findError(err error, match func(error) bool) bool {
	for err != nil {
		if match(err) {
			return true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if findError(e, match) {
					return true
				}
			}
			return false
		default:
			return false
		}
	}
	return false
}

// errorf is fmt.Errorf, called rather than inlined (binary size: one
// site, see doc.go): noinline, because that is the point.
//
// An error of this package wrapped in another would repeat the package's
// prefix ("cognitosrp: invalid token: cognitosrp: malformed token: …"):
// the text keeps only the first. "%.0w" wraps err (errors.Is and As see
// what it wraps) and prints none of it.
//
//go:noinline
func errorf(format string, a ...any) error {
	err := fmt.Errorf(format, a...)
	if before, after, ok := strings.Cut(err.Error(), ": "+errPrefix); ok {
		return fmt.Errorf("%s%.0w", before+": "+after, err)
	}
	return err
}

// errPrefix begins the text of every error of this package.
const errPrefix = "cognitosrp: "
