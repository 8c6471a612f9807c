// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// deviceSecret is what a client keeps for a remembered device.
type deviceSecret struct {
	key, group, password string
}

// confirmDevice makes a device password and its verifier with the root
// package, as a client does, and confirms the device with the access token
// (confirmWithClient, without its UserConfirmationNecessary).
func confirmDevice(t *testing.T, r *raw, accessToken string, meta *cognitosrp.NewDeviceMetadata) deviceSecret {
	t.Helper()
	d, _ := confirmWithClient(t, r, accessToken, meta)
	return d
}

// deviceLogin logs in with SRP and then device SRP.
func deviceLogin(t *testing.T, r *raw, user, password string, d deviceSecret) (*cognitosrp.AuthOutput, error) {
	t.Helper()
	return proveDevice(t, r, expectChallenge(t, "DEVICE_SRP_AUTH")(r.srpLogin(user, password, map[string]string{"DEVICE_KEY": d.key})), user, d)
}

// proveDevice answers DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER with d.
func proveDevice(t *testing.T, r *raw, ch *cognitosrp.AuthOutput, user string, d deviceSecret) (*cognitosrp.AuthOutput, error) {
	t.Helper()
	srp, err := cognitosrp.NewSRP(d.group, nil)
	if err != nil {
		t.Fatal(err)
	}
	ch = expectChallenge(t, "DEVICE_PASSWORD_VERIFIER")(r.respond("DEVICE_SRP_AUTH", ch.Session,
		r.withHash(map[string]string{"USERNAME": user, "DEVICE_KEY": d.key, "SRP_A": srp.A()}, user)))
	pc, err := cognitosrp.ParsePasswordChallenge(ch.ChallengeParameters)
	if err != nil {
		t.Fatal(err)
	}
	// In device SRP the user id is the device key.
	pc.UserIDForSRP = ch.ChallengeParameters["DEVICE_KEY"]
	claim, err := srp.PasswordClaim(pc, d.password, r.now())
	if err != nil {
		t.Fatal(err)
	}
	resp := r.withHash(claim.ChallengeResponses(), user)
	resp["USERNAME"], resp["DEVICE_KEY"] = user, d.key
	return r.respond("DEVICE_PASSWORD_VERIFIER", ch.Session, resp)
}

func TestDeviceTracking(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true, ClientSecret: "dev"})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123", SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}})
	r := newRaw(t, srv)

	// The first login passes MFA and gets a new device.
	ch := expectChallenge(t, "SMS_MFA")(r.srpLogin("alice", "pw-alice-123", nil))
	first := expectTokens(t)(r.respond("SMS_MFA", ch.Session, r.withHash(map[string]string{"USERNAME": "alice", "SMS_MFA_CODE": cognitotest.DefaultMFACode}, "alice")))
	meta := first.NewDeviceMetadata
	if meta == nil || !strings.HasPrefix(meta.DeviceKey, "us-east-1_") || !strings.HasPrefix(meta.DeviceGroupKey, "-") {
		t.Fatalf("NewDeviceMetadata = %+v", meta)
	}
	refresh := func(deviceKey string) error {
		p := r.withHash(map[string]string{"REFRESH_TOKEN": first.RefreshToken}, "alice")
		if deviceKey != "" {
			p["DEVICE_KEY"] = deviceKey
		}
		_, err := r.initiate("REFRESH_TOKEN_AUTH", p)
		return err
	}
	// Until the device is confirmed, its refresh token does not work
	// (Cognito's message ends in a period: aws-sdk-cpp issue 1789 quotes the
	// body, aws-sdk-js-v3 issue 7162 GetTokensFromRefreshToken's).
	wantAPIError(t, refresh(meta.DeviceKey), "NotAuthorizedException", "Invalid Refresh Token.")

	d := confirmDevice(t, r, first.AccessToken, meta)
	if devs := srv.Devices("alice"); len(devs) != 1 || !devs[0].Confirmed || devs[0].Name != "test laptop" {
		t.Fatalf("Devices = %+v", devs)
	}
	if err := refresh(meta.DeviceKey); err != nil {
		t.Fatalf("refresh with the device key: %v", err)
	}
	wantAPIError(t, refresh(""), "NotAuthorizedException", "Invalid Refresh Token.")

	// A login on the remembered device runs device SRP and skips MFA.
	res := expectTokens(t)(deviceLogin(t, r, "alice", "pw-alice-123", d))
	if res.NewDeviceMetadata != nil {
		t.Errorf("a login on a remembered device got a new device")
	}
	cl, err := srv.VerifyAccessToken(res.AccessToken)
	if err != nil || cl.Raw["device_key"] != d.key {
		t.Errorf("access token device_key = %v, %v", cl.Raw["device_key"], err)
	}

	// Device SRP refuses A ≡ 0 (mod N) as the password exchange does.
	ch = expectChallenge(t, "DEVICE_SRP_AUTH")(r.srpLogin("alice", "pw-alice-123", map[string]string{"DEVICE_KEY": d.key}))
	_, err = r.respond("DEVICE_SRP_AUTH", ch.Session,
		r.withHash(map[string]string{"USERNAME": "alice", "DEVICE_KEY": d.key, "SRP_A": cognitotest.PrimeN().Text(16)}, "alice"))
	wantAPIError(t, err, "InvalidParameterException", "Invalid SRP_A value.")

	// The wrong device password fails.
	wrong := d
	wrong.password = "not it"
	wantAPIError(t, second(deviceLogin(t, r, "alice", "pw-alice-123", wrong)), "NotAuthorizedException", "Incorrect username or password.")

	// A forgotten device is refused, as Cognito does.
	if err := srv.ForgetDevice(d.key); err != nil {
		t.Fatal(err)
	}
	_, err = r.srpLogin("alice", "pw-alice-123", map[string]string{"DEVICE_KEY": d.key})
	wantAPIError(t, err, "ResourceNotFoundException", "Device does not exist.")
	wantAPIError(t, refresh(d.key), "NotAuthorizedException", "")

	// The session survives the refusal: a client answers again without the
	// device (DEVICE_KEY null), as the official JavaScript client does.
	srp, _ := cognitosrp.NewSRP(r.poolName(), nil)
	ch, err = r.initiate("USER_SRP_AUTH", r.withHash(map[string]string{"USERNAME": "alice", "SRP_A": srp.A(), "DEVICE_KEY": d.key}, "alice"))
	if err != nil {
		t.Fatal(err)
	}
	resp := r.withHash(r.claim(srp, ch, "pw-alice-123"), "alice")
	resp["DEVICE_KEY"] = d.key
	_, err = r.respond("PASSWORD_VERIFIER", ch.Session, resp)
	wantAPIError(t, err, "ResourceNotFoundException", "Device does not exist.")
	var again cognitosrp.AuthOutput
	err = r.api.Call(t.Context(), "RespondToAuthChallenge", map[string]any{
		"ChallengeName": "PASSWORD_VERIFIER", "ClientId": srv.ClientID(), "Session": ch.Session,
		"ChallengeResponses": map[string]any{
			"USERNAME": resp["USERNAME"], "PASSWORD_CLAIM_SECRET_BLOCK": resp["PASSWORD_CLAIM_SECRET_BLOCK"],
			"PASSWORD_CLAIM_SIGNATURE": resp["PASSWORD_CLAIM_SIGNATURE"], "TIMESTAMP": resp["TIMESTAMP"],
			"SECRET_HASH": resp["SECRET_HASH"], "DEVICE_KEY": nil,
		},
	}, &again)
	expectChallenge(t, "SMS_MFA")(&again, err)
}

// second returns the error of a step.
func second(_ *cognitosrp.AuthOutput, err error) error { return err }

// TestDeletedUserLeavesNothingToItsNamesake: a user deleted and added
// again under the same name is a new user, as in Cognito: the old user's
// remembered device does not stand in for the new one's second factor,
// and the old user's unfinished login does not end as the new one's.
func TestDeletedUserLeavesNothingToItsNamesake(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123", SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}})
	r := newRaw(t, srv)
	code := map[string]string{"USERNAME": "alice", "SMS_MFA_CODE": cognitotest.DefaultMFACode}
	ch := expectChallenge(t, "SMS_MFA")(r.srpLogin("alice", "pw-alice-123", nil))
	first := expectTokens(t)(r.respond("SMS_MFA", ch.Session, code))
	d := confirmDevice(t, r, first.AccessToken, first.NewDeviceMetadata)
	pending := expectChallenge(t, "SMS_MFA")(r.srpLogin("alice", "pw-alice-123", nil))

	if err := srv.DeleteUser("alice"); err != nil {
		t.Fatal(err)
	}
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "new-alice-456", SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}})
	if devs := srv.Devices("alice"); len(devs) != 0 {
		t.Errorf("the new alice has the old one's devices: %+v", devs)
	}
	_, err := r.srpLogin("alice", "new-alice-456", map[string]string{"DEVICE_KEY": d.key})
	wantAPIError(t, err, "ResourceNotFoundException", "Device does not exist.")
	// The old password's login, waiting for its code, is not the new
	// user's.
	_, err = r.respond("SMS_MFA", pending.Session, code)
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session")
}

// TestCustomAnswerNamesDevice: a CUSTOM_AUTH login that names its device
// in the answer to CUSTOM_CHALLENGE only, as the official JavaScript
// client's sendCustomChallengeAnswer does after initiateAuth (which sends
// no DEVICE_KEY), proves that device instead of getting a new one; and so
// does one that names it in InitiateAuth only.
func TestCustomAnswerNamesDevice(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
	addUser(t, srv, cognitotest.User{Username: "cus", Password: "pw-cus-1234",
		CustomChallenge: map[string]string{"question": "colour?"}, CustomAnswer: "blue"})
	r := newRaw(t, srv)
	ch := expectChallenge(t, "CUSTOM_CHALLENGE")(r.initiate("CUSTOM_AUTH", map[string]string{"USERNAME": "cus"}))
	first := expectTokens(t)(r.respond("CUSTOM_CHALLENGE", ch.Session, map[string]string{"USERNAME": "cus", "ANSWER": "blue"}))
	d := confirmDevice(t, r, first.AccessToken, first.NewDeviceMetadata)

	ch = expectChallenge(t, "CUSTOM_CHALLENGE")(r.initiate("CUSTOM_AUTH", map[string]string{"USERNAME": "cus"}))
	ch = expectChallenge(t, "DEVICE_SRP_AUTH")(r.respond("CUSTOM_CHALLENGE", ch.Session,
		map[string]string{"USERNAME": "cus", "ANSWER": "blue", "DEVICE_KEY": d.key}))
	res := expectTokens(t)(proveDevice(t, r, ch, "cus", d))
	if res.NewDeviceMetadata != nil {
		t.Errorf("a login on a remembered device got a new device")
	}
	if devs := srv.Devices("cus"); len(devs) != 1 {
		t.Errorf("Devices = %+v, want the one remembered", devs)
	}

	// A device named in InitiateAuth, and not again in the answer, is
	// still the login's: an answer without DEVICE_KEY does not forget it.
	ch = expectChallenge(t, "CUSTOM_CHALLENGE")(r.initiate("CUSTOM_AUTH", map[string]string{"USERNAME": "cus", "DEVICE_KEY": d.key}))
	ch = expectChallenge(t, "DEVICE_SRP_AUTH")(r.respond("CUSTOM_CHALLENGE", ch.Session,
		map[string]string{"USERNAME": "cus", "ANSWER": "blue"}))
	res = expectTokens(t)(proveDevice(t, r, ch, "cus", d))
	if res.NewDeviceMetadata != nil {
		t.Errorf("a login naming its remembered device in InitiateAuth got a new device")
	}
	if devs := srv.Devices("cus"); len(devs) != 1 {
		t.Errorf("Devices = %+v, want the one remembered", devs)
	}
}

// TestDeletedUserLeavesNoTOTPAssociation: a TOTP secret that a deleted
// user asked for (AssociateSoftwareToken with an access token) and never
// verified is not the new namesake's: VerifySoftwareToken with a code of
// it fails as for a user who never asked, and the new user gets no second
// factor it did not set up.
func TestDeletedUserLeavesNoTOTPAssociation(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	old, err := srv.IssueTokens("alice")
	if err != nil {
		t.Fatal(err)
	}
	var assoc struct{ SecretCode string }
	if err := r.api.Call(t.Context(), "AssociateSoftwareToken", map[string]string{"AccessToken": old.AccessToken}, &assoc); err != nil {
		t.Fatal(err)
	}

	if err := srv.DeleteUser("alice"); err != nil {
		t.Fatal(err)
	}
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "new-alice-456"})
	fresh, err := srv.IssueTokens("alice")
	if err != nil {
		t.Fatal(err)
	}
	code, err := (cognitosrp.TOTP{Secret: assoc.SecretCode}).Code(srv.Now())
	if err != nil {
		t.Fatal(err)
	}
	err = r.api.Call(t.Context(), "VerifySoftwareToken", map[string]string{"AccessToken": fresh.AccessToken, "UserCode": code}, new(struct{}))
	wantAPIError(t, err, "EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
	if u, _ := srv.User("alice"); u.SoftwareTokenMFA || u.TOTPSecret != "" {
		t.Errorf("the new alice has the old one's TOTP secret: SoftwareTokenMFA %v", u.SoftwareTokenMFA)
	}
}

// aliceTwiceAndBob starts an emulator with cfg, adds alice and bob, logs
// alice in twice and bob once, and returns the emulator, the raw client
// and the three logins' tokens; in a pool that tracks devices, each login
// is issued a device.
func aliceTwiceAndBob(t *testing.T, cfg cognitotest.Config) (srv *cognitotest.Server, r *raw, first, second, bob *cognitosrp.AuthenticationResult) {
	t.Helper()
	srv = cognitotest.NewServer(t, cfg)
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	addUser(t, srv, cognitotest.User{Username: "bob", Password: "pw-bob-1234"})
	r = newRaw(t, srv)
	first = expectTokens(t)(r.srpLogin("alice", "pw-alice-123", nil))
	second = expectTokens(t)(r.srpLogin("alice", "pw-alice-123", nil))
	bob = expectTokens(t)(r.srpLogin("bob", "pw-bob-1234", nil))
	return srv, r, first, second, bob
}

// TestDeviceChecks: a device proves a login only for the user it was
// issued to, once confirmed, and with the DEVICE_KEY the login started
// with; ConfirmDevice and ForgetDevice act only on the caller's devices.
func TestDeviceChecks(t *testing.T) {
	srv, r, first, second, bob := aliceTwiceAndBob(t, cognitotest.Config{DeviceTracking: true})
	d1 := confirmDevice(t, r, first.AccessToken, first.NewDeviceMetadata)
	unconfirmed := second.NewDeviceMetadata.DeviceKey

	// Another user's access token neither confirms nor forgets the device.
	_, verifier, err := cognitosrp.NewDeviceVerifier(second.NewDeviceMetadata.DeviceGroupKey, unconfirmed, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.call("ConfirmDevice", map[string]any{"AccessToken": bob.AccessToken, "DeviceKey": unconfirmed, "DeviceSecretVerifierConfig": verifier})
	wantAPIError(t, err, "ResourceNotFoundException", "Device does not exist.")
	_, err = r.call("ConfirmDevice", map[string]any{"AccessToken": second.AccessToken, "DeviceSecretVerifierConfig": verifier})
	wantAPIError(t, err, "InvalidParameterException", "deviceKey")
	_, err = r.call("ForgetDevice", map[string]any{"AccessToken": bob.AccessToken, "DeviceKey": d1.key})
	wantAPIError(t, err, "ResourceNotFoundException", "Device does not exist.")
	if devs := srv.Devices("alice"); len(devs) != 2 || devs[0].Confirmed == devs[1].Confirmed {
		t.Fatalf("alice's devices = %+v, want one confirmed", devs)
	}

	// A device not confirmed yet does not stand in for anything.
	_, err = r.srpLogin("alice", "pw-alice-123", map[string]string{"DEVICE_KEY": unconfirmed})
	wantAPIError(t, err, "ResourceNotFoundException", "Device does not exist.")
	// Nor does another user's device.
	_, err = r.srpLogin("bob", "pw-bob-1234", map[string]string{"DEVICE_KEY": d1.key})
	wantAPIError(t, err, "ResourceNotFoundException", "Device does not exist.")

	// Device SRP proves the device the login named, not another one of
	// the user's.
	d2 := confirmDevice(t, r, second.AccessToken, second.NewDeviceMetadata)
	ch := expectChallenge(t, "DEVICE_SRP_AUTH")(r.srpLogin("alice", "pw-alice-123", map[string]string{"DEVICE_KEY": d1.key}))
	srp, err := cognitosrp.NewSRP(d2.group, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.respond("DEVICE_SRP_AUTH", ch.Session, map[string]string{"USERNAME": "alice", "DEVICE_KEY": d2.key, "SRP_A": srp.A()})
	wantAPIError(t, err, "ResourceNotFoundException", "Device does not exist.")
	// An answer without DEVICE_KEY lacks a parameter; it names no other
	// device.
	ch = expectChallenge(t, "DEVICE_SRP_AUTH")(r.srpLogin("alice", "pw-alice-123", map[string]string{"DEVICE_KEY": d1.key}))
	_, err = r.respond("DEVICE_SRP_AUTH", ch.Session, map[string]string{"USERNAME": "alice", "SRP_A": srp.A()})
	wantAPIError(t, err, "InvalidParameterException", "Missing required parameter DEVICE_KEY")
	expectTokens(t)(deviceLogin(t, r, "alice", "pw-alice-123", d1))
}

// TestDeviceForgottenDuringLogin: a device forgotten while a login proves
// it no longer stands in for the second factor. ForgetDevice's doc says a
// login with its key then fails with "Device does not exist."; the answer
// to DEVICE_PASSWORD_VERIFIER was checked against the verifier the
// session had copied, so the login passed without MFA on a device that
// no longer exists.
func TestDeviceForgottenDuringLogin(t *testing.T) {
	for _, how := range []string{"admin", "ForgetDevice"} {
		t.Run(how, func(t *testing.T) {
			srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
			addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123", SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}})
			r := newRaw(t, srv)
			ch := expectChallenge(t, "SMS_MFA")(r.srpLogin("alice", "pw-alice-123", nil))
			first := expectTokens(t)(r.respond("SMS_MFA", ch.Session, map[string]string{"USERNAME": "alice", "SMS_MFA_CODE": cognitotest.DefaultMFACode}))
			d := confirmDevice(t, r, first.AccessToken, first.NewDeviceMetadata)

			ch = expectChallenge(t, "DEVICE_SRP_AUTH")(r.srpLogin("alice", "pw-alice-123", map[string]string{"DEVICE_KEY": d.key}))
			srp, err := cognitosrp.NewSRP(d.group, nil)
			if err != nil {
				t.Fatal(err)
			}
			ch = expectChallenge(t, "DEVICE_PASSWORD_VERIFIER")(r.respond("DEVICE_SRP_AUTH", ch.Session,
				map[string]string{"USERNAME": "alice", "DEVICE_KEY": d.key, "SRP_A": srp.A()}))

			if how == "admin" {
				if err := srv.ForgetDevice(d.key); err != nil {
					t.Fatal(err)
				}
			} else if _, err := r.call("ForgetDevice", map[string]any{"AccessToken": first.AccessToken, "DeviceKey": d.key}); err != nil {
				t.Fatal(err)
			}

			pc, err := cognitosrp.ParsePasswordChallenge(ch.ChallengeParameters)
			if err != nil {
				t.Fatal(err)
			}
			pc.UserIDForSRP = d.key
			claim, err := srp.PasswordClaim(pc, d.password, r.now())
			if err != nil {
				t.Fatal(err)
			}
			resp := claim.ChallengeResponses()
			resp["USERNAME"], resp["DEVICE_KEY"] = "alice", d.key
			_, err = r.respond("DEVICE_PASSWORD_VERIFIER", ch.Session, resp)
			wantAPIError(t, err, "ResourceNotFoundException", "Device does not exist.")
		})
	}
}

// TestDeviceForgottenBeforeDeviceSRPAuth: a device forgotten after
// InitiateAuth asked for DEVICE_SRP_AUTH, before the client answers it,
// fails the answer with "Device does not exist.", as a login naming a
// forgotten device does, and the login does not go on without the
// second factor: the session served its one answer.
func TestDeviceForgottenBeforeDeviceSRPAuth(t *testing.T) {
	for _, how := range []string{"admin", "ForgetDevice"} {
		t.Run(how, func(t *testing.T) {
			srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
			addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123", SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}})
			r := newRaw(t, srv)
			ch := expectChallenge(t, "SMS_MFA")(r.srpLogin("alice", "pw-alice-123", nil))
			first := expectTokens(t)(r.respond("SMS_MFA", ch.Session, map[string]string{"USERNAME": "alice", "SMS_MFA_CODE": cognitotest.DefaultMFACode}))
			d := confirmDevice(t, r, first.AccessToken, first.NewDeviceMetadata)
			ch = expectChallenge(t, "DEVICE_SRP_AUTH")(r.srpLogin("alice", "pw-alice-123", map[string]string{"DEVICE_KEY": d.key}))

			if how == "admin" {
				if err := srv.ForgetDevice(d.key); err != nil {
					t.Fatal(err)
				}
			} else if _, err := r.call("ForgetDevice", map[string]any{"AccessToken": first.AccessToken, "DeviceKey": d.key}); err != nil {
				t.Fatal(err)
			}

			srp, err := cognitosrp.NewSRP(d.group, nil)
			if err != nil {
				t.Fatal(err)
			}
			answer := map[string]string{"USERNAME": "alice", "DEVICE_KEY": d.key, "SRP_A": srp.A()}
			_, err = r.respond("DEVICE_SRP_AUTH", ch.Session, answer)
			wantAPIError(t, err, "ResourceNotFoundException", "Device does not exist.")
			_, err = r.respond("DEVICE_SRP_AUTH", ch.Session, answer)
			wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user.")
			if devs := srv.Devices("alice"); len(devs) != 0 {
				t.Errorf("Devices = %+v after the device was forgotten", devs)
			}
		})
	}
}

// TestDeviceForgottenDuringMFAPrompt: a tracked device (confirmed, not
// remembered, so the login asks for MFA) forgotten while the MFA prompt
// is open fails the answer with "Device does not exist.", as the steps
// that look the device up do. The login completed with tokens bound to
// the forgotten device: ForgetDevice's revocation had come before them,
// and their refresh token failed at once. Forgotten while the answer's
// tokens are issued (where the refresh token's random parts are drawn,
// after the access token was minted), the device passed a check made
// before them, and the login completed with tokens ForgetDevice's
// revocation had not reached.
func TestDeviceForgottenDuringMFAPrompt(t *testing.T) {
	for _, how := range []string{"admin", "ForgetDevice", "while issuing"} {
		t.Run(how, func(t *testing.T) {
			rnd := &hookOnce{}
			srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true, Rand: rnd})
			addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123", SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}})
			r := newRaw(t, srv)
			first := smsLogin(t, r, "")
			d := confirmDevice(t, r, first.AccessToken, first.NewDeviceMetadata)
			if err := srv.SetDeviceRemembered(d.key, false); err != nil {
				t.Fatal(err)
			}
			ch := expectChallenge(t, "SMS_MFA")(r.srpLogin("alice", "pw-alice-123", map[string]string{"DEVICE_KEY": d.key}))

			forget := func() {
				if err := srv.ForgetDevice(d.key); err != nil {
					t.Error(err)
				}
			}
			switch how {
			case "admin":
				forget()
			case "while issuing":
				rnd.hook.Store(&forget)
			default:
				if _, err := r.call("ForgetDevice", map[string]any{"AccessToken": first.AccessToken, "DeviceKey": d.key}); err != nil {
					t.Fatal(err)
				}
			}

			out, err := r.respond("SMS_MFA", ch.Session, map[string]string{"USERNAME": "alice", "SMS_MFA_CODE": cognitotest.DefaultMFACode})
			if err == nil && out.AuthenticationResult != nil {
				t.Fatalf("the login completed on the forgotten device: device_key %v", deviceKeyClaim(t, srv, out.AuthenticationResult.AccessToken))
			}
			wantAPIError(t, err, "ResourceNotFoundException", "Device does not exist.")
			if rnd.hook.Load() != nil {
				t.Error("the device was not forgotten while the tokens were issued")
			}
		})
	}
}

// deviceKeyClaim is the device_key claim of an access token srv issued.
func deviceKeyClaim(t *testing.T, srv *cognitotest.Server, access string) any {
	t.Helper()
	cl, err := srv.VerifyAccessToken(access)
	if err != nil {
		return err
	}
	return cl.Raw["device_key"]
}

// TestDeviceKeyMemberIsValidated: a DeviceKey member that is empty, too
// long or not of the shape region_hex (Cognito's DeviceKeyType: 1 to 55
// characters, [\w-]+_[0-9a-f-]+) is refused as malformed by ConfirmDevice,
// UpdateDeviceStatus, ForgetDevice, GetDevice and GetTokensFromRefreshToken, as the
// AWS protocol layer refuses it before the action runs: ForgetDevice
// answered ResourceNotFoundException for "" and any malformed key, and
// GetTokensFromRefreshToken took "" for no device, so a client that sends
// the member empty instead of leaving it out passed here and failed on
// Cognito.
func TestDeviceKeyMemberIsValidated(t *testing.T) {
	srv, r, first, _, _ := aliceTwiceAndBob(t, cognitotest.Config{DeviceTracking: true})
	d := confirmDevice(t, r, first.AccessToken, first.NewDeviceMetadata)
	_, verifier, err := cognitosrp.NewDeviceVerifier(d.group, d.key, nil)
	if err != nil {
		t.Fatal(err)
	}
	bad := map[string]string{
		"": "Member must have length greater than or equal to 1",
		strings.Repeat("a", 40) + "_" + strings.Repeat("0", 15): "Member must have length less than or equal to 55",
		"not-a-device-key":   "Member must satisfy regular expression pattern",
		"us-east-1_":         "Member must satisfy regular expression pattern",
		"_0123abcd":          "Member must satisfy regular expression pattern",
		"us-east-1_0123ABCD": "Member must satisfy regular expression pattern",
		"us-east-1_0123_x":   "Member must satisfy regular expression pattern",
		"us east-1_0123abcd": "Member must satisfy regular expression pattern",
	}
	for key, want := range bad {
		for action, in := range map[string]map[string]any{
			"ConfirmDevice":             {"AccessToken": first.AccessToken, "DeviceKey": key, "DeviceSecretVerifierConfig": verifier},
			"UpdateDeviceStatus":        {"AccessToken": first.AccessToken, "DeviceKey": key, "DeviceRememberedStatus": "not_remembered"},
			"ForgetDevice":              {"AccessToken": first.AccessToken, "DeviceKey": key},
			"GetDevice":                 {"AccessToken": first.AccessToken, "DeviceKey": key},
			"GetTokensFromRefreshToken": {"ClientId": srv.ClientID(), "RefreshToken": first.RefreshToken, "DeviceKey": key},
		} {
			_, err := r.call(action, in)
			if ae := apiError(t, err); ae.Type != "InvalidParameterException" || !strings.Contains(ae.Message, "'deviceKey'") || !strings.Contains(ae.Message, want) {
				t.Errorf("%s with DeviceKey %q: %v, want InvalidParameterException %q", action, key, err, want)
			}
		}
	}
	for _, action := range []string{"ConfirmDevice", "UpdateDeviceStatus", "ForgetDevice", "GetDevice"} {
		_, err := r.call(action, map[string]any{"AccessToken": first.AccessToken, "DeviceKey": nil})
		wantAPIError(t, err, "InvalidParameterException", "Member must not be null")
	}
	// Well-formed keys go on to the action: the device is there, still
	// remembered, and a key of no device is not found.
	if !remembered(t, srv, d.key) {
		t.Fatal("a refused request changed the device")
	}
	_, err = r.call("ForgetDevice", map[string]any{"AccessToken": first.AccessToken, "DeviceKey": "us-east-1_0123abcd-0000"})
	wantAPIError(t, err, "ResourceNotFoundException", "Device does not exist.")
	if _, err := r.call("ForgetDevice", map[string]any{"AccessToken": first.AccessToken, "DeviceKey": d.key}); err != nil {
		t.Fatalf("ForgetDevice of the device: %v", err)
	}
}

// TestDeviceActionsCheckTheAccessToken: ConfirmDevice, UpdateDeviceStatus,
// ForgetDevice and GetDevice act only for a valid access token of the device's
// user: an id token, another pool's token, a forged one, an expired one
// and one revoked by GlobalSignOut are refused with Cognito's messages,
// another user's token finds no device, and none of them changes it.
func TestDeviceActionsCheckTheAccessToken(t *testing.T) {
	srv, r, first, second, bob := aliceTwiceAndBob(t, cognitotest.Config{DeviceTracking: true})
	d := confirmDevice(t, r, first.AccessToken, first.NewDeviceMetadata)
	_, verifier, err := cognitosrp.NewDeviceVerifier(d.group, d.key, nil)
	if err != nil {
		t.Fatal(err)
	}
	other := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
	addUser(t, other, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	theirs, err := other.IssueTokens("alice")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(first.AccessToken, ".")
	forged := parts[0] + "." + parts[1] + "A." + parts[2]

	try := func(token, typ, msg string) {
		t.Helper()
		for action, in := range map[string]map[string]any{
			"ConfirmDevice":      {"AccessToken": token, "DeviceKey": d.key, "DeviceSecretVerifierConfig": verifier},
			"UpdateDeviceStatus": {"AccessToken": token, "DeviceKey": d.key, "DeviceRememberedStatus": "not_remembered"},
			"ForgetDevice":       {"AccessToken": token, "DeviceKey": d.key},
			"GetDevice":          {"AccessToken": token, "DeviceKey": d.key},
		} {
			_, err := r.call(action, in)
			if ae := apiError(t, err); ae.Type != typ || !strings.Contains(ae.Message, msg) {
				t.Errorf("%s: %v, want %s %q", action, err, typ, msg)
			}
		}
		if !remembered(t, srv, d.key) {
			t.Fatal("a refused request changed the device")
		}
	}
	try(first.IdToken, "NotAuthorizedException", "Invalid Access Token")
	try(theirs.AccessToken, "NotAuthorizedException", "Invalid Access Token")
	try(forged, "NotAuthorizedException", "Invalid Access Token")
	try(bob.AccessToken, "ResourceNotFoundException", "Device does not exist.")
	srv.Advance(time.Hour)
	try(first.AccessToken, "NotAuthorizedException", "Access Token has expired")
	srv.Advance(-time.Hour)
	if _, err := r.call("GlobalSignOut", map[string]any{"AccessToken": second.AccessToken}); err != nil {
		t.Fatal(err)
	}
	try(first.AccessToken, "NotAuthorizedException", "Access Token has been revoked")
}
