#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan + coverage) in build-asan/, the tree
# scripts/sanitize.sh tests (scripts/build-asan.sh), and runs each for STEPWISE_FUZZ_SECONDS (60 by
# default) from its checked-in seed corpus and regression inputs.
# New inputs go to build-asan/fuzz-work/<target>/corpus, never into the repository. A crash, a
# hang (over 10 s), running out of memory or a broken property fails the run and names the input
# libFuzzer saved: add it under tests/fuzz/regressions/<target>/ together with the fix.
# STEPWISE_FUZZ_SEED fixes libFuzzer's seed (scripts/test.sh, and so CI, uses 1 on an empty work
# corpus: the same inputs every run, so a red CI means a change, not luck); by default each run
# draws its own, to find what the fixed one does not. The seed is printed either way.
#   scripts/fuzz.sh                  every target
#   scripts/fuzz.sh trace wire       some of them
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/lib/tools.sh"
ensure_tools cmake clang++
export_symbolizer
build="${STEPWISE_ASAN_BUILD_DIR:-$root/build-asan}"
seconds="${STEPWISE_FUZZ_SECONDS:-60}"
seed="${STEPWISE_FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then  # every tests/fuzz/fuzz_<name>.cpp
    for f in "$root"/tests/fuzz/fuzz_*.cpp; do t="${f##*/fuzz_}"; targets+=("${t%.cpp}"); done
fi

"$root/scripts/build-asan.sh" fuzz_targets

export ASAN_OPTIONS="detect_leaks=1:fast_unwind_on_malloc=0:${ASAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:${LSAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"
# One target per core at a time (each libFuzzer process is single-threaded): every target still
# runs its full time, and CI waits half as long. Each writes its own log; reports follow in order.
fuzz_one() {
    local t="$1" work="$build/fuzz-work/$1"
    # A fixed seed starts from the checked-in inputs only, as a fresh checkout does.
    [ -n "${STEPWISE_FUZZ_SEED:-}" ] && rm -rf "$work/corpus"
    mkdir -p "$work/corpus" "$work/artifacts"
    rm -f "$work/status"
    local dict=()
    [ -f "$root/tests/fuzz/dict/$t.dict" ] && dict=(-dict="$root/tests/fuzz/dict/$t.dict")
    if "$build/tests/fuzz/fuzz_$t" -seed="$seed" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
            -print_final_stats=1 -artifact_prefix="$work/artifacts/" "${dict[@]}" \
            "$work/corpus" "$root/tests/fuzz/corpus/$t" "$root/tests/fuzz/regressions/$t" \
            >"$work/log.txt" 2>&1; then
        echo 0 >"$work/status"
    else
        echo 1 >"$work/status"
    fi
}
jobs_max="${STEPWISE_FUZZ_JOBS:-$(nproc)}"
echo "fuzz: ${targets[*]}, ${seconds} s each, $jobs_max at a time, seed $seed" >&2
for t in "${targets[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || true; done
    fuzz_one "$t" &
done
wait
failed=()
for t in "${targets[@]}"; do
    work="$build/fuzz-work/$t"
    if [ "$(cat "$work/status" 2>/dev/null)" != 0 ]; then
        tail -n 60 "$work/log.txt" >&2
        echo "fuzz: $t FAILED (seed $seed); the input is in $work/artifacts/ (add it to tests/fuzz/regressions/$t/)" >&2
        failed+=("$t")
    else
        grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^stat::new_units_added" "$work/log.txt" |
            sed "s/^/fuzz: $t /" >&2
    fi
done
[ ${#failed[@]} -eq 0 ] || { echo "fuzz: failed: ${failed[*]}" >&2; exit 1; }
