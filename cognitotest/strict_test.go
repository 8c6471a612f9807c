// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

// The tests in this file hold the emulator to refusals Cognito makes that
// no other test exercised: without them, the check could be lost and a
// client that real Cognito refuses would pass every test run against the
// emulator.

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"strings"
	"testing"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// TestFlowsNotEnabledRefused: each auth flow is refused on an app client
// whose explicit auth flows do not list it, CUSTOM_AUTH and USER_AUTH too.
func TestFlowsNotEnabledRefused(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{AuthFlows: []string{cognitotest.AllowUserPasswordAuth}})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123", CustomAnswer: "42"})
	r := newRaw(t, srv)
	for _, tc := range []struct {
		flow   string
		params map[string]string
	}{
		{"USER_SRP_AUTH", map[string]string{"USERNAME": "alice", "SRP_A": "02"}},
		{"REFRESH_TOKEN_AUTH", map[string]string{"REFRESH_TOKEN": "x"}},
		{"CUSTOM_AUTH", map[string]string{"USERNAME": "alice"}},
		{"USER_AUTH", map[string]string{"USERNAME": "alice", "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": "pw-alice-123"}},
	} {
		_, err := r.initiate(tc.flow, tc.params)
		wantAPIError(t, err, "InvalidParameterException", tc.flow+" flow not enabled for this client")
	}
	if _, err := r.initiate("USER_PASSWORD_AUTH", map[string]string{"USERNAME": "alice", "PASSWORD": "pw-alice-123"}); err != nil {
		t.Fatalf("USER_PASSWORD_AUTH, the one flow listed: %v", err)
	}
}

// TestInitiateAuthWithoutUsername: InitiateAuth without USERNAME is a
// missing parameter, whatever the flow, not an unknown user named "".
func TestInitiateAuthWithoutUsername(t *testing.T) {
	for _, prevent := range []bool{false, true} {
		srv := cognitotest.NewServer(t, cognitotest.Config{
			PreventUserExistenceErrors: prevent,
			AuthFlows:                  []string{cognitotest.AllowUserSRPAuth, cognitotest.AllowUserPasswordAuth},
		})
		addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
		r := newRaw(t, srv)
		_, err := r.initiate("USER_SRP_AUTH", map[string]string{"SRP_A": "02"})
		wantAPIError(t, err, "InvalidParameterException", "Missing required parameter USERNAME")
		_, err = r.initiate("USER_PASSWORD_AUTH", map[string]string{"PASSWORD": "pw-alice-123"})
		wantAPIError(t, err, "InvalidParameterException", "Missing required parameter USERNAME")
	}
}

// TestPasswordParameterRequired: a flow that takes the password in clear
// refuses a request without PASSWORD as a missing parameter, not as a
// wrong password.
func TestPasswordParameterRequired(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{AuthFlows: []string{cognitotest.AllowUserPasswordAuth, cognitotest.AllowUserAuth}})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	_, err := r.initiate("USER_PASSWORD_AUTH", map[string]string{"USERNAME": "alice"})
	wantAPIError(t, err, "InvalidParameterException", "Missing required parameter PASSWORD")
	_, err = r.initiate("USER_AUTH", map[string]string{"USERNAME": "alice", "PREFERRED_CHALLENGE": "PASSWORD"})
	wantAPIError(t, err, "InvalidParameterException", "Missing required parameter PASSWORD")
}

// TestRespondWithoutChallengeName: RespondToAuthChallenge without
// ChallengeName fails the AWS protocol's validation of the request.
func TestRespondWithoutChallengeName(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123", SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}})
	r := newRaw(t, srv)
	ch := expectChallenge(t, "SMS_MFA")(r.srpLogin("alice", "pw-alice-123", nil))
	_, err := r.respond("", ch.Session, map[string]string{"USERNAME": "alice", "SMS_MFA_CODE": cognitotest.DefaultMFACode})
	wantAPIError(t, err, "InvalidParameterException", "Value null at 'challengeName' failed to satisfy constraint: Member must not be null")
}

// TestRespondWithoutUsername: a challenge answer without USERNAME is a
// missing parameter, not a wrong password.
func TestRespondWithoutUsername(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123", SMSMFA: true, Attributes: map[string]string{"phone_number": "+15555550100"}})
	r := newRaw(t, srv)
	ch := expectChallenge(t, "SMS_MFA")(r.srpLogin("alice", "pw-alice-123", nil))
	_, err := r.respond("SMS_MFA", ch.Session, map[string]string{"SMS_MFA_CODE": cognitotest.DefaultMFACode})
	wantAPIError(t, err, "InvalidParameterException", "Missing required parameter USERNAME")
}

// TestCustomAuthHidesUnknownUser: with PreventUserExistenceErrors,
// CUSTOM_AUTH without SRP fails for an unknown user as for a user without a
// custom challenge, so that the answer tells nobody which names exist.
func TestCustomAuthHidesUnknownUser(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{PreventUserExistenceErrors: true})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	_, known := r.initiate("CUSTOM_AUTH", map[string]string{"USERNAME": "alice"})
	_, unknown := r.initiate("CUSTOM_AUTH", map[string]string{"USERNAME": "nobody"})
	wantAPIError(t, known, "InvalidParameterException", "Custom auth lambda trigger is not configured")
	if k, u := apiError(t, known), apiError(t, unknown); k.Type != u.Type || k.Message != u.Message {
		t.Errorf("unknown user: %s %q; a user without a custom challenge: %s %q", u.Type, u.Message, k.Type, k.Message)
	}
}

// sendLogin sends a USER_PASSWORD_AUTH login that the server accepts when
// it comes as POST / and returns the status and the error type.
func sendLogin(t *testing.T, srv *cognitotest.Server, method, path string) (int, string) {
	t.Helper()
	body := `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"` + srv.ClientID() + `","AuthParameters":{"USERNAME":"alice","PASSWORD":"pw-alice-123"}}`
	req, err := http.NewRequest(method, srv.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal([]byte(readBody(t, resp)), &m)
	typ, _ := m["__type"].(string)
	return resp.StatusCode, typ
}

func passwordServer(t *testing.T) *cognitotest.Server {
	srv := cognitotest.NewServer(t, cognitotest.Config{AuthFlows: []string{cognitotest.AllowUserPasswordAuth}})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	if status, typ := sendLogin(t, srv, http.MethodPost, "/"); status != http.StatusOK {
		t.Fatalf("POST /: %d %s", status, typ)
	}
	return srv
}

// TestAPIOnlyByPost: the API answers POST alone; another method with a
// valid call is refused.
func TestAPIOnlyByPost(t *testing.T) {
	srv := passwordServer(t)
	for _, method := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if status, typ := sendLogin(t, srv, method, "/"); status != http.StatusMethodNotAllowed || typ != "UnknownOperationException" {
			t.Errorf("%s /: %d %q, want 405 UnknownOperationException", method, status, typ)
		}
	}
}

// TestAPIOnlyAtRoot: the API is served at / alone; a valid call posted
// elsewhere, as by a client that joins a path to the endpoint, is refused.
func TestAPIOnlyAtRoot(t *testing.T) {
	srv := passwordServer(t)
	for _, path := range []string{"/InitiateAuth", "//", "/" + srv.PoolID()} {
		if status, typ := sendLogin(t, srv, http.MethodPost, path); status != http.StatusNotFound || typ != "UnknownOperationException" {
			t.Errorf("POST %s: %d %q, want 404 UnknownOperationException", path, status, typ)
		}
	}
}

// TestSessionNotFoundBySecretBlock: a PASSWORD_VERIFIER answer is matched
// to its login by the SECRET_BLOCK it echoes only when it sends no
// Session; one that names an unknown Session is refused, however right its
// claim.
func TestSessionNotFoundBySecretBlock(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	srp, err := cognitosrp.NewSRP(r.poolName(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ch := expectChallenge(t, "PASSWORD_VERIFIER")(r.initiate("USER_SRP_AUTH", map[string]string{"USERNAME": "alice", "SRP_A": srp.A()}))
	claim := r.claim(srp, ch, "pw-alice-123")
	_, err = r.respond("PASSWORD_VERIFIER", "not-"+ch.Session, claim)
	wantAPIError(t, err, "NotAuthorizedException", "Invalid session for the user.")
	expectTokens(t)(r.respond("PASSWORD_VERIFIER", ch.Session, claim))
}

// TestPasswordLoginWithUnknownDevice: a login whose first factor is not SRP
// (USER_PASSWORD_AUTH) and that names a device the user does not have is
// refused, as one by SRP is at its PASSWORD_VERIFIER answer, instead of
// going on to a new device.
func TestPasswordLoginWithUnknownDevice(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true, AuthFlows: []string{cognitotest.AllowUserPasswordAuth}})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	_, err := r.initiate("USER_PASSWORD_AUTH", map[string]string{"USERNAME": "alice", "PASSWORD": "pw-alice-123", "DEVICE_KEY": "us-east-1_00000000-0000-4000-8000-000000000000"})
	wantAPIError(t, err, "ResourceNotFoundException", "Device does not exist.")
	if devs := srv.Devices("alice"); len(devs) != 0 {
		t.Errorf("Devices = %+v, want none", devs)
	}
}

// TestGetTokensFromRefreshTokenWithoutToken: GetTokensFromRefreshToken
// without RefreshToken fails the request's validation, not as a dead
// refresh token (NotAuthorizedException), on which a client would give up
// its login.
func TestGetTokensFromRefreshTokenWithoutToken(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{RefreshTokenRotation: true})
	r := newRaw(t, srv)
	_, err := r.call("GetTokensFromRefreshToken", map[string]string{"ClientId": srv.ClientID()})
	wantAPIError(t, err, "InvalidParameterException", "Value at 'refreshToken' failed to satisfy constraint: Member must not be null")
}

// TestConfirmDeviceRefusesBadVerifier: ConfirmDevice refuses a device
// verifier no device SRP could use: zero, not below N, or with an empty
// salt. A client that sent one would have a device no login can prove.
func TestConfirmDeviceRefusesBadVerifier(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{DeviceTracking: true})
	addUser(t, srv, cognitotest.User{Username: "alice", Password: "pw-alice-123"})
	r := newRaw(t, srv)
	tok := expectTokens(t)(r.srpLogin("alice", "pw-alice-123", nil))
	n, _ := new(big.Int).SetString(strings.Join(strings.Fields(`
		FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD
		EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED
		EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F
		83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B
		E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510
		15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7
		ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C
		BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF`), ""), 16)
	b64 := func(x *big.Int) string { return base64.StdEncoding.EncodeToString(x.Bytes()) }
	salt := base64.StdEncoding.EncodeToString([]byte("0123456789abcdef"))
	for name, cfg := range map[string]map[string]string{
		"zero verifier":    {"PasswordVerifier": base64.StdEncoding.EncodeToString([]byte{0}), "Salt": salt},
		"verifier N":       {"PasswordVerifier": b64(n), "Salt": salt},
		"verifier above N": {"PasswordVerifier": b64(new(big.Int).Add(n, big.NewInt(2))), "Salt": salt},
		"empty salt":       {"PasswordVerifier": b64(big.NewInt(4)), "Salt": ""},
		"verifier not b64": {"PasswordVerifier": "%%", "Salt": salt},
	} {
		_, err := r.call("ConfirmDevice", map[string]any{"AccessToken": tok.AccessToken, "DeviceKey": tok.NewDeviceMetadata.DeviceKey, "DeviceSecretVerifierConfig": cfg})
		if ae := apiError(t, err); ae.Type != "InvalidParameterException" {
			t.Errorf("%s: %v, want InvalidParameterException", name, err)
		}
	}
	if devs := srv.Devices("alice"); len(devs) != 1 || devs[0].Confirmed {
		t.Errorf("Devices = %+v, want one unconfirmed", devs)
	}
}

// TestTargetNeedsServicePrefix: X-Amz-Target names the action with the
// service's prefix; a bare action name is an unknown operation.
func TestTargetNeedsServicePrefix(t *testing.T) {
	srv := passwordServer(t)
	body := `{"AuthFlow":"USER_PASSWORD_AUTH","ClientId":"` + srv.ClientID() + `","AuthParameters":{"USERNAME":"alice","PASSWORD":"pw-alice-123"}}`
	req, err := http.NewRequest(http.MethodPost, srv.Endpoint(), strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "InitiateAuth")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	// The body is not printed: served, it holds the user's tokens.
	if raw := readBody(t, resp); resp.StatusCode != http.StatusBadRequest || !strings.Contains(raw, "UnknownOperationException") {
		t.Errorf("X-Amz-Target InitiateAuth: status %d, want 400 UnknownOperationException", resp.StatusCode)
	}
}

// TestVerifyChecksIssuer: a token signed with the same key for the same
// pool id and app client, but under another issuer, is not the server's:
// VerifyAccessToken and VerifyIDToken refuse it, and so do the API calls
// an access token authorizes.
func TestVerifyChecksIssuer(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	cfg := cognitotest.Config{PoolID: "eu-west-2_Same1", Key: key}
	srv, theirs := foreignTokens(t, cfg, func(c *cognitotest.Config) { c.AWSIssuer = true })
	if _, err := srv.VerifyAccessToken(theirs.AccessToken); !errors.Is(err, cognitotest.ErrInvalidToken) {
		t.Errorf("VerifyAccessToken of another issuer's token: %v, want ErrInvalidToken", err)
	}
	if _, err := srv.VerifyIDToken(theirs.IdToken); !errors.Is(err, cognitotest.ErrInvalidToken) {
		t.Errorf("VerifyIDToken of another issuer's token: %v, want ErrInvalidToken", err)
	}
	_, err = newRaw(t, srv).call("GetUser", map[string]string{"AccessToken": theirs.AccessToken})
	wantAPIError(t, err, "NotAuthorizedException", "Invalid Access Token")
}

// TestRevokeTokenMembers: RevokeToken without Token fails the request's
// validation, as Cognito's required member does, where a client that lost
// its refresh token would otherwise read success (mutant T01); a token the
// server never issued is no error, as the action's doc says (mutant T04).
func TestRevokeTokenMembers(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	r := newRaw(t, srv)
	_, err := r.call("RevokeToken", map[string]string{"ClientId": srv.ClientID()})
	wantAPIError(t, err, "InvalidParameterException", "Value at 'token' failed to satisfy constraint: Member must not be null")
	if _, err := r.call("RevokeToken", map[string]string{"ClientId": srv.ClientID(), "Token": "never-issued"}); err != nil {
		t.Errorf("RevokeToken of a token never issued: %v", err)
	}
}

// TestAccessTokenMemberRequired: an action that takes an access token,
// sent without one, fails the request's validation, not as an invalid
// token (NotAuthorizedException), on which a client would give up its
// login (mutant T25).
func TestAccessTokenMemberRequired(t *testing.T) {
	srv := cognitotest.NewServer(t, cognitotest.Config{})
	r := newRaw(t, srv)
	for _, action := range []string{"GetUser", "GlobalSignOut"} {
		_, err := r.call(action, map[string]string{})
		wantAPIError(t, err, "InvalidParameterException", "Value at 'accessToken' failed to satisfy constraint: Member must not be null")
	}
}
