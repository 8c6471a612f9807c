// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
)

// cannedServer answers every call with status, headers and body.
func cannedServer(t *testing.T, status int, headers map[string]string, body string) *cognitosrp.Client {
	srv := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) {
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		w.Write([]byte(body))
	})
	return &cognitosrp.Client{Endpoint: srv.URL}
}

func TestCallResponses(t *testing.T) {
	ctx := context.Background()
	jsonCT := map[string]string{"Content-Type": "application/x-amz-json-1.1"}
	for _, tc := range []struct {
		name    string
		status  int
		headers map[string]string
		body    string
		is      error  // nil: success
		typ     string // APIError.Type, when an APIError
	}{
		{"amz json", 200, jsonCT, `{"ChallengeName":"X"}`, nil, ""},
		{"plain json", 200, map[string]string{"Content-Type": "application/json"}, `{"ChallengeName":"X"}`, nil, ""},
		{"no content type", 200, nil, ` {"ChallengeName":"X"}`, nil, ""},
		{"array", 200, jsonCT, `[1,2]`, cognitosrp.ErrInvalidResponse, ""},
		{"empty 200", 200, jsonCT, ``, cognitosrp.ErrInvalidResponse, ""},
		// Valid JSON, but no object: encoding/json would leave out as it
		// is, as if Cognito had sent {}.
		{"null", 200, jsonCT, `null`, cognitosrp.ErrInvalidResponse, ""},
		{"wrong field type", 200, jsonCT, `{"ChallengeName":7}`, cognitosrp.ErrInvalidResponse, ""},
		{"too large", 200, jsonCT, `{"ChallengeName":"` + strings.Repeat("x", 1<<20) + `"}`, cognitosrp.ErrInvalidResponse, ""},
		// 1 MiB is read; one byte more is not.
		{"of the limit", 200, jsonCT, `{"ChallengeName":"X"` + strings.Repeat(" ", 1<<20-21) + `}`, nil, ""},
		{"a byte over the limit", 200, jsonCT, `{"ChallengeName":"X"` + strings.Repeat(" ", 1<<20-20) + `}`, cognitosrp.ErrInvalidResponse, ""},
		{"body type wins over header", 400, map[string]string{"X-Amzn-ErrorType": "UserNotFoundException:x"}, `{"__type":"NotAuthorizedException","message":"m"}`, cognitosrp.ErrNotAuthorized, "NotAuthorizedException"},
		{"capital Message", 400, jsonCT, `{"__type":"LimitExceededException","Message":"slow down"}`, cognitosrp.ErrLimitExceeded, "LimitExceededException"},
		{"code instead of __type", 400, jsonCT, `{"code":"NotAuthorizedException","message":"m"}`, cognitosrp.ErrNotAuthorized, "NotAuthorizedException"},
		{"numeric code beside __type", 400, jsonCT, `{"__type":"NotAuthorizedException","message":"m","code":400}`, cognitosrp.ErrNotAuthorized, "NotAuthorizedException"},
		{"__type wins over code", 400, jsonCT, `{"code":"UserNotFoundException","__type":"NotAuthorizedException"}`, cognitosrp.ErrNotAuthorized, "NotAuthorizedException"},
		{"several prefixes", 400, jsonCT, `{"__type":"a.b#c#InvalidParameterException"}`, cognitosrp.ErrInvalidParameter, "InvalidParameterException"},
		{"header only, empty body", 404, map[string]string{"X-Amzn-ErrorType": "ResourceNotFoundException:http://internal.amazon.com/"}, ``, cognitosrp.ErrResourceNotFound, "ResourceNotFoundException"},
	} {
		var out cognitosrp.AuthOutput
		err := cannedServer(t, tc.status, tc.headers, tc.body).Call(ctx, "InitiateAuth", struct{}{}, &out)
		if tc.is == nil {
			if err != nil || out.ChallengeName != "X" {
				t.Errorf("%s: %v, %+v", tc.name, err, out)
			}
			continue
		}
		if !errors.Is(err, tc.is) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.is)
			continue
		}
		var ae *cognitosrp.APIError
		if errors.As(err, &ae) != (tc.typ != "") || (ae != nil && ae.Type != tc.typ) {
			t.Errorf("%s: APIError %+v, want type %q", tc.name, ae, tc.typ)
		}
		if len(err.Error()) > 1000 {
			t.Errorf("%s: error of %d bytes", tc.name, len(err.Error()))
		}
	}
}

func TestAPIErrorLongMessageIsCut(t *testing.T) {
	c := cannedServer(t, 400, nil, `{"__type":"InvalidParameterException","message":"`+strings.Repeat("m", 5000)+`"}`)
	err := c.Call(context.Background(), "InitiateAuth", struct{}{}, new(cognitosrp.AuthOutput))
	var ae *cognitosrp.APIError
	if !errors.As(err, &ae) || len(ae.Message) > 600 {
		t.Fatalf("message of %d bytes", len(ae.Message))
	}
}

// TestAPIErrorServerTextIsSafe: what a server puts in an error response
// reaches the caller's logs, so an error carries only graphic characters
// of it (no control, line separator, bidirectional override or invalid
// UTF-8), and keeps an error type only if it looks like one. The fuzz input that found this is in testdata/fuzz/FuzzAPIError.
func TestAPIErrorServerTextIsSafe(t *testing.T) {
	for _, tc := range []struct {
		name    string
		headers map[string]string
		body    string
		typ     string
	}{
		{"escape in the type", nil, `{"__type":"NotAuthorized\u001b[2J","message":"m"}`, ""},
		{"newline in the type", nil, `{"__type":"x#Bad\nINFO forged","message":"m"}`, ""},
		{"space in the type", nil, `{"__type":"Not Authorized"}`, ""},
		{"over-long type", nil, `{"__type":"` + strings.Repeat("T", 129) + `"}`, ""},
		{"type in the header", map[string]string{"X-Amzn-Errortype": "Bad\xffType:c"}, "", ""},
		{"good type, bad message", nil, `{"__type":"com.amazon#NotAuthorizedException","message":"line\nINFO forged \u001b[31m\u0085"}`, "NotAuthorizedException"},
		{"invalid UTF-8 in the message", nil, "{\"__type\":\"InvalidParameterException\",\"message\":\"a\xffb\"}", "InvalidParameterException"},
		{"invalid UTF-8 in the request id", map[string]string{"X-Amzn-Requestid": "r\xff\xfe"}, `{"__type":"NotAuthorizedException"}`, "NotAuthorizedException"},
		{"bidirectional override, line separator and zero-width space in the message", nil, `{"__type":"NotAuthorizedException","message":"a\u202eb\u2028c\u200bd\te"}`, "NotAuthorizedException"},
		{"URL after the type in the body", nil, `{"__type":"aws.protocoltests.restjson#FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"}`, "FooError"},
		{"message cut inside a character", nil, `{"__type":"InvalidParameterException","message":"` + strings.Repeat("é", 300) + `"}`, "InvalidParameterException"},
	} {
		c := cannedServer(t, 400, tc.headers, tc.body)
		err := c.Call(context.Background(), "InitiateAuth", struct{}{}, new(cognitosrp.AuthOutput))
		var ae *cognitosrp.APIError
		if !errors.As(err, &ae) {
			t.Fatalf("%s: %v is not an APIError", tc.name, err)
		}
		if ae.Type != tc.typ {
			t.Errorf("%s: type %q, want %q", tc.name, ae.Type, tc.typ)
		}
		if msg := err.Error(); !cognitosrp.Printable(msg) {
			t.Errorf("%s: error %q carries characters of the server's that are not graphic", tc.name, msg)
		}
	}
}

func TestAPIErrorSentinels(t *testing.T) {
	sentinel := map[string]error{
		"NotAuthorizedException":         cognitosrp.ErrNotAuthorized,
		"UserNotFoundException":          cognitosrp.ErrUserNotFound,
		"UserNotConfirmedException":      cognitosrp.ErrUserNotConfirmed,
		"PasswordResetRequiredException": cognitosrp.ErrPasswordResetRequired,
		"TooManyRequestsException":       cognitosrp.ErrTooManyRequests,
		"InvalidParameterException":      cognitosrp.ErrInvalidParameter,
		"ResourceNotFoundException":      cognitosrp.ErrResourceNotFound,
		"LimitExceededException":         cognitosrp.ErrLimitExceeded,
		"InternalErrorException":         cognitosrp.ErrInternalError,
		"CodeMismatchException":          cognitosrp.ErrCodeMismatch,
		"ExpiredCodeException":           cognitosrp.ErrExpiredCode,
		"InvalidPasswordException":       cognitosrp.ErrInvalidPassword,
	}
	for typ, want := range sentinel {
		e := &cognitosrp.APIError{Type: typ, StatusCode: 400}
		for other, s := range sentinel {
			if errors.Is(e, s) != (other == typ) {
				t.Errorf("errors.Is(%s, %v) = %v", typ, s, !(other == typ))
			}
		}
		if !errors.Is(e, want) || errors.Is(e, cognitosrp.ErrInvalidResponse) {
			t.Errorf("%s does not match its sentinel only", typ)
		}
	}
	for _, tc := range []struct {
		typ    string
		status int
		want   bool
	}{
		{"TooManyRequestsException", 400, true},
		// The throttling error common to all AWS APIs, which the AWS
		// SDKs retry; Cognito's own is TooManyRequestsException.
		{"ThrottlingException", 400, true},
		{"InternalErrorException", 500, true},
		{"InternalErrorException", 400, true},
		{"", 500, true},
		{"", 429, true},
		{"", 502, true},
		{"", 503, true},
		{"NotAuthorizedException", 400, false},
		{"UserNotFoundException", 400, false},
		// REFERENCE.md's other common 4xx: never retryable, LimitExceeded
		// included (a limit that a retry within seconds does not lift).
		{"LimitExceededException", 400, false},
		{"UserNotConfirmedException", 400, false},
		{"PasswordResetRequiredException", 400, false},
		{"InvalidParameterException", 400, false},
		{"ResourceNotFoundException", 400, false},
		{"CodeMismatchException", 400, false},
		{"ExpiredCodeException", 400, false},
		{"InvalidPasswordException", 400, false},
		{"", 400, false},
		{"", 499, false},
	} {
		if got := (&cognitosrp.APIError{Type: tc.typ, StatusCode: tc.status}).Temporary(); got != tc.want {
			t.Errorf("Temporary(%s, %d) = %v", tc.typ, tc.status, got)
		}
	}
}

// TestAPIErrorMessage pins the wording of APIError.Error, part by part.
func TestAPIErrorMessage(t *testing.T) {
	for _, tc := range []struct {
		e    cognitosrp.APIError
		want string
	}{
		{cognitosrp.APIError{Action: "InitiateAuth", Type: "NotAuthorizedException", Message: "Incorrect.", StatusCode: 400, RequestID: "r-1"},
			"cognitosrp: InitiateAuth: NotAuthorizedException: Incorrect. (HTTP 400, request id r-1)"},
		{cognitosrp.APIError{Action: "RevokeToken", StatusCode: 502},
			"cognitosrp: RevokeToken: unknown error (HTTP 502)"},
		{cognitosrp.APIError{Action: "A", Message: "m", StatusCode: -1},
			"cognitosrp: A: unknown error: m (HTTP -1)"},
		// Made by hand, as in a caller's fake: no empty part.
		{cognitosrp.APIError{Type: "T", RequestID: "id"},
			"cognitosrp: T (HTTP 0, request id id)"},
		{cognitosrp.APIError{Type: "NotAuthorizedException", Message: "m", StatusCode: 400},
			"cognitosrp: NotAuthorizedException: m (HTTP 400)"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

func TestCallSendsProtocolHeaders(t *testing.T) {
	var got http.Header
	srv := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.Write([]byte(`{}`))
	})
	c := &cognitosrp.Client{Endpoint: srv.URL, UserAgent: "cognitosrp-test/1"}
	if err := c.Call(context.Background(), "GetUser", map[string]string{"AccessToken": "t"}, new(struct{})); err != nil {
		t.Fatal(err)
	}
	if got.Get("Content-Type") != "application/x-amz-json-1.1" || got.Get("X-Amz-Target") != "AWSCognitoIdentityProviderService.GetUser" || got.Get("User-Agent") != "cognitosrp-test/1" {
		t.Errorf("headers %v", got)
	}
	if cognitosrp.RegionEndpoint("eu-west-3") != "https://cognito-idp.eu-west-3.amazonaws.com/" || cognitosrp.NewClient("eu-west-3").Endpoint != cognitosrp.RegionEndpoint("eu-west-3") {
		t.Error("wrong public endpoint")
	}
}

// TestRegionEndpointRefusesOtherHosts: a region that is not a region name
// (empty, or with a character that could name another host) gets no
// endpoint, rather than one that sends the password claim elsewhere.
func TestRegionEndpointRefusesOtherHosts(t *testing.T) {
	for _, region := range []string{"", "us-east-1.evil.example", "evil.example/", "x@evil.example", "us-east-1:443", "us-east-1#"} {
		if got := cognitosrp.RegionEndpoint(region); got != "" {
			t.Errorf("RegionEndpoint(%q) = %q, want \"\"", region, got)
		}
	}
	if got := cognitosrp.RegionEndpoint("EU-West-3"); got != "https://cognito-idp.EU-West-3.amazonaws.com/" {
		t.Errorf("RegionEndpoint of a mixed-case region = %q", got)
	}
}

// TestRegionEndpointChina: the China regions are AWS's aws-cn partition,
// whose endpoints are under amazonaws.com.cn
// (https://docs.amazonaws.cn/en_us/aws/latest/userguide/endpoints-Beijing.html);
// cognito-idp.cn-north-1.amazonaws.com is no host of AWS's. The verifier's
// default issuer, and the key set it fetches from there, are in the same
// domain.
func TestRegionEndpointChina(t *testing.T) {
	for region, want := range map[string]string{
		"cn-north-1":     "https://cognito-idp.cn-north-1.amazonaws.com.cn/",
		"cn-northwest-1": "https://cognito-idp.cn-northwest-1.amazonaws.com.cn/",
		"CN-North-1":     "https://cognito-idp.CN-North-1.amazonaws.com.cn/",
		"ca-central-1":   "https://cognito-idp.ca-central-1.amazonaws.com/",
		"cn-":            "https://cognito-idp.cn-.amazonaws.com/",
	} {
		if got := cognitosrp.RegionEndpoint(region); got != want {
			t.Errorf("RegionEndpoint(%q) = %q, want %q", region, got, want)
		}
	}
	v, err := cognitosrp.NewVerifier(cognitosrp.VerifierConfig{UserPoolID: "cn-north-1_AbC123", ClientIDs: []string{"c"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Issuer(); got != "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_AbC123" {
		t.Errorf("China issuer = %q", got)
	}
}

// TestRegionEndpointGovCloud: Cognito in AWS GovCloud (US) serves its API
// on FIPS endpoints only (cognito-idp-fips.us-gov-west-1.amazonaws.com,
// AWS GovCloud (US) User Guide, "Amazon Cognito in AWS GovCloud (US)"), so
// a Session given only a GovCloud pool id must not call
// cognito-idp.us-gov-west-1.amazonaws.com. The FIPS name is only for
// GovCloud: elsewhere it is an option, not the default.
func TestRegionEndpointGovCloud(t *testing.T) {
	for region, want := range map[string]string{
		"us-gov-west-1": "https://cognito-idp-fips.us-gov-west-1.amazonaws.com/",
		"us-gov-east-1": "https://cognito-idp-fips.us-gov-east-1.amazonaws.com/",
		"US-Gov-West-1": "https://cognito-idp-fips.US-Gov-West-1.amazonaws.com/",
		"us-east-1":     "https://cognito-idp.us-east-1.amazonaws.com/",
		"us-gov":        "https://cognito-idp.us-gov.amazonaws.com/",
		"us-gov-":       "https://cognito-idp.us-gov-.amazonaws.com/",
	} {
		if got := cognitosrp.RegionEndpoint(region); got != want {
			t.Errorf("RegionEndpoint(%q) = %q, want %q", region, got, want)
		}
	}
	// The verifier's issuer is not the API's host: it stays the one
	// Cognito documents for tokens, cognito-idp.{region}.amazonaws.com.
	v, err := cognitosrp.NewVerifier(cognitosrp.VerifierConfig{UserPoolID: "us-gov-west-1_AbC123", ClientIDs: []string{"c"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Issuer(); got != "https://cognito-idp.us-gov-west-1.amazonaws.com/us-gov-west-1_AbC123" {
		t.Errorf("GovCloud issuer = %q", got)
	}
}

// TestVerifierIssuerRegionLowerCase: a token's iss names the region in
// lower case, and the issuer is compared exactly, so a Region given as
// "US-East-1" (which RegionEndpoint accepts: host names ignore case) must
// not make every token of the pool fail verification.
func TestVerifierIssuerRegionLowerCase(t *testing.T) {
	for _, cfg := range []cognitosrp.VerifierConfig{
		{UserPoolID: "us-east-1_AbC123", Region: "US-East-1", ClientIDs: []string{"c"}},
		{UserPoolID: "US-EAST-1_AbC123", ClientIDs: []string{"c"}},
	} {
		v, err := cognitosrp.NewVerifier(cfg)
		if err != nil {
			t.Fatal(err)
		}
		want := "https://cognito-idp.us-east-1.amazonaws.com/" + cfg.UserPoolID
		if v.Issuer() != want {
			t.Errorf("NewVerifier(%+v).Issuer() = %q, want %q", cfg, v.Issuer(), want)
		}
	}
}

// TestCallClosesOversizedResponse: a response refused as too large is
// closed, not left unread: its connection, which still carries the rest of
// the body, is dropped at once instead of staying open while the server
// waits to write.
func TestCallClosesOversizedResponse(t *testing.T) {
	writeErr := make(chan error, 1)
	srv := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.NewResponseController(w).SetWriteDeadline(time.Now().Add(5 * time.Second))
		chunk := bytes.Repeat([]byte(" "), 64<<10)
		var err error
		for i := 0; i < 1024 && err == nil; i++ { // up to 64 MiB, more than socket buffers hold
			_, err = w.Write(chunk)
		}
		writeErr <- err
	})
	err := (&cognitosrp.Client{Endpoint: srv.URL}).Call(context.Background(), "InitiateAuth", struct{}{}, new(cognitosrp.AuthOutput))
	if !errors.Is(err, cognitosrp.ErrInvalidResponse) {
		t.Fatalf("err = %v, want ErrInvalidResponse", err)
	}
	select {
	case err := <-writeErr:
		if err == nil {
			t.Fatal("the server wrote the whole body: the client read it all")
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the connection of a refused response stayed open")
	}
}

func TestCallHonoursContext(t *testing.T) {
	release := make(chan struct{})
	srv := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := (&cognitosrp.Client{Endpoint: srv.URL}).Call(ctx, "InitiateAuth", struct{}{}, new(cognitosrp.AuthOutput))
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
}

// TestCallMalformedJSONQuotesNothing: a response that breaks off inside a
// token must not have a character of it quoted in the error, as
// encoding/json's own message does ("invalid character 'Q' in …").
func TestCallMalformedJSONQuotesNothing(t *testing.T) {
	jsonCT := map[string]string{"Content-Type": "application/x-amz-json-1.1"}
	for name, body := range map[string]string{
		"bad escape":      `{"AuthenticationResult":{"AccessToken":"eyJhbGci\uQ"}}`,
		"control in it":   "{\"AuthenticationResult\":{\"AccessToken\":\"eyJhbGci\x01Q\"}}",
		"junk after one":  `{"AuthenticationResult":{"AccessToken":"eyJhbGci"Q}}`,
		"number for text": `{"AuthenticationResult":{"AccessToken":12345678}}`,
	} {
		var out cognitosrp.AuthOutput
		err := cannedServer(t, 200, jsonCT, body).Call(t.Context(), "InitiateAuth", struct{}{}, &out)
		if !errors.Is(err, cognitosrp.ErrInvalidResponse) {
			t.Errorf("%s: err = %v, want ErrInvalidResponse", name, err)
			continue
		}
		if msg := err.Error(); strings.ContainsAny(msg, "'Q\x01") || strings.Contains(msg, "12345678") {
			t.Errorf("%s: the error quotes the body: %s", name, msg)
		}
	}
}

// TestActionsWithoutOutputTakeAnEmptyBody: RevokeToken, GlobalSignOut and
// UpdateDeviceStatus return nothing, and Cognito's API reference says of
// each that a success is "an HTTP 200 response with an empty HTTP body"
// (moto, a common stand-in for Cognito, answers so). Such an answer is a
// success, not an invalid response; a body that is not JSON still is
// not, and an action with output still needs one.
func TestActionsWithoutOutputTakeAnEmptyBody(t *testing.T) {
	ctx := t.Context()
	c := cannedServer(t, 200, map[string]string{"Content-Type": "application/x-amz-json-1.1"}, "")
	for action, err := range map[string]error{
		"RevokeToken":        c.RevokeToken(ctx, &cognitosrp.RevokeTokenInput{Token: "r", ClientId: "c"}),
		"GlobalSignOut":      c.GlobalSignOut(ctx, &cognitosrp.GlobalSignOutInput{AccessToken: "a"}),
		"UpdateDeviceStatus": c.UpdateDeviceStatus(ctx, &cognitosrp.UpdateDeviceStatusInput{AccessToken: "a", DeviceKey: "d"}),
	} {
		if err != nil {
			t.Errorf("%s: %v", action, err)
		}
	}
	if _, err := c.InitiateAuth(ctx, &cognitosrp.InitiateAuthInput{}); !errors.Is(err, cognitosrp.ErrInvalidResponse) {
		t.Errorf("InitiateAuth with an empty body: %v, want ErrInvalidResponse", err)
	}
	html := cannedServer(t, 200, map[string]string{"Content-Type": "text/html"}, "<html>")
	if err := html.RevokeToken(ctx, &cognitosrp.RevokeTokenInput{Token: "r", ClientId: "c"}); !errors.Is(err, cognitosrp.ErrInvalidResponse) {
		t.Errorf("RevokeToken with an HTML body: %v, want ErrInvalidResponse", err)
	}
}

// TestGlobalSignOutResentAfterLostAnswer: the Client resends GlobalSignOut
// after a passing failure, and reports a resend refused as revoked as
// refused: it cannot tell whether the unanswered copy signed the user out
// (Session.GlobalSignOut finds out with a new token).
func TestGlobalSignOutResentAfterLostAnswer(t *testing.T) {
	replies := []string{
		`{"__type":"InternalErrorException","message":"x"}`,
		`{"__type":"NotAuthorizedException","message":"Access Token has been revoked"}`,
	}
	var n int
	srv := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader([]int{500, 400}[min(n, 1)])
		w.Write([]byte(replies[min(n, 1)]))
		n++
	})
	cl := &cognitosrp.Client{Endpoint: srv.URL, Retry: cognitosrp.RetryPolicy{BaseDelay: time.Millisecond}}
	err := cl.GlobalSignOut(context.Background(), &cognitosrp.GlobalSignOutInput{AccessToken: "a"})
	if n != 2 || !errors.Is(err, cognitosrp.ErrNotAuthorized) {
		t.Errorf("GlobalSignOut answered 500, then revoked: %d calls, err %v; want 2 calls and ErrNotAuthorized", n, err)
	}
}

// TestCallRefusesNonSuccessStatus: only a 2xx answer is a result. A 1xx
// that reaches the caller (101 from a proxy, or any status a custom
// Transport returns) is an *APIError with that status, even when its body
// reads as a result: its tokens are not taken.
func TestCallRefusesNonSuccessStatus(t *testing.T) {
	for _, status := range []int{http.StatusSwitchingProtocols, 199, http.StatusMultipleChoices} {
		hc := &http.Client{Transport: cognitosrp.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: status, Header: http.Header{}, Request: r,
				Body: io.NopCloser(strings.NewReader(`{"ChallengeName":"X"}`))}, nil
		})}
		var out cognitosrp.AuthOutput
		err := (&cognitosrp.Client{Endpoint: "https://cognito.test/", HTTPClient: hc}).Call(context.Background(), "InitiateAuth", struct{}{}, &out)
		var ae *cognitosrp.APIError
		if !errors.As(err, &ae) || ae.StatusCode != status || out.ChallengeName != "" {
			t.Errorf("HTTP %d: err %v, output %+v; want an APIError with that status", status, err, out)
		}
	}
}

// TestClientConfirmDevice: Client.ConfirmDevice, which no other test
// called, sends the ConfirmDevice action with the verifier under Cognito's
// field names and decodes UserConfirmationNecessary.
func TestClientConfirmDevice(t *testing.T) {
	var target string
	var body map[string]any
	srv := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) {
		target = r.Header.Get("X-Amz-Target")
		json.NewDecoder(r.Body).Decode(&body)
		w.Write([]byte(`{"UserConfirmationNecessary":true}`))
	})
	c := &cognitosrp.Client{Endpoint: srv.URL}
	out, err := c.ConfirmDevice(t.Context(), &cognitosrp.ConfirmDeviceInput{
		AccessToken: "a", DeviceKey: "d", DeviceName: "n",
		DeviceSecretVerifierConfig: cognitosrp.DeviceSecretVerifierConfig{PasswordVerifier: "v", Salt: "s"},
	})
	if err != nil || !out.UserConfirmationNecessary {
		t.Fatalf("ConfirmDevice = %+v, %v; want UserConfirmationNecessary", out, err)
	}
	want := map[string]any{"AccessToken": "a", "DeviceKey": "d", "DeviceName": "n",
		"DeviceSecretVerifierConfig": map[string]any{"PasswordVerifier": "v", "Salt": "s"}}
	if target != "AWSCognitoIdentityProviderService.ConfirmDevice" || !reflect.DeepEqual(body, want) {
		t.Errorf("sent %s %v, want ConfirmDevice %v", target, body, want)
	}
}

// TestClientNotUsable: the calls of a nil or zero Client fail with
// ErrConfig, for want of an Endpoint, instead of panicking; so does a
// RespondToAuthChallenge without input, whose failure was checked for an
// SRP challenge through the nil input.
func TestClientNotUsable(t *testing.T) {
	ctx := t.Context()
	for name, c := range map[string]*cognitosrp.Client{"nil": nil, "zero": new(cognitosrp.Client)} {
		calls := map[string]func() error{
			"InitiateAuth": func() error { _, err := c.InitiateAuth(ctx, &cognitosrp.InitiateAuthInput{}); return err },
			"RespondToAuthChallenge": func() error {
				_, err := c.RespondToAuthChallenge(ctx, &cognitosrp.RespondToAuthChallengeInput{})
				return err
			},
			"RespondToAuthChallenge(nil)": func() error { _, err := c.RespondToAuthChallenge(ctx, nil); return err },
			"Call":                        func() error { return c.Call(ctx, "X", struct{}{}, &struct{}{}) },
			"GetTokensFromRefreshToken": func() error {
				_, err := c.GetTokensFromRefreshToken(ctx, &cognitosrp.GetTokensFromRefreshTokenInput{})
				return err
			},
			"RevokeToken":   func() error { return c.RevokeToken(ctx, &cognitosrp.RevokeTokenInput{}) },
			"GlobalSignOut": func() error { return c.GlobalSignOut(ctx, &cognitosrp.GlobalSignOutInput{}) },
			"ConfirmDevice": func() error { _, err := c.ConfirmDevice(ctx, &cognitosrp.ConfirmDeviceInput{}); return err },
			"UpdateDeviceStatus": func() error {
				return c.UpdateDeviceStatus(ctx, &cognitosrp.UpdateDeviceStatusInput{})
			},
		}
		for call, f := range calls {
			if err := f(); !errors.Is(err, cognitosrp.ErrConfig) {
				t.Errorf("%s Client: %s: %v, want ErrConfig", name, call, err)
			}
		}
	}
}

// TestCallEndpointRefused: an Endpoint that is not an http or https URL
// with a host fails before anything is sent, with an error matching
// ErrConfig that quotes neither the Endpoint (it may hold a password) nor
// the action, as Call's doc says, and is not retried.
func TestCallEndpointRefused(t *testing.T) {
	for _, endpoint := range []string{"", "ftp://pw-SECRET@cognito.example/", "http://pw-SECRET@[::1", "/relative", "https:///no-host"} {
		sent := 0
		hc := &http.Client{Transport: cognitosrp.RoundTripFunc(func(*http.Request) (*http.Response, error) {
			sent++
			return nil, errors.New("sent")
		})}
		c := &cognitosrp.Client{Endpoint: endpoint, HTTPClient: hc, Retry: cognitosrp.RetryPolicy{BaseDelay: time.Millisecond}}
		err := c.Call(t.Context(), "InitiateAuth", struct{}{}, new(cognitosrp.AuthOutput))
		if !errors.Is(err, cognitosrp.ErrConfig) || sent != 0 {
			t.Errorf("Endpoint %q: %v after %d requests, want ErrConfig and none sent", endpoint, err, sent)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "SECRET") || strings.Contains(msg, "InitiateAuth") {
			t.Errorf("Endpoint %q: error %q quotes the Endpoint or names the action", endpoint, msg)
		}
	}
}

// TestCallUnencodableInput: Call with an input JSON cannot encode (a
// caller's own type holding a channel or a func) fails before sending
// anything, with an error naming the action and wrapping encoding/json's.
func TestCallUnencodableInput(t *testing.T) {
	sent := 0
	srv := newHandlerServer(t, func(w http.ResponseWriter, r *http.Request) { sent++ })
	c := &cognitosrp.Client{Endpoint: srv.URL}
	in := struct{ Hook func() }{func() {}}
	err := c.Call(t.Context(), "GetUser", in, &struct{}{})
	var ute *json.UnsupportedTypeError
	if !errors.As(err, &ute) || !strings.Contains(err.Error(), "GetUser: encoding request") {
		t.Fatalf("Call = %v, want an encoding error naming GetUser", err)
	}
	if sent != 0 {
		t.Errorf("%d requests sent", sent)
	}
}
