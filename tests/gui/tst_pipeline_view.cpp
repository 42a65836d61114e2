// Stepping stage by stage highlights exactly the stages Lightning enters, skipped ones included,
// for the tensor, dict, None, accumulation and LBFGS lessons (spec sections 3, 5, 6, 7).

#include <QtTest>

#include "gui_test_utils.h"
#include "pipeline_view.h"
#include "run_actions.h"
#include "stepwise/warning_cache.h"

using namespace stepwise;
using namespace stepwise::gui;

namespace {

const std::vector<Stage> kClosureStages = {Stage::training_step,
                                           Stage::on_before_zero_grad,
                                           Stage::optimizer_zero_grad,
                                           Stage::on_before_backward,
                                           Stage::backward,
                                           Stage::on_after_backward,
                                           Stage::on_before_optimizer_step,
                                           Stage::configure_gradient_clipping};

/// What Lightning enters for one batch whose optimizer ran the closure `calls` times (section 5a;
/// skipped stages are visited too, so the shape is the same on accumulating batches).
std::vector<Stage> expectedBatch(int calls) {
    std::vector<Stage> stages = {Stage::on_train_batch_start, Stage::optimizer_step};
    for (int i = 0; i < calls; ++i)
        stages.insert(stages.end(), kClosureStages.begin(), kClosureStages.end());
    stages.push_back(Stage::on_train_batch_end);
    return stages;
}

QString names(const std::vector<Stage>& stages) {
    QStringList list;
    for (Stage s : stages) list << QString::fromLatin1(stage_name(s));
    return list.join(QStringLiteral(", "));
}

struct BatchRecord {
    std::vector<Stage> highlighted;
    std::vector<Stage> skipped;  ///< as the pipeline view shows them at on_train_batch_end
    Event batchEnd;
};

}  // namespace

class TestPipelineView : public QObject {
    Q_OBJECT
  private:
    /// Steps `batches` batches stage by stage, recording what the view highlights.
    std::vector<BatchRecord> stepThrough(test::Driver& d, int batches) {
        std::vector<BatchRecord> records;
        [&] { QVERIFY(d.waitHeld(0)); }();
        while (int(records.size()) <= batches) {
            const auto current = d.current();
            if (!current) break;
            if (*current == Stage::on_train_batch_start) records.emplace_back();
            if (records.empty()) break;
            records.back().highlighted.push_back(*current);
            if (*current == Stage::on_train_batch_end) {
                const PipelineState& s = d.window->pipelineView()->state();
                for (int i = 0; i < kStageCount; ++i)
                    if (s.stage(Stage(i)).state == StageStatus::State::skipped)
                        records.back().skipped.push_back(Stage(i));
            }
            if (!d.press(d.window->runActions()->stepStage())) break;
        }
        // batch_end events, in order, attached to their batch.
        std::size_t index = 0;
        for (const Event& e : d.events)
            if (e.type == EventType::batch_end && index < records.size())
                records[index++].batchEnd = e;
        records.resize(std::min<std::size_t>(records.size(), std::size_t(batches)));
        return records;
    }

    void checkSequence(const BatchRecord& r, int calls) {
        const auto expected = expectedBatch(calls);
        QVERIFY2(r.highlighted == expected,
                 qPrintable(QStringLiteral("highlighted: %1\nexpected:    %2")
                                .arg(names(r.highlighted), names(expected))));
    }

  private Q_SLOTS:
    void initTestCase() { test::isolateSettings(); }
    void init() { warning_cache::clear(); }

    void tensorReturn() {
        test::Driver d;
        d.open(QStringLiteral("tensor_return"));
        const auto records = stepThrough(d, 2);
        QCOMPARE(records.size(), std::size_t(2));
        for (const auto& r : records) {
            checkSequence(r, 1);
            QVERIFY2(r.skipped.empty(), qPrintable(names(r.skipped)));
            QVERIFY(r.batchEnd.stepped);
        }
    }

    void dictExtras() {
        test::Driver d;
        d.open(QStringLiteral("dict_extras"));
        const auto records = stepThrough(d, 2);
        QCOMPARE(records.size(), std::size_t(2));
        for (const auto& r : records) {
            checkSequence(r, 1);
            QVERIFY(r.skipped.empty());
            QVERIFY(!r.batchEnd.extras.empty());
        }
    }

    void noneBatches() {
        test::Driver d;
        d.open(QStringLiteral("none_batches"));
        const auto records = stepThrough(d, 4);
        QCOMPARE(records.size(), std::size_t(4));
        int none = 0;
        for (const auto& r : records) {
            checkSequence(r, 1);
            if (!r.batchEnd.loss) {
                ++none;
                // Z-1: only the backward stage is skipped; the optimizer step still runs.
                const std::vector<Stage> backward = {Stage::on_before_backward, Stage::backward,
                                                     Stage::on_after_backward};
                QVERIFY2(r.skipped == backward, qPrintable(names(r.skipped)));
                QVERIFY(r.batchEnd.stepped);
            } else {
                QVERIFY(r.skipped.empty());
            }
        }
        QVERIFY(none >= 1);
    }

    void accumulate3() {
        test::Driver d;
        d.open(QStringLiteral("accumulate_3"));
        const auto records = stepThrough(d, 3);
        QCOMPARE(records.size(), std::size_t(3));
        const std::vector<Stage> noStep = {Stage::optimizer_step, Stage::on_before_optimizer_step,
                                           Stage::configure_gradient_clipping};
        const std::vector<Stage> noZero = {Stage::on_before_zero_grad, Stage::optimizer_zero_grad};
        std::vector<Stage> noZeroNoStep = {
            Stage::optimizer_step, Stage::on_before_zero_grad, Stage::optimizer_zero_grad,
            Stage::on_before_optimizer_step, Stage::configure_gradient_clipping};
        for (const auto& r : records) checkSequence(r, 1);
        // H-5 / C-3: batch 0 accumulates and zeroes; batch 1 only accumulates; batch 2 steps.
        QVERIFY2(records[0].skipped == noStep, qPrintable(names(records[0].skipped)));
        QVERIFY2(records[1].skipped == noZeroNoStep, qPrintable(names(records[1].skipped)));
        QVERIFY2(records[2].skipped == noZero, qPrintable(names(records[2].skipped)));
        QVERIFY(!records[0].batchEnd.stepped);
        QVERIFY(!records[1].batchEnd.stepped);
        QVERIFY(records[2].batchEnd.stepped);
        QCOMPARE(records[1].batchEnd.cycle_position, 2);
    }

    void lbfgs() {
        test::Driver d;
        d.open(QStringLiteral("lbfgs"));
        const auto records = stepThrough(d, 1);
        QCOMPARE(records.size(), std::size_t(1));
        const int calls = records[0].batchEnd.closure_calls;
        QVERIFY(calls > 1);
        checkSequence(records[0], calls);
        QVERIFY(records[0].skipped.empty());
    }

    void lbfgsShowsEvaluationNumber() {
        test::Driver d;
        d.open(QStringLiteral("lbfgs"));
        QVERIFY(d.waitHeld(0));
        int evaluations = 0;
        for (int i = 0; i < 60 && evaluations < 3; ++i) {
            QVERIFY(d.press(d.window->runActions()->stepStage()));
            if (d.current() == Stage::training_step) {
                ++evaluations;
                QCOMPARE(d.window->pipelineView()->state().call(), evaluations);
            }
        }
        QCOMPARE(evaluations, 3);
    }

    void stepClosureCallStopsAtTrainingStep() {
        test::Driver d;
        d.open(QStringLiteral("lbfgs"));
        QVERIFY(d.waitHeld(0));
        QVERIFY(d.press(d.window->runActions()->stepClosure()));
        QCOMPARE(d.current(), std::optional<Stage>(Stage::training_step));
        QVERIFY(d.press(d.window->runActions()->stepClosure()));
        QCOMPARE(d.current(), std::optional<Stage>(Stage::training_step));
        QCOMPARE(d.window->pipelineView()->state().call(), 2);
    }
};

QTEST_MAIN(TestPipelineView)
#include "tst_pipeline_view.moc"
