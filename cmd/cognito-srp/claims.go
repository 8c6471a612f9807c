// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/gocognito/cognitosrp"
)

// maxTokenInput bounds what claims reads from standard input: far more
// than the longest token the library reads (64 KiB), "Bearer " and white
// space around it; more is refused, not cut (readBounded).
const maxTokenInput = 1 << 20

func claimsCommand(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "claims", "[TOKEN]")
	usage := fs.Usage
	fs.Usage = func() {
		usage()
		fmt.Fprint(e.stderr, "\nPrints the claims of TOKEN, or of the token read from standard input, as JSON.\nAn Authorization header's value ('Bearer eyJ…', quoted as one argument) will do.\nThe signature is not checked: use it to read a token, never to trust one.\nExit status 2: a token it cannot read, or none on standard input (empty, as when\nthe command before the pipe failed: then run that one alone for its status).\n")
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 && slices.ContainsFunc(fs.Args()[1:], func(a string) bool { return len(a) > 1 && a[0] == '-' }) {
		// The flag package stops at the TOKEN: "claims TOKEN -h" left -h
		// an argument, and "want at most one TOKEN" did not say what to
		// move. As request says of its URL; none is quoted, the TOKEN
		// least of all.
		return usagef("flags must come before the TOKEN, and claims has none but -h (got %d arguments)", fs.NArg())
	}
	var token string
	switch fs.NArg() {
	case 0:
		if f, ok := e.stdin.(*os.File); ok && isTerminal(f) {
			return usagef("give a TOKEN argument or pipe one on standard input")
		}
		b, err := readBounded(ctx, e.openStdin, maxTokenInput, false)
		if errors.Is(err, errTooLarge) {
			// Cut at the limit, a token followed by that much white
			// space and more text was read as the token alone.
			return usagef("standard input holds more than %d MiB, which is no token", maxTokenInput>>20)
		}
		if err != nil {
			return fmt.Errorf("reading the token from standard input: %w", err)
		}
		if len(bytes.TrimSpace(b)) == 0 {
			// Most often the command before the pipe failed (token |
			// claims) and said why itself; "malformed token: empty"
			// blamed a token nobody gave. Still 2, as claims "" is:
			// unlike jq's or base64's, whose empty input is a valid
			// empty stream, claims' has no claims to print, and 0
			// would pass the pipeline as done.
			return usagef("no token on standard input: it is empty or blank")
		}
		token = string(b)
	case 1:
		token = fs.Arg(0)
	default:
		if fs.NArg() == 2 && strings.EqualFold(fs.Arg(0), "Bearer") {
			// An Authorization header's value pasted unquoted
			// (claims Bearer eyJ…): "want at most one TOKEN" did not
			// say that "Bearer" was the extra one. The TOKEN is not
			// quoted.
			return usagef(`"Bearer" and the TOKEN came as two arguments: drop "Bearer", or quote the two as one ('Bearer eyJ…')`)
		}
		return usagef("want at most one TOKEN, got %d arguments", fs.NArg())
	}
	// An Authorization header's value: its scheme is case-insensitive
	// (RFC 9110, section 11.1), so "bearer " and "BEARER " are stripped
	// too, with every space after it (1*SP). Left on, the scheme passed
	// as part of the header segment, which ParseUnverified does not
	// decode, but counted against the token's 64 KiB.
	token = strings.TrimSpace(token)
	if scheme, rest, ok := strings.Cut(token, " "); ok && strings.EqualFold(scheme, "Bearer") {
		token = strings.TrimLeft(rest, " ")
	}
	cl, err := cognitosrp.ParseUnverified(token)
	if err != nil {
		// A bad value given to the command (exit status 2), as standard
		// input of more than 1 MiB is above: it exited with 1, "an error
		// that trying again does not mend", which a script read as a
		// failure of the command rather than of its input. Every error of
		// ParseUnverified is the token's.
		return usagef("%v", err)
	}
	out, err := json.MarshalIndent(cl.Raw, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\n", out)
	note := "note: these claims are NOT verified (the signature was not checked)"
	if !cl.Expiry.IsZero() {
		left := time.Until(cl.Expiry).Round(time.Second)
		if left > 0 {
			note += fmt.Sprintf("; expires %s (in %v)", cl.Expiry.Format(time.RFC3339), left)
		} else {
			note += fmt.Sprintf("; expired %s (%v ago)", cl.Expiry.Format(time.RFC3339), -left)
		}
	}
	fmt.Fprintln(e.stderr, note)
	return nil
}
