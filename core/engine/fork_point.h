#pragma once
// What-if forks. A ForkPoint is where a fork starts (TrainingSession::fork_point,
// SessionOptions::fork_from): the held run's newest snapshot at or before the batch it holds in,
// the boundary it holds at, and its config. Immutable once made, shared between the two runs'
// threads; worker threads only read the tensors inside. start_fork() puts run A's state there
// into run B's loops. Worker threads only.

#include <cstdint>
#include <memory>
#include <utility>

#include "generator_lease.h"
#include "rewinder.h"
#include "stepwise/events.h"
#include "stepwise/run_config.h"
#include "timeline.h"
#include "training_state.h"

namespace stepwise {

struct ForkPoint {
    std::shared_ptr<const TrainingState> state;  ///< at the start of `at.batch` or before it
    TimelineMark at;                             ///< where run A holds (global batch, ordinal)
    Position where;                              ///< the same as a position: epoch, batch, stage
    std::shared_ptr<const RunConfig> config;     ///< run A's (one copy per run, not per hold)
};

/// Where a fork from `where` (the boundary the run holds at) starts; nullptr when the run keeps no
/// snapshot there.
std::shared_ptr<const ForkPoint> make_fork_point(const Rewinder& rewinder, const Position& where,
                                                 std::shared_ptr<const RunConfig> config);

/// Run B's start: run A's state at the start of the batch it holds in — recomputed unseen under
/// run A's config from its snapshot when that is older (a stop still ends it) — put into `fit`
/// (built from run B's `config`), and the rewinder told to recompute, now under run B's config,
/// up to where run A holds. Returns the (epoch, batch_idx) to run from.
std::pair<std::int64_t, std::int64_t> start_fork(const ForkPoint& fork, const RunConfig& config,
                                                 FitLoop& fit, ConditionSet& conditions,
                                                 Rewinder& rewinder, StepGate& gate,
                                                 GeneratorLease& generator);

}  // namespace stepwise
