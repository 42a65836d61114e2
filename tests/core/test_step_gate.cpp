// Stepping control: pause at a stage boundary, step a stage / closure call / batch / epoch, run,
// stop (also inside LBFGS's optimizer.step), all from another thread while the loop runs.

#include <gtest/gtest.h>

#include <thread>

#include "test_support.h"

namespace stepwise::test {
namespace {

using namespace std::chrono_literals;

class Stepper {
public:
    explicit Stepper(const RunConfig& config) : session_(config, options()) { session_.start(); }

    static SessionOptions options() {
        SessionOptions o;
        o.start_paused = true;
        return o;
    }
    /// Waits until the worker holds at a boundary; returns the stage_enter it holds at.
    Event held() {
        for (int i = 0; i < 2000 && !session_.gate().holding(); ++i) {
            if (session_.ended()) break;
            std::this_thread::sleep_for(5ms);
        }
        EXPECT_TRUE(session_.gate().holding()) << "the loop did not pause";
        collect();
        for (auto it = events_.rbegin(); it != events_.rend(); ++it)
            if (it->type == EventType::stage_enter) return *it;
        return {};
    }
    void collect() {
        for (auto& e : session_.drain()) events_.push_back(std::move(e));
    }
    std::string step(StepKind kind) {
        session_.gate().step(kind);
        wait_until_left();
        const Event e = held();
        return std::string(stage_name(e.stage)) + "@" + std::to_string(e.epoch) + ":" + std::to_string(e.batch_idx) +
               (e.call ? "#" + std::to_string(e.call) : "");
    }
    void wait_until_left() {
        for (int i = 0; i < 2000 && session_.gate().holding(); ++i) std::this_thread::sleep_for(1ms);
    }
    TrainingSession& session() { return session_; }
    std::vector<Event>& events() { return events_; }

private:
    TrainingSession session_;
    std::vector<Event> events_;
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
    EXPECT_EQ(s.step(StepKind::closure_call), "training_step@0:0#3");  // inside optimizer.step(closure)
    s.session().gate().stop();
    ASSERT_TRUE(s.session().wait_finished(10s));
    EXPECT_EQ(s.session().state(), SessionState::stopped);
}

TEST(StepGate, PauseWhileRunningHoldsAtTheNextBoundaryAndResumeFinishes) {
    RunConfig c = small(50, 20);
    Stepper s(c);
    s.held();
    s.session().gate().resume();
    std::this_thread::sleep_for(20ms);
    s.session().gate().pause();
    s.held();
    EXPECT_EQ(s.session().state(), SessionState::paused);
    s.session().gate().resume();
    ASSERT_TRUE(s.session().wait_finished(60s));
    EXPECT_EQ(s.session().state(), SessionState::finished);
}

TEST(StepGate, AnimationDelayNeverDelaysStop) {
    Stepper s(small(50));
    s.held();
    s.session().gate().set_delay(10s);
    s.session().gate().resume();
    std::this_thread::sleep_for(20ms);
    s.session().gate().stop();
    ASSERT_TRUE(s.session().wait_finished(5s));
    EXPECT_EQ(s.session().state(), SessionState::stopped);
}

TEST(StepGate, DestroyingARunningSessionStopsAndJoinsIt) {
    auto session = std::make_unique<TrainingSession>(small(100, 1000), SessionOptions{});
    session->start();
    std::this_thread::sleep_for(20ms);
    session.reset();  // must not hang
    SUCCEED();
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
