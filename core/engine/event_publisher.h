#pragma once
// EventPublisher: the way out of a session for its events. It numbers them, hands each to the
// listener (the trace writer, stepwise-run's printer, the remote server's), and puts them into the
// EventBuffer for a front end that drains it — coalescing stage events at full speed for one that
// draws at most once a frame. Worker thread only; the buffer is the thread-safe hand-over.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>

#include "stepwise/event_buffer.h"
#include "stepwise/events.h"
#include "stepwise/step_gate.h"

namespace stepwise {

class EventPublisher {
  public:
    using Listener = std::function<void(const Event&)>;
    struct Options {
        bool buffer = true;     ///< SessionOptions::buffer_events
        bool coalesce = false;  ///< SessionOptions::coalesce_stages
        Listener listener;
    };
    EventPublisher(std::uint64_t run_id, Options options, StepGate& gate, EventBuffer& buffer)
        : run_id_(run_id), options_(std::move(options)), gate_(gate), buffer_(buffer) {}

    bool has_listener() const { return bool(options_.listener); }
    /// Gives the event its run id and the next sequence number.
    void number(Event& event) {
        event.run_id = run_id_;
        event.seq = next_seq_++;
    }
    /// Hands a numbered event to the listener, then to the buffer. A listener that throws is
    /// detached (it must never take the run down): the error event that says so is returned, for
    /// the session to publish in turn.
    std::optional<Event> publish(Event&& event);
    /// Coalescing at full speed: a new batch begins, so the batch_end held back goes on now (the
    /// new batch may make no event for a while).
    void batch_starts();
    /// Coalescing at full speed: whether the next bunch goes out within `ns` from now. A batch
    /// whose stage events will not go out (a later batch's overtake them) need not make them.
    bool due_within(std::int64_t ns) const;

  private:
    /// Puts a numbered event into the buffer (coalescing as asked).
    void deliver(Event&& event);
    void stage(Event&& event);
    /// Stages the kept newest stage events that are newer than anything staged, in order.
    void stage_newest();
    /// Stages the held-back batch_end, if any.
    void stage_held_end();

    /// Longest a buffered event waits on the worker's side before the consumer can drain it,
    /// give or take a tick of the coarse clock it is measured on (4 ms on Linux: read for every
    /// event, it costs a fifth of a precise one).
    static constexpr std::int64_t kMaxStagingNs = 5'000'000;

    std::uint64_t run_id_;
    Options options_;
    StepGate& gate_;
    EventBuffer& buffer_;
    std::uint64_t next_seq_ = 0;
    std::int64_t last_publish_ns_ = 0;
    std::optional<std::uint64_t> last_staged_seq_;          ///< of the newest event staged so far
    std::array<std::optional<Event>, kStageCount> newest_;  ///< coalescing: per stage
    std::optional<Event> held_end_;  ///< coalescing: the last batch_end, until the next batch
};

}  // namespace stepwise
