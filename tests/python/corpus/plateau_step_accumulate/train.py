# Harness entry (not a published script). By others, imported unchanged: Lightning 2.2.5's
# lightning.pytorch.demos.boring_classes.BoringModel (Linear(32, 2); train/val dataloaders of
# RandomDataset(32, 64) drawn with torch.randn, batch size 1; a validation_step) and its Trainer;
# torch.optim.SGD and ReduceLROnPlateau.
# Written here: PlateauBoringModel, a BoringModel subclass whose training_step logs its loss as
# "train_loss" and returns None on every fifth batch, and whose configure_optimizers returns SGD with
# momentum 0.9 and a scheduler dict with ReduceLROnPlateau monitoring "train_loss", "interval": "step",
# "frequency": 2; and the driver: seed once, accumulate_grad_batches=2, validation every 10 batches
# (val_check_interval=10, limit_val_batches=3), 2 epochs of limit_train_batches=24.
import torch

from lightning.pytorch import Trainer, seed_everything
from lightning.pytorch.demos.boring_classes import BoringModel

seed_everything(31)


class PlateauBoringModel(BoringModel):
    def training_step(self, batch, batch_idx):
        if batch_idx % 5 == 4:
            return None
        loss = self.step(batch)
        self.log("train_loss", loss)
        self.log("lr", self.trainer.optimizers[0].param_groups[0]["lr"])
        return loss

    def configure_optimizers(self):
        optimizer = torch.optim.SGD(self.parameters(), lr=0.05, momentum=0.9)
        plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=1)
        return {"optimizer": optimizer,
                "lr_scheduler": {"scheduler": plateau, "monitor": "train_loss", "interval": "step", "frequency": 2}}


trainer = Trainer(max_epochs=2, limit_train_batches=24, accumulate_grad_batches=2, val_check_interval=10,
                  limit_val_batches=3, log_every_n_steps=2, accelerator="cpu", devices=1, enable_progress_bar=False)
trainer.fit(PlateauBoringModel())
print("final lr:", trainer.optimizers[0].param_groups[0]["lr"])
