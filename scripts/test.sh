#!/usr/bin/env bash
# Installs what is missing, builds everything and runs the whole test suite through CTest; then,
# unless STEPWISE_SANITIZE=0, the sanitizer and fuzzing passes, each in its own build folder:
#   scripts/sanitize.sh  engine, CLI, protocol and window tests under ASan + UBSan (build-asan/)
#   scripts/tsan.sh      the multi-threaded tests under ThreadSanitizer (build-tsan/)
#   scripts/fuzz.sh      each libFuzzer target for a minute (clang, build-fuzz/), seed 1
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/build.sh"
build="${STEPWISE_BUILD_DIR:-$root/build}"
(cd "$build" && ctest --output-on-failure --parallel "$(nproc)" "$@")
if [ "${STEPWISE_SANITIZE:-1}" != 0 ]; then
    "$root/scripts/sanitize.sh"
    "$root/scripts/tsan.sh"
    STEPWISE_FUZZ_SEED="${STEPWISE_FUZZ_SEED:-1}" "$root/scripts/fuzz.sh"
fi
