#!/usr/bin/env python3
"""Reads a Stepwise trace (JSON Lines) line by line, as a consumer that never holds it whole:
every line must parse, batches come in order, the run ends with run_end. Usage:
check_trace.py TRACE.jsonl [EXPECTED_BATCHES]. Prints one summary line; exit 1 on a problem."""
import json
import sys


def main() -> int:
    path = sys.argv[1]
    expected = int(sys.argv[2]) if len(sys.argv) > 2 else None
    lines = batches = 0
    last = None
    previous_step = -1
    with open(path, encoding="utf-8") as f:
        header = json.loads(f.readline())
        if header.get("type") != "stepwise_trace":
            print(f"{path}: no trace header", file=sys.stderr)
            return 1
        for lines, line in enumerate(f, start=2):
            event = json.loads(line)
            if event["type"] == "batch_end":
                batches += 1
                step = event.get("global_step", 0)
                if step < previous_step:
                    print(f"{path}:{lines}: global_step went back", file=sys.stderr)
                    return 1
                previous_step = step
            last = event
    if last is None or last["type"] != "run_end":
        print(f"{path}: does not end with run_end", file=sys.stderr)
        return 1
    print(f"trace: {lines} lines read back, {batches} batch_end, ends with run_end ({last.get('status')})")
    if expected is not None and batches != expected:
        print(f"{path}: expected {expected} batches, read {batches}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
