// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest_test

import (
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

// Edits FuzzSRPAnswer makes to an honest client's answers.
const (
	editDevice    = 1 << iota // the exchange fuzzed is device SRP's
	editA                     // send srpA as SRP_A, even empty
	editBlock                 // send block as PASSWORD_CLAIM_SECRET_BLOCK
	editTimestamp             // send (and sign) timestamp as TIMESTAMP
	editSignature             // send signature as PASSWORD_CLAIM_SIGNATURE
	editNoSession             // send no Session (the block names it)
)

// FuzzSRPAnswer plays a client that answers the emulator's SRP exchange,
// of the password (USER_SRP_AUTH's SRP_A, PASSWORD_VERIFIER) or of a
// remembered device (DEVICE_SRP_AUTH's SRP_A, DEVICE_PASSWORD_VERIFIER),
// honestly except for the parts edits names. The client signs the TIMESTAMP
// text it sends, as a client with its own formatter would. The emulator
// must answer every request with HTTP 400 and one of the errors Cognito
// sends there, or with the next step; and
//   - an SRP_A that is not 1 to 1536 hex digits, or is ≡ 0 (mod N), is
//     refused with InvalidParameterException; any other one is taken;
//   - tokens come only from the honest answer: the client's own A, the
//     SECRET_BLOCK sent, the signature of K, and a TIMESTAMP in Cognito's
//     very form ("Tue Mar 4 09:05:07 UTC 2025") at most MaxClockSkew from
//     the server's clock; and that answer gets them;
//   - an empty part is refused as a missing parameter; a TIMESTAMP that
//     does not read as a time at all is refused as malformed
//     (InvalidParameterException), one in Cognito's form never is;
//   - no message, nor the reason the request log keeps, carries the
//     password, the Session, the SECRET_BLOCK or the honest signature.
//
// The seeds, in testdata/fuzz/FuzzSRPAnswer, are named for what they edit.
func FuzzSRPAnswer(f *testing.F) {
	n := cognitotest.PrimeN()
	now := time.Date(2025, 3, 4, 9, 5, 7, 0, time.UTC) // a one-digit day
	ts := cognitosrp.Timestamp(now)
	if ts != "Tue Mar 4 09:05:07 UTC 2025" {
		f.Fatalf("Timestamp(%v) = %q", now, ts) // the seeds' TIMESTAMPs are near it
	}

	const password = "pw-alice-123"
	srv, err := cognitotest.NewUnstartedServer(cognitotest.Config{DeviceTracking: true, Now: func() time.Time { return now }})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := srv.AddUser(cognitotest.User{Username: "alice", Password: password}); err != nil {
		f.Fatal(err)
	}
	_, pool, _ := strings.Cut(srv.PoolID(), "_")
	c := &srpClient{srv: srv}
	// The user's and the device's private values: A is g^a.
	a, _ := new(big.Int).SetString("1234567890abcdef1234567890abcdef1234567890abcdef", 16)
	bigA := new(big.Int).Exp(big.NewInt(2), a, n).Text(16)

	// A first login gets a device to remember.
	ch := c.call(f, "InitiateAuth", map[string]any{"AuthFlow": "USER_SRP_AUTH", "AuthParameters": map[string]string{"USERNAME": "alice", "SRP_A": bigA}})
	res := c.call(f, "RespondToAuthChallenge", c.claimResponses(f, ch, pool, "alice", password, a, ts))
	meta := res.AuthenticationResult.NewDeviceMetadata
	devicePassword, verifier, err := cognitosrp.NewDeviceVerifier(meta.DeviceGroupKey, meta.DeviceKey, nil)
	if err != nil {
		f.Fatal(err)
	}
	c.call(f, "ConfirmDevice", map[string]any{"AccessToken": res.AuthenticationResult.AccessToken, "DeviceKey": meta.DeviceKey, "DeviceSecretVerifierConfig": verifier})

	f.Fuzz(func(t *testing.T, edits uint8, srpA, block, stamp, signature string) {
		device := edits&editDevice != 0
		sentA := bigA
		if edits&editA != 0 {
			sentA = srpA
		}
		var secrets []string // what no message may carry
		params := map[string]string{"USERNAME": "alice", "SRP_A": sentA}
		given := srpA + block + stamp + signature
		if device {
			params["SRP_A"], params["DEVICE_KEY"] = bigA, meta.DeviceKey
		}
		ch, st := c.post(t, "InitiateAuth", map[string]any{"AuthFlow": "USER_SRP_AUTH", "AuthParameters": params})
		if device {
			// The password's exchange is honest; the device's is fuzzed.
			ch = c.want(t, ch, st, "PASSWORD_VERIFIER")
			r := c.claimResponses(t, ch, pool, "alice", password, a, ts)
			r["ChallengeResponses"].(map[string]string)["DEVICE_KEY"] = meta.DeviceKey
			secrets = append(secrets, ch.Session, ch.ChallengeParameters["SECRET_BLOCK"])
			ch, st = c.post(t, "RespondToAuthChallenge", r)
			ch = c.want(t, ch, st, "DEVICE_SRP_AUTH")
			ch, st = c.post(t, "RespondToAuthChallenge", map[string]any{"ChallengeName": "DEVICE_SRP_AUTH", "Session": ch.Session,
				"ChallengeResponses": map[string]string{"USERNAME": "alice", "DEVICE_KEY": meta.DeviceKey, "SRP_A": sentA}})
		}
		secrets = append(secrets, password, devicePassword)

		// The SRP_A: taken exactly when it is a hex number not ≡ 0.
		A, ok := new(big.Int).SetString(sentA, 16)
		goodA := sentA != "" && len(sentA) <= 1536 && strings.Trim(sentA, "0123456789abcdefABCDEF") == "" && ok && new(big.Int).Mod(A, n).Sign() != 0
		wantName := "PASSWORD_VERIFIER"
		if device {
			wantName = "DEVICE_PASSWORD_VERIFIER"
		}
		if !goodA {
			e := c.refused(t, ch, st, secrets, given)
			if e.typ != "InvalidParameterException" {
				t.Fatalf("SRP_A %.40q: %s %q, want InvalidParameterException", sentA, e.typ, e.msg)
			}
			return
		}
		ch = c.want(t, ch, st, wantName)
		secrets = append(secrets, ch.Session, ch.ChallengeParameters["SECRET_BLOCK"])

		// The answer, honest but for the edits.
		userID, poolName, pw := "alice", pool, password
		if device {
			userID, poolName, pw = meta.DeviceKey, meta.DeviceGroupKey, devicePassword
		}
		sentTS := ts
		if edits&editTimestamp != 0 {
			sentTS = stamp
		}
		honestSig := handClaim(t, poolName, userID, pw, a, ch.ChallengeParameters, sentTS)
		if sentTS != ts {
			secrets = append(secrets, handClaim(t, poolName, userID, pw, a, ch.ChallengeParameters, ts))
		}
		secrets = append(secrets, honestSig)
		// With another A than its own, the client cannot know K; and S,
		// the only way to guess it, is never 0 once A ≢ 0 (N is prime),
		// so a hostile A sends the honest signature, of the wrong K.
		sig := honestSig
		if edits&editSignature != 0 {
			sig = signature
		}
		sentBlock := ch.ChallengeParameters["SECRET_BLOCK"]
		if edits&editBlock != 0 {
			sentBlock = block
		}
		resp := map[string]string{"USERNAME": "alice", "PASSWORD_CLAIM_SECRET_BLOCK": sentBlock, "PASSWORD_CLAIM_SIGNATURE": sig, "TIMESTAMP": sentTS}
		if device {
			resp["DEVICE_KEY"] = meta.DeviceKey
		}
		session := ch.Session
		if edits&editNoSession != 0 {
			session = ""
		}
		out, st := c.post(t, "RespondToAuthChallenge", map[string]any{"ChallengeName": wantName, "Session": session, "ChallengeResponses": resp})

		inForm := cognitoForm(sentTS)
		blockOK := sentBlock == ch.ChallengeParameters["SECRET_BLOCK"]
		sessionOK := session != "" || !device && blockOK
		honestAnswer := sentA == bigA && blockOK && inForm && sig == honestSig
		if honestAnswer && sessionOK {
			t0, _ := time.Parse(cognitosrp.TimestampLayout, sentTS)
			if d := t0.Sub(now); d <= cognitotest.MaxClockSkew && d >= -cognitotest.MaxClockSkew {
				if st != http.StatusOK || out.AuthenticationResult == nil || out.AuthenticationResult.AccessToken == "" {
					t.Fatalf("the honest answer (TIMESTAMP %q) got HTTP %d %q", sentTS, st, out.Type)
				}
				return
			}
		}
		e := c.refused(t, out, st, secrets, given)
		missing := ""
		for _, k := range []string{"PASSWORD_CLAIM_SIGNATURE", "PASSWORD_CLAIM_SECRET_BLOCK", "TIMESTAMP"} {
			if resp[k] == "" && strings.HasSuffix(e.msg, "Missing required parameter "+k) {
				missing = k
			}
		}
		switch {
		case missing == "" && (e.typ == "InvalidParameterException") != (e.msg == timestampFormat):
			t.Fatalf("%s %q", e.typ, e.msg)
		case e.msg == timestampFormat && inForm:
			t.Fatalf("TIMESTAMP %q in Cognito's form refused as malformed", sentTS)
		case missing == "" && sessionOK && blockOK && !timeLike.MatchString(sentTS) && e.msg != timestampFormat:
			t.Fatalf("TIMESTAMP %q refused with %s %q, want %q", sentTS, e.typ, e.msg, timestampFormat)
		case resp["PASSWORD_CLAIM_SIGNATURE"] == "" || resp["PASSWORD_CLAIM_SECRET_BLOCK"] == "" || resp["TIMESTAMP"] == "":
			if sessionOK && missing == "" {
				t.Fatalf("an empty part refused with %s %q", e.typ, e.msg)
			}
		}
	})
}

// timestampFormat is Cognito's refusal of a TIMESTAMP it cannot read.
const timestampFormat = "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english."

// cognitoTime matches TIMESTAMP in Cognito's form: English names, the day
// not zero-padded, a 24-hour clock, UTC.
var cognitoTime = regexp.MustCompile(`^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([1-9]|[12][0-9]|3[01]) ([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]) UTC ([0-9]{4})$`)

// timeLike matches what may be read as a TIMESTAMP at all: its parts in
// order, names in any case, numbers of one or two digits where Cognito's
// form has two, spaces doubled, and a fraction of a second (as Go's
// time.Parse reads it).
var timeLike = regexp.MustCompile(`^[A-Za-z]{3} +[A-Za-z]{3} +[0-9]{1,2} +[0-9]{1,2}:[0-9]{2}:[0-9]{2}([.,][0-9]+)? +UTC +[0-9]{4}$`)

// cognitoForm reports whether ts is a TIMESTAMP in Cognito's form whose
// weekday is its date's.
func cognitoForm(ts string) bool {
	m := cognitoTime.FindStringSubmatch(ts)
	if m == nil {
		return false
	}
	num := make([]int, len(m))
	for i := 3; i < len(m); i++ {
		num[i], _ = strconv.Atoi(m[i])
	}
	month := time.Month(strings.Index("JanFebMarAprMayJunJulAugSepOctNovDec", m[2])/3 + 1)
	t := time.Date(num[7], month, num[3], num[4], num[5], num[6], 0, time.UTC)
	return t.Day() == num[3] && t.Weekday().String()[:3] == m[1]
}

// srpClient posts requests straight to a server's handler.
type srpClient struct {
	srv *cognitotest.Server
}

// srpReply is a response: an AuthOutput or an error.
type srpReply struct {
	cognitosrp.AuthOutput
	Type    string `json:"__type"`
	Message string `json:"message"`
}

type apiRefusal struct{ typ, msg string }

func (c *srpClient) post(tb testing.TB, action string, in map[string]any) (*srpReply, int) {
	in["ClientId"] = c.srv.ClientID()
	body, err := json.Marshal(in)
	if err != nil {
		tb.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+action)
	rec := httptest.NewRecorder()
	c.srv.ServeHTTP(rec, req)
	out := new(srpReply)
	if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
		tb.Fatalf("%s: HTTP %d, body %q is not JSON", action, rec.Code, rec.Body)
	}
	return out, rec.Code
}

// call posts and wants success.
func (c *srpClient) call(tb testing.TB, action string, in map[string]any) *srpReply {
	tb.Helper()
	out, st := c.post(tb, action, in)
	if st != http.StatusOK {
		tb.Fatalf("%s: HTTP %d %s %q", action, st, out.Type, out.Message)
	}
	return out
}

// want checks that a response is the challenge name.
func (c *srpClient) want(tb testing.TB, out *srpReply, st int, name string) *srpReply {
	tb.Helper()
	if st != http.StatusOK || out.ChallengeName != name || out.Session == "" || out.AuthenticationResult != nil {
		tb.Fatalf("HTTP %d %s %q, challenge %q: want challenge %s", st, out.Type, out.Message, out.ChallengeName, name)
	}
	return out
}

// refused checks that a response is a Cognito error of those an SRP answer
// may get, which names none of secrets, in its message or the request log,
// unless the client sent it (given).
func (c *srpClient) refused(tb testing.TB, out *srpReply, st int, secrets []string, given string) apiRefusal {
	tb.Helper()
	switch {
	case st != http.StatusBadRequest || out.AuthenticationResult != nil || out.ChallengeName != "" || out.Session != "":
		tb.Fatalf("HTTP %d, challenge %q, tokens %t, want a refusal", st, out.ChallengeName, out.AuthenticationResult != nil)
	case out.Type != "InvalidParameterException" && out.Type != "NotAuthorizedException" && out.Type != "ResourceNotFoundException":
		tb.Fatalf("error %s %q is none Cognito sends an SRP answer", out.Type, out.Message)
	}
	reason := lastReason(c.srv)
	for _, s := range secrets {
		if s != "" && !strings.Contains(given, s) && (strings.Contains(out.Message, s) || strings.Contains(reason, s)) {
			tb.Fatalf("%s %q (reason %q) carries a secret", out.Type, out.Message, reason)
		}
	}
	return apiRefusal{out.Type, out.Message}
}

// claimResponses answers a PASSWORD_VERIFIER challenge honestly, signing
// timestamp.
func (c *srpClient) claimResponses(tb testing.TB, ch *srpReply, pool, user, password string, a *big.Int, timestamp string) map[string]any {
	return map[string]any{"ChallengeName": ch.ChallengeName, "Session": ch.Session, "ChallengeResponses": map[string]string{
		"USERNAME":                    user,
		"PASSWORD_CLAIM_SECRET_BLOCK": ch.ChallengeParameters["SECRET_BLOCK"],
		"PASSWORD_CLAIM_SIGNATURE":    handClaim(tb, pool, user, password, a, ch.ChallengeParameters, timestamp),
		"TIMESTAMP":                   timestamp,
	}}
}
