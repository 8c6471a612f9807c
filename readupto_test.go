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
		// The size a reader announces (a Content-Length) may be absent,
		// right, too small or too large: it changes only the allocation.
		for _, size := range []int64{-1, 0, 10, 1000, 3000, 1 << 30} {
			got, gotErr := readUpTo(r(), 1000, size)
			want, wantErr := io.ReadAll(io.LimitReader(r(), 1000))
			if !bytes.Equal(got, want) || gotErr != wantErr {
				t.Errorf("%s, size %d: readUpTo = %d bytes, %v; io.ReadAll = %d bytes, %v", name, size, len(got), gotErr, len(want), wantErr)
			}
		}
	}
}

// TestReadUpToAllocatesOnce: with the size known, a body is read into one
// allocation instead of a buffer grown from 512 bytes (five for 4000
// bytes). The count is relative, so that the race detector, which adds
// allocations of its own, does not change the verdict.
func TestReadUpToAllocatesOnce(t *testing.T) {
	body := strings.Repeat("0123456789", 400)
	allocs := func(size int64) float64 {
		return testing.AllocsPerRun(20, func() {
			if _, err := readUpTo(strings.NewReader(body), 1<<20, size); err != nil {
				t.Fatal(err)
			}
		})
	}
	known, unknown := allocs(int64(len(body))), allocs(0)
	if known > unknown-4 {
		t.Errorf("readUpTo of a 4000-byte body: %v allocations with its size known, %v without; want 4 fewer", known, unknown)
	}
}

// TestReadUpToDistrustsOversize: a Content-Length beyond the limit is a
// lie or a response that will be refused as too large either way, so it
// must not make readUpTo allocate the whole limit for a short body.
func TestReadUpToDistrustsOversize(t *testing.T) {
	const limit = 1 << 20
	for _, size := range []int64{limit, limit + 1, 1 << 40, 1<<63 - 1} {
		got, err := readUpTo(strings.NewReader("{}"), limit, size)
		if err != nil || string(got) != "{}" {
			t.Fatalf("size %d: readUpTo = %q, %v", size, got, err)
		}
		if cap(got) >= limit/2 {
			t.Errorf("size %d: a 2-byte body was read into %d bytes", size, cap(got))
		}
	}
}
