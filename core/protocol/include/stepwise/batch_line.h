#pragma once
// The one-line summary of a batch that stepwise-run prints (and the GUI benchmark's baseline pays
// for): epoch, batch, global_step, step or accumulate, the loss as Lightning reports it, extras,
// the learning rate, and for a None batch that stepped why the weights moved or not; a script's
// progress-bar metrics.

#include <string>

#include "stepwise/events.h"

namespace stepwise {

/// The line for a batch_end event, without a trailing newline; with the step's metrics (a
/// script's self.log), the ones Lightning's progress bar shows (prog_bar=True) at its end.
std::string format_batch_line(const Event& batch_end, const MetricsRecord* step_metrics = nullptr);
/// A number as the batch line writes it (six significant digits, "nan").
std::string format_metric(double value);
/// A variable of the user's code as one line: "tensor float32 [8, 6] requires_grad
/// grad_fn=AddmmBackward0 min … · mean … · max …", "3 (int)", "'relu' (str)".
std::string format_value(const ValueDescription& value);

}  // namespace stepwise
