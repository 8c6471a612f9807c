// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

//go:build ignore

// Shortsession serves a pool like `cognito-srp emulate -users FILE` whose
// challenge Sessions last one second (Config.SessionLifetime, which the
// command does not set; Cognito's are three minutes or more), so that
// login.js sees an expired Session's error without waiting. login.js
// builds it with go build; it is no part of the module's packages.
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/gocognito/cognitosrp/cognitotest"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: shortsession USERS.json")
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	var users []cognitotest.User
	if err := json.Unmarshal(data, &users); err != nil {
		log.Fatal(err)
	}
	srv, err := cognitotest.NewUnstartedServer(cognitotest.Config{SessionLifetime: time.Second})
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
	fmt.Printf("export COGNITO_ENDPOINT=%s COGNITO_USER_POOL_ID=%s COGNITO_CLIENT_ID=%s\n", srv.Endpoint(), srv.PoolID(), srv.ClientID())
	select {} // until login.js ends it with SIGINT
}
