#pragma once
// Timeline: where the run has been, boundary by boundary, as far as a rewind needs it: how many
// stage boundaries each batch has, where breakpoint hits held the run,
// and where it stands now. It turns a rewind command into a target boundary, or into the reason
// it cannot be done. Torch-free; worker thread only.

#include <cstdint>
#include <set>
#include <variant>
#include <vector>

#include "stepwise/commands.h"
#include "stepwise/events.h"
#include "stepwise/text.h"

namespace stepwise {

/// A stage boundary as the timeline counts them: the `ordinal`-th (0-based) of batch `batch` (a
/// global index). An index into the timeline, not a Position: a rewind's target is found by
/// counting boundaries, and a million batches keep only a count each.
struct TimelineMark {
    std::int64_t batch = 0;
    int ordinal = 0;
    bool operator==(const TimelineMark& o) const {
        return batch == o.batch && ordinal == o.ordinal;
    }
    bool operator<(const TimelineMark& o) const {
        return batch != o.batch ? batch < o.batch : ordinal < o.ordinal;
    }
};

class Timeline {
  public:
    /// The loop passes a boundary (also while recomputing: a batch's shape is the same each time).
    void count(std::int64_t batch, int ordinal);
    /// The boundary the run is at now, or passes while it recomputes a batch it shows again.
    void here(const TimelineMark& at);
    const TimelineMark& here() const { return here_; }
    /// A breakpoint hit holds the run here (a place) or at the next boundary (a measured value).
    void hit_here() { hits_.insert(here_); }
    void hit_next() { hit_pending_ = true; }
    /// What rewinding from `from` by `command` reaches, or why it cannot.
    std::variant<TimelineMark, Text> resolve(const Command& command,
                                             const TimelineMark& from) const;
    std::size_t hit_count() const { return hits_.size(); }

  private:
    std::vector<std::uint16_t> boundaries_;  ///< per batch: a million batches take 2 MB
    TimelineMark here_;
    std::set<TimelineMark> hits_;
    bool hit_pending_ = false;
};

}  // namespace stepwise
