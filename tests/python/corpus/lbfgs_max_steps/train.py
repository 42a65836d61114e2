# Harness entry (not a published script). By others, imported unchanged: Lightning 2.2.5's
# lightning.pytorch.demos.boring_classes.RandomDataset (torch.randn samples) and its LightningModule /
# Trainer; torch.optim.LBFGS, nn.Linear, DataLoader (PyTorch 1.13).
# Written here: LinearRegression (targets from a fixed random linear map kept as a buffer; training_step
# returns the MSE tensor; LBFGS with max_iter=4, so Lightning's closure, and with it training_step and
# backward, runs several times per optimizer step) and the driver: seed once, batches of 16 from
# RandomDataset(8, 64) (4 per epoch), max_steps=6 stops in the middle of the second epoch.
import torch
from torch import nn
from torch.utils.data import DataLoader

import lightning as L
from lightning.pytorch.demos.boring_classes import RandomDataset

torch.manual_seed(8)


class LinearRegression(L.LightningModule):
    def __init__(self, features=8):
        super().__init__()
        self.register_buffer("true_map", torch.randn(features, 2))
        self.linear = nn.Linear(features, 2)
        self.closure_calls = 0

    def training_step(self, batch, batch_idx):
        self.closure_calls += 1
        loss = nn.functional.mse_loss(self.linear(batch), batch @ self.true_map)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.LBFGS(self.parameters(), lr=0.5, max_iter=4, history_size=5)


model = LinearRegression()
trainer = L.Trainer(max_steps=6, logger=False, enable_checkpointing=False, accelerator="cpu", devices=1,
                    enable_progress_bar=False, enable_model_summary=False)
trainer.fit(model, DataLoader(RandomDataset(8, 64), batch_size=16))
print("training_step calls:", model.closure_calls)
