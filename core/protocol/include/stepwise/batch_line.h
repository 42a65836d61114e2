#pragma once
// The one-line summary of a batch that stepwise-run prints (and the GUI benchmark's baseline pays
// for): epoch, batch, global_step, step or accumulate, the loss as Lightning reports it, extras,
// the learning rate, and for a None batch that stepped why the weights moved or not.

#include <string>

#include "stepwise/events.h"

namespace stepwise {

/// The line for a batch_end event, without a trailing newline.
std::string format_batch_line(const Event& batch_end);

}  // namespace stepwise
