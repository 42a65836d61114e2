#pragma once
// RunHistory: the model of one run that every view reads. The controller appends each frame's
// events; a view that is opened again, or a picture cut back to an earlier point, is rebuilt from
// here (events()), so no view's own state is the only record of the run.
//
// What it keeps, bounded for a million batches:
//  - every batch's record in columns (kBytesPerBatch bytes each, plus 8 per scalar extra that
//    the run reports): position, loss, raw loss, update norm, learning rate, what the batch
//    returned, whether it stepped, its window, the seq of its batch_end, and a None batch's
//    explanation (a code, and an index into the few distinct "what the optimizer holds" texts);
//  - every event of the newest kRecentBatches batches (stage records, outputs, pauses);
//  - run_start, run_end, and the newest kMaxLogEvents warnings and errors.
// Two histories are independent values: a comparison keeps one per run.
//
// Threading contract: GUI thread only (plain C++, no Qt: unit-testable alone).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "stepwise/events.h"

namespace stepwise::gui {

class RunHistory {
  public:
    static constexpr std::size_t kRecentBatches = 64;
    static constexpr std::size_t kMaxLogEvents = 20000;
    /// Column bytes per batch: 4 epoch, 4 batch_idx, 8 global_step, 8 seq, 4 x 8 loss, raw loss,
    /// update norm and lr, 2 closure calls, 2 window position, 2 window size, 1 flags, 1 + 2 the
    /// explanation.
    static constexpr std::size_t kBytesPerBatch = 4 + 4 + 8 + 8 + 4 * 8 + 2 + 2 + 2 + 1 + 1 + 2;

    void clear();
    void append(const Event& event);
    void append(const std::vector<Event>& events) {
        for (const Event& e : events) append(e);
    }

    std::size_t batchCount() const { return m_seq.size(); }
    /// One batch's record, rebuilt from the columns (serial: 0 for the run's first batch).
    Event batchRecord(std::size_t serial) const;
    /// A scalar extra's value at every batch (NaN where the batch did not report it).
    const std::map<std::string, std::vector<double>>& scalarExtras() const { return m_extras; }
    /// Every event kept, in seq order: what a view needs to show the run as it is now.
    std::vector<Event> events() const;
    /// Warnings and errors kept, and how many older ones were dropped.
    const std::deque<Event>& logEvents() const { return m_log; }
    std::size_t droppedLogEvents() const { return m_droppedLog; }
    /// Bumped by clear() and cutBack(): views holding an older generation rebuild.
    std::uint64_t generation() const { return m_generation; }
    /// Bytes held by the batch columns and the extras' columns.
    std::size_t columnBytes() const;

    /// Cuts the run back to the moment `stage` of batch `serial` was entered (nullopt: the start
    /// of that batch): every later event and batch record is dropped. False when that point is
    /// older than the stage records kept (only kRecentBatches batches can be cut back into).
    bool cutBack(std::size_t serial, std::optional<Stage> stage = std::nullopt);

  private:

    // Columns, one entry per finished batch.
    std::vector<std::int32_t> m_epoch, m_batchIdx;
    std::vector<std::int64_t> m_globalStep;
    std::vector<std::uint64_t> m_seq;  ///< of the batch_end
    std::vector<double> m_loss, m_lossRaw, m_updateNorm, m_lr;  ///< NaN: none
    std::vector<std::uint16_t> m_closureCalls, m_windowPosition, m_accumulate;
    std::vector<std::uint8_t> m_flags;
    std::vector<std::uint8_t> m_explanationCode;  ///< TextCode of the batch's explanation
    std::vector<std::uint16_t> m_explanationHeld;  ///< index into m_heldTexts
    std::vector<std::string> m_heldTexts;  ///< distinct "what the optimizer holds" arguments
    std::map<std::string, std::vector<double>> m_extras;

    std::optional<Event> m_runStart, m_runEnd;
    std::deque<Event> m_log;
    std::size_t m_droppedLog = 0;
    std::deque<Event> m_recent;          ///< every event of the newest batches, in order
    std::deque<std::uint64_t> m_recentEnds;  ///< seq of the batch_end of each batch in m_recent
    std::uint64_t m_generation = 0;
};

}  // namespace stepwise::gui
