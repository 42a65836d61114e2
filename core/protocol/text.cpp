#include "stepwise/text.h"

#include <array>
#include <cstddef>
#include <cstdio>

namespace stepwise {

namespace {

struct CodeInfo {
    const char* name;
    int arity;
    /// English with %1, %2, ... for the arguments (the window's tr() sources use the same form).
    const char* english;
};

// Indexed by TextCode. The English text of each is what stepwise-run prints and the trace's
// readers show; the window's translations are keyed by the same codes (gui/app/text_tr.cpp).
constexpr std::array<CodeInfo, kTextCodeCount> kCodes = {{
    {"none", 0, ""},
    {"skip_zero_grad_not_first", 3,
     "zero_grad skipped: batch %1 is not the first of its accumulation window (batch %2 of %3 in "
     "its accumulation window)"},
    {"skip_step_accumulating", 2,
     "optimizer.step skipped: accumulating, batch %1 of %2 in its accumulation window; the loop "
     "calls the closure directly"},
    {"skip_before_step_accumulating", 0,
     "on_before_optimizer_step skipped: no optimizer step on an accumulating batch"},
    {"skip_clipping_accumulating", 0,
     "gradient clipping skipped: no optimizer step on an accumulating batch"},
    {"skip_backward_lightning", 0, "backward skipped: backward is being skipped for this batch"},
    {"skip_backward_none_returned", 0, "backward skipped: training_step returned None"},
    {"notice_non_finite_loss", 3,
     "training_step returned a non-finite loss (%1) at epoch %2, batch %3; Lightning does not "
     "check it and backpropagates it as is"},
    {"notice_graph_in_extra", 2,
     "the extra '%1' returned by training_step still holds an autograd graph (%2); Lightning "
     "passes extras on undetached, so the graph stays alive until on_train_batch_end has run. "
     "Return it .detach()ed unless you need it."},
    {"output_loss_tensor", 0, "loss tensor: loss / N is backpropagated"},
    {"output_dict_with_loss", 1, "dict with 'loss' and %1 extra(s): loss / N is backpropagated"},
    {"output_dict_without_loss", 0, "dict without a 'loss': MisconfigurationException"},
    {"output_none", 0, "None: backward is skipped, the optimizer step still runs"},
    {"output_invalid", 1, "%1: MisconfigurationException (must be a Tensor, a dict, or None)"},
    {"skip_stopped", 0, "stopped by request"},
    {"skip_scheduler_accumulating", 0,
     "lr_scheduler.step skipped: accumulating; an interval \"step\" scheduler steps only after an "
     "optimizer step"},
    {"skip_scheduler_step_frequency", 2,
     "lr_scheduler.step skipped: interval \"step\", frequency %2, and batch %1 + 1 is not a "
     "multiple "
     "of %2"},
    {"skip_scheduler_epoch_frequency", 2,
     "lr_scheduler.step skipped: interval \"epoch\", frequency %2, and epoch %1 + 1 is not a "
     "multiple "
     "of %2"},
    {"skip_scheduler_not_epoch_end", 0,
     "lr_scheduler.step skipped: interval \"epoch\"; it steps after the epoch's last batch"},
    {"explain_none_grads_none", 1,
     "every .grad was None, so the optimizer skipped every parameter (‖Δθ‖ %1)"},
    {"explain_none_grads_kept", 1,
     ".grad still held the gradients of the window's earlier batches, and the step applied them "
     "(‖Δθ‖ %1)"},
    {"explain_none_zero_moved", 2,
     "the grads were zero-filled, yet the weights moved (‖Δθ‖ %1): the optimizer holds %2"},
    {"explain_none_zero_still", 1,
     "the grads were zero-filled and the weights did not move; the optimizer holds %1"},
    {"explain_none_zero_still_nothing", 0,
     "the grads were zero-filled and the weights did not move; the optimizer holds nothing that is "
     "not zero"},
    {"breakpoint_hit", 2, "breakpoint %1 (%2) hit"},
    {"breakpoint_hit_value", 4, "breakpoint %1 (%2) hit: %3 = %4"},
    {"rewound", 3, "went back to epoch %1, batch %2, before %3; what follows is recomputed"},
    {"rewind_nothing_earlier", 0, "cannot go back: this is the run's first stage"},
    {"rewind_no_earlier_hit", 0,
     "cannot go back to a breakpoint hit: none held the run before this point"},
    {"rewind_not_earlier", 2, "cannot go back to batch %1: the run is at batch %2"},
    {"rewind_over_budget", 2,
     "cannot go back: one snapshot of this run takes %2 MB, more than the snapshot budget of %1 MB "
     "(rewind.budget_mb)"},
    {"rewind_not_held", 0, "cannot go back: the run has ended"},
    {"departures", 1,
     "not what Lightning does: this run departs from Lightning's automatic optimization on "
     "purpose (%1)"},
    {"skip_zero_grad_departure", 0,
     "zero_grad skipped: not what Lightning does (skip_zero_grad); .grad keeps what earlier "
     "batches added"},
    {"forked", 4,
     "forked from run A at epoch %1, batch %2, before %3, with %4; everything before this batch is "
     "run A's"},
}};

const CodeInfo& info(TextCode code) {
    const auto i = static_cast<std::size_t>(code);
    return kCodes[i < kCodes.size() ? i : 0];
}

/// Replaces %1..%9 in `pattern` by the arguments (a missing one stays empty).
std::string substitute(const char* pattern, const std::vector<std::string>& args) {
    std::string out;
    for (const char* p = pattern; *p; ++p) {
        if (p[0] == '%' && p[1] >= '1' && p[1] <= '9') {
            const auto index = static_cast<std::size_t>(p[1] - '1');
            if (index < args.size()) out += args[index];
            ++p;
        } else {
            out += *p;
        }
    }
    return out;
}

}  // namespace

std::string format_norm_arg(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

const char* text_code_name(TextCode code) {
    return info(code).name;
}

std::optional<TextCode> text_code_from_name(const std::string& name) {
    for (std::size_t i = 0; i < kCodes.size(); ++i)
        if (name == kCodes[i].name) return static_cast<TextCode>(i);
    return std::nullopt;
}

int text_code_arity(TextCode code) {
    return info(code).arity;
}

std::string format_text(const Text& text) {
    if (text.code == TextCode::output_dict_with_loss && text.args.size() == 1) {
        // English plural: "1 extra", "2 extras"
        const char* noun = text.args[0] == "1" ? " extra" : " extras";
        return "dict with 'loss' and " + text.args[0] + noun + ": loss / N is backpropagated";
    }
    return substitute(info(text.code).english, text.args);
}

}  // namespace stepwise
