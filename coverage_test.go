// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// These tests exercise branches that no other test reached: defensive
// code for hostile answers and files, and behaviour a doc comment promises.

// TestHostileDevicePasswordVerifier: a DEVICE_PASSWORD_VERIFIER with a
// server value B ≡ 0 (mod N), or parameters that do not parse, ends the
// login with the typed error, as PASSWORD_VERIFIER does, and no claim is
// sent for it.
func TestHostileDevicePasswordVerifier(t *testing.T) {
	nHex := group.N.Text(16)
	for _, tc := range []struct {
		name   string
		params []any
		want   error
	}{
		{"SRP_B zero", []any{"SRP_B", "0"}, ErrSRPInvalidB},
		{"SRP_B = N", []any{"SRP_B", nHex}, ErrSRPInvalidB},
		{"SALT not hex", []any{"SALT", "salt"}, ErrInvalidChallenge},
		{"SECRET_BLOCK not base64", []any{"SECRET_BLOCK", "not base64!"}, ErrInvalidChallenge},
		{"no SRP_B", []any{"SRP_B", nil}, ErrInvalidChallenge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var answered []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body := readAll(t, r)
				if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".InitiateAuth") {
					challenge().write(w)
					return
				}
				var name string
				for _, n := range []string{ChallengePasswordVerifier, ChallengeDeviceSRPAuth, ChallengeDevicePasswordVerifier} {
					if strings.Contains(body, `"ChallengeName":"`+n+`"`) {
						name = n
					}
				}
				mu.Lock()
				answered = append(answered, name)
				mu.Unlock()
				switch name {
				case ChallengePasswordVerifier:
					jsonReply(map[string]any{"ChallengeName": ChallengeDeviceSRPAuth, "Session": "s2", "ChallengeParameters": map[string]any{}}).write(w)
				case ChallengeDeviceSRPAuth:
					p := map[string]any{"SRP_B": "02", "SALT": "abcd", "SECRET_BLOCK": "c2VjcmV0", "USERNAME": "internal-user", "DEVICE_KEY": "us-east-1_dev"}
					jsonReply(map[string]any{"ChallengeName": ChallengeDevicePasswordVerifier, "Session": "s3", "ChallengeParameters": with(p, tc.params...)}).write(w)
				default:
					result(goodAccess(), goodID()).write(w)
				}
			}))
			defer srv.Close()
			store := new(MemoryDeviceStore)
			owner := DeviceOwner{UserPoolID: testPoolID, Username: "user@example.com"}
			store.SaveDevice(t.Context(), owner, &Device{Key: "us-east-1_dev", GroupKey: "-grp", Password: "device-password"})
			s, err := NewSession(Config{
				UserPoolID: testPoolID, ClientID: testClientID, Endpoint: srv.URL,
				Now: newFakeClock(testNow).Now, Retry: fastRetry(1), Devices: RememberDevices(store, ""),
			}, "user@example.com")
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			err = s.Authenticate(t.Context(), hostilePassword)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Authenticate: %v, want %v", err, tc.want)
			}
			mu.Lock()
			defer mu.Unlock()
			if want := []string{ChallengePasswordVerifier, ChallengeDeviceSRPAuth}; strings.Join(answered, ",") != strings.Join(want, ",") {
				t.Fatalf("challenges answered %v, want %v", answered, want)
			}
			if s.Tokens() != nil {
				t.Fatal("the session holds tokens")
			}
		})
	}
}

// TestSelectChallengePasswordSRPByHandler: ChallengeAnswer's doc says that
// for a SELECT_CHALLENGE answered "PASSWORD_SRP" the login adds SRP_A.
// When the choices do not list PASSWORD_SRP, the login does not pick it
// itself and the handler chooses; its choice must still carry the SRP_A of
// InitiateAuth, which the PASSWORD_VERIFIER that follows is computed on.
func TestSelectChallengePasswordSRPByHandler(t *testing.T) {
	f := newFake(t)
	var a string
	f.then(
		sfInitiate(FlowUserAuth, map[string]string{"USERNAME": fxLogin, "SRP_A": "*", "PREFERRED_CHALLENGE": ChallengePasswordSRP}, "",
			func(f *scriptFake, p map[string]string) (int, any) {
				a = p["SRP_A"]
				out := sfChallenge(ChallengeSelectChallenge, map[string]string{}, f.session())
				out["AvailableChallenges"] = []string{"EMAIL_OTP"}
				return 200, out
			}),
		sfRespond(ChallengeSelectChallenge, map[string]string{"USERNAME": fxLogin, "ANSWER": ChallengePasswordSRP, "SRP_A": "*"}, "",
			func(f *scriptFake, r map[string]string) (int, any) {
				if r["SRP_A"] != a {
					f.t.Error("SELECT_CHALLENGE: SRP_A differs from the InitiateAuth one")
				}
				return sfPasswordVerifier(f, r)
			}),
		sfRespond(ChallengePasswordVerifier, claimKeys, "", sfClaim(sfTokens(nil))),
	)
	cfg := sfServe(t, f)
	cfg.AuthFlow = FlowUserAuth
	var asked []string
	cfg.ChallengeHandler = ChallengeHandlerFunc(func(ctx context.Context, c *Challenge) (*ChallengeAnswer, error) {
		asked = append(asked, c.Name)
		return &ChallengeAnswer{Answer: ChallengePasswordSRP}, nil
	})
	if err := mustSession(t, cfg).Authenticate(t.Context(), f.password); err != nil {
		t.Fatal(err)
	}
	if len(asked) != 1 || asked[0] != ChallengeSelectChallenge {
		t.Fatalf("handler asked %v", asked)
	}
}

// TestParseUnverifiedNonStringClaim: a claim that Claims holds as a string
// but that the token carries as a number, an array or an object is a
// malformed token, not an empty claim (a hostile token must not pass as
// one that names no issuer or user); null is an absent claim.
func TestParseUnverifiedNonStringClaim(t *testing.T) {
	for _, name := range []string{"iss", "sub", "token_use", "username", "cognito:username", "client_id", "jti"} {
		for _, v := range []any{7, []string{"a"}, map[string]any{"a": "b"}, true} {
			c, err := ParseUnverified(fxJWT(map[string]any{name: v, "exp": testNow.Unix()}))
			if !errors.Is(err, ErrMalformedToken) || c != nil {
				t.Errorf("%s = %v: %v, %v; want ErrMalformedToken", name, v, c, err)
			}
		}
		c, err := ParseUnverified(fxJWT(map[string]any{name: nil, "exp": testNow.Unix()}))
		if err != nil || c == nil {
			t.Errorf("%s = null: %v", name, err)
		}
	}
}

// TestKeySetUnreadable: a key set that is not one, or whose body is cut
// short, fails Verify with ErrKeySetUnavailable (a server answers 503),
// never with ErrTokenInvalid (401: the token may be fine); a document that
// is not a key set matches ErrInvalidKeySet too, a cut body does not.
func TestKeySetUnreadable(t *testing.T) {
	for _, tc := range []struct {
		name    string
		serve   func(w http.ResponseWriter)
		invalid bool
	}{
		{"keys a string", func(w http.ResponseWriter) { w.Write([]byte(`{"keys":"x"}`)) }, true},
		{"not JSON", func(w http.ResponseWriter) { w.Write([]byte(`<html>`)) }, true},
		{"body cut short", func(w http.ResponseWriter) {
			w.Header().Set("Content-Length", "1000")
			w.Write([]byte(`{"keys":[`))
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { tc.serve(w) }))
			defer srv.Close()
			v, err := NewVerifier(VerifierConfig{UserPoolID: testPoolID, ClientIDs: []string{testClientID},
				JWKSURL: srv.URL + "/jwks", Now: newFakeClock(testNow).Now})
			if err != nil {
				t.Fatal(err)
			}
			_, err = v.Verify(t.Context(), goodAccess())
			if !errors.Is(err, ErrKeySetUnavailable) || errors.Is(err, ErrTokenInvalid) {
				t.Fatalf("Verify: %v; want ErrKeySetUnavailable only", err)
			}
			if errors.Is(err, ErrInvalidKeySet) != tc.invalid {
				t.Fatalf("Verify: %v; matches ErrInvalidKeySet: %v, want %v", err, !tc.invalid, tc.invalid)
			}
		})
	}
}

// TestLoginRequiredWithoutCause: a session with neither tokens nor a
// password fails with a *LoginRequiredError without a cause, whose text is
// ErrLoginRequired's (no dangling ": " and no nil dereference), from a
// request's ValidTokens and from Refresh.
func TestLoginRequiredWithoutCause(t *testing.T) {
	s, err := NewSession(Config{UserPoolID: testPoolID, ClientID: testClientID, Endpoint: "http://127.0.0.1:1/"}, "u")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err1 := s.ValidTokens(t.Context(), AccessToken)
	for _, err := range []error{err1, s.Refresh(t.Context())} {
		var lr *LoginRequiredError
		if !errors.As(err, &lr) || lr.Err != nil || !errors.Is(err, ErrLoginRequired) {
			t.Fatalf("error %#v, want a *LoginRequiredError without Err", err)
		}
		if err.Error() != ErrLoginRequired.Error() {
			t.Fatalf("error %q, want %q", err, ErrLoginRequired)
		}
	}
}

// TestRejectedReplacedByUnusableTokens: when an API answers 401 and the
// session meanwhile holds other tokens (SetTokens) whose token cannot go in
// a header, the request is not retried: the 401 comes back as it was, with
// no error and no panic, and the unusable token is sent nowhere.
func TestRejectedReplacedByUnusableTokens(t *testing.T) {
	exp := time.Now().Add(time.Hour)
	s, err := NewSession(Config{UserPoolID: testPoolID, ClientID: testClientID, Endpoint: "http://127.0.0.1:1/"}, "u")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.SetTokens(&Tokens{AccessToken: "first", IDToken: "first-id", AccessExpiry: exp, IDExpiry: exp})
	var sent []string
	a, err := New(Options{Session: s, Base: RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		sent = append(sent, r.Header.Get("Authorization"))
		s.SetTokens(&Tokens{AccessToken: "bad\ntoken", IDToken: "second-id", AccessExpiry: exp, IDExpiry: exp})
		return &http.Response{StatusCode: http.StatusUnauthorized, Body: http.NoBody, Request: r}, nil
	})})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://api.example/", nil)
	resp, err := a.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("RoundTrip: %v, %v; want the 401", resp, err)
	}
	if len(sent) != 1 || sent[0] != "Bearer first" {
		t.Fatalf("sent %q", sent)
	}
}

// TestFileStoresRelativePath: a store whose path names no directory
// ("tokens.json", as a CLI flag may give it) saves into the current
// directory: filepath.Split gives it the directory "", which neither
// MkdirAll nor CreateTemp takes to mean ".".
func TestFileStoresRelativePath(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	ctx := context.Background()
	fs := NewFileStore("tokens.json")
	if err := fs.Save(ctx, sampleTokens(1)); err != nil {
		t.Fatal(err)
	}
	if got, err := fs.Load(ctx); err != nil || got == nil || *got != *sampleTokens(1) {
		t.Fatalf("Load = %v, %v", got, err)
	}
	ds := NewFileDeviceStore("devices.json")
	owner := DeviceOwner{UserPoolID: testPoolID, Username: "u"}
	if err := ds.SaveDevice(ctx, owner, &Device{Key: "k", GroupKey: "g", Password: "p"}); err != nil {
		t.Fatal(err)
	}
	if d, err := ds.LoadDevice(ctx, owner); err != nil || d == nil || d.Key != "k" {
		t.Fatalf("LoadDevice = %v, %v", d, err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "devices.json,tokens.json" {
		t.Fatalf("current directory holds %v", names)
	}
}

// TestFileStoreClearFails: Clear reports a file it cannot remove (here a
// directory that is not empty): a sign-out must not believe the tokens
// gone. A file that holds no token at all loads as no tokens.
func TestFileStoreClearFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	if err := os.MkdirAll(filepath.Join(path, "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := NewFileStore(path).Clear(context.Background()); err == nil {
		t.Fatal("Clear of an unremovable path succeeded")
	}
	empty := filepath.Join(t.TempDir(), "empty.json")
	if err := os.WriteFile(empty, []byte(`{"version":1,"access_expiry":"2026-03-04T10:00:00Z","username":"alice"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := NewFileStore(empty).Load(context.Background()); got != nil || err != nil {
		t.Fatalf("Load of a file without tokens = %v, %v; want nil, nil", got, err)
	}
}

// undeletableDevices is a DeviceStore whose DeleteDevice fails.
type undeletableDevices struct{ *MemoryDeviceStore }

var errUndeletable = errors.New("device store is read-only")

func (undeletableDevices) DeleteDevice(context.Context, DeviceOwner) error { return errUndeletable }

// TestForgetDeviceFails: when Cognito no longer knows the remembered
// device and the store cannot forget it, the login fails with the store's
// error (errors.Is), instead of logging in again without the device while
// the store keeps offering the stale one to every later login.
func TestForgetDeviceFails(t *testing.T) {
	var mu sync.Mutex
	var calls []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := readAll(t, r)
		mu.Lock()
		calls = append(calls, r.Header.Get("X-Amz-Target"))
		mu.Unlock()
		if !strings.Contains(body, `"DEVICE_KEY":"us-east-1_stale"`) {
			t.Errorf("call without the device: %s", r.Header.Get("X-Amz-Target"))
		}
		errorReply(400, "ResourceNotFoundException").write(w)
	}))
	defer srv.Close()
	store := undeletableDevices{new(MemoryDeviceStore)}
	owner := DeviceOwner{UserPoolID: testPoolID, Username: "user@example.com"}
	store.SaveDevice(t.Context(), owner, &Device{Key: "us-east-1_stale", GroupKey: "-grp", Password: "device-password"})
	s, err := NewSession(Config{
		UserPoolID: testPoolID, ClientID: testClientID, Endpoint: srv.URL,
		Now: newFakeClock(testNow).Now, Retry: fastRetry(1), Devices: RememberDevices(store, ""),
	}, "user@example.com")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Authenticate(t.Context(), hostilePassword)
	if !errors.Is(err, errUndeletable) || errors.Is(err, ErrResourceNotFound) {
		t.Fatalf("Authenticate: %v; want the store's error", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(calls) != 1 {
		t.Fatalf("calls %v, want the one InitiateAuth", calls)
	}
}

// TestUsernameStaysLoginName: Username is "the name the session logs in
// with": after a login in which Cognito names the user by its internal
// name (an e-mail alias), it is still the login name, which the next login
// sends again and the DeviceStore is keyed by.
func TestUsernameStaysLoginName(t *testing.T) {
	f := newFake(t)
	f.then(fxLoginSteps("", sfTokens(nil))...)
	s := mustSession(t, sfServe(t, f))
	defer s.Close()
	if err := s.Authenticate(t.Context(), f.password); err != nil {
		t.Fatal(err)
	}
	if s.Username() != fxLogin || s.Tokens().Username != fxInternal {
		t.Fatalf("Username %q, tokens' %q; want %q and %q", s.Username(), s.Tokens().Username, fxLogin, fxInternal)
	}
	// FileDeviceStore's accessors name the file, and nothing it holds.
	ds := NewFileDeviceStore(filepath.Join(t.TempDir(), "devices.json"))
	ds.SaveDevice(t.Context(), DeviceOwner{UserPoolID: testPoolID, Username: "u"}, &Device{Key: "k", GroupKey: "g", Password: "pw-SECRET"})
	want := "cognitosrp.RememberDevices(cognitosrp.FileDeviceStore{" + ds.Path() + "}, \"n\")"
	if got := fmt.Sprintf("%+v", RememberDevices(ds, "n")); got != want || !strings.HasSuffix(ds.Path(), "devices.json") {
		t.Fatalf("%q, want %q", got, want)
	}
}
