#pragma once
// SessionLink: a front end's only door to a run — commands in, events out, a wake-up when events
// arrive. Three ends implement it: a session in this process (LocalLink, in the engine), a recorded
// trace (ReplayLink) and a stepwise-run on another host (the window's RemoteLink). The window's
// controller does not know which one it has.
//
// Threading contract: send(), drain_into(), start() and the accessors are called by the owner's
// thread only. The wake callback may run on any thread, only on the empty -> non-empty transition
// of the link's events; it must only schedule work (post a queued call) and never call back.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "stepwise/commands.h"
#include "stepwise/events.h"

namespace stepwise {

class SessionLink {
  public:
    enum class Kind : std::uint8_t { local, replay, remote };

    virtual ~SessionLink() = default;
    virtual Kind kind() const = 0;
    /// Set before start().
    virtual void set_wake(std::function<void()> wake) = 0;
    /// Begins delivering events (local: starts the worker; replay: shows the start of the trace).
    virtual void start() = 0;
    virtual void send(const Command& command) = 0;
    /// Everything that arrived since the last drain, in order, exchanged with `frame` (whose old
    /// contents the link may recycle).
    virtual void drain_into(std::vector<Event>& frame) = 0;
    /// The run's id once known (0 before): events of another run are to be dropped.
    virtual std::uint64_t run_id() const = 0;
};

}  // namespace stepwise
