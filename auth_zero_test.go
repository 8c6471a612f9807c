// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/gocognito/cognitosrp"
)

// TestAuthNotBuiltByNew checks that an Auth that New did not build (the
// zero value, a nil pointer) fails with ErrConfig instead of panicking,
// and that RoundTrip still closes the request body.
func TestAuthNotBuiltByNew(t *testing.T) {
	for name, a := range map[string]*cognitosrp.Auth{"zero": new(cognitosrp.Auth), "nil": nil} {
		t.Run(name, func(t *testing.T) {
			body := cognitosrp.NewTrackedBody("x")
			req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:1/", body)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := a.RoundTrip(req)
			if resp != nil || !errors.Is(err, cognitosrp.ErrConfig) {
				t.Errorf("RoundTrip = %v, %v; want nil, ErrConfig", resp, err)
			}
			if !body.Closed() {
				t.Error("RoundTrip did not close the request body")
			}
			// A redirect to another origin, which RoundTrip forwards
			// without the token: it fails alike, and does not panic.
			first, err := http.NewRequest(http.MethodGet, "http://127.0.0.2:1/", nil)
			if err != nil {
				t.Fatal(err)
			}
			body = cognitosrp.NewTrackedBody("x")
			req, err = http.NewRequest(http.MethodPost, "http://127.0.0.1:1/", body)
			if err != nil {
				t.Fatal(err)
			}
			req.Response = &http.Response{StatusCode: http.StatusTemporaryRedirect, Request: first}
			resp, err = a.RoundTrip(req)
			if resp != nil || !errors.Is(err, cognitosrp.ErrConfig) || !body.Closed() {
				t.Errorf("RoundTrip of a cross-origin redirect = %v, %v, body closed %v; want nil, ErrConfig, true", resp, err, body.Closed())
			}
			if _, err := a.Token(t.Context()); !errors.Is(err, cognitosrp.ErrConfig) {
				t.Errorf("Token: %v, want ErrConfig", err)
			}
			if _, err := a.HeaderValue(t.Context()); !errors.Is(err, cognitosrp.ErrConfig) {
				t.Errorf("HeaderValue: %v, want ErrConfig", err)
			}
			if _, err := a.GetRequestMetadata(t.Context()); !errors.Is(err, cognitosrp.ErrConfig) {
				t.Errorf("GetRequestMetadata: %v, want ErrConfig", err)
			}
			if err := a.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			// The accessors have no error to return: they answer the
			// zero value's fields, nil and "", instead of panicking.
			if s, h := a.Session(), a.HeaderName(); s != nil || h != "" {
				t.Errorf("Session, HeaderName = %v, %q; want nil, \"\"", s, h)
			}
		})
	}
}
