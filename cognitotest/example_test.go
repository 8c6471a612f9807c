// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// In a test, NewServer(t, cfg) starts the pool and closes it when the test
// ends. Outside one (here, in examples), NewUnstartedServer and Start do.
func startPool(cfg cognitotest.Config, users ...cognitotest.User) *cognitotest.Server {
	srv, err := cognitotest.NewUnstartedServer(cfg)
	if err != nil {
		log.Fatal(err)
	}
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

// An API behind Cognito, tested end to end: the client logs in with SRP
// against the emulated pool, and the API accepts only access tokens the
// pool signed (RequireAccessToken), as an API Gateway authorizer would.
func Example() {
	srv := startPool(cognitotest.Config{}, cognitotest.User{Username: "alice", Password: "correct horse"})
	defer srv.Close()
	api := httptest.NewServer(srv.RequireAccessToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		claims, _ := cognitotest.ClaimsFromContext(r.Context())
		fmt.Fprintf(w, "hello %s", claims.Username)
	})))
	defer api.Close()

	auth, err := cognitosrp.New(srv.Options("alice", "correct horse"))
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()
	resp, err := auth.Client().Get(api.URL)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.Status, string(body))

	// Without a token, the API refuses.
	resp, err = http.Get(api.URL)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.Status)
	fmt.Println("SRP logins:", srv.Calls("RespondToAuthChallenge"))
	// Output:
	// 200 OK hello alice
	// 401 Unauthorized
	// SRP logins: 1
}

// FailNext makes the next calls of an action fail as Cognito fails under
// load; the library retries such failures with backoff, so the login
// still succeeds, one call later.
func ExampleServer_FailNext() {
	srv := startPool(cognitotest.Config{}, cognitotest.User{Username: "alice", Password: "correct horse"})
	defer srv.Close()
	srv.FailNext(1, cognitotest.FaultTooManyRequests, "InitiateAuth")

	sess, err := cognitosrp.NewSession(srv.SessionConfig(), "alice")
	if err != nil {
		log.Fatal(err)
	}
	defer sess.Close()
	err = sess.Authenticate(context.Background(), "correct horse")
	fmt.Println("logged in:", err == nil)
	fmt.Println("InitiateAuth calls:", srv.Calls("InitiateAuth"))

	// A wrong password is refused as Cognito refuses it, and not retried.
	err = sess.Authenticate(context.Background(), "wrong")
	var ae *cognitosrp.APIError
	fmt.Println(errors.As(err, &ae) && ae.Type == "NotAuthorizedException")
	fmt.Println("InitiateAuth calls:", srv.Calls("InitiateAuth"))
	// Output:
	// logged in: true
	// InitiateAuth calls: 2
	// true
	// InitiateAuth calls: 3
}

// IssueTokens hands out a user's tokens without a login, for tests of code
// that only consumes them; VerifyAccessToken checks a token as an API
// would.
func ExampleServer_IssueTokens() {
	srv := startPool(cognitotest.Config{}, cognitotest.User{Username: "alice", Password: "correct horse"})
	defer srv.Close()
	res, err := srv.IssueTokens("alice")
	if err != nil {
		log.Fatal(err)
	}
	claims, err := srv.VerifyAccessToken(res.AccessToken)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(claims.Username, claims.TokenUse, claims.ClientID == srv.ClientID())
	_, err = srv.VerifyAccessToken(res.IdToken)
	fmt.Println(errors.Is(err, cognitotest.ErrInvalidToken))
	// Output:
	// alice access true
	// true
}
