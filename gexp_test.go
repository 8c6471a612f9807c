// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"runtime"
	"testing"
	"time"
)

// TestExpG checks the comb against big.Int.Exp for exponents of every size
// the tables serve, their edges, and beyond.
func TestExpG(t *testing.T) {
	waitForCombs(t)
	var es []*big.Int
	for _, bits := range []int{0, 1, 2, 31, 32, 33, 255, 256, 257, 511, 1023, 1024, 1025, 2048} {
		one := new(big.Int).Lsh(big.NewInt(1), uint(bits))
		es = append(es, one, new(big.Int).Sub(one, big.NewInt(1)))
		for range 3 {
			if bits > 0 {
				r, err := rand.Int(rand.Reader, one)
				if err != nil {
					t.Fatal(err)
				}
				es = append(es, r)
			}
		}
	}
	for _, e := range es {
		want := new(big.Int).Exp(group.g, e, group.N)
		if got := expG(e); got.Cmp(want) != 0 {
			t.Fatalf("expG(%x) differs from Exp", e)
		}
	}
}

// BenchmarkExpG compares the comb with big.Int.Exp for A's and x's sizes.
func BenchmarkExpG(b *testing.B) {
	for _, c := range []struct {
		name string
		bits int
	}{{"a1024", 1024}, {"x256", 256}} {
		e, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), uint(c.bits)))
		waitForCombs(b)
		b.Run("comb/"+c.name, func(b *testing.B) {
			for b.Loop() {
				expG(e)
			}
		})
		b.Run("exp/"+c.name, func(b *testing.B) {
			for b.Loop() {
				new(big.Int).Exp(group.g, e, group.N)
			}
		})
	}
}

// BenchmarkCombTable is the one-time cost of the tables, paid by the first
// login of a process.
func BenchmarkCombTable(b *testing.B) {
	for _, span := range []int{privateKeyBytes * 8 / combTeeth, sha256Bits / combTeeth} {
		b.Run(fmt.Sprint("span", span), func(b *testing.B) {
			for b.Loop() {
				newCombTable(span)
			}
		})
	}
}

// waitForCombs starts building the comb tables and waits until they are.
func waitForCombs(tb testing.TB) {
	tb.Helper()
	warmCombs()
	deadline := time.Now().Add(time.Minute)
	for combTables() == nil {
		if time.Now().After(deadline) {
			tb.Fatal("comb tables not built after a minute")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestCombsWarmAfterFirstLogin: the comb tables are not built, nor being
// built, until a login has succeeded, and are built after one. It runs in
// a child process, since the tables are per process and other tests build
// them.
func TestCombsWarmAfterFirstLogin(t *testing.T) {
	t.Parallel() // waits for its child
	if !InChildProcess(t) {
		return
	}
	s := cannedSession(t)
	// The tables are built in the background: before a login, neither
	// they nor the goroutine that builds them may be there yet.
	buf := make([]byte, 1<<20)
	if combTables() != nil || bytes.Contains(buf[:runtime.Stack(buf, true)], []byte("warmCombs.func")) {
		t.Fatal("tables built, or being built, before any login")
	}
	if err := s.Authenticate(context.Background(), cannedPassword); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for combTables() == nil {
		if time.Now().After(deadline) {
			t.Fatal("tables not built a minute after the first login")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestCombTableSize: each table holds its 256 values in about the 96 KiB
// they need (384 bytes each). Each value kept the remainder buffer of the
// division that reduced it, sized for the 768-byte product: every process
// that logged in held 448 KiB of tables where 208 KiB do.
func TestCombTableSize(t *testing.T) {
	for _, span := range []int{privateKeyBytes * 8 / combTeeth, sha256Bits / combTeeth} {
		c := newCombTable(span)
		need, held := 0, 0
		for _, x := range c.table {
			need += len(x.Bits())
			held += cap(x.Bits())
		}
		// math/big gives a new value 4 words to spare: 52 for 48.
		if held > need*5/4 {
			t.Errorf("span %d: table holds %d words for %d words of values", span, held, need)
		}
	}
}
