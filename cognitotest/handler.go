// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// targetPrefix starts the X-Amz-Target header of every user pool action.
const targetPrefix = "AWSCognitoIdentityProviderService."

// maxRequestBytes bounds a request body; Cognito's requests are a few
// kilobytes.
const maxRequestBytes = 1 << 20

// call is one API request being served.
type call struct {
	ctx    context.Context
	action string
	now    time.Time
	body   []byte
	ip     string // the client's address, for a device's last_ip_used
}

// decode reads the JSON body into v, as the AWS protocol layer does.
func (c *call) decode(v any) *apiError {
	dec := json.NewDecoder(bytes.NewReader(c.body))
	if err := dec.Decode(v); err != nil {
		return newError(http.StatusBadRequest, "SerializationException", "the request body is not a JSON object of the expected shape")
	}
	return nil
}

// actionFunc serves one action and returns the response body.
type actionFunc func(*call) (any, *apiError)

// action returns the handler of an action, or nil.
func (s *Server) action(name string) actionFunc {
	switch name {
	case "InitiateAuth":
		return s.initiateAuth
	case "RespondToAuthChallenge":
		return s.respondToAuthChallenge
	case "GetTokensFromRefreshToken":
		return s.getTokensFromRefreshToken
	case "RevokeToken":
		return s.revokeToken
	case "GlobalSignOut":
		return s.globalSignOut
	case "GetUser":
		return s.getUser
	case "ConfirmDevice":
		return s.confirmDevice
	case "UpdateDeviceStatus":
		return s.updateDeviceStatus
	case "ForgetDevice":
		return s.forgetDevice
	case "AssociateSoftwareToken":
		return s.associateSoftwareToken
	case "VerifySoftwareToken":
		return s.verifySoftwareToken
	case "GetDevice":
		return s.getDevice
	case "ListDevices":
		return s.listDevices
	case "SetUserMFAPreference":
		return s.setUserMFAPreference
	case "ChangePassword":
		return s.changePassword
	}
	return nil
}

// ServeHTTP serves the Cognito JSON 1.1 API on POST / and the pool's JWKS
// and OpenID configuration on GET /{poolId}/.well-known/…. Every response
// carries an x-amzn-RequestId header, and a Date on the server's clock
// (SetClock, Advance), as Cognito's carry its own: a client may sign its
// SRP TIMESTAMP on it when its clock is far from the server's.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.built() {
		http.Error(w, errNotMade.Error(), http.StatusInternalServerError)
		return
	}
	if !s.enter() {
		dropConnection(w)
		return
	}
	defer s.active.Done()
	start := time.Now()
	reqID := s.uuid()
	// The server's clock is read once: the Date, the log and the action
	// see the same instant, and a test's clock one call per request.
	now := s.now()
	h := w.Header()
	h.Set("x-amzn-RequestId", reqID)
	h.Set("Date", now.UTC().Format(http.TimeFormat))
	// Browsers running a Cognito client against `cognito-srp emulate` need
	// CORS; the API is authorized by what is in the body, not by cookies.
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Expose-Headers", "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date")
	switch {
	case r.Method == http.MethodOptions:
		h.Set("Access-Control-Allow-Methods", "POST, GET, OPTIONS")
		// Allow the headers asked for: browser clients add their own
		// (Amplify JS: cache-control, amz-sdk-invocation-id,
		// amz-sdk-request), which Cognito takes, and the browser blocks a
		// request that sends one the preflight did not allow.
		h.Set("Access-Control-Allow-Headers", cmp.Or(r.Header.Get("Access-Control-Request-Headers"),
			"Content-Type, X-Amz-Target, X-Amz-User-Agent, Authorization"))
		w.WriteHeader(http.StatusNoContent)
		return
	case r.Method == http.MethodGet:
		s.serveWellKnown(w, r)
		return
	}
	action := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
	rec := Request{Time: now, Action: action, RequestID: reqID}
	out, aerr := s.serveAPI(r, action, &rec)
	if aerr == errDropConnection {
		rec.Status, rec.Duration = 0, time.Since(start)
		s.record(start, rec)
		dropConnection(w)
		return
	}
	h.Set("Content-Type", "application/x-amz-json-1.1")
	status, body := http.StatusOK, out
	if aerr != nil {
		status = aerr.status
		// Cognito's own errors say "message"; the AWS protocol layer's
		// SerializationException says "Message" (amplify-js issue 4738
		// quotes its body), which a client reading only "message" sees
		// as none (amplify-js issue 6014).
		key := "message"
		if aerr.typ == "SerializationException" {
			key = "Message"
		}
		body = map[string]string{"__type": aerr.typ, key: aerr.msg}
		h.Set("x-amzn-ErrorType", aerr.typ+":")
		h.Set("x-amzn-ErrorMessage", headerText(aerr.msg))
		rec.ErrorType, rec.Reason = aerr.typ, aerr.why
	}
	data, err := json.Marshal(body)
	if err != nil {
		status, data = http.StatusInternalServerError, []byte(`{"__type":"InternalErrorException","message":"encoding the response failed"}`)
	}
	w.WriteHeader(status)
	w.Write(data)
	rec.Status, rec.Duration = status, time.Since(start)
	s.record(start, rec)
}

// headerText is msg with the control characters that a header value may
// not hold (all but tab) as spaces, as net/http writes a line break: a
// message may quote a value the client sent, and a client drops a
// response whose header holds such a byte as malformed.
func headerText(msg string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' && r != '\t' || r == 0x7f {
			return ' '
		}
		return r
	}, msg)
}

// serveAPI checks the request, applies injected latency and failures, and
// runs the action.
func (s *Server) serveAPI(r *http.Request, action string, rec *Request) (any, *apiError) {
	if r.Method != http.MethodPost {
		return nil, newError(http.StatusMethodNotAllowed, "UnknownOperationException", "use POST")
	}
	if r.URL.Path != "/" {
		return nil, newError(http.StatusNotFound, "UnknownOperationException", "the API is served at /")
	}
	fn := s.action(action)
	if fn == nil || !strings.HasPrefix(r.Header.Get("X-Amz-Target"), targetPrefix) {
		return nil, newError(http.StatusBadRequest, "UnknownOperationException", "unknown X-Amz-Target")
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxRequestBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, newError(http.StatusRequestEntityTooLarge, "SerializationException", "request body too large")
		}
		return nil, newError(http.StatusBadRequest, "SerializationException", "reading the request body failed")
	}
	s.countCall(action)
	now := rec.Time
	if d := s.latency(action); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return nil, errDropConnection
		case <-s.done:
			// Close waits for this request: it must not wait out the
			// latency too.
			t.Stop()
			return nil, errDropConnection
		}
		// The action runs once the latency has passed: its sessions,
		// TIMESTAMP check and tokens are of that time.
		now = s.now()
	}
	if f := s.nextFault(action); f != nil {
		rec.Injected = true
		return nil, f
	}
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	return fn(&call{ctx: r.Context(), action: action, now: now, body: body, ip: ip})
}

// dropConnection closes the connection without a response, like a network
// failure.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	// Not hijackable (HTTP/2, a recorder): the nearest thing is a gateway
	// failure with no body.
	w.WriteHeader(http.StatusBadGateway)
}

// writeJSON answers a GET with a JSON document.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// serveWellKnown serves the pool's JWKS and a minimal OpenID configuration.
func (s *Server) serveWellKnown(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/" + s.cfg.PoolID + "/.well-known/jwks.json":
		writeJSON(w, s.JWKS())
	case "/" + s.cfg.PoolID + "/.well-known/openid-configuration":
		writeJSON(w, map[string]any{
			"issuer":                                s.Issuer(),
			"jwks_uri":                              s.JWKSURL(),
			"id_token_signing_alg_values_supported": []string{"RS256"},
			"subject_types_supported":               []string{"public"},
			"response_types_supported":              []string{"code", "token"},
		})
	default:
		http.NotFound(w, r)
	}
}

// withClient is embedded in the requests an app client id authorizes.
type withClient struct {
	ClientId string //nolint:revive // the wire name
}

func (w *withClient) clientID() string { return w.ClientId }

// withAccessToken is embedded in the requests an access token authorizes.
type withAccessToken struct{ AccessToken string }

func (w *withAccessToken) accessToken() string { return w.AccessToken }

// decodeForClient decodes a request, checks its members' shapes (the
// ClientId's, then those check adds), and only then returns the app
// client it names. The AWS protocol layer validates the whole request
// against Cognito's model before the service reads any of it (see
// violations), and a check that needs the pool, a password policy's
// InvalidPasswordException, comes only once the members pass
// (amazon-cognito-identity-js issue 311): an unknown client id with a
// ChallengeName outside the enum is refused for the member, not the
// client.
func (s *Server) decodeForClient(c *call, in interface{ clientID() string }, check func(*violations)) (*appClient, *apiError) {
	if aerr := c.decode(in); aerr != nil {
		return nil, aerr
	}
	var v violations
	s.checkClientID(&v, in.clientID())
	check(&v)
	if aerr := v.err(); aerr != nil {
		return nil, aerr
	}
	return s.lookupClient(in.clientID())
}

// decodeForUser decodes a request, checks its AccessToken's shape and
// those check adds, and returns the user of its access token.
func (s *Server) decodeForUser(c *call, in interface{ accessToken() string }, check func(*violations)) (*user, *apiError) {
	if aerr := c.decode(in); aerr != nil {
		return nil, aerr
	}
	var v violations
	checkTokenMember(&v, "accessToken", in.accessToken())
	if check != nil {
		check(&v)
	}
	if aerr := v.err(); aerr != nil {
		return nil, aerr
	}
	return s.accessTokenUser(c.now, in.accessToken())
}
