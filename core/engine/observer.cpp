#include "observer.h"

#include <c10/util/Exception.h>
#include <torch/csrc/jit/frontend/error_report.h>

#include "errors.h"
#include "stepwise/run_config.h"

namespace stepwise {

void describe_current_exception(std::string& type, std::string& message, std::string* traceback) {
    try {
        throw;
    } catch (const StageFailure& e) {
        type = e.type;
        message = e.what();
        if (traceback) *traceback = e.traceback;
    } catch (const UserCodeError& e) {
        type = e.type;
        message = e.what();
        if (traceback) *traceback = e.traceback;
    } catch (const LightningError& e) {
        type = e.type;
        message = e.what();
    } catch (const ConfigError& e) {
        type = e.exception_type;
        message = e.what();
    } catch (const torch::jit::ErrorReport& e) {
        type = "RuntimeError";
        message = e.what();
    } catch (const c10::Error& e) {
        // torch raises RuntimeError for these; the C++ backtrace helps nobody here.
        type = "RuntimeError";
        message = e.what_without_backtrace();
    } catch (const std::exception& e) {
        type = "RuntimeError";
        message = e.what();
    } catch (...) {
        type = "RuntimeError";
        message = "unknown error";
    }
}

Event Observer::make(EventType type) const {
    Event e;
    e.position() = pos;
    e.type = type;
    return e;
}

void Observer::emit(Event event) {
    emit_(std::move(event));
}

std::uint64_t Observer::enter(Stage stage) {
    const bool pass = on_boundary_ && on_boundary_(stage);
    const auto instance = ++next_instance_;
    Position here = pos;
    here.stage = stage;
    auto emit_enter = [&] {
        Event e;
        e.position() = here;
        e.type = EventType::stage_enter;
        e.instance = instance;
        emit_(std::move(e));
    };
    if (conditions_ && conditions_->has_places()) {
        for (const ConditionHit& hit :
             conditions_->at_boundary(stage, pos.epoch, pos.batch_idx, pos.global_step, pos.call)) {
            Event where;
            where.position() = here;
            where.type = EventType::warning;
            on_hit_(hit, where);
        }
    }
    // At full speed nobody can see a stage between its entry and its exit, so stage_enter is only
    // sent where the loop may hold (paused, stepping, animating) or does hold after all.
    bool entered = false;
    if (!gate_.free_running()) {
        emit_enter();
        entered = true;
    }
    if (pass) {
        gate_.poll();
        return instance;
    }
    // The gate may hold the run for as long as a person likes, or linger (animating): another run
    // may use the generator meanwhile. At full speed it only looks, and the lease stays held (a
    // yielding run waits for the whole stretch); a pause that comes in between lets go at the hold.
    struct Suspended {
        GeneratorLease* lease;
        void now() {
            if (lease) lease->suspend();
        }
        ~Suspended() {
            if (lease) lease->resume();
        }
    } suspended{lease_};
    if (!gate_.free_running()) suspended.now();
    gate_.check(here, [&](const Position& b, bool held) {
        if (held) suspended.now();
        if (held && !entered) {
            emit_enter();
            entered = true;
        }
        held_here(b, here, held, instance);
    });
    return instance;
}

bool Observer::line_wanted(const std::string& file, std::int64_t line, int depth) const {
    return gate_.would_hold_line(depth) || (conditions_ && conditions_->names_line(file, line));
}

void Observer::at_line(const std::shared_ptr<const LineFrame>& frame) {
    Position here = pos;
    here.stage = Stage::training_step;
    if (conditions_)
        for (const ConditionHit& hit :
             conditions_->at_line(frame->file, frame->line, frame->locals, here.stage, pos.epoch,
                                  pos.batch_idx, pos.global_step, pos.call)) {
            Event where;
            where.position() = here;
            where.type = EventType::warning;
            where.frame = frame;  // the notice shows where, and the locals there
            on_hit_(hit, where);
        }
    gate_.check_line(here, frame->depth,
                     [&](const Position& b, bool held) { held_here(b, here, held, 0, frame); });
}

void Observer::held_here(const Position& boundary, const Position& here, bool held,
                         std::uint64_t instance, std::shared_ptr<const LineFrame> frame) {
    if (on_hold_) on_hold_(boundary, held);
    Event e;
    e.position() = here;
    e.type = held ? EventType::paused : EventType::resumed;
    e.instance = instance;
    e.frame = std::move(frame);
    emit_(std::move(e));
}

void Observer::hold_after_failure(Stage stage) {
    Position here = pos;
    here.stage = stage;
    try {
        gate_.check(here, [&](const Position& b, bool held) { held_here(b, here, held, 0); });
    } catch (const StopRequested&) {
        // Stop while held after the failure: the run ends failed all the same.
    }
}

void Observer::exit(const Position& at, std::uint64_t instance, Outcome outcome, Text why,
                    std::string message, std::int64_t duration_ns, StagePayload payload) {
    if (!stage_events()) return;
    Event e;
    e.position() = at;
    e.type = EventType::stage_exit;
    e.instance = instance;
    e.outcome = outcome;
    e.text = std::move(why);
    e.message = std::move(message);
    e.duration_ns = duration_ns;
    e.payload = std::move(payload);
    emit_(std::move(e));
}

void Observer::skip(Stage stage, const Text& reason) {
    Position at = pos;
    at.stage = stage;
    const auto instance = enter(stage);
    exit(at, instance, Outcome::skipped, reason, {}, 0, {});
}

void Observer::warning(const std::string& message, const std::string& category) {
    Event e = make(EventType::warning);
    e.message = message;
    e.source = "lightning";
    e.exception_type = category;
    emit_(std::move(e));
}

void Observer::metrics(MetricsRecord record) {
    Event e = make(EventType::metrics);
    e.metrics = std::make_shared<const MetricsRecord>(std::move(record));
    emit_(std::move(e));
}

void Observer::notice(Text text) {
    Event e = make(EventType::warning);
    e.text = std::move(text);
    e.source = "stepwise";
    emit_(std::move(e));
}

}  // namespace stepwise
