#!/usr/bin/env bash
# Builds and runs the engine benchmark (Google Benchmark) and prints microseconds per optimizer step
# and the ratio engine / hand-written LibTorch loop for each model. Extra arguments go to the
# engine benchmark binary (e.g. --benchmark_min_time=5). Then, where the GUI is built, the window
# benchmark: steps per second of stepwise-run and of the window at full speed (offscreen) on the
# default lesson, their ratio and the loss plot's frames per second (medians of 3 runs).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${STEPWISE_BUILD_DIR:-$root/build}"
"$root/scripts/build.sh" --target bench_engine >/dev/null
csv="$("$build/tests/bench/bench_engine" --benchmark_format=csv --benchmark_repetitions=5 \
       --benchmark_report_aggregates_only=true --benchmark_min_time=1 "$@" 2>/dev/null)"
echo "$csv" | awk -F, '
    /^name,/ { for (i = 1; i <= NF; i++) if ($i == "\"us_per_step\"" || $i == "us_per_step") col = i; next }
    /_median"?,/ {
        name = $1; gsub(/"/, "", name); sub(/\/manual_time_median$/, "", name)
        split(name, part, "/"); kind = part[1]; model = part[2]
        us[kind, model] = $col * 1e6; models[model] = 1  # the counter is in seconds per step
    }
    END {
        printf "%-14s %12s %12s %8s %16s %8s\n", "model", "hand (us)", "engine (us)", "ratio", "listener (us)", "ratio"
        for (m in models) {
            h = us["BM_HandWrittenLoop", m]; e = us["BM_Engine", m]; l = us["BM_EngineListenerOnly", m]
            if (l == "") printf "%-14s %12.1f %12.1f %8.3f %16s %8s\n", m, h, e, e / h, "-", "-"
            else printf "%-14s %12.1f %12.1f %8.3f %16.1f %8.3f\n", m, h, e, e / h, l, l / h
        }
    }'

"$root/scripts/build.sh" --target bench_gui >/dev/null 2>&1 || true
[ -x "$build/tests/bench/bench_gui" ] || exit 0
echo
csv="$(QT_QPA_PLATFORM=offscreen "$build/tests/bench/bench_gui" --benchmark_format=csv \
       --benchmark_repetitions=3 --benchmark_report_aggregates_only=true 2>/dev/null)"
echo "$csv" | awk -F, '
    /^name,/ {
        for (i = 1; i <= NF; i++) { h = $i; gsub(/"/, "", h); col[h] = i }
        next
    }
    /_median"?,/ {
        name = $1; gsub(/"/, "", name); sub(/\/manual_time_median$/, "", name)
        steps[name] = $col["steps_per_s"]; base[name] = $col["baseline_steps_per_s"]
        ratio[name] = $col["ratio"]; fps[name] = $col["fps"]
    }
    END {
        printf "%-26s %10s %18s %8s %9s\n", "default lesson", "steps/s", "stepwise-run (*)", "ratio", "plot fps"
        printf "%-26s %10.0f %18s %8s %9s\n", "stepwise-run", steps["BM_StepwiseRun"], "-", "-", "-"
        printf "%-26s %10.0f %18.0f %8.3f %9.1f\n", "window, Run at full speed", steps["BM_Window"],
               base["BM_Window"], ratio["BM_Window"], fps["BM_Window"]
        print "(*) stepwise-run measured right before each window run, for the ratio"
    }'
