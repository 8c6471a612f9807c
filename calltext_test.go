// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gocognito/cognitosrp"
)

// failingBody is a response body whose reads fail.
type failingBody struct{}

func (failingBody) Read([]byte) (int, error) { return 0, errors.New("line dropped") }
func (failingBody) Close() error             { return nil }

// TestCallErrorTexts pins the whole text of each way a call can fail
// between sending the request and decoding the answer, with what each
// matches: the texts are what a caller logs and may match on, and the code
// that builds them has been rearranged for size (issue 7).
func TestCallErrorTexts(t *testing.T) {
	answer := func(status int, header http.Header, body io.ReadCloser, err error) cognitosrp.RoundTripFunc {
		return func(req *http.Request) (*http.Response, error) {
			if err != nil {
				return nil, err
			}
			return &http.Response{StatusCode: status, Header: header, Body: body, ContentLength: -1, Request: req}, nil
		}
	}
	text := func(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }
	jsonType := http.Header{"Content-Type": {"application/x-amz-json-1.1"}}
	for _, tc := range []struct {
		name string
		rt   cognitosrp.RoundTripFunc
		want string
		is   error
	}{
		{"not sent", answer(0, nil, nil, errors.New("no route")),
			`cognitosrp: InitiateAuth: Post "http://cognito.invalid/": no route`, nil},
		{"not read", answer(200, jsonType, failingBody{}, nil),
			"cognitosrp: InitiateAuth: reading response: line dropped", nil},
		{"too large", answer(200, jsonType, text("{"+strings.Repeat(" ", 1<<20)+"}"), nil),
			"cognitosrp: invalid response from Cognito: InitiateAuth: response larger than 1048576 bytes", cognitosrp.ErrInvalidResponse},
		{"not JSON", answer(200, http.Header{"Content-Type": {"text/html; charset=utf-8"}}, text("<html>"), nil),
			"cognitosrp: invalid response from Cognito: InitiateAuth: HTTP 200 with a body that is not JSON (text/html, 6 bytes)", cognitosrp.ErrInvalidResponse},
		{"bad JSON", answer(200, jsonType, text(`{"Session": }`), nil),
			"cognitosrp: invalid response from Cognito: InitiateAuth: invalid JSON at offset 13", cognitosrp.ErrInvalidResponse},
		{"wrong type", answer(200, jsonType, text(`{"Session": 5}`), nil),
			`cognitosrp: invalid response from Cognito: InitiateAuth: field "Session" has the wrong type`, cognitosrp.ErrInvalidResponse},
		{"trailing data", answer(200, jsonType, text(`{} x`), nil),
			"cognitosrp: invalid response from Cognito: InitiateAuth: invalid JSON at offset 4", cognitosrp.ErrInvalidResponse},
		{"error", answer(400, http.Header{"X-Amzn-Requestid": {"r1"}}, text(`{"__type": "NotAuthorizedException", "message": "no"}`), nil),
			"cognitosrp: InitiateAuth: NotAuthorizedException: no (HTTP 400, request id r1)", cognitosrp.ErrNotAuthorized},
	} {
		c := &cognitosrp.Client{Endpoint: "http://cognito.invalid/", HTTPClient: &http.Client{Transport: tc.rt},
			Retry: cognitosrp.RetryPolicy{MaxAttempts: 1}}
		_, err := c.InitiateAuth(context.Background(), &cognitosrp.InitiateAuthInput{AuthFlow: cognitosrp.FlowUserSRPAuth})
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: err = %v\nwant %s", tc.name, err, tc.want)
		}
		if tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("%s: %v does not match %v", tc.name, err, tc.is)
		}
	}
}
