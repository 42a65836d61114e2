#pragma once
// LedgerView: the accumulation ledger dock. For the current (or last) accumulation cycle: what
// each batch's backward added to .grad (its norm, its cosine with the cycle's sum G, its share
// ⟨g_b, G⟩/‖G‖² — the shares add up to 1), then ‖G‖ before and after clipping with the clip
// coefficient, and each parameter's update-to-weight ratio ‖Δθ‖/‖θ‖ from the optimizer step.
// The engine measures it while the dock is open (CommandType::inspect, `ledger`).

#include <QWidget>
#include <optional>
#include <vector>

#include "history_view.h"
#include "stepwise/events.h"

class QLabel;
class QTableWidget;

namespace stepwise::gui {

class LedgerView : public QWidget, public HistoryView {
    Q_OBJECT
  public:
    enum BatchColumn { BatchColumn, NormColumn, CosineColumn, ShareColumn, BatchColumnCount };
    explicit LedgerView(QWidget* parent = nullptr);

    /// The run it shows (not owned; outlives the view), for its accumulate_grad_batches.
    void setHistory(const RunHistory* history) { m_history = history; }
    void clear() override;
    void applyEvents(const std::vector<Event>& events) override;
    QTableWidget* batchTable() const { return m_batches; }
    QTableWidget* ratioTable() const { return m_ratios; }
    QLabel* summaryLabel() const { return m_summary; }
    QLabel* cycleLabel() const { return m_cycle; }

    /// Modest: the dock shares the log's tab group, and must not widen a laptop's window.
    QSize sizeHint() const override { return {360, 220}; }

  protected:
    void changeEvent(QEvent* event) override;

  private:
    struct Row {
        std::int64_t epoch = 0, batch_idx = 0;
        double norm = 0;
        std::optional<double> cosine, share;
    };
    void refresh();
    void retranslate();

    QLabel* m_cycle = nullptr;
    QTableWidget* m_batches = nullptr;
    QLabel* m_summary = nullptr;
    QTableWidget* m_ratios = nullptr;
    QLabel* m_ratioTitle = nullptr;
    const RunHistory* m_history = nullptr;
    std::vector<Row> m_rows;  ///< the cycle being shown
    /// The cycle's, once its optimizer step came (then the next contribution begins a new one).
    std::optional<AccumulationLedger> m_ledger;
    std::optional<GradNorms> m_ratiosOfStep;
    std::optional<std::int64_t> m_stepBatch;
    bool m_sawContribution = false;
};

}  // namespace stepwise::gui
