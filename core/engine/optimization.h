#pragma once
// torch.optim counterparts: the optimizer factory (torch.optim's option names), zero_grad in both
// modes, and Lightning's gradient clipping.

#include <torch/optim.h>

#include <memory>
#include <optional>
#include <string>

#include "stepwise/run_config.h"

namespace stepwise {

/// SGD, Adam, AdamW, RMSprop, Adagrad or LBFGS over `params`, with torch's defaults for every
/// option the spec leaves out.
std::unique_ptr<torch::optim::Optimizer> make_optimizer(const OptimizerSpec& spec,
                                                        const std::vector<torch::Tensor>& params);

/// optimizer.zero_grad(set_to_none=...): LibTorch 1.13 only fills zeros, so set-to-None (torch >=
/// 2's default, which Lightning 2.x uses) is done here by resetting each grad to an undefined
/// tensor.
void zero_grad(torch::optim::Optimizer& optimizer, bool set_to_none);

/// The resolved clipping arguments of clip_gradients (spec G-3).
struct ClipSettings {
    double value = 0.0;  ///< <= 0: no clipping
    std::string algorithm = "norm";
};
ClipSettings resolve_clipping(const TrainerSpec& trainer);

/// Lightning's clip_gradients on every parameter of the optimizer's param groups: torch's
/// clip_grad_norm_ (one 2-norm over all grads, coefficient max/(norm + 1e-6) clamped to 1) or
/// clip_grad_value_. Returns true if it touched the grads.
bool clip_gradients(torch::optim::Optimizer& optimizer, const ClipSettings& clip);

/// Learning rate of the first param group.
double learning_rate(torch::optim::Optimizer& optimizer);

/// What is in place for an optimizer step, read just before it updates (spec Z-3): are the grads
/// all None, all zero, or not; which of the optimizer's state tensors are non-zero (in order of
/// first appearance: "momentum_buffer", "exp_avg", "square_avg", "sum", ...), and the weight decay.
struct StepFacts {
    enum class Grads { none, zero, nonzero } grads = Grads::none;
    std::string held;  ///< "momentum_buffer, weight_decay=0.01"; empty: nothing non-zero
};
StepFacts step_facts(torch::optim::Optimizer& optimizer);

}  // namespace stepwise
