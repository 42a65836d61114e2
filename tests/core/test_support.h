#pragma once
// Running a session synchronously and reading its events, for the behaviour tests.

#include <chrono>
#include <string>
#include <vector>

#include "stepwise/events.h"
#include "stepwise/run_config.h"
#include "stepwise/session.h"

namespace stepwise::test {

std::string fixture(const std::string& relative);

/// Everything one run emitted, with helpers to read it.
struct RunLog {
    std::vector<Event> events;

    std::vector<Event> of(EventType type) const;
    std::vector<Event> batch_ends() const { return of(EventType::batch_end); }
    /// stage_exit events with this outcome (all outcomes when nullptr), in exit order
    std::vector<Event> exits(const Outcome* outcome = nullptr) const;
    /// Names of the stages that ran, in entry order, for one batch (epoch, batch_idx).
    std::vector<std::string> ran(std::int64_t epoch, std::int64_t batch) const;
    /// "name" or "name(skipped)" for every stage of a batch, in entry order.
    std::vector<std::string> entered(std::int64_t epoch, std::int64_t batch) const;
    int count_ran(Stage stage) const;
    std::vector<Event> warnings(const std::string& source) const;
    const Event& run_end() const;
    std::string status() const { return run_status_name(run_end().status); }
    const Event* error() const;
};

RunLog run(const RunConfig& config, bool parameters_each_batch = false);

/// A config for a linear model (3 features, float64) written in the .stepwise format, whose
/// training_step body is `body` (indented four spaces; `x`, `y`, `pred`, `loss` are defined).
RunConfig linear_source_config(const std::string& body, const std::string& returns = "");
/// The .stepwise text used by linear_source_config.
std::string linear_source(const std::string& body, const std::string& returns = "");

/// A config for a TorchScript module file and a data file from tests/fixtures, SGD lr=0.1.
RunConfig torchscript_config(const std::string& model, const std::string& data);

/// `bound` times STEPWISE_TEST_TIMEOUT_SCALE (the sanitizer scripts set it: their builds run
/// several times slower). Only for bounds on waiting, never for an expected duration.
std::chrono::milliseconds scaled(std::chrono::milliseconds bound);

/// A built-in lesson's config (fails the test if there is no such lesson).
RunConfig lesson_config(const std::string& name);

/// Flat parameter values of a snapshot, in order.
std::vector<double> flat(const ParameterSnapshot& snapshot);

}  // namespace stepwise::test
