#!/usr/bin/env bash
# Configures and builds the address-sanitizer tree, build-asan/ (STEPWISE_ASAN_BUILD_DIR), for the
# targets given: clang at -O1 with ASan, UBSan and libFuzzer's coverage in every Stepwise source
# (cmake/ProjectOptions.cmake). scripts/sanitize.sh runs its tests, scripts/fuzz.sh its fuzzers:
# one build serves both.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/lib/tools.sh"
ensure_tools cmake clang++
# Without the Python host: an embedded CPython is never finalised (its memory is "leaked" by
# design) and its allocator is not ASan's, so its runs are tested in the ordinary build only.
STEPWISE_BUILD_DIR="${STEPWISE_ASAN_BUILD_DIR:-$root/build-asan}" \
    STEPWISE_CMAKE_ARGS="-DCMAKE_CXX_COMPILER=clang++ -DSTEPWISE_SANITIZER=address -DSTEPWISE_PYTHON=OFF" \
    "$root/scripts/build.sh" --target "$@"
