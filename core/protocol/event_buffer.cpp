#include "stepwise/event_buffer.h"

#include <iterator>

namespace stepwise {

namespace {
void move_append(std::vector<Event>& to, std::vector<Event>& from) {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
    from.clear();
}
}  // namespace

EventBuffer::EventBuffer() {
    events_.reserve(1024);
    staged_.reserve(1024);
}

void EventBuffer::set_wake(std::function<void()> wake) {
    std::lock_guard<std::mutex> lock(mutex_);
    wake_ = std::move(wake);
}

void EventBuffer::push(Event event) {
    stage(std::move(event));
    publish();
}

void EventBuffer::publish() {
    if (staged_.empty()) return;
    std::function<void()> wake;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        const bool was_empty = events_.empty();
        if (was_empty) {
            // The usual case: the consumer took everything. Hand over the staged storage whole and
            // stage into the (empty) storage the consumer gave back.
            events_.swap(staged_);
            wake = wake_;
        } else {
            move_append(events_, staged_);
        }
        // trash_ is empty (cleared below last time): its storage becomes the next spent_.
        trash_.swap(spent_);
    }
    trash_.clear();  // the consumer's finished events, destroyed where they were made
    if (wake) wake();
}

std::vector<Event> EventBuffer::drain() {
    std::vector<Event> out;
    std::lock_guard<std::mutex> lock(mutex_);
    out.swap(events_);
    return out;
}

void EventBuffer::drain_into(std::vector<Event>& frame) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (spent_.empty())
        spent_.swap(frame);  // frame now holds spent_'s empty storage
    else
        move_append(spent_, frame);  // the worker has not published since the last drain
    frame.swap(events_);             // events_ takes frame's empty storage
}

std::size_t EventBuffer::size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_.size();
}

}  // namespace stepwise
