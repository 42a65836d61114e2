// Spec section 14 (E-* epoch and batch limits, S-* data order and seeding, LR-* schedulers) and Z-3
// (the None-batch explanation from facts): against torch's own DataLoader and schedulers
// (tests/fixtures/fidelity/*.json, written by generate.py with python3-torch) and against runs of
// the real Lightning 2.2.5 (tests/fixtures/fidelity/lightning/, written by
// record_lightning_fidelity.py). Bit for bit.

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "data.h"
#include "lr_scheduler.h"
#include "optimization.h"
#include "stepwise/lessons.h"
#include "stepwise/numbers.h"
#include "stepwise/tensorboard.h"
#include "test_support.h"
#include "tfevents_reader.h"

namespace stepwise::test {
namespace {

using nlohmann::json;

json read_json(const std::string& path) {
    std::ifstream in(path);
    EXPECT_TRUE(in) << path;
    return json::parse(in);
}

RunConfig batches_of_eight(std::int64_t batches, std::int64_t n = 1) {
    RunConfig c = linear_source_config("    return loss", "Tensor");
    c.data.samples = batches * 8;
    c.batch_size = 8;
    c.trainer.accumulate_grad_batches = n;
    return c;
}

std::string config_error(const std::string& text) {
    try {
        parse_run_config(text, "", "test");
    } catch (const ConfigError& e) {
        return e.exception_type + ": " + e.what();
    }
    return "no error";
}

// ---- E: epoch and batch limits ----------------------------------------------------------------

TEST(Fidelity, E1_MaxEpochsNotSetMeansAThousandEpochsWithLightningsWarning) {
    EXPECT_FALSE(
        RunConfig().trainer.max_epochs);  // the default is "not set", as Trainer(max_epochs=None)
    RunConfig c = batches_of_eight(1);
    c.trainer.max_epochs.reset();
    const RunLog r = run(c);
    EXPECT_EQ(r.status(), "finished");
    EXPECT_EQ(r.batch_ends().size(), 1000u);
    EXPECT_EQ(r.batch_ends().back().epoch, 999);
    const auto warnings = r.warnings("lightning");
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_EQ(
        warnings[0].message,
        "`max_epochs` was not set. Setting it to 1000 epochs. To train without an epoch limit, set "
        "`max_epochs=-1`.");
    EXPECT_EQ(warnings[0].exception_type, "PossibleUserWarning");
    // null in the JSON is "not set" too, and the resolved config says so
    const RunConfig parsed = parse_run_config(R"({"trainer": {"max_epochs": null}})", "");
    EXPECT_FALSE(parsed.trainer.max_epochs);
    EXPECT_EQ(resolved_max_epochs(parsed.trainer), 1000);
    EXPECT_NE(to_json(parsed).find("\"max_epochs\":null"), std::string::npos);
}

TEST(Fidelity, E2_MaxEpochsNotSetWithMaxStepsHasNoEpochLimit) {
    RunConfig c = batches_of_eight(8);
    c.trainer.max_epochs.reset();
    c.trainer.max_steps = 20;
    const RunLog r = run(c);
    EXPECT_EQ(r.run_end().global_step, 20);  // two and a half epochs, not one
    EXPECT_EQ(r.batch_ends().back().epoch, 2);
    EXPECT_EQ(r.batch_ends().back().batch_idx, 3);
    EXPECT_TRUE(r.warnings("lightning").empty());
    c.trainer.max_epochs = -1;  // -1 is "no limit" as well
    EXPECT_EQ(run(c).run_end().global_step, 20);
    EXPECT_EQ(resolved_max_epochs(c.trainer), -1);
    EXPECT_EQ(config_error(R"({"trainer": {"max_epochs": -2}})"),
              "MisconfigurationException: `max_epochs` must be a non-negative integer or -1. You "
              "passed in -2.");
    EXPECT_EQ(config_error(R"({"trainer": {"max_steps": -5}})"),
              "MisconfigurationException: `max_steps` must be a non-negative integer or -1 "
              "(infinite steps). "
              "You passed in -5.");
}

TEST(Fidelity, E3_AFractionThatLeavesNoBatchRaisesLightningsMessage) {
    RunConfig c = batches_of_eight(8);
    c.trainer.max_epochs = 1;
    c.trainer.limit_train_batches = 0.01;
    const RunLog r = run(c);
    EXPECT_EQ(r.status(), "failed");
    ASSERT_TRUE(r.error());
    EXPECT_EQ(r.error()->exception_type, "MisconfigurationException");
    EXPECT_EQ(r.error()->message,
              "You requested to check 0.01 of the `train_dataloader` but 0.01 * 8 < 1. Please "
              "increase the "
              "`limit_train_batches` argument. Try at least `limit_train_batches=0.125`");
}

TEST(Fidelity, E3_FractionsAndIntsLimitTheEpoch) {
    EXPECT_EQ(limited_batches(8, std::nullopt), 8);
    EXPECT_EQ(limited_batches(8, 0.5), 4);
    EXPECT_EQ(limited_batches(7, 0.5), 3);  // int(3.5)
    EXPECT_EQ(limited_batches(8, 1.0), 8);
    EXPECT_EQ(limited_batches(8, std::int64_t{3}), 3);
    EXPECT_EQ(limited_batches(8, std::int64_t{30}), 8);
    EXPECT_EQ(limited_batches(8, 0.0), 0);  // 0.0 is allowed: no training
    EXPECT_EQ(limited_batches(8, std::int64_t{0}), 0);
    EXPECT_THROW(limited_batches(3, 0.3), ConfigError);
    RunConfig c = batches_of_eight(8);
    c.trainer.max_epochs = 2;
    c.trainer.limit_train_batches = 0.5;
    const RunLog r = run(c);
    EXPECT_EQ(r.batch_ends().size(), 8u);
    EXPECT_EQ(r.of(EventType::run_start)[0].total_batches_per_epoch, 4);
    c.trainer.limit_train_batches = std::int64_t{0};
    EXPECT_TRUE(run(c).batch_ends().empty());
}

TEST(Fidelity, E4_AWholeNumberFloatAboveOneIsAnInt) {
    const RunConfig c = parse_run_config(R"({"trainer": {"limit_train_batches": 2.0}})", "");
    ASSERT_TRUE(c.trainer.limit_train_batches);
    EXPECT_EQ(std::get<std::int64_t>(*c.trainer.limit_train_batches), 2);
    EXPECT_EQ(config_error(R"({"trainer": {"limit_train_batches": 2.5}})"),
              "MisconfigurationException: You have passed invalid value 2.5 for "
              "limit_train_batches, it has to "
              "be in [0.0, 1.0] or an int.");
    EXPECT_EQ(config_error(R"({"trainer": {"limit_train_batches": -1}})"),
              "MisconfigurationException: You have passed invalid value -1 for "
              "limit_train_batches, it has to "
              "be in [0.0, 1.0] or an int.");
    EXPECT_NE(config_error(R"({"trainer": {"limit_train_batches": "all"}})")
                  .find("trainer.limit_train_batches"),
              std::string::npos);
}

TEST(Fidelity, E5_TheLimitedEpochsLastBatchClosesItsWindow) {
    RunConfig c = batches_of_eight(8, 3);
    c.trainer.max_epochs = 1;
    c.trainer.limit_train_batches = std::int64_t{4};
    const RunLog r = run(c);
    std::vector<std::int64_t> stepped, zeroed;
    for (const auto& e : r.batch_ends())
        if (e.stepped) stepped.push_back(e.batch_idx);
    for (const auto& e : r.exits())
        if (e.stage == Stage::optimizer_zero_grad && e.outcome == Outcome::ran)
            zeroed.push_back(e.batch_idx);
    EXPECT_EQ(stepped, (std::vector<std::int64_t>{2, 3}));
    EXPECT_EQ(zeroed, (std::vector<std::int64_t>{0, 3}));
    const Event last = r.batch_ends().back();  // a copy: batch_ends() returns a temporary
    ASSERT_TRUE(last.loss && last.loss_raw);
    EXPECT_EQ(*last.loss, *last.loss_raw / 3);  // still divided by N
}

TEST(Fidelity, PythonFloatReprForLightningsMessages) {
    EXPECT_EQ(python_float_repr(0.01), "0.01");
    EXPECT_EQ(python_float_repr(0.125), "0.125");
    EXPECT_EQ(python_float_repr(1.0 / 3), "0.3333333333333333");
    EXPECT_EQ(python_float_repr(2.0), "2.0");
    EXPECT_EQ(python_float_repr(1e-05), "1e-05");
    EXPECT_EQ(python_float_repr(0.0001), "0.0001");
    EXPECT_EQ(python_float_repr(1e16), "1e+16");
    EXPECT_EQ(python_float_repr(123456789012345.0), "123456789012345.0");
    EXPECT_EQ(python_float_repr(-2.5), "-2.5");
}

// ---- S: data order and seeding -----------------------------------------------------------------

TEST(Fidelity, S1_S2_S3_S4_TheOrderAndDrawsOfTorchsDataLoader) {
    const json cases = read_json(fixture("fidelity/data_order.json"));
    ASSERT_GE(cases.size(), 6u);
    for (const auto& c : cases) {
        const std::int64_t n = c["samples"];
        const auto ids =
            torch::arange(n, torch::TensorOptions().dtype(torch::kFloat64)).unsqueeze(1);
        DataLoader loader({ids, ids}, c["batch_size"], c["shuffle"], c["drop_last"]);
        torch::manual_seed(c["seed"].get<std::uint64_t>());
        std::size_t k = 0;
        const std::int64_t epochs = c["epochs"];
        const std::string name = "seed " + c["seed"].dump() + ", n " + std::to_string(n);
        for (std::int64_t epoch = 0; epoch < epochs; ++epoch) {
            for (std::int64_t b = 0; b < loader.size(); ++b, ++k) {
                ASSERT_LT(k, c["batches"].size()) << name;
                const json& want = c["batches"][k];
                ASSERT_EQ(want["epoch"].get<std::int64_t>(), epoch) << name;
                const auto x = loader.batch(epoch, b).first;
                std::vector<std::int64_t> got;
                for (std::int64_t i = 0; i < x.size(0); ++i)
                    got.push_back(x[i][0].item<std::int64_t>());
                EXPECT_EQ(got, want["samples"].get<std::vector<std::int64_t>>())
                    << name << " batch " << k;
                const auto draws = torch::rand({2}, torch::TensorOptions().dtype(torch::kFloat64));
                EXPECT_EQ(draws[0].item<double>(), want["draws"][0].get<double>())
                    << name << " batch " << k;
                EXPECT_EQ(draws[1].item<double>(), want["draws"][1].get<double>())
                    << name << " batch " << k;
            }
        }
        EXPECT_EQ(k, c["batches"].size()) << name;
    }
}

TEST(Fidelity, S4_TheDropoutLessonDrawsFromTheSeededGenerator) {
    // Its draws are Python's: the recorded Lightning run shuffle_dropout_steplr_step below runs
    // the same dropout call. Here: the seed alone decides them, and they really vary.
    const Lesson* lesson = find_lesson("seeded_dropout");
    ASSERT_TRUE(lesson);
    RunConfig c = parse_run_config(lesson->config_json, "", "lesson");
    c.trainer.max_epochs = 2;
    auto losses_and_kept = [](const RunLog& r) {
        std::vector<double> out;
        for (const auto& e : r.batch_ends()) {
            out.push_back(e.loss.value_or(-1));
            for (const auto& [key, v] : e.extras)
                if (key == "kept") out.push_back(v.value.value_or(-1));
        }
        return out;
    };
    const auto a = losses_and_kept(run(c));
    torch::manual_seed(12345);  // whatever the generator held before, fit reseeds it
    torch::rand({100});
    EXPECT_EQ(losses_and_kept(run(c)), a);
    std::set<double> kept;
    for (std::size_t i = 1; i < a.size(); i += 2) kept.insert(a[i]);
    EXPECT_GT(kept.size(), 5u);
    c.seed = 8;
    EXPECT_NE(losses_and_kept(run(c)), a);
}

// ---- LR: schedulers ----------------------------------------------------------------------------

TEST(Fidelity, LR3_EachSchedulerSetsTheLearningRatesTorchSets) {
    const json cases = read_json(fixture("fidelity/schedulers.json"));
    ASSERT_GE(cases.size(), 13u);
    std::set<std::string> kinds;
    for (const auto& c : cases) {
        const std::string name = c["name"];
        json config = {{"optimizer", c["optimizer"]}, {"lr_scheduler", c["scheduler"]}};
        RunConfig rc = parse_run_config(config.dump(), "", name);
        ASSERT_TRUE(rc.lr_scheduler) << name;
        kinds.insert(rc.lr_scheduler->name);
        auto p = torch::zeros({1}, torch::TensorOptions().dtype(torch::kFloat64)).requires_grad_();
        auto optimizer = make_optimizer(rc.optimizer, {p});
        LRScheduler scheduler(*rc.lr_scheduler, *optimizer);
        const auto& lrs = c["lrs"];
        const auto& momenta = c["momenta"];
        for (std::size_t i = 0; i < lrs.size(); ++i) {
            if (i > 0) scheduler.step();
            EXPECT_EQ(scheduler.lr(), lrs[i].get<double>()) << name << " step " << i;
            if (!momenta[i].is_null() && scheduler.momentum())
                EXPECT_EQ(*scheduler.momentum(), momenta[i].get<double>()) << name << " step " << i;
        }
    }
    EXPECT_EQ(kinds,
              (std::set<std::string>{"StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR",
                                     "LinearLR", "ConstantLR", "OneCycleLR"}));
}

TEST(Fidelity, LR3_OneCycleSteppedPastItsTotalRaisesTorchsValueError) {
    RunConfig c = batches_of_eight(4);
    c.trainer.max_epochs = 2;
    c.optimizer.options["momentum"] = 0.0;
    c.lr_scheduler =
        LRSchedulerSpec{"OneCycleLR", {{"max_lr", 0.1}, {"total_steps", 5.0}}, "step", 1};
    const RunLog r = run(c);
    EXPECT_EQ(r.status(), "failed");
    ASSERT_TRUE(r.error());
    EXPECT_EQ(std::string(where_name(*r.error())), "lr_scheduler_step");
    EXPECT_EQ(r.error()->exception_type, "ValueError");
    EXPECT_EQ(r.error()->message,
              "Tried to step 7 times. The specified number of total steps is 5");
    EXPECT_EQ(r.batch_ends().size(), 5u);  // what was recorded before stays
}

TEST(Fidelity, LR1_AStepSchedulerStepsAfterSteppingBatchesAtItsFrequency) {
    RunConfig c = batches_of_eight(6, 2);
    c.trainer.max_epochs = 1;
    c.lr_scheduler = LRSchedulerSpec{"StepLR", {{"step_size", 1.0}, {"gamma", 0.5}}, "step", 2};
    const RunLog r = run(c);
    std::vector<std::int64_t> ran;
    std::vector<TextCode> skipped;
    for (const auto& e : r.exits()) {
        if (e.stage != Stage::lr_scheduler_step) continue;
        if (e.outcome == Outcome::ran)
            ran.push_back(e.batch_idx);
        else
            skipped.push_back(e.text.code);
    }
    // Batches 1, 3 and 5 step the optimizer, and (batch_idx + 1) % 2 == 0 for each; the
    // accumulating batches 0, 2 and 4 never step the scheduler.
    EXPECT_EQ(ran, (std::vector<std::int64_t>{1, 3, 5}));
    EXPECT_EQ(std::count(skipped.begin(), skipped.end(), TextCode::skip_scheduler_accumulating), 3);
    // The stage sits after optimizer_step (global_step counted) and before on_train_batch_end.
    const auto order = r.ran(0, 1);
    EXPECT_EQ(order[order.size() - 2], "lr_scheduler_step");
    EXPECT_EQ(order.back(), "on_train_batch_end");
    for (const auto& e : r.exits())
        if (e.stage == Stage::lr_scheduler_step && e.outcome == Outcome::ran && e.batch_idx == 1) {
            EXPECT_EQ(e.global_step, 1);
            EXPECT_EQ(e.payload.lr_before.value_or(0), 0.1);
            EXPECT_EQ(e.payload.lr.value_or(0), 0.05);
        }
    // Each batch records the lr it trained with.
    const auto ends = r.batch_ends();
    EXPECT_EQ(ends[1].lr.value_or(0), 0.1);
    EXPECT_EQ(ends[2].lr.value_or(0), 0.05);
    // frequency 3 with N = 1: (batch_idx + 1) % 3 == 0
    c.trainer.accumulate_grad_batches = 1;
    c.lr_scheduler->frequency = 3;
    const RunLog r3 = run(c);
    ran.clear();
    for (const auto& e : r3.exits())
        if (e.stage == Stage::lr_scheduler_step && e.outcome == Outcome::ran)
            ran.push_back(e.batch_idx);
    EXPECT_EQ(ran, (std::vector<std::int64_t>{2, 5}));
}

TEST(Fidelity, LR2_AnEpochSchedulerStepsOnTheEpochsLastBatch) {
    RunConfig c = batches_of_eight(3);
    c.trainer.max_epochs = 4;
    c.lr_scheduler = LRSchedulerSpec{"ExponentialLR", {{"gamma", 0.5}}, "epoch", 2};
    const RunLog r = run(c);
    std::vector<std::pair<std::int64_t, std::int64_t>> ran;
    for (const auto& e : r.exits())
        if (e.stage == Stage::lr_scheduler_step && e.outcome == Outcome::ran)
            ran.emplace_back(e.epoch, e.batch_idx);
    EXPECT_EQ(ran, (std::vector<std::pair<std::int64_t, std::int64_t>>{
                       {1, 2}, {3, 2}}));                   // after the last epoch too
    EXPECT_EQ(r.batch_ends().back().lr.value_or(0), 0.05);  // stepped once before epoch 3
}

TEST(Fidelity, LR4_NoSchedulerNoStage) {
    const RunLog r = run(batches_of_eight(2));
    for (const auto& e : r.events)
        EXPECT_FALSE(e.type == EventType::stage_exit && e.stage == Stage::lr_scheduler_step);
}

TEST(Fidelity, LR_BadSchedulerConfigsNameTheKeyOrGiveTorchsMessage) {
    EXPECT_EQ(config_error(R"({"lr_scheduler": {"name": "StepLR"}})"),
              "TypeError: StepLR.__init__() missing 1 required positional argument: 'step_size'");
    EXPECT_EQ(
        config_error(
            R"({"lr_scheduler": {"name": "StepLR", "step_size": 2, "interval": "batch"}})"),
        "MisconfigurationException: The \"interval\" key in lr scheduler dict must be \"step\" or "
        "\"epoch\" but is \"batch\"");
    EXPECT_EQ(config_error(R"({"lr_scheduler": {"name": "ConstantLR", "factor": 2}})"),
              "ValueError: Constant multiplicative factor expected to be between 0 and 1.");
    EXPECT_EQ(config_error(R"({"lr_scheduler": {"name": "LinearLR", "end_factor": 1.5}})"),
              "ValueError: Ending multiplicative factor expected to be between 0 and 1.");
    EXPECT_EQ(config_error(R"({"lr_scheduler": {"name": "OneCycleLR", "max_lr": 1}})"),
              "ValueError: You must define either total_steps OR (epochs AND steps_per_epoch)");
    EXPECT_EQ(
        config_error(
            R"({"lr_scheduler": {"name": "OneCycleLR", "max_lr": 1, "total_steps": 4, "pct_start": 1}})"),
        "ValueError: Expected float between 0 and 1 pct_start, but got 1");
    EXPECT_EQ(
        config_error(
            R"({"optimizer": {"name": "adagrad"}, "lr_scheduler": {"name": "OneCycleLR", "max_lr": 1, "total_steps": 4}})"),
        "ValueError: optimizer must support momentum with `cycle_momentum` option enabled");
    for (const auto& [text, path] : std::vector<std::pair<std::string, std::string>>{
             {R"({"lr_scheduler": {"name": "WarmupLR"}})", "lr_scheduler.name"},
             {R"({"lr_scheduler": {"name": "StepLR", "step_size": 0}})", "lr_scheduler.step_size"},
             {R"({"lr_scheduler": {"name": "StepLR", "step_size": 2, "gama": 0.5}})",
              "lr_scheduler.gama"},
             {R"({"lr_scheduler": {"name": "StepLR", "step_size": 2, "frequency": 0}})",
              "lr_scheduler.frequency"},
             {R"({"lr_scheduler": {"name": "MultiStepLR", "milestones": [1, "x"]}})",
              "lr_scheduler.milestones[1]"},
             {R"({"lr_scheduler": {"name": "ExponentialLR", "gamma": "fast"}})",
              "lr_scheduler.gamma"},
             {R"({"lr_scheduler": [1]})", "lr_scheduler"}}) {
        EXPECT_NE(config_error(text).find(path), std::string::npos)
            << text << " -> " << config_error(text);
    }
    // The resolved config keeps the scheduler and reads back the same.
    const RunConfig c = parse_run_config(
        R"({"lr_scheduler": {"name": "multisteplr", "milestones": [2, 4], "interval": "step", "frequency": 3}})",
        "");
    const RunConfig again = parse_run_config(to_json(c), "");
    ASSERT_TRUE(again.lr_scheduler);
    EXPECT_EQ(again.lr_scheduler->name, "MultiStepLR");
    EXPECT_EQ(again.lr_scheduler->interval, "step");
    EXPECT_EQ(again.lr_scheduler->frequency, 3);
    EXPECT_EQ(to_json(again), to_json(c));
}

TEST(Fidelity, LR_OneCycleWithAnEpochIntervalGetsLightningsWarning) {
    RunConfig c = batches_of_eight(2);
    c.trainer.max_epochs = 1;
    c.lr_scheduler =
        LRSchedulerSpec{"OneCycleLR", {{"max_lr", 0.1}, {"total_steps", 5.0}}, "epoch", 1};
    const auto warnings = run(c).warnings("lightning");
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_EQ(warnings[0].message,
              "A `OneCycleLR` scheduler is using 'interval': 'epoch'. Are you sure you didn't mean "
              "'interval': 'step'?");
    EXPECT_EQ(warnings[0].exception_type, "RuntimeWarning");
}

// ---- Real Lightning runs: every statement above at once ----------------------------------------

class LightningFidelity : public ::testing::TestWithParam<std::string> {};

TEST_P(LightningFidelity, ReproducesTheRecordedRunBitForBit) {
    const std::string dir = fixture("fidelity/lightning/" + GetParam());
    const json expected = read_json(dir + "/expected.json");
    const RunLog r = run(load_run_config(dir + "/config.json"));
    ASSERT_EQ(r.status(), "finished") << (r.error() ? r.error()->message : "");
    const auto ends = r.batch_ends();
    const auto& batches = expected["batches"];
    ASSERT_EQ(ends.size(), batches.size());
    for (std::size_t i = 0; i < ends.size(); ++i) {
        const json& b = batches[i];
        ASSERT_EQ(ends[i].epoch, b["epoch"].get<std::int64_t>()) << i;
        ASSERT_EQ(ends[i].batch_idx, b["batch_idx"].get<std::int64_t>()) << i;
        EXPECT_EQ(ends[i].global_step, b["global_step"].get<std::int64_t>()) << i;
        EXPECT_EQ(ends[i].loss.value_or(-1), b["loss"].get<double>()) << i;
        EXPECT_EQ(ends[i].lr.value_or(-1), b["lr"].get<double>()) << i;
        const double after =
            i + 1 < ends.size() ? ends[i + 1].lr.value_or(-1) : b["lr_after"].get<double>();
        EXPECT_EQ(after, b["lr_after"].get<double>()) << i;
    }
    std::vector<std::string> warnings;
    for (const auto& w : r.warnings("lightning")) warnings.push_back(w.message);
    EXPECT_EQ(warnings, expected["warnings"].get<std::vector<std::string>>());
    std::vector<double> want = expected["params"]["lin.weight"].get<std::vector<double>>();
    for (double v : expected["params"]["lin.bias"].get<std::vector<double>>()) want.push_back(v);
    EXPECT_EQ(flat(*r.run_end().parameters), want);
}

INSTANTIATE_TEST_SUITE_P(Recorded, LightningFidelity,
                         ::testing::Values("shuffle_dropout_steplr_step",
                                           "max_steps_no_max_epochs_cosine_epoch",
                                           "onecycle_adam_frequency_drop_last",
                                           "max_epochs_not_set_exponential_every_2"));

// ---- Z-3: the None-batch explanation from facts -----------------------------------------------

Text explanation_of_first_none(const std::string& optimizer,
                               std::map<std::string, OptimizerSpec::Value> options,
                               bool set_to_none,
                               const std::string& none_when = "batch_idx % 3 == 2",
                               std::int64_t n = 1) {
    RunConfig c = linear_source_config(
        "    if " + none_when + ":\n        return None\n    return loss", "Optional[Tensor]");
    c.data.samples = 48;
    c.batch_size = 8;
    c.trainer.max_epochs = 1;
    c.trainer.accumulate_grad_batches = n;
    c.optimizer.name = optimizer;
    c.optimizer.options = std::move(options);
    c.zero_grad_set_to_none = set_to_none;
    const RunLog r = run(c);
    EXPECT_EQ(r.status(), "finished") << (r.error() ? r.error()->message : "");
    for (const auto& e : r.batch_ends())
        if (!e.loss && e.stepped) return e.explanation;
    return {};
}

TEST(Fidelity, Z3_TheNoneExplanationComesFromWhatWasMeasured) {
    // set to None: the optimizer skips every parameter
    EXPECT_EQ(explanation_of_first_none("sgd", {{"lr", 0.1}, {"momentum", 0.9}}, true).code,
              TextCode::explain_none_grads_none);
    // zero-filled with momentum: the momentum buffer moves the weights
    const Text sgd = explanation_of_first_none("sgd", {{"lr", 0.1}, {"momentum", 0.9}}, false);
    EXPECT_EQ(sgd.code, TextCode::explain_none_zero_moved);
    ASSERT_EQ(sgd.args.size(), 2u);
    EXPECT_EQ(sgd.args[1], "momentum_buffer");
    // Adagrad: its sum cannot make a step from a zero gradient (the old model said it moved)
    const Text adagrad = explanation_of_first_none("adagrad", {{"lr", 0.1}}, false);
    EXPECT_EQ(adagrad.code, TextCode::explain_none_zero_still);
    EXPECT_EQ(adagrad.args, (std::vector<std::string>{"sum"}));
    // RMSprop without momentum: nor can square_avg
    const Text rmsprop = explanation_of_first_none("rmsprop", {{"lr", 0.01}}, false);
    EXPECT_EQ(rmsprop.code, TextCode::explain_none_zero_still);
    EXPECT_EQ(rmsprop.args, (std::vector<std::string>{"square_avg"}));
    // Adam when the very first batch returns None: no grad exists yet, so zero-filling leaves them
    // None and Adam skips every parameter (the old model said its averages moved the weights)
    EXPECT_EQ(explanation_of_first_none("adam", {{"lr", 0.1}}, false, "batch_idx == 0").code,
              TextCode::explain_none_grads_none);
    // plain SGD with zero-filled grads: nothing to move the weights with
    EXPECT_EQ(explanation_of_first_none("sgd", {{"lr", 0.1}}, false).code,
              TextCode::explain_none_zero_still_nothing);
    // Adam later on: exp_avg moves the weights
    const Text adam = explanation_of_first_none("adam", {{"lr", 0.1}}, false);
    EXPECT_EQ(adam.code, TextCode::explain_none_zero_moved);
    EXPECT_EQ(adam.args[1], "exp_avg, exp_avg_sq");
    // weight decay is named with its value
    const Text decay =
        explanation_of_first_none("sgd", {{"lr", 0.1}, {"weight_decay", 0.01}}, false);
    EXPECT_EQ(decay.code, TextCode::explain_none_zero_moved);
    EXPECT_EQ(decay.args[1], "weight_decay=0.01");
    // The window's earlier gradients are still there
    EXPECT_EQ(explanation_of_first_none("sgd", {{"lr", 0.1}}, true, "batch_idx % 3 == 2", 3).code,
              TextCode::explain_none_grads_kept);
}

// Lightning's TensorBoardLogger is handed, for a training_step that self.log's what it returns
// (log_every_n_steps=1), exactly the scalars Stepwise's export writes: same tags in the same order,
// same steps (before each optimizer step is counted), the same values as floats — including the
// stale values a stepping batch that returned None repeats. Read back through the tests' own
// reader.
TEST(Fidelity, TensorBoardExportHoldsTheScalarsLightningLogs) {
    const std::string dir = fixture("tensorboard/lightning");
    const json expected = read_json(dir + "/expected.json");
    const RunLog r = run(load_run_config(dir + "/config.json"));
    ASSERT_EQ(r.status(), "finished") << (r.error() ? r.error()->message : "");
    BatchTable table;
    for (const Event& e : r.events) table.add(e);
    const std::string root =
        ::testing::TempDir() + "stepwise_fidelity_tb_" + std::to_string(::getpid());
    std::filesystem::remove_all(root);
    TensorBoardWriter writer(root);
    writer.write(table);
    auto line = [](std::int64_t step, const std::string& tag, float value) {
        char v[32];
        std::snprintf(v, sizeof v, "%.9g", double(value));  // a float's round trip
        return std::to_string(step) + " " + tag + " " + v;
    };
    std::vector<std::string> lightning, stepwise;
    for (const json& c : expected["scalars"])
        lightning.push_back(
            line(c[0].get<std::int64_t>(), c[1].get<std::string>(), float(c[2].get<double>())));
    int own = 0;
    for (const tfevents::Event& e : tfevents::read_file(writer.file())) {
        for (const tfevents::Value& v : e.values) {
            if (v.tag.rfind("stepwise/", 0) == 0) {
                ++own;
                continue;
            }
            stepwise.push_back(line(e.step, v.tag, v.simple_value));
        }
    }
    EXPECT_EQ(stepwise, lightning);
    EXPECT_EQ(lightning.size(), 24u);
    EXPECT_GT(own, 0);
    std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace stepwise::test
