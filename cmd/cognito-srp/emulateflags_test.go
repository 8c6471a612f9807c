// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp/cognitotest"
)

// emulateFlags returns the names of emulate's flags, as "emulate -h"
// lists them.
func emulateFlags(t *testing.T) []string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &env{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	if code := run(context.Background(), e, []string{"emulate", "-h"}); code != exitOK {
		t.Fatalf("emulate -h: exit %d: %s", code, stderr.String())
	}
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(stderr.String(), -1) {
		names = append(names, m[1])
	}
	if len(names) == 0 {
		t.Fatalf("emulate -h lists no flags: %q", stderr.String())
	}
	return names
}

// TestREADMEEmulateFlags: every flag "emulate -h" lists is named in
// the command's README.md, and its list of emulate's flags names
// none that emulate lacks. The section named three of fifteen flags, so a
// reader could not tell that the pool could rotate refresh tokens, track
// devices or have a client secret without running emulate -h.
func TestREADMEEmulateFlags(t *testing.T) {
	t.Parallel()
	shell := readmeShell(t)
	flags := emulateFlags(t)
	for _, name := range flags {
		// "`-rotation`" is not named by "`-rotation-grace`".
		if !regexp.MustCompile("[` ]-" + regexp.QuoteMeta(name) + "[` ]").MatchString(shell) {
			t.Errorf("the command's README.md does not name emulate's flag -%s", name)
		}
	}
	_, list, ok := strings.Cut(shell, "(`cognito-srp emulate -h` lists them all):\n\n")
	if !ok {
		t.Fatal(`the command's README.md has no list of emulate's flags`)
	}
	list, _, _ = strings.Cut(list, "\n\n")
	for _, m := range regexp.MustCompile("`-([a-z-]+)").FindAllStringSubmatch(list, -1) {
		if !slices.Contains(flags, m[1]) {
			t.Errorf("README lists -%s among emulate's flags; emulate -h does not", m[1])
		}
	}
}

// callAction sends a Cognito API call to the emulator s points at, as a
// client in any language does, and returns its status and body.
func callAction(t *testing.T, s *sandbox, action string, in any) (int, string) {
	t.Helper()
	body, _ := json.Marshal(in)
	req, err := http.NewRequest("POST", s.env["COGNITO_ENDPOINT"], bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+action)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

// emulatedTokens logs in with token -json and returns its fields, the
// claims of the access and id tokens among them.
func emulatedTokens(t *testing.T, s *sandbox) (tok map[string]string, access, id map[string]any) {
	t.Helper()
	r := s.run("token", "-json")
	r.want(t, exitOK)
	if err := json.Unmarshal([]byte(r.stdout), &tok); err != nil {
		t.Fatal(err)
	}
	claims := func(token string) map[string]any {
		s.stdin = token
		r := s.run("claims")
		r.want(t, exitOK)
		var cl map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &cl); err != nil {
			t.Fatal(err)
		}
		return cl
	}
	return tok, claims(tok["access_token"]), claims(tok["id_token"])
}

// TestEmulateNoTokenRevocation: -no-token-revocation makes an app client
// with token revocation off (Config.DisableTokenRevocation), as app
// clients made before June 2021 are: RevokeToken answers HTTP 400
// UnsupportedOperationException and revokes nothing, and the tokens carry
// neither jti nor origin_jti. Without the flag a tester of a non-Go client
// could not meet such a client at all.
func TestEmulateNoTokenRevocation(t *testing.T) {
	t.Parallel()
	for _, off := range []bool{true, false} {
		var args []string
		if off {
			args = append(args, "-no-token-revocation")
		}
		s, stop := emulateSandbox(t, args...)
		tok, access, id := emulatedTokens(t, s)
		for use, cl := range map[string]map[string]any{"access": access, "id": id} {
			for _, claim := range []string{"jti", "origin_jti"} {
				if _, has := cl[claim]; has == off {
					t.Errorf("revocation off %v: the %s token has %s: %v, want %v", off, use, claim, has, !off)
				}
			}
		}
		status, body := callAction(t, s, "RevokeToken", map[string]string{"ClientId": s.env["COGNITO_CLIENT_ID"], "Token": tok["refresh_token"]})
		if off && (status != http.StatusBadRequest || !strings.Contains(body, "UnsupportedOperationException")) {
			t.Errorf("-no-token-revocation: RevokeToken answered %d %s", status, body)
		}
		if !off && status != http.StatusOK {
			t.Errorf("RevokeToken answered %d %s", status, body)
		}
		// What RevokeToken did, or did not, revoke: the refresh token
		// renews only when it was refused.
		status, body = callAction(t, s, "InitiateAuth", map[string]any{
			"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": s.env["COGNITO_CLIENT_ID"],
			"AuthParameters": map[string]string{"REFRESH_TOKEN": tok["refresh_token"]},
		})
		if renewed := status == http.StatusOK; renewed != off {
			t.Errorf("revocation off %v: renewal after RevokeToken answered %d %s", off, status, body)
		}
		stop()
	}
}

// TestEmulateRotationGrace: -rotation-grace keeps a refresh token that
// rotation replaced usable for that long (Config.RotationGracePeriod), as
// an app client with Cognito's RetryGracePeriodSeconds does: a client
// whose two renewals race (two browser tabs, two workers) gets tokens for
// both. Without it the second is refused with RefreshTokenReuseException.
// The flag is refused without -rotation, which it needs, and outside
// Cognito's 0 to 60 seconds; 60 s, Cognito's longest, is taken.
func TestEmulateRotationGrace(t *testing.T) {
	t.Parallel()
	for _, grace := range []string{"60s", "0s"} {
		s, stop := emulateSandbox(t, "-rotation", "-rotation-grace", grace)
		tok, _, _ := emulatedTokens(t, s)
		renew := map[string]string{"ClientId": s.env["COGNITO_CLIENT_ID"], "RefreshToken": tok["refresh_token"]}
		if status, body := callAction(t, s, "GetTokensFromRefreshToken", renew); status != http.StatusOK || !strings.Contains(body, `"RefreshToken"`) {
			t.Fatalf("-rotation-grace %s: first renewal %d %s", grace, status, body)
		}
		status, body := callAction(t, s, "GetTokensFromRefreshToken", renew)
		if grace == "60s" && status != http.StatusOK {
			t.Errorf("-rotation-grace 60s: the rotated-out token was refused at once: %d %s", status, body)
		}
		if grace == "0s" && (status != http.StatusBadRequest || !strings.Contains(body, "RefreshTokenReuseException")) {
			t.Errorf("-rotation-grace 0s: the rotated-out token: %d %s", status, body)
		}
		stop()
	}
	s := newSandbox(t)
	s.run("emulate", "-addr", "127.0.0.1:99999", "-rotation-grace", "10s").want(t, exitUsage, "-rotation-grace needs -rotation")
	s.run("emulate", "-addr", "127.0.0.1:99999", "-rotation", "-rotation-grace", "61s").want(t, exitUsage, "-rotation-grace must be from 0 to 60s")
	s.run("emulate", "-addr", "127.0.0.1:99999", "-rotation", "-rotation-grace", "-1s").want(t, exitUsage, "-rotation-grace must be from 0 to 60s")
}

// TestEmulateSessionTTL: -session-ttl sets how long a challenge's Session
// stays valid (Config.SessionLifetime), so that a tester can see what a
// client does with an MFA code answered too late (NotAuthorizedException,
// "session is expired") without waiting out Cognito's three minutes.
func TestEmulateSessionTTL(t *testing.T) {
	t.Parallel()
	users := filepath.Join(t.TempDir(), "users.json")
	os.WriteFile(users, []byte(`[{"username": "carol", "password": "pw-carol-123", "SMSMFA": true, "aliases": ["+15555550100"]}]`), 0o600)
	for _, ttl := range []string{"1s", "3m"} {
		// This -users comes after emulateSandbox's, and wins.
		s, stop := emulateSandbox(t, "-users", users, "-user-password-auth", "-session-ttl", ttl)
		status, body := callAction(t, s, "InitiateAuth", map[string]any{
			"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": s.env["COGNITO_CLIENT_ID"],
			"AuthParameters": map[string]string{"USERNAME": "carol", "PASSWORD": "pw-carol-123"},
		})
		var out struct{ ChallengeName, Session string }
		if json.Unmarshal([]byte(body), &out); status != http.StatusOK || out.ChallengeName != "SMS_MFA" {
			t.Fatalf("-session-ttl %s: InitiateAuth %d %s", ttl, status, body)
		}
		time.Sleep(1100 * time.Millisecond)
		status, body = callAction(t, s, "RespondToAuthChallenge", map[string]any{
			"ChallengeName": "SMS_MFA", "ClientId": s.env["COGNITO_CLIENT_ID"], "Session": out.Session,
			"ChallengeResponses": map[string]string{"USERNAME": "carol", "SMS_MFA_CODE": cognitotest.DefaultMFACode},
		})
		expired := status == http.StatusBadRequest && strings.Contains(body, "session is expired")
		if expired != (ttl == "1s") || (!expired && status != http.StatusOK) {
			t.Errorf("-session-ttl %s: the code answered after 1.1 s: %d %.100s", ttl, status, body)
		}
		stop()
	}
	// A negative one is refused naming the flag too, not the Config field.
	for _, ttl := range []string{"0", "-1s"} {
		newSandbox(t).run("emulate", "-addr", "127.0.0.1:99999", "-session-ttl", ttl).want(t, exitUsage, "-session-ttl must be positive")
	}
}

// TestEmulateIDTokenTTL: -id-token-ttl gives id tokens a lifetime other
// than the access tokens' (Config.IDTokenLifetime), as a Cognito app
// client's settings can: a client that renews by the access token's
// expiry alone, and sends the id token to its API, is caught only when
// the id token ends first. -token-ttl alone still sets both.
func TestEmulateIDTokenTTL(t *testing.T) {
	t.Parallel()
	for _, v := range []struct {
		args       []string
		access, id time.Duration
	}{
		{[]string{"-token-ttl", "10m", "-id-token-ttl", "2m"}, 10 * time.Minute, 2 * time.Minute},
		{[]string{"-token-ttl", "10m"}, 10 * time.Minute, 10 * time.Minute},
	} {
		s, stop := emulateSandbox(t, append(v.args, "-quiet")...)
		tok, access, id := emulatedTokens(t, s)
		stop()
		for _, c := range []struct {
			field  string
			claims map[string]any
			want   time.Duration
		}{{"expires_at", access, v.access}, {"id_token_expires_at", id, v.id}} {
			exp, err := time.Parse(time.RFC3339, tok[c.field])
			if left := time.Until(exp); err != nil || left < c.want-time.Minute || left > c.want {
				t.Errorf("emulate %q: %s %q, want in %v", v.args, c.field, tok[c.field], c.want)
			}
			claimExp, _ := c.claims["exp"].(float64)
			iat, _ := c.claims["iat"].(float64)
			if claimExp-iat != c.want.Seconds() {
				t.Errorf("emulate %q: %s's token lives %v s (exp - iat), want %v", v.args, c.field, claimExp-iat, c.want.Seconds())
			}
		}
	}
	newSandbox(t).run("emulate", "-addr", "127.0.0.1:99999", "-id-token-ttl", "-1s").want(t, exitUsage, "-id-token-ttl is negative")
}

// TestEmulateClientSecretFile: -client-secret-file gives the app client
// the secret a tester's client is configured with (a docker-compose file,
// a CI secret), where -with-secret's changes with each start; emulate
// takes the file's first line, as a secret file written by an editor or
// a Windows tool (byte order mark, CRLF) holds it, and prints it nowhere:
// the user has it, and it may be a real one.
func TestEmulateClientSecretFile(t *testing.T) {
	t.Parallel()
	const secret = "fixed-secret-of-the-client-4u7s"
	file := filepath.Join(t.TempDir(), "secret")
	os.WriteFile(file, []byte(bom+secret+"\r\nsecond line\n"), 0o600)
	users := filepath.Join(t.TempDir(), "users.json")
	os.WriteFile(users, []byte(`[{"username": "alice", "password": "pw-alice-123"}]`), 0o600)
	_, cmd, stdout, stderr := startEmulate(t, "-users", users, "-client-secret-file", file)
	s := newSandbox(t)
	sc := bufio.NewScanner(stdout)
	banner := readBanner(sc, s)
	if !slices.Contains(banner, "  secret     from "+file+", not printed") {
		t.Errorf("banner %q does not say where the secret comes from", banner)
	}
	s.env["COGNITO_USERNAME"], s.env["COGNITO_PASSWORD"] = "alice", "pw-alice-123"
	s.run("token", "-no-cache").want(t, exitError, "secret is wrong or missing")
	s.env["COGNITO_CLIENT_SECRET"] = secret + "x"
	s.run("token", "-no-cache").want(t, exitError, "secret is wrong or missing")
	s.env["COGNITO_CLIENT_SECRET"] = secret
	s.run("token", "-no-cache").want(t, exitOK)
	// The rest of standard output, to its end when emulate exits, before
	// Wait closes the pipe.
	interrupt(cmd, os.Interrupt)
	for sc.Scan() {
		banner = append(banner, sc.Text())
	}
	cmd.Wait()
	if out := strings.Join(banner, "\n") + stderr.String(); strings.Contains(out, secret) {
		t.Error("emulate printed the secret of -client-secret-file")
	}

	sb := newSandbox(t)
	sb.run("emulate", "-addr", "127.0.0.1:99999", "-with-secret", "-client-secret-file", file).want(t, exitUsage, "not both")
	sb.run("emulate", "-addr", "127.0.0.1:99999", "-client-secret-file", filepath.Join(t.TempDir(), "missing")).want(t, exitUsage, "-client-secret-file: ")
	for _, c := range []struct{ data, want string }{
		{"\r\n" + secret, ": its first line is empty"},
		// Windows PowerShell 5.1's echo secret > file: the app client
		// had a secret of NULs and broken bytes that no client has.
		{utf16LE(secret + "\r\n"), " holds UTF-16 text"},
		{secret + "\xa7\r\n", " holds text that is not UTF-8"},
	} {
		os.WriteFile(file, []byte(c.data), 0o600)
		r := sb.run("emulate", "-addr", "127.0.0.1:99999", "-client-secret-file", file)
		r.want(t, exitUsage, "-client-secret-file "+file+c.want)
		if strings.Contains(r.stdout+r.stderr, secret) || strings.Contains(r.stdout+r.stderr, "of-the") {
			t.Errorf("emulate quoted the secret file: %q", r.stderr)
		}
	}
}

// TestEmulateLatency: -latency delays each API call (SetLatency), so that
// a tester of a non-Go client can see its timeouts at work against
// emulate, as a Go test can against cognitotest.
func TestEmulateLatency(t *testing.T) {
	t.Parallel()
	s, stop := emulateSandbox(t, "-latency", "400ms", "-quiet")
	start := time.Now()
	status, body := callAction(t, s, "InitiateAuth", map[string]any{
		"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": s.env["COGNITO_CLIENT_ID"],
		"AuthParameters": map[string]string{"REFRESH_TOKEN": "not-a-token"},
	})
	if d := time.Since(start); d < 400*time.Millisecond || status != http.StatusBadRequest || !strings.Contains(body, "NotAuthorizedException") {
		t.Errorf("-latency 400ms: answered %d %s after %v", status, body, d)
	}
	stop()
	newSandbox(t).run("emulate", "-addr", "127.0.0.1:99999", "-latency", "-1s").want(t, exitUsage, "-latency is negative")
}

// TestEmulateFaults: -failure-rate fails that share of the API calls with
// -fault's error (SetFailureRate), so that a tester of a non-Go client can
// see its retries at work against emulate, as a Go test can against
// cognitotest, Cognito's error types and those common to all AWS APIs
// alike. -fault alone, which would fail nothing, and a rate or
// fault emulate cannot inject are usage errors.
func TestEmulateFaults(t *testing.T) {
	t.Parallel()
	initiate := func(s *sandbox) (int, string) {
		return callAction(t, s, "InitiateAuth", map[string]any{
			"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": s.env["COGNITO_CLIENT_ID"],
			"AuthParameters": map[string]string{"REFRESH_TOKEN": "not-a-token"},
		})
	}
	s, stop := emulateSandbox(t, "-failure-rate", "1", "-fault", "InternalErrorException", "-quiet")
	if status, body := initiate(s); status != http.StatusInternalServerError || !strings.Contains(body, "InternalErrorException") {
		t.Errorf("-failure-rate 1 -fault InternalErrorException: %d %s", status, body)
	}
	stop()
	// An error common to all AWS APIs, with the status Cognito gives it:
	// a client's retries may go by the status.
	s, stop = emulateSandbox(t, "-failure-rate", "1", "-fault", "ServiceUnavailable", "-quiet")
	if status, body := initiate(s); status != http.StatusServiceUnavailable || !strings.Contains(body, "ServiceUnavailable") {
		t.Errorf("-failure-rate 1 -fault ServiceUnavailable: %d %s", status, body)
	}
	stop()
	s, stop = emulateSandbox(t, "-failure-rate", "1", "-fault", "connection reset", "-quiet")
	reqBody, _ := json.Marshal(map[string]string{"ClientId": s.env["COGNITO_CLIENT_ID"]})
	req, _ := http.NewRequest("POST", s.env["COGNITO_ENDPOINT"], bytes.NewReader(reqBody))
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService.InitiateAuth")
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("-fault \"connection reset\": answered %s", resp.Status)
	}
	stop()

	// Half the calls fail, with TooManyRequestsException by default.
	s, stop = emulateSandbox(t, "-failure-rate", "0.5")
	failed := 0
	const calls = 40
	for range calls {
		switch status, body := initiate(s); {
		case status == http.StatusBadRequest && strings.Contains(body, "TooManyRequestsException"):
			failed++
		case status != http.StatusBadRequest || !strings.Contains(body, "NotAuthorizedException"):
			t.Errorf("-failure-rate 0.5: %d %s", status, body)
		}
	}
	if failed < calls/5 || failed > calls*4/5 {
		t.Errorf("-failure-rate 0.5: %d of %d calls failed", failed, calls)
	}
	if log := stop(); !strings.Contains(log, "TooManyRequestsException") {
		t.Errorf("-failure-rate: emulate's log %q", log)
	}

	sb := newSandbox(t)
	// Refused whatever flags come with it, those whose names sort after
	// "fault" among them.
	sb.run("emulate", "-addr", "127.0.0.1:99999", "-fault", "InternalErrorException").want(t, exitUsage, "-fault needs -failure-rate")
	sb.run("emulate", "-addr", "127.0.0.1:99999", "-fault", "InternalErrorException", "-quiet").want(t, exitUsage, "-fault needs -failure-rate")
	for _, rate := range []string{"1.5", "-0.1", "NaN"} {
		sb.run("emulate", "-addr", "127.0.0.1:99999", "-failure-rate", rate).want(t, exitUsage, "-failure-rate must be from 0 to 1")
	}
	for _, f := range []string{"Throttling", "Exception", "Too Many Exception", "", "Service", "ServiceUnavailable ", "InvalidAction InvalidClientTokenId"} {
		sb.run("emulate", "-addr", "127.0.0.1:99999", "-failure-rate", "0.1", "-fault", f).want(t, exitUsage, "is neither a Cognito error type")
	}
}

// TestFaultNameTakesEachCommonError: -fault takes each error common to all
// AWS APIs that the emulator answers with its own status (it asks
// cognitotest's Fault.CommonAWSError, whose own test pins the list), and
// refuses a part of one or two names run together.
func TestFaultNameTakesEachCommonError(t *testing.T) {
	for _, name := range []string{
		"IncompleteSignature", "InternalFailure", "InvalidAction", "InvalidClientTokenId", "NotAuthorized",
		"OptInRequired", "RequestExpired", "ServiceUnavailable", "ValidationError", "ThrottlingException",
		string(cognitotest.FaultConnectionReset),
	} {
		if !faultName(name) {
			t.Errorf("-fault %q refused", name)
		}
	}
	for _, name := range []string{"Incomplete", "Error", "ValidationErrors", "Service Unavailable"} {
		if faultName(name) {
			t.Errorf("-fault %q taken", name)
		}
	}
}
