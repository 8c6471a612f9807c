// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"math/big"
	"sync"
	"sync/atomic"
)

// This file computes g^e mod N for the fixed generator g faster than
// big.Int.Exp, by the comb method (Lim and Lee, 1994): with a table of
// g raised to every combination of combTeeth exponents spaced span bits
// apart, an exponent of combTeeth·span bits costs span squarings and at
// most span multiplications instead of one squaring per bit. Two of an SRP
// login's three exponentiations have the base g: A = g^a (1024 bits) and
// g^x (256 bits), and so does a device verifier. Like big.Int.Exp, it is
// not constant-time.

// combTeeth is how many exponent bits one table lookup covers: a table of
// 2^combTeeth values of 384 bytes each.
const combTeeth = 8

// combTable is the comb of g for exponents of up to combTeeth·span bits.
type combTable struct {
	span  int
	table [1 << combTeeth]*big.Int // table[i] = g^(Σ_j bit_j(i)·2^(j·span))
	// exp is combExp, set by newCombTable: called through this field,
	// not as a method of combTable, it is linked only into a program
	// that can build tables, a Session's (binary size: opt-in, see
	// doc.go).
	exp func(c *combTable, e *big.Int) *big.Int
}

// combs holds the two tables once built: for a (1024-bit exponents) and
// for x (256-bit ones). Building them costs more than a login, so a
// process's first login does without them and starts building them when
// it has succeeded (warmCombs), in the background, so that even on one CPU
// it never competes with that login; later logins use them. They take
// 104 KiB each (TestCombTableSize) and are never written after.
var combs struct {
	once  sync.Once
	ready atomic.Pointer[[2]*combTable]
}

// combTables returns the tables, or nil until they are built.
func combTables() *[2]*combTable { return combs.ready.Load() }

// warmCombs starts building the tables, once per process.
func warmCombs() {
	combs.once.Do(func() {
		go func() {
			combs.ready.Store(&[2]*combTable{
				newCombTable(privateKeyBytes * 8 / combTeeth),
				newCombTable(sha256Bits / combTeeth),
			})
		}()
	})
}

// sha256Bits is the size of x, a SHA-256 digest read as an integer.
const sha256Bits = 256

func newCombTable(span int) *combTable {
	c := &combTable{span: span, exp: combExp}
	c.table[0] = big.NewInt(1)
	step := new(big.Int).Lsh(big.NewInt(1), uint(span))
	tooth := group.g // g^(2^(j·span)), each the previous one to the 2^span
	var prod, q, r big.Int
	for j := range combTeeth {
		if j > 0 {
			tooth = new(big.Int).Exp(tooth, step, group.N)
		}
		for i := range 1 << j {
			prod.Mul(c.table[i], tooth)
			q.QuoRem(&prod, group.N, &r)
			// r keeps the buffer the division needed, twice its size;
			// the table keeps a copy of r's size, which a reduction of
			// a number already below N makes (TestCombTableSize).
			c.table[i|1<<j] = new(big.Int).Mod(&r, group.N)
		}
	}
	return c
}

// combExp returns g^e mod N with c's table, for 0 ≤ e < 2^(combTeeth·span).
func combExp(c *combTable, e *big.Int) *big.Int {
	r := big.NewInt(1)
	var prod, q big.Int
	for col := c.span - 1; col >= 0; col-- {
		prod.Mul(r, r)
		q.QuoRem(&prod, group.N, r)
		i := 0
		for j := range combTeeth {
			i |= int(e.Bit(j*c.span+col)) << j
		}
		if i != 0 {
			prod.Mul(r, c.table[i])
			q.QuoRem(&prod, group.N, r)
		}
	}
	return r
}

// expG returns g^e mod N for e ≥ 0, with a comb table when one is built
// and e fits it.
func expG(e *big.Int) *big.Int { return expGWith(combTables(), e) }

// expGWith is expG with the tables t, or with none when t is nil.
func expGWith(t *[2]*combTable, e *big.Int) *big.Int {
	if t != nil {
		switch n := e.BitLen(); {
		case n <= sha256Bits:
			return t[1].exp(t[1], e)
		case n <= privateKeyBytes*8:
			return t[0].exp(t[0], e)
		}
	}
	return new(big.Int).Exp(group.g, e, group.N)
}
