#pragma once
// CodeView: the Code dock. On the left the model's code as the run compiled it (the .stepwise
// text, a lesson's, or the TorchScript code kept in a .pt); on the right Stepwise's annotated
// listing of what Lightning's automatic optimization does for one batch, in pseudocode. As the
// run steps, the listing's line of the current stage is highlighted (and, while training_step
// runs, its definition in the model's code); on an accumulating batch the branch that calls the
// closure directly is the one marked. A script's run held at a line of the user's code (stepping
// lines, a line breakpoint) shows that line, in whichever of the user's files it is; the dock's
// bar steps the lines.

#include <QList>
#include <QWidget>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "history_view.h"
#include "stepwise/conditions.h"
#include "stepwise/events.h"

class QAction;
class QLabel;
class QPlainTextEdit;
class QSplitter;
class QToolBar;

namespace stepwise::gui {

class CodeView : public QWidget, public HistoryView {
    Q_OBJECT
  public:
    explicit CodeView(QWidget* parent = nullptr);

    /// A new run: its model's code (empty: the run did not say).
    void clear() override;
    void applyEvents(const std::vector<Event>& events) override;
    /// The model's code is the run's still.
    void rewind(const HistorySnapshot&, const Event&) override {}
    /// Where the run is: the stage (nullopt: between batches) and whether the batch steps.
    void setCurrent(std::optional<Stage> stage, std::optional<bool> stepping);
    void retranslate();

    /// Step line, over, out: shown on the dock's bar while a script's run shows its code.
    void setLineActions(const QList<QAction*>& actions);
    /// The `line=` breakpoints to mark in the file shown (their conditions, as the dock has them).
    void setBreakpoints(const std::vector<BreakpointSpec>& breakpoints);
    /// The blocks (= lines of the file shown) marked as line breakpoints.
    const std::vector<int>& breakpointLines() const { return m_breakpointLines; }
    /// The line of the user's code the run holds at (nullptr: none), and the file shown.
    const LineFrame* heldLine() const { return m_frame.get(); }
    QString shownFile() const { return m_shownFile; }

    QString modelCode() const;
    /// The listing's highlighted line (0-based; -1: none), and the model code's.
    int highlightedLine() const { return m_highlighted; }
    int highlightedModelLine() const { return m_modelHighlighted; }
    QString listingLine(int line) const;

  Q_SIGNALS:
    /// A double-click on line `line` of the user's file `file` (a script's): add or remove the
    /// breakpoint `line=FILE:LINE`.
    void lineBreakpointToggled(const QString& file, int line);

  protected:
    void changeEvent(QEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;
    /// Side by side when there is room, one above the other in a narrow dock.
    void resizeEvent(QResizeEvent* event) override;
    void showEvent(QShowEvent* event) override;

  private:
    struct Line {
        QString code;     ///< pseudocode: identifiers stay as Lightning spells them
        QString comment;  ///< translated
        std::optional<Stage> stage;
        int branch = 0;  ///< 1: the accumulating branch, 2: the stepping branch, 0: both
    };
    std::vector<Line> listing() const;
    void fillListing();
    void highlight();
    /// The block of the model's code a Python traceback's innermost frame in it names; -1: none.
    int failedLine(const QString& traceback) const;

    /// Shows `file` (the module's, or another of the user's files read from disk) in the model
    /// pane.
    void showFile(const QString& file);
    void updateModelTitle();

    int m_failedLine = -1;  ///< the model code's block where the user's code raised; -1: none
    std::shared_ptr<const LineFrame> m_frame;  ///< the line the run holds at
    QString m_moduleCode;                      ///< the run's model code (a script's: its file)
    QString m_moduleFile;                      ///< a script's module file ("# file: PATH")
    QString m_shownFile;                       ///< the file the model pane shows now
    QToolBar* m_lineBar = nullptr;
    std::vector<std::pair<QString, int>> m_breakpoints;  ///< enabled line=FILE:N breakpoints
    std::vector<int> m_breakpointLines;                  ///< of the file shown
    QSplitter* m_split;
    QLabel* m_modelTitle;
    QLabel* m_listingTitle;
    QPlainTextEdit* m_model;
    QPlainTextEdit* m_listing;
    std::vector<Line> m_lines;
    std::optional<Stage> m_stage;
    std::optional<bool> m_stepping;
    int m_highlighted = -1;
    int m_modelHighlighted = -1;
};

}  // namespace stepwise::gui
