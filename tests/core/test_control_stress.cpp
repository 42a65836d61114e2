// Stepping stress: thousands of random control calls (step of every kind, run, pause, animation
// delay, the commands the window and a remote client send) from another thread while a lesson
// trains, with a consumer draining the buffer as the window does. Whatever the interleaving, the
// run ends when stopped, the events come out in order and well formed, and nothing fails. Under
// ThreadSanitizer (scripts/tsan.sh) this is the test that shakes the gate, the buffer and the
// session's coalescing against each other.

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <random>

#include "stepwise/commands.h"
#include "stepwise/lessons.h"
#include "test_support.h"

namespace stepwise::test {
namespace {

using namespace std::chrono_literals;

struct StressResult {
    std::vector<Event> events;
    int commands = 0;
};

StressResult stress(const std::string& lesson, int commands, unsigned seed) {
    RunConfig config = lesson_config(lesson);
    config.trainer.max_epochs = 100000;  // never runs out by itself: the test stops it
    config.trainer.max_steps = -1;
    SessionOptions options;
    options.start_paused = true;
    options.coalesce_stages = true;  // as the window asks
    TrainingSession session(config, options);
    std::mutex mutex;
    std::condition_variable arrived;
    session.events().set_wake([&] {
        { const std::lock_guard<std::mutex> lock(mutex); }
        arrived.notify_all();
    });
    session.start();
    std::mt19937 random(seed);
    StressResult out;
    auto drain = [&] {
        for (Event& e : session.drain()) out.events.push_back(std::move(e));
    };
    // Paced by the run, not the clock: after half the commands that let the worker go on, the
    // next one waits until the buffer holds something (or the deadline ends a broken run).
    auto wait_for_news = [&] {
        std::unique_lock<std::mutex> lock(mutex);
        arrived.wait_for(lock, 10s, [&] { return session.events().size() > 0 || session.ended(); });
    };
    wait_for_news();  // loaded and held before the first stage
    for (; out.commands < commands && !session.ended(); ++out.commands) {
        const int pick = static_cast<int>(random() % 100);
        bool goes_on = false;
        if (pick < 45) {
            session.gate().apply(Command::step(static_cast<StepKind>(random() % 4)));
            goes_on = true;
        } else if (pick < 60) {
            session.gate().apply(Command::of(CommandType::run));
            goes_on = true;
        } else if (pick < 80) {
            session.gate().apply(Command::of(CommandType::pause));
        } else {
            session.gate().apply(Command::delay(static_cast<int>(random() % 2)));
        }
        // Something new in the buffer: the worker has moved since the last drain.
        if (goes_on && random() % 2 == 0) wait_for_news();
        if (random() % 3 == 0) drain();  // the consumer drains at its own pace
    }
    session.gate().apply(Command::of(CommandType::stop));
    EXPECT_TRUE(session.wait_finished(60s)) << lesson << ": the run did not end after stop";
    drain();
    return out;
}

class ControlStress : public ::testing::TestWithParam<std::string> {};

TEST_P(ControlStress, ThousandsOfRandomControlCallsWhileTrainingLeaveAWellFormedRun) {
    const std::string lesson = GetParam();
    const StressResult r = stress(lesson, 3000, 0x5eed + static_cast<unsigned>(lesson.size()));
    ASSERT_FALSE(r.events.empty());
    // In order (coalescing leaves gaps, never a step back), one run, one end, and it is the last.
    for (std::size_t i = 1; i < r.events.size(); ++i) {
        ASSERT_LT(r.events[i - 1].seq, r.events[i].seq) << lesson << " at " << i;
        ASSERT_EQ(r.events[i].run_id, r.events[0].run_id);
    }
    EXPECT_EQ(r.events.front().type, EventType::run_start);
    EXPECT_EQ(r.events.back().type, EventType::run_end);
    EXPECT_EQ(r.events.back().status, RunStatus::stopped) << lesson;
    int ends = 0, batches = 0, pauses = 0;
    for (const Event& e : r.events) {
        ends += e.type == EventType::run_end;
        batches += e.type == EventType::batch_end;
        pauses += e.type == EventType::paused;
        EXPECT_NE(e.type, EventType::error) << lesson << ": " << where_name(e) << ": " << e.message;
    }
    EXPECT_EQ(ends, 1);
    std::printf("%s: %d commands, %zu events, %d batches, %d holds\n", lesson.c_str(), r.commands,
                r.events.size(), batches, pauses);  // what was shaken, for the log
    EXPECT_GT(pauses, 0) << "the controls never held the run";
    EXPECT_GT(batches, 0) << "the controls never let a batch finish";
    // Batches come in order, none twice.
    std::int64_t last_step = -1, last_index = -1;
    for (const Event& e : r.events) {
        if (e.type != EventType::batch_end) continue;
        const std::int64_t index = e.epoch * 1000000 + e.batch_idx;
        EXPECT_GT(index, last_index) << lesson;
        EXPECT_GE(e.global_step, last_step) << lesson;
        last_index = index;
        last_step = e.global_step;
    }
}

INSTANTIATE_TEST_SUITE_P(Lessons, ControlStress,
                         ::testing::Values("tensor_return", "lbfgs", "accumulate_3",
                                           "none_batches"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace stepwise::test
