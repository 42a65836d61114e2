// Writes PNGs of the window in three states (ready, stepping through a None batch, inside an LBFGS
// step) to STEPWISE_SCREENSHOT_DIR, for the README and for a person to look at.

#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QLineEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>
#include <fstream>

#include "breakpoints_view.h"
#include "compare_bar.h"
#include "comparison.h"
#include "config_panel.h"
#include "extras_view.h"
#include "gui_test_utils.h"
#include "log_view.h"
#include "loss_plot.h"
#include "parity_meter.h"
#include "run_actions.h"
#include "source_editor.h"
#include "stepwise/lessons.h"
#include "stepwise/shadow_run.h"
#include "stepwise/trace.h"
#include "stepwise/warning_cache.h"
#include "tensors_view.h"

using namespace stepwise;
using namespace stepwise::gui;

class TestScreenshots : public QObject {
    Q_OBJECT
  private:
    void save(test::Driver& d, const QString& name) {
        d.window->controller()->pumpNow();
        test::settle();  // the queued replot
        const QString dir = QStringLiteral(STEPWISE_SCREENSHOT_DIR);
        QVERIFY(QDir().mkpath(dir));
        const QString path = dir + QLatin1Char('/') + name;
        QVERIFY(d.window->grab().save(path));
        qInfo("wrote %s", qPrintable(path));
    }

  private Q_SLOTS:
    void initTestCase() { test::isolateSettings(); }
    void init() { warning_cache::clear(); }

    void ready() {
        test::Driver d;
        d.window->show();
        d.window->openDefault();
        QVERIFY(d.waitHeld(0));
        save(d, QStringLiteral("window_ready.png"));
    }

    void replay() {
        // A trace recorded by a headless run at full speed, replayed: the timeline under the
        // toolbar, held inside batch 6 at backward.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("none_batches.jsonl"));
        {
            std::ofstream out(path.toStdString(), std::ios::binary);
            TraceWriter writer(out);
            SessionOptions options;
            options.buffer_events = false;
            options.listener = [&](const Event& e) { writer.on_event(e); };
            TrainingSession session(test::lessonConfig("none_batches"), options);
            session.run_blocking();
        }
        test::Driver d;
        d.window->show();
        QVERIFY(d.window->openPath(path));
        QVERIFY(d.waitHeld(0));
        RunActions* a = d.window->runActions();
        for (int i = 0; i < 6; ++i) QVERIFY(d.press(a->stepBatch()));
        for (int i = 0; i < 6 && d.current() != Stage::backward; ++i)
            QVERIFY(d.press(a->stepStage()));
        save(d, QStringLiteral("window_replay.png"));
    }

    void comparison() {
        // Two runs compared: "accumulate or a bigger batch?" after the short last cycle made them
        // part, held; on a large screen and on a 1366x768 laptop, in English and in Chinese.
        struct Shot {
            QString name;
            QString language;
            QRect screen;
        };
        for (const Shot& shot : {Shot{QStringLiteral("window_compare.png"), QStringLiteral("en"),
                                      QRect(0, 0, 1600, 1000)},
                                 Shot{QStringLiteral("window_compare_laptop.png"),
                                      QStringLiteral("en"), QRect(0, 0, 1366, 728)},
                                 Shot{QStringLiteral("window_compare_zh_CN.png"),
                                      QStringLiteral("zh_CN"), QRect(0, 0, 1366, 728)}}) {
            test::Driver d;
            d.translator.setLanguage(shot.language);
            d.window->fitToScreen(shot.screen);
            d.window->show();
            d.open(QStringLiteral("compare_accumulate_vs_batch"));
            QVERIFY(d.window->comparison()->active());
            QVERIFY(d.waitHeld(0));
            d.window->compareBar()->toleranceBox()->setCurrentIndex(3);  // 1e-6
            RunActions* a = d.window->runActions();
            for (int i = 0; i < 10; ++i) QVERIFY(d.press(a->stepBatch()));
            SessionController* b = d.window->comparison()->runB();
            QVERIFY(test::waitUntil([&] {
                return b->history().batchCount() == 3 &&
                       b->runState() == SessionController::RunState::paused;
            }));
            for (int i = 0; i < 3; ++i) QVERIFY(d.press(a->stepStage()));
            d.window->lossPlot()->resetView();
            b->pumpNow();
            save(d, shot.name);
        }
    }

    void fork() {
        // A what-if fork: tensor_return held in batch 6, forked with the learning rate × 10 and
        // three batches on, on the laptop in Chinese, with the departure "step on every batch" on
        // accumulate_3.
        struct Shot {
            QString name;
            QString language;
            QRect screen;
            QString lesson;
            QString whatIf;
        };
        for (const Shot& shot :
             {Shot{QStringLiteral("window_fork.png"), QStringLiteral("en"), QRect(0, 0, 1600, 1000),
                   QStringLiteral("tensor_return"), QStringLiteral("lr_up")},
              Shot{QStringLiteral("window_fork_departure_zh_CN.png"), QStringLiteral("zh_CN"),
                   QRect(0, 0, 1366, 728), QStringLiteral("accumulate_3"),
                   QStringLiteral("step_every_batch")}}) {
            test::Driver d;
            d.translator.setLanguage(shot.language);
            d.window->fitToScreen(shot.screen);
            d.window->show();
            d.open(shot.lesson);
            QVERIFY(d.waitHeld(0));
            RunActions* a = d.window->runActions();
            for (int i = 0; i < 6; ++i) QVERIFY(d.press(a->stepBatch()));
            QVERIFY(d.press(a->stepStage()));
            QVERIFY(d.window->forkHere(shot.whatIf));
            SessionController* b = d.window->comparison()->runB();
            QVERIFY(test::waitUntil(
                [&] { return b->runState() == SessionController::RunState::paused; }));
            for (int i = 0; i < 3; ++i) QVERIFY(d.press(a->stepBatch()));
            QVERIFY(test::waitUntil([&] {
                return b->history().batchCount() >= 3 &&
                       b->runState() == SessionController::RunState::paused;
            }));
            d.window->lossPlot()->resetView();
            b->pumpNow();
            save(d, shot.name);
        }
    }

    void laptopScreen() {
        // A newcomer's 1366x768 laptop (minus a panel): first start fills the free screen, and
        // every row of a stepping batch is in view at every stage, without scrolling.
        for (const QString& language : {QStringLiteral("en"), QStringLiteral("zh_CN")}) {
            test::Driver d;
            d.window->controller()->setParityFactory(&make_shadow_run);  // the badge fits too
            d.translator.setLanguage(language);
            d.window->fitToScreen(QRect(0, 0, 1366, 728));
            d.window->show();
            QCOMPARE(d.window->size(), QSize(1366, 728));
            d.open(QStringLiteral("tensor_return"));
            QVERIFY(d.waitHeld(0));
            auto* scroll = d.window->pipelineScroll();
            QVERIFY(scroll);
            RunActions* a = d.window->runActions();
            for (int i = 0; i < 12; ++i) {
                d.window->controller()->pumpNow();
                test::settle();
                QCOMPARE(scroll->verticalScrollBar()->maximum(), 0);  // nothing to scroll to
                if (i == 6) save(d, QStringLiteral("window_laptop_%1.png").arg(language));
                QVERIFY(d.press(a->stepStage()));
            }
            QVERIFY(d.window->pipelineView()->rowHeight() >= 20);
        }
    }

    void breakpointsDock() {
        // The Breakpoints dock on a laptop screen, held at a hit, one breakpoint disabled.
        for (const QString& language : {QStringLiteral("en"), QStringLiteral("zh_CN")}) {
            test::Driver d;
            d.window->controller()->setParityFactory(&make_shadow_run);  // the badge fits too
            d.translator.setLanguage(language);
            d.window->fitToScreen(QRect(0, 0, 1366, 728));
            d.window->show();
            RunConfig config = test::lessonConfig("nan_loss");
            config.breakpoints = {
                {"nonfinite"}, {"grad_norm > 100", false}, {"stage = backward and batch = 2"}};
            d.start(config);
            QVERIFY(d.waitHeld(0));
            d.window->runActions()->setDelay(0);
            QVERIFY(d.press(d.window->runActions()->run()));  // batch 2's backward
            QVERIFY(d.press(d.window->runActions()->run()));  // the NaN of batch 3
            auto* dock = d.window->findChild<QDockWidget*>(QStringLiteral("breakpointsDock"));
            QVERIFY(dock);
            dock->raise();
            d.window->breakpointsView()->input()->setText(
                QStringLiteral("acc <"));  // a typo, shown
            d.window->controller()->pumpNow();
            test::settle();
            QCOMPARE(d.window->breakpointsView()->hits(0), 1);
            save(d, QStringLiteral("window_breakpoints_%1.png").arg(language));
        }
    }

    void codeView() {
        // The Code dock widened beside the pipeline, held at backward: the listing marks it.
        for (const QString& language : {QStringLiteral("en"), QStringLiteral("zh_CN")}) {
            test::Driver d;
            d.translator.setLanguage(language);
            d.window->show();
            d.open(QStringLiteral("accumulate_3"));
            QVERIFY(d.waitHeld(0));
            for (int i = 0; i < 12 && d.current() != std::optional<Stage>(Stage::backward); ++i)
                QVERIFY(d.press(d.window->runActions()->stepStage()));
            auto* dock = d.window->findChild<QDockWidget*>(QStringLiteral("codeDock"));
            QVERIFY(dock);
            dock->raise();
            d.window->resizeDocks({dock}, {900}, Qt::Horizontal);
            d.window->controller()->pumpNow();
            test::settle();
            save(d, QStringLiteral("window_code_%1.png").arg(language));
        }
    }

    void tensorsDock() {
        // The Tensors dock held before on_before_backward of a batch: zero_grad(set_to_none=True)
        // just set the grads to None (highlighted), the weight selected with its values; in
        // English on a large screen, in Chinese on a laptop's. Then the ledger of an
        // accumulation cycle.
        for (const QString& language : {QStringLiteral("en"), QStringLiteral("zh_CN")}) {
            test::Driver d;
            d.translator.setLanguage(language);
            if (language != QStringLiteral("en"))
                d.window->fitToScreen(QRect(0, 0, 1366, 728));  // a laptop
            d.window->show();
            test::settle();
            d.window->tensorsDock()->raise();
            d.open(QStringLiteral("set_to_none_momentum"));
            QVERIFY(d.waitHeld(0));
            RunActions* a = d.window->runActions();
            QVERIFY(
                d.press(a->stepBatch()));  // batch 1: batch 0's grads are there to be set to None
            for (int i = 0;
                 i < 12 && d.current() != std::optional<Stage>(Stage::on_before_backward); ++i)
                QVERIFY(d.press(a->stepStage()));
            d.window->tensorsView()->selectTensor(QStringLiteral("weight"));
            QVERIFY(test::waitUntil([&] {
                d.window->controller()->pumpNow();
                const TensorReport* r = d.window->tensorsView()->report();
                return r && r->detail && r->detail->name == "weight" && r->boundaries == 1;
            }));
            d.window->tensorsView()->detailTabs()->setCurrentIndex(TensorsView::ValuesTab);
            d.window->resizeDocks({d.window->tensorsDock()}, {640}, Qt::Horizontal);
            test::settle();
            save(d, QStringLiteral("window_tensors_%1.png").arg(language));
            d.window->tensorsView()->detailTabs()->setCurrentIndex(TensorsView::HistogramTab);
            test::settle();
            QVERIFY(d.window->tensorsView()->grab().save(
                QDir(QStringLiteral(STEPWISE_SCREENSHOT_DIR))
                    .filePath(QStringLiteral("tensors_histogram_%1.png").arg(language))));
        }
        test::Driver d;
        d.window->fitToScreen(QRect(0, 0, 1366, 728));
        d.window->show();
        test::settle();
        d.window->ledgerDock()->raise();
        RunConfig config = test::lessonConfig("accumulate_3");
        config.trainer.gradient_clip_val = 0.05;
        d.start(config);
        QVERIFY(d.waitHeld(0));
        for (int i = 0; i < 6; ++i) QVERIFY(d.press(d.window->runActions()->stepBatch()));
        d.window->resizeDocks({d.window->ledgerDock()}, {640}, Qt::Horizontal);
        d.window->controller()->pumpNow();
        test::settle();
        save(d, QStringLiteral("window_ledger.png"));
    }

    void theCurrentStageIsScrolledIntoViewOnAShortWindow() {
        test::Driver d;
        d.window->fitToScreen(QRect(0, 0, 1366, 340));
        d.window->show();
        d.open(QStringLiteral("tensor_return"));
        QVERIFY(d.waitHeld(0));
        auto* scroll = d.window->pipelineScroll();
        RunActions* a = d.window->runActions();
        bool scrolled = false;
        for (int i = 0; i < 13; ++i) {  // a whole batch, then the next one's start
            QVERIFY(d.press(a->stepStage()));
            d.window->controller()->pumpNow();
            test::settle();  // the paint, then the queued scroll
            const QRect row = d.window->pipelineView()->currentRowRect();
            QVERIFY(!row.isEmpty());
            const QRect visible(QPoint(0, scroll->verticalScrollBar()->value()),
                                scroll->viewport()->size());
            QVERIFY2(row.top() >= visible.top() && row.bottom() <= visible.bottom(),
                     qPrintable(QStringLiteral("row %1..%2, visible %3..%4")
                                    .arg(row.top())
                                    .arg(row.bottom())
                                    .arg(visible.top())
                                    .arg(visible.bottom())));
            scrolled = scrolled || scroll->verticalScrollBar()->value() > 0;
        }
        QVERIFY2(scrolled, qPrintable(QStringLiteral("window %1x%2, viewport %3, scroll max %4")
                                          .arg(d.window->width())
                                          .arg(d.window->height())
                                          .arg(scroll->viewport()->height())
                                          .arg(scroll->verticalScrollBar()->maximum())));
        // the view was too short for the batch: it had to follow
    }

    void stepping() {
        test::Driver d;
        d.window->show();
        d.open(QStringLiteral("none_batches"));
        QVERIFY(d.waitHeld(0));
        RunActions* a = d.window->runActions();
        // A few batches, then into the None batch that follows, stopping at backward (skipped).
        for (int i = 0; i < 5; ++i) QVERIFY(d.press(a->stepBatch()));
        for (int i = 0; i < 9 && d.current() != Stage::on_before_optimizer_step; ++i)
            QVERIFY(d.press(a->stepStage()));
        save(d, QStringLiteral("window_stepping.png"));
    }

    void accumulateWithExtras() {
        test::Driver d;
        d.window->show();
        RunConfig config = test::lessonConfig("dict_extras");
        config.trainer.accumulate_grad_batches = 3;
        config.trainer.max_epochs = 6;
        d.start(config);
        QVERIFY(d.waitHeld(0));
        RunActions* a = d.window->runActions();
        for (int i = 0; i < 28; ++i) QVERIFY(d.press(a->stepBatch()));
        for (int i = 0; i < 5; ++i) QVERIFY(d.press(a->stepStage()));
        QTableWidget* extras = d.window->extrasView()->table();
        if (extras->rowCount() > 0 &&
            (extras->item(0, ExtrasView::PlotColumn)->flags() & Qt::ItemIsUserCheckable))
            extras->item(0, ExtrasView::PlotColumn)->setCheckState(Qt::Checked);
        save(d, QStringLiteral("window_accumulate.png"));
        // The same cycles over global_step: each spans [g, g + 1], the line at its step.
        d.window->lossPlot()->setXAxis(LossPlot::XAxis::globalStep);
        save(d, QStringLiteral("window_accumulate_global_step.png"));
    }

    void fullSpeed() {
        test::Driver d;
        d.window->show();
        RunConfig config = test::lessonConfig("none_batches");
        config.trainer.max_epochs = 300;
        d.start(config);
        QVERIFY(d.waitHeld(0));
        d.window->runActions()->setDelay(0);
        d.window->runActions()->run()->trigger();
        QVERIFY(d.waitEnded());
        save(d, QStringLiteral("window_full_speed.png"));
    }

    void breakpointHit() {
        // nan_loss with a breakpoint on a non-finite loss: held right after batch 3's
        // training_step.
        test::Driver d;
        d.window->show();
        RunConfig config = test::lessonConfig("nan_loss");
        config.breakpoints = {{"nonfinite"}};
        d.start(config);
        QVERIFY(d.waitHeld(0));
        const int paused = d.pausedCount;
        d.window->runActions()->setDelay(0);
        d.window->runActions()->run()->trigger();
        QVERIFY(d.waitHeld(paused));
        QCOMPARE(d.window->pipelineView()->state().batchIdx(), 3);
        save(d, QStringLiteral("window_breakpoint.png"));
    }

    void rewound() {
        // The README's walk-through: held at the NaN, back one batch, then forward stage by stage
        // into batch 3 until backward has filled the grads with NaN.
        test::Driver d;
        d.window->controller()->setParityFactory(&make_shadow_run);
        d.window->show();
        RunConfig config = test::lessonConfig("nan_loss");
        config.breakpoints = {{"nonfinite"}};
        d.start(config);
        QVERIFY(d.waitHeld(0));
        d.window->runActions()->setDelay(0);
        QVERIFY(d.press(d.window->runActions()->run()));
        QVERIFY(d.press(d.window->runActions()->backBatch()));
        QCOMPARE(d.window->pipelineView()->state().batchIdx(), 2);
        QVERIFY(d.press(d.window->runActions()->stepBatch()));
        for (int i = 0;
             i < 12 && d.current() != std::optional<Stage>(Stage::on_before_optimizer_step); ++i)
            QVERIFY(d.press(d.window->runActions()->stepStage()));
        QCOMPARE(d.current(), std::optional<Stage>(Stage::on_before_optimizer_step));
        QCOMPARE(d.window->pipelineView()->state().batchIdx(), 3);
        // The parity badge: green, the unwatched run caught up while this one holds.
        const ParityMeter& meter = d.window->controller()->parity();
        QVERIFY(test::waitUntil([&] {
            d.window->controller()->pumpNow();
            return meter.state() == ParityMeter::State::identical && meter.identical() == 3;
        }));
        save(d, QStringLiteral("window_rewind.png"));
    }

    void failedStage() {
        test::Driver d;
        d.window->show();
        d.open(QStringLiteral("non_scalar_loss"));
        QVERIFY(d.waitHeld(0));
        d.window->runActions()->run()->trigger();
        QVERIFY(d.waitEnded());
        save(d, QStringLiteral("window_failed.png"));
    }

    void sourceError() {
        test::Driver d;
        d.window->show();
        d.open(QStringLiteral("dict_extras"));
        QVERIFY(d.waitHeld(0));
        SourceEditor* editor = d.window->sourceEditor();
        QString text = editor->text();
        text.replace(QStringLiteral("return {"), QStringLiteral("return {{"));
        editor->editor()->setPlainText(text);
        d.events.clear();
        d.pausedCount = 0;
        d.ended = false;
        editor->findChild<QToolButton*>(QStringLiteral("sourceApply"))->click();
        QVERIFY(d.waitEnded());
        save(d, QStringLiteral("window_source_error.png"));
    }

    void chinese() {
        test::Driver d;
        d.translator.setLanguage(QStringLiteral("zh_CN"));
        d.window->show();
        d.open(QStringLiteral("none_batches"));
        QVERIFY(d.waitHeld(0));
        RunActions* a = d.window->runActions();
        for (int i = 0; i < 5; ++i) QVERIFY(d.press(a->stepBatch()));
        for (int i = 0; i < 5; ++i) QVERIFY(d.press(a->stepStage()));
        save(d, QStringLiteral("window_zh_CN.png"));
        d.translator.setLanguage(QStringLiteral("en"));
    }

    void lbfgs() {
        test::Driver d;
        d.window->show();
        d.open(QStringLiteral("lbfgs"));
        QVERIFY(d.waitHeld(0));
        RunActions* a = d.window->runActions();
        QVERIFY(d.press(a->stepBatch()));
        QVERIFY(d.press(a->stepBatch()));
        for (int i = 0; i < 4; ++i) QVERIFY(d.press(a->stepClosure()));
        for (int i = 0; i < 5; ++i) QVERIFY(d.press(a->stepStage()));
        save(d, QStringLiteral("window_lbfgs.png"));
    }

    void learningRateSchedule() {
        // The scheduler's own stage (held on it, lr before → after) in English and Chinese on a
        // laptop screen, where the extra row must still fit without scrolling; then the whole
        // run with the learning rate on its own axis.
        for (const QString& language : {QStringLiteral("en"), QStringLiteral("zh_CN")}) {
            test::Driver d;
            d.window->controller()->setParityFactory(&make_shadow_run);  // the badge fits too
            d.translator.setLanguage(language);
            d.window->fitToScreen(QRect(0, 0, 1366, 728));
            d.window->show();
            d.open(QStringLiteral("lr_schedule"));
            QVERIFY(d.waitHeld(0));
            RunActions* a = d.window->runActions();
            for (int i = 0; i < 3; ++i) QVERIFY(d.press(a->stepBatch()));
            for (int i = 0; i < 14 && d.current() != Stage::lr_scheduler_step; ++i)
                QVERIFY(d.press(a->stepStage()));
            QCOMPARE(d.current(), Stage::lr_scheduler_step);
            QVERIFY(d.press(a->stepStage()));  // its exit: lr before -> after
            auto* scroll = d.window->pipelineScroll();
            QVERIFY(scroll);
            d.window->controller()->pumpNow();
            test::settle();
            QCOMPARE(scroll->verticalScrollBar()->maximum(), 0);
            save(d, QStringLiteral("window_lr_schedule_%1.png").arg(language));
            d.window->runActions()->setDelay(0);
            d.window->runActions()->run()->trigger();
            QVERIFY(d.waitEnded());
            QVERIFY(d.window->lossPlot()->lrVisible());  // it turned on by itself
            QCOMPARE(d.window->lossPlot()->lrPointCount(), d.window->lossPlot()->drawnPointCount());
            save(d, QStringLiteral("window_lr_schedule_done_%1.png").arg(language));
            // The configuration panel with the scheduler and its arguments.
            ConfigPanel* panel = d.window->configPanel();
            for (QWidget* w = panel; w; w = w->parentWidget())
                if (auto* dock = qobject_cast<QDockWidget*>(w)) dock->raise();
            QCOMPARE(panel->schedulerBox()->currentText(), QStringLiteral("OneCycleLR"));
            QVERIFY(panel->schedulerOptionTable()->rowCount() > 5);
            const QPixmap shot = panel->grab();
            QVERIFY(shot.save(
                QDir(QStringLiteral(STEPWISE_SCREENSHOT_DIR))
                    .filePath(QStringLiteral("config_lr_schedule_%1.png").arg(language))));
        }
    }
};

QTEST_MAIN(TestScreenshots)
#include "tst_screenshots.moc"
