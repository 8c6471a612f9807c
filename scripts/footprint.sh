#!/usr/bin/env bash
# footprint.sh prints how many bytes cognitosrp adds to a Go binary.
#
# It builds five tiny programs with -trimpath -ldflags='-s -w', for
# linux/amd64 whatever the host (the figures and the budget are for that
# platform; others align sections differently):
#   nethttp:  net/http alone
#   service:  what a typical Go service links anyway (net/http, encoding/json, log/slog)
#   bare:     the service plus one SRP login written bare with the standard
#             library, without this package: none of its checks, error
#             types, retries or redaction. The floor of the protocol itself,
#             as BenchmarkSRPFloor is for its CPU time.
#   primitives: the service plus one login with the protocol pieces alone
#   withlib:  the service plus an authorized request through cognitosrp.Auth
# and prints each size and the deltas, then how much room the Auth and
# primitives programs' segments have before their next page. Usage:
# scripts/footprint.sh (from anywhere).
# With FOOTPRINT_MAX_KIB set, it fails when cognitosrp adds more than that
# many KiB over the typical service (FOOTPRINT_PRIMITIVES_MAX_KIB: the
# primitives program does): .ci/run sets both, so that the sizes
# cannot grow unnoticed (sizes depend on the Go release: raise the budget on
# purpose, in the commit that needs it).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
module=$(awk '/^module /{print $2}' "$repo/go.mod")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkprog() { # name, imports, body
	mkdir -p "$work/$1"
	cat >"$work/$1/main.go" <<GO
package main

import (
$2
)

func main() {
$3
}
GO
}

mkprog nethttp '	"net/http"
	"os"' '	resp, err := http.Get(os.Args[1])
	if err == nil {
		resp.Body.Close()
	}'

service_imports='	"encoding/json"
	"log/slog"
	"net/http"
	"os"'
service_body='	resp, err := client.Get(os.Args[1])
	if err != nil {
		slog.Error("get", "err", err)
		return
	}
	defer resp.Body.Close()
	var v map[string]any
	json.NewDecoder(resp.Body).Decode(&v)
	slog.Info("done", "n", len(v))'

mkprog service "$service_imports" "	client := http.DefaultClient
$service_body"

mkprog withlib "$service_imports
	\"$module\"" "	auth, err := cognitosrp.New(cognitosrp.Options{
		Username: os.Getenv(\"U\"), Password: os.Getenv(\"P\"),
		UserPoolID: os.Getenv(\"POOL\"), ClientID: os.Getenv(\"CLIENT\"),
	})
	if err != nil {
		slog.Error(\"config\", \"err\", err)
		return
	}
	client := &http.Client{Transport: auth}
$service_body"

# primitives: the service plus one SRP login done with the exported
# protocol pieces alone (NewSRP, Client, PasswordClaim, ParseUnverified),
# without Auth's token lifecycle: the least this package can add.
mkprog primitives "$service_imports
	\"context\"
	\"time\"
	\"$module\"" "	ctx := context.Background()
	c := &cognitosrp.Client{Endpoint: os.Getenv(\"ENDPOINT\")}
	srp, err := cognitosrp.NewSRP(os.Getenv(\"POOL\"), nil)
	if err != nil {
		return
	}
	out, err := c.InitiateAuth(ctx, &cognitosrp.InitiateAuthInput{AuthFlow: cognitosrp.FlowUserSRPAuth,
		ClientId: os.Getenv(\"CLIENT\"), AuthParameters: map[string]string{\"USERNAME\": os.Getenv(\"U\"), \"SRP_A\": srp.A()}})
	if err != nil {
		return
	}
	ch, err := cognitosrp.ParsePasswordChallenge(out.ChallengeParameters)
	if err != nil {
		return
	}
	claim, err := srp.PasswordClaim(ch, os.Getenv(\"P\"), time.Now())
	if err != nil {
		return
	}
	out, err = c.RespondToAuthChallenge(ctx, &cognitosrp.RespondToAuthChallengeInput{ChallengeName: out.ChallengeName,
		ClientId: os.Getenv(\"CLIENT\"), Session: out.Session, ChallengeResponses: claim.ChallengeResponses()})
	if err != nil || out.AuthenticationResult == nil {
		return
	}
	if _, err := cognitosrp.ParseUnverified(out.AuthenticationResult.AccessToken); err != nil {
		return
	}
	client := http.DefaultClient
$service_body"

# bare: the SRP exchange of REFERENCE.md with nothing around it. It is
# built, never run; its N is the one srp.go holds.
mkdir -p "$work/bare"
{
	cat <<'GO'
package main

import (
	"bytes"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"math/big"
	"net/http"
	"os"
	"strings"
	"time"
)

func call(action string, in, out any) error {
	b, _ := json.Marshal(in)
	req, _ := http.NewRequest("POST", os.Getenv("ENDPOINT"), bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AWSCognitoIdentityProviderService."+action)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(out)
}

func pad(x *big.Int) []byte {
	b := x.Bytes()
	if len(b) == 0 || b[0]&0x80 != 0 {
		b = append([]byte{0}, b...)
	}
	return b
}

func hash(parts ...[]byte) []byte {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

type output struct {
	ChallengeParameters  map[string]string
	Session              string
	AuthenticationResult struct{ AccessToken, IdToken, RefreshToken string }
}

func main() {
	N, _ := new(big.Int).SetString(nHex, 16)
	g := big.NewInt(2)
	k := new(big.Int).SetBytes(hash(pad(N), pad(g)))
	a := make([]byte, 128)
	rand.Read(a)
	ai := new(big.Int).SetBytes(a)
	A := new(big.Int).Exp(g, ai, N)
	var o output
	if call("InitiateAuth", map[string]any{"AuthFlow": "USER_SRP_AUTH", "ClientId": os.Getenv("CLIENT"),
		"AuthParameters": map[string]string{"USERNAME": os.Getenv("U"), "SRP_A": A.Text(16)}}, &o) != nil {
		return
	}
	p := o.ChallengeParameters
	B, _ := new(big.Int).SetString(p["SRP_B"], 16)
	salt, _ := new(big.Int).SetString(p["SALT"], 16)
	u := new(big.Int).SetBytes(hash(pad(A), pad(B)))
	_, pool, _ := strings.Cut(os.Getenv("POOL"), "_")
	x := new(big.Int).SetBytes(hash(pad(salt), hash([]byte(pool+p["USER_ID_FOR_SRP"]+":"+os.Getenv("P")))))
	base := new(big.Int).Sub(B, new(big.Int).Mul(k, new(big.Int).Exp(g, x, N)))
	S := new(big.Int).Exp(base.Mod(base, N), new(big.Int).Add(ai, new(big.Int).Mul(u, x)), N)
	key, _ := hkdf.Key(sha256.New, pad(S), pad(u), "Caldera Derived Key", 16)
	block, _ := base64.StdEncoding.DecodeString(p["SECRET_BLOCK"])
	ts := time.Now().UTC().Format("Mon Jan 2 15:04:05 UTC 2006")
	m := hmac.New(sha256.New, key)
	m.Write([]byte(pool + p["USER_ID_FOR_SRP"]))
	m.Write(block)
	m.Write([]byte(ts))
	if call("RespondToAuthChallenge", map[string]any{"ChallengeName": "PASSWORD_VERIFIER", "ClientId": os.Getenv("CLIENT"),
		"Session": o.Session, "ChallengeResponses": map[string]string{"USERNAME": p["USER_ID_FOR_SRP"],
			"PASSWORD_CLAIM_SECRET_BLOCK": p["SECRET_BLOCK"], "TIMESTAMP": ts,
			"PASSWORD_CLAIM_SIGNATURE": base64.StdEncoding.EncodeToString(m.Sum(nil))}}, &o) != nil {
		return
	}
	// The expiry, from the token's payload.
	_, rest, _ := strings.Cut(o.AuthenticationResult.AccessToken, ".")
	payload, _, _ := strings.Cut(rest, ".")
	var claims struct{ Exp float64 }
	if b, err := base64.RawURLEncoding.DecodeString(payload); err == nil {
		json.Unmarshal(b, &claims)
	}
	client := http.DefaultClient
GO
	printf '%s\n' "$service_body" "}" ""
	awk '/^const nHex =/{p=1} p{print} p&&!/\+$/{exit}' "$repo/srp.go"
} >"$work/bare/main.go"

# The replacement is a link of one fixed name: the binary records the
# replacement's path, and the repository's own path, longer in one
# checkout than in another, moved the sections by a page.
ln -s "$repo" "$work/src"
cat >"$work/go.mod" <<MOD
module footprint

go 1.24

require $module v0.0.0
replace $module => ./src
MOD

# room: how far each of a program's segments (code, read-only data, data)
# is from the end of its last page. The file grows a whole page when
# one outgrows its room, so a change that adds a few bytes may add 4 KiB,
# and one that removes a few hundred may remove nothing: this says which.
mkdir -p "$work/room"
cat >"$work/room/main.go" <<'GO'
package main

import (
	"debug/elf"
	"fmt"
	"os"
)

func main() {
	f, err := elf.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var room []uint64
	for _, p := range f.Progs {
		if p.Type != elf.PT_LOAD || p.Align == 0 {
			continue
		}
		// The end of the last section in the file that the segment
		// holds: its Filesz may include the padding before .bss.
		var end uint64
		for _, s := range f.Sections {
			if s.Type != elf.SHT_NOBITS && s.Flags&elf.SHF_ALLOC != 0 && s.Offset >= p.Off && s.Offset < p.Off+p.Filesz {
				end = max(end, s.Offset+s.Size)
			}
		}
		room = append(room, (p.Align-end%p.Align)%p.Align)
	}
	if len(room) != 3 {
		fmt.Fprintln(os.Stderr, "room: expected code, read-only data and data segments")
		os.Exit(1)
	}
	fmt.Printf("%-40s %10d bytes of code, %d of read-only data, %d of data\n",
		os.Args[2], room[0], room[1], room[2])
}
GO

size() { wc -c <"$1" | tr -d ' '; }
cd "$work"
for p in nethttp service bare primitives withlib; do
	GOOS=linux GOARCH=amd64 CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$work/bin-$p" "./$p"
done
n=$(size bin-nethttp) s=$(size bin-service) w=$(size bin-withlib) m=$(size bin-primitives) b=$(size bin-bare)
printf '%-40s %10d bytes\n' "net/http alone" "$n" \
	"net/http + encoding/json + log/slog" "$s" \
	"  + cognitosrp.Auth" "$w" \
	"  + the SRP primitives alone (no Auth)" "$m" \
	"  + one SRP login written bare" "$b"
kib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }
printf '%-40s %10d bytes (%s KiB)\n' "cognitosrp over the typical service" $((w - s)) "$(kib $((w - s)))" \
	"cognitosrp (+json, slog) over net/http" $((w - n)) "$(kib $((w - n)))" \
	"SRP primitives over the typical service" $((m - s)) "$(kib $((m - s)))" \
	"bare SRP login over the typical service" $((b - s)) "$(kib $((b - s)))"
# Run on this machine, whatever GOOS and GOARCH the environment sets (the
# builds above set their own): a cross-built room could not run, and with
# set -e its failure would skip the budget check.
GOOS=$(go env GOHOSTOS) GOARCH=$(go env GOHOSTARCH) go build -o room-bin ./room
./room-bin bin-withlib "room in it before the next page"
./room-bin bin-primitives "room in the primitives' program"
if [[ -n "${FOOTPRINT_MAX_KIB:-}" ]] && ((w - s > FOOTPRINT_MAX_KIB * 1024)); then
	echo "cognitosrp adds $(kib $((w - s))) KiB over the typical service, more than FOOTPRINT_MAX_KIB=$FOOTPRINT_MAX_KIB" >&2
	exit 1
fi
if [[ -n "${FOOTPRINT_PRIMITIVES_MAX_KIB:-}" ]] && ((m - s > FOOTPRINT_PRIMITIVES_MAX_KIB * 1024)); then
	echo "the SRP primitives add $(kib $((m - s))) KiB over the typical service, more than FOOTPRINT_PRIMITIVES_MAX_KIB=$FOOTPRINT_PRIMITIVES_MAX_KIB" >&2
	exit 1
fi
