#pragma once
// Events from the worker thread to a consumer (the GUI), without ever blocking the worker on it.
//
// Threading contract: push() is called by the worker thread; drain() and set_wake() by the
// consumer thread. push() holds the lock only to append, and calls the wake callback (outside the
// lock) only on the empty -> non-empty transition, so a fast producer wakes a slow consumer once
// per drain, not once per event.

#include <cstddef>
#include <functional>
#include <mutex>
#include <vector>

#include "stepwise/events.h"

namespace stepwise {

class EventBuffer {
public:
    EventBuffer() { events_.reserve(1024); }
    /// The callback runs on the worker thread; it must only schedule work (e.g. a queued call).
    void set_wake(std::function<void()> wake);
    void push(Event event);
    /// Everything pushed since the last drain, in order.
    std::vector<Event> drain();
    /// The same, swapped into `out` (which must be empty): the buffer keeps `out`'s old storage,
    /// so a consumer that clears and passes the same vector every frame allocates nothing.
    void drain_into(std::vector<Event>& out);
    std::size_t size() const;

private:
    mutable std::mutex mutex_;
    std::vector<Event> events_;
    std::function<void()> wake_;
};

}  // namespace stepwise
