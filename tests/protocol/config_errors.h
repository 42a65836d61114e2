#pragma once
// The message a config is refused with, for the tests of what each key accepts.

#include <string>

#include "stepwise/run_config.h"

namespace stepwise::test {

/// The ConfigError's message for `json` read as "cfg", or "(parsed)" when it is accepted.
inline std::string config_error(const std::string& json) {
    try {
        parse_run_config(json, "", "cfg");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(parsed)";
}

}  // namespace stepwise::test
