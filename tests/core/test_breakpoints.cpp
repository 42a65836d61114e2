// Breakpoints in a run (issue "Debug a training_step", item 1): a hit is a notice at the event
// that met it, and the run holds at the next stage boundary (a place: at its own boundary, before
// the stage runs), reports and goes on, or stops there. Waits are on events, never on the clock.

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "stepwise/conditions.h"
#include "stepwise/session.h"
#include "test_support.h"

using namespace stepwise;
using namespace stepwise::test;
using namespace std::chrono_literals;

namespace {

bool is_hit(const Event& e) {
    return e.type == EventType::warning && (e.text.code == TextCode::breakpoint_hit ||
                                            e.text.code == TextCode::breakpoint_hit_value);
}

/// A session on its worker thread whose every event the listener keeps; waits on a condition
/// variable the listener notifies.
class Watched {
  public:
    Watched(RunConfig config, SessionOptions::OnBreak on_break)
        : session_(std::move(config), options(on_break)) {
        session_.start();
    }
    SessionOptions options(SessionOptions::OnBreak on_break) {
        SessionOptions o;
        o.buffer_events = false;
        o.on_break = on_break;
        o.listener = [this](const Event& e) {
            {
                const std::lock_guard<std::mutex> lock(mutex_);
                events_.push_back(e);
            }
            changed_.notify_all();
        };
        return o;
    }
    /// Waits until an event matches; returns it (a default Event when the deadline passed).
    Event wait_for(const std::function<bool(const Event&)>& match, std::size_t from = 0) {
        std::unique_lock<std::mutex> lock(mutex_);
        std::size_t i = from;
        Event found;
        const bool ok = changed_.wait_for(lock, scaled(60s), [&] {
            for (; i < events_.size(); ++i)
                if (match(events_[i])) {
                    found = events_[i];
                    return true;
                }
            return false;
        });
        EXPECT_TRUE(ok) << "no such event came";
        return found;
    }
    std::vector<Event> events() {
        const std::lock_guard<std::mutex> lock(mutex_);
        return events_;
    }
    void finish() { ASSERT_TRUE(session_.wait_finished(scaled(60s))); }
    TrainingSession& session() { return session_; }

  private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Event> events_;
    TrainingSession session_;
};

RunConfig with_breakpoints(const std::string& lesson, std::vector<BreakpointSpec> breakpoints) {
    RunConfig c = lesson_config(lesson);
    c.breakpoints = std::move(breakpoints);
    return c;
}

}  // namespace

TEST(Breakpoints, ANonFiniteLossHoldsTheRunAtTheNextBoundaryWithTheValueInItsNotice) {
    Watched w(with_breakpoints("nan_loss", {{"nonfinite"}}), SessionOptions::OnBreak::hold);
    const Event hit = w.wait_for(is_hit);
    EXPECT_EQ(hit.text, (Text{TextCode::breakpoint_hit_value, {"1", "nonfinite", "loss", "nan"}}));
    EXPECT_EQ(hit.batch_idx, 3);
    EXPECT_EQ(hit.stage, Stage::training_step);
    const Event paused = w.wait_for([](const Event& e) { return e.type == EventType::paused; });
    // Held at the boundary right after training_step, with the NaN loss's batch still going.
    EXPECT_EQ(paused.batch_idx, 3);
    EXPECT_EQ(paused.stage, Stage::on_before_zero_grad);
    EXPECT_TRUE(w.session().gate().holding());
    const auto before = w.events();
    EXPECT_EQ(std::count_if(before.begin(), before.end(),
                            [](const Event& e) { return e.type == EventType::batch_end; }),
              3);
    // The NaN was backpropagated: the weights are NaN now, and the next batch's loss is NaN too.
    w.session().gate().resume();
    const Event next = w.wait_for(is_hit, before.size());
    EXPECT_EQ(next.batch_idx, 4);
    w.wait_for([](const Event& e) { return e.type == EventType::paused && e.batch_idx == 4; },
               before.size());
    w.session().gate().stop();
    w.finish();
    EXPECT_EQ(w.session().state(), SessionState::stopped);
    const auto all = w.events();
    EXPECT_EQ(std::count_if(all.begin(), all.end(), is_hit), 2);
}

TEST(Breakpoints, ReportOnlyCountsEveryHitAndNeverHolds) {
    // none_batches: batches 2 and 5 of each epoch return None.
    Watched w(with_breakpoints("none_batches", {{"none"}, {"grad_norm > 1e9"}}),
              SessionOptions::OnBreak::report);
    w.finish();
    const auto all = w.events();
    EXPECT_EQ(std::count_if(all.begin(), all.end(), is_hit), 4);
    EXPECT_EQ(std::count_if(all.begin(), all.end(),
                            [](const Event& e) { return e.type == EventType::paused; }),
              0);
    EXPECT_EQ(w.session().state(), SessionState::finished);
}

TEST(Breakpoints, APlaceHoldsBeforeItsStageRuns) {
    Watched w(with_breakpoints("tensor_return", {{"stage = backward and batch = 2"}}),
              SessionOptions::OnBreak::hold);
    const Event hit = w.wait_for(is_hit);
    EXPECT_EQ(hit.text, (Text{TextCode::breakpoint_hit, {"1", "stage = backward and batch = 2"}}));
    const Event paused = w.wait_for([](const Event& e) { return e.type == EventType::paused; });
    EXPECT_EQ(paused.stage, Stage::backward);
    EXPECT_EQ(paused.batch_idx, 2);
    // backward of batch 2 has not run: its last exit is on_before_backward's.
    const auto events = w.events();
    const auto last_exit = std::find_if(events.rbegin(), events.rend(), [](const Event& e) {
        return e.type == EventType::stage_exit;
    });
    ASSERT_NE(last_exit, events.rend());
    EXPECT_EQ(last_exit->stage, Stage::on_before_backward);
    // Going on, it hits again in the next epoch's batch 2.
    const std::size_t seen = w.events().size();  // before letting it go: the next hit comes fast
    w.session().gate().resume();
    const Event again = w.wait_for(is_hit, seen);
    EXPECT_EQ(again.epoch, 1);
    // A Continue that answers the notice at once is never lost: the pause came before it.
    w.session().gate().resume();
    w.finish();
}

TEST(Breakpoints, StopEndsTheRunAtTheBoundaryAfterTheHit) {
    Watched w(with_breakpoints("nan_loss", {{"nonfinite"}}), SessionOptions::OnBreak::stop);
    w.finish();
    EXPECT_EQ(w.session().state(), SessionState::stopped);
    const auto all = w.events();
    EXPECT_EQ(std::count_if(all.begin(), all.end(),
                            [](const Event& e) { return e.type == EventType::batch_end; }),
              3);
    EXPECT_EQ(all.back().type, EventType::run_end);
}

TEST(Breakpoints, AnExceptionHoldsTheFailedRunBeforeItEnds) {
    RunConfig c = torchscript_config("bad/raises.pt", "bad/data3.pt");
    c.breakpoints = {{"exception"}};
    Watched w(c, SessionOptions::OnBreak::hold);
    const Event hit = w.wait_for(is_hit);
    EXPECT_EQ(hit.text, (Text{TextCode::breakpoint_hit, {"1", "exception"}}));
    w.wait_for([](const Event& e) { return e.type == EventType::paused; });
    EXPECT_FALSE(w.session().ended());  // held: the run is not over yet
    const auto events = w.events();
    EXPECT_TRUE(std::any_of(events.begin(), events.end(),
                            [](const Event& e) { return e.type == EventType::error; }));
    w.session().gate().resume();
    w.finish();
    EXPECT_EQ(w.session().state(), SessionState::failed);
}

TEST(Breakpoints, GradientConditionsMeasureNormsEvenWhenNobodyElseAsks) {
    // stepwise-run's path does not measure norms; a breakpoint on them turns that on.
    RunConfig c = with_breakpoints("tensor_return", {{"grad_norm[weight] > 0 and batch = 1"}});
    SessionOptions o;
    o.buffer_events = false;
    o.observe_norms = false;
    o.on_break = SessionOptions::OnBreak::report;
    std::vector<Event> hits;
    o.listener = [&](const Event& e) {
        if (is_hit(e)) hits.push_back(e);
    };
    TrainingSession session(c, o);
    session.run_blocking();
    ASSERT_EQ(hits.size(), 2u);  // batch 1 of both epochs
    EXPECT_EQ(hits[0].text.args.at(2), "grad_norm[weight]");
}

TEST(Breakpoints, ABadBreakpointInACodeBuiltConfigIsAConfigError) {
    RunConfig c = lesson_config("tensor_return");
    c.breakpoints = {{"grad_norm >"}};
    const RunLog r = run(c);
    ASSERT_NE(r.error(), nullptr);
    EXPECT_EQ(std::string(where_name(*r.error())), "config");
    EXPECT_NE(r.error()->message.find("breakpoints: breakpoint 1: expected a number"),
              std::string::npos)
        << r.error()->message;
}

// With grads set to None, a None batch's SGD step skips every parameter: `unchanged` hits there,
// and the update-to-weight ratio of a real step is measured (issue 8, item 1).
TEST(Breakpoints, UnchangedHitsWhereAStepLeftTheWeightsAsTheyWereAndUpdateRatiosAreMeasured) {
    Watched w(with_breakpoints("set_to_none_momentum", {{"unchanged"}, {"update_ratio > 0"}}),
              SessionOptions::OnBreak::report);
    w.finish();
    const auto all = w.events();
    std::vector<Event> unchanged, moved;
    for (const Event& e : all) {
        if (!is_hit(e)) continue;
        (e.text.args.at(1) == "unchanged" ? unchanged : moved).push_back(e);
    }
    ASSERT_FALSE(unchanged.empty());
    ASSERT_FALSE(moved.empty());
    for (const Event& e : unchanged) {
        EXPECT_EQ(e.stage, Stage::optimizer_step);
        // The batch returned None: its batch_end has no loss and an update norm of exactly 0.
        const auto end = std::find_if(all.begin(), all.end(), [&](const Event& b) {
            return b.type == EventType::batch_end && b.epoch == e.epoch &&
                   b.batch_idx == e.batch_idx;
        });
        ASSERT_NE(end, all.end());
        EXPECT_FALSE(end->loss.has_value());
        EXPECT_EQ(end->update_norm, std::optional<double>(0.0));
    }
    // Every other step moved the weights, and its ratio is quoted.
    EXPECT_EQ(unchanged.size() + moved.size(),
              std::size_t(std::count_if(all.begin(), all.end(), [](const Event& e) {
                  return e.type == EventType::batch_end && e.stepped;
              })));
    EXPECT_EQ(moved.front().text.args.at(2), "update_ratio");
    EXPECT_GT(std::stod(moved.front().text.args.at(3)), 0.0);
}
