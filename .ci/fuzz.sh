#!/usr/bin/env bash
# Runs every fuzz target of every package briefly, after its seed corpus in
# testdata/fuzz/. A crash leaves the failing input under
# <package>/testdata/fuzz/<FuzzName>/: commit it with the fix, so that plain
# `go test` replays it from then on.
#
# The budget is a number of executions, not a duration. A duration becomes a
# context deadline in Go's fuzz coordinator, and up to Go 1.26 the
# coordinator can report that deadline as the target's failure ("context
# deadline exceeded", no crasher written) when it fires while a worker is
# still answering (go.dev/issue/75804; internal/fuzz's stop compares the
# error with the child context's, which may not be cancelled yet). A count
# sets no deadline, so that race cannot fail CI, and every run does the same
# work. FUZZTIME overrides the budget (e.g. FUZZTIME=10m for a long local
# run; a duration brings the race back, which is harmless by hand).
set -euo pipefail
cd "$(dirname "$0")/.."

# 50,000 executions take 3 to 10 s per target on a 2-core machine,
# depending on the target and the load, after its corpus is replayed. The
# fuzz targets were most of CI's time (about 6 of its 7.8 minutes with
# 150,000 each, 20 targets), and CI must stay under 10 minutes; long runs
# are for FUZZTIME by hand. FuzzLogin runs a whole SRP login (through an
# in-process http.RoundTripper) per input, about 2 ms: it gets a tenth.
# FuzzServeAPI serves each body through the emulator's whole handler, about
# 700 inputs a second: it gets 7,000.
# FuzzSRPAnswer runs one or two SRP exchanges on both sides per input, 5
# to 15 ms, and FuzzUsersFile adds each user of its file (an SRP verifier
# apiece) to a new emulator: they get what takes under 10 s.
fuzztime="${FUZZTIME:-50000x}"

for pkg in $(go list ./...); do
	for t in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		n=$fuzztime
		if [ -z "${FUZZTIME:-}" ]; then
			case $t in
			FuzzLogin) n=5000x ;;
			FuzzServeAPI) n=7000x ;;
			FuzzSRPAnswer) n=800x ;;
			FuzzUsersFile) n=4000x ;;
			esac
		fi
		echo "== $pkg $t ($n)"
		go test -run='^$' -fuzz="^${t}\$" -fuzztime="$n" "$pkg"
	done
done
