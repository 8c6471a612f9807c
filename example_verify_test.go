// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log"
	"net/http"
	"slices"
	"strings"

	"github.com/gocognito/cognitosrp"
)

// claimsKey is the context key under which the middleware below stores the
// verified claims.
type claimsKey struct{}

// requireToken is an http.Handler middleware for a server that receives
// Cognito access tokens: it lets a request through only with a valid token,
// and hands the verified claims to the next handler in the context.
func requireToken(v *cognitosrp.Verifier, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The scheme is case-insensitive (RFC 9110, section 11.1).
		scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			w.Header().Set("WWW-Authenticate", `Bearer`)
			http.Error(w, "missing bearer token", http.StatusUnauthorized)
			return
		}
		claims, err := v.Verify(r.Context(), token)
		switch {
		case errors.Is(err, cognitosrp.ErrKeySetUnavailable):
			// Not the client's fault: the pool's keys could not be fetched.
			http.Error(w, "cannot check tokens right now", http.StatusServiceUnavailable)
			return
		case err != nil:
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			http.Error(w, "invalid token", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), claimsKey{}, claims)))
	})
}

// A server verifies the access tokens that clients send, with the pool's
// keys fetched from its JWKS and cached.
func ExampleVerifier_middleware() {
	v, err := cognitosrp.NewVerifier(cognitosrp.VerifierConfig{
		UserPoolID: "us-east-1_AbC123",
		ClientIDs:  []string{"1example23456789"},
		TokenUse:   "access",
	})
	if err != nil {
		log.Fatal(err)
	}
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		claims := r.Context().Value(claimsKey{}).(*cognitosrp.Claims)
		w.Write([]byte("hello, " + claims.Username + "\n"))
	})
	mux := http.NewServeMux()
	mux.Handle("/hello", requireToken(v, hello))
	_ = mux // http.ListenAndServe(":8080", mux)
}

// Groups and Scopes read the claims an API most often authorizes by. An
// API takes them from Verify's claims, never from ParseUnverified's: the
// token here is made up, with no signature.
func ExampleClaims_Groups() {
	payload := `{"token_use":"access","cognito:groups":["admins","staff"],"scope":"aws.cognito.signin.user.admin"}`
	claims, err := cognitosrp.ParseUnverified("e30." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2ln")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(claims.Groups(), slices.Contains(claims.Groups(), "admins"))
	fmt.Println(claims.Scopes())
	// Output:
	// [admins staff] true
	// [aws.cognito.signin.user.admin]
}
