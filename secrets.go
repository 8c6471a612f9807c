// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"fmt"
	"io"
	"log/slog"
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
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

// LogValue redacts, like String.
func (o Options) LogValue() slog.Value { return slog.StringValue(o.String()) }

// LogValue redacts, like String.
func (s *Session) LogValue() slog.Value { return slog.StringValue(s.String()) }

// LogValue redacts, like String.
func (a *Auth) LogValue() slog.Value { return slog.StringValue(a.String()) }

// LogValue redacts, like String.
func (t Tokens) LogValue() slog.Value { return slog.StringValue(t.String()) }

// LogValue redacts, like String.
func (r AuthenticationResult) LogValue() slog.Value { return slog.StringValue(r.String()) }

// LogValue redacts, like String.
func (s *SRP) LogValue() slog.Value { return slog.StringValue(s.String()) }

// LogValue returns Error.
func (e *ChallengeError) LogValue() slog.Value { return slog.StringValue(e.Error()) }

// String names the flow and the parameters, without their values: they
// hold SRP_A, SECRET_HASH, REFRESH_TOKEN or DEVICE_KEY.
func (in InitiateAuthInput) String() string {
	return fmt.Sprintf("cognitosrp.InitiateAuthInput{AuthFlow: %s, ClientId: %s, AuthParameters: %s}",
		in.AuthFlow, in.ClientId, keysOnly(in.AuthParameters))
}

// Format prints String for every verb.
func (in InitiateAuthInput) Format(f fmt.State, verb rune) { io.WriteString(f, in.String()) }

// LogValue redacts, like String.
func (in InitiateAuthInput) LogValue() slog.Value { return slog.StringValue(in.String()) }

// String names the challenge and the responses, without their values: they
// hold the password proof, a new password or an MFA code.
func (in RespondToAuthChallengeInput) String() string {
	return fmt.Sprintf("cognitosrp.RespondToAuthChallengeInput{ChallengeName: %s, ClientId: %s, ChallengeResponses: %s, Session: %s}",
		in.ChallengeName, in.ClientId, keysOnly(in.ChallengeResponses), redact(in.Session))
}

// Format prints String for every verb.
func (in RespondToAuthChallengeInput) Format(f fmt.State, verb rune) { io.WriteString(f, in.String()) }

// LogValue redacts, like String.
func (in RespondToAuthChallengeInput) LogValue() slog.Value { return slog.StringValue(in.String()) }

// String describes the output without the challenge session or tokens.
func (o AuthOutput) String() string {
	res := "nil"
	if o.AuthenticationResult != nil {
		res = o.AuthenticationResult.String()
	}
	return fmt.Sprintf("cognitosrp.AuthOutput{ChallengeName: %s, ChallengeParameters: %s, Session: %s, AuthenticationResult: %s}",
		o.ChallengeName, keysOnly(o.ChallengeParameters), redact(o.Session), res)
}

// Format prints String for every verb.
func (o AuthOutput) Format(f fmt.State, verb rune) { io.WriteString(f, o.String()) }

// LogValue redacts, like String.
func (o AuthOutput) LogValue() slog.Value { return slog.StringValue(o.String()) }

// String shows the user and timestamp of the claim, not the proof.
func (p PasswordClaim) String() string {
	return fmt.Sprintf("cognitosrp.PasswordClaim{Username: %s, Timestamp: %s, SecretBlock: %s, Signature: %s}",
		p.Username, p.Timestamp, redact(p.SecretBlock), redact(p.Signature))
}

// Format prints String for every verb.
func (p PasswordClaim) Format(f fmt.State, verb rune) { io.WriteString(f, p.String()) }

// LogValue redacts, like String.
func (p PasswordClaim) LogValue() slog.Value { return slog.StringValue(p.String()) }

// keysOnly lists a map's keys in order, with its values redacted.
func keysOnly(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return "[" + strings.Join(keys, " ") + "]"
}

// LogValue redacts, like String.
func (in GetTokensFromRefreshTokenInput) LogValue() slog.Value { return slog.StringValue(in.String()) }

// String describes the output without its tokens.
func (o GetTokensFromRefreshTokenOutput) String() string {
	res := "nil"
	if o.AuthenticationResult != nil {
		res = o.AuthenticationResult.String()
	}
	return "cognitosrp.GetTokensFromRefreshTokenOutput{AuthenticationResult: " + res + "}"
}

// Format prints String for every verb.
func (o GetTokensFromRefreshTokenOutput) Format(f fmt.State, verb rune) {
	io.WriteString(f, o.String())
}

// LogValue redacts, like String.
func (o GetTokensFromRefreshTokenOutput) LogValue() slog.Value { return slog.StringValue(o.String()) }

// LogValue redacts, like String.
func (in RevokeTokenInput) LogValue() slog.Value { return slog.StringValue(in.String()) }

// LogValue redacts, like String.
func (in GlobalSignOutInput) LogValue() slog.Value { return slog.StringValue(in.String()) }

// String describes the store without the tokens it holds. Without it, fmt
// would print the unexported *Tokens field raw for verbs such as %s.
func (m *MemoryStore) String() string {
	if m == nil {
		return "cognitosrp.MemoryStore(nil)"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return fmt.Sprintf("cognitosrp.MemoryStore{tokens: %v}", m.t != nil)
}

// Format prints String for every verb.
func (m *MemoryStore) Format(f fmt.State, verb rune) { io.WriteString(f, m.String()) }

// LogValue redacts, like String.
func (m *MemoryStore) LogValue() slog.Value { return slog.StringValue(m.String()) }

// LogValue redacts, like String.
func (d Device) LogValue() slog.Value { return slog.StringValue(d.String()) }

// LogValue redacts, like String.
func (a ChallengeAnswer) LogValue() slog.Value { return slog.StringValue(a.String()) }

// LogValue redacts, like String.
func (p NewPassword) LogValue() slog.Value { return slog.StringValue(p.String()) }

// LogValue redacts, like String.
func (t TOTP) LogValue() slog.Value { return slog.StringValue(t.String()) }

// LogValue redacts, like String.
func (in ConfirmDeviceInput) LogValue() slog.Value { return slog.StringValue(in.String()) }

// LogValue redacts, like String.
func (in UpdateDeviceStatusInput) LogValue() slog.Value { return slog.StringValue(in.String()) }
