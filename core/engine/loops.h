#pragma once
// The loops, composed as Lightning composes them: fit loop -> epoch loop -> automatic optimization
// -> closure. All run on the session's worker thread.

#include <torch/optim.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "closure.h"
#include "data.h"
#include "lr_scheduler.h"
#include "observer.h"
#include "optimization.h"
#include "stepwise/run_config.h"
#include "training_module.h"

namespace stepwise {

/// What the loops share: the Trainer's arguments, the module, the data, the optimizer, the
/// counters.
struct LoopContext {
    const RunConfig& config;
    TrainingModule& module;
    DataLoader& data;
    torch::optim::Optimizer& optimizer;
    Observer& observer;
    bool multi_eval_optimizer = false;   ///< LBFGS: step() converts every closure result to float
    bool parameters_each_batch = false;  ///< snapshot the parameters into every batch_end
    bool checksum_parameters = false;    ///< SessionOptions::checksum_parameters
    bool observe_norms = true;           ///< SessionOptions::observe_norms
    bool observe_update_ratios = false;  ///< ‖Δθ‖/‖θ‖ per parameter: a breakpoint, or the ledger
    /// The accumulation ledger (a front end watches it): each backward's contribution to .grad,
    /// and at the optimizer step the window's ledger.
    bool observe_ledger = false;
    /// What each batch of the current window added to .grad, flattened (float64), by batch_idx.
    /// Part of the training state: a rewind into the middle of a window needs the batches before.
    std::vector<std::pair<std::int64_t, torch::Tensor>> contributions{};
    /// measured at clipping, reported by optimizer_step
    std::optional<AccumulationLedger> ledger{};
    ClipSettings clip{};
    std::int64_t global_step = 0;                ///< optimizer.step.total.completed (A-4)
    std::set<std::string> graph_extras_noted{};  ///< extras already reported as holding a graph
    std::vector<torch::Tensor> before_step{};    ///< parameter copies for the update norm
    /// Gradient norms measured after this closure call's backward; reused after "clipping" when
    /// clipping changed nothing. Reset at every closure call.
    std::optional<GradNorms> norms_after_backward{};
    LRScheduler* scheduler = nullptr;  ///< configure_optimizers' lr scheduler, if any
    /// Called at the start of every batch, before its data is fetched (the training state there is
    /// what a snapshot keeps); `batch` is the global index, epoch × batches per epoch + batch_idx.
    std::function<void(std::int64_t epoch, std::int64_t batch_idx, std::int64_t batch)>
        at_batch_start{};
    /// Called at the end of every batch, after on_train_batch_end, with its batch_end event before
    /// it goes out and the samples the run has seen so far (a comparison's lockstep).
    std::function<void(Event& end, std::int64_t samples)> at_batch_end{};
    /// Measured inside optimizer.step, after the last closure call, on a batch whose training_step
    /// returned None: the grads and the optimizer's non-zero state before the update (spec Z-3).
    std::optional<StepFacts> none_step_facts{};
};

/// The loss as training_step returned it (before / N): a one-element tensor's value, or a dict's
/// one-element "loss"; nullopt for anything else.
std::optional<double> raw_loss(const OutputDescription& output);

/// What the automatic optimization hands back for one batch.
struct BatchResult {
    bool stepped = false;
    int closure_calls = 0;
    ClosureResult result;
    std::shared_ptr<const OutputDescription> output;  ///< the last training_step output, described
    std::optional<double> update_norm;  ///< 2-norm of this batch's parameter update (stepping only)
    Text explanation;  ///< a stepping batch whose last training_step returned None: why (Z-3)
};

/// Where a batch's closure leaves the description of the latest training_step output. Shared, so
/// the closure keeps it alive for as long as the closure lives.
using OutputSlot = std::shared_ptr<std::shared_ptr<const OutputDescription>>;

/// The batch's closure (spec C-1): training_step, zero_grad on a window's first batch (C-3),
/// backward. It owns what it uses — the batch tensors (by value: a tensor is a shared handle) and
/// the output slot — except the LoopContext, which lives for the whole fit. So it may outlive the
/// batch and the AutomaticOptimization that built it (rewind and forks keep closures).
Closure make_batch_closure(LoopContext& ctx, torch::Tensor x, torch::Tensor y,
                           std::int64_t batch_idx, OutputSlot last_output);

/// _AutomaticOptimization.run: accumulate (call the closure) or optimizer.step(wrapped closure).
class AutomaticOptimization {
  public:
    explicit AutomaticOptimization(LoopContext& ctx) : ctx_(ctx) {}
    /// `is_last`: the final batch of the epoch.
    BatchResult run(const torch::Tensor& x, const torch::Tensor& y, std::int64_t batch_idx,
                    bool is_last);

  private:
    /// Returns the 2-norm of the parameter update, when it was measured
    /// (LoopContext::observe_norms, or a None batch).
    std::optional<double> optimizer_step(Closure& closure);
    void after_closure();  ///< on_before_optimizer_step, then configure_gradient_clipping
    /// The window's ledger from .grad before clipping (`window`) and after it (`clipped`), flat.
    AccumulationLedger make_ledger(const torch::Tensor& window, const torch::Tensor& clipped) const;

    LoopContext& ctx_;
};

/// _TrainingEpochLoop over one epoch, then _FitLoop over epochs.
class FitLoop {
  public:
    /// Resolves max_epochs and the batches per epoch as Lightning's fit setup does; throws
    /// ConfigError for a limit_train_batches fraction that leaves no batch.
    explicit FitLoop(LoopContext& ctx);
    /// Batches per epoch after limit_train_batches.
    std::int64_t num_training_batches() const { return num_training_batches_; }
    std::int64_t max_epochs() const { return max_epochs_; }
    void run();
    /// Goes on from the start of batch `batch_idx` of `epoch`, the training state restored to what
    /// it was there (a rewind): nothing of fit's start is repeated.
    void run_from(std::int64_t epoch, std::int64_t batch_idx);

  private:
    bool max_steps_reached() const;
    void run_epoch(std::int64_t epoch, std::int64_t first_batch);
    void run_batch(std::int64_t epoch, std::int64_t batch_idx, bool is_last);
    /// update_lr_schedulers("step"), then on the epoch's last batch ("epoch") (spec LR-1, LR-2).
    void update_lr_schedulers(std::int64_t epoch, std::int64_t batch_idx, bool is_last,
                              bool stepped);

    LoopContext& ctx_;
    std::int64_t max_epochs_;
    std::int64_t num_training_batches_;
};

/// Human description of a training_step output and how Lightning classifies it.
OutputDescription describe_output(const c10::IValue& output);

}  // namespace stepwise
