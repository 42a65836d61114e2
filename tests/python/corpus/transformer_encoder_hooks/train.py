# Harness entry (not a published script). By others, imported unchanged: torch.nn.TransformerEncoder /
# TransformerEncoderLayer (with dropout), nn.Embedding, TensorDataset, SGD (PyTorch 1.13); Lightning 2.2.5's
# LightningModule, Trainer and lightning.pytorch.utilities.grad_norm.
# Written here: TokenClassifier (constructor takes the encoder nn.Module) overriding the hooks
#   on_train_batch_start (returns -1 at epoch 1, batch 5: the rest of that epoch is skipped),
#   on_before_backward, on_after_backward (logs the total gradient norm), on_before_optimizer_step
#   (logs grad_norm's per-parameter norms), optimizer_zero_grad (set_to_none=False), optimizer_step (linear
#   learning-rate warm-up over 6 steps, then optimizer.step(closure=optimizer_closure)),
#   configure_gradient_clipping (clips by norm 1.0 with self.clip_gradients; the Trainer sets no clipping)
#   and on_train_epoch_end (logs the mean of the epoch's losses);
# SGD with momentum 0.9; the data (token sequences, label = whether token 1 outnumbers token 2) drawn
# in-script after the one seed at the top.
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

import lightning as L
from lightning.pytorch.utilities import grad_norm

L.seed_everything(21)

VOCAB, LENGTH, DIM = 16, 12, 32


class TokenClassifier(L.LightningModule):
    def __init__(self, encoder: nn.Module, lr: float = 0.05, warmup_steps: int = 6):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, DIM)
        self.position = nn.Parameter(torch.zeros(1, LENGTH, DIM))
        self.encoder = encoder
        self.head = nn.Linear(DIM, 2)
        self.lr = lr
        self.warmup_steps = warmup_steps
        self.epoch_losses = []

    def forward(self, tokens):
        h = self.encoder(self.embed(tokens) + self.position)
        return self.head(h.mean(dim=1))

    def training_step(self, batch, batch_idx):
        tokens, labels = batch
        loss = nn.functional.cross_entropy(self(tokens), labels)
        self.log("train_loss", loss)
        self.epoch_losses.append(loss.detach())
        return loss

    def on_train_batch_start(self, batch, batch_idx):
        if self.current_epoch == 1 and batch_idx == 5:
            return -1
        return None

    def on_before_backward(self, loss):
        self.log("loss_before_backward", loss.detach())

    def on_after_backward(self):
        norms = [p.grad.detach().norm() for p in self.parameters() if p.grad is not None]
        self.log("grad_norm_total", torch.stack(norms).norm())

    def on_before_optimizer_step(self, optimizer):
        self.log_dict(grad_norm(self.head, norm_type=2))

    def optimizer_zero_grad(self, epoch, batch_idx, optimizer):
        optimizer.zero_grad(set_to_none=False)

    def optimizer_step(self, epoch, batch_idx, optimizer, optimizer_closure):
        scale = min(1.0, float(self.trainer.global_step + 1) / self.warmup_steps)
        for group in optimizer.param_groups:
            group["lr"] = scale * self.lr
        optimizer.step(closure=optimizer_closure)

    def configure_gradient_clipping(self, optimizer, gradient_clip_val=None, gradient_clip_algorithm=None):
        self.clip_gradients(optimizer, gradient_clip_val=1.0, gradient_clip_algorithm="norm")

    def on_train_epoch_end(self):
        self.log("epoch_mean_loss", torch.stack(self.epoch_losses).mean())
        self.epoch_losses.clear()

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.lr, momentum=0.9)


tokens = torch.randint(0, VOCAB, (96, LENGTH))
labels = ((tokens == 1).sum(1) > (tokens == 2).sum(1)).long()
loader = DataLoader(TensorDataset(tokens, labels), batch_size=12, shuffle=True)
layer = nn.TransformerEncoderLayer(d_model=DIM, nhead=4, dim_feedforward=64, dropout=0.1, batch_first=True)
model = TokenClassifier(nn.TransformerEncoder(layer, num_layers=2))
trainer = L.Trainer(max_epochs=3, log_every_n_steps=4, accelerator="cpu", devices=1, enable_progress_bar=False)
trainer.fit(model, loader)
