#include "stepwise/text.h"

#include <array>
#include <cstddef>

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

const char* text_code_name(TextCode code) { return info(code).name; }

std::optional<TextCode> text_code_from_name(const std::string& name) {
    for (std::size_t i = 0; i < kCodes.size(); ++i)
        if (name == kCodes[i].name) return static_cast<TextCode>(i);
    return std::nullopt;
}

int text_code_arity(TextCode code) { return info(code).arity; }

std::string format_text(const Text& text) {
    if (text.code == TextCode::output_dict_with_loss && text.args.size() == 1) {
        // English plural: "1 extra", "2 extras"
        const char* noun = text.args[0] == "1" ? " extra" : " extras";
        return "dict with 'loss' and " + text.args[0] + noun + ": loss / N is backpropagated";
    }
    return substitute(info(text.code).english, text.args);
}

}  // namespace stepwise
