#!/usr/bin/env bash
# Installs what is missing, builds everything and runs the whole test suite through CTest; then
# installs the .deb into a fresh Debian 12 root (scripts/test-deb.sh, in the background) and, unless
# STEPWISE_SANITIZE=0, runs the sanitizer and fuzzing passes, each in its own build folder:
#   scripts/sanitize.sh  engine, CLI, protocol and window tests under ASan + UBSan (build-asan/)
#   scripts/tsan.sh      the multi-threaded tests under ThreadSanitizer (build-tsan/)
#   scripts/fuzz.sh      each libFuzzer target for a minute (built in build-asan/), seed 1
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/build.sh"
build="${STEPWISE_BUILD_DIR:-$root/build}"
(cd "$build" && ctest --output-on-failure --parallel "$(nproc)" "$@")
# The .deb in a fresh Debian 12 root (needs root for debootstrap and chroot; STEPWISE_DEB=0 skips
# it). Mostly downloads and unpacking, so it runs in the background while the sanitizer builds
# compile; its log is printed when it is waited for, at the end.
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
        grep "^test-deb:" "$build/test-deb.log" >&2
    else
        cat "$build/test-deb.log" >&2
        echo "test: scripts/test-deb.sh FAILED" >&2
        exit 1
    fi
fi
