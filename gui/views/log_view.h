#pragma once
// LogView: the log of warnings, errors and None batches; clicking a batch's entry highlights it.

#include <QWidget>
#include <cstdint>
#include <vector>

#include "stepwise/events.h"

class QLabel;
class QTableView;

namespace stepwise::gui {

class LogModel;

class LogView : public QWidget {
    Q_OBJECT
  public:
    explicit LogView(QWidget* parent = nullptr);

    void clear();
    void applyEvents(const std::vector<Event>& events);
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
