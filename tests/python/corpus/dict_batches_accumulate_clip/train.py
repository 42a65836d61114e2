# Harness entry (not a published script). By others, imported unchanged: Lightning 2.2.5's
# lightning.pytorch.demos.boring_classes.RandomDictDataset (items {"a": x, "b": x + 2}, x from torch.randn),
# its LightningModule and Trainer; torchmetrics 1.2.1's MeanSquaredError; nn.Linear, torch.optim.AdamW.
# Written here: ShiftRegressor (learns b from a; training_step takes dict batches, updates a
# MeanSquaredError metric object and logs it with self.log, returns {"loss", "pred_mean"}; a
# validation_step with its own MeanSquaredError; AdamW) and the driver: seed once, batches of 8,
# accumulate_grad_batches=3 with gradient_clip_val=0.05 by value, limit_train_batches=10 (each epoch ends
# on a partial accumulation cycle), validation on 2 batches, 2 epochs.
import torch
import torchmetrics
from torch import nn
from torch.utils.data import DataLoader

import lightning as L
from lightning.pytorch.demos.boring_classes import RandomDictDataset

L.seed_everything(17)


class ShiftRegressor(L.LightningModule):
    def __init__(self, size=32):
        super().__init__()
        self.linear = nn.Linear(size, size)
        self.train_mse = torchmetrics.MeanSquaredError()
        self.val_mse = torchmetrics.MeanSquaredError()

    def training_step(self, batch, batch_idx):
        pred = self.linear(batch["a"])
        loss = nn.functional.mse_loss(pred, batch["b"])
        self.train_mse(pred, batch["b"])
        self.log("train_mse", self.train_mse, prog_bar=True)
        return {"loss": loss, "pred_mean": pred.mean().detach()}

    def validation_step(self, batch, batch_idx):
        pred = self.linear(batch["a"])
        self.val_mse(pred, batch["b"])
        self.log("val_mse", self.val_mse)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=0.02, weight_decay=0.05)


train = DataLoader(RandomDictDataset(32, 96), batch_size=8, shuffle=True)
val = DataLoader(RandomDictDataset(32, 32), batch_size=8)
trainer = L.Trainer(max_epochs=2, accumulate_grad_batches=3, gradient_clip_val=0.05,
                    gradient_clip_algorithm="value", limit_train_batches=10, limit_val_batches=2,
                    log_every_n_steps=1, accelerator="cpu", devices=1, enable_progress_bar=False)
trainer.fit(ShiftRegressor(), train, val)
