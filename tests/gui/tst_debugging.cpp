// Debugging in the window (issue "Debug a training_step"). Going back: the back actions and the
// slider under the loss plot send the run back; the window shows the rewind for what it is: the
// history is cut back, the plot loses the points after it, and the log says where the run went.
// The Breakpoints dock: add, check as typed, disable, delete, count hits, change a running run.

#include <qcustomplot.h>

#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSlider>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeWidget>
#include <QtTest>

#include "breakpoints_view.h"
#include "code_view.h"
#include "gui_test_utils.h"
#include "ledger_view.h"
#include "log_model.h"
#include "log_view.h"
#include "loss_plot.h"
#include "rewind_slider.h"
#include "run_actions.h"
#include "tensors_view.h"

using namespace stepwise;
using namespace stepwise::gui;
using RunState = SessionController::RunState;
using test::lessonConfig;

namespace {

QStringList logMessages(MainWindow& window) {
    LogModel* log = window.logView()->model();
    QStringList messages;
    for (int row = 0; row < log->rowCount(); ++row)
        messages << log->data(log->index(row, LogModel::MessageColumn), Qt::DisplayRole).toString();
    return messages;
}

/// Steps stage by stage until the run holds at `stage` of `batch`, and its tensors report came.
bool holdWithReport(test::Driver& d, Stage stage, int batch) {
    for (int i = 0; i < 60; ++i) {
        const PipelineState& s = d.window->pipelineView()->state();
        if (d.current() == std::optional<Stage>(stage) && s.batchIdx() == batch) break;
        if (!d.press(d.window->runActions()->stepStage())) return false;
    }
    TensorsView* view = d.window->tensorsView();
    return test::waitUntil([&] {
        d.window->controller()->pumpNow();
        return view->report() &&
               view->whereLabel()->text().contains(QString::fromLatin1(stage_name(stage)));
    });
}

}  // namespace

class TestDebugging : public QObject {
    Q_OBJECT

  private Q_SLOTS:
    void backOneBatchCutsTheHistoryThePlotAndTheLogSaysWhere() {
        test::Driver d;
        d.open(QStringLiteral("tensor_return"));
        QVERIFY2(d.waitHeld(0), qPrintable(d.describe()));
        RunActions* actions = d.window->runActions();
        for (QAction* back : actions->back()) QVERIFY(back->isEnabled());
        for (int i = 0; i < 4; ++i) QVERIFY(d.press(actions->stepBatch()));
        d.window->controller()->pumpNow();
        const RunHistory& history = d.window->controller()->history();
        QCOMPARE(history.batchCount(), std::size_t(4));
        const float lossOfBatch3 = history.loss(3);

        QVERIFY(d.press(actions->backBatch()));
        d.window->controller()->pumpNow();
        test::settle();
        QCOMPARE(history.batchCount(), std::size_t(3));  // batch 3 starts over
        QCOMPARE(d.window->pipelineView()->state().batchIdx(), 3);
        QCOMPARE(d.window->pipelineView()->state().current(),
                 std::optional<Stage>(Stage::on_train_batch_start));
        QCOMPARE(d.window->controller()->runState(), RunState::paused);
        d.window->lossPlot()->flush();
        QCOMPARE(d.window->lossPlot()->drawnPointCount(), 3);
        const QStringList messages = logMessages(*d.window);
        QVERIFY2(
            messages.contains(QStringLiteral("went back to epoch 0, batch 3, before "
                                             "on_train_batch_start; what follows is recomputed")),
            qPrintable(messages.join(QLatin1Char('\n'))));

        // Forward again: the same batch, the same loss, bit for bit.
        QVERIFY(d.press(actions->stepBatch()));
        d.window->controller()->pumpNow();
        QCOMPARE(history.batchCount(), std::size_t(4));
        QCOMPARE(history.loss(3), lossOfBatch3);
        actions->stop()->trigger();
        QVERIFY(d.waitEnded());
        d.window->controller()->pumpNow();
        for (QAction* back : actions->back())
            QVERIFY(!back->isEnabled());  // an ended run cannot go back
    }

    void backOneStageAtABatchStartHoldsAtThePreviousBatchsLastStage() {
        test::Driver d;
        d.open(QStringLiteral("tensor_return"));
        QVERIFY(d.waitHeld(0));
        RunActions* actions = d.window->runActions();
        QVERIFY(d.press(actions->stepBatch()));
        QVERIFY(d.press(actions->stepBatch()));
        QVERIFY(d.press(actions->backStage()));
        d.window->controller()->pumpNow();
        QCOMPARE(d.window->pipelineView()->state().batchIdx(), 1);
        QCOMPARE(d.window->pipelineView()->state().current(),
                 std::optional<Stage>(Stage::on_train_batch_end));
        QCOMPARE(d.window->controller()->history().batchCount(), std::size_t(1));
        // And back to that batch's start.
        QVERIFY(d.press(actions->backBatchStart()));
        d.window->controller()->pumpNow();
        QCOMPARE(d.window->pipelineView()->state().current(),
                 std::optional<Stage>(Stage::on_train_batch_start));
        QCOMPARE(d.window->pipelineView()->state().batchIdx(), 1);
    }

    void theSliderUnderThePlotGoesBackToAnyEarlierBatch() {
        test::Driver d;
        d.open(QStringLiteral("mlp_spiral"));
        QVERIFY(d.waitHeld(0));
        RunActions* actions = d.window->runActions();
        for (int i = 0; i < 10; ++i) QVERIFY(d.press(actions->stepBatch()));
        d.window->controller()->pumpNow();
        test::settle();
        QSlider* slider = d.window->rewindSlider()->slider();
        QVERIFY(d.window->rewindSlider()->isEnabled());
        QCOMPARE(slider->maximum(), 10);
        QCOMPARE(slider->value(), 10);
        const int before = d.pausedCount;
        slider->setValue(2);  // what letting go of a drag does
        QVERIFY(d.waitHeld(before));
        d.window->controller()->pumpNow();
        test::settle();
        QCOMPARE(d.window->controller()->history().batchCount(), std::size_t(2));
        QCOMPARE(d.window->pipelineView()->state().batchIdx(), 2);
        QCOMPARE(slider->maximum(), 2);
    }

    void aFailedRunHeldByAnExceptionBreakpointGoesBackToBeforeTheFailure() {
        test::Driver d;
        RunConfig config = lessonConfig("dict_without_loss");
        config.breakpoints = {{"exception"}};
        d.start(config);
        QVERIFY(d.waitHeld(0));
        QVERIFY(d.press(d.window->runActions()->run()));  // held after the failure
        d.window->controller()->pumpNow();
        QCOMPARE(d.count(EventType::error), 1);
        QVERIFY(d.press(d.window->runActions()->backBatchStart()));
        d.window->controller()->pumpNow();
        test::settle();
        QCOMPARE(d.window->controller()->runState(), RunState::paused);
        QCOMPARE(d.window->pipelineView()->state().current(),
                 std::optional<Stage>(Stage::on_train_batch_start));
        // The error is undone: the log no longer has it.
        for (const QString& message : logMessages(*d.window))
            QVERIFY2(!message.contains(QLatin1String("MisconfigurationException")),
                     qPrintable(message));
    }

    void aRefusalIsLoggedInChinese() {
        test::Driver d;
        d.open(QStringLiteral("tensor_return"));
        QVERIFY(d.waitHeld(0));
        d.translator.setLanguage(QStringLiteral("zh_CN"));
        d.window->runActions()->backHit()->trigger();
        QVERIFY(test::waitUntil(
            [&] {
                d.window->controller()->pumpNow();
                return logMessages(*d.window).contains(
                    QStringLiteral("无法回退到断点命中处：此前没有断点暂停过运行"));
            },
            10000));
        d.translator.setLanguage(QStringLiteral("en"));
    }

    void theBreakpointsDockAddsChecksDisablesDeletesAndCountsHits() {
        test::Driver d;
        RunConfig config = lessonConfig("nan_loss");
        config.breakpoints = {{"stage = backward and batch = 1"}};
        d.start(config);
        QVERIFY(d.waitHeld(0));
        BreakpointsView* view = d.window->breakpointsView();
        QCOMPARE(view->table()->rowCount(), 1);  // the config's

        // What does not parse says why, and cannot be added.
        view->input()->setText(QStringLiteral("grad_norm >"));
        auto* problem = view->findChild<QLabel*>(QStringLiteral("breakpointProblem"));
        QVERIFY(problem->isVisibleTo(view));
        QVERIFY2(problem->text().contains(QLatin1String("column")), qPrintable(problem->text()));
        QVERIFY(!view->findChild<QPushButton*>(QStringLiteral("breakpointAdd"))->isEnabled());
        QVERIFY(!view->addTyped());

        // Added while the run is held: the run uses it from its next boundary.
        view->input()->setText(QStringLiteral("nonfinite"));
        QVERIFY(!problem->isVisibleTo(view));
        QVERIFY(view->addTyped());
        QCOMPARE(view->table()->rowCount(), 2);
        QCOMPARE(d.window->controller()->config().breakpoints.size(),
                 std::size_t(2));  // kept for a reset

        // Disable the place breakpoint: Run goes straight to the NaN of batch 3.
        view->table()->item(0, 0)->setCheckState(Qt::Unchecked);
        QVERIFY(!view->breakpoints()[0].enabled);
        QVERIFY(d.press(d.window->runActions()->run()));
        d.window->controller()->pumpNow();
        QCOMPARE(d.window->pipelineView()->state().batchIdx(), 3);
        QCOMPARE(view->hits(0), 0);
        QCOMPARE(view->hits(1), 1);
        QCOMPARE(view->table()->item(1, 2)->text(), QStringLiteral("1"));

        // Going back one batch undoes the hit; forward again hits again.
        QVERIFY(d.press(d.window->runActions()->backBatch()));
        d.window->controller()->pumpNow();
        QCOMPARE(view->hits(1), 0);
        QVERIFY(d.press(d.window->runActions()->run()));
        d.window->controller()->pumpNow();
        QCOMPARE(view->hits(1), 1);

        // Delete it: the run goes on to its end without holding again.
        view->table()->selectRow(1);
        view->removeSelected();
        QCOMPARE(view->table()->rowCount(), 1);
        d.window->runActions()->run()->trigger();
        QVERIFY(d.waitEnded());
        d.window->controller()->pumpNow();
        QCOMPARE(d.window->controller()->runState(), RunState::finished);
    }

    void theCodeViewShowsTheModelAndMarksTheStageAsTheRunSteps() {
        test::Driver d;
        d.open(QStringLiteral("tensor_return"));
        QVERIFY(d.waitHeld(0));
        d.window->controller()->pumpNow();
        CodeView* code = d.window->codeView();
        QVERIFY2(code->modelCode().contains(QLatin1String("def training_step")),
                 qPrintable(code->modelCode()));
        RunActions* a = d.window->runActions();
        QStringList seen;
        for (int i = 0; i < 12 && d.current() != std::optional<Stage>(Stage::backward); ++i) {
            QVERIFY(d.press(a->stepStage()));
            d.window->controller()->pumpNow();
            test::settle();
            seen << code->listingLine(code->highlightedLine());
            if (d.current() == std::optional<Stage>(Stage::training_step)) {
                QVERIFY(code->highlightedModelLine() >= 0);  // its definition in the model's code
                QVERIFY(code->modelCode()
                            .split(QLatin1Char('\n'))[code->highlightedModelLine()]
                            .contains(QLatin1String("def training_step")));
            }
        }
        QCOMPARE(d.current(), std::optional<Stage>(Stage::backward));
        QVERIFY2(code->listingLine(code->highlightedLine())
                     .trimmed()
                     .startsWith(QLatin1String("loss.backward()")),
                 qPrintable(seen.join(QLatin1Char('\n'))));
        QCOMPARE(code->highlightedModelLine(), -1);
        // optimizer.step(step_closure) was marked on the way: this batch steps.
        QVERIFY2(seen.filter(QStringLiteral("optimizer.step(step_closure)")).size() == 1,
                 qPrintable(seen.join(QLatin1Char('\n'))));
        // Translated like the rest: the listing's comments, not its code.
        d.translator.setLanguage(QStringLiteral("zh_CN"));
        test::settle();  // the language change reaches the widgets as posted events
        QVERIFY(
            code->listingLine(code->highlightedLine()).contains(QLatin1String("loss.backward()")));
        QVERIFY2(code->listingLine(code->highlightedLine() - 1).contains(QStringLiteral("梯度")),
                 qPrintable(code->listingLine(code->highlightedLine() - 1)));
        d.translator.setLanguage(QStringLiteral("en"));
    }

    void aTorchScriptModelShowsTheCodeItsFileKeeps() {
        test::Driver d;
        QVERIFY(d.window->openPath(
            QStringLiteral(STEPWISE_FIXTURES_DIR "/golden/a_sgd_plain_tensor/config.json")));
        QVERIFY2(d.waitHeld(0), qPrintable(d.describe()));
        d.window->controller()->pumpNow();
        const QString code = d.window->codeView()->modelCode();
        QVERIFY2(code.startsWith(QLatin1String("# file: code/")), qPrintable(code.left(200)));
        QVERIFY2(code.contains(QLatin1String("def training_step")), qPrintable(code));
    }

    void aResetKeepsTheDocksBreakpoints() {
        test::Driver d;
        d.open(QStringLiteral("nan_loss"));
        QVERIFY(d.waitHeld(0));
        d.window->breakpointsView()->input()->setText(QStringLiteral("nonfinite"));
        QVERIFY(d.window->breakpointsView()->addTyped());
        d.pausedCount = 0;
        d.ended = false;
        d.window->runActions()->reset()->trigger();
        QVERIFY(d.waitHeld(0));
        QCOMPARE(d.window->breakpointsView()->table()->rowCount(), 1);
        QVERIFY(d.press(d.window->runActions()->run()));  // holds at the NaN, not at the end
        QVERIFY(!d.ended);
        d.window->controller()->pumpNow();
        QCOMPARE(d.window->pipelineView()->state().batchIdx(), 3);
    }

    void theTensorsDockShowsGradsSetToNoneAndTheSelectedTensorsValues() {
        test::Driver d;
        d.window->show();
        d.window->tensorsDock()->raise();
        d.open(QStringLiteral("set_to_none_momentum"));
        QVERIFY2(d.waitHeld(0), qPrintable(d.describe()));
        TensorsView* view = d.window->tensorsView();
        // At once, while held: every parameter, its grad None, nothing compared yet.
        QVERIFY(test::waitUntil([&] {
            d.window->controller()->pumpNow();
            return view->report() != nullptr;
        }));
        QTreeWidgetItem* grad = view->itemFor(QStringLiteral("weight.grad"));
        QVERIFY(grad);
        QCOMPARE(grad->text(TensorsView::NormColumn), QStringLiteral("None"));
        QVERIFY(!view->itemFor(QStringLiteral("weight:momentum_buffer")));

        // Batch 1, after optimizer_zero_grad(set_to_none=True): batch 0's grads are None again.
        QVERIFY(holdWithReport(d, Stage::on_before_backward, 1));
        grad = view->itemFor(QStringLiteral("weight.grad"));
        QVERIFY(grad);
        QCOMPARE(grad->text(TensorsView::ChangeColumn), QStringLiteral("set to None"));
        QCOMPARE(grad->background(TensorsView::NameColumn).color(), QColor(254, 243, 199));
        QVERIFY(view->whereLabel()->text().contains(
            QStringLiteral("Highlighted: what optimizer_zero_grad changed")));
        QTreeWidgetItem* momentum = view->itemFor(QStringLiteral("weight:momentum_buffer"));
        QVERIFY(momentum);
        QCOMPARE(momentum->text(TensorsView::ChangeColumn),
                 QString());  // zero_grad leaves it alone
        QCOMPARE(momentum->parent(), view->itemFor(QStringLiteral("weight")));

        // Selecting a tensor asks the held run for its values: grid, histogram, heat map.
        view->selectTensor(QStringLiteral("weight"));
        QVERIFY(test::waitUntil([&] {
            d.window->controller()->pumpNow();
            return view->report() && view->report()->detail &&
                   view->report()->detail->name == "weight";
        }));
        QCOMPARE(view->valueGrid()->rowCount(), 1);
        QCOMPARE(view->valueGrid()->columnCount(), 3);
        QVERIFY(view->detailTabs()->isTabEnabled(TensorsView::HeatMapTab));
        QCOMPARE(view->histogram()->plottableCount(), 1);
        QCOMPARE(view->histogram()->plottable(0)->interface1D()->dataCount(),
                 TensorDetail::kHistogramBins);

        // Batch 2 (batch 1 returned None: no backward): backward fills the grads; the update
        // moves the weights, and the changed cells are marked.
        QVERIFY(holdWithReport(d, Stage::on_after_backward, 2));
        QCOMPARE(view->itemFor(QStringLiteral("weight.grad"))->text(TensorsView::ChangeColumn),
                 QStringLiteral("filled by backward"));
        QVERIFY(holdWithReport(d, Stage::on_train_batch_end, 2));
        QVERIFY(view->itemFor(QStringLiteral("weight"))
                    ->text(TensorsView::ChangeColumn)
                    .startsWith(QStringLiteral("moved")));
        QCOMPARE(view->valueGrid()->item(0, 0)->background().color(), QColor(254, 243, 199));

        // Running on: the report is marked as of the last hold, and no more come at full speed.
        d.window->runActions()->setDelay(0);
        d.window->runActions()->run()->trigger();
        QVERIFY(d.waitEnded());
        d.window->controller()->pumpNow();
        QVERIFY(view->whereLabel()->text().contains(QStringLiteral("where it last held")));
    }

    void aHiddenTensorsDockReadsNothing() {
        test::Driver d;
        d.window->show();
        for (QDockWidget* dock : d.window->findChildren<QDockWidget*>())
            if (dock->objectName() == QStringLiteral("outputDock"))
                dock->raise();  // Tensors behind it
        d.open(QStringLiteral("tensor_return"));
        QVERIFY(d.waitHeld(0));
        for (int i = 0; i < 6; ++i) QVERIFY(d.press(d.window->runActions()->stepStage()));
        d.window->controller()->pumpNow();
        test::settle();
        QVERIFY(!d.window->tensorsInView());
        QCOMPARE(d.count(EventType::tensors), 0);
        // Brought into view while held: it asks, and the run answers at once.
        d.window->tensorsDock()->raise();
        QVERIFY(test::waitUntil([&] {
            d.window->controller()->pumpNow();
            return d.count(EventType::tensors) == 1;
        }));
        QVERIFY(d.window->tensorsView()->report());
    }

    void theLedgerDockShowsEachBatchsShareOfItsCycle() {
        test::Driver d;
        d.window->show();
        d.window->ledgerDock()->raise();
        RunConfig config = lessonConfig("accumulate_3");
        config.trainer.gradient_clip_val = 0.05;
        d.start(config);
        QVERIFY(d.waitHeld(0));
        LedgerView* ledger = d.window->ledgerView();
        RunActions* a = d.window->runActions();
        QVERIFY(d.press(a->stepBatch()));
        QVERIFY(d.press(a->stepBatch()));
        d.window->controller()->pumpNow();
        // Two batches accumulated: their contributions, the shares still to come.
        QCOMPARE(ledger->batchTable()->rowCount(), 2);
        QCOMPARE(ledger->batchTable()->item(1, LedgerView::ShareColumn)->text(),
                 QStringLiteral("–"));
        QVERIFY(ledger->cycleLabel()->text().startsWith(
            QStringLiteral("Accumulating: 2 of this cycle's batches")));
        QVERIFY(d.press(a->stepBatch()));  // batch 2 steps
        d.window->controller()->pumpNow();
        QCOMPARE(ledger->batchTable()->rowCount(), 3);
        double shares = 0;
        for (int row = 0; row < 3; ++row) {
            QString share = ledger->batchTable()->item(row, LedgerView::ShareColumn)->text();
            share.chop(2);  // " %"
            shares += share.toDouble();
        }
        QVERIFY2(std::abs(shares - 100.0) < 0.25, qPrintable(QString::number(shares)));
        QVERIFY(ledger->cycleLabel()->text().contains(QStringLiteral("optimizer step at batch 2")));
        QVERIFY(ledger->summaryLabel()->text().contains(QStringLiteral("(clipped)")));
        QCOMPARE(ledger->ratioTable()->rowCount(), 2);
        // The next cycle starts afresh.
        QVERIFY(d.press(a->stepBatch()));
        d.window->controller()->pumpNow();
        QCOMPARE(ledger->batchTable()->rowCount(), 1);
        QCOMPARE(ledger->batchTable()->item(0, LedgerView::BatchColumn)->text(),
                 QStringLiteral("3"));
        // Back one batch: the ledger is rebuilt from the history, the cycle as it was.
        QVERIFY(d.press(a->backBatch()));
        d.window->controller()->pumpNow();
        test::settle();
        QCOMPARE(ledger->batchTable()->rowCount(), 3);
    }
};

QTEST_MAIN(TestDebugging)
#include "tst_debugging.moc"
