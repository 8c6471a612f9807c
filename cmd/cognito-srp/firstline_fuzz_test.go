// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzFirstLine gives the command's secret readers any input: firstLine,
// readLine (-password-stdin) and readSecretFile (emulate's
// -client-secret-file). Against a model of the package doc: input that
// starts with a UTF-16 byte order mark is refused with errUTF16; else the
// secret is the text before the first line feed, without the carriage
// returns that end it and one UTF-8 byte order mark that starts it, and a
// secret that is not UTF-8 or holds a NUL is refused with errNotUTF8; what
// follows the first line is never read. The three readers agree (but for
// the refusal by readLine and readSecretFile of a line longer than
// maxPasswordLine), and a secret file's refusal is a usage error that
// names the file and repeats none of it.
//
// The seeds, in testdata/fuzz/FuzzFirstLine, are named for what they hold.
func FuzzFirstLine(f *testing.F) {
	path := filepath.Join(fuzzDir(f), "secret")
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := firstLine(data)

		// The model.
		var want string
		var wantErr error
		if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
			wantErr = errUTF16
		} else {
			line := data
			if i := bytes.IndexByte(line, '\n'); i >= 0 {
				line = line[:i]
			}
			for len(line) > 0 && line[len(line)-1] == '\r' {
				line = line[:len(line)-1]
			}
			line = bytes.TrimPrefix(line, []byte{0xef, 0xbb, 0xbf})
			if !utf8.Valid(line) || bytes.IndexByte(line, 0) >= 0 {
				wantErr = errNotUTF8
			} else {
				want = string(line)
			}
		}
		if got != want || err != wantErr {
			t.Fatalf("firstLine(%q) = %q, %v; want %q, %v", data, got, err, want, wantErr)
		}

		// readLine refuses a first line longer than maxPasswordLine bytes
		// before its line feed, having read no more of it.
		readGot, readErr := got, wantErr
		if n := bytes.IndexByte(data, '\n'); n > maxPasswordLine || n < 0 && len(data) > maxPasswordLine {
			readGot, readErr = "", errLineTooLong
		}
		if line, err := readLine(ctx, bytes.NewReader(data)); line != readGot || err != readErr {
			t.Fatalf("readLine(%q) = %q, %v; want %q, %v", data, line, err, readGot, readErr)
		}

		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		secret, err := readSecretFile(ctx, path)
		if err == nil {
			if secret != readGot || readGot == "" {
				t.Fatalf("readSecretFile of %q = %q; firstLine: %q", data, secret, got)
			}
			return
		}
		// A usage error, in one of two forms: they name the file,
		// never what it holds.
		var u *usageError
		msg := strings.ReplaceAll(err.Error(), path, "PATH")
		wantMsg := "-client-secret-file PATH: its first line is empty"
		if readErr != nil {
			wantMsg = "-client-secret-file PATH holds " + readErr.Error()
		}
		if !errors.As(err, &u) || msg != wantMsg {
			t.Fatalf("readSecretFile of %q: %v; want %q", data, err, wantMsg)
		}
	})
}

// fuzzDir returns a directory for a fuzz target's files: one in /dev/shm
// where there is one, which costs no disk write per input; else the
// target's temporary directory.
func fuzzDir(f *testing.F) string {
	if d, err := os.MkdirTemp("/dev/shm", "cognito-srp-fuzz-"); err == nil {
		f.Cleanup(func() { os.RemoveAll(d) })
		return d
	}
	return f.TempDir()
}
