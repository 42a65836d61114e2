#pragma once
// What a TrainingSession holds while its worker runs (session.cpp and session_control.cpp share
// it). Worker thread only.

#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/torch.h>

#include <memory>
#include <optional>

#include "generator_lease.h"
#include "loops.h"
#include "observer.h"
#include "stepwise/session.h"
#include "stepwise/warning_cache.h"
#include "tensor_inspector.h"
#include "trainer.h"

namespace stepwise {

/// The Tensors dock's reader and what the front end watches.
struct Inspection {
    TensorInspector tensors;
    Stage last_hold_stage = Stage::on_train_batch_start;  ///< where the run last held
};

/// What exists while the worker runs, in the order it is made.
struct TrainingSession::Live {
    explicit Live(TrainingSession& s)
        : observer([&s](Event&& e) { s.publish(std::move(e)); }, s.gate_,
                   [&s](const Position& where, bool held) { s.on_hold(where, held); }),
          // This run's share of torch's global generator (another session may run beside it).
          generator(s.options_.yield_to_other_runs ? GeneratorLease::Kind::yielding
                                                   : GeneratorLease::Kind::working,
                    [&s] { return s.gate_.stop_requested(); }) {
        observer.set_lease(&generator);
        if (s.options_.private_warnings) own_warnings.emplace();
    }

    /// Grad mode comes on inside the closure only.
    torch::NoGradGuard no_grad_outside_closures;
    /// training_step runs as Python runs it, eagerly, every time: left on, TorchScript's graph
    /// executor rewrites the method after its first calls (differentiable graphs, fusion), so
    /// later batches compute in another order and their grad_fn is DifferentiableGraphBackward
    /// instead of Python's (MseLossBackward0); and a batch recomputed after a rewind would not
    /// give what it gave the first time. This thread's setting; the worker runs every call.
    torch::jit::GraphOptimizerEnabledGuard eager_like_python{false};
    Observer observer;
    GeneratorLease generator;
    std::optional<warning_cache::Private> own_warnings;
    Observations observe;
    ErrorPhase phase = ErrorPhase::config;  ///< what a failure outside any stage was about
    std::unique_ptr<Trainer> trainer;
    std::optional<FitLoop> fit;
    RunStatus status = RunStatus::finished;
    std::string error_type, error_message;  ///< the last error reported
    std::shared_ptr<const ParameterSnapshot> final_params;
    /// Coalescing: when the last batch started, and how long a batch takes (a moving average).
    std::int64_t batch_started_ns = 0;
    double batch_ns = 0;
};

}  // namespace stepwise
