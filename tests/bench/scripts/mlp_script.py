"""A small MLP trained three ways, for bench_script: `python3 mlp_script.py lightning STEPS` (real
Lightning's Trainer), `python3 mlp_script.py hand STEPS` (a hand-written loop calling the same
training_step and optimizer, through optimizer.step(closure) as Lightning does), and
`stepwise-run mlp_script.py stepwise STEPS` (the same Trainer.fit in Stepwise's loop). Seeded once."""
import sys

import torch
from torch.utils.data import DataLoader

MODE, STEPS = sys.argv[1], int(sys.argv[2])

import lightning_compat  # noqa: F401,E402  (Lightning 2.2.5 on torch 1.13 and Python 3.11)
import lightning.pytorch as pl  # noqa: E402


class MLP(pl.LightningModule):
    def __init__(self):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(32, 64), torch.nn.ReLU(), torch.nn.Linear(64, 1))

    def training_step(self, batch, batch_idx):
        x, y = batch
        return torch.nn.functional.mse_loss(self.net(x), y)

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.01)


torch.manual_seed(0)
# 100 batches of 32 made once, yielded whole (batch_size=None): what is measured is the training
# loop around the model, not the collation of 32 samples per batch, which costs every loop alike.
batches = [(torch.randn(32, 32), torch.randn(32, 1)) for _ in range(100)]
loader = DataLoader(batches, batch_size=None, shuffle=True)
model = MLP()

if MODE == "hand":
    optimizer = model.configure_optimizers()
    step = 0
    while step < STEPS:
        for batch_idx, batch in enumerate(loader):
            def closure():
                loss = model.training_step(batch, batch_idx)
                optimizer.zero_grad()
                loss.backward()
                return loss
            optimizer.step(closure)
            step += 1
            if step == STEPS:
                break
else:
    trainer = pl.Trainer(max_steps=STEPS, logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(model, loader)
