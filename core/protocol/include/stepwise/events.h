#pragma once
// Plain value types that describe what the engine did. No torch, no Qt: the GUI, the CLI and the
// tests see the engine only through these.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stepwise/enum_names.h"
#include "stepwise/tensors.h"
#include "stepwise/text.h"

namespace stepwise {

/// The stages of one batch, named by Lightning's hook names, in the order Lightning enters them on
/// a stepping batch with N == 1. lr_scheduler_step shows only in runs with an lr_scheduler (spec
/// S-2).
#define STEPWISE_STAGES(X)         \
    X(on_train_batch_start)        \
    X(optimizer_step)              \
    X(training_step)               \
    X(on_before_zero_grad)         \
    X(optimizer_zero_grad)         \
    X(on_before_backward)          \
    X(backward)                    \
    X(on_after_backward)           \
    X(on_before_optimizer_step)    \
    X(configure_gradient_clipping) \
    X(lr_scheduler_step)           \
    X(on_train_batch_end)
enum class Stage : std::uint8_t { STEPWISE_STAGES(STEPWISE_ENUMERATOR) };
inline constexpr int kStageCount = STEPWISE_STAGES(STEPWISE_COUNT) 0;

/// Lightning's hook name for a stage ("optimizer_zero_grad", ...).
const char* stage_name(Stage stage);
/// The stage with that hook name, if any.
std::optional<Stage> stage_from_name(std::string_view name);

#define STEPWISE_OUTCOMES(X) X(ran) X(skipped) X(failed)
enum class Outcome : std::uint8_t { STEPWISE_OUTCOMES(STEPWISE_ENUMERATOR) };
inline constexpr int kOutcomeCount = STEPWISE_OUTCOMES(STEPWISE_COUNT) 0;
const char* outcome_name(Outcome outcome);
std::optional<Outcome> outcome_from_name(std::string_view name);

/// Where in training something happens: the batch (epoch, batch_idx), the optimizer steps done so
/// far, and within the batch the stage, the closure call and the nesting depth. Every event is at
/// one (Event derives from it); the loops keep the current one, the step gate is asked at one.
struct Position {
    std::int64_t epoch = 0;
    std::int64_t batch_idx = -1;  ///< -1: before the first batch
    std::int64_t global_step = 0;
    Stage stage = Stage::on_train_batch_start;
    int call = 0;   ///< closure call index within the batch (1-based), 0 outside a closure
    int depth = 0;  ///< 0 for top-level hooks, 1 inside optimizer_step

    Position& position() { return *this; }
    const Position& position() const { return *this; }
};

/// A tensor or a plain value as a person reads it: what `training_step` returned, or one extra.
struct ValueDescription {
    /// "tensor", "none", "float", "int", "bool", "str", "list", "tuple", "dict", ...
    std::string kind;
    std::vector<std::int64_t> shape;  ///< tensors only
    std::string dtype;                ///< tensors only: "float32", "float64", "int64", ...
    bool requires_grad = false;       ///< tensors only
    std::string grad_fn;              ///< tensors only: autograd node name, empty when detached
    std::optional<double> value;      ///< tensors with one element, and numbers
    std::string text;                 ///< short printable form of non-tensors (tensors: empty)
    bool holds_graph() const { return !grad_fn.empty() || requires_grad; }
};

/// What `training_step` returned, and how Lightning classified it.
struct OutputDescription {
    std::string kind;        ///< "tensor", "dict", "none", or the kind of anything else
    ValueDescription value;  ///< the whole object (for a tensor return: the loss tensor)
    std::vector<std::pair<std::string, ValueDescription>> entries;  ///< dict items, in order
    Text classification;  ///< how Lightning treats it (output_* codes)
};

/// Gradient norms at one point of the pipeline.
struct GradNorms {
    double total = 0.0;  ///< 2-norm over all parameters that have a gradient
    /// nullopt: grad is None
    std::vector<std::pair<std::string, std::optional<double>>> per_parameter;
};

/// Everything a stage can report. Only the fields that apply to the stage are set.
struct StagePayload {
    /// training_step. Shared and immutable: events are copied often, descriptions are large.
    std::shared_ptr<const OutputDescription> output;
    std::optional<double> loss_raw;  ///< training_step: the loss as returned
    /// training_step: normalised by N (what Lightning reports)
    std::optional<double> loss;
    std::vector<std::pair<std::string, double>> scalar_extras;  ///< training_step
    std::optional<GradNorms> grad_norms;  ///< backward (after), configure_gradient_clipping (after)
    /// optimizer_step, when a breakpoint asks for it: the update-to-weight ratio ‖Δθ‖/‖θ‖ (θ before
    /// the step), over all parameters and per parameter; 0 exactly: the step left it unchanged.
    std::optional<GradNorms> update_ratios;
    std::optional<double> update_norm;  ///< optimizer_step: 2-norm of the parameter change
    /// on_after_backward, when a front end watches the ledger: ‖g_b‖, the gradient this backward
    /// added to .grad.
    std::optional<double> grad_contribution;
    /// optimizer_step, when a front end watches the ledger: the window's gradients (the last
    /// closure call's), before the update.
    std::optional<AccumulationLedger> ledger;
    /// optimizer_step: in use; lr_scheduler_step: the new one
    std::optional<double> lr;
    std::optional<double> lr_before;  ///< lr_scheduler_step: before scheduler.step()
    /// optimizer_step: how often the optimizer ran the closure
    std::optional<int> closure_calls;
    std::optional<double> step_return;  ///< optimizer_step: what optimizer.step(closure) returned
    std::string zero_grad_mode;         ///< optimizer_zero_grad: "set_to_none" or "zero_fill"
    std::optional<double> clip_val;     ///< configure_gradient_clipping: resolved value
    std::string clip_algorithm;         ///< configure_gradient_clipping: resolved algorithm
};

/// One value `self.log` / `self.log_dict` recorded, under the name Lightning gives it (`loss`,
/// or `loss_step` / `loss_epoch` when logged both on step and on epoch), and the dicts Lightning
/// puts it in: `trainer.logged_metrics` (logger), `trainer.progress_bar_metrics` (prog_bar),
/// `trainer.callback_metrics` (callback).
struct LoggedMetric {
    std::string name;
    double value = 0.0;
    bool logger = false;
    bool prog_bar = false;
    bool callback = false;
};

/// What Lightning passed its loggers (`Logger.log_metrics(metrics, step)`) in one call, as
/// numbers (Lightning adds `epoch` itself). Recorded whether or not the Trainer has a logger.
struct LoggerCall {
    std::int64_t step = 0;
    std::vector<std::pair<std::string, double>> values;
};

/// A `metrics` event: after a batch (`epoch_end` false), the values Lightning computed for that
/// step (`_ResultCollection.metrics(on_step=True)`); after an epoch (`epoch_end` true), the
/// epoch's aggregated ones. `logger_calls`: what reached the loggers since the last record.
struct MetricsRecord {
    bool epoch_end = false;
    std::vector<LoggedMetric> values;
    std::vector<LoggerCall> logger_calls;
};

/// A line of the user's own Python code a script's run holds at (stepping lines inside
/// training_step, or a line breakpoint): the `paused` event's `frame`. `depth` counts the user's
/// frames from training_step's (1) down to this one; `locals` describes the frame's variables
/// (tensors by shape, dtype, requires_grad, grad_fn and min / mean / max; others by a bounded
/// repr), in the order Python keeps them.
struct LineFrame {
    std::string file;  ///< absolute path
    std::int64_t line = 0;
    std::string function;
    int depth = 1;
    std::vector<std::pair<std::string, ValueDescription>> locals;
};

/// Parameter names, shapes and (for models of at most kMaxSnapshotElements elements) values.
struct ParameterSnapshot {
    struct Entry {
        std::string name;
        std::vector<std::int64_t> shape;
        std::vector<double> values;  ///< row-major; empty when the model is too large
        /// run_end: SHA-256 (hex) of the tensor's bytes as `tensor.numpy().tobytes()` gives them,
        /// so a run compares with Python's in one line; empty elsewhere.
        std::string sha256;
    };
    std::vector<Entry> parameters;
    bool has_values = false;
};
inline constexpr std::int64_t kMaxSnapshotElements = 100000;

/// How a run ended.
#define STEPWISE_RUN_STATUSES(X) X(finished) X(stopped) X(failed)
enum class RunStatus : std::uint8_t { STEPWISE_RUN_STATUSES(STEPWISE_ENUMERATOR) };
inline constexpr int kRunStatusCount = STEPWISE_RUN_STATUSES(STEPWISE_COUNT) 0;
const char* run_status_name(RunStatus status);
std::optional<RunStatus> run_status_from_name(std::string_view name);

/// Where a run failed (an error event): at a stage of the loop (the event's `stage`), or in one of
/// the phases around the loop. The trace writes it as "where": the stage's name or the phase's.
#define STEPWISE_ERROR_PHASES(X)                                                                 \
    X(stage)      /* at the event's stage */                                                     \
    X(config)     /* the run config (Lightning's Trainer and configure_optimizers checks too) */ \
    X(model)      /* loading or compiling the model */                                           \
    X(data)       /* loading the data */                                                         \
    X(training)   /* in the loop, outside any stage */                                           \
    X(script)     /* the user's Python script, outside Trainer.fit (core/python/) */             \
    X(listener)   /* an event listener threw: it is detached, the run goes on */                 \
    X(connection) /* a remote run's connection (the window's RemoteLink) */
enum class ErrorPhase : std::uint8_t { STEPWISE_ERROR_PHASES(STEPWISE_ENUMERATOR) };
inline constexpr int kErrorPhaseCount = STEPWISE_ERROR_PHASES(STEPWISE_COUNT) 0;
const char* error_phase_name(ErrorPhase phase);
std::optional<ErrorPhase> error_phase_from_name(std::string_view name);

#define STEPWISE_EVENT_TYPES(X)                                                                 \
    X(run_start)   /* config resolved, module and data loaded */                                \
    X(stage_enter) /* a stage is about to run (the gate may hold the loop here) */              \
    X(stage_exit)  /* a stage finished: outcome, duration, payload */                           \
    X(batch_end)   /* a batch is done: what Lightning recorded for it */                        \
    X(warning) /* a Lightning warning (source "lightning") or a Stepwise notice ("stepwise") */ \
    X(error)   /* the run failed (phase, stage); a listener's failure does not end it */        \
    X(paused)  /* the loop is held at the stage_enter just reported (same stage, instance) */   \
    X(resumed) /* the loop goes on */                                                           \
    X(run_end) /* the run is over: finished, stopped or failed */                               \
    X(rewound) /* the run went back: see below */                                               \
    X(tensors) /* the training state's tensors where the run holds: see below */                \
    X(metrics) /* what the user's self.log recorded: see MetricsRecord */
/// What an event reports. `rewound`: the run went back to the start of batch (epoch, batch_idx);
/// everything recorded from that batch on is undone (a consumer cuts its history back to before
/// it). The batch's events up to the stage the run now holds at follow, recomputed; `stage` and
/// `call` name that stage, `text` says it (TextCode::rewound). `tensors`: the report (`tensors`)
/// for a front end that asked (CommandType::inspect); sent at every hold while it watches, and
/// at once when it asks.
enum class EventType : std::uint8_t { STEPWISE_EVENT_TYPES(STEPWISE_ENUMERATOR) };
inline constexpr int kEventTypeCount = STEPWISE_EVENT_TYPES(STEPWISE_COUNT) 0;
const char* event_type_name(EventType type);
std::optional<EventType> event_type_from_name(std::string_view name);

/// One thing that happened. A plain value: copyable, no torch types, safe to move across threads.
/// Its Position is where in training it happened (all events but run_start, and run_end before any
/// batch).
struct Event : Position {
    EventType type = EventType::stage_enter;
    std::uint64_t run_id = 0;  ///< which session run this belongs to
    std::uint64_t seq = 0;     ///< 0, 1, 2, ... within the run, in emission order

    // stage_enter / stage_exit
    std::uint64_t instance = 0;  ///< the seq of this stage's stage_enter; pairs enter with exit
    Outcome outcome = Outcome::ran;
    std::int64_t duration_ns = 0;
    StagePayload payload;

    // batch_end
    bool stepped = false;
    int closure_calls = 0;
    std::shared_ptr<const OutputDescription> output;  ///< the batch's last training_step output
    /// normalised loss Lightning recorded (nullopt: None)
    std::optional<double> loss;
    /// the same before / N: what training_step returned (last call)
    std::optional<double> loss_raw;
    /// 2-norm of the batch's parameter update; nullopt: no step
    std::optional<double> update_norm;
    /// 2-norm of every .grad after the batch's (last) backward — in an accumulation cycle, of the
    /// gradient accumulated so far; nullopt: no backward ran, or norms are not observed.
    std::optional<double> grad_norm;
    std::vector<std::pair<std::string, ValueDescription>> extras;
    int accumulate_grad_batches = 1;  ///< batch_end and run_start
    int cycle_position = 0;           ///< 1-based position of this batch in its accumulation cycle
    std::optional<double> lr;  ///< the learning rate this batch trained with (first param group)
    /// A batch whose training_step returned None and that still stepped: why the weights moved or
    /// not, from what was measured (the grads, the optimizer's state, the update).
    Text explanation;
    /// batch_end, when asked for (SessionOptions::checksum_parameters): a 64-bit checksum of every
    /// parameter's bytes after the batch, for the parity meter.
    std::optional<std::uint64_t> param_checksum;
    /// batch_end of a run compared in lockstep with another: the samples it has seen so far (all
    /// epochs), where the two runs align; 0 outside a comparison.
    std::int64_t samples = 0;
    /// batch_end of a compared run, where the other run had seen the same samples: ‖θ − θ_other‖
    /// over every parameter element, in float64 (0: bit-identical).
    std::optional<double> peer_distance;

    // stage_exit / warning / error / run_end
    /// stage_exit skipped: why; warning from "stepwise": the notice. Stepwise's own words, as a
    /// code.
    Text text;
    /// warning from "lightning": Lightning's text, byte for byte; error and failed stage_exit: the
    /// exception's message (Lightning's or torch's, verbatim).
    std::string message;
    std::string source;  ///< warning: "lightning" or "stepwise"
    /// error: "MisconfigurationException", "RuntimeError", ...; warning from "lightning": Python's
    /// warning class ("UserWarning", "PossibleUserWarning", "RuntimeWarning")
    std::string exception_type;
    /// error from the user's Python code: Python's traceback, as Python prints it
    /// ("Traceback (most recent call last):" ... the exception's line), from the user's frames on.
    std::string traceback;
    /// error: where it happened (ErrorPhase::stage: at `stage`)
    ErrorPhase phase = ErrorPhase::stage;
    RunStatus status = RunStatus::finished;  ///< run_end

    // run_start / run_end
    std::string config_json;  ///< run_start: the resolved config as JSON
    std::shared_ptr<const ParameterSnapshot> parameters;  ///< also on batch_end when asked for
    std::int64_t total_batches_per_epoch = 0;             ///< run_start
    /// run_start: the model's code as the engine compiled it — the `.stepwise` text (a lesson's
    /// too), or the TorchScript code a `.pt` file keeps (its code/ records, each after a
    /// "# file: NAME" line); empty when it cannot be read.
    std::string model_code;

    /// tensors: the report. Shared and immutable, like the output descriptions.
    std::shared_ptr<const TensorReport> tensors;

    std::shared_ptr<const MetricsRecord> metrics;  ///< metrics
    /// paused (and the resumed after it) at a line of the user's code: where, and its locals.
    std::shared_ptr<const LineFrame> frame;
};

/// Where an error happened, in one word: its stage's hook name at a stage, else its phase's name
/// ("config", "model", "data", "training", "listener", "connection").
const char* where_name(const Event& error);

}  // namespace stepwise
