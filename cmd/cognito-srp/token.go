// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gocognito/cognitosrp"
)

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(e *env, name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		line := "usage: cognito-srp " + name
		if hasFlags {
			line += " [flags]"
		}
		if args != "" {
			line += " " + args
		}
		fmt.Fprintln(e.stderr, line)
		if hasFlags {
			fmt.Fprint(e.stderr, "\nflags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses args; -h is not an error (errHelp), a bad flag is a
// usage error.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := boolFlagValue(fs, args); err != nil {
		fs.Usage()
		return err
	}
	// The flag package prints its error before the usage, and main prints
	// it again after: parse quietly and print the usage here, so that the
	// error comes once, last, as for the errors found above.
	out, usage := fs.Output(), fs.Usage
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.SetOutput(out)
	fs.Usage = usage
	if err == nil {
		return nil
	}
	fs.Usage()
	if err == flag.ErrHelp {
		return errHelp
	}
	return &usageError{msg: err.Error()}
}

// boolFlagValue refuses a boolean flag given a value that is not a
// boolean, such as -password-stdin=hunter2, and a flag the command does
// not define whose name does not look like one (-password-stdin
// -Tr0ub4dor&3), without repeating them: the flag package would quote
// them in its error, and a password typed there would reach the terminal
// and CI logs. It walks args as flag.Parse does, up to the first argument
// that is not a flag.
func boolFlagValue(fs *flag.FlagSet, args []string) error {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || len(a) < 2 || a[0] != '-' {
			return nil
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(a[1:], "-"), "=")
		if name == "" || name[0] == '-' {
			// fs.Parse would refuse it quoting the whole argument:
			// "bad flag syntax: ---password-stdin=hunter2".
			return usagef("bad flag syntax in argument %d (not shown)", i+1)
		}
		f := fs.Lookup(name)
		if f == nil {
			if name == "h" || name == "help" || flagName(name) {
				return nil // fs.Parse prints the usage, or names the flag
			}
			// fs.Parse would quote it: "flag provided but not defined:
			// -Tr0ub4dor&3", a password that starts with '-' typed after
			// -password-stdin.
			return usagef("argument %d is not a flag of this command (not shown)", i+1)
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			if _, err := strconv.ParseBool(value); hasValue && err != nil {
				return usagef("-%s takes no value but true or false (what followed '=' is not shown)", name)
			}
		} else if !hasValue {
			i++ // the next argument is the flag's value
		}
	}
	return nil
}

// flagName reports whether name looks like a mistyped flag name, which an
// error may show: lower-case letters, digits and '-', as every flag of the
// command but -H and -X has. A password that Cognito's default policy
// accepts has an upper-case letter, so it never looks like one.
func flagName(name string) bool {
	return !strings.ContainsFunc(name, func(r rune) bool { return (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' })
}

// errHelp ends a command after it printed its usage on request.
var errHelp = flag.ErrHelp

// tokenTypeFlag parses -type.
func tokenTypeFlag(s string) (cognitosrp.TokenType, error) {
	switch s {
	case "access", "access_token":
		return cognitosrp.AccessToken, nil
	case "id", "id_token":
		return cognitosrp.IDToken, nil
	}
	return "", usagef("-type must be access or id, not %q", s)
}

func tokenCommand(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "token", "")
	var conn connFlags
	conn.register(fs)
	typ := fs.String("type", "access", "token to print: access or id")
	asJSON := fs.Bool("json", false, "print all tokens as JSON, the refresh token included (it outlives the others, 30 days by default: keep it out of logs)")
	export := fs.Bool("export", false, "print shell export lines for COGNITO_ACCESS_TOKEN, COGNITO_ID_TOKEN and COGNITO_TOKEN_EXPIRY")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		// Not quoted: "-password-stdin hunter2" makes the password an
		// argument, as "-password-stdin=hunter2" makes it a flag's value.
		return usagef("unexpected argument (not shown); the password comes from COGNITO_PASSWORD or, with -password-stdin, standard input")
	}
	if *asJSON && *export {
		return usagef("-json and -export exclude each other")
	}
	tt, err := tokenTypeFlag(*typ)
	if err != nil {
		return err
	}
	c, err := conn.resolve(ctx, e, "token")
	if err != nil {
		return err
	}
	types := []cognitosrp.TokenType{tt}
	if *asJSON || *export {
		types = []cognitosrp.TokenType{cognitosrp.AccessToken, cognitosrp.IDToken}
	}
	_, tok, err := obtain(ctx, e, c, nil, types...)
	if err != nil {
		return err
	}
	switch {
	case *asJSON:
		out, _ := json.MarshalIndent(map[string]any{
			"access_token":        tok.AccessToken,
			"id_token":            tok.IDToken,
			"refresh_token":       tok.RefreshToken,
			"token_type":          tok.TokenType,
			"expires_at":          tok.AccessExpiry.UTC().Format(time.RFC3339),
			"id_token_expires_at": tok.IDExpiry.UTC().Format(time.RFC3339),
			"username":            tok.Username,
		}, "", "  ")
		fmt.Fprintf(e.stdout, "%s\n", out)
	case *export:
		fmt.Fprintf(e.stdout, "export COGNITO_ACCESS_TOKEN=%s\n", shellQuote(tok.AccessToken))
		fmt.Fprintf(e.stdout, "export COGNITO_ID_TOKEN=%s\n", shellQuote(tok.IDToken))
		fmt.Fprintf(e.stdout, "export COGNITO_TOKEN_EXPIRY=%s\n", shellQuote(tok.Expiry(tt).UTC().Format(time.RFC3339)))
	default:
		fmt.Fprintln(e.stdout, tok.Token(tt))
	}
	return nil
}

// obtain returns a session and tokens whose tokens of the given types are
// fresh: from the cache, renewed with the cached refresh token, or from a
// new SRP login. It caches what it gets. refused, when not nil, are tokens
// an API refused: they are renewed even if they look fresh (and, without
// a cache, renewed from their refresh token).
func obtain(ctx context.Context, e *env, c *connection, refused *cognitosrp.Tokens, types ...cognitosrp.TokenType) (*cognitosrp.Session, *cognitosrp.Tokens, error) {
	var store *cognitosrp.FileStore
	cfg := c.sessionConfig()
	cached := refused
	if !c.noCache {
		var err error
		if store, err = cacheStore(c); err != nil {
			return nil, nil, fmt.Errorf("%w (%s)", err, cacheHint())
		}
		// The device is kept beside the tokens, and only there: without
		// the cache, a device confirmed by each run and lost at its end
		// would leave the user a list of confirmed devices, one per run,
		// each remembered (in a pool that skips MFA on remembered
		// devices, trusted) and none used again. A run without the cache
		// has no tokens to renew (but after a 401): it logs in with the
		// password, which needs no device.
		if !c.noDevice {
			cfg.Devices = cacheDevices(store)
		}
		cached, err = store.Load(ctx)
		if errors.Is(err, cognitosrp.ErrStoreFormat) {
			// Unreadable (another version, damaged): it is only a cache,
			// and the next save replaces it.
			cached, err = nil, nil
		}
		if err != nil {
			return nil, nil, cacheError(err)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	renew := func(cached *cognitosrp.Tokens) (*cognitosrp.Session, *cognitosrp.Tokens, error) {
		cfg.RefreshMethod = cognitosrp.RefreshWithInitiateAuth
		sess, tok, err := renewOrLogin(ctx, e, c, cfg, cached, refused, types)
		if errors.Is(err, cognitosrp.ErrRefreshFlowNotEnabled) {
			// An app client with refresh-token rotation: renew the other way.
			cfg.RefreshMethod = cognitosrp.RefreshWithGetTokens
			sess, tok, err = renewOrLogin(ctx, e, c, cfg, cached, refused, types)
		}
		return sess, tok, err
	}
	sess, tok, err := renew(cached)
	if errors.Is(err, cognitosrp.ErrLoginRequired) && store != nil && cached != nil {
		// Another run may have renewed the tokens since they were read:
		// with refresh-token rotation that retired the refresh token this
		// one used, and the cache holds its successor.
		// Cognito's RefreshTokenReuseException says the other run's
		// renewal succeeded; its save may still be to come when both ran
		// at once, so wait a little for it.
		var ae *cognitosrp.APIError
		reused := errors.As(err, &ae) && ae.Type == "RefreshTokenReuseException"
		for wait := 0; ; wait++ {
			if now, lerr := store.Load(ctx); lerr == nil && now != nil && now.RefreshToken != cached.RefreshToken {
				cached = now
				sess, tok, err = renew(cached)
				break
			}
			if !reused || wait == 20 {
				break
			}
			if serr := sleepCtx(ctx, 100*time.Millisecond); serr != nil {
				// Interrupted (or out of time) while waiting: say so, not
				// that the tokens are unusable.
				err = serr
				break
			}
		}
	}
	if store != nil && tok != nil && tok != cached {
		// Saved even when the renewal failed, and even when a signal or
		// the timeout has ended ctx since: with rotation, tokens the
		// session took in (see renewOrLogin) hold the only live refresh
		// token, the cached one being retired. The write is local and
		// quick.
		if serr := store.Save(context.WithoutCancel(ctx), tok); serr != nil {
			err = errors.Join(err, cacheError(serr))
		}
	}
	if err != nil {
		return nil, nil, err
	}
	return sess, tok, nil
}

// renewOrLogin returns the cached tokens if they are fresh and not the
// refused ones, else renews them with the cached refresh token, else logs
// in with the password, through a session of cfg (c's).
func renewOrLogin(ctx context.Context, e *env, c *connection, cfg cognitosrp.Config, cached, refused *cognitosrp.Tokens, types []cognitosrp.TokenType) (*cognitosrp.Session, *cognitosrp.Tokens, error) {
	sess, err := cognitosrp.NewSession(cfg, c.username)
	if err != nil {
		return nil, nil, &usageError{msg: err.Error()}
	}
	if cached != nil {
		sess.SetTokens(cached)
		// A one-shot command cannot renew in the background, so it
		// renews as soon as a token enters its renewal window.
		// Tokens another run renewed since the API refused ours are new.
		if !slices.ContainsFunc(types, sess.RenewalDue) &&
			(refused == nil || cached.AccessToken != refused.AccessToken || cached.IDToken != refused.IDToken) {
			return sess, cached, nil
		}
		if cached.RefreshToken != "" {
			e.progressf("renewing the tokens of %s from the cached refresh token…", c.username)
			err := sess.Refresh(ctx)
			if err == nil {
				return sess, sess.Tokens(), nil
			}
			if ctx.Err() != nil {
				// Refresh stopped waiting, but the renewal goes on, and
				// once it has read Cognito's answer it installs the
				// rotated refresh token. Close cancels it and waits for
				// it: an answer still being read is lost (within the app
				// client's grace period the cached refresh token still
				// works). The interruption is the error: no login on an
				// ended context (Refresh may have seen a dead refresh
				// token at the same moment).
				sess.Close()
				err = ctx.Err()
			}
			if t := sess.Tokens(); t != nil && t.RefreshToken != cached.RefreshToken {
				// Cognito rotated the refresh token, and the session
				// took the new one in although Refresh failed (a Ctrl-C
				// once the answer had come, new tokens refused): it is
				// the only live one, for obtain to cache.
				return nil, t, err
			}
			if !errors.Is(err, cognitosrp.ErrLoginRequired) || c.password == "" {
				return nil, nil, err
			}
			// The refresh token died; the password can log in again.
		}
	}
	if c.password == "" {
		return nil, nil, cognitosrp.ErrLoginRequired
	}
	if err := notText(c.password); err != nil {
		// COGNITO_PASSWORD read from a file ($(cat pw.txt)) that is not
		// UTF-8, refused as -password-stdin's line is: a login with it
		// fails, one more failure toward the user's lockout. A file that
		// Windows PowerShell 5.1 wrote is UTF-16, whose NULs the shell
		// drops, keeping its byte order mark; one in a Windows code page
		// has other bytes than the password's UTF-8. Checked here, not
		// before: a run that finds fresh tokens, and sign-out, need none.
		return nil, nil, usagef("COGNITO_PASSWORD holds %v", err)
	}
	e.progressf("logging in as %s with SRP…", c.username)
	if err := sess.Authenticate(ctx, c.password); err != nil {
		return nil, nil, err
	}
	return sess, sess.Tokens(), nil
}

// shellQuote quotes s for a POSIX shell's eval: in single quotes, each
// quote of its own closed, escaped and reopened. Tokens from Cognito and
// the library's file store hold only base64url characters and dots, but
// the output must stay one word whatever the token holds.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellWord returns s as one word for a POSIX shell's eval: as it is when
// it holds only characters no shell gives a meaning to there (so that the
// usual values, http://127.0.0.1:9229/ and ids, print as before, for a
// script that reads the line without eval), else shellQuote's.
func shellWord(s string) string {
	if s == "" || strings.ContainsFunc(s, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("@%+=:,./_-", r))
	}) {
		return shellQuote(s)
	}
	return s
}

// sleepCtx waits for d or until ctx ends, and returns ctx's error then.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
