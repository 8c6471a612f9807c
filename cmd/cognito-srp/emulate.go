// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gocognito/cognitosrp"
	"github.com/gocognito/cognitosrp/cognitotest"
)

func emulateCommand(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "emulate", "")
	addr := fs.String("addr", "127.0.0.1:9229", "address to listen on, host:port (127.0.0.1:0: a free port, which the export line names)")
	publicURL := fs.String("url", "", "URL clients reach the emulator at, which names it in the tokens' issuer, e.g. http://cognito:9229 in a container (default: http:// and the address it listens on)")
	usersFile := fs.String("users", "", "JSON file with an array of users: {\"Username\", \"Password\", \"Aliases\", \"Attributes\", …}")
	poolID := fs.String("pool-id", cognitotest.DefaultPoolID, "user pool id")
	clientID := fs.String("client-id", cognitotest.DefaultClientID, "app client id")
	withSecret := fs.Bool("with-secret", false, "give the app client a random secret (printed on the export line)")
	secretFile := fs.String("client-secret-file", "", "give the app client the secret on the first line of this `file` (not printed), the one your client is configured with")
	tokenTTL := fs.Duration("token-ttl", time.Hour, "lifetime of access tokens, and of id tokens unless -id-token-ttl")
	idTTL := fs.Duration("id-token-ttl", 0, "lifetime of id tokens, when not that of -token-ttl")
	refreshTTL := fs.Duration("refresh-ttl", cognitotest.DefaultRefreshTokenLifetime, "lifetime of refresh tokens")
	sessionTTL := fs.Duration("session-ttl", cognitotest.DefaultSessionLifetime, "how long the Session of a challenge (MFA, new password…) stays valid; Cognito allows 3m to 15m")
	rotation := fs.Bool("rotation", false, "rotate refresh tokens (GetTokensFromRefreshToken)")
	grace := fs.Duration("rotation-grace", 0, "with -rotation, how long a rotated-out refresh token stays usable, 0 to 60s (Cognito's RetryGracePeriodSeconds)")
	noRevocation := fs.Bool("no-token-revocation", false, "an app client with token revocation off: RevokeToken fails with UnsupportedOperationException, and tokens carry no jti or origin_jti")
	devices := fs.Bool("device-tracking", false, "remember devices (device SRP)")
	deviceOptIn := fs.Bool("device-opt-in", false, "remember a device only when the user opts in (UpdateDeviceStatus); implies -device-tracking")
	hideUsers := fs.Bool("prevent-user-existence-errors", false, "answer unknown users like wrong passwords")
	plainPassword := fs.Bool("user-password-auth", false, "also allow USER_PASSWORD_AUTH")
	awsIssuer := fs.Bool("aws-issuer", false, "issue tokens with Cognito's issuer URL instead of the emulator's")
	latency := fs.Duration("latency", 0, "delay every API call by this long, as a slow network or a slow Cognito would")
	failureRate := fs.Float64("failure-rate", 0, "fail this share of API calls, from 0 to 1, with -fault (the same calls on each start)")
	fault := fs.String("fault", string(cognitotest.FaultTooManyRequests), "the failure of -failure-rate: an error `type`, such as InternalErrorException or ServiceUnavailable (HTTP 503), or \"connection reset\"")
	quiet := fs.Bool("quiet", false, "write nothing but errors on standard error: no request log, no line on the cache files removed at exit")
	usage := fs.Usage
	fs.Usage = func() {
		usage()
		// What a script that starts it in the background waits for.
		fmt.Fprint(e.stderr, "\nThe banner goes to standard output, last its export line, once the emulator\naccepts connections (-addr 127.0.0.1:0: a free port, which the line names).\nThe request log goes to standard error. SIGINT or SIGTERM ends it with status 0,\nafter it removes the token cache files of the tokens it issued, if any.\n")
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		// Named when it is one of the flags without its dash (a word
		// forgotten there). Else not shown: "-with-secret S3cret" makes the
		// secret of the client under test an argument, as
		// "-with-secret=S3cret" makes it a flag's value (boolFlagValue).
		if fs.Lookup(fs.Arg(0)) != nil {
			return usagef("unexpected argument %q (the flag -%[1]s?)", fs.Arg(0))
		}
		return usagef("unexpected argument (not shown); emulate takes flags only, and -client-secret-file a secret of yours")
	}
	if *tokenTTL <= 0 || *refreshTTL <= 0 {
		// The Config takes 0 for its default, which a flag given 0
		// silently meant (an hour, 30 days), and named a negative one
		// by its Config field.
		return usagef("-token-ttl and -refresh-ttl must be positive")
	}
	if *grace != 0 && !*rotation {
		// Else it would be ignored: the refresh tokens would not rotate.
		return usagef("-rotation-grace needs -rotation")
	}
	if *grace < 0 || *grace > time.Minute {
		// Checked here to name the flag, not the Config field.
		return usagef("-rotation-grace must be from 0 to 60s, as in Cognito")
	}
	if *sessionTTL <= 0 {
		// The Config takes 0 for its default; a flag given 0 means none.
		return usagef("-session-ttl must be positive")
	}
	if *latency < 0 {
		return usagef("-latency is negative (%v)", *latency)
	}
	if !(*failureRate >= 0 && *failureRate <= 1) { // NaN too
		return usagef("-failure-rate must be from 0 to 1")
	}
	faultSet := false
	fs.Visit(func(f *flag.Flag) { faultSet = faultSet || f.Name == "fault" })
	if faultSet && *failureRate == 0 {
		// Else it would be ignored: no call would fail.
		return usagef("-fault needs -failure-rate")
	}
	if !faultName(*fault) {
		return usagef("-fault %q is neither a Cognito error type (such as TooManyRequestsException), an AWS common error (such as ServiceUnavailable) nor %q", *fault, cognitotest.FaultConnectionReset)
	}
	switch {
	case *idTTL < 0:
		return usagef("-id-token-ttl is negative (%v)", *idTTL)
	case *idTTL == 0:
		*idTTL = *tokenTTL
	}
	cfg := cognitotest.Config{
		PoolID:                           *poolID,
		Addr:                             *addr,
		URL:                              *publicURL,
		ClientID:                         *clientID,
		RefreshTokenRotation:             *rotation,
		RotationGracePeriod:              *grace,
		DisableTokenRevocation:           *noRevocation,
		DeviceTracking:                   *devices,
		DeviceOnlyRememberedOnUserPrompt: *deviceOptIn,
		PreventUserExistenceErrors:       *hideUsers,
		AccessTokenLifetime:              *tokenTTL,
		IDTokenLifetime:                  *idTTL,
		RefreshTokenLifetime:             *refreshTTL,
		SessionLifetime:                  *sessionTTL,
		AWSIssuer:                        *awsIssuer,
	}
	if *plainPassword {
		cfg.AuthFlows = []string{cognitotest.AllowUserSRPAuth, cognitotest.AllowCustomAuth, cognitotest.AllowUserAuth, cognitotest.AllowUserPasswordAuth}
		if !*rotation {
			cfg.AuthFlows = append(cfg.AuthFlows, cognitotest.AllowRefreshTokenAuth)
		}
	}
	switch {
	case *withSecret && *secretFile != "":
		return usagef("give -with-secret or -client-secret-file, not both")
	case *withSecret:
		cfg.ClientSecret = randomText(32)
	case *secretFile != "":
		secret, err := readSecretFile(ctx, *secretFile)
		if err != nil {
			return err
		}
		cfg.ClientSecret = secret
	}
	if !*quiet {
		// The action logged is the client's X-Amz-Target header, which
		// any local program or web page can fill: the terminal gets it
		// as request's terminal gets the API's status line.
		cfg.Logf = func(format string, args ...any) { fmt.Fprintln(e.stderr, terminalText(fmt.Sprintf(format, args...))) }
	}
	srv, err := cognitotest.NewUnstartedServer(cfg)
	if err != nil {
		return usagef("%v", err)
	}
	var names []string
	if *usersFile != "" {
		if names, err = loadUsers(ctx, srv, *usersFile); err != nil {
			return err
		}
	}
	srv.SetLatency(*latency)
	srv.SetFailureRate(*failureRate, cognitotest.Fault(*fault))
	// The address last, as the listen would: the other flags' errors
	// come first, whatever -addr says.
	if err := checkListenAddr(ctx, *addr); err != nil {
		return err
	}
	if err := srv.Start(); err != nil {
		var oe *net.OpError
		if errors.As(err, &oe) && oe.Op == "listen" {
			// The address is in use (an emulator that an earlier CI
			// step left running, or one on the default port), not
			// this machine's, or not allowed: it said only "network
			// error: cognitotest: listen tcp …", not what to do.
			return fmt.Errorf("cannot listen on %s: %v (give -addr another address, or 127.0.0.1:0 for a free port, which the export line names)", *addr, oe.Err)
		}
		return err
	}
	defer srv.Close()

	w := e.stdout
	fmt.Fprintf(w, "cognito-srp emulate: a Cognito user pool at %s\n", srv.Endpoint())
	fmt.Fprintf(w, "  pool id    %s\n  client id  %s\n", srv.PoolID(), srv.ClientID())
	// The issuer and key set are what an API's verifier needs
	// (cognitosrp.VerifierConfig's Issuer and JWKSURL).
	fmt.Fprintf(w, "  issuer     %s\n  jwks       %s\n", srv.Issuer(), srv.JWKSURL())
	if *secretFile != "" {
		fmt.Fprintf(w, "  secret     from %s, not printed\n", terminalText(*secretFile))
	}
	if len(names) == 0 {
		fmt.Fprintf(w, "  users      none (give -users FILE)\n")
	} else {
		fmt.Fprintf(w, "  users      %s\n", strings.Join(names, ", "))
	}
	// One export line, the banner's last, printed once the emulator
	// accepts connections: a script that started it in the background
	// waits for that line and evals it. The secret had a line of its
	// own after it, which a script that read up to the export line
	// never saw, or saw only when its poll came late enough.
	// Each value a word for sh's eval, quoted when it needs it: -url and
	// -client-id may hold ; $ ' ` & and the like, which ran as commands.
	exports := fmt.Sprintf("export COGNITO_ENDPOINT=%s COGNITO_USER_POOL_ID=%s COGNITO_CLIENT_ID=%s", shellWord(srv.Endpoint()), shellWord(srv.PoolID()), shellWord(srv.ClientID()))
	if *withSecret {
		// Its own random secret, which clients need; one read from a
		// file they have already, and it may be a real one.
		exports += " COGNITO_CLIENT_SECRET=" + shellWord(cfg.ClientSecret)
	}
	fmt.Fprintln(w, exports)
	if f, ok := w.(*os.File); ok {
		f.Sync()
	}
	<-ctx.Done()
	// Closed first, so that no login is answered after the sweep.
	srv.Close()
	// -quiet keeps standard error for errors: the line said what was
	// removed also under it, after a run that had logged nothing.
	if n := removeIssuedTokens(srv.JWKS()); n > 0 && !*quiet {
		fmt.Fprintf(e.stderr, "cognito-srp emulate: removed %d token cache file(s) of the tokens it issued, which nothing accepts now\n", n)
	}
	return nil
}

// removeIssuedTokens removes the token files of the cache (and the device
// file beside each) whose tokens the stopped emulator signed with a key
// of keys, and returns how many. Each start signs with a key of its own,
// and the cache keeps a file per endpoint: the starts on port 0 of a CI
// job left one file each, piling up in a cache that outlives the job. The
// tokens of a stopped start are of no use (the key is gone, and no other
// start knows the refresh token or the device), so removing them loses
// nothing; a file with another key's tokens, Cognito's or another start's
// (the same address, started since), is not touched, nor is a file of a
// name the command does not give its token files (cacheFileName). Only
// the cache of the user, and the cache directory, that emulate runs with;
// nothing is created, and a file that cannot be read or removed is left
// as it is.
//
// Two races are left, as the cache has no lock to close them with and
// each costs a login at most: a token command answered before the
// emulator closed that saves after the sweep leaves its file (dead
// tokens, replaced at the next login to that endpoint); and a new
// emulator on the same address whose client saves between this Load and
// Clear loses that file (its next run logs in again).
func removeIssuedTokens(keys cognitotest.JWKSet) int {
	dir, err := cacheDir()
	if err != nil {
		return 0
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	ours := func(token string) bool {
		kid := tokenKeyID(token)
		return kid != "" && slices.ContainsFunc(keys.Keys, func(k cognitotest.JWK) bool { return k.Kid == kid })
	}
	ctx := context.Background()
	n := 0
	for _, ent := range entries {
		name := ent.Name()
		if !ent.Type().IsRegular() || !cacheFileName(name) {
			continue
		}
		// FileStore's Load, with its checks: a file others can read or
		// another user's is refused, and left.
		store := cognitosrp.NewFileStore(filepath.Join(dir, name))
		tok, err := store.Load(ctx)
		if err != nil || tok == nil || !ours(tok.AccessToken) && !ours(tok.IDToken) {
			continue
		}
		if store.Clear(ctx) == nil {
			os.Remove(deviceFilePath(store))
			n++
		}
	}
	return n
}

// tokenKeyID returns the kid of a JWT's header, or "" if it has none.
func tokenKeyID(token string) string {
	head, _, ok := strings.Cut(token, ".")
	if !ok {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		return ""
	}
	var h struct {
		Kid string `json:"kid"`
	}
	if json.Unmarshal(b, &h) != nil {
		return ""
	}
	return h.Kid
}

// checkListenAddr refuses, as a usage error, an -addr that is no address
// to listen on whatever the machine (127.0.0.1:99999, a missing port, a
// port name the system does not know): it exited with 1, as an address
// in use does. A host that does not
// resolve or is not this machine's is left to the listen, as is an
// address in use: the machine's state, not the flag's form.
func checkListenAddr(ctx context.Context, addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		// Numbers are checked here; a name is looked up in the
		// system's services table (/etc/services), as the listen would.
		_, err = net.DefaultResolver.LookupPort(ctx, "tcp", port)
	}
	if err != nil {
		var ae *net.AddrError
		var de *net.DNSError
		switch {
		case errors.As(err, &ae):
			err = errors.New(ae.Err)
		case errors.As(err, &de):
			err = errors.New(de.Err)
		}
		return usagef("-addr %q is no address to listen on (%v): give host:port, such as 127.0.0.1:9229, or 127.0.0.1:0 for a free port", addr, err)
	}
	return nil
}

// maxUsersFile bounds the -users file: at some 100 bytes a user, over
// 150,000 users, each of which costs the emulator an SRP verifier (a
// 3072-bit exponentiation) to add, far more than a test pool holds, and
// little enough to decode in a small container's memory. A larger file is
// a mistake (-users /dev/zero, a disk image), which was read whole.
const maxUsersFile = 16 << 20

// loadUsers adds the users of a JSON file (an array of cognitotest.User,
// after a byte order mark or none; field names match case-insensitively)
// of at most maxUsersFile bytes, and returns their login names. A named
// pipe (-users <(jq …)) waits for its writer, and the read ends on a
// signal, as standard input's do.
func loadUsers(ctx context.Context, srv *cognitotest.Server, path string) ([]string, error) {
	data, err := readBounded(ctx, openFile(path), maxUsersFile, false)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("reading -users %s: %w", path, ctx.Err())
	}
	if errors.Is(err, errTooLarge) {
		return nil, usagef("-users %s holds more than %d MiB, which is no list of test users", path, maxUsersFile>>20)
	}
	if err != nil {
		return nil, usagef("-users: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte(bom))))
	dec.DisallowUnknownFields()
	var users []cognitotest.User
	if err := dec.Decode(&users); err != nil {
		return nil, usagef("-users %s: %v", path, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		// Decode reads one value: the users of a second array (cat a.json
		// b.json) would be missing without a word.
		return nil, usagef("-users %s: more JSON after the array of users", path)
	}
	var names []string
	for i, u := range users {
		added, err := srv.AddUser(u)
		if err != nil {
			return nil, usagef("-users %s: user %d: %v", path, i, err)
		}
		name := added.Username
		if len(added.Aliases) > 0 {
			name = added.Aliases[0]
		}
		names = append(names, name)
	}
	return names, nil
}

// readSecretFile returns the first line of the file at path, without its
// line break or a byte order mark, as -password-stdin reads a password,
// and as bounded: a first line longer than maxPasswordLine bytes is
// refused (errLineTooLong), and no more of the file is read (a device
// given by mistake, -client-secret-file /dev/zero, filled the memory).
// A named pipe waits for its writer, and the read ends on a signal.
func readSecretFile(ctx context.Context, path string) (string, error) {
	data, err := readBounded(ctx, openFile(path), maxPasswordLine, true)
	if ctx.Err() != nil {
		return "", fmt.Errorf("reading -client-secret-file %s: %w", path, ctx.Err())
	}
	if errors.Is(err, errLineTooLong) {
		return "", usagef("-client-secret-file %s holds %v", path, err)
	}
	if err != nil {
		return "", usagef("-client-secret-file: %v", err)
	}
	line, err := firstLine(data)
	if err != nil {
		return "", usagef("-client-secret-file %s holds %v", path, err)
	}
	if line == "" {
		return "", usagef("-client-secret-file %s: its first line is empty", path)
	}
	return line, nil
}

// faultName reports whether name is a failure the emulator can inject that
// a client can meet: connection reset, an error type as Cognito names
// them (letters, ending in "Exception"), or one of the errors common to
// all AWS APIs (cognitotest's list: a test of a client's retries injects
// ServiceUnavailable, which cognitotest answers with HTTP 503 as Cognito
// does). A value that is no error type at all ("Throttling", "500") is
// refused rather than answered as one; a misspelt type
// ("TooManyRequestException") is served as given.
func faultName(name string) bool {
	if f := cognitotest.Fault(name); f == cognitotest.FaultConnectionReset || f.CommonAWSError() {
		return true
	}
	typ, ok := strings.CutSuffix(name, "Exception")
	return ok && typ != "" && strings.Trim(typ, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == ""
}
