#pragma once
// The window's link to a script run (core/python/): a local session whose worker runs the user's
// SCRIPT.py in the process's embedded Python (started on first use, on that worker thread) and
// whose Trainer.fit is the run. Torch-free and Python-free: the window's executable includes it.

#include <memory>

#include "stepwise/run_config.h"
#include "stepwise/session_link.h"

namespace stepwise::python {

/// A run of `config` (model.kind script), held at its first stage as the window's local runs
/// are. Stop and closing the run also interrupt Python code that reaches no stage boundary (a
/// training_step stuck in a loop). The interpreter is $VIRTUAL_ENV's, else /usr/bin/python3.11;
/// a torch that is not this process's LibTorch fails the run with a message saying how to build
/// Stepwise against it. The script runs from its own folder (the process's working directory
/// changes to it), as `cd FOLDER && python3 SCRIPT.py` would.
std::unique_ptr<SessionLink> make_script_link(const RunConfig& config);

}  // namespace stepwise::python
