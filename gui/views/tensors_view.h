#pragma once
// TensorsView: the Tensors dock. Every tensor of the training state where the run holds — each
// parameter with shape, dtype and norm, its .grad (None, zeros, or its norm), the optimizer's state
// for it, the buffers — with what the stage just run changed highlighted; and for the selected
// tensor a histogram, a value grid (changed cells marked) and, for a 2-D tensor, a heat map.
// The engine reads the tensors on the training thread while the run holds (a `tensors` event);
// this view only shows reports and says which tensor it wants.

#include <QWidget>
#include <memory>
#include <vector>

#include "history_view.h"
#include "stepwise/events.h"

class QCustomPlot;
class QCPBars;
class QCPColorMap;
class QLabel;
class QTabWidget;
class QTableWidget;
class QTreeWidget;
class QTreeWidgetItem;

namespace stepwise::gui {

class TensorsView : public QWidget, public HistoryView {
    Q_OBJECT
  public:
    enum Column { NameColumn, ShapeColumn, DtypeColumn, NormColumn, ChangeColumn, ColumnCount };
    enum DetailTab { HistogramTab, ValuesTab, HeatMapTab };
    explicit TensorsView(QWidget* parent = nullptr);

    void clear() override;
    /// Reports (the latest one shown), and the holds and resumes that make it current or not.
    void applyEvents(const std::vector<Event>& events) override;
    /// What it shows is of a hold that was undone; it keeps no history to rebuild.
    void rewind(const HistorySnapshot& run, const Event& rewound) override;
    /// The tensor whose values are asked for (empty: none).
    QString selectedTensor() const { return m_selected; }
    void selectTensor(const QString& name);

    QTreeWidget* tree() const { return m_tree; }
    QTableWidget* valueGrid() const { return m_values; }
    QTabWidget* detailTabs() const { return m_tabs; }
    QCustomPlot* histogram() const { return m_histogram; }
    QCustomPlot* heatMap() const { return m_heat; }
    QLabel* whereLabel() const { return m_where; }
    const TensorReport* report() const { return m_report.get(); }
    /// The row of a tensor, by its name.
    QTreeWidgetItem* itemFor(const QString& name) const;

  Q_SIGNALS:
    /// The person selected another tensor: its values are to be sent.
    void tensorSelected(const QString& name);

  public:
    /// Modest: the dock shares the log's tab group, and must not widen a laptop's window.
    QSize sizeHint() const override { return {420, 240}; }

  protected:
    void changeEvent(QEvent* event) override;

  private:
    void show(std::shared_ptr<const TensorReport> report);
    void showDetail();
    void retranslate();
    void updateWhere();

    QLabel* m_where = nullptr;
    QTreeWidget* m_tree = nullptr;
    QTabWidget* m_tabs = nullptr;
    QLabel* m_detailTitle = nullptr;
    QCustomPlot* m_histogram = nullptr;
    QCPBars* m_bars = nullptr;
    QTableWidget* m_values = nullptr;
    QCustomPlot* m_heat = nullptr;
    QCPColorMap* m_colorMap = nullptr;
    std::shared_ptr<const TensorReport> m_report;
    Stage m_heldAt = Stage::on_train_batch_start;
    std::int64_t m_heldEpoch = 0, m_heldBatch = -1;
    bool m_held = false;     ///< the run holds where the report was read
    bool m_current = false;  ///< the report is of the present hold
    bool m_updating = false;
    QString m_selected;
};

/// What a change is called in the dock ("set to None", "scaled ×0.42", ...).
QString tensorChangeText(const TensorSummary& tensor);

}  // namespace stepwise::gui
