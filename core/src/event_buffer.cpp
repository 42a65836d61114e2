#include "stepwise/event_buffer.h"

namespace stepwise {

void EventBuffer::set_wake(std::function<void()> wake) {
    std::lock_guard<std::mutex> lock(mutex_);
    wake_ = std::move(wake);
}

void EventBuffer::push(Event event) {
    std::function<void()> wake;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const bool was_empty = events_.empty();
        events_.push_back(std::move(event));
        if (was_empty) wake = wake_;
    }
    if (wake) wake();
}

std::vector<Event> EventBuffer::drain() {
    std::vector<Event> out;
    std::lock_guard<std::mutex> lock(mutex_);
    out.swap(events_);
    return out;
}

void EventBuffer::drain_into(std::vector<Event>& out) {
    out.clear();
    std::lock_guard<std::mutex> lock(mutex_);
    out.swap(events_);
}

std::size_t EventBuffer::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_.size();
}

}  // namespace stepwise
