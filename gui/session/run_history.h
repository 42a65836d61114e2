#pragma once
// RunHistory: the model of one run that every view reads. The controller appends each frame's
// events; a view that is opened again, or a picture cut back to an earlier point, is rebuilt from
// here (events()), so no view's own state is the only record of the run.
//
// What it keeps, bounded for a million batches:
//  - every batch's record in packed columns, kBytesPerBatch bytes each plus a few bytes per
//    change of epoch, accumulation or learning-rate regime (see packed_columns.h), plus 4 per
//    scalar extra that the run reports: position, loss, raw loss, update norm, learning rate,
//    what the batch returned, whether it stepped, its cycle, the seq of its batch_end, and a
//    None batch's explanation. Figures older than the recent batches are single precision (an
//    explanation quotes its norm exactly as the engine formatted it all the same);
//  - every event of the newest kRecentBatches batches (stage records, outputs, pauses), exact;
//  - run_start (its config parsed once: config()), run_end, and the newest kMaxLogEvents
//    warnings and errors, with the rewound notices.
// Two histories are independent values: a comparison keeps one per run.
//
// Threading contract: GUI thread only (plain C++, no Qt: unit-testable alone).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "packed_columns.h"
#include "stepwise/events.h"
#include "stepwise/run_config.h"

namespace stepwise::gui {

class RunHistory {
  public:
    static constexpr std::size_t kRecentBatches = 64;
    static constexpr std::size_t kMaxLogEvents = 20000;
    static constexpr std::size_t kMaxScalarExtras = 16;  ///< a model that returns ever-new keys
    /// Column bytes per batch: 4 x 3 loss, update norm and grad norm (floats), 1 flags (what it
    /// returned, whether it stepped, the explanation's code), 1 closure calls, 1 cycle position, 1
    /// seq. The raw loss takes 4 more only in a run where it differs from the loss (accumulation),
    /// and the learning rate 4 more only under a scheduler that changes it every few batches.
    static constexpr std::size_t kBytesPerBatch = 4 * 3 + 1 + 1 + 1 + 1;

    void clear();
    void append(const Event& event);
    void append(const std::vector<Event>& events) {
        for (const Event& e : events) append(e);
    }

    /// The run's config as its run_start says, parsed once; nullptr before a run_start, or when
    /// this version cannot read it (a newer trace: the views then go by the batch records).
    const RunConfig* config() const { return m_config ? &*m_config : nullptr; }
    /// accumulate_grad_batches: the config's, else the newest batch's, else 1.
    int accumulateGradBatches() const;
    /// The config has an lr scheduler (its batches have an lr_scheduler_step stage, LR-4).
    bool hasLrScheduler() const { return m_config && m_config->lr_scheduler; }
    /// The run's run_start and run_end events (nullptr: none yet).
    const Event* runStart() const { return m_runStart ? &*m_runStart : nullptr; }
    const Event* runEnd() const { return m_runEnd ? &*m_runEnd : nullptr; }

    std::size_t batchCount() const { return m_flags.size(); }
    /// One batch's record, rebuilt from the columns (serial: 0 for the run's first batch).
    Event batchRecord(std::size_t serial) const;
    /// Single figures for views that draw many batches (NaN: none).
    float loss(std::size_t serial) const { return m_loss[serial]; }
    /// Every batch's loss, in order (NaN: none).
    const std::vector<float>& losses() const { return m_loss; }
    float lossRaw(std::size_t serial) const {
        return m_rawKept ? m_lossRaw[serial] : m_loss[serial];
    }
    float lr(std::size_t serial) const { return m_lr.at(serial); }
    bool returnedNone(std::size_t serial) const;
    /// The batch has a loss (a batch without one is a None record in the log).
    bool hasLoss(std::size_t serial) const;
    int cyclePosition(std::size_t serial) const { return int(m_cyclePosition.at(serial)); }
    /// The batch's index within its epoch.
    std::int64_t batchIdx(std::size_t serial) const;
    int accumulate(std::size_t serial) const { return m_cycle.at(serial).accumulate; }
    std::int64_t globalStep(std::size_t serial) const;
    /// How many batches ended before the event with this seq (the serial of the batch it is in).
    std::size_t batchesBefore(std::uint64_t seq) const;
    /// global_step of batches [first, end), summed on the way (cheaper than one by one).
    void globalSteps(std::size_t first, std::size_t end, std::vector<std::int64_t>& out) const;
    /// The first batch whose global_step is at least `step` (batchCount() when none is).
    std::size_t firstBatchAtStep(double step) const;
    /// A run compared in lockstep: the samples it had seen after each batch (0 outside one), and
    /// ‖θ − θ_other‖ where the other run had seen the same samples (NaN elsewhere). Kept exact
    /// (float64: a difference in the last bit must not round to 0), and only in a comparison.
    std::int64_t samples(std::size_t serial) const {
        return serial < m_samples.size() ? m_samples[serial] : 0;
    }
    double peerDistance(std::size_t serial) const;
    /// The first batch from `from` on whose distance exceeds `tolerance` (or is NaN where the
    /// other run was at the same samples); nullopt: none so far.
    std::optional<std::size_t> firstDivergence(double tolerance, std::size_t from = 0) const;
    /// The first batch that had seen more than `samples` samples (batchCount() when none has).
    std::size_t firstBatchPastSamples(std::int64_t samples) const;
    /// A scalar extra's value at every batch (NaN where the batch did not report it), for the
    /// first kMaxScalarExtras keys the run reports.
    const std::map<std::string, std::vector<float>>& scalarExtras() const { return m_extras; }
    /// What a script's self.log recorded, one series per name Lightning gives (`loss_step`,
    /// `loss_epoch`, ...; not the unforked alias callback_metrics also holds): its value at each
    /// batch (a step's at its batch, an epoch's at the epoch's last batch; NaN elsewhere), the
    /// dicts it is in, its newest value. At most kMaxMetrics names.
    struct MetricSeries {
        std::string name;
        bool epoch = false;  ///< an epoch's aggregate (else a step's value)
        bool logger = false, progBar = false, callback = false;
        std::vector<float> values;
        double last = std::numeric_limits<double>::quiet_NaN();
        std::size_t lastSerial = 0;
    };
    static constexpr std::size_t kMaxMetrics = 64;
    const std::vector<MetricSeries>& metrics() const { return m_metrics; }
    /// The epoch of batch `serial`.
    std::int64_t epochOf(std::size_t serial) const { return m_position.runAt(serial).second.epoch; }
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
    /// The run went back (a rewound event): everything from the start of the event's batch on is
    /// dropped, however old that batch is, and the event is kept in the log, which says where
    /// the run went. Returns the batch's serial.
    std::size_t rewind(const Event& rewound);

  private:
    /// batches between absolute seq and step counts
    static constexpr std::size_t kCheckpoint = 1024;
    struct Position {  // 32 bits: two billion epochs or batches per epoch are more than a run has
        std::int32_t epoch = 0, firstBatchIdx = 0;
        bool operator==(const Position& o) const {
            return epoch == o.epoch && firstBatchIdx == o.firstBatchIdx;
        }
    };
    struct Cycle {
        int accumulate = 1;
        std::uint16_t held = 0;  ///< index into m_heldTexts of the explanation's held text
        bool operator==(const Cycle& o) const {
            return accumulate == o.accumulate && held == o.held;
        }
    };
    Event record(std::size_t serial, std::uint64_t seq, std::int64_t globalStep) const;
    std::uint64_t seqOf(std::size_t serial) const;
    std::int64_t steppedThrough(std::size_t serial) const;  ///< stepped batches in [0, serial]
    void truncateColumns(std::size_t n);
    /// Drops every event after seq `cut` and every batch record from `serial` on.
    void cutAt(std::size_t serial, std::uint64_t cut);

    // Columns, one entry per finished batch.
    std::vector<float> m_loss, m_updateNorm;  ///< NaN: none
    std::vector<float> m_gradNorm;  ///< -1: not measured (no backward, or norms not observed)
    SteadyFloatColumn m_lr;         ///< NaN: none
    std::vector<float> m_lossRaw;   ///< kept once a raw loss differs from its loss
    bool m_rawKept = false;
    std::vector<std::uint8_t> m_flags;
    ByteColumn m_closureCalls, m_cyclePosition;
    /// seq minus the previous batch_end's (0 at a checkpoint)
    ByteColumn m_seqDelta;
    std::vector<std::uint64_t> m_seqAt;  ///< seq of batches 0, kCheckpoint, 2 kCheckpoint, ...
    std::vector<std::int64_t> m_steppedBefore;  ///< stepped batches before each checkpoint
    RunColumn<std::int64_t> m_stepOffset;       ///< global_step minus the stepped batches so far
    // What append() goes on from, so that it never sums a column: the last batch_end's seq and
    // the stepped batches so far (cutBack recomputes both).
    std::uint64_t m_lastEndSeq = 0;
    std::int64_t m_stepped = 0;
    RunColumn<Position> m_position;  ///< batch_idx counts up by one within a run
    RunColumn<Cycle> m_cycle;
    std::map<std::size_t, double> m_exactNorm;  ///< where the float would quote the norm otherwise
    std::vector<std::string> m_heldTexts;       ///< distinct "what the optimizer holds" arguments
    std::map<std::string, std::vector<float>> m_extras;
    std::vector<MetricSeries> m_metrics;
    void appendMetrics(const Event& e);
    void truncateMetrics(std::size_t n);
    std::vector<std::int64_t> m_samples;  ///< a comparison's only; else empty
    std::vector<double> m_peerDistance;   ///< NaN: the other run was elsewhere
    std::vector<bool> m_paired;           ///< the other run was at the same samples
    std::optional<Event> m_runStart, m_runEnd;
    std::optional<RunConfig> m_config;  ///< m_runStart's, parsed
    std::deque<Event> m_log;
    std::size_t m_droppedLog = 0;
    std::deque<Event> m_recent;              ///< every event of the newest batches, in order
    std::deque<std::uint64_t> m_recentEnds;  ///< seq of the batch_end of each batch in m_recent
    std::uint64_t m_generation = 0;
};

}  // namespace stepwise::gui
