// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/gocognito/cognitosrp"
)

// claimsKey is the context key of the claims RequireAccessToken stores.
type claimsKey struct{}

// RequireAccessToken returns a handler that serves next only for requests
// with "Authorization: Bearer <access token>" that VerifyAccessToken
// accepts; the token's claims are in the request's context (see
// ClaimsFromContext). Other requests get 401 with a WWW-Authenticate
// header, as a resource server behind Cognito answers. Revoked tokens are
// refused too, which an API that checks tokens with cognitosrp.Verifier
// does not do: test such an API with a Verifier of VerifierConfig instead.
func (s *Server) RequireAccessToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "Bearer") || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="`+s.cfg.PoolID+`"`)
			http.Error(w, "missing bearer token", http.StatusUnauthorized)
			return
		}
		claims, err := s.VerifyAccessToken(token)
		if err != nil {
			desc := "invalid token"
			if errors.Is(err, ErrTokenExpired) {
				desc = "token expired"
			} else if errors.Is(err, ErrTokenRevoked) {
				desc = "token revoked"
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="`+s.cfg.PoolID+`", error="invalid_token", error_description="`+desc+`"`)
			http.Error(w, desc, http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), claimsKey{}, claims)))
	})
}

// ClaimsFromContext returns the access token claims that RequireAccessToken
// verified for a request.
func ClaimsFromContext(ctx context.Context) (*cognitosrp.Claims, bool) {
	c, ok := ctx.Value(claimsKey{}).(*cognitosrp.Claims)
	return c, ok
}
