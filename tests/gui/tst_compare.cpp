// The window compares two runs (issue "Teach by comparison", items 1, 2, 3 and 6): a preset opens
// both in lockstep with two pipelines, one plot and the config diff; the first difference is found
// and both runs go back there, and recomputing it changes nothing; the comparison ends, resets and
// exports as one CSV; a fork from a held stage diverges where it should, and a departure says so;
// run B's warnings and errors have a log of their own. Waits are on events (the runs' holds and
// batches), never on wall-clock time.

#include <qcustomplot.h>

#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <cmath>

#include "compare_bar.h"
#include "comparison_layer.h"
#include "config_panel.h"
#include "exports.h"
#include "gui_test_utils.h"
#include "log_model.h"
#include "log_view.h"
#include "loss_plot.h"
#include "run_actions.h"
#include "stepwise/session.h"
#include "stepwise/warning_cache.h"

using namespace stepwise;
using namespace stepwise::gui;
using namespace stepwise::gui::test;

class TstCompare : public QObject {
    Q_OBJECT

    static const RunHistory& historyA(Driver& d) { return d.window->controller()->history(); }
    static const RunHistory& historyB(Driver& d) {
        return d.window->comparison()->runB()->history();
    }
    /// Run A holds (or ended) with at least `a` batches and run B has at least `b`; `bothHeld`:
    /// run B holds too (not while it waits at a batch's end for run A to catch up).
    static bool waitBatches(Driver& d, std::size_t a, std::size_t b, bool bothHeld = true) {
        using S = SessionController::RunState;
        auto held = [](SessionController* c) {
            const auto s = c->runState();
            return s == S::paused || s == S::finished || s == S::stopped || s == S::failed;
        };
        return waitUntil(
            [&] {
                return historyA(d).batchCount() >= a && historyB(d).batchCount() >= b &&
                       held(d.window->controller()) &&
                       (!bothHeld || held(d.window->comparison()->runB()));
            },
            30000);
    }

  private Q_SLOTS:
    void initTestCase() { isolateSettings(); }
    void init() { warning_cache::clear(); }  // Lightning warns once per process: once per test here

    void aPresetOpensTwoRunsInLockstepWithTheirDifference() {
        Driver d;
        d.window->show();
        d.open(QStringLiteral("compare_accumulate_vs_batch"));
        QVERIFY(d.window->comparison()->active());
        QVERIFY(d.window->pipelineViewB()->isVisible());
        QVERIFY(d.window->compareBar()->isVisible());
        QVERIFY(d.window->lossPlot()->comparing());
        const QString diff = d.window->compareBar()->differencesLabel()->text();
        QVERIFY2(diff.contains(QStringLiteral("batch_size: 8 → 32")), qPrintable(diff));
        QVERIFY2(diff.contains(QStringLiteral("trainer.accumulate_grad_batches: 4 → 1")),
                 qPrintable(diff));
        QVERIFY(waitBatches(d, 0, 0));
        // Four batch steps: run A takes 4 batches of 8, run B one of 32; they meet at 32 samples.
        for (int i = 0; i < 4; ++i) {
            d.window->runActions()->stepBatch()->trigger();
            QVERIFY(waitBatches(d, std::size_t(i + 1), 0, false));
        }
        QVERIFY(waitBatches(d, 4, 1));
        QCOMPARE(historyA(d).batchCount(), std::size_t(4));
        QCOMPARE(historyB(d).batchCount(), std::size_t(1));
        QVERIFY(std::isnan(historyA(d).peerDistance(2)));
        const double d3 = historyA(d).peerDistance(3);
        QVERIFY(std::isfinite(d3));
        QVERIFY2(d3 < 1e-6, qPrintable(QString::number(d3)));  // the same mean, up to rounding
        QCOMPARE(historyB(d).peerDistance(0), d3);
        QVERIFY(
            d.window->compareBar()->distanceLabel()->text().contains(QStringLiteral("batch 3")));
        // Run to the end: at the epoch's short last cycle (2 batches still divided by 4) the
        // runs stop agreeing; a tolerance of 1e-6 finds it.
        d.window->runActions()->run()->trigger();
        QVERIFY(waitBatches(d, 20, 6));
        QVERIFY(waitUntil([&] {
            return d.window->comparison()->runB()->runState() ==
                   SessionController::RunState::finished;
        }));
        QVERIFY(historyA(d).peerDistance(9) > 1e-4);
        QComboBox* tolerance = d.window->compareBar()->toleranceBox();
        tolerance->setCurrentIndex(tolerance->findData(1e-6));
        QCOMPARE(d.window->comparison()->firstDivergence(), std::optional<std::size_t>(9));
        QCOMPARE(d.window->comparison()->divergenceInB(), std::optional<std::size_t>(2));
        QVERIFY(
            d.window->compareBar()->divergenceLabel()->text().contains(QStringLiteral("batch 9")));
        // The plot draws both losses, the distance and the line at the first difference.
        settle();
        ComparisonLayer* layer = d.window->lossPlot()->comparisonLayer();
        d.window->lossPlot()->resetView();
        settle();
        QCOMPARE(layer->lossB()->dataCount(), 6);
        QCOMPARE(layer->distance()->dataCount(), 6);
        QVERIFY(layer->divergenceLine()->visible());
        QCOMPARE(layer->divergenceLine()->point1->coords().x(), 9.0);
        // Run B's batch 0 stands where run A had seen its 32 samples: at A's batch 3.
        QCOMPARE(layer->lossB()->data()->at(0)->key, 3.0);
    }

    void goingBackToTheFirstDifferenceRecomputesItExactly() {
        Driver d;
        d.open(QStringLiteral("compare_accumulate_vs_batch"));
        QVERIFY(waitBatches(d, 0, 0));
        d.window->compareBar()->toleranceBox()->setCurrentIndex(
            d.window->compareBar()->toleranceBox()->findData(1e-6));
        for (int i = 0; i < 10; ++i) {
            d.window->runActions()->stepBatch()->trigger();
            QVERIFY(waitBatches(d, std::size_t(i + 1), 0, false));
        }
        QVERIFY(waitBatches(d, 10, 3));
        QCOMPARE(d.window->comparison()->firstDivergence(), std::optional<std::size_t>(9));
        std::vector<double> before;
        for (std::size_t i = 0; i < 10; ++i) before.push_back(historyA(d).peerDistance(i));
        QPushButton* jump = d.window->compareBar()->jumpButton();
        QVERIFY(jump->isEnabled());
        jump->click();
        // Both go back to the start of the stretch after their last agreement (64 samples): A's
        // batch 8, B's batch 2.
        QVERIFY(waitUntil(
            [&] { return historyA(d).batchCount() == 8 && historyB(d).batchCount() == 2; }));
        QVERIFY(waitBatches(d, 8, 2));
        QVERIFY(!d.window->comparison()->firstDivergence());
        // A rewind must not change what the runs compute: the same distances, bit for bit.
        for (int i = 0; i < 2; ++i) {
            d.window->runActions()->stepBatch()->trigger();
            QVERIFY(waitBatches(d, std::size_t(9 + i), 2, false));
        }
        QVERIFY(waitBatches(d, 10, 3));
        for (std::size_t i = 0; i < 10; ++i) {
            const double now = historyA(d).peerDistance(i);
            QVERIFY2((std::isnan(now) && std::isnan(before[i])) || now == before[i],
                     qPrintable(QString::number(i)));
        }
        QCOMPARE(d.window->comparison()->firstDivergence(), std::optional<std::size_t>(9));
    }

    void theConfigurationPanelMakesRunBAndTheComparisonEnds() {
        Driver d;
        d.open(QStringLiteral("tensor_return"));
        QVERIFY(d.waitHeld(0));
        RunConfig b = d.window->controller()->config();
        b.optimizer.options["lr"] = 0.2;
        d.window->configPanel()->setConfig(b);
        d.window->compareWithPanel();
        QVERIFY(d.window->comparison()->active());
        const QString diff = d.window->compareBar()->differencesLabel()->text();
        QVERIFY2(diff.contains(QStringLiteral("optimizer.lr: 0.1 → 0.2")), qPrintable(diff));
        QVERIFY(waitBatches(d, 0, 0));  // both loaded and held: the controls are enabled
        d.window->runActions()->stepBatch()->trigger();
        QVERIFY2(waitBatches(d, 1, 1),
                 qPrintable(QStringLiteral("A %1 batches, state %2; B %3 batches, state %4; %5")
                                .arg(historyA(d).batchCount())
                                .arg(int(d.window->controller()->runState()))
                                .arg(historyB(d).batchCount())
                                .arg(int(d.window->comparison()->runB()->runState()))
                                .arg(d.describe())));
        QVERIFY(historyA(d).peerDistance(0) > 0);  // another learning rate: apart after one step
        QCOMPARE(d.window->comparison()->firstDivergence(), std::optional<std::size_t>(0));
        // Reset starts both over, still compared.
        d.window->runActions()->reset()->trigger();
        QVERIFY(waitUntil([&] { return historyA(d).batchCount() == 0; }));
        QVERIFY(d.window->comparison()->active());
        QVERIFY(!d.window->comparison()->firstDivergence());
        QVERIFY(waitBatches(d, 0, 0));
        // Ending it: run B closes, run A runs to its end alone (it never waits for B again).
        d.window->compareBar()->endButton()->click();
        QVERIFY(!d.window->comparison()->active());
        QVERIFY(!d.window->lossPlot()->comparing());
        QVERIFY(!d.window->pipelineViewB()->isVisibleTo(d.window.get()));
        d.window->runActions()->run()->trigger();
        QVERIFY(d.waitEnded());
        QCOMPARE(historyA(d).batchCount(), std::size_t(16));
    }

    void bothRunsExportAsOneTable() {
        Driver d;
        d.open(QStringLiteral("compare_sgd_vs_lbfgs"));
        QVERIFY(waitBatches(d, 0, 0));
        d.window->runActions()->run()->trigger();
        QVERIFY(waitBatches(d, 8, 8));
        QVERIFY(waitUntil([&] {
            return d.window->comparison()->runB()->runState() ==
                   SessionController::RunState::finished;
        }));
        QVERIFY(d.waitEnded());
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("both.csv"));
        QVERIFY(d.window->exports()->exportCsv(path));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines =
            QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY(lines.first().startsWith(
            QStringLiteral("run,epoch,batch_idx,global_step,stepped,loss")));
        QVERIFY(lines.first().contains(QStringLiteral(",samples,peer_distance")));
        QCOMPARE(lines.size(), 1 + 8 + 8);
        QVERIFY2(
            lines[1].startsWith(QStringLiteral("\"LBFGS, up to 8 closure calls a step\",0,0,")),
            qPrintable(lines[1]));
        QVERIFY2(lines[9].startsWith(QStringLiteral("\"SGD, one closure call a step\",0,0,")),
                 qPrintable(lines[9]));
        // Every batch ended where the other run's did: a distance on every row.
        for (int i = 1; i < lines.size(); ++i)
            QVERIFY2(!lines[i].endsWith(QLatin1Char(',')), qPrintable(lines[i]));
        QVERIFY(d.window->lossPlot()->exportPng(dir.filePath(QStringLiteral("both.png"))));
        QVERIFY(QFileInfo(dir.filePath(QStringLiteral("both.png"))).size() > 1000);
    }

    /// Item 3: a fork from a held stage starts run B where run A holds; a changed learning rate
    /// must diverge from the held batch on, a departure is labelled in the pipeline, the legend
    /// and the CSV, and a fork with nothing changed must not diverge.
    void aForkFromAHeldStageDivergesAndADepartureIsLabelled() {
        Driver d;
        d.window->show();
        d.open(QStringLiteral("tensor_return"));
        QVERIFY(d.waitHeld(0));
        for (int i = 0; i < 5; ++i) QVERIFY(d.press(d.window->runActions()->stepBatch()));
        QCOMPARE(historyA(d).batchCount(), std::size_t(5));
        QVERIFY(d.press(d.window->runActions()->stepStage()));
        // Run > Fork here: each entry names what it changes.
        d.window->forkMenu()->aboutToShow();
        QAction* lr = nullptr;
        for (QAction* a : d.window->forkMenu()->actions())
            if (a->data().toString() == QLatin1String("lr_up")) lr = a;
        QVERIFY(lr && lr->isEnabled());
        QVERIFY2(lr->text().contains(QStringLiteral("optimizer.lr: 0.1 → 1")),
                 qPrintable(lr->text()));
        lr->trigger();
        QVERIFY(d.window->comparison()->active());
        QVERIFY(d.window->comparison()->forked());
        QVERIFY(d.window->pipelineViewB()->isVisible());
        // Run B holds where run A holds, its history starting with the batch it forked in.
        QVERIFY(waitBatches(d, 5, 0));
        d.window->runActions()->run()->trigger();
        QVERIFY(waitUntil([&] {
            return d.window->comparison()->runB()->runState() ==
                   SessionController::RunState::finished;
        }));
        QVERIFY(d.waitEnded());
        QCOMPARE(historyB(d).batchCount(), historyA(d).batchCount() - 5);
        QCOMPARE(historyB(d).samples(0), historyA(d).samples(5));
        QVERIFY(d.window->comparison()->firstDivergence());
        QCOMPARE(*d.window->comparison()->firstDivergence(), std::size_t(5));

        // A departure, from a fresh hold: labelled wherever run B shows.
        d.open(QStringLiteral("accumulate_3"));
        QVERIFY(d.waitHeld(0));
        QVERIFY(d.press(d.window->runActions()->stepBatch()));
        QVERIFY(d.window->forkHere(QStringLiteral("step_every_batch")));
        const QString label = QStringLiteral("not what Lightning does");
        QVERIFY2(d.window->comparison()->nameB().contains(label),
                 qPrintable(d.window->comparison()->nameB()));
        const QLabel* header = d.window->findChild<QLabel*>(QStringLiteral("pipelineBHeader"));
        QVERIFY(header && header->text().contains(label));
        bool inLegend = false;
        QCustomPlot* plot = d.window->lossPlot()->plot();
        for (int i = 0; i < plot->graphCount(); ++i)
            inLegend |= plot->graph(i)->name().contains(label);
        QVERIFY(inLegend);
        d.window->runActions()->run()->trigger();
        QVERIFY(waitUntil([&] {
            return d.window->comparison()->runB()->runState() ==
                   SessionController::RunState::finished;
        }));
        QVERIFY(d.waitEnded());
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("fork.csv"));
        QVERIFY(d.window->exports()->exportCsv(path));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(QString::fromUtf8(file.readAll()).contains(label));
        // Every batch of run B stepped: the departure did what it says.
        for (std::size_t i = 0; i < historyB(d).batchCount(); ++i)
            QVERIFY(historyB(d).batchRecord(i).stepped);

        // Nothing changed: the fork never leaves run A, bit for bit.
        d.open(QStringLiteral("set_to_none_momentum"));
        QVERIFY(d.waitHeld(0));
        QVERIFY(d.press(d.window->runActions()->stepBatch()));
        QVERIFY(d.window->comparison()->fork(d.window->controller()->config(), QStringLiteral("A"),
                                             QStringLiteral("the same")));
        d.window->runActions()->run()->trigger();
        QVERIFY(waitUntil([&] {
            return d.window->comparison()->runB()->runState() ==
                   SessionController::RunState::finished;
        }));
        QVERIFY(d.waitEnded());
        QVERIFY(historyB(d).batchCount() > 0);
        QVERIFY(!d.window->comparison()->firstDivergence());
    }

    void runBHasItsOwnLogTabWithItsNoneBatchesAndItsError() {
        Driver d;
        d.window->show();
        QTabWidget* tabs =
            qobject_cast<QTabWidget*>(d.window->logView()->parentWidget()->parentWidget());
        QVERIFY(tabs);
        QVERIFY(!tabs->tabBar()->isVisible());  // one run: no tabs
        // Run B returns None on batches 2 and 5 of each epoch; run A never does.
        RunConfig a = lessonConfig("tensor_return");
        RunConfig b = lessonConfig("none_batches");
        a.trainer.max_epochs = b.trainer.max_epochs = 1;
        d.window->startComparison(a, b, QStringLiteral("tensor"), QStringLiteral("None"));
        QVERIFY(waitBatches(d, 0, 0));
        QCOMPARE(tabs->count(), 2);
        QVERIFY(tabs->tabBar()->isVisible());
        QCOMPARE(tabs->tabText(0), QStringLiteral("A · tensor"));
        QCOMPARE(tabs->tabText(1), QStringLiteral("B · None"));
        d.window->runActions()->run()->trigger();
        QVERIFY(waitBatches(d, 8, 8));
        LogModel* logA = d.window->logView()->model();
        LogModel* logB = d.window->logViewB()->model();
        QCOMPARE(logA->count(LogModel::Kind::noneBatch), 0);
        QCOMPARE(logB->count(LogModel::Kind::noneBatch), 2);
        QCOMPARE(logB->count(LogModel::Kind::lightningWarning), 1);  // Lightning warns once
        QVERIFY(tabs->tabIcon(1).isNull());                          // no error
        // Clicking run B's None batch marks it where the plot draws run B.
        int row = 0;
        while (logB->entry(row).kind != LogModel::Kind::noneBatch) ++row;
        QCOMPARE(logB->entry(row).batchIdx, 2);
        Q_EMIT d.window->logViewB()->table()->clicked(logB->index(row, LogModel::MessageColumn));
        settle();
        QCOMPARE(d.window->lossPlot()->highlightLine()->point1->coords().x(),
                 d.window->lossPlot()->comparisonLayer()->xOfB(2, false));

        // A run B that fails says so on its tab; run A goes on alone.
        RunConfig failing = lessonConfig("dict_without_loss");
        failing.trainer.max_epochs = 1;
        d.window->startComparison(a, failing, QStringLiteral("tensor"), QStringLiteral("no loss"));
        QVERIFY(waitBatches(d, 0, 0));
        d.window->runActions()->run()->trigger();
        QVERIFY(waitUntil([&] {
            return d.window->comparison()->runB()->runState() ==
                   SessionController::RunState::failed;
        }));
        QVERIFY(waitUntil([&] {
            return d.window->controller()->runState() == SessionController::RunState::finished;
        }));
        QVERIFY(waitUntil(
            [&] { return d.window->logViewB()->model()->count(LogModel::Kind::error) == 1; }));
        QVERIFY(!tabs->tabIcon(1).isNull());
        QCOMPARE(d.window->logView()->model()->count(LogModel::Kind::error), 0);
        QCOMPARE(historyA(d).batchCount(), std::size_t(8));
        // Ending the comparison takes run B's tab away.
        d.window->compareBar()->endButton()->click();
        QCOMPARE(tabs->count(), 1);
        QVERIFY(!tabs->tabBar()->isVisible());
    }

    void openingAnotherLessonEndsTheComparison() {
        Driver d;
        d.open(QStringLiteral("compare_clip_vs_none"));
        QVERIFY(d.window->comparison()->active());
        d.open(QStringLiteral("tensor_return"));
        QVERIFY(!d.window->comparison()->active());
        QVERIFY(!d.window->compareBar()->isVisibleTo(d.window.get()));
        QVERIFY(d.waitHeld(0));
        d.window->runActions()->run()->trigger();
        QVERIFY(d.waitEnded());
    }
};

QTEST_MAIN(TstCompare)
#include "tst_compare.moc"
