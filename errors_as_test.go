// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"testing"
)

// multiErr unwraps to a list that may hold nil entries, which errors.Join
// would drop.
type multiErr []error

func (m multiErr) Error() string   { return "multi" }
func (m multiErr) Unwrap() []error { return m }

// nilUnwrap unwraps to nil.
type nilUnwrap struct{}

func (nilUnwrap) Error() string { return "nil unwrap" }
func (nilUnwrap) Unwrap() error { return nil }

// asAPIError claims to be an *APIError through an As method.
type asAPIError struct{ e *APIError }

func (a asAPIError) Error() string { return "as" }
func (a asAPIError) As(target any) bool {
	p, ok := target.(**APIError)
	if ok {
		*p = a.e
	}
	return ok
}

// TestAsMatchesErrorsAs checks that as finds what errors.As finds, in the
// same order, for every shape of error tree.
func TestAsMatchesErrorsAs(t *testing.T) {
	first := &APIError{Type: "First"}
	second := &APIError{Type: "Second"}
	host := x509.HostnameError{Host: "example.com"}
	trees := map[string]error{
		"nil":              nil,
		"other":            ErrNotAuthorized,
		"itself":           first,
		"wrapped":          fmt.Errorf("a: %w", fmt.Errorf("b: %w", first)),
		"joined":           errors.Join(errors.New("x"), second),
		"depth first":      errors.Join(fmt.Errorf("a: %w", first), second),
		"nil entries":      multiErr{nil, fmt.Errorf("%w", nil), second},
		"unwraps to nil":   nilUnwrap{},
		"As method":        fmt.Errorf("a: %w", asAPIError{second}),
		"As before unwrap": fmt.Errorf("%w", multiErr{asAPIError{first}, second}),
		"value type":       &transportError{fmt.Errorf("dial: %w", host)},
		"pointer in value": multiErr{&transportError{host}},
	}
	for name, err := range trees {
		var got, want *APIError
		if g, w := as(err, &got), errors.As(err, &want); g != w || got != want {
			t.Errorf("%s: as *APIError = %v, %v; errors.As = %v, %v", name, g, got, w, want)
		}
		var gotH, wantH x509.HostnameError
		if g, w := as(err, &gotH), errors.As(err, &wantH); g != w || gotH.Host != wantH.Host {
			t.Errorf("%s: as HostnameError = %v, %v; errors.As = %v, %v", name, g, gotH.Host, w, wantH.Host)
		}
		var gotT, wantT *transportError
		if g, w := as(err, &gotT), errors.As(err, &wantT); g != w || gotT != wantT {
			t.Errorf("%s: as *transportError = %v; errors.As = %v", name, g, w)
		}
	}
}

// asHostname claims to be an x509.HostnameError through an As method.
type asHostname struct{}

func (asHostname) Error() string { return "as hostname" }
func (asHostname) As(target any) bool {
	_, ok := target.(*x509.HostnameError)
	return ok
}

// TestPermanentTransportError checks the one-walk check against four
// errors.As calls, on each certificate error, wrapped or not.
func TestPermanentTransportError(t *testing.T) {
	trees := map[string]error{
		"nil":          nil,
		"other":        errors.New("connection reset"),
		"verification": &tls.CertificateVerificationError{},
		"unknown":      fmt.Errorf("a: %w", x509.UnknownAuthorityError{}),
		"hostname":     errors.Join(errors.New("x"), x509.HostnameError{Host: "h"}),
		"invalid":      multiErr{nil, x509.CertificateInvalidError{}},
		"As method":    fmt.Errorf("a: %w", asHostname{}),
		"pointer":      &x509.HostnameError{}, // errors.As does not match it either
	}
	for name, err := range trees {
		var (
			verify   *tls.CertificateVerificationError
			unknown  x509.UnknownAuthorityError
			hostname x509.HostnameError
			invalid  x509.CertificateInvalidError
		)
		want := errors.As(err, &verify) || errors.As(err, &unknown) || errors.As(err, &hostname) || errors.As(err, &invalid)
		if got := permanentTransportError(err); got != want {
			t.Errorf("%s: permanentTransportError = %v, want %v", name, got, want)
		}
		if want != (name != "nil" && name != "other" && name != "pointer") {
			t.Errorf("%s: errors.As found %v", name, want)
		}
	}
}

// TestRefinedSentinels: each refined sentinel reads as its base followed by
// its detail, as fmt.Errorf("%w: detail", base) did, and matches its base.
func TestRefinedSentinels(t *testing.T) {
	for _, tc := range []struct {
		err, base error
		want      string
	}{
		{ErrTokenExpired, ErrTokenInvalid, "cognitosrp: invalid token: expired"},
		{ErrTokenNotYetValid, ErrTokenInvalid, "cognitosrp: invalid token: not valid yet"},
		{ErrSignature, ErrTokenInvalid, "cognitosrp: invalid token: bad signature"},
		{ErrUnknownKey, ErrTokenInvalid, "cognitosrp: invalid token: unknown signing key"},
		{ErrClaimMismatch, ErrTokenInvalid, "cognitosrp: invalid token: unexpected claims"},
		{errNotNew, ErrConfig, "cognitosrp: invalid configuration: the Auth was not built with New, or the Session with NewSession"},
	} {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
		if !errors.Is(tc.err, tc.base) || errors.Is(tc.base, tc.err) {
			t.Errorf("%v: errors.Is does not match only its base", tc.err)
		}
		if got := fmt.Sprintf("%v", fmt.Errorf("verify: %w", tc.err)); got != "verify: "+tc.want {
			t.Errorf("wrapped: %q", got)
		}
	}
}

// TestRefreshTokenDead checks which renewal errors mean that the refresh
// token is dead, wrapped as Client.Call and the session wrap them.
func TestRefreshTokenDead(t *testing.T) {
	for _, tc := range []struct {
		typ  string
		dead bool
	}{
		{"NotAuthorizedException", true},
		{"RefreshTokenReuseException", true},
		{"InvalidParameterException", false},
		{"InternalErrorException", false},
		{"", false},
	} {
		err := fmt.Errorf("renewal: %w", &APIError{Action: "InitiateAuth", Type: tc.typ, StatusCode: 400})
		if got := refreshTokenDead(err); got != tc.dead {
			t.Errorf("refreshTokenDead(%q) = %v, want %v", tc.typ, got, tc.dead)
		}
	}
	if refreshTokenDead(errors.New("RefreshTokenReuseException")) {
		t.Error("refreshTokenDead matched an error that is not Cognito's")
	}
}

// TestRefineIsErrorfOfSentinel checks that refine(&base, detail), which
// replaced errorf("%w: detail", base) for the size of the call sites, gives
// the same text and the same errors.Is answers, for a sentinel made by
// errors.New and for one that is itself a refinement.
func TestRefineIsErrorfOfSentinel(t *testing.T) {
	for _, base := range []*error{&ErrMalformedToken, &ErrInvalidChallenge, &ErrClaimMismatch, &ErrConfig} {
		const detail = "SECRET_BLOCK is missing"
		got, want := refine(base, detail), fmt.Errorf("%w: "+detail, *base)
		if got.Error() != want.Error() {
			t.Errorf("refine: %q, errorf: %q", got, want)
		}
		for _, target := range []error{*base, ErrTokenInvalid, ErrConfig, ErrMalformedToken} {
			if errors.Is(got, target) != errors.Is(want, target) {
				t.Errorf("errors.Is(%q, %q) = %v, errorf's %v", got, target, !errors.Is(want, target), errors.Is(want, target))
			}
		}
	}
}
