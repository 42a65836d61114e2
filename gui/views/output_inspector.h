#pragma once
// OutputInspector: exactly what training_step returned at the current batch, as a tree, and how
// Lightning classified it.

#include <QWidget>
#include <optional>
#include <vector>

#include "history_view.h"
#include "pacer.h"
#include "stepwise/events.h"

class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace stepwise::gui {

class OutputInspector : public QWidget, public HistoryView {
    Q_OBJECT
  public:
    enum Column {
        NameColumn,
        KindColumn,
        ValueColumn,
        ShapeColumn,
        DtypeColumn,
        GradColumn,
        GradFnColumn,
        ColumnCount
    };
    explicit OutputInspector(QWidget* parent = nullptr);

    void clear() override;
    /// Shows the newest output of the frame (while the run streams past, at most ten times a
    /// second: see Pacer).
    void applyEvents(const std::vector<Event>& events) override;
    QTreeWidget* tree() const { return m_tree; }
    QString classification() const;

  protected:
    void changeEvent(QEvent* event) override;

  private:
    /// One training_step output and where it was returned.
    struct Returned {
        OutputDescription output;
        std::int64_t epoch = 0;
        std::int64_t batchIdx = -1;
        int call = 0;
    };
    void show(Returned returned);
    void fill(QTreeWidgetItem* item, const QString& name, const ValueDescription& value);
    void retranslate();

    QTreeWidget* m_tree = nullptr;
    QLabel* m_heading = nullptr;
    QLabel* m_class = nullptr;
    std::optional<Returned> m_shown;
    std::optional<Returned> m_next;  ///< newer than the one shown, until the pacer shows it
    Pacer* m_pacer;
};

}  // namespace stepwise::gui
