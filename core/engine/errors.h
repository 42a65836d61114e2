#pragma once
// Exceptions inside core. They never leave the session: it turns them into error events.

#include <stdexcept>
#include <string>

#include "stepwise/events.h"

namespace stepwise {

/// An error Lightning raises with its own exception class and text (reproduced byte for byte).
struct LightningError : std::runtime_error {
    LightningError(std::string type, const std::string& message)
        : std::runtime_error(message), type(std::move(type)) {}
    std::string type;  ///< "MisconfigurationException", "TypeError", "RuntimeError"
};

/// A file or module that cannot be loaded; `phase` is ErrorPhase::model or ErrorPhase::data.
struct LoadError : std::runtime_error {
    LoadError(ErrorPhase phase, const std::string& message)
        : std::runtime_error(message), phase(phase) {}
    ErrorPhase phase;
};

/// An exception raised by the user's own code (the Python host's: a hook, training_step, a
/// Dataset), with its class name, message and the traceback its language prints.
struct UserCodeError : std::runtime_error {
    UserCodeError(std::string type, const std::string& message, std::string traceback)
        : std::runtime_error(message), type(std::move(type)), traceback(std::move(traceback)) {}
    std::string type;
    std::string traceback;
};

/// An exception that escaped a stage, tagged with the innermost stage it came from. Enclosing
/// stages (optimizer_step around the closure) see it, mark themselves failed and rethrow it.
struct StageFailure : std::runtime_error {
    StageFailure(Stage stage, std::string type, const std::string& message,
                 std::string traceback = {})
        : std::runtime_error(message),
          stage(stage),
          type(std::move(type)),
          traceback(std::move(traceback)) {}
    Stage stage;
    std::string type;
    std::string traceback;  ///< the user's code's, when it raised
};

/// Lightning's messages ([compat string]s of the spec), byte for byte.
namespace messages {
inline const char* const kNoneReturned =
    "`training_step` returned `None`. If this was on purpose, ignore this warning...";
inline const char* const kDictWithoutLoss =
    "In automatic_optimization, when `training_step` returns a dict, the 'loss' key needs to be "
    "present";
inline const char* const kInvalidReturn =
    "In automatic optimization, `training_step` must return a Tensor, a dict, or None (where the "
    "step will be skipped).";
inline const char* const kClosureNotExecuted =
    "The closure hasn't been executed. HINT: did you call `optimizer_closure()` in your "
    "`optimizer_step` hook? It could also happen because the `optimizer.step(optimizer_closure)` "
    "call did not execute it internally.";
}  // namespace messages

/// The exception class name and message of whatever is being handled, for error events, and the
/// traceback when the user's code raised it. Call only inside a catch block.
void describe_current_exception(std::string& type, std::string& message,
                                std::string* traceback = nullptr);

}  // namespace stepwise
