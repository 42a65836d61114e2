#pragma once
// What a batch that returned None meant for the optimizer step, in words (spec section 6).

#include <QString>
#include <optional>

#include "stepwise/events.h"
#include "stepwise/run_config.h"

namespace stepwise::gui {

/// Explains a batch whose training_step returned None. `batchEnd` is its batch_end event;
/// `updateNorm` the optimizer_step's update norm on that batch, when it stepped.
QString explainNoneBatch(const Event& batchEnd, const RunConfig& config,
                         std::optional<double> updateNorm);

/// The optimizer keeps state that moves weights even with zero gradients (momentum, weight decay,
/// Adam-style moments).
bool optimizerMovesOnZeroGrads(const RunConfig& config);

}  // namespace stepwise::gui
