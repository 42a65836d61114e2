// TrainingSession, the consumers' side: what a front end asks (commands, breakpoints, what it
// watches, forks) and what the worker tells it (every event on its way out, breakpoint hits,
// holds, the end of a replay). Worker thread unless a function says otherwise.

#include <torch/torch.h>

#include <utility>

#include "event_publisher.h"
#include "fork_point.h"
#include "lockstep.h"
#include "loops.h"
#include "rewinder.h"
#include "session_live.h"

namespace stepwise {

void TrainingSession::send(const Command& command) {  // any thread
    switch (command.type) {
        case CommandType::set_breakpoints:
            gate_.post([this, specs = command.breakpoints] { change_breakpoints(specs); });
            return;
        case CommandType::inspect:
            gate_.post([this, what = command.inspect] { change_inspection(what); });
            return;
        case CommandType::rewind:
            gate_.pause();
            gate_.post([this, command] { begin_rewind(command); });
            return;
        default: gate_.apply(command);
    }
}

std::shared_ptr<const ForkPoint> TrainingSession::fork_point() const {  // any thread
    const std::lock_guard<std::mutex> lock(fork_mutex_);
    return fork_point_;
}

void TrainingSession::join_lockstep(std::shared_ptr<Lockstep> lockstep, int side) {  // any thread
    gate_.post([this, lockstep = std::move(lockstep), side]() mutable {
        if (lockstep_) lockstep_->leave(lockstep_side_);
        lockstep_ = std::move(lockstep);
        lockstep_side_ = side;
    });
}

void TrainingSession::change_breakpoints(const std::vector<BreakpointSpec>& specs) {
    try {
        conditions_.update(specs);
    } catch (const ConditionError&) {
        return;  // a front end checks what it sends; a bad list changes nothing
    }
    observe_what_is_needed();
}

void TrainingSession::change_inspection(const Inspect& what) {
    inspection_->tensors.watch(what);
    observe_what_is_needed();
    if (what.tensors && gate_.holding()) publish_tensors();
}

void TrainingSession::begin_rewind(const Command& command) {
    if (!live_ || !live_->fit) return;  // not training yet
    if (!rewinder_) return live_->observer.notice({TextCode::rewind_not_kept, {}});
    if (const auto why = rewinder_->aim(command)) return live_->observer.notice(*why);
    throw RewindRequested();
}

void TrainingSession::observe_what_is_needed() {
    if (!live_) return;
    const bool ledger = inspection_->tensors.watching().ledger;
    Observations& o = live_->observe;
    o.norms = options_.observe_norms || conditions_.needs_norms() || ledger;
    o.update_ratios = conditions_.needs_update_ratios() || ledger;
    o.ledger = ledger;
    o.parameters_each_batch = options_.parameters_each_batch;
    o.checksum_parameters = options_.checksum_parameters;
    live_->observer.set_stage_events(options_.stage_events || !conditions_.empty());
}

void TrainingSession::publish(Event&& event) {
    if (rewinder_ && rewinder_->intercept(event, conditions_)) return;
    // Stage events made only for the breakpoints' checks go no further.
    const bool delivered = options_.stage_events || (event.type != EventType::stage_enter &&
                                                     event.type != EventType::stage_exit);
    if (delivered) publisher_->number(event);
    std::vector<ConditionHit> hits;
    // Breakpoints on measured values: checked on the stage's exit (or the error) before anything
    // coalesces it; the hit's notice follows the event that met it.
    if (!conditions_.empty() &&
        (event.type == EventType::stage_exit || event.type == EventType::error))
        hits = conditions_.on_event(event);
    Event where;
    if (!hits.empty()) where.position() = event.position();
    if (delivered)
        if (auto failure = publisher_->publish(std::move(event))) publish(std::move(*failure));
    for (const ConditionHit& hit : hits) report_hit(hit, where, false);
}

void TrainingSession::report_hit(const ConditionHit& hit, const Event& where, bool place) {
    if (rewinder_ && rewinder_->silent()) return;
    if (rewinder_ && !rewinder_->flushing()) rewinder_->hit(place);
    // The worker asks the gate at its next boundary: a pause (or a stop) made now holds it there.
    // Made before the notice goes out, so that whoever answers the notice (Continue) comes after.
    if (options_.on_break == SessionOptions::OnBreak::hold) {
        gate_.pause();
        broke_ = true;
    } else if (options_.on_break == SessionOptions::OnBreak::stop) {
        gate_.stop();
    }
    Event notice;
    notice.position() = where.position();
    notice.type = EventType::warning;
    notice.source = "stepwise";
    notice.text = breakpoint_hit_text(hit);
    notice.frame = where.frame;  // a line breakpoint's: where it held, with the locals
    publish(std::move(notice));
}

void TrainingSession::finish_replay(const Position& at) {
    Event rewound = live_->observer.make(EventType::rewound);
    rewound.stage = at.stage;
    rewound.text = rewinder_->rewound_text(at);
    publish(std::move(rewound));
    if (!after_rewind_.empty()) {
        Event notice = live_->observer.make(EventType::warning);
        notice.text = std::exchange(after_rewind_, Text{});
        notice.source = "stepwise";
        publish(std::move(notice));
    }
    std::vector<Event> held = rewinder_->take_held_back();
    rewinder_->set_flushing(true);
    for (Event& e : held) publish(std::move(e));
    rewinder_->set_flushing(false);
}

void TrainingSession::on_hold(const Position& where, bool held) {
    state_ = held ? SessionState::paused : SessionState::running;
    // Where a fork from here starts: kept while the run holds, for any thread to take.
    std::shared_ptr<const ForkPoint> point;
    if (held && rewinder_ && live_ && live_->fit && !rewinder_->replaying()) {
        if (!shared_config_) shared_config_ = std::make_shared<const RunConfig>(config_);
        point = make_fork_point(*rewinder_, where, shared_config_);
    }
    {
        const std::lock_guard<std::mutex> lock(fork_mutex_);
        fork_point_ = std::move(point);
    }
    TensorInspector& tensors = inspection_->tensors;
    if (!live_ || !live_->fit || !tensors.watching().tensors) return;
    if (held) {
        inspection_->last_hold_stage = where.stage;
        // As a task, so the report follows the paused event the observer sends after this.
        gate_.post([this] {
            if (gate_.holding()) publish_tensors();
        });
    } else {
        try {
            tensors.remember(*live_->trainer, live_->observer.next_instance(), where.stage,
                             where.epoch, where.batch_idx);
        } catch (...) {
            tensors.forget();
        }
    }
}

void TrainingSession::publish_tensors() {
    if (!live_ || !live_->fit) return;
    Event e = live_->observer.make(EventType::tensors);
    e.stage = inspection_->last_hold_stage;
    try {
        e.tensors = std::make_shared<const TensorReport>(
            inspection_->tensors.report(*live_->trainer, live_->observer.next_instance()));
    } catch (...) {
        return;  // an observation: it must never take the run down
    }
    publish(std::move(e));
}

}  // namespace stepwise
