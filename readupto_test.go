// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestReadUpToMatchesReadAll checks readUpTo against io.ReadAll of an
// io.LimitReader: the same bytes, the same error.
func TestReadUpToMatchesReadAll(t *testing.T) {
	failure := errors.New("connection reset")
	body := strings.Repeat("0123456789", 300)
	readers := map[string]func() io.Reader{
		"empty":          func() io.Reader { return strings.NewReader("") },
		"short":          func() io.Reader { return strings.NewReader("{}") },
		"at the limit":   func() io.Reader { return strings.NewReader(body[:1000]) },
		"over the limit": func() io.Reader { return strings.NewReader(body) },
		"one byte reads": func() io.Reader { return iotest.OneByteReader(strings.NewReader(body)) },
		"data with EOF":  func() io.Reader { return iotest.DataErrReader(strings.NewReader(body[:10])) },
		"fails at once":  func() io.Reader { return iotest.ErrReader(failure) },
		"fails midway":   func() io.Reader { return io.MultiReader(strings.NewReader("{\"a\""), iotest.ErrReader(failure)) },
	}
	for name, r := range readers {
		got, gotErr := readUpTo(r(), 1000)
		want, wantErr := io.ReadAll(io.LimitReader(r(), 1000))
		if !bytes.Equal(got, want) || gotErr != wantErr {
			t.Errorf("%s: readUpTo = %d bytes, %v; io.ReadAll = %d bytes, %v", name, len(got), gotErr, len(want), wantErr)
		}
	}
}
