// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// cachedTokens returns the tokens in the sandbox's token file.
func (s *sandbox) cachedTokens(t *testing.T) *cognitosrp.Tokens {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(s.cacheDir(), "*.json"))
	for _, f := range files {
		if strings.HasSuffix(f, ".device.json") {
			continue
		}
		tok, err := cognitosrp.NewFileStore(f).Load(context.Background())
		if err != nil || tok == nil {
			t.Fatalf("token file %s: %v, %v", f, tok, err)
		}
		return tok
	}
	t.Fatalf("no token file among %q", files)
	return nil
}

// wantCacheEmpty checks that the sandbox's cache holds no file.
func (s *sandbox) wantCacheEmpty(t *testing.T) {
	t.Helper()
	entries, _ := os.ReadDir(s.cacheDir())
	for _, e := range entries {
		t.Errorf("the cache still holds %s", e.Name())
	}
}

// renewWith renews with refresh token rt, naming the device deviceKey, as
// the command would: nil if the emulator takes rt. An app client that
// rotates refresh tokens refuses REFRESH_TOKEN_AUTH whatever the token
// ("flow not enabled"), which told nothing of rt: GetTokensFromRefreshToken
// asks it then.
func renewWith(srv *cognitotest.Server, rt, deviceKey string) error {
	params := map[string]string{"REFRESH_TOKEN": rt}
	if deviceKey != "" {
		params["DEVICE_KEY"] = deviceKey
	}
	c := &cognitosrp.Client{Endpoint: srv.Endpoint()}
	_, err := c.InitiateAuth(context.Background(), &cognitosrp.InitiateAuthInput{
		AuthFlow: cognitosrp.FlowRefreshTokenAuth, AuthParameters: params, ClientId: srv.ClientID(),
	})
	var ae *cognitosrp.APIError
	if errors.As(err, &ae) && ae.Type == "InvalidParameterException" && strings.Contains(ae.Message, "flow not enabled") {
		_, err = c.GetTokensFromRefreshToken(context.Background(), &cognitosrp.GetTokensFromRefreshTokenInput{
			ClientId: srv.ClientID(), RefreshToken: rt, DeviceKey: deviceKey,
		})
	}
	return err
}

// recordRefreshTokens points the sandbox's command at srv through a
// proxy that notes the refresh tokens srv's answers issue, which the
// function it returns lists: the successors a rotating renewal issues
// are in no file once sign-out has removed the cache.
func (s *sandbox) recordRefreshTokens(t *testing.T, srv *cognitotest.Server) func() []string {
	t.Helper()
	var mu sync.Mutex
	var issued []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, r)
		var out struct{ AuthenticationResult struct{ RefreshToken string } }
		if json.Unmarshal(rec.Body.Bytes(), &out) == nil && out.AuthenticationResult.RefreshToken != "" {
			mu.Lock()
			issued = append(issued, out.AuthenticationResult.RefreshToken)
			mu.Unlock()
		}
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(proxy.Close)
	s.env["COGNITO_ENDPOINT"] = proxy.URL + "/"
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(issued)
	}
}

// wantNoSecret checks that r shows none of tok's tokens, on either stream.
func (r result) wantNoSecret(t *testing.T, tok *cognitosrp.Tokens) {
	t.Helper()
	for _, secret := range []string{tok.RefreshToken, tok.AccessToken, tok.IDToken} {
		if strings.Contains(r.stderr, secret) || strings.Contains(r.stdout, secret) {
			t.Errorf("sign-out printed a token:\nstdout: %s\nstderr: %s", r.stdout, r.stderr)
		}
	}
	if r.stdout != "" {
		t.Errorf("sign-out wrote to standard output: %q", r.stdout)
	}
}

// TestSignOut: sign-out, without the password, revokes the cached refresh
// token at Cognito (the emulator then refuses it, and the access token
// issued with it), forgets the cached device there (gone from the user's
// list), and removes the token file and the device file. A second run
// finds nothing cached and says so. Before, the command had no way to sign
// out: deleting the files by hand left the refresh token usable for 30
// days by anyone who had copied it, and the device in the user's list.
func TestSignOut(t *testing.T) {
	t.Parallel()
	srv, s := signedIn(t, trackingPool)
	dev := wantOneDevice(t, srv, s)
	tok := s.cachedTokens(t)
	if err := renewWith(srv, tok.RefreshToken, dev.Key); err != nil {
		t.Fatalf("the cached refresh token does not renew before the sign-out: %v", err)
	}
	delete(s.env, "COGNITO_PASSWORD")

	r := s.run("sign-out")
	r.want(t, exitOK, "signed out alice", "refresh token revoked", "device forgotten")
	r.wantNoSecret(t, tok)
	if err := renewWith(srv, tok.RefreshToken, dev.Key); err == nil || !strings.Contains(err.Error(), "revoked") {
		t.Errorf("the emulator still takes the signed-out refresh token: %v", err)
	}
	if _, err := srv.VerifyAccessToken(tok.AccessToken); err == nil {
		t.Error("the emulator still takes the signed-out access token")
	}
	for _, d := range srv.Devices("alice") {
		if d.Key == dev.Key {
			t.Errorf("the device is still in alice's list: %+v", d)
		}
	}
	s.wantCacheEmpty(t)

	if n := srv.Calls("RevokeToken"); n != 1 {
		t.Errorf("%d RevokeToken calls, want 1: the renewal kept the refresh token", n)
	}

	s.run("sign-out").want(t, exitOK, "nothing is cached for alice")
	// Nor does token, afterwards, find anything to use.
	s.run("token").want(t, exitError, "no usable cached tokens")
}

// TestSignOutWithoutDevice: in a pool without device tracking there is no
// device to forget; the refresh token is revoked and the file removed.
func TestSignOutWithoutDevice(t *testing.T) {
	t.Parallel()
	srv, s := signedIn(t, cognitotest.Config{})
	tok := s.cachedTokens(t)
	r := s.run("sign-out")
	r.want(t, exitOK, "signed out alice: refresh token revoked; cache files removed")
	r.wantNoSecret(t, tok)
	if err := renewWith(srv, tok.RefreshToken, ""); err == nil {
		t.Error("the emulator still takes the signed-out refresh token")
	}
	if n := srv.Calls("ForgetDevice"); n != 0 {
		t.Errorf("%d ForgetDevice calls without a device", n)
	}
	s.wantCacheEmpty(t)
}

// TestSignOutRotated: with refresh-token rotation, the renewal sign-out
// makes for ForgetDevice's access token retires the cached refresh token
// and issues another, which is revoked too: otherwise the sign-out left a
// live refresh token that no file holds.
func TestSignOutRotated(t *testing.T) {
	t.Parallel()
	pool := trackingPool
	pool.RefreshTokenRotation = true
	srv, s := signedIn(t, pool)
	wantOneDevice(t, srv, s)
	s.run("sign-out").want(t, exitOK, "refresh token revoked", "device forgotten")
	if n := srv.Calls("GetTokensFromRefreshToken"); n != 1 {
		t.Fatalf("%d renewals, want 1", n)
	}
	if n := srv.Calls("RevokeToken"); n != 2 {
		t.Errorf("%d RevokeToken calls, want 2: the rotated-out token and its successor", n)
	}
	s.wantCacheEmpty(t)
}

// TestSignOutAlreadyRevoked: a refresh token revoked already (the user
// signed out everywhere from another client, an administrator) is no
// failure: the files go, the status is 0, and standard error says the
// device could not be forgotten. sign-out never logs in with the password
// to forget it, even with COGNITO_PASSWORD set: that would issue tokens
// (and, without a device, another device) in a sign-out.
func TestSignOutAlreadyRevoked(t *testing.T) {
	t.Parallel()
	for _, cfg := range []cognitotest.Config{{}, trackingPool} {
		srv, s := signedIn(t, cfg)
		if err := srv.SignOut("alice"); err != nil {
			t.Fatal(err)
		}
		r := s.run("sign-out")
		if cfg.DeviceTracking {
			r.want(t, exitOK, "the refresh token had ended already (expired, revoked, or its device forgotten), so the device, if still in the user's list of devices, stays there")
		} else {
			r.want(t, exitOK, "signed out alice")
		}
		if n := srv.Calls("RespondToAuthChallenge"); n != 1 {
			t.Errorf("device tracking %v: %d logins, want the first alone", cfg.DeviceTracking, n)
		}
		s.wantCacheEmpty(t)
	}
}

// TestSignOutUnreachable: when Cognito cannot be told (unreachable,
// failing), sign-out still removes the files, as a user leaving the
// machine expects, and exits with 1 on one line that says the refresh
// token stays usable until it expires; and indeed it does.
func TestSignOutUnreachable(t *testing.T) {
	t.Parallel()
	srv, s := signedIn(t, cognitotest.Config{})
	tok := s.cachedTokens(t)
	srv.FailNext(1000, cognitotest.FaultConnectionReset, "RevokeToken")
	r := s.run("sign-out", "-timeout", "2s")
	r.want(t, exitError, "cognito-srp sign-out: removed the cache files, but Cognito could not be told (", "RevokeToken", "): the refresh token stays usable until it expires\n")
	r.wantNoSecret(t, tok)
	s.wantCacheEmpty(t)
	if err := renewWith(srv, tok.RefreshToken, ""); err != nil {
		t.Errorf("the refresh token sign-out says is live does not renew: %v", err)
	}
}

// TestSignOutDeviceWithoutTokens: a device file without a token file
// (removed by hand, say) cannot be forgotten at Cognito without a login;
// sign-out removes it and says the device stays in the list.
func TestSignOutDeviceWithoutTokens(t *testing.T) {
	t.Parallel()
	srv, s := signedIn(t, trackingPool)
	wantOneDevice(t, srv, s)
	files, _ := filepath.Glob(filepath.Join(s.cacheDir(), "*.json"))
	for _, f := range files {
		if !strings.HasSuffix(f, ".device.json") {
			os.Remove(f)
		}
	}
	s.run("sign-out").want(t, exitOK, "no cached tokens to forget the device with")
	s.wantCacheEmpty(t)
	if n := srv.Calls("RespondToAuthChallenge"); n != 1 {
		t.Errorf("%d logins, want the first alone", n)
	}
}

// TestSignOutInsecureFile: a token file others can read is refused, as
// token refuses it, and kept: its refresh token, which someone may have
// copied, is the one to revoke once the mode is fixed.
func TestSignOutInsecureFile(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("no Unix modes")
	}
	_, s := signedIn(t, cognitotest.Config{})
	path := s.cacheFile(t)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	s.run("sign-out").want(t, exitError, "chmod 600")
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the token file is gone: %v", err)
	}
	os.Chmod(path, 0o600)
	s.run("sign-out").want(t, exitOK, "refresh token revoked")
}

// TestSignOutDocumented: sign-out is in the command list of help, and its
// -h and the command's README.md say what it does and when it exits with
// 1; it takes none of a login's flags.
func TestSignOutDocumented(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	if r := s.run("help"); !strings.Contains(r.stdout, "\n  sign-out ") || !strings.Contains(r.stdout, "sign-out exits with 1, not 4") {
		t.Errorf("help does not list sign-out and its exit status: %q", r.stdout)
	}
	// "help sign-out" too: before, it printed the list of commands.
	if h := s.run("help", "sign-out"); h.code != exitOK || !strings.Contains(h.stderr, "usage: cognito-srp sign-out [flags]") || !strings.Contains(h.stderr, "-everywhere") {
		t.Errorf("help sign-out: %d %q", h.code, h.stderr)
	}
	r := s.run("sign-out", "-h")
	r.want(t, exitOK, "usage: cognito-srp sign-out [flags]", "Exit status 0", "Exit status 1", "needs no password", "how long to wait for Cognito (default 30s)")
	for _, f := range []string{"-password-stdin", "-no-cache", "-no-device"} {
		if strings.Contains(r.stderr, f) {
			t.Errorf("sign-out -h offers %s", f)
		}
	}
	shell := readmeShell(t)
	shell = strings.Join(strings.Fields(shell), " ")
	for _, want := range []string{"cognito-srp sign-out", "RevokeToken", "exits with 1"} {
		if !strings.Contains(shell, want) {
			t.Errorf("the command's README.md does not say %q", want)
		}
	}
	s.run("sign-out", "extra").want(t, exitUsage, "unexpected argument")
}

// unknownDevice makes the sandbox's device file name a device Cognito
// does not know, in place of alice's one device, and returns the key of
// the one it knows. A renewal names the device its access token names:
// the file's is then another, and the refresh token outlives its
// forgetting.
func (s *sandbox) unknownDevice(t *testing.T, srv *cognitotest.Server) string {
	t.Helper()
	file := s.deviceFiles()[0]
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	key := wantOneDevice(t, srv, s).Key
	if err := os.WriteFile(file, []byte(strings.ReplaceAll(string(data), key, key+"0")), 0o600); err != nil {
		t.Fatal(err)
	}
	return key
}

// TestSignOutDeviceUnknown: a device Cognito no longer knows (forgotten
// elsewhere, while the refresh token lives on) needs no forgetting: the
// sign-out succeeds. Before, ForgetDevice's ResourceNotFoundException
// failed it, and said the device stays in the list.
func TestSignOutDeviceUnknown(t *testing.T) {
	t.Parallel()
	srv, s := signedIn(t, trackingPool)
	s.unknownDevice(t, srv)
	s.run("sign-out").want(t, exitOK, "signed out alice: refresh token revoked; device forgotten")
	if n := srv.Calls("ForgetDevice"); n != 1 {
		t.Errorf("%d ForgetDevice calls, want 1", n)
	}
	s.wantCacheEmpty(t)
}

// TestSignOutInterrupted: a sign-out interrupted while it waits for
// Cognito leaves the files in place (the user stopped it: nothing is
// signed out), so that running it again completes it.
func TestSignOutInterrupted(t *testing.T) {
	srv := newEmulator(t, cognitotest.Config{})
	ownCacheDir(t)
	vars := map[string]string{
		"COGNITO_USER_POOL_ID": srv.PoolID(), "COGNITO_CLIENT_ID": srv.ClientID(),
		"COGNITO_ENDPOINT": srv.Endpoint(), "COGNITO_USERNAME": "alice", "COGNITO_PASSWORD": "pw-alice-123",
	}
	var stderr strings.Builder
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: &stderr, getenv: func(k string) string { return vars[k] }}
	if code := run(context.Background(), e, []string{"token"}); code != exitOK {
		t.Fatalf("token: exit %d: %s", code, stderr.String())
	}
	srv.SetActionLatency("RevokeToken", 2*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	defer time.AfterFunc(300*time.Millisecond, cancel).Stop() // as main on SIGINT
	stderr.Reset()
	if code := run(ctx, e, []string{"sign-out"}); code != exitError || !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("sign-out, interrupted: exit %d: %s", code, stderr.String())
	}
	conn := &connection{endpoint: srv.Endpoint(), poolID: srv.PoolID(), clientID: srv.ClientID(), username: "alice"}
	store, err := cacheStore(conn)
	if err != nil {
		t.Fatal(err)
	}
	if tok, err := store.Load(context.Background()); tok == nil || err != nil {
		t.Fatalf("the interrupted sign-out removed the tokens: %v", err)
	}
	srv.SetActionLatency("RevokeToken", -1)
	stderr.Reset()
	if code := run(context.Background(), e, []string{"sign-out"}); code != exitOK {
		t.Errorf("sign-out again: exit %d: %s", code, stderr.String())
	}
}

// TestSignOutDamagedFiles: files the command cannot read (damaged, another
// version's) hold nothing to sign out: sign-out says nothing is cached and
// removes them, as token would replace them.
func TestSignOutDamagedFiles(t *testing.T) {
	t.Parallel()
	_, s := signedIn(t, trackingPool)
	files, _ := filepath.Glob(filepath.Join(s.cacheDir(), "*.json"))
	for _, f := range files {
		if err := os.WriteFile(f, []byte("garbage"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s.run("sign-out").want(t, exitOK, "nothing is cached for alice")
	s.wantCacheEmpty(t)
}

// TestSignOutEverywhere: -everywhere signs the user out with
// GlobalSignOut, which ends every refresh token of the user: the cached
// one and one another program holds. The device stays in the list (it
// says so): GlobalSignOut ends the access token ForgetDevice needs.
func TestSignOutEverywhere(t *testing.T) {
	t.Parallel()
	srv, s := signedIn(t, trackingPool)
	dev := wantOneDevice(t, srv, s)
	tok := s.cachedTokens(t)
	elsewhere, err := srv.IssueTokens("alice")
	if err != nil {
		t.Fatal(err)
	}
	// In a pool with device tracking, IssueTokens' refresh token is bound
	// to a device never confirmed, and renews nothing even before the
	// sign-out: its access token, which GlobalSignOut ends too, tells.
	if _, err := srv.VerifyAccessToken(elsewhere.AccessToken); err != nil {
		t.Fatalf("another program's access token is refused before the sign-out: %v", err)
	}
	delete(s.env, "COGNITO_PASSWORD")

	r := s.run("sign-out", "-everywhere")
	r.want(t, exitOK, "signed out alice: signed out everywhere; the device stays in the user's list")
	r.wantNoSecret(t, tok)
	if err := renewWith(srv, tok.RefreshToken, dev.Key); err == nil {
		t.Error("the emulator still takes the cached refresh token")
	}
	if _, err := srv.VerifyAccessToken(elsewhere.AccessToken); err == nil {
		t.Error("the emulator still takes another program's access token")
	}
	s.wantCacheEmpty(t)
}

// TestSignOutWithoutEverywhereKeepsOthers: without -everywhere, another
// program's refresh token of the same user lives on.
func TestSignOutWithoutEverywhereKeepsOthers(t *testing.T) {
	t.Parallel()
	srv, s := signedIn(t, cognitotest.Config{})
	elsewhere, err := srv.IssueTokens("alice")
	if err != nil {
		t.Fatal(err)
	}
	s.run("sign-out").want(t, exitOK, "refresh token revoked")
	if err := renewWith(srv, elsewhere.RefreshToken, ""); err != nil {
		t.Errorf("another program's refresh token was ended too: %v", err)
	}
}

// noRevocation is a pool whose app client has token revocation off: it
// refuses RevokeToken with UnsupportedOperationException, and its tokens
// carry no origin_jti or jti.
var noRevocation = cognitotest.Config{DisableTokenRevocation: true}

// TestSignOutRevocationOff: an app client without token revocation
// refuses RevokeToken with UnsupportedOperationException. sign-out then
// keeps the files, which -everywhere needs, and says to use it: removing
// them would leave a live refresh token that nothing on the machine could
// end any more. -everywhere then ends it.
func TestSignOutRevocationOff(t *testing.T) {
	t.Parallel()
	srv, s := signedIn(t, noRevocation)
	tok := s.cachedTokens(t)
	r := s.run("sign-out")
	r.want(t, exitError, "does not allow token revocation", "cache files are kept", "sign-out -everywhere")
	r.wantNoSecret(t, tok)
	if s.cachedTokens(t).RefreshToken != tok.RefreshToken {
		t.Error("the cached refresh token changed")
	}
	s.run("sign-out", "-everywhere").want(t, exitOK, "signed out everywhere")
	if err := renewWith(srv, tok.RefreshToken, ""); err == nil {
		t.Error("the emulator still takes the refresh token")
	}
	s.wantCacheEmpty(t)
}

// TestSignOutEverywhereFails: when GlobalSignOut fails, the cached
// refresh token is still revoked and the device forgotten, as without
// -everywhere, and the exit status says Cognito was not fully told.
func TestSignOutEverywhereFails(t *testing.T) {
	t.Parallel()
	srv, s := signedIn(t, trackingPool)
	dev := wantOneDevice(t, srv, s)
	tok := s.cachedTokens(t)
	srv.FailNext(1000, cognitotest.FaultInternalError, "GlobalSignOut")
	r := s.run("sign-out", "-everywhere", "-timeout", "2s")
	r.want(t, exitError, "InternalErrorException", "the user's other refresh tokens stay usable")
	r.wantNoSecret(t, tok)
	if err := renewWith(srv, tok.RefreshToken, dev.Key); err == nil {
		t.Error("the cached refresh token was not revoked after GlobalSignOut failed")
	}
	if len(srv.Devices("alice")) != 0 {
		t.Errorf("the device was not forgotten after GlobalSignOut failed: %+v", srv.Devices("alice"))
	}
	s.wantCacheEmpty(t)
}

// TestSignOutRevocationOffEverywhereFails: with an app client without
// token revocation, a sign-out -everywhere whose GlobalSignOut fails
// (Cognito failing here; unreachable alike) keeps the files, as a
// sign-out without -everywhere does, and says both failures: the
// fallback RevokeToken is refused, so the files hold the one refresh
// token a later -everywhere can end. Before, they were removed, leaving a
// live refresh token that nothing on the machine could end any more.
func TestSignOutRevocationOffEverywhereFails(t *testing.T) {
	t.Parallel()
	srv, s := signedIn(t, noRevocation)
	tok := s.cachedTokens(t)
	srv.FailNext(1000, cognitotest.FaultInternalError, "GlobalSignOut")
	r := s.run("sign-out", "-everywhere", "-timeout", "2s")
	r.want(t, exitError, "does not allow token revocation", "signing out everywhere failed (", "InternalErrorException", "cache files are kept")
	r.wantNoSecret(t, tok)
	if s.cachedTokens(t).RefreshToken != tok.RefreshToken {
		t.Error("the cached refresh token changed")
	}
	if err := renewWith(srv, tok.RefreshToken, ""); err != nil {
		t.Errorf("the refresh token the files keep does not renew: %v", err)
	}
}

// TestSignOutFailingSaysNoRetry: when Cognito fails (InternalErrorException)
// and sign-out removes the files all the same, its message does not say to
// try again later, as the token error's does: a second run finds nothing
// cached, and the refresh token stays usable whatever the user does.
func TestSignOutFailingSaysNoRetry(t *testing.T) {
	t.Parallel()
	srv, s := signedIn(t, cognitotest.Config{})
	srv.FailNext(1000, cognitotest.FaultInternalError, "RevokeToken")
	r := s.run("sign-out", "-timeout", "2s")
	r.want(t, exitError, "removed the cache files, but Cognito could not be told (RevokeToken: Cognito is throttling or failing (InternalErrorException", "the refresh token stays usable until it expires")
	if strings.Contains(r.stderr, "again") {
		t.Errorf("sign-out says to try again, which finds nothing cached: %q", r.stderr)
	}
	s.wantCacheEmpty(t)
}

// TestSignOutNoRefreshToken: a token file without a refresh token (made by
// hand, another program's) holds nothing to revoke, and sign-out says so.
// Before, it said "signed out alice: ; cache files removed", an empty list.
func TestSignOutNoRefreshToken(t *testing.T) {
	t.Parallel()
	srv, s := signedIn(t, cognitotest.Config{})
	tok := s.cachedTokens(t)
	accessOnly := *tok
	accessOnly.RefreshToken = ""
	if err := cognitosrp.NewFileStore(s.cacheFile(t)).Save(context.Background(), &accessOnly); err != nil {
		t.Fatal(err)
	}
	r := s.run("sign-out")
	r.want(t, exitOK, "signed out alice: no refresh token cached to revoke; cache files removed")
	r.wantNoSecret(t, tok)
	if n := srv.Calls("RevokeToken"); n != 0 {
		t.Errorf("%d RevokeToken calls without a refresh token", n)
	}
	s.wantCacheEmpty(t)
}

// TestSignOutRevocationOffDevice: in a pool with device tracking whose app
// client does not allow token revocation, forgetting the device ends the
// refresh token issued to it, which a renewal then shows: sign-out has
// signed the cache out, removes the files and exits with 0, saying how the
// token ended; a second run finds nothing cached. Before, it kept the
// files and said that -everywhere would end a refresh token that was dead
// already; the -everywhere it advised then said "the refresh token was no
// longer valid", as if the user had signed out elsewhere, and the device
// "stays in the user's list", which it had left.
func TestSignOutRevocationOffDevice(t *testing.T) {
	t.Parallel()
	tracking := trackingPool
	tracking.DisableTokenRevocation = true
	rotating := tracking
	rotating.RefreshTokenRotation = true
	for _, cfg := range []cognitotest.Config{tracking, rotating} {
		// As signedIn, through a proxy (the endpoint names the cache).
		srv := newEmulator(t, cfg)
		s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
		issued := s.recordRefreshTokens(t, srv)
		s.run("token").want(t, exitOK)
		dev := wantOneDevice(t, srv, s)
		tok := s.cachedTokens(t)
		delete(s.env, "COGNITO_PASSWORD")
		r := s.run("sign-out")
		r.want(t, exitOK, "signed out alice: device forgotten, which ended its refresh token (this app client does not allow token revocation); cache files removed")
		r.wantNoSecret(t, tok)
		// With rotation, the renewal sign-out makes retires tok's refresh
		// token whatever else sign-out does: the successor it cached (and
		// removed) is the one that must have ended.
		all := issued()
		if want := map[bool]int{false: 1, true: 2}[cfg.RefreshTokenRotation]; len(all) != want || all[0] != tok.RefreshToken {
			t.Fatalf("rotation %v: %d refresh tokens issued, want %d, the login's first", cfg.RefreshTokenRotation, len(all), want)
		}
		for _, rt := range all {
			if err := renewWith(srv, rt, dev.Key); err == nil {
				t.Errorf("rotation %v: the emulator still takes a refresh token", cfg.RefreshTokenRotation)
			}
		}
		if devs := srv.Devices("alice"); len(devs) != 0 {
			t.Errorf("rotation %v: the device is still in alice's list: %+v", cfg.RefreshTokenRotation, devs)
		}
		s.wantCacheEmpty(t)
		s.run("sign-out", "-everywhere").want(t, exitOK, "nothing is cached for alice")
	}
}

// TestSignOutRevocationOffDeviceOutlived: when the refresh token outlives
// the device sign-out forgot (the file named a device Cognito no longer
// knew, and the token was issued to another), the renewal that checks
// shows it, and the token file is kept, holding the live refresh token
// (the successor, with rotation), for the -everywhere that ends it, as
// without a device; the forgotten device's file goes. With rotation both refresh tokens are refused: the message
// does not call the second refusal a failure of -everywhere, which was
// not given.
func TestSignOutRevocationOffDeviceOutlived(t *testing.T) {
	t.Parallel()
	tracking := trackingPool
	tracking.DisableTokenRevocation = true
	rotating := tracking
	rotating.RefreshTokenRotation = true
	for _, cfg := range []cognitotest.Config{tracking, rotating} {
		srv, s := signedIn(t, cfg)
		key := s.unknownDevice(t, srv)
		tok := s.cachedTokens(t)
		r := s.run("sign-out")
		r.want(t, exitError, "device forgotten, but this app client does not allow token revocation", "the token file is kept; sign-out -everywhere")
		if strings.Contains(r.stderr, "everywhere failed") {
			t.Errorf("rotation %v: %q", cfg.RefreshTokenRotation, r.stderr)
		}
		if files := s.deviceFiles(); len(files) != 0 {
			t.Errorf("rotation %v: the forgotten device's file stays: %q", cfg.RefreshTokenRotation, files)
		}
		// With rotation the renewals retire each refresh token they use,
		// tok's included, and -everywhere's successor is in no file: the
		// access token of the kept file, which GlobalSignOut ends too,
		// tells whether it ran.
		kept := s.cachedTokens(t)
		if _, err := srv.VerifyAccessToken(kept.AccessToken); err != nil {
			t.Fatalf("rotation %v: the kept access token is refused before -everywhere: %v", cfg.RefreshTokenRotation, err)
		}
		s.run("sign-out", "-everywhere").want(t, exitOK, "signed out everywhere")
		if err := renewWith(srv, tok.RefreshToken, key); err == nil {
			t.Errorf("rotation %v: the emulator still takes the refresh token", cfg.RefreshTokenRotation)
		}
		if _, err := srv.VerifyAccessToken(kept.AccessToken); err == nil {
			t.Errorf("rotation %v: the emulator still takes the kept access token", cfg.RefreshTokenRotation)
		}
		s.wantCacheEmpty(t)
	}
}

// TestSignOutDeviceForgottenElsewhere: a refresh token that died with its
// device (forgotten elsewhere, by an administrator) is no failure either,
// but the message must not say the device stays in the user's list, nor
// that -everywhere signed anyone out: it needs a live refresh token, and
// the user's other refresh tokens live on. Before, it said "the refresh
// token was no longer valid, so the device stays in the user's list of
// devices", of a device that was gone, and nothing of -everywhere.
func TestSignOutDeviceForgottenElsewhere(t *testing.T) {
	t.Parallel()
	srv, s := signedIn(t, trackingPool)
	if err := srv.ForgetDevice(wantOneDevice(t, srv, s).Key); err != nil {
		t.Fatal(err)
	}
	elsewhere, err := srv.IssueTokens("alice")
	if err != nil {
		t.Fatal(err)
	}
	// The pool's access tokens live 2 s, and a loaded machine (a Wine run)
	// took longer than that to run the command: the token then expired,
	// and the check below failed although nobody had signed out. The
	// server's clock stands still from here, so the token can end only by
	// a sign-out.
	frozen := srv.Now()
	srv.SetClock(func() time.Time { return frozen })
	delete(s.env, "COGNITO_PASSWORD")
	r := s.run("sign-out", "-everywhere")
	r.want(t, exitOK, "signed out alice: the refresh token had ended already (expired, revoked, or its device forgotten), so the device, if still in the user's list of devices, stays there", "not signed out everywhere, which needs a live refresh token; cache files removed")
	// In a pool with device tracking, IssueTokens' refresh token is bound
	// to a device never confirmed, which renews nothing: its access token
	// tells whether GlobalSignOut ran.
	if _, err := srv.VerifyAccessToken(elsewhere.AccessToken); err != nil {
		t.Errorf("another program's access token was ended: %v", err)
	}
	s.wantCacheEmpty(t)
	s.run("sign-out", "-everywhere").want(t, exitOK, "nothing is cached for alice: not signed out everywhere, which needs the cached tokens")
}

// TestSignOutForgetDeviceFails: when the refresh token is revoked but
// ForgetDevice fails, the message says the token was revoked and only
// the device stays. Before, it said "Cognito could not be told", which
// reads as if the refresh token still worked. When RevokeToken fails too,
// it says both, the refresh token first. Either way it names the call
// that failed, ForgetDevice, as it names RevokeToken: before, "(Cognito
// is throttling or failing (InternalErrorException…))" left the user to
// guess which of the calls it was.
func TestSignOutForgetDeviceFails(t *testing.T) {
	t.Parallel()
	srv, s := signedIn(t, trackingPool)
	dev := wantOneDevice(t, srv, s)
	tok := s.cachedTokens(t)
	srv.FailNext(1000, cognitotest.FaultInternalError, "ForgetDevice")
	r := s.run("sign-out", "-timeout", "2s")
	r.want(t, exitError, "cognito-srp sign-out: refresh token revoked; removed the cache files, but the rest failed (ForgetDevice: Cognito is throttling or failing (InternalErrorException", "): the device stays in the user's list of devices")
	if strings.Contains(r.stderr, "could not be told") || strings.Contains(r.stderr, "refresh token stays usable") {
		t.Errorf("sign-out says the revoked refresh token lives: %q", r.stderr)
	}
	r.wantNoSecret(t, tok)
	if err := renewWith(srv, tok.RefreshToken, dev.Key); err == nil {
		t.Error("the emulator still takes the refresh token")
	}
	s.wantCacheEmpty(t)

	// RevokeToken failing too: both stay, the refresh token first
	// (mutants S14, S33, S34, S56, S59).
	srv, s = signedIn(t, trackingPool)
	srv.FailNext(1000, cognitotest.FaultInternalError, "ForgetDevice", "RevokeToken")
	s.run("sign-out", "-timeout", "2s").want(t, exitError, "removed the cache files, but Cognito could not be told (ForgetDevice: ", "): the refresh token stays usable until it expires, and the device stays in the user's list of devices, unusable without its file\n")
	s.wantCacheEmpty(t)
}

// TestSignOutForgetDeviceRefused: ForgetDevice refused for good (not
// authorized, an invalid parameter) is not retried: sign-out revokes the
// refresh token all the same, removes the files, and exits with 1 at
// once, saying the token was revoked, why the device was not forgotten,
// and that it stays, with no advice to try again.
func TestSignOutForgetDeviceRefused(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		fault cognitotest.Fault
		cause string
	}{
		{"NotAuthorizedException", "not authorized"},
		{"InvalidParameterException", "InvalidParameterException"},
	} {
		t.Run(string(c.fault), func(t *testing.T) {
			t.Parallel()
			srv, s := signedIn(t, trackingPool)
			dev := wantOneDevice(t, srv, s)
			tok := s.cachedTokens(t)
			srv.FailNext(1000, c.fault, "ForgetDevice")
			start := time.Now()
			r := s.run("sign-out", "-timeout", "20s")
			r.want(t, exitError, "cognito-srp sign-out: refresh token revoked; removed the cache files, but the rest failed (", c.cause,
				"): the device stays in the user's list of devices, unusable without its file\n")
			if strings.Contains(r.stderr, "try again") {
				t.Errorf("sign-out says to try again: %q", r.stderr)
			}
			if n := srv.Calls("ForgetDevice"); n != 1 {
				t.Errorf("%d ForgetDevice calls, want 1: the refusal is not retried", n)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("sign-out took %v", d)
			}
			r.wantNoSecret(t, tok)
			if err := renewWith(srv, tok.RefreshToken, dev.Key); err == nil {
				t.Error("the emulator still takes the refresh token")
			}
			if devs := srv.Devices("alice"); len(devs) != 1 {
				t.Errorf("alice's devices: %+v, want hers still listed", devs)
			}
			s.wantCacheEmpty(t)
		})
	}
}

// TestSignOutEverywhereWithoutTokens: sign-out -everywhere with a device
// file but no tokens cached (a token file removed by hand) says it had
// none to sign out everywhere with, calls nothing, removes the device
// file and succeeds; without the settings it needs it is a usage error
// naming the missing one.
func TestSignOutEverywhereWithoutTokens(t *testing.T) {
	t.Parallel()
	srv, s := signedIn(t, trackingPool)
	wantOneDevice(t, srv, s)
	files, _ := filepath.Glob(filepath.Join(s.cacheDir(), "*.json"))
	for _, f := range files {
		if !strings.HasSuffix(f, ".device.json") {
			os.Remove(f)
		}
	}
	delete(s.env, "COGNITO_PASSWORD")
	s.run("sign-out", "-everywhere").want(t, exitOK, "no cached tokens to sign out everywhere with")
	if n := srv.Calls("GlobalSignOut"); n != 0 {
		t.Errorf("%d GlobalSignOut calls, want none", n)
	}
	s.wantCacheEmpty(t)

	delete(s.env, "COGNITO_USER_POOL_ID")
	s.run("sign-out", "-everywhere").want(t, exitUsage, "missing", "COGNITO_USER_POOL_ID")
}

// TestEmulateRefusesArguments: emulate takes flags only; a stray word (a
// forgotten dash) is a usage error naming it, not a server started with
// the flags after it ignored. The port cannot be listened on: an emulate
// that took the word fails at once, where with a port it served until
// commandLimit (2 minutes) before the test failed. A word that is no
// flag's name is not shown: "-with-secret S3cret", as if the flag took
// the client's secret, put it in a CI job's log.
func TestEmulateRefusesArguments(t *testing.T) {
	t.Parallel()
	s := newSandbox(t)
	s.run("emulate", "-addr", "127.0.0.1:99999", "quiet").want(t, exitUsage, `unexpected argument "quiet" (the flag -quiet?)`)
	r := s.run("emulate", "-addr", "127.0.0.1:99999", "-with-secret", "1example23456789s3cret")
	r.want(t, exitUsage, "unexpected argument (not shown); emulate takes flags only, and -client-secret-file a secret of yours")
	if strings.Contains(r.stderr, "s3cret") {
		t.Errorf("the argument is echoed: %q", r.stderr)
	}
}

// TestSignOutNoCacheDirectory: when the cache directory cannot be found
// (no HOME, XDG_CACHE_HOME or LocalAppData), sign-out fails with status 1,
// not 0 as when nothing is cached: the tokens may be cached where token
// ran with another environment, which sign-out cannot see. It says so, and
// where to look: it said only what failed, which read as a fault of the
// command. It does not tell the user to use -no-cache, which sign-out
// refuses as a flag it does not define (it said "(use -no-cache)",
// token's advice); token still gives it.
func TestSignOutNoCacheDirectory(t *testing.T) {
	t.Parallel()
	srv := newEmulator(t, cognitotest.Config{})
	s := newSandbox(t).forServer(srv, "alice", "pw-alice-123")
	for _, v := range []string{"HOME", "XDG_CACHE_HOME", "LocalAppData", "home"} {
		delete(s.env, v)
	}
	r := s.run("sign-out")
	r.want(t, exitError, "cognito-srp sign-out: finding the cache directory: ",
		" (sign-out looks for the token file where token kept it: run it with token's environment; token -no-cache kept none)")
	if strings.Contains(r.stderr, "-no-cache to") || strings.Contains(r.stderr, "-no-cache runs") {
		t.Errorf("sign-out offers -no-cache, a flag it does not take: %q", r.stderr)
	}
	s.run("token").want(t, exitError, "cognito-srp token: finding the cache directory: ", "-no-cache")
	if n := srv.Calls("InitiateAuth") + srv.Calls("RevokeToken"); n != 0 {
		t.Errorf("%d calls to Cognito", n)
	}
}

// dirNotEmptyText returns the system's text for the error of removing a
// directory that is not empty: "directory not empty" on Unix, "The
// directory is not empty." on Windows (Wine: "Directory is not empty.").
func dirNotEmptyText(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "d"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "d", "x"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var pe *fs.PathError
	if err := os.Remove(filepath.Join(dir, "d")); !errors.As(err, &pe) {
		t.Fatalf("removing a directory that is not empty: %v", err)
	}
	return pe.Err.Error()
}

// TestSignOutRemovalFails: when a cache file cannot be removed (a
// non-empty directory in its place; a cache directory that cannot be
// written, by another user than root: notRoot), sign-out exits with 1,
// naming the file and why, after what it did at Cognito: the removal's
// error alone read as if nothing was signed out, and a second run, with
// the token file gone, could not say it either. The file it could not
// remove stays; the device file stays while the token file does.
func TestSignOutRemovalFails(t *testing.T) {
	t.Parallel()
	notEmpty := dirNotEmptyText(t)
	nonEmptyDir := func(t *testing.T, path string) {
		t.Helper()
		os.Remove(path)
		if err := os.MkdirAll(filepath.Join(path, "x"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("device file", func(t *testing.T) {
		t.Parallel()
		srv, s := signedIn(t, cognitotest.Config{})
		tok := s.cachedTokens(t)
		tokens := s.cacheFile(t)
		device := strings.TrimSuffix(tokens, ".json") + ".device.json"
		nonEmptyDir(t, device)
		r := s.run("sign-out")
		r.want(t, exitError, "cognito-srp sign-out: refresh token revoked, but the cache files could not all be removed: removing the device file: ", device, notEmpty)
		if strings.Contains(r.stderr, "clearing tokens") {
			t.Errorf("the device file's removal reads as the token file's: %q", r.stderr)
		}
		r.wantNoSecret(t, tok)
		if err := renewWith(srv, tok.RefreshToken, ""); err == nil {
			t.Error("the emulator still takes the refresh token")
		}
		if _, err := os.Stat(tokens); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("the token file: %v", err)
		}
		if fi, err := os.Stat(device); err != nil || !fi.IsDir() {
			t.Errorf("the directory in the device file's place: %v, %v", fi, err)
		}
	})
	t.Run("device file, Cognito failing", func(t *testing.T) {
		t.Parallel()
		srv, s := signedIn(t, cognitotest.Config{})
		tokens := s.cacheFile(t)
		nonEmptyDir(t, strings.TrimSuffix(tokens, ".json")+".device.json")
		srv.FailNext(1000, cognitotest.FaultInternalError, "RevokeToken")
		r := s.run("sign-out", "-timeout", "2s")
		r.want(t, exitError, "cognito-srp sign-out: Cognito could not be told (", "InternalErrorException",
			"): the refresh token stays usable until it expires, but the cache files could not all be removed: removing the device file: ")
		if strings.Contains(r.stderr, "try again later") || strings.Contains(r.stderr, "removed the cache files") {
			t.Errorf("sign-out says to retry, or that it removed the files: %q", r.stderr)
		}
	})
	t.Run("token file", func(t *testing.T) {
		t.Parallel()
		srv, s := signedIn(t, trackingPool)
		wantOneDevice(t, srv, s)
		device := s.deviceFiles()[0]
		tokens := strings.TrimSuffix(device, ".device.json") + ".json"
		nonEmptyDir(t, tokens)
		r := s.run("sign-out")
		r.want(t, exitError, "cognito-srp sign-out: no cached tokens to forget the device with at Cognito", "but the cache files could not all be removed: clearing tokens: ", tokens, notEmpty)
		if _, err := os.Stat(device); err != nil {
			t.Errorf("the device file went with the token file kept: %v", err)
		}
		// With no device file either, nothing is cached but what cannot
		// be removed.
		os.Remove(device)
		s.run("sign-out").want(t, exitError, "cognito-srp sign-out: clearing tokens: ", tokens, notEmpty)
	})
	t.Run("cache directory", func(t *testing.T) {
		t.Parallel()
		if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
			t.Skip("needs Unix modes")
		}
		srv, s := signedIn(t, cognitotest.Config{})
		tok := s.cachedTokens(t)
		tokens := s.cacheFile(t)
		s.notRoot(t)
		if err := os.Chmod(s.cacheDir(), 0o500); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(s.cacheDir(), 0o700)
		r := s.run("sign-out")
		r.want(t, exitError, "cognito-srp sign-out: refresh token revoked, but the cache files could not all be removed: clearing tokens: ", tokens, "permission denied")
		r.wantNoSecret(t, tok)
		if err := renewWith(srv, tok.RefreshToken, ""); err == nil {
			t.Error("the emulator still takes the refresh token")
		}
		if _, err := os.Stat(tokens); err != nil {
			t.Errorf("the token file: %v", err)
		}
	})
}

// TestSignOutDeviceFileUnreadable: a device file sign-out cannot read for
// another reason than its contents (here a symbolic link to itself) may
// hold the device to forget: sign-out fails with status 1 naming the
// file, before telling Cognito anything, and keeps both files, so that a
// run once the file is fixed signs out completely.
func TestSignOutDeviceFileUnreadable(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("symbolic links as on Unix")
	}
	srv, s := signedIn(t, trackingPool)
	wantOneDevice(t, srv, s)
	device := s.deviceFiles()[0]
	saved, err := os.ReadFile(device)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(device)
	if err := os.Symlink(filepath.Base(device), device); err != nil {
		t.Fatal(err)
	}
	r := s.run("sign-out")
	r.want(t, exitError, "cognito-srp sign-out: reading devices: ", device, "too many levels of symbolic links")
	if n := srv.Calls("RevokeToken") + srv.Calls("ForgetDevice") + srv.Calls("GetTokensFromRefreshToken"); n != 0 {
		t.Errorf("%d calls to Cognito", n)
	}
	s.cachedTokens(t)
	os.Remove(device)
	if err := os.WriteFile(device, saved, 0o600); err != nil {
		t.Fatal(err)
	}
	s.run("sign-out").want(t, exitOK, "refresh token revoked", "device forgotten")
	s.wantCacheEmpty(t)
}

// TestSignOutEverywhereRenewalFails: when the renewal -everywhere needs for
// GlobalSignOut's access token fails (Cognito failing here), sign-out still
// revokes the cached refresh token and removes the files, exits with 1, and
// says that it revoked it and that the user's other refresh tokens stay
// usable: the user asked for them to end. Before, in a pool without device tracking it said "Cognito
// could not be told (…): ", an empty list, and nothing about -everywhere.
func TestSignOutEverywhereRenewalFails(t *testing.T) {
	t.Parallel()
	// Tokens that outlive the run's retries, so that the access token
	// reads as revoked afterwards, not as expired.
	for _, cfg := range []cognitotest.Config{{}, {DeviceTracking: true}} {
		srv, s := signedIn(t, cfg)
		tok := s.cachedTokens(t)
		srv.FailNext(1000, cognitotest.FaultInternalError, "InitiateAuth", "GetTokensFromRefreshToken")
		r := s.run("sign-out", "-everywhere", "-timeout", "2s")
		r.want(t, exitError, "refresh token revoked; removed the cache files, but the rest failed (", "InternalErrorException", "): the user's other refresh tokens stay usable")
		if cfg.DeviceTracking {
			r.want(t, exitError, "the user's other refresh tokens stay usable, and the device stays in the user's list")
		}
		r.wantNoSecret(t, tok)
		if n := srv.Calls("GlobalSignOut"); n != 0 {
			t.Errorf("device tracking %v: %d GlobalSignOut calls without an access token", cfg.DeviceTracking, n)
		}
		if _, err := srv.VerifyAccessToken(tok.AccessToken); !errors.Is(err, cognitotest.ErrTokenRevoked) {
			t.Errorf("device tracking %v: the cached refresh token was not revoked: %v", cfg.DeviceTracking, err)
		}
		s.wantCacheEmpty(t)
	}
}

// TestSignOutEverywhereWithoutRefreshToken: -everywhere with a token file
// that holds no refresh token says it had nothing to sign out everywhere
// with, as well as nothing to revoke, and calls no action (mutant S23).
func TestSignOutEverywhereWithoutRefreshToken(t *testing.T) {
	t.Parallel()
	srv, s := signedIn(t, cognitotest.Config{})
	accessOnly := *s.cachedTokens(t)
	accessOnly.RefreshToken = ""
	if err := cognitosrp.NewFileStore(s.cacheFile(t)).Save(context.Background(), &accessOnly); err != nil {
		t.Fatal(err)
	}
	s.run("sign-out", "-everywhere").want(t, exitOK, "signed out alice: no refresh token cached to revoke; no cached tokens to sign out everywhere with; cache files removed")
	if n := srv.Calls("GlobalSignOut") + srv.Calls("RevokeToken"); n != 0 {
		t.Errorf("%d calls to Cognito without a refresh token", n)
	}
	s.wantCacheEmpty(t)
}

// TestSignOutAccessTokenExpired: the cached access token has expired by
// the time of the sign-out; ForgetDevice takes the renewed one, and the
// device is forgotten (mutant S43: the cached access token).
func TestSignOutAccessTokenExpired(t *testing.T) {
	t.Parallel()
	srv, s := signedIn(t, trackingPool)
	wantOneDevice(t, srv, s)
	srv.Advance(trackingPool.AccessTokenLifetime + time.Second)
	s.run("sign-out").want(t, exitOK, "signed out alice: refresh token revoked; device forgotten")
	if devs := srv.Devices("alice"); len(devs) != 0 {
		t.Errorf("alice's devices after the sign-out: %+v", devs)
	}
}

// TestSignOutTimeout: -timeout bounds sign-out's wait for Cognito (mutant
// S09: no bound), as it bounds token's.
func TestSignOutTimeout(t *testing.T) {
	t.Parallel()
	srv, s := signedIn(t, cognitotest.Config{})
	srv.SetActionLatency("RevokeToken", time.Minute)
	start := time.Now()
	s.run("sign-out", "-timeout", "1s").want(t, exitError, "removed the cache files, but Cognito could not be told", "the refresh token stays usable until it expires")
	// Generous: the point is a bound, not its precision.
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("sign-out -timeout 1s took %v", d)
	}
	srv.SetActionLatency("RevokeToken", -1)
}

// TestConnectionClient: sign-out's Client calls the endpoint a Session of
// the same settings would: -endpoint, or else -region's, or else the pool
// id's region (mutant S48: the pool id's region over -region).
func TestConnectionClient(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		c    connection
		want string
	}{
		{connection{poolID: "us-east-1_X"}, cognitosrp.RegionEndpoint("us-east-1")},
		{connection{poolID: "us-east-1_X", region: "eu-west-1"}, cognitosrp.RegionEndpoint("eu-west-1")},
		{connection{poolID: "us-east-1_X", region: "eu-west-1", endpoint: "http://127.0.0.1:1"}, "http://127.0.0.1:1"},
	} {
		if got := tc.c.client().Endpoint; got != tc.want {
			t.Errorf("%+v: endpoint %q, want %q", tc.c, got, tc.want)
		}
	}
}

// TestSignOutRevocationOffForgetDeviceFails: in a pool with device
// tracking whose app client does not allow token revocation, a sign-out
// whose ForgetDevice (or the renewal it needs) fails keeps the files and
// names that failure, not one of -everywhere, which was not given; the
// next sign-out forgets the device, which ends the refresh token. A
// refusal advises -everywhere. A failure that passes (throttling, a
// connection reset) advises running sign-out again, which forgets the
// device and so ends its refresh token, and not signing out everywhere,
// which would sign the user out of every device and program for a
// failure that passes; nor does it say "try again later" twice. Before,
// it advised -everywhere as for a refusal.
func TestSignOutRevocationOffForgetDeviceFails(t *testing.T) {
	t.Parallel()
	tracking := trackingPool
	tracking.DisableTokenRevocation = true
	for _, tc := range []struct {
		action  string
		fault   cognitotest.Fault
		n       int
		want    []string
		passing bool // a failure that passes: no -everywhere advice
	}{
		{"ForgetDevice", "InvalidParameterException", 1, []string{"InvalidParameterException", "the cache files are kept; sign-out -everywhere ends the refresh token"}, false},
		{"InitiateAuth", "InvalidParameterException", 1, []string{"InvalidParameterException", "the cache files are kept; sign-out -everywhere ends the refresh token"}, false},
		{"ForgetDevice", cognitotest.FaultTooManyRequests, cognitosrp.DefaultMaxAttempts, []string{"ForgetDevice", passingAdvice}, true},
		{"ForgetDevice", cognitotest.FaultConnectionReset, cognitosrp.DefaultMaxAttempts, []string{"ForgetDevice", passingAdvice}, true},
	} {
		t.Run(tc.action+"/"+string(tc.fault), func(t *testing.T) {
			t.Parallel()
			srv, s := signedIn(t, tracking)
			tok := s.cachedTokens(t)
			srv.FailNext(tc.n, tc.fault, tc.action)
			delete(s.env, "COGNITO_PASSWORD")
			r := s.run("sign-out", "-timeout", "20s")
			r.want(t, exitError, append([]string{"does not allow token revocation (", ", and forgetting the device failed ("}, tc.want...)...)
			if strings.Contains(r.stderr, "everywhere failed") {
				t.Errorf("a failure of -everywhere, which was not given: %q", r.stderr)
			}
			if tc.passing && (strings.Contains(r.stderr, "-everywhere") || strings.Count(r.stderr, "later") != 1) {
				t.Errorf("advice that does not fit a failure that passes: %q", r.stderr)
			}
			r.wantNoSecret(t, tok)
			if len(s.deviceFiles()) != 1 {
				t.Error("the device file is gone")
			}
			s.run("sign-out").want(t, exitOK, "signed out alice: device forgotten, which ended its refresh token")
			s.wantCacheEmpty(t)
		})
	}
}

// passingAdvice ends sign-out's message when ForgetDevice failed for a
// reason that passes, in a pool without token revocation.
const passingAdvice = "): the cache files are kept; run sign-out again later: forgetting the device ends the refresh token issued to it, without signing the user out everywhere\n"

// TestSignOutRevocationOffEnded: with an app client without token
// revocation and no device, a refresh token that had ended already (the
// user signed out elsewhere) is no failure: RevokeToken's refusal says
// nothing of it, so a renewal checks, the files go and sign-out exits
// with 0, as with revocation on. Before, it exited with 1, kept the files
// and said that -everywhere would end a refresh token that was dead;
// that -everywhere then signed nobody out. A live one is kept as before.
func TestSignOutRevocationOffEnded(t *testing.T) {
	t.Parallel()
	rotating := noRevocation
	rotating.RefreshTokenRotation = true
	for _, cfg := range []cognitotest.Config{noRevocation, rotating} {
		srv, s := signedIn(t, cfg)
		tok := s.cachedTokens(t)
		if err := srv.SignOut("alice"); err != nil {
			t.Fatal(err)
		}
		delete(s.env, "COGNITO_PASSWORD")
		r := s.run("sign-out")
		r.want(t, exitOK, "signed out alice: the refresh token had ended already (expired, revoked, or its device forgotten); cache files removed")
		r.wantNoSecret(t, tok)
		s.wantCacheEmpty(t)
	}
}

// TestSignOutRevocationOffRevokeFails: with an app client without token
// revocation and refresh-token rotation, sign-out revokes two refresh
// tokens (the rotated-out one and its successor); when the first
// RevokeToken fails for another reason than the app client's refusal and
// the second is refused, the failure is moot (that one would have been
// refused too), and forgetting the device decides, as when both are
// refused: ended, the files go with status 0; outlived, the token file is
// kept, and the message does not say that forgetting the device, done,
// failed. Before, the first ended "removed the cache files, but the rest
// failed (…): " (status 1, naming nothing that stays), and the second
// "device forgotten, but … and forgetting the device failed (…)".
func TestSignOutRevocationOffRevokeFails(t *testing.T) {
	t.Parallel()
	pool := trackingPool
	pool.DisableTokenRevocation = true
	pool.RefreshTokenRotation = true
	for _, outlived := range []bool{false, true} {
		srv, s := signedIn(t, pool)
		if outlived {
			s.unknownDevice(t, srv)
		}
		delete(s.env, "COGNITO_PASSWORD")
		srv.FailNext(1, "InvalidParameterException", "RevokeToken")
		r := s.run("sign-out")
		if n := srv.Calls("RevokeToken"); n != 2 {
			t.Fatalf("outlived %v: %d RevokeToken calls, want 2", outlived, n)
		}
		if !outlived {
			r.want(t, exitOK, "signed out alice: device forgotten, which ended its refresh token (this app client does not allow token revocation); cache files removed")
			s.wantCacheEmpty(t)
			continue
		}
		r.want(t, exitError, "cognito-srp sign-out: device forgotten, but this app client does not allow token revocation (", "): the token file is kept; sign-out -everywhere")
		if strings.Contains(r.stderr, "InvalidParameterException") || strings.Contains(r.stderr, "failed") {
			t.Errorf("outlived: a failure named: %q", r.stderr)
		}
		s.run("sign-out", "-everywhere").want(t, exitOK, "signed out everywhere")
	}
}

// TestRemoveDeviceFileSweepsTemps: sign-out's removal of the device file
// also removes the temporary files that a save of it, killed between its
// write and its rename, left beside it: each holds the device's password,
// and with the device file gone no later save would sweep them. A recent
// one (a save in progress) stays.
func TestRemoveDeviceFileSweepsTemps(t *testing.T) {
	t.Parallel()
	store := cognitosrp.NewFileStore(filepath.Join(t.TempDir(), "tokens.json"))
	device := deviceFilePath(store)
	dir, base := filepath.Split(device)
	stale, recent := filepath.Join(dir, "."+base+".tmp-123"), filepath.Join(dir, "."+base+".tmp-456")
	for _, p := range []string{device, stale, recent} {
		if err := os.WriteFile(p, []byte("{}"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if err := removeDeviceFile(store); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{device: false, stale: false, recent: true} {
		if _, err := os.Stat(p); (err == nil) != want {
			t.Errorf("%s: %v, want it there: %v", p, err, want)
		}
	}
}
