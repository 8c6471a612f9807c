// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Defaults of a Config left at its zero value.
const (
	DefaultPoolID   = "us-east-1_Test123ab"
	DefaultClientID = "4a1b2c3d4e5f6g7h8i9j0k1l2m"
	DefaultAddr     = "127.0.0.1:0"
	// DefaultMFACode is the code a user's SMS, e-mail and TOTP challenges
	// accept when User.MFACode is empty.
	DefaultMFACode = "123456"

	DefaultAccessTokenLifetime  = time.Hour
	DefaultIDTokenLifetime      = time.Hour
	DefaultRefreshTokenLifetime = 30 * 24 * time.Hour
	// DefaultSessionLifetime is how long a challenge's Session stays valid,
	// as in Cognito.
	DefaultSessionLifetime = 3 * time.Minute
	// MaxClockSkew is how far the TIMESTAMP of a password claim may be from
	// the server's clock.
	MaxClockSkew = 5 * time.Minute
)

// Explicit auth flows of an app client, as Cognito names them.
const (
	AllowUserSRPAuth      = "ALLOW_USER_SRP_AUTH"
	AllowRefreshTokenAuth = "ALLOW_REFRESH_TOKEN_AUTH"
	AllowCustomAuth       = "ALLOW_CUSTOM_AUTH"
	AllowUserAuth         = "ALLOW_USER_AUTH"
	AllowUserPasswordAuth = "ALLOW_USER_PASSWORD_AUTH"
)

// Config configures a Server. Its zero value is a pool with one app client
// without a secret, one-hour tokens and nothing optional turned on.
type Config struct {
	// PoolID is the user pool id, region_name; DefaultPoolID if empty.
	// It is refused where cognitosrp.Config.UserPoolID would be.
	PoolID string
	// Addr is the address to listen on; DefaultAddr (a free loopback port)
	// if empty.
	Addr string
	// URL is where clients reach the server, when that is not "http://"
	// and the address it listens on: "http://cognito:9229" for a server in
	// a container that listens on ":9229" (whose own address, [::]:9229,
	// nobody else can reach), "https://cognito.test" for one behind TLS or
	// a proxy, or serving as the http.Handler of a server of your own.
	// The tokens' iss (unless AWSIssuer), the key set's URL, the OpenID
	// configuration and Endpoint use it. It is a scheme (http or https)
	// and a host, with no path.
	URL string

	// ClientID is the app client's id; DefaultClientID if empty.
	ClientID string
	// ClientSecret, when set, makes the app client require SECRET_HASH.
	ClientSecret string
	// AuthFlows lists the explicit auth flows of the app client (the Allow*
	// constants). Nil means SRP, custom and USER_AUTH, plus refresh-token
	// auth unless RefreshTokenRotation is on; USER_PASSWORD_AUTH only when
	// listed. With rotation, Cognito's guide has the flow left out (refresh
	// token rotation "isn't compatible" with REFRESH_TOKEN_AUTH), and the
	// emulator leaves it out even if listed. Without rotation, Cognito has
	// refused to make or update an app client whose flows leave out
	// ALLOW_REFRESH_TOKEN_AUTH ("REFRESH_TOKEN_AUTH should always be
	// allowed.", InvalidParameterException, as reported in 2020); the
	// emulator takes one, to stand for a client that cannot use
	// REFRESH_TOKEN_AUTH, and renews its tokens with
	// GetTokensFromRefreshToken, as a client with rotation does.
	AuthFlows []string
	// RefreshTokenRotation makes GetTokensFromRefreshToken issue a new
	// refresh token, which expires when the old one would have, and
	// invalidate the old one. Like Cognito, a client with rotation refuses
	// REFRESH_TOKEN_AUTH.
	RefreshTokenRotation bool
	// RotationGracePeriod keeps a rotated-out refresh token usable this long.
	// Cognito allows 0 to 60 seconds; NewUnstartedServer refuses any other
	// value with ErrConfig.
	RotationGracePeriod time.Duration
	// DisableTokenRevocation turns token revocation off for the app
	// client: Cognito's EnableTokenRevocation set to false. Cognito turns
	// it on for an app client created without the setting; it is off on
	// one created with it off, or made before revocation existed and
	// never switched on. Off, as Cognito documents:
	//   - RevokeToken fails with UnsupportedOperationException (HTTP 400),
	//     Cognito's error for "an operation that isn't enabled for the
	//     user pool client", and revokes nothing. Cognito documents no
	//     message for it: the emulator's is its own.
	//   - Access and id tokens carry neither origin_jti nor jti: Cognito
	//     adds those claims when revocation is turned on. (Without jti,
	//     the emulator renews a login to the same tokens within a second.)
	// Cognito documents no other difference, and the emulator makes none:
	// GlobalSignOut (and Server.SignOut, DeleteUser) still ends every
	// refresh token of the user and the access tokens issued with them,
	// ForgetDevice the refresh tokens issued to the device, and
	// REFRESH_TOKEN_AUTH and GetTokensFromRefreshToken renew and rotate
	// as before. (The emulator tells the logins apart by event_id then.)
	DisableTokenRevocation bool

	// PreventUserExistenceErrors makes an unknown user fail like a wrong
	// password (NotAuthorizedException) instead of UserNotFoundException.
	PreventUserExistenceErrors bool
	// DeviceTracking turns on remembered devices: logins without a device
	// return NewDeviceMetadata, ConfirmDevice stores a device verifier and
	// remembers the device, a login with the DEVICE_KEY of a remembered
	// device runs device SRP and skips MFA, and refresh tokens issued to a
	// device need its DEVICE_KEY and, as in Cognito, are refused until the
	// device is confirmed: a client that confirms no device renews
	// nothing. The server keeps each device it hands
	// out, confirmed or not, until Server.ForgetDevice, a client's
	// ForgetDevice or Server.DeleteUser: a long test whose client
	// remembers no device adds one per login.
	DeviceTracking bool
	// DeviceOnlyRememberedOnUserPrompt makes the pool remember a device
	// only when the user opts in (Cognito's "User Opt-In"; like any device
	// setting in Cognito, it turns DeviceTracking on): ConfirmDevice
	// answers UserConfirmationNecessary true and leaves the device tracked
	// but not remembered until UpdateDeviceStatus marks it "remembered".
	// In either pool UpdateDeviceStatus "not_remembered" (or
	// Server.SetDeviceRemembered) takes the trust away again.
	//
	// A login that names a confirmed device that is not remembered is not
	// spared MFA, as Cognito documents. Whether Cognito still runs device
	// SRP there it does not say; the emulator follows its reference
	// ("not_remembered" disables device authentication) and asks for none:
	// the login goes on as one without a device, except that it is issued
	// no new device and its tokens are bound to the device it named.
	DeviceOnlyRememberedOnUserPrompt bool

	// AccessTokenLifetime, IDTokenLifetime and RefreshTokenLifetime are
	// the token lifetimes; zero means the defaults above. Unlike Cognito,
	// any positive duration is allowed for refresh tokens, and from one
	// second (exp and ExpiresIn count whole seconds, rounded up) to ten
	// years for access and id tokens: cognitosrp refuses a token that
	// expires further ahead.
	AccessTokenLifetime  time.Duration
	IDTokenLifetime      time.Duration
	RefreshTokenLifetime time.Duration
	// SessionLifetime bounds each challenge Session.
	SessionLifetime time.Duration

	// AWSIssuer makes tokens claim the issuer Cognito would use,
	// https://cognito-idp.{region}.amazonaws.com/{poolId} (amazonaws.com.cn
	// in the China regions), instead of the server's own URL followed by
	// /{poolId}.
	AWSIssuer bool
	// Key signs the tokens; nil means an RSA-2048 key generated once per
	// process and shared by every Server, each under a random key id of
	// its own, so that no Server accepts another's tokens, nor does a
	// verifier that picks the key by the token's kid (as
	// cognitosrp.NewVerifier does). A Key given is published under an id
	// derived from it: Servers given the same Key, pool id and issuer
	// accept each other's tokens. That is how a test gets the tokens of a
	// second app client of one pool: a second Server with the same Key,
	// PoolID and AWSIssuer (or URL), and another ClientID (see the example
	// of Server.VerifierConfig).
	Key *rsa.PrivateKey

	// Now, when set, is the server's clock; see also Server.SetClock.
	// It is called without the server's lock held. A clock set to a fixed
	// date more than an hour from the machine's fails every SRP login of
	// a client on its own clock (an Auth from Server.Options among them)
	// with "Incorrect username or password.", as Server.Advance explains:
	// give the sessions the server's clock, as its example does.
	Now func() time.Time
	// Seed seeds the random choice of injected failures (SetFailureRate),
	// so that a flaky-network test repeats.
	Seed uint64
	// Rand, when set, replaces crypto/rand for the server's secrets (SRP
	// private values, salts, session ids). Only for reproducible tests.
	// Its reads are serialised by a lock of its own, so it must not call
	// a method of the server that draws random values (AddUser,
	// SetPassword, IssueTokens) or make a request to it.
	Rand io.Reader
	// Logf, when set, receives one line per request: the action, the status
	// and why a request was refused; and one for each action named to
	// FailNext or SetActionLatency that the server does not serve (a
	// misspelling), which would match no call. It never receives a
	// secret, nor a line after Close returns, so a test's t.Logf is safe
	// here. Given the t.Logf of the test that made the Server with
	// NewServer, a line about an action misspelt names the test's line
	// that called FailNext or SetActionLatency. A line about a request is
	// written on the goroutine that serves it, where no line of the test
	// is, and t.Logf names the emulator's: from Go 1.25 a test can write
	// the lines without one, fmt.Fprintf(t.Output(), format+"\n", args...).
	Logf func(format string, args ...any)
}

// ErrConfig reports a Config that cannot work.
var ErrConfig = errors.New("cognitotest: invalid configuration")

// withDefaults returns c with its defaults applied, or an error naming what
// is wrong.
func (c Config) withDefaults() (Config, error) {
	if c.PoolID == "" {
		c.PoolID = DefaultPoolID
	}
	if !poolID(c.PoolID) {
		return c, fmt.Errorf("%w: pool id %q is not of the form region_name, such as us-east-1_AbC123 (letters, digits and '-', then '_', then letters and digits)", ErrConfig, c.PoolID)
	}
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.DeviceOnlyRememberedOnUserPrompt {
		c.DeviceTracking = true
	}
	if c.URL != "" {
		u, err := url.Parse(c.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" || !validPort(u.Port()) {
			// Not quoted: it may hold a password.
			return c, fmt.Errorf("%w: URL is not an http or https URL of a host alone", ErrConfig)
		}
		// u.Host holds a zone ("[fe80::1%eth0]") unescaped: written back
		// as is, it is no URL ("invalid URL escape"), and a client given
		// Endpoint would refuse it.
		// An empty port ("http://cognito:") is the scheme's, as in any URL.
		c.URL = u.Scheme + "://" + strings.ReplaceAll(strings.TrimSuffix(u.Host, ":"), "%", "%25")
	}
	if c.ClientID == "" {
		c.ClientID = DefaultClientID
	}
	if c.AuthFlows == nil {
		c.AuthFlows = []string{AllowUserSRPAuth, AllowCustomAuth, AllowUserAuth}
		if !c.RefreshTokenRotation {
			c.AuthFlows = append(c.AuthFlows, AllowRefreshTokenAuth)
		}
	}
	for _, f := range c.AuthFlows {
		switch f {
		case AllowUserSRPAuth, AllowRefreshTokenAuth, AllowCustomAuth, AllowUserAuth, AllowUserPasswordAuth:
		default:
			return c, fmt.Errorf("%w: unknown auth flow %q", ErrConfig, f)
		}
	}
	// cognitosrp.NewSession refuses them so (a value read with its line
	// break), and no Cognito client id or secret has one: a server
	// whose Options the library refused would serve no client of it.
	// TestClientIDAsLibrary checks that both agree.
	if spaceOrControl(c.ClientID) || spaceOrControl(c.ClientSecret) {
		return c, fmt.Errorf("%w: ClientID or ClientSecret holds white space or a control character", ErrConfig)
	}
	if c.ClientSecret != "" {
		if err := hmacRefuses(c.ClientSecret); err != nil {
			return c, fmt.Errorf("%w: ClientSecret: %v", ErrConfig, err)
		}
	}
	if c.RotationGracePeriod < 0 || c.RotationGracePeriod > time.Minute {
		return c, fmt.Errorf("%w: RotationGracePeriod must be between 0 and 60 seconds", ErrConfig)
	}
	for _, d := range []struct {
		name string // named in the error: four fields hold a lifetime
		p    *time.Duration
		def  time.Duration
	}{
		{"AccessTokenLifetime", &c.AccessTokenLifetime, DefaultAccessTokenLifetime},
		{"IDTokenLifetime", &c.IDTokenLifetime, DefaultIDTokenLifetime},
		{"RefreshTokenLifetime", &c.RefreshTokenLifetime, DefaultRefreshTokenLifetime},
		{"SessionLifetime", &c.SessionLifetime, DefaultSessionLifetime},
	} {
		if *d.p < 0 {
			return c, fmt.Errorf("%w: %s is negative (%v)", ErrConfig, d.name, *d.p)
		}
		if *d.p == 0 {
			*d.p = d.def
		}
	}
	if c.AccessTokenLifetime < time.Second || c.IDTokenLifetime < time.Second {
		return c, fmt.Errorf("%w: token lifetimes must be at least one second", ErrConfig)
	}
	if c.AccessTokenLifetime > maxTokenLifetime || c.IDTokenLifetime > maxTokenLifetime {
		// Longer, the tokens were issued and cognitosrp refused each
		// login; math.MaxInt64 ("never expires") overflowed ExpiresIn
		// to a negative number.
		return c, fmt.Errorf("%w: access and id token lifetimes must be at most ten years", ErrConfig)
	}
	return c, nil
}

// maxTokenLifetime is the longest access or id token lifetime: that of
// cognitosrp's check of a token's exp (its maxTokenLifetime).
const maxTokenLifetime = 10 * 365 * 24 * time.Hour

// hmacRefuses returns why crypto/hmac panics on key, if it does: in FIPS
// 140-only mode (GODEBUG=fips140=only) it refuses keys under 112 bits.
// Checked once here, a short ClientSecret fails NewServer rather than, by
// a panic of cognitosrp.SecretHash, each request that carries SECRET_HASH.
func hmacRefuses(key string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	hmac.New(sha256.New, []byte(key))
	return nil
}

// spaceOrControl reports whether s holds an ASCII space, control
// character or DEL.
func spaceOrControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f })
}

// poolID reports whether id is a user pool id that cognitosrp accepts
// (its splitPoolID), so that the server runs as no pool its clients could
// not name: Cognito's pattern [\w-]+_[0-9a-zA-Z]+, at most 55 bytes, with
// one '_'. TestPoolIDAsLibrary checks that both agree.
func poolID(id string) bool {
	region, name, _ := strings.Cut(id, "_")
	return len(id) <= 55 && idChars(region, "-") && idChars(name, "")
}

// idChars reports whether s is ASCII letters, digits and bytes of extra,
// and not empty.
func idChars(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(extra, c) >= 0) {
			return false
		}
	}
	return s != ""
}

// validPort reports whether port, from a URL, is empty or a TCP port,
// 1 to 65535: url.Parse takes any digits.
func validPort(port string) bool {
	if port == "" {
		return true
	}
	n, err := strconv.Atoi(port)
	return err == nil && 0 < n && n <= 65535
}

// String describes the configuration without the client secret or key.
func (c Config) String() string {
	secret := `""`
	if c.ClientSecret != "" {
		secret = "[redacted]"
	}
	return fmt.Sprintf("cognitotest.Config{PoolID: %s, ClientID: %s, ClientSecret: %s, Addr: %s}", c.PoolID, c.ClientID, secret, c.Addr)
}

// Format prints String for every verb, so no formatting reveals a secret.
func (c Config) Format(f fmt.State, verb rune) { io.WriteString(f, c.String()) }

// LogValue returns String too. log/slog's JSON handler would otherwise
// marshal the fields: the func-typed ones fail it ("!ERROR:json:
// unsupported type"), and without them it would print the client secret
// and the signing key.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }
