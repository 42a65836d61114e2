#pragma once
// Rewinder: going back in a run. It keeps snapshots of the training state at batch starts (a
// bounded store), counts the stage boundaries of every batch (the timeline), turns a rewind command
// into a target boundary, and, after the session restored the nearest snapshot before it, steers
// the recomputation: silent up to the target's batch, then holding that batch's events back until
// the target boundary, where a `rewound` event goes out first and they follow. A run nobody can
// send back (stepwise-run without --listen) has none: no snapshot is taken, nothing is counted.
// Worker thread only.

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "stepwise/commands.h"
#include "stepwise/conditions.h"
#include "stepwise/events.h"
#include "timeline.h"
#include "training_state.h"

namespace stepwise {

class Rewinder {
  public:
    explicit Rewinder(double budget_mb)
        : store_(static_cast<std::size_t>(budget_mb * 1024.0 * 1024.0)) {}

    /// At the start of every batch: the replay's phase, and a snapshot when one is due (every
    /// batch while the person steps; at full speed as often as keeps their cost near 2% of the
    /// time, and never so rarely that going back one batch recomputes more than 150 ms).
    void at_batch_start(FitLoop& fit, const ConditionSet& conditions, std::int64_t epoch,
                        std::int64_t batch_idx, std::int64_t batch, bool stepping);
    /// At every boundary, before the stage runs: counts it; true while the loop recomputes towards
    /// the target unseen (it passes the boundary without asking the gate). Reaching the target
    /// while publishing ends the replay: target_reached() says so once.
    bool at_boundary(const Position& pos);
    bool target_reached() {
        const bool reached = reached_;
        reached_ = false;
        return reached;
    }

    /// Resolves a rewind command from where the run holds: the target boundary, or the notice why
    /// it cannot be done.
    std::optional<Text> aim(const Command& command);
    /// The snapshot the recomputation starts from (aim() made sure there is one).
    const TrainingState& start() const { return *store_.at_or_before(target_.batch); }
    /// The session restored start(): recompute silently from here.
    void recompute() {
        phase_ = Phase::silent;
        held_back_.clear();
        last_batch_start_ns_ = 0;
    }
    /// A fork: recompute silently up to `target`, and say `forked` instead of the rewound text.
    void recompute_fork(const TimelineMark& target, Text forked) {
        target_ = target;
        forked_ = std::move(forked);
        recompute();
    }

    /// An event on its way out while recomputing: true when it is held back (publishing phase) or
    /// dropped (silent; breakpoints still see it, so their state is what the first run left).
    bool intercept(Event& event, ConditionSet& conditions);
    /// At the target: the rewound event's text, then the held-back events in order (their hits
    /// are in the timeline already: flushing() is true while they go out).
    Text rewound_text(const Position& at);
    std::vector<Event> take_held_back() { return std::move(held_back_); }
    void set_flushing(bool on) { flushing_ = on; }
    bool flushing() const { return flushing_; }
    bool silent() const { return phase_ == Phase::silent; }
    bool replaying() const { return phase_ != Phase::none; }

    /// A breakpoint hit holds the run here (a place) or at the next boundary (a measured value).
    void hit(bool place) { place ? timeline_.hit_here() : timeline_.hit_next(); }
    /// Where the run stands now, and the newest snapshot at or before `batch` (a fork's start).
    const TimelineMark& here() const { return timeline_.here(); }
    std::shared_ptr<const TrainingState> snapshot_at_or_before(std::int64_t batch) const {
        return store_.shared_at_or_before(batch);
    }
    void set_batches_per_epoch(std::int64_t n) { batches_per_epoch_ = n; }

  private:
    bool snapshot_due(bool stepping);

    enum class Phase : std::uint8_t { none, silent, publishing };
    Timeline timeline_;
    SnapshotStore store_;
    Phase phase_ = Phase::none;
    TimelineMark target_;
    std::vector<Event> held_back_;
    bool flushing_ = false;
    bool reached_ = false;
    Text forked_;      ///< a fork's replay: what its `rewound` event says instead
    int ordinal_ = 0;  ///< of the next boundary within the batch
    std::int64_t batches_per_epoch_ = 1;
    // Snapshot cadence at full speed: their cost kept near 2% of the time.
    std::int64_t last_batch_start_ns_ = 0;
    double batch_ns_ = 0;
    double snapshot_ns_ = 0;
    std::int64_t since_snapshot_ = 0;
};

}  // namespace stepwise
