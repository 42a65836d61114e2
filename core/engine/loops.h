#pragma once
// The loops, composed as Lightning composes them: fit loop -> epoch loop -> automatic optimization
// -> closure. Each owns its progress, as Lightning's loops own their counters (loops/,
// progress.py): the automatic optimization owns the optimizer steps taken (global_step) and what
// Stepwise measures across an accumulation cycle; the fit loop owns the epoch's limits. They
// compute with the Trainer's objects and report through the Observer. All run on the session's
// worker thread.

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "closure.h"
#include "observer.h"
#include "optimization.h"
#include "trainer.h"

namespace stepwise {

/// What the loops measure beyond what Lightning itself computes: only what a consumer reads (the
/// window, a trace, a breakpoint, the ledger dock, the parity meter). The session owns it and may
/// change it between stages; the loops read it where they measure.
struct Observations {
    /// Per-parameter gradient norms (on_after_backward, configure_gradient_clipping), the update
    /// norm ‖Δθ‖ of optimizer_step and batch_end. Off, a stepping batch whose training_step
    /// returned None still measures its update: its explanation quotes it (Z-3).
    bool norms = true;
    /// ‖Δθ‖/‖θ‖ over all parameters and per parameter (update_ratio and unchanged breakpoints).
    bool update_ratios = false;
    /// Each backward's contribution to .grad, and the cycle's ledger at its optimizer step.
    bool ledger = false;
    bool parameters_each_batch = false;  ///< a copy of the parameters in every batch_end
    bool checksum_parameters = false;    ///< a checksum of them in every batch_end (parity meter)
};

/// Where the session hangs on the loops.
struct LoopHooks {
    /// At the start of every batch, before its data is fetched (the state there is what a snapshot
    /// keeps); `batch` is the global index, epoch × batches per epoch + batch_idx.
    std::function<void(std::int64_t epoch, std::int64_t batch_idx, std::int64_t batch)> batch_start;
    /// At the end of every batch, after on_train_batch_end, with its batch_end event before it
    /// goes out and the samples the run has seen so far (a comparison's lockstep).
    std::function<void(Event& end, std::int64_t samples)> batch_end;
};

/// The loss as training_step returned it (before / N): a one-element tensor's value, or a dict's
/// one-element "loss"; nullopt for anything else.
std::optional<double> raw_loss(const OutputDescription& output);
/// Human description of a training_step output and how Lightning classifies it.
OutputDescription describe_output(const c10::IValue& output);

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

/// _AutomaticOptimization: one batch's closure, called directly (accumulating) or handed to
/// optimizer.step, with the hooks and clipping Lightning runs around it.
class AutomaticOptimization {
  public:
    AutomaticOptimization(Trainer& trainer, Observer& observer, const Observations& observe);

    /// `is_last`: the final batch of the epoch.
    BatchResult run(const c10::IValue& batch, std::int64_t batch_idx, bool is_last);
    /// optimizer.step.total.completed.
    std::int64_t global_step() const { return global_step_; }
    /// The 2-norm of every .grad after the last closure call's backward (norms observed).
    std::optional<double> grad_norm_after_backward() const {
        return norms_after_backward_ ? std::optional(norms_after_backward_->total) : std::nullopt;
    }

    /// The batch's closure (spec C-1): training_step, zero_grad on a cycle's first batch (C-3),
    /// backward. It owns what it uses — the batch tensors (by value: a tensor is a shared handle)
    /// and the output slot — and refers to this object, which lives for the whole fit. So it may
    /// outlive the batch (rewind and forks keep closures).
    Closure make_closure(c10::IValue batch, std::int64_t batch_idx, OutputSlot last_output);

    /// What a snapshot keeps of the progress: the optimizer steps, the extras already reported as
    /// holding a graph, and each batch's contribution to the cycle's .grad so far (the ledger's;
    /// a rewind into the middle of a cycle needs the batches before). Tensors deep-copied.
    struct State {
        std::int64_t global_step = 0;
        std::set<std::string> graph_extras_noted;
        std::vector<std::pair<std::int64_t, torch::Tensor>> contributions;
    };
    State state() const;
    void restore(const State& state);

  private:
    /// One training_step call inside the closure, with its stage and Stepwise's notices.
    ClosureResult training_step(const c10::IValue& batch, std::int64_t batch_idx,
                                std::shared_ptr<const OutputDescription>& last_output);
    void notice_output(const ClosureResult& result, const OutputDescription& output,
                       std::int64_t batch_idx);
    void zero_grad();
    void backward(const torch::Tensor& loss, std::int64_t batch_idx);
    /// Returns the 2-norm of the parameter update, when it was measured.
    std::optional<double> optimizer_step(Closure& closure);
    std::optional<double> update_norm(StagePayload& p) const;
    void after_closure();  ///< on_before_optimizer_step, then configure_gradient_clipping
    /// The cycle's ledger from .grad before clipping (`cycle`) and after it (`clipped`), flat.
    AccumulationLedger make_ledger(const torch::Tensor& cycle, const torch::Tensor& clipped) const;

    Trainer& trainer_;
    Observer& observer_;
    const Observations& observe_;
    std::int64_t global_step_ = 0;
    std::set<std::string> graph_extras_noted_;
    /// What each batch of the current cycle added to .grad, flattened (float64), by batch_idx.
    std::vector<std::pair<std::int64_t, torch::Tensor>> contributions_;
    std::optional<AccumulationLedger>
        ledger_;  ///< measured at clipping, reported by optimizer_step
    /// Gradient norms measured after this closure call's backward; reused after "clipping" when
    /// clipping changed nothing. Reset at every closure call.
    std::optional<GradNorms> norms_after_backward_;
    std::vector<torch::Tensor> before_step_;  ///< parameter copies for the update norm
    bool copied_ = false;                     ///< before_step_ holds this step's parameters
    /// Measured inside optimizer.step, after the last closure call, on a batch whose training_step
    /// returned None: the grads and the optimizer's non-zero state before the update (spec Z-3).
    std::optional<StepFacts> none_step_facts_;
};

/// _TrainingEpochLoop over one epoch, then _FitLoop over epochs.
class FitLoop {
  public:
    /// Resolves max_epochs and the batches per epoch as Lightning's fit setup does; throws
    /// ConfigError for a limit_train_batches fraction that leaves no batch.
    FitLoop(Trainer& trainer, Observer& observer, const Observations& observe,
            LoopHooks hooks = {});
    /// Batches per epoch after limit_train_batches.
    std::int64_t num_training_batches() const { return num_training_batches_; }
    std::int64_t max_epochs() const { return max_epochs_; }
    void run();
    /// Goes on from the start of batch `batch_idx` of `epoch`, the training state restored to what
    /// it was there (a rewind): nothing of fit's start is repeated.
    /// The epoch's start (on_epoch_start) is not run again: the state has it.
    void run_from(std::int64_t epoch, std::int64_t batch_idx) {
        run_epochs(epoch, batch_idx, true);
    }

    Trainer& trainer() { return trainer_; }
    const Trainer& trainer() const { return trainer_; }
    Observer& observer() { return observer_; }
    const Observer& observer() const { return observer_; }
    AutomaticOptimization& optimization() { return automatic_; }
    const AutomaticOptimization& optimization() const { return automatic_; }
    LoopHooks& hooks() { return hooks_; }

  private:
    bool max_steps_reached() const;
    void run_epochs(std::int64_t first_epoch, std::int64_t first_batch, bool resumed);
    void run_epoch(std::int64_t epoch, std::int64_t first_batch);
    /// false: on_train_batch_start returned -1, which ends the epoch.
    bool run_batch(std::int64_t epoch, std::int64_t batch_idx, bool is_last);
    /// The batch_end event: what Lightning recorded for the batch (O-1, N-6).
    Event batch_end(BatchResult& r, std::int64_t batch_idx, double lr) const;
    /// update_lr_schedulers("step"), then on the epoch's last batch ("epoch") (spec LR-1, LR-2).
    void update_lr_schedulers(std::int64_t epoch, std::int64_t batch_idx, bool is_last,
                              bool stepped);

    Trainer& trainer_;
    Observer& observer_;
    const Observations& observe_;
    LoopHooks hooks_;
    AutomaticOptimization automatic_;
    std::int64_t max_epochs_;
    std::int64_t num_training_batches_;
};

}  // namespace stepwise
