#include "stepwise/replay_link.h"

#include <algorithm>
#include <set>

namespace stepwise {

ReplayLink::ReplayLink(std::vector<Event> recorded) {
    recorded_.reserve(recorded.size());
    for (Event& e : recorded)
        if (e.type != EventType::paused && e.type != EventType::resumed)
            recorded_.push_back(std::move(e));
    if (!recorded_.empty()) run_id_ = recorded_.front().run_id;
    entered_.assign(recorded_.size(), false);
    std::set<std::uint64_t> open;
    for (std::size_t i = 0; i < recorded_.size(); ++i) {
        const Event& e = recorded_[i];
        if (e.type == EventType::stage_enter) open.insert(e.instance);
        if (e.type == EventType::stage_exit) entered_[i] = open.erase(e.instance) > 0;
    }
}

std::size_t ReplayLink::held_at(std::size_t position) const {
    if (position > 0 && position <= recorded_.size() &&
        recorded_[position - 1].type == EventType::stage_enter)
        return position - 1;
    if (position < recorded_.size() && recorded_[position].type == EventType::stage_exit &&
        !entered_[position])
        return position;
    return recorded_.size();
}

bool ReplayLink::stops_at(std::size_t position, StepKind kind) const {
    const std::size_t i = held_at(position);
    if (i >= recorded_.size()) return false;
    const Event& e = recorded_[i];
    switch (kind) {
        case StepKind::stage: return true;
        case StepKind::closure_call:
            return e.stage == Stage::training_step || e.stage == Stage::on_train_batch_end;
        case StepKind::batch: return e.stage == Stage::on_train_batch_start;
        case StepKind::epoch: return e.stage == Stage::on_train_batch_start && e.batch_idx == 0;
        case StepKind::line:  // a trace keeps the stages: lines step as stages
        case StepKind::line_over:
        case StepKind::line_out: return true;
    }
    return true;
}

void ReplayLink::deliver_until(std::size_t end) {
    end = std::min(end, recorded_.size());
    if (cursor_ >= end) return;
    const bool was_empty = out_.empty();
    if (held_) {
        Event resumed = recorded_[cursor_ - 1];
        resumed.type = EventType::resumed;
        out_.push_back(std::move(resumed));
        held_ = false;
    }
    out_.insert(out_.end(), recorded_.begin() + long(cursor_), recorded_.begin() + long(end));
    cursor_ = end;
    if (was_empty && wake_) wake_();
}

void ReplayLink::hold() {
    if (held_ || cursor_ == 0 || at_end()) return;
    // Held at the stage entered (or about to be shown), as a live run's pause; after a seek to
    // any other point, at the next event's position.
    const std::size_t at = held_at(cursor_);
    const Event& next = recorded_[at < recorded_.size() ? at : cursor_];
    Event paused = recorded_[cursor_ - 1];
    paused.type = EventType::paused;
    paused.position() = next.position();
    paused.instance = next.instance;
    const bool was_empty = out_.empty();
    out_.push_back(std::move(paused));
    held_ = true;
    if (was_empty && wake_) wake_();
}

void ReplayLink::start() {
    // Like a live session held at its first stage boundary.
    std::size_t end = 1;
    while (end < recorded_.size() && !stops_at(end, StepKind::stage)) ++end;
    deliver_until(end);
    hold();
}

void ReplayLink::advance(StepKind kind) {
    if (at_end()) return;
    std::size_t end = cursor_ + 1;
    while (end < recorded_.size() && !stops_at(end, kind)) ++end;
    deliver_until(end);
    hold();
}

void ReplayLink::seek(std::size_t position) {
    position = std::min(position, recorded_.size());
    if (position < cursor_) {
        // Start over: the stream begins again at run_start and the views rebuild from there.
        // Whatever was not drained yet belongs to the old picture.
        out_.clear();
        cursor_ = 0;
        held_ = false;
    }
    deliver_until(std::max<std::size_t>(position, cursor_ == 0 ? 1 : cursor_));
    hold();
}

void ReplayLink::send(const Command& c) {
    switch (c.type) {
        case CommandType::step: advance(c.step_kind); break;
        case CommandType::run: deliver_until(recorded_.size()); break;
        case CommandType::seek: seek(static_cast<std::size_t>(c.position)); break;
        case CommandType::stop: deliver_until(recorded_.size()); break;
        case CommandType::pause:
        case CommandType::set_delay: break;  // a replay is always held between commands
        case CommandType::rewind:            // a recorded run goes back by seeking
        case CommandType::set_breakpoints:   // what was recorded was recorded
        case CommandType::inspect: break;    // its tensors events, if any, replay as recorded
    }
}

void ReplayLink::drain_into(std::vector<Event>& frame) {
    frame.clear();
    frame.swap(out_);
}

}  // namespace stepwise
