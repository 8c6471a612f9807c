// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/gocognito/cognitosrp"
)

// captureTransport records the requests it is given and answers 204.
type captureTransport struct {
	got []*http.Request
	err error // returned instead of a response when set
}

func (c *captureTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.got = append(c.got, r)
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	if c.err != nil {
		return nil, c.err
	}
	return &http.Response{StatusCode: http.StatusNoContent, Body: http.NoBody, Request: r}, nil
}

// loggedInSession returns a session of user "frank" holding fresh tokens.
func loggedInSession(t *testing.T) (*cognitosrp.Session, *fakeCognito) {
	t.Helper()
	f := startFake(t, fakeConfig{})
	f.AddUser("frank", "pw", "frank@example.com")
	s, err := cognitosrp.NewSession(f.sessionConfig(), "frank@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Authenticate(context.Background(), "pw"); err != nil {
		t.Fatal(err)
	}
	return s, f
}

func TestRoundTripDoesNotModifyRequest(t *testing.T) {
	s, _ := loggedInSession(t)
	base := &captureTransport{}
	auth, err := cognitosrp.New(cognitosrp.Options{Session: s, Base: base})
	if err != nil {
		t.Fatal(err)
	}
	body := cognitosrp.NewTrackedBody(`{"name":"John Doe"}`)
	req, _ := http.NewRequest(http.MethodPost, "https://api.example.com/users?x=1&y=%20", nil)
	req.Body = body
	req.ContentLength = 19
	req.Header.Set("Authorization", "Basic b2xkOm9sZA==")
	req.Header["X-Multi"] = []string{"a", "b"}
	req.Header.Set("Content-Type", "application/json")
	headerBefore := req.Header.Clone()
	urlBefore := *req.URL
	shallowBefore := *req

	resp, err := auth.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !reflect.DeepEqual(req.Header, headerBefore) {
		t.Errorf("the caller's header changed: %v", req.Header)
	}
	if *req.URL != urlBefore || req.URL != shallowBefore.URL {
		t.Errorf("the caller's URL changed: %v", req.URL)
	}
	if !reflect.DeepEqual(*req, shallowBefore) {
		t.Error("the caller's request changed")
	}
	if len(base.got) != 1 {
		t.Fatalf("base got %d requests", len(base.got))
	}
	sent := base.got[0]
	if sent == req {
		t.Fatal("the caller's request itself was sent")
	}
	if got := sent.Header.Values("Authorization"); len(got) != 1 || got[0] != "Bearer "+s.Tokens().AccessToken {
		t.Errorf("sent Authorization %q", got)
	}
	if !reflect.DeepEqual(sent.Header["X-Multi"], []string{"a", "b"}) || sent.Header.Get("Content-Type") != "application/json" {
		t.Errorf("other headers lost: %v", sent.Header)
	}
	if sent.Method != req.Method || sent.URL.String() != req.URL.String() || sent.Body != req.Body || sent.ContentLength != 19 {
		t.Error("the sent request differs from the caller's beyond the header")
	}
	// The caller's header map must not be shared with the sent one.
	sent.Header.Set("X-Late", "1")
	if req.Header.Get("X-Late") != "" {
		t.Error("the sent request shares the caller's header map")
	}
}

func TestRoundTripNilHeader(t *testing.T) {
	s, _ := loggedInSession(t)
	base := &captureTransport{}
	auth, _ := cognitosrp.New(cognitosrp.Options{Session: s, Base: base})
	u, _ := url.Parse("https://api.example.com/")
	req := &http.Request{Method: http.MethodGet, URL: u} // no Header map at all
	if _, err := auth.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	if req.Header != nil || base.got[0].Header.Get("Authorization") == "" {
		t.Errorf("caller header %v, sent %v", req.Header, base.got[0].Header)
	}
}

// TestRoundTripClosesBodyOnError walks the error paths of RoundTrip; each
// must close the request body, as http.RoundTripper requires.
func TestRoundTripClosesBodyOnError(t *testing.T) {
	s, f := loggedInSession(t)
	ctx := context.Background()
	wrongPw := f.options("frank", "wrong")
	wrong, _ := cognitosrp.New(wrongPw)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	expiredNoPw, _ := cognitosrp.NewSession(f.sessionConfig(), "frank")
	expiredNoPw.SetTokens(s.Tokens())
	expire(expiredNoPw)
	f.RevokeRefreshTokens()
	// A session holding s's tokens with suffix after the access token. Each
	// gets a Tokens of its own: SetTokens keeps the pointer it is given.
	holding := func(suffix string) *cognitosrp.Session {
		sess, _ := cognitosrp.NewSession(f.sessionConfig(), "frank")
		tok := *s.Tokens()
		tok.AccessToken += suffix
		sess.SetTokens(&tok)
		return sess
	}
	badToken := holding("\r\nInjected: 1")
	nulToken := holding("\x00")
	// An escape sequence, or any other control character but tab, cannot
	// go in a header either: net/http refuses it at each request with an
	// error of its own, and a Base that is not net/http's would send it.
	escToken := holding("\x1b[2J")
	neverLoggedIn, _ := cognitosrp.NewSession(f.sessionConfig(), "frank")

	for _, tc := range []struct {
		name string
		auth func() (*cognitosrp.Auth, error)
		ctx  context.Context
		is   error
	}{
		{"wrong password", func() (*cognitosrp.Auth, error) { return wrong, nil }, ctx, cognitosrp.ErrNotAuthorized},
		{"cancelled context", func() (*cognitosrp.Auth, error) {
			// Cognito never answers: were the login to end before the
			// caller looked, the caller would get its tokens, and the
			// request would reach the base transport.
			o := f.options("frank", "pw")
			o.HTTPClient = &http.Client{Transport: cognitosrp.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
				<-r.Context().Done()
				return nil, r.Context().Err()
			})}
			a, err := cognitosrp.New(o)
			if err == nil {
				t.Cleanup(func() { a.Close() }) // ends the login
			}
			return a, err
		}, cancelled, context.Canceled},
		{"dead refresh token", func() (*cognitosrp.Auth, error) { return cognitosrp.New(cognitosrp.Options{Session: expiredNoPw}) }, ctx, cognitosrp.ErrLoginRequired},
		{"never logged in", func() (*cognitosrp.Auth, error) { return cognitosrp.New(cognitosrp.Options{Session: neverLoggedIn}) }, ctx, cognitosrp.ErrLoginRequired},
		{"token unfit for a header", func() (*cognitosrp.Auth, error) {
			return cognitosrp.New(cognitosrp.Options{Session: badToken})
		}, ctx, cognitosrp.ErrMalformedToken},
		{"token with NUL", func() (*cognitosrp.Auth, error) {
			return cognitosrp.New(cognitosrp.Options{Session: nulToken})
		}, ctx, cognitosrp.ErrMalformedToken},
		{"token with an escape sequence", func() (*cognitosrp.Auth, error) {
			return cognitosrp.New(cognitosrp.Options{Session: escToken})
		}, ctx, cognitosrp.ErrMalformedToken},
	} {
		t.Run(tc.name, func(t *testing.T) {
			auth, err := tc.auth()
			if err != nil {
				t.Fatal(err)
			}
			base := &captureTransport{}
			auth2 := auth
			if auth.Session() != nil {
				// The same session behind a capturing base.
				auth2, _ = cognitosrp.New(cognitosrp.Options{Session: auth.Session(), Base: base})
			}
			body := cognitosrp.NewTrackedBody("payload")
			req, _ := http.NewRequestWithContext(tc.ctx, http.MethodPut, "https://api.example.com/x", body)
			resp, err := auth2.RoundTrip(req)
			if !errors.Is(err, tc.is) || resp != nil {
				t.Fatalf("RoundTrip = %v, %v; want %v", resp, err, tc.is)
			}
			if !body.Closed() {
				t.Error("the body was not closed")
			}
			if len(base.got) != 0 {
				t.Error("the request reached the base transport")
			}
		})
	}
}

// TestHeaderOptions covers every header, prefix and token type the seed
// uses, and the accessors for clients that are not net/http.
func TestHeaderOptions(t *testing.T) {
	s, _ := loggedInSession(t)
	tok := s.Tokens()
	ctx := context.Background()
	for _, tc := range []struct {
		header, prefix string
		typ            cognitosrp.TokenType
		wantName       string
		wantValue      string
	}{
		{"", "", "", "Authorization", "Bearer " + tok.AccessToken},
		{"", "", cognitosrp.AccessToken, "Authorization", "Bearer " + tok.AccessToken},
		{"", "", cognitosrp.IDToken, "Authorization", "Bearer " + tok.IDToken},
		{"", "Token ", "", "Authorization", "Token " + tok.AccessToken},
		{"Authorization", "", "", "Authorization", tok.AccessToken},
		{"Authorization", "JWT ", cognitosrp.IDToken, "Authorization", "JWT " + tok.IDToken},
		{"X-Auth-Token", "Token ", cognitosrp.IDToken, "X-Auth-Token", "Token " + tok.IDToken},
		{"X-API-Key", "", cognitosrp.AccessToken, "X-Api-Key", tok.AccessToken},
		{"x-api-key", "", "", "X-Api-Key", tok.AccessToken},
	} {
		base := &captureTransport{}
		auth, err := cognitosrp.New(cognitosrp.Options{Session: s, Header: tc.header, HeaderPrefix: tc.prefix, TokenType: tc.typ, Base: base})
		if err != nil {
			t.Fatal(err)
		}
		name := tc.header + "|" + tc.prefix + "|" + string(tc.typ)
		req, _ := http.NewRequest(http.MethodGet, "https://api.example.com/", nil)
		if _, err := auth.RoundTrip(req); err != nil {
			t.Fatal(err)
		}
		if got := base.got[0].Header.Values(tc.wantName); len(got) != 1 || got[0] != tc.wantValue {
			t.Errorf("%s: sent %s: %.30q", name, tc.wantName, got)
		}
		if len(base.got[0].Header) != 1 {
			t.Errorf("%s: sent headers %v", name, base.got[0].Header)
		}
		if auth.HeaderName() != tc.wantName {
			t.Errorf("%s: HeaderName = %q", name, auth.HeaderName())
		}
		if v, err := auth.HeaderValue(ctx); err != nil || v != tc.wantValue {
			t.Errorf("%s: HeaderValue = %.30q, %v", name, v, err)
		}
		wantTok := tok.AccessToken
		if tc.typ == cognitosrp.IDToken {
			wantTok = tok.IDToken
		}
		if v, err := auth.Token(ctx); err != nil || v != wantTok {
			t.Errorf("%s: Token = %.30q, %v", name, v, err)
		}
		md, err := auth.GetRequestMetadata(ctx, "https://grpc.example.com/svc")
		if err != nil || len(md) != 1 || md[strings.ToLower(tc.wantName)] != tc.wantValue {
			t.Errorf("%s: GetRequestMetadata = %v, %v", name, md, err)
		}
		if !auth.RequireTransportSecurity() {
			t.Errorf("%s: RequireTransportSecurity = false", name)
		}
		if c := auth.Client(); c.Transport != auth {
			t.Errorf("%s: Client does not send through the Auth", name)
		} else if c.Timeout != 0 || c == auth.Client() {
			// As its doc says: no Timeout, and a new client each call,
			// so that setting one's Timeout changes no other.
			t.Errorf("%s: Client has Timeout %v, or is shared", name, c.Timeout)
		}
	}
	// The token types select the token whose token_use says so.
	for typ, use := range map[cognitosrp.TokenType]string{cognitosrp.AccessToken: "access", cognitosrp.IDToken: "id", "": "access"} {
		auth, _ := cognitosrp.New(cognitosrp.Options{Session: s, TokenType: typ})
		v, _ := auth.Token(ctx)
		if c, err := cognitosrp.ParseUnverified(v); err != nil || c.TokenUse != use || c.InternalUsername() != "frank" {
			t.Errorf("TokenType %q: token_use %q, user %q, %v", typ, c.TokenUse, c.InternalUsername(), err)
		}
	}
}

func TestNewConfigErrors(t *testing.T) {
	s, err := cognitosrp.NewSession(cognitosrp.Config{UserPoolID: "us-east-1_X", ClientID: "c"}, "u")
	if err != nil {
		t.Fatal(err)
	}
	full := cognitosrp.Options{Username: "u", Password: "pw-SECRET", UserPoolID: "us-east-1_X", ClientID: "c"}
	with := func(edit func(*cognitosrp.Options)) cognitosrp.Options {
		o := full
		edit(&o)
		return o
	}
	for _, tc := range []struct {
		name string
		opts cognitosrp.Options
		want string // in the message
	}{
		{"neither", cognitosrp.Options{}, "either"},
		{"neither, header only", cognitosrp.Options{Header: "X-Token"}, "either"},
		{"both", with(func(o *cognitosrp.Options) { o.Session = s }), "not both"},
		{"both, one field", cognitosrp.Options{Session: s, ClientID: "c"}, "not both"},
		{"both, margin", cognitosrp.Options{Session: s, ExpiryMargin: 1}, "not both"},
		{"both, logger", cognitosrp.Options{Session: s, Logger: slog.Default()}, "not both"},
		{"both, retry", cognitosrp.Options{Session: s, Retry: cognitosrp.RetryPolicy{MaxAttempts: 1}}, "not both"},
		{"both, forget password", cognitosrp.Options{Session: s, ForgetPassword: true}, "not both"},
		// The zero Session is not usable: its first request panicked
		// (with the session's lock held) instead of New refusing it.
		{"session not built by NewSession", cognitosrp.Options{Session: new(cognitosrp.Session)}, "NewSession"},
		{"missing password", with(func(o *cognitosrp.Options) { o.Password = "" }), "Password"},
		{"missing username", with(func(o *cognitosrp.Options) { o.Username = "" }), "Username"},
		{"missing pool and client", cognitosrp.Options{Username: "u", Password: "pw-SECRET"}, "UserPoolID, ClientID"},
		{"pool id without region", with(func(o *cognitosrp.Options) { o.UserPoolID = "X" }), "user pool id"},
		{"pool id with two underscores", with(func(o *cognitosrp.Options) { o.UserPoolID = "us-east-1_X_Y" }), "user pool id"},
		{"header with space", with(func(o *cognitosrp.Options) { o.Header = "X Token" }), "header name"},
		{"header with colon", with(func(o *cognitosrp.Options) { o.Header = "X-Token:" }), "header name"},
		{"header with newline", with(func(o *cognitosrp.Options) { o.Header = "X-Token\r\nEvil" }), "header name"},
		{"header not ASCII", with(func(o *cognitosrp.Options) { o.Header = "X-Tökén" }), "header name"},
		{"header with DEL", with(func(o *cognitosrp.Options) { o.Header = "X-Token\x7f" }), "header name"},
		{"prefix with CRLF", with(func(o *cognitosrp.Options) { o.HeaderPrefix = "Bearer\r\nEvil: " }), "prefix"},
		{"prefix with NUL", with(func(o *cognitosrp.Options) { o.HeaderPrefix = "Bearer\x00" }), "prefix"},
		// net/http refuses every control character but tab in a header
		// value, at each request.
		{"prefix with escape sequence", with(func(o *cognitosrp.Options) { o.HeaderPrefix = "Bearer\x1b[2J " }), "prefix"},
		{"prefix with DEL", with(func(o *cognitosrp.Options) { o.HeaderPrefix = "Bearer\x7f" }), "prefix"},
		// "Bearer" without its space, as Tokens.TokenType spells it, was
		// accepted and sent "Bearereyj…", which the API refuses.
		{"Authorization prefix without space", with(func(o *cognitosrp.Options) { o.Header = "Authorization"; o.HeaderPrefix = "Bearer" }), "end with a space"},
		{"default header, prefix without space", with(func(o *cognitosrp.Options) { o.HeaderPrefix = "Bearer" }), "end with a space"},
		{"Authorization in lower case, prefix without space", with(func(o *cognitosrp.Options) { o.Header = "authorization"; o.HeaderPrefix = "JWT" }), "end with a space"},
		{"unknown token type", with(func(o *cognitosrp.Options) { o.TokenType = "refresh_token" }), "token type"},
		// An endpoint without its scheme passed New and failed at the
		// first request, as a network error that did not match ErrConfig.
		{"endpoint without scheme", with(func(o *cognitosrp.Options) { o.Endpoint = "cognito-idp.us-east-1.amazonaws.com" }), "Endpoint"},
		{"endpoint not http", with(func(o *cognitosrp.Options) { o.Endpoint = "ftp://pw-SECRET@cognito.example/" }), "Endpoint"},
		{"endpoint without host", with(func(o *cognitosrp.Options) { o.Endpoint = "http:///path" }), "Endpoint"},
		// A '#' in the password ends the host early, and url.Parse's
		// error quotes the rest of the password as an invalid port.
		{"endpoint that does not parse", with(func(o *cognitosrp.Options) { o.Endpoint = "https://user:pw-SECRET#1@cognito.example/" }), "Endpoint"},
		{"token type in capitals", with(func(o *cognitosrp.Options) { o.TokenType = "ID_TOKEN" }), "token type"},
		// Its first event panicked, in the first request's login.
		{"logger without handler", with(func(o *cognitosrp.Options) { o.Logger = new(slog.Logger) }), "Logger has no Handler"},
	} {
		a, err := cognitosrp.New(tc.opts)
		if !errors.Is(err, cognitosrp.ErrConfig) || a != nil {
			t.Errorf("%s: New = %v, %v; want ErrConfig", tc.name, a, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %q does not mention %q", tc.name, err, tc.want)
		}
		if strings.Contains(err.Error(), "pw-SECRET") {
			t.Errorf("%s: the error reveals the password", tc.name)
		}
		if n := strings.Count(err.Error(), "cognitosrp:"); n != 1 {
			t.Errorf("%s: %q says \"cognitosrp:\" %d times", tc.name, err, n)
		}
	}
	// Valid configurations, for contrast.
	for _, o := range []cognitosrp.Options{full, {Session: s}, {Session: s, Header: "X-API-Key", HeaderPrefix: ""},
		{Session: s, HeaderPrefix: "Bearer\t"}, {Session: s, HeaderPrefix: "Jéton "},
		{Session: s, Header: "X-Token", HeaderPrefix: "v1."},
		with(func(o *cognitosrp.Options) { o.Region = "eu-west-1"; o.ClientSecret = "x" }),
		with(func(o *cognitosrp.Options) { o.Endpoint = "http://127.0.0.1:9229/" }),
		with(func(o *cognitosrp.Options) { o.Endpoint = "HTTPS://cognito-idp.us-east-1.amazonaws.com" })} {
		if _, err := cognitosrp.New(o); err != nil {
			t.Errorf("New(%v) = %v", o, err)
		}
	}
}

// TestRegionFromPoolID: with no Region and no Endpoint the Cognito calls go
// to the region of the pool id.
func TestRegionFromPoolID(t *testing.T) {
	var hosts []string
	hc := &http.Client{Transport: cognitosrp.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		hosts = append(hosts, r.URL.Host)
		return nil, errors.New("stop")
	})}
	for _, o := range []cognitosrp.Options{
		{Username: "u", Password: "p", UserPoolID: "eu-central-1_Abc", ClientID: "c", HTTPClient: hc, Retry: noRetry},
		{Username: "u", Password: "p", UserPoolID: "eu-central-1_Abc", ClientID: "c", HTTPClient: hc, Retry: noRetry, Region: "ap-south-1"},
	} {
		a, err := cognitosrp.New(o)
		if err != nil {
			t.Fatal(err)
		}
		a.Token(context.Background())
	}
	want := []string{"cognito-idp.eu-central-1.amazonaws.com", "cognito-idp.ap-south-1.amazonaws.com"}
	if !reflect.DeepEqual(hosts, want) {
		t.Errorf("hosts %v, want %v", hosts, want)
	}
}

// TestRegionCannotNameAnotherHost: the region (the pool id's part before
// "_", or Region) becomes the host of the Cognito endpoint and of the key
// set, so a pool id or region read from configuration must not be able to
// send the password claim, a refresh token or the key fetch to a host
// that is not Cognito's. Each of these is refused (ErrConfig) before any
// call.
func TestRegionCannotNameAnotherHost(t *testing.T) {
	var hosts []string
	hc := &http.Client{Transport: cognitosrp.RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		hosts = append(hosts, r.URL.Host)
		return nil, errors.New("stop")
	})}
	for _, c := range []struct{ pool, region string }{
		{pool: "evil@attacker.example/#_Abc"},
		{pool: "attacker.example/x?_Abc"},
		{pool: "us-east-1.attacker.example#_Abc"},
		{pool: "us-east-1_Abc", region: "x@attacker.example:443/"},
		{pool: "us-east-1_Abc", region: "attacker.example#"},
	} {
		hosts = nil
		a, err := cognitosrp.New(cognitosrp.Options{Username: "u", Password: "p", UserPoolID: c.pool, Region: c.region, ClientID: "c", HTTPClient: hc, Retry: noRetry})
		if err == nil {
			a.Token(context.Background())
			t.Errorf("pool %q, region %q: New succeeded; Cognito calls went to %q", c.pool, c.region, hosts)
			a.Close()
		} else if !errors.Is(err, cognitosrp.ErrConfig) {
			t.Errorf("pool %q, region %q: New = %v, want ErrConfig", c.pool, c.region, err)
		}
		region, _, _ := strings.Cut(c.pool, "_")
		if c.region != "" {
			region = c.region
		}
		// The exported pieces refuse it too: no endpoint, so no call.
		if client := cognitosrp.NewClient(region); client.Endpoint != "" {
			t.Errorf("region %q: NewClient's endpoint is %q", region, client.Endpoint)
		} else if _, err := client.InitiateAuth(context.Background(), &cognitosrp.InitiateAuthInput{ClientId: "c"}); err == nil || len(hosts) != 0 {
			t.Errorf("region %q: a Client without an endpoint called %q (err %v)", region, hosts, err)
		}
		if v, err := cognitosrp.NewVerifier(cognitosrp.VerifierConfig{UserPoolID: c.pool, Region: c.region, ClientIDs: []string{"c"}}); err == nil {
			t.Errorf("pool %q, region %q: NewVerifier succeeded; issuer %q", c.pool, c.region, v.Issuer())
		} else if !errors.Is(err, cognitosrp.ErrConfig) {
			t.Errorf("pool %q, region %q: NewVerifier = %v, want ErrConfig", c.pool, c.region, err)
		}
	}
}

// noRetry turns retries off, for tests that count calls.
var noRetry = cognitosrp.RetryPolicy{MaxAttempts: 1}
