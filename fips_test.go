// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// rfcTOTPSecret is RFC 6238's 160-bit key, "12345678901234567890", in base32.
const rfcTOTPSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

// fipsSecret is as long as the app client secrets Cognito generates: FIPS
// 140-only mode refuses HMAC keys under 112 bits, which only a made-up
// secret is.
const fipsSecret = "1q2w3e4r5t6y7u8i9o0p1a2s3d4f5g6h7j8k9l0z1x2c3v4b5n6"

// TestFIPS140Only runs the library in a process in FIPS 140-only mode
// (GODEBUG=fips140=only), where crypto/hmac panics on SHA-1 and on short
// keys, crypto/sha1 fails and crypto/rsa refuses small keys. A service
// under a FIPS mandate runs so. There, an SRP login with SECRET_HASH,
// device SRP, renewals and token verification must work as anywhere, and
// what the mode forbids (TOTP's HMAC-SHA-1, a short client secret) must
// be an error matching errors.ErrUnsupported, never a panic of the
// caller's process.
func TestFIPS140Only(t *testing.T) {
	t.Parallel() // waits seconds for its child
	if !cognitosrp.InChildProcess(t, "GODEBUG="+strings.Trim(os.Getenv("GODEBUG")+",fips140=only", ",")) {
		return
	}
	if !panics(func() { hmac.New(sha1.New, make([]byte, 20)) }) {
		t.Fatal("crypto/hmac takes SHA-1: the child is not in FIPS 140-only mode")
	}

	// What the mode forbids fails as an error.
	if _, err := (cognitosrp.TOTP{Secret: rfcTOTPSecret}).Code(time.Now()); !errors.Is(err, errors.ErrUnsupported) || !strings.Contains(err.Error(), "SHA-1") {
		t.Errorf("TOTP.Code: %v, want an error matching errors.ErrUnsupported that names SHA-1", err)
	}
	cfg := cognitosrp.Config{UserPoolID: cognitotest.DefaultPoolID, ClientID: cognitotest.DefaultClientID, ClientSecret: "s3cr3t"}
	if _, err := cognitosrp.NewSession(cfg, "alice"); !errors.Is(err, cognitosrp.ErrConfig) || !errors.Is(err, errors.ErrUnsupported) ||
		strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("NewSession with a 48-bit client secret: %v, want ErrConfig and errors.ErrUnsupported, without the secret", err)
	}

	if _, err := cognitotest.NewUnstartedServer(cognitotest.Config{ClientSecret: "s3cr3t"}); !errors.Is(err, cognitotest.ErrConfig) {
		t.Errorf("an emulator with a 48-bit client secret: %v, want cognitotest.ErrConfig", err)
	}

	// What it allows works: a login with SECRET_HASH that remembers a
	// device, a renewal with the device's key, a login by device SRP.
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true, ClientSecret: fipsSecret})
	u, err := srv.AddUser(cognitotest.User{Username: "alice", Password: emuPassword, SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}})
	if err != nil {
		t.Fatal(err)
	}
	codes := 0
	opts := srv.Options("alice", emuPassword)
	opts.Devices = cognitosrp.RememberDevices(new(cognitosrp.MemoryDeviceStore), "fips runner")
	opts.ChallengeHandler = cognitosrp.ChallengeHandlerFunc(func(ctx context.Context, c *cognitosrp.Challenge) (*cognitosrp.ChallengeAnswer, error) {
		codes++
		return &cognitosrp.ChallengeAnswer{Answer: cognitotest.DefaultMFACode}, nil
	})
	a, err := cognitosrp.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	api := httptest.NewServer(srv.RequireAccessToken(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
	defer api.Close()
	get := func(step string) {
		t.Helper()
		resp, err := a.Client().Get(api.URL)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: the API answered %s", step, resp.Status)
		}
	}
	get("password login")
	if err := a.Session().Refresh(t.Context()); err != nil {
		t.Fatalf("renewal with the device key: %v", err)
	}
	a.Session().SetTokens(nil)
	get("device login")
	if codes != 1 || srv.Calls("ConfirmDevice") != 1 {
		t.Errorf("%d codes and %d confirmations; want one of each (the second login by device SRP)", codes, srv.Calls("ConfirmDevice"))
	}

	// The library's own check of the tokens (RSA PKCS #1 v1.5, SHA-256).
	v, err := cognitosrp.NewVerifier(srv.VerifierConfig())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := a.Session().ValidTokens(t.Context(), cognitosrp.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := v.Verify(t.Context(), tok.AccessToken); err != nil || c.Subject != u.Sub {
		t.Errorf("Verify: %v, %v; want the claims of %s", c, err, u.Sub)
	}

	// A login that needs a TOTP code fails with the mode's error.
	if _, err := srv.AddUser(cognitotest.User{Username: "bob", Password: emuPassword, SoftwareTokenMFA: true}); err != nil {
		t.Fatal(err)
	}
	bobCfg := srv.SessionConfig()
	bobCfg.ChallengeHandler = cognitosrp.TOTP{Secret: rfcTOTPSecret}
	s, err := cognitosrp.NewSession(bobCfg, "bob")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Authenticate(t.Context(), emuPassword); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("a TOTP login: %v, want an error matching errors.ErrUnsupported", err)
	}
}

// panics reports whether f panics.
func panics(f func()) (p bool) {
	defer func() { p = recover() != nil }()
	f()
	return false
}
