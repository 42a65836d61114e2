#pragma once
// Exports: File ▸ Export, also the loss plot's Export button: the plot as an image (the plot
// renders it), the run's per-batch table as CSV (the columns stepwise-run --csv writes; while
// comparing, both runs' tables in one) and the run as TensorBoard event files.
//
// Threading contract: GUI thread only.

#include <QObject>
#include <QString>

class QAction;
class QMenu;
class QWidget;

namespace stepwise::gui {

class LossPlot;
class RunHistory;

class Exports : public QObject {
    Q_OBJECT
  public:
    /// `history`: run A's (not owned); `plot` renders the images; `dialogs`: the parent of the
    /// file dialogs and messages.
    Exports(const RunHistory* history, LossPlot* plot, QWidget* dialogs);

    /// While comparing, run B's history (not owned; nullptr ends it) and the runs' names.
    void setComparison(const RunHistory* other, const QString& nameA = {},
                       const QString& nameB = {});
    QMenu* menu() const { return m_menu; }
    void retranslate();

    /// The run's per-batch table as CSV; while comparing, both runs' tables in one
    /// (BatchTable::write_comparison_csv). False when the file cannot be written.
    bool exportCsv(const QString& path) const;
    struct TensorBoardExport {
        QString directory;  ///< the version_N directory written; empty when it failed
        QString error;      ///< why it failed, naming the path
    };
    /// The run as TensorBoard event files in root/version_N (stepwise-run --tensorboard's).
    TensorBoardExport exportTensorBoard(const QString& root) const;

  private:
    /// Asks where, writes, and says so when it could not.
    void exportTo(bool table, const QString& filter, const QString& suffix);
    void chooseTensorBoardRoot();

    const RunHistory* m_history;
    const RunHistory* m_other = nullptr;
    QString m_nameA, m_nameB;
    LossPlot* m_plot;
    QWidget* m_dialogs;
    QMenu* m_menu = nullptr;
    QAction* m_png = nullptr;
    QAction* m_pdf = nullptr;
    QAction* m_csv = nullptr;
    QAction* m_tensorBoard = nullptr;
};

}  // namespace stepwise::gui
