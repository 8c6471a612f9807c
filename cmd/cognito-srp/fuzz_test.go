// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// FuzzParseFlags parses the arguments of request (the command with the
// most flags, -H among them) as it does, registered by request's own
// requestFlags, one argument per line of the input: what the command
// prints or returns never repeats a word that looks like a password (four
// characters or more, an upper-case letter) given as a boolean flag's
// value or as a flag the command does not define (boolFlagValue), and a
// -H value that is not 'Name: value' is reported without being quoted
// (headerFlags.parse). Only what follows a flag that takes a value is the
// flag package's to quote: -timeout Hunter2 says the duration is invalid.
// And -H takes exactly the headers net/http sends (transportSends), read
// as name and value without the spaces around them.
func FuzzParseFlags(f *testing.F) {
	for _, s := range []string{
		"-password-stdin=Tr0ub4dor&3",
		"-password-stdin\n-Tr0ub4dor&3",
		"--password-stdin=FALSE\n---Hunter22",
		"-timeout\nHunter22\n-i=Hunter22",
		"-H\nX-Token Hunter22\n-d\n@-\nhttps://api",
		"-H\nAuthorization: Bearer Hunter22\n-X\nPOST\n-Hunter22",
		"-pool-id\n--\n-Hunter22=x",
		"-h\n-Hunter22",
		"-=Hunter22",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		args := strings.Split(in, "\n")
		var out bytes.Buffer
		e := &env{stderr: &out}
		fs := newFlagSet(e, "request", "URL")
		var rf requestFlags
		rf.register(fs)
		fs.Usage()
		usage := out.String()
		out.Reset()

		// The flag package's walk: which arguments are values of flags
		// that take one, which may look like anything.
		var values, words []string
		for i := 0; i < len(args); i++ {
			a := args[i]
			if a == "--" || len(a) < 2 || a[0] != '-' {
				break
			}
			name, value, hasValue := strings.Cut(strings.TrimPrefix(a[1:], "-"), "=")
			if fl := fs.Lookup(name); fl != nil && !isBoolFlag(fl) {
				if hasValue {
					values = append(values, value)
				} else if i+1 < len(args) {
					i++
					values = append(values, args[i])
				}
				continue
			}
			words = append(words, strings.FieldsFunc(a, func(r rune) bool { return r == '-' || r == '=' })...)
		}
		err := parseFlags(fs, args)
		if err == nil {
			// A file's headers (@FILE) are those of fileHeaders.
			hs, herr := rf.headers.parse(func(string) ([]header, error) { return fileHeaders, nil })
			if herr != nil && !headerError.MatchString(herr.Error()) {
				t.Fatalf("-H error %q quotes the value", herr)
			}
			// -H takes exactly the headers net/http sends, spaces
			// around the name and the value trimmed.
			sendable := true
			var want []header
			for _, v := range rf.headers {
				if strings.HasPrefix(v, "@") {
					want = append(want, fileHeaders...)
					continue
				}
				name, value, ok := strings.Cut(v, ":")
				name, value = strings.TrimSpace(name), strings.TrimSpace(value)
				if sendable = ok && transportSends(name, value); !sendable {
					break
				}
				want = append(want, header{name, value})
			}
			if sendable != (herr == nil) {
				t.Fatalf("-H %q: %v; net/http sends them: %t", []string(rf.headers), herr, sendable)
			}
			if herr == nil && !slices.Equal(hs, want) {
				t.Fatalf("-H %q read as %q", []string(rf.headers), hs)
			}
		}
		text := strings.ReplaceAll(out.String(), usage, "")
		if err != nil {
			text += "\n" + err.Error()
		}
	word:
		for _, w := range words {
			if len(w) < 4 || !strings.ContainsFunc(w, unicode.IsUpper) || !strings.Contains(text, w) {
				continue
			}
			for _, v := range values {
				if strings.Contains(v, w) {
					continue word // quoted as a value, perhaps
				}
			}
			t.Fatalf("%q: the output %q repeats %q", args, text, w)
		}
	})
}

// fileHeaders are the headers FuzzParseFlags has each -H @FILE hold.
var fileHeaders = []header{{"X-Api-Key", "from-file"}}

// headerError is the one refusal of a -H value: by its position only.
var headerError = regexp.MustCompile(`^-H value [1-9][0-9]* is not 'Name: value'$`)

// errDialed is refusingTransport's dial error.
var errDialed = errors.New("dialed")

// transportSends reports whether net/http's Transport sends the header
// name: value, by asking one that checks a request's headers, as every
// Transport does before it dials, and then fails to dial.
func transportSends(name, value string) bool {
	tr := &http.Transport{DialContext: func(context.Context, string, string) (net.Conn, error) { return nil, errDialed }}
	req, _ := http.NewRequest(http.MethodGet, "http://example.invalid/", nil)
	req.Header = http.Header{name: {value}}
	_, err := tr.RoundTrip(req)
	return errors.Is(err, errDialed)
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}
