// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// dateFake is a fakeCognito whose clock is skew from the client's (which
// reads testNow), whose InitiateAuth answers carry the Date that date
// returns (nil: the fake's own, as Cognito's do; a nil slice: no Date at
// all), and which records the TIMESTAMP of each password claim.
func dateFake(t *testing.T, skew time.Duration, date func(server time.Time) []string, mods ...func(*Config)) (*fakeCognito, *Session, func() []string) {
	t.Helper()
	f := newFakeCognito(t, func() time.Time { return testNow.Add(skew) })
	var mu sync.Mutex
	var stamps []string
	f.setFault(nil, func(w http.ResponseWriter, r *http.Request) bool {
		body, _ := io.ReadAll(r.Body)
		var in struct {
			ChallengeName      string
			ChallengeResponses map[string]string
		}
		json.Unmarshal(body, &in)
		if in.ChallengeName == ChallengePasswordVerifier {
			mu.Lock()
			stamps = append(stamps, in.ChallengeResponses["TIMESTAMP"])
			mu.Unlock()
		}
		if date != nil && r.Header.Get("X-Amz-Target") == "AWSCognitoIdentityProviderService.InitiateAuth" {
			w.Header()["Date"] = date(f.now())
		}
		return false
	})
	s := newLifecycleSession(t, f, f.password, func(c *Config) {
		c.Now = func() time.Time { return testNow }
		for _, m := range mods {
			m(c)
		}
	})
	return f, s, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), stamps...)
	}
}

// TestTimestampOnDate: a login signs its SRP TIMESTAMP on the Date of the
// PASSWORD_VERIFIER challenge's response when that is more than a minute
// and at most an hour from the local clock (Config.Now), so a client whose
// clock is minutes off logs in; else on the local clock, byte for byte as
// before.
func TestTimestampOnDate(t *testing.T) {
	for _, tc := range []struct {
		name string
		skew time.Duration
	}{
		{"Cognito 10 min ahead", 10 * time.Minute},
		{"Cognito 10 min behind", -10 * time.Minute},
		{"Cognito 61 s ahead", 61 * time.Second},
		{"Cognito 59 min behind", -59 * time.Minute},
		{"Cognito an hour ahead", time.Hour}, // maxClockSkew: still signed on the Date
		{"Cognito an hour behind", -time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, s, stamps := dateFake(t, tc.skew, nil)
			if _, err := s.ValidTokens(context.Background(), AccessToken); err != nil {
				t.Fatalf("login with Cognito's clock %v from the local one: %v", tc.skew, err)
			}
			want := Timestamp(testNow.Add(tc.skew))
			if got := stamps(); len(got) != 1 || got[0] != want {
				t.Errorf("TIMESTAMPs = %q, want [%q] (Cognito's Date)", got, want)
			}
			if off := s.ClockOffset(); (off - tc.skew).Abs() > time.Second {
				t.Errorf("ClockOffset = %v after the login, want %v", off, tc.skew)
			}
		})
	}
}

// TestTimestampOnLocalClock: a Date within a minute of the local clock,
// none, or one that does not parse leaves the TIMESTAMP on the local clock
// (Config.Now), as the official clients sign it.
func TestTimestampOnLocalClock(t *testing.T) {
	imf := func(d time.Duration) func(time.Time) []string {
		return func(srv time.Time) []string { return []string{srv.Add(d).UTC().Format(http.TimeFormat)} }
	}
	fixed := func(v ...string) func(time.Time) []string { return func(time.Time) []string { return v } }
	for _, tc := range []struct {
		name string
		skew time.Duration // Cognito's clock from the local one
		date func(server time.Time) []string
	}{
		{"Date 30 s ahead", 30 * time.Second, nil},
		{"Date 59 s behind", -59 * time.Second, nil},
		{"Date equal", 0, nil},
		{"Date a minute ahead", time.Minute, nil}, // maxDateSkew: still the local clock
		{"Date a minute behind", -time.Minute, nil},
		{"no Date", 2 * time.Minute, fixed()},
		{"empty Date", 2 * time.Minute, fixed("")},
		{"garbage Date", 2 * time.Minute, fixed("yesterday, around noon")},
		{"Date with a trailing word", 2 * time.Minute, fixed("Wed, 04 Mar 2026 09:15:07 GMT today")},
		{"Date with a one-digit day", 2 * time.Minute, fixed("Wed, 4 Mar 2026 09:15:07 GMT")},
		{"RFC 850 Date", 2 * time.Minute, fixed("Wednesday, 04-Mar-26 09:15:07 GMT")},
		{"Date in another zone", 2 * time.Minute, fixed("Wed, 04 Mar 2026 09:15:07 PST")},
		{"Date with hour 24", 2 * time.Minute, fixed("Wed, 04 Mar 2026 24:15:07 GMT")},
		{"two Dates, the first near", 0, func(srv time.Time) []string {
			return append(imf(0)(srv), srv.Add(time.Hour).UTC().Format(http.TimeFormat))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, s, stamps := dateFake(t, tc.skew, tc.date)
			if _, err := s.ValidTokens(context.Background(), AccessToken); err != nil {
				t.Fatalf("login: %v", err)
			}
			if got, want := stamps(), Timestamp(testNow); len(got) != 1 || got[0] != want {
				t.Errorf("TIMESTAMPs = %q, want [%q] (the local clock)", got, want)
			}
		})
	}
}

// TestTimestampNotOnDateHoursAway: a Date more than an hour from the local
// clock is not signed on: Cognito would then issue tokens that the session
// refuses as replayed (checkLifetime), leaving a live refresh token behind
// at each try. The claim stays on the local clock and Cognito refuses it,
// issuing nothing. Dates at the ends of the layout's range are ignored so
// too, without a panic or an overflow.
func TestTimestampNotOnDateHoursAway(t *testing.T) {
	for _, tc := range []struct {
		name string
		skew time.Duration
		date func(server time.Time) []string
	}{
		{"Cognito 61 min ahead", 61 * time.Minute, nil},
		{"Cognito 2 h behind", -2 * time.Hour, nil},
		{"year 9999", 10 * time.Minute, func(time.Time) []string { return []string{"Fri, 31 Dec 9999 23:59:59 GMT"} }},
		{"year 0000", 10 * time.Minute, func(time.Time) []string { return []string{"Sat, 01 Jan 0000 00:00:00 GMT"} }},
		{"year 1970", 10 * time.Minute, func(time.Time) []string { return []string{"Thu, 01 Jan 1970 00:00:00 GMT"} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, s, stamps := dateFake(t, tc.skew, tc.date)
			_, err := s.ValidTokens(context.Background(), AccessToken)
			if !errors.Is(err, ErrNotAuthorized) {
				t.Fatalf("login with Cognito's clock %v away: %v, want NotAuthorized (the fake's TIMESTAMP check)", tc.skew, err)
			}
			if got, want := stamps(), Timestamp(testNow); len(got) != 1 || got[0] != want {
				t.Errorf("TIMESTAMPs = %q, want [%q] (the local clock)", got, want)
			}
		})
	}
}

// TestHostileDateFailsOneLogin: a Date within the hour but far from
// Cognito's clock is signed as such (the claim goes back to the server that
// sent it); Cognito refuses it, and the next login, whose Date is sane,
// succeeds: the Date sets nothing beyond the claim it came with.
func TestHostileDateFailsOneLogin(t *testing.T) {
	for _, off := range []time.Duration{59 * time.Minute, -30 * time.Minute} {
		date := testNow.Add(off).UTC().Format(http.TimeFormat)
		t.Run(date, func(t *testing.T) {
			var hostile sync.Once
			_, s, stamps := dateFake(t, 0, func(srv time.Time) []string {
				d := []string{srv.UTC().Format(http.TimeFormat)}
				hostile.Do(func() { d = []string{date} })
				return d
			})
			_, err := s.ValidTokens(context.Background(), AccessToken)
			if !errors.Is(err, ErrNotAuthorized) {
				t.Fatalf("login with Date %q: %v, want NotAuthorized (the fake's TIMESTAMP check)", date, err)
			}
			d, _ := time.Parse(http.TimeFormat, date)
			if got := stamps(); len(got) != 1 || got[0] != Timestamp(d) {
				t.Errorf("TIMESTAMPs = %q, want [%q]", got, Timestamp(d))
			}
			if off := s.ClockOffset(); off != 0 {
				t.Errorf("ClockOffset = %v after the refused login, want 0", off)
			}
			if _, err := s.ValidTokens(context.Background(), AccessToken); err != nil {
				t.Fatalf("the next login, with a sane Date: %v", err)
			}
			if got := stamps(); len(got) != 2 || got[1] != Timestamp(testNow) {
				t.Errorf("TIMESTAMPs = %q, want the second on the local clock %q", got, Timestamp(testNow))
			}
		})
	}
}

// TestTimestampDateOfTheAnsweringAttempt: when InitiateAuth is retried,
// the Date that counts is that of the attempt whose challenge is answered,
// not that of a failed one.
func TestTimestampDateOfTheAnsweringAttempt(t *testing.T) {
	var calls atomic.Int32
	f, s, stamps := dateFake(t, 0, func(srv time.Time) []string {
		if calls.Add(1) == 1 {
			return []string{srv.Add(30 * time.Minute).UTC().Format(http.TimeFormat)}
		}
		return []string{srv.UTC().Format(http.TimeFormat)}
	}, func(c *Config) { c.Retry = RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond} })
	f.set(func(f *fakeCognito) { f.failNext["login"] = 1 })
	if _, err := s.ValidTokens(context.Background(), AccessToken); err != nil {
		t.Fatalf("login after a retried InitiateAuth: %v", err)
	}
	if n := calls.Load(); n != 2 {
		t.Fatalf("InitiateAuth answered %d times, want 2 (a retry)", n)
	}
	if got := stamps(); len(got) != 1 || got[0] != Timestamp(testNow) {
		t.Errorf("TIMESTAMPs = %q, want [%q]", got, Timestamp(testNow))
	}
}

// TestTimestampNotOnLearntOffset: the Date's distance is measured from the
// local clock, not from local time plus the learnt offset. The session
// learns +30m from a login on the Date; then its clock is stepped 40
// minutes back, so Cognito is 70 minutes ahead, past maxClockSkew: the
// next claim stays on the local clock and Cognito refuses it, instead of
// issuing tokens (the Date is 40 minutes from local time plus the stale
// offset) that the session would then refuse as replayed.
func TestTimestampNotOnLearntOffset(t *testing.T) {
	var step atomic.Int64
	local := func() time.Time { return testNow.Add(time.Duration(step.Load())) }
	_, s, stamps := dateFake(t, 30*time.Minute, nil, func(c *Config) { c.Now = local })
	if _, err := s.ValidTokens(context.Background(), AccessToken); err != nil {
		t.Fatal(err)
	}
	if off := s.ClockOffset(); (off - 30*time.Minute).Abs() > time.Second {
		t.Fatalf("ClockOffset = %v, want 30m", off)
	}
	step.Store(int64(-40 * time.Minute))
	if err := s.SignOut(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, err := s.ValidTokens(context.Background(), AccessToken)
	if !errors.Is(err, ErrNotAuthorized) {
		t.Errorf("login with Cognito 70m ahead: %v, want NotAuthorized (the fake's TIMESTAMP check)", err)
	}
	if got, want := stamps(), []string{Timestamp(testNow.Add(30 * time.Minute)), Timestamp(local())}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("TIMESTAMPs = %q, want %q", got, want)
	}
}

// TestVerifierOnSkewedLocalClock: a session whose Verifier reads the local
// clock (as VerifierConfig.Now does by default) logs in and renews when
// that clock is minutes behind Cognito's, as it does without a Verifier:
// the tokens' times are judged no earlier than their iat, which Cognito
// stamped. The verifier itself still reads its own clock when that is the
// later one, so a floor can only move it ahead.
func TestVerifierOnSkewedLocalClock(t *testing.T) {
	for _, skew := range []time.Duration{2 * time.Minute, 10 * time.Minute, 59 * time.Minute, -10 * time.Minute} {
		f, s, _ := dateFake(t, skew, nil)
		s.cfg.Verifier = fakeVerifier(t, f, func() time.Time { return testNow })
		if _, err := s.ValidTokens(context.Background(), AccessToken); err != nil {
			t.Fatalf("Cognito's clock %v from the local one: login: %v", skew, err)
		}
		if err := s.Refresh(context.Background()); err != nil {
			t.Fatalf("Cognito's clock %v from the local one: renewal: %v", skew, err)
		}
	}
	srv := newJWKSServer(t, jwkOf(testKid, testKey()))
	v := newTestVerifier(t, srv, newFakeClock(testNow), nil)
	expired := signRS256(testKey(), rsHeader(testKid), accessClaims(testNow.Add(-2*time.Hour)))
	if _, err := v.Verify(context.WithValue(context.Background(), issuedKey(), testNow.Add(-90*time.Minute)), expired); !errors.Is(err, ErrTokenExpired) {
		t.Fatalf("a floor before the verifier's clock: %v, want ErrTokenExpired", err)
	}
}

// TestVerifyPairFloorIsTheIssue: the floor verifyPair gives a Verifier is
// the access token's iat, Cognito's clock at issue, and no later, and it
// holds for exp as for iat and nbf. With the Verifier's own clock half an
// hour behind, fresh tokens pass; an access token not valid until half an
// hour after its iat does not (a floor at its exp, or an hour past its iat,
// would take it), nor does a stale id token paired with a fresh access
// token, which expired before the access token's iat (the Verifier's own
// clock alone would take it).
func TestVerifyPairFloorIsTheIssue(t *testing.T) {
	srv := newJWKSServer(t, jwkOf(testKid, testKey()))
	v := newTestVerifier(t, srv, newFakeClock(testNow.Add(-30*time.Minute)), nil)
	pair := func(access, id map[string]any) *Tokens {
		return &Tokens{
			AccessToken: signRS256(testKey(), rsHeader(testKid), access),
			IDToken:     signRS256(testKey(), rsHeader(testKid), id),
			IssuedAt:    testNow,
		}
	}
	if err := verifyPair(context.Background(), v, pair(accessClaims(testNow), idClaims(testNow)), nil); err != nil {
		t.Fatalf("fresh tokens, the verifier's clock 30m behind: %v", err)
	}
	for _, c := range []struct {
		name   string
		tokens *Tokens
		want   error
	}{
		{"an access token valid from 30m after its iat", pair(with(accessClaims(testNow), "nbf", testNow.Add(30*time.Minute).Unix()), idClaims(testNow)), ErrTokenNotYetValid},
		{"an id token that expired 5m before the access token's iat", pair(accessClaims(testNow), idClaims(testNow.Add(-65*time.Minute))), ErrTokenExpired},
	} {
		if err := verifyPair(context.Background(), v, c.tokens, nil); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
}

// TestVerifierFloorIsPrivate: only this package can move a Verifier's
// clock ahead (verifyPair's floor). Were its context key reachable from
// outside, as the address of an exported error was, any code putting a
// value under it into a server's context would have the server accept
// tokens that are not valid yet.
func TestVerifierFloorIsPrivate(t *testing.T) {
	srv := newJWKSServer(t, jwkOf(testKid, testKey()))
	v := newTestVerifier(t, srv, newFakeClock(testNow), nil)
	ahead := signRS256(testKey(), rsHeader(testKid), accessClaims(testNow.Add(10*time.Minute)))
	for _, key := range []any{&ErrTokenNotYetValid, &ErrTokenExpired, &ErrClaimMismatch, &ErrSignature} {
		ctx := context.WithValue(context.Background(), key, testNow.Add(time.Hour))
		if _, err := v.Verify(ctx, ahead); !errors.Is(err, ErrTokenNotYetValid) {
			t.Fatalf("a time under an exported variable's address: %v, want ErrTokenNotYetValid", err)
		}
	}
	if _, err := v.Verify(context.WithValue(context.Background(), issuedKey(), testNow.Add(time.Hour)), ahead); err != nil {
		t.Fatalf("under the package's own key: %v", err)
	}
	// An address: a key of a basic type (a string, say) could be built
	// equal by any package.
	if k := reflect.ValueOf(issuedKey()); k.Kind() != reflect.Pointer {
		t.Errorf("the key is a %s, which another package can build equal", k.Kind())
	}
}

// TestVerifierOnLocalClockAhead: the floor only moves a Verifier's clock
// ahead, never back (Config.Verifier, SECURITY.md): on a local clock
// further ahead of Cognito's than the tokens' lifetime, a session with a
// Verifier refuses fresh tokens as expired, as it would a replayed token,
// while one without a Verifier judges their exp against their iat and
// logs in.
func TestVerifierOnLocalClockAhead(t *testing.T) {
	for _, verify := range []bool{false, true} {
		f, s, _ := dateFake(t, -10*time.Minute, nil)
		f.mu.Lock()
		f.lifetime = 5 * time.Minute // Cognito's least
		f.mu.Unlock()
		if verify {
			s.cfg.Verifier = fakeVerifier(t, f, func() time.Time { return testNow })
		}
		_, err := s.ValidTokens(context.Background(), AccessToken)
		switch {
		case !verify && err != nil:
			t.Fatalf("without a Verifier: %v", err)
		case verify && !errors.Is(err, ErrTokenExpired):
			t.Fatalf("with a Verifier: %v, want ErrTokenExpired", err)
		}
	}
}
