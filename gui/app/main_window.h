#pragma once
// MainWindow: builds the views and wires them to the SessionController. No logic of its own.

#include <QMainWindow>

#include "session_controller.h"
#include "view_set.h"

class QAction;
class QDockWidget;
class QLabel;
class QScrollArea;
class QTabWidget;
class QMenu;
class QToolBar;

namespace stepwise::gui {

class BreakpointsView;
class CompareBar;
class Comparison;
class CodeView;
class ConfigPanel;
class Exports;
class ExtrasView;
class MetricsView;
class LocalsView;
class LedgerView;
class LogView;
class LossPlot;
class OutputInspector;
class Pacer;
class PipelineView;
class ReplayBar;
class RewindSlider;
class RunActions;
class SourceEditor;
class TensorsView;
class Translator;

class MainWindow : public QMainWindow {
    Q_OBJECT
  public:
    explicit MainWindow(Translator* translator, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens a config (.json), a TorchScript module (.pt), a source file (.stepwise), or a trace
    /// (.jsonl) to replay.
    bool openPath(const QString& path);
    /// Replays a recorded run; false (with a message) if the trace cannot be read.
    bool openTrace(const QString& path);
    /// Attaches to a `stepwise-run --listen` at `address` ("HOST:PORT") with `token`; false (with a
    /// message) if the address is malformed. Whether the server accepts shows in the log.
    bool attach(const QString& address, const QString& token);
    /// File > Attach: asks for the address and the token.
    void chooseRunToAttach();
    /// First start: fill `available` (the screen's free area); below 900 pixels of height, the
    /// laptop layout (docks on the sides, the pipeline the whole height) becomes the default.
    void fitToScreen(const QRect& available);
    /// True when the window's geometry and layout came from the settings of an earlier start.
    bool restoredLayout() const { return m_restoredLayout; }
    /// Opens a built-in lesson.
    void openLesson(const QString& name);
    /// Starts a session on `config`.
    void startConfig(const RunConfig& config);
    /// Opens the default built-in lesson (stepwise::default_lesson()).
    void openDefault();
    /// Compares two runs in lockstep: run A on `a` (the window's run), run B on `b`.
    void startComparison(const RunConfig& a, const RunConfig& b, const QString& nameA,
                         const QString& nameB);
    /// Run > Compare > with the Configuration panel: run A as it is, run B with the panel's
    /// settings.
    void compareWithPanel();
    /// Run > Fork here: run B from where run A holds, with the what-if `id` (forkWhatIfs()) or,
    /// for "panel", the Configuration panel's settings. False when run A cannot be forked there
    /// (the window says why).
    bool forkHere(const QString& id);

    SessionController* controller() const { return m_controller; }
    PipelineView* pipelineView() const { return m_pipeline; }
    PipelineView* pipelineViewB() const { return m_pipelineB; }
    /// Run A's pipeline scrolls in this (the middle of the window).
    QScrollArea* pipelineScroll() const { return m_pipelineScroll; }
    Comparison* comparison() const { return m_comparison; }
    CompareBar* compareBar() const { return m_compareBar; }
    QMenu* compareMenu() const { return m_compareMenu; }
    QMenu* forkMenu() const { return m_forkMenu; }
    LossPlot* lossPlot() const { return m_plot; }
    /// File ▸ Export (also the plot's Export button).
    Exports* exports() const { return m_exports; }
    ExtrasView* extrasView() const { return m_extras; }
    MetricsView* metricsView() const { return m_metrics; }
    QDockWidget* metricsDock() const { return m_metricsDock; }
    LocalsView* localsView() const { return m_locals; }
    QDockWidget* localsDock() const { return m_localsDock; }
    OutputInspector* outputInspector() const { return m_output; }
    LogView* logView() const { return m_log; }
    /// Run B's log, a tab beside run A's in the log dock while comparing.
    LogView* logViewB() const { return m_logB; }
    ConfigPanel* configPanel() const { return m_config; }
    SourceEditor* sourceEditor() const { return m_source; }
    RunActions* runActions() const { return m_actions; }
    ReplayBar* replayBar() const { return m_replayBar; }
    BreakpointsView* breakpointsView() const { return m_breakpoints; }
    CodeView* codeView() const { return m_code; }
    RewindSlider* rewindSlider() const { return m_rewindSlider; }
    TensorsView* tensorsView() const { return m_tensors; }
    LedgerView* ledgerView() const { return m_ledger; }
    QLabel* parityBadge() const { return m_parityBadge; }
    QDockWidget* tensorsDock() const { return m_tensorsDock; }
    QDockWidget* plotDock() const { return m_plotDock; }
    QDockWidget* ledgerDock() const { return m_ledgerDock; }
    QDockWidget* codeDock() const { return m_codeDock; }
    /// What the run is asked to read for the docks in view.
    bool tensorsInView() const { return m_tensorsInView; }
    bool ledgerInView() const { return m_ledgerInView; }

  protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void changeEvent(QEvent* event) override;

  private:
    /// The second pipeline, the compare bar and the Compare menu (main_window_compare.cpp).
    void buildComparison(QWidget* plotPane);
    void wireComparison();
    void retranslateComparison();
    /// Shows or hides run B's pipeline and the compare bar, and tells the plot.
    void onComparisonActive(bool active);
    /// The log dock's tab names while comparing, and run B's tab's error mark.
    void updateLogTabs();
    QDockWidget* addDock(QWidget* widget, const QString& objectName, Qt::DockWidgetArea area);
    void buildMenus();
    void buildStatusBar();
    void wire();
    void retranslate();
    void onEvents(const std::vector<Event>& events);
    /// After each of run A's frames: the plot, the bars and (paced) the readouts.
    void onFrame();
    /// The status bar, the code view's current line and the compare bar: what run A has reached.
    void refreshReadouts();
    /// The views in `dock` (it opened again) catch up from the run history.
    void rebuildView(QDockWidget* dock);
    /// The run went back: every view is rebuilt from the cut-back history.
    void onRewound(const Event& event);
    /// Tells the run what the Tensors and ledger docks need (only what is in view is read).
    void updateInspect();
    /// The status bar's parity badge, from the controller's meter.
    void updateParityBadge();
    void showSourceFor(const RunConfig& config);
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    void chooseFileToOpen();
    void restoreSettings();
    void saveSettings() const;

    Translator* m_translator;
    SessionController* m_controller = nullptr;
    RunActions* m_actions = nullptr;
    ReplayBar* m_replayBar = nullptr;
    BreakpointsView* m_breakpoints = nullptr;
    QDockWidget* m_breakpointsDock = nullptr;
    CodeView* m_code = nullptr;
    QDockWidget* m_codeDock = nullptr;
    RewindSlider* m_rewindSlider = nullptr;
    TensorsView* m_tensors = nullptr;
    QDockWidget* m_tensorsDock = nullptr;
    LedgerView* m_ledger = nullptr;
    QDockWidget* m_ledgerDock = nullptr;
    QLabel* m_parityBadge = nullptr;
    bool m_tensorsInView = false;  ///< the Tensors dock is shown and its tab is the current one
    bool m_ledgerInView = false;
    QToolBar* m_replayToolbar = nullptr;
    PipelineView* m_pipeline = nullptr;
    QScrollArea* m_pipelineScroll = nullptr;
    PipelineView* m_pipelineB = nullptr;
    QWidget* m_pipelineBPane = nullptr;
    QLabel* m_pipelineAHeader = nullptr;
    QLabel* m_pipelineBHeader = nullptr;
    Comparison* m_comparison = nullptr;
    CompareBar* m_compareBar = nullptr;
    QMenu* m_compareMenu = nullptr;
    QAction* m_compareWithPanel = nullptr;
    QAction* m_endComparison = nullptr;
    QMenu* m_forkMenu = nullptr;
    /// Its entries' texts follow run A's config as it is when the menu opens.
    void updateForkMenu();
    /// A script's run is neither forked nor compared (its Python objects exist once): says so
    /// in a box titled `title` and returns true.
    bool refuseScriptPair(const QString& title);
    /// What Run > Fork here calls the what-if `id`.
    QString whatIfTitle(const QString& id) const;
    LossPlot* m_plot = nullptr;
    Exports* m_exports = nullptr;
    /// Run A's views and run B's (its pipeline and its log), each fed in one loop.
    ViewSet m_views, m_viewsB;
    ExtrasView* m_extras = nullptr;
    MetricsView* m_metrics = nullptr;
    LocalsView* m_locals = nullptr;
    OutputInspector* m_output = nullptr;
    LogView* m_log = nullptr;
    LogView* m_logB = nullptr;
    QTabWidget* m_logTabs = nullptr;  ///< the log dock's: run A's log, and run B's while comparing
    ConfigPanel* m_config = nullptr;
    SourceEditor* m_source = nullptr;
    QDockWidget* m_plotDock = nullptr;
    QDockWidget* m_extrasDock = nullptr;
    QDockWidget* m_metricsDock = nullptr;
    QDockWidget* m_localsDock = nullptr;
    QDockWidget* m_outputDock = nullptr;
    QDockWidget* m_logDock = nullptr;
    QDockWidget* m_configDock = nullptr;
    QDockWidget* m_sourceDock = nullptr;
    QMenu* m_fileMenu = nullptr;
    QMenu* m_lessonMenu = nullptr;
    QMenu* m_recentMenu = nullptr;
    QMenu* m_runMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QMenu* m_languageMenu = nullptr;
    QMenu* m_helpMenu = nullptr;
    QAction* m_openAction = nullptr;
    QAction* m_attachAction = nullptr;
    QAction* m_quitAction = nullptr;
    QAction* m_resetLayout = nullptr;
    QAction* m_aboutAction = nullptr;
    QList<QAction*> m_languageActions;
    QToolBar* m_toolbar = nullptr;
    QLabel* m_statusEpoch = nullptr;
    QLabel* m_statusBatch = nullptr;
    QLabel* m_statusStep = nullptr;
    QLabel* m_statusOptSteps = nullptr;
    QLabel* m_statusState = nullptr;
    Pacer* m_readouts = nullptr;  ///< refreshReadouts(), at most ten times a second while streaming
    bool m_streaming = false;     ///< run A's last frame streamed past (Pacer::streaming)
    QByteArray m_defaultState;
    bool m_restoredLayout = false;
    bool m_laptopLayoutPending = false;
    void applyLaptopLayout();
    QStringList m_recent;
    /// What is open, as the title names it (worded at each retranslation).
    enum class Opened : std::uint8_t { nothing, lesson, file, editedSource, replay, attached };
    Opened m_opened = Opened::nothing;
    QString m_openedName;  ///< the lesson, the file's name, the address
    void setOpened(Opened what, const QString& name);
    void updateTitle();
};

}  // namespace stepwise::gui
