#!/usr/bin/env bash
# The tests of what runs on several threads, built with ThreadSanitizer (clang, -O1) into
# build-tsan/: the step gate, the event buffer, the session (coalescing, stop anywhere), the
# stepping stress test (test_core holds only those in this build; tests/CMakeLists.txt), the
# protocol's buffer tests, and the window-controller tests (tst_main_window: the real window
# driving a live session).
# Any report fails the run. Suppressions, each with the reason it is not ours:
# tests/sanitizers/tsan.supp.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/lib/tools.sh"
ensure_tools cmake ctest clang++
export_symbolizer
build="${STEPWISE_TSAN_BUILD_DIR:-$root/build-tsan}"
STEPWISE_BUILD_DIR="$build" STEPWISE_CMAKE_ARGS="-DCMAKE_CXX_COMPILER=clang++ -DSTEPWISE_SANITIZER=thread -DSTEPWISE_PYTHON=OFF" \
    "$root/scripts/build.sh" --target test_core test_protocol tst_main_window
# Counted before OMP_NUM_THREADS is set below: nproc reads it, and the tests ran one at a time.
jobs="$(nproc)"
export TSAN_OPTIONS="halt_on_error=1:abort_on_error=0:exitcode=66:second_deadlock_stack=1:suppressions=$root/tests/sanitizers/tsan.supp:${TSAN_OPTIONS:-}"
# LibTorch's intra-op pool is OpenMP (libgomp), which ThreadSanitizer cannot see into; Stepwise
# never relies on it for ordering, and one thread keeps its workers out of the picture.
export OMP_NUM_THREADS=1
# Qt's threads then run Qt's own event dispatcher instead of GLib's main loop, whose slice
# allocator ThreadSanitizer cannot follow either (GLib is not instrumented).
export QT_NO_GLIB=1
export QT_QPA_PLATFORM=offscreen
export STEPWISE_TEST_TIMEOUT_SCALE="${STEPWISE_TEST_TIMEOUT_SCALE:-8}"
cd "$build"
ctest --output-on-failure --parallel "$jobs" -L '^(core|protocol)$' "$@"
ctest --output-on-failure -R '^gui\.main_window$' "$@"
