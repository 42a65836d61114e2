# Harness entry (not a published script).
# By others, imported unchanged: Lightning 2.2.5's lightning.pytorch.demos.mnist_datamodule.MNISTDataModule
# (a LightningDataModule whose setup() calls random_split with its own seeded Generator; its Dataset class
# _MNIST, used because PL_USE_MOCKED_MNIST is set, reads data/MNIST/complete/{training,test}.pt) and
# lightning.pytorch.demos.boring_classes.Net (conv net with two nn.Dropout layers, log_softmax output);
# torchmetrics 1.2.1's Accuracy; torch.optim.AdamW and StepLR.
# Written here: LitClassifier (constructor takes the backbone nn.Module; training_step logs the Accuracy
# metric object with self.log; validation_step; configure_optimizers returns AdamW with a scheduler dict,
# interval "step", frequency 2) and the driver below (seed once at the top, 3 epochs of 4 batches of 16).
# Data: the checked-in data/MNIST/complete/*.pt (made by make_data.py) stand in for the MNIST download.
import os

import torch
import torch.nn.functional as F
import torchmetrics
from torch import nn

import lightning as L
from lightning.pytorch.demos.boring_classes import Net
from lightning.pytorch.demos.mnist_datamodule import MNISTDataModule

os.environ["PL_USE_MOCKED_MNIST"] = "1"  # no torchvision here: use the demo's own _MNIST Dataset
L.seed_everything(3)


class LitClassifier(L.LightningModule):
    def __init__(self, backbone: nn.Module, lr: float = 1e-3):
        super().__init__()
        self.backbone = backbone
        self.lr = lr
        self.train_acc = torchmetrics.Accuracy(task="multiclass", num_classes=10)
        self.val_acc = torchmetrics.Accuracy(task="multiclass", num_classes=10)

    def forward(self, x):
        return self.backbone(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        log_probs = self(x)
        loss = F.nll_loss(log_probs, y)
        self.train_acc(log_probs, y)
        self.log("train_acc", self.train_acc, on_step=True, on_epoch=True)
        self.log("train_loss", loss, prog_bar=True)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        log_probs = self(x)
        self.val_acc(log_probs, y)
        self.log("val_acc", self.val_acc)
        self.log("val_loss", F.nll_loss(log_probs, y))

    def configure_optimizers(self):
        optimizer = torch.optim.AdamW(self.parameters(), lr=self.lr, weight_decay=0.01)
        scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.8)
        return {"optimizer": optimizer,
                "lr_scheduler": {"scheduler": scheduler, "interval": "step", "frequency": 2}}


datamodule = MNISTDataModule(data_dir="./data", val_split=16, num_workers=0, batch_size=16)
model = LitClassifier(Net())
trainer = L.Trainer(max_epochs=3, log_every_n_steps=2, accelerator="cpu", devices=1, enable_progress_bar=False)
trainer.fit(model, datamodule=datamodule)
