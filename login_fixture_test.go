// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// The challenge sequences of a login, each recorded as a fixture (see
// fixture_test.go) and each driven through the Auth RoundTripper, as an
// application would meet it.

const (
	fxSecret   = "s3cr3tcl1ents3cr3tf0rth3ch4ll3ng3t3sts000000000000"
	fxLogin    = "jane@example.com"
	fxInternal = "7d2c4a9e-5b1f-4c3d-9e8a-0f1b2c3d4e5f"
	fxNewPass  = "N3w-Passw0rd!"
	fxTempPass = "Temp0rary-Pass!"
	fxTOTPKey  = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	fxDevice   = "us-east-1_0b6f8a52-3e1d-4c7a-9f2e-5d4c3b2a1908"
	fxGroup    = "-Gr0upK3y"
)

// fxAuth returns an Auth that logs in on demand as login with password,
// on the session configuration cfg (which fixes Rand and Now). The session
// is closed when the test ends: an Auth built on a Session leaves it open,
// and its background work (the next login's prepared SRP, a renewal) would
// otherwise outlive the test.
func fxAuth(t *testing.T, cfg Config, login, password string) *Auth {
	t.Helper()
	sess, err := NewSession(cfg, login)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	sess.password = password
	a, err := New(Options{Session: sess})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// fxGet sends a request through a and returns the Authorization header the
// API received.
func fxGet(a *Auth) (string, error) {
	var got string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("Authorization")
	}))
	defer api.Close()
	resp, err := a.Client().Get(api.URL)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	return got, nil
}

// fxMustGet sends a request through a and checks that it carried the
// session's access token, issued to the internal user.
func fxMustGet(t *testing.T, a *Auth) {
	t.Helper()
	got, err := fxGet(a)
	if err != nil {
		t.Fatal(err)
	}
	tok := a.Session().Tokens()
	if tok == nil || got != "Bearer "+tok.AccessToken {
		t.Fatalf("the API got %q, not the session's access token", got)
	}
	if tok.Username != fxInternal {
		t.Errorf("tokens of %q, want %q", tok.Username, fxInternal)
	}
}

// fxLoginSteps are InitiateAuth (USER_SRP_AUTH) and PASSWORD_VERIFIER,
// with then answering the claim.
func fxLoginSteps(deviceKey string, then func(f *scriptFake) (int, any)) []scriptStep {
	return []scriptStep{
		sfInitiate(FlowUserSRPAuth, map[string]string{"USERNAME": fxLogin, "SRP_A": "*"}, deviceKey, sfPasswordVerifier),
		sfRespond(ChallengePasswordVerifier, claimKeys, deviceKey, sfClaim(then)),
	}
}

// fxChallengeError checks that err is a *ChallengeError for name that
// keeps the session and the internal name.
func fxChallengeError(t *testing.T, err error, name string) *ChallengeError {
	t.Helper()
	var ce *ChallengeError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a *ChallengeError", err)
	}
	if ce.ChallengeName != name || ce.Username != fxInternal || !strings.HasPrefix(ce.Session, "fake-session-") {
		t.Errorf("ChallengeError{%s, user %s, session set %v}", ce.ChallengeName, ce.Username, ce.Session != "")
	}
	if strings.Contains(err.Error(), ce.Session) {
		t.Errorf("the error reveals the challenge session: %v", err)
	}
	return ce
}

// fxCode answers the code challenges with fixed codes, checking what the
// challenge says of the delivery.
func fxCode(t *testing.T, medium, destination string) ChallengeHandler {
	return ChallengeHandlerFunc(func(ctx context.Context, c *Challenge) (*ChallengeAnswer, error) {
		if c.DeliveryMedium != medium || c.DeliveryDestination != destination || c.Username != fxInternal {
			t.Errorf("%s: delivery %q to %q for %q", c.Name, c.DeliveryMedium, c.DeliveryDestination, c.Username)
		}
		return &ChallengeAnswer{Answer: "482913"}, nil
	})
}

var challengeScenarios = []fxScenario{
	{
		// The classic secret-hash bug: the user types an e-mail address,
		// Cognito's name for the user is a UUID, and every call after
		// InitiateAuth (the claim, the refresh) must hash the UUID.
		name: "srp-secret-alias", secret: fxSecret, login: fxLogin, internal: fxInternal,
		script: func(f *scriptFake) {
			f.then(fxLoginSteps("", sfTokens(nil))...)
			f.then(sfInitiate(FlowRefreshTokenAuth, map[string]string{"REFRESH_TOKEN": "fake-refresh-token-2"}, "",
				sfThen[map[string]string](func(f *scriptFake) (int, any) { return 200, f.tokens(true, nil) })))
		},
		run: func(t *testing.T, f *scriptFake, cfg Config) {
			a := fxAuth(t, cfg, fxLogin, f.password)
			fxMustGet(t, a)
			first := a.Session().Tokens()
			if err := a.Session().Refresh(t.Context()); err != nil {
				t.Fatal(err)
			}
			fxMustGet(t, a)
			if now := a.Session().Tokens(); now.AccessToken == first.AccessToken || now.RefreshToken != first.RefreshToken {
				t.Error("the refresh did not renew the access token and keep the refresh token")
			}
		},
	},
	{
		// An administrator created the user: a new password and a required
		// attribute, after which the session logs in with the new password.
		name: "new-password-required", secret: fxSecret, login: fxLogin, internal: fxInternal,
		script: func(f *scriptFake) {
			f.password = fxTempPass
			f.then(fxLoginSteps("", sfAsk(ChallengeNewPasswordRequired, map[string]string{
				"USER_ID_FOR_SRP":    fxInternal,
				"userAttributes":     `{"email":"jane@example.com","email_verified":"true"}`,
				"requiredAttributes": `["userAttributes.name"]`,
			}))...)
			f.then(sfRespond(ChallengeNewPasswordRequired, map[string]string{"NEW_PASSWORD": fxNewPass, "userAttributes.name": "Jane Doe"}, "",
				func(f *scriptFake, r map[string]string) (int, any) {
					f.password = r["NEW_PASSWORD"]
					return 200, f.tokens(false, nil)
				}))
			// The next login proves the new password.
			f.then(fxLoginSteps("", sfTokens(nil))...)
		},
		run: func(t *testing.T, f *scriptFake, cfg Config) {
			cfg.ChallengeHandler = ChallengeHandlers{
				ChallengeHandlerFunc(func(ctx context.Context, c *Challenge) (*ChallengeAnswer, error) {
					if c.Name == ChallengeNewPasswordRequired &&
						(!slices.Equal(c.RequiredAttributes, []string{"name"}) || c.UserAttributes["email"] != fxLogin) {
						t.Errorf("decoded %v and %v", c.RequiredAttributes, c.UserAttributes)
					}
					return nil, nil
				}),
				NewPassword{Password: fxNewPass, Attributes: map[string]string{"name": "Jane Doe"}},
			}
			a := fxAuth(t, cfg, fxLogin, fxTempPass)
			fxMustGet(t, a)
			a.Session().SetTokens(nil)
			fxMustGet(t, a)
		},
	},
	{
		name: "sms-mfa", secret: fxSecret, login: fxLogin, internal: fxInternal,
		script: func(f *scriptFake) {
			f.then(fxLoginSteps("", sfAsk(ChallengeSMSMFA, map[string]string{
				"USER_ID_FOR_SRP":               fxInternal,
				"CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
				"CODE_DELIVERY_DESTINATION":     "+*******0123",
			}))...)
			f.then(sfRespond(ChallengeSMSMFA, map[string]string{"SMS_MFA_CODE": "482913"}, "", sfThen[map[string]string](sfTokens(nil))))
		},
		run: func(t *testing.T, f *scriptFake, cfg Config) {
			cfg.ChallengeHandler = fxCode(t, "SMS", "+*******0123")
			fxMustGet(t, fxAuth(t, cfg, fxLogin, f.password))
		},
	},
	{
		name: "software-token-mfa", secret: fxSecret, login: fxLogin, internal: fxInternal,
		script: func(f *scriptFake) {
			f.then(fxLoginSteps("", sfAsk(ChallengeSoftwareTokenMFA, map[string]string{"USER_ID_FOR_SRP": fxInternal}))...)
			code, _ := TOTP{Secret: fxTOTPKey}.Code(fxNow)
			f.then(sfRespond(ChallengeSoftwareTokenMFA, map[string]string{"SOFTWARE_TOKEN_MFA_CODE": code}, "", sfThen[map[string]string](sfTokens(nil))))
		},
		run: func(t *testing.T, f *scriptFake, cfg Config) {
			cfg.ChallengeHandler = TOTP{Secret: fxTOTPKey, Now: cfg.Now}
			fxMustGet(t, fxAuth(t, cfg, fxLogin, f.password))
		},
	},
	{
		name: "email-otp", secret: fxSecret, login: fxLogin, internal: fxInternal,
		script: func(f *scriptFake) {
			f.then(fxLoginSteps("", sfAsk(ChallengeEmailOTP, map[string]string{
				"USER_ID_FOR_SRP":               fxInternal,
				"CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
				"CODE_DELIVERY_DESTINATION":     "j***@e***",
			}))...)
			f.then(sfRespond(ChallengeEmailOTP, map[string]string{"EMAIL_OTP_CODE": "482913"}, "", sfThen[map[string]string](sfTokens(nil))))
		},
		run: func(t *testing.T, f *scriptFake, cfg Config) {
			cfg.ChallengeHandler = fxCode(t, "EMAIL", "j***@e***")
			fxMustGet(t, fxAuth(t, cfg, fxLogin, f.password))
		},
	},
	{
		// The user has two MFA types; the TOTP handler picks its own.
		name: "select-mfa-type", secret: fxSecret, login: fxLogin, internal: fxInternal,
		script: func(f *scriptFake) {
			f.then(fxLoginSteps("", sfAsk(ChallengeSelectMFAType, map[string]string{
				"USER_ID_FOR_SRP": fxInternal,
				"MFAS_CAN_CHOOSE": `["SMS_MFA","SOFTWARE_TOKEN_MFA"]`,
			}))...)
			f.then(sfRespond(ChallengeSelectMFAType, map[string]string{"ANSWER": ChallengeSoftwareTokenMFA}, "",
				sfThen[map[string]string](sfAsk(ChallengeSoftwareTokenMFA, map[string]string{"USER_ID_FOR_SRP": fxInternal}))))
			code, _ := TOTP{Secret: fxTOTPKey}.Code(fxNow)
			f.then(sfRespond(ChallengeSoftwareTokenMFA, map[string]string{"SOFTWARE_TOKEN_MFA_CODE": code}, "", sfThen[map[string]string](sfTokens(nil))))
		},
		run: func(t *testing.T, f *scriptFake, cfg Config) {
			cfg.ChallengeHandler = ChallengeHandlers{NewPassword{Password: fxNewPass}, TOTP{Secret: fxTOTPKey, Now: cfg.Now}}
			fxMustGet(t, fxAuth(t, cfg, fxLogin, f.password))
		},
	},
	{
		// CUSTOM_AUTH starting with SRP, then two custom challenges.
		name: "custom-auth", secret: fxSecret, login: fxLogin, internal: fxInternal,
		script: func(f *scriptFake) {
			f.then(
				sfInitiate(FlowCustomAuth, map[string]string{"USERNAME": fxLogin, "SRP_A": "*", "CHALLENGE_NAME": "SRP_A"}, "", sfPasswordVerifier),
				sfRespond(ChallengePasswordVerifier, claimKeys, "", sfClaim(sfAsk(ChallengeCustom, map[string]string{"USERNAME": fxInternal, "question": "2+2"}))),
				sfRespond(ChallengeCustom, map[string]string{"ANSWER": "4"}, "",
					sfThen[map[string]string](sfAsk(ChallengeCustom, map[string]string{"USERNAME": fxInternal, "question": "3+4"}))),
				sfRespond(ChallengeCustom, map[string]string{"ANSWER": "7"}, "", sfThen[map[string]string](sfTokens(nil))),
			)
		},
		run: func(t *testing.T, f *scriptFake, cfg Config) {
			cfg.AuthFlow = FlowCustomAuth
			cfg.ChallengeHandler = ChallengeHandlerFunc(func(ctx context.Context, c *Challenge) (*ChallengeAnswer, error) {
				answers := map[string]string{"2+2": "4", "3+4": "7"}
				if c.Name != ChallengeCustom {
					return nil, nil
				}
				return &ChallengeAnswer{Answer: answers[c.Parameters["question"]]}, nil
			})
			fxMustGet(t, fxAuth(t, cfg, fxLogin, f.password))
		},
	},
	{
		// MFA_SETUP needs a person and AssociateSoftwareToken: a typed
		// error that keeps what a caller needs to continue.
		name: "mfa-setup", secret: fxSecret, login: fxLogin, internal: fxInternal,
		script: func(f *scriptFake) {
			f.then(fxLoginSteps("", sfAsk(ChallengeMFASetup, map[string]string{
				"USER_ID_FOR_SRP": fxInternal, "MFAS_CAN_SETUP": `["SOFTWARE_TOKEN_MFA"]`,
			}))...)
		},
		run: func(t *testing.T, f *scriptFake, cfg Config) {
			cfg.ChallengeHandler = TOTP{Secret: fxTOTPKey, Now: cfg.Now}
			_, err := fxGet(fxAuth(t, cfg, fxLogin, f.password))
			fxChallengeError(t, err, ChallengeMFASetup)
		},
	},
	{
		// A challenge no handler knows: the same typed error, no panic.
		name: "unknown-challenge", secret: fxSecret, login: fxLogin, internal: fxInternal,
		script: func(f *scriptFake) {
			f.then(fxLoginSteps("", sfAsk("FUTURE_CHALLENGE", map[string]string{"USER_ID_FOR_SRP": fxInternal}))...)
		},
		run: func(t *testing.T, f *scriptFake, cfg Config) {
			cfg.ChallengeHandler = ChallengeHandlers{NewPassword{Password: fxNewPass}, TOTP{Secret: fxTOTPKey}}
			_, err := fxGet(fxAuth(t, cfg, fxLogin, f.password))
			fxChallengeError(t, err, "FUTURE_CHALLENGE")
		},
	},
	{
		// A new device is confirmed and remembered (the pool leaves that
		// to the user); the refresh and the next login send its key, and
		// the login proves the device password with device SRP.
		name: "device-lifecycle", secret: fxSecret, login: fxLogin, internal: fxInternal,
		script: func(f *scriptFake) {
			f.then(fxLoginSteps("", sfTokens(&NewDeviceMetadata{DeviceKey: fxDevice, DeviceGroupKey: fxGroup}))...)
			f.then(
				sfCall("ConfirmDevice", func(f *scriptFake, in map[string]any) (int, any) {
					if in["AccessToken"] != f.lastAccess || in["DeviceKey"] != fxDevice || in["DeviceName"] != "ci-runner" {
						f.t.Errorf("ConfirmDevice: token %v, key %v, name %v", in["AccessToken"] == f.lastAccess, in["DeviceKey"], in["DeviceName"])
					}
					f.confirm(in, fxGroup)
					return 200, map[string]any{"UserConfirmationNecessary": true}
				}),
				sfCall("UpdateDeviceStatus", func(f *scriptFake, in map[string]any) (int, any) {
					if in["AccessToken"] != f.lastAccess || in["DeviceKey"] != fxDevice || in["DeviceRememberedStatus"] != "remembered" {
						f.t.Errorf("UpdateDeviceStatus: %v", in["DeviceRememberedStatus"])
					}
					return 200, map[string]any{}
				}),
				sfInitiate(FlowRefreshTokenAuth, map[string]string{"REFRESH_TOKEN": "*"}, fxDevice,
					sfThen[map[string]string](func(f *scriptFake) (int, any) { return 200, f.tokens(true, nil) })),
			)
			f.then(fxLoginSteps(fxDevice, sfAsk(ChallengeDeviceSRPAuth, map[string]string{}))...)
			f.then(
				sfRespond(ChallengeDeviceSRPAuth, map[string]string{"SRP_A": "*"}, fxDevice, func(f *scriptFake, r map[string]string) (int, any) {
					return 200, f.startDeviceSRP(fxDevice, r["SRP_A"])
				}),
				sfRespond(ChallengeDevicePasswordVerifier, claimKeys, fxDevice, sfClaim(sfTokens(nil))),
			)
		},
		run: func(t *testing.T, f *scriptFake, cfg Config) {
			store := new(MemoryDeviceStore)
			cfg.Devices = RememberDevices(store, "ci-runner")
			a := fxAuth(t, cfg, fxLogin, f.password)
			fxMustGet(t, a)
			d, err := store.LoadDevice(t.Context(), DeviceOwner{UserPoolID: cfg.UserPoolID, Username: fxLogin})
			if err != nil || d == nil || d.Key != fxDevice || d.GroupKey != fxGroup || len(d.Password) != 56 {
				t.Fatalf("remembered device %v, %v", d, err)
			}
			if err := a.Session().Refresh(t.Context()); err != nil {
				t.Fatal(err)
			}
			a.Session().SetTokens(nil)
			fxMustGet(t, a)
		},
	},
	{
		// Cognito forgot the remembered device: forget it too, log in
		// once more without it and remember the new one.
		name: "device-forgotten", secret: fxSecret, login: fxLogin, internal: fxInternal,
		script: func(f *scriptFake) {
			f.then(sfInitiate(FlowUserSRPAuth, map[string]string{"USERNAME": fxLogin, "SRP_A": "*"}, "us-east-1_stale",
				func(f *scriptFake, p map[string]string) (int, any) {
					return 400, sfErr("ResourceNotFoundException", "Device does not exist.")
				}))
			f.then(fxLoginSteps("", sfTokens(&NewDeviceMetadata{DeviceKey: fxDevice, DeviceGroupKey: fxGroup}))...)
			f.then(sfCall("ConfirmDevice", func(f *scriptFake, in map[string]any) (int, any) {
				f.confirm(in, fxGroup)
				return 200, map[string]any{"UserConfirmationNecessary": false}
			}))
		},
		run: func(t *testing.T, f *scriptFake, cfg Config) {
			store := new(MemoryDeviceStore)
			owner := DeviceOwner{UserPoolID: cfg.UserPoolID, Username: fxLogin}
			store.SaveDevice(t.Context(), owner, &Device{Key: "us-east-1_stale", GroupKey: "-0ld", Password: "old-device-password"})
			cfg.Devices = RememberDevices(store, "")
			fxMustGet(t, fxAuth(t, cfg, fxLogin, f.password))
			if d, _ := store.LoadDevice(t.Context(), owner); d == nil || d.Key != fxDevice {
				t.Errorf("remembered %v, want the new device", d)
			}
		},
	},
	{
		// Choice-based sign-in: Cognito offers a choice, the login takes
		// PASSWORD_SRP. Before a challenge names the user, the answer
		// carries the login name.
		name: "user-auth-select-challenge", secret: fxSecret, login: fxLogin, internal: fxInternal,
		script: func(f *scriptFake) {
			var a string
			f.then(
				sfInitiate(FlowUserAuth, map[string]string{"USERNAME": fxLogin, "SRP_A": "*", "PREFERRED_CHALLENGE": "PASSWORD_SRP"}, "",
					func(f *scriptFake, p map[string]string) (int, any) {
						a = p["SRP_A"]
						out := sfChallenge(ChallengeSelectChallenge, map[string]string{}, f.session())
						out["AvailableChallenges"] = []string{"EMAIL_OTP", "PASSWORD_SRP", "PASSWORD"}
						return 200, out
					}),
				sfRespond(ChallengeSelectChallenge, map[string]string{"USERNAME": fxLogin, "ANSWER": "PASSWORD_SRP", "SRP_A": "*"}, "",
					func(f *scriptFake, r map[string]string) (int, any) {
						if r["SRP_A"] != a {
							f.t.Error("SELECT_CHALLENGE: SRP_A differs from the InitiateAuth one")
						}
						return sfPasswordVerifier(f, r)
					}),
				sfRespond(ChallengePasswordVerifier, claimKeys, "", sfClaim(sfTokens(nil))),
			)
		},
		run: func(t *testing.T, f *scriptFake, cfg Config) {
			cfg.AuthFlow = FlowUserAuth
			fxMustGet(t, fxAuth(t, cfg, fxLogin, f.password))
		},
	},
	{
		// Passwordless choice-based sign-in: the handler picks EMAIL_OTP
		// and then answers the code.
		name: "user-auth-email-otp", secret: fxSecret, login: fxLogin, internal: fxInternal,
		script: func(f *scriptFake) {
			f.then(
				sfInitiate(FlowUserAuth, map[string]string{"USERNAME": fxLogin}, "", func(f *scriptFake, p map[string]string) (int, any) {
					out := sfChallenge(ChallengeSelectChallenge, map[string]string{}, f.session())
					out["AvailableChallenges"] = []string{"EMAIL_OTP", "SMS_OTP"}
					return 200, out
				}),
				sfRespond(ChallengeSelectChallenge, map[string]string{"USERNAME": fxLogin, "ANSWER": "EMAIL_OTP"}, "",
					sfThen[map[string]string](sfAsk(ChallengeEmailOTP, map[string]string{
						"USERNAME":                      fxInternal,
						"CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
						"CODE_DELIVERY_DESTINATION":     "j***@e***",
					}))),
				sfRespond(ChallengeEmailOTP, map[string]string{"EMAIL_OTP_CODE": "482913"}, "", sfThen[map[string]string](sfTokens(nil))),
			)
		},
		run: func(t *testing.T, f *scriptFake, cfg Config) {
			code := fxCode(t, "EMAIL", "j***@e***")
			cfg.AuthFlow = FlowUserAuth
			cfg.ChallengeHandler = ChallengeHandlerFunc(func(ctx context.Context, c *Challenge) (*ChallengeAnswer, error) {
				if c.Name == ChallengeSelectChallenge {
					if !slices.Equal(c.AvailableChallenges, []string{"EMAIL_OTP", "SMS_OTP"}) {
						t.Errorf("AvailableChallenges = %v", c.AvailableChallenges)
					}
					return &ChallengeAnswer{Answer: ChallengeEmailOTP}, nil
				}
				return code.HandleChallenge(ctx, c)
			})
			sess, err := NewSession(cfg, fxLogin)
			if err != nil {
				t.Fatal(err)
			}
			if err := sess.Authenticate(t.Context(), ""); err != nil {
				t.Fatal(err)
			}
			a, err := New(Options{Session: sess})
			if err != nil {
				t.Fatal(err)
			}
			fxMustGet(t, a)
		},
	},
	{
		// USER_PASSWORD_AUTH, opted into, with the alias and an MFA step.
		name: "user-password-auth", secret: fxSecret, login: fxLogin, internal: fxInternal,
		script: func(f *scriptFake) {
			f.then(
				sfInitiate(FlowUserPasswordAuth, map[string]string{"USERNAME": fxLogin, "PASSWORD": "Corr3ct-Horse!"}, "",
					sfThen[map[string]string](sfAsk(ChallengeSMSMFA, map[string]string{
						"USER_ID_FOR_SRP":               fxInternal,
						"CODE_DELIVERY_DELIVERY_MEDIUM": "SMS",
						"CODE_DELIVERY_DESTINATION":     "+*******0123",
					}))),
				sfRespond(ChallengeSMSMFA, map[string]string{"SMS_MFA_CODE": "482913"}, "", sfThen[map[string]string](sfTokens(nil))),
			)
		},
		run: func(t *testing.T, f *scriptFake, cfg Config) {
			cfg.AuthFlow = FlowUserPasswordAuth
			cfg.ChallengeHandler = fxCode(t, "SMS", "+*******0123")
			fxMustGet(t, fxAuth(t, cfg, fxLogin, f.password))
		},
	},
}
