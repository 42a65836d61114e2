#pragma once
// Lightning's ClosureResult and Closure (loops/optimization/automatic.py, closure.py).

#include <ATen/core/ivalue.h>
#include <torch/types.h>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stepwise/text.h"

namespace stepwise {

class Observer;

/// What one training_step call amounts to (spec R-2, N-1...N-4).
struct ClosureResult {
    torch::Tensor closure_loss;  ///< loss / N with its graph; undefined when None was returned
    /// detached clone of closure_loss (own storage); undefined for None
    torch::Tensor loss;
    /// other dict entries, in order, as is
    std::vector<std::pair<std::string, c10::IValue>> extra;

    /// Classifies what training_step returned and normalises the loss by `normalize` (= N).
    /// Throws LightningError: MisconfigurationException for a dict without "loss" and for any other
    /// type; TypeError for a dict whose "loss" is not a tensor.
    static ClosureResult from_training_step_output(const c10::IValue& output,
                                                   std::int64_t normalize);
};

/// The closure built once per batch from three optional parts fixed at build time (spec C-1...C-6).
class Closure {
  public:
    using StepFn = std::function<ClosureResult()>;
    using ZeroGradFn = std::function<void()>;
    using BackwardFn = std::function<void(const torch::Tensor& closure_loss)>;

    struct Parts {
        StepFn step_fn;
        ZeroGradFn zero_grad_fn;   ///< empty: no zero_grad this batch
        BackwardFn backward_fn;    ///< empty: backward is being skipped
        Text no_zero_grad_reason;  ///< shown when zero_grad_fn is empty
    };

    /// `observer` may be null (unit tests); then nothing is reported.
    Closure(Parts parts, Observer* observer);

    /// One invocation: step, None warning, zero_grad, backward, cache. Grad mode is on throughout.
    /// Returns the detached normalised loss, or an undefined tensor when None was returned.
    torch::Tensor operator()();

    /// The latest invocation's result; clears the cache. Throws Lightning's "closure hasn't been
    /// executed" MisconfigurationException when there is none.
    ClosureResult consume_result();

    int calls() const { return calls_; }

  private:
    void skip(int stage, const Text& reason);

    Parts parts_;
    Observer* observer_;
    std::optional<ClosureResult> result_;
    int calls_ = 0;
};

}  // namespace stepwise
