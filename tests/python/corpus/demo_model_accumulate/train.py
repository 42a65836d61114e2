# Harness entry (not a published script): DemoModel (Linear(32, 10) + ReLU, training_step returns the
# tensor x.sum(), Adam lr 0.02) and RandomDataset are Lightning 2.2.5's own
# lightning.pytorch.demos.boring_classes classes, imported unchanged. This driver was written for the
# corpus: shuffled batches of 8 from a seeded DataLoader generator, accumulation of 3 over an epoch of
# 8 batches (so the epoch ends on a partial accumulation cycle), no validation.
import torch
from torch.utils.data import DataLoader

import lightning as L
from lightning.pytorch.demos.boring_classes import DemoModel, RandomDataset

torch.manual_seed(1234)
data = DataLoader(RandomDataset(32, 64), batch_size=8, shuffle=True,
                  generator=torch.Generator().manual_seed(5))
model = DemoModel(out_dim=10, learning_rate=0.02)
trainer = L.Trainer(max_epochs=3, accumulate_grad_batches=3, logger=False, enable_checkpointing=False,
                    accelerator="cpu", devices=1, enable_progress_bar=False, enable_model_summary=False)
trainer.fit(model, data)
