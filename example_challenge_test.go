// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/gocognito/cognitosrp"
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
		RememberDevice:   true,
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
