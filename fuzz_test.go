// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"maps"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The fuzz targets below feed everything a server or a token can make this
// package parse. Each checks that nothing panics and that every failure is
// the documented sentinel. Seeds live in testdata/fuzz/<FuzzName>/; CI runs
// each target briefly with .ci/fuzz.sh.

// FuzzParseUnverified checks the JWT claim reader: it never panics, fails
// only with ErrMalformedToken, and returns times in range.
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
	})
}

// FuzzParsePasswordChallenge checks the decoding of PASSWORD_VERIFIER
// parameters and, for the server values a hostile server would pick (small,
// or a multiple of N), that the claim is refused rather than computed.
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
		if err != nil {
			if !errors.Is(err, ErrInvalidChallenge) {
				t.Fatalf("error %v does not match ErrInvalidChallenge", err)
			}
			return
		}
		B, ok := new(big.Int).SetString(b, 16)
		if !ok || B.Sign() < 0 {
			t.Fatalf("accepted SRP_B %q that is not a non-negative hex number", b)
		}
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
		case err == nil && claim.Signature == "":
			t.Fatal("empty signature")
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
		if name != ChallengeSelectMFAType && name != ChallengeMFASetup && c.MFAOptions != nil {
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
		var attrs map[string]any
		_ = json.Unmarshal([]byte(attributes), &attrs)
		for k, v := range c.UserAttributes {
			if attrs[k] != v {
				t.Fatalf("attribute %q = %q, not what %q holds", k, v, attributes)
			}
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
// without prefix, a bounded message, a non-JSON body never quoted, and only
// graphic characters of the server's in the error.
func FuzzAPIError(f *testing.F) {
	f.Add(400, "application/x-amz-json-1.1", "", []byte(`{"__type":"com.amazon#NotAuthorizedException","message":"Incorrect username or password."}`))
	f.Add(502, "text/html", "", []byte("<html><body>Bad Gateway</body></html>"))
	f.Add(500, "", "InternalErrorException:http://internal", []byte(""))
	f.Add(429, "application/json", "x#y:z", []byte(`{"__type":5}`))
	f.Fuzz(func(t *testing.T, status int, contentType, errType string, body []byte) {
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		resp.Header.Set("Content-Type", contentType)
		resp.Header.Set("X-Amzn-Errortype", errType)
		e := newAPIError("InitiateAuth", resp, body)
		if strings.Contains(e.Type, "#") {
			t.Fatalf("type %q keeps a prefix", e.Type)
		}
		if len(e.Message) > maxMessageLen+len("…") || len(e.Type) > maxTypeLen+len("…") {
			t.Fatalf("message of %d bytes, type of %d", len(e.Message), len(e.Type))
		}
		if !isJSON(body) && len(body) >= 64 && strings.Contains(e.Message, string(body)) {
			t.Fatal("a body that is not JSON is quoted in the error")
		}
		if msg := e.Error(); !Printable(msg) {
			t.Fatalf("error %q carries characters that are not graphic", msg)
		}
		_ = e.Temporary()
		_ = errors.Is(e, ErrNotAuthorized)
	})
}

// FuzzRedactURL checks the printers' URL redaction against net/url's
// reading of the same text: whenever the parser finds a password in the
// user info, the redacted form no longer holds it, nor the ":password@"
// that carried it, and a URL without user info is left as it is.
func FuzzRedactURL(f *testing.F) {
	f.Add("https://user:s3cret@vpce.example/")
	f.Add("https://user:s3#c?r/et@host:8443/path?q=1#frag")
	f.Add("https://host:443/a@b:c")
	f.Add("http://u:p@[::1]:80/x@y")
	f.Add("user:pw@host/x")
	f.Fuzz(func(t *testing.T, s string) {
		out := redactURL(s)
		u, err := url.Parse(s)
		if err != nil {
			return
		}
		if u.User == nil {
			if !strings.Contains(s, "@") && out != s {
				t.Fatalf("redactURL(%q) = %q, changed a URL without user info", s, out)
			}
			return
		}
		// The password as it is spelled in s: the user info ends at the
		// authority's last '@', the authority at the first '/', '?' or '#'.
		rest := s
		if i := strings.Index(rest, "//"); i >= 0 && u.Opaque == "" {
			rest = rest[i+2:]
		} else if i := strings.IndexByte(rest, ':'); i >= 0 && u.Opaque != "" {
			rest = rest[i+1:]
		}
		if i := strings.IndexAny(rest, "/?#"); i >= 0 {
			rest = rest[:i]
		}
		at := strings.LastIndexByte(rest, '@')
		if at < 0 {
			return
		}
		info := rest[:at]
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
// ErrInvalidKeySet, and every key it returns is within the accepted sizes.
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
			if b := k.N.BitLen(); kid == "" || b < minRSABits || b > maxRSABits || k.E < 3 || k.E%2 == 0 {
				t.Fatalf("accepted key %q of %d bits, e=%d", kid, b, k.E)
			}
		}
	})
}

// FuzzVerify checks Verify against a fixed key set: it never panics,
// never reaches the network, and every failure matches ErrTokenInvalid.
func FuzzVerify(f *testing.F) {
	f.Add(signRS256(testKey(), rsHeader(testKid), accessClaims(testNow)))
	f.Add(signRS256(testKey(), rsHeader(testKid), with(accessClaims(testNow), "exp", "x")))
	f.Add(b64JSON(map[string]any{"alg": "none", "kid": testKid}) + "." + b64JSON(accessClaims(testNow)) + ".")
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
		if c.Issuer != testIssuer || (c.ClientID != testClientID && c.Audience != testClientID) || !testNow.Before(c.Expiry.Add(DefaultLeeway)) {
			t.Fatalf("accepted claims %+v", c)
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
