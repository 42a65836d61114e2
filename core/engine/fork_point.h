#pragma once
// ForkPoint: where a what-if fork starts (TrainingSession::fork_point, SessionOptions::fork_from):
// the held run's newest snapshot at or before the batch it holds in, the boundary it holds at, and
// its config. Immutable once made, shared between the two runs' threads. Worker threads only read
// the tensors inside.

#include <cstdint>
#include <memory>

#include "stepwise/events.h"
#include "stepwise/run_config.h"
#include "timeline.h"
#include "training_state.h"

namespace stepwise {

struct ForkPoint {
    std::shared_ptr<const TrainingState> state;  ///< at the start of `at.batch` or before it
    BoundaryRef at;                              ///< where run A holds (global batch, ordinal)
    std::int64_t epoch = 0;
    std::int64_t batch_idx = 0;
    Stage stage = Stage::on_train_batch_start;  ///< the stage run A holds before
    std::shared_ptr<const RunConfig> config;    ///< run A's (one copy per run, not per hold)
};

}  // namespace stepwise
