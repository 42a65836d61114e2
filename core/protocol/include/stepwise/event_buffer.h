#pragma once
// Events from the worker thread to a consumer (the GUI), without ever blocking the worker on it.
//
// Threading contract: push(), stage() and publish() are called by the worker thread only; drain(),
// drain_into() and set_wake() by the consumer thread. stage() keeps an event on the producer's side
// without any lock; publish() hands everything staged to the consumer under the lock in one swap.
// push() is stage() + publish(). The wake callback runs (outside the lock) only on the empty ->
// non-empty transition, so a fast producer wakes a slow consumer once per drain, not per event.
//
// Memory stays with the thread that allocated it: events the consumer has finished with go back
// through drain_into() and are destroyed on the worker at its next publish(): glibc's malloc
// serves the allocating thread from its per-thread cache only when memory comes back to that
// thread. The vectors' storage circulates between the threads and is never freed while the run
// goes on.

#include <cstddef>
#include <functional>
#include <mutex>
#include <vector>

#include "stepwise/events.h"

namespace stepwise {

class EventBuffer {
  public:
    EventBuffer();
    /// The callback runs on the worker thread; it must only schedule work (e.g. a queued call).
    void set_wake(std::function<void()> wake);
    void push(Event event);
    /// Keeps an event for the next publish(); the consumer cannot see it before then.
    void stage(Event&& event) { staged_.push_back(std::move(event)); }
    /// Makes every staged event visible to the consumer, in order, and destroys the events the
    /// consumer handed back.
    void publish();
    /// Everything published since the last drain, in order.
    std::vector<Event> drain();
    /// The same, exchanged with `frame`: on entry `frame` holds the consumer's previous events
    /// (finished with; they go back to the worker to be destroyed there), on return the new ones.
    /// A consumer that passes the same vector every frame allocates and frees nothing.
    void drain_into(std::vector<Event>& frame);
    std::size_t size() const;

  private:
    mutable std::mutex mutex_;
    std::vector<Event> events_;  ///< published, not yet drained (guarded by mutex_)
    std::vector<Event> spent_;   ///< handed back by the consumer, to destroy (guarded by mutex_)
    std::vector<Event> staged_;  ///< the worker's own, not yet published (no lock)
    std::vector<Event> trash_;   ///< the worker's own: spent events being destroyed (no lock)
    std::function<void()> wake_;
};

}  // namespace stepwise
