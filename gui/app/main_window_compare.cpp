// MainWindow's part in comparing two runs (issue "Teach by comparison"): run B's pipeline beside
// run A's, the compare bar over the plot, the Compare menu, and feeding run B's events to them.

#include <QAction>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QScrollArea>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

#include "compare_bar.h"
#include "comparison.h"
#include "config_panel.h"
#include "lesson_texts.h"
#include "loss_plot.h"
#include "main_window.h"
#include "pipeline_view.h"
#include "stepwise/lessons.h"

namespace stepwise::gui {

namespace {
const char* const kHeaderStyle = "QLabel { padding: 3px 8px; font-weight: bold; color: white; background: %1; }";
}

void MainWindow::buildComparison(QWidget* plotPane) {
    m_pipelineB = new PipelineView;
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
    m_pipelineAHeader->setStyleSheet(QString::fromLatin1(kHeaderStyle).arg(QStringLiteral("#2563eb")));
    m_pipelineBHeader->setStyleSheet(QString::fromLatin1(kHeaderStyle).arg(QStringLiteral("#ea580c")));

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
}

void MainWindow::wireComparison() {
    SessionController* b = m_comparison->runB();
    connect(b, &SessionController::runStarted, m_pipelineB, &PipelineView::clear);
    connect(b, &SessionController::eventsArrived, m_pipelineB, &PipelineView::applyEvents);
    connect(b, &SessionController::rewound, this, [this, b] {
        m_pipelineB->clear();
        m_pipelineB->applyEvents(b->history().events());
        m_plot->rebuild();
    });
    // Run B's frames only mark the plot: it draws them with run A's next frame, and the strip
    // (which reads run A's history) follows run A's frames.
    connect(b, &SessionController::frameDone, this, [this] {
        if (!m_plotDock->isHidden()) m_plot->comparisonChanged();
    });
    connect(m_controller, &SessionController::frameDone, m_compareBar, &CompareBar::refresh);
    connect(m_comparison, &Comparison::activeChanged, this, &MainWindow::onComparisonActive);
    connect(m_comparison, &Comparison::divergenceChanged, this,
            [this] { m_plot->setDivergence(m_comparison->firstDivergence()); });
}

void MainWindow::onComparisonActive(bool active) {
    m_pipelineBPane->setVisible(active);
    m_pipelineAHeader->setVisible(active);
    m_compareBar->setVisible(active);
    m_endComparison->setEnabled(active);
    if (active) {
        m_plot->setComparison(&m_comparison->runB()->history(), m_comparison->nameA(), m_comparison->nameB());
        // The two pipelines share the middle evenly.
        auto* splitter = qobject_cast<QSplitter*>(centralWidget());
        const int half = std::max(1, splitter->width() / 2);
        splitter->setSizes({half, half});
        // The strip takes two lines over the plot: the plot gets the room back (the laptop layout
        // has it over the log at the right; the default one, under the pipelines). After the
        // layout has taken the strip in.
        QTimer::singleShot(0, this, [this] {
            if (dockWidgetArea(m_plotDock) == Qt::RightDockWidgetArea)
                resizeDocks({m_plotDock, m_logDock}, {height() * 62 / 100, height() * 38 / 100}, Qt::Vertical);
            else
                resizeDocks({m_plotDock}, {std::max(m_plotDock->height(), height() * 45 / 100)}, Qt::Vertical);
        });
    } else {
        m_plot->setComparison(nullptr);
        m_pipelineB->clear();
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
    if (a.model.kind == ModelSpec::Kind::lesson) setOpened(Opened::lesson, QString::fromStdString(a.model.lesson));
}

void MainWindow::compareWithPanel() {
    const auto b = m_config->validatedConfig();
    if (!b) return;  // the panel says what is wrong
    if (!m_controller->hasSession() || m_controller->link()->kind() != SessionLink::Kind::local) {
        QMessageBox::information(this, tr("Cannot compare"),
                                 tr("Only a run in this window can be compared: open a lesson or a config first."));
        return;
    }
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
    m_compareWithPanel->setToolTip(tr("Run A keeps its config; run B starts with what the Configuration panel "
                                      "says now. Both start again from the same seed."));
    m_endComparison->setText(tr("End comparison"));
    if (m_comparison->active()) {
        m_pipelineAHeader->setText(tr("A · %1").arg(m_comparison->nameA()));
        m_pipelineBHeader->setText(tr("B · %1").arg(m_comparison->nameB()));
    }
}

}  // namespace stepwise::gui
