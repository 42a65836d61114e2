#pragma once
// TrainingModule: what the engine sees of the user's LightningModule — `training_step(batch,
// batch_idx)`, the parameters it trains, its buffers, whether it may draw from torch's global
// generator, and Lightning's code at each place the loops reach (the hooks). Two implementations:
// ScriptModule (TorchScript: a module file, a `.stepwise` source, a built-in lesson; no Python),
// which has no hooks, so the engine runs its own exact C++ equivalent of Lightning's defaults, and
// the Python host's (core/python/), whose hooks run Lightning's own code with the user's module,
// callbacks, optimizer and schedulers.

#include <ATen/core/ivalue.h>
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tensor_utils.h"

namespace stepwise {

class TrainingModule {
  public:
    virtual ~TrainingModule() = default;
    TrainingModule(const TrainingModule&) = delete;
    TrainingModule& operator=(const TrainingModule&) = delete;

    /// Calls training_step as Lightning does: with (batch, batch_idx) when it takes two
    /// arguments, with (batch) when it takes one. `batch` is what the data source yielded for it.
    virtual c10::IValue training_step(const c10::IValue& batch, std::int64_t batch_idx) = 0;

    /// The parameters the optimizer trains, by their dotted names, in registration order.
    const NamedTensors& parameters() const { return params_; }
    std::vector<torch::Tensor> parameter_tensors() const;
    /// The module's buffers (named_buffers(recurse=True)): what a snapshot restores besides the
    /// parameters, and what the Tensors dock lists.
    virtual NamedTensors buffers() const = 0;
    /// dtype of the first floating-point parameter (float32 if none).
    torch::ScalarType dtype() const;
    /// Whether training_step may draw from torch's global generator (dropout, torch.rand, ...).
    /// A run whose training_step draws nothing computes beside another run without sharing the
    /// generator stage by stage (GeneratorLease). When in doubt: true.
    bool draws_random() const { return draws_random_; }
    /// The model's code as the user wrote it, for the Code dock (empty when there is none).
    const std::string& code() const { return code_; }

    // Lightning's code where the loops reach it. Each default does nothing and returns "not
    // handled" (false, nullopt): the engine then does its own equivalent of Lightning's default.
    // Each is called inside the stage of the same name, so a failure is that stage's.

    /// Whether this module runs Lightning's own code at the places below.
    virtual bool hosts_lightning() const { return false; }
    /// Where the warnings Lightning's own code raises go while the run lasts (the run's warning
    /// events: message, Python's warning class). Only a module that runs Lightning's code has any.
    using WarningSink =
        std::function<void(const std::string& message, const std::string& category)>;
    virtual void set_warning_sink(WarningSink) {}
    /// Where what the user's `self.log` recorded goes while the run lasts (the run's `metrics`
    /// events): the step's values after each batch, the epoch's after each epoch. Only a module
    /// that runs Lightning's code has any.
    using MetricsSink = std::function<void(MetricsRecord)>;
    virtual void set_metrics_sink(MetricsSink) {}
    /// Before each epoch: Lightning's own end condition besides the engine's (`fit_loop.done`:
    /// `trainer.should_stop`, a callback's stop).
    virtual bool fit_done() { return false; }
    /// _FitLoop.on_advance_start and the epoch loop's reset (on_train_epoch_start); and after the
    /// epoch, _FitLoop.on_advance_end (on_train_epoch_end, epoch-end schedulers).
    virtual void on_epoch_start(std::int64_t /*epoch*/) {}
    /// After on_epoch_start: Lightning's `trainer.accumulate_grad_batches` as the epoch's hooks
    /// left it (a callback may change it there); nullopt: the config's, unchanged.
    virtual std::optional<std::int64_t> accumulate_grad_batches() const { return std::nullopt; }
    virtual void on_epoch_end(std::int64_t /*epoch*/) {}
    /// Before each batch: Lightning's epoch end condition besides the engine's (`should_stop`).
    virtual bool epoch_done() { return false; }
    /// on_train_batch_start (callbacks, then the module). false: it returned -1, which ends the
    /// epoch before this batch trains.
    virtual bool on_train_batch_start(const c10::IValue& /*batch*/, std::int64_t /*batch_idx*/) {
        return true;
    }
    virtual void on_before_zero_grad() {}
    virtual bool optimizer_zero_grad(std::int64_t /*batch_idx*/) { return false; }
    virtual void on_before_backward(const torch::Tensor& /*loss*/) {}
    /// LightningModule.backward when the user overrode it (true); else the engine's
    /// loss.backward().
    virtual bool backward(const torch::Tensor& /*loss*/) { return false; }
    virtual void on_after_backward() {}
    virtual void on_before_optimizer_step() {}
    /// Lightning's _clip_gradients (configure_gradient_clipping); nullopt: not handled; else
    /// whether it may have changed the gradients.
    virtual std::optional<bool> clip_gradients() { return std::nullopt; }
    /// The optimizer_step hook with `closure` as optimizer_closure (Lightning's own, or the
    /// user's override), which hands it to optimizer.step; sets what step returned. false: not
    /// handled.
    virtual bool optimizer_step(std::int64_t /*batch_idx*/,
                                const std::function<torch::Tensor()>& /*closure*/,
                                torch::Tensor& /*returned*/) {
        return false;
    }
    /// Right after the batch's optimization (Lightning's batch_progress.increment_processed).
    virtual void batch_processed() {}
    /// The schedulers configure_optimizers returned, as the engine's loop reads their timing
    /// (the first one's interval and frequency); nullopt: none.
    struct SchedulerTiming {
        std::string interval;
        std::int64_t frequency = 1;
    };
    virtual std::optional<SchedulerTiming> scheduler_timing() const { return std::nullopt; }
    /// update_lr_schedulers("step"), then at the epoch's end ("epoch"), as Lightning runs them.
    virtual void step_lr_schedulers() {}
    /// on_train_batch_end (callbacks, then the module) with Lightning's batch output ({} for
    /// None, else {"loss": loss, **extra}), then the rest of Lightning's batch end (logging,
    /// progress, what runs after a batch).
    virtual void on_train_batch_end(
        const torch::Tensor& /*loss*/,
        const std::vector<std::pair<std::string, c10::IValue>>& /*extra*/,
        const c10::IValue& /*batch*/, std::int64_t /*batch_idx*/) {}

    /// Stepping the lines of the user's own Python code (a module that runs it), set by the
    /// session: whether a training_step about to run traces its lines (a step of a line kind is
    /// under way, or a `line=` breakpoint is set, and the run is not recomputing), whether a line
    /// would stop (the gate, a breakpoint: a first look), and the stop itself (breakpoints, the
    /// gate; throws StopRequested / RewindRequested like any boundary).
    struct LineHook {
        std::function<bool()> tracing;
        std::function<bool(const std::string& file, std::int64_t line, int depth)> wanted;
        std::function<void(std::shared_ptr<const LineFrame> frame)> hold;
    };
    virtual void set_line_hook(LineHook) {}

    /// What a snapshot keeps of the state only this module holds (a hosted module's Python
    /// objects: its optimizers and schedulers, Lightning's loops and logged results, the user's
    /// attributes, Python's generators, the DataLoader's place). Immutable once taken.
    struct HostState {
        virtual ~HostState() = default;
        std::size_t bytes = 0;  ///< tensor bytes it copied (the snapshot budget's)
        std::vector<std::string>
            not_kept;  ///< what it could not copy ("Net.log_file (TextIOWrapper)")
    };
    /// At a batch's start, before its data is fetched; nullptr: nothing beyond the engine's.
    virtual std::shared_ptr<const HostState> capture_host_state() { return nullptr; }
    /// Puts it back, before the engine puts back torch's generator.
    virtual void restore_host_state(const HostState& /*state*/) {}

  protected:
    TrainingModule() = default;

    NamedTensors params_;
    bool draws_random_ = true;
    std::string code_;
};

}  // namespace stepwise
