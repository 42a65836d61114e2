// Every recorded run of real Lightning 2.2.5 (tests/fixtures/reference, copied from
// ../shared/reference) reproduced batch by batch: hook order, what training_step returned, the
// losses Lightning passed on, gradient norms, global_step, parameters after every batch.

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "stepwise/warning_cache.h"
#include "test_support.h"

namespace stepwise::test {
namespace {

using nlohmann::json;

std::vector<double> flatten(const json& j) {
    std::vector<double> out;
    if (j.is_number())
        out.push_back(j.get<double>());
    else
        for (const auto& v : j) {
            const auto inner = flatten(v);
            out.insert(out.end(), inner.begin(), inner.end());
        }
    return out;
}

std::vector<double> params_of(const json& params) {
    // the reference's param_order: lin.weight, then lin.bias
    auto w = flatten(params.at("lin.weight"));
    const auto b = flatten(params.at("lin.bias"));
    w.insert(w.end(), b.begin(), b.end());
    return w;
}

double norm_of(const json& grads) {
    double s = 0;
    for (double v : params_of(grads)) s += v * v;
    return std::sqrt(s);
}

void expect_close(const std::vector<double>& got, const std::vector<double>& want, double rel,
                  const std::string& what) {
    ASSERT_EQ(got.size(), want.size()) << what;
    for (std::size_t i = 0; i < got.size(); ++i) {
        if (rel == 0)
            EXPECT_EQ(got[i], want[i]) << what << " [" << i << "]";
        else
            EXPECT_NEAR(got[i], want[i], rel * std::max(1.0, std::abs(want[i])))
                << what << " [" << i << "]";
    }
}

class GoldenReference : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenReference, ReproducesLightningBatchByBatch) {
    const std::string name = GetParam();
    std::ifstream in(fixture("reference/" + name + ".json"));
    ASSERT_TRUE(in) << name;
    const json ref = json::parse(in);
    const RunConfig config = load_run_config(fixture("golden/" + name + "/config.json"));
    // float64 and the same torch: SGD agrees to the last bit; LBFGS gets a tiny tolerance.
    const double rel = config.optimizer.name == "lbfgs" ? 1e-12 : 0.0;

    warning_cache::clear();
    const RunLog r = run(config, /*parameters_each_batch=*/true);
    ASSERT_EQ(r.status(), "finished") << (r.error() ? r.error()->message : "");
    const auto ends = r.batch_ends();
    const auto& batches = ref.at("batches");
    ASSERT_EQ(ends.size(), batches.size());

    for (std::size_t k = 0; k < batches.size(); ++k) {
        const json& b = batches[k];
        const std::int64_t epoch = b.at("epoch"), i = b.at("batch_idx");
        const std::string at =
            name + " epoch " + std::to_string(epoch) + " batch " + std::to_string(i);
        // hook order (entry order, as the trace records it)
        EXPECT_EQ(r.ran(epoch, i), b.at("hooks").get<std::vector<std::string>>()) << at;
        // what training_step returned, call by call, and the losses passed to on_before_backward
        std::vector<Event> steps, before_backward, after_backward, optimizer_steps;
        for (const auto& e : r.exits()) {
            if (e.epoch != epoch || e.batch_idx != i) continue;
            if (e.stage == Stage::training_step) steps.push_back(e);
            if (e.stage == Stage::on_before_backward && e.outcome == Outcome::ran)
                before_backward.push_back(e);
            if (e.stage == Stage::on_after_backward && e.outcome == Outcome::ran)
                after_backward.push_back(e);
            if (e.stage == Stage::optimizer_step && e.outcome == Outcome::ran)
                optimizer_steps.push_back(e);
        }
        const auto& returns = b.at("training_step_returns");
        ASSERT_EQ(steps.size(), returns.size()) << at;
        for (std::size_t c = 0; c < returns.size(); ++c) {
            ASSERT_TRUE(steps[c].payload.output) << at;
            EXPECT_EQ(steps[c].payload.output->kind, returns[c].at("kind").get<std::string>())
                << at;
            if (returns[c].contains("value") && rel == 0)
                EXPECT_EQ(steps[c].payload.loss_raw.value(), returns[c].at("value").get<double>())
                    << at;
        }
        const auto& losses = b.at("on_before_backward_losses");
        ASSERT_EQ(before_backward.size(), losses.size()) << at;
        for (std::size_t c = 0; c < losses.size(); ++c)
            expect_close({before_backward[c].payload.loss.value()}, {losses[c].get<double>()}, rel,
                         at + " backward loss");
        const auto& grads = b.at("grads_after_backward");
        ASSERT_EQ(after_backward.size(), grads.size()) << at;
        for (std::size_t c = 0; c < grads.size(); ++c)
            EXPECT_NEAR(after_backward[c].payload.grad_norms->total, norm_of(grads[c]),
                        1e-12 * (1 + norm_of(grads[c])))
                << at;
        // optimizer steps and closure calls per step
        const auto& per_step = b.at("closure_calls_per_optimizer_step");
        ASSERT_EQ(optimizer_steps.size(), per_step.size()) << at;
        for (std::size_t c = 0; c < per_step.size(); ++c)
            EXPECT_EQ(optimizer_steps[c].payload.closure_calls.value(), per_step[c].get<int>())
                << at;
        // what on_train_batch_end received, and the counters
        const json& outputs = b.at("on_train_batch_end_outputs");
        if (outputs.at("keys").empty()) {
            EXPECT_FALSE(ends[k].loss.has_value()) << at;
        } else {
            ASSERT_TRUE(ends[k].loss.has_value()) << at;
            expect_close({*ends[k].loss}, {outputs.at("values").at("loss").get<double>()}, rel,
                         at + " output loss");
        }
        EXPECT_EQ(ends[k].global_step, b.at("global_step_after").get<std::int64_t>()) << at;
        ASSERT_TRUE(ends[k].parameters) << at;
        expect_close(flat(*ends[k].parameters), params_of(b.at("params_after")), rel,
                     at + " params");
    }
    EXPECT_EQ(r.run_end().global_step, ref.at("final").at("global_step").get<std::int64_t>());
    expect_close(flat(*r.run_end().parameters), params_of(ref.at("final").at("params")), rel,
                 name + " final params");
    const auto lightning_warnings = r.warnings("lightning");
    ASSERT_EQ(lightning_warnings.size(), ref.at("warnings").size());
    for (std::size_t w = 0; w < lightning_warnings.size(); ++w)
        EXPECT_EQ(lightning_warnings[w].message,
                  ref.at("warnings")[w].at("message").get<std::string>());
}

INSTANTIATE_TEST_SUITE_P(Lightning225, GoldenReference,
                         ::testing::Values("a_sgd_plain_tensor", "c_accumulate3_sgd",
                                           "d_none_every3_sgd_momentum_set_to_none", "g_lbfgs"));

}  // namespace
}  // namespace stepwise::test
