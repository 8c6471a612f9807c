// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestAPIErrorTypeForms: the forms of an error type that newAPIError
// reads, from the body or the header, and the message under either key.
func TestAPIErrorTypeForms(t *testing.T) {
	for _, tc := range []struct {
		name, header, body string
		typ, msg           string
	}{
		{"plain", "", `{"__type":"NotAuthorizedException","message":"m"}`, "NotAuthorizedException", "m"},
		{"white space around", "", `{"__type":" NotAuthorizedException\n","message":"m"}`, "NotAuthorizedException", "m"},
		{"header with white space", "NotAuthorizedException :http://internal", `{"message":"m"}`, "NotAuthorizedException", "m"},
		{"Message", "", `{"__type":"UserNotFoundException","Message":"M"}`, "UserNotFoundException", "M"},
		// No body: nothing to describe, no message.
		{"header only", "ResourceNotFoundException", ``, "ResourceNotFoundException", ""},
		// A __type or code that names no type does not hide the next
		// source's name (the AWS SDKs read the header first).
		{"blank __type", "NotAuthorizedException:x", `{"__type":" ","message":"m"}`, "NotAuthorizedException", "m"},
		{"namespace alone", "NotAuthorizedException", `{"__type":"com.amazon#"}`, "NotAuthorizedException", ""},
		{"not a name", "NotAuthorizedException", `{"__type":"<b>x</b>"}`, "NotAuthorizedException", ""},
		{"URL alone, then code", "UserNotFoundException", `{"__type":":http://x","code":"NotAuthorizedException"}`, "NotAuthorizedException", ""},
		{"not a name anywhere", "Bad Type", `{"__type":"\u0000","code":"#"}`, "", ""},
	} {
		resp := &http.Response{StatusCode: 400, Header: http.Header{}}
		if tc.header != "" {
			resp.Header.Set("X-Amzn-Errortype", tc.header)
		}
		e := newAPIError("InitiateAuth", resp, []byte(tc.body))
		if e.Type != tc.typ || e.Message != tc.msg {
			t.Errorf("%s: Type %q, Message %q; want %q, %q", tc.name, e.Type, e.Message, tc.typ, tc.msg)
		}
	}
}

// TestServerTextCut: text of exactly max bytes is kept whole; longer text
// is cut at a character boundary at or before max, and "…" appended.
func TestServerTextCut(t *testing.T) {
	for _, tc := range []struct {
		in   string
		max  int
		want string
	}{
		{strings.Repeat("a", 512), 512, strings.Repeat("a", 512)},
		{strings.Repeat("a", 513), 512, strings.Repeat("a", 512) + "…"},
		{"aéb", 2, "a…"}, // é is two bytes: cutting at 2 would split it
		{"aéb", 3, "aé…"},
		{"日本", 4, "日…"},
		{"日本", 6, "日本"},
	} {
		got := serverText(tc.in, tc.max)
		if got != tc.want || !utf8.ValidString(got) {
			t.Errorf("serverText(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}

// TestAPIErrorMessageCutAt512: APIError.Message is cut at 512 bytes, as
// its doc says.
func TestAPIErrorMessageCutAt512(t *testing.T) {
	resp := &http.Response{StatusCode: 400, Header: http.Header{}}
	for n, want := range map[int]string{512: strings.Repeat("m", 512), 513: strings.Repeat("m", 512) + "…"} {
		e := newAPIError("InitiateAuth", resp, []byte(`{"__type":"NotAuthorizedException","message":"`+strings.Repeat("m", n)+`"}`))
		if e.Message != want {
			t.Errorf("message of %d bytes kept as %d bytes", n, len(e.Message))
		}
	}
}

// TestAPIErrorRequestIDCutAt128: the request id is the server's text too,
// and SECURITY.md says it is cut at 128 bytes, like a challenge name.
func TestAPIErrorRequestIDCutAt128(t *testing.T) {
	for n, want := range map[int]string{128: strings.Repeat("r", 128), 129: strings.Repeat("r", 128) + "…"} {
		resp := &http.Response{StatusCode: 400, Header: http.Header{"X-Amzn-Requestid": {strings.Repeat("r", n)}}}
		e := newAPIError("InitiateAuth", resp, []byte(`{"__type":"NotAuthorizedException","message":"m"}`))
		if e.RequestID != want {
			t.Errorf("request id of %d bytes kept as %d bytes", n, len(e.RequestID))
		}
	}
}

// TestDescribeBodyContentType: an error for a body that is not JSON names
// the server's Content-Type only as a well-formed media type of at most 48
// bytes, without its parameters, as SECURITY.md says: the header is the
// server's text, and a proxy may echo the request into it.
func TestDescribeBodyContentType(t *testing.T) {
	long := "text/" + strings.Repeat("x", 43) // 48 bytes
	for _, tc := range []struct{ ct, want string }{
		{"", "no content type, 4 bytes"},
		{"text/html; charset=utf-8", "text/html, 4 bytes"},
		{long, long + ", 4 bytes"},
		{long + "x", "a malformed content type, 4 bytes"},
		{"text/html\x00secret", "a malformed content type, 4 bytes"},
	} {
		resp := &http.Response{Header: http.Header{"Content-Type": {tc.ct}}}
		if got := describeBody(resp, []byte("<a/>")); got != tc.want {
			t.Errorf("Content-Type %q described as %q, want %q", tc.ct, got, tc.want)
		}
	}
}

// TestTransportErrorCutAt2048: a transport error's text (the URL and the
// network's cause, a TLS error's certificate names among it) is cut at
// 2048 bytes, as SECURITY.md says, and still matches what it wraps.
func TestTransportErrorCutAt2048(t *testing.T) {
	for n, want := range map[int]string{2048: strings.Repeat("t", 2048), 2049: strings.Repeat("t", 2048) + "…"} {
		cause := errors.New(strings.Repeat("t", n))
		err := error(&transportError{cause})
		if got := err.Error(); got != want {
			t.Errorf("transport error of %d bytes kept as %d bytes", n, len(got))
		}
		if !errors.Is(err, cause) {
			t.Errorf("the cut transport error of %d bytes does not match its cause", n)
		}
	}
}

// TestTokenIDCutAt64: a jti named in the logs is cut at 64 bytes, as
// SECURITY.md says (Cognito's are UUIDs, 36 bytes, kept whole).
func TestTokenIDCutAt64(t *testing.T) {
	for n, want := range map[int]string{64: strings.Repeat("j", 64), 65: strings.Repeat("j", 64) + "…"} {
		if got := tokenID(&Tokens{AccessToken: fxJWT(map[string]any{"jti": strings.Repeat("j", n), "exp": 1})}); got != want {
			t.Errorf("jti of %d bytes logged as %d bytes", n, len(got))
		}
	}
}
