// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// secret is the marker every secret field holds in these tests.
const secret = "S3CR3T-marker"

// secretHolders returns a value of every type that holds a secret, each
// with secret in every secret field.
func secretHolders(t *testing.T) map[string]any {
	srp, err := newSRPFromPrivate("pool", new(big.Int).SetBytes([]byte(secret)))
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{UserPoolID: testPoolID, ClientID: testClientID, ClientSecret: secret}
	sess, err := NewSession(cfg, "user")
	if err != nil {
		t.Fatal(err)
	}
	sess.password = secret
	tokens := Tokens{AccessToken: secret, IDToken: secret, RefreshToken: secret}
	sess.SetTokens(&tokens)
	opts := Options{Username: "u", Password: secret, UserPoolID: testPoolID, ClientID: testClientID, ClientSecret: secret}
	auth, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	res := AuthenticationResult{AccessToken: secret, IdToken: secret, RefreshToken: secret}
	params := map[string]string{"PASSWORD_CLAIM_SIGNATURE": secret, "REFRESH_TOKEN": secret, "NEW_PASSWORD": secret}
	return map[string]any{
		"Config":                          cfg,
		"*Config":                         &cfg,
		"Options":                         opts,
		"*Session":                        sess,
		"*Auth":                           auth,
		"Tokens":                          tokens,
		"*Tokens":                         &tokens,
		"AuthenticationResult":            res,
		"*SRP":                            srp,
		"*ChallengeError":                 &ChallengeError{ChallengeName: "MFA_SETUP", Parameters: params, Session: secret},
		"ChallengeError":                  ChallengeError{ChallengeName: "MFA_SETUP", Parameters: params, Session: secret},
		"InitiateAuthInput":               InitiateAuthInput{AuthFlow: FlowRefreshTokenAuth, AuthParameters: params},
		"RespondToAuthChallengeInput":     &RespondToAuthChallengeInput{ChallengeResponses: params, Session: secret},
		"AuthOutput":                      AuthOutput{AuthenticationResult: &res, Session: secret, ChallengeParameters: params},
		"PasswordClaim":                   &PasswordClaim{Signature: secret, SecretBlock: secret},
		"PasswordChallenge":               PasswordChallenge{UserIDForSRP: "u", SRPB: secret, Salt: secret, SecretBlock: secret},
		"*PasswordChallenge":              &PasswordChallenge{SecretBlock: secret},
		"GetTokensFromRefreshTokenInput":  GetTokensFromRefreshTokenInput{RefreshToken: secret, ClientSecret: secret},
		"GetTokensFromRefreshTokenOutput": &GetTokensFromRefreshTokenOutput{AuthenticationResult: &res},
		"RevokeTokenInput":                RevokeTokenInput{Token: secret, ClientSecret: secret},
		"GlobalSignOutInput":              GlobalSignOutInput{AccessToken: secret},
		"MemoryStore":                     memoryStoreWith(t, &tokens),
		"Device":                          Device{Key: "k", GroupKey: "g", Password: secret},
		"*Device":                         &Device{Key: "k", GroupKey: "g", Password: secret},
		"ChallengeAnswer":                 ChallengeAnswer{Answer: secret, UserAttributes: params, Responses: params},
		"NewPassword":                     NewPassword{Password: secret, Attributes: params},
		"TOTP":                            TOTP{Secret: secret},
		"ConfirmDeviceInput":              ConfirmDeviceInput{AccessToken: secret, DeviceKey: "k", DeviceSecretVerifierConfig: DeviceSecretVerifierConfig{PasswordVerifier: "v", Salt: "s"}},
		"DeviceSecretVerifierConfig":      DeviceSecretVerifierConfig{PasswordVerifier: secret, Salt: secret},
		"UpdateDeviceStatusInput":         UpdateDeviceStatusInput{AccessToken: secret, DeviceKey: "k"},
		"MemoryDeviceStore":               memoryDeviceStoreWith(t, &Device{Key: "k", GroupKey: "g", Password: secret}),
		"RememberDevices":                 RememberDevices(memoryDeviceStoreWith(t, &Device{Key: "k", GroupKey: "g", Password: secret}), "n"),
		// A store of the caller's, without a String of its own, that
		// keeps its devices in an unexported field.
		"RememberDevices of a caller's store": RememberDevices(&callerDeviceStore{devices: map[DeviceOwner]Device{{UserPoolID: testPoolID, Username: "u"}: {Key: "k", GroupKey: "g", Password: secret}}}, "n"),
		"*ChallengeAnswer":                    &ChallengeAnswer{Answer: secret},
		// A slice: fmt prints each handler with its own Format.
		"ChallengeHandlers": ChallengeHandlers{TOTP{Secret: secret}, NewPassword{Password: secret}},
		// Secrets inside values that are themselves secret holders.
		"Config with handlers": Config{ClientSecret: secret, ChallengeHandler: TOTP{Secret: secret},
			Devices: RememberDevices(memoryDeviceStoreWith(t, &Device{Key: "k", GroupKey: "g", Password: secret}), "")},
		"Options with handler": Options{Password: secret, ChallengeHandler: NewPassword{Password: secret}},
		"nested": struct {
			C Config
			T *Tokens
			S []any
		}{cfg, &tokens, []any{sess, res}},
		"nested slice":  []any{Device{Password: secret}},
		"nested struct": struct{ D Device }{Device{Password: secret}},
		// The stores as values in exported fields of the caller's type
		// (SECURITY.md: keep them in exported fields).
		"nested stores": storesInExportedFields(t),
		// An SRP as a value: *srp, or in a field of the caller's.
		"SRP":        *srp,
		"nested SRP": struct{ S SRP }{*srp},
	}
}

// storesInExportedFields returns a value of the caller's kind of type with
// a MemoryStore and a MemoryDeviceStore, each holding secrets, as values in
// exported fields, as their docs ("the zero value is ready to use") allow.
func storesInExportedFields(t *testing.T) any {
	v := &struct {
		Tokens  MemoryStore
		Devices MemoryDeviceStore
	}{}
	ctx := context.Background()
	if err := v.Tokens.Save(ctx, &Tokens{AccessToken: secret, IDToken: secret, RefreshToken: secret}); err != nil {
		t.Fatal(err)
	}
	if err := v.Devices.SaveDevice(ctx, DeviceOwner{UserPoolID: testPoolID, Username: "u"}, &Device{Key: "k", GroupKey: "g", Password: secret}); err != nil {
		t.Fatal(err)
	}
	return v
}

// callerDeviceStore is a DeviceStore as a program may write one: its
// devices in an unexported field, and no String method.
type callerDeviceStore struct {
	mu      sync.Mutex
	devices map[DeviceOwner]Device
}

func (s *callerDeviceStore) LoadDevice(ctx context.Context, owner DeviceOwner) (*Device, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.devices[owner]; ok {
		return &d, nil
	}
	return nil, nil
}

func (s *callerDeviceStore) SaveDevice(ctx context.Context, owner DeviceOwner, d *Device) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.devices[owner] = *d
	return nil
}

func (s *callerDeviceStore) DeleteDevice(ctx context.Context, owner DeviceOwner) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.devices, owner)
	return nil
}

// memoryDeviceStoreWith returns a MemoryDeviceStore holding d.
func memoryDeviceStoreWith(t *testing.T, d *Device) *MemoryDeviceStore {
	m := new(MemoryDeviceStore)
	if err := m.SaveDevice(context.Background(), DeviceOwner{UserPoolID: testPoolID, Username: "u"}, d); err != nil {
		t.Fatal(err)
	}
	return m
}

// holdsNoSecret lists the exported types (interfaces left out) that
// secretHolders leaves out, each with the reason it holds no secret.
var holdsNoSecret = map[string]string{
	"APIError":             "Cognito's error: type, message, request id",
	"Challenge":            "what a handler is asked; the session stays in the flight",
	"ChallengeHandlerFunc": "a function: fmt prints its address",
	"Claims":               "a token's claims, not the token",
	"Client":               "endpoint and policy; its URL's password, printed: TestPrintedURLPasswords",
	"ConfirmDeviceOutput":  "a bool",
	"DeviceOwner":          "pool id and user name",
	"FileDeviceStore":      "a path",
	"FileStore":            "a path",
	"LoginRequiredError":   "wraps an error whose text TestSecretsNotInErrors checks",
	"NewDeviceMetadata":    "device and group keys: names, printed by Device too",
	"RefreshMethod":        "a method's name",
	"RetryPolicy":          "numbers",
	"TokenType":            "a token's name",
	"Verifier":             "public keys; its URL's password, printed: TestPrintedURLPasswords",
	"VerifierConfig":       "settings; its URL's password, printed: TestPrintedURLPasswords",
}

// TestEverySecretHolderChecked: every exported type in the API listing
// but an interface is either in secretHolders, and so printed with every
// verb by TestSecretsNeverPrinted, or in holdsNoSecret with a reason. A new type
// cannot skip the check by being forgotten, as PasswordChallenge once did:
// it printed the SECRET_BLOCK that PasswordClaim redacts.
func TestEverySecretHolderChecked(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "api.txt"))
	if err != nil {
		t.Fatal(err)
	}
	holders, exempts := secretHolders(t), maps.Clone(holdsNoSecret)
	for _, line := range strings.Split(string(data), "\n") {
		decl, ok := strings.CutPrefix(strings.TrimSpace(line), "pkg cognitosrp, type ")
		name, typ, _ := strings.Cut(decl, " ")
		// One line a type, its fields' and methods' lines left out. Not
		// structs alone: a type defined as another struct type (type
		// T Tokens) or as a slice of holders has none of their methods.
		if !ok || strings.HasPrefix(typ, "struct,") || strings.HasPrefix(typ, "interface") {
			continue
		}
		_, v := holders[name]
		_, p := holders["*"+name]
		reason, exempt := exempts[name]
		switch {
		case !v && !p && !exempt:
			t.Errorf("%s: add a value with secret in each secret field to secretHolders, or say in holdsNoSecret why it holds none", name)
		case (v || p) && exempt:
			t.Errorf("%s is in secretHolders and in holdsNoSecret (%s)", name, reason)
		}
		delete(exempts, name)
	}
	for name := range exempts {
		t.Errorf("holdsNoSecret names %s, which is no exported type, or an interface", name)
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	srpHex := fmt.Sprintf("%x", []byte(secret)) // the SRP private value in hex
	// and as the decimal words of its big.Int, which fmt shows when it
	// walks an SRP's fields (%s, %q: "&{false [w0 w1]}")
	srpWords := strings.Trim(fmt.Sprint(new(big.Int).SetBytes([]byte(secret)).Bits()), "[]")
	for name, v := range secretHolders(t) {
		var outs []string
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %[1]v"} {
			outs = append(outs, fmt.Sprintf(verb, v))
		}
		// fmt only prefers Format over GoString for %#v if the value
		// is a Formatter; the anonymous struct is printed field by field.
		if _, ok := v.(fmt.Formatter); !ok && !strings.HasPrefix(name, "nested") && name != "ChallengeHandlers" {
			t.Errorf("%s is not a fmt.Formatter", name)
		}
		handlers := []func(*bytes.Buffer) slog.Handler{
			func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
			func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		}
		if name == "nested slice" || name == "nested struct" {
			// slog's JSONHandler encodes a value inside a slice or a
			// struct with encoding/json, which neither LogValue nor
			// Format reaches: a known gap, checked with fmt only.
			handlers = handlers[:1]
		}
		for _, h := range handlers {
			var buf bytes.Buffer
			slog.New(h(&buf)).Info("msg", "value", v, slog.Group("g", "inner", v))
			outs = append(outs, buf.String())
		}
		for _, out := range outs {
			if strings.Contains(out, secret) || strings.Contains(strings.ToLower(out), strings.ToLower(srpHex)) || strings.Contains(out, srpWords) ||
				strings.Contains(out, fmt.Sprintf("%x", secret)) {
				t.Errorf("%s: printed a secret: %s", name, out)
			}
		}
	}
}

// stringerHolder and formatterHolder hold Tokens in an unexported field,
// with a String method and with a Format of their own.
type (
	stringerHolder  struct{ t Tokens }
	formatterHolder struct{ t Tokens }
)

func (stringerHolder) String() string                 { return "holder" }
func (formatterHolder) Format(f fmt.State, verb rune) { fmt.Fprint(f, "holder") }

// TestUnexportedFieldsAreFmtsLimit pins the limits SECURITY.md documents,
// for any secret holder, not Tokens alone: fmt calls no Format on a value
// it reaches through an unexported field, so such a value prints its
// secrets, while an exported field is redacted; and slog's JSON handler
// marshals a *ChallengeError inside a struct with encoding/json, session
// included. If fmt or slog ever changes, the documentation must change
// with it.
func TestUnexportedFieldsAreFmtsLimit(t *testing.T) {
	tk := Tokens{AccessToken: secret}
	cfg := Config{ClientSecret: secret}
	ce := ChallengeError{ChallengeName: ChallengeMFASetup, Session: secret}
	for _, v := range []struct{ exported, unexported any }{
		{struct{ T Tokens }{tk}, struct{ t Tokens }{tk}},
		{struct{ C Config }{cfg}, struct{ c Config }{cfg}},
		{struct{ E ChallengeError }{ce}, struct{ e ChallengeError }{ce}},
	} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			if out := fmt.Sprintf(verb, v.exported); strings.Contains(out, secret) {
				t.Errorf("an exported field printed its secret with %s: %s", verb, out)
			}
			if out := fmt.Sprintf(verb, v.unexported); !strings.Contains(out, secret) {
				t.Errorf("fmt now redacts an unexported field with %s (%s): update SECURITY.md and README", verb, out)
			}
		}
	}
	// A String method on the holder is not the remedy SECURITY.md gives,
	// a Format is: %#v does not call String.
	if out := fmt.Sprintf("%#v", stringerHolder{tk}); !strings.Contains(out, secret) {
		t.Errorf("%%#v now calls String (%s): update SECURITY.md", out)
	}
	if out := fmt.Sprintf("%#v", formatterHolder{tk}); strings.Contains(out, secret) {
		t.Errorf("a holder's own Format did not keep %%#v from the secret: %s", out)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("m", "result", struct{ Err error }{&ce})
	if !strings.Contains(buf.String(), secret) {
		t.Errorf("slog's JSON handler now redacts a nested error (%s): update SECURITY.md and README", buf.String())
	}
}

// TestPrintedServerText: the printers of the wire types show a challenge's
// name and parameter keys, which are the server's text: cleaned and cut
// as errors quote it, for every verb and for slog.
func TestPrintedServerText(t *testing.T) {
	hostile := HostileText
	params := map[string]string{hostile: "v", "USERNAME": "u"}
	for name, v := range map[string]any{
		"AuthOutput":                  AuthOutput{ChallengeName: hostile, ChallengeParameters: params},
		"RespondToAuthChallengeInput": RespondToAuthChallengeInput{ChallengeName: hostile, ChallengeResponses: params},
		// TokenType is the server's text too.
		"AuthenticationResult":            AuthenticationResult{TokenType: hostile},
		"AuthOutput with tokens":          AuthOutput{AuthenticationResult: &AuthenticationResult{TokenType: hostile}},
		"GetTokensFromRefreshTokenOutput": GetTokensFromRefreshTokenOutput{AuthenticationResult: &AuthenticationResult{TokenType: hostile}},
	} {
		var buf bytes.Buffer
		slog.New(slog.NewTextHandler(&buf, nil)).Info("m", "v", v)
		for _, out := range []string{fmt.Sprint(v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v), fmt.Sprintf("%s", v), buf.String()} {
			out = strings.TrimSuffix(out, "\n")
			if !Printable(out) || len(out) > 600 {
				t.Errorf("%s printed %.100q…, %d bytes", name, out, len(out))
			}
		}
	}
}

func TestSecretsNotInErrors(t *testing.T) {
	// A challenge this package cannot answer carries its session.
	err := unexpectedOutput("InitiateAuth", &AuthOutput{ChallengeName: "MFA_SETUP", Session: secret, ChallengeParameters: map[string]string{"x": secret}}, "alice")
	var ce *ChallengeError
	if !errors.As(err, &ce) || ce.Session != secret {
		t.Fatalf("unexpectedOutput = %v", err)
	}
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), fmt.Errorf("wrapped: %w", err).Error()} {
		if strings.Contains(s, secret) {
			t.Fatalf("error reveals the session: %s", s)
		}
	}
	// A proxy that echoes the request (with the password proof and the
	// refresh token) into an error page is described, never quoted.
	clock := newFakeClock(testNow)
	f := newFakeCognito(t, clock.Now)
	f.setFault(nil, func(w http.ResponseWriter, r *http.Request) bool {
		body := readAll(t, r)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, "<html>bad request: %s</html>", body)
		return true
	})
	s := fakeSession(t, f, clock, func(c *Config) { c.ClientSecret = secret })
	s.SetTokens(&Tokens{RefreshToken: secret})
	for _, err := range []error{s.Refresh(context.Background()), s.Authenticate(context.Background(), secret)} {
		if err == nil || strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "REFRESH_TOKEN") {
			t.Fatalf("error %v", err)
		}
	}
}

// TestForgetPassword checks that the password is dropped after the first
// login, so that a dead refresh token ends in ErrLoginRequired, while a
// session that keeps its password logs in again.
func TestForgetPassword(t *testing.T) {
	f := newFakeCognito(t, time.Now)
	f.addUser("user@example.com", "internal-user", "pw")
	for _, forget := range []bool{false, true} {
		a, err := New(Options{
			Username: "user@example.com", Password: "pw", UserPoolID: testPoolID, ClientID: testClientID,
			Endpoint: f.URL, HTTPClient: f.Client(), ForgetPassword: forget, Retry: fastRetry(1),
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if _, err := a.Token(ctx); err != nil {
			t.Fatal(err)
		}
		s := a.Session()
		if got := s.password == ""; got != forget {
			t.Fatalf("ForgetPassword %v: password dropped = %v", forget, got)
		}
		// The refresh token dies and the access token expires.
		old := s.Tokens()
		f.mu.Lock()
		delete(f.refresh, old.RefreshToken)
		f.mu.Unlock()
		expired := *old
		expired.AccessExpiry = time.Now().Add(-time.Minute)
		s.SetTokens(&expired)
		_, err = a.Token(ctx)
		switch {
		case forget && !(errors.Is(err, ErrLoginRequired) && errors.Is(err, ErrNotAuthorized)):
			t.Fatalf("forgotten password: Token = %v, want ErrLoginRequired", err)
		case !forget && err != nil:
			t.Fatalf("kept password: Token = %v, want a new login", err)
		}
	}
	if _, err := New(Options{Session: &Session{}, ForgetPassword: true}); !errors.Is(err, ErrConfig) {
		t.Fatalf("ForgetPassword with a Session: %v, want ErrConfig", err)
	}
}

func memoryStoreWith(t *testing.T, tokens *Tokens) *MemoryStore {
	m := new(MemoryStore)
	if err := m.Save(context.Background(), tokens); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestPrintedShapes pins what the redacting printers do show, so that a
// printer that hides too much (or fails on an empty field) is seen too: a
// result's presence, the parameter keys and nothing else, and an empty URL.
func TestPrintedShapes(t *testing.T) {
	res := &AuthenticationResult{AccessToken: secret, ExpiresIn: 3600}
	const printedRes = "cognitosrp.AuthenticationResult{AccessToken: [redacted], IdToken: \"\", RefreshToken: \"\", ExpiresIn: 3600, TokenType: }"
	for _, tc := range []struct {
		v    any
		want string
	}{
		{AuthOutput{ChallengeName: "X", ChallengeParameters: map[string]string{"B": secret, "A": secret}, Session: secret},
			"cognitosrp.AuthOutput{ChallengeName: X, ChallengeParameters: [A B], Session: [redacted], AuthenticationResult: nil}"},
		{AuthOutput{AuthenticationResult: res},
			"cognitosrp.AuthOutput{ChallengeName: , ChallengeParameters: [], Session: \"\", AuthenticationResult: " + printedRes + "}"},
		{GetTokensFromRefreshTokenOutput{}, "cognitosrp.GetTokensFromRefreshTokenOutput{AuthenticationResult: nil}"},
		{GetTokensFromRefreshTokenOutput{AuthenticationResult: res}, "cognitosrp.GetTokensFromRefreshTokenOutput{AuthenticationResult: " + printedRes + "}"},
		{VerifierConfig{UserPoolID: "us-east-1_P"},
			"cognitosrp.VerifierConfig{UserPoolID: us-east-1_P, Region: , ClientIDs: [], TokenUse: , Issuer: , JWKSURL: }"},
	} {
		if got := fmt.Sprint(tc.v); got != tc.want {
			t.Errorf("printed\n%s\nwant\n%s", got, tc.want)
		}
	}
}
