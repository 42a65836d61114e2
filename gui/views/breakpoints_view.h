#pragma once
// BreakpointsView: the Breakpoints dock. Lists the run's breakpoints (enabled, condition, hits),
// adds one from a typed condition (checked as it is typed, with the reason and column when it
// does not parse), enables, disables and deletes them. Every change is the whole new list
// (breakpointsChanged); the window sends it to the run, which uses it from its next stage
// boundary, and keeps it in the run's config. Hits are counted from the run's hit notices, by
// condition, so they survive renumbering and follow a rewind.

#include <QWidget>
#include <map>
#include <string>
#include <vector>

#include "history_view.h"
#include "stepwise/conditions.h"
#include "stepwise/events.h"

class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;
class QTableWidgetItem;

namespace stepwise::gui {

class BreakpointsView : public QWidget, public HistoryView {
    Q_OBJECT
  public:
    explicit BreakpointsView(QWidget* parent = nullptr);

    /// A new run's breakpoints (from its config); hit counts start at zero.
    void setBreakpoints(const std::vector<BreakpointSpec>& breakpoints);
    const std::vector<BreakpointSpec>& breakpoints() const { return m_specs; }
    /// Forgets the hit counts (a view rebuilt from the run history counts them again).
    void clear() override;
    void applyEvents(const std::vector<Event>& events) override;
    int hits(std::size_t row) const;
    /// Adds the condition typed in the field, if it parses; true when it was added.
    bool addTyped();
    /// Deletes the selected breakpoints.
    void removeSelected();
    /// Adds `when` (it must parse), or deletes it when a breakpoint says the same already (the
    /// Code dock's double-click on a line). True when it was added.
    bool toggle(const std::string& when);
    void retranslate();

    QTableWidget* table() const { return m_table; }
    QLineEdit* input() const { return m_input; }

  Q_SIGNALS:
    void breakpointsChanged(const std::vector<stepwise::BreakpointSpec>& breakpoints);

  protected:
    void changeEvent(QEvent* event) override;

  private:
    enum Column { EnabledColumn, ConditionColumn, HitsColumn, ColumnCount };
    void fillTable();
    void updateHits();
    void checkTyped();
    void onItemChanged(QTableWidgetItem* item);
    /// The canonical spelling hit notices use, or the text itself when it does not parse.
    static std::string canonical(const std::string& when);

    std::vector<BreakpointSpec> m_specs;
    std::map<std::string, int> m_hits;  ///< by canonical condition
    QTableWidget* m_table;
    QLineEdit* m_input;
    QPushButton* m_add;
    QPushButton* m_remove;
    QLabel* m_problem;
    QLabel* m_help;
    bool m_filling = false;
};

}  // namespace stepwise::gui
