// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

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

// Users with a second factor or a temporary password, as a test suite
// needs them: a TOTP user logs in unattended (cognitosrp.TOTP computes the
// code from the secret the user was given), and an administrator-created
// user sets a new password at the first login (cognitosrp.NewPassword),
// which the Auth logs in with from then on.
func ExampleUser() {
	const totpSecret = "JBSWY3DPEHPK3PXP" // base32, as AssociateSoftwareToken returns it
	srv := startPool(cognitotest.Config{},
		cognitotest.User{Username: "bot", Password: "bot-password", TOTPSecret: totpSecret},
		cognitotest.User{Username: "newbie", Password: "temporary-1", ForceNewPassword: true, RequiredAttributes: []string{"name"}})
	defer srv.Close()
	api := httptest.NewServer(srv.RequireAccessToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		claims, _ := cognitotest.ClaimsFromContext(r.Context())
		fmt.Fprintf(w, "hello %s", claims.Username)
	})))
	defer api.Close()
	get := func(auth *cognitosrp.Auth) {
		resp, err := auth.Client().Get(api.URL)
		if err != nil {
			fmt.Println(err)
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		fmt.Println(resp.Status, string(body))
	}

	opts := srv.Options("bot", "bot-password")
	opts.ChallengeHandler = cognitosrp.TOTP{Secret: totpSecret}
	bot, err := cognitosrp.New(opts)
	if err != nil {
		log.Fatal(err)
	}
	defer bot.Close()
	get(bot)

	opts = srv.Options("newbie", "temporary-1")
	opts.ChallengeHandler = cognitosrp.NewPassword{Password: "permanent-2", Attributes: map[string]string{"name": "New Bie"}}
	newbie, err := cognitosrp.New(opts)
	if err != nil {
		log.Fatal(err)
	}
	defer newbie.Close()
	get(newbie)
	// Signed out by an administrator, the Auth logs in again, with the new
	// password.
	if err := srv.SignOut("newbie"); err != nil {
		log.Fatal(err)
	}
	get(newbie)
	u, _ := srv.User("newbie")
	fmt.Println(u.Attributes["name"], u.ForceNewPassword)

	// Without a handler, the login ends in a *ChallengeError naming the
	// challenge.
	plain, err := cognitosrp.New(srv.Options("bot", "bot-password"))
	if err != nil {
		log.Fatal(err)
	}
	defer plain.Close()
	_, err = plain.Token(context.Background())
	var ce *cognitosrp.ChallengeError
	fmt.Println(errors.As(err, &ce), ce.ChallengeName)
	// Output:
	// 200 OK hello bot
	// 200 OK hello newbie
	// 200 OK hello newbie
	// New Bie false
	// true SOFTWARE_TOKEN_MFA
}

// Advance lets tokens expire without waiting. It moves the emulator's
// clock only: a session on its own clock would go on sending the old
// token until the API refused it. Given the emulator's clock as Now, the
// session sees each token expire and renews it before the request, so
// the API never answers 401.
func ExampleServer_Advance() {
	srv := startPool(cognitotest.Config{}, cognitotest.User{Username: "alice", Password: "correct horse"})
	defer srv.Close()
	api := httptest.NewServer(srv.RequireAccessToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "ok")
	})))
	defer api.Close()

	cfg := srv.SessionConfig()
	cfg.Now = srv.Now
	sess, err := cognitosrp.NewSession(cfg, "alice")
	if err != nil {
		log.Fatal(err)
	}
	defer sess.Close()
	if err := sess.Authenticate(context.Background(), "correct horse"); err != nil {
		log.Fatal(err)
	}
	auth, err := cognitosrp.New(cognitosrp.Options{Session: sess})
	if err != nil {
		log.Fatal(err)
	}
	for range 3 {
		resp, err := auth.Client().Get(api.URL)
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		fmt.Println(resp.Status)
		srv.Advance(2 * time.Hour) // past the one-hour tokens
	}
	fmt.Println("renewals:", srv.Calls("InitiateAuth")-srv.Calls("RespondToAuthChallenge"))
	// Output:
	// 200 OK
	// 200 OK
	// 200 OK
	// renewals: 2
}

// An API of your own that checks tokens with cognitosrp.Verifier, tested
// against the emulated pool: VerifierConfig points the Verifier at the
// pool's issuer, key set, app client and clock. A token of another app
// client of the same pool comes from a second Server that shares the
// first one's Key, pool id and issuer (AWSIssuer): a Server of its own key
// would test only that the Verifier refuses unknown keys. The Verifier
// allows DefaultLeeway past exp, and cannot see revocation, which only
// Cognito knows: after SignOut the token verifies until it expires, while
// VerifyAccessToken, which consults the emulator's records, refuses it.
func ExampleServer_VerifierConfig() {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		log.Fatal(err)
	}
	alice := cognitotest.User{Username: "alice", Password: "correct horse"}
	srv := startPool(cognitotest.Config{Key: key, AWSIssuer: true}, alice)
	defer srv.Close()
	other := startPool(cognitotest.Config{Key: key, AWSIssuer: true, ClientID: "another-app-client"}, alice)
	defer other.Close()

	vcfg := srv.VerifierConfig() // in production: UserPoolID and ClientIDs
	vcfg.TokenUse = "access"
	v, err := cognitosrp.NewVerifier(vcfg)
	if err != nil {
		log.Fatal(err)
	}
	check := func(what, token string) {
		claims, err := v.Verify(context.Background(), token)
		switch {
		case err == nil:
			fmt.Println(what+": accepted,", claims.Username)
		case errors.Is(err, cognitosrp.ErrTokenExpired):
			fmt.Println(what + ": expired")
		case errors.Is(err, cognitosrp.ErrClaimMismatch):
			fmt.Println(what + ": not for this API")
		default:
			fmt.Println(what+":", err)
		}
	}

	mine, err := srv.IssueTokens("alice")
	if err != nil {
		log.Fatal(err)
	}
	theirs, err := other.IssueTokens("alice")
	if err != nil {
		log.Fatal(err)
	}
	check("access token", mine.AccessToken)
	check("id token", mine.IdToken)
	check("another app client's access token", theirs.AccessToken)

	if err := srv.SignOut("alice"); err != nil {
		log.Fatal(err)
	}
	check("after sign-out", mine.AccessToken)
	_, err = srv.VerifyAccessToken(mine.AccessToken)
	fmt.Println("emulator after sign-out: revoked", errors.Is(err, cognitotest.ErrTokenRevoked))

	srv.Advance(time.Hour + 30*time.Second) // past exp, within the leeway
	check("30 s after exp", mine.AccessToken)
	srv.Advance(time.Minute)
	check("90 s after exp", mine.AccessToken)
	// Output:
	// access token: accepted, alice
	// id token: not for this API
	// another app client's access token: not for this API
	// after sign-out: accepted, alice
	// emulator after sign-out: revoked true
	// 30 s after exp: accepted, alice
	// 90 s after exp: expired
}
