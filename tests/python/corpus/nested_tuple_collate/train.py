# Harness entry (not a published script). By others, imported unchanged: torch.nn layers (Linear, ReLU,
# Dropout, Sequential), torch.optim.SGD, DataLoader (PyTorch 1.13); Lightning 2.2.5's LightningModule and
# Trainer.
# Written here: WeightedPoints (a custom Dataset class whose items are nested tuples
# (features, (label, weight)), drawn in __init__ from the global generator), the collate_fn
# nested_collate (batches are nested tuples ((x, x_norm), (y, w))), WeightedMLP (an MLP with dropout,
# per-sample weighted cross-entropy, SGD with momentum 0.9 and Nesterov) and the driver: one torch.manual_seed
# at the top, a shuffled loader of 12 batches per epoch, limit_train_batches=0.5 (6 batches),
# max_steps=10 (stops in the middle of the second epoch).
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

import lightning as L

torch.manual_seed(2024)


class WeightedPoints(Dataset):
    def __init__(self, count=96, features=6, classes=3):
        self.x = torch.randn(count, features)
        centers = torch.randn(classes, features)
        self.y = torch.cdist(self.x, centers).argmin(dim=1)
        self.w = torch.rand(count) + 0.5

    def __len__(self):
        return len(self.x)

    def __getitem__(self, index):
        return self.x[index], (self.y[index], self.w[index])


def nested_collate(samples):
    x = torch.stack([s[0] for s in samples])
    y = torch.stack([s[1][0] for s in samples])
    w = torch.stack([s[1][1] for s in samples])
    return (x, x.norm(dim=1, keepdim=True)), (y, w)


class WeightedMLP(L.LightningModule):
    def __init__(self, features=6, classes=3):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(features + 1, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, classes))

    def training_step(self, batch, batch_idx):
        (x, x_norm), (y, w) = batch
        logits = self.net(torch.cat([x, x_norm], dim=1))
        loss = (nn.functional.cross_entropy(logits, y, reduction="none") * w).sum() / w.sum()
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1, momentum=0.9, nesterov=True)


loader = DataLoader(WeightedPoints(), batch_size=8, shuffle=True, collate_fn=nested_collate)
trainer = L.Trainer(max_steps=10, limit_train_batches=0.5, log_every_n_steps=2, accelerator="cpu", devices=1,
                    enable_progress_bar=False, enable_checkpointing=False)
trainer.fit(WeightedMLP(), loader)
