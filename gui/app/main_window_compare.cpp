// MainWindow's part in comparing two runs (issue "Teach by comparison"): run B's pipeline beside
// run A's, the compare bar over the plot, run B's log beside run A's, the Compare menu, and
// feeding run B's events to them.

#include <QAction>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QScrollArea>
#include <QSplitter>
#include <QStyle>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

#include "compare_bar.h"
#include "comparison.h"
#include "config_panel.h"
#include "exports.h"
#include "log_model.h"
#include "log_view.h"
#include "loss_plot.h"
#include "main_window.h"
#include "pipeline_view.h"
#include "stepwise/lessons.h"
#include "stepwise/what_if.h"
#include "text/lesson_texts.h"

namespace stepwise::gui {

namespace {
const char* const kHeaderStyle =
    "QLabel { padding: 3px 8px; font-weight: bold; color: white; background: %1; }";
}  // namespace

void MainWindow::buildComparison(QWidget* plotPane) {
    SessionController* b = m_comparison->runB();
    m_pipelineB = new PipelineView;
    m_pipelineB->setHistory(&b->history());
    m_pipelineB->setObjectName(QStringLiteral("pipelineB"));
    auto* scroll = new QScrollArea;
    scroll->setWidget(m_pipelineB);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_pipelineBPane = new QWidget;
    auto* layout = new QVBoxLayout(m_pipelineBPane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_pipelineBHeader = new QLabel;
    m_pipelineBHeader->setObjectName(QStringLiteral("pipelineBHeader"));
    layout->addWidget(m_pipelineBHeader);
    layout->addWidget(scroll, 1);
    m_pipelineBPane->setVisible(false);
    qobject_cast<QSplitter*>(centralWidget())->addWidget(m_pipelineBPane);
    m_pipelineAHeader->setStyleSheet(
        QString::fromLatin1(kHeaderStyle).arg(QStringLiteral("#2563eb")));

    m_logB = new LogView(&b->history());
    m_logB->setObjectName(QStringLiteral("logB"));

    m_compareBar = new CompareBar(m_comparison, plotPane);
    m_compareBar->setVisible(false);
    qobject_cast<QVBoxLayout*>(plotPane->layout())->insertWidget(0, m_compareBar);

    m_compareMenu = new QMenu(this);
    m_compareMenu->setObjectName(QStringLiteral("compareMenu"));
    for (const Lesson& lesson : lessons()) {
        if (lesson.compare_config_json.empty()) continue;
        const QString name = QString::fromStdString(lesson.name);
        QAction* action = m_compareMenu->addAction(name, this, [this, name] { openLesson(name); });
        action->setData(name);
    }
    m_compareMenu->addSeparator();
    m_compareWithPanel = m_compareMenu->addAction(QString(), this, &MainWindow::compareWithPanel);
    m_endComparison = m_compareMenu->addAction(QString(), m_comparison, &Comparison::end);
    m_endComparison->setEnabled(false);

    m_forkMenu = new QMenu(this);
    m_forkMenu->setObjectName(QStringLiteral("forkMenu"));
    // Run > Fork here's entries, in order: the panel, one option changed, then the departures.
    auto addWhatIf = [this](const QString& id) {
        m_forkMenu->addAction(QString(), this, [this, id] { forkHere(id); })->setData(id);
    };
    addWhatIf(QStringLiteral("panel"));
    m_forkMenu->addSeparator();
    bool departures = false;
    for (const WhatIf& whatIf : what_ifs()) {
        if (whatIf.departure && !departures) m_forkMenu->addSection(QString());  // the departures
        departures = departures || whatIf.departure;
        addWhatIf(QString::fromStdString(whatIf.id));
    }
    connect(m_forkMenu, &QMenu::aboutToShow, this, &MainWindow::updateForkMenu);
}

QString MainWindow::whatIfTitle(const QString& id) const {
    if (id == QLatin1String("panel")) return tr("With the Configuration panel's settings");
    if (id == QLatin1String("lr_up")) return tr("Learning rate × 10");
    if (id == QLatin1String("lr_down")) return tr("Learning rate ÷ 10");
    if (id == QLatin1String("momentum")) return tr("Momentum 0.9, or none");
    if (id == QLatin1String("clip")) return tr("Clip gradients at norm 1, or not at all");
    if (id == QLatin1String("accumulate")) return tr("Accumulate twice as many batches");
    if (id == QLatin1String("zero_grad")) return tr("zero_grad in the other mode");
    if (id == QLatin1String("optimizer")) return tr("The other optimizer (SGD ↔ Adam)");
    if (id == QLatin1String("skip_zero_grad")) return tr("Skip zero_grad");
    if (id == QLatin1String("undivided_loss")) return tr("Do not divide the loss by N");
    if (id == QLatin1String("step_every_batch")) return tr("Step on every batch");
    if (id == QLatin1String("backprop_extras"))
        return tr("Backpropagate through graph-holding extras");
    const WhatIf* whatIf = find_what_if(id.toStdString());
    return whatIf ? QString::fromStdString(whatIf->title) : id;
}

bool MainWindow::refuseScriptPair(const QString& title) {
    if (m_controller->config().model.kind != ModelSpec::Kind::script) return false;
    QMessageBox::information(
        this, title,
        tr("A script's run cannot be forked or compared side by side: its Python objects (the "
           "module, the optimizer, the Trainer) exist once in this process. Go back instead "
           "(Run ▸ Back one batch), or run the script again with the change."));
    return true;
}

void MainWindow::updateForkMenu() {
    const bool local = m_controller->hasSession() &&
                       m_controller->link()->kind() == SessionLink::Kind::local &&
                       m_controller->config().model.kind != ModelSpec::Kind::script;
    const RunConfig now = m_controller->config();
    for (QAction* action : m_forkMenu->actions()) {
        const QString id = action->data().toString();
        if (id.isEmpty()) continue;
        RunConfig b = now;
        const bool applies = id == QLatin1String("panel") || apply_what_if(id.toStdString(), b);
        QString text = whatIfTitle(id);
        if (applies && id != QLatin1String("panel") && !b.departures.any())
            text = tr("%1 (%2)").arg(text, QString::fromStdString(config_changes(now, b).at(0)));
        action->setText(text);
        action->setEnabled(local && applies);
    }
}

bool MainWindow::forkHere(const QString& id) {
    if (!m_controller->hasSession() || m_controller->link()->kind() != SessionLink::Kind::local) {
        QMessageBox::information(
            this, tr("Cannot fork"),
            tr("Only a run in this window can be forked: open a lesson or a config first."));
        return false;
    }
    if (refuseScriptPair(tr("Cannot fork"))) return false;
    RunConfig b = m_controller->config();
    if (id == QLatin1String("panel")) {
        const auto panel = m_config->validatedConfig();
        if (!panel) return false;  // the panel says what is wrong
        b = *panel;
    } else if (!apply_what_if(id.toStdString(), b)) {
        return false;
    }
    b.breakpoints.clear();  // run A's hold both runs
    if (!m_comparison->fork(b, tr("as it is"), whatIfTitle(id))) {
        QMessageBox::information(
            this, tr("Cannot fork here"),
            tr("A fork starts where the run holds, from its snapshot: pause the run or step it "
               "first. A run "
               "whose snapshot budget is 0 (rewind.budget_mb) cannot be forked."));
        return false;
    }
    return true;
}

void MainWindow::wireComparison() {
    // After wire(): the views have cleared themselves for run A's new run when the comparison ends.
    connect(m_controller, &SessionController::runStarted, m_comparison, &Comparison::runAStarted);
    SessionController* b = m_comparison->runB();
    m_viewsB.add(m_pipelineB);
    m_viewsB.add(m_logB, m_logDock);  // the log dock exists now
    connect(b, &SessionController::runStarted, this, [this] {
        m_viewsB.clear();
        updateLogTabs();
    });
    // Run B's pipeline, and its warnings, None batches and errors: its own log, as closed as run
    // A's when the dock is.
    connect(b, &SessionController::eventsArrived, this, [this](const std::vector<Event>& events) {
        const int errors = m_logB->model()->count(LogModel::Kind::error);
        m_viewsB.applyEvents(events);
        if (m_logB->model()->count(LogModel::Kind::error) != errors) updateLogTabs();
    });
    connect(m_logB, &LogView::batchActivated, this, [this](qint64 serial) {
        m_plot->highlightBatchOfB(serial);
        m_plotDock->raise();
    });
    connect(b, &SessionController::rewound, this, [this, b](const Event& event) {
        m_viewsB.rewind(b->history(), event);
        updateLogTabs();
        m_plot->rebuild();
    });
    // Run B's frames only mark the plot: it draws them with run A's next frame, and the strip
    // (which reads run A's history) is one of run A's readouts (MainWindow::refreshReadouts).
    connect(b, &SessionController::frameDone, this, [this] {
        if (!m_plotDock->isHidden()) m_plot->comparisonChanged();
    });
    connect(m_comparison, &Comparison::activeChanged, this, &MainWindow::onComparisonActive);
    connect(m_comparison, &Comparison::divergenceChanged, this,
            [this] { m_plot->setDivergence(m_comparison->firstDivergence()); });
}

void MainWindow::onComparisonActive(bool active) {
    m_pipelineBPane->setVisible(active);
    m_pipelineAHeader->setVisible(active);
    m_compareBar->setVisible(active);
    const int tabB = m_logTabs->indexOf(m_logB);
    if (active && tabB < 0) {
        m_logB->rebuild(HistorySnapshot(m_comparison->runB()->history()));
        m_logTabs->addTab(m_logB, QString());
    } else if (!active && tabB >= 0) {
        m_logTabs->setCurrentWidget(m_log);
        m_logTabs->removeTab(tabB);
    }
    m_endComparison->setEnabled(active);
    if (active) {
        m_plot->setComparison(&m_comparison->runB()->history(), m_comparison->nameA(),
                              m_comparison->nameB(), m_comparison->departs());
        m_exports->setComparison(&m_comparison->runB()->history(), m_comparison->nameA(),
                                 m_comparison->nameB());
        // The two pipelines share the middle evenly.
        auto* splitter = qobject_cast<QSplitter*>(centralWidget());
        const int half = std::max(1, splitter->width() / 2);
        splitter->setSizes({half, half});
        // The strip takes two lines over the plot: the plot gets the room back (the laptop layout
        // has it over the log at the right; the default one, under the pipelines). After the
        // layout has taken the strip in.
        QTimer::singleShot(0, this, [this] {
            if (dockWidgetArea(m_plotDock) == Qt::RightDockWidgetArea)
                resizeDocks({m_plotDock, m_logDock}, {height() * 62 / 100, height() * 38 / 100},
                            Qt::Vertical);
            else
                resizeDocks({m_plotDock}, {std::max(m_plotDock->height(), height() * 45 / 100)},
                            Qt::Vertical);
        });
    } else {
        m_plot->setComparison(nullptr);
        m_exports->setComparison(nullptr);
        m_viewsB.clear();  // run B's pipeline and log
    }
    retranslateComparison();
    m_compareBar->refresh();
}

void MainWindow::startComparison(const RunConfig& a, const RunConfig& b, const QString& nameA,
                                 const QString& nameB) {
    if (!m_comparison->canCompare()) {
        startConfig(a);
        return;
    }
    m_comparison->begin(a, b, nameA, nameB);
    showSourceFor(a);
    if (a.model.kind == ModelSpec::Kind::lesson)
        setOpened(Opened::lesson, QString::fromStdString(a.model.lesson));
}

void MainWindow::compareWithPanel() {
    const auto b = m_config->validatedConfig();
    if (!b) return;  // the panel says what is wrong
    if (!m_controller->hasSession() || m_controller->link()->kind() != SessionLink::Kind::local) {
        QMessageBox::information(
            this, tr("Cannot compare"),
            tr("Only a run in this window can be compared: open a lesson or a config first."));
        return;
    }
    if (refuseScriptPair(tr("Cannot compare"))) return;
    RunConfig a = m_controller->config();
    RunConfig withBreakpoints = *b;
    withBreakpoints.breakpoints.clear();  // run A's hold both runs
    startComparison(a, withBreakpoints, tr("as it was"), tr("with the panel's settings"));
}

void MainWindow::retranslateComparison() {
    m_compareMenu->setTitle(tr("&Compare"));
    for (QAction* action : m_compareMenu->actions()) {
        const Lesson* lesson = find_lesson(action->data().toString().toStdString());
        if (lesson) action->setText(lessonTitle(*lesson));
    }
    m_compareWithPanel->setText(tr("With the Configuration panel's settings as run B"));
    m_compareWithPanel->setToolTip(
        tr("Run A keeps its config; run B starts with what the Configuration panel "
           "says now. Both start again from the same seed."));
    m_endComparison->setText(tr("End comparison"));
    m_forkMenu->setTitle(tr("&Fork here"));
    m_forkMenu->setToolTipsVisible(true);
    m_forkMenu->setToolTip(
        tr("Run B starts where the run holds, from its exact state, with one thing changed; "
           "the two then go on side by side"));
    m_forkMenu->actions()
        .at(m_forkMenu->actions().size() - 5)
        ->setText(tr("Not what Lightning does"));
    updateForkMenu();
    if (m_comparison->active()) {
        m_pipelineAHeader->setText(tr("A · %1").arg(m_comparison->nameA()));
        m_pipelineBHeader->setText(tr("B · %1").arg(m_comparison->nameB()));
        // A run that departs from Lightning on purpose says so in red.
        m_pipelineBHeader->setStyleSheet(
            QString::fromLatin1(kHeaderStyle)
                .arg(QLatin1String(m_comparison->departs() ? "#b91c1c" : "#ea580c")));
        updateLogTabs();
        m_pipelineBHeader->setToolTip(
            m_comparison->forked()
                ? tr("Run B was forked from run A where it held: everything before that "
                     "batch is run A's")
                : QString());
    }
}

void MainWindow::updateLogTabs() {
    const int tabB = m_logTabs->indexOf(m_logB);
    if (tabB < 0) return;
    m_logTabs->setTabText(m_logTabs->indexOf(m_log), tr("A · %1").arg(m_comparison->nameA()));
    m_logTabs->setTabText(tabB, tr("B · %1").arg(m_comparison->nameB()));
    // A run B that failed says so on its tab, whichever tab is in front.
    const bool failed = m_logB->model()->count(LogModel::Kind::error) > 0;
    m_logTabs->setTabIcon(tabB,
                          failed ? style()->standardIcon(QStyle::SP_MessageBoxCritical) : QIcon());
    m_logTabs->setTabToolTip(tabB,
                             failed ? tr("Run B stopped with an error: its log says where and why")
                                    : tr("Run B's warnings, None batches and errors"));
}

}  // namespace stepwise::gui
