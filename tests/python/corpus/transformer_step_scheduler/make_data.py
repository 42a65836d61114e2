"""Writes data/wikitext-2.txt: a small deterministic stand-in for the WikiText-2 training text that
lightning.pytorch.demos.WikiText2 would download (same format: lines of space-separated words; the demo
appends <eos> per line). 100 lines of 4..14 words from a fixed 120-word vocabulary, drawn with
random.Random(1). Written for the corpus; run once with /usr/bin/python3, the output is checked in."""
import os
import random

rng = random.Random(1)
vocab = [f"t{i:03d}" for i in range(120)]
lines = []
for _ in range(100):
    n = rng.randint(4, 14)
    lines.append(" " + " ".join(rng.choice(vocab) for _ in range(n)) + " \n")
folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
os.makedirs(folder, exist_ok=True)
with open(os.path.join(folder, "wikitext-2.txt"), "w") as f:
    f.writelines(lines)
