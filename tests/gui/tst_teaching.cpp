// Teaching by comparison (issue "Teach by comparison"), through the real window: the parity
// badge, and where each number of the loss plot comes from — the step ribbon under the plot and
// the origin line. Offscreen; every wait is for an event.

#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>

#include "exports.h"
#include "gui_test_utils.h"
#include "loss_origin.h"
#include "loss_plot.h"
#include "parity_meter.h"
#include "run_actions.h"
#include "run_history.h"
#include "step_ribbon.h"
#include "stepwise/shadow_run.h"
#include "stepwise/warning_cache.h"
#include "tfevents_reader.h"

using namespace stepwise;
using namespace stepwise::gui;

class TestTeaching : public QObject {
    Q_OBJECT
  private slots:
    void initTestCase() { test::isolateSettings(); }
    void init() { warning_cache::clear(); }

    void theRibbonMapsEachBatchToItsCycleAndGlobalStep() {
        test::Driver d;
        d.window->show();
        d.open(QStringLiteral("accumulate_3"));  // N = 3, 8 batches an epoch
        QVERIFY(d.waitHeld(0));
        LossPlot* plot = d.window->lossPlot();
        QVERIFY(plot->originLine()->text().contains(QStringLiteral("Once a batch ends")));
        RunActions* a = d.window->runActions();
        for (int i = 0; i < 5; ++i) QVERIFY(d.press(a->stepBatch()));
        d.window->controller()->pumpNow();
        plot->plot()->replot();  // the cells are handed over before a replot
        const std::vector<StepRibbon::Cell>& cells = plot->ribbon()->cells();
        QVERIFY(plot->ribbon()->shown());
        QCOMPARE(int(cells.size()), 5);
        const int positions[] = {1, 2, 3, 1, 2};
        const std::int64_t steps[] = {0, 0, 1, 1, 1};
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(cells[std::size_t(i)].position, positions[i]);
            QCOMPARE(cells[std::size_t(i)].accumulate, 3);
            QCOMPARE(cells[std::size_t(i)].globalStep, steps[i]);
            QCOMPARE(cells[std::size_t(i)].moved, i == 2);  // only the cycle's stepping batch
            QCOMPARE(cells[std::size_t(i)].batchIdx, std::int64_t(i));  // few batches: wide cells
        }
        QCOMPARE(plot->ribbon()->labelledCells(), 5);
        // The same two cycles share a shade; the next one does not.
        QCOMPARE(cells[0].odd, cells[2].odd);
        QVERIFY(cells[3].odd != cells[2].odd);

        // The tooltip answers "why did global_step not move?".
        const RunHistory& history = d.window->controller()->history();
        const QString still = LossOrigin::ribbonTip(history.batchRecord(1), 1, 0);
        QVERIFY2(still.contains(QStringLiteral("Batch 2 of 3 in its accumulation cycle")),
                 qPrintable(still));
        QVERIFY2(still.contains(QStringLiteral("global_step stays 0")), qPrintable(still));
        const QString moved = LossOrigin::ribbonTip(history.batchRecord(2), 2, 0);
        QVERIFY2(moved.contains(QStringLiteral("global_step went from 0 to 1")), qPrintable(moved));

        // The origin line: the newest batch, from what training_step returned to the plot.
        const Event newest = history.batchRecord(4);
        QVERIFY(newest.loss && newest.loss_raw);
        QCOMPARE(*newest.loss, *newest.loss_raw / 3);  // Lightning's loss / N, to the bit
        const QString line = plot->originLine()->text();
        QVERIFY2(line.contains(QStringLiteral("Batch 4 (newest; epoch 0, batch_idx 4)")),
                 qPrintable(line));
        QVERIFY2(
            line.contains(
                QStringLiteral(
                    "returned <b>%1</b> → ÷ 3 (accumulate_grad_batches) → backward saw <b>%2</b>")
                    .arg(LossOrigin::number(*newest.loss_raw), LossOrigin::number(*newest.loss))),
            qPrintable(line));
        // The smoothed value is the plot's: TensorBoard's debiased EMA of the plotted losses.
        double ema = 0.0, smoothed = 0.0;
        const double w = plot->smoothing();
        for (std::size_t i = 0; i < 5; ++i) {
            ema = w * ema + (1 - w) * double(history.loss(i));
            smoothed = ema / (1 - std::pow(w, double(i + 1)));
        }
        QVERIFY(plot->smoothedAt(4));
        QVERIFY(std::abs(*plot->smoothedAt(4) - smoothed) <= 1e-12 * std::abs(smoothed));
        QVERIFY2(
            line.contains(QStringLiteral("smoothed <b>%1</b>").arg(LossOrigin::number(smoothed))),
            qPrintable(line));
        // Pointing at a batch describes that one; leaving the plot, the newest again.
        plot->describeBatch(1);
        QVERIFY(plot->originLine()->text().startsWith(
            QStringLiteral("Batch 1 (pointed at; epoch 0, batch_idx 1)")));
        plot->describeBatch(-1);
        QVERIFY(plot->originLine()->text().startsWith(QStringLiteral("Batch 4 (newest")));
        // By global_step the axis itself is the mapping: no ribbon.
        plot->setXAxis(LossPlot::XAxis::globalStep);
        QVERIFY(!plot->ribbon()->shown());
        plot->setXAxis(LossPlot::XAxis::batch);
        QVERIFY(plot->ribbon()->shown());
    }

    void theLossPlotExportsThePerBatchTableAsStepwiseRunDoes() {
        test::Driver d;
        d.window->show();
        d.open(QStringLiteral("accumulate_3"));
        QVERIFY(d.waitHeld(0));
        for (int i = 0; i < 4; ++i) QVERIFY(d.press(d.window->runActions()->stepBatch()));
        d.window->controller()->pumpNow();
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("batches.csv"));
        QVERIFY(d.window->exports()->exportCsv(path));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines =
            QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 5);
        QCOMPARE(lines[0],
                 QStringLiteral(
                     "epoch,batch_idx,global_step,stepped,loss,loss_raw,grad_norm,update_norm,lr"));
        const QStringList first = lines[1].split(QLatin1Char(','));
        QCOMPARE(first.mid(0, 4), (QStringList{"0", "0", "0", "False"}));
        QVERIFY(!first[6].isEmpty());  // the grad norm after backward
        QVERIFY(first[7].isEmpty());   // no step: no update norm
        QVERIFY(lines[3].startsWith(QStringLiteral("0,2,1,True,")));
        // The loss is what the plot has, ÷ N of the raw loss.
        QCOMPARE(first[4].toDouble(), double(d.window->controller()->history().loss(0)));
        QVERIFY(std::abs(first[5].toDouble() / 3 - first[4].toDouble()) <=
                1e-6 * std::abs(first[4].toDouble()));
        QVERIFY(!d.window->exports()->exportCsv(dir.filePath(QStringLiteral("no/such/dir/t.csv"))));
    }

    void theRunGoesToTensorBoardFromFileExport() {
        test::Driver d;
        d.window->show();
        d.open(QStringLiteral("dict_extras"));
        QVERIFY(d.waitHeld(0));
        for (int i = 0; i < 5; ++i) QVERIFY(d.press(d.window->runActions()->stepBatch()));
        d.window->controller()->pumpNow();
        // File ▸ Export is the plot's export menu (the window's exports), TensorBoard included.
        QMenu* file = d.window->menuBar()->actions().first()->menu();
        QVERIFY(file->actions().contains(d.window->exports()->menu()->menuAction()));
        QStringList entries;
        for (QAction* a : d.window->exports()->menu()->actions()) entries << a->text();
        QVERIFY(entries.contains(QStringLiteral("&TensorBoard event files…")));

        QTemporaryDir dir;
        const QString root = dir.filePath(QStringLiteral("lightning_logs"));
        const Exports::TensorBoardExport first = d.window->exports()->exportTensorBoard(root);
        QCOMPARE(first.directory, root + QStringLiteral("/version_0"));
        QCOMPARE(d.window->exports()->exportTensorBoard(root).directory,
                 root + QStringLiteral("/version_1"));
        const QStringList files =
            QDir(first.directory).entryList({QStringLiteral("events.out.tfevents.*")});
        QCOMPARE(files.size(), 1);
        const std::vector<tfevents::Event> events =
            tfevents::read_file((first.directory + QLatin1Char('/') + files[0]).toStdString());
        // One loss per optimizer step, at the step before it, with the value the batch returned.
        const RunHistory& history = d.window->controller()->history();
        std::vector<std::pair<std::int64_t, float>> want, got;
        for (std::size_t i = 0; i < history.batchCount(); ++i) {
            const Event b = history.batchRecord(i);
            if (b.stepped && b.loss_raw) want.push_back({b.global_step - 1, float(*b.loss_raw)});
        }
        QStringList tags;
        for (const tfevents::Event& e : events)
            for (const tfevents::Value& v : e.values) {
                if (!tags.contains(QString::fromStdString(v.tag)))
                    tags << QString::fromStdString(v.tag);
                if (v.tag == "loss") got.push_back({e.step, v.simple_value});
            }
        QCOMPARE(got.size(), std::size_t(5));
        QVERIFY(got == want);
        QCOMPARE(tags, (QStringList{"loss", "mae", "pred_mean", "epoch", "stepwise/backward_loss",
                                    "stepwise/grad_norm", "stepwise/update_norm", "stepwise/lr"}));
        // A file where the directory should be: a message naming it, nothing written.
        QFile blocker(dir.filePath(QStringLiteral("taken")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        const Exports::TensorBoardExport failed =
            d.window->exports()->exportTensorBoard(blocker.fileName());
        QVERIFY(failed.directory.isEmpty());
        QVERIFY2(failed.error.contains(blocker.fileName()), qPrintable(failed.error));
    }

    void theOriginLineSaysANoneBatchHasNothingToBackpropagate() {
        test::Driver d;
        d.window->show();
        RunConfig config = test::lessonConfig("none_batches");
        d.start(config);
        QVERIFY(d.waitHeld(0));
        RunActions* a = d.window->runActions();
        const RunHistory& history = d.window->controller()->history();
        std::int64_t none = -1;
        for (int i = 0; i < 8 && none < 0; ++i) {
            QVERIFY(d.press(a->stepBatch()));
            d.window->controller()->pumpNow();
            for (std::size_t s = 0; s < history.batchCount(); ++s)
                if (history.returnedNone(s)) none = std::int64_t(s);
        }
        QVERIFY(none >= 0);
        LossPlot* plot = d.window->lossPlot();
        plot->describeBatch(none);
        const QString line = plot->originLine()->text();
        QVERIFY2(line.contains(QStringLiteral(
                     "training_step returned <b>None</b>, nothing to backpropagate")),
                 qPrintable(line));
        QVERIFY(!plot->smoothedAt(std::size_t(none)));
    }

    void theParityBadgeStaysGreenThroughStepsAndAGoingBack() {
        test::Driver d;
        d.window->controller()->setParityFactory(&make_shadow_run);
        d.window->show();
        d.open(QStringLiteral("seeded_dropout"));  // dropout draws from torch's generator
        QVERIFY(d.waitHeld(0));
        RunActions* a = d.window->runActions();
        for (int i = 0; i < 3; ++i) QVERIFY(d.press(a->stepBatch()));
        QVERIFY(d.press(a->stepStage()));
        QVERIFY(d.press(a->backBatch()));  // back to batch 2's start: its record is undone
        QVERIFY(d.press(a->stepBatch()));
        QVERIFY(d.press(a->stepBatch()));  // batches 0-3 ended, batch 2 twice
        const ParityMeter& meter = d.window->controller()->parity();
        QVERIFY2(test::waitUntil([&] {
                     d.window->controller()->pumpNow();
                     return meter.state() == ParityMeter::State::identical &&
                            meter.identical() == 4;
                 }),
                 qPrintable(QStringLiteral("state %1, identical %2, pending %3")
                                .arg(int(meter.state()))
                                .arg(meter.identical())
                                .arg(meter.pending())));
        QVERIFY(d.window->parityBadge()->isVisible());
        QCOMPARE(d.window->parityBadge()->text(),
                 QStringLiteral("✓ parity: 4 batches bit-identical to an unwatched run"));
        // Reset: a new run and a new shadow; nothing compared yet.
        const int held = d.pausedCount;
        d.window->controller()->reset();
        QVERIFY(d.waitHeld(held));
        d.window->controller()->pumpNow();
        QCOMPARE(meter.identical(), std::int64_t(0));
        QCOMPARE(d.window->parityBadge()->text(), QStringLiteral("parity: no batch has ended yet"));
        // Run at full speed to the end: the shadow waits meanwhile, then catches up with every
        // batch.
        a->setDelay(0);
        std::int64_t batches = 0;
        QObject guard;
        connect(d.window->controller(), &SessionController::eventsArrived, &guard,
                [&](const std::vector<Event>& events) {
                    for (const Event& e : events) batches += e.type == EventType::batch_end;
                });
        a->run()->trigger();
        QVERIFY(test::waitUntil([&] {
            d.window->controller()->pumpNow();
            return d.window->controller()->runState() == SessionController::RunState::finished;
        }));
        QVERIFY(batches > 4);
        QVERIFY(test::waitUntil([&] {
            d.window->controller()->pumpNow();
            return meter.state() == ParityMeter::State::identical && meter.identical() == batches;
        }));
        QCOMPARE(
            d.window->parityBadge()->text(),
            QStringLiteral("✓ parity: %1 batches bit-identical to an unwatched run").arg(batches));
    }
};

QTEST_MAIN(TestTeaching)
#include "tst_teaching.moc"
