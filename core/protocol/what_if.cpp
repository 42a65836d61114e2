#include "stepwise/what_if.h"

#include <algorithm>
#include <variant>

namespace stepwise {

namespace {
double number_option(const OptimizerSpec& optimizer, const char* key) {
    const auto it = optimizer.options.find(key);
    return it != optimizer.options.end() && std::holds_alternative<double>(it->second)
               ? std::get<double>(it->second)
               : 0.0;
}

bool turn_on_departure(const std::string& id, RunConfig& c) {
    const auto& names = departure_names();
    if (std::find(names.begin(), names.end(), id) == names.end()) return false;
    if (departure(c.departures, id)) return false;
    set_departure(c.departures, id, true);
    return true;
}
}  // namespace

const std::vector<WhatIf>& what_ifs() {
    static const std::vector<WhatIf> table = {
        {"lr_up", "Learning rate × 10", false},
        {"lr_down", "Learning rate ÷ 10", false},
        {"momentum", "Momentum 0.9, or none", false},
        {"clip", "Clip gradients at norm 1, or not at all", false},
        {"accumulate", "Accumulate twice as many batches", false},
        {"zero_grad", "zero_grad in the other mode", false},
        {"optimizer", "The other optimizer (SGD ↔ Adam)", false},
        {"skip_zero_grad", "Skip zero_grad", true},
        {"undivided_loss", "Do not divide the loss by N", true},
        {"step_every_batch", "Step on every batch", true},
        {"backprop_extras", "Backpropagate through graph-holding extras", true},
    };
    return table;
}

const WhatIf* find_what_if(const std::string& id) {
    for (const WhatIf& w : what_ifs())
        if (w.id == id) return &w;
    return nullptr;
}

bool apply_what_if(const std::string& id, RunConfig& c) {
    auto& options = c.optimizer.options;
    if (id == "lr_up" || id == "lr_down") {
        const double lr = number_option(c.optimizer, "lr");
        if (lr <= 0) return false;
        options["lr"] = id == "lr_up" ? lr * 10 : lr / 10;
    } else if (id == "momentum") {
        if (c.optimizer.name != "sgd" && c.optimizer.name != "rmsprop") return false;
        options["momentum"] = number_option(c.optimizer, "momentum") > 0 ? 0.0 : 0.9;
    } else if (id == "clip") {
        if (c.trainer.gradient_clip_val && *c.trainer.gradient_clip_val > 0) {
            c.trainer.gradient_clip_val.reset();
            c.trainer.gradient_clip_algorithm.reset();
        } else {
            c.trainer.gradient_clip_val = 1.0;
            c.trainer.gradient_clip_algorithm = "norm";
        }
    } else if (id == "accumulate") {
        c.trainer.accumulate_grad_batches *= 2;
    } else if (id == "zero_grad") {
        c.zero_grad_set_to_none = !c.zero_grad_set_to_none;
    } else if (id == "optimizer") {
        const bool sgd = c.optimizer.name == "sgd";
        c.optimizer.name = sgd ? "adam" : "sgd";
        c.optimizer.options = {{"lr", sgd ? 0.01 : 0.1}};
        if (c.lr_scheduler) return false;  // its arguments are the old optimizer's
    } else {
        return turn_on_departure(id, c);
    }
    return true;
}

}  // namespace stepwise
