"""Writes data/MNIST/complete/{training,test}.pt: a small deterministic stand-in for the processed MNIST
files that lightning.pytorch.demos.mnist_datamodule._MNIST would download (same format: torch.save of a
tuple (images uint8 [N, 28, 28], labels int64 [N])). 80 training and 8 test images; each image is the
label's own fixed 28x28 pattern plus noise, drawn from torch.Generator().manual_seed(0), so the task is
learnable. Written for the corpus. Run once with /usr/bin/python3; the output is checked in."""
import os

import torch

gen = torch.Generator().manual_seed(0)
patterns = torch.rand(10, 28, 28, generator=gen) * 200.0


def split(n):
    labels = torch.randint(0, 10, (n,), generator=gen, dtype=torch.int64)
    noise = torch.rand(n, 28, 28, generator=gen) * 55.0
    images = (patterns[labels] + noise).clamp(0, 255).to(torch.uint8)
    return images, labels


folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "MNIST", "complete")
os.makedirs(folder, exist_ok=True)
torch.save(split(80), os.path.join(folder, "training.pt"))
torch.save(split(8), os.path.join(folder, "test.pt"))
