#pragma once
// The one observation point every stage boundary calls: it asks the step gate whether the loop may
// go on and, for whoever reads them, reports the stage as events. Used only on the worker thread.
//
// Stage events cost an event per boundary; they are made only while someone reads them (a trace,
// the window, a remote client, a breakpoint on a measured value): set_stage_events(). Without
// them the loop still passes every boundary through the gate, so Stop, Pause and stepping work
// all the same.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "errors.h"
#include "generator_lease.h"
#include "stepwise/conditions.h"
#include "stepwise/events.h"
#include "stepwise/step_gate.h"

namespace stepwise {

class Observer {
  public:
    /// Takes the event by reference: an Event is large, and it is moved only where it is kept.
    using Emit = std::function<void(Event&&)>;
    Observer(Emit emit, StepGate& gate, StepGate::HoldCallback on_hold)
        : emit_(std::move(emit)), gate_(gate), on_hold_(std::move(on_hold)) {}

    /// Where the loop is; the loops update it, every event copies it. Its stage stays
    /// on_train_batch_start: a stage event names its own.
    Position pos;

    /// Runs `body(payload)` as `stage`: stage_enter, gate, body, stage_exit (ran, or failed with
    /// the error, which is rethrown as StageFailure naming the innermost failing stage).
    template <class Body>
    void run(Stage stage, Body&& body);

    /// Reports a stage that does not run this time, with the reason as a code. The gate is asked
    /// too, so stepping stage by stage visits skipped stages as well.
    void skip(Stage stage, const Text& reason);

    /// Whether stage events (stage_enter, stage_exit) are made while the run goes at full speed.
    /// On by default. Stepping, paused or animating, they always are: a person may be watching.
    void set_stage_events(bool on) { stage_events_ = on; }
    bool stage_events() const { return stage_events_ || !gate_.free_running(); }

    /// Place breakpoints (position terms only) are checked at every boundary, before the stage
    /// runs; a hit goes to `on_hit` with the boundary's position, and the gate is asked right
    /// after.
    using HitHandler = std::function<void(const ConditionHit&, const Event& where)>;
    void watch(ConditionSet* conditions, HitHandler on_hit) {
        conditions_ = conditions;
        on_hit_ = std::move(on_hit);
    }
    /// A line of the user's Python code inside training_step (a script's, traced). line_wanted: a
    /// cheap first look, whether at_line would stop there (the gate, a `line=` breakpoint), before
    /// the frame is described. at_line: the `line=` breakpoints, then the gate (check_line); a
    /// hold's paused event carries `frame`.
    bool line_wanted(const std::string& file, std::int64_t line, int depth) const;
    void at_line(const std::shared_ptr<const LineFrame>& frame);
    /// Holds at `stage` after it failed, when a breakpoint asked to (exception): the person can
    /// look before the run ends. Returns when let go; a stop ends the hold.
    void hold_after_failure(Stage stage);

    /// Called first at every stage boundary, with the stage about to run. Returning true lets the
    /// loop pass the boundary without asking the gate (it recomputes after a rewind: only a stop
    /// or a queued task is looked at).
    using BoundaryHook = std::function<bool(Stage)>;
    void on_boundary(BoundaryHook hook) { on_boundary_ = std::move(hook); }
    /// The stage instance counter (events carry instances): part of the training state a rewind
    /// restores, so recomputed events number their stages as the first time.
    std::uint64_t next_instance() const { return next_instance_; }
    void set_next_instance(std::uint64_t next) { next_instance_ = next; }

    /// The run's share of torch's generator: held while a stage runs (`stages`: unless no stage
    /// draws from it, then only where the loops take it themselves), let go while the gate holds.
    void set_lease(GeneratorLease* lease, bool stages = true) {
        lease_ = lease;
        stage_lease_ = stages ? lease : nullptr;
    }
    GeneratorLease* lease() const { return lease_; }

    /// A Lightning warning, verbatim.
    /// `category` is Python's warning class, kept in the event's exception_type.
    void warning(const std::string& message, const std::string& category = "UserWarning");
    /// A notice of Stepwise's own.
    void notice(Text text);
    /// A `metrics` event here: what the user's self.log recorded (MetricsRecord).
    void metrics(MetricsRecord record);
    void emit(Event event);
    /// An event of `type` at the loop's position (epoch, batch, global_step, call, depth).
    Event make(EventType type) const;

  private:
    /// The boundary before `stage`: the hooks, the gate; returns the stage's instance number.
    std::uint64_t enter(Stage stage);
    /// `why`: a skipped stage's reason; `message`: a failed stage's exception message.
    void exit(const Position& at, std::uint64_t instance, Outcome outcome, Text why,
              std::string message, std::int64_t duration_ns, StagePayload payload);
    static std::int64_t now_ns() {
        return std::chrono::steady_clock::now().time_since_epoch().count();
    }

    /// The hold's callback (the session's) and its paused / resumed event at `here`.
    void held_here(const Position& boundary, const Position& here, bool held,
                   std::uint64_t instance, std::shared_ptr<const LineFrame> frame = nullptr);

    Emit emit_;
    StepGate& gate_;
    StepGate::HoldCallback on_hold_;
    std::uint64_t next_instance_ = 0;
    bool stage_events_ = true;
    ConditionSet* conditions_ = nullptr;
    HitHandler on_hit_;
    BoundaryHook on_boundary_;
    GeneratorLease* lease_ = nullptr;
    GeneratorLease* stage_lease_ = nullptr;
};

template <class Body>
void Observer::run(Stage stage, Body&& body) {
    const GeneratorLease::Scope generator(stage_lease_);
    Position at = pos;
    at.stage = stage;
    const std::uint64_t instance = enter(stage);
    StagePayload payload;
    const bool timed = stage_events();
    const std::int64_t start = timed ? now_ns() : 0;
    try {
        body(payload);
    } catch (const StopRequested&) {
        exit(at, instance, Outcome::skipped, Text{TextCode::skip_stopped, {}}, {},
             timed ? now_ns() - start : 0, {});
        throw;
    } catch (const RewindRequested&) {
        throw;  // what this stage did is undone: nothing to report
    } catch (...) {
        std::string type, message, traceback;
        Stage where = stage;
        describe_current_exception(type, message, &traceback);
        try {
            throw;
        } catch (const StageFailure& inner) {
            where = inner.stage;
        } catch (...) {
        }
        exit(at, instance, Outcome::failed, {}, message, timed ? now_ns() - start : 0,
             std::move(payload));
        throw StageFailure(where, type, message, traceback);
    }
    if (timed) exit(at, instance, Outcome::ran, {}, {}, now_ns() - start, std::move(payload));
}

}  // namespace stepwise
