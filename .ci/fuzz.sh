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

# 30,000 executions take 2 to 15 s per target on a 2-core machine,
# depending on the target, the machine and the load, after its corpus is
# replayed. The fuzz targets were most of CI's time (about 6 of its 7.8
# minutes with 150,000 each, 20 targets); with 50,000 each, 22 targets,
# they still took about 2 1/2 of a quiet 8-minute run on a machine a
# quarter slower than the one before (2026-11-28), and CI must stay under
# 10 minutes; long runs are for FUZZTIME by hand. FuzzLogin runs a whole SRP login (through an
# in-process http.RoundTripper) per input, about 2 ms: it gets a tenth, and so
# does FuzzLoginWire, a login in any configuration and a renewal per input
# (5,000 took 13 to 24 s on a loaded 2-core machine, about twice FuzzLogin).
# FuzzServeAPI serves each body through the emulator's whole handler, about
# 700 inputs a second: it gets 7,000.
# FuzzSRPAnswer runs one or two SRP exchanges on both sides per input, 5
# to 15 ms, and FuzzUsersFile adds each user of its file (an SRP verifier
# apiece) to a new emulator: they get what takes under 10 s.
fuzztime="${FUZZTIME:-30000x}"

# Two targets run at once (FUZZJOBS, default the number of CPUs, at most
# 2), each with as many workers as go test gives it: one go test -fuzz
# left a 2-core machine idle about 40 % of the time (a worker waits on
# its coordinator between batches, and each run spends a second or two in
# the go command and the baseline replay before it fuzzes), so two side
# by side do the same executions in less time. Each target's output is
# printed whole when it ends; the step fails when any target failed, after
# the others have ended.
jobs="${FUZZJOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)}"
if ((jobs > 2)); then
	jobs=2
elif ((jobs < 1)); then
	jobs=1
fi

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT

targets=()
for pkg in $(go list ./...); do
	# A package's first go test -fuzz compiles it with the fuzzer's
	# instrumentation; built here first, two targets of one package do
	# not both compile it at the same time.
	go test -c -o "$logs/warm.test" -fuzz=. "$pkg" >/dev/null
	for t in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		targets+=("$pkg $t")
	done
done
rm -f "$logs/warm.test"

# fuzz runs one target, its output into its log, and then writes its exit
# status into the log's .status file.
fuzz() {
	local pkg=$1 t=$2 log=$3 n=$fuzztime status=0
	if [ -z "${FUZZTIME:-}" ]; then
		case $t in
		FuzzLogin) n=5000x ;;
		FuzzLoginWire) n=5000x ;;
		FuzzServeAPI) n=7000x ;;
		FuzzSRPAnswer) n=800x ;;
		FuzzUsersFile) n=4000x ;;
		esac
	fi
	echo "== $pkg $t ($n)" >"$log"
	go test -run='^$' -fuzz="^${t}\$" -fuzztime="$n" "$pkg" >>"$log" 2>&1 || status=$?
	echo "$status" >"$log.status"
}

# reap waits for a target to end (any, where bash's wait -n can; else
# all), prints the logs of those that ended, and counts their failures.
# running holds each started target's log number and process id; one
# whose process is gone without a status (killed) counts as failed.
failed=0
running=()
reap() {
	if ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 403)); then
		wait -n || true
	else
		wait || true
	fi
	local left=() r
	for r in "${running[@]}"; do
		local i=${r%:*} alive=1
		kill -0 "${r#*:}" 2>/dev/null || alive=0 # before the status check
		if [[ -e "$logs/$i.status" ]]; then
			cat "$logs/$i"
			[[ "$(cat "$logs/$i.status")" == 0 ]] || failed=$((failed + 1))
		elif ((!alive)); then
			cat "$logs/$i"
			echo "ended without a status" >&2
			failed=$((failed + 1))
		else
			left+=("$r")
		fi
	done
	running=(${left[@]+"${left[@]}"})
}

i=0
for target in "${targets[@]}"; do
	while ((${#running[@]} >= jobs)); do
		reap
	done
	i=$((i + 1))
	fuzz $target "$logs/$i" &
	running+=("$i:$!")
done
while ((${#running[@]} > 0)); do
	reap
done

if ((failed > 0)); then
	echo "$failed fuzz target(s) failed" >&2
	exit 1
fi
