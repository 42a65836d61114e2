"""Records what real Lightning 2.2.5 does with one corpus entry's training script.

usage:  ../shared/lightning-2.2.5/run.sh tests/python/corpus/record.py ENTRY_DIR [--out FILE]

Runs ENTRY_DIR/train.py unchanged, as `python train.py [args]` would: runpy.run_path(run_name="__main__")
with cwd = ENTRY_DIR, sys.path[0] = ENTRY_DIR and sys.argv = ["train.py"] + the words of ENTRY_DIR/args.txt
(if present). Before that it imports `lightning_compat` (on PYTHONPATH under run.sh: the one runtime patch
torch 1.13 needs) and patches the Trainer class of `lightning.pytorch` (and of `pytorch_lightning`, if that
imports):
  - Trainer.__init__ appends one recording Callback to trainer.callbacks;
  - Trainer.fit, after the original returns, appends that fit's record and writes the output file.

The recording callback only reads: it draws from no generator, logs nothing, keeps no state_dict (so
checkpoints are unchanged) and touches no tensor in place. Per training batch it keeps epoch, batch_idx,
global_step after the batch and the loss Lightning reports to on_train_batch_end (`outputs["loss"]`: the
training_step loss / accumulate_grad_batches, detached; None when training_step returned None), as a float
repr and as the hex of its raw bytes with its dtype. Per fit it keeps the end state, the three metric dicts
and a sha256 of every parameter. Output (default ENTRY_DIR/reference.json) is pretty-printed with sorted
keys and holds nothing that varies between runs (no times, no absolute paths).
"""
import argparse
import hashlib
import json
import os
import runpy
import shlex
import sys

import lightning_compat  # noqa: F401  (torch 1.13 runtime patch; imports torch and lightning.pytorch)
import torch

SCHEMA = 1


def tensor_hex(t):
    """(hex of the raw bytes, dtype name) of a tensor, read without any computation on it."""
    t = t.detach().cpu().contiguous()
    try:
        raw = t.numpy().tobytes()
    except TypeError:  # bfloat16 and other dtypes numpy lacks: reinterpret the bytes as uint8
        raw = t.reshape(-1).view(torch.uint8).numpy().tobytes()
    return raw.hex(), str(t.dtype).replace("torch.", "")


def number(value):
    """A metric value as a float repr (tensors of one element and Python numbers), else its repr."""
    if isinstance(value, torch.Tensor):
        if value.numel() == 1:
            return repr(float(value.detach().cpu().reshape(())))
        return repr(value.detach().cpu().tolist())
    if isinstance(value, (int, float)):
        return repr(float(value))
    return repr(value)


def metrics(d):
    return {str(k): number(v) for k, v in d.items()}


def parameters(module):
    rows, whole = [], hashlib.sha256()
    for name, p in module.named_parameters():
        t = p.detach().cpu().contiguous()
        try:
            raw = t.numpy().tobytes()
        except TypeError:
            raw = t.reshape(-1).view(torch.uint8).numpy().tobytes()
        whole.update(raw)
        rows.append({"name": name, "shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""),
                     "sha256": hashlib.sha256(raw).hexdigest()})
    return rows, whole.hexdigest()


def make_callback_class(callback_base):
    class StepwiseCorpusRecorder(callback_base):
        """Reads what Lightning passes to on_train_batch_end; changes nothing."""

        def __init__(self):
            super().__init__()
            self.batches = []

        def on_fit_start(self, trainer, pl_module):
            self.batches = []

        def on_train_batch_end(self, trainer, pl_module, outputs, batch, batch_idx):
            loss = None
            keys = None
            if isinstance(outputs, dict):
                keys = sorted(str(k) for k in outputs)
                loss = outputs.get("loss")
            elif isinstance(outputs, torch.Tensor):
                loss = outputs
            row = {"epoch": trainer.current_epoch, "batch_idx": batch_idx, "global_step": trainer.global_step,
                   "output_keys": keys}
            if loss is None:
                row.update(loss=None, loss_hex=None, loss_dtype=None)
            else:
                row["loss"] = number(loss)
                row["loss_hex"], row["loss_dtype"] = tensor_hex(loss)
            self.batches.append(row)

    return StepwiseCorpusRecorder


class Recorder:
    def __init__(self, out_path, entry, with_callback=True, no_validation=False):
        self.out_path = out_path
        self.entry = entry
        self.with_callback = with_callback
        self.no_validation = no_validation
        self.fits = []
        self.notes = []

    def patch(self, package_name):
        try:
            package = __import__(package_name, fromlist=["Trainer", "Callback"])
        except ImportError as exc:
            self.notes.append(f"{package_name} not importable: {type(exc).__name__}")
            return
        trainer_cls, callback_cls = package.Trainer, package.Callback
        recording_cls = make_callback_class(callback_cls)
        recorder = self
        original_init, original_fit = trainer_cls.__init__, trainer_cls.fit

        def __init__(trainer, *args, **kwargs):
            if recorder.no_validation:  # probe only: the same run with validation switched off
                kwargs["limit_val_batches"] = 0
                kwargs["num_sanity_val_steps"] = 0
            original_init(trainer, *args, **kwargs)
            if recorder.with_callback:
                trainer.callbacks.append(recording_cls())

        def fit(trainer, *args, **kwargs):
            result = original_fit(trainer, *args, **kwargs)
            recorder.record_fit(package_name, trainer, [c for c in trainer.callbacks if isinstance(c, recording_cls)])
            return result

        trainer_cls.__init__, trainer_cls.fit = __init__, fit

    def record_fit(self, package_name, trainer, callbacks):
        module = trainer.lightning_module
        rows, whole = parameters(module)
        state = trainer.state
        self.fits.append({
            "package": package_name,
            "module_class": type(module).__name__,
            "batches": callbacks[0].batches if callbacks else None,
            "end": {
                "global_step": trainer.global_step,
                "current_epoch": trainer.current_epoch,
                "status": str(state.status.value if hasattr(state.status, "value") else state.status),
                "stage": None if state.stage is None else str(getattr(state.stage, "value", state.stage)),
                "fn": None if state.fn is None else str(getattr(state.fn, "value", state.fn)),
            },
            "callback_metrics": metrics(trainer.callback_metrics),
            "logged_metrics": metrics(trainer.logged_metrics),
            "progress_bar_metrics": metrics(trainer.progress_bar_metrics),
            "parameters": rows,
            "parameters_sha256": whole,
        })
        self.write()

    def write(self):
        import lightning
        doc = {
            "schema": SCHEMA,
            "entry": self.entry,
            "torch_version": torch.__version__,
            "lightning_version": lightning.__version__,
            "notes": self.notes,
            "fits": self.fits,
        }
        with open(self.out_path, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=2, sort_keys=True)
            f.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("entry_dir")
    parser.add_argument("--out", help="output file (default ENTRY_DIR/reference.json)")
    parser.add_argument("--no-callback", action="store_true",
                        help="probe: add no recording callback (only the end-of-fit record), to check that "
                             "the callback changes nothing")
    parser.add_argument("--no-validation", action="store_true",
                        help="probe: force limit_val_batches=0 and num_sanity_val_steps=0, to find out "
                             "whether validation changes the training run")
    opts = parser.parse_args()

    entry_dir = os.path.abspath(opts.entry_dir)
    script = os.path.join(entry_dir, "train.py")
    out_path = os.path.abspath(opts.out) if opts.out else os.path.join(entry_dir, "reference.json")
    args_file = os.path.join(entry_dir, "args.txt")
    args = []
    if os.path.exists(args_file):
        with open(args_file, encoding="utf-8") as f:
            args = shlex.split(f.read(), comments=True)

    if (opts.no_callback or opts.no_validation) and not opts.out:
        parser.error("the probes need --out (they must not overwrite reference.json)")
    recorder = Recorder(out_path, os.path.basename(entry_dir), with_callback=not opts.no_callback,
                        no_validation=opts.no_validation)
    recorder.patch("lightning.pytorch")
    recorder.patch("pytorch_lightning")

    os.chdir(entry_dir)
    sys.argv = ["train.py"] + args
    sys.path.insert(0, entry_dir)
    runpy.run_path(script, run_name="__main__")
    if not recorder.fits:
        sys.exit(f"record.py: {script} finished without a Trainer.fit call")
    recorder.write()


if __name__ == "__main__":
    main()
