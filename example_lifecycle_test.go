// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"log"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/gocognito/cognitosrp"
)

// A long-running client: tokens survive restarts in a private file, are
// renewed in the background before they expire, and every renewal is
// logged without a secret.
func ExampleFileStore() {
	cache, err := os.UserCacheDir()
	if err != nil {
		log.Fatal(err)
	}
	auth, err := cognitosrp.New(cognitosrp.Options{
		Username:   "alice@example.com",
		Password:   os.Getenv("COGNITO_PASSWORD"),
		UserPoolID: "us-east-1_AbC123",
		ClientID:   "1example23456789",
		Store:      cognitosrp.NewFileStore(filepath.Join(cache, "myapp", "tokens.json")),
		Logger:     slog.Default(),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close() // ends a renewal in progress

	resp, err := auth.Client().Get("https://api.example.com/items")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
}

// An app client with refresh-token rotation renews with
// GetTokensFromRefreshToken; OnTokens sees each new refresh token.
func ExampleRefreshMethod() {
	sess, err := cognitosrp.NewSession(cognitosrp.Config{
		UserPoolID:    "us-east-1_AbC123",
		ClientID:      "1example23456789",
		RefreshMethod: cognitosrp.RefreshWithGetTokens,
		OnTokens: func(t *cognitosrp.Tokens) {
			if t == nil {
				log.Print("signed out")
				return
			}
			log.Printf("tokens renewed, valid until %v", t.AccessExpiry)
		},
	}, "alice@example.com")
	if err != nil {
		log.Fatal(err)
	}
	defer sess.Close()
	ctx := context.Background()
	if err := sess.Authenticate(ctx, os.Getenv("COGNITO_PASSWORD")); err != nil {
		log.Fatal(err)
	}
	// … use sess.ValidTokens(ctx, cognitosrp.AccessToken) …
	if err := sess.SignOut(ctx); err != nil {
		log.Print(err)
	}
}
