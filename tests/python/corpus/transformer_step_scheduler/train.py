# Harness entry (not a published script). By others, imported unchanged: Lightning 2.2.5's
# lightning.pytorch.demos.LightningTransformer (nn.Transformer language model with dropout 0.2; its
# training_step, train_dataloader building WikiText2 batches of 1) and WikiText2 (a Dataset class);
# torch.optim.Adam and LambdaLR.
# Written here: ScheduledTransformer, a LightningTransformer subclass that only overrides
# configure_optimizers (Adam over all parameters with a scheduler dict: LambdaLR decaying 0.7x per update,
# "interval": "step", "frequency": 3, "name": "decay") and adds a training_step that logs the learning
# rate after calling the demo's; and the driver: seed once, 2 epochs of limit_train_batches=10.
# Data: the checked-in data/wikitext-2.txt (made by make_data.py) stands in for the WikiText-2 download.
import torch

import lightning as L
from lightning.pytorch.demos import LightningTransformer, WikiText2

L.seed_everything(99)


class ScheduledTransformer(LightningTransformer):
    def training_step(self, batch, batch_idx):
        loss = super().training_step(batch, batch_idx)
        self.log("lr", self.trainer.optimizers[0].param_groups[0]["lr"])
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        optimizer = torch.optim.Adam(self.parameters(), lr=2e-3)
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda updates: 0.7 ** updates)
        return {"optimizer": optimizer,
                "lr_scheduler": {"scheduler": scheduler, "interval": "step", "frequency": 3, "name": "decay"}}


dataset = WikiText2()
model = ScheduledTransformer(vocab_size=dataset.vocab_size)
trainer = L.Trainer(max_epochs=2, limit_train_batches=10, log_every_n_steps=4, accelerator="cpu", devices=1,
                    enable_progress_bar=False)
trainer.fit(model)
