#!/usr/bin/python3
"""stepwise-export: from a LightningModule to a Stepwise run.

    stepwise-export my_pkg.module:MyLitModel --data my_pkg.data:make_dataloader \\
        --trainer '{"accumulate_grad_batches": 4}' -o run/

writes run/model.pt (the module scripted, training_step exported), run/data.pt (the dataset's two
tensors as {"x": X, "y": Y}) and run/config.json (the optimizer and its hyperparameters from
configure_optimizers(), the scheduler when there is one, the Trainer arguments Stepwise models,
batch size, shuffle, drop_last and seed), so that `stepwise run/config.json` steps it in the window
and `stepwise-run run/config.json` runs it headless. It needs torch; Lightning only when the module
is a real LightningModule. What cannot be exported is refused with a message that says what and how
to fix it; nothing is written then.
"""
import argparse
import ast
import importlib
import inspect
import json
import os
import sys
import textwrap

VERSION = "0.2.0"

# Trainer arguments Stepwise models, and those that change nothing Stepwise shows (logging,
# checkpoints, progress bars) and are accepted with a note.
TRAINER_MODELLED = ("max_epochs", "max_steps", "limit_train_batches", "accumulate_grad_batches",
                    "gradient_clip_val", "gradient_clip_algorithm")
TRAINER_IGNORED = ("logger", "enable_progress_bar", "enable_checkpointing", "enable_model_summary",
                   "log_every_n_steps", "default_root_dir", "callbacks", "num_sanity_val_steps",
                   "check_val_every_n_epoch", "val_check_interval", "limit_val_batches", "deterministic",
                   "benchmark", "fast_dev_run")
TRAINER_CPU = {"accelerator": ("cpu", "auto"), "devices": (1, "1", "auto"), "num_nodes": (1,),
               "precision": ("32", "32-true", 32, "64", "64-true", 64), "strategy": ("auto",)}

# torch.optim class -> (Stepwise name, options Stepwise models)
OPTIMIZERS = {
    "SGD": ("sgd", ("lr", "momentum", "dampening", "nesterov", "weight_decay")),
    "Adam": ("adam", ("lr", "betas", "eps", "weight_decay", "amsgrad")),
    "AdamW": ("adamw", ("lr", "betas", "eps", "weight_decay", "amsgrad")),
    "RMSprop": ("rmsprop", ("lr", "alpha", "eps", "weight_decay", "momentum", "centered")),
    "Adagrad": ("adagrad", ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")),
    "LBFGS": ("lbfgs", ("lr", "max_iter", "max_eval", "tolerance_grad", "tolerance_change", "history_size",
                        "line_search_fn")),
}


class ExportError(Exception):
    """What cannot be exported, and how to fix it."""


def load_object(spec, what):
    """'package.module:Name' -> the object; the current directory is importable, as with python -m."""
    if ":" not in spec:
        raise ExportError(f"{what} {spec!r}: write it as module.path:Name (for example my_pkg.model:MyLitModel)")
    module_name, _, attr = spec.partition(":")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        hint = " (is Lightning installed for this python3?)" if "lightning" in str(e) else ""
        raise ExportError(f"{what} {spec!r}: cannot import {module_name}: {e}{hint}") from e
    obj = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise ExportError(f"{what} {spec!r}: {module_name} has no {attr}")
        obj = getattr(obj, part)
    return obj


def check_no_logging(cls):
    """self.log / self.log_dict cannot be scripted: say where, and what to return instead."""
    fn = cls.training_step
    try:
        source = textwrap.dedent(inspect.getsource(fn))
        path = inspect.getsourcefile(fn) or "<unknown>"
        first_line = inspect.getsourcelines(fn)[1]
    except (OSError, TypeError):
        return  # no source: the TorchScript compiler will say what it cannot compile
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("log", "log_dict") and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "self"):
            name = "value"
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                name = node.args[0].value
            raise ExportError(
                f"{path}:{first_line + node.lineno - 1}: training_step calls self.{node.func.attr}(...), which "
                f"TorchScript cannot compile. Return the value as an extra instead: "
                f"return {{\"loss\": loss, \"{name}\": {name if name.isidentifier() else 'value'}.detach()}} "
                f"(Stepwise plots every scalar extra, and its TensorBoard export logs them as self.log would)")


def annotate_training_step(cls):
    """TorchScript takes an argument without a type for a Tensor, and Lightning modules rarely type
    training_step's. TorchScript reads types from the source, so the source gets them: batch the
    (x, y) pair Stepwise passes, batch_idx an int, on the def line only, so that every line keeps
    its number and the compiler's messages still point into the user's file."""
    import linecache
    import typing
    import torch
    fn = cls.training_step
    params = list(inspect.signature(fn).parameters.values())[1:]
    untyped = {p.name for i, p in enumerate(params)
               if p.annotation is inspect.Parameter.empty and (i == 0 or p.name == "batch_idx")}
    if not untyped:
        return []
    try:
        lines, first = inspect.getsourcelines(fn)
        path = inspect.getsourcefile(fn) or "<unknown>"
    except (OSError, TypeError):
        return []
    source = textwrap.dedent("".join(lines))
    definition = ast.parse(source).body[0]
    edits = []
    for i, a in enumerate(definition.args.args[1:]):
        if a.arg in untyped:
            edits.append((a.end_lineno - 1, a.end_col_offset, ": Tuple[Tensor, Tensor]" if i == 0 else ": int"))
    source_lines = source.splitlines(keepends=True)
    for line, col, text in sorted(edits, reverse=True):
        source_lines[line] = source_lines[line][:col] + text + source_lines[line][col:]
    typed = "\n" * (first - 1) + "".join(source_lines)
    filename = f"{path} (training_step with the types stepwise-export added)"
    linecache.cache[filename] = (len(typed), None, typed.splitlines(keepends=True), filename)
    scope = dict(fn.__globals__)
    scope.setdefault("Tuple", typing.Tuple)
    scope.setdefault("Tensor", torch.Tensor)
    made = {}
    exec(compile(typed, filename, "exec"), scope, made)
    typed_fn = made[definition.name]
    typed_fn.__qualname__ = fn.__qualname__
    setattr(cls, "training_step", typed_fn)
    first_param = params[0].name
    notes = []
    if first_param in untyped:
        notes.append(f"training_step's {first_param} has no type: exported as Tuple[Tensor, Tensor], the "
                     f"(x, y) pair Stepwise passes")
    return notes


def script_module(model):
    import torch
    cls = type(model)
    if not callable(getattr(cls, "training_step", None)):
        raise ExportError(f"{cls.__name__} has no training_step method")
    check_no_logging(cls)
    notes = annotate_training_step(cls)
    torch.jit.export(cls.training_step)  # what @torch.jit.export does, so the user need not
    lightning = hasattr(model, "_jit_is_scripting")
    if lightning:
        model._jit_is_scripting = True  # as LightningModule.to_torchscript: no Trainer needed
    try:
        return torch.jit.script(model.train()), notes
    except Exception as e:  # the compiler's message names the line in the user's file
        raise ExportError(f"TorchScript cannot compile {cls.__name__}:\n{e}\n"
                          f"Stepwise runs training_step as TorchScript: change the code the message points at "
                          f"(annotate arguments, e.g. batch: Tuple[Tensor, Tensor], batch_idx: int; no "
                          f"Python-only calls) and export again") from e
    finally:
        if lightning:
            model._jit_is_scripting = False


def optimizer_and_scheduler(model):
    import torch
    if not callable(getattr(model, "configure_optimizers", None)):
        raise ExportError(f"{type(model).__name__} has no configure_optimizers method")
    out = model.configure_optimizers()
    scheduler, interval, frequency = None, "epoch", 1
    if isinstance(out, torch.optim.Optimizer):
        optimizer = out
    elif isinstance(out, dict):
        optimizer = out.get("optimizer")
        scheduler = out.get("lr_scheduler")
    elif isinstance(out, (list, tuple)) and len(out) == 2 and isinstance(out[0], (list, tuple)):
        optimizers, schedulers = list(out[0]), list(out[1])
        if len(optimizers) != 1 or len(schedulers) > 1:
            raise ExportError(f"configure_optimizers returns {len(optimizers)} optimizers and {len(schedulers)} "
                              f"schedulers: Stepwise models Lightning's automatic optimization with one "
                              f"optimizer and at most one scheduler")
        optimizer, scheduler = optimizers[0], (schedulers[0] if schedulers else None)
    elif isinstance(out, (list, tuple)):
        if len(out) != 1:
            raise ExportError(f"configure_optimizers returns {len(out)} optimizers: Stepwise models one")
        optimizer = out[0]
    else:
        raise ExportError(f"configure_optimizers returns {type(out).__name__}: return an optimizer, or "
                          f"{{\"optimizer\": ..., \"lr_scheduler\": ...}}")
    if isinstance(scheduler, dict):
        interval = scheduler.get("interval", "epoch")
        frequency = scheduler.get("frequency", 1)
        unsupported = set(scheduler) - {"scheduler", "interval", "frequency", "name", "strict"}
        if unsupported:
            raise ExportError(f"the lr_scheduler dict has {', '.join(sorted(unsupported))}: Stepwise models "
                              f"scheduler, interval and frequency")
        scheduler = scheduler.get("scheduler")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise ExportError(f"configure_optimizers gave {type(optimizer).__name__}, not a torch.optim optimizer")
    if scheduler is not None and getattr(scheduler, "optimizer", optimizer) is not optimizer:
        raise ExportError("the lr scheduler was built on another optimizer than the one configure_optimizers "
                          "returns: build it on that optimizer")
    return optimizer, scheduler, interval, frequency


def optimizer_config(optimizer):
    name = type(optimizer).__name__
    if name not in OPTIMIZERS:
        raise ExportError(f"the optimizer is torch.optim.{name}: Stepwise models "
                          f"{', '.join(OPTIMIZERS)}")
    if len(optimizer.param_groups) != 1:
        raise ExportError(f"the optimizer has {len(optimizer.param_groups)} parameter groups: Stepwise models one "
                          f"(every parameter with the same options)")
    stepwise_name, modelled = OPTIMIZERS[name]
    group = optimizer.param_groups[0]
    defaults = {}
    sig = inspect.signature(type(optimizer).__init__)
    for p in sig.parameters.values():
        if p.default is not inspect.Parameter.empty:
            defaults[p.name] = p.default
    config = {"name": stepwise_name}
    for key, value in group.items():
        if key in ("params", "initial_lr", "max_lr", "min_lr", "base_momentum", "max_momentum"):
            continue  # the parameters, and what a scheduler keeps in the group
        if key == "lr" and "initial_lr" in group:
            value = group["initial_lr"]  # a scheduler may have moved lr already; Stepwise replays it
        if key in modelled:
            config[key] = list(value) if isinstance(value, tuple) else value
        elif key in defaults and value != defaults[key]:
            raise ExportError(f"the optimizer's option {key}={value!r} is not modelled by Stepwise (it models "
                              f"{', '.join(modelled)}); leave it at torch's default {defaults[key]!r}")
    return config


def scheduler_config(scheduler, interval, frequency):
    name = type(scheduler).__name__
    c = {"name": name}
    if name == "StepLR":
        c.update(step_size=scheduler.step_size, gamma=scheduler.gamma)
    elif name == "MultiStepLR":
        c.update(milestones=sorted(scheduler.milestones.elements()), gamma=scheduler.gamma)
    elif name == "ExponentialLR":
        c.update(gamma=scheduler.gamma)
    elif name == "CosineAnnealingLR":
        c.update(T_max=scheduler.T_max, eta_min=scheduler.eta_min)
    elif name == "LinearLR":
        c.update(start_factor=scheduler.start_factor, end_factor=scheduler.end_factor,
                 total_iters=scheduler.total_iters)
    elif name == "ConstantLR":
        c.update(factor=scheduler.factor, total_iters=scheduler.total_iters)
    elif name == "OneCycleLR":
        group = scheduler.optimizer.param_groups[0]
        phases = scheduler._schedule_phases
        c.update(max_lr=group["max_lr"], total_steps=scheduler.total_steps,
                 pct_start=(phases[0]["end_step"] + 1) / scheduler.total_steps,
                 anneal_strategy="cos" if scheduler.anneal_func == scheduler._annealing_cos else "linear",
                 cycle_momentum=scheduler.cycle_momentum,
                 div_factor=group["max_lr"] / group["initial_lr"],
                 final_div_factor=group["initial_lr"] / group["min_lr"],
                 three_phase=len(phases) == 3)
        if scheduler.cycle_momentum:
            c.update(base_momentum=group["base_momentum"], max_momentum=group["max_momentum"])
    else:
        supported = "StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR, ConstantLR, OneCycleLR"
        raise ExportError(f"the lr scheduler is {name}: Stepwise models {supported}")
    if interval not in ("epoch", "step"):
        raise ExportError(f"the scheduler's interval is {interval!r}: Lightning takes 'epoch' or 'step'")
    c.update(interval=interval, frequency=frequency)
    return c


SCRIPT_FIRST = ("if a training script trains this module, run the script itself instead: "
                "stepwise-run train.py (or stepwise train.py), which takes any LightningModule and DataLoader as "
                "they are")


def call_user(what, fn, *args):
    """Calls the user's `what` (a hook, the --data function); what it raises becomes an ExportError
    that names it, the exception and the line in the user's code, not a traceback of the tool."""
    try:
        return fn(*args)
    except ExportError:
        raise
    except Exception as e:  # noqa: BLE001 (the user's code may raise anything)
        import traceback
        frames = traceback.extract_tb(e.__traceback__)
        where = next((f"{f.filename}:{f.lineno}" for f in reversed(frames) if f.filename != __file__), "")
        raise ExportError(f"{what} raised {type(e).__name__}: {e}" + (f" ({where})" if where else "")
                          + f"; {SCRIPT_FIRST}") from e


def prepare(obj, name):
    """Lightning's order before train_dataloader(): prepare_data(), then setup("fit")."""
    for hook, args in (("prepare_data", ()), ("setup", ("fit",))):
        if callable(getattr(obj, hook, None)):
            call_user(f"{name}.{hook}({', '.join(map(repr, args))})", getattr(obj, hook), *args)


def data_and_loader(model, data_spec):
    from torch.utils.data import DataLoader, RandomSampler, TensorDataset
    if data_spec:
        source = load_object(data_spec, "--data")
        loader = call_user(f"--data {data_spec}", source) if callable(source) else source
    elif callable(getattr(model, "train_dataloader", None)):
        # The module's data may be made in its setup() (random_split, a Dataset built there).
        prepare(model, "the module")
        loader = call_user("the module's train_dataloader()", model.train_dataloader)
    else:
        raise ExportError("no data: give --data module:make_dataloader (a function returning a DataLoader), "
                          "or define train_dataloader() on the module")
    if callable(getattr(loader, "train_dataloader", None)) and not isinstance(loader, DataLoader):
        prepare(loader, "the datamodule")
        loader = call_user("the datamodule's train_dataloader()", loader.train_dataloader)
    if not isinstance(loader, DataLoader):
        raise ExportError(f"--data gave {type(loader).__name__}, not a torch DataLoader (or a LightningDataModule)")
    dataset = loader.dataset
    if not isinstance(dataset, TensorDataset) or len(dataset.tensors) != 2:
        kind = (f"a TensorDataset of {len(dataset.tensors)} tensors" if isinstance(dataset, TensorDataset)
                else f"a {type(dataset).__name__}")
        raise ExportError(f"the dataset is {kind}, not a pair of tensors: Stepwise's data file holds inputs x and "
                          f"targets y. Build the DataLoader on TensorDataset(x, y) with the whole dataset as "
                          f"two tensors, or {SCRIPT_FIRST}")
    if loader.batch_size is None:
        raise ExportError("the DataLoader has no batch_size (a batch_sampler?): give it batch_size=N")
    x, y = dataset.tensors
    note = None
    seed = None
    if loader.generator is not None:
        seed = loader.generator.initial_seed()
        note = ("the DataLoader shuffles with a generator of its own; Stepwise shuffles with the global seed "
                f"(seed_everything({seed})), so the batch order differs from your run's")
    shuffle = isinstance(loader.sampler, RandomSampler)
    config = {"batch_size": int(loader.batch_size), "shuffle": shuffle, "drop_last": bool(loader.drop_last)}
    return x, y, config, seed, note


def trainer_config(text):
    try:
        args = json.loads(text) if text else {}
    except json.JSONDecodeError as e:
        raise ExportError(f"--trainer is not valid JSON: {e}") from e
    if not isinstance(args, dict):
        raise ExportError("--trainer must be a JSON object, for example '{\"max_epochs\": 2}'")
    out, notes = {}, []
    for key, value in args.items():
        if key in TRAINER_MODELLED:
            out[key] = value
        elif key in TRAINER_IGNORED:
            notes.append(f"Trainer argument {key} changes nothing Stepwise shows; left out")
        elif key in TRAINER_CPU:
            if value not in TRAINER_CPU[key]:
                raise ExportError(f"Trainer argument {key}={value!r} is not modelled: Stepwise trains on one CPU "
                                  f"in full precision ({key} may be {', '.join(map(repr, TRAINER_CPU[key]))})")
        else:
            raise ExportError(f"Trainer argument {key} is not modelled by Stepwise: it models "
                              f"{', '.join(TRAINER_MODELLED)}. Leave {key} out of --trainer")
    return out, notes


def export(args):
    import torch
    cls = load_object(args.module, "the module")
    if not isinstance(cls, type):
        raise ExportError(f"{args.module} is not a class")
    try:
        init = json.loads(args.init_args) if args.init_args else {}
    except json.JSONDecodeError as e:
        raise ExportError(f"--init-args is not valid JSON: {e}") from e
    if args.seed is not None:
        torch.manual_seed(args.seed)  # the initial parameters, as seed_everything before building the module
    try:
        model = cls(**init)
    except Exception as e:
        raise ExportError(f"{cls.__name__}(**{init!r}) raised {type(e).__name__}: {e}") from e
    if not isinstance(model, torch.nn.Module):
        raise ExportError(f"{cls.__name__} is not a torch.nn.Module (a LightningModule is one)")
    trainer, notes = trainer_config(args.trainer)
    x, y, data, loader_seed, note = data_and_loader(model, args.data)
    if note:
        notes.append(note)
    optimizer, scheduler, interval, frequency = optimizer_and_scheduler(model)
    optimizer_json = optimizer_config(optimizer)
    scheduler_json = scheduler_config(scheduler, interval, frequency) if scheduler is not None else None
    scripted, script_notes = script_module(model)
    notes += script_notes
    # One call on the first batch, so that an error in training_step shows now and not in the window.
    try:
        with torch.no_grad():
            scripted.training_step((x[:data["batch_size"]], y[:data["batch_size"]]), 0)
    except Exception as e:
        raise ExportError(f"training_step failed on the first batch:\n{e}") from e
    seed = args.seed if args.seed is not None else (loader_seed if loader_seed is not None else 0)
    config = {"model": {"torchscript": "model.pt"}, "data": {"file": "data.pt"}}
    config.update(data)
    config["seed"] = seed
    config["optimizer"] = optimizer_json
    if scheduler_json:
        config["lr_scheduler"] = scheduler_json
    config["trainer"] = trainer
    # Lightning calls optimizer.zero_grad(): grads become None on torch >= 2, zeros on torch 1.x.
    zero_grad = inspect.signature(torch.optim.Optimizer.zero_grad).parameters.get("set_to_none")
    config["zero_grad_set_to_none"] = bool(zero_grad.default) if zero_grad is not None else False
    os.makedirs(args.output, exist_ok=True)
    scripted.save(os.path.join(args.output, "model.pt"))
    torch.save({"x": x, "y": y}, os.path.join(args.output, "data.pt"))
    with open(os.path.join(args.output, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    return config, notes


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="stepwise-export",
        description="Export a LightningModule (or any torch.nn.Module with training_step and "
                    "configure_optimizers) and its training data to a Stepwise run: model.pt, data.pt, config.json.",
        epilog="Then: stepwise OUT/config.json (the window) or stepwise-run OUT/config.json (headless). "
               "With Python and torch at hand, your training script itself runs in Stepwise unchanged: "
               "stepwise-run train.py; this tool is for machines without Python.")
    parser.add_argument("module", help="the module class, as module.path:ClassName")
    parser.add_argument("--data", metavar="module.path:function",
                        help="a function (or object) giving the training DataLoader over TensorDataset(x, y), "
                             "or a LightningDataModule; default: the module's train_dataloader()")
    parser.add_argument("--init-args", metavar="JSON", default="", help="keyword arguments for the class, as JSON")
    parser.add_argument("--trainer", metavar="JSON", default="",
                        help="Trainer arguments, as JSON: " + ", ".join(TRAINER_MODELLED))
    parser.add_argument("--seed", type=int, help="seed_everything(SEED): the initial parameters and the shuffling "
                                                 "(default: the DataLoader's generator's seed, else 0)")
    parser.add_argument("-o", "--output", metavar="DIR", required=True, help="the folder to write the run into")
    parser.add_argument("--version", action="version", version=f"stepwise-export {VERSION}")
    args = parser.parse_args(argv)
    try:
        import torch  # noqa: F401
    except ImportError:
        print(f"stepwise-export: this python3 ({sys.executable}) has no torch: install it "
              f"(on Debian: apt-get install python3-torch), or run the tool with the python3 your module uses",
              file=sys.stderr)
        return 1
    try:
        config, notes = export(args)
    except ExportError as e:
        print(f"stepwise-export: {e}", file=sys.stderr)
        return 1
    for n in notes:
        print(f"stepwise-export: note: {n}", file=sys.stderr)
    out = os.path.join(args.output, "config.json")
    print(f"wrote {os.path.join(args.output, 'model.pt')}, {os.path.join(args.output, 'data.pt')} and {out}")
    print(f"  optimizer {config['optimizer']['name']}, batch_size {config['batch_size']}, "
          f"shuffle {config['shuffle']}, seed {config['seed']}")
    print(f"step it:  stepwise {out}")
    print(f"run it:   stepwise-run {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
