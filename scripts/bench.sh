#!/usr/bin/env bash
# Builds and runs the engine benchmark (Google Benchmark) and prints microseconds per optimizer step
# and the ratios engine / hand-written LibTorch loop and engine / the same loop doing Lightning's
# own per-step work, for each model (medians over rounds that run them back to back). Extra arguments go to the
# engine benchmark binary (e.g. --benchmark_min_time=5). Then, where the GUI is built, the window
# benchmarks: steps per second of stepwise-run, of the window at full speed (offscreen) and of a
# client attached to `stepwise-run --listen` over loopback on the default lesson, their ratios,
# the loss plot's frames per second, and the latency from a Step stage key press to the repaint.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${STEPWISE_BUILD_DIR:-$root/build}"
. "$root/scripts/lib/tools.sh"
. "$root/scripts/lib/bench.sh"
ensure_tools cmake g++
"$root/scripts/build.sh" --target bench_engine >/dev/null
csv="$(bench_csv "$build/tests/bench/bench_engine" 9 "$@")"
echo "$csv" | awk -F, "$csv_columns"'
    /_median"?,/ {
        name = $1; gsub(/"/, "", name); sub(/\/iterations:1\/manual_time_median$/, "", name)
        sub(/^BM_Round\//, "", name)
        printf "%-12s %9.1f %11.1f %11.1f %7.3f %7.3f %13.1f %7.3f %7.3f\n", name, $col["hand_us"],
               $col["lightning_us"], $col["engine_us"], $col["engine_ratio"], $col["engine_vs_lightning"],
               $col["listener_us"], $col["listener_ratio"], $col["listener_vs_lightning"]
    }
    BEGIN {
        printf "%-12s %9s %11s %11s %7s %7s %13s %7s %7s\n", "model", "hand", "lightning", "engine",
               "/hand", "/light", "listener", "/hand", "/light"
    }
    END {
        print "(us per optimizer step, medians over 9 rounds; each round runs the four back to back, ratios"
        print " are per round. hand: zero_grad, training_step, backward, step. lightning: the same through"
        print " optimizer.step(closure) with the loss / N and its detached clone that Lightning makes."
        print " engine: the window'"'"'s path, every observation. listener: stepwise-run'"'"'s path, no trace:"
        print " on the calling thread, no stage events, no snapshots, no norms. All four run TorchScript"
        print " eagerly, as Python runs the model.)"
    }'

"$root/scripts/build.sh" --target bench_process >/dev/null
echo
csv="$(bench_csv "$build/tests/bench/bench_process" 9)"
echo "$csv" | awk -F, "$csv_columns"'
    /_median"?,/ {
        printf "whole process, 5,000 steps: stepwise-run %.3f s, hand-written loop %.3f s (%.3f x),\n",
               $col["stepwise_s"], $col["hand_s"], $col["ratio"]
        printf "  the same loop doing Lightning'"'"'s per-step work %.3f s (%.3f x)\n", $col["lightning_s"],
               $col["ratio_vs_lightning"]
        printf "start to the first batch: stepwise-run %.0f ms, hand-written loop %.0f ms\n",
               $col["stepwise_start_ms"], $col["hand_start_ms"]
    }
    END { print "(medians over 9 rounds of the processes run back to back; ratios are per round)" }'

"$root/scripts/build.sh" --target bench_rewind >/dev/null
echo
csv="$(bench_csv "$build/tests/bench/bench_rewind" 5)"
echo "$csv" | awk -F, "$csv_columns"'
    /BM_BackOneBatch.*_median"?,/ {
        name = $1; gsub(/"/, "", name); sub(/\/iterations:1\/manual_time_median$/, "", name)
        sub(/^BM_BackOneBatch/, "", name)
        printf "back one batch, %-28s median %7.1f ms   worst %7.1f ms\n", name, $col["median_ms"], $col["max_ms"]
    }
    /BM_Watchpoints.*_median"?,/ {
        printf "three watchpoints at full speed (mlp_spiral): %.3f x the steps/s with none (%.0f vs %.0f us/step)\n",
               $col["speed_ratio"], $col["three_us"], $col["none_us"]
    }
    /BM_TensorsReport.*_median"?,/ {
        name = $1; gsub(/"/, "", name); sub(/\/iterations:1\/manual_time_median$/, "", name)
        sub(/^BM_TensorsReport\//, "", name)
        printf "tensors report while held, %-11s median %7.1f ms   worst %7.1f ms  (%d tensors)\n", name,
               $col["median_ms"], $col["max_ms"], $col["tensors"]
    }
    /BM_Ledger.*_median"?,/ {
        printf "ledger dock open at full speed (mlp_spiral, N=4): %.3f x the steps/s closed (%.0f vs %.0f us/step)\n",
               $col["speed_ratio"], $col["open_us"], $col["closed_us"]
    }
    /BM_Checksums.*_median"?,/ {
        name = $1; gsub(/"/, "", name); sub(/\/iterations:1\/manual_time_median$/, "", name)
        sub(/^BM_Checksums\//, "", name)
        printf "parity checksums at full speed, %-10s %.3f x the steps/s without (%.0f vs %.0f us/step)\n",
               name, $col["speed_ratio"], $col["on_us"], $col["off_us"]
    }
    END { print "(medians over 5 repetitions; Stepped: held after stepping batch by batch, a snapshot at every"
          print " batch; AfterFullSpeed: held by a breakpoint after a run at full speed, snapshots spaced)" }'

# The user's own script (Python host): where it is built and Lightning's runtime is at hand.
if "$root/scripts/build.sh" --target bench_script >/dev/null 2>&1 && [ -x "$build/tests/bench/bench_script" ]; then
    echo
    csv="$(bench_csv "$build/tests/bench/bench_script" 5)"
    echo "$csv" | awk -F, "$csv_columns"'
        /BM_Script.*_median"?,/ {
            printf "your script (small MLP), us per optimizer step: stepwise-run %.0f, Lightning %.0f, hand-written\n",
                   $col["stepwise_us"], $col["lightning_us"]
            printf "  Python loop %.0f; Lightning / stepwise-run %.2f x, stepwise-run / hand loop %.2f x\n",
                   $col["hand_us"], $col["lightning_over_stepwise"], $col["stepwise_over_hand"]
            printf "  one step, whole process: stepwise-run %.2f s, Lightning %.2f s, hand loop %.2f s\n",
                   $col["stepwise_start_s"], $col["lightning_start_s"], $col["hand_start_s"]
        }
        END { print "(medians over 5 rounds; per step is a 2,020-step run minus a 20-step run, so starting Python"
              print " and importing Lightning cancel out; ratios are per round)" }'
fi

"$root/scripts/build.sh" --target bench_gui >/dev/null 2>&1 || true
[ -x "$build/tests/bench/bench_gui" ] || exit 0
echo
csv="$(bench_csv "$build/tests/bench/bench_gui" 9)"
echo "$csv" | awk -F, "$csv_columns"'
    /BM_Window\/0.*_median"?,/ {
        printf "%-34s %10s %8s %9s\n", "default lesson", "steps/s", "ratio", "plot fps"
        printf "%-34s %10.0f %8s %9s\n", "stepwise-run", $col["baseline_steps_per_s"], "-", "-"
        printf "%-34s %10.0f %8.3f %9.1f\n", "window, Run at full speed", $col["steps_per_s"],
               $col["ratio"], $col["fps"]
    }
    /BM_Window\/1.*_median"?,/ {
        printf "%-34s %10.0f %8.3f %9.1f\n", "same, parity meter on", $col["steps_per_s"],
               $col["ratio"], $col["fps"]
    }
    /BM_Compare.*_median"?,/ {
        printf "%-34s %10.0f %8.3f %9.1f\n", "two runs compared, each", $col["steps_per_s"],
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
