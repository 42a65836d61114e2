// The JSON Lines trace: record types, entry order, flushing per batch, kept on failure.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "stepwise/trace_writer.h"
#include "test_support.h"

namespace stepwise::test {
namespace {

std::vector<nlohmann::json> trace_of(const RunConfig& config) {
    std::ostringstream out;
    {
        TraceWriter writer(out);
        SessionOptions o;
        o.buffer_events = false;
        o.listener = [&](const Event& e) { writer.on_event(e); };
        TrainingSession session(config, o);
        session.run_blocking();
    }
    std::vector<nlohmann::json> lines;
    std::istringstream in(out.str());
    std::string line;
    while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
    return lines;
}

TEST(Trace, RecordsInEntryOrderWithOptimizerStepBeforeTheTrainingStepItEncloses) {
    const auto lines = trace_of(linear_source_config("    return {\"loss\": loss, \"mae\": (pred - y).abs().mean().detach()}",
                                                     "Dict[str, Tensor]"));
    ASSERT_GT(lines.size(), 3u);
    EXPECT_EQ(lines.front()["type"], "run_start");
    EXPECT_TRUE(lines.front()["parameters"].contains("weight"));
    EXPECT_EQ(lines.front()["parameters"]["weight"]["values"].size(), 3u);
    EXPECT_EQ(lines.back()["type"], "run_end");
    EXPECT_EQ(lines.back()["status"], "finished");
    EXPECT_EQ(lines[1]["stage"], "on_train_batch_start");
    EXPECT_EQ(lines[2]["stage"], "optimizer_step");
    EXPECT_EQ(lines[3]["stage"], "training_step");
    EXPECT_GT(lines[2]["duration_ns"].get<std::int64_t>(), lines[3]["duration_ns"].get<std::int64_t>());
    EXPECT_EQ(lines[3]["output"]["kind"], "dict");
    EXPECT_EQ(lines[3]["output"]["keys"], nlohmann::json::array({"loss", "mae"}));
    for (const auto& l : lines)
        if (l["type"] == "batch_end") {
            EXPECT_EQ(l["output"]["keys"], nlohmann::json::array({"loss", "mae"}));
            EXPECT_TRUE(l["extras"]["mae"].is_number());
            EXPECT_TRUE(l["loss"].is_number());
            EXPECT_EQ(l["closure_calls"], 1);
        }
}

TEST(Trace, NoneBatchesHaveNullLossAndEmptyKeysAndAWarningLine) {
    warning_cache::clear();
    const auto lines = trace_of(linear_source_config("    return None", "Optional[Tensor]"));
    int warnings = 0;
    for (const auto& l : lines) {
        if (l["type"] == "warning") ++warnings;
        if (l["type"] == "batch_end") {
            EXPECT_TRUE(l["loss"].is_null());
            EXPECT_TRUE(l["output"]["keys"].empty());
            EXPECT_EQ(l["output"]["kind"], "none");
        }
        if (l["type"] == "stage" && l["stage"] == "backward") {
            EXPECT_EQ(l["outcome"], "skipped");
            EXPECT_EQ(l["reason"], "backward skipped: training_step returned None");
        }
    }
    EXPECT_EQ(warnings, 1);
}

TEST(Trace, AFailedRunKeepsEveryEarlierRecordAndEndsWithTheError) {
    RunConfig c = linear_source_config("    if batch_idx == 2:\n        return (pred - y) ** 2\n    return loss", "Tensor");
    const auto lines = trace_of(c);
    int batch_ends = 0;
    std::string failed_stage;
    for (const auto& l : lines) {
        batch_ends += l["type"] == "batch_end";
        if (l["type"] == "stage" && l["outcome"] == "failed" && failed_stage.empty()) failed_stage = l["stage"];
    }
    EXPECT_EQ(batch_ends, 2);
    EXPECT_EQ(failed_stage, "optimizer_step");  // entry order: the enclosing stage comes first
    const auto& error = lines[lines.size() - 2];
    EXPECT_EQ(error["type"], "error");
    EXPECT_EQ(error["stage"], "backward");
    EXPECT_EQ(error["batch_idx"], 2);
    EXPECT_EQ(lines.back()["status"], "failed");
}

TEST(Trace, NonFiniteNumbersStayVisible) {
    const auto lines = trace_of(linear_source_config("    return loss / 0.0 * 0.0", "Tensor"));
    for (const auto& l : lines)
        if (l["type"] == "batch_end") EXPECT_EQ(l["loss"], "nan");
}

}  // namespace
}  // namespace stepwise::test
