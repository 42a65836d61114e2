#pragma once
// What Stepwise says in its own words, as a code plus arguments. The engine never writes English:
// it sends a Text, and each front end words it — format_text() in English for stepwise-run and the
// trace, the window's tr() tables (keyed by the same codes) in the user's language. Lightning's and
// torch's own messages are not Texts: they travel verbatim.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace stepwise {

/// Every sentence Stepwise can say. The comment lists the arguments, in order.
/// NOTE: the names are part of the trace schema; add codes, never rename or renumber them.
enum class TextCode : std::uint8_t {
    none = 0,
    // Why a stage was skipped (stage_exit with outcome "skipped").
    skip_zero_grad_not_first,       ///< batch_idx, position in window, accumulate_grad_batches
    skip_step_accumulating,         ///< position in window, accumulate_grad_batches
    skip_before_step_accumulating,  ///< -
    skip_clipping_accumulating,     ///< -
    skip_backward_lightning,        ///< - (Lightning's backward_fn is None for this batch)
    skip_backward_none_returned,    ///< -
    // Stepwise's notices (warning events with source "stepwise").
    notice_non_finite_loss,  ///< "nan" | "inf", epoch, batch_idx
    notice_graph_in_extra,   ///< key, grad_fn
    // How Lightning classifies what training_step returned.
    output_loss_tensor,        ///< -
    output_dict_with_loss,     ///< number of extras
    output_dict_without_loss,  ///< -
    output_none,               ///< -
    output_invalid,            ///< the kind ("str", "list", ...)
    skip_stopped,              ///< - (the stage was left by a stop request)
    // Why lr_scheduler_step did not step the scheduler on this batch (spec S-2).
    skip_scheduler_accumulating,     ///< -
    skip_scheduler_step_frequency,   ///< batch_idx, frequency
    skip_scheduler_epoch_frequency,  ///< epoch, frequency
    skip_scheduler_not_epoch_end,    ///< -
    // Why a batch whose training_step returned None still moved the weights, or did not (the
    // batch_end's explanation), from what was measured (spec Z-3).
    explain_none_grads_none,  ///< update norm
    explain_none_grads_kept,  ///< update norm
    /// update norm, what the optimizer holds ("momentum_buffer, weight_decay=0.01")
    explain_none_zero_moved,
    explain_none_zero_still,          ///< what the optimizer holds ("sum, exp_avg_sq")
    explain_none_zero_still_nothing,  ///< - (zero grads, and nothing non-zero in the optimizer)
    // A breakpoint's condition held (a notice: stepwise-run prints it, the window logs it).
    breakpoint_hit,  ///< breakpoint number, its condition
    /// breakpoint number, its condition, what was measured, its value
    breakpoint_hit_value,
    // Going back (a rewound event's text, or a notice when a rewind cannot be done).
    rewound,                 ///< epoch, batch_idx, the stage it holds at
    rewind_nothing_earlier,  ///< - (held at the first boundary of the run)
    rewind_no_earlier_hit,   ///< -
    rewind_not_earlier,      ///< the batch asked for, the current batch (global indexes)
    rewind_over_budget,      ///< the snapshot budget (MB), one snapshot of this run (MB)
    rewind_not_held,         ///< - (the run has ended)
    // A what-if run's departures from Lightning (RunConfig::departures).
    /// the departures on, by name, comma-separated (a notice at the start)
    departures,
    skip_zero_grad_departure,  ///< - (zero_grad skipped: the skip_zero_grad departure)
    // A fork (a what-if run B started from run A's snapshot).
    forked,  ///< epoch, batch_idx, the stage it holds at, what changed
};
inline constexpr int kTextCodeCount = 35;

/// A sentence by code, with its arguments as plain strings (numbers already formatted).
struct Text {
    TextCode code = TextCode::none;
    std::vector<std::string> args;

    bool empty() const { return code == TextCode::none; }
    bool operator==(const Text& other) const { return code == other.code && args == other.args; }
    bool operator!=(const Text& other) const { return !(*this == other); }
};

/// The code's stable name ("skip_zero_grad_not_first"), as the trace writes it.
const char* text_code_name(TextCode code);
std::optional<TextCode> text_code_from_name(const std::string& name);
/// How many arguments the code takes.
int text_code_arity(TextCode code);
/// A norm as a text argument ("%.6g": "0.0123457", "0"). The engine and the window's run history
/// both write norms this way, so a text rebuilt from a stored number is the same text.
std::string format_norm_arg(double value);

/// The English sentence; empty for TextCode::none.
std::string format_text(const Text& text);

}  // namespace stepwise
