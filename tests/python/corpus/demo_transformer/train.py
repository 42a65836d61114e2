# Harness entry (not a published script): the LightningModule, Dataset and DataLoader are Lightning 2.2.5's
# own lightning.pytorch.demos.LightningTransformer / WikiText2, imported unchanged; this short driver was
# written for the corpus. Data: the demo downloads WikiText-2 into ./data/wikitext-2.txt unless that file
# exists; the checked-in data/wikitext-2.txt (made by make_data.py) stands in for it, so nothing downloads.
# Sizes: vocabulary from the local text (~150 words), one epoch of 44 batches of one sequence each.
import lightning as L
from lightning.pytorch.demos import LightningTransformer, WikiText2

L.seed_everything(42)

dataset = WikiText2()
model = LightningTransformer(vocab_size=dataset.vocab_size)
trainer = L.Trainer(max_epochs=1, accelerator="cpu", devices=1, enable_progress_bar=False)
trainer.fit(model)
