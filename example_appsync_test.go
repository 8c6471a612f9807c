// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/gocognito/cognitosrp"
)

// AWS AppSync, with Cognito user pool authorization, answers a token it
// refuses (expired, of another pool, or sent after "Bearer ") with HTTP
// 401 and an UnauthorizedException in the GraphQL errors. The Auth renews
// the token and sends the POST once more, body and all: http.NewRequest
// sets GetBody for a bytes.Reader, bytes.Buffer or strings.Reader. A
// resolver's refusal comes in a 200 whose errors hold errorType
// "Unauthorized": no new token can help it, and the Auth passes it on
// untouched, without a renewal. Read the errors of every answer, whatever
// its status.
func ExampleAuth_RoundTrip_appSync() {
	cognito := startCognito(examplePoolID, exampleClientID)
	defer cognito.Close()

	// A stand-in for https://….appsync-api.….amazonaws.com/graphql on
	// which the first token it gets expires after its first answer: the
	// resolver's refusal comes first, while no renewal was forced (the
	// Auth forces at most one every 5 s, which would hide one after it).
	var mu sync.Mutex
	var first string
	var answered int
	appsync := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		token := r.Header.Get("Authorization")
		mu.Lock()
		if first == "" {
			first = token
		}
		refuse := token == first && answered > 0
		answered++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case refuse:
			fmt.Printf("AppSync: 401 to %s, body %s\n", describeCredential(token), body)
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"errors":[{"errorType":"UnauthorizedException","message":"Token has expired."}]}`)
		case bytes.Contains(body, []byte("adminOnly")):
			fmt.Printf("AppSync: 200 to %s, body %s\n", describeCredential(token), body)
			io.WriteString(w, `{"data":{"adminOnly":null},"errors":[{"path":["adminOnly"],"errorType":"Unauthorized","message":"Not Authorized to access adminOnly on type Query"}]}`)
		default:
			fmt.Printf("AppSync: 200 to %s, body %s\n", describeCredential(token), body)
			io.WriteString(w, `{"data":{"me":{"username":"alice"}}}`)
		}
	}))
	defer appsync.Close()

	opts := cognito.Options("user@example.com", "password")
	opts.Header, opts.HeaderPrefix = "Authorization", "" // bare: AppSync refuses "Bearer "
	auth, err := cognitosrp.New(opts)
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()
	client := auth.Client()

	for _, query := range []string{"{ adminOnly }", "{ me { username } }"} {
		body, err := json.Marshal(map[string]string{"query": query})
		if err != nil {
			log.Fatal(err)
		}
		req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, appsync.URL+"/graphql", bytes.NewReader(body))
		if err != nil {
			log.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		var answer struct {
			Data   json.RawMessage
			Errors []struct{ ErrorType, Message string }
		}
		err = json.NewDecoder(resp.Body).Decode(&answer)
		resp.Body.Close()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("client: %d, data %s, errors %v\n", resp.StatusCode, answer.Data, answer.Errors)
	}
	// Each login makes one InitiateAuth call, each renewal one more.
	fmt.Println("logins:", cognito.Calls("RespondToAuthChallenge"), "renewals:", cognito.Calls("InitiateAuth")-cognito.Calls("RespondToAuthChallenge"))
	// Output:
	// AppSync: 200 to <access token of alice>, body {"query":"{ adminOnly }"}
	// client: 200, data {"adminOnly":null}, errors [{Unauthorized Not Authorized to access adminOnly on type Query}]
	// AppSync: 401 to <access token of alice>, body {"query":"{ me { username } }"}
	// AppSync: 200 to <access token of alice>, body {"query":"{ me { username } }"}
	// client: 200, data {"me":{"username":"alice"}}, errors []
	// logins: 1 renewals: 1
}

// An API Gateway REST API with a Cognito user pool authorizer takes the
// id token on a method that lists no OAuth scopes, and otherwise an access
// token that holds one of the method's scopes. The access token of a
// login through InitiateAuth, as this package's, holds one scope,
// aws.cognito.signin.user.admin: custom scopes come from Cognito's OAuth
// 2.0 endpoints, or from a pre token generation trigger. A token of the
// wrong type gets 401 {"message":"Unauthorized"}; the Auth renews the
// token and retries once, in vain, and hands that 401 on (its Logger
// warns, once, that the API refuses renewed tokens too). An expired token
// gets 401 {"message":"The incoming token has expired"}, which the renewal
// mends.
func ExampleTokenType_apiGateway() {
	cognito := startCognito(examplePoolID, exampleClientID)
	defer cognito.Close()

	// A stand-in for a method without scopes, which takes the first id
	// token it gets for an expired one.
	var mu sync.Mutex
	var expired string
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		if _, err := cognito.VerifyIDToken(token); err != nil {
			fmt.Printf("gateway: 401 Unauthorized to %s\n", describeCredential(token))
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"message":"Unauthorized"}`)
			return
		}
		mu.Lock()
		if expired == "" {
			expired = token
		}
		refuse := token == expired
		mu.Unlock()
		if refuse {
			fmt.Printf("gateway: 401 expired to %s\n", describeCredential(token))
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"message":"The incoming token has expired"}`)
			return
		}
		fmt.Printf("gateway: 200 to %s\n", describeCredential(token))
		io.WriteString(w, `{"items":[]}`)
	}))
	defer gateway.Close()

	for _, typ := range []cognitosrp.TokenType{cognitosrp.AccessToken, cognitosrp.IDToken} {
		opts := cognito.Options("user@example.com", "password")
		opts.Header, opts.HeaderPrefix, opts.TokenType = "Authorization", "", typ
		auth, err := cognitosrp.New(opts)
		if err != nil {
			log.Fatal(err)
		}
		printResponse(auth.Client().Get(gateway.URL + "/items"))
		fmt.Println()
		if typ == cognitosrp.AccessToken {
			token, err := auth.Token(context.Background())
			if err != nil {
				log.Fatal(err)
			}
			claims, err := cognitosrp.ParseUnverified(token)
			if err != nil {
				log.Fatal(err)
			}
			fmt.Println("access token scopes:", strings.Join(claims.Scopes(), " "))
		}
		auth.Close()
	}
	// Output:
	// gateway: 401 Unauthorized to <access token of alice>
	// gateway: 401 Unauthorized to <access token of alice>
	// 401 Unauthorized: {"message":"Unauthorized"}
	// access token scopes: aws.cognito.signin.user.admin
	// gateway: 401 expired to <id token of alice>
	// gateway: 200 to <id token of alice>
	// 200 OK: {"items":[]}
}
