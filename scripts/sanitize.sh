#!/usr/bin/env bash
# The engine, CLI, protocol and window tests, and the fuzz targets' seeds and regression inputs,
# again, built with AddressSanitizer and UndefinedBehaviorSanitizer (LeakSanitizer included) by
# clang into build-asan/ (scripts/build-asan.sh), which also holds the fuzzers. Any report fails
# the run: ASan aborts on its first error, UBSan on its first, and a leak at exit makes the
# process fail. LibTorch and Qt run uninstrumented (ASan still sees their allocations); the one
# suppression, for LibTorch's own leak on a corrupt zip file, applies to the data-file fuzz
# inputs only (tests/sanitizers/lsan.supp). The benchmarks are not built here.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/lib/tools.sh"
ensure_tools cmake ctest clang++ python3
export_symbolizer
"$root/scripts/build-asan.sh" test_core test_protocol stepwise-run tfevents_dump \
    tst_units tst_pipeline_view tst_main_window tst_debugging tst_teaching tst_replay tst_remote tst_screenshots tst_compare fuzz_targets
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"
export STEPWISE_TEST_TIMEOUT_SCALE="${STEPWISE_TEST_TIMEOUT_SCALE:-6}"
cd "${STEPWISE_ASAN_BUILD_DIR:-$root/build-asan}"
# bench_* need the benchmarks, architecture_* check the normal build's link lines, tools.* test the
# Python exporter (the runs it starts are the cli test's, which does run here), packaging.* install
# the normal build.
ctest --output-on-failure --parallel "$(nproc)" -E '^(bench_|architecture_|tools\.|packaging\.)' "$@"
