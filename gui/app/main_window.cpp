#include "main_window.h"

#include <QAction>
#include <QActionGroup>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStyle>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include "breakpoints_view.h"
#include "code_view.h"
#include "compare_bar.h"
#include "comparison.h"
#include "config_panel.h"
#include "exports.h"
#include "extras_view.h"
#include "ledger_view.h"
#include "locals_view.h"
#include "log_view.h"
#include "loss_plot.h"
#include "metrics_view.h"
#include "output_inspector.h"
#include "pacer.h"
#include "pipeline_view.h"
#include "replay_bar.h"
#include "rewind_slider.h"
#include "run_actions.h"
#include "source_editor.h"
#include "stepwise/lessons.h"
#include "tensors_view.h"
#include "text/lesson_texts.h"
#include "translator.h"

namespace stepwise::gui {

MainWindow::MainWindow(Translator* translator, QWidget* parent)
    : QMainWindow(parent), m_translator(translator) {
    setObjectName(QStringLiteral("mainWindow"));
    setDockNestingEnabled(true);
    setAcceptDrops(true);
    m_controller = new SessionController(this);
    m_actions = new RunActions(m_controller, this);
    m_readouts = new Pacer([this] { refreshReadouts(); }, this);

    m_comparison = new Comparison(m_controller, this);
    m_pipeline = new PipelineView;
    m_pipeline->setHistory(&m_controller->history());
    auto* scroll = m_pipelineScroll = new QScrollArea;
    scroll->setWidget(m_pipeline);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    // Run A's pipeline, and run B's beside it while two runs are compared (each with a header
    // then: which run it is).
    auto* pipelines = new QSplitter(Qt::Horizontal, this);
    pipelines->setObjectName(QStringLiteral("pipelines"));
    pipelines->setChildrenCollapsible(false);
    auto* paneA = new QWidget;
    auto* layoutA = new QVBoxLayout(paneA);
    layoutA->setContentsMargins(0, 0, 0, 0);
    layoutA->setSpacing(0);
    m_pipelineAHeader = new QLabel;
    m_pipelineAHeader->setObjectName(QStringLiteral("pipelineAHeader"));
    m_pipelineAHeader->setVisible(false);
    layoutA->addWidget(m_pipelineAHeader);
    layoutA->addWidget(scroll, 1);
    pipelines->addWidget(paneA);
    setCentralWidget(pipelines);
    // The stage being stepped is always in view (queued: the scroll follows the paint).
    connect(
        m_pipeline, &PipelineView::currentRowMoved, scroll,
        [scroll](const QRect& row) {
            scroll->ensureVisible(row.center().x(), row.center().y(), 0, row.height() / 2 + 24);
        },
        Qt::QueuedConnection);

    m_plot = new LossPlot;
    m_plot->setHistory(&m_controller->history());
    m_exports = new Exports(&m_controller->history(), m_plot, this);
    m_plot->setExportMenu(m_exports->menu());
    m_extras = new ExtrasView;
    m_metrics = new MetricsView;
    m_metrics->setHistory(&m_controller->history());
    m_output = new OutputInspector;
    m_locals = new LocalsView;
    m_log = new LogView(&m_controller->history());
    // While comparing, run B's log is a second tab (its bar shows only then).
    m_logTabs = new QTabWidget;
    m_logTabs->setDocumentMode(true);
    m_logTabs->setTabBarAutoHide(true);
    m_logTabs->addTab(m_log, QString());
    m_config = new ConfigPanel;
    m_source = new SourceEditor;
    auto* configScroll = new QScrollArea;
    configScroll->setWidget(m_config);
    configScroll->setWidgetResizable(true);
    configScroll->setFrameShape(QFrame::NoFrame);
    configScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    m_configDock = addDock(configScroll, QStringLiteral("configDock"), Qt::LeftDockWidgetArea);
    m_sourceDock = addDock(m_source, QStringLiteral("sourceDock"), Qt::LeftDockWidgetArea);
    tabifyDockWidget(m_configDock, m_sourceDock);
    m_code = new CodeView;
    m_codeDock = addDock(m_code, QStringLiteral("codeDock"), Qt::LeftDockWidgetArea);
    tabifyDockWidget(m_sourceDock, m_codeDock);
    m_configDock->raise();
    m_outputDock = addDock(m_output, QStringLiteral("outputDock"), Qt::RightDockWidgetArea);
    m_extrasDock = addDock(m_extras, QStringLiteral("extrasDock"), Qt::RightDockWidgetArea);
    // The loss plot with the rewind slider under it.
    auto* plotPane = new QWidget;
    auto* plotLayout = new QVBoxLayout(plotPane);
    plotLayout->setContentsMargins(0, 0, 0, 0);
    plotLayout->setSpacing(0);
    m_rewindSlider = new RewindSlider(m_controller, plotPane);
    buildComparison(plotPane);
    plotLayout->addWidget(m_plot, 1);
    plotLayout->addWidget(m_rewindSlider);
    m_plotDock = addDock(plotPane, QStringLiteral("plotDock"), Qt::BottomDockWidgetArea);
    m_logDock = addDock(m_logTabs, QStringLiteral("logDock"), Qt::BottomDockWidgetArea);
    m_breakpoints = new BreakpointsView;
    m_breakpointsDock =
        addDock(m_breakpoints, QStringLiteral("breakpointsDock"), Qt::BottomDockWidgetArea);
    splitDockWidget(m_plotDock, m_logDock, Qt::Horizontal);
    tabifyDockWidget(m_logDock, m_breakpointsDock);
    // The Tensors and ledger docks are tabs beside the log (wide, and no new tab bar to take
    // height from a short screen), each tabbed in as soon as it is added.
    m_tensors = new TensorsView;
    m_tensorsDock = addDock(m_tensors, QStringLiteral("tensorsDock"), Qt::BottomDockWidgetArea);
    tabifyDockWidget(m_breakpointsDock, m_tensorsDock);
    m_ledger = new LedgerView;
    m_ledger->setHistory(&m_controller->history());
    m_ledgerDock = addDock(m_ledger, QStringLiteral("ledgerDock"), Qt::BottomDockWidgetArea);
    tabifyDockWidget(m_tensorsDock, m_ledgerDock);
    // A script's self.log values: a tab there too (one more tab, no new tab bar).
    m_metricsDock = addDock(m_metrics, QStringLiteral("metricsDock"), Qt::BottomDockWidgetArea);
    tabifyDockWidget(m_ledgerDock, m_metricsDock);
    // A script's variables at the line it holds at: one more tab there.
    m_localsDock = addDock(m_locals, QStringLiteral("localsDock"), Qt::BottomDockWidgetArea);
    tabifyDockWidget(m_metricsDock, m_localsDock);
    m_logDock->raise();
    resizeDocks({m_configDock, m_outputDock}, {410, 430}, Qt::Horizontal);
    resizeDocks({m_outputDock, m_extrasDock}, {260, 300}, Qt::Vertical);
    resizeDocks({m_plotDock}, {330},
                Qt::Vertical);  // the plot, its step ribbon and the origin line
    resizeDocks({m_plotDock, m_logDock}, {860, 640}, Qt::Horizontal);

    // Every view of run A, fed in one loop; those in the docks that close only while open.
    for (HistoryView* view : std::initializer_list<HistoryView*>{m_pipeline, m_breakpoints, m_code,
                                                                 m_tensors, m_ledger})
        m_views.add(view);
    m_views.add(m_plot, m_plotDock);
    m_views.add(m_extras, m_extrasDock);
    m_views.add(m_metrics, m_metricsDock);
    m_views.add(m_output, m_outputDock);
    m_views.add(m_locals, m_localsDock);
    m_views.add(m_log, m_logDock);

    buildMenus();
    m_code->setLineActions(m_actions->lines());
    buildStatusBar();
    wire();
    wireComparison();
    retranslate();
    m_defaultState = saveState();
    restoreSettings();
}

MainWindow::~MainWindow() {
    // Closing hides the docks after this part of the window is gone: their visibility signals
    // (the Tensors and ledger docks tell the run what to read) must not reach it any more.
    for (QDockWidget* dock : findChildren<QDockWidget*>()) disconnect(dock, nullptr, this, nullptr);
}

QDockWidget* MainWindow::addDock(QWidget* widget, const QString& objectName,
                                 Qt::DockWidgetArea area) {
    auto* dock = new QDockWidget(this);
    dock->setObjectName(objectName);
    dock->setWidget(widget);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable |
                      QDockWidget::DockWidgetClosable);
    // Opened again after being closed: the view catches up from the run history.
    connect(dock->toggleViewAction(), &QAction::toggled, this, [this, dock](bool opened) {
        if (opened) rebuildView(dock);
    });
    addDockWidget(area, dock);
    return dock;
}

void MainWindow::buildMenus() {
    m_fileMenu = menuBar()->addMenu(QString());
    m_openAction = m_fileMenu->addAction(style()->standardIcon(QStyle::SP_DialogOpenButton),
                                         QString(), this, &MainWindow::chooseFileToOpen);
    m_openAction->setShortcut(QKeySequence::Open);
    m_attachAction = m_fileMenu->addAction(QString(), this, &MainWindow::chooseRunToAttach);
    m_lessonMenu = m_fileMenu->addMenu(QString());
    for (const Lesson& lesson : lessons()) {
        const QString name = QString::fromStdString(lesson.name);
        m_lessonMenu->addAction(name, this, [this, name] { openLesson(name); });
    }
    m_recentMenu = m_fileMenu->addMenu(QString());
    m_fileMenu->addSeparator();
    m_fileMenu->addMenu(m_exports->menu());
    m_fileMenu->addSeparator();
    m_quitAction = m_fileMenu->addAction(QString(), this, &QWidget::close);
    m_quitAction->setShortcut(QKeySequence::Quit);

    m_runMenu = menuBar()->addMenu(QString());
    m_runMenu->addActions({m_actions->stepStage(), m_actions->stepClosure(), m_actions->stepBatch(),
                           m_actions->stepEpoch()});
    m_runMenu->addSeparator();
    m_runMenu->addActions(m_actions->lines());
    m_runMenu->addSeparator();
    m_runMenu->addActions(m_actions->back());
    m_runMenu->addSeparator();
    m_runMenu->addActions({m_actions->run(), m_actions->pause(), m_actions->stop()});
    m_runMenu->addSeparator();
    m_runMenu->addAction(m_actions->reset());
    m_runMenu->addSeparator();
    m_runMenu->addMenu(m_compareMenu);
    m_runMenu->addMenu(m_forkMenu);

    m_toolbar = addToolBar(QString());
    m_toolbar->setObjectName(QStringLiteral("runToolbar"));
    m_toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    // Going back, mirrored before going forward: icons only (their tooltips say what they do),
    // so that the row still fits a 1366-pixel screen.
    const QList<QAction*> back = m_actions->back();
    for (auto it = back.rbegin(); it != back.rend(); ++it) {
        m_toolbar->addAction(*it);
        if (auto* button = qobject_cast<QToolButton*>(m_toolbar->widgetForAction(*it)))
            button->setToolButtonStyle(Qt::ToolButtonIconOnly);
    }
    m_toolbar->addSeparator();
    m_toolbar->addActions({m_actions->stepStage(), m_actions->stepClosure(), m_actions->stepBatch(),
                           m_actions->stepEpoch()});
    m_toolbar->addSeparator();
    m_toolbar->addActions(
        {m_actions->run(), m_actions->pause(), m_actions->stop(), m_actions->reset()});
    m_toolbar->addSeparator();
    m_toolbar->addWidget(m_actions->speedWidget());
    // The timeline of a replayed trace, on its own line under the controls.
    addToolBarBreak();
    m_replayToolbar = addToolBar(QString());
    m_replayToolbar->setObjectName(QStringLiteral("replayToolbar"));
    m_replayBar = new ReplayBar(m_controller, m_replayToolbar);
    m_replayToolbar->addWidget(m_replayBar);
    m_replayToolbar->setVisible(false);

    m_viewMenu = menuBar()->addMenu(QString());
    for (QDockWidget* dock :
         {m_configDock, m_sourceDock, m_codeDock, m_plotDock, m_logDock, m_breakpointsDock,
          m_outputDock, m_localsDock, m_extrasDock, m_metricsDock, m_tensorsDock, m_ledgerDock})
        m_viewMenu->addAction(dock->toggleViewAction());
    m_viewMenu->addAction(m_toolbar->toggleViewAction());
    m_viewMenu->addSeparator();
    m_resetLayout =
        m_viewMenu->addAction(QString(), this, [this] { restoreState(m_defaultState); });

    m_languageMenu = menuBar()->addMenu(QString());
    auto* group = new QActionGroup(this);
    for (const QString& language : {QString(), QStringLiteral("en"), QStringLiteral("zh_CN")}) {
        QAction* action = m_languageMenu->addAction(QString());
        action->setCheckable(true);
        action->setData(language);
        action->setChecked(language == m_translator->language());
        group->addAction(action);
        m_languageActions << action;
        connect(action, &QAction::triggered, this, [this, language] {
            Translator::storeLanguage(language);
            m_translator->setLanguage(language);
        });
    }
    m_helpMenu = menuBar()->addMenu(QString());
    m_aboutAction = m_helpMenu->addAction(QString(), this, [this] {
        QMessageBox::about(this, tr("About Stepwise"),
                           tr("<h3>Stepwise</h3><p>Steps a LibTorch training loop exactly the way "
                              "PyTorch Lightning's automatic optimization runs it: one stage, one "
                              "closure call, one batch at a time.</p>"));
    });
}

void MainWindow::wire() {
    connect(m_controller, &SessionController::runStarted, this, [this](const RunConfig& config) {
        m_views.clear();
        m_breakpoints->setBreakpoints(config.breakpoints);
        m_code->setBreakpoints(config.breakpoints);
        m_config->setConfig(config);
    });
    connect(m_breakpoints, &BreakpointsView::breakpointsChanged, m_controller,
            &SessionController::setBreakpoints);
    // A line breakpoint from the Code dock (a double-click on a line of the user's file), and
    // the dock's marks for them.
    connect(m_code, &CodeView::lineBreakpointToggled, this, [this](const QString& file, int line) {
        m_breakpoints->toggle(
            QStringLiteral("line=%1:%2").arg(QFileInfo(file).fileName()).arg(line).toStdString());
    });
    connect(m_breakpoints, &BreakpointsView::breakpointsChanged, m_code, &CodeView::setBreakpoints);
    connect(m_controller, &SessionController::eventsArrived, this, &MainWindow::onEvents);
    connect(m_controller, &SessionController::parityChanged, this, &MainWindow::updateParityBadge);
    // The engine reads tensors and measures the ledger only while their docks are in view.
    // (A tab behind another is not in view; isVisible() does not always say so, the signal does.)
    connect(m_tensorsDock, &QDockWidget::visibilityChanged, this, [this](bool inView) {
        m_tensorsInView = inView;
        updateInspect();
    });
    connect(m_ledgerDock, &QDockWidget::visibilityChanged, this, [this](bool inView) {
        m_ledgerInView = inView;
        updateInspect();
    });
    connect(m_tensors, &TensorsView::tensorSelected, this, &MainWindow::updateInspect);
    connect(m_controller, &SessionController::rewound, this, &MainWindow::onRewound);
    connect(m_controller, &SessionController::frameDone, this, &MainWindow::onFrame);
    connect(m_controller, &SessionController::runStateChanged, this, [this] {
        m_streaming = false;  // a new state shows at once
        onFrame();
    });
    connect(m_config, &ConfigPanel::applyRequested, this, [this](const RunConfig& edited) {
        RunConfig config = edited;
        config.breakpoints = m_breakpoints->breakpoints();  // the dock's, as they stand
        startConfig(config);
    });
    connect(m_config, &ConfigPanel::lessonPicked, this, [this](const QString& name) {
        if (const Lesson* lesson = find_lesson(name.toStdString()))
            m_source->setSource(QString::fromStdString(lesson->source), QString(), name);
    });
    connect(m_config, &ConfigPanel::modelFilePicked, this, [this](const QString& path) {
        QFile file(path);
        if (path.endsWith(QLatin1String(".stepwise")) && file.open(QIODevice::ReadOnly))
            m_source->setSource(QString::fromUtf8(file.readAll()), path,
                                QFileInfo(path).fileName());
    });
    connect(m_source, &SourceEditor::applyRequested, this,
            [this](const QString& text, const QString& name) {
                // Validate the rest of the panel, then hand the text over as it stands in the
                // editor.
                auto config = m_config->validatedConfig();
                if (!config) return;
                config->model.kind = ModelSpec::Kind::source;
                config->model.path = name.toStdString();
                config->model.inline_source = text.toStdString();
                config->model.lesson.clear();
                config->breakpoints = m_breakpoints->breakpoints();
                m_controller->start(*config);
            });
    connect(m_extras, &ExtrasView::plotToggled, m_plot, &LossPlot::setExtraPlotted);
    connect(m_metrics, &MetricsView::plotToggled, m_plot, &LossPlot::setExtraPlotted);
    connect(m_log, &LogView::batchActivated, this, [this](qint64 serial) {
        m_plot->highlightBatch(serial);
        m_plotDock->raise();
    });
}

void MainWindow::onEvents(const std::vector<Event>& events) {
    // A closed dock's view is not fed: it is rebuilt from the run history when it opens again.
    m_streaming = Pacer::streaming(events);
    m_views.applyEvents(events);
    for (const Event& e : events) {
        if (e.type == EventType::error && e.phase == ErrorPhase::model) {
            // A source that does not compile: mark the line in the editor.
            if (m_source->showCompileError(QString::fromStdString(e.message)))
                m_sourceDock->raise();
        }
    }
}

void MainWindow::onRewound(const Event& event) {
    // The history is cut back to before the batch the run went back to: every view shows it as
    // it now is (the plot loses the points after it; the log ends with where the run went).
    m_views.rewind(m_controller->history(), event);
    m_rewindSlider->refresh();
}

void MainWindow::updateInspect() {
    Inspect what;
    what.tensors = m_tensorsInView;
    what.tensor = m_tensors->selectedTensor().toStdString();
    what.ledger = m_ledgerInView;
    m_controller->setInspect(what);
}

void MainWindow::rebuildView(QDockWidget* dock) {
    m_views.rebuildDock(dock, m_controller->history());
    if (m_comparison->active())  // run B's log was not fed while closed
        m_viewsB.rebuildDock(dock, m_comparison->runB()->history());
}

void MainWindow::onFrame() {
    if (!m_plotDock->isHidden()) m_plot->flush();  // a closed view catches up when it opens
    m_replayBar->refresh();
    m_rewindSlider->refresh();
    m_replayToolbar->setVisible(m_replayBar->replaying());
    m_readouts->request(m_streaming);
}

void MainWindow::startConfig(const RunConfig& config) {
    m_controller->start(config);
    showSourceFor(config);
    // The title names the model: a lesson by its name, a file by its own, an edited source as such.
    const QString file = QFileInfo(QString::fromStdString(config.model.path)).fileName();
    if (config.model.kind == ModelSpec::Kind::lesson)
        setOpened(Opened::lesson, QString::fromStdString(config.model.lesson));
    else if (config.model.kind == ModelSpec::Kind::source && !config.model.inline_source.empty())
        setOpened(Opened::editedSource, file);
    else
        setOpened(Opened::file, file);
}

void MainWindow::setOpened(Opened what, const QString& name) {
    m_opened = what;
    m_openedName = name;
    updateTitle();
}

void MainWindow::updateTitle() {
    QString what;
    switch (m_opened) {
        case Opened::nothing: break;
        case Opened::lesson: what = tr("lesson %1").arg(m_openedName); break;
        case Opened::file: what = m_openedName; break;
        case Opened::editedSource:
            what = tr("%1 (edited in the Source tab)").arg(m_openedName);
            break;
        case Opened::replay: what = tr("%1 (replay)").arg(m_openedName); break;
        case Opened::attached: what = tr("attached to %1").arg(m_openedName); break;
    }
    setWindowTitle(what.isEmpty() ? tr("Stepwise — Lightning automatic optimization, step by step")
                                  : tr("%1 — Stepwise").arg(what));
}

void MainWindow::showSourceFor(const RunConfig& config) {
    if (config.model.kind == ModelSpec::Kind::lesson) {
        if (const Lesson* lesson = find_lesson(config.model.lesson))
            m_source->setSource(QString::fromStdString(lesson->source), QString(),
                                QString::fromStdString(lesson->name));
    } else if (config.model.kind == ModelSpec::Kind::source &&
               !config.model.inline_source.empty()) {
        m_source->setSource(
            QString::fromStdString(config.model.inline_source), QString(),
            QFileInfo(QString::fromStdString(config.model.path)).completeBaseName());
    } else if (config.model.kind == ModelSpec::Kind::source) {
        const QString path = QString::fromStdString(resolve_path(config, config.model.path));
        QFile file(path);
        if (file.open(QIODevice::ReadOnly | QIODevice::Text))
            m_source->setSource(QString::fromUtf8(file.readAll()), path,
                                QFileInfo(path).fileName());
    } else {
        m_source->setNoSource(tr("compiled TorchScript module: no source to edit"));
    }
}

void MainWindow::fitToScreen(const QRect& available) {
    setGeometry(available);
    // Dock sizes take only once the window is laid out: the layout follows the first show.
    m_laptopLayoutPending = available.height() < 900;
    if (isVisible()) showEvent(nullptr);
}

void MainWindow::showEvent(QShowEvent* event) {
    if (event) QMainWindow::showEvent(event);
    if (!m_laptopLayoutPending) return;
    m_laptopLayoutPending = false;
    QTimer::singleShot(0, this, [this] {
        applyLaptopLayout();
        m_defaultState = saveState();  // View > Reset layout comes back to this one
    });
}

void MainWindow::applyLaptopLayout() {
    // The pipeline gets the window's whole height and most of its width: every dock moves to
    // one column on the right, the plot and the output above, the log and the configuration
    // below, each a tab.
    const QList<QDockWidget*> docks = {
        m_plotDock,   m_outputDock, m_localsDock,      m_tensorsDock, m_extrasDock, m_metricsDock,
        m_ledgerDock, m_logDock,    m_breakpointsDock, m_configDock,  m_sourceDock, m_codeDock};
    for (QDockWidget* dock : docks) removeDockWidget(dock);
    addDockWidget(Qt::RightDockWidgetArea, m_plotDock);
    splitDockWidget(m_plotDock, m_logDock, Qt::Vertical);
    tabifyDockWidget(m_plotDock, m_outputDock);
    tabifyDockWidget(m_outputDock, m_localsDock);
    tabifyDockWidget(m_localsDock, m_tensorsDock);
    tabifyDockWidget(m_tensorsDock, m_extrasDock);
    tabifyDockWidget(m_extrasDock, m_metricsDock);
    tabifyDockWidget(m_metricsDock, m_ledgerDock);
    tabifyDockWidget(m_logDock, m_breakpointsDock);
    tabifyDockWidget(m_breakpointsDock, m_configDock);
    tabifyDockWidget(m_configDock, m_sourceDock);
    tabifyDockWidget(m_sourceDock, m_codeDock);
    for (QDockWidget* dock : docks) dock->show();
    m_plotDock->raise();
    m_logDock->raise();
    resizeDocks({m_plotDock}, {std::max(480, width() * 42 / 100)}, Qt::Horizontal);
    resizeDocks({m_plotDock, m_logDock}, {height() / 2, height() / 2}, Qt::Vertical);
}

void MainWindow::retranslate() {
    updateTitle();
    m_fileMenu->setTitle(tr("&File"));
    m_openAction->setText(tr("&Open…"));
    m_attachAction->setText(tr("&Attach to a running stepwise-run…"));
    m_lessonMenu->setTitle(tr("&Lessons"));
    const QList<QAction*> lessonActions = m_lessonMenu->actions();
    for (int i = 0; i < lessonActions.size() && i < int(lessons().size()); ++i) {
        const Lesson& lesson = lessons()[std::size_t(i)];
        // "name — title": the name is what configs and --lesson use, the title says what it shows
        lessonActions[i]->setText(
            tr("%1 — %2").arg(QString::fromStdString(lesson.name), lessonTitle(lesson)));
    }
    m_recentMenu->setTitle(tr("Open &recent"));
    m_quitAction->setText(tr("&Quit"));
    m_runMenu->setTitle(tr("&Run"));
    m_viewMenu->setTitle(tr("&View"));
    m_resetLayout->setText(tr("Reset &layout"));
    m_languageMenu->setTitle(tr("&Language"));
    m_languageActions[0]->setText(tr("System language"));
    m_languageActions[1]->setText(QStringLiteral("English"));
    m_languageActions[2]->setText(QStringLiteral("简体中文"));
    m_helpMenu->setTitle(tr("&Help"));
    m_aboutAction->setText(tr("&About Stepwise"));
    m_toolbar->setWindowTitle(tr("Run controls"));
    m_replayToolbar->setWindowTitle(tr("Replay timeline"));
    m_configDock->setWindowTitle(tr("Configuration"));
    m_sourceDock->setWindowTitle(tr("Source"));
    m_plotDock->setWindowTitle(tr("Loss"));
    m_logDock->setWindowTitle(tr("Warnings and log"));
    m_outputDock->setWindowTitle(tr("training_step output"));
    m_extrasDock->setWindowTitle(tr("Extras"));
    m_metricsDock->setWindowTitle(tr("Metrics"));
    m_localsDock->setWindowTitle(tr("Locals"));
    m_breakpointsDock->setWindowTitle(tr("Breakpoints"));
    m_codeDock->setWindowTitle(tr("Code"));
    m_tensorsDock->setWindowTitle(tr("Tensors"));
    m_ledgerDock->setWindowTitle(tr("Accumulation ledger"));
    m_actions->retranslate();
    m_exports->retranslate();
    retranslateComparison();
    updateParityBadge();
    onFrame();
    m_readouts->flush();
}

void MainWindow::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) retranslate();
    QMainWindow::changeEvent(event);
}

void MainWindow::restoreSettings() {
    QSettings settings;
    m_restoredLayout =
        restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_recent = settings.value(QStringLiteral("recentFiles")).toStringList();
    rebuildRecentMenu();
    m_actions->setDelay(settings.value(QStringLiteral("run/delayMs"), 0).toInt());
    m_plot->setSmoothing(settings.value(QStringLiteral("plot/smoothing"), 0.6).toDouble());
    m_plot->setRawVisible(settings.value(QStringLiteral("plot/raw"), false).toBool());
    m_plot->setXAxis(settings.value(QStringLiteral("plot/xAxis")).toString() ==
                             QLatin1String("global_step")
                         ? LossPlot::XAxis::globalStep
                         : LossPlot::XAxis::batch);
}

void MainWindow::saveSettings() const {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("recentFiles"), m_recent);
    settings.setValue(QStringLiteral("run/delayMs"), m_controller->delay());
    settings.setValue(QStringLiteral("plot/smoothing"), m_plot->smoothing());
    settings.setValue(QStringLiteral("plot/raw"), m_plot->rawVisible());
    settings.setValue(QStringLiteral("plot/xAxis"),
                      m_plot->xAxisMode() == LossPlot::XAxis::globalStep
                          ? QStringLiteral("global_step")
                          : QStringLiteral("batch"));
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveSettings();
    // Stop and join the worker now (also inside an LBFGS step), so closing never waits on a run.
    m_comparison->runB()->shutdown();
    m_controller->shutdown();
    event->accept();
}

}  // namespace stepwise::gui
