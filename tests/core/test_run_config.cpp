// The run config: Lightning's argument names, strict validation, messages that name the key.

#include <gtest/gtest.h>

#include "stepwise/lessons.h"
#include "test_support.h"

namespace stepwise::test {
namespace {

std::string error_of(const std::string& json) {
    try {
        parse_run_config(json, "/cfg", "c.json");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(RunConfig, DefaultsFollowLightningAndTorch) {
    const RunConfig c = parse_run_config("{}", "");
    EXPECT_FALSE(c.trainer.max_epochs);  // not set: Lightning then picks 1000 epochs (E-1)
    EXPECT_EQ(resolved_max_epochs(c.trainer), 1000);
    EXPECT_EQ(c.trainer.max_steps, -1);
    EXPECT_FALSE(c.trainer.limit_train_batches);
    EXPECT_FALSE(c.lr_scheduler);
    EXPECT_EQ(c.trainer.accumulate_grad_batches, 1);
    EXPECT_FALSE(c.trainer.gradient_clip_val);
    EXPECT_TRUE(c.zero_grad_set_to_none);
    EXPECT_EQ(c.model.kind, ModelSpec::Kind::lesson);
}

TEST(RunConfig, UnknownKeysAreErrorsThatNameTheKeyPath) {
    EXPECT_NE(
        error_of(R"({"trainer": {"max_epoch": 2}})").find("c.json: trainer.max_epoch: unknown key"),
        std::string::npos);
    EXPECT_NE(error_of(R"({"optimiser": {}})").find("c.json: optimiser: unknown key"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"optimizer": {"name": "adam", "momentum": 0.9}})")
                  .find("optimizer.momentum: unknown key"),
              std::string::npos);
}

TEST(RunConfig, WrongTypesAndValuesAreNamed) {
    EXPECT_NE(error_of(R"({"batch_size": "8"})").find("batch_size: expected an integer, got \"8\""),
              std::string::npos);
    EXPECT_NE(error_of(R"({"batch_size": 0})").find("batch_size: must be at least 1"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"trainer": {"accumulate_grad_batches": 0}})")
                  .find("trainer.accumulate_grad_batches"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"optimizer": {"name": "sgd"}})").find("optimizer.lr"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"optimizer": {"name": "nadam", "lr": 1}})")
                  .find("unknown optimizer \"nadam\""),
              std::string::npos);
    EXPECT_NE(error_of(R"({"model": {"torchscript": "a.pt", "lesson": "x"}})").find("exactly one"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"data": {"synthetic": "circles"}})").find("data.synthetic"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"trainer": {"limit_train_batches": 1.5}})")
                  .find("invalid value 1.5 for limit_train_batches"),
              std::string::npos);
    EXPECT_NE(error_of("{ not json").find("c.json: not valid JSON"), std::string::npos);
    // A number JSON can write but a double cannot hold (found by tests/fuzz/fuzz_run_config).
    EXPECT_NE(error_of(R"({"seed": 1e309})")
                  .find("c.json: not valid JSON: [json.exception.out_of_range.406]"),
              std::string::npos);
}

TEST(RunConfig, RelativePathsResolveAgainstTheConfigFolder) {
    const RunConfig c = parse_run_config(
        R"({"model": {"torchscript": "m.pt"}, "data": {"file": "../d.pt"}})", "/a/b");
    EXPECT_EQ(resolve_path(c, c.model.path), "/a/b/m.pt");
    EXPECT_EQ(resolve_path(c, c.data.path), "/a/d.pt");
    EXPECT_EQ(resolve_path(c, "/abs/x.pt"), "/abs/x.pt");
}

TEST(RunConfig, ToJsonRoundTrips) {
    const std::string text =
        R"({"optimizer": {"name": "adam", "lr": 0.01, "betas": [0.8, 0.9], "amsgrad": true},
        "trainer": {"max_epochs": 3, "limit_train_batches": 0.5, "gradient_clip_val": 1, "gradient_clip_algorithm": "value"},
        "zero_grad_set_to_none": false, "shuffle": true, "seed": 7})";
    const RunConfig a = parse_run_config(text, "");
    const RunConfig b = parse_run_config(to_json(a), "");
    EXPECT_EQ(to_json(a), to_json(b));
    EXPECT_EQ(b.trainer.max_epochs, 3);
    EXPECT_FALSE(b.zero_grad_set_to_none);
}

TEST(RunConfig, EveryLessonConfigIsValidAndItsModelCompiles) {
    ASSERT_GE(lessons().size(), 12u);
    for (const auto& lesson : lessons()) {
        RunConfig c = parse_run_config(lesson.config_json, "", lesson.name);
        c.trainer.max_epochs = 1;
        c.trainer.limit_train_batches = std::int64_t{1};
        const RunLog r = run(c);
        ASSERT_FALSE(r.of(EventType::run_start).empty())
            << lesson.name << ": " << (r.error() ? r.error()->message : "");
    }
    EXPECT_EQ(default_lesson().name, "tensor_return");
}

TEST(RunConfig, MissingConfigFileIsNamed) {
    try {
        load_run_config("/nonexistent/config.json");
        ADD_FAILURE();
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/config.json: cannot open"),
                  std::string::npos);
    }
}

TEST(RunConfig, UnknownLessonIsReportedAtLoad) {
    RunConfig c;
    c.model.lesson = "nope";
    const RunLog r = run(c);
    ASSERT_NE(r.error(), nullptr);
    EXPECT_NE(r.error()->message.find("no built-in lesson \"nope\""), std::string::npos);
    EXPECT_EQ(r.status(), "failed");
}

}  // namespace
}  // namespace stepwise::test
