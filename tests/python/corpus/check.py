"""Runs one corpus entry's train.py unchanged in Stepwise (stepwise-run, Python embedded) under the same
read-only recorder as its reference, and requires the record to equal what real Lightning 2.2.5 did:
every batch's loss (raw bytes), global_step, the end state, the three metric dicts and every parameter's
sha256.

usage:  STEPWISE_RUN=build/core/stepwise-run python3 tests/python/corpus/check.py ENTRY_DIR

The Lightning runtime is ../shared/lightning-2.2.5 (or $STEPWISE_LIGHTNING): its sources go on
PYTHONPATH as its run.sh puts them. Exit status 0: identical; 1: different (what differs is printed);
77: no Lightning runtime here (CTest counts the test as skipped, and says so).
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def lightning_runtime():
    candidates = [os.environ.get("STEPWISE_LIGHTNING", ""),
                  os.path.join(HERE, "..", "..", "..", "..", "shared", "lightning-2.2.5"),
                  "/work/shared/lightning-2.2.5"]
    for c in candidates:
        if c and os.path.isfile(os.path.join(c, "run.sh")):
            return os.path.abspath(c)
    return None


def python_path(runtime):
    src = os.path.join(runtime, "src")
    return os.pathsep.join([os.path.join(src, "lightning-2.2.5", "src"),
                            os.path.join(src, "lightning-utilities-0.10.1", "src"),
                            os.path.join(src, "torchmetrics-1.2.1", "src"), runtime])


def differences(reference, record):
    out = []
    if len(reference["fits"]) != len(record["fits"]):
        out.append(f"{len(reference['fits'])} fits in the reference, {len(record['fits'])} in Stepwise's run")
    for n, (a, b) in enumerate(zip(reference["fits"], record["fits"])):
        for key in sorted(set(a) | set(b)):
            if key == "batches":
                for i, (x, y) in enumerate(zip(a[key], b.get(key, []))):
                    if x != y:
                        out.append(f"fit {n}, batch record {i}: Lightning {x} / Stepwise {y}")
                        break
                if len(a[key]) != len(b.get(key, [])):
                    out.append(f"fit {n}: {len(a[key])} batches under Lightning, {len(b.get(key, []))} in Stepwise")
            elif a.get(key) != b.get(key):
                out.append(f"fit {n}, {key}: Lightning {a.get(key)} / Stepwise {b.get(key)}")
    return out


def main():
    entry = os.path.abspath(sys.argv[1])
    runtime = lightning_runtime()
    if runtime is None:
        print("no Lightning 2.2.5 runtime (../shared/lightning-2.2.5 or $STEPWISE_LIGHTNING): skipped")
        return 77
    env = dict(os.environ, PYTHONPATH=python_path(runtime))
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "record.json")
        run = subprocess.run([os.path.abspath(os.environ["STEPWISE_RUN"]), "--quiet", os.path.join(HERE, "record.py"), entry,
                              "--out", out], cwd=HERE, env=env, capture_output=True, text=True, timeout=600)
        if run.returncode != 0:
            print(run.stdout[-4000:], run.stderr[-4000:], sep="\n")
            print(f"stepwise-run ended with status {run.returncode}")
            return 1
        with open(out) as f:
            record = json.load(f)
    with open(os.path.join(entry, "reference.json")) as f:
        reference = json.load(f)
    diff = differences(reference, record)
    for line in diff:
        print(line)
    if not diff:
        batches = sum(len(f["batches"]) for f in record["fits"])
        print(f"{os.path.basename(entry)}: identical to Lightning 2.2.5 ({batches} batches, "
              f"{len(record['fits'][0]['parameters'])} parameters)")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
