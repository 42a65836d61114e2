#pragma once
// PipelineState: what the pipeline view draws, folded from the engine's events. Plain data, GUI
// thread only; the view and the tests read it.

#include <QString>
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "stepwise/events.h"

namespace stepwise::gui {

/// What happened to one stage in the current batch (or in the current closure evaluation).
struct StageStatus {
    enum class State { idle, active, ran, skipped, failed };
    State state = State::idle;
    bool stale = false;  ///< the values are from an earlier batch / evaluation
    QString reason;      ///< failed: the error, verbatim; the window's own notes
    /// skipped: the engine's reason, as a code (translated when shown)
    Text skipReason;
    std::int64_t durationNs = -1;  ///< last duration, -1 when never ran
    QString value;                 ///< "loss 0.1234", "‖g‖ 0.51", "‖Δθ‖ 0.02"
};

class RunHistory;

class PipelineState {
  public:
    /// `history`: the run's (not owned), for its settings; nullptr: a run without accumulation
    /// or scheduler.
    explicit PipelineState(const RunHistory* history = nullptr) : m_history(history) {}
    /// Folds one event of the current run. Returns true when something visible changed.
    bool apply(const Event& event);
    void reset();

    const StageStatus& stage(Stage stage) const { return m_stages[static_cast<int>(stage)]; }
    std::optional<Stage> current() const { return m_current; }
    bool held() const { return m_held; }

    std::int64_t epoch() const { return m_epoch; }
    std::int64_t batchIdx() const { return m_batchIdx; }
    std::int64_t globalStep() const { return m_globalStep; }
    int call() const { return m_call; }  ///< closure evaluation within the batch, 1-based
    /// accumulate_grad_batches, as the run history has it.
    int accumulate() const;
    /// The run has an lr scheduler (its config says so, or a batch ran the stage), so its batches
    /// have an lr_scheduler_step stage (LR-4).
    bool hasScheduler() const;
    int cyclePosition() const;  ///< 1-based position of the batch in its cycle
    std::optional<bool> stepping() const { return m_stepping; }  ///< nullopt: not known yet
    std::int64_t totalBatches() const { return m_totalBatches; }
    std::int64_t optimizerSteps() const { return m_optimizerSteps; }
    bool ended() const { return m_ended; }
    RunStatus endStatus() const { return m_endStatus; }
    QString updateSummary() const { return m_updateSummary; }

  private:
    StageStatus& at(Stage stage) { return m_stages[static_cast<int>(stage)]; }
    void startBatch(const Event& event);
    void startEvaluation();
    void follow(const Event& event);
    void exitStage(const Event& event);

    std::array<StageStatus, kStageCount> m_stages{};
    std::optional<Stage> m_current;
    bool m_held = false;
    std::int64_t m_epoch = 0;
    std::int64_t m_batchIdx = -1;
    std::int64_t m_globalStep = 0;
    std::int64_t m_totalBatches = 0;
    std::int64_t m_optimizerSteps = 0;
    std::int64_t m_batchesSeen = 0;  ///< batches started, over all epochs
    int m_call = 0;
    const RunHistory* m_history = nullptr;
    bool m_ranScheduler = false;  ///< an lr_scheduler_step stage ran (a script's own scheduler)
    int m_lastCyclePosition = 0;
    std::optional<bool> m_stepping;
    bool m_stepCounted = false;  ///< this batch's optimizer step is in m_optimizerSteps
    bool m_ended = false;
    RunStatus m_endStatus = RunStatus::finished;
    QString m_updateSummary;
};

}  // namespace stepwise::gui
