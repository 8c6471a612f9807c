// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
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

// A desktop program keeps no password. Each run starts from the tokens in
// its file, renewed as needed, and asks for the password only when
// ValidTokens says that the session must log in again: no tokens yet, a
// dead refresh token, or a sign-out. The first login asks for the code of
// the user's authenticator app and confirms the device; later logins prove
// the device instead. (In a pool with device tracking, Devices is also
// what lets the tokens renew: see Config.Devices.)
func ExampleErrLoginRequired() {
	const totpSecret = "JBSWY3DPEHPK3PXP" // in the user's authenticator app
	cognito, err := cognitotest.NewUnstartedServer(cognitotest.Config{
		PoolID: examplePoolID, ClientID: exampleClientID, DeviceTracking: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := cognito.AddUser(cognitotest.User{Username: "bob", Password: "bob password", TOTPSecret: totpSecret}); err != nil {
		log.Fatal(err)
	}
	if err := cognito.Start(); err != nil {
		log.Fatal(err)
	}
	defer cognito.Close()
	dir, err := os.MkdirTemp("", "desktop")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// ask stands for a prompt on the terminal, where the person reads the
	// code off the app; a real program reads os.Stdin.
	ask := func(prompt string) string {
		fmt.Println(prompt)
		if prompt == "Password:" {
			return "bob password"
		}
		code, _ := cognitosrp.TOTP{Secret: totpSecret}.Code(time.Now())
		return code
	}
	run := func(signOut bool) {
		sess, err := cognitosrp.NewSession(cognitosrp.Config{
			UserPoolID: examplePoolID,
			ClientID:   exampleClientID,
			Endpoint:   cognito.Endpoint(), // the emulator; leave empty for AWS
			Store:      cognitosrp.NewFileStore(filepath.Join(dir, "tokens.json")),
			Devices:    cognitosrp.RememberDevices(cognitosrp.NewFileDeviceStore(filepath.Join(dir, "devices.json")), "my laptop"),
			ChallengeHandler: cognitosrp.ChallengeHandlerFunc(func(ctx context.Context, c *cognitosrp.Challenge) (*cognitosrp.ChallengeAnswer, error) {
				if c.Name != cognitosrp.ChallengeSoftwareTokenMFA {
					return nil, nil // decline: the login fails with a *ChallengeError
				}
				return &cognitosrp.ChallengeAnswer{Answer: ask("Authenticator code:")}, nil
			}),
		}, "bob")
		if err != nil {
			log.Fatal(err)
		}
		defer sess.Close() // waits for the save of a renewal
		ctx := context.Background()
		tokens, err := sess.ValidTokens(ctx, cognitosrp.AccessToken)
		if errors.Is(err, cognitosrp.ErrLoginRequired) {
			// Authenticate's ctx alone bounds the wait for the person.
			err = sess.Authenticate(ctx, ask("Password:"))
			tokens = sess.Tokens()
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("signed in as", tokens.Username)
		if signOut {
			if err := sess.SignOut(ctx); err != nil {
				log.Fatal(err)
			}
			fmt.Println("signed out")
		}
	}
	run(false) // the first run logs in
	run(false) // the next runs start from the file
	run(true)
	run(false) // the device spares the code
	// Output:
	// Password:
	// Authenticator code:
	// signed in as bob
	// signed in as bob
	// signed in as bob
	// signed out
	// Password:
	// signed in as bob
}

// A password rotated in a secret store while the program runs: an Auth
// keeps the password it was given, and logs in with it once the refresh
// token dies, so it must be replaced. A new Auth with the new password
// takes over the old one's tokens: the rotation costs no login, and the
// old password is never tried again. In a program that holds many
// (a gateway's, per tenant), put the new one in place of the old once it
// has the tokens: requests that still hold the closed one are sent with
// the current token while it is valid.
func ExampleSession_SetTokens_passwordRotation() {
	cognito, err := cognitotest.NewUnstartedServer(cognitotest.Config{
		PoolID: examplePoolID, ClientID: exampleClientID,
		RefreshTokenRotation: true, RefreshTokenLifetime: 90 * time.Minute,
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := cognito.AddUser(cognitotest.User{Username: "svc", Password: "first password"}); err != nil {
		log.Fatal(err)
	}
	if err := cognito.Start(); err != nil {
		log.Fatal(err)
	}
	defer cognito.Close()
	options := func(password string) cognitosrp.Options {
		o := cognito.Options("svc", password)
		o.Now = cognito.Now // the emulator's clock, which Advance moves
		return o
	}
	ctx := context.Background()
	auth, err := cognitosrp.New(options("first password"))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := auth.Token(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println("logins:", cognito.Calls("RespondToAuthChallenge"))

	// The secret store and Cognito have the new password.
	if err := cognito.SetPassword("svc", "second password"); err != nil {
		log.Fatal(err)
	}
	next, err := cognitosrp.New(options("second password"))
	if err != nil {
		log.Fatal(err)
	}
	// Close first: it waits for a renewal in progress, whose tokens (with
	// rotation, a new refresh token) Tokens then returns.
	auth.Close()
	next.Session().SetTokens(auth.Session().Tokens())
	auth = next
	defer auth.Close()
	if _, err := auth.Token(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println("logins after the rotation:", cognito.Calls("RespondToAuthChallenge"))

	// Two hours on, the refresh token has expired: the session logs in
	// with the new password.
	cognito.Advance(2 * time.Hour)
	if _, err := auth.Token(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Println("logins once the refresh token expired:", cognito.Calls("RespondToAuthChallenge"))
	// Output:
	// logins: 1
	// logins after the rotation: 1
	// logins once the refresh token expired: 2
}
