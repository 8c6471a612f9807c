#!/usr/bin/env bash
# Runs every fuzz target of every package for a short time each (10 s by
# default; FUZZTIME overrides), after its seed corpus in testdata/fuzz/.
# A crash leaves the failing input under <package>/testdata/fuzz/<FuzzName>/:
# commit it with the fix, so that plain `go test` replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-10s}"
for pkg in $(go list ./...); do
	for t in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "== $pkg $t ($fuzztime)"
		go test -run='^$' -fuzz="^${t}\$" -fuzztime="$fuzztime" "$pkg"
	done
done
