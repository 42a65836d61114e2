# Harness entry (not a published script). Everything the script defines was written here; it builds on
# torch.nn.LSTM, torch.nn.utils.rnn.pad_sequence / pack_padded_sequence, torch.utils.data.random_split,
# torch.optim.Adam and ReduceLROnPlateau (PyTorch), torchmetrics 1.2.1's MeanSquaredError and Lightning
# 2.2.5's LightningModule / LightningDataModule / Trainer, all imported unchanged.
# Covers: a custom Dataset class (variable-length sequences drawn in __init__ from the global generator),
# a LightningDataModule whose setup() calls random_split on the global generator, a custom collate_fn that
# pads and returns dict batches {"x", "lengths", "y"}, an LSTM over packed sequences, self.log of a
# MeanSquaredError metric object (epoch level) and of the loss, and configure_optimizers returning a dict
# whose lr_scheduler is ReduceLROnPlateau with "monitor" on the training metric "train_mse" (no validation).
import torch
import torchmetrics
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_sequence
from torch.utils.data import DataLoader, Dataset, random_split

import lightning as L

torch.manual_seed(11)


class SequenceSumDataset(Dataset):
    """Sequences of 3-feature steps, length 3..9; the target is a weighted sum over the sequence."""

    def __init__(self, count):
        weights = torch.tensor([0.5, -1.0, 0.25])
        self.items = []
        for _ in range(count):
            length = int(torch.randint(3, 10, ()).item())
            seq = torch.randn(length, 3)
            self.items.append((seq, (seq @ weights).sum() / length))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, index):
        return self.items[index]


def pad_collate(samples):
    seqs = [s for s, _ in samples]
    return {"x": pad_sequence(seqs, batch_first=True),
            "lengths": torch.tensor([len(s) for s in seqs]),
            "y": torch.stack([t for _, t in samples])}


class SequenceDataModule(L.LightningDataModule):
    def __init__(self, batch_size=8):
        super().__init__()
        self.batch_size = batch_size

    def setup(self, stage):
        full = SequenceSumDataset(60)
        self.train_set, self.val_set = random_split(full, [48, 12])

    def train_dataloader(self):
        return DataLoader(self.train_set, batch_size=self.batch_size, shuffle=True, collate_fn=pad_collate)


class LSTMRegressor(L.LightningModule):
    def __init__(self, hidden=16):
        super().__init__()
        self.lstm = nn.LSTM(3, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)
        self.train_mse = torchmetrics.MeanSquaredError()

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, (h, _) = self.lstm(packed)
        return self.head(h[-1]).squeeze(-1)

    def training_step(self, batch, batch_idx):
        pred = self(batch["x"], batch["lengths"])
        loss = nn.functional.mse_loss(pred, batch["y"])
        self.train_mse(pred, batch["y"])
        self.log("train_mse", self.train_mse, on_step=False, on_epoch=True)
        self.log("train_loss", loss)
        self.log("lr", self.trainer.optimizers[0].param_groups[0]["lr"])
        return loss

    def configure_optimizers(self):
        optimizer = torch.optim.Adam(self.parameters(), lr=0.05)
        plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=0)
        return {"optimizer": optimizer,
                "lr_scheduler": {"scheduler": plateau, "monitor": "train_mse", "interval": "epoch"}}


trainer = L.Trainer(max_epochs=6, log_every_n_steps=3, accelerator="cpu", devices=1, enable_progress_bar=False)
trainer.fit(LSTMRegressor(), datamodule=SequenceDataModule())
print("final lr:", trainer.optimizers[0].param_groups[0]["lr"])
