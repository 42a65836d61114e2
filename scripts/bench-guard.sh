#!/usr/bin/env bash
# The speed guard scripts/test.sh --all (and so CI) runs: it fails on a large regression, measured
# as ratios in the same run, never as times, so a slow or busy machine slows both sides alike.
#   per optimizer step, stepwise-run's path (bench_engine's listener) against a hand-written loop
#     doing Lightning's own per-step work (the floor of any faithful reproduction), on both models:
#     fails above 1.5 (today about 1.0 to 1.1)
#   the window at full speed against stepwise-run's path (bench_gui BM_Window): fails below 0.7
#     (today about 0.95)
# Each figure is the median over rounds that run the compared paths back to back. Prints them.
# STEPWISE_BENCH_GUARD_ROUNDS sets the rounds (default 5).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${STEPWISE_BUILD_DIR:-$root/build}"
# shellcheck source=lib/bench.sh
. "$root/scripts/lib/bench.sh"
rounds="${STEPWISE_BENCH_GUARD_ROUNDS:-5}"
"$root/scripts/build.sh" --target bench_engine bench_gui >/dev/null
export OMP_NUM_THREADS=1  # one intra-op thread for every path alike: 2 cores are not for OpenMP
median_of() {  # median_of CSV COUNTER NAME_PATTERN
    echo "$1" | awk -F, -v counter="$2" -v pattern="$3" "$csv_columns"'
        $1 ~ pattern && $1 ~ /_median/ { print $col[counter] }'
}
failed=0
check() {  # check NAME VALUE OP LIMIT
    local verdict=ok
    if ! awk -v v="$2" -v l="$4" -v op="$3" 'BEGIN { exit !((op == "<=") ? v <= l : v >= l) }'; then
        verdict=FAILED
        failed=1
    fi
    printf 'bench-guard: %-52s %7.3f  (must be %s %s)  %s\n' "$1" "$2" "$3" "$4" "$verdict"
}

csv="$(bench_csv "$build/tests/bench/bench_engine" "$rounds")"
for model in linear_16_1 mlp_256_256; do
    check "stepwise-run per step / Lightning-shaped loop, $model" \
        "$(median_of "$csv" listener_vs_lightning "$model")" "<=" 1.5
    check "window path per step / Lightning-shaped loop, $model" \
        "$(median_of "$csv" engine_vs_lightning "$model")" "<=" 1.5
done

if [ -x "$build/tests/bench/bench_gui" ]; then
    csv="$(bench_csv "$build/tests/bench/bench_gui" "$rounds" --benchmark_filter='BM_Window/0')"
    check "window at full speed / stepwise-run, steps per second" \
        "$(median_of "$csv" ratio 'BM_Window/0')" ">=" 0.7
fi
if [ "$failed" != 0 ]; then
    echo "bench-guard: a speed regression (the figures above are medians over $rounds rounds)" >&2
    exit 1
fi
