// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// TestWrittenOutLimits: the refusals of a response over maxResponseBytes
// and of a token over maxTokenLen write the limit out as a literal (a
// formatted constant cost code, issue 7). They must name the constants'
// values: a changed constant whose message still named the old limit would
// pass TestCallErrorTexts and TestParseUnverifiedErrorTexts, which write
// the limits out too.
func TestWrittenOutLimits(t *testing.T) {
	body := append([]byte(`{"Session":"`), bytes.Repeat([]byte("x"), maxResponseBytes)...)
	c := &apiClient{endpoint: "http://cognito.invalid/", send: func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: -1, Request: r}, nil
	}}
	err := c.callOnce(context.Background(), "InitiateAuth", nil, new(AuthOutput))
	if want := " larger than " + strconv.Itoa(maxResponseBytes) + " bytes"; !errors.Is(err, ErrInvalidResponse) || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("a response of %d bytes: %v; want ErrInvalidResponse ending %q", len(body), err, want)
	}
	_, err = ParseUnverified(strings.Repeat("a", maxTokenLen+1))
	if want := "longer than " + strconv.Itoa(maxTokenLen) + " bytes"; !errors.Is(err, ErrMalformedToken) || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("a token of %d bytes: %v; want ErrMalformedToken ending %q", maxTokenLen+1, err, want)
	}
}
