#!/usr/bin/env bash
# footprint.sh prints how many bytes cognitosrp adds to a Go binary.
#
# It builds four tiny programs with -trimpath -ldflags='-s -w':
#   nethttp:  net/http alone
#   service:  what a typical Go service links anyway (net/http, encoding/json, log/slog)
#   primitives: the service plus one login with the protocol pieces alone
#   withlib:  the service plus an authorized request through cognitosrp.Auth
# and prints each size and the deltas. Usage: scripts/footprint.sh (from anywhere).
# With FOOTPRINT_MAX_KIB set, it fails when cognitosrp adds more than that
# many KiB over the typical service: .ci/run sets it, so that the size
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

cat >"$work/go.mod" <<MOD
module footprint

go 1.24

require $module v0.0.0
replace $module => $repo
MOD

size() { stat -c %s "$1"; }
cd "$work"
for p in nethttp service primitives withlib; do
	CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$work/bin-$p" "./$p"
done
n=$(size bin-nethttp) s=$(size bin-service) w=$(size bin-withlib) m=$(size bin-primitives)
printf '%-40s %10d bytes\n' "net/http alone" "$n" \
	"net/http + encoding/json + log/slog" "$s" \
	"  + cognitosrp.Auth" "$w" \
	"  + the SRP primitives alone (no Auth)" "$m"
kib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1024 }'; }
printf '%-40s %10d bytes (%s KiB)\n' "cognitosrp over the typical service" $((w - s)) "$(kib $((w - s)))" \
	"cognitosrp (+json, slog) over net/http" $((w - n)) "$(kib $((w - n)))" \
	"SRP primitives over the typical service" $((m - s)) "$(kib $((m - s)))"
if [[ -n "${FOOTPRINT_MAX_KIB:-}" ]] && ((w - s > FOOTPRINT_MAX_KIB * 1024)); then
	echo "cognitosrp adds $(kib $((w - s))) KiB over the typical service, more than FOOTPRINT_MAX_KIB=$FOOTPRINT_MAX_KIB" >&2
	exit 1
fi
