"""Writes data/wikitext-2.txt: a small deterministic stand-in for the WikiText-2 training text that
lightning.pytorch.demos.WikiText2 would download (same format: lines of space-separated words; the demo
appends <eos> per line). Words come from a fixed 150-word vocabulary drawn with random.Random(0).
Run once with /usr/bin/python3; the output is checked in."""
import os
import random

rng = random.Random(0)
vocab = [f"w{i:03d}" for i in range(150)]
lines = []
for _ in range(160):
    n = rng.randint(4, 14)
    lines.append(" " + " ".join(rng.choice(vocab) for _ in range(n)) + " \n")
os.makedirs(os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"), exist_ok=True)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "wikitext-2.txt"), "w") as f:
    f.writelines(lines)
