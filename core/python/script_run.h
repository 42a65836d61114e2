#pragma once
// A script run (core/python/): the user's own training script in the embedded interpreter, whose
// Trainer.fit is handed to the session (SessionOptions::script). The session's loops then call
// the user's LightningModule, callbacks, optimizer and schedulers through the hosted module
// (hosted_module.h), where Lightning calls them.

#include "host.h"
#include "stepwise/run_config.h"
#include "stepwise/session.h"

namespace stepwise::python {

/// Runs `config.model.path` with `config.model.args` in `host` on the calling thread (the
/// session's worker). Each Trainer.fit the script calls goes to `fit` with `config` (its
/// breakpoints, its options) filled with that Trainer's arguments. Returns how the script ended;
/// an exception that ended it outside a fit comes with its type, message and traceback. Python's
/// traceback also goes to stderr, as python3 prints it.
SessionOptions::ScriptEnd run_script(Host& host, const RunConfig& config,
                                     const SessionOptions::FitFunction& fit);

}  // namespace stepwise::python
