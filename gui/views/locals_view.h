#pragma once
// LocalsView: the variables of the line of the user's code a script's run holds at (stepping the
// lines of training_step, or a line breakpoint), one row each: tensors by shape, dtype,
// requires_grad, grad_fn and min / mean / max (or the value of a one-element tensor), anything
// else by its value or a bounded repr, as the engine described them when it stopped there.
//
// Threading contract: GUI thread only.

#include <QWidget>
#include <memory>

#include "history_view.h"

class QLabel;
class QTableWidget;

namespace stepwise::gui {

class LocalsView : public QWidget, public HistoryView {
    Q_OBJECT
  public:
    enum Column {
        NameColumn,
        KindColumn,
        ShapeColumn,
        DtypeColumn,
        AutogradColumn,
        ValueColumn,
        ColumnCount
    };
    explicit LocalsView(QWidget* parent = nullptr);

    void clear() override;
    void applyEvents(const std::vector<Event>& events) override;
    QTableWidget* table() const { return m_table; }
    /// The frame shown (nullptr: the run does not hold at a line).
    const LineFrame* frame() const { return m_frame.get(); }

  protected:
    void changeEvent(QEvent* event) override;

  private:
    void show(std::shared_ptr<const LineFrame> frame);
    void retranslate();

    std::shared_ptr<const LineFrame> m_frame;
    QLabel* m_where = nullptr;
    QLabel* m_hint = nullptr;
    QTableWidget* m_table = nullptr;
};

}  // namespace stepwise::gui
