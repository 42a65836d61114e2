# Harness entry (not a published script). By others, imported unchanged: Lightning 2.2.5's
# lightning.pytorch.demos.boring_classes.BoringModel (Linear(32, 2), dataloaders of RandomDataset(32, 64)
# drawn with torch.randn, batch size 1, SGD 0.1 + StepLR(step_size=1) in list form, a validation_step) and
# lightning.pytorch.Callback.
# Written here: SkippingBoringModel (a BoringModel subclass whose training_step returns None on every
# fourth batch, so there is no backward there, though Lightning still calls optimizer.step with that
# closure and counts the step; it logs the loss otherwise), the Callback subclass HalveLrAndCount
# (on_train_epoch_start halves the learning rate from epoch 1 on; on_train_batch_end counts the batches
# that produced a loss and logs that count through pl_module.log; on_validation_end counts validation
# runs) and the driver: seed once, 3 epochs of limit_train_batches=20, limit_val_batches=4.
import torch

from lightning.pytorch import Callback, Trainer, seed_everything
from lightning.pytorch.demos.boring_classes import BoringModel

seed_everything(5)


class SkippingBoringModel(BoringModel):
    def training_step(self, batch, batch_idx):
        if batch_idx % 4 == 3:
            return None
        loss = self.step(batch)
        self.log("train_loss", loss)
        return {"loss": loss}


class HalveLrAndCount(Callback):
    def __init__(self):
        self.with_loss = 0
        self.validations = 0

    def on_train_epoch_start(self, trainer, pl_module):
        if trainer.current_epoch > 0:
            for group in trainer.optimizers[0].param_groups:
                group["lr"] *= 0.5

    def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
        if outputs:  # Lightning passes {} when training_step returned None
            self.with_loss += 1
        pl_module.log("batches_with_loss", float(self.with_loss))

    def on_validation_end(self, trainer, pl_module):
        self.validations += 1


callback = HalveLrAndCount()
trainer = Trainer(max_epochs=3, limit_train_batches=20, limit_val_batches=4, log_every_n_steps=5,
                  callbacks=[callback], accelerator="cpu", devices=1, enable_progress_bar=False)
trainer.fit(SkippingBoringModel())
print("batches with a loss:", callback.with_loss, "validation runs:", callback.validations,
      "lr:", trainer.optimizers[0].param_groups[0]["lr"], "weight sum:", float(torch.sum(trainer.model.layer.weight)))
