# Harness entry (not a published script): BoringModel and BoringDataModule are Lightning 2.2.5's own
# lightning.pytorch.demos.boring_classes classes, imported unchanged (the datamodule draws its 256 samples
# with torch.randn in __init__ and splits them with Subset in setup()). This driver was written for the
# corpus: seed once at the top, accumulate 4 batches, clip gradients by norm, validate every 32 batches.
import lightning.pytorch as pl
from lightning.pytorch.demos.boring_classes import BoringDataModule, BoringModel

pl.seed_everything(7)
datamodule = BoringDataModule()
model = BoringModel()
trainer = pl.Trainer(max_epochs=2, accumulate_grad_batches=4, gradient_clip_val=0.5,
                     val_check_interval=32, limit_val_batches=8, accelerator="cpu", devices=1,
                     enable_progress_bar=False)
trainer.fit(model, datamodule=datamodule)
