#!/usr/bin/env bash
# Builds and runs the engine benchmark (Google Benchmark) and prints microseconds per optimizer step
# and the ratio engine / hand-written LibTorch loop for each model (medians over rounds that run
# both back to back). Extra arguments go to the
# engine benchmark binary (e.g. --benchmark_min_time=5). Then, where the GUI is built, the window
# benchmarks: steps per second of stepwise-run, of the window at full speed (offscreen) and of a
# client attached to `stepwise-run --listen` over loopback on the default lesson, their ratios,
# the loss plot's frames per second, and the latency from a Step stage key press to the repaint.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${STEPWISE_BUILD_DIR:-$root/build}"
"$root/scripts/build.sh" --target bench_engine >/dev/null
csv="$("$build/tests/bench/bench_engine" --benchmark_format=csv --benchmark_repetitions=9 \
       --benchmark_report_aggregates_only=true "$@" 2>/dev/null)"
echo "$csv" | awk -F, '
    /^name,/ { for (i = 1; i <= NF; i++) { h = $i; gsub(/"/, "", h); col[h] = i } next }
    /_median"?,/ {
        name = $1; gsub(/"/, "", name); sub(/\/iterations:1\/manual_time_median$/, "", name)
        sub(/^BM_Round\//, "", name)
        printf "%-14s %12.1f %12.1f %8.3f %16.1f %8.3f\n", name, $col["hand_us"], $col["engine_us"],
               $col["engine_ratio"], $col["listener_us"], $col["listener_ratio"]
    }
    BEGIN {
        printf "%-14s %12s %12s %8s %16s %8s\n", "model", "hand (us)", "engine (us)", "ratio", "listener (us)", "ratio"
    }
    END { print "(medians over 9 rounds; each round runs the three back to back, the ratio is per round)" }'

"$root/scripts/build.sh" --target bench_gui >/dev/null 2>&1 || true
[ -x "$build/tests/bench/bench_gui" ] || exit 0
echo
csv="$(QT_QPA_PLATFORM=offscreen "$build/tests/bench/bench_gui" --benchmark_format=csv \
       --benchmark_repetitions=9 --benchmark_report_aggregates_only=true 2>/dev/null)"
echo "$csv" | awk -F, '
    /^name,/ { for (i = 1; i <= NF; i++) { h = $i; gsub(/"/, "", h); col[h] = i } next }
    /BM_Window.*_median"?,/ {
        printf "%-34s %10s %8s %9s\n", "default lesson", "steps/s", "ratio", "plot fps"
        printf "%-34s %10.0f %8s %9s\n", "stepwise-run", $col["baseline_steps_per_s"], "-", "-"
        printf "%-34s %10.0f %8.3f %9.1f\n", "window, Run at full speed", $col["steps_per_s"],
               $col["ratio"], $col["fps"]
    }
    /BM_Attached.*_median"?,/ {
        printf "%-34s %10.0f %8.3f %9s\n", "attached over loopback, full speed", $col["steps_per_s"],
               $col["ratio"], "-"
    }
    /BM_KeyToRepaint.*_median"?,/ {
        printf "\nstep stage, key press to repainted window: median %.1f ms, 90th percentile %.1f ms\n",
               $col["median_ms"], $col["p90_ms"]
    }
    END { print "(medians over 9 rounds; each round runs the compared paths back to back, ratios are per round)" }'
