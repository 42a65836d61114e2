// The trace: every event a session emits, one line each, under a versioned schema; lossless on
// every built-in lesson (write -> read -> write is byte-identical), kept on failure, safe with any
// bytes.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "stepwise/lessons.h"
#include "stepwise/trace.h"
#include "stepwise/warning_cache.h"
#include "test_support.h"

namespace stepwise::test {
namespace {

struct Recorded {
    std::vector<Event> events;
    std::string text;  ///< the trace as written
};

Recorded record(const RunConfig& config, bool start_paused = false, int stage_steps = 0) {
    Recorded r;
    std::ostringstream out;
    {
        TraceWriter writer(out);
        SessionOptions o;
        o.buffer_events = false;
        o.start_paused = start_paused;
        std::atomic<int> holds{0};
        o.listener = [&](const Event& e) {
            writer.on_event(e);
            r.events.push_back(e);
            if (e.type == EventType::paused) ++holds;
        };
        TrainingSession session(config, o);
        session.start();
        for (int i = 0; i < stage_steps && !session.ended(); ++i) {
            // wait for the loop's next hold, then step one stage
            while (holds.load() <= i && !session.ended()) std::this_thread::yield();
            session.gate().step(StepKind::stage);
        }
        session.gate().resume();
        EXPECT_TRUE(session.wait_finished(std::chrono::seconds(120)));
    }
    r.text = out.str();
    return r;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
    return lines;
}

/// Reads a trace text back and writes what it read again.
std::string rewrite(const std::string& text, std::vector<Event>* read = nullptr) {
    std::istringstream in(text);
    TraceReader reader(in, "trace");
    std::ostringstream out;
    {
        TraceWriter writer(out);
        while (auto e = reader.next()) {
            writer.on_event(*e);
            if (read) read->push_back(std::move(*e));
        }
    }
    return out.str();
}

TEST(Trace, EveryEventOfEveryLessonIsOneLineAndReadingThenWritingIsByteIdentical) {
    for (const Lesson& lesson : lessons()) {
        SCOPED_TRACE(lesson.name);
        warning_cache::clear();
        const Recorded r = record(parse_run_config(lesson.config_json, "", lesson.name));
        const auto lines = lines_of(r.text);
        ASSERT_EQ(lines.size(), r.events.size() + 1);  // the header, then one line per event
        std::vector<Event> read;
        EXPECT_EQ(rewrite(r.text, &read), r.text);
        ASSERT_EQ(read.size(), r.events.size());
        for (std::size_t i = 0; i < read.size(); ++i) {
            EXPECT_EQ(read[i].type, r.events[i].type);
            EXPECT_EQ(read[i].seq, r.events[i].seq);
            EXPECT_EQ(read[i].run_id, r.events[i].run_id);
            EXPECT_EQ(read[i].text, r.events[i].text);
            EXPECT_EQ(read[i].config_json, r.events[i].config_json);
        }
    }
}

TEST(Trace, SteppingRecordsEnterPausedAndResumedEventsToo) {
    const Recorded r =
        record(parse_run_config(default_lesson().config_json, "", "lesson"), true, 5);
    int paused = 0, resumed = 0, enters = 0;
    for (const auto& line : lines_of(r.text)) {
        const auto j = nlohmann::json::parse(line);
        paused += j["type"] == "paused";
        resumed += j["type"] == "resumed";
        enters += j["type"] == "stage_enter";
    }
    EXPECT_GE(paused, 5);
    EXPECT_EQ(paused, resumed);
    EXPECT_GE(enters, 5);
    EXPECT_EQ(rewrite(r.text), r.text);
}

TEST(Trace, HeaderNamesTheSchemaAndEveryLineCarriesRunIdAndSeq) {
    const Recorded r = record(linear_source_config("    return loss", "Tensor"));
    const auto lines = lines_of(r.text);
    const auto header = nlohmann::json::parse(lines.front());
    EXPECT_EQ(header["type"], "stepwise_trace");
    EXPECT_EQ(header["schema"], kTraceSchema);
    std::uint64_t seq = 0;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const auto j = nlohmann::json::parse(lines[i]);
        EXPECT_EQ(j["seq"].get<std::uint64_t>(), seq++);
        EXPECT_EQ(j["run_id"], r.events.front().run_id);
    }
    EXPECT_EQ(nlohmann::json::parse(lines[1])["type"], "run_start");
    EXPECT_TRUE(nlohmann::json::parse(lines[1])["parameters"].contains("weight"));
    EXPECT_EQ(nlohmann::json::parse(lines.back())["status"], "finished");
}

TEST(Trace, SkipReasonsAndNoticesAreCodesWithTheirEnglishAlongside) {
    warning_cache::clear();
    const Recorded r = record(linear_source_config("    return None", "Optional[Tensor]"));
    int lightning_warnings = 0;
    for (const auto& line : lines_of(r.text)) {
        const auto j = nlohmann::json::parse(line);
        if (j["type"] == "warning" && j["source"] == "lightning") ++lightning_warnings;
        if (j["type"] == "stage_exit" && j["stage"] == "backward") {
            EXPECT_EQ(j["outcome"], "skipped");
            EXPECT_EQ(j["text"]["code"], "skip_backward_none_returned");
            EXPECT_EQ(j["text"]["english"], "backward skipped: training_step returned None");
        }
        if (j["type"] == "batch_end") {
            EXPECT_TRUE(j["loss"].is_null());
            EXPECT_EQ(j["output"]["classification"]["code"], "output_none");
        }
    }
    EXPECT_EQ(lightning_warnings, 1);
}

TEST(Trace, AFailedRunKeepsEveryEarlierRecordAndEndsWithTheError) {
    RunConfig c = linear_source_config(
        "    if batch_idx == 2:\n        return (pred - y) ** 2\n    return loss", "Tensor");
    const Recorded r = record(c);
    const auto lines = lines_of(r.text);
    int batch_ends = 0;
    for (const auto& line : lines) batch_ends += nlohmann::json::parse(line)["type"] == "batch_end";
    EXPECT_EQ(batch_ends, 2);
    const auto error = nlohmann::json::parse(lines[lines.size() - 2]);
    EXPECT_EQ(error["type"], "error");
    EXPECT_EQ(error["where"], "backward");
    EXPECT_EQ(error["batch_idx"], 2);
    EXPECT_EQ(nlohmann::json::parse(lines.back())["status"], "failed");
    EXPECT_EQ(rewrite(r.text), r.text);
}

TEST(Trace, NonFiniteNumbersStayVisible) {
    const Recorded r = record(linear_source_config("    return loss / 0.0 * 0.0", "Tensor"));
    for (const auto& line : lines_of(r.text)) {
        const auto j = nlohmann::json::parse(line);
        if (j["type"] == "batch_end") EXPECT_EQ(j["loss"], "nan");
    }
    EXPECT_EQ(rewrite(r.text), r.text);
}

TEST(Trace, InvalidUtf8InAMessageIsWrittenSafelyInsteadOfEndingTheProcess) {
    // A .stepwise file saved in Latin-1 with a syntax error: torch quotes the raw bytes.
    RunConfig c = linear_source_config("    caf\xe9 = 1\n    return loss +", "Tensor");
    const Recorded r = record(c);
    ASSERT_FALSE(r.events.empty());
    EXPECT_EQ(r.events.back().status, RunStatus::failed);
    const auto lines = lines_of(r.text);
    for (const auto& line : lines) EXPECT_NO_THROW(nlohmann::json::parse(line)) << line;
    EXPECT_EQ(rewrite(r.text), r.text);
}

TEST(Trace, ASchemaOneTraceIsRefusedWithTheReason) {
    std::istringstream in("{\"type\":\"run_start\",\"config\":{}}\n");
    try {
        TraceReader reader(in, "old.jsonl");
        FAIL() << "schema 1 was accepted";
    } catch (const TraceError& e) {
        EXPECT_NE(std::string(e.what()).find("old.jsonl:1: a trace of schema 1"), std::string::npos)
            << e.what();
    }
}

TEST(Trace, AFileCutShortGivesEveryEventBeforeTheCut) {
    const Recorded r = record(linear_source_config("    return loss", "Tensor"));
    std::string text = r.text;
    text.resize(text.size() - 20);  // the run_end line loses its end
    const std::string path = ::testing::TempDir() + "cut.jsonl";
    std::ofstream(path, std::ios::binary) << text;
    const TraceContents contents = read_trace_file(path);
    EXPECT_EQ(contents.events.size(), r.events.size() - 1);
    EXPECT_NE(contents.error.find("cut.jsonl:" + std::to_string(r.events.size() + 1) +
                                  ": not valid JSON"),
              std::string::npos)
        << contents.error;
    std::remove(path.c_str());
}

}  // namespace
}  // namespace stepwise::test

namespace stepwise::test {
namespace {

TEST(Listener, AListenerThatThrowsIsDetachedAndReportedAsAnErrorWhileTheRunGoesOn) {
    SessionOptions o;
    int calls = 0;
    o.listener = [&](const Event&) {
        if (++calls == 3) throw std::runtime_error("disk full");
    };
    TrainingSession session(linear_source_config("    return loss", "Tensor"), o);
    session.run_blocking();
    const auto events = session.drain();
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(calls, 3);  // detached after it threw
    int errors = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
        EXPECT_EQ(events[i].seq, i);  // nothing lost, nothing renumbered
        if (events[i].type != EventType::error) continue;
        ++errors;
        EXPECT_EQ(events[i].phase, ErrorPhase::listener);
        EXPECT_NE(events[i].message.find("disk full"), std::string::npos);
    }
    EXPECT_EQ(errors, 1);
    EXPECT_EQ(events.back().type, EventType::run_end);
    EXPECT_EQ(events.back().status, RunStatus::finished);
}

}  // namespace
}  // namespace stepwise::test
