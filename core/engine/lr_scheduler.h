#pragma once
// torch.optim.lr_scheduler, restated for LibTorch 1.13 (which has almost none of them): StepLR,
// MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR, ConstantLR and OneCycleLR. Each computes
// what torch 1.13's step() computes, in the same order of floating-point operations (the chainable
// get_lr(), not the closed form), so the learning rates agree bit for bit (spec S-1).

#include <torch/optim.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "stepwise/run_config.h"

namespace stepwise {

class LRScheduler {
  public:
    /// The constructor, including torch's initial step (last_epoch 0): LinearLR, ConstantLR and
    /// OneCycleLR change the learning rate right away, as in configure_optimizers(). OneCycleLR
    /// also sets the momentum (or Adam's beta1) when it cycles it.
    LRScheduler(const LRSchedulerSpec& spec, torch::optim::Optimizer& optimizer);

    /// scheduler.step(): last_epoch += 1 and every param group's lr (and momentum) set. Throws
    /// LightningError("ValueError", ...) when OneCycleLR is stepped past its total steps.
    void step();

    const LRSchedulerSpec& spec() const { return spec_; }
    std::int64_t last_epoch() const { return last_epoch_; }
    /// Restores the step count a snapshot kept (the learning rates live in the optimizer's groups).
    void set_last_epoch(std::int64_t last_epoch) { last_epoch_ = last_epoch; }
    /// The learning rate of the first param group.
    double lr() const;
    /// The momentum (or beta1) of the first param group, if the optimizer has one.
    std::optional<double> momentum() const;

  private:
    double number(const char* key, double fallback) const;
    std::vector<double> get_lr();
    void set_momentum(std::size_t group, double value);

    LRSchedulerSpec spec_;
    torch::optim::Optimizer& optimizer_;
    std::int64_t last_epoch_ = -1;
    std::vector<double> base_lrs_;
    // OneCycleLR's per-group keys (initial_lr, max_lr, min_lr, max/base momentum) and phases.
    struct Phase {
        double end_step;
        int start_lr, end_lr, start_momentum, end_momentum;  ///< indexes into GroupValues
    };
    struct GroupValues {
        double values[5];  ///< initial_lr, max_lr, min_lr, max_momentum, base_momentum
    };
    std::vector<GroupValues> one_cycle_;
    std::vector<Phase> phases_;
    std::int64_t total_steps_ = 0;
    bool cycle_momentum_ = false;
    bool linear_anneal_ = false;
};

}  // namespace stepwise
