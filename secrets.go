// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
)

// This file makes sure that no way of printing or logging a value of this
// package reveals a secret (a password, a token, a client secret, a
// challenge session, an SRP private value or a proof derived from it).
// Every type that holds one redacts it in String, and prints String from
// Format and LogValue (log/slog, whose JSON handler would otherwise marshal
// the exported fields). Format alone covers every fmt verb: fmt asks a
// Formatter before it looks for GoString (%#v) or String, so a GoString
// method would be dead code.

// LogValue redacts, like String.
func (c Config) LogValue() slog.Value { return logRedacted(c) }

// LogValue redacts, like String.
func (o Options) LogValue() slog.Value { return logRedacted(o) }

// LogValue redacts, like String.
func (s *Session) LogValue() slog.Value { return logRedacted(s) }

// LogValue redacts, like String.
func (a *Auth) LogValue() slog.Value { return logRedacted(a) }

// LogValue redacts, like String.
func (t Tokens) LogValue() slog.Value { return logRedacted(t) }

// LogValue redacts, like String.
func (r AuthenticationResult) LogValue() slog.Value { return logRedacted(r) }

// LogValue redacts, like String.
func (s *SRP) LogValue() slog.Value { return logRedacted(s) }

// LogValue returns Error, for a value as for a pointer (see Format).
func (e ChallengeError) LogValue() slog.Value { return slog.StringValue(e.Error()) }

// String names the flow and the parameters, without their values: they
// hold SRP_A, SECRET_HASH, REFRESH_TOKEN or DEVICE_KEY.
func (in InitiateAuthInput) String() string {
	return fmt.Sprintf("cognitosrp.InitiateAuthInput{AuthFlow: %s, ClientId: %s, AuthParameters: %s}",
		in.AuthFlow, in.ClientId, keysOnly(in.AuthParameters))
}

// Format prints String for every verb.
func (in InitiateAuthInput) Format(f fmt.State, verb rune) { formatRedacted(f, in) }

// LogValue redacts, like String.
func (in InitiateAuthInput) LogValue() slog.Value { return logRedacted(in) }

// String names the challenge and the responses, without their values: they
// hold the password proof, a new password or an MFA code.
func (in RespondToAuthChallengeInput) String() string {
	return fmt.Sprintf("cognitosrp.RespondToAuthChallengeInput{ChallengeName: %s, ClientId: %s, ChallengeResponses: %s, Session: %s}",
		serverText(in.ChallengeName, maxTypeLen), in.ClientId, keysOnly(in.ChallengeResponses), redact(in.Session))
}

// Format prints String for every verb.
func (in RespondToAuthChallengeInput) Format(f fmt.State, verb rune) { formatRedacted(f, in) }

// LogValue redacts, like String.
func (in RespondToAuthChallengeInput) LogValue() slog.Value { return logRedacted(in) }

// String describes the output without the challenge session or tokens.
func (o AuthOutput) String() string {
	res := "nil"
	if o.AuthenticationResult != nil {
		res = o.AuthenticationResult.String()
	}
	return fmt.Sprintf("cognitosrp.AuthOutput{ChallengeName: %s, ChallengeParameters: %s, Session: %s, AuthenticationResult: %s}",
		serverText(o.ChallengeName, maxTypeLen), keysOnly(o.ChallengeParameters), redact(o.Session), res)
}

// Format prints String for every verb.
func (o AuthOutput) Format(f fmt.State, verb rune) { formatRedacted(f, o) }

// LogValue redacts, like String.
func (o AuthOutput) LogValue() slog.Value { return logRedacted(o) }

// String shows the user and timestamp of the claim, not the proof.
func (p PasswordClaim) String() string {
	return fmt.Sprintf("cognitosrp.PasswordClaim{Username: %s, Timestamp: %s, SecretBlock: %s, Signature: %s}",
		p.Username, p.Timestamp, redact(p.SecretBlock), redact(p.Signature))
}

// Format prints String for every verb.
func (p PasswordClaim) Format(f fmt.State, verb rune) { formatRedacted(f, p) }

// LogValue redacts, like String.
func (p PasswordClaim) LogValue() slog.Value { return logRedacted(p) }

// String shows the user ids of the challenge, not its values: a
// PasswordClaim redacts the SECRET_BLOCK it echoes, and the challenge must
// not print what the claim hides.
func (c PasswordChallenge) String() string {
	return fmt.Sprintf("cognitosrp.PasswordChallenge{UserIDForSRP: %s, Username: %s, SRPB: %s, Salt: %s, SecretBlock: %s}",
		c.UserIDForSRP, c.Username, redact(c.SRPB), redact(c.Salt), redact(c.SecretBlock))
}

// Format prints String for every verb.
func (c PasswordChallenge) Format(f fmt.State, verb rune) { formatRedacted(f, c) }

// LogValue redacts, like String.
func (c PasswordChallenge) LogValue() slog.Value { return logRedacted(c) }

// keysOnly lists a map's keys in order, with its values redacted. The keys
// may be the server's text (challenge parameters), so each is cleaned and
// cut as errors quote such text.
func keysOnly(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, serverText(k, maxTypeLen))
	}
	slices.Sort(keys)
	return "[" + strings.Join(keys, " ") + "]"
}

// LogValue redacts, like String.
func (in GetTokensFromRefreshTokenInput) LogValue() slog.Value { return logRedacted(in) }

// String describes the output without its tokens.
func (o GetTokensFromRefreshTokenOutput) String() string {
	res := "nil"
	if o.AuthenticationResult != nil {
		res = o.AuthenticationResult.String()
	}
	return "cognitosrp.GetTokensFromRefreshTokenOutput{AuthenticationResult: " + res + "}"
}

// Format prints String for every verb.
func (o GetTokensFromRefreshTokenOutput) Format(f fmt.State, verb rune) { formatRedacted(f, o) }

// LogValue redacts, like String.
func (o GetTokensFromRefreshTokenOutput) LogValue() slog.Value { return logRedacted(o) }

// LogValue redacts, like String.
func (in RevokeTokenInput) LogValue() slog.Value { return logRedacted(in) }

// LogValue redacts, like String.
func (in GlobalSignOutInput) LogValue() slog.Value { return logRedacted(in) }

// String describes the store without the tokens it holds. Without it, fmt
// would print the unexported *Tokens field raw for verbs such as %s.
func (m *MemoryStore) String() string {
	if m == nil {
		return "cognitosrp.MemoryStore(nil)"
	}
	return fmt.Sprintf("cognitosrp.MemoryStore{tokens: %v}", m.t.Load() != nil)
}

// Format prints String for every verb.
func (m *MemoryStore) Format(f fmt.State, verb rune) { formatRedacted(f, m) }

// LogValue redacts, like String.
func (m *MemoryStore) LogValue() slog.Value { return logRedacted(m) }

// LogValue redacts, like String.
func (d Device) LogValue() slog.Value { return logRedacted(d) }

// LogValue redacts, like String.
//
//go:noinline // binary size: out of line, a value method (see doc.go)
func (a ChallengeAnswer) LogValue() slog.Value { return logRedacted(a) }

// LogValue redacts, like String.
func (p NewPassword) LogValue() slog.Value { return logRedacted(p) }

// LogValue redacts, like String.
func (t TOTP) LogValue() slog.Value { return logRedacted(t) }

// LogValue redacts, like String.
func (c DeviceSecretVerifierConfig) LogValue() slog.Value { return logRedacted(c) }

// LogValue redacts, like String.
func (in ConfirmDeviceInput) LogValue() slog.Value { return logRedacted(in) }

// LogValue redacts, like String.
func (in UpdateDeviceStatusInput) LogValue() slog.Value { return logRedacted(in) }

// String describes the client by its endpoint, with the password of the
// endpoint's user info hidden, as a printed Config hides it.
func (c Client) String() string {
	return "cognitosrp.Client{Endpoint: " + redactURL(c.Endpoint) + "}"
}

// Format prints String for every verb.
func (c Client) Format(f fmt.State, verb rune) { formatRedacted(f, c) }

// LogValue redacts, like String.
func (c Client) LogValue() slog.Value { return logRedacted(c) }

// String describes the configuration with the passwords of its URLs'
// user info hidden.
func (c VerifierConfig) String() string {
	return fmt.Sprintf("cognitosrp.VerifierConfig{UserPoolID: %s, Region: %s, ClientIDs: %q, TokenUse: %s, Issuer: %s, JWKSURL: %s}",
		c.UserPoolID, c.Region, c.ClientIDs, c.TokenUse, redactURL(c.Issuer), redactURL(c.JWKSURL))
}

// Format prints String for every verb.
func (c VerifierConfig) Format(f fmt.State, verb rune) { formatRedacted(f, c) }

// LogValue redacts, like String.
func (c VerifierConfig) LogValue() slog.Value { return logRedacted(c) }

// String describes the verifier by its configuration. (fmt would otherwise
// print the key cache too, without its lock.)
func (v *Verifier) String() string {
	if v == nil {
		return "cognitosrp.Verifier(nil)"
	}
	return "cognitosrp.Verifier{" + v.cfg.String() + "}"
}

// Format prints String for every verb.
func (v *Verifier) Format(f fmt.State, verb rune) { formatRedacted(f, v) }

// LogValue redacts, like String.
func (v *Verifier) LogValue() slog.Value { return logRedacted(v) }

// formatRedacted is the body of every Format method: it prints s.String(),
// which redacts. It takes an interface and is out of line, so that each
// Format method (and the pointer wrapper of a value receiver) is one call;
// it calls f.Write, not io.WriteString(f, …), whose conversion of the
// fmt.State to an io.Writer costs an inline cache (binary size: out of
// line, see doc.go).
//
//go:noinline
func formatRedacted(f fmt.State, s fmt.Stringer) { f.Write([]byte(s.String())) }

// logRedacted is the body of every LogValue method, for the reason given at
// formatRedacted.
//
//go:noinline
func logRedacted(s fmt.Stringer) slog.Value { return slog.StringValue(s.String()) }

// redactURL hides the password of a URL's user info ("user:xxxxx@host"),
// as url.URL.Redacted does, without parsing the URL: the URL may not
// parse, and the printer must hide the password all the same. The password
// may hold '/', '?' or '#' (which the parser would take for the end of the
// host), and the user name an '@' (an e-mail address, which net/url
// accepts unescaped), so the password runs from the first ':' after a user
// name without '/', '?' or '#' up to the last '@' before the first of them
// that follows an '@'. But an authority ("//" up to the first '/', '?' or
// '#') without '@' that net/url reads as a host and port has no user info:
// a later '@' is in the path, query or fragment ("https://h:8443/a@b"), and
// the URL is left as it is. (A password holding '/', '?' or '#' is still
// hidden: what precedes that character is no port that net/url accepts,
// unless it is all digits, and then net/url too reads a host and port,
// which is where the program connects.)
func redactURL(s string) string {
	start := 0
	if i := strings.Index(s, "://"); i > 0 && !strings.ContainsAny(s[:i], "/?#@:") {
		start = i + len("://") // after the scheme
	} else if strings.HasPrefix(s, "//") { // no scheme: "//user:pw@host/"
		start = len("//")
	}
	colon := strings.IndexByte(s[start:], ':')
	if colon < 0 || strings.ContainsAny(s[start:start+colon], "/?#") {
		return s
	}
	rest := s[start+colon:]
	first := strings.IndexByte(rest, '@')
	if first < 0 {
		return s
	}
	if end := strings.IndexAny(rest, "/?#"); start > 0 && 0 <= end && end < first {
		if _, err := url.Parse("//" + s[start:start+colon+end]); err == nil {
			return s
		}
	}
	if i := strings.IndexAny(rest[first:], "/?#"); i >= 0 {
		rest = rest[:first+i]
	}
	return s[:start+colon] + ":xxxxx" + s[start+colon+strings.LastIndexByte(rest, '@'):]
}
