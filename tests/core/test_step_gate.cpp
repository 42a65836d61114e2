// Stepping control: pause at a stage boundary, step a stage / closure call / batch / epoch, run,
// stop (also inside LBFGS's optimizer.step), all from another thread while the loop runs.

#include <gtest/gtest.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "test_support.h"

namespace stepwise::test {
namespace {

using namespace std::chrono_literals;

class Stepper {
  public:
    explicit Stepper(const RunConfig& config) : session_(config, options()) {
        // Waits are on events: the buffer's wake-up (empty -> non-empty) notifies, and every
        // wait has a predicate; the deadline only ends a broken run instead of hanging.
        session_.events().set_wake([this] {
            { const std::lock_guard<std::mutex> lock(mutex_); }
            arrived_.notify_all();
        });
        session_.start();
    }

    static SessionOptions options() {
        SessionOptions o;
        o.start_paused = true;
        return o;
    }
    /// Waits for the loop's next hold (its next `paused` event); returns the stage_enter it
    /// holds at.
    Event held() {
        const auto deadline = std::chrono::steady_clock::now() + 60s;
        bool paused = false, ended = false;
        while (!paused && !ended) {
            collect();
            for (; scanned_ < events_.size() && !paused; ++scanned_) {
                paused = events_[scanned_].type == EventType::paused;
                ended = ended || events_[scanned_].type == EventType::run_end;
            }
            if (paused || ended) break;
            std::unique_lock<std::mutex> lock(mutex_);
            if (!arrived_.wait_until(lock, deadline,
                                     [this] { return session_.events().size() > 0; }))
                break;
        }
        EXPECT_TRUE(paused) << "the loop did not pause";
        for (std::size_t i = scanned_; i-- > 0;)
            if (events_[i].type == EventType::stage_enter) return events_[i];
        return {};
    }
    void collect() {
        for (auto& e : session_.drain()) events_.push_back(std::move(e));
    }
    /// Waits until an event collected from now on satisfies `match`; true if one did.
    bool wait_for(const std::function<bool(const Event&)>& match) {
        const auto deadline = std::chrono::steady_clock::now() + 60s;
        std::size_t from = events_.size();
        for (;;) {
            collect();
            for (; from < events_.size(); ++from)
                if (match(events_[from])) return true;
            std::unique_lock<std::mutex> lock(mutex_);
            if (!arrived_.wait_until(lock, deadline,
                                     [this] { return session_.events().size() > 0; }))
                return false;
        }
    }
    std::string step(StepKind kind) {
        session_.gate().step(kind);
        const Event e = held();
        return std::string(stage_name(e.stage)) + "@" + std::to_string(e.epoch) + ":" +
               std::to_string(e.batch_idx) + (e.call ? "#" + std::to_string(e.call) : "");
    }
    TrainingSession& session() { return session_; }
    std::vector<Event>& events() { return events_; }

  private:
    std::mutex mutex_;
    std::condition_variable arrived_;
    TrainingSession session_;
    std::vector<Event> events_;
    std::size_t scanned_ = 0;  ///< events_ looked at for a pause so far
};

RunConfig small(std::int64_t batches, std::int64_t epochs = 1) {
    RunConfig c = linear_source_config("    return loss", "Tensor");
    c.data.samples = batches * 8;
    c.trainer.max_epochs = epochs;
    return c;
}

TEST(StepGate, StartsPausedAtTheFirstBoundaryAndStepsOneStageAtATime) {
    Stepper s(small(2));
    const Event first = s.held();
    EXPECT_EQ(first.stage, Stage::on_train_batch_start);
    EXPECT_EQ(s.session().state(), SessionState::paused);
    EXPECT_EQ(s.step(StepKind::stage), "optimizer_step@0:0");
    EXPECT_EQ(s.step(StepKind::stage), "training_step@0:0#1");
    EXPECT_EQ(s.step(StepKind::stage), "on_before_zero_grad@0:0#1");
    EXPECT_EQ(s.step(StepKind::stage), "optimizer_zero_grad@0:0#1");
    EXPECT_EQ(s.step(StepKind::stage), "on_before_backward@0:0#1");
    // the paused event says where the loop is held
    const Event* paused = nullptr;
    for (const auto& e : s.events())
        if (e.type == EventType::paused) paused = &e;
    ASSERT_NE(paused, nullptr);
    EXPECT_EQ(paused->stage, Stage::on_before_backward);
    EXPECT_EQ(paused->batch_idx, 0);
    EXPECT_EQ(paused->call, 1);
    EXPECT_EQ(paused->depth, 1);
}

TEST(StepGate, StepsAClosureCallABatchAndAnEpoch) {
    Stepper s(small(3, 3));
    s.held();
    EXPECT_EQ(s.step(StepKind::closure_call), "training_step@0:0#1");
    EXPECT_EQ(s.step(StepKind::closure_call), "on_train_batch_end@0:0");
    EXPECT_EQ(s.step(StepKind::batch), "on_train_batch_start@0:1");
    EXPECT_EQ(s.step(StepKind::batch), "on_train_batch_start@0:2");
    EXPECT_EQ(s.step(StepKind::epoch), "on_train_batch_start@1:0");
    EXPECT_EQ(s.step(StepKind::epoch), "on_train_batch_start@2:0");
    s.session().gate().resume();
    ASSERT_TRUE(s.session().wait_finished(30s));
    EXPECT_EQ(s.session().state(), SessionState::finished);
}

TEST(StepGate, ClosureCallsOfLbfgsAreSteppedOneByOne) {
    RunConfig c = small(1);
    c.optimizer.name = "lbfgs";
    c.optimizer.options = {{"lr", 0.01}, {"max_iter", 5.0}};
    Stepper s(c);
    s.held();
    EXPECT_EQ(s.step(StepKind::closure_call), "training_step@0:0#1");
    EXPECT_EQ(s.step(StepKind::closure_call), "training_step@0:0#2");
    EXPECT_EQ(s.step(StepKind::closure_call), "training_step@0:0#3");
}

TEST(StepGate, StopWhilePausedEndsTheRunAsStopped) {
    Stepper s(small(4));
    s.held();
    s.session().gate().stop();
    ASSERT_TRUE(s.session().wait_finished(10s));
    EXPECT_EQ(s.session().state(), SessionState::stopped);
    s.collect();
    EXPECT_EQ(s.events().back().type, EventType::run_end);
    EXPECT_EQ(s.events().back().status, RunStatus::stopped);
}

TEST(StepGate, StopInsideLbfgsOptimizerStepUnwindsCleanly) {
    RunConfig c = small(2);
    c.optimizer.name = "lbfgs";
    c.optimizer.options = {{"lr", 0.01}, {"max_iter", 20.0}};
    Stepper s(c);
    s.held();
    s.step(StepKind::closure_call);
    s.step(StepKind::closure_call);
    EXPECT_EQ(s.step(StepKind::closure_call),
              "training_step@0:0#3");  // inside optimizer.step(closure)
    s.session().gate().stop();
    ASSERT_TRUE(s.session().wait_finished(10s));
    EXPECT_EQ(s.session().state(), SessionState::stopped);
}

TEST(StepGate, PauseWhileRunningHoldsAtTheNextBoundaryAndResumeFinishes) {
    RunConfig c = small(50, 20);
    Stepper s(c);
    s.held();
    s.session().gate().resume();
    // Running: batches go by (1000 of them in all, so the run is far from over).
    ASSERT_TRUE(s.wait_for(
        [](const Event& e) { return e.type == EventType::batch_end && e.batch_idx >= 2; }));
    s.session().gate().pause();
    const Event at = s.held();
    EXPECT_EQ(s.session().state(), SessionState::paused);
    EXPECT_LT(at.epoch, 49) << "the pause came only at the end";
    s.session().gate().resume();
    ASSERT_TRUE(s.session().wait_finished(60s));
    EXPECT_EQ(s.session().state(), SessionState::finished);
}

TEST(StepGate, AnimationDelayNeverDelaysStop) {
    Stepper s(small(50));
    s.held();
    s.session().gate().set_delay(10s);
    s.session().gate().resume();
    // The resumed loop enters its next stage, then sits out the 10 s delay before the one after.
    ASSERT_TRUE(s.wait_for([](const Event& e) { return e.type == EventType::stage_exit; }));
    s.session().gate().stop();
    ASSERT_TRUE(s.session().wait_finished(5s));
    EXPECT_EQ(s.session().state(), SessionState::stopped);
}

TEST(StepGate, DestroyingARunningSessionStopsAndJoinsIt) {
    std::vector<Event> seen;  // written by the worker, read after the join
    std::mutex mutex;
    std::condition_variable running;
    bool batches = false;
    SessionOptions o;
    o.buffer_events = false;
    o.listener = [&](const Event& e) {
        seen.push_back(e);
        if (e.type == EventType::batch_end && e.batch_idx == 3) {
            {
                const std::lock_guard<std::mutex> lock(mutex);
                batches = true;
            }
            running.notify_all();
        }
    };
    auto session = std::make_unique<TrainingSession>(small(100, 1000), o);
    session->start();
    {
        std::unique_lock<std::mutex> lock(mutex);
        ASSERT_TRUE(running.wait_for(lock, 60s, [&] { return batches; }))
            << "the run did not get going";
    }
    session.reset();  // stops at the next boundary and joins: the run is over, as "stopped"
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.back().type, EventType::run_end);
    EXPECT_EQ(seen.back().status, RunStatus::stopped);
    EXPECT_LT(seen.back().global_step, 100 * 1000);  // it did not run to the end
}

TEST(EventBuffer, WakesTheConsumerOnlyWhenItTurnsNonEmpty) {
    EventBuffer buffer;
    int wakes = 0;
    buffer.set_wake([&] { ++wakes; });
    buffer.push({});
    buffer.push({});
    buffer.push({});
    EXPECT_EQ(wakes, 1);
    EXPECT_EQ(buffer.drain().size(), 3u);
    buffer.push({});
    EXPECT_EQ(wakes, 2);
}

}  // namespace
}  // namespace stepwise::test
