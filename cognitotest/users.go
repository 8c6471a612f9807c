// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/gocognito/cognitosrp"
)

// User is a user of the emulated pool, as a test describes it to AddUser.
// Only Password is required.
type User struct {
	// Username is the internal username, the USER_ID_FOR_SRP of the SRP
	// exchange. Empty means Sub, as in pools whose users sign in with an
	// e-mail address or phone number. Names and aliases are
	// case-insensitive, as in Cognito pools created today: once "alice"
	// exists, AddUser refuses "Alice".
	Username string
	// Aliases are more names the user can sign in with (an e-mail address,
	// a phone number, a preferred username). An alias containing "@" also
	// sets the email attribute, one starting with "+" the phone_number
	// attribute, unless Attributes already has them.
	Aliases []string
	// Sub is the user's stable id; empty means a random UUID.
	Sub string
	// Password is the user's password.
	Password string
	// Attributes are the user's attributes (email, phone_number,
	// custom:…). The id token carries them, but for one named like a
	// claim it sets itself (exp, aud…) or like nbf, jti or origin_jti;
	// "email_verified" and "phone_number_verified" become booleans there.
	Attributes map[string]string
	// Groups go into the tokens' cognito:groups claim.
	Groups []string

	// Unconfirmed fails a correct login with UserNotConfirmedException.
	Unconfirmed bool
	// ResetRequired fails a correct login with
	// PasswordResetRequiredException.
	ResetRequired bool
	// Disabled fails a correct login with NotAuthorizedException.
	Disabled bool
	// ForceNewPassword answers a correct login with NEW_PASSWORD_REQUIRED
	// (an administrator-created user); a new password ends it. One shorter
	// than eight characters is refused with InvalidPasswordException, as
	// by a pool with Cognito's default policy.
	ForceNewPassword bool
	// RequiredAttributes are the attribute names NEW_PASSWORD_REQUIRED asks
	// for, such as "name"; the answer must carry userAttributes.<name>.
	RequiredAttributes []string

	// SMSMFA, EmailOTP and SoftwareTokenMFA turn on those second factors.
	// With more than one and no PreferredMFA, the login asks to choose
	// (SELECT_MFA_TYPE). SMS needs a phone_number attribute (or an alias
	// starting with "+"): without one, a login whose factor is SMS fails
	// with MFAMethodNotFoundException, as Cognito's does.
	SMSMFA           bool
	EmailOTP         bool
	SoftwareTokenMFA bool
	// TOTPSecret (base32) turns on SoftwareTokenMFA and makes it accept the
	// RFC 6238 code of the server's clock, as well as MFACode. As Cognito,
	// it takes each code once: a second login within the same 30 seconds
	// (a parallel test's that shares the user, say) fails with
	// ExpiredCodeException until the next code (MFACode is taken any
	// number of times).
	TOTPSecret string
	// MFACode is the code every second factor accepts; DefaultMFACode if
	// empty.
	MFACode string
	// PreferredMFA is "SMS_MFA", "EMAIL_OTP" or "SOFTWARE_TOKEN_MFA".
	PreferredMFA string
	// MFASetup answers a correct login with MFA_SETUP, as a pool that
	// requires MFA does for a user without any.
	MFASetup bool

	// CustomChallenge holds the parameters of the CUSTOM_CHALLENGE of the
	// CUSTOM_AUTH flow, and CustomAnswer the ANSWER that passes it. A user
	// without CustomAnswer cannot use CUSTOM_AUTH: it is refused with
	// InvalidParameterException, as Cognito refuses CUSTOM_AUTH in a pool
	// without the custom-auth Lambda triggers.
	CustomChallenge map[string]string
	CustomAnswer    string
}

// String describes the user without the password or secrets.
func (u User) String() string {
	return fmt.Sprintf("cognitotest.User{Username: %s, Aliases: %v, Sub: %s}", u.Username, u.Aliases, u.Sub)
}

// Format prints String for every verb, so no formatting reveals a secret.
func (u User) Format(f fmt.State, verb rune) { io.WriteString(f, u.String()) }

// LogValue returns String too: log/slog's JSON handler would otherwise
// marshal the fields, the password and second-factor secrets among them.
func (u User) LogValue() slog.Value { return slog.StringValue(u.String()) }

// clone returns a deep copy, so that the server never shares a map or slice
// with a caller.
func (u User) clone() User {
	u.Aliases = slices.Clone(u.Aliases)
	u.Attributes = maps.Clone(u.Attributes)
	u.Groups = slices.Clone(u.Groups)
	u.RequiredAttributes = slices.Clone(u.RequiredAttributes)
	u.CustomChallenge = maps.Clone(u.CustomChallenge)
	return u
}

// user is a stored user. Server.mu guards its fields once it is stored.
type user struct {
	User
	salt, v *big.Int // the SRP verifier of Password

	// offTOTP keeps the secret of a verified software token while
	// SetUserMFAPreference has TOTP MFA turned off ("" for a user given
	// SoftwareTokenMFA without TOTPSecret), so that turning it on again
	// needs no new AssociateSoftwareToken; nil when there is none.
	offTOTP *string
	// totpName is the FriendlyDeviceName given to the VerifySoftwareToken
	// that verified the user's software token, on or off; "" for none,
	// and for a token AddUser gave (TOTPSecret).
	totpName string
	// usedTOTPSteps are the RFC 6238 time steps whose codes of that token
	// were accepted, at VerifySoftwareToken or a login, and may still
	// match: Cognito takes each code once.
	usedTOTPSteps []int64
}

// Errors of the methods that manage users.
var (
	// ErrUserExists: AddUser of a name or alias another user has.
	ErrUserExists = errors.New("cognitotest: a user with that name or alias exists")
	// ErrNoSuchUser: a method named a user the pool does not have.
	ErrNoSuchUser = errors.New("cognitotest: no such user")
	// ErrNoSuchDevice: ForgetDevice of a key the server does not know, or
	// SetDeviceRemembered of one it does not know or whose device is not
	// confirmed.
	ErrNoSuchDevice = errors.New("cognitotest: no such device")
)

// noSuchUser is ErrNoSuchUser for the name a method was given, so that
// a test with many users reads which one was missing.
func noSuchUser(name string) error { return fmt.Errorf("%w: %q", ErrNoSuchUser, name) }

// fold makes names case-insensitive, as in Cognito pools created today.
func fold(name string) string { return strings.ToLower(name) }

// AddUser adds u to the pool and returns it with its defaults filled in
// (Sub, Username, attributes from aliases). It fails with ErrUserExists if
// a name or alias is taken, and fails for a user without a password,
// with an empty alias, or with a TOTPSecret that is not base32 (the error
// then matches cognitosrp.ErrTOTPSecret).
func (s *Server) AddUser(u User) (User, error) {
	u = u.clone()
	if u.Password == "" {
		return User{}, errors.New("cognitotest: AddUser: Password is required")
	}
	// A secret no code can be computed from would leave the user to pass
	// with MFACode alone, and a test that answers with cognitosrp.TOTP to
	// fail at the login, far from the typo.
	if u.TOTPSecret != "" {
		if _, err := (cognitosrp.TOTP{Secret: u.TOTPSecret}).Code(time.Time{}); err != nil {
			return User{}, fmt.Errorf("cognitotest: AddUser: TOTPSecret: %w", err)
		}
	}
	// An empty alias names no one: taken as a login name, it would be the
	// name the command's users file reports for the user (a jq filter's
	// null e-mail becomes one), and no client can sign in with it.
	if i := slices.Index(u.Aliases, ""); i >= 0 {
		return User{}, fmt.Errorf("cognitotest: AddUser: alias %d is empty", i)
	}
	if u.Sub == "" {
		id, err := s.newUUID()
		if err != nil {
			return User{}, fmt.Errorf("cognitotest: AddUser: %w", err)
		}
		u.Sub = id
	}
	if u.Username == "" {
		u.Username = u.Sub
	}
	if u.Attributes == nil {
		u.Attributes = make(map[string]string)
	}
	for _, a := range u.Aliases {
		// An address first: "+news@example.com" is one, and must not
		// become the phone number once the email attribute is set.
		attr := "phone_number"
		if strings.Contains(a, "@") {
			attr = "email"
		} else if !strings.HasPrefix(a, "+") {
			continue
		}
		if u.Attributes[attr] == "" {
			u.Attributes[attr] = a
		}
	}
	u.Attributes["sub"] = u.Sub
	stored := &user{User: u}
	if err := s.setVerifier(stored, u.Password); err != nil {
		return User{}, fmt.Errorf("cognitotest: AddUser: %w", err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	names := append([]string{u.Username}, u.Aliases...)
	for _, n := range names {
		if _, taken := s.logins[fold(n)]; taken {
			return User{}, fmt.Errorf("%w: %q", ErrUserExists, n)
		}
	}
	s.users[fold(u.Username)] = stored
	for _, n := range names {
		s.logins[fold(n)] = stored
	}
	return u.clone(), nil
}

// setVerifier draws a salt and stores the SRP verifier of password.
func (s *Server) setVerifier(u *user, password string) error {
	b, err := s.randomBytes(16)
	if err != nil {
		return err
	}
	salt := new(big.Int).SetBytes(b)
	v := s.group.passwordVerifier(s.poolName, u.Username, password, salt)
	u.salt, u.v, u.Password = salt, v, password
	return nil
}

// User returns a copy of the user that username (or an alias) names.
func (s *Server) User(username string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.logins[fold(username)]
	if u == nil {
		return User{}, false
	}
	return u.User.clone(), true
}

// SetPassword changes a user's password, as an administrator would. It
// does not sign the user out. It refuses an empty password, as AddUser
// does, and changes nothing when it fails.
func (s *Server) SetPassword(username, password string) error {
	if password == "" {
		return errors.New("cognitotest: SetPassword: empty password")
	}
	s.mu.Lock()
	u := s.logins[fold(username)]
	s.mu.Unlock()
	if u == nil {
		return noSuchUser(username)
	}
	tmp := &user{User: User{Username: u.Username}}
	if err := s.setVerifier(tmp, password); err != nil {
		return fmt.Errorf("cognitotest: SetPassword: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u.salt, u.v, u.Password = tmp.salt, tmp.v, tmp.Password
	return nil
}

// DeleteUser removes a user; its tokens, devices and unfinished logins
// stop working, so that a user added again under the same name starts
// with none of them, as in Cognito.
func (s *Server) DeleteUser(username string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.logins[fold(username)]
	if u == nil {
		return noSuchUser(username)
	}
	name := fold(u.Username)
	delete(s.users, name)
	for _, n := range append([]string{u.Username}, u.Aliases...) {
		delete(s.logins, fold(n))
	}
	s.revokeUserLocked(u.Username)
	// These are found by the internal username alone, which a new user
	// may take: its login would skip MFA on the old user's device, or
	// finish the old user's login without a password, and its
	// VerifySoftwareToken would turn on TOTP with the secret the old user
	// was given.
	delete(s.pendingTOTP, name)
	for key, d := range s.devices {
		if fold(d.username) == name {
			s.forgetDeviceLocked(key)
		}
	}
	for _, sess := range s.sessions {
		if !sess.fake && fold(sess.username) == name {
			s.dropSessionLocked(sess)
		}
	}
	return nil
}

// lookupLogin returns the user a login name designates, or nil.
func (s *Server) lookupLogin(name string) *user {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logins[fold(name)]
}
