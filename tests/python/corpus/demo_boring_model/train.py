# Harness entry (not a published script): the LightningModule is Lightning 2.2.5's own
# lightning.pytorch.demos.boring_classes.BoringModel, imported unchanged (its train/val dataloaders build
# RandomDataset(32, 64) from torch.randn, batch size 1; SGD lr 0.1 with StepLR(step_size=1) in list form;
# training_step returns {"loss": ...}; it has a validation_step). This short driver was written for the
# corpus, seeded once with seed_everything (Debian's torch 1.13 starts each process from a random seed).
from lightning.pytorch import Trainer, seed_everything
from lightning.pytorch.demos.boring_classes import BoringModel

seed_everything(0)

model = BoringModel()
trainer = Trainer(max_epochs=2, limit_val_batches=4, accelerator="cpu", devices=1, enable_progress_bar=False)
trainer.fit(model)
