// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"

	"github.com/gocognito/cognitosrp"
)

// A gateway: an httputil.ReverseProxy that forwards its clients' requests
// to one API with the gateway's own token. The client's Authorization is
// replaced, never sent beside it. ReverseProxy forwards a request's body
// as it arrives, which cannot be sent twice, so a 401 to a request with a
// body is passed on (after the token is renewed) unless Rewrite buffers
// the body and sets GetBody, as here for small ones: then the request is
// sent again with the renewed token.
func Example_reverseProxy() {
	cognito := startCognito(examplePoolID, exampleClientID)
	defer cognito.Close()
	// The API checks the token with the pool, as a resource server does.
	api := httptest.NewServer(cognito.RequireAccessToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s %q with %d Authorization: %s\n", r.Method, r.URL.Path, body,
			len(r.Header.Values("Authorization")), describeCredential(r.Header.Get("Authorization")))
	})))
	defer api.Close()

	auth, err := cognitosrp.New(cognito.Options("user@example.com", "password"))
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()
	target, _ := url.Parse(api.URL)
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target) // a fixed API: never a host the request names
			pr.SetXForwarded()
			if pr.Out.Body != nil && pr.Out.ContentLength >= 0 && pr.Out.ContentLength <= 1<<20 {
				// A client's body that breaks off is sent as far as it
				// came, once, and fails short of its ContentLength.
				b, err := io.ReadAll(pr.Out.Body)
				pr.Out.Body = io.NopCloser(bytes.NewReader(b))
				if err == nil {
					pr.Out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
				}
			}
		},
		Transport: auth,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			var apiErr *cognitosrp.APIError
			switch {
			case r.Context().Err() != nil:
				// The client left. (Not errors.Is(err, context.Canceled):
				// a login that Close ended matches it too.)
			case errors.Is(err, cognitosrp.ErrLoginRequired), errors.Is(err, cognitosrp.ErrClosed),
				errors.As(err, &apiErr) && apiErr.Temporary():
				w.WriteHeader(http.StatusServiceUnavailable)
			default:
				w.WriteHeader(http.StatusBadGateway)
			}
		},
	}
	gateway := httptest.NewServer(proxy)
	defer gateway.Close()

	req, _ := http.NewRequest("GET", gateway.URL+"/orders", nil)
	req.Header.Set("Authorization", "Bearer the-client's-own")
	printResponse(http.DefaultClient.Do(req))

	// The API now refuses the token (a sign-out revoked it): the gateway
	// renews it and sends the buffered body again.
	if err := cognito.SignOut("alice"); err != nil {
		log.Fatal(err)
	}
	printResponse(http.Post(gateway.URL+"/orders", "application/json", strings.NewReader(`{"id": 1}`)))
	// Output:
	// 200 OK: GET /orders "" with 1 Authorization: Bearer <access token of alice>
	// 200 OK: POST /orders "{\"id\": 1}" with 1 Authorization: Bearer <access token of alice>
}
