#pragma once
// LogView: the log of warnings, errors and None batches of one run, read from its RunHistory
// (LogModel); clicking a batch's entry highlights it.

#include <QWidget>
#include <cstdint>
#include <vector>

#include "history_view.h"
#include "stepwise/events.h"

class QLabel;
class QTableView;

namespace stepwise::gui {

class LogModel;

class LogView : public QWidget, public HistoryView {
    Q_OBJECT
  public:
    /// `history`: the run whose log it shows (not owned; outlives the view).
    explicit LogView(const RunHistory* history, QWidget* parent = nullptr);

    void clear() override;
    /// Shows what the history gained (the events themselves are in it already).
    void applyEvents(const std::vector<Event>& events) override;
    void rebuild(const HistorySnapshot& run) override;
    LogModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }

  Q_SIGNALS:
    /// A log entry about a batch was activated; `serial` is the run-wide batch serial.
    void batchActivated(qint64 serial);

  protected:
    void changeEvent(QEvent* event) override;

  private:
    void updateSummary();
    void showDetail(int row);
    void resizeColumns();

    LogModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_summary = nullptr;
    QLabel* m_detail = nullptr;  ///< the selected (or newest notable) entry in full
};

}  // namespace stepwise::gui
