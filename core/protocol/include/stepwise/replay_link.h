#pragma once
// ReplayLink: a recorded run (a trace file) behind the same SessionLink as a live one. Stepping
// uses the same kinds (stage, closure call, batch, epoch); Run plays to the end; Seek jumps to any
// event. The replay holds between steps exactly as a live run does: it reports `paused` at each
// stop and `resumed` when it goes on (the recording's own pauses are the recording's, not the
// replay's, and are left out). Seeking back starts the stream over at its run_start, so the views
// rebuild the picture up to that point.
//
// Where a step stops: a live run holds when a stage has been entered and has not run yet. A trace
// recorded while stepping has those stage_enter events, and the replay stops right after each,
// as the live run did; one recorded at full speed has only the exits, so there it stops before
// each exit, and each stage step shows one more finished stage.
//
// Threading contract: as SessionLink; everything runs on the owner's thread (the wake callback
// too, right after the command that produced events).

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "stepwise/session_link.h"

namespace stepwise {

class ReplayLink : public SessionLink {
  public:
    /// The recorded events in order (a trace's, as read_trace_file gives them).
    explicit ReplayLink(std::vector<Event> recorded);

    Kind kind() const override { return Kind::replay; }
    void set_wake(std::function<void()> wake) override { wake_ = std::move(wake); }
    void start() override;
    void send(const Command& command) override;
    void drain_into(std::vector<Event>& frame) override;
    std::uint64_t run_id() const override { return run_id_; }

    /// How many recorded events there are, and how many the views have been given.
    std::size_t size() const { return recorded_.size(); }
    std::size_t position() const { return cursor_; }
    /// The recorded events (for a timeline: batch numbers at each position).
    const std::vector<Event>& recorded() const { return recorded_; }
    bool at_end() const { return cursor_ >= recorded_.size(); }

  private:
    /// The stage event a stop at `position` (events delivered) holds at, or size() if none:
    /// the stage_enter just delivered, or the next event when it is a stage_exit never entered.
    std::size_t held_at(std::size_t position) const;
    /// True if a step of `kind` stops at `position`.
    bool stops_at(std::size_t position, StepKind kind) const;
    void deliver_until(std::size_t end);
    void hold();
    void advance(StepKind kind);
    void seek(std::size_t position);

    std::vector<Event> recorded_;
    std::vector<bool> entered_;  ///< per event: a stage_exit whose stage_enter was recorded
    std::vector<Event> out_;     ///< delivered, not yet drained
    std::function<void()> wake_;
    std::uint64_t run_id_ = 0;
    std::size_t cursor_ = 0;
    bool held_ = false;
};

}  // namespace stepwise
