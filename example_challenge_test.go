// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// An automated test account with software-token MFA logs in unattended:
// the TOTP handler computes each code from the account's secret (the one
// AssociateSoftwareToken returned, here from the environment of a CI job).
// RememberDevices (see its example) spares the code on later logins in
// pools that allow it.
func ExampleTOTP() {
	const totpSecret = "JBSWY3DPEHPK3PXP" // os.Getenv("TEST_TOTP_SECRET")
	cognito := startCognito(examplePoolID, exampleClientID,
		cognitotest.User{Username: "ci-bot", Password: "bot password", TOTPSecret: totpSecret})
	defer cognito.Close()
	api := newEchoAPI()
	defer api.Close()

	auth, err := cognitosrp.New(cognitosrp.Options{
		Username:         "ci-bot",       // os.Getenv("TEST_USER")
		Password:         "bot password", // os.Getenv("TEST_PASSWORD")
		UserPoolID:       examplePoolID,
		ClientID:         exampleClientID,
		Endpoint:         cognito.Endpoint(), // the emulator; leave empty for AWS
		ChallengeHandler: cognitosrp.TOTP{Secret: totpSecret},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer auth.Close()
	printResponse(auth.Client().Get(api.URL + "/builds"))
	fmt.Println("challenges answered:", cognito.Calls("RespondToAuthChallenge")-1) // the first answers the password verifier
	// Output:
	// 200 OK: GET /builds with Authorization: Bearer <access token of ci-bot>
	// challenges answered: 1
}

// A person answers the codes Cognito sends, and a first login sets a new
// password.
func ExampleChallengeHandlerFunc() {
	cognito := startCognito(examplePoolID, exampleClientID, cognitotest.User{
		Username: "jane", Aliases: []string{"jane@example.com"}, Password: "temporary password",
		ForceNewPassword: true, RequiredAttributes: []string{"name"},
		SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550123"},
	})
	defer cognito.Close()
	// The person at the terminal types the code the SMS brought, which the
	// terminal echoes. A real program reads os.Stdin.
	typed := strings.NewReader(cognitotest.DefaultMFACode + "\n")
	in := bufio.NewReader(io.TeeReader(typed, os.Stdout))

	prompt := cognitosrp.ChallengeHandlerFunc(func(ctx context.Context, c *cognitosrp.Challenge) (*cognitosrp.ChallengeAnswer, error) {
		switch c.Name {
		case cognitosrp.ChallengeSMSMFA, cognitosrp.ChallengeEmailOTP:
			fmt.Printf("Code sent by %s to %s: ", c.DeliveryMedium, c.DeliveryDestination)
			code, err := in.ReadString('\n')
			return &cognitosrp.ChallengeAnswer{Answer: strings.TrimSpace(code)}, err
		}
		return nil, nil // decline: the login fails with a *ChallengeError
	})
	sess, err := cognitosrp.NewSession(cognitosrp.Config{
		UserPoolID: examplePoolID,
		ClientID:   exampleClientID,
		Endpoint:   cognito.Endpoint(), // the emulator; leave empty for AWS
		ChallengeHandler: cognitosrp.ChallengeHandlers{
			prompt,
			cognitosrp.NewPassword{Password: "new password", Attributes: map[string]string{"name": "Jane Doe"}}, // os.Getenv("NEW_PASSWORD")
		},
	}, "jane@example.com")
	if err != nil {
		log.Fatal(err)
	}
	defer sess.Close()
	if err := sess.Authenticate(context.Background(), "temporary password"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("logged in as", sess.Tokens().Username)
	// Output:
	// Code sent by SMS to +*******0123: 123456
	// logged in as jane
}

// In a pool with device tracking and SMS MFA, the first run asks for the
// code once and confirms the device; the next runs find the device in the
// file and prove it with device SRP instead of a code.
func ExampleRememberDevices() {
	cognito, err := cognitotest.NewUnstartedServer(cognitotest.Config{
		PoolID: examplePoolID, ClientID: exampleClientID, DeviceTracking: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := cognito.AddUser(cognitotest.User{Username: "bob", Password: "password", SMSMFA: true,
		Attributes: map[string]string{"phone_number": "+15555550100"}}); err != nil {
		log.Fatal(err)
	}
	if err := cognito.Start(); err != nil {
		log.Fatal(err)
	}
	defer cognito.Close()
	api := newEchoAPI()
	defer api.Close()
	dir, err := os.MkdirTemp("", "devices")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	codes := 0
	askCode := cognitosrp.ChallengeHandlerFunc(func(ctx context.Context, c *cognitosrp.Challenge) (*cognitosrp.ChallengeAnswer, error) {
		codes++ // a person would read the SMS here
		return &cognitosrp.ChallengeAnswer{Answer: cognitotest.DefaultMFACode}, nil
	})
	for run := 1; run <= 3; run++ {
		auth, err := cognitosrp.New(cognitosrp.Options{
			Username:         "bob",
			Password:         "password",
			UserPoolID:       examplePoolID,
			ClientID:         exampleClientID,
			Endpoint:         cognito.Endpoint(), // the emulator; leave empty for AWS
			ChallengeHandler: askCode,
			Devices:          cognitosrp.RememberDevices(cognitosrp.NewFileDeviceStore(filepath.Join(dir, "devices.json")), "build agent"),
		})
		if err != nil {
			log.Fatal(err)
		}
		printResponse(auth.Client().Get(api.URL + "/builds"))
		auth.Close()
	}
	devices := cognito.Devices("bob")
	fmt.Printf("SMS codes: %d; devices: %d, named %q\n", codes, len(devices), devices[0].Name)
	// Output:
	// 200 OK: GET /builds with Authorization: Bearer <access token of bob>
	// 200 OK: GET /builds with Authorization: Bearer <access token of bob>
	// 200 OK: GET /builds with Authorization: Bearer <access token of bob>
	// SMS codes: 1; devices: 1, named "build agent"
}
