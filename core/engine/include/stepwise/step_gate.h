#pragma once
// The step gate: the worker thread asks it at every stage boundary whether it may go on.
//
// Threading contract: check() is called only by the training (worker) thread. Every other member
// may be called from any thread at any time. All state is behind one mutex; every wait has a
// predicate; notify happens after unlocking. The worker never waits for a consumer of events, only
// for a person's command (pause / step) or for the animation delay.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <stdexcept>

#include "stepwise/commands.h"
#include "stepwise/events.h"

namespace stepwise {

/// Thrown out of check() on the worker thread when stop() was requested; caught by the session.
struct StopRequested : std::runtime_error {
    StopRequested() : std::runtime_error("stopped by request") {}
};

/// Thrown out of check() on the worker thread by a task that sends the run back (a rewind): the
/// loops unwind without reporting anything, and the session restores an earlier state.
struct RewindRequested : std::exception {
    const char* what() const noexcept override { return "rewind requested"; }
};

class StepGate {
  public:
    enum class Mode : std::uint8_t { paused, running, stepping };

    /// Called by the worker with a boundary whenever it holds there (true) or leaves (false).
    using HoldCallback = std::function<void(const Position&, bool held)>;

    explicit StepGate(bool start_paused = false);

    // --- control, any thread ---
    void pause();              ///< hold at the next stage boundary
    void resume();             ///< run on (with the animation delay, if set)
    void step(StepKind kind);  ///< run until the next boundary of that kind, then hold
    void stop();               ///< make the worker throw StopRequested at its next boundary
    void set_delay(std::chrono::milliseconds per_stage);  ///< animation delay in running mode
    /// Carries out a front end's command (a seek is not for a live run and does nothing; a rewind
    /// is the session's: TrainingSession::send).
    void apply(const Command& command);
    /// Queues a task for the worker thread: it runs at the next stage boundary the worker reaches,
    /// or at once if it holds at one, in order. A task may throw RewindRequested or
    /// StopRequested out of check(); anything else it throws is swallowed.
    void post(std::function<void()> task);
    Mode mode() const;
    bool stop_requested() const;
    bool holding() const;    ///< true while the worker waits in check()
    bool has_tasks() const;  ///< a posted task waits for the worker's next boundary
    /// True while running at full speed (no pause, no step, no delay, no stop): the loop will not
    /// hold at the next boundary unless a command arrives first. Lock-free; any thread.
    bool free_running() const { return free_running_.load(std::memory_order_relaxed); }

    // --- worker thread only ---
    /// Blocks while the gate says so; throws StopRequested once stop() was called.
    void check(const Position& here, const HoldCallback& on_hold);
    /// A line of the user's Python code inside training_step (`depth`: its frame's, training_step's
    /// being 1): holds there when paused (a line breakpoint's hit pauses it first) or when
    /// stepping lines says so; as check() otherwise (tasks, stop). Stage boundaries keep their
    /// own check().
    void check_line(const Position& here, int depth, const HoldCallback& on_hold);
    /// Whether a step of a line kind is under way (a script's training_step then traces lines).
    bool wants_lines() const;
    /// Whether check_line at `depth` would stop (hold, a task, a stop): otherwise the line is
    /// passed without describing its frame.
    bool would_hold_line(int depth) const;
    /// Throws StopRequested if stop() was called; never blocks.
    void throw_if_stopped() const;
    /// Runs queued tasks now (the worker passes boundaries without holding while it recomputes
    /// after a rewind, and a second rewind may come meanwhile), then throw_if_stopped().
    void poll();

  private:
    bool should_hold(const Position& here) const;
    bool should_hold_line(int depth) const;
    /// Holds (the lock held): on_hold, then waits for a command; throws Stop/RewindRequested.
    void hold(std::unique_lock<std::mutex>& lock, const Position& here,
              const HoldCallback& on_hold);

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    Mode mode_;
    StepKind step_kind_ = StepKind::stage;
    Position step_origin_;       ///< where the worker was when the step command came
    int step_origin_depth_ = 0;  ///< its line's frame depth (0: at a stage boundary)
    int last_line_depth_ = 0;    ///< the frame depth of the line the worker last reached (0: none)
    Position last_boundary_;     ///< the boundary the worker last reached
    std::uint64_t command_ = 0;  ///< bumped by every control call, so waits notice any change
    bool stop_ = false;
    bool holding_ = false;
    std::chrono::milliseconds delay_{0};
    std::deque<std::function<void()>> tasks_;
    /// Runs the queued tasks with the lock released; returns with it held again.
    void run_tasks(std::unique_lock<std::mutex>& lock);
    std::atomic<bool> free_running_{false};  ///< mirrors the state above; updated under mutex_
    void update_free_running() {
        free_running_.store(mode_ == Mode::running && delay_.count() == 0 && !stop_,
                            std::memory_order_relaxed);
    }
};

}  // namespace stepwise
