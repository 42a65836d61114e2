// Spec §7 (LBFGS and other multi-evaluation optimizers, L-*) and §8 (clipping, G-*).

#include <gtest/gtest.h>

#include <cmath>

#include "test_support.h"

namespace stepwise::test {
namespace {

RunConfig lbfgs_config(double lr, int max_iter) {
    RunConfig c = linear_source_config("    return loss", "Tensor");
    c.data.samples = 8;
    c.optimizer.name = "lbfgs";
    c.optimizer.options = {{"lr", lr}, {"max_iter", double(max_iter)}};
    return c;
}

TEST(Lbfgs, T5_L1_EveryEvaluationRunsTheWholeClosureAndTheAfterClosureHooks) {
    const RunLog r = run(lbfgs_config(0.5, 6));
    ASSERT_EQ(r.status(), "finished");
    const int k = r.count_ran(Stage::training_step);
    EXPECT_GT(k, 1);
    EXPECT_EQ(r.count_ran(Stage::optimizer_zero_grad), k);
    EXPECT_EQ(r.count_ran(Stage::backward), k);
    EXPECT_EQ(r.count_ran(Stage::on_before_optimizer_step), k);
    EXPECT_EQ(r.count_ran(Stage::configure_gradient_clipping), k);
    EXPECT_EQ(r.count_ran(Stage::optimizer_step), 1);
    EXPECT_EQ(r.run_end().global_step, 1);
    EXPECT_EQ(r.batch_ends()[0].closure_calls, k);
    // every evaluation is its own numbered closure call, nested inside optimizer_step
    int expected_call = 1;
    for (const auto& e : r.exits())
        if (e.stage == Stage::training_step) {
            EXPECT_EQ(e.call, expected_call++);
            EXPECT_EQ(e.depth, 1);
        }
}

TEST(Lbfgs, L2_ZeroGradRunsMaxIterTimesWhenNothingConvergesEarly) {
    const RunLog r = run(lbfgs_config(0.01, 20));
    EXPECT_EQ(r.count_ran(Stage::optimizer_zero_grad), 20);
}

TEST(Lbfgs, L4_StepReturnsTheFirstEvaluationsLossWhileTheOutputHoldsTheLast) {
    const RunLog r = run(lbfgs_config(0.5, 5));
    std::vector<double> losses;
    double step_return = 0;
    for (const auto& e : r.exits()) {
        if (e.stage == Stage::training_step) losses.push_back(*e.payload.loss);
        if (e.stage == Stage::optimizer_step) step_return = *e.payload.step_return;
    }
    ASSERT_GT(losses.size(), 1u);
    EXPECT_EQ(step_return, losses.front());
    EXPECT_EQ(*r.batch_ends()[0].loss, losses.back());
    EXPECT_NE(losses.front(), losses.back());
}

TEST(Lbfgs, L5_OnANonFirstBatchOfAWindowEvaluationsAddToTheGradsAndNeverZero) {
    RunConfig c = lbfgs_config(0.01, 4);
    c.data.samples = 16;  // two batches, one window of two
    c.trainer.accumulate_grad_batches = 2;
    const RunLog r = run(c);
    ASSERT_EQ(r.status(), "finished") << (r.error() ? r.error()->message : "");
    int zero_grads_in_batch_1 = 0;
    std::vector<double> norms;
    for (const auto& e : r.exits()) {
        if (e.batch_idx != 1) continue;
        zero_grads_in_batch_1 += e.stage == Stage::optimizer_zero_grad && e.outcome == Outcome::ran;
        if (e.stage == Stage::on_after_backward) norms.push_back(e.payload.grad_norms->total);
    }
    EXPECT_EQ(zero_grads_in_batch_1, 0);
    ASSERT_EQ(norms.size(), 4u);
    // with a tiny lr the gradient barely changes between evaluations, so the sum keeps growing
    for (std::size_t k = 1; k < norms.size(); ++k) EXPECT_GT(norms[k], norms[k - 1]);
}

TEST(Lbfgs, StrongWolfeLineSearchRuns) {
    RunConfig c = lbfgs_config(1.0, 10);
    c.optimizer.options["line_search_fn"] = std::string("strong_wolfe");
    const RunLog r = run(c);
    EXPECT_EQ(r.status(), "finished") << (r.error() ? r.error()->message : "");
    EXPECT_EQ(r.count_ran(Stage::optimizer_step), 1);
}

TEST(Clipping, L6_G2_ClippingRunsAfterEveryLbfgsEvaluation) {
    RunConfig c = lbfgs_config(0.5, 5);
    c.trainer.gradient_clip_val = 0.1;
    const RunLog r = run(c);
    int clipped = 0;
    for (const auto& e : r.exits())
        if (e.stage == Stage::configure_gradient_clipping) {
            EXPECT_LE(e.payload.grad_norms->total, 0.1 + 1e-9);
            ++clipped;
        }
    EXPECT_EQ(clipped, r.count_ran(Stage::training_step));
}

TEST(Clipping, G4_ByNormLeavesATotalNormOf005) {
    RunConfig c = linear_source_config("    return loss", "Tensor");
    c.trainer.gradient_clip_val = 0.05;
    c.trainer.gradient_clip_algorithm = "norm";
    const RunLog r = run(c);
    int checked = 0;
    double before = 0;
    for (const auto& e : r.exits()) {
        if (e.stage == Stage::on_after_backward) before = e.payload.grad_norms->total;
        if (e.stage == Stage::configure_gradient_clipping && before > 0.05) {
            EXPECT_NEAR(e.payload.grad_norms->total, 0.05, 1e-6);
            EXPECT_EQ(*e.payload.clip_val, 0.05);
            EXPECT_EQ(e.payload.clip_algorithm, "norm");
            ++checked;
        }
    }
    EXPECT_GT(checked, 0);
}

TEST(Clipping, G4_ByValueLeavesAMaxAbsGradOf1e10) {
    RunConfig c = linear_source_config("    return loss", "Tensor");
    c.trainer.gradient_clip_val = 1e-10;
    c.trainer.gradient_clip_algorithm = "value";
    const RunLog r = run(c);
    int checked = 0;
    for (const auto& e : r.exits())
        if (e.stage == Stage::configure_gradient_clipping) {
            // every element was far above 1e-10, so each is now exactly +-1e-10
            for (const auto& [name, norm] : e.payload.grad_norms->per_parameter) {
                const double elements = name == "weight" ? 3 : 1;
                EXPECT_NEAR(*norm, std::sqrt(elements) * 1e-10, 1e-22) << name;
            }
            ++checked;
        }
    EXPECT_GT(checked, 0);
}

TEST(Clipping, G2_ClippingOnlyOnSteppingBatches) {
    RunConfig c = linear_source_config("    return loss", "Tensor");
    c.trainer.accumulate_grad_batches = 2;
    c.trainer.gradient_clip_val = 0.05;
    const RunLog r = run(c);  // 5 batches: steps on 1, 3, 4
    EXPECT_EQ(r.count_ran(Stage::configure_gradient_clipping), 3);
}

TEST(Clipping, G3_WithoutAValueNothingIsClippedAndTheAlgorithmDefaultsToNorm) {
    const RunLog r = run(linear_source_config("    return loss", "Tensor"));
    for (const auto& e : r.exits())
        if (e.stage == Stage::configure_gradient_clipping) {
            EXPECT_EQ(*e.payload.clip_val, 0.0);
            EXPECT_EQ(e.payload.clip_algorithm, "norm");
        }
    // grads after "clipping" equal grads after backward
    double after_backward = -1;
    for (const auto& e : r.exits()) {
        if (e.stage == Stage::on_after_backward) after_backward = e.payload.grad_norms->total;
        if (e.stage == Stage::configure_gradient_clipping)
            EXPECT_EQ(e.payload.grad_norms->total, after_backward);
    }
}

TEST(Clipping, G1_InvalidValueAndAlgorithmAreRejectedWithLightningsMessages) {
    try {
        parse_run_config(R"({"trainer": {"gradient_clip_val": "abc"}})", "");
        ADD_FAILURE();
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.exception_type, "TypeError");
        EXPECT_EQ(std::string(e.what()),
                  "`gradient_clip_val` should be an int or a float. Got abc.");
    }
    try {
        parse_run_config(R"({"trainer": {"gradient_clip_algorithm": "Foo"}})", "");
        ADD_FAILURE();
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.exception_type, "MisconfigurationException");
        EXPECT_EQ(
            std::string(e.what()),
            "`gradient_clip_algorithm` Foo is invalid. Allowed algorithms: ['value', 'norm'].");
    }
    EXPECT_EQ(*parse_run_config(R"({"trainer": {"gradient_clip_algorithm": "VALUE"}})", "")
                   .trainer.gradient_clip_algorithm,
              "value");
}

TEST(Optimizers, EveryOptimizerTrainsWithItsTorchOptionNames) {
    const std::vector<std::pair<std::string, OptimizerSpec::Value>> none;
    struct Case {
        std::string name;
        std::map<std::string, OptimizerSpec::Value> options;
    };
    const std::vector<Case> cases = {
        {"sgd",
         {{"lr", 0.05},
          {"momentum", 0.9},
          {"dampening", 0.0},
          {"nesterov", true},
          {"weight_decay", 0.01}}},
        {"adam",
         {{"lr", 0.01},
          {"betas", std::vector<double>{0.8, 0.99}},
          {"eps", 1e-8},
          {"amsgrad", true}}},
        {"adamw", {{"lr", 0.01}, {"weight_decay", 0.1}}},
        {"rmsprop", {{"lr", 0.01}, {"alpha", 0.9}, {"momentum", 0.5}, {"centered", true}}},
        {"adagrad", {{"lr", 0.1}, {"lr_decay", 0.01}, {"initial_accumulator_value", 0.1}}},
        {"lbfgs",
         {{"lr", 0.5}, {"max_iter", 4.0}, {"history_size", 5.0}, {"tolerance_grad", 1e-9}}},
    };
    for (const auto& k : cases) {
        RunConfig c = linear_source_config("    return loss", "Tensor");
        c.optimizer.name = k.name;
        c.optimizer.options = k.options;
        const RunLog r = run(c);
        EXPECT_EQ(r.status(), "finished")
            << k.name << ": " << (r.error() ? r.error()->message : "");
        EXPECT_NE(flat(*r.of(EventType::run_start)[0].parameters), flat(*r.run_end().parameters))
            << k.name;
        const auto ends = r.batch_ends();
        EXPECT_LT(*ends.back().loss, *ends.front().loss) << k.name;
    }
}

}  // namespace
}  // namespace stepwise::test
