// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The login's failure paths, each against the scripted fake.

// sfServe serves f for the test and returns the matching client
// configuration; at the end it checks that every scripted call was made.
func sfServe(t *testing.T, f *scriptFake) Config {
	srv := httptest.NewServer(f)
	t.Cleanup(func() {
		srv.Close()
		f.done()
	})
	return f.config(srv.URL)
}

func newFake(t *testing.T) *scriptFake { return newScriptFake(t, fxSecret, fxLogin, fxInternal) }

func mustSession(t *testing.T, cfg Config) *Session {
	t.Helper()
	s, err := NewSession(cfg, fxLogin)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sfRefuse answers with a Cognito error.
func sfRefuse[M any](typ string) func(f *scriptFake, m M) (int, any) {
	return func(f *scriptFake, m M) (int, any) { return 400, sfErr(typ, "refused by the test") }
}

func TestTooManyChallenges(t *testing.T) {
	f := newFake(t)
	custom := sfAsk(ChallengeCustom, map[string]string{"USERNAME": fxInternal})
	// The last challenge's name is the server's text, and the error names
	// it: cleaned and cut.
	hostile := sfAsk(HostileText, map[string]string{"USERNAME": fxInternal})
	f.then(sfInitiate(FlowCustomAuth, map[string]string{"USERNAME": fxLogin}, "", sfThen[map[string]string](custom)))
	for i := range maxChallenges {
		next := custom
		if i == maxChallenges-1 {
			next = hostile
		}
		f.then(sfRespond(ChallengeCustom, map[string]string{"ANSWER": "again"}, "", sfThen[map[string]string](next)))
	}
	cfg := sfServe(t, f)
	cfg.AuthFlow = FlowCustomAuth
	cfg.ChallengeHandler = ChallengeHandlerFunc(func(context.Context, *Challenge) (*ChallengeAnswer, error) {
		return &ChallengeAnswer{Answer: "again"}, nil
	})
	err := mustSession(t, cfg).Authenticate(t.Context(), "")
	if !errors.Is(err, ErrTooManyChallenges) {
		t.Fatalf("err = %v, want ErrTooManyChallenges", err)
	}
	if msg := err.Error(); !Printable(msg) || len(msg) > 300 {
		t.Errorf("error %.100q…, %d bytes", msg, len(msg))
	}
}

func TestChallengeWithoutHandler(t *testing.T) {
	f := newFake(t)
	f.then(fxLoginSteps("", sfAsk(ChallengeSMSMFA, map[string]string{"USER_ID_FOR_SRP": fxInternal}))...)
	cfg := sfServe(t, f)
	err := mustSession(t, cfg).Authenticate(t.Context(), f.password)
	fxChallengeError(t, err, ChallengeSMSMFA)
}

// TestHandlerError wraps the handler's error (here the caller giving up)
// in a ChallengeError that keeps the session.
func TestHandlerError(t *testing.T) {
	f := newFake(t)
	f.then(fxLoginSteps("", sfAsk(ChallengeSMSMFA, map[string]string{"USER_ID_FOR_SRP": fxInternal}))...)
	cfg := sfServe(t, f)
	cfg.ChallengeHandler = ChallengeHandlerFunc(func(ctx context.Context, c *Challenge) (*ChallengeAnswer, error) {
		return nil, context.Canceled
	})
	err := mustSession(t, cfg).Authenticate(t.Context(), f.password)
	ce := fxChallengeError(t, err, ChallengeSMSMFA)
	if !errors.Is(err, context.Canceled) || ce.Err != context.Canceled {
		t.Errorf("err = %v, want it to wrap context.Canceled", err)
	}
}

// TestChallengesOutOfTurn: a server asking for a proof the login cannot
// give (PASSWORD_VERIFIER without SRP_A, device SRP without a device, a
// device verifier before DEVICE_SRP_AUTH) gets a ChallengeError.
func TestChallengesOutOfTurn(t *testing.T) {
	for _, v := range []struct {
		name, flow string
		remember   bool
		devices    bool // Config.Devices set, no device remembered
	}{
		{ChallengePasswordVerifier, FlowUserPasswordAuth, false, false},
		{ChallengeDeviceSRPAuth, FlowUserPasswordAuth, false, false},
		{ChallengeDeviceSRPAuth, FlowUserPasswordAuth, false, true},
		{ChallengeDevicePasswordVerifier, FlowUserPasswordAuth, true, false},
	} {
		name := v.name
		if v.devices {
			name += "/devices"
		}
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			deviceKey := ""
			if v.remember {
				deviceKey = fxDevice
			}
			f.then(sfInitiate(FlowUserPasswordAuth, map[string]string{"USERNAME": fxLogin, "PASSWORD": f.password}, deviceKey,
				sfThen[map[string]string](sfAsk(v.name, map[string]string{"USER_ID_FOR_SRP": fxInternal}))))
			cfg := sfServe(t, f)
			cfg.AuthFlow = v.flow
			if v.remember {
				// A remembered device, so that the login has one but
				// no device SRP yet.
				store := new(MemoryDeviceStore)
				owner := DeviceOwner{UserPoolID: cfg.UserPoolID, Username: fxLogin}
				if err := store.SaveDevice(t.Context(), owner, &Device{Key: fxDevice, GroupKey: "-grp", Password: "device-password"}); err != nil {
					t.Fatal(err)
				}
				cfg.Devices = RememberDevices(store, "")
			}
			if v.devices {
				cfg.Devices = RememberDevices(new(MemoryDeviceStore), "")
			}
			// A handler that would answer anything is not asked: these
			// proofs are the session's own, not a person's.
			asked := false
			cfg.ChallengeHandler = ChallengeHandlerFunc(func(context.Context, *Challenge) (*ChallengeAnswer, error) {
				asked = true
				return &ChallengeAnswer{Answer: "x"}, nil
			})
			err := mustSession(t, cfg).Authenticate(t.Context(), f.password)
			if ce := fxChallengeError(t, err, v.name); ce.Err != nil || asked {
				t.Errorf("ChallengeError.Err = %v, handler asked %v; want nil, false", ce.Err, asked)
			}
		})
	}
}

// TestChallengesTheHandlerCannotAnswer: MFA_SETUP is never put to the
// handler, and a handler that returns an answer with nothing in it (none,
// or only ClientMetadata) declines: each ends the login with a
// *ChallengeError without a cause, and nothing is sent to Cognito.
func TestChallengesTheHandlerCannotAnswer(t *testing.T) {
	for _, v := range []struct {
		name   string
		answer *ChallengeAnswer
		asked  bool
	}{
		{ChallengeMFASetup, &ChallengeAnswer{Answer: "x"}, false},
		{ChallengeSMSMFA, &ChallengeAnswer{}, true},
		{ChallengeSMSMFA, &ChallengeAnswer{ClientMetadata: map[string]string{"k": "v"}}, true},
		{ChallengeSelectChallenge, &ChallengeAnswer{}, true}, // no PASSWORD_SRP among the choices
	} {
		f := newFake(t)
		ask := sfAsk(v.name, map[string]string{"USER_ID_FOR_SRP": fxInternal})
		flow := FlowUserSRPAuth
		if v.name == ChallengeSelectChallenge {
			// The choice comes in its one place: the reply to
			// InitiateAuth of USER_AUTH.
			flow = FlowUserAuth
			f.then(sfInitiate(flow, map[string]string{"USERNAME": fxLogin, "SRP_A": "*", "PREFERRED_CHALLENGE": ChallengePasswordSRP}, "",
				sfThen[map[string]string](ask)))
		} else {
			f.then(fxLoginSteps("", ask)...)
		}
		cfg := sfServe(t, f)
		cfg.AuthFlow = flow
		asked := false
		cfg.ChallengeHandler = ChallengeHandlerFunc(func(context.Context, *Challenge) (*ChallengeAnswer, error) {
			asked = true
			return v.answer, nil
		})
		err := mustSession(t, cfg).Authenticate(t.Context(), f.password)
		if ce := fxChallengeError(t, err, v.name); ce.Err != nil || asked != v.asked {
			t.Errorf("%s, answer %v: ChallengeError.Err = %v, handler asked %v; want nil, %v", v.name, v.answer, ce.Err, asked, v.asked)
		}
	}
}

// TestNoPasswordForPasswordFlows fails before any call: SRP and
// USER_PASSWORD_AUTH cannot log in without a password.
func TestNoPasswordForPasswordFlows(t *testing.T) {
	for _, flow := range []string{"", FlowUserSRPAuth, FlowUserPasswordAuth} {
		cfg := sfServe(t, newFake(t))
		cfg.AuthFlow = flow
		if err := mustSession(t, cfg).Authenticate(t.Context(), ""); !errors.Is(err, ErrConfig) {
			t.Errorf("%q: err = %v, want ErrConfig", flow, err)
		}
	}
}

func TestAuthFlowValidation(t *testing.T) {
	cfg := Config{UserPoolID: "us-east-1_X", ClientID: "c", AuthFlow: "ADMIN_NO_SRP_AUTH"}
	if _, err := NewSession(cfg, "u"); err == nil || !strings.Contains(err.Error(), "ADMIN_NO_SRP_AUTH") {
		t.Errorf("NewSession with an unsupported flow: %v", err)
	}
	_, err := New(Options{Username: "u", Password: "p", UserPoolID: "us-east-1_X", ClientID: "c", AuthFlow: "NOPE"})
	if !errors.Is(err, ErrConfig) {
		t.Errorf("New with an unsupported flow: %v", err)
	}
	sess := mustSession(t, Config{UserPoolID: "us-east-1_X", ClientID: "c"})
	for _, o := range []Options{
		{Session: sess, ChallengeHandler: TOTP{}},
		{Session: sess, Devices: RememberDevices(nil, "")},
		{Session: sess, AuthFlow: FlowUserAuth},
	} {
		if _, err := New(o); !errors.Is(err, ErrConfig) {
			t.Errorf("Session with a login option: err = %v, want ErrConfig", err)
		}
	}
	devices := RememberDevices(nil, "n")
	a, err := New(Options{Username: "u", Password: "p", UserPoolID: "us-east-1_X", ClientID: "c",
		AuthFlow: FlowCustomAuth, ChallengeHandler: TOTP{}, Devices: devices})
	if err != nil {
		t.Fatal(err)
	}
	if c := a.Session().cfg; c.AuthFlow != FlowCustomAuth || c.ChallengeHandler == nil || c.Devices != devices {
		t.Errorf("New did not pass the login options on: %v", c)
	}
}

// TestResourceNotFoundWithoutDevice is no reason to retry.
func TestResourceNotFoundWithoutDevice(t *testing.T) {
	f := newFake(t)
	f.then(sfInitiate(FlowUserSRPAuth, map[string]string{"USERNAME": fxLogin, "SRP_A": "*"}, "", sfRefuse[map[string]string]("ResourceNotFoundException")))
	cfg := sfServe(t, f)
	cfg.Devices = RememberDevices(nil, "")
	if err := mustSession(t, cfg).Authenticate(t.Context(), f.password); !errors.Is(err, ErrResourceNotFound) {
		t.Errorf("err = %v", err)
	}
}

// TestForgottenDeviceRetriedOnce: the retry without the device happens
// once, and the device is forgotten even when the retry fails. The fake's
// RetryPolicy has MaxAttempts 1, and the login sends InitiateAuth twice,
// as RetryPolicy's doc says of such a login.
func TestForgottenDeviceRetriedOnce(t *testing.T) {
	f := newFake(t)
	f.then(
		sfInitiate(FlowUserSRPAuth, map[string]string{"USERNAME": fxLogin, "SRP_A": "*"}, "dev", sfRefuse[map[string]string]("ResourceNotFoundException")),
		sfInitiate(FlowUserSRPAuth, map[string]string{"USERNAME": fxLogin, "SRP_A": "*"}, "", sfRefuse[map[string]string]("ResourceNotFoundException")),
	)
	cfg := sfServe(t, f)
	store := new(MemoryDeviceStore)
	owner := DeviceOwner{UserPoolID: cfg.UserPoolID, Username: fxLogin}
	store.SaveDevice(t.Context(), owner, &Device{Key: "dev", GroupKey: "g", Password: "p"})
	cfg.Devices = RememberDevices(store, "")
	if err := mustSession(t, cfg).Authenticate(t.Context(), f.password); !errors.Is(err, ErrResourceNotFound) {
		t.Errorf("err = %v", err)
	}
	if d, _ := store.LoadDevice(t.Context(), owner); d != nil {
		t.Errorf("the unknown device is still remembered: %v", d)
	}
}

// TestIncompleteDeviceNotUsed: a stored device that lacks its key, group
// key or password is no usable device (DeviceTracker.load): the login
// goes without one, as for a user with no device, instead of sending a
// device it cannot prove, which would fail every login.
func TestIncompleteDeviceNotUsed(t *testing.T) {
	for name, d := range map[string]*Device{
		"no key":       {GroupKey: "g", Password: "p"},
		"no group key": {Key: "dev", Password: "p"},
		"no password":  {Key: "dev", GroupKey: "g"},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFake(t)
			f.then(fxLoginSteps("", sfTokens(nil))...)
			cfg := sfServe(t, f)
			store := new(MemoryDeviceStore)
			store.SaveDevice(t.Context(), DeviceOwner{UserPoolID: cfg.UserPoolID, Username: fxLogin}, d)
			cfg.Devices = RememberDevices(store, "")
			if err := mustSession(t, cfg).Authenticate(t.Context(), f.password); err != nil {
				t.Error(err)
			}
		})
	}
}

// failingStore fails the operations named in fail.
type failingStore struct {
	MemoryDeviceStore
	fail string
}

var errStore = errors.New("store unavailable")

func (s *failingStore) LoadDevice(ctx context.Context, o DeviceOwner) (*Device, error) {
	if s.fail == "load" {
		return nil, errStore
	}
	return s.MemoryDeviceStore.LoadDevice(ctx, o)
}

func (s *failingStore) SaveDevice(ctx context.Context, o DeviceOwner, d *Device) error {
	if s.fail == "save" {
		return errStore
	}
	return s.MemoryDeviceStore.SaveDevice(ctx, o, d)
}

func TestDeviceStoreErrors(t *testing.T) {
	t.Run("load", func(t *testing.T) {
		cfg := sfServe(t, newFake(t)) // no call: the login stops first
		cfg.Devices = RememberDevices(&failingStore{fail: "load"}, "")
		if err := mustSession(t, cfg).Authenticate(t.Context(), "pw"); !errors.Is(err, errStore) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("save", func(t *testing.T) {
		f := newFake(t)
		f.then(fxLoginSteps("", sfTokens(&NewDeviceMetadata{DeviceKey: fxDevice, DeviceGroupKey: fxGroup}))...)
		f.then(sfCall("ConfirmDevice", func(f *scriptFake, in map[string]any) (int, any) { return 200, map[string]any{} }))
		cfg := sfServe(t, f)
		cfg.Devices = RememberDevices(&failingStore{fail: "save"}, "")
		if err := mustSession(t, cfg).Authenticate(t.Context(), f.password); !errors.Is(err, errStore) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("not remembering", func(t *testing.T) {
		// Without Devices a new device is not confirmed (the fake fails
		// the test on a ConfirmDevice it does not expect).
		f := newFake(t)
		f.then(fxLoginSteps("", sfTokens(&NewDeviceMetadata{DeviceKey: fxDevice, DeviceGroupKey: fxGroup}))...)
		cfg := sfServe(t, f)
		if err := mustSession(t, cfg).Authenticate(t.Context(), f.password); err != nil {
			t.Errorf("err = %v", err)
		}
	})
}

// TestDeviceRegistrationFailureKeepsLogin: the tokens are good even when
// the device cannot be confirmed; the device is then not remembered, and
// the WARN says why: metadata without keys is Cognito's answer at fault
// (ErrInvalidResponse), not the caller's configuration.
func TestDeviceRegistrationFailureKeepsLogin(t *testing.T) {
	full := &NewDeviceMetadata{DeviceKey: fxDevice, DeviceGroupKey: fxGroup}
	for _, v := range []struct {
		name  string
		md    *NewDeviceMetadata
		steps []scriptStep
		why   string // in the WARN's error
	}{
		{"ConfirmDevice", full, []scriptStep{sfCall("ConfirmDevice", sfRefuse[map[string]any]("InvalidParameterException"))},
			"ConfirmDevice: InvalidParameterException"},
		{"UpdateDeviceStatus", full, []scriptStep{
			sfCall("ConfirmDevice", func(f *scriptFake, in map[string]any) (int, any) {
				return 200, map[string]any{"UserConfirmationNecessary": true}
			}),
			sfCall("UpdateDeviceStatus", sfRefuse[map[string]any]("InternalErrorException")),
		}, "UpdateDeviceStatus: InternalErrorException"},
		// Metadata without either key is not confirmed at all (the fake
		// fails the test on a ConfirmDevice it does not expect).
		{"no group key", &NewDeviceMetadata{DeviceKey: fxDevice}, nil, ErrInvalidResponse.Error() + ": NewDeviceMetadata without keys"},
		{"no device key", &NewDeviceMetadata{DeviceGroupKey: fxGroup}, nil, ErrInvalidResponse.Error() + ": NewDeviceMetadata without keys"},
	} {
		t.Run(v.name, func(t *testing.T) {
			f := newFake(t)
			f.then(fxLoginSteps("", sfTokens(v.md))...)
			f.then(v.steps...)
			cfg := sfServe(t, f)
			store := new(MemoryDeviceStore)
			cfg.Devices = RememberDevices(store, "")
			rec := new(logRecorder)
			cfg.Logger = slog.New(rec)
			s := mustSession(t, cfg)
			if err := s.Authenticate(t.Context(), f.password); err != nil || s.Tokens() == nil {
				t.Fatalf("err = %v", err)
			}
			if d, _ := store.LoadDevice(t.Context(), s.deviceOwner()); d != nil {
				t.Errorf("an unconfirmed device was remembered: %v", d)
			}
			lines := rec.lines()
			i := slices.Index(lines, "cognitosrp: the new device was not confirmed; the next login will be issued another")
			if i < 0 || !slices.ContainsFunc(lines[i:], func(l string) bool {
				return strings.HasPrefix(l, "error=") && strings.Contains(l, v.why)
			}) {
				t.Errorf("no WARN whose error says %q: %q", v.why, lines)
			}
		})
	}
}

// TestNeitherTokensNorChallenge reports a response that continues nothing.
func TestNeitherTokensNorChallenge(t *testing.T) {
	f := newFake(t)
	f.then(fxLoginSteps("", func(f *scriptFake) (int, any) { return 200, map[string]any{} })...)
	cfg := sfServe(t, f)
	err := mustSession(t, cfg).Authenticate(t.Context(), f.password)
	if !errors.Is(err, ErrInvalidResponse) || !strings.Contains(err.Error(), "RespondToAuthChallenge") {
		t.Errorf("err = %v", err)
	}
}

// TestChangedPassword: after a forced change, a login with the session's
// own (stale) password uses the new one; any other password is used as
// given.
func TestChangedPassword(t *testing.T) {
	for _, v := range []struct{ given, sent string }{{"stored", "changed"}, {"explicit", "explicit"}} {
		f := newFake(t)
		f.password = v.sent
		f.then(fxLoginSteps("", sfTokens(nil))...)
		s := mustSession(t, sfServe(t, f))
		s.password = "stored"
		changed := "changed"
		s.changedPassword.Store(&changed)
		if err := s.Authenticate(t.Context(), v.given); err != nil {
			t.Errorf("Authenticate(%s): %v", v.given, err)
		}
	}
}

// TestForgetPasswordForgetsTheNewOne: a session with ForgetPassword whose
// first login answered NEW_PASSWORD_REQUIRED drops the password it now
// has, the new one, as it drops the one it was given: it keeps neither
// (SECURITY.md, "The password").
func TestForgetPasswordForgetsTheNewOne(t *testing.T) {
	s := newPasswordSession(t)
	s.password, s.forgetPassword = fxTempPass, true // as New sets them
	if _, err := s.ValidTokens(t.Context(), AccessToken); err != nil {
		t.Fatal(err)
	}
	if s.storedPassword() != "" || s.changedPassword.Load() != nil {
		t.Errorf("after the first login the session keeps a password: given %v, new %v",
			s.storedPassword() != "", s.changedPassword.Load() != nil)
	}
}

// TestCloseAfterHandlerEndsItsGoroutine: a ChallengeHandler that ends the
// goroutine it runs in (t.FailNow from a handler in a test, a misuse, but
// a common one) leaves its login unfinished, yet Close still returns: the
// flight goroutine's bookkeeping runs in defers, which runtime.Goexit runs.
func TestCloseAfterHandlerEndsItsGoroutine(t *testing.T) {
	f := newFake(t)
	f.then(fxLoginSteps("", sfAsk(ChallengeSMSMFA, map[string]string{"USER_ID_FOR_SRP": fxInternal}))...)
	cfg := sfServe(t, f)
	asked := make(chan struct{})
	cfg.ChallengeHandler = ChallengeHandlerFunc(func(context.Context, *Challenge) (*ChallengeAnswer, error) {
		close(asked)
		runtime.Goexit()
		return nil, nil
	})
	s := mustSession(t, cfg)
	s.password = f.password // as New sets it: ValidTokens logs in by itself
	// The login runs in a flight goroutine, so the handler ends that one;
	// the caller gives up once it has. (A deadline instead could end the
	// wait, and Close the login, before the login reached the handler.)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	go func() { <-asked; cancel() }()
	if _, err := s.ValidTokens(ctx, AccessToken); !errors.Is(err, context.Canceled) {
		t.Fatalf("ValidTokens = %v, want the caller's cancellation", err)
	}
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(10 * time.Second): // a guard: Close returns at once
		t.Fatal("Close did not return after a challenge handler ended the flight's goroutine")
	}
}

// TestAuthenticateKeepsNoNewPassword: Authenticate keeps no password, not
// even the one it set answering NEW_PASSWORD_REQUIRED, when the session
// has no password of its own for it to replace.
func TestAuthenticateKeepsNoNewPassword(t *testing.T) {
	s := newPasswordSession(t)
	if err := s.Authenticate(t.Context(), fxTempPass); err != nil {
		t.Fatal(err)
	}
	if p := s.changedPassword.Load(); p != nil {
		t.Error("the session kept the new password")
	}
}

// TestAnswerNamesUserIDForSRP: a challenge naming the user both ways is
// answered with USER_ID_FOR_SRP, Cognito's internal name, in USERNAME and
// SECRET_HASH; its USERNAME may be an alias.
func TestAnswerNamesUserIDForSRP(t *testing.T) {
	f := newFake(t)
	f.then(fxLoginSteps("", sfAsk(ChallengeSMSMFA, map[string]string{"USER_ID_FOR_SRP": fxInternal, "USERNAME": fxLogin}))...)
	f.then(sfRespond(ChallengeSMSMFA, map[string]string{"SMS_MFA_CODE": "482913"}, "", sfThen[map[string]string](sfTokens(nil))))
	cfg := sfServe(t, f)
	cfg.ChallengeHandler = ChallengeHandlerFunc(func(ctx context.Context, c *Challenge) (*ChallengeAnswer, error) {
		return &ChallengeAnswer{Answer: "482913"}, nil
	})
	if err := mustSession(t, cfg).Authenticate(t.Context(), f.password); err != nil {
		t.Fatal(err)
	}
}

// TestPasswordlessOfferedPasswordSRP: a passwordless login (USER_AUTH, no
// SRP_A sent) that Cognito offers PASSWORD_SRP leaves the choice to the
// handler, here none, instead of answering with an SRP it does not have.
func TestPasswordlessOfferedPasswordSRP(t *testing.T) {
	f := newFake(t)
	f.then(sfInitiate(FlowUserAuth, map[string]string{"USERNAME": fxLogin}, "", func(f *scriptFake, p map[string]string) (int, any) {
		out := sfChallenge(ChallengeSelectChallenge, map[string]string{"USERNAME": fxInternal}, f.session())
		out["AvailableChallenges"] = []string{ChallengePasswordSRP, "EMAIL_OTP"}
		return 200, out
	}))
	cfg := sfServe(t, f)
	cfg.AuthFlow = FlowUserAuth
	err := mustSession(t, cfg).Authenticate(t.Context(), "")
	fxChallengeError(t, err, ChallengeSelectChallenge)
}

// TestSelectChallengePassword: a handler that chooses PASSWORD in a
// SELECT_CHALLENGE has the login add the session's password; a login
// without one (Authenticate with "") sends the PASSWORD the handler put
// in Responses, as given, and no empty one over it.
func TestSelectChallengePassword(t *testing.T) {
	for _, tc := range []struct {
		name, password, sent string
		initiate             map[string]string
	}{
		{"with the session's password", "Corr3ct-Horse!", "Corr3ct-Horse!",
			map[string]string{"USERNAME": fxLogin, "SRP_A": "*", "PREFERRED_CHALLENGE": ChallengePasswordSRP}},
		{"passwordless", "", "from-the-handler", map[string]string{"USERNAME": fxLogin}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.then(
				sfInitiate(FlowUserAuth, tc.initiate, "", func(f *scriptFake, p map[string]string) (int, any) {
					out := sfChallenge(ChallengeSelectChallenge, map[string]string{}, f.session())
					out["AvailableChallenges"] = []string{ChallengePassword, "EMAIL_OTP"}
					return 200, out
				}),
				sfRespond(ChallengeSelectChallenge, map[string]string{"USERNAME": fxLogin, "ANSWER": ChallengePassword, "PASSWORD": tc.sent}, "",
					sfThen[map[string]string](sfTokens(nil))),
			)
			cfg := sfServe(t, f)
			cfg.AuthFlow = FlowUserAuth
			cfg.ChallengeHandler = ChallengeHandlerFunc(func(ctx context.Context, c *Challenge) (*ChallengeAnswer, error) {
				return &ChallengeAnswer{Answer: ChallengePassword, Responses: map[string]string{"PASSWORD": "from-the-handler"}}, nil
			})
			if err := mustSession(t, cfg).Authenticate(t.Context(), tc.password); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestNoPasswordForAChoiceOutOfTurn: Cognito offers a choice of sign-in
// challenge (SELECT_CHALLENGE) in one place, its reply to InitiateAuth of
// the USER_AUTH flow. An endpoint that is not Cognito, offering PASSWORD
// anywhere else (to a login of USER_SRP_AUTH or CUSTOM_AUTH, or to one of
// USER_AUTH after its first step, even after the password's SRP claim),
// to a handler that prefers SRP but takes PASSWORD when SRP is not
// offered (as one written for USER_AUTH would), used to get the session's
// password itself, where SRP gives it at most a claim to guess at. Such a
// choice is out of turn: the login ends with a *ChallengeError, the
// handler not asked.
func TestNoPasswordForAChoiceOutOfTurn(t *testing.T) {
	const password = "Corr3ct-Horse!"
	choice := func(available ...string) reply {
		return jsonReply(map[string]any{"ChallengeName": ChallengeSelectChallenge, "Session": "s",
			"ChallengeParameters": map[string]string{"USERNAME": "u"}, "AvailableChallenges": available})
	}
	for _, tc := range []struct {
		name, flow string
		replies    []reply // to InitiateAuth, then to each RespondToAuthChallenge
	}{
		{"default", "", []reply{choice(ChallengePassword, "EMAIL_OTP")}},
		{FlowUserSRPAuth, FlowUserSRPAuth, []reply{choice(ChallengePassword, "EMAIL_OTP")}},
		{FlowCustomAuth, FlowCustomAuth, []reply{choice(ChallengePassword, "EMAIL_OTP")}},
		{"USER_SRP_AUTH after the claim", "", []reply{challenge(), choice(ChallengePassword)}},
		{"USER_AUTH after the claim", FlowUserAuth, []reply{challenge(), choice(ChallengePassword)}},
		{"USER_AUTH after choosing PASSWORD_SRP", FlowUserAuth, []reply{choice(ChallengePasswordSRP, ChallengePassword), choice(ChallengePassword)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			var bodies []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				n := len(bodies)
				bodies = append(bodies, string(b))
				mu.Unlock()
				if n < len(tc.replies) {
					tc.replies[n].write(w)
					return
				}
				errorReply(http.StatusBadRequest, "NotAuthorizedException").write(w)
			}))
			defer srv.Close()
			asked := false
			s, err := NewSession(Config{UserPoolID: testPoolID, ClientID: testClientID, Endpoint: srv.URL, AuthFlow: tc.flow,
				Retry: RetryPolicy{MaxAttempts: 1},
				ChallengeHandler: ChallengeHandlerFunc(func(ctx context.Context, c *Challenge) (*ChallengeAnswer, error) {
					asked = true
					for _, choice := range []string{ChallengePasswordSRP, ChallengePassword} {
						if slices.Contains(c.AvailableChallenges, choice) {
							return &ChallengeAnswer{Answer: choice}, nil
						}
					}
					return nil, nil
				})}, "user")
			if err != nil {
				t.Fatal(err)
			}
			err = s.Authenticate(t.Context(), password)
			if ce := (*ChallengeError)(nil); !errors.As(err, &ce) || ce.ChallengeName != ChallengeSelectChallenge || ce.Err != nil {
				t.Errorf("Authenticate = %v, want a *ChallengeError for the choice out of turn", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if asked || len(bodies) != len(tc.replies) {
				t.Errorf("handler asked: %v, %d requests; want %d, the choice not answered", asked, len(bodies), len(tc.replies))
			}
			for _, b := range bodies {
				if strings.Contains(b, password) {
					t.Errorf("the password went to the endpoint: %s", b)
				}
			}
		})
	}
}

// newPasswordSession returns a session whose login with fxTempPass meets
// NEW_PASSWORD_REQUIRED, which its handler answers with fxNewPass.
func newPasswordSession(t *testing.T) *Session {
	t.Helper()
	f := newFake(t)
	f.password = fxTempPass
	f.then(fxLoginSteps("", sfAsk(ChallengeNewPasswordRequired, map[string]string{"USER_ID_FOR_SRP": fxInternal}))...)
	f.then(sfRespond(ChallengeNewPasswordRequired, map[string]string{"NEW_PASSWORD": fxNewPass}, "",
		func(f *scriptFake, r map[string]string) (int, any) { return 200, f.tokens(true, nil) }))
	cfg := sfServe(t, f)
	cfg.ChallengeHandler = NewPassword{Password: fxNewPass}
	s := mustSession(t, cfg)
	t.Cleanup(func() { s.Close() })
	return s
}

// TestNoSecondCodeAfterAnsweredChallenge: once the handler has answered
// an MFA code, a failure of the device SRP that Cognito may ask for next
// (as amazon-cognito-identity-js's sendMFACode expects) ends the login
// with that error. Starting over would ask the handler, and the person,
// for another code, which SECURITY.md says never happens: neither a
// restart for a passing failure (InternalError) nor, when Cognito stops
// knowing the device (ResourceNotFound), a login without it; the device is
// forgotten all the same, so the next login goes without it.
func TestNoSecondCodeAfterAnsweredChallenge(t *testing.T) {
	for _, tc := range []struct {
		refusal string
		want    error
	}{
		{"InternalErrorException", ErrInternalError},
		{"ResourceNotFoundException", ErrResourceNotFound},
	} {
		f := newFake(t)
		f.then(fxLoginSteps(fxDevice, sfAsk(ChallengeSMSMFA, map[string]string{"USER_ID_FOR_SRP": fxInternal}))...)
		f.then(sfRespond(ChallengeSMSMFA, map[string]string{"SMS_MFA_CODE": "482913"}, fxDevice,
			sfThen[map[string]string](sfAsk(ChallengeDeviceSRPAuth, map[string]string{"USERNAME": fxInternal}))))
		f.then(sfRespond(ChallengeDeviceSRPAuth, map[string]string{"SRP_A": "*"}, fxDevice, sfRefuse[map[string]string](tc.refusal)))
		cfg := sfServe(t, f)
		cfg.Retry = fastRetry(3) // a restart is allowed, had no code been asked
		store := new(MemoryDeviceStore)
		owner := DeviceOwner{UserPoolID: cfg.UserPoolID, Username: fxLogin}
		if err := store.SaveDevice(t.Context(), owner, &Device{Key: fxDevice, GroupKey: fxGroup, Password: "device-password"}); err != nil {
			t.Fatal(err)
		}
		cfg.Devices = RememberDevices(store, "")
		asked := 0
		cfg.ChallengeHandler = ChallengeHandlerFunc(func(ctx context.Context, c *Challenge) (*ChallengeAnswer, error) {
			asked++
			return &ChallengeAnswer{Answer: "482913"}, nil
		})
		if err := mustSession(t, cfg).Authenticate(t.Context(), f.password); !errors.Is(err, tc.want) || asked != 1 {
			t.Errorf("%s: err = %v, handler asked %d times; want %v after one answer", tc.refusal, err, asked, tc.want)
		}
		if d, _ := store.LoadDevice(t.Context(), owner); (d == nil) != (tc.want == ErrResourceNotFound) {
			t.Errorf("%s: device remembered afterwards: %v", tc.refusal, d)
		}
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
