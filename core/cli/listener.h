// What stepwise-run prints while a run goes: a line per batch and the run's end on stdout;
// Lightning's warnings, Stepwise's notes, breakpoint hits and errors on stderr.

#pragma once

#include <functional>
#include <mutex>

#include "options.h"
#include "outputs.h"
#include "stepwise/events.h"

namespace stepwise::cli {

/// The training thread and the socket thread both write to stderr: each takes this first.
std::mutex& stderr_mutex();

/// How the run ended, as its events said.
struct RunOutcome {
    RunStatus status = RunStatus::finished;
    bool config_failure = false;    ///< the error was the config's
    bool stopped_at_break = false;  ///< --on-break exit stopped it at a hit
};

/// The session's listener: hands every event to `outputs`, prints it and notes the outcome.
std::function<void(const Event&)> make_listener(const Options& options, Outputs& outputs,
                                                RunOutcome& outcome);

}  // namespace stepwise::cli
