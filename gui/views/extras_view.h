#pragma once
// ExtrasView: the extra outputs of training_step (a dict's keys besides "loss") at the latest
// batch: value, shape, dtype, requires_grad, and a warning when one still holds an autograd graph.

#include <QWidget>
#include <vector>

#include "history_view.h"
#include "stepwise/events.h"

class QLabel;
class QTableWidget;

namespace stepwise::gui {

class ExtrasView : public QWidget, public HistoryView {
    Q_OBJECT
  public:
    enum Column {
        PlotColumn,
        KeyColumn,
        ValueColumn,
        ShapeColumn,
        DtypeColumn,
        GradColumn,
        ColumnCount
    };
    static constexpr int kMaxRows = 64;
    explicit ExtrasView(QWidget* parent = nullptr);

    void clear() override;
    void applyEvents(const std::vector<Event>& events) override;
    QTableWidget* table() const { return m_table; }
    bool graphWarningVisible() const;

  Q_SIGNALS:
    void plotToggled(const QString& key, bool plotted);

  protected:
    void changeEvent(QEvent* event) override;

  private:
    void show(const std::vector<std::pair<std::string, ValueDescription>>& extras);
    void retranslate();
    int rowFor(const QString& key);

    QTableWidget* m_table = nullptr;
    QLabel* m_banner = nullptr;
    QLabel* m_empty = nullptr;
    QStringList m_graphKeys;
};

/// "[2, 3]" for a shape; "scalar" for [].
QString formatShape(const std::vector<std::int64_t>& shape);
/// A value as a person reads it: the number, or the short text the engine gave.
QString formatValue(const ValueDescription& value);

}  // namespace stepwise::gui
