# Stepwise's side of Lightning, inside the embedded interpreter (core/python/). Compiled into the
# host; its frames are named "<stepwise>", which tracebacks leave out.
#
# Lightning's Trainer.fit runs as the script calls it: the Trainer's arguments, its strategy and
# precision, prepare_data/setup/configure_optimizers, the sanity check, on_fit_start and the rest.
# Only the inside of _FitLoop.run is Stepwise's: after Lightning's own setup_data, reset and
# on_run_start, `_stepwise.run_fit(_Fit(loop))` hands the fit to the session, whose C++ loops call
# back into _Fit at each place Lightning's _FitLoop, _TrainingEpochLoop and _AutomaticOptimization
# run their code. _Fit runs exactly that code (the same calls, the same progress counters), so
# self.log, callbacks, self.trainer, global_step and current_epoch behave as under Lightning.
# Lightning's closure machinery is the only thing left out: the closure the optimizer gets is the
# engine's (stages, breakpoints, stepping), which runs Lightning's hooks through _Fit.

import sys
from collections import OrderedDict
from contextlib import contextmanager

import _stepwise

_LOOP_MODULES = ("lightning.pytorch.loops.fit_loop", "pytorch_lightning.loops.fit_loop")


class StepwiseUnwind(BaseException):
    """The engine stopped, rewound or failed inside a call Python made into it: unwinds the
    user's code back to the engine, which carries on with what it stashed."""


def _first_optimizer(trainer):
    return trainer.optimizers[0]


class _Fit:
    """One Trainer.fit as the engine drives it; every method is called by the engine's loops."""

    def __init__(self, loop, lightning):
        self.loop = loop
        self.epoch_loop = loop.epoch_loop
        self.trainer = loop.trainer
        self.call = lightning.call
        self.package = lightning.package  # "lightning.pytorch" or "pytorch_lightning"
        self.module = self.trainer.lightning_module
        self.batch = None
        self.kwargs = None
        self.output = None
        self.logger_calls = []
        self.epoch_metrics = None
        self._plan()
        self._watch_the_logger_connector()

    def _watch_the_logger_connector(self):
        """What self.log recorded, for the run's `metrics` events: Lightning's logger connector,
        watched on this Trainer's instance only. Every log_metrics call is kept as the loggers
        would get it (numbers; `epoch` added; the step Lightning gives), whether or not the
        Trainer has a logger; and the epoch's metrics as its on_epoch_end computed them."""
        connector = self.trainer._logger_connector
        log_metrics, on_epoch_end = connector.log_metrics, connector.on_epoch_end
        convert = sys.modules[type(connector).__module__].convert_tensors_to_scalars
        fit = self

        def watched_log_metrics(metrics, step=None):
            if metrics:
                # Logger.log_metrics's arguments, as _LoggerConnector.log_metrics makes them.
                scalars = convert(metrics)
                at = step
                if at is None:
                    at = scalars.pop("step", None)
                if at is None:
                    scalars.setdefault("epoch", fit.trainer.current_epoch)
                    at = fit.trainer.fit_loop.epoch_loop._batches_that_stepped
                fit.logger_calls.append((int(at), [(str(k), float(v)) for k, v in scalars.items()
                                                   if isinstance(v, (int, float))]))
            return log_metrics(metrics, step)

        def watched_on_epoch_end():
            on_epoch_end()
            fit.epoch_metrics = connector.metrics

        connector.log_metrics = watched_log_metrics
        connector.on_epoch_end = watched_on_epoch_end

    def _metrics_record(self, metrics):
        """(values, logger_calls) for the engine, or None when there is nothing to say. values:
        (name, value, logger, prog_bar, callback) for every name in Lightning's three dicts."""
        calls, self.logger_calls = self.logger_calls, []
        values = []
        if metrics is not None:
            log, pbar, callback = metrics["log"], metrics["pbar"], metrics["callback"]
            names = list(log)
            names += [n for n in pbar if n not in log]
            names += [n for n in callback if n not in log and n not in pbar]
            for name in names:
                value = log.get(name, pbar.get(name, callback.get(name)))
                try:
                    value = float(value)
                except (TypeError, ValueError):
                    continue
                values.append((str(name), value, name in log, name in pbar, name in callback))
        if not values and not calls:
            return None
        return values, calls

    def _plan(self):
        """Which of Lightning's places need Python. Where neither the module nor a callback
        overrides a hook, calling it does nothing but Lightning's bookkeeping around it; where the
        strategy is one device's and the precision 32-bit, Lightning's default backward, clipping,
        zero_grad and optimizer step are the engine's exact C++ equivalents (or, for the step, the
        optimizer's own step called directly). Those places are left to the engine, and their
        progress counters are kept here all the same."""
        trainer, module = self.trainer, self.module
        from importlib import import_module
        strategies = import_module(self.package + ".strategies")
        precisions = import_module(self.package + ".plugins.precision")
        plain = type(trainer.strategy) is strategies.SingleDeviceStrategy and \
            type(trainer.precision_plugin) is precisions.Precision
        overrides = lambda name: _overrides(module, name, "LightningModule")  # noqa: E731
        callbacks = lambda name: any(_overrides(c, name, "Callback") for c in trainer.callbacks)  # noqa: E731
        live = lambda name: overrides(name) or callbacks(name)  # noqa: E731
        optimizer = _first_optimizer(trainer)
        import torch
        default_zero_grad = type(optimizer).zero_grad is torch.optim.Optimizer.zero_grad
        self.plain_batch_start = plain and not live("on_train_batch_start")
        self.plain_batch_end = not live("on_train_batch_end")
        # The batch's way to the device: Lightning's default hooks come down to
        # move_data_to_device(batch, root_device), and 32-bit precision converts nothing.
        is_overridden = import_module(self.package + ".utilities.model_helpers").is_overridden
        datamodule = trainer.datamodule
        self.plain_transfer = plain and not any(
            is_overridden(hook, module) or (datamodule is not None and is_overridden(hook, datamodule))
            for hook in ("on_before_batch_transfer", "transfer_batch_to_device", "on_after_batch_transfer"))
        self.move_data_to_device = import_module(self.package + ".utilities").move_data_to_device
        # _build_kwargs asks training_step's signature for batch_idx at every batch; it is asked once.
        self.step_takes_batch_idx = "batch_idx" in self.epoch_loop._build_kwargs(OrderedDict(), None, 0)
        self.plain_step = plain and not overrides("optimizer_step")
        self.plans = {
            "zero_grad": bool(live("on_before_zero_grad") or overrides("optimizer_zero_grad")
                              or not default_zero_grad or not plain),
            "backward": bool(live("on_before_backward") or live("on_after_backward")
                             or overrides("backward") or not plain),
            "after_closure": bool(live("on_before_optimizer_step")
                                  or overrides("configure_gradient_clipping") or not plain),
        }

    def python_places(self):
        """{"zero_grad", "backward", "after_closure"}: whether each needs Python (else the engine's
        own equivalent runs), and the set_to_none the optimizer's zero_grad defaults to."""
        import inspect
        zero_grad = type(_first_optimizer(self.trainer)).zero_grad
        set_to_none = inspect.signature(zero_grad).parameters.get("set_to_none")
        return dict(self.plans, set_to_none=bool(set_to_none is not None and set_to_none.default))

    # -- what the engine asks before it starts -------------------------------------------------
    def config(self):
        trainer = self.trainer
        batches = trainer.num_training_batches
        if batches == float("inf"):
            raise TypeError(
                "Stepwise needs to know how many batches an epoch has: the train dataloader has no "
                "length (an IterableDataset without __len__). Give it one, or set "
                "Trainer(limit_train_batches=N)")
        clip_val = trainer.gradient_clip_val
        algorithm = trainer.gradient_clip_algorithm
        return {
            "max_epochs": self.loop.max_epochs,
            "max_steps": self.loop.max_steps,
            "accumulate_grad_batches": trainer.accumulate_grad_batches,
            "gradient_clip_val": None if clip_val is None else float(clip_val),
            "gradient_clip_algorithm": None if algorithm is None else str(getattr(algorithm, "value", algorithm)),
            "batches": int(batches),
            "current_epoch": trainer.current_epoch,
            "set_to_none": self.python_places()["set_to_none"],
        }

    def parameters(self):
        return list(self.module.named_parameters())

    def buffers(self):
        return list(self.module.named_buffers())

    def optimizer(self):
        return _first_optimizer(self.trainer)

    def scheduler_timing(self):
        configs = self.trainer.lr_scheduler_configs
        if not configs:
            return None
        return (configs[0].interval, int(configs[0].frequency))

    def engine_error(self, type_name, message):
        """The exception Lightning raises for an error the engine found, by its class name."""
        import builtins
        cls = getattr(builtins, type_name, None)
        if type_name == "MisconfigurationException":
            from importlib import import_module
            fabric = "lightning_fabric" if type(self.trainer).__module__.startswith("pytorch_lightning") \
                else "lightning.fabric"
            cls = import_module(fabric + ".utilities.exceptions").MisconfigurationException
        if not (isinstance(cls, type) and issubclass(cls, BaseException)):
            cls = RuntimeError
        return cls(message)

    def code(self):
        """(path, text): the file the LightningModule's class is in, its first line "# file: PATH"
        (the Code dock's header: the traceback's frames in that file point into it)."""
        import inspect
        try:
            path = inspect.getsourcefile(type(self.module))
            with open(path, encoding="utf-8") as f:
                return path, f"# file: {path}\n" + f.read()
        except (OSError, TypeError):
            return "", ""

    # -- going back ---------------------------------------------------------------------------------
    def _loops(self):
        loops, todo = [], [self.loop]
        loop_class = type(self.loop).__mro__[1]  # _Loop
        while todo:
            loop = todo.pop(0)
            loops.append(loop)
            todo.extend(v for v in loop.__dict__.values() if isinstance(v, loop_class))
        return loops

    def _references(self, loops):
        """What a snapshot keeps by reference (see _Copier)."""
        trainer, module = self.trainer, self.module
        refs = [self, trainer, module, trainer.strategy, trainer.precision_plugin,
                trainer.datamodule, trainer._logger_connector, trainer.profiler]
        refs += loops
        refs += module.modules()
        refs += module.parameters()
        refs += module.buffers()
        refs += trainer.optimizers
        refs += trainer.strategy._lightning_optimizers
        refs += [config.scheduler for config in trainer.lr_scheduler_configs]
        refs += trainer.callbacks
        refs += trainer.loggers
        for loop in loops:
            for name in ("_data_fetcher", "_combined_loader"):
                refs.append(loop.__dict__.get(name))
            combined = loop.__dict__.get("_combined_loader")
            for loader in (combined.flattened if combined is not None else ()):
                refs += [loader, getattr(loader, "dataset", None), getattr(loader, "sampler", None),
                         getattr(loader, "batch_sampler", None)]
        return refs

    def _owners(self, loops):
        """(object, what it is called, which keys of its __dict__ a snapshot keeps)."""
        trainer = self.trainer
        not_in = lambda *names: lambda key: key not in names  # noqa: E731
        owners = [(loop, type(loop).__name__, not_in("trainer")) for loop in loops]
        owners.append((trainer._logger_connector, "trainer._logger_connector",
                       not_in("trainer", "log_metrics", "on_epoch_end")))
        for config in trainer.lr_scheduler_configs:
            owners.append((config.scheduler, type(config.scheduler).__name__, not_in("optimizer")))
        # A module's own attributes, not nn.Module's machinery (its parameters, buffers and
        # submodules are the engine's or owners of their own).
        base = _nn_module_keys()
        user = lambda key: key not in base  # noqa: E731
        for name, m in self.module.named_modules():
            owners.append((m, type(self.module).__name__ + ("." + name if name else ""), user))
        progress_bar = sys.modules[self.package + ".callbacks"].ProgressBar
        for callback in trainer.callbacks:
            if not isinstance(callback, progress_bar):  # a progress bar shows the counters
                owners.append((callback, type(callback).__name__, not_in()))
        return owners

    def snapshot(self):
        """What Python holds at this batch's start (before its fetch), for a rewind or a fork:
        (the snapshot, the tensor bytes it copied, what it could not copy)."""
        try:
            with _graphs_left_out():
                return self._snapshot()
        except Exception as e:  # noqa: BLE001 - taking a snapshot must not fail the run
            reason = f"{type(e).__name__}: {e}"
            return _Unkept(reason), 0, [f"what Python holds ({reason})"]

    def _snapshot(self):
        import copy
        from dataclasses import is_dataclass
        trainer = self.trainer
        loops = self._loops()
        copier = _Copier(self._references(loops))
        snap = _Snapshot()
        snap.owners, snap.progress, snap.not_kept = [], [], []
        progress_base = type(self.epoch_loop.batch_progress).__mro__[-2]  # _BaseProgress
        for owner, label, keeps in self._owners(loops):
            keys, kept = set(), {}
            for key, value in owner.__dict__.items():
                if not keeps(key):
                    continue
                keys.add(key)
                if isinstance(value, progress_base) and is_dataclass(value):
                    snap.progress.append((value, copy.deepcopy(value)))
                    continue
                try:
                    kept[key] = copier(value)
                except Exception:  # noqa: BLE001 - named, never silently wrong
                    snap.not_kept.append(f"{label}.{key} ({type(value).__name__})")
            snap.owners.append((owner, keeps, keys, kept))
        snap.optimizers = []
        for optimizer in trainer.optimizers:
            params = [p for group in optimizer.param_groups for p in group["params"]]
            groups = [[(k, None if k == "params" else copier(v)) for k, v in group.items()]
                      for group in optimizer.param_groups]
            state = [(i, copier(optimizer.state[p])) for i, p in enumerate(params) if p in optimizer.state]
            snap.optimizers.append((groups, state))
        snap.trainer = {k: v for k, v in trainer.__dict__.items()
                        if type(v) in (bool, int, float, str, type(None))}
        snap.rng = _rng_states()
        snap.generators = _generator_states(_loader_generators(self.loop._combined_loader))
        iterated = getattr(self.loop._data_fetcher, "_stepwise_rng", None)
        if iterated is None:
            snap.not_kept.append("the train DataLoader's place")
        snap.data = (self.epoch_loop.batch_progress.current.ready, iterated)
        snap.bytes = copier.bytes
        return snap, snap.bytes, snap.not_kept

    def restore(self, snap):
        """Puts back what snapshot() took, the DataLoader's position too (its iterator made again
        and the batches before fetched again). torch's generator is the engine's to put back,
        after this. Returns trainer.accumulate_grad_batches as it was."""
        if isinstance(snap, _Unkept):  # the tensors alone would leave Lightning's counters ahead
            raise RuntimeError(
                "Stepwise could not keep what Python holds at the batch it would go back to, so "
                f"the run cannot go back there ({snap.reason})")
        with _graphs_left_out():
            return self._restore(snap)

    def _restore(self, snap):
        trainer = self.trainer
        loops = self._loops()
        copier = _Copier(self._references(loops))
        for owner, keeps, keys, kept in snap.owners:
            for key in list(owner.__dict__):
                if key not in keys and keeps(key):
                    del owner.__dict__[key]  # made after the snapshot
            for key, value in kept.items():
                owner.__dict__[key] = copier(value)
        for live, saved in snap.progress:
            _assign_progress(live, saved)
        for optimizer, (groups, state) in zip(trainer.optimizers, snap.optimizers):
            params = [p for group in optimizer.param_groups for p in group["params"]]
            for group, saved in zip(optimizer.param_groups, groups):
                mine = group["params"]
                group.clear()
                group.update((k, mine if k == "params" else copier(v)) for k, v in saved)
            optimizer.state.clear()
            for i, s in state:
                optimizer.state[params[i]] = copier(s)
        trainer.__dict__.update(snap.trainer)
        self.batch = self.kwargs = self.output = None
        self.logger_calls, self.epoch_metrics = [], None
        ready, iterated = snap.data
        if iterated is not None:
            # The epoch's iterator, made again as it was made (the sampler's epoch, the
            # generators), then the batches before this one fetched again.
            fit_loop_module = sys.modules[type(self.loop).__module__]
            for loader in self.loop._combined_loader.flattened:
                fit_loop_module._set_sampler_epoch(loader, self.loop.epoch_progress.current.processed)
            global_states, loader_states = iterated
            _set_rng_states(global_states)
            _set_generator_states(loader_states)
            fetcher = self.loop._data_fetcher
            iter(fetcher)
            for _ in range(ready):
                next(fetcher)
        _set_generator_states(snap.generators)
        _set_rng_states(snap.rng, torch_too=False)
        return int(trainer.accumulate_grad_batches)

    # -- _FitLoop ---------------------------------------------------------------------------------
    def fit_done(self):
        return self.loop.done

    def on_epoch_start(self, epoch):
        loop = self.loop
        loop.on_advance_start()
        # _FitLoop.advance, then _TrainingEpochLoop.run up to its loop
        combined_loader = loop._combined_loader
        if combined_loader._mode == "sequential":
            raise ValueError(
                f'`{type(loop).__name__}` does not support the `CombinedLoader(mode="sequential")` mode.'
                f" The available modes are: {[m for m in ('min_size', 'max_size_cycle', 'max_size') if m != 'sequential']}")
        self.epoch_loop.reset()
        self.epoch_loop.on_run_start(loop._data_fetcher)
        # What on_train_epoch_start left (GradientAccumulationScheduler sets it there).
        return int(self.trainer.accumulate_grad_batches)

    def on_epoch_end(self, epoch):
        self.epoch_loop._restarting = False
        self.epoch_metrics = None
        self.loop.on_advance_end()
        self.loop._restarting = False
        metrics, self.epoch_metrics = self.epoch_metrics, None
        return self._metrics_record(metrics)

    # -- _TrainingEpochLoop.advance -----------------------------------------------------------------
    def epoch_done(self):
        return self.epoch_loop.done

    def fetch(self, batch_idx):
        epoch_loop, trainer, call = self.epoch_loop, self.trainer, self.call
        fetcher = self.loop._data_fetcher
        batch, _, __ = next(fetcher)
        expected = epoch_loop.batch_idx + 1
        if expected != batch_idx:
            raise RuntimeError(f"Stepwise lost count of the batches: Lightning is at batch {expected}, "
                               f"the engine at {batch_idx}")
        epoch_loop.batch_progress.is_last_batch = fetcher.done
        if self.plain_transfer:
            batch = self.move_data_to_device(batch, trainer.strategy.root_device)
        else:
            batch = trainer.precision_plugin.convert_input(batch)
            batch = trainer.lightning_module._on_before_batch_transfer(batch, dataloader_idx=0)
            batch = call._call_strategy_hook(trainer, "batch_to_device", batch, dataloader_idx=0)
        epoch_loop.batch_progress.increment_ready()
        trainer._logger_connector.on_batch_start(batch)
        self.batch = batch
        return batch

    def on_train_batch_start(self, batch_idx):
        epoch_loop, trainer, call, batch = self.epoch_loop, self.trainer, self.call, self.batch
        if self.plain_batch_start:  # no hook to call: only what Lightning counts
            epoch_loop.batch_progress.increment_started()
            self.kwargs = OrderedDict(batch=batch, batch_idx=batch_idx) if self.step_takes_batch_idx \
                else OrderedDict(batch=batch)
            return True
        call._call_callback_hooks(trainer, "on_train_batch_start", batch, batch_idx)
        response = call._call_lightning_module_hook(trainer, "on_train_batch_start", batch, batch_idx)
        call._call_strategy_hook(trainer, "on_train_batch_start", batch, batch_idx)
        if response == -1:
            epoch_loop.batch_progress.increment_processed()
            return False
        epoch_loop.batch_progress.increment_started()
        self.kwargs = epoch_loop._build_kwargs(OrderedDict(), batch, batch_idx)
        return True

    # -- _AutomaticOptimization -------------------------------------------------------------------------
    def training_step(self, trace=False):
        trainer = self.trainer
        if trace:  # stepping lines, or a line breakpoint: the user's lines go to the engine
            with _LineTracer():
                output = self.call._call_strategy_hook(trainer, "training_step", *self.kwargs.values())
        else:
            output = self.call._call_strategy_hook(trainer, "training_step", *self.kwargs.values())
        trainer.strategy.post_training_step()
        self.output = output
        return output

    def on_before_zero_grad(self):
        trainer, call = self.trainer, self.call
        progress = self.epoch_loop.automatic_optimization.optim_progress.optimizer.zero_grad
        optimizer = _first_optimizer(trainer)
        progress.increment_ready()
        call._call_callback_hooks(trainer, "on_before_zero_grad", optimizer)
        call._call_lightning_module_hook(trainer, "on_before_zero_grad", optimizer)
        progress.increment_started()

    def optimizer_zero_grad(self, batch_idx):
        trainer = self.trainer
        self.call._call_lightning_module_hook(
            trainer, "optimizer_zero_grad", trainer.current_epoch, batch_idx, _first_optimizer(trainer))
        self.epoch_loop.automatic_optimization.optim_progress.optimizer.zero_grad.increment_completed()

    # Strategy.backward, in its three parts (the engine's three stages), each as Lightning's
    # _call_strategy_hook(trainer, "backward", ...) runs it: with the module's hook name "backward".
    def on_before_backward(self, loss):
        with _hook_name(self.module, "backward"):
            self.trainer.strategy.pre_backward(loss)
            self.trainer.precision_plugin.pre_backward(loss, self.module)

    def backward(self, loss):
        with _hook_name(self.module, "backward"):
            self.trainer.precision_plugin.backward(loss, self.module, _first_optimizer(self.trainer))

    def on_after_backward(self, loss):
        with _hook_name(self.module, "backward"):
            closure_loss = self.trainer.precision_plugin.post_backward(loss, self.module)
            self.trainer.strategy.post_backward(closure_loss)

    # Precision._after_closure, in its two parts.
    def on_before_optimizer_step(self):
        trainer, call = self.trainer, self.call
        optimizer = _first_optimizer(trainer)
        call._call_callback_hooks(trainer, "on_before_optimizer_step", optimizer)
        call._call_lightning_module_hook(trainer, "on_before_optimizer_step", optimizer)

    def clip_gradients(self):
        trainer = self.trainer
        module = self.module
        trainer.precision_plugin._clip_gradients(
            module, _first_optimizer(trainer), trainer.gradient_clip_val,
            gradient_clip_algorithm=trainer.gradient_clip_algorithm)
        return _overrides(module, "configure_gradient_clipping", "LightningModule") or \
            bool(trainer.gradient_clip_val)

    def optimizer_step(self, batch_idx, closure):
        trainer = self.trainer
        progress = self.epoch_loop.automatic_optimization.optim_progress.optimizer.step
        optimizer = trainer.strategy._lightning_optimizers[0]
        should_accumulate = trainer.fit_loop._should_accumulate()
        if not should_accumulate:
            progress.increment_ready()
        if self.plain_step:
            # LightningModule.optimizer_step -> LightningOptimizer.step -> the strategy -> the
            # precision plugin come down to this on one device at 32 bits.
            optimizer.optimizer.step(closure=closure)
        else:
            self.call._call_lightning_module_hook(
                trainer, "optimizer_step", trainer.current_epoch, batch_idx, optimizer, closure)
        if not should_accumulate:
            progress.increment_completed()

    # -- the rest of _TrainingEpochLoop.advance, and its on_advance_end ------------------------------
    def batch_processed(self, zeroed_by_engine):
        if zeroed_by_engine:  # the engine zeroed the grads itself: Lightning's counts all the same
            progress = self.epoch_loop.automatic_optimization.optim_progress.optimizer.zero_grad
            progress.increment_ready()
            progress.increment_started()
            progress.increment_completed()
        self.epoch_loop.batch_progress.increment_processed()

    def step_lr_schedulers(self):
        epoch_loop = self.epoch_loop
        epoch_loop.update_lr_schedulers("step", update_plateau_schedulers=False)
        if epoch_loop._num_ready_batches_reached():
            epoch_loop.update_lr_schedulers("epoch", update_plateau_schedulers=False)

    def on_train_batch_end(self, loss, batch_idx):
        epoch_loop, trainer, call, batch = self.epoch_loop, self.trainer, self.call, self.batch
        if loss is None:
            batch_output = {}
        else:
            extra = {k: v for k, v in self.output.items() if k != "loss"} if isinstance(self.output, dict) else {}
            batch_output = {"loss": loss, **extra}
        if not self.plain_batch_end:
            call._call_callback_hooks(trainer, "on_train_batch_end", batch_output, batch, batch_idx)
            call._call_lightning_module_hook(trainer, "on_train_batch_end", batch_output, batch, batch_idx)
        # _LoggerConnector.on_batch_end, keeping the step's metrics it computes
        connector = trainer._logger_connector
        metrics = connector.metrics
        connector._progress_bar_metrics.update(metrics["pbar"])
        connector._callback_metrics.update(metrics["callback"])
        connector._logged_metrics.update(metrics["log"])
        trainer._results.batch = None
        trainer._results.batch_size = None
        epoch_loop.batch_progress.increment_completed()
        connector.update_train_step_metrics()
        epoch_loop.on_advance_end(self.loop._data_fetcher)
        epoch_loop._restarting = False
        self.batch = self.kwargs = self.output = None
        return self._metrics_record(metrics)


# -- going back: what Python holds at a batch's start ------------------------------------------------
#
# A rewind puts back the state the engine took at a batch's start. The engine keeps the tensors it
# knows (parameters, buffers, .grad, torch's generator, its own counters); _Fit.snapshot adds what
# Python holds: Lightning's loops (progress, the logged results, their flags), the logger
# connector's metrics, the optimizers' groups and state, the schedulers, the user's attributes on
# every module of the LightningModule (torchmetrics' states among them) and on their callbacks,
# Python's and NumPy's generators, and where the DataLoader is (replayed on restore: the epoch's
# iterator made again from the generators it was made from, and the batches before fetched again).
# What cannot be copied is named; the rest is put back exactly.

def _rng_states():
    import random
    import torch
    numpy = sys.modules.get("numpy")
    return (torch.get_rng_state(), random.getstate(),
            numpy.random.get_state() if numpy is not None else None)


def _set_rng_states(states, torch_too=True):
    import random
    import torch
    cpu, python, numpy_state = states
    if torch_too:
        torch.set_rng_state(cpu)
    random.setstate(python)
    numpy = sys.modules.get("numpy")
    if numpy_state is not None and numpy is not None:
        numpy.random.set_state(numpy_state)


def _loader_generators(combined_loader):
    """The torch.Generator objects a DataLoader draws its order from (its own `generator`, its
    sampler's, its batch sampler's) and any its Dataset keeps."""
    import torch
    found = {}
    for loader in (combined_loader.flattened if combined_loader is not None else ()):
        batch_sampler = getattr(loader, "batch_sampler", None)
        for holder in (loader, getattr(loader, "sampler", None), batch_sampler,
                       getattr(batch_sampler, "sampler", None), getattr(loader, "dataset", None)):
            for value in getattr(holder, "__dict__", {}).values():
                if isinstance(value, torch.Generator):
                    found[id(value)] = value
    return list(found.values())


def _generator_states(generators):
    return [(g, g.get_state()) for g in generators]


def _set_generator_states(states):
    for generator, state in states:
        generator.set_state(state)


@contextmanager
def _graphs_left_out():
    """copy.deepcopy of a tensor that is not a leaf (a logged value with its graph) copies its
    values, as a snapshot keeps every tensor, instead of refusing. Only while a snapshot is taken
    or put back, on the fit's thread."""
    import torch
    original = torch.Tensor.__deepcopy__

    def deepcopy(self, memo):
        if self.is_leaf:
            return original(self, memo)
        copied = self.detach().clone()
        memo[id(self)] = copied
        return copied

    torch.Tensor.__deepcopy__ = deepcopy
    try:
        yield
    finally:
        torch.Tensor.__deepcopy__ = original


class _Copier:
    """Deep copies that leave alone what a snapshot restores by other means or never changes (the
    Trainer, loops, data, modules, parameters, optimizers, callbacks: kept by reference), copy a
    tensor as its values (a graph is not kept), and count the tensor bytes they copy."""

    def __init__(self, references):
        import copy
        import torch
        self.deepcopy, self.tensor, self.parameter = copy.deepcopy, torch.Tensor, torch.nn.Parameter
        self.memo = {id(o): o for o in references if o is not None}
        self.bytes = 0

    def __call__(self, x):
        memo = self.memo
        found = memo.get(id(x), memo)
        if found is not memo:
            return found
        kind = type(x)
        if kind is list:
            y = []
            memo[id(x)] = y
            y.extend(self(v) for v in x)
        elif kind is tuple:
            y = tuple(self(v) for v in x)
        elif kind is dict:
            y = {}
            memo[id(x)] = y
            for k, v in x.items():
                y[k] = self(v)
        elif isinstance(x, self.tensor) and not isinstance(x, self.parameter):
            y = x.detach().clone()
            if x.requires_grad and x.is_leaf:
                y.requires_grad_(True)
            self.bytes += y.nelement() * y.element_size()
        else:
            y = self.deepcopy(x, memo)
        memo[id(x)] = y
        return y


def _assign_progress(live, saved):
    """Puts a progress dataclass's saved values back into the live object (others hold it)."""
    from dataclasses import fields, is_dataclass
    for f in fields(live):
        value = getattr(saved, f.name)
        if is_dataclass(value):
            _assign_progress(getattr(live, f.name), value)
        else:
            setattr(live, f.name, value)


def _nn_module_keys():
    """The attributes every nn.Module has (its machinery, not its state)."""
    global _NN_MODULE_KEYS
    if _NN_MODULE_KEYS is None:
        import torch
        _NN_MODULE_KEYS = frozenset(torch.nn.Module().__dict__)
    return _NN_MODULE_KEYS


_NN_MODULE_KEYS = None


class _Unkept:
    """A snapshot that could not be taken, and why."""

    def __init__(self, reason):
        self.reason = reason


class _Snapshot:
    __slots__ = ("owners", "progress", "optimizers", "trainer", "rng", "generators", "data", "not_kept",
                 "bytes")


# -- the user's lines, one at a time -----------------------------------------------------------------

class _LineTracer:
    """sys.settrace on the fit's thread while one training_step runs: each line of the user's own
    files (the script's folder and below, not an installed package) is offered to the engine,
    which says whether it stops there; where it does, the frame's variables are described and the
    engine holds. `depth` counts the user's frames from training_step's (1)."""

    def __init__(self):
        import os
        main = sys.modules.get("__main__")
        path = getattr(main, "__file__", None) or sys.path[0]
        self.root = os.path.dirname(os.path.abspath(path)) + os.sep
        self.mine = {}
        self.depths = {}

    def __enter__(self):
        self.previous = sys.gettrace()
        sys.settrace(self.call)
        return self

    def __exit__(self, *exc):
        sys.settrace(self.previous)
        self.depths.clear()
        return False

    def user_file(self, filename):
        mine = self.mine.get(filename)
        if mine is None:
            import os
            path = os.path.abspath(filename)
            mine = self.mine[filename] = (not filename.startswith("<") and path.startswith(self.root)
                                          and "-packages" + os.sep not in path)
        return mine

    def call(self, frame, event, arg):
        if event != "call" or not self.user_file(frame.f_code.co_filename):
            return None
        depth, caller = 1, frame.f_back
        while caller is not None:
            known = self.depths.get(caller)
            if known is not None:
                depth = known + 1
                break
            caller = caller.f_back
        self.depths[frame] = depth
        return self.line

    def line(self, frame, event, arg):
        if event == "line":
            depth = self.depths.get(frame, 1)
            code = frame.f_code
            if _stepwise.line_wanted(code.co_filename, frame.f_lineno, depth):
                _stepwise.line_hold(code.co_filename, frame.f_lineno, code.co_name, depth,
                                    _describe_locals(frame.f_locals))
        elif event == "return":
            self.depths.pop(frame, None)
        return self.line


def _describe_locals(variables, limit=64):
    """(name, kind, shape, dtype, requires_grad, grad_fn, value, text) per variable: tensors by
    their shape, dtype, autograd state and min / mean / max (read without changing anything),
    numbers by value, anything else by a bounded repr."""
    import reprlib
    import torch
    shorten = reprlib.Repr()
    shorten.maxstring, shorten.maxother, shorten.maxlist, shorten.maxdict = 80, 200, 6, 6
    out = []
    for name, value in list(variables.items())[:limit]:
        if name.startswith("__"):
            continue
        if isinstance(value, torch.Tensor):
            grad_fn = type(value.grad_fn).__name__ if value.grad_fn is not None else ""
            one, text = None, ""
            with torch.no_grad():
                data = value.detach()
                if data.numel() == 1 and not data.is_complex():
                    one = float(data.reshape(()).item())
                elif data.numel() > 1 and not data.is_complex():
                    d = data.double()
                    text = f"min {d.min().item():.6g} · mean {d.mean().item():.6g} · max {d.max().item():.6g}"
            out.append((name, "tensor", list(value.shape), str(value.dtype).replace("torch.", ""),
                        bool(value.requires_grad), grad_fn, one, text))
        elif isinstance(value, bool):
            out.append((name, "bool", [], "", False, "", float(value), ""))
        elif isinstance(value, (int, float)):
            out.append((name, type(value).__name__, [], "", False, "", float(value), ""))
        else:
            out.append((name, type(value).__name__, [], "", False, "", None, _summary(value, shorten)))
    return out


def _summary(value, shorten, width=100):
    """One line: a list, tuple or dict by its items (a tensor by its shape), anything else by its
    repr with its whitespace folded, cut at `width`."""
    import torch

    def short(item):
        if isinstance(item, torch.Tensor):
            return f"tensor{list(item.shape)}"
        return " ".join(shorten.repr(item).split())

    try:
        if isinstance(value, (list, tuple)):
            items = ", ".join(short(v) for v in value[:4]) + (", …" if len(value) > 4 else "")
            text = f"{len(value)} items: {items}"
        elif isinstance(value, dict):
            items = ", ".join(f"{k!r}: {short(v)}" for k, v in list(value.items())[:4])
            text = f"{len(value)} items: {items}" + (", …" if len(value) > 4 else "")
        else:
            text = " ".join(shorten.repr(value).split())
    except Exception:  # noqa: BLE001 - a repr that fails is still a variable
        text = f"<{type(value).__name__}>"
    return text if len(text) <= width else text[:width - 1] + "…"


@contextmanager
def _warnings_to_the_run():
    """Warnings shown on the fit's thread while it runs (Lightning's rank_zero_warn, the user's own
    warnings.warn) become the run's warning events, which stepwise-run prints and the window logs,
    instead of lines on stderr. Python's filters still decide what is shown (once per place)."""
    import threading
    import warnings
    shown, thread = warnings.showwarning, threading.get_ident()

    def show(message, category, filename, lineno, file=None, line=None):
        if threading.get_ident() != thread:
            return shown(message, category, filename, lineno, file, line)
        _stepwise.warning(str(message), category.__name__)

    warnings.showwarning = show
    try:
        yield
    finally:
        warnings.showwarning = shown


@contextmanager
def _hook_name(module, name):
    """The module's _current_fx_name while Lightning code of hook `name` runs (self.log checks it)."""
    previous, module._current_fx_name = module._current_fx_name, name
    try:
        yield
    finally:
        module._current_fx_name = previous


def _lightning_default(obj, name, base="LightningModule"):
    """Lightning's own `name` (not the user's override): what the class named `base`
    (LightningModule, Callback) has, defined there or in a class it inherits (ModelHooks, ...)."""
    mro = type(obj).__mro__
    for i, cls in enumerate(mro):
        if cls.__name__ == base:
            for c in mro[i:]:
                if name in c.__dict__:
                    return c.__dict__[name]
            return None
    return None


def _overrides(obj, name, base):
    """Whether obj's class (or a class between it and Lightning's `base`) defines `name`."""
    default = _lightning_default(obj, name, base)
    return default is not None and getattr(type(obj), name, None) is not default


def _patch(fit_loop_module):
    """Replaces _FitLoop.run in a freshly imported lightning.pytorch / pytorch_lightning."""
    package = fit_loop_module.__name__.rsplit(".loops.", 1)[0]
    loop_class = fit_loop_module._FitLoop
    if getattr(loop_class.run, "_stepwise", False):
        return

    def run(self):
        from importlib import import_module
        call = import_module(package + ".trainer.call")
        self.setup_data()
        if self.skip:
            return
        self.reset()
        module = self.trainer.lightning_module
        if not module.automatic_optimization:
            raise RuntimeError(
                "Stepwise steps automatic optimization, and this LightningModule sets "
                "`automatic_optimization = False` (manual optimization): run it with plain "
                "python3, or let Lightning optimize (remove the line and return the loss from "
                "training_step)")
        if _data_fetcher_is_iterator(self):
            raise RuntimeError(
                "Stepwise hands training_step each batch, and this training_step takes "
                "`dataloader_iter`: run it with plain python3")
        self.on_run_start()
        # The closure goes straight to optimizer.step: the engine's closure runs Lightning's
        # after-closure hooks (on_before_optimizer_step, clipping) itself, as its own stages.
        precision = self.trainer.precision_plugin
        precision._wrap_closure = lambda model, optimizer, closure: closure()
        try:
            with _warnings_to_the_run():
                _stepwise.run_fit(_Fit(self, _Lightning(call, package)))
        finally:
            del precision._wrap_closure
        self._restarting = False
        self.on_run_end()

    run._stepwise = True
    loop_class.run = run
    _record_iterations(sys.modules[package + ".loops.fetchers"]._DataFetcher)


def _record_iterations(fetcher_class):
    """Each data fetcher keeps the generators' states it made its iterator from: a rewind into
    its epoch makes the iterator again from them."""
    made = fetcher_class.__iter__
    if getattr(made, "_stepwise", False):
        return

    def __iter__(self):
        self._stepwise_rng = (_rng_states(), _generator_states(_loader_generators(self._combined_loader)))
        return made(self)

    __iter__._stepwise = True
    fetcher_class.__iter__ = __iter__


def _data_fetcher_is_iterator(loop):
    return type(loop._data_fetcher).__name__ == "_DataLoaderIterDataFetcher"


class _Lightning:
    """The Lightning package a fit loop belongs to, and its trainer.call module."""

    def __init__(self, call, package):
        self.call = call
        self.package = package


class _PatchingLoader:
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        _patch(module)


class _PatchingFinder:
    """Patches Lightning's fit loop the moment the script imports it."""

    def find_spec(self, name, path=None, target=None):
        if name not in _LOOP_MODULES:
            return None
        import importlib.machinery
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _PatchingLoader(spec.loader)
        return spec


def install():
    for name in _LOOP_MODULES:
        if name in sys.modules:
            _patch(sys.modules[name])
    if not any(isinstance(f, _PatchingFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _PatchingFinder())
