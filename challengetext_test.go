// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gocognito/cognitosrp"
)

// TestChallengeErrorTexts pins the whole text of each refusal of a
// password verifier's parameters, and that each matches
// ErrInvalidChallenge: the code that builds them has been rearranged for
// size (issue 7).
func TestChallengeErrorTexts(t *testing.T) {
	good := map[string]string{"USER_ID_FOR_SRP": "alice", "SRP_B": "ab", "SALT": "cd", "SECRET_BLOCK": "AAAA"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for k, v := range good {
			m[k] = v
		}
		m[k] = v
		return m
	}
	const prefix = "cognitosrp: invalid challenge parameters: "
	for _, tc := range []struct {
		params map[string]string
		want   string
	}{
		{with("SRP_B", ""), "SRP_B is missing"},
		{with("SALT", ""), "SALT is missing"},
		{with("SRP_B", strings.Repeat("f", 1537)), "SRP_B is too long (1537 hex digits)"},
		{with("SALT", strings.Repeat("0", 4000)), "SALT is too long (4000 hex digits)"},
		// Too long is said first: a value that is not hex either is
		// refused for its length, where the scan stops.
		{with("SRP_B", strings.Repeat("z", 1537)), "SRP_B is too long (1537 hex digits)"},
		{with("SRP_B", "-ab"), "SRP_B is not hex"},
		{with("SALT", "abg"), "SALT is not hex"},
		{with("SALT", "+1"), "SALT is not hex"},
		{with("USER_ID_FOR_SRP", ""), "USER_ID_FOR_SRP is missing"},
		{with("SECRET_BLOCK", "!"), "SECRET_BLOCK is not base64"},
	} {
		_, err := cognitosrp.ParsePasswordChallenge(tc.params)
		if err == nil || err.Error() != prefix+tc.want || !errors.Is(err, cognitosrp.ErrInvalidChallenge) {
			t.Errorf("%v: err = %v, want %q matching ErrInvalidChallenge", tc.params, err, prefix+tc.want)
		}
	}
	if _, err := cognitosrp.ParsePasswordChallenge(with("SRP_B", strings.Repeat("F", 1536))); err != nil {
		t.Errorf("B of 1536 hex digits: %v", err)
	}
}

// TestPasswordChallengeNames: UserIDForSRP is the first of
// USER_ID_FOR_SRP, DEVICE_KEY and USERNAME that is set, Username the first
// of USER_ID_FOR_SRP, USERNAME and DEVICE_KEY, and a claim for a challenge
// without a Username answers with UserIDForSRP.
func TestPasswordChallengeNames(t *testing.T) {
	for _, tc := range []struct {
		id, device, user string
		wantID, wantUser string
	}{
		{"i", "d", "u", "i", "i"},
		{"i", "", "", "i", "i"},
		{"", "d", "u", "d", "u"},
		{"", "d", "", "d", "d"},
		{"", "", "u", "u", "u"},
	} {
		params := map[string]string{"SRP_B": "ab", "SALT": "cd", "SECRET_BLOCK": "AAAA"}
		for k, v := range map[string]string{"USER_ID_FOR_SRP": tc.id, "DEVICE_KEY": tc.device, "USERNAME": tc.user} {
			if v != "" {
				params[k] = v
			}
		}
		c, err := cognitosrp.ParsePasswordChallenge(params)
		if err != nil || c.UserIDForSRP != tc.wantID || c.Username != tc.wantUser {
			t.Errorf("%+v: UserIDForSRP %q, Username %q, %v; want %q, %q", tc, c.UserIDForSRP, c.Username, err, tc.wantID, tc.wantUser)
		}
	}
	srp, err := cognitosrp.NewSRP("pool", nil)
	if err != nil {
		t.Fatal(err)
	}
	claim, err := srp.PasswordClaim(cognitosrp.PasswordChallenge{UserIDForSRP: "i", SRPB: "ab", Salt: "cd", SecretBlock: "AAAA"}, "pw", time.Now())
	if err != nil || claim.Username != "i" {
		t.Errorf("claim without a Username: %+v, %v; want Username %q", claim, err, "i")
	}
}
