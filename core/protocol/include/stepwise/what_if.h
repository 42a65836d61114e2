#pragma once
// What-ifs: run B of a fork (Run ▸ Fork here) is run A's config with one thing changed, either one
// option (the learning rate, momentum, clipping, accumulate_grad_batches, zero_grad's mode, the
// optimizer) or one deliberate departure from what Lightning does (Departures). Each has an id
// that the window keys its translated titles by, and an English title here.
//
// No torch, no Qt: the window's menu and any other front end share the table and what each entry
// changes.

#include <string>
#include <vector>

#include "stepwise/run_config.h"

namespace stepwise {

struct WhatIf {
    std::string id;          ///< "lr_up", "clip", ..., or a departure's name (departure_names())
    std::string title;       ///< English: "Learning rate × 10"
    bool departure = false;  ///< not what Lightning does (one of the Departures)
};

/// Every what-if, in the order a menu shows them: the options first, then the departures.
const std::vector<WhatIf>& what_ifs();
/// The what-if with that id; nullptr for none.
const WhatIf* find_what_if(const std::string& id);
/// Changes `config` as the what-if `id` says. False where it does not apply (momentum for an
/// optimizer without it, a learning rate that is not a positive number, the other optimizer under
/// an lr scheduler whose arguments are the old one's, a departure already on) or for an unknown id;
/// `config` may then be changed in part, so apply it to a copy.
bool apply_what_if(const std::string& id, RunConfig& config);

}  // namespace stepwise
