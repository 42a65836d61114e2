#pragma once
// batch_end events as a run emits them, for the tests of what reads them (BatchTable, TensorBoard).

#include <cstdint>

#include "stepwise/events.h"

namespace stepwise::test {

inline Event batch_end(std::int64_t epoch, std::int64_t idx, std::int64_t step, bool stepped) {
    Event e;
    e.type = EventType::batch_end;
    e.epoch = epoch;
    e.batch_idx = idx;
    e.global_step = step;
    e.stepped = stepped;
    return e;
}

}  // namespace stepwise::test
