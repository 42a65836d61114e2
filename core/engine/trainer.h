#pragma once
// Trainer: the live objects of one run, built from its config as Lightning's fit setup and
// configure_optimizers() build them: the module, the data, the optimizer and its scheduler, and
// the clipping the Trainer's arguments resolve to. What the loops compute with; what a snapshot
// copies the tensors of. Worker thread only.

#include <torch/optim.h>

#include <memory>
#include <optional>

#include "data_source.h"
#include "lr_scheduler.h"
#include "optimization.h"
#include "stepwise/events.h"
#include "stepwise/run_config.h"
#include "training_module.h"

namespace stepwise {

class Trainer {
  public:
    /// Builds the module, the data, the optimizer and the scheduler, in that order; `phase`
    /// follows what is being built, so that a failure says what it was about (model, data,
    /// config). Throws LoadError, ConfigError or LightningError.
    Trainer(const RunConfig& config, ErrorPhase& phase);
    /// A run whose objects are built already (no scheduler): the Python host's, whose module,
    /// data and optimizer are the user's, or a test's with an optimizer of its own.
    Trainer(const RunConfig& config, std::unique_ptr<TrainingModule> module,
            std::unique_ptr<DataSource> data, std::unique_ptr<torch::optim::Optimizer> optimizer);

    const RunConfig& config() const { return config_; }
    /// Lightning's `trainer.accumulate_grad_batches` now: the config's, until a module that runs
    /// Lightning's code reports another at an epoch start (GradientAccumulationScheduler,
    /// StochasticWeightAveraging set it there). N-2: every batch divides by the current value.
    std::int64_t accumulate_grad_batches() const {
        return accumulate_ ? accumulate_ : config_.trainer.accumulate_grad_batches;
    }
    void set_accumulate_grad_batches(std::int64_t n) { accumulate_ = n; }
    TrainingModule& module() { return *module_; }
    const TrainingModule& module() const { return *module_; }
    DataSource& data() { return *data_; }
    const DataSource& data() const { return *data_; }
    torch::optim::Optimizer& optimizer() { return *optimizer_; }
    const torch::optim::Optimizer& optimizer() const { return *optimizer_; }
    /// configure_optimizers' scheduler; nullptr without one.
    LRScheduler* scheduler() { return scheduler_ ? &*scheduler_ : nullptr; }
    const LRScheduler* scheduler() const { return scheduler_ ? &*scheduler_ : nullptr; }
    /// The Trainer's gradient_clip_val and gradient_clip_algorithm, resolved (spec G-3).
    const ClipSettings& clip() const { return clip_; }
    /// LBFGS: its step() evaluates the closure several times and converts each result to float.
    bool multi_eval_optimizer() const { return multi_eval_; }

  private:
    const RunConfig& config_;
    std::unique_ptr<TrainingModule> module_;
    std::unique_ptr<DataSource> data_;
    std::unique_ptr<torch::optim::Optimizer> optimizer_;
    std::optional<LRScheduler> scheduler_;
    ClipSettings clip_;
    bool multi_eval_ = false;
    std::int64_t accumulate_ = 0;  ///< 0: the config's
};

}  // namespace stepwise
