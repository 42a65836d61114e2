// stepwise-run's command line: the options, parsed with CLI11 and checked against each other.

#pragma once

#include <optional>
#include <string>
#include <vector>

#include "stepwise/wire.h"

namespace stepwise::cli {

/// What a run does at a breakpoint's hit (--on-break).
enum class OnBreak {
    continue_,  ///< report it on stderr and go on
    exit,       ///< stop there: one line on stderr, exit status 3
    hold,       ///< wait for the attached client (--listen only)
};

/// The command line, parsed and checked: what one run needs to know.
struct Options {
    std::string config_path;  ///< CONFIG.json; empty: --lesson's, else the default lesson
    std::string lesson;       ///< --lesson NAME
    std::string trace_path;   ///< --trace OUT.jsonl
    bool trace_parameters = false;
    std::string csv_path;         ///< --csv OUT.csv
    std::string tensorboard_dir;  ///< --tensorboard DIR
    bool quiet = false;
    std::optional<HostPort> listen;  ///< --listen [HOST:]PORT
    /// --token, else $STEPWISE_TOKEN, else a random one; empty without --listen
    std::string token;
    std::vector<std::string> break_on;      ///< --break-on EXPR..., as given
    OnBreak on_break = OnBreak::continue_;  ///< the default: hold with --listen, else continue
    /// SCRIPT.py (config_path ends in .py): its arguments, and --python.
    std::vector<std::string> script_args;
    std::string python;
    bool script() const {
        return config_path.size() > 3 && config_path.compare(config_path.size() - 3, 3, ".py") == 0;
    }
};

/// Either the options to run with, or the status to exit with at once: 0 after --help, --version
/// or --list-lessons (printed on stdout), 2 after a usage error (reported on stderr).
struct CommandLine {
    std::optional<Options> options;
    int exit_status = 0;
};

/// Parses and checks argv. Options come before or after CONFIG.json, as `--opt VALUE` or
/// `--opt=VALUE`; every usage error is one line on stderr naming its cause.
CommandLine parse_command_line(int argc, char** argv);

}  // namespace stepwise::cli
