// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// This file is a small client for the Cognito user pool API over its JSON
// 1.1 protocol. The calls used here are authorized by the app client id (or
// a token in the body), so no AWS credentials and no SigV4 are needed.

// DefaultTimeout bounds each Cognito call made with the default HTTP client.
const DefaultTimeout = 30 * time.Second

// maxResponseBytes bounds a Cognito response body. Real responses are a few
// kilobytes; reading more would let a broken proxy exhaust memory. Its value
// is written out in callOnce's error for a larger one.
const maxResponseBytes = 1 << 20

// defaultHTTPClient is used when Client.HTTPClient, Config.HTTPClient or
// VerifierConfig.HTTPClient is nil (see sender). It is never modified.
var defaultHTTPClient = &http.Client{Timeout: DefaultTimeout}

// ErrInvalidResponse reports a Cognito response that cannot be used: not
// JSON, too large, or missing what the call must return.
var ErrInvalidResponse = errors.New("cognitosrp: invalid response from Cognito")

// Client calls the Cognito user pool API. The zero value is not usable: set
// Endpoint, or build one with [NewClient]; the calls of a zero or nil
// Client fail with ErrConfig. A Client is safe for concurrent use.
type Client struct {
	// Endpoint is the URL requests are POSTed to, such as
	// "https://cognito-idp.us-east-1.amazonaws.com/", a VPC endpoint, or a
	// local emulator.
	Endpoint string
	// HTTPClient sends the requests. Nil means a client with DefaultTimeout
	// (for proxies and CAs, see Config.HTTPClient).
	// Its CheckRedirect is not used: a redirect is never followed, since
	// the request body holds secrets that a 307 or 308 would send to
	// whatever host it names; the call fails with an *APIError that has
	// the redirect's StatusCode instead.
	HTTPClient *http.Client
	// UserAgent, when set, is sent as the User-Agent header.
	UserAgent string
	// Retry says how calls that fail for a passing reason are retried; the
	// zero value is the default policy. RespondToAuthChallenge is never
	// retried: see RetryPolicy.
	Retry RetryPolicy
}

// apiClient is a Client whose HTTPClient has become the function that
// sends a request: a Session holds one in place of a Client, and a Client's
// methods make one for each call. A Client field would link net/http's
// cookie printer, which a *http.Client names through its Jar, into every
// program (binary size: method-less copy, see doc.go).
type apiClient struct {
	endpoint  string
	userAgent string
	retry     RetryPolicy
	send      func(*http.Request) (*http.Response, error)
}

// api returns the apiClient of c's fields as they are now. A nil Client
// has the zero value's: each call fails with ErrConfig, for want of an
// Endpoint, instead of panicking.
func (c *Client) api() *apiClient {
	if c == nil {
		c = new(Client)
	}
	return newAPIClient(c.Endpoint, c.UserAgent, c.HTTPClient, c.Retry)
}

// newAPIClient returns the apiClient of a Client with these fields:
// Client.api and NewSession both build theirs here, so that a field added
// to one is not missing from the other. It is inlined (binary size: page,
// see doc.go).
func newAPIClient(endpoint, userAgent string, hc *http.Client, retry RetryPolicy) *apiClient {
	return &apiClient{endpoint: endpoint, userAgent: userAgent, retry: retry, send: sender(hc)}
}

// sender returns the function that sends a Cognito request, or a key set
// fetch, with hc, nil meaning defaultHTTPClient. Not inlined: the Session,
// each of Client's methods and the Verifier's key cache share one copy
// (binary size: out of line, see doc.go).
//
//go:noinline
func sender(hc *http.Client) func(*http.Request) (*http.Response, error) {
	if hc == nil {
		hc = defaultHTTPClient
	}
	return func(req *http.Request) (*http.Response, error) {
		// The Cognito API never redirects, and the body holds secrets (a
		// refresh token, the client secret, a password claim): following
		// a 307 or 308 would POST it to whatever host or scheme the answer
		// names, https to http included. A redirect is an error response
		// instead. (A copy: the caller's client is theirs, and shared.)
		// Key sets never redirect either: see keyCache.fetch.
		once := *hc
		once.CheckRedirect = stopRedirect
		return once.Do(req)
	}
}

// NewClient returns a Client for the public endpoint of region.
func NewClient(region string) *Client {
	return &Client{Endpoint: RegionEndpoint(region)}
}

// RegionEndpoint returns the public Cognito user pool endpoint of region,
// or "" (which a Client refuses) when region is not a region name: ASCII
// letters, digits and '-'. The region becomes part of the host's name, so
// a '.', '/', '#', '@' or ':' in it could name another host, which would
// get the password claim and the refresh token. In the AWS GovCloud (US)
// regions (us-gov-*) it is the FIPS endpoint, such as
// "https://cognito-idp-fips.us-gov-west-1.amazonaws.com/": Cognito serves
// its API there on no other. In the China regions (cn-*) the host is under
// amazonaws.com.cn, as every AWS endpoint there is.
func RegionEndpoint(region string) string {
	if !regionName(region) {
		return ""
	}
	service := "cognito-idp."
	if hasRegionPrefix(region, "us-gov-") {
		service = "cognito-idp-fips."
	}
	return "https://" + service + region + "." + regionDomain(region) + "/"
}

// regionDomain returns the domain of region's AWS partition:
// amazonaws.com.cn for the China regions, amazonaws.com for the others.
func regionDomain(region string) string {
	if hasRegionPrefix(region, "cn-") {
		return "amazonaws.com.cn"
	}
	return "amazonaws.com"
}

// hasRegionPrefix reports whether region begins with prefix, such as
// "us-gov-" for the AWS GovCloud (US) regions, where Cognito has only FIPS
// endpoints, and has more after it. Case is ignored, as in host names:
// region is ASCII by then (regionName). (asciiEqualFold, not
// strings.EqualFold: binary size, nothing linked for one use, see doc.go.)
func hasRegionPrefix(region, prefix string) bool {
	return len(region) > len(prefix) && asciiEqualFold(region[:len(prefix)], prefix)
}

// regionName reports whether region can be the region of a Cognito host,
// as AWS region names are: ASCII letters, digits and '-'.
func regionName(region string) bool {
	for i := 0; i < len(region); i++ {
		c := region[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return region != ""
}

// maxPoolIDLen is the length of the longest user pool id Cognito accepts.
const maxPoolIDLen = 55

// splitPoolID returns the region and the name of the user pool id id, and
// whether id is one: as Cognito's pattern [\w-]+_[0-9a-zA-Z]+ says, at
// most 55 bytes, with one '_' (no region name holds one). A stray
// character (a trailing space, a quote pasted with the id) would go into
// the SRP hash with the name, and Cognito would answer "Incorrect username
// or password": refused here, it is named. Written out, as regionName is,
// not a regexp (binary size: nothing linked for one use, see doc.go).
func splitPoolID(id string) (region, name string, ok bool) {
	region, name, _ = strings.Cut(id, "_")
	for i := 0; i < len(name); i++ {
		if c := name[i]; c == '-' || !regionName(name[i:i+1]) {
			return region, name, false
		}
	}
	return region, name, len(id) <= maxPoolIDLen && regionName(region) && name != ""
}

// poolIDError refuses id, which splitPoolID does not accept. A pool id is
// no secret: it is quoted, so that a stray space or line break shows.
func poolIDError(id string) error {
	return refine(&ErrConfig, fmt.Sprintf("user pool id %q is not of the form region_name, such as us-east-1_AbC123 (letters, digits and '-', then '_', then letters and digits)", id))
}

// Auth flows and challenge names used by this package.
const (
	FlowUserSRPAuth      = "USER_SRP_AUTH"
	FlowRefreshTokenAuth = "REFRESH_TOKEN_AUTH"

	ChallengePasswordVerifier = "PASSWORD_VERIFIER"
)

// InitiateAuthInput is the request of InitiateAuth.
type InitiateAuthInput struct {
	AuthFlow string // FlowUserSRPAuth, FlowRefreshTokenAuth, …
	// AuthParameters are the flow's inputs: USERNAME, SRP_A, SECRET_HASH,
	// REFRESH_TOKEN, DEVICE_KEY, … Some are secrets: String prints only
	// the keys.
	AuthParameters map[string]string
	// ClientId is the app client's id (Config.ClientID).
	ClientId string //nolint:revive // the wire name
	// ClientMetadata goes to the pool's pre sign-up, pre authentication
	// and user migration Lambda triggers (as validationData). Cognito
	// neither keeps nor encrypts it: no secrets. Sessions send none.
	ClientMetadata map[string]string `json:",omitempty"`
}

// RespondToAuthChallengeInput is the request of RespondToAuthChallenge.
type RespondToAuthChallengeInput struct {
	ChallengeName string // the AuthOutput.ChallengeName answered
	// ChallengeResponses are the answer, under the keys the challenge
	// needs (USERNAME, SECRET_HASH, PASSWORD_CLAIM_SIGNATURE, SMS_MFA_CODE,
	// ANSWER, …). They hold secrets: String prints only the keys.
	ChallengeResponses map[string]string
	// ClientId is the app client's id (Config.ClientID).
	ClientId string //nolint:revive // the wire name
	// ClientMetadata goes to the pool's Lambda triggers that the answer
	// runs (custom challenge, post authentication, pre token generation);
	// a Session sends ChallengeAnswer.ClientMetadata here. Not encrypted:
	// no secrets.
	ClientMetadata map[string]string `json:",omitempty"`
	// Session is the AuthOutput.Session of the challenge answered: a
	// credential, which String redacts.
	Session string `json:",omitempty"`
}

// AuthOutput is the response of InitiateAuth and RespondToAuthChallenge:
// either an AuthenticationResult or a challenge to answer.
type AuthOutput struct {
	// AuthenticationResult holds the tokens once the login is done; nil
	// while a challenge remains.
	AuthenticationResult *AuthenticationResult `json:",omitempty"`
	// ChallengeName is the next challenge to answer, such as
	// "PASSWORD_VERIFIER"; empty with tokens.
	ChallengeName string `json:",omitempty"`
	// ChallengeParameters are the challenge's inputs (SRP_B, SALT,
	// CODE_DELIVERY_DESTINATION, …); {} with tokens, as Cognito sends
	// it, hence no omitempty (cognitotest encodes this type).
	ChallengeParameters map[string]string
	// Session goes back with the answer (RespondToAuthChallengeInput). It
	// is a credential, which String redacts, and expires after the app
	// client's authentication session validity: 3 to 15 minutes.
	Session string `json:",omitempty"`
	// AvailableChallenges lists the choices of a USER_AUTH SELECT_CHALLENGE.
	AvailableChallenges []string `json:",omitempty"`
}

// authReply is an AuthOutput with its response's Date header: Cognito's
// clock when it sent a challenge, which an SRP TIMESTAMP must be near
// (claimTime). It keeps the Date out of the exported AuthOutput, whose
// callers compare and build it as a plain struct of the response body.
type authReply struct {
	out  wireAuthOutput // what is passed to Call holds no type with methods (see wireAuthOutput)
	date string
}

// output returns the AuthOutput of r.
func (r *authReply) output() *AuthOutput {
	w := &r.out
	return &AuthOutput{
		AuthenticationResult: (*AuthenticationResult)(w.AuthenticationResult),
		ChallengeName:        w.ChallengeName,
		ChallengeParameters:  w.ChallengeParameters,
		Session:              w.Session,
		AvailableChallenges:  w.AvailableChallenges,
	}
}

// outputOf returns the AuthOutput of a call's reply, for the exported
// methods, which return no Date.
func outputOf(r *authReply, err error) (*AuthOutput, error) {
	if err != nil {
		return nil, err
	}
	return r.output(), nil
}

// AuthenticationResult holds the tokens Cognito issues.
type AuthenticationResult struct {
	// AccessToken and IdToken are JWTs: the access token authorizes
	// calls for the user, the id token carries the user's attributes.
	// Both are secrets, as is RefreshToken: String redacts all three.
	AccessToken string `json:",omitempty"`
	IdToken     string `json:",omitempty"` //nolint:revive // the wire name
	// RefreshToken renews the other two. A renewal returns one only when
	// the app client rotates refresh tokens (GetTokensFromRefreshToken);
	// otherwise it is empty and a Session keeps the one it has.
	RefreshToken string `json:",omitempty"`
	// ExpiresIn is the access token's lifetime in seconds. A Session
	// reads each token's expiry from its exp claim, and uses ExpiresIn
	// only for a token without one.
	ExpiresIn int64  `json:",omitempty"`
	TokenType string `json:",omitempty"` // "Bearer"
	// NewDeviceMetadata is set at a login in a pool that tracks devices
	// when the login did not sign in with a remembered device: the device
	// to confirm (RememberDevices does). A Session reads it only at a
	// login. Cognito's API reference says GetTokensFromRefreshToken
	// issues a new device too when the request names none it remembers.
	NewDeviceMetadata *NewDeviceMetadata `json:",omitempty"`
}

// NewDeviceMetadata identifies a device Cognito started tracking.
type NewDeviceMetadata struct {
	// DeviceKey, of the form region_uuid ("us-east-1_0a1b…"), names the
	// device in ConfirmDevice and in DEVICE_KEY at later logins.
	DeviceKey string `json:",omitempty"`
	// DeviceGroupKey stands in for the pool name in the device's SRP and
	// in its verifier (NewDeviceVerifier).
	DeviceGroupKey string `json:",omitempty"`
}

// String redacts the tokens. TokenType is the server's text, cleaned and
// cut as errors quote such text.
func (r AuthenticationResult) String() string {
	return fmt.Sprintf("cognitosrp.AuthenticationResult{AccessToken: %s, IdToken: %s, RefreshToken: %s, ExpiresIn: %d, TokenType: %s}",
		redact(r.AccessToken), redact(r.IdToken), redact(r.RefreshToken), r.ExpiresIn, serverText(r.TokenType, maxTypeLen))
}

// Format prints String for every verb, so no formatting reveals a token.
func (r AuthenticationResult) Format(f fmt.State, verb rune) { formatRedacted(f, r) }

// InitiateAuth starts a login (USER_SRP_AUTH) or renews tokens
// (REFRESH_TOKEN_AUTH).
func (c *Client) InitiateAuth(ctx context.Context, in *InitiateAuthInput) (*AuthOutput, error) {
	return outputOf(c.api().initiateAuth(ctx, in))
}

func (c *apiClient) initiateAuth(ctx context.Context, in *InitiateAuthInput) (*authReply, error) {
	r := new(authReply)
	if err := c.call(ctx, "InitiateAuth", (*wireInitiateAuth)(in), r); err != nil {
		return nil, err
	}
	return r, nil
}

// RespondToAuthChallenge answers a challenge such as PASSWORD_VERIFIER.
func (c *Client) RespondToAuthChallenge(ctx context.Context, in *RespondToAuthChallengeInput) (*AuthOutput, error) {
	return outputOf(c.api().respondToAuthChallenge(ctx, in))
}

func (c *apiClient) respondToAuthChallenge(ctx context.Context, in *RespondToAuthChallengeInput) (*authReply, error) {
	r := new(authReply)
	if err := c.call(ctx, "RespondToAuthChallenge", (*wireRespondToChallenge)(in), r); err != nil {
		if in != nil && srpChallenge(in.ChallengeName) && retryable(err) && ctx.Err() == nil {
			// Not resent with the same SRP values: the caller may start
			// the login over.
			err = &restartError{err}
		}
		return nil, err
	}
	return r, nil
}

// Call sends one action of the AWSCognitoIdentityProviderService with in as
// its JSON body and decodes the response into out. A Cognito error comes
// back as an *APIError; an Endpoint that is not an http or https URL with a
// host fails at once, with an error matching ErrConfig that names neither
// the action nor the Endpoint; anything else that goes wrong (the network, a
// body that is not JSON) is wrapped with the action's name. Errors never
// contain the request body, which holds secrets. An out of type *struct{} is
// an action without output, whose answer may be an empty body. Actions that
// may be sent twice are retried as c.Retry says: InitiateAuth,
// GetTokensFromRefreshToken, GetUser, GetDevice, ListDevices, ConfirmDevice,
// ForgetDevice, UpdateDeviceStatus, RevokeToken, GlobalSignOut,
// AssociateSoftwareToken and SetUserMFAPreference. Any other action,
// RespondToAuthChallenge among them, is sent once, and its first failure
// returned.
func (c *Client) Call(ctx context.Context, action string, in, out any) error {
	return c.api().call(ctx, action, in, out)
}

// call is Client.Call.
func (c *apiClient) call(ctx context.Context, action string, in, out any) error {
	// Through an Encoder, which log/slog's handlers use, not json.Marshal
	// (binary size: nothing linked for one use, see doc.go). The bytes and
	// errors are Marshal's (HTML escaped, invalid UTF-8 replaced), but for
	// the newline Encode ends with.
	var b bytes.Buffer
	if err := json.NewEncoder(&b).Encode(in); err != nil {
		return errorf("cognitosrp: %s: encoding request: %w", action, err)
	}
	body := b.Bytes()[:b.Len()-1]
	// An action that is not resendable goes through do too, which then
	// returns its first error as it is: one call of callOnce instead of
	// two (binary size: one site, see doc.go).
	again := retryable
	if !resendable(action) {
		again = never
	}
	return c.retry.do(ctx, again, func() error { return c.callOnce(ctx, action, body, out) })
}

// never accepts no error for a retry.
func never(error) bool { return false }

// checkEndpoint refuses an endpoint that is not an http or https URL with
// a host, with an error matching ErrConfig that does not quote it (it may
// hold a password).
func checkEndpoint(u *url.URL) error {
	if u.Host == "" || u.Scheme != "https" && u.Scheme != "http" {
		return refine(&ErrConfig, "Endpoint is not an http or https URL with a host")
	}
	return nil
}

// errEndpointNotURL refuses an endpoint that does not parse, without
// quoting it (it may hold a password).
var errEndpointNotURL error = &refinedError{base: &ErrConfig, detail: "Endpoint is not a URL"}

// callOnce makes one attempt of Call.
func (c *apiClient) callOnce(ctx context.Context, action string, body []byte, out any) error {
	reply, _ := out.(*authReply)
	if reply != nil {
		out = &reply.out
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if _, ok := err.(*url.Error); ok {
		return errEndpointNotURL
	} else if err != nil {
		return errorf("cognitosrp: %s: %w", action, err)
	}
	if err := checkEndpoint(req.URL); err != nil {
		// Checked here, not by the transport, so that it is not retried.
		return err
	}
	// The keys are in canonical form already: assigning them directly
	// spares the canonicalization that Header.Set inlines at each call.
	req.Header["Content-Type"] = []string{"application/x-amz-json-1.1"}
	req.Header["X-Amz-Target"] = []string{"AWSCognitoIdentityProviderService." + action}
	if c.userAgent != "" {
		req.Header["User-Agent"] = []string{c.userAgent}
	}
	// One error for both failures to exchange the request, sending and
	// reading the answer, and one for the three ways an answer can be
	// unusable (binary size: one site, see doc.go).
	resp, err := c.send(req)
	var data []byte
	stage := ""
	if err == nil {
		// Closed once read, not deferred: nothing below reads the body
		// (binary size: nothing per call, see doc.go).
		data, err = readUpTo(resp.Body, maxResponseBytes+1, resp.ContentLength)
		resp.Body.Close()
		stage = "reading response: "
	}
	if err != nil {
		// The *url.Error of http.Client.Do names the URL with its password
		// stripped (TestErrorsRedactURLPasswords), never the body.
		return errorf("cognitosrp: %s: %s%w", action, stage, &transportError{err})
	}
	var why string
	switch _, none := out.(*struct{}); {
	case len(data) > maxResponseBytes:
		why = "response larger than 1048576 bytes" // maxResponseBytes (binary size: written-out limit, see doc.go)
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return newAPIError(action, resp, data)
	case none && len(data) == 0:
		// An action without output (RevokeToken, GlobalSignOut,
		// UpdateDeviceStatus): the API reference says it answers with an
		// empty body, which is then no invalid response.
		return nil
	case !isJSON(data):
		why = "HTTP " + strconv.Itoa(resp.StatusCode) + " with a body that is not JSON (" + describeBody(resp, data) + ")"
	default:
		err := json.Unmarshal(data, out)
		if err == nil {
			if reply != nil {
				reply.date = resp.Header.Get("Date")
			}
			return nil
		}
		// The decoder's own message can quote a character of the body (a
		// number, before Go 1.26), and the body holds tokens: say where.
		why = jsonErrorKind(err)
	}
	return errorf("%w: %s: %s", ErrInvalidResponse, action, why)
}

// stopRedirect makes an http.Client return a redirect as the response.
func stopRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// readUpTo reads r to its end, but no more than n bytes. It does what
// io.ReadAll of an io.LimitReader does, through bytes.Buffer.ReadFrom
// (binary size: nothing linked for one use, see doc.go). size, when
// positive, is how long r says it is (a
// Content-Length): the buffer is then allocated once instead of grown
// from 512 bytes. A size of n or more is not trusted: such a body is
// refused as too large anyway, and a peer that lies about it must not make
// every response cost the whole limit.
func readUpTo(r io.Reader, n, size int64) ([]byte, error) {
	var b bytes.Buffer
	if size > 0 && size < n {
		// ReadFrom wants bytes.MinRead free before each read, the one
		// that finds the end too.
		b.Grow(int(size) + bytes.MinRead)
	}
	_, err := b.ReadFrom(io.LimitReader(r, n))
	return b.Bytes(), err
}

// isJSON reports whether a body can be a JSON object. The content type is
// not trusted either way: Cognito says application/x-amz-json-1.1, proxies
// and emulators say anything; an HTML error page starts with '<'.
func isJSON(data []byte) bool {
	t := bytes.TrimSpace(data)
	return len(t) > 0 && t[0] == '{'
}

// describeBody names a body without quoting it: a proxy may echo the request,
// and the request holds secrets.
func describeBody(resp *http.Response, data []byte) string {
	// The content type is the server's text too: keep only a well-formed
	// media type of reasonable length, without its parameters.
	ct := "no content type"
	if raw := resp.Header.Get("Content-Type"); raw != "" {
		ct = "a malformed content type"
		if mt, _, err := mime.ParseMediaType(raw); err == nil && len(mt) <= maxMediaTypeLen {
			ct = mt
		}
	}
	return fmt.Sprintf("%s, %d bytes", ct, len(data))
}

// maxMediaTypeLen bounds the media type quoted in errors; real ones are
// about half as long.
const maxMediaTypeLen = 48

// redact shows whether a secret is set, and nothing of it.
func redact(s string) string {
	if s == "" {
		return `""`
	}
	return "[redacted]"
}

// The types Client hands encoding/json: each has the fields (and tags) of
// the exported type it is converted from, and none of its methods
// (binary size: method-less copy, see doc.go; TestOptInFeaturesNotLinked).
type (
	wireInitiateAuth       InitiateAuthInput
	wireRespondToChallenge RespondToAuthChallengeInput
	wireGetTokens          GetTokensFromRefreshTokenInput
	wireRevokeToken        RevokeTokenInput
	wireGlobalSignOut      GlobalSignOutInput
	wireConfirmDevice      ConfirmDeviceInput
	wireUpdateDeviceStatus UpdateDeviceStatusInput
	wireAuthResult         AuthenticationResult
)

// The outputs are decoded into structs of their own, not conversions of the
// exported ones: those hold an *AuthenticationResult, whose printers would
// come along (these structs are never encoded, so they need no tags).
type (
	// wireAuthOutput is an AuthOutput (see authReply.output).
	wireAuthOutput struct {
		AuthenticationResult *wireAuthResult
		ChallengeName        string
		ChallengeParameters  map[string]string
		Session              string
		AvailableChallenges  []string
	}
	// wireGetTokensOutput is a GetTokensFromRefreshTokenOutput.
	wireGetTokensOutput struct {
		AuthenticationResult *wireAuthResult
	}
)
