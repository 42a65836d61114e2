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
    def training_step(self):
        trainer = self.trainer
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
