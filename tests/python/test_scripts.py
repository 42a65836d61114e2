"""stepwise-run SCRIPT.py as a user runs it: the user's own Lightning script, unchanged, in Python
embedded in Stepwise, against the same script under python3 with real Lightning 2.2.5.

Run by CTest with STEPWISE_RUN (the binary). The Lightning runtime is ../shared/lightning-2.2.5 (or
$STEPWISE_LIGHTNING); without it every test here is skipped, and says why.
"""
import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus"))
from check import lightning_runtime, python_path  # noqa: E402

RUNTIME = lightning_runtime()
STEPWISE_RUN = os.path.abspath(os.environ.get("STEPWISE_RUN", "stepwise-run"))

# A script as users write them: seeded once, a LightningModule, a DataLoader, Trainer.fit, then code
# that reads what fit left. MODE (argv[1]) picks what training_step does wrong, if anything. It ends by
# printing one JSON line with what the Trainer holds and a sha256 per parameter.
SCRIPT = textwrap.dedent('''
    import hashlib, json, sys
    import torch
    from torch.utils.data import DataLoader, Dataset
    import lightning_compat  # noqa: F401  (torch 1.13 on Python 3.11, as under run.sh)
    import lightning.pytorch as pl

    MODE = sys.argv[1] if len(sys.argv) > 1 else "ok"

    class Pairs(Dataset):
        def __init__(self, n):
            self.x = torch.randn(n, 4)
            self.y = self.x.sum(1, keepdim=True) + 0.1 * torch.randn(n, 1)
        def __len__(self):
            return len(self.x)
        def __getitem__(self, i):
            return {"x": self.x[i], "y": self.y[i]}

    class Recorder(pl.Callback):
        def __init__(self):
            self.seen = []
        def on_train_batch_end(self, trainer, module, outputs, batch, batch_idx):
            self.seen.append([trainer.global_step, batch_idx, sorted(outputs)])

    class Model(pl.LightningModule):
        def __init__(self):
            super().__init__()
            self.net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Dropout(0.2), torch.nn.Linear(8, 1))
        def training_step(self, batch, batch_idx):
            loss = torch.nn.functional.mse_loss(self.net(batch["x"]), batch["y"])
            if MODE == "raise" and batch_idx == 2:
                raise ValueError(f"bad batch {batch_idx}")
            if MODE == "string":
                return "not a loss"
            if MODE == "stuck" and batch_idx == 1:
                while True:
                    try:
                        pass
                    except Exception:
                        pass
            if MODE == "none" and batch_idx % 3 == 1:
                return None
            if MODE == "warn" and batch_idx == 1:
                import warnings
                warnings.warn("this batch looks odd")
            self.log("train_loss", loss, prog_bar=True)
            return {"loss": loss, "size": batch["x"].shape[0]}
        def on_train_batch_start(self, batch, batch_idx):
            if MODE == "end_epoch" and batch_idx == 2:
                return -1
        def configure_optimizers(self):
            opt = torch.optim.SGD(self.parameters(), lr=0.05, momentum=0.9)
            sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
            return {"optimizer": opt, "lr_scheduler": {"scheduler": sched, "interval": "step"}}

    if MODE == "manual":
        Model.automatic_optimization = False

    pl.seed_everything(7)
    recorder = Recorder()
    trainer = pl.Trainer(max_epochs=2, accumulate_grad_batches=2, gradient_clip_val=0.5,
                         callbacks=[recorder], logger=False, enable_checkpointing=False,
                         enable_progress_bar=False, enable_model_summary=False)
    model = Model()
    trainer.fit(model, DataLoader(Pairs(40), batch_size=8, shuffle=True))
    print(json.dumps({
        "global_step": trainer.global_step, "current_epoch": trainer.current_epoch,
        "state": str(trainer.state.status), "seen": recorder.seen,
        "callback_metrics": {k: float(v) for k, v in trainer.callback_metrics.items()},
        "progress_bar_metrics": {k: float(v) for k, v in trainer.progress_bar_metrics.items()},
        "lr": trainer.optimizers[0].param_groups[0]["lr"],
        "parameters": {n: hashlib.sha256(p.detach().numpy().tobytes()).hexdigest()
                       for n, p in model.named_parameters()},
    }))
''')


# A Dataset that draws in its workers (each seeded by torch from the base seed the DataLoader's
# iterator draws), num_workers=2, started by fork (Linux's default) or by spawn (argv[2]).
WORKERS = textwrap.dedent('''
    import hashlib, json, sys
    import torch
    from torch.utils.data import DataLoader, Dataset
    import lightning_compat  # noqa: F401
    import lightning.pytorch as pl

    class Noisy(Dataset):
        def __len__(self):
            return 48
        def __getitem__(self, i):
            return torch.randn(4), torch.randn(1)

    class Model(pl.LightningModule):
        def __init__(self):
            super().__init__()
            self.layer = torch.nn.Linear(4, 1)
        def training_step(self, batch, batch_idx):
            x, y = batch
            return torch.nn.functional.mse_loss(self.layer(x), y)
        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=0.1)

    if __name__ == "__main__":
        pl.seed_everything(3)
        model = Model()
        loader = DataLoader(Noisy(), batch_size=8, num_workers=2, multiprocessing_context=sys.argv[1])
        pl.Trainer(max_epochs=2, logger=False, enable_checkpointing=False, enable_progress_bar=False,
                   enable_model_summary=False).fit(model, loader)
        print(json.dumps({n: hashlib.sha256(p.detach().numpy().tobytes()).hexdigest()
                          for n, p in model.named_parameters()}))
''')


# self.log in every training-hook form: on_step only (the default), on_step and on_epoch (names forked
# into _step / _epoch), on_epoch only with reduce_fx="max", prog_bar, logger=False, an explicit
# batch_size, and a torchmetrics Metric object; accumulation, so the loggers skip accumulating
# batches; log_every_n_steps=2; Lightning's own CSVLogger in ./logs. It prints the three dicts fit
# leaves.
METRICS = textwrap.dedent('''
    import json
    import torch
    import torchmetrics
    import lightning_compat  # noqa: F401
    import lightning.pytorch as pl
    from lightning.pytorch.loggers import CSVLogger

    class Model(pl.LightningModule):
        def __init__(self):
            super().__init__()
            self.layer = torch.nn.Linear(4, 3)
            self.acc = torchmetrics.classification.MulticlassAccuracy(num_classes=3)
        def training_step(self, batch, batch_idx):
            x, y = batch
            logits = self.layer(x)
            loss = torch.nn.functional.cross_entropy(logits, y)
            self.acc(logits, y)
            self.log("train_loss", loss, prog_bar=True)
            self.log("both", loss * 2, on_step=True, on_epoch=True)
            self.log("peak", logits.max(), on_step=False, on_epoch=True, reduce_fx="max")
            self.log("weighted", loss, on_epoch=True, batch_size=len(x) + batch_idx)
            self.log("hidden", loss + 1, logger=False)
            self.log("acc", self.acc, on_step=True, on_epoch=True)
            return loss
        def on_train_epoch_end(self):
            self.log("epoch_mean_weight", self.layer.weight.mean())
        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=0.1)

    pl.seed_everything(5)
    x = torch.randn(40, 4)
    y = torch.randint(0, 3, (40,))
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=8, shuffle=True)
    trainer = pl.Trainer(max_epochs=3, accumulate_grad_batches=2, log_every_n_steps=2,
                         logger=CSVLogger("logs", name="run"), enable_checkpointing=False,
                         enable_progress_bar=False, enable_model_summary=False)
    trainer.fit(Model(), loader)
    print(json.dumps({name: {k: float(v) for k, v in getattr(trainer, name).items()}
                      for name in ("callback_metrics", "logged_metrics", "progress_bar_metrics")}))
''')


# Lightning's GradientAccumulationScheduler changes trainer.accumulate_grad_batches at each epoch's
# start (1, then 2, then 3): N-2 says every batch divides by the current value.
SCHEDULED_ACCUMULATION = textwrap.dedent('''
    import hashlib, json
    import torch
    import lightning_compat  # noqa: F401
    import lightning.pytorch as pl
    from lightning.pytorch.callbacks import GradientAccumulationScheduler

    class Model(pl.LightningModule):
        def __init__(self):
            super().__init__()
            self.layer = torch.nn.Linear(3, 1)
        def training_step(self, batch, batch_idx):
            x, y = batch
            return torch.nn.functional.mse_loss(self.layer(x), y)
        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=0.1, momentum=0.9)

    pl.seed_everything(11)
    data = torch.utils.data.TensorDataset(torch.randn(28, 3), torch.randn(28, 1))
    model = Model()
    trainer = pl.Trainer(max_epochs=3, callbacks=[GradientAccumulationScheduler({0: 1, 1: 2, 2: 3})],
                         logger=False, enable_checkpointing=False, enable_progress_bar=False,
                         enable_model_summary=False)
    trainer.fit(model, torch.utils.data.DataLoader(data, batch_size=4))
    print(json.dumps({"global_step": trainer.global_step,
                      "parameters": {n: hashlib.sha256(p.detach().numpy().tobytes()).hexdigest()
                                     for n, p in model.named_parameters()}}))
''')


@unittest.skipIf(RUNTIME is None, "no Lightning 2.2.5 runtime (../shared/lightning-2.2.5 or $STEPWISE_LIGHTNING)")
class UserScript(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.script = os.path.join(cls.tmp.name, "train.py")
        with open(cls.script, "w") as f:
            f.write(SCRIPT)
        cls.env = dict(os.environ, PYTHONPATH=python_path(RUNTIME))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def stepwise(self, *args, timeout=300):
        return subprocess.run([STEPWISE_RUN, *args], cwd=self.tmp.name, env=self.env,
                              capture_output=True, text=True, timeout=timeout)

    def traced(self, *args):
        """stepwise-run --quiet --trace on `args`: the run and every event of its trace."""
        with tempfile.TemporaryDirectory() as out:
            trace = os.path.join(out, "t.jsonl")
            run = self.stepwise("--quiet", "--trace", trace, *args)
            with open(trace) as f:
                return run, [json.loads(line) for line in f if line.startswith("{")]

    def lightning(self, *args):
        return subprocess.run(["/usr/bin/python3", *args], cwd=self.tmp.name, env=self.env,
                              capture_output=True, text=True, timeout=300)

    @staticmethod
    def summary(run):
        return json.loads([line for line in run.stdout.splitlines() if line.startswith("{")][-1])

    def assertSameAsLightning(self, mode):
        ours = self.stepwise("--quiet", self.script, mode)
        self.assertEqual(ours.returncode, 0, ours.stderr[-3000:])
        theirs = self.lightning(self.script, mode)
        self.assertEqual(theirs.returncode, 0, theirs.stderr[-3000:])
        self.assertEqual(self.summary(ours), self.summary(theirs))
        return self.summary(ours)

    def test_a_script_trains_as_under_lightning_and_fit_returns_what_lightning_leaves(self):
        # A dict batch from a Dataset class, dropout under a seed set once, accumulation with
        # clipping, a scheduler dict stepping per step, a callback, self.log with prog_bar.
        s = self.assertSameAsLightning("ok")
        self.assertEqual(s["global_step"], 6)
        self.assertEqual(s["current_epoch"], 2)
        self.assertEqual(s["state"], "TrainerStatus.FINISHED")
        self.assertIn("train_loss", s["progress_bar_metrics"])

    def test_self_log_reaches_the_loggers_and_the_trainers_dicts_as_under_lightning(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        path = os.path.join(folder.name, "log.py")
        with open(path, "w") as f:
            f.write(METRICS)

        def run(command):
            shutil.rmtree(os.path.join(folder.name, "logs"), ignore_errors=True)
            done = subprocess.run(command, cwd=folder.name, env=self.env, capture_output=True, text=True,
                                  timeout=300)
            self.assertEqual(done.returncode, 0, done.stderr[-3000:])
            with open(os.path.join(folder.name, "logs", "run", "version_0", "metrics.csv")) as f:
                return done, f.read()

        theirs, their_csv = run(["/usr/bin/python3", path])
        ours, our_csv = run([STEPWISE_RUN, "--csv", "table.csv", "--trace", "t.jsonl", path])
        # Lightning's own CSVLogger, inside Stepwise, writes the same file; fit leaves the same dicts.
        self.assertEqual(our_csv, their_csv)
        self.assertEqual(self.summary(ours), self.summary(theirs))
        # --csv: each name the loggers got, with the values they got, in order.
        logged = {}
        for row in csv.DictReader(io.StringIO(their_csv)):
            for name, value in row.items():
                if name not in ("epoch", "step") and value != "":
                    logged.setdefault(name, []).append(float(value))
        with open(os.path.join(folder.name, "table.csv")) as f:
            table = list(csv.DictReader(f))
        for name, values in logged.items():
            self.assertEqual([float(r[name]) for r in table if r[name] != ""], values, name)
        self.assertNotIn("hidden", table[0])  # logger=False: not for the loggers
        # The trace: the step's values after each batch, the epoch's after each epoch, with the
        # dicts Lightning puts each name in; the last of each is what fit leaves.
        with open(os.path.join(folder.name, "t.jsonl")) as f:
            records = [json.loads(line)["metrics"] for line in f if '"type":"metrics"' in line]
        steps = [r for r in records if r["scope"] == "step"]
        epochs = [r for r in records if r["scope"] == "epoch"]
        self.assertEqual((len(steps), len(epochs)), (15, 3))
        step_names = {v["name"] for v in steps[0]["values"]}
        self.assertTrue({"train_loss", "both_step", "acc_step", "hidden"} <= step_names, step_names)
        epoch = {v["name"]: v for v in epochs[-1]["values"]}
        self.assertTrue({"both_epoch", "peak", "weighted", "acc_epoch", "epoch_mean_weight"} <= set(epoch))
        self.assertTrue(epoch["peak"]["logger"] and epoch["peak"]["callback"] and not epoch["peak"].get("prog_bar"))
        hidden = [v for v in steps[-1]["values"] if v["name"] == "hidden"][0]
        self.assertFalse(hidden.get("logger", False))
        self.assertTrue([v for v in steps[-1]["values"] if v["name"] == "train_loss"][0]["prog_bar"])
        fit = self.summary(theirs)
        for name, value in fit["logged_metrics"].items():
            if name in epoch:
                self.assertEqual(epoch[name]["value"], value, name)
        # The batch lines show the progress bar's values; an epoch line its logged ones.
        self.assertRegex(ours.stdout, r"global_step +1  step .*  train_loss=")
        self.assertRegex(ours.stdout, r"epoch 2 end .*peak=")

    def test_N2_a_callback_that_changes_accumulate_grad_batches_each_epoch_is_followed(self):
        path = os.path.join(self.tmp.name, "scheduled.py")
        with open(path, "w") as f:
            f.write(SCHEDULED_ACCUMULATION)
        run, events = self.traced(path)
        self.assertEqual(run.returncode, 0, run.stderr[-3000:])
        theirs = self.lightning(path)
        self.assertEqual(theirs.returncode, 0, theirs.stderr[-3000:])
        self.assertEqual(self.summary(run), self.summary(theirs))
        self.assertEqual(self.summary(run)["global_step"], 7 + 4 + 3)
        ends = [e for e in events if e["type"] == "batch_end"]
        self.assertEqual([e["accumulate_grad_batches"] for e in ends], [1] * 7 + [2] * 7 + [3] * 7)

    def test_run_end_gives_each_parameters_sha256_as_python_hashes_its_bytes(self):
        run, events = self.traced(self.script, "ok")
        self.assertEqual(run.returncode, 0, run.stderr[-3000:])
        end = [e for e in events if e["type"] == "run_end"][0]
        digests = {name: p["sha256"] for name, p in end["parameters"].items()}
        self.assertEqual(digests, self.summary(run)["parameters"])

    def test_a_dataloader_with_worker_processes_by_fork_or_spawn_trains_as_under_lightning(self):
        path = os.path.join(self.tmp.name, "workers.py")
        with open(path, "w") as f:
            f.write(WORKERS)
        for start in ("fork", "spawn"):
            ours = self.stepwise("--quiet", path, start)
            self.assertEqual(ours.returncode, 0, ours.stderr[-3000:])
            theirs = self.lightning(path, start)
            self.assertEqual(theirs.returncode, 0, theirs.stderr[-3000:])
            self.assertEqual(self.summary(ours), self.summary(theirs), start)

    def test_a_warning_raised_during_the_fit_is_a_warning_event_where_it_happened(self):
        run, events = self.traced(self.script, "warn")
        self.assertEqual(run.returncode, 0, run.stderr[-3000:])
        warnings = [e for e in events if e["type"] == "warning"]
        odd = [w for w in warnings if w["message"] == "this batch looks odd"]
        self.assertEqual(len(odd), 1)  # Python's filter: once per place
        self.assertEqual((odd[0]["exception_type"], odd[0]["epoch"], odd[0]["batch_idx"]), ("UserWarning", 0, 1))
        self.assertIn("UserWarning: this batch looks odd  [epoch 0, batch 1]", run.stderr)

    def test_R4_a_training_step_returning_None_on_some_batches_runs_as_under_lightning(self):
        self.assertSameAsLightning("none")

    def test_on_train_batch_start_returning_minus_one_ends_the_epoch(self):
        s = self.assertSameAsLightning("end_epoch")
        self.assertEqual([seen[1] for seen in s["seen"]], [0, 1, 0, 1])

    def test_options_before_the_script_are_stepwises_and_the_rest_the_scripts(self):
        run, events = self.traced(self.script, "ok", "--trace", "x")
        self.assertEqual(run.returncode, 0, run.stderr[-3000:])
        stages = {e.get("stage") for e in events if e.get("type") == "stage_exit"}
        for stage in ("training_step", "optimizer_zero_grad", "backward", "configure_gradient_clipping",
                      "optimizer_step", "lr_scheduler_step", "on_train_batch_end"):
            self.assertIn(stage, stages)
        start = [e for e in events if e.get("type") == "run_start"][0]
        self.assertEqual(start["config"]["model"], {"script": self.script, "args": ["ok", "--trace", "x"]})
        self.assertEqual(start["config"]["trainer"]["accumulate_grad_batches"], 2)

    def test_an_exception_in_training_step_is_that_stages_error_with_pythons_traceback(self):
        run, events = self.traced(self.script, "raise")
        errors = [e for e in events if e["type"] == "error"]
        self.assertEqual(run.returncode, 1)
        self.assertEqual(len(errors), 1)
        e = errors[0]
        self.assertEqual((e["stage"], e["exception_type"], e["message"]), ("training_step", "ValueError", "bad batch 2"))
        self.assertEqual(e["batch_idx"], 2)
        self.assertIn(f'File "{self.script}", line', e["traceback"])
        self.assertTrue(e["traceback"].rstrip().endswith("ValueError: bad batch 2"))
        # The script sees the exception come out of fit, as under Lightning, and Python prints it.
        self.assertIn("Traceback (most recent call last):", run.stderr)
        self.assertTrue(run.stderr.rstrip().endswith("ValueError: bad batch 2"), run.stderr[-500:])

    def test_R5_an_output_lightning_refuses_raises_its_misconfiguration_exception_into_the_script(self):
        run = self.stepwise("--quiet", self.script, "string")
        theirs = self.lightning(self.script, "string")
        self.assertEqual(run.returncode, 1)
        self.assertEqual(theirs.stderr.rstrip().splitlines()[-1], run.stderr.rstrip().splitlines()[-1])
        self.assertIn("In automatic optimization, `training_step` must return a Tensor, a dict, or None",
                      run.stderr)

    def test_manual_optimization_is_refused_with_a_message_that_names_it(self):
        run = self.stepwise("--quiet", self.script, "manual")
        self.assertEqual(run.returncode, 1)
        self.assertIn("manual optimization", run.stderr)

    def test_ctrl_c_stops_a_training_step_stuck_in_a_loop_within_a_second(self):
        proc = subprocess.Popen([STEPWISE_RUN, self.script, "stuck"], cwd=self.tmp.name, env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        line = ""
        while "batch   0" not in line and time.monotonic() < deadline:  # batch 0 printed: batch 1 is stuck
            line = proc.stdout.readline()
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        sent = time.monotonic()
        proc.communicate(timeout=30)
        self.assertLess(time.monotonic() - sent, 1.0)
        self.assertEqual(proc.returncode, 130)

    def test_a_script_that_never_calls_fit_fails_with_a_message(self):
        path = os.path.join(self.tmp.name, "nofit.py")
        with open(path, "w") as f:
            f.write("print('no fit here')\n")
        run = self.stepwise(path)
        self.assertEqual(run.returncode, 1)
        self.assertIn("the script ended without calling Trainer.fit", run.stderr)

    def test_a_syntax_error_is_pythons_message_with_status_1(self):
        path = os.path.join(self.tmp.name, "broken.py")
        with open(path, "w") as f:
            f.write("def f(:\n    pass\n")
        run = self.stepwise(path)
        self.assertEqual(run.returncode, 1)
        self.assertIn(f'File "{path}", line 1', run.stderr)
        self.assertIn("SyntaxError: invalid syntax", run.stderr)

    def test_a_missing_script_and_a_python_that_is_not_there_are_refused(self):
        run = self.stepwise("nothere.py")
        self.assertEqual(run.returncode, 2)
        self.assertIn("nothere.py: no such script", run.stderr)
        run = self.stepwise("--python", "/nonexistent/python3", self.script)
        self.assertEqual(run.returncode, 2)
        self.assertIn("stepwise-run:", run.stderr)


if __name__ == "__main__":
    if RUNTIME is None:
        print("no Lightning 2.2.5 runtime (../shared/lightning-2.2.5 or $STEPWISE_LIGHTNING): skipped")
        sys.exit(77)  # CTest: skipped
    unittest.main(verbosity=2)
