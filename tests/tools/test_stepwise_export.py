#!/usr/bin/python3
"""stepwise-export as a user runs it, on LightningModule-shaped classes, with Debian's python3-torch.

Each test writes a small package of user code into a temporary folder, runs the exporter there as a
command, and checks what it wrote or what it said. The round trip loads the export in the engine
(stepwise-run) and requires the losses the module itself computes. With a real Lightning on
PYTHONPATH (STEPWISE_LIGHTNING_PATH, or ../shared/lightning-2.2.5 beside the repository) one more
test exports a real LightningModule and compares Stepwise's run with Lightning's, batch by batch.

Environment (ctest sets both): STEPWISE_RUN, the stepwise-run binary; STEPWISE_EXPORT, the tool.
"""
import csv
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
EXPORT = os.environ.get("STEPWISE_EXPORT", os.path.join(ROOT, "tools", "stepwise_export.py"))
RUN = os.environ.get("STEPWISE_RUN", os.path.join(ROOT, "build", "core", "stepwise-run"))


def load_json(path):
    with open(path) as f:
        return json.load(f)


def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def read_text(path):
    with open(path) as f:
        return f.read()

MODULE = '''
import torch
import torch.nn.functional as F
from typing import Dict, Tuple
from torch import Tensor


class Regressor(torch.nn.Module):
    """Shaped like a LightningModule: training_step and configure_optimizers, no Lightning needed."""

    def __init__(self, hidden: int = 4):
        super().__init__()
        torch.manual_seed(5)
        self.net = torch.nn.Sequential(torch.nn.Linear(3, hidden), torch.nn.Tanh(), torch.nn.Linear(hidden, 1))
        self.double()

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)

    def training_step(self, batch: Tuple[Tensor, Tensor], batch_idx: int) -> Dict[str, Tensor]:
        x, y = batch
        pred = self(x)
        return {"loss": F.mse_loss(pred, y), "mae": F.l1_loss(pred, y).detach()}

    def configure_optimizers(self):
        opt = torch.optim.SGD(self.parameters(), lr=0.05, momentum=0.9, weight_decay=0.01)
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        return {"optimizer": opt, "lr_scheduler": {"scheduler": sched, "interval": "step"}}
'''

DATA = '''
import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset


def tensors():
    g = torch.Generator().manual_seed(1)
    x = torch.randn(20, 3, generator=g, dtype=torch.float64)
    return x, x @ torch.tensor([[1.0], [-2.0], [0.5]], dtype=torch.float64) + 0.3


def loader():
    return DataLoader(TensorDataset(*tensors()), batch_size=6, shuffle=False)


def shuffled():
    return DataLoader(TensorDataset(*tensors()), batch_size=4, shuffle=True, drop_last=True)


class Pairs(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return torch.zeros(3), torch.zeros(1)


def not_tensors():
    return DataLoader(Pairs(), batch_size=2)


def three_tensors():
    x, y = tensors()
    return DataLoader(TensorDataset(x, y, y), batch_size=2)
'''


class Export(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.write("usercode/__init__.py", "")
        self.write("usercode/model.py", MODULE)
        self.write("usercode/data.py", DATA)

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(textwrap.dedent(text))
        return path

    def export(self, *args, env=None):
        return subprocess.run([sys.executable, EXPORT, *args], cwd=self.dir, capture_output=True, text=True,
                              timeout=300, env=env)

    def refused(self, *args):
        r = self.export(*args, "-o", "refused")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "refused")), "nothing is written when it is refused")
        return r.stderr

    def test_the_export_runs_in_stepwise_with_the_modules_own_losses(self):
        r = self.export("usercode.model:Regressor", "--data", "usercode.data:loader",
                        "--trainer", '{"max_epochs": 2, "accumulate_grad_batches": 2}', "-o", "out")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("stepwise out/config.json", r.stdout)
        config = load_json(os.path.join(self.dir, "out", "config.json"))
        self.assertEqual(config["model"], {"torchscript": "model.pt"})
        self.assertEqual(config["data"], {"file": "data.pt"})
        self.assertEqual((config["batch_size"], config["shuffle"], config["drop_last"], config["seed"]),
                         (6, False, False, 0))
        self.assertEqual(config["optimizer"], {"name": "sgd", "lr": 0.05, "momentum": 0.9, "dampening": 0,
                                               "weight_decay": 0.01, "nesterov": False})
        self.assertEqual(config["lr_scheduler"], {"name": "StepLR", "step_size": 2, "gamma": 0.5,
                                                  "interval": "step", "frequency": 1})
        self.assertEqual(config["trainer"], {"max_epochs": 2, "accumulate_grad_batches": 2})

        table = os.path.join(self.dir, "batches.csv")
        run = subprocess.run([RUN, os.path.join(self.dir, "out", "config.json"), "--csv", table, "--quiet"],
                             capture_output=True, text=True, timeout=300)
        self.assertEqual(run.returncode, 0, run.stderr)
        rows = read_csv(table)
        self.assertEqual(len(rows), 8)  # 4 batches (6, 6, 6, 2) x 2 epochs

        # The same training in plain torch, as Lightning runs it: loss / 2 backward, a step (and the
        # StepLR step) every second batch and on the epoch's last, zero_grad after it.
        import torch
        sys.path.insert(0, self.dir)
        from usercode.data import tensors
        from usercode.model import Regressor
        model = Regressor()
        opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=0.01)
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        x, y = tensors()
        want = []
        for epoch in range(2):
            for i in range(4):
                out = model.training_step((x[6 * i:6 * i + 6], y[6 * i:6 * i + 6]), i)
                want.append((out["loss"].item(), out["mae"].item()))
                (out["loss"] / 2).backward()
                if i % 2 == 1:
                    opt.step()
                    opt.zero_grad()
                    sched.step()
        for row, (loss, mae) in zip(rows, want):
            self.assertAlmostEqual(float(row["loss_raw"]), loss, delta=1e-12 * max(1.0, abs(loss)))
            self.assertAlmostEqual(float(row["mae"]), mae, delta=1e-12 * max(1.0, abs(mae)))
        self.assertEqual([r["stepped"] for r in rows], ["False", "True"] * 4)

    def test_a_training_step_without_types_gets_the_batch_stepwise_passes(self):
        self.write("usercode/untyped.py", MODULE.replace(
            "def training_step(self, batch: Tuple[Tensor, Tensor], batch_idx: int) -> Dict[str, Tensor]:",
            "def training_step(self, batch, batch_idx):"))
        r = self.export("usercode.untyped:Regressor", "--data", "usercode.data:loader",
                        "--trainer", '{"max_epochs": 1}', "-o", "out")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("training_step's batch has no type: exported as Tuple[Tensor, Tensor]", r.stderr)
        run = subprocess.run([RUN, os.path.join(self.dir, "out", "config.json"), "--quiet"],
                             capture_output=True, text=True, timeout=300)
        self.assertEqual(run.returncode, 0, run.stderr)

    def test_shuffle_drop_last_and_the_seed_come_from_the_dataloader_and_the_command(self):
        r = self.export("usercode.model:Regressor", "--data", "usercode.data:shuffled", "--seed", "42", "-o", "out")
        self.assertEqual(r.returncode, 0, r.stderr)
        config = load_json(os.path.join(self.dir, "out", "config.json"))
        self.assertEqual((config["batch_size"], config["shuffle"], config["drop_last"], config["seed"]),
                         (4, True, True, 42))
        import torch
        data = torch.load(os.path.join(self.dir, "out", "data.pt"))
        self.assertEqual(sorted(data), ["x", "y"])
        self.assertEqual((tuple(data["x"].shape), tuple(data["y"].shape)), ((20, 3), (20, 1)))

    def test_a_training_step_that_calls_self_log_is_refused_with_its_line_and_what_to_return(self):
        path = self.write("usercode/logging_model.py", MODULE.replace(
            '        pred = self(x)\n',
            '        pred = self(x)\n        self.log("train_mae", F.l1_loss(pred, y))\n'))
        self.write("usercode/logging_model.py", read_text(path).replace("class Regressor", "class Logged"))
        line = read_text(path).splitlines().index('        self.log("train_mae", F.l1_loss(pred, y))') + 1
        err = self.refused("usercode.logging_model:Logged", "--data", "usercode.data:loader")
        self.assertIn(f"{path}:{line}: training_step calls self.log(...)", err)
        self.assertIn('return {"loss": loss, "train_mae": train_mae.detach()}', err)

    def test_what_torchscript_cannot_compile_is_reported_with_the_line_in_the_users_file(self):
        path = self.write("usercode/bad_model.py", MODULE.replace(
            '        pred = self(x)\n', '        pred = self(x)\n        pred = pred.numpy_only_in_python()\n'))
        err = self.refused("usercode.bad_model:Regressor", "--data", "usercode.data:loader")
        self.assertIn("TorchScript cannot compile Regressor", err)
        self.assertIn(path, err)
        self.assertIn("numpy_only_in_python", err)

    def test_trainer_arguments_stepwise_does_not_model_are_refused_by_name(self):
        err = self.refused("usercode.model:Regressor", "--data", "usercode.data:loader",
                           "--trainer", '{"max_epochs": 1, "overfit_batches": 2}')
        self.assertIn("Trainer argument overfit_batches is not modelled by Stepwise", err)
        err = self.refused("usercode.model:Regressor", "--data", "usercode.data:loader",
                           "--trainer", '{"precision": "16-mixed"}')
        self.assertIn("precision='16-mixed' is not modelled", err)
        err = self.refused("usercode.model:Regressor", "--data", "usercode.data:loader", "--trainer", "{oops")
        self.assertIn("--trainer is not valid JSON", err)
        r = self.export("usercode.model:Regressor", "--data", "usercode.data:loader",
                        "--trainer", '{"enable_progress_bar": false}', "-o", "out")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("enable_progress_bar changes nothing Stepwise shows", r.stderr)

    def test_a_dataset_that_is_not_a_pair_of_tensors_is_refused(self):
        err = self.refused("usercode.model:Regressor", "--data", "usercode.data:not_tensors")
        self.assertIn("the dataset is a Pairs, not a pair of tensors", err)
        err = self.refused("usercode.model:Regressor", "--data", "usercode.data:three_tensors")
        self.assertIn("a TensorDataset of 3 tensors", err)
        err = self.refused("usercode.model:Regressor")
        self.assertIn("no data: give --data", err)

    def test_data_made_in_setup_is_exported_and_a_hook_that_raises_is_named_without_a_traceback(self):
        # Lightning's order: prepare_data(), setup("fit"), then train_dataloader().
        self.write("usercode/setup_model.py", """
            import torch
            from torch.utils.data import DataLoader, TensorDataset
            from usercode.model import Regressor
            from usercode.data import tensors

            class MadeInSetup(Regressor):
                def prepare_data(self):
                    self.prepared = True

                def setup(self, stage):
                    assert self.prepared and stage == "fit"
                    self.train_set = TensorDataset(*tensors())

                def train_dataloader(self):
                    return DataLoader(self.train_set, batch_size=5)

            class SetupRaises(Regressor):
                def setup(self, stage):
                    raise KeyError("no such split")

                def train_dataloader(self):
                    return DataLoader(self.train_set, batch_size=5)
        """)
        r = self.export("usercode.setup_model:MadeInSetup", "-o", "made")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(load_json(os.path.join(self.dir, "made", "config.json"))["batch_size"], 5)
        err = self.refused("usercode.setup_model:SetupRaises")
        self.assertIn("the module.setup('fit') raised KeyError: 'no such split' (", err)
        self.assertIn("setup_model.py:", err)
        self.assertIn("stepwise-run train.py", err)
        self.assertNotIn("Traceback", err)

    def test_optimizers_and_schedulers_are_exported_with_their_options_or_refused(self):
        adam = MODULE.replace(
            "opt = torch.optim.SGD(self.parameters(), lr=0.05, momentum=0.9, weight_decay=0.01)",
            "opt = torch.optim.Adam(self.parameters(), lr=0.01, betas=(0.8, 0.99), weight_decay=0.1)").replace(
            "sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)",
            "sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=8, pct_start=0.25, "
            "div_factor=5.0, final_div_factor=100.0)")
        self.write("usercode/adam_model.py", adam)
        r = self.export("usercode.adam_model:Regressor", "--data", "usercode.data:loader",
                        "--trainer", '{"max_epochs": 2}', "-o", "out")  # 8 steps: OneCycleLR's total
        self.assertEqual(r.returncode, 0, r.stderr)
        config = load_json(os.path.join(self.dir, "out", "config.json"))
        # OneCycleLR set lr to max_lr / div_factor and beta1 to max_momentum when it was built; Stepwise's
        # OneCycleLR does the same from the config, so what the group holds is what the run starts with.
        self.assertEqual(config["optimizer"], {"name": "adam", "lr": 0.02, "betas": [0.95, 0.99], "eps": 1e-08,
                                               "weight_decay": 0.1, "amsgrad": False})
        sched = config["lr_scheduler"]
        self.assertEqual((sched["name"], sched["total_steps"], sched["interval"], sched["three_phase"]),
                         ("OneCycleLR", 8, "step", False))
        for key, value in {"max_lr": 0.1, "pct_start": 0.25, "div_factor": 5.0, "final_div_factor": 100.0,
                           "base_momentum": 0.85, "max_momentum": 0.95}.items():
            self.assertAlmostEqual(sched[key], value, places=12, msg=key)
        run = subprocess.run([RUN, os.path.join(self.dir, "out", "config.json"), "--quiet"],
                             capture_output=True, text=True, timeout=300)
        self.assertEqual(run.returncode, 0, run.stderr)

        self.write("usercode/maximize.py", MODULE.replace("weight_decay=0.01)", "weight_decay=0.01, maximize=True)"))
        err = self.refused("usercode.maximize:Regressor", "--data", "usercode.data:loader")
        self.assertIn("the optimizer's option maximize=True is not modelled by Stepwise", err)
        self.write("usercode/groups.py", MODULE.replace(
            "torch.optim.SGD(self.parameters(),",
            "torch.optim.SGD([{'params': self.net[0].parameters()}, {'params': self.net[2].parameters()}],"))
        err = self.refused("usercode.groups:Regressor", "--data", "usercode.data:loader")
        self.assertIn("the optimizer has 2 parameter groups", err)
        self.write("usercode/plateau.py", MODULE.replace(
            "torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)",
            "torch.optim.lr_scheduler.ReduceLROnPlateau(opt)"))
        err = self.refused("usercode.plateau:Regressor", "--data", "usercode.data:loader")
        self.assertIn("the lr scheduler is ReduceLROnPlateau: Stepwise models StepLR", err)
        self.write("usercode/other.py", MODULE.replace(
            "torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)",
            "torch.optim.lr_scheduler.StepLR(torch.optim.SGD(self.parameters(), lr=1.0), step_size=2)"))
        err = self.refused("usercode.other:Regressor", "--data", "usercode.data:loader")
        self.assertIn("the lr scheduler was built on another optimizer", err)

    def test_bad_names_say_what_is_wrong(self):
        self.assertIn("write it as module.path:Name", self.refused("usercode.model.Regressor"))
        self.assertIn("cannot import usercode.nothing", self.refused("usercode.nothing:Regressor"))
        self.assertIn("usercode.model has no Missing", self.refused("usercode.model:Missing"))

    def test_help_lists_every_option(self):
        r = self.export("--help")
        self.assertEqual(r.returncode, 0)
        for option in ("--data", "--init-args", "--trainer", "--seed", "--output", "--version"):
            self.assertIn(option, r.stdout)


def lightning_path():
    path = os.environ.get("STEPWISE_LIGHTNING_PATH")
    if path:
        return path
    shared = os.path.join(os.path.dirname(ROOT), "shared", "lightning-2.2.5")
    if os.path.isdir(shared):
        src = os.path.join(shared, "src")
        return os.pathsep.join([os.path.join(src, "lightning-2.2.5", "src"),
                                os.path.join(src, "lightning-utilities-0.10.1", "src"),
                                os.path.join(src, "torchmetrics-1.2.1", "src"), shared])
    return None


def lightning_importable():
    """Lightning's own imports (fsspec, tqdm, ...) must be there too, or the test cannot say anything."""
    path = lightning_path()
    if not path:
        return False
    r = subprocess.run([sys.executable, "-c", "import lightning.pytorch"], capture_output=True, timeout=300,
                       env=dict(os.environ, PYTHONPATH=path))
    return r.returncode == 0


LIT_MODULE = '''
try:
    import lightning_compat  # noqa: F401  (the shared runtime's patch for torch 1.13 on Python 3.11)
except ImportError:
    pass
import torch
import torch.nn.functional as F
import lightning.pytorch as pl
from typing import Dict, Tuple
from torch import Tensor


class Lit(pl.LightningModule):
    def __init__(self):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 1))
        self.double()

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x)

    def training_step(self, batch: Tuple[Tensor, Tensor], batch_idx: int) -> Dict[str, Tensor]:
        x, y = batch
        return {"loss": F.mse_loss(self(x), y)}

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.05, momentum=0.9)
'''

LIT_TRAIN = '''
import json, sys, torch
import lightning.pytorch as pl
sys.path.insert(0, ".")
from usercode.lit import Lit
from usercode.data import shuffled
losses = []
class Keep(pl.Callback):
    def on_train_batch_end(self, trainer, module, outputs, batch, batch_idx):
        losses.append(outputs["loss"].item())
torch.manual_seed(0)
model = Lit()
torch.save(model.state_dict(), "initial.pt")
pl.seed_everything(7)
pl.Trainer(max_epochs=2, accumulate_grad_batches=2, logger=False, enable_checkpointing=False,
           enable_progress_bar=False, enable_model_summary=False, accelerator="cpu", devices=1,
           callbacks=[Keep()]).fit(model, shuffled())
json.dump(losses, open("lightning.json", "w"))
'''


@unittest.skipUnless(lightning_importable(), "no importable Lightning here (set STEPWISE_LIGHTNING_PATH)")
class ExportRealLightning(Export.__base__):
    def test_a_real_lightning_module_trains_in_stepwise_as_in_lightning(self):
        with tempfile.TemporaryDirectory() as d:
            self.dir = d
            Export.write(self, "usercode/__init__.py", "")
            Export.write(self, "usercode/data.py", DATA)
            Export.write(self, "usercode/lit.py", LIT_MODULE)
            env = dict(os.environ, PYTHONPATH=lightning_path())
            r = subprocess.run([sys.executable, "-c", LIT_TRAIN], cwd=d, capture_output=True, text=True,
                               timeout=600, env=env)
            self.assertEqual(r.returncode, 0, r.stderr)
            # The same initial parameters: Lit() right after torch.manual_seed(0), as the exporter's --seed 0.
            r = subprocess.run([sys.executable, EXPORT, "usercode.lit:Lit", "--data", "usercode.data:shuffled",
                                "--seed", "0", "--trainer", '{"max_epochs": 2, "accumulate_grad_batches": 2}',
                                "-o", "out"], cwd=d, capture_output=True, text=True, timeout=300, env=env)
            self.assertEqual(r.returncode, 0, r.stderr)
            config_path = os.path.join(d, "out", "config.json")
            config = load_json(config_path)
            config["seed"] = 7  # Lightning's seed_everything(7) before fit
            with open(config_path, "w") as f:
                json.dump(config, f)
            table = os.path.join(d, "batches.csv")
            run = subprocess.run([RUN, config_path, "--csv", table, "--quiet"], capture_output=True, text=True,
                                 timeout=300)
            self.assertEqual(run.returncode, 0, run.stderr)
            ours = [float(row["loss"]) for row in read_csv(table)]  # ÷ N, as outputs["loss"]
            self.assertEqual(ours, load_json(os.path.join(d, "lightning.json")))


if __name__ == "__main__":
    unittest.main(verbosity=2)
