#pragma once
// What the run config's reader and writer share (protocol library internal): torch.optim's and
// torch.optim.lr_scheduler's keyword arguments as the config accepts them.

#include <map>
#include <string>
#include <vector>

#include "json_reader.h"
#include "stepwise/run_config.h"

namespace stepwise::config_tables {

/// Each optimizer's keyword arguments (lower-case optimizer names, as the config writes them).
const std::map<std::string, std::vector<std::string>>& optimizers();

/// torch 1.13's lr_scheduler constructors: each keyword argument, what it holds, and whether it
/// has a default (a required one missing is Python's TypeError).
enum class ArgKind { integer, number, boolean, string, integer_list };
struct SchedulerArg {
    const char* name;
    ArgKind kind;
    bool required;
};
const std::map<std::string, std::vector<SchedulerArg>>& schedulers();

/// A list of breakpoints: each a condition, or {"when": ..., "enabled": ...}; every condition
/// parsed, a bad one named by its index (a config's "breakpoints", a set_breakpoints command).
std::vector<BreakpointSpec> read_breakpoints(const json::Field& list);

/// Reads a whole config (run_config_read.cpp); `j` is its top-level object.
void read_run_config(const json::Field& j, RunConfig& config);

}  // namespace stepwise::config_tables
