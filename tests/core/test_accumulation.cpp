// Spec §4-5: which batches step, where zero_grad goes, hook order, counters (A-*, H-*, T-1, T-2).

#include <gtest/gtest.h>

#include <cmath>

#include "test_support.h"

namespace stepwise::test {
namespace {

RunConfig with_batches(std::int64_t batches, std::int64_t n, std::int64_t batch_size = 8) {
    RunConfig c = linear_source_config("    return loss", "Tensor");
    c.data.samples = batches * batch_size;
    c.batch_size = batch_size;
    c.trainer.accumulate_grad_batches = n;
    return c;
}

std::vector<std::int64_t> batches_where(const RunLog& r, Stage stage) {
    std::vector<std::int64_t> out;
    for (const auto& e : r.exits())
        if (e.stage == stage && e.outcome == Outcome::ran &&
            (out.empty() || out.back() != e.batch_idx))
            out.push_back(e.batch_idx);
    return out;
}

const std::vector<std::string> kStepping = {"on_train_batch_start",
                                            "optimizer_step",
                                            "training_step",
                                            "on_before_zero_grad",
                                            "optimizer_zero_grad",
                                            "on_before_backward",
                                            "backward",
                                            "on_after_backward",
                                            "on_before_optimizer_step",
                                            "configure_gradient_clipping",
                                            "on_train_batch_end"};

TEST(Accumulation, T1_EveryBatchStepsWithNOne) {
    const RunLog r = run(with_batches(3, 1));
    for (int i = 0; i < 3; ++i) EXPECT_EQ(r.ran(0, i), kStepping) << i;
    EXPECT_EQ(r.run_end().global_step, 3);
    EXPECT_EQ(r.count_ran(Stage::optimizer_zero_grad), 3);
    EXPECT_EQ(r.count_ran(Stage::backward), 3);
}

TEST(Accumulation, T2_A5_WindowsOfThreeOverFiveBatches) {
    const RunLog r = run(with_batches(5, 3));
    EXPECT_EQ(batches_where(r, Stage::optimizer_zero_grad), (std::vector<std::int64_t>{0, 3}));
    EXPECT_EQ(batches_where(r, Stage::optimizer_step), (std::vector<std::int64_t>{2, 4}));
    EXPECT_EQ(r.run_end().global_step, 2);
    EXPECT_EQ(r.count_ran(Stage::backward), 5);
    // H-5: an accumulating batch has no optimizer_step, on_before_optimizer_step or clipping
    EXPECT_EQ(r.ran(0, 0), (std::vector<std::string>{"on_train_batch_start", "training_step",
                                                     "on_before_zero_grad", "optimizer_zero_grad",
                                                     "on_before_backward", "backward",
                                                     "on_after_backward", "on_train_batch_end"}));
    EXPECT_EQ(r.ran(0, 1), (std::vector<std::string>{"on_train_batch_start", "training_step",
                                                     "on_before_backward", "backward",
                                                     "on_after_backward", "on_train_batch_end"}));
    // H-6: a stepping batch that is not a window's first has no zero_grad stage
    EXPECT_EQ(r.ran(0, 2),
              (std::vector<std::string>{"on_train_batch_start", "optimizer_step", "training_step",
                                        "on_before_backward", "backward", "on_after_backward",
                                        "on_before_optimizer_step", "configure_gradient_clipping",
                                        "on_train_batch_end"}));
    // ...and the skipped stages are reported with their reasons, in entry order
    EXPECT_EQ(r.entered(0, 1), (std::vector<std::string>{
                                   "on_train_batch_start", "optimizer_step(skipped)",
                                   "training_step", "on_before_zero_grad(skipped)",
                                   "optimizer_zero_grad(skipped)", "on_before_backward", "backward",
                                   "on_after_backward", "on_before_optimizer_step(skipped)",
                                   "configure_gradient_clipping(skipped)", "on_train_batch_end"}));
    for (const auto& e : r.exits())
        if (e.batch_idx == 4 && e.stage == Stage::optimizer_zero_grad)
            EXPECT_EQ(format_text(e.text),
                      "zero_grad skipped: batch 4 is not the first of its accumulation cycle "
                      "(batch 2 of 3 in its accumulation cycle)");
}

TEST(Accumulation, A5_WindowsOfTwoOverFiveBatchesFinalBatchZeroesAndSteps) {
    const RunLog r = run(with_batches(5, 2));
    EXPECT_EQ(batches_where(r, Stage::optimizer_zero_grad), (std::vector<std::int64_t>{0, 2, 4}));
    EXPECT_EQ(batches_where(r, Stage::optimizer_step), (std::vector<std::int64_t>{1, 3, 4}));
    EXPECT_EQ(r.ran(0, 4), kStepping);
}

TEST(Accumulation, A2_StepsPerEpochAreCeilBOverN_64BatchesGive32And22) {
    EXPECT_EQ(run(with_batches(64, 2, 1)).run_end().global_step, 32);
    EXPECT_EQ(run(with_batches(64, 3, 1)).run_end().global_step, 22);
}

TEST(Accumulation, A2_WindowsNeverSpanEpochs) {
    RunConfig c = with_batches(5, 3);
    c.trainer.max_epochs = 2;
    const RunLog r = run(c);
    EXPECT_EQ(r.run_end().global_step, 4);
    EXPECT_EQ(r.ran(1, 0)[1],
              "training_step");  // epoch 1 starts a new window: accumulate, zero_grad
    EXPECT_EQ(r.ran(1, 0)[3], "optimizer_zero_grad");
}

TEST(Accumulation, A6_ZeroGradCountIsCeilOf20OverN) {
    for (int n : {1, 2, 3}) {
        const RunLog r = run(with_batches(20, n, 2));
        EXPECT_EQ(r.count_ran(Stage::optimizer_zero_grad), static_cast<int>(std::ceil(20.0 / n)))
            << n;
    }
}

TEST(Accumulation, A6_BackwardOncePerBatch_6WithN2And12ForMaxSteps6) {
    EXPECT_EQ(run(with_batches(6, 2)).count_ran(Stage::backward), 6);
    RunConfig c = with_batches(64, 2, 1);
    c.trainer.max_steps = 6;
    EXPECT_EQ(run(c).count_ran(Stage::backward), 12);
}

TEST(Accumulation, A12_MaxStepsWithN10StopsExactlyAtMaxSteps) {
    RunConfig c = with_batches(64, 10, 1);
    c.trainer.max_steps = 3;
    c.trainer.max_epochs = -1;
    const RunLog r = run(c);
    EXPECT_EQ(r.run_end().global_step, 3);
    EXPECT_EQ(r.batch_ends().size(), 30u);  // the next window is never started
}

TEST(Accumulation, A12_MaxStepsInsideAWindowLeavesTheRestUnapplied) {
    RunConfig c = with_batches(8, 3);
    c.trainer.max_steps = 1;
    const RunLog r = run(c);
    EXPECT_EQ(r.run_end().global_step, 1);
    EXPECT_EQ(r.batch_ends().size(), 3u);
}

TEST(Accumulation, A4_GlobalStepCountsWhenTheOptimizerStepHookReturns) {
    const RunLog r = run(with_batches(2, 1));
    for (const auto& e : r.exits()) {
        if (e.batch_idx != 1) continue;
        if (e.stage == Stage::optimizer_step || e.stage == Stage::training_step)
            EXPECT_EQ(e.global_step, 1);
        if (e.stage == Stage::on_train_batch_end) EXPECT_EQ(e.global_step, 2);
    }
}

TEST(Accumulation, H7_OptimizerLevelOrderForNThree) {
    const RunLog r = run(with_batches(5, 3));
    std::vector<std::string> seq;
    for (int i = 0; i < 5; ++i)
        for (const auto& s : r.ran(0, i)) {
            if (s == "optimizer_step") seq.push_back("step");
            if (s == "training_step") seq.push_back("training_step");
            if (s == "optimizer_zero_grad") seq.push_back("zero_grad");
            if (s == "backward") seq.push_back("backward");
        }
    EXPECT_EQ(seq, (std::vector<std::string>{"training_step", "zero_grad", "backward",
                                             "training_step", "backward", "step", "training_step",
                                             "backward", "training_step", "zero_grad", "backward",
                                             "step", "training_step", "backward"}));
}

TEST(Accumulation, N2_TheShortFinalWindowIsStillDividedByN) {
    const RunLog r = run(with_batches(5, 3));
    for (const auto& e : r.exits())
        if (e.stage == Stage::training_step && e.batch_idx == 4)
            EXPECT_DOUBLE_EQ(*e.payload.loss, *e.payload.loss_raw / 3);
}

TEST(Accumulation, BatchEndReportsTheWindowPosition) {
    const RunLog r = run(with_batches(5, 3));
    std::vector<int> pos;
    std::vector<bool> stepped;
    for (const auto& e : r.batch_ends()) {
        pos.push_back(e.cycle_position);
        stepped.push_back(e.stepped);
    }
    EXPECT_EQ(pos, (std::vector<int>{1, 2, 3, 1, 2}));
    EXPECT_EQ(stepped, (std::vector<bool>{false, false, true, false, true}));
}

TEST(Loops, LimitTrainBatchesAsCountAndAsFraction) {
    RunConfig c = with_batches(10, 1);
    c.trainer.limit_train_batches = std::int64_t{4};
    EXPECT_EQ(run(c).batch_ends().size(), 4u);
    c.trainer.limit_train_batches = 0.55;  // int(10 * 0.55) = 5
    EXPECT_EQ(run(c).batch_ends().size(), 5u);
    c.trainer.limit_train_batches = std::int64_t{0};
    EXPECT_EQ(run(c).batch_ends().size(), 0u);
}

TEST(Loops, MaxEpochsRunsEveryEpochAndTheFinalBatchRuleAppliesToEach) {
    RunConfig c = with_batches(4, 3);
    c.trainer.max_epochs = 3;
    const RunLog r = run(c);
    EXPECT_EQ(r.batch_ends().size(), 12u);
    EXPECT_EQ(r.run_end().global_step, 6);
}

}  // namespace
}  // namespace stepwise::test
