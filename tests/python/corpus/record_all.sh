#!/bin/sh
# Re-records every corpus entry with real Lightning 2.2.5 and fails if any reference changed.
#   tests/python/corpus/record_all.sh [--probes]
# Each entry is recorded twice (reference.json, then a scratch copy) and the two must be byte-identical.
# With --probes it also runs, per entry, the two probes of record.py and reports whether the recording
# callback changes the final parameters (it must not) and whether validation changes the training run.
# Needs ../shared/lightning-2.2.5 beside the repository (override with LIGHTNING_RUN=/path/to/run.sh).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
RUN=${LIGHTNING_RUN:-"$REPO/../shared/lightning-2.2.5/run.sh"}
[ -x "$RUN" ] || RUN=/work/shared/lightning-2.2.5/run.sh
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
probes=${1:-}
fail=0
for dir in "$HERE"/*/; do
    [ -f "$dir/train.py" ] || continue
    name=$(basename "$dir")
    start=$(date +%s)
    "$RUN" "$HERE/record.py" "$dir" > "$SCRATCH/$name.log" 2>&1 || { echo "FAIL $name (see log below)"; tail -20 "$SCRATCH/$name.log"; fail=1; continue; }
    "$RUN" "$HERE/record.py" "$dir" --out "$SCRATCH/$name.again.json" > /dev/null 2>&1
    if cmp -s "$dir/reference.json" "$SCRATCH/$name.again.json"; then same=deterministic; else same=NONDETERMINISTIC; fail=1; fi
    line="$name: $(( $(date +%s) - start ))s for two runs, $same"
    if [ "$probes" = "--probes" ]; then
        "$RUN" "$HERE/record.py" "$dir" --no-callback --out "$SCRATCH/$name.nocb.json" > /dev/null 2>&1
        "$RUN" "$HERE/record.py" "$dir" --no-validation --out "$SCRATCH/$name.noval.json" > /dev/null 2>&1
        line="$line; $(/usr/bin/python3 - "$dir/reference.json" "$SCRATCH/$name.nocb.json" "$SCRATCH/$name.noval.json" <<'PY'
import json, sys
ref, nocb, noval = (json.load(open(p)) for p in sys.argv[1:])
h = lambda d: [f["parameters_sha256"] for f in d["fits"]]
losses = lambda d: [[(b["epoch"], b["batch_idx"], b["loss_hex"]) for b in f["batches"]] for f in d["fits"]]
print("callback changes nothing" if h(ref) == h(nocb) else "CALLBACK CHANGES THE RUN", end="; ")
same = h(ref) == h(noval) and losses(ref) == losses(noval)
print("validation does not change training" if same else "validation CHANGES training", end="")
PY
)"
        case "$line" in *"CALLBACK CHANGES"*) fail=1;; esac
    fi
    echo "$line"
done
git -C "$REPO" diff --exit-code --stat -- tests/python/corpus || { echo "references changed"; exit 1; }
[ $fail -eq 0 ] || { echo "some entries failed"; exit 1; }
echo "all references re-recorded and unchanged"
