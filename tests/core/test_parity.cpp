// The parity meter's reference (issue "Teach by comparison", item 4): a headless shadow run of the
// same config checksums the parameters after every batch; a run that is stepped, paused and sent
// back must match it bit for bit, and one with another config must not. Waits are on events.

#include <gtest/gtest.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "driven_session.h"
#include "generator_lease.h"
#include "stepwise/shadow_run.h"
#include "stepwise/warning_cache.h"
#include "test_support.h"

using namespace stepwise;
using namespace stepwise::test;
using namespace std::chrono_literals;

namespace {

bool wait_ended(const ShadowRun& shadow) {
    return shadow.wait_ended(scaled(60s)) && shadow.ended();
}

}  // namespace

TEST(Parity, AShadowRunMatchesARunSteppedPausedAndSentBackBitForBit) {
    for (const char* name :
         {"mlp_spiral", "seeded_dropout", "lbfgs", "accumulate_3", "none_batches", "lr_schedule"}) {
        SCOPED_TRACE(name);
        const RunConfig config = lesson_config(name);
        ShadowRun shadow(config);
        Driven run(config, {}, true);
        run.start();
        for (int i = 0; i < 5; ++i) ASSERT_TRUE(run.send(Command::step(StepKind::stage)));
        for (int i = 0; i < 3; ++i) ASSERT_TRUE(run.send(Command::step(StepKind::batch)));
        ASSERT_TRUE(run.send(Command::rewind(RewindTo::batch)));
        for (int i = 0; i < 2; ++i) ASSERT_TRUE(run.send(Command::step(StepKind::closure_call)));
        ASSERT_TRUE(run.send(Command::rewind(RewindTo::batch_start)));
        ASSERT_TRUE(run.send(Command::step(StepKind::batch)));
        ASSERT_TRUE(run.send(Command::rewind(RewindTo::batch_index, 1)));
        run.finish();
        ASSERT_TRUE(wait_ended(shadow));
        EXPECT_EQ(shadow.failure(), "");
        const auto watched = run.checksums();
        ASSERT_FALSE(watched.empty());
        EXPECT_EQ(shadow.batches(), std::int64_t(watched.size()));
        for (const auto& [batch, sum] : watched) {
            const auto expected = shadow.checksum(batch);
            ASSERT_TRUE(expected) << "batch " << batch;
            EXPECT_EQ(*expected, sum) << "batch " << batch;
        }
    }
}

TEST(Parity, AShadowOfAnotherLearningRateDiffersFromTheFirstStep) {
    RunConfig config = lesson_config("tensor_return");
    RunConfig other = config;
    other.optimizer.options["lr"] = 0.2;
    ShadowRun shadow(other);
    Driven run(config, {}, true);
    run.start();
    run.finish();
    ASSERT_TRUE(wait_ended(shadow));
    const auto watched = run.checksums();
    ASSERT_TRUE(shadow.checksum(0));
    EXPECT_NE(*shadow.checksum(0), watched.at(0));  // batch 0 steps: the weights differ after it
}

TEST(Parity, TheShadowLeavesLightningsOncePerProcessWarningsToTheRunItShadows) {
    const RunConfig config = lesson_config("none_batches");
    warning_cache::clear();
    {
        ShadowRun shadow(config);
        ASSERT_TRUE(wait_ended(shadow));
        EXPECT_EQ(shadow.failure(), "");
    }
    EXPECT_TRUE(warning_cache::contents().empty());
    const RunLog log = run(config);
    EXPECT_EQ(log.warnings("lightning").size(), 1u);  // the run's own, once
}

TEST(Parity, ChecksumsAreComputedOnlyWhenAskedFor) {
    const RunLog log = run(lesson_config("tensor_return"));
    ASSERT_FALSE(log.batch_ends().empty());
    for (const Event& e : log.batch_ends()) EXPECT_FALSE(e.param_checksum);
}

TEST(Parity, TheShadowComputesNothingWhileTheWatchedRunWorks) {
    RunConfig config = lesson_config("mlp_spiral");
    config.trainer.max_epochs = 20;
    std::unique_ptr<ShadowRun> shadow;
    std::mutex mutex;
    std::int64_t shadow_batches_at_end = -1, watched_batches = 0;
    SessionOptions o;
    o.buffer_events = false;
    o.checksum_parameters = true;
    o.listener = [&](const Event& e) {
        const std::lock_guard<std::mutex> lock(mutex);
        if (e.type == EventType::batch_end) ++watched_batches;
        if (e.type == EventType::run_end && shadow) shadow_batches_at_end = shadow->batches();
    };
    TrainingSession watched(config, o);
    {
        const std::lock_guard<std::mutex> lock(mutex);
        watched.start();  // working before the shadow exists, as in the window
        shadow = std::make_unique<ShadowRun>(config);
    }
    ASSERT_TRUE(watched.wait_finished(scaled(60s)));
    ASSERT_TRUE(wait_ended(*shadow));
    const std::lock_guard<std::mutex> lock(mutex);
    EXPECT_EQ(shadow_batches_at_end, 0);            // it waited for the watched run's whole run
    EXPECT_EQ(shadow->batches(), watched_batches);  // then caught up
}

TEST(Parity, AShadowToldToStopWhileItWaitsStopsAtOnce) {
    RunConfig config = lesson_config("mlp_spiral");
    config.trainer.max_epochs = 100000;  // works for far longer than the test
    std::mutex mutex;
    std::condition_variable changed;
    bool working = false;
    SessionOptions o;
    o.buffer_events = false;
    o.listener = [&](const Event& e) {
        if (e.type != EventType::batch_end) return;
        const std::lock_guard<std::mutex> lock(mutex);
        working = true;
        changed.notify_all();
    };
    TrainingSession watched(config, o);
    watched.start();
    {
        std::unique_lock<std::mutex> lock(mutex);
        ASSERT_TRUE(changed.wait_for(lock, scaled(60s), [&] { return working; }));
    }
    {
        ShadowRun shadow(config);
        // It loads its model, then waits behind the watched run at its first stage.
        const auto deadline = std::chrono::steady_clock::now() + scaled(60s);
        while (GeneratorLease::yielding_waiters() == 0 &&
               std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        ASSERT_EQ(GeneratorLease::yielding_waiters(), 1);
        EXPECT_EQ(shadow.batches(), 0);
    }  // stopped and joined here
    EXPECT_EQ(GeneratorLease::yielding_waiters(), 0);
    EXPECT_EQ(watched.state(), SessionState::running);  // the watched run never noticed
}
