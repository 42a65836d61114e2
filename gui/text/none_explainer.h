#pragma once
// What a batch that returned None meant for the optimizer step, in words (spec Z-3).

#include <QString>

#include "stepwise/events.h"

namespace stepwise::gui {

/// Explains a batch whose training_step returned None, from its batch_end event: whether it
/// stepped, and for a stepping batch the engine's explanation, derived from what was measured
/// (the grads before the update, the optimizer's non-zero state, the update norm).
QString explainNoneBatch(const Event& batchEnd);

}  // namespace stepwise::gui
