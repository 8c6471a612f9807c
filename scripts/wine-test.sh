#!/usr/bin/env bash
# wine-test.sh runs the tests of every package as Windows programs under
# Wine, on Linux: go vet with GOOS=windows, which CI runs, checks that the
# code builds for Windows, not that it works there. Not part of CI (it
# takes minutes and needs Wine); run it after changing file, path, signal
# or process code. Extra arguments go to every test binary, e.g.
#   scripts/wine-test.sh -test.run 'FileStore'
#
# Needs (Debian): apt-get install wine64 gcc-mingw-w64-x86-64-win32
#
# Two shims stand in for what Wine 8 lacks and Windows 10 has; neither is
# in the project's code:
#   - bcryptprimitives.dll (ProcessPrng), which the Go runtime loads at
#     start-up: a stand-in built with MinGW over RtlGenRandom, written once
#     into the Wine prefix's system32;
#   - FILE_DISPOSITION_INFORMATION_EX, with which os.RemoveAll (so every
#     t.TempDir clean-up) deletes: Wine answers "Invalid function" where
#     Windows would use it, and Go falls back to the old way only for
#     the answers of old Windows versions. A -overlay of Go's own
#     internal/syscall/windows adds Wine's answers to those.
set -euo pipefail
cd "$(dirname "$0")/.."
wine=$(command -v wine64 || echo /usr/lib/wine/wine64)
[ -x "$wine" ] || { echo "wine64 not found: apt-get install wine64" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export WINEDEBUG=-all

# The Go runtime's random source: wine 8 has no bcryptprimitives.dll.
prefix=${WINEPREFIX:-$HOME/.wine}
"$wine" cmd /c exit 0 >/dev/null 2>&1 || true # creates the prefix
if [ ! -e "$prefix/drive_c/windows/system32/bcryptprimitives.dll" ]; then
	cat >"$work/bcp.c" <<'C'
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID, ULONG); /* RtlGenRandom */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE p, SIZE_T n) {
	while (n > 0) {
		ULONG c = n > 0x40000000 ? 0x40000000 : (ULONG)n;
		if (!SystemFunction036(p, c)) return FALSE;
		p += c; n -= c;
	}
	return TRUE;
}
C
	x86_64-w64-mingw32-gcc -shared -O2 -o "$prefix/drive_c/windows/system32/bcryptprimitives.dll" "$work/bcp.c" -ladvapi32
fi

# os.RemoveAll's fall-back for Wine's answer.
src=$(go env GOROOT)/src/internal/syscall/windows/at_windows.go
sed 's|^\t\tSTATUS_NOT_SUPPORTED: .*|\t\tSTATUS_NOT_SUPPORTED, NTStatus(0xC0000002), NTStatus(0xC0000010):|' "$src" >"$work/at_windows.go"
grep -q 'NTStatus(0xC0000010)' "$work/at_windows.go" || { echo "cannot patch $src for Wine" >&2; exit 2; }
printf '{"Replace":{"%s":"%s"}}\n' "$src" "$work/at_windows.go" >"$work/overlay.json"

build() { GOOS=windows GOARCH=amd64 go "$1" -overlay "$work/overlay.json" "${@:2}"; }
build build -o "$work/cognito-srp.exe" ./cmd/cognito-srp
status=0
for pkg in . ./cognitotest ./cmd/cognito-srp; do
	exe="$work/$(basename "$(cd "$pkg" && pwd)").test.exe"
	build test -c -o "$exe" "$pkg"
	echo "== $pkg"
	# The tests read testdata/ relative to their package's directory.
	(cd "$pkg" && COGNITO_SRP_TEST_BINARY="$work/cognito-srp.exe" \
		"$wine" "$exe" -test.count=1 -test.timeout=15m "$@") || status=1
done
exit $status
