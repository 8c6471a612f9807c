// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"bufio"
	"context"
	"fmt"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// An automated test account with software-token MFA logs in unattended:
// the TOTP handler computes each code from the account's secret, and the
// remembered device spares the code on later logins in pools that allow it.
func ExampleTOTP() {
	auth, err := cognitosrp.New(cognitosrp.Options{
		Username:         os.Getenv("TEST_USER"),
		Password:         os.Getenv("TEST_PASSWORD"),
		UserPoolID:       "us-east-1_AbC123",
		ClientID:         "1example23456789",
		ChallengeHandler: cognitosrp.TOTP{Secret: os.Getenv("TEST_TOTP_SECRET")},
		Devices:          cognitosrp.RememberDevices(cognitosrp.NewFileDeviceStore("devices.json"), ""),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	client := &http.Client{Transport: auth}
	_ = client // client.Get("https://api.example.com/...") sends the access token
}

// A person answers the codes Cognito sends, and a first login sets a new
// password.
func ExampleChallengeHandlerFunc() {
	in := bufio.NewReader(os.Stdin)
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
		UserPoolID: "us-east-1_AbC123",
		ClientID:   "1example23456789",
		ChallengeHandler: cognitosrp.ChallengeHandlers{
			prompt,
			cognitosrp.NewPassword{Password: os.Getenv("NEW_PASSWORD"), Attributes: map[string]string{"name": "Jane Doe"}},
		},
	}, "jane@example.com")
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = sess // sess.Authenticate(ctx, password)
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
	if _, err := cognito.AddUser(cognitotest.User{Username: "bob", Password: "password", SMSMFA: true}); err != nil {
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
