#include "event_publisher.h"

#include <algorithm>
#include <ctime>

#include "errors.h"

namespace stepwise {

std::optional<Event> EventPublisher::publish(Event&& event) {
    if (options_.listener) {
        try {
            options_.listener(event);
        } catch (...) {
            // A listener (the trace writer, the remote link) must never take the run down: it is
            // dropped, and what went wrong goes on as an error event naming it.
            std::string type, message;
            describe_current_exception(type, message);
            options_.listener = nullptr;
            Event failure;
            failure.position() = event.position();
            failure.type = EventType::error;
            failure.exception_type = type;
            failure.message =
                "the event listener failed and was detached; the run goes on: " + message;
            failure.phase = ErrorPhase::listener;
            deliver(std::move(event));
            return failure;
        }
    }
    deliver(std::move(event));
    return std::nullopt;
}

namespace {
std::int64_t coarse_now_ns() {
    timespec coarse{};
    clock_gettime(CLOCK_MONOTONIC_COARSE, &coarse);
    return std::int64_t(coarse.tv_sec) * 1'000'000'000 + coarse.tv_nsec;
}
}  // namespace

void EventPublisher::batch_starts() {
    if (!held_end_) return;
    stage_held_end();
    buffer_.publish();
}

bool EventPublisher::due_within(std::int64_t ns) const {
    return coarse_now_ns() + ns >= last_publish_ns_ + kMaxStagingNs;
}

void EventPublisher::deliver(Event&& event) {
    if (!options_.buffer) return;
    // At full speed the consumer (drawing at most once a frame) gets events in bunches, at most
    // kMaxStagingNs apart: one lock per bunch instead of one per event. Stepping or animating,
    // every event goes at once.
    const EventType type = event.type;
    const bool free_running = gate_.free_running();
    const bool stage_event = type == EventType::stage_exit || type == EventType::stage_enter;
    const std::int64_t now = coarse_now_ns();
    const bool due = now - last_publish_ns_ >= kMaxStagingNs;
    if (options_.coalesce && free_running && (stage_event || type == EventType::batch_end)) {
        // Coalescing: a batch's stage events are kept (the newest of each stage, in slots that stay
        // in cache) and its batch_end is held back, until the next batch begins: then the
        // batch_end goes on alone and the stage events it ends are out of date. When a bunch is
        // due, the current batch goes whole. A batch_end that goes on is published at once: the
        // next batch may sit in a long stage, and the window must still see the finished batch
        // (one publish per batch, not per event).
        const bool end_goes_on = held_end_.has_value();
        stage_held_end();
        if (stage_event)
            newest_[static_cast<std::size_t>(event.stage)] = std::move(event);
        else
            held_end_ = std::move(event);
        if (!due && !end_goes_on) return;
        if (!due) {
            buffer_.publish();
            return;
        }
        stage_newest();
        stage_held_end();
    } else {
        if (options_.coalesce) {
            stage_newest();
            stage_held_end();
        }
        stage(std::move(event));
        const bool bunched = free_running && (stage_event || type == EventType::resumed);
        if (bunched && !due) return;
    }
    buffer_.publish();
    last_publish_ns_ = now;
}

void EventPublisher::stage_held_end() {
    if (!held_end_) return;
    stage(std::move(*held_end_));
    held_end_.reset();
}

void EventPublisher::stage(Event&& event) {
    last_staged_seq_ = event.seq;
    buffer_.stage(std::move(event));
}

void EventPublisher::stage_newest() {
    std::array<Event*, kStageCount> newer{};
    std::size_t n = 0;
    for (auto& slot : newest_)
        if (slot && (!last_staged_seq_ || slot->seq > *last_staged_seq_)) newer[n++] = &*slot;
    // Older ones were overtaken by a batch_end already staged: what they said is out of date.
    std::sort(newer.begin(), newer.begin() + n,
              [](const Event* a, const Event* b) { return a->seq < b->seq; });
    for (std::size_t i = 0; i < n; ++i) stage(std::move(*newer[i]));
    for (auto& slot : newest_) slot.reset();
}

}  // namespace stepwise
