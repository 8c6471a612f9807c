// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"errors"
	"log/slog"
	"net/http"
	"reflect"
	"testing"
	"time"
)

// TestOptionsReachTheSession: each session setting of Options ("see
// Config.X") is what the session New builds runs with. The README's
// lifecycle example sets Store, RefreshMethod and RefreshAhead through
// Options; no test built an Auth so and looked, and dropping any of the
// three from sessionConfig passed every test.
func TestOptionsReachTheSession(t *testing.T) {
	v, err := NewVerifier(VerifierConfig{UserPoolID: testPoolID, ClientIDs: []string{testClientID}})
	if err != nil {
		t.Fatal(err)
	}
	// The session holds HTTPClient only as the function that sends with
	// it (apiClient), so it is known by what it does.
	sent := false
	opts := Options{
		Username: "alice", Password: "pw", UserPoolID: testPoolID, ClientID: testClientID,
		ClientSecret: "secret",
		Region:       "eu-west-1",
		Endpoint:     "http://127.0.0.1:1/",
		HTTPClient: &http.Client{Transport: RoundTripFunc(func(*http.Request) (*http.Response, error) {
			sent = true
			return nil, errors.New("not sent")
		})},
		ExpiryMargin:     7 * time.Second,
		RefreshAhead:     11 * time.Second,
		RefreshMethod:    RefreshWithGetTokens,
		FlightTimeout:    13 * time.Second,
		Store:            new(MemoryStore),
		OnTokens:         func(*Tokens) {},
		Logger:           slog.Default(),
		AuthFlow:         FlowCustomAuth,
		ChallengeHandler: TOTP{Secret: "JBSWY3DPEHPK3PXP"},
		Devices:          RememberDevices(nil, ""),
		Verifier:         v,
		Retry:            RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond},
		Now:              func() time.Time { return time.Now() },
	}
	a, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	s := a.Session()
	if s.store != opts.Store {
		t.Error("Options.Store is not the session's store")
	}
	req, err := http.NewRequest(http.MethodPost, opts.Endpoint, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = s.api.send(req) // the transport answers with an error
	if !sent || s.api.retry.MaxAttempts != opts.Retry.MaxAttempts {
		t.Error("Options.HTTPClient or Retry does not reach the session's Cognito client")
	}
	// Every field of Options that Config has too, by name.
	cfg, o := reflect.ValueOf(s.cfg), reflect.ValueOf(opts)
	for i := range o.NumField() {
		name := o.Type().Field(i).Name
		c := cfg.FieldByName(name)
		if !c.IsValid() || name == "UserPoolID" || name == "ClientID" {
			continue
		}
		got, want := c.Interface(), o.Field(i).Interface()
		if c.Kind() == reflect.Func {
			got, want = c.Pointer(), o.Field(i).Pointer()
		}
		if c.Kind() == reflect.Struct { // RetryPolicy: its Jitter is nil on both sides
			got, want = c.FieldByName("MaxAttempts").Interface(), o.Field(i).FieldByName("MaxAttempts").Interface()
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Options.%s = %v does not reach the session (Config.%s = %v)", name, want, name, got)
		}
	}
	if s.password != opts.Password {
		t.Error("Options.Password is not the session's password")
	}
}

// TestOptionsSessionAndEachSetting: New refuses a Session given with any
// session setting of Options (each "see Config.X"), which that Session
// would ignore. The check looks at the settings copy of the Config those
// fields make, which holds all of Config but HTTPClient (held as a send
// function), so HTTPClient is checked apart: dropping that check passed
// every test, an Options.HTTPClient beside a Session then being ignored
// without a word.
func TestOptionsSessionAndEachSetting(t *testing.T) {
	sess, err := NewSession(Config{UserPoolID: testPoolID, ClientID: testClientID}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	ot, ct := reflect.TypeFor[Options](), reflect.TypeFor[Config]()
	for i := range ot.NumField() {
		f := ot.Field(i)
		if _, ok := ct.FieldByName(f.Name); !ok {
			continue
		}
		opts := Options{Session: sess}
		reflect.ValueOf(&opts).Elem().Field(i).Set(nonZeroValue(t, f.Type))
		if a, err := New(opts); !errors.Is(err, ErrConfig) {
			if a != nil {
				a.Close()
			}
			t.Errorf("New with a Session and Options.%s: %v, want ErrConfig", f.Name, err)
		}
	}
}
