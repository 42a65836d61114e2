// Spec §6 and §9: returning None (Z-1...Z-5, T-3, T-4, O-1).

#include <gtest/gtest.h>

#include "stepwise/warning_cache.h"
#include "test_support.h"

namespace stepwise::test {
namespace {

RunConfig none_config(const std::string& rule, std::int64_t batches, std::int64_t n) {
    RunConfig c = linear_source_config("    if " + rule + ":\n        return None\n    return loss",
                                       "Optional[Tensor]");
    c.data.samples = batches * 8;
    c.trainer.accumulate_grad_batches = n;
    return c;
}

TEST(NoneReturn, T3_NoneOnEvenBatchesWithNTwo) {
    const RunLog r = run(none_config("batch_idx % 2 == 0", 4, 2));
    EXPECT_EQ(r.run_end().global_step, 2);
    const auto ends = r.batch_ends();
    ASSERT_EQ(ends.size(), 4u);
    EXPECT_FALSE(ends[0].loss);
    EXPECT_TRUE(ends[0].extras.empty());  // O-1: outputs == {}
    EXPECT_TRUE(ends[1].loss);
    EXPECT_FALSE(ends[2].loss);
    // zero_grad runs on the None batches (0 and 2), backward never does
    EXPECT_EQ(r.count_ran(Stage::optimizer_zero_grad), 2);
    EXPECT_EQ(r.count_ran(Stage::backward), 2);
    for (const auto& e : r.exits())
        if (e.stage == Stage::backward && e.batch_idx % 2 == 0)
            EXPECT_EQ(format_text(e.text), "backward skipped: training_step returned None");
}

TEST(NoneReturn, Z1_NoneStillRunsTheOptimizerStepClippingHooksAndCountsGlobalStep) {
    RunConfig c = none_config("True", 5, 1);
    c.trainer.gradient_clip_val = 0.5;
    const RunLog r = run(c);
    EXPECT_EQ(r.run_end().global_step, 5);
    EXPECT_EQ(r.count_ran(Stage::optimizer_step), 5);
    EXPECT_EQ(r.count_ran(Stage::on_before_optimizer_step), 5);
    EXPECT_EQ(r.count_ran(Stage::configure_gradient_clipping), 5);
    EXPECT_EQ(r.count_ran(Stage::backward), 0);
}

TEST(NoneReturn, T4_Z3a_SetToNoneLeavesWeightsBitIdenticalEvenWithMomentumAndWeightDecay) {
    warning_cache::clear();
    RunConfig c = none_config("True", 6, 1);
    c.optimizer.options = {{"lr", 0.1}, {"momentum", 0.9}, {"weight_decay", 0.01}};
    c.zero_grad_set_to_none = true;
    const RunLog r = run(c);
    EXPECT_EQ(flat(*r.of(EventType::run_start)[0].parameters), flat(*r.run_end().parameters));
    EXPECT_EQ(r.run_end().global_step, 6);
    EXPECT_EQ(r.count_ran(Stage::on_before_optimizer_step), 6);
    EXPECT_EQ(r.warnings("lightning").size(), 1u);
    for (const auto& e : r.exits())
        if (e.stage == Stage::optimizer_step) EXPECT_EQ(*e.payload.update_norm, 0.0);
}

TEST(NoneReturn, Z3b_ZeroFilledGradsLetMomentumAndWeightDecayMoveTheWeights) {
    RunConfig c = none_config("batch_idx % 2 == 1", 4, 1);
    c.optimizer.options = {{"lr", 0.1}, {"momentum", 0.9}, {"weight_decay", 0.01}};
    c.zero_grad_set_to_none = false;
    const RunLog r = run(c);
    for (const auto& e : r.exits())
        if (e.stage == Stage::optimizer_step && e.batch_idx == 1)
            EXPECT_GT(*e.payload.update_norm, 0.0);
    // Plain SGD with zero grads does not move
    RunConfig plain = none_config("True", 3, 1);
    plain.zero_grad_set_to_none = false;
    const RunLog p = run(plain);
    EXPECT_EQ(flat(*p.of(EventType::run_start)[0].parameters), flat(*p.run_end().parameters));
}

TEST(NoneReturn, Z3c_NoneOnAWindowsLastBatchStillAppliesTheWindowsEarlierGrads) {
    const RunLog r = run(none_config("batch_idx % 2 == 1", 4, 2));
    for (const auto& e : r.exits())
        if (e.stage == Stage::optimizer_step && e.outcome == Outcome::ran)
            EXPECT_GT(*e.payload.update_norm, 0.0);
}

TEST(NoneReturn, Z3d_NoneOnAWindowsFirstBatchClearsGradsAndTheRestAccumulate) {
    const RunLog r = run(none_config("batch_idx % 3 == 0", 6, 3));
    EXPECT_EQ(r.count_ran(Stage::optimizer_zero_grad), 2);
    EXPECT_EQ(r.count_ran(Stage::backward), 4);
    for (const auto& e : r.exits())
        if (e.stage == Stage::on_after_backward && e.batch_idx == 1) {
            ASSERT_TRUE(e.payload.grad_norms);
            EXPECT_GT(e.payload.grad_norms->total, 0.0);
        }
}

TEST(NoneReturn, Z2_TheOptimizerStepReturnsNoneWhenTheClosureDid) {
    const RunLog r = run(none_config("batch_idx == 1", 2, 1));
    for (const auto& e : r.exits())
        if (e.stage == Stage::optimizer_step)
            EXPECT_EQ(e.payload.step_return.has_value(), e.batch_idx == 0) << e.batch_idx;
}

TEST(NoneReturn, Z5_LbfgsWithNoneIsATypeError) {
    RunConfig c = none_config("True", 2, 1);
    c.optimizer.name = "lbfgs";
    c.optimizer.options = {{"lr", 1.0}};
    const RunLog r = run(c);
    ASSERT_NE(r.error(), nullptr);
    EXPECT_EQ(r.error()->exception_type, "TypeError");
    EXPECT_EQ(std::string(where_name(*r.error())), "optimizer_step");
}

TEST(NoneReturn, GradsAreNoneAfterSetToNoneZeroGrad) {
    const RunLog r = run(none_config("True", 1, 1));
    for (const auto& e : r.exits())
        if (e.stage == Stage::configure_gradient_clipping) {
            ASSERT_TRUE(e.payload.grad_norms);
            for (const auto& p : e.payload.grad_norms->per_parameter)
                EXPECT_FALSE(p.second.has_value());
        }
}

}  // namespace
}  // namespace stepwise::test
