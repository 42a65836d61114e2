#!/usr/bin/env bash
# Soak: a million batches headless (stepwise-run with a trace) and through the window
# (tst_main_window's millionBatches), with memory measured as the run goes.
#   headless: VmRSS of stepwise-run sampled every second; "warm" is the first sample after a
#             tenth of the batches, growth is the largest later sample over it. The trace is then
#             read back line by line (scripts/check_trace.py: every line parses, batches in
#             order, the last event is run_end).
#   window:   the test samples its own VmRSS at 100,000 batches and at the end, and checks the
#             plot and the run history still hold every batch.
# Prints the figures the README quotes. Takes a few minutes; not part of CI (the stop-anywhere,
# stress and sanitizer tests are). STEPWISE_SOAK_BATCHES changes the count (default 1000000).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${STEPWISE_BUILD_DIR:-$root/build}"
batches="${STEPWISE_SOAK_BATCHES:-1000000}"
. "$root/scripts/lib/tools.sh"
ensure_tools cmake g++ python3
"$root/scripts/build.sh" --target stepwise-run tst_main_window >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The none_batches lesson (a warning, None batches, accumulation): 8 batches an epoch.
cat >"$work/soak.json" <<JSON
{"model": {"lesson": "none_batches"}, "data": {"synthetic": "linear", "samples": 64, "features": 3, "noise": 0.1},
 "batch_size": 8, "optimizer": {"name": "sgd", "lr": 0.05, "momentum": 0.9},
 "trainer": {"max_epochs": $((batches / 8))}}
JSON
SECONDS=0
"$build/core/stepwise-run" "$work/soak.json" --quiet --trace "$work/soak.jsonl" 2>"$work/stderr.txt" &
pid=$!
: >"$work/rss.txt"
while kill -0 "$pid" 2>/dev/null; do
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    size=$(stat -c %s "$work/soak.jsonl" 2>/dev/null || echo 0)
    [ -n "$rss" ] && echo "$rss $size" >>"$work/rss.txt"
    sleep 1
done
wait "$pid"
seconds=$SECONDS
python3 - "$work/rss.txt" "$seconds" <<'PY'
import sys
rows = [tuple(map(int, l.split())) for l in open(sys.argv[1]) if l.strip()]
final_size = rows[-1][1] if rows else 0
# warm: the first sample once a tenth of the trace (≈ a tenth of the batches) is written
warm_i = next((i for i, r in enumerate(rows) if r[1] >= final_size / 10), 0)
warm = rows[warm_i][0]
peak = max(r[0] for r in rows[warm_i:])
print(f"headless: {float(sys.argv[2]):.0f} s; RSS warm {warm/1024:.1f} MB, peak after {peak/1024:.1f} MB, "
      f"growth {100*(peak-warm)/warm:.1f}% ({len(rows)} samples)")
PY
ls -l "$work/soak.jsonl" | awk '{printf "headless: trace %.0f MB\n", $5/1048576}'
python3 "$root/scripts/check_trace.py" "$work/soak.jsonl" "$batches"
rm -f "$work/soak.jsonl"

echo "window: $batches batches through the window (offscreen)"
STEPWISE_GUI_MILLION="$batches" QT_QPA_PLATFORM=offscreen "$build/tests/gui/tst_main_window" millionBatches 2>&1 |
    grep -E "QINFO|FAIL|PASS|Loc" | sed 's/^/window: /'
