#!/usr/bin/env bash
# Installs what is missing, builds everything and runs the whole test suite through CTest; then,
# the .deb installed into a fresh Debian 12 root (scripts/test-deb.sh); then, unless
# STEPWISE_SANITIZE=0, the sanitizer and fuzzing passes, each in its own build folder:
#   scripts/sanitize.sh  engine, CLI, protocol and window tests under ASan + UBSan (build-asan/)
#   scripts/tsan.sh      the multi-threaded tests under ThreadSanitizer (build-tsan/)
#   scripts/fuzz.sh      each libFuzzer target for a minute (clang, build-fuzz/), seed 1
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/build.sh"
build="${STEPWISE_BUILD_DIR:-$root/build}"
(cd "$build" && ctest --output-on-failure --parallel "$(nproc)" "$@")
# The .deb in a fresh Debian 12 root (needs root for debootstrap and chroot; STEPWISE_DEB=0 skips).
if [ "${STEPWISE_DEB:-1}" != 0 ]; then
    if [ "$(id -u)" -eq 0 ]; then
        "$root/scripts/test-deb.sh"
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo --preserve-env=STEPWISE_BUILD_DIR "$root/scripts/test-deb.sh"
    else
        echo "test: scripts/test-deb.sh skipped: it needs root (or sudo without a password)" >&2
    fi
fi
if [ "${STEPWISE_SANITIZE:-1}" != 0 ]; then
    "$root/scripts/sanitize.sh"
    "$root/scripts/tsan.sh"
    STEPWISE_FUZZ_SEED="${STEPWISE_FUZZ_SEED:-1}" "$root/scripts/fuzz.sh"
fi
