// Stop anywhere (issue "Hard to break", item 4): for every built-in lesson, a stop — and,
// separately, a reset (destroying the session, as the window does) — at every stage boundary of
// the first batch, inside LBFGS's optimizer.step included, and at random instants of a run going
// at full speed. Each time control comes back within 2 seconds, the run ends "stopped" (or
// finished/failed when it got there first), and the trace written up to that point reads back
// whole and valid. Leaks are the sanitizer job's to find (scripts/sanitize.sh runs this too).
//
// Every wait is on an event (a condition variable fed by the session's listener); the only clock
// is the 2-second bound the issue asks for.

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <random>
#include <sstream>

#include "stepwise/lessons.h"
#include "stepwise/trace.h"
#include "test_support.h"

namespace stepwise::test {
namespace {

using namespace std::chrono_literals;
const auto kControlBound = scaled(2s);  // the bound, stretched only in sanitizer builds

/// A lesson's config, cut to its first batch (LBFGS to 4 iterations: still several closure calls).
RunConfig short_config(const Lesson& lesson) {
    RunConfig c = parse_run_config(lesson.config_json, "", lesson.name);
    c.trainer.max_epochs = 1;
    c.trainer.limit_train_batches = std::int64_t{2};
    if (c.optimizer.name == "lbfgs") c.optimizer.options["max_iter"] = 4.0;
    return c;
}

/// A session whose listener writes the trace and counts holds and events for the test thread.
class Watched {
  public:
    Watched(const RunConfig& config, bool start_paused) {
        SessionOptions o;
        o.start_paused = start_paused;
        o.buffer_events = false;
        o.listener = [this](const Event& e) {
            writer_.on_event(e);
            std::lock_guard<std::mutex> lock(m_);
            ++events_;
            if (e.type == EventType::paused) ++holds_;
            if (e.type == EventType::run_end) {
                ended_ = true;
                status_ = e.status;
            }
            cv_.notify_all();
        };
        session_ = std::make_unique<TrainingSession>(config, o);
        session_->start();
    }
    /// Waits for the n-th hold (1-based); false if the run ended first.
    bool wait_hold(int n) {
        std::unique_lock<std::mutex> lock(m_);
        cv_.wait(lock, [&] { return holds_ >= n || ended_; });
        return holds_ >= n;
    }
    /// Waits until at least n events were emitted (or the run ended).
    void wait_events(std::size_t n) {
        std::unique_lock<std::mutex> lock(m_);
        cv_.wait(lock, [&] { return events_ >= n || ended_; });
    }
    bool ended() {
        std::lock_guard<std::mutex> lock(m_);
        return ended_;
    }
    int holds() {
        std::lock_guard<std::mutex> lock(m_);
        return holds_;
    }
    RunStatus status() {
        std::lock_guard<std::mutex> lock(m_);
        return status_;
    }
    TrainingSession& session() { return *session_; }
    /// Destroys the session (stop + join), as Reset in the window does; returns how long it took.
    std::chrono::steady_clock::duration reset() {
        const auto start = std::chrono::steady_clock::now();
        session_.reset();
        return std::chrono::steady_clock::now() - start;
    }
    /// The trace written so far, read back; empty error when it is valid to its end.
    TraceContents trace() {
        writer_.flush();
        std::istringstream in(out_.str());
        TraceContents contents;
        try {
            TraceReader reader(in, "trace");
            while (auto e = reader.next()) contents.events.push_back(std::move(*e));
        } catch (const std::exception& e) {
            contents.error = e.what();
        }
        return contents;
    }

  private:
    std::ostringstream out_;
    TraceWriter writer_{out_};
    std::mutex m_;
    std::condition_variable cv_;
    std::size_t events_ = 0;
    int holds_ = 0;
    bool ended_ = false;
    RunStatus status_ = RunStatus::finished;
    std::unique_ptr<TrainingSession> session_;
};

/// How many times a stepped run of the config holds, stage by stage, to its end.
int count_boundaries(const RunConfig& config) {
    Watched w(config, true);
    int n = 0;
    while (w.wait_hold(n + 1)) {
        ++n;
        w.session().gate().step(StepKind::stage);
    }
    return n;
}

void expect_valid_trace_ending(Watched& w, const std::string& where) {
    const TraceContents t = w.trace();
    EXPECT_TRUE(t.error.empty()) << where << ": " << t.error;
    ASSERT_FALSE(t.events.empty()) << where;
    EXPECT_EQ(t.events.front().type, EventType::run_start) << where;
    EXPECT_EQ(t.events.back().type, EventType::run_end) << where;
    for (std::size_t i = 1; i < t.events.size(); ++i)
        ASSERT_EQ(t.events[i].seq, t.events[i - 1].seq + 1) << where << ": a gap at " << i;
}

class StopAnywhere : public ::testing::TestWithParam<std::string> {};

TEST_P(StopAnywhere, StopAndResetAtEveryStageBoundaryReturnControlWithinTwoSeconds) {
    const Lesson* lesson = find_lesson(GetParam());
    ASSERT_TRUE(lesson);
    const RunConfig config = short_config(*lesson);
    const int boundaries = count_boundaries(config);
    ASSERT_GT(boundaries, 0);
    for (int k = 1; k <= boundaries; ++k) {
        const std::string where = lesson->name + ", boundary " + std::to_string(k);
        {  // stop, held at boundary k
            Watched w(config, true);
            for (int i = 1; i < k; ++i) {
                ASSERT_TRUE(w.wait_hold(i)) << where;
                w.session().gate().step(StepKind::stage);
            }
            ASSERT_TRUE(w.wait_hold(k)) << where;
            const auto start = std::chrono::steady_clock::now();
            w.session().gate().stop();
            EXPECT_TRUE(w.session().wait_finished(kControlBound)) << where;
            EXPECT_LT(std::chrono::steady_clock::now() - start, kControlBound) << where;
            EXPECT_EQ(w.status(), RunStatus::stopped) << where;
            expect_valid_trace_ending(w, where + " (stop)");
        }
        {  // reset: the session goes away while held at boundary k
            Watched w(config, true);
            for (int i = 1; i < k; ++i) {
                ASSERT_TRUE(w.wait_hold(i)) << where;
                w.session().gate().step(StepKind::stage);
            }
            ASSERT_TRUE(w.wait_hold(k)) << where;
            EXPECT_LT(w.reset(), kControlBound) << where << " (reset)";
            expect_valid_trace_ending(w, where + " (reset)");
        }
    }
}

TEST_P(StopAnywhere, StopAndResetAtRandomInstantsOfAFullSpeedRun) {
    const Lesson* lesson = find_lesson(GetParam());
    ASSERT_TRUE(lesson);
    RunConfig config = short_config(*lesson);
    config.trainer.limit_train_batches = std::int64_t{6};
    std::mt19937 random(std::hash<std::string>{}(lesson->name));
    for (int round = 0; round < 4; ++round) {
        const std::size_t after = std::uniform_int_distribution<std::size_t>(1, 120)(random);
        const std::string where = lesson->name + ", after event " + std::to_string(after);
        Watched w(config, false);
        w.wait_events(after);  // the run goes on meanwhile: the stop lands wherever it is
        if (round % 2 == 0) {
            const auto start = std::chrono::steady_clock::now();
            w.session().gate().stop();
            EXPECT_TRUE(w.session().wait_finished(kControlBound)) << where;
            EXPECT_LT(std::chrono::steady_clock::now() - start, kControlBound) << where;
        } else {
            EXPECT_LT(w.reset(), kControlBound) << where << " (reset)";
        }
        expect_valid_trace_ending(w, where);
    }
}

std::vector<std::string> lesson_names() {
    std::vector<std::string> names;
    for (const auto& l : lessons()) names.push_back(l.name);
    return names;
}

INSTANTIATE_TEST_SUITE_P(EveryLesson, StopAnywhere, ::testing::ValuesIn(lesson_names()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                             return info.param;
                         });

}  // namespace
}  // namespace stepwise::test
