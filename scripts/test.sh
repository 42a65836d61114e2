#!/usr/bin/env bash
# scripts/test.sh [--all] [CTEST ARGUMENTS...]
#
# Installs what is missing (scripts/install-deps.sh), builds everything into build/ and runs the
# whole CTest suite: what a newcomer runs to learn that the build works.
#
# --all (what .ci/run runs) first checks the format (scripts/check-format.sh: the C++ sources are
# as .clang-format says, seconds), then adds, after CTest:
#   scripts/test-deb.sh      the .deb installed into a fresh Debian 12 root, and there
#                            scripts/install-deps.sh + scripts/check-tools.sh (in the background;
#                            needs root; STEPWISE_DEB=0 skips it)
#   scripts/sanitize.sh      engine, CLI, protocol and window tests under ASan + UBSan (build-asan/)
#   scripts/tsan.sh          the multi-threaded tests under ThreadSanitizer (build-tsan/)
#   scripts/fuzz.sh          each libFuzzer target for a minute (built in build-asan/), seed 1
# and, right after CTest while nothing else runs, scripts/bench-guard.sh: the speed guard (ratios
# against hand-written loops and stepwise-run, measured in the same run; about a minute).
# STEPWISE_SANITIZE=0 skips the sanitizer and fuzzing passes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
all=0
if [ "${1:-}" = --all ]; then
    all=1
    shift
fi
# shellcheck source=lib/tools.sh
. "$root/scripts/lib/tools.sh"
# Everything the chosen passes run, checked before the first build starts.
needed=(cmake ctest make g++ python3 scdoc appstreamcli desktop-file-validate)
if [ "$all" = 1 ]; then
    needed+=(clang-format-14)
    [ "${STEPWISE_SANITIZE:-1}" != 0 ] && needed+=(clang++ llvm-symbolizer-14)
    [ "${STEPWISE_DEB:-1}" != 0 ] && needed+=(cpack dpkg-deb dpkg-shlibdeps file debootstrap)
fi
ensure_tools "${needed[@]}"
require_python_modules torch numpy fsspec packaging tqdm yaml typing_extensions requests
[ "$all" = 1 ] && "$root/scripts/check-format.sh"

"$root/scripts/build.sh"
build="${STEPWISE_BUILD_DIR:-$root/build}"
(cd "$build" && ctest --output-on-failure --parallel "$(nproc)" "$@")
[ "$all" = 1 ] || exit 0
"$root/scripts/bench-guard.sh"

# The .deb in a fresh Debian 12 root (needs root for debootstrap and chroot). Mostly downloads and
# unpacking, so it runs in the background while the sanitizer builds compile; its log is printed
# when it is waited for, at the end.
deb_pid=""
if [ "${STEPWISE_DEB:-1}" != 0 ]; then
    as_root=()
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
            as_root=(sudo --preserve-env=STEPWISE_BUILD_DIR)
        else
            echo "test: scripts/test-deb.sh skipped: it needs root (or sudo without a password)" >&2
        fi
    fi
    if [ "$(id -u)" -eq 0 ] || [ ${#as_root[@]} -gt 0 ]; then
        "${as_root[@]}" "$root/scripts/test-deb.sh" >"$build/test-deb.log" 2>&1 &
        deb_pid=$!
        trap '[ -z "$deb_pid" ] || kill "$deb_pid" 2>/dev/null || true' EXIT
    fi
fi
if [ "${STEPWISE_SANITIZE:-1}" != 0 ]; then
    "$root/scripts/sanitize.sh"
    "$root/scripts/tsan.sh"
    STEPWISE_FUZZ_SEED="${STEPWISE_FUZZ_SEED:-1}" "$root/scripts/fuzz.sh"
fi
if [ -n "$deb_pid" ]; then
    pid="$deb_pid"
    deb_pid=""
    if wait "$pid"; then
        grep "^\(test-deb\|check-tools\):" "$build/test-deb.log" >&2
    else
        cat "$build/test-deb.log" >&2
        echo "test: scripts/test-deb.sh FAILED" >&2
        exit 1
    fi
fi
