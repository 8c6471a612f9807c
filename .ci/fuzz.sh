#!/usr/bin/env bash
# Runs every fuzz target of the root package for a short time each (10 s by
# default; FUZZTIME overrides), after its seed corpus in testdata/fuzz/.
# A crash leaves the failing input under testdata/fuzz/<FuzzName>/: commit it
# with the fix, so that plain `go test` replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-10s}"
targets=$(go test -list '^Fuzz' . | grep '^Fuzz')
for t in $targets; do
	echo "== $t ($fuzztime)"
	go test -run='^$' -fuzz="^${t}\$" -fuzztime="$fuzztime" .
done
