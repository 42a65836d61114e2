#pragma once
// What Stepwise says in its own words, as a code plus arguments. The engine never writes English:
// it sends a Text, and each front end words it — format_text() in English for stepwise-run and the
// trace, the window's tr() tables (keyed by the same codes) in the user's language. Lightning's and
// torch's own messages are not Texts: they travel verbatim.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stepwise/enum_names.h"

namespace stepwise {

/// Every sentence Stepwise can say: its code's name (part of the trace schema: add codes, never
/// rename or reorder them), how many arguments it takes, and its English with %1, %2, ... for the
/// arguments (what stepwise-run prints and the trace's readers show; the window's translations are
/// keyed by the same codes, gui/text/text_tr.cpp).
#define STEPWISE_TEXT_CODES(X)                                                                     \
    X(none, 0, "")                                                                                 \
    /* Why a stage was skipped (stage_exit with outcome "skipped"). */                             \
    X(skip_zero_grad_not_first, 3, /* batch_idx, position in cycle, accumulate_grad_batches */     \
      "zero_grad skipped: batch %1 is not the first of its accumulation cycle (batch %2 of %3 in " \
      "its accumulation cycle)")                                                                   \
    X(skip_step_accumulating, 2, /* position in cycle, accumulate_grad_batches */                  \
      "optimizer.step skipped: accumulating, batch %1 of %2 in its accumulation cycle; the loop "  \
      "calls the closure directly")                                                                \
    X(skip_before_step_accumulating, 0,                                                            \
      "on_before_optimizer_step skipped: no optimizer step on an accumulating batch")              \
    X(skip_clipping_accumulating, 0,                                                               \
      "gradient clipping skipped: no optimizer step on an accumulating batch")                     \
    X(skip_backward_lightning, 0, /* Lightning's backward_fn is None for this batch */             \
      "backward skipped: backward is being skipped for this batch")                                \
    X(skip_backward_none_returned, 0, "backward skipped: training_step returned None")             \
    /* Stepwise's notices (warning events with source "stepwise"). */                              \
    X(notice_non_finite_loss, 3, /* "nan" | "inf", epoch, batch_idx */                             \
      "training_step returned a non-finite loss (%1) at epoch %2, batch %3; Lightning does not "   \
      "check it and backpropagates it as is")                                                      \
    X(notice_epoch_ended_by_hook, 2, /* epoch, batch_idx */                                        \
      "on_train_batch_start returned -1 at epoch %1, batch %2: Lightning ends the epoch there, "   \
      "before the batch trains")                                                                   \
    X(notice_graph_in_extra, 2, /* key, grad_fn */                                                 \
      "the extra '%1' returned by training_step still holds an autograd graph (%2); Lightning "    \
      "passes extras on undetached, so the graph stays alive until on_train_batch_end has run. "   \
      "Return it .detach()ed unless you need it.")                                                 \
    /* How Lightning classifies what training_step returned. */                                    \
    X(output_loss_tensor, 0, "loss tensor: loss / N is backpropagated")                            \
    X(output_dict_with_loss, 1, /* number of extras */                                             \
      "dict with 'loss' and %1 extra(s): loss / N is backpropagated")                              \
    X(output_dict_without_loss, 0, "dict without a 'loss': MisconfigurationException")             \
    X(output_none, 0, "None: backward is skipped, the optimizer step still runs")                  \
    X(output_invalid, 1, /* the kind ("str", "list", ...) */                                       \
      "%1: MisconfigurationException (must be a Tensor, a dict, or None)")                         \
    X(skip_stopped, 0, /* the stage was left by a stop request */ "stopped by request")            \
    /* Why lr_scheduler_step did not step the scheduler on this batch (spec S-2). */               \
    X(skip_scheduler_accumulating, 0,                                                              \
      "lr_scheduler.step skipped: accumulating; an interval \"step\" scheduler steps only after "  \
      "an optimizer step")                                                                         \
    X(skip_scheduler_step_frequency, 2, /* batch_idx, frequency */                                 \
      "lr_scheduler.step skipped: interval \"step\", frequency %2, and batch %1 + 1 is not a "     \
      "multiple of %2")                                                                            \
    X(skip_scheduler_epoch_frequency, 2, /* epoch, frequency */                                    \
      "lr_scheduler.step skipped: interval \"epoch\", frequency %2, and epoch %1 + 1 is not a "    \
      "multiple of %2")                                                                            \
    X(skip_scheduler_not_epoch_end, 0,                                                             \
      "lr_scheduler.step skipped: interval \"epoch\"; it steps after the epoch's last batch")      \
    /* Why a batch whose training_step returned None still moved the weights, or did not (the      \
       batch_end's explanation), from what was measured (spec Z-3). */                             \
    X(explain_none_grads_none, 1, /* update norm */                                                \
      "every .grad was None, so the optimizer skipped every parameter (‖Δθ‖ %1)")                  \
    X(explain_none_grads_kept, 1, /* update norm */                                                \
      ".grad still held the gradients of the cycle's earlier batches, and the step applied them "  \
      "(‖Δθ‖ %1)")                                                                                 \
    X(explain_none_zero_moved, 2, /* update norm, what the optimizer holds */                      \
      "the grads were zero-filled, yet the weights moved (‖Δθ‖ %1): the optimizer holds %2")       \
    X(explain_none_zero_still, 1, /* what the optimizer holds ("sum, exp_avg_sq") */               \
      "the grads were zero-filled and the weights did not move; the optimizer holds %1")           \
    X(explain_none_zero_still_nothing, 0,                                                          \
      "the grads were zero-filled and the weights did not move; the optimizer holds nothing that " \
      "is not zero")                                                                               \
    /* A breakpoint's condition held (a notice: stepwise-run prints it, the window logs it). */    \
    X(breakpoint_hit, 2, /* breakpoint number, its condition */ "breakpoint %1 (%2) hit")          \
    X(breakpoint_hit_value, 4, /* number, condition, what was measured, its value */               \
      "breakpoint %1 (%2) hit: %3 = %4")                                                           \
    /* Going back (a rewound event's text, or a notice when a rewind cannot be done). */           \
    X(rewound, 3, /* epoch, batch_idx, the stage it holds at */                                    \
      "went back to epoch %1, batch %2, before %3; what follows is recomputed")                    \
    X(rewind_nothing_earlier, 0, "cannot go back: this is the run's first stage")                  \
    X(rewind_no_earlier_hit, 0,                                                                    \
      "cannot go back to a breakpoint hit: none held the run before this point")                   \
    X(rewind_not_earlier, 2, /* the batch asked for, the current batch (global indexes) */         \
      "cannot go back to batch %1: the run is at batch %2")                                        \
    X(rewind_over_budget, 2, /* the snapshot budget (MB), one snapshot of this run (MB) */         \
      "cannot go back: one snapshot of this run takes %2 MB, more than the snapshot budget of %1 " \
      "MB (rewind.budget_mb)")                                                                     \
    X(rewind_not_held, 0, /* the run has ended */ "cannot go back: the run has ended")             \
    /* A what-if run's departures from Lightning (RunConfig::departures). */                       \
    X(departures, 1, /* the departures on, by name, comma-separated (a notice at the start) */     \
      "not what Lightning does: this run departs from Lightning's automatic optimization on "      \
      "purpose (%1)")                                                                              \
    X(skip_zero_grad_departure, 0,                                                                 \
      "zero_grad skipped: not what Lightning does (skip_zero_grad); .grad keeps what earlier "     \
      "batches added")                                                                             \
    /* A fork (a what-if run B started from run A's snapshot). */                                  \
    X(forked, 4, /* epoch, batch_idx, the stage it holds at, what changed */                       \
      "forked from run A at epoch %1, batch %2, before %3, with %4; everything before this batch " \
      "is run A's")                                                                                \
    X(rewind_not_kept, 0, /* a run made without snapshots (SessionOptions::rewindable) */          \
      "cannot go back: this run keeps no snapshots of its training state")                         \
    X(rewind_not_restored, 1, /* what a script's snapshot could not copy, comma-separated */       \
      "going back put back all but %1: Stepwise could not copy them, so they stay as the later "   \
      "batches left them")
enum class TextCode : std::uint8_t { STEPWISE_TEXT_CODES(STEPWISE_ENUMERATOR) };
inline constexpr int kTextCodeCount = STEPWISE_TEXT_CODES(STEPWISE_COUNT) 0;

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
std::optional<TextCode> text_code_from_name(std::string_view name);
/// How many arguments the code takes.
int text_code_arity(TextCode code);
/// A norm as a text argument ("%.6g": "0.0123457", "0"). The engine and the window's run history
/// both write norms this way, so a text rebuilt from a stored number is the same text.
std::string format_norm_arg(double value);

/// The English sentence; empty for TextCode::none.
std::string format_text(const Text& text);

}  // namespace stepwise
