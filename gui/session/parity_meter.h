#pragma once
// ParityMeter: compares the run the window shows with a headless shadow run of the same config
// (a ParityReference), batch by batch, by the checksum of the parameters after each batch. While
// every batch compared so far is bit-identical the meter is green; the first batch that differs
// turns it red and stays named. A rewind takes back what it undid. Plain C++ on the GUI thread:
// the reference does its work on a thread of its own, so the run being watched pays only its
// checksum. A script's run has no shadow (its Python objects exist once): its meter compares each
// batch recomputed after going back with the same batch's first pass (firstPass()).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "stepwise/events.h"
#include "stepwise/parity.h"

namespace stepwise::gui {

class ParityMeter {
  public:
    enum class State {
        off,        ///< no reference (a replay, a remote run) or no checksums in the events
        waiting,    ///< nothing compared yet
        identical,  ///< every batch compared so far is bit-identical
        differs,    ///< firstDifference() differs
        failed,     ///< the reference run failed where the watched one did not (failure())
    };

    /// A new run and its reference (nullptr: the meter is off).
    void reset(std::unique_ptr<ParityReference> reference);
    /// A new run compared with its own first pass: each batch it computes again after going back
    /// against the checksum it had the first time.
    void resetFirstPass();
    bool firstPass() const { return m_firstPass; }
    /// Hands the reference over (to be destroyed off the GUI thread: it joins its run); off.
    std::unique_ptr<ParityReference> release();
    /// The watched run's events: run_start, batch_end with a checksum, rewound.
    void apply(const std::vector<Event>& events);
    /// Compares what the reference has reached since the last call. True if what it shows changed
    /// (the state, the count of identical batches, the first difference).
    bool poll();

    State state() const { return m_state; }
    /// Batches compared and found bit-identical.
    std::int64_t identical() const { return std::int64_t(m_identical.size()); }
    /// The first batch (global index) that differs, when it does.
    std::optional<std::int64_t> firstDifference() const { return m_firstDifference; }
    std::int64_t batchesPerEpoch() const { return m_batchesPerEpoch; }
    /// Batches the watched run has ended that the reference has not reached yet.
    std::size_t pending() const { return m_pending.size(); }
    std::string failure() const { return m_reference ? m_reference->failure() : std::string(); }

  private:
    State computeState() const;

    std::unique_ptr<ParityReference> m_reference;
    bool m_firstPass = false;
    std::map<std::int64_t, std::uint64_t> m_first;  ///< first pass: batch → its first checksum
    std::int64_t m_batchesPerEpoch = 1;
    std::map<std::int64_t, std::uint64_t> m_pending;  ///< batch → the watched run's checksum
    std::set<std::int64_t> m_identical;               ///< batches compared equal
    std::optional<std::int64_t> m_firstDifference;
    State m_state = State::off;
};

}  // namespace stepwise::gui
