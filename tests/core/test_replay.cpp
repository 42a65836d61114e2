// Replaying a trace shows, stop by stop, what the live run showed: the same events in the same
// order at every hold, on every built-in lesson.

#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "stepwise/lessons.h"
#include "stepwise/replay_link.h"
#include "stepwise/trace.h"
#include "stepwise/warning_cache.h"
#include "test_support.h"

namespace stepwise::test {
namespace {

using Picture = std::vector<std::string>;  ///< every event shown so far, encoded

bool is_hold_marker(const Event& e) {
    return e.type == EventType::paused || e.type == EventType::resumed;
}

/// Steps a live session stage by stage; the picture at every hold, and the trace it wrote.
std::vector<Picture> live_holds(const RunConfig& config, std::string& trace) {
    std::vector<Picture> holds;
    Picture shown;
    std::ostringstream out;
    {
        TraceWriter writer(out);
        SessionOptions o;
        o.start_paused = true;
        o.listener = [&](const Event& e) { writer.on_event(e); };
        TrainingSession session(config, o);
        session.start();
        bool ended = false;
        while (!ended) {
            bool held = false;
            while (!held && !ended) {
                if (!session.gate().holding() && !session.ended()) std::this_thread::yield();
                for (const Event& e : session.drain()) {
                    if (e.type == EventType::paused) held = true;
                    if (e.type == EventType::run_end) ended = true;
                    if (!is_hold_marker(e)) shown.push_back(encode_event(e));
                }
            }
            if (held) {
                holds.push_back(shown);
                session.gate().step(StepKind::stage);
            }
        }
    }
    trace = out.str();
    return holds;
}

std::vector<Picture> replay_holds(const std::string& trace, Picture& final_picture) {
    std::istringstream in(trace);
    TraceReader reader(in, "trace");
    std::vector<Event> recorded;
    while (auto e = reader.next()) recorded.push_back(std::move(*e));
    ReplayLink link(std::move(recorded));
    int wakes = 0;
    link.set_wake([&] { ++wakes; });
    std::vector<Picture> holds;
    Picture shown;
    std::vector<Event> frame;
    auto drain = [&] {
        link.drain_into(frame);
        bool held = false;
        for (const Event& e : frame) {
            if (e.type == EventType::paused) held = true;
            if (!is_hold_marker(e)) shown.push_back(encode_event(e));
        }
        if (held) holds.push_back(shown);
    };
    link.start();
    drain();
    while (!link.at_end()) {
        link.send(Command::step(StepKind::stage));
        drain();
    }
    EXPECT_GT(wakes, 0);
    final_picture = shown;
    return holds;
}

TEST(Replay, EveryLessonSteppedStageByStageShowsAtEveryHoldWhatTheLiveRunShowed) {
    for (const Lesson& lesson : lessons()) {
        SCOPED_TRACE(lesson.name);
        warning_cache::clear();
        RunConfig config = parse_run_config(lesson.config_json, "", lesson.name);
        config.trainer.max_epochs = 1;  // the long lesson's first epoch is enough
        std::string trace;
        const std::vector<Picture> live = live_holds(config, trace);
        Picture replayed_all;
        const std::vector<Picture> replayed = replay_holds(trace, replayed_all);
        ASSERT_GE(live.size(), 2u);  // dict_without_loss fails at its first training_step
        ASSERT_EQ(replayed.size(), live.size());
        for (std::size_t i = 0; i < live.size(); ++i)
            ASSERT_EQ(replayed[i], live[i]) << "hold " << i;
    }
}

TEST(Replay, AFullSpeedTraceStepsOneFinishedStageAtATimeAndSeeksBackToTheStart) {
    std::string trace;
    {
        std::ostringstream out;
        TraceWriter writer(out);
        SessionOptions o;
        o.buffer_events = false;
        o.listener = [&](const Event& e) { writer.on_event(e); };
        TrainingSession session(parse_run_config(default_lesson().config_json, "", "lesson"), o);
        session.run_blocking();
        writer.flush();
        trace = out.str();
    }
    std::istringstream in(trace);
    TraceReader reader(in, "trace");
    std::vector<Event> recorded;
    while (auto e = reader.next()) recorded.push_back(std::move(*e));
    ReplayLink link(recorded);
    std::vector<Event> frame;
    link.start();
    link.drain_into(frame);
    ASSERT_EQ(frame.front().type, EventType::run_start);
    EXPECT_EQ(frame.back().type, EventType::paused);
    EXPECT_EQ(frame.back().stage, Stage::on_train_batch_start);
    link.send(Command::step(StepKind::stage));
    link.drain_into(frame);
    ASSERT_EQ(frame.size(), 3u);  // resumed, on_train_batch_start's exit, paused
    EXPECT_EQ(frame[1].stage, Stage::on_train_batch_start);
    EXPECT_EQ(frame[2].stage, Stage::training_step);  // held before the next stage
    link.send(Command::step(StepKind::batch));
    link.drain_into(frame);
    EXPECT_EQ(frame[frame.size() - 2].type, EventType::batch_end);
    EXPECT_EQ(frame.back().batch_idx, 1);
    link.send(Command::step(StepKind::epoch));
    link.drain_into(frame);
    EXPECT_EQ(frame.back().epoch, 1);
    EXPECT_EQ(frame.back().batch_idx, 0);
    link.send(Command::seek(0));
    link.drain_into(frame);
    EXPECT_EQ(frame.front().type, EventType::run_start);
    EXPECT_EQ(link.position(), 1u);
    link.send(Command::seek(link.size()));
    link.drain_into(frame);
    EXPECT_EQ(frame.back().type, EventType::run_end);
    EXPECT_TRUE(link.at_end());
}

}  // namespace
}  // namespace stepwise::test
