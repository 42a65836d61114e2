#pragma once
// MetricsView: what the user's script recorded with self.log / self.log_dict, one row per name
// Lightning gives it (`loss_step`, `loss_epoch`, ...): its newest value, where it is from (a
// step's value at global_step N, or epoch E's aggregate), and the dicts Lightning puts it in
// (the loggers' logged_metrics, progress_bar_metrics, callback_metrics). A Plot box draws the
// name on the loss plot. Read from the run's history (RunHistory::metrics), so it is the same
// after a dock reopens or a rewind.
//
// Threading contract: GUI thread only.

#include <QWidget>

#include "history_view.h"

class QLabel;
class QTableWidget;

namespace stepwise::gui {

class MetricsView : public QWidget, public HistoryView {
    Q_OBJECT
  public:
    enum Column { PlotColumn, NameColumn, ValueColumn, FromColumn, DictsColumn, ColumnCount };
    explicit MetricsView(QWidget* parent = nullptr);
    void setHistory(const RunHistory* history) { m_history = history; }

    void clear() override;
    void applyEvents(const std::vector<Event>& events) override;
    void rebuild(const HistorySnapshot& run) override;
    void rewind(const HistorySnapshot& run, const Event&) override { rebuild(run); }
    QTableWidget* table() const { return m_table; }

  Q_SIGNALS:
    /// The name's Plot box changed: `key` is "metric:NAME" (LossPlot::setExtraPlotted).
    void plotToggled(const QString& key, bool plotted);

  protected:
    void changeEvent(QEvent* event) override;

  private:
    void refresh();
    void retranslate();

    const RunHistory* m_history = nullptr;
    QTableWidget* m_table = nullptr;
    QLabel* m_empty = nullptr;
};

}  // namespace stepwise::gui
