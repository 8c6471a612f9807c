// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// The examples run against a local emulator of a Cognito user pool
// (package cognitotest), which checks SRP for real, and against a stand-in
// API that answers with the credential it received. With a real pool,
// leave Endpoint empty: the library derives it from the pool's region.
// Their output shows tokens as <access token of alice>: the type and the
// "username" claim, never the token itself.

const (
	examplePoolID   = "us-east-1_example123"
	exampleClientID = "your-client-id"
)

// startCognito starts an emulated user pool in which the user "alice"
// signs in as user@example.com with "password", plus any extra users.
func startCognito(poolID, clientID string, extra ...cognitotest.User) *cognitotest.Server {
	srv, err := cognitotest.NewUnstartedServer(cognitotest.Config{PoolID: poolID, ClientID: clientID})
	if err != nil {
		log.Fatal(err)
	}
	users := append([]cognitotest.User{{Username: "alice", Aliases: []string{"user@example.com"}, Password: "password"}}, extra...)
	for _, u := range users {
		if _, err := srv.AddUser(u); err != nil {
			log.Fatal(err)
		}
	}
	if err := srv.Start(); err != nil {
		log.Fatal(err)
	}
	return srv
}

// printResponse prints a response's status and body.
func printResponse(resp *http.Response, err error) {
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Printf("%s: %s", resp.Status, body)
}

// The main use: log in with individual parameters and let every request
// carry a fresh access token. The first request logs in with SRP; later
// ones reuse the token and renew it shortly before it expires.
func Example() {
	cognito := startCognito(examplePoolID, exampleClientID)
	defer cognito.Close()
	api := newEchoAPI()
	defer api.Close()

	auth, err := cognitosrp.New(cognitosrp.Options{
		Username:   "user@example.com",
		Password:   "password",
		UserPoolID: "us-east-1_example123",
		ClientID:   "your-client-id",
		Region:     "us-east-1",        // optional: derived from UserPoolID
		Endpoint:   cognito.Endpoint(), // the emulator; leave empty for AWS
	})
	if err != nil {
		log.Fatal(err)
	}
	client := &http.Client{Transport: auth, Timeout: 10 * time.Second}

	printResponse(client.Get(api.URL + "/protected"))
	printResponse(client.Get(api.URL + "/protected/again"))
	fmt.Println("InitiateAuth calls:", cognito.Calls("InitiateAuth"))
	// Output:
	// 200 OK: GET /protected with Authorization: Bearer <access token of alice>
	// 200 OK: GET /protected/again with Authorization: Bearer <access token of alice>
	// InitiateAuth calls: 1
}

// A pre-configured session, like pycognito's Cognito object: log in once,
// then hand the session to New. Without the password, the Auth renews the
// tokens with the refresh token for as long as it lives.
func ExampleNewSession() {
	cognito := startCognito(examplePoolID, exampleClientID)
	defer cognito.Close()
	api := newEchoAPI()
	defer api.Close()

	session, err := cognitosrp.NewSession(cognitosrp.Config{
		UserPoolID: "us-east-1_example123",
		ClientID:   "your-client-id",
		Endpoint:   cognito.Endpoint(), // the emulator; leave empty for AWS
	}, "user@example.com")
	if err != nil {
		log.Fatal(err)
	}
	if err := session.Authenticate(context.Background(), "password"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("internal username:", session.Tokens().Username)

	auth, err := cognitosrp.New(cognitosrp.Options{Session: session})
	if err != nil {
		log.Fatal(err)
	}
	printResponse(auth.Client().Get(api.URL + "/users"))
	// Output:
	// internal username: alice
	// 200 OK: GET /users with Authorization: Bearer <access token of alice>
}

// Custom header names and prefixes, for APIs that do not read
// "Authorization: Bearer". An empty HeaderPrefix with a Header set sends
// the bare token.
func ExampleOptions_header() {
	cognito := startCognito(examplePoolID, exampleClientID)
	defer cognito.Close()
	api := newEchoAPI()
	defer api.Close()

	for _, h := range []struct {
		header, prefix string
		typ            cognitosrp.TokenType
	}{
		{"X-Auth-Token", "Token ", cognitosrp.IDToken},   // X-Auth-Token: Token <id token>
		{"X-API-Key", "", cognitosrp.AccessToken},        // X-API-Key: <access token>, no prefix
		{"Authorization", "JWT ", cognitosrp.IDToken},    // Authorization: JWT <id token>
		{"Authorization", "Bearer ", cognitosrp.IDToken}, // API Gateway authorizers without scopes
		{"", "", ""}, // the defaults
		{"Authorization", "", cognitosrp.AccessToken},      // the bare token
		{"X-Auth-Token", "Token ", cognitosrp.AccessToken}, // the access token instead
	} {
		opts := cognito.Options("user@example.com", "password")
		opts.Header, opts.HeaderPrefix, opts.TokenType = h.header, h.prefix, h.typ
		auth, err := cognitosrp.New(opts)
		if err != nil {
			log.Fatal(err)
		}
		printResponse(auth.Client().Get(api.URL + "/data"))
	}
	// Output:
	// 200 OK: GET /data with X-Auth-Token: Token <id token of alice>
	// 200 OK: GET /data with X-Api-Key: <access token of alice>
	// 200 OK: GET /data with Authorization: JWT <id token of alice>
	// 200 OK: GET /data with Authorization: Bearer <id token of alice>
	// 200 OK: GET /data with Authorization: Bearer <access token of alice>
	// 200 OK: GET /data with Authorization: <access token of alice>
	// 200 OK: GET /data with X-Auth-Token: Token <access token of alice>
}

// The access token authorizes API calls; the id token carries the user's
// attributes, and API Gateway authorizers without scopes expect it.
func ExampleTokenType() {
	cognito := startCognito(examplePoolID, exampleClientID)
	defer cognito.Close()
	api := newEchoAPI()
	defer api.Close()

	apiOpts := cognito.Options("user@example.com", "password")
	apiOpts.TokenType = cognitosrp.AccessToken // the default
	apiAuth, err := cognitosrp.New(apiOpts)
	if err != nil {
		log.Fatal(err)
	}
	identityOpts := cognito.Options("user@example.com", "password")
	identityOpts.TokenType = cognitosrp.IDToken
	identityAuth, err := cognitosrp.New(identityOpts)
	if err != nil {
		log.Fatal(err)
	}
	printResponse(apiAuth.Client().Get(api.URL + "/data"))
	printResponse(identityAuth.Client().Get(api.URL + "/profile"))
	fmt.Println(cognitosrp.AccessToken, cognitosrp.IDToken)
	// Output:
	// 200 OK: GET /data with Authorization: Bearer <access token of alice>
	// 200 OK: GET /profile with Authorization: Bearer <id token of alice>
	// access_token id_token
}

// APIClient wraps an API whose requests carry a Cognito token.
type APIClient struct {
	baseURL string
	http    *http.Client
}

// NewAPIClient logs username in to the pool lazily, on the first request.
func NewAPIClient(baseURL string, opts cognitosrp.Options) (*APIClient, error) {
	auth, err := cognitosrp.New(opts)
	if err != nil {
		return nil, err
	}
	return &APIClient{baseURL: strings.TrimSuffix(baseURL, "/"), http: &http.Client{Transport: auth, Timeout: 30 * time.Second}}, nil
}

func (c *APIClient) do(ctx context.Context, method, endpoint string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.baseURL+"/"+strings.TrimPrefix(endpoint, "/"), body)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.http.Do(req)
}

// Get sends an authenticated GET.
func (c *APIClient) Get(ctx context.Context, endpoint string) (*http.Response, error) {
	return c.do(ctx, http.MethodGet, endpoint, nil)
}

// Post sends an authenticated POST with a JSON body.
func (c *APIClient) Post(ctx context.Context, endpoint, json string) (*http.Response, error) {
	return c.do(ctx, http.MethodPost, endpoint, strings.NewReader(json))
}

// Put sends an authenticated PUT with a JSON body.
func (c *APIClient) Put(ctx context.Context, endpoint, json string) (*http.Response, error) {
	return c.do(ctx, http.MethodPut, endpoint, strings.NewReader(json))
}

// Delete sends an authenticated DELETE.
func (c *APIClient) Delete(ctx context.Context, endpoint string) (*http.Response, error) {
	return c.do(ctx, http.MethodDelete, endpoint, nil)
}

// An API client type whose every method is authenticated.
func Example_apiClient() {
	cognito := startCognito(examplePoolID, exampleClientID)
	defer cognito.Close()
	api := newEchoAPI()
	defer api.Close()

	client, err := NewAPIClient(api.URL, cognitosrp.Options{
		Username:   "user@example.com",
		Password:   "password",
		UserPoolID: "us-east-1_example123",
		ClientID:   "your-client-id",
		Endpoint:   cognito.Endpoint(), // the emulator; leave empty for AWS
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	printResponse(client.Get(ctx, "/users"))
	printResponse(client.Post(ctx, "/users", `{"name": "John Doe"}`))
	printResponse(client.Put(ctx, "users/42", `{"name": "Jane Doe"}`))
	printResponse(client.Delete(ctx, "/users/42"))
	// Output:
	// 200 OK: GET /users with Authorization: Bearer <access token of alice>
	// 200 OK: POST /users with Authorization: Bearer <access token of alice>
	// 200 OK: PUT /users/42 with Authorization: Bearer <access token of alice>
	// 200 OK: DELETE /users/42 with Authorization: Bearer <access token of alice>
}

// One http.Client, shared by the whole program (it is safe for concurrent
// use), the counterpart of a requests.Session with auth set.
func ExampleAuth_Client() {
	cognito := startCognito(examplePoolID, exampleClientID)
	defer cognito.Close()
	api := newEchoAPI()
	defer api.Close()

	auth, err := cognitosrp.New(cognito.Options("user@example.com", "password"))
	if err != nil {
		log.Fatal(err)
	}
	client := auth.Client() // or &http.Client{Transport: auth, Timeout: …}

	for _, r := range []struct{ method, path, body string }{
		{http.MethodGet, "/endpoint1", ""},
		{http.MethodPost, "/endpoint2", `{"data": "value"}`},
		{http.MethodPut, "/endpoint3", `{"update": "value"}`},
	} {
		req, _ := http.NewRequest(r.method, api.URL+r.path, strings.NewReader(r.body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "MyApp/1.0")
		printResponse(client.Do(req))
	}
	// Output:
	// 200 OK: GET /endpoint1 with Authorization: Bearer <access token of alice>
	// 200 OK: POST /endpoint2 with Authorization: Bearer <access token of alice>
	// 200 OK: PUT /endpoint3 with Authorization: Bearer <access token of alice>
}

// retryTransport retries requests that failed with 429 or 5xx, the
// counterpart of urllib3's Retry mounted in a requests adapter.
type retryTransport struct {
	Base     http.RoundTripper
	Attempts int
	Backoff  time.Duration
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 1; ; attempt++ {
		r := req
		if attempt > 1 && req.Body != nil {
			if req.GetBody == nil {
				return nil, fmt.Errorf("retry: cannot resend the body of %s %s", req.Method, req.URL)
			}
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r = req.Clone(req.Context())
			r.Body = body
		}
		resp, err := t.Base.RoundTrip(r)
		if attempt == t.Attempts || (err == nil && resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode < 500) {
			return resp, err
		}
		if err == nil {
			// Read to its end (a few kilobytes at most) before closing:
			// an unread body closes the connection, and each attempt
			// would then open a new one, a new TLS handshake included.
			io.CopyN(io.Discard, resp.Body, 4<<10)
			resp.Body.Close()
		}
		time.Sleep(t.Backoff << (attempt - 1))
	}
}

// Auth composes with other transports: here its Base retries 429 and 5xx,
// so every attempt carries the token.
func Example_retry() {
	cognito := startCognito(examplePoolID, exampleClientID)
	defer cognito.Close()
	var calls atomic.Int32
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) < 3 {
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "protected data for", describeCredential(r.Header.Get("Authorization")))
	}))
	defer flaky.Close()

	opts := cognito.Options("user@example.com", "password")
	opts.Base = &retryTransport{Base: http.DefaultTransport, Attempts: 3, Backoff: 10 * time.Millisecond}
	auth, err := cognitosrp.New(opts)
	if err != nil {
		log.Fatal(err)
	}
	printResponse(auth.Client().Get(flaky.URL + "/protected-data"))
	fmt.Println("attempts:", calls.Load())
	// Output:
	// 200 OK: protected data for Bearer <access token of alice>
	// attempts: 3
}

// Several environments side by side, each with its own pool, app client,
// user and API; each Auth keeps its own tokens.
func Example_environments() {
	type environment struct {
		userPoolID, clientID string
		cognito              *cognitotest.Server
		api                  *httptest.Server
	}
	envs := map[string]*environment{
		"dev":  {userPoolID: "us-east-1_dev123", clientID: "dev-client-id"},
		"prod": {userPoolID: "us-east-1_prod789", clientID: "prod-client-id"},
	}
	for name, env := range envs {
		env.cognito = startCognito(env.userPoolID, env.clientID, cognitotest.User{
			Username: name + "-user", Aliases: []string{name + "-user@example.com"}, Password: name + "-password"})
		defer env.cognito.Close()
		env.api = newEchoAPI()
		defer env.api.Close()
	}

	auths := map[string]*cognitosrp.Auth{}
	for _, name := range []string{"dev", "prod"} {
		env := envs[name]
		auth, err := cognitosrp.New(cognitosrp.Options{
			Username:   name + "-user@example.com",
			Password:   name + "-password",
			UserPoolID: env.userPoolID,
			ClientID:   env.clientID,
			Endpoint:   env.cognito.Endpoint(), // the emulator; leave empty for AWS
		})
		if err != nil {
			log.Fatal(err)
		}
		auths[name] = auth
	}
	for _, name := range []string{"dev", "prod"} {
		fmt.Print(name, ": ")
		printResponse(auths[name].Client().Get(envs[name].api.URL + "/users"))
	}
	// Output:
	// dev: 200 OK: GET /users with Authorization: Bearer <access token of dev-user>
	// prod: 200 OK: GET /users with Authorization: Bearer <access token of prod-user>
}

// Clients that are not net/http take the header name and value: here a
// hand-written HTTP/1.1 request on a TCP connection. HeaderValue logs in or
// renews first when needed, so call it before each request (or batch).
func ExampleAuth_HeaderValue() {
	cognito := startCognito(examplePoolID, exampleClientID)
	defer cognito.Close()
	api := newEchoAPI()
	defer api.Close()

	auth, err := cognitosrp.New(cognito.Options("user@example.com", "password"))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	value, err := auth.HeaderValue(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(auth.HeaderName()+":", describeCredential(value))

	for i := range 2 {
		conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", api.Listener.Addr().String())
		if err != nil {
			log.Fatal(err)
		}
		fmt.Fprintf(conn, "GET /data/%d HTTP/1.1\r\nHost: api\r\n%s: %s\r\nConnection: close\r\n\r\n", i, auth.HeaderName(), value)
		raw, _ := io.ReadAll(conn)
		conn.Close()
		status, _, _ := bytes.Cut(raw, []byte("\r\n"))
		_, body, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
		fmt.Printf("%s: %s", status, body)
	}
	// Output:
	// Authorization: Bearer <access token of alice>
	// HTTP/1.1 200 OK: GET /data/0 with Authorization: Bearer <access token of alice>
	// HTTP/1.1 200 OK: GET /data/1 with Authorization: Bearer <access token of alice>
}

// An Auth has the methods of gRPC's credentials.PerRPCCredentials, so it
// plugs into grpc.WithPerRPCCredentials without this package importing
// gRPC.
func ExampleAuth_GetRequestMetadata() {
	cognito := startCognito(examplePoolID, exampleClientID)
	defer cognito.Close()

	opts := cognito.Options("user@example.com", "password")
	opts.TokenType = cognitosrp.IDToken
	auth, err := cognitosrp.New(opts)
	if err != nil {
		log.Fatal(err)
	}
	// With gRPC: grpc.NewClient(target, grpc.WithPerRPCCredentials(auth), …)
	md, err := auth.GetRequestMetadata(context.Background(), "https://grpc.example.com/Service")
	if err != nil {
		log.Fatal(err)
	}
	for k, v := range md {
		fmt.Println(k+":", describeCredential(v))
	}
	fmt.Println("transport security required:", auth.RequireTransportSecurity())
	// Output:
	// authorization: Bearer <id token of alice>
	// transport security required: true
}

// Token returns the bare token, for SDKs that take one.
func ExampleAuth_Token() {
	cognito := startCognito(examplePoolID, exampleClientID)
	defer cognito.Close()

	auth, err := cognitosrp.New(cognito.Options("user@example.com", "password"))
	if err != nil {
		log.Fatal(err)
	}
	token, err := auth.Token(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	claims, err := cognitosrp.ParseUnverified(token) // for display only: not verified
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(claims.TokenUse, claims.Username, claims.ClientID)
	// Output:
	// access alice your-client-id
}

// An AWS AppSync API with Cognito user pool authorization takes the bare
// token: over HTTP, under Authorization with no prefix; on its real-time
// WebSocket endpoint, where a browser's client can set no header, in a
// JSON object of the token and the API's host that each subscription's
// start message repeats (payload.extensions.authorization). The
// connection carries that object in one of two forms: base64 in the URL's
// query (parameters header and payload, the latter an empty object),
// subprotocol graphql-ws, as AppSync's real-time guide shows; or, as
// AWS's own clients do since 2024 and keep the token out of URLs that
// proxies log, base64url without padding in a second subprotocol,
// "header-…", beside graphql-ws, the URL bare. Token logs in or renews
// first and returns a token valid for at least the expiry margin: call it
// for each connection and each start message, rather than keep the object
// of an earlier one, whose token may have expired since (a connection
// made with it is refused: "Token has expired."). An Auth that sends the
// other token type gets this one with
// Session().ValidTokens(ctx, cognitosrp.IDToken).
func ExampleAuth_Token_appSync() {
	cognito := startCognito(examplePoolID, exampleClientID)
	defer cognito.Close()
	api := newEchoAPI() // stands for https://….appsync-api.….amazonaws.com/graphql
	defer api.Close()

	opts := cognito.Options("user@example.com", "password")
	opts.Header, opts.HeaderPrefix, opts.TokenType = "Authorization", "", cognitosrp.IDToken
	auth, err := cognitosrp.New(opts)
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()
	printResponse(auth.Client().Post(api.URL+"/graphql", "application/json", strings.NewReader(`{"query":"{ me { id } }"}`)))

	const graphqlHost = "example1234567890000.appsync-api.us-east-1.amazonaws.com"
	token, err := auth.Token(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	header, err := json.Marshal(map[string]string{"host": graphqlHost, "Authorization": token})
	if err != nil {
		log.Fatal(err)
	}
	realtime := url.URL{
		Scheme:   "wss",
		Host:     strings.Replace(graphqlHost, ".appsync-api.", ".appsync-realtime-api.", 1),
		Path:     "/graphql",
		RawQuery: url.Values{"header": {base64.StdEncoding.EncodeToString(header)}, "payload": {"e30="}}.Encode(),
	}
	// Dial realtime.String() with the subprotocol "graphql-ws"; or the
	// URL without its query with the subprotocols "graphql-ws" and this:
	subprotocol := "header-" + base64.RawURLEncoding.EncodeToString(header)

	u, _ := url.Parse(realtime.String())
	raw, _ := base64.StdEncoding.DecodeString(u.Query().Get("header"))
	var sent map[string]string
	json.Unmarshal(raw, &sent)
	fmt.Println(u.Host)
	fmt.Println("header:", sent["host"], describeCredential(sent["Authorization"]))
	raw, _ = base64.RawURLEncoding.DecodeString(strings.TrimPrefix(subprotocol, "header-"))
	sent = nil
	json.Unmarshal(raw, &sent)
	fmt.Println("subprotocol:", sent["host"], describeCredential(sent["Authorization"]))
	// Output:
	// 200 OK: POST /graphql with Authorization: <id token of alice>
	// example1234567890000.appsync-realtime-api.us-east-1.amazonaws.com
	// header: example1234567890000.appsync-api.us-east-1.amazonaws.com <id token of alice>
	// subprotocol: example1234567890000.appsync-api.us-east-1.amazonaws.com <id token of alice>
}

// A wrong password fails the request with an error that matches
// ErrNotAuthorized; errors.As gives Cognito's details.
func ExampleAPIError() {
	cognito := startCognito(examplePoolID, exampleClientID)
	defer cognito.Close()

	auth, err := cognitosrp.New(cognito.Options("user@example.com", "not the password"))
	if err != nil {
		log.Fatal(err)
	}
	_, err = auth.Token(context.Background())
	var apiErr *cognitosrp.APIError
	switch {
	case errors.As(err, &apiErr) && errors.Is(err, cognitosrp.ErrNotAuthorized):
		fmt.Println("authentication failed - check credentials:", apiErr.Type, apiErr.StatusCode, apiErr.Temporary())
	case err != nil:
		fmt.Println("request failed:", err)
	}
	// Output:
	// authentication failed - check credentials: NotAuthorizedException 400 false
}
