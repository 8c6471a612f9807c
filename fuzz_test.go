// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// The fuzz targets below feed everything a server, a token or a store's
// file can make this package parse. Each checks that nothing panics and
// that every failure is the documented sentinel. Seeds live in
// testdata/fuzz/<FuzzName>/; CI runs each target briefly with .ci/fuzz.sh.

// FuzzParseUnverified checks the JWT claim reader: it never panics, fails
// only with ErrMalformedToken, returns times in range, and what it returns
// is the payload: Raw as encoding/json decodes it, each field the value of
// its claim (zero when absent).
func FuzzParseUnverified(f *testing.F) {
	f.Add("eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDAsInRva2VuX3VzZSI6ImFjY2VzcyJ9.c2ln")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, token string) {
		c, err := ParseUnverified(token)
		if err != nil {
			if !errors.Is(err, ErrMalformedToken) {
				t.Fatalf("error %v does not match ErrMalformedToken", err)
			}
			return
		}
		if c.Raw == nil {
			t.Fatal("claims without Raw")
		}
		for _, tm := range []time.Time{c.Expiry, c.IssuedAt, c.AuthTime} {
			if !tm.IsZero() && (tm.Unix() < 0 || tm.Unix() > maxUnixSeconds) {
				t.Fatalf("time %v out of range", tm)
			}
		}
		// Raw is the payload as encoding/json decodes it, numbers kept as
		// json.Number; each field is its claim's value, zero when absent.
		payload, _ := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[1])
		dec := json.NewDecoder(bytes.NewReader(payload))
		dec.UseNumber()
		var raw map[string]any
		if err := dec.Decode(&raw); err != nil || !reflect.DeepEqual(raw, c.Raw) {
			t.Fatalf("Raw %v is not the payload %q decoded (%v)", c.Raw, payload, err)
		}
		for name, got := range map[string]string{"iss": c.Issuer, "sub": c.Subject, "token_use": c.TokenUse, "username": c.Username,
			"cognito:username": c.CognitoUsername, "client_id": c.ClientID, "jti": c.ID} {
			if want, _ := raw[name].(string); got != want {
				t.Fatalf("claim %s = %q, read as %q", name, want, got)
			}
		}
		for name, got := range map[string]time.Time{"exp": c.Expiry, "iat": c.IssuedAt, "auth_time": c.AuthTime} {
			n, ok := raw[name].(json.Number)
			f, _ := n.Float64()
			if ok == got.IsZero() || ok && math.Abs(float64(got.Unix())+float64(got.Nanosecond())/1e9-f) > 1e-6+f*1e-15 {
				t.Fatalf("claim %s = %v, read as %v", name, raw[name], got)
			}
		}
	})
}

// FuzzParsePasswordChallenge checks the decoding of PASSWORD_VERIFIER
// parameters: it accepts exactly the challenges whose user id and secret
// block are present, whose SRP_B and SALT are hex numbers of at most
// maxNumberHexDigits digits (no sign, no prefix) and whose SECRET_BLOCK is
// standard base64; it fails otherwise with ErrInvalidChallenge; and it
// returns the parameters as sent, which the claim answers with. For the
// server values a hostile server would pick (small, or a multiple of N),
// the claim is refused rather than computed.
func FuzzParsePasswordChallenge(f *testing.F) {
	f.Add("user-id", "0", "ab", "c2VjcmV0")
	f.Add("user-id", PadHex(group.N), "00ff", "c2VjcmV0")
	f.Add("u", "zz", "12", "!!")
	f.Add("u", strings.Repeat("f", maxNumberHexDigits+1), "01", "AA==")
	srp, err := newSRPFromPrivate("pool", big.NewInt(123456789))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, user, b, salt, block string) {
		ch, err := ParsePasswordChallenge(map[string]string{
			"USER_ID_FOR_SRP": user, "SRP_B": b, "SALT": salt, "SECRET_BLOCK": block,
		})
		hexNumber := func(s string) bool {
			return s != "" && len(s) <= maxNumberHexDigits && strings.Trim(s, "0123456789abcdefABCDEF") == ""
		}
		_, blockErr := base64.StdEncoding.DecodeString(block)
		valid := user != "" && block != "" && hexNumber(b) && hexNumber(salt) && blockErr == nil
		if err != nil {
			if !errors.Is(err, ErrInvalidChallenge) {
				t.Fatalf("error %v does not match ErrInvalidChallenge", err)
			}
			if valid {
				t.Fatalf("refused a valid challenge: %v", err)
			}
			return
		}
		if !valid {
			t.Fatalf("accepted the challenge %q", []string{user, b, salt, block})
		}
		if want := (PasswordChallenge{UserIDForSRP: user, Username: user, SRPB: b, Salt: salt, SecretBlock: block}); ch != want {
			t.Fatalf("challenge %+v, want %+v", ch, want)
		}
		B, _ := new(big.Int).SetString(b, 16)
		// The exponentiation costs milliseconds: compute the claim only
		// where the interesting failures are.
		zero := new(big.Int).Mod(B, group.N).Sign() == 0
		if B.BitLen() > 64 && !zero {
			return
		}
		claim, err := srp.PasswordClaim(ch, "password", time.Unix(0, 0))
		switch {
		case zero && !errors.Is(err, ErrSRPInvalidB):
			t.Fatalf("B ≡ 0 mod N: got %v, want ErrSRPInvalidB", err)
		case err == nil && (claim.Username != user || claim.SecretBlock != block || claim.Timestamp != Timestamp(time.Unix(0, 0))):
			t.Fatalf("claim %+v does not answer the challenge", claim)
		case err == nil && len(claim.Signature) != base64.StdEncoding.EncodedLen(sha256.Size):
			t.Fatalf("signature %q is not an HMAC-SHA256", claim.Signature)
		case err != nil && !zero && !errors.Is(err, ErrSRPInvalidU):
			t.Fatalf("unexpected error %v", err)
		}
	})
}

// FuzzNewChallenge checks the decoding of a challenge for a
// ChallengeHandler: it never panics, leaves what it cannot decode empty,
// strips the attribute prefix once, and shares no map or slice with the
// output it decodes, so that a handler cannot change what the session
// sends next.
func FuzzNewChallenge(f *testing.F) {
	f.Add(ChallengeSelectMFAType, `["SMS_MFA","SOFTWARE_TOKEN_MFA"]`, `["userAttributes.email","name"]`, `{"email":"a@b","n":1}`, "")
	f.Add(ChallengeMFASetup, `["SOFTWARE_TOKEN_MFA"]`, `[]`, `null`, "EMAIL_OTP")
	f.Add(ChallengeSelectChallenge, `[1]`, `["userAttributes.userAttributes.x"]`, `[]`, "PASSWORD_SRP")
	f.Add(ChallengeNewPasswordRequired, `x`, `[null,"a"]`, `{"a":"b"`, "")
	f.Fuzz(func(t *testing.T, name, options, required, attributes, available string) {
		params := map[string]string{
			"MFAS_CAN_CHOOSE": options, "MFAS_CAN_SETUP": options,
			"requiredAttributes": required, "userAttributes": attributes,
			"AVAILABLE_CHALLENGES": available,
		}
		out := &AuthOutput{ChallengeName: name, ChallengeParameters: params}
		if available != "" {
			out.AvailableChallenges = []string{available}
		}
		c := newChallenge(out, "user")
		if c.Name != name || c.Username != "user" || !maps.Equal(c.Parameters, params) {
			t.Fatalf("challenge %+v does not carry name, user and parameters", c)
		}
		if name != ChallengeSelectMFAType && c.MFAOptions != nil {
			t.Fatalf("MFA options %q for %s", c.MFAOptions, name)
		}
		var want []string
		if json.Unmarshal([]byte(required), &want) != nil {
			want = nil
		}
		if len(c.RequiredAttributes) != len(want) {
			t.Fatalf("required attributes %q from %q", c.RequiredAttributes, required)
		}
		for i, a := range c.RequiredAttributes {
			if a != strings.TrimPrefix(want[i], userAttributePrefix) {
				t.Fatalf("required attribute %q from %q", a, want[i])
			}
		}
		// UserAttributes are the object's string members, every one of
		// them; a member of another type is skipped, not the object.
		var attrs map[string]json.RawMessage
		_ = json.Unmarshal([]byte(attributes), &attrs)
		wantAttrs := map[string]string{}
		for k, raw := range attrs {
			var v string
			if json.Unmarshal(raw, &v) == nil && string(raw) != "null" {
				wantAttrs[k] = v
			}
		}
		if !maps.Equal(c.UserAttributes, wantAttrs) {
			t.Fatalf("attributes %q from %q, want %q", c.UserAttributes, attributes, wantAttrs)
		}
		// Nothing is shared: a handler may scribble on what it got.
		for k := range c.Parameters {
			c.Parameters[k] = "changed"
		}
		for i := range c.AvailableChallenges {
			c.AvailableChallenges[i] = "changed"
		}
		if params["requiredAttributes"] != required || available != "" && out.AvailableChallenges[0] != available {
			t.Fatal("the challenge shares its parameters or choices with the output")
		}
	})
}

// FuzzAPIError checks the reading of error responses: never a panic, a type
// without prefix, a bounded message and request id, a non-JSON body never
// quoted, and only graphic characters of the server's in the error; and,
// against a reading of the body of its own (apiErrorModel), that the type
// and message are the server's: the first that names a type, without
// namespace or URL, of the body's __type, its code (when a string) and
// x-amzn-ErrorType; the body's message (else Message), whole when short
// and printable.
func FuzzAPIError(f *testing.F) {
	f.Add(400, "application/x-amz-json-1.1", "", []byte(`{"__type":"com.amazon#NotAuthorizedException","message":"Incorrect username or password."}`))
	f.Add(502, "text/html", "", []byte("<html><body>Bad Gateway</body></html>"))
	f.Add(500, "", "InternalErrorException:http://internal", []byte(""))
	f.Add(429, "application/json", "x#y:z", []byte(`{"__type":5}`))
	f.Add(400, "application/json", "Other", []byte(`{"code":"UserNotFoundException","message":"m","message":null,"Message":"M"}`))
	f.Add(400, "application/json", "UserNotFoundException:x", []byte(` {"__type":null,"code":7,"Message":"M"}`))
	f.Add(400, "application/json", "UserNotFoundException:x", []byte(`{"__type":"com.amazon#","code":" "}`))
	f.Fuzz(func(t *testing.T, status int, contentType, errType string, body []byte) {
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		resp.Header.Set("Content-Type", contentType)
		resp.Header.Set("X-Amzn-Errortype", errType)
		// The request id is the server's text too.
		resp.Header.Set("X-Amzn-Requestid", errType)
		e := newAPIError("InitiateAuth", resp, body)
		if strings.Contains(e.Type, "#") {
			t.Fatalf("type %q keeps a prefix", e.Type)
		}
		if len(e.Message) > maxMessageLen+len("…") || len(e.Type) > maxTypeLen+len("…") || len(e.RequestID) > maxTypeLen+len("…") {
			t.Fatalf("message of %d bytes, type of %d, request id of %d", len(e.Message), len(e.Type), len(e.RequestID))
		}
		if !isJSON(body) && len(body) >= 64 && strings.Contains(e.Message, string(body)) {
			t.Fatal("a body that is not JSON is quoted in the error")
		}
		if msg := e.Error(); !Printable(msg) {
			t.Fatalf("error %q carries characters that are not graphic", msg)
		}
		_ = e.Temporary()
		if errors.Is(e, ErrUserNotFound) != (e.Type == "UserNotFoundException") {
			t.Fatalf("type %q: Is(ErrUserNotFound) = %t", e.Type, errors.Is(e, ErrUserNotFound))
		}
		typ, msg, judged := apiErrorModel(body, errType)
		if !judged {
			return
		}
		if e.Type != typ {
			t.Fatalf("type %q, want %q (body %q, header %q)", e.Type, typ, body, errType)
		}
		switch {
		case msg == nil:
			if len(body) > 0 && !strings.HasPrefix(e.Message, "response is not a Cognito error (") || len(body) == 0 && e.Message != "" {
				t.Fatalf("message %q for the body %q, which is not a Cognito error", e.Message, body)
			}
		case len(*msg) <= maxMessageLen && Printable(*msg) && utf8.ValidString(*msg):
			if e.Message != *msg {
				t.Fatalf("message %q, want %q (body %q)", e.Message, *msg, body)
			}
		case !strings.HasPrefix(*msg, strings.TrimSuffix(e.Message, "…")) && Printable(*msg):
			t.Fatalf("message %q is not the start of %q", e.Message, *msg)
		}
	})
}

// apiErrorModel reads an error body as the awsJson1_1 protocol has it, by
// its own walk of the JSON object's members, and returns the type and
// message newAPIError must make of it: msg is nil when the body is not a
// JSON object whose __type, message and Message are strings (or null).
// judged is false where encoding/json's leniency would decide: a member
// whose name matches one of those only when case is folded.
func apiErrorModel(body []byte, headerType string) (typ string, msg *string, judged bool) {
	fields := map[string]string{}
	cognito := json.Valid(body) && bytes.HasPrefix(bytes.TrimLeft(body, " \t\r\n"), []byte("{"))
	if cognito {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.Token() // {
		for dec.More() {
			tok, _ := dec.Token()
			name := tok.(string)
			var raw json.RawMessage
			dec.Decode(&raw)
			var s string
			isString := json.Unmarshal(raw, &s) == nil && string(raw) != "null" && raw[0] == '"'
			switch {
			case name == "__type" || name == "message" || name == "Message":
				if !isString && string(raw) != "null" {
					cognito = false
				}
				if isString { // null leaves the field as it was
					fields[name] = s
				}
			case name == "code":
				if !isString {
					s = ""
				}
				fields[name] = s
			case strings.EqualFold(name, "__type") || strings.EqualFold(name, "code") || strings.EqualFold(name, "message"):
				return "", nil, false
			}
		}
	}
	name := func(typ string) string {
		typ, _, _ = strings.Cut(typ, ":")
		typ = typ[strings.LastIndexByte(typ, '#')+1:]
		if typ = strings.TrimSpace(typ); len(typ) > maxTypeLen || strings.Trim(typ, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != "" {
			typ = ""
		}
		return typ
	}
	if cognito {
		m := cmp.Or(fields["message"], fields["Message"])
		msg = &m
		typ = cmp.Or(name(fields["__type"]), name(fields["code"]))
	}
	return cmp.Or(typ, name(headerType)), msg, true
}

// FuzzRedactURL checks the printers' URL redaction against net/url's
// reading of the same text: whenever the parser finds a password in the
// user info, the redacted form no longer holds it, nor the ":password@"
// that carried it, and a URL without user info is left as it is, unless
// it has no "//" authority ("user:pw@host", which redactURL reads as user
// info without a scheme).
func FuzzRedactURL(f *testing.F) {
	f.Add("https://user:s3cret@vpce.example/")
	f.Add("https://user:s3#c?r/et@host:8443/path?q=1#frag")
	f.Add("https://host:443/a@b:c")
	f.Add("http://u:p@[::1]:80/x@y")
	f.Add("user:pw@host/x")
	f.Add("https://vpce.example:8443/") // a port and no '@': left as it is
	f.Add("https://vpce.example:8443/a@b")
	f.Add("http://[::1]/x@y")
	f.Add("https://user:1234/x@h") // net/url: a host and port
	f.Fuzz(func(t *testing.T, s string) {
		out := redactURL(s)
		u, err := url.Parse(s)
		if err != nil {
			return
		}
		if u.User == nil {
			// Without a "//" authority, redactURL reads "user:pw@host".
			authority := strings.HasPrefix(s[len(u.Scheme)+min(len(u.Scheme), 1):], "//")
			if (authority || !strings.Contains(s, "@")) && out != s {
				t.Fatalf("redactURL(%q) = %q, changed a URL without user info", s, out)
			}
			return
		}
		// The password as it is spelled in s: with user info, net/url
		// has read a "//" authority, which ends at the first '/', '?' or
		// '#' after it; the user info ends at its last '@'.
		rest := s[strings.Index(s, "//")+2:]
		if i := strings.IndexAny(rest, "/?#"); i >= 0 {
			rest = rest[:i]
		}
		info := rest[:strings.LastIndexByte(rest, '@')]
		colon := strings.IndexByte(info, ':')
		if colon < 0 || colon == len(info)-1 {
			return
		}
		pw := info[colon+1:]
		if carrier := ":" + pw + "@"; strings.Count(s, carrier) == 1 && strings.Contains(out, carrier) {
			t.Fatalf("redactURL(%q) = %q keeps the password", s, out)
		}
		// (A password of ':', '@' or 'x' could be spelled by the mask.)
		if !strings.ContainsAny(pw, ":@x") && strings.Count(s, pw) == 1 && strings.Contains(out, pw) {
			t.Fatalf("redactURL(%q) = %q keeps the password %q", s, out, pw)
		}
	})
}

// FuzzPadHex compares PadHex and padBytes with a reference built from the
// minimal big-endian bytes: a zero byte in front when the top bit is set.
func FuzzPadHex(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0})
	f.Add([]byte{0x7f})
	f.Add([]byte{0x80})
	f.Add([]byte{0, 0, 0x0f, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		x := new(big.Int).SetBytes(b)
		ref := bytes.TrimLeft(b, "\x00")
		if len(ref) == 0 || ref[0]&0x80 != 0 {
			ref = append([]byte{0}, ref...)
		}
		want := hex.EncodeToString(ref)
		if got := PadHex(x); got != want {
			t.Fatalf("PadHex(%x) = %s, want %s", b, got, want)
		}
		if got := padBytes(x); !bytes.Equal(got, ref) {
			t.Fatalf("padBytes(%x) = %x, want %x", b, got, ref)
		}
	})
}

// FuzzJWKS checks the key set reader: it never panics, fails only with
// ErrInvalidKeySet, every key it returns is within the accepted sizes, and
// it returns exactly the set's RS256 signing keys, each as published under
// its kid, skipping keys of another type, algorithm or use.
func FuzzJWKS(f *testing.F) {
	f.Add([]byte(`{"keys":[{"kty":"RSA","kid":"k","n":"AQAB","e":"AQAB"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"EC","kid":"k"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := parseJWKS(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidKeySet) {
				t.Fatalf("error %v does not match ErrInvalidKeySet", err)
			}
			return
		}
		if len(keys) == 0 {
			t.Fatal("no keys and no error")
		}
		for kid, k := range keys {
			if b := k.N.BitLen(); kid == "" || b < minRSABits || b > maxRSABits || k.E < 3 || k.E%2 == 0 || k.N.Bit(0) == 0 {
				t.Fatalf("accepted key %q of %d bits, e=%d", kid, b, k.E)
			}
		}
		// Exactly the RSA keys for RS256 signatures, each under its kid
		// with its own n and e; the others are skipped.
		var set struct{ Keys []jwk }
		if err := json.Unmarshal(data, &set); err != nil {
			t.Fatalf("accepted a key set that is not JSON: %v", err)
		}
		signing := 0
		for _, k := range set.Keys {
			if k.Kty != "RSA" || k.Alg != "" && k.Alg != "RS256" || k.Use != "" && k.Use != "sig" {
				continue
			}
			signing++
			n, _ := base64.RawURLEncoding.DecodeString(strings.TrimRight(k.N, "="))
			e, _ := base64.RawURLEncoding.DecodeString(strings.TrimRight(k.E, "="))
			if got := keys[k.Kid]; got == nil || got.N.Cmp(new(big.Int).SetBytes(n)) != 0 || int64(got.E) != new(big.Int).SetBytes(e).Int64() {
				t.Fatalf("key %q is not the key set's", k.Kid)
			}
		}
		if signing != len(keys) {
			t.Fatalf("%d keys from a set of %d RS256 signing keys", len(keys), signing)
		}
	})
}

// FuzzVerify checks Verify against a fixed key set: it never panics,
// never reaches the network, every failure matches ErrTokenInvalid, and a
// token it accepts has its signature in the one spelling base64url gives
// it (Verify's promise that no altered copy of a token verifies).
func FuzzVerify(f *testing.F) {
	f.Add(signRS256(testKey(), rsHeader(testKid), accessClaims(testNow)))
	f.Add(signRS256(testKey(), rsHeader(testKid), with(accessClaims(testNow), "exp", "x")))
	f.Add(b64JSON(map[string]any{"alg": "none", "kid": testKid}) + "." + b64JSON(accessClaims(testNow)) + ".")
	// Altered copies of a good token: a line break, the unused bits of
	// the last character set. A 256-byte signature's last character
	// carries two bits of it and four unused ones, so its neighbour in the
	// alphabet (index^1; not the character^1, which changes a data bit)
	// decodes to the same bytes.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	good := signRS256(testKey(), rsHeader(testKid), accessClaims(testNow))
	f.Add(good + "\n")
	f.Add(good[:len(good)-1] + string(alphabet[strings.IndexByte(alphabet, good[len(good)-1])^1]))
	v, err := NewVerifier(VerifierConfig{UserPoolID: testPoolID, ClientIDs: []string{testClientID}, JWKSURL: "http://127.0.0.1:1/unused", Now: func() time.Time { return testNow }})
	if err != nil {
		f.Fatal(err)
	}
	v.keys.keys = map[string]*rsa.PublicKey{testKid: &testKey().PublicKey}
	v.keys.fetchedAt, v.keys.lastAttempt = testNow, testNow
	f.Fuzz(func(t *testing.T, token string) {
		c, err := v.Verify(context.Background(), token)
		if err != nil {
			if !errors.Is(err, ErrTokenInvalid) {
				t.Fatalf("error %v does not match ErrTokenInvalid", err)
			}
			return
		}
		if (c.Issuer != testIssuer && c.Issuer != testUpdatedIssuer) || (c.ClientID != testClientID && c.Audience != testClientID) || !testNow.Before(c.Expiry.Add(DefaultLeeway)) {
			t.Fatalf("accepted claims %+v", c)
		}
		// A signature has one spelling: no altered copy of a signed
		// token verifies.
		sig := token[strings.LastIndexByte(token, '.')+1:]
		if b, err := base64.RawURLEncoding.DecodeString(sig); err != nil || base64.RawURLEncoding.EncodeToString(b) != sig {
			t.Fatalf("accepted the signature spelled %q", sig)
		}
	})
}

// storeErrorForm is every message of ErrStoreFormat that FileStore.Load and
// FileDeviceStore may return about a file's contents, with the path
// replaced by PATH: each names where or what, and quotes nothing of the
// file but a format version.
var storeErrorForm = regexp.MustCompile(`^cognitosrp: unreadable store file: PATH (` +
	`is not a (token|device) file \((invalid JSON|invalid JSON at offset [0-9]+|field "[a-z_.]*" has the wrong type)\)` +
	`|has format version -?[0-9]+; this package reads version 1` +
	`|holds a token with characters a JWT cannot have)$`)

// fuzzDir returns a directory for a fuzz target's files: one in /dev/shm
// where there is one, since every save syncs and a sync to a disk costs
// about a millisecond, three times what the rest of an execution does;
// else the target's temporary directory.
func fuzzDir(f *testing.F) string {
	if d, err := os.MkdirTemp("/dev/shm", "cognitosrp-fuzz-"); err == nil {
		f.Cleanup(func() { os.RemoveAll(d) })
		return d
	}
	return f.TempDir()
}

// FuzzFileStore checks FileStore.Load on what a damaged or hand-edited
// token file may hold: it fails only with ErrStoreFormat, in a message that
// quotes nothing of the file, and exactly on a file that is no JSON object
// of format version 1, or whose access or ID token has a character a JWT
// cannot have; it holds no tokens (nil) exactly when the file has none of
// the three; what it returns is each of the file's fields, read here
// independently; and tokens it accepts are tokens Save writes back and
// Load reads again unchanged.
func FuzzFileStore(f *testing.F) {
	f.Add([]byte(`{"version":1,"access_token":"eyJ.eyJ.c2ln","id_token":"eyJ.eyJ.c2ln","refresh_token":"r-1","token_type":"Bearer",` +
		`"access_expiry":"2026-03-04T10:00:00Z","id_expiry":"2026-03-04T10:00:00+05:30","issued_at":"2026-03-04T09:00:00.5Z","username":"alice"}`))
	f.Add([]byte(`{"version":1,"refresh_token":"only-a-refresh-token"}`))
	f.Add([]byte(`{"version":1,"access_token":"a","id_token":"b","access_expiry":"9999-12-31T23:59:59-23:59","id_expiry":"0000-01-01T00:00:00+23:59"}`))
	f.Add([]byte(`{"version":2,"access_token":"secret-access"}`))
	f.Add([]byte(`{"version":"1","access_expiry":5,"id_token":"x y"}`))
	f.Add([]byte(`{"version":1,"access_token":"ey.secret'$(touch pwned)'.x"}`))
	f.Add([]byte("{\"version\":1,\"access_token\":\"tok\",\"id_expiry\":\"2026-13-01T00:00:00Z\"}"))
	f.Add([]byte(`[1,2] secret-refresh-token`))
	f.Add([]byte(`null`))
	path := filepath.Join(fuzzDir(f), "tokens.json")
	s := NewFileStore(path)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := s.Load(ctx)
		// What the file says, as encoding/json reads the documented
		// format.
		var file struct {
			Version      *int      `json:"version"`
			Access       string    `json:"access_token"`
			ID           string    `json:"id_token"`
			Refresh      string    `json:"refresh_token"`
			Type         string    `json:"token_type"`
			AccessExpiry time.Time `json:"access_expiry"`
			IDExpiry     time.Time `json:"id_expiry"`
			Issued       time.Time `json:"issued_at"`
			Username     string    `json:"username"`
		}
		fileErr := json.Unmarshal(data, &file)
		valid := fileErr == nil && file.Version != nil && *file.Version == fileFormatVersion && wordChars(file.Access) && wordChars(file.ID)
		if err != nil {
			if !errors.Is(err, ErrStoreFormat) {
				t.Fatalf("error %v does not match ErrStoreFormat", err)
			}
			if msg := strings.Replace(err.Error(), path, "PATH", 1); !storeErrorForm.MatchString(msg) {
				t.Fatalf("error %q quotes the file", msg)
			}
			if valid {
				t.Fatalf("refused a token file of format version 1: %v", err)
			}
			return
		}
		if !valid {
			t.Fatalf("read %q, which is no token file of format version 1 (%v)", data, fileErr)
		}
		if empty := file.Access == "" && file.ID == "" && file.Refresh == ""; (got == nil) != empty {
			t.Fatalf("Load = %v for a file holding tokens: %t", got, !empty)
		}
		if got == nil {
			return
		}
		if want := (Tokens{AccessToken: file.Access, IDToken: file.ID, RefreshToken: file.Refresh, TokenType: file.Type,
			AccessExpiry: file.AccessExpiry, IDExpiry: file.IDExpiry, IssuedAt: file.Issued, Username: file.Username}); !reflect.DeepEqual(*got, want) {
			g, w := reflect.ValueOf(*got), reflect.ValueOf(want)
			for i := range g.NumField() {
				if !reflect.DeepEqual(g.Field(i).Interface(), w.Field(i).Interface()) {
					t.Fatalf("Load's %s = %q, the file's %q", g.Type().Field(i).Name, g.Field(i), w.Field(i))
				}
			}
		}
		if !wordChars(got.AccessToken) || !wordChars(got.IDToken) {
			t.Fatalf("loaded tokens %q and %q with characters a JWT cannot have", got.AccessToken, got.IDToken)
		}
		if err := s.Save(ctx, got); err != nil {
			t.Fatalf("Save of loaded tokens: %v", err)
		}
		again, err := s.Load(ctx)
		if err != nil || again == nil {
			t.Fatalf("Load after Save = %v, %v", again, err)
		}
		if again.AccessToken != got.AccessToken || again.IDToken != got.IDToken || again.RefreshToken != got.RefreshToken ||
			again.TokenType != got.TokenType || again.Username != got.Username || !again.AccessExpiry.Equal(got.AccessExpiry) ||
			!again.IDExpiry.Equal(got.IDExpiry) || !again.IssuedAt.Equal(got.IssuedAt) {
			t.Fatalf("Load after Save = %#v, want %#v", *again, *got)
		}
	})
}

// FuzzFileDeviceStore checks FileDeviceStore on what a damaged or
// hand-edited device file may hold: reading fails only with ErrStoreFormat,
// in a message that quotes nothing of the file (no device password), and a
// file that cannot be read is never replaced. A file it reads is of format
// version 1, and SaveDevice, LoadDevice and DeleteDevice then do what they
// say for the owner and leave every other owner's device as it was.
func FuzzFileDeviceStore(f *testing.F) {
	rec := func(pool, user, key string) string {
		return `{"user_pool_id":"` + pool + `","username":"` + user + `","device_key":"` + key +
			`","device_group_key":"g-` + key + `","device_password":"pw-` + key + `"}`
	}
	f.Add([]byte(`{"version":1,"devices":[`+rec("us-east-1_A", "alice", "k1")+`,`+rec("us-east-1_A", "bob", "k2")+`]}`), "us-east-1_A", "alice")
	f.Add([]byte(`{"version":1,"devices":[`+rec("us-east-1_A", "bob", "k2")+`]}`), "us-east-1_A", "alice")
	f.Add([]byte(`{"version":1,"devices":[]}`), "p", "")
	f.Add([]byte(`{"version":7,"devices":[`+rec("p", "u", "s3cret")+`]}`), "p", "u")
	f.Add([]byte(`{"version":1,"devices":{"device_password":"s3cret"}}`), "p", "u")
	f.Add([]byte(`{"version":1,"devices":[{"device_key":5}]}`), "p", "u")
	f.Add([]byte(`not json s3cret-device-password`), "p", "u")
	ctx := context.Background()
	path := filepath.Join(fuzzDir(f), "devices.json")
	s := NewFileDeviceStore(path)
	f.Fuzz(func(t *testing.T, data []byte, pool, user string) {
		if !utf8.ValidString(pool) || !utf8.ValidString(user) {
			// JSON cannot hold such an owner; DeviceOwner names are text.
			return
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		owner := DeviceOwner{UserPoolID: pool, Username: user}
		d, err := s.LoadDevice(ctx, owner)
		if err != nil {
			if !errors.Is(err, ErrStoreFormat) {
				t.Fatalf("error %v does not match ErrStoreFormat", err)
			}
			if msg := strings.Replace(err.Error(), path, "PATH", 1); !storeErrorForm.MatchString(msg) {
				t.Fatalf("error %q quotes the file", msg)
			}
			if err := s.SaveDevice(ctx, owner, &Device{Key: "k", GroupKey: "g", Password: "p"}); !errors.Is(err, ErrStoreFormat) {
				t.Fatalf("SaveDevice over an unreadable file: %v", err)
			}
			if now, _ := os.ReadFile(path); !bytes.Equal(now, data) {
				t.Fatal("SaveDevice replaced a file it cannot read")
			}
			return
		}
		// What the file says, read independently of the store.
		var file struct {
			Version *int
			Devices []struct {
				Pool     string `json:"user_pool_id"`
				User     string `json:"username"`
				Key      string `json:"device_key"`
				Group    string `json:"device_group_key"`
				Password string `json:"device_password"`
			}
		}
		if json.Unmarshal(data, &file) != nil || file.Version == nil || *file.Version != fileFormatVersion {
			t.Fatalf("read a file that is not of format version 1: %q", data)
		}
		first, dup := map[DeviceOwner]*Device{}, map[DeviceOwner]int{}
		for _, r := range file.Devices {
			o := DeviceOwner{UserPoolID: r.Pool, Username: r.User}
			if first[o] != nil {
				dup[o]++
				continue
			}
			first[o] = &Device{Key: r.Key, GroupKey: r.Group, Password: r.Password}
		}
		if want := first[owner]; (d == nil) != (want == nil) || d != nil && *d != *want {
			t.Fatalf("LoadDevice = %v, want %v", d, want)
		}
		nd := &Device{Key: "new-key", GroupKey: "new-group", Password: "new-password"}
		if err := s.SaveDevice(ctx, owner, nd); err != nil {
			t.Fatal(err)
		}
		if d, err := s.LoadDevice(ctx, owner); err != nil || d == nil || *d != *nd {
			t.Fatalf("LoadDevice after SaveDevice = %v, %v", d, err)
		}
		if err := s.DeleteDevice(ctx, owner); err != nil {
			t.Fatal(err)
		}
		// (A file holding the owner twice, which no store writes, keeps
		// the second.)
		if d, err := s.LoadDevice(ctx, owner); err != nil || d != nil && dup[owner] == 0 {
			t.Fatalf("LoadDevice after DeleteDevice = %v, %v", d, err)
		}
		for o, want := range first {
			if o == owner {
				continue
			}
			if d, err := s.LoadDevice(ctx, o); err != nil || d == nil || *d != *want {
				t.Fatalf("%v's device = %v, %v; want %v", o, d, err, want)
			}
		}
	})
}

// FuzzAcceptTokens checks what a session makes of an AuthenticationResult,
// its claims included, against a model of the rules in tokencheck.go: it
// accepts exactly the results whose two tokens are JWTs with an expiry (exp,
// else ExpiresIn) after their issue (iat, else arrival) and at most ten
// years after it, issued within an hour of the local clock, with an
// ExpiresIn of at most ten years; it keeps the previous refresh token when
// none comes; every refusal matches ErrInvalidResponse, and its message
// depends on no refresh token and quotes no access or id token.
func FuzzAcceptTokens(f *testing.F) {
	claims := func(m map[string]any) string { return string(mustJSON(m)) }
	f.Add(claims(accessClaims(testNow)), claims(idClaims(testNow)), int64(3600), "refresh-token-1", "", false)
	f.Add(claims(with(accessClaims(testNow), "exp", nil)), claims(with(idClaims(testNow), "exp", nil)), int64(60), "", "old-refresh-token", false)
	f.Add(claims(with(accessClaims(testNow.Add(-59*time.Minute)), "exp", testNow.Add(-58*time.Minute).Unix())), claims(idClaims(testNow)), int64(0), "r", "p", false)
	f.Add(`{"iat":1772615107,"exp":1772615107.5}`, `{"exp":253402300799}`, int64(-1), "", "", false)
	f.Add(`{"iat":1.7726e9,"exp":"1772618707"}`, `{"aud":["a","b"]}`, int64(315360001), "r", "", false)
	f.Add(`{"exp":1772618707}`, `{}`, int64(0), "", "", false)
	f.Add("eyJ.eyJleHAiOjE3NzI2MTg3MDd9.c2ln", "ey.secret'$(touch pwned)'.x", int64(3600), "", "", true)
	f.Add("", "a.b.c", int64(3600), "", "", true)
	header := b64JSON(rsHeader(testKid))
	s := new(Session)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, access, id string, expiresIn int64, refresh, prevRefresh string, raw bool) {
		tok := func(payload string) string {
			if raw {
				return payload
			}
			return header + "." + b64([]byte(payload)) + ".c2lnbmF0dXJl"
		}
		res := &AuthenticationResult{AccessToken: tok(access), IdToken: tok(id), RefreshToken: refresh, ExpiresIn: expiresIn, TokenType: "Bearer"}
		var prev *Tokens
		if prevRefresh != "" {
			prev = &Tokens{RefreshToken: prevRefresh}
		}
		got, err := s.acceptTokens(ctx, res, prev, testNow)

		// The model.
		ok := res.AccessToken != "" && res.IdToken != "" && wordChars(res.AccessToken) && wordChars(res.IdToken) &&
			expiresIn >= 0 && expiresIn <= int64(maxTokenLifetime/time.Second)
		ca, errA := ParseUnverified(res.AccessToken)
		ci, errI := ParseUnverified(res.IdToken)
		var want Tokens
		if ok = ok && errA == nil && errI == nil; ok {
			var fallback time.Time
			if expiresIn > 0 {
				fallback = testNow.Add(time.Duration(expiresIn) * time.Second)
			}
			want = Tokens{
				AccessToken: res.AccessToken, IDToken: res.IdToken, RefreshToken: cmp.Or(refresh, prevRefresh), TokenType: "Bearer",
				AccessExpiry: orTime(ca.Expiry, fallback), IDExpiry: orTime(ci.Expiry, fallback), IssuedAt: ca.IssuedAt,
				Username: cmp.Or(ca.Username, ca.CognitoUsername, ci.Username, ci.CognitoUsername),
			}
			issued := testNow
			if !ca.IssuedAt.IsZero() {
				issued = ca.IssuedAt
				ok = !issued.Before(testNow.Add(-maxClockSkew)) && !issued.After(testNow.Add(maxClockSkew))
			}
			for _, exp := range []time.Time{want.AccessExpiry, want.IDExpiry} {
				ok = ok && !exp.IsZero() && exp.After(issued) && !exp.After(issued.Add(maxTokenLifetime))
			}
		}

		if err != nil {
			if ok {
				t.Fatalf("refused a result the rules accept: %v", err)
			}
			if !errors.Is(err, ErrInvalidResponse) {
				t.Fatalf("error %v does not match ErrInvalidResponse", err)
			}
			msg := err.Error()
			if !Printable(msg) {
				t.Fatalf("error %q carries characters that are not graphic", msg)
			}
			if !raw && (strings.Contains(msg, res.AccessToken) || strings.Contains(msg, res.IdToken)) {
				t.Fatalf("error %q quotes a token", msg)
			}
			res.RefreshToken = strings.Repeat("R", min(len(refresh), 1))
			var other *Tokens
			if prev != nil {
				other = &Tokens{RefreshToken: "P"}
			}
			if _, err := s.acceptTokens(ctx, res, other, testNow); err == nil || err.Error() != msg {
				t.Fatalf("with other refresh tokens the error %q becomes %v", msg, err)
			}
			return
		}
		if !ok {
			t.Fatalf("accepted %+v, which the rules refuse", got)
		}
		if got.AccessToken != want.AccessToken || got.IDToken != want.IDToken || got.RefreshToken != want.RefreshToken ||
			got.TokenType != want.TokenType || got.Username != want.Username || !got.AccessExpiry.Equal(want.AccessExpiry) ||
			!got.IDExpiry.Equal(want.IDExpiry) || !got.IssuedAt.Equal(want.IssuedAt) {
			t.Fatalf("accepted %#v, want %#v", *got, want)
		}
	})
}

// logRecorder keeps the text of every log event: its message and the
// values of its attributes.
type logRecorder struct {
	mu   sync.Mutex
	text []string
}

func (h *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *logRecorder) WithGroup(string) slog.Handler            { return h }
func (h *logRecorder) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.text = append(h.text, r.Message)
	r.Attrs(func(a slog.Attr) bool {
		h.text = append(h.text, a.Key+"="+a.Value.Resolve().String())
		return true
	})
	return nil
}

// lines returns a copy of the text recorded so far.
func (h *logRecorder) lines() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.text...)
}

// FuzzRefresh plays a hostile or broken Cognito's answer to a renewal,
// GetTokensFromRefreshToken or REFRESH_TOKEN_AUTH, through Session.Refresh:
// a renewal that fails keeps the session's tokens (a rotating one the new
// refresh token that came with refused tokens) and fails with the
// server's *APIError, a *ChallengeError (a challenge where tokens belong),
// or an error matching ErrInvalidResponse or ErrLoginRequired; one that
// succeeds installs the answer's tokens, with its refresh token when it
// has one (rotation), else the old one; and neither the error nor any log
// event holds the refresh token, the client secret or the old tokens, or a
// character that is not graphic.
func FuzzRefresh(f *testing.F) {
	result := func(kv ...any) []byte {
		r := map[string]any{"AccessToken": fxJWT(accessClaims(testNow)), "IdToken": fxJWT(idClaims(testNow)), "ExpiresIn": 3600, "TokenType": "Bearer"}
		for i := 0; i < len(kv); i += 2 {
			r[kv[i].(string)] = kv[i+1]
		}
		return mustJSON(map[string]any{"AuthenticationResult": r})
	}
	f.Add(200, result(), false)
	f.Add(200, result("RefreshToken", "rotated-refresh-token"), true)
	f.Add(200, result("AccessToken", fxJWT(with(accessClaims(testNow), "jti", "\u202eevil\nline"))), true)
	f.Add(200, result("IdToken", "", "ExpiresIn", -5), false)
	f.Add(200, result("RefreshToken", "rotated-refresh-token", "AccessToken", fxJWT(with(accessClaims(testNow), "exp", testNow.Add(-time.Hour).Unix()))), true)
	f.Add(200, []byte(`{"ChallengeName":"SMS_MFA","Session":"s"}`), false)
	f.Add(200, []byte(`{}`), true)
	f.Add(400, []byte(`{"__type":"NotAuthorizedException","message":"Refresh Token has been revoked"}`), true)
	f.Add(400, []byte(`{"__type":"InvalidParameterException","message":"REFRESH_TOKEN_AUTH flow not enabled for this client"}`), false)
	f.Add(400, []byte(`{"__type":"RefreshTokenReuseException","message":"x\u0000y"}`), true)
	f.Add(502, []byte(`<html>Bad Gateway</html>`), false)
	// Secrets the fuzzer cannot learn: it never sees them compared.
	secret := func(prefix string) string { return prefix + hex.EncodeToString(randomBytes(f, 16)) }
	refreshToken, clientSecret := secret("refresh-"), secret("client-secret-")
	old := &Tokens{
		AccessToken:  fxJWT(with(accessClaims(testNow.Add(-time.Hour)), "jti", secret("jti-"))),
		IDToken:      fxJWT(with(idClaims(testNow.Add(-time.Hour)), "nonce", secret("nonce-"))),
		RefreshToken: refreshToken,
		TokenType:    "Bearer",
		AccessExpiry: testNow, IDExpiry: testNow, IssuedAt: testNow.Add(-time.Hour),
		Username: "internal-user",
	}
	secrets := []string{refreshToken, clientSecret, old.AccessToken, old.IDToken, SecretHash("internal-user", testClientID, clientSecret)}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, status int, body []byte, rotate bool) {
		if status < 100 || status > 599 {
			status = 200
		}
		method := RefreshWithInitiateAuth
		if rotate {
			method = RefreshWithGetTokens
		}
		logs := new(logRecorder)
		s := answeredSession(t, clientSecret, method, logs, func() (int, []byte) { return status, body })
		defer s.Close()
		s.SetTokens(old)
		err := s.Refresh(ctx)
		got := s.Tokens()
		var texts []string
		if err != nil {
			var ae *APIError
			var ce *ChallengeError
			if !errors.Is(err, ErrInvalidResponse) && !errors.Is(err, ErrLoginRequired) && !errors.As(err, &ae) && !errors.As(err, &ce) {
				t.Fatalf("error %v matches none of the documented errors", err)
			}
			if got != old {
				// Only a rotating renewal whose tokens were refused may
				// replace the refresh token, with the new, only live one.
				kept := *old
				if got != nil {
					kept.RefreshToken = got.RefreshToken
				}
				if !rotate || got == nil || got.RefreshToken == "" || got.RefreshToken == old.RefreshToken || *got != kept {
					t.Fatalf("a failed renewal (%v) replaced the tokens with %v", err, got)
				}
			}
			texts = append(texts, err.Error())
		} else {
			if got == old || got == nil || got.AccessToken == "" || got.IDToken == "" || !wordChars(got.AccessToken) ||
				!wordChars(got.IDToken) || got.RefreshToken == "" {
				t.Fatalf("a renewal installed %v", got)
			}
			// The tokens installed are the answer's, with its refresh
			// token when it brought one (rotation), else the old one.
			var answer struct {
				AuthenticationResult struct{ AccessToken, IdToken, RefreshToken string }
			}
			json.Unmarshal(body, &answer)
			res := answer.AuthenticationResult
			if got.AccessToken != res.AccessToken || got.IDToken != res.IdToken || got.RefreshToken != cmp.Or(res.RefreshToken, old.RefreshToken) {
				t.Fatalf("a renewal installed %v, not the answer's tokens (a new refresh token: %t)", got, res.RefreshToken != "")
			}
		}
		s.Close()
		checkTexts(t, append(texts, logs.lines()...), secrets)
	})
}

// FuzzCheckClaims: the claim checks of Verify on any claims, which
// FuzzVerify cannot reach, since the fuzzer cannot sign what it mutates.
// The payload goes through ParseUnverified and checkClaims as a signed
// token's would; checkClaims must accept exactly the claims that meet the
// rules SECURITY.md lists, read here from the JSON by a model of its own:
// the expected iss, token_use access or id, its app client among
// ClientIDs, exp not passed and iat and nbf not ahead, give or take the
// leeway, and an nbf, when there is one, a NumericDate. (Within a
// microsecond of a limit the two may round differently: the model only
// judges times away from it.) A refusal matches ErrTokenInvalid.
func FuzzCheckClaims(f *testing.F) {
	for _, c := range []map[string]any{
		accessClaims(testNow), idClaims(testNow),
		with(accessClaims(testNow), "exp", float64(testNow.Unix())+0.5),
		with(idClaims(testNow), "aud", []any{testClientID}),
		with(accessClaims(testNow), "nbf", testNow.Add(time.Hour).Unix()),
		with(accessClaims(testNow), "token_use", "id"),
		// At the edges of the leeway, just refused.
		with(accessClaims(testNow.Add(-2*time.Hour)), "exp", testNow.Add(-DefaultLeeway).Unix()),
		with(accessClaims(testNow.Add(DefaultLeeway+time.Second)), "exp", testNow.Add(time.Hour).Unix()),
		// And just accepted: expired, issued and valid from within it.
		with(accessClaims(testNow.Add(-2*time.Hour)), "exp", testNow.Add(time.Second-DefaultLeeway).Unix()),
		with(idClaims(testNow.Add(DefaultLeeway-time.Second)), "nbf", testNow.Add(DefaultLeeway-time.Second).Unix()),
	} {
		f.Add(string(mustJSON(c)))
	}
	v, err := NewVerifier(VerifierConfig{UserPoolID: testPoolID, ClientIDs: []string{testClientID}, JWKSURL: "http://127.0.0.1:1/unused", Now: func() time.Time { return testNow }})
	if err != nil {
		f.Fatal(err)
	}
	header := b64JSON(map[string]any{"alg": "RS256", "kid": testKid})
	f.Fuzz(func(t *testing.T, payload string) {
		c, err := ParseUnverified(header + "." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2ln")
		if err != nil {
			return
		}
		err = v.checkClaims(c, time.Time{})
		if err != nil && !errors.Is(err, ErrTokenInvalid) {
			t.Fatalf("error %v does not match ErrTokenInvalid", err)
		}

		// The model, on the payload as ParseUnverified read it: numbers
		// as json.Number, since encoding/json refuses to read one out of
		// float64's range into an any (a claim of no interest may hold
		// 1e400).
		dec := json.NewDecoder(strings.NewReader(payload))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("ParseUnverified read claims that are not a JSON object: %v", err)
		}
		str := func(k string) string { s, _ := m[k].(string); return s }
		num := func(k string) (float64, bool) {
			n, ok := m[k].(json.Number)
			f, err := n.Float64()
			return f, ok && err == nil
		}
		client, use := str("client_id"), str("token_use")
		if use == "id" {
			client = str("aud")
			if a, ok := m["aud"].([]any); ok && len(a) == 1 {
				client, _ = a[0].(string)
			}
		}
		leeway := DefaultLeeway.Seconds()
		now := float64(testNow.Unix())
		exp, okExp := num("exp")
		iat, okIat := num("iat")
		nbf, okNbf := num("nbf")
		var why string
		switch {
		case str("iss") != testIssuer && str("iss") != testUpdatedIssuer:
			why = "iss " + str("iss")
		case use != "access" && use != "id":
			why = "token_use " + use
		case client != testClientID:
			why = "app client " + client
		case !okExp || exp+leeway <= now:
			why = fmt.Sprintf("exp %v", m["exp"])
		case !okIat || iat > now+leeway:
			why = fmt.Sprintf("iat %v", m["iat"])
		case m["nbf"] != nil && (!okNbf || nbf < 0 || nbf > maxUnixSeconds || nbf > now+leeway):
			why = fmt.Sprintf("nbf %v", m["nbf"])
		}
		// Times within a microsecond of their limit are left unjudged.
		near := func(t, limit float64, ok bool) bool { return ok && math.Abs(t-limit) < 1e-6 }
		if near(exp+leeway, now, okExp) || near(iat, now+leeway, okIat) || near(nbf, now+leeway, okNbf) {
			return
		}
		switch {
		case err == nil && why != "":
			t.Fatalf("accepted claims with %s at %v", why, now)
		case err != nil && why == "":
			t.Fatalf("refused claims the rules accept: %v", err)
		}
	})
}

// FuzzTOTP checks TOTP.Code on any secret (the one AssociateSoftwareToken
// returned, or one typed from an app's screen) and any time: it fails only
// with ErrTOTPSecret, else returns six digits; the code of a key does not
// depend on the case, spaces, hyphens or padding of its base32 spelling;
// and every time of a 30-second step (counted from the epoch, before it
// too) has the step's code. Against references: a secret is refused
// exactly when encoding/base32 cannot read it (the package has a decoder of
// its own), and the code is rfc6238's.
func FuzzTOTP(f *testing.F) {
	f.Add([]byte("12345678901234567890"), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", int64(59))
	f.Add([]byte{0xff}, "jbsw y3dp-ehpk 3pxp==", int64(-1))
	f.Add([]byte{}, "not base32!", int64(1111111109))
	f.Add([]byte{1, 2, 3}, "", int64(-30))
	f.Fuzz(func(t *testing.T, key []byte, secret string, unix int64) {
		at := time.Unix(unix%(1<<40), 0)
		code, err := TOTP{Secret: secret}.Code(at)
		switch {
		case err != nil && err != ErrTOTPSecret:
			t.Fatalf("error %v is not ErrTOTPSecret", err)
		case err == nil && (len(code) != totpDigits || strings.Trim(code, "0123456789") != ""):
			t.Fatalf("code %q is not %d digits", code, totpDigits)
		}
		// The key is the secret as encoding/base32 reads it, once case,
		// spaces, hyphens and padding are set aside; the code is RFC
		// 6238's for it.
		clean := strings.Map(func(r rune) rune {
			if strings.ContainsRune(" -=\t\r\n", r) {
				return -1
			}
			return r
		}, strings.ToUpper(secret))
		ref, refErr := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(clean)
		if refErr == nil && len(ref) == 0 {
			refErr = errors.New("empty key")
		}
		if (err == nil) != (refErr == nil) {
			t.Fatalf("secret %q: %v; encoding/base32 reads %q: %x, %v", secret, err, clean, ref, refErr)
		}
		if err == nil && code != rfc6238(ref, at) {
			t.Fatalf("secret %q at %d: code %s, RFC 6238's %s", secret, at.Unix(), code, rfc6238(ref, at))
		}
		if len(key) == 0 {
			return
		}
		canon := base32.StdEncoding.EncodeToString(key)
		want, err := TOTP{Secret: strings.TrimRight(canon, "=")}.Code(at)
		if err != nil {
			t.Fatalf("the base32 key %q: %v", canon, err)
		}
		// An app's spelling: lower case, in groups of four.
		var b strings.Builder
		for i, r := range strings.ToLower(canon) {
			if i > 0 && i%4 == 0 {
				b.WriteString([]string{" ", "-"}[i/4%2])
			}
			b.WriteRune(r)
		}
		if got, err := (TOTP{Secret: b.String()}).Code(at); err != nil || got != want {
			t.Fatalf("%q: %q, %v; %q spelled %q", b.String(), got, err, want, canon)
		}
		step := int64(TOTPPeriod / time.Second)
		start := at.Unix() - ((at.Unix()%step)+step)%step
		for _, u := range []int64{start, start + step - 1} {
			if got, _ := (TOTP{Secret: canon}).Code(time.Unix(u, 0)); got != want {
				t.Fatalf("code %q at %d, %q at %d of the same step", got, u, want, at.Unix())
			}
		}
	})
}

// rfc6238 is the six-digit code of key at t, written from RFC 6238 and
// RFC 4226's dynamic truncation: the HMAC-SHA1 of the number of 30-second
// steps since the epoch (floored), 31 bits from the offset its last
// nibble names, modulo a million.
func rfc6238(key []byte, t time.Time) string {
	steps := t.Unix() / 30
	if t.Unix()%30 < 0 {
		steps--
	}
	mac := hmac.New(sha1.New, key)
	mac.Write(binary.BigEndian.AppendUint64(nil, uint64(steps)))
	sum := mac.Sum(nil)
	off := sum[19] & 0xf
	n := (uint32(sum[off])&0x7f)<<24 | uint32(sum[off+1])<<16 | uint32(sum[off+2])<<8 | uint32(sum[off+3])
	return fmt.Sprintf("%06d", n%1000000)
}

// FuzzLogin plays a hostile or broken Cognito's answers to a password
// login through Session.Authenticate: the answer to InitiateAuth, then one
// answer to every RespondToAuthChallenge. Whatever they hold, the login
// never panics and fails with a typed error (the server's *APIError, a
// *ChallengeError, or one of the package's sentinels), installs tokens
// only when it succeeds, and neither the error (printed with any verb) nor
// a log event holds the password, the client secret, a SECRET_HASH or the
// challenge Session (which the harness puts into every answer that has
// one, so that the fuzzer never learns it), or a character that is not
// graphic, as SECURITY.md promises for server responses.
func FuzzLogin(f *testing.F) {
	challenge := func(name string, params map[string]string) []byte {
		return mustJSON(map[string]any{"ChallengeName": name, "Session": "s", "ChallengeParameters": params})
	}
	verifier := challenge(ChallengePasswordVerifier, map[string]string{
		"USER_ID_FOR_SRP": "internal-user", "SRP_B": "ab", "SALT": "00ff", "SECRET_BLOCK": "c2VjcmV0",
	})
	tokens := mustJSON(map[string]any{"AuthenticationResult": map[string]any{
		"AccessToken": fxJWT(accessClaims(testNow)), "IdToken": fxJWT(idClaims(testNow)), "RefreshToken": "r", "ExpiresIn": 3600, "TokenType": "Bearer",
	}})
	f.Add(200, verifier, 200, tokens)
	f.Add(200, verifier, 200, challenge(ChallengeSMSMFA, map[string]string{"CODE_DELIVERY_DESTINATION": "+1***\u202e"}))
	f.Add(200, challenge(ChallengePasswordVerifier, map[string]string{"SRP_B": "0"}), 200, tokens)
	f.Add(200, verifier, 400, []byte(`{"__type":"NotAuthorizedException","message":"Incorrect username or password."}`))
	f.Add(200, []byte(`{"ChallengeName":"CUSTOM\nCHALLENGE","Session":"s","ChallengeParameters":{"k\u001b[31m":"v"}}`), 200, tokens)
	f.Add(200, []byte(`{}`), 200, []byte(`{}`))
	f.Add(502, []byte(`<html>Bad Gateway</html>`), 200, tokens)
	f.Add(200, verifier, 200, verifier)
	secret := func(prefix string) string { return prefix + hex.EncodeToString(randomBytes(f, 16)) }
	password, clientSecret, session := secret("Password-"), secret("client-secret-"), secret("session-")
	secrets := []string{password, clientSecret, session}
	for _, user := range []string{"alias@example.com", "internal-user"} {
		secrets = append(secrets, SecretHash(user, testClientID, clientSecret))
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, status1 int, body1 []byte, status2 int, body2 []byte) {
		var calls int
		answer := func() (int, []byte) {
			calls++
			status, body := status1, body1
			if calls > 1 {
				status, body = status2, body2
			}
			if status < 100 || status > 599 {
				status = 200
			}
			// The challenge Session is a secret the fuzzer never sees.
			var m map[string]json.RawMessage
			if json.Unmarshal(body, &m) == nil && m != nil {
				if _, ok := m["Session"]; ok {
					m["Session"] = mustJSON(session)
					body = mustJSON(m)
				}
			}
			return status, body
		}
		logs := new(logRecorder)
		s := answeredSession(t, clientSecret, RefreshWithInitiateAuth, logs, answer)
		defer s.Close()
		err := s.Authenticate(ctx, password)
		got := s.Tokens()
		var texts []string
		if err != nil {
			var ae *APIError
			var ce *ChallengeError
			typed := errors.As(err, &ae) || errors.As(err, &ce)
			for _, sentinel := range []error{ErrInvalidResponse, ErrInvalidChallenge, ErrSRPInvalidB, ErrSRPInvalidU, ErrTooManyChallenges, ErrNoTokens, ErrLoginRequired} {
				typed = typed || errors.Is(err, sentinel)
			}
			if !typed {
				t.Fatalf("error %v matches none of the package's errors", err)
			}
			if got != nil {
				t.Fatalf("a failed login (%v) installed %v", err, got)
			}
			texts = append(texts, err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
		} else if got == nil || got.AccessToken == "" || got.IDToken == "" || !wordChars(got.AccessToken) || !wordChars(got.IDToken) {
			t.Fatalf("a login installed %v", got)
		}
		s.Close()
		checkTexts(t, append(texts, logs.lines()...), secrets)
	})
}

// answeredSession returns a session of alias@example.com, on a client
// with clientSecret, renewing with method and logging to logs, whose every
// Cognito call answer answers (a status and a JSON body), tried once.
func answeredSession(t *testing.T, clientSecret string, method RefreshMethod, logs *logRecorder, answer func() (int, []byte)) *Session {
	t.Helper()
	s, err := NewSession(Config{
		UserPoolID: testPoolID, ClientID: testClientID, ClientSecret: clientSecret,
		Endpoint: "http://127.0.0.1:1/",
		HTTPClient: &http.Client{Transport: RoundTripFunc(func(r *http.Request) (*http.Response, error) {
			status, body := answer()
			return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/x-amz-json-1.1"}},
				Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
		})},
		Retry:         RetryPolicy{MaxAttempts: 1},
		RefreshMethod: method,
		Logger:        slog.New(logs),
		Now:           func() time.Time { return testNow },
	}, "alias@example.com")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// checkTexts fails the test when a text (an error printed, a log event)
// holds a character that is not graphic or one of secrets, as SECURITY.md
// promises for whatever a server sends.
func checkTexts(t *testing.T, texts, secrets []string) {
	t.Helper()
	for _, text := range texts {
		if !Printable(text) {
			t.Fatalf("%q carries characters that are not graphic", text)
		}
		for _, secret := range secrets {
			if strings.Contains(text, secret) {
				t.Fatalf("%q holds a secret", text)
			}
		}
	}
}

// FuzzClientAnswer gives each of Client's calls any 2xx answer and checks
// its decoding against encoding/json's decoding of the same body into the
// exported output type (the package decodes into wire types of its own,
// kept apart for size: a field missing or misspelt there would go
// unnoticed): the call succeeds exactly when the body is a JSON object
// that decodes (an action without output: or is empty), and then returns
// what that decoding does. A failure matches ErrInvalidResponse, with only
// graphic characters, and quotes nothing of the body: the harness puts a
// secret the fuzzer never sees wherever the body says SECRET.
func FuzzClientAnswer(f *testing.F) {
	f.Add(uint8(0), uint8(0), []byte(`{"ChallengeName":"PASSWORD_VERIFIER","Session":"SECRET","ChallengeParameters":{"SRP_B":"ab"},"AvailableChallenges":["PASSWORD_SRP"]}`))
	f.Add(uint8(1), uint8(0), []byte(`{"AuthenticationResult":{"AccessToken":"SECRET","ExpiresIn":3600,"NewDeviceMetadata":{"DeviceKey":"k","DeviceGroupKey":"g"}},"ChallengeParameters":{}}`))
	f.Add(uint8(2), uint8(0), []byte("\r\n"+`{"AuthenticationResult":{"RefreshToken":"SECRET","ExpiresIn":3600}}`))
	f.Add(uint8(2), uint8(0), []byte(`{"AuthenticationResult":{"RefreshToken":"SECRET","ExpiresIn":"3600"}}`))
	f.Add(uint8(3), uint8(0), []byte(`{"UserConfirmationNecessary":true}`))
	f.Add(uint8(4), uint8(4), []byte(``))
	f.Add(uint8(5), uint8(0), []byte(`{"x":SECRET}`))
	f.Add(uint8(6), uint8(0), []byte(`<html>SECRET</html>`))
	secret := "secret-" + hex.EncodeToString(randomBytes(f, 16))
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, action, status uint8, body []byte) {
		body = bytes.ReplaceAll(body, []byte("SECRET"), []byte(secret))
		c := &Client{Endpoint: "http://127.0.0.1:1/", Retry: RetryPolicy{MaxAttempts: 1}, HTTPClient: &http.Client{
			Transport: RoundTripFunc(func(r *http.Request) (*http.Response, error) {
				return &http.Response{StatusCode: 200 + int(status)%100, Header: http.Header{"Content-Type": {"application/x-amz-json-1.1"}},
					Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
			}),
		}}
		var got, want any
		var err error
		switch action % 7 {
		case 0:
			got, err = c.InitiateAuth(ctx, &InitiateAuthInput{AuthFlow: FlowUserSRPAuth})
			want = new(AuthOutput)
		case 1:
			got, err = c.RespondToAuthChallenge(ctx, &RespondToAuthChallengeInput{ChallengeName: ChallengePasswordVerifier})
			want = new(AuthOutput)
		case 2:
			got, err = c.GetTokensFromRefreshToken(ctx, &GetTokensFromRefreshTokenInput{})
			want = new(GetTokensFromRefreshTokenOutput)
		case 3:
			got, err = c.ConfirmDevice(ctx, &ConfirmDeviceInput{})
			want = new(ConfirmDeviceOutput)
		case 4:
			err = c.RevokeToken(ctx, &RevokeTokenInput{})
		case 5:
			err = c.GlobalSignOut(ctx, &GlobalSignOutInput{})
		case 6:
			err = c.UpdateDeviceStatus(ctx, &UpdateDeviceStatusInput{})
		}
		// The model: the body, as encoding/json reads it.
		trimmed := bytes.TrimSpace(body)
		ok := len(trimmed) > 0 && trimmed[0] == '{' && json.Unmarshal(body, cmp.Or(want, any(new(struct{})))) == nil || want == nil && len(body) == 0
		if err != nil {
			if ok {
				t.Fatalf("action %d refused %q: %v", action%7, body, err)
			}
			if !errors.Is(err, ErrInvalidResponse) {
				t.Fatalf("error %v does not match ErrInvalidResponse", err)
			}
			checkTexts(t, []string{err.Error(), fmt.Sprintf("%+v", err)}, []string{secret})
			return
		}
		if !ok {
			t.Fatalf("action %d took %q, which is no JSON object of its output", action%7, body)
		}
		if want != nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("action %d read %q as %+v, encoding/json as %+v", action%7, body, got, want)
		}
	})
}
