#pragma once
// A held session driven one command at a time, for the engine tests that go back and compare
// (test_rewind, test_parity): each command is answered by the next hold, a rewind's refusal or the
// end of the run, and the events are kept as the window keeps them. Waits are on events.

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "stepwise/session.h"
#include "stepwise/text.h"
#include "stepwise/trace.h"
#include "test_support.h"

namespace stepwise::test {

using namespace std::chrono_literals;

inline bool is_rewind_notice(const Event& e) {
    return e.type == EventType::warning && (e.text.code == TextCode::rewind_nothing_earlier ||
                                            e.text.code == TextCode::rewind_no_earlier_hit ||
                                            e.text.code == TextCode::rewind_not_earlier ||
                                            e.text.code == TextCode::rewind_over_budget ||
                                            e.text.code == TextCode::rewind_not_held);
}

/// What a consumer keeps of the events, cut back at every rewound event as the window cuts its
/// history: one line per event, without what differs between two runs of the same thing (run id,
/// seq, durations) and without the marks of holding (stage_enter, paused, resumed).
class History {
  public:
    void add(const Event& e) {
        if (e.type == EventType::run_start)
            batches_per_epoch_ = std::max<std::int64_t>(1, e.total_batches_per_epoch);
        if (e.type == EventType::rewound) {
            ++rewinds_;
            const std::int64_t cut = e.epoch * batches_per_epoch_ + e.batch_idx;
            std::size_t keep = 0;
            for (std::size_t i = 0; i < lines_.size(); ++i)
                if (batches_[i] < cut) {
                    if (keep != i) lines_[keep] = std::move(lines_[i]);
                    batches_[keep++] = batches_[i];
                }
            lines_.resize(keep);
            batches_.resize(keep);
            return;
        }
        if (e.type == EventType::stage_enter || e.type == EventType::paused ||
            e.type == EventType::resumed || is_rewind_notice(e))
            return;
        Event copy = e;
        copy.run_id = 0;
        copy.seq = 0;
        copy.duration_ns = 0;
        lines_.push_back(encode_event(copy));
        batches_.push_back(e.batch_idx < 0 ? -1 : e.epoch * batches_per_epoch_ + e.batch_idx);
    }
    const std::vector<std::string>& lines() const { return lines_; }
    int rewinds() const { return rewinds_; }

  private:
    std::int64_t batches_per_epoch_ = 1;
    std::vector<std::string> lines_;
    std::vector<std::int64_t> batches_;
    int rewinds_ = 0;
};

/// A held session driven one command at a time: each command is answered by the next hold, a
/// rewind's refusal or the end of the run.
class Driven {
  public:
    /// `checksums`: every batch_end carries the parameters' checksum (the parity meter's).
    /// `adjust` changes the options further (a fork: lockstep, fork_from).
    explicit Driven(RunConfig config, Inspect what = {}, bool checksums = false,
                    const std::function<void(SessionOptions&)>& adjust = {})
        : checksums_wanted_(checksums), session_(std::move(config), options(adjust)) {
        if (!(what == Inspect{})) session_.send(Command::watch(std::move(what)));
        session_.start();
    }
    TrainingSession& session() { return session_; }

    SessionOptions options(const std::function<void(SessionOptions&)>& adjust = {}) {
        SessionOptions o;
        if (adjust) adjust(o);
        o.start_paused = true;
        o.buffer_events = false;
        o.checksum_parameters = checksums_wanted_;
        o.listener = [this](const Event& e) {
            if (std::getenv("REWIND_DEBUG") && e.type != EventType::stage_exit &&
                e.type != EventType::stage_enter)
                std::fprintf(stderr, "%s\n", encode_event(e).substr(0, 300).c_str());
            {
                const std::lock_guard<std::mutex> lock(mutex_);
                history_.add(e);
                if (e.type == EventType::paused || is_rewind_notice(e) ||
                    e.type == EventType::run_end)
                    ++answers_;
                if (e.type == EventType::run_start)
                    batches_per_epoch_ = std::max<std::int64_t>(1, e.total_batches_per_epoch);
                if (e.type == EventType::paused)
                    held_at_ = e.epoch * batches_per_epoch_ + e.batch_idx;
                if (e.type == EventType::error) failed_ = true;
                if (e.type == EventType::rewound) failed_ = false;
                if (e.type == EventType::run_end) ended_ = true;
                if (is_rewind_notice(e)) ++refusals_;
                if (e.type == EventType::batch_end &&
                    e.param_checksum)  // a recomputed batch replaces its own
                    checksums_[e.epoch * batches_per_epoch_ + e.batch_idx] = *e.param_checksum;
                if (e.type == EventType::run_end && e.parameters) final_ = flat(*e.parameters);
                if (e.type == EventType::rewound || e.type == EventType::paused ||
                    is_rewind_notice(e))
                    notable_.push_back(e);
            }
            changed_.notify_all();
        };
        return o;
    }
    /// Waits for the first hold.
    void start() { wait(0); }
    /// Sends a command and waits for its answer; false once the run has ended.
    bool send(const Command& c) {
        std::size_t before;
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            if (ended_) return false;
            before = answers_;
        }
        session_.send(c);
        wait(before);
        const std::lock_guard<std::mutex> lock(mutex_);
        return !ended_;
    }
    void finish() {
        while (send(Command::of(CommandType::run))) {
        }
        EXPECT_TRUE(session_.wait_finished(scaled(60s)));
    }
    History history() {
        const std::lock_guard<std::mutex> lock(mutex_);
        return history_;
    }
    std::vector<double> final_parameters() {
        const std::lock_guard<std::mutex> lock(mutex_);
        return final_;
    }
    int refusals() {
        const std::lock_guard<std::mutex> lock(mutex_);
        return refusals_;
    }
    /// The rewound events, holds and refusals so far.
    std::vector<Event> notable() {
        const std::lock_guard<std::mutex> lock(mutex_);
        return notable_;
    }
    /// The global batch index the run holds at.
    std::int64_t held_at() {
        const std::lock_guard<std::mutex> lock(mutex_);
        return held_at_;
    }
    /// The latest checksum of every batch, by global batch index.
    std::map<std::int64_t, std::uint64_t> checksums() {
        const std::lock_guard<std::mutex> lock(mutex_);
        return checksums_;
    }
    /// It holds after its training failed: going forward ends it.
    bool failed() {
        const std::lock_guard<std::mutex> lock(mutex_);
        return failed_;
    }

  private:
    void wait(std::size_t before) {
        std::unique_lock<std::mutex> lock(mutex_);
        const bool ok =
            changed_.wait_for(lock, scaled(60s), [&] { return answers_ > before || ended_; });
        ASSERT_TRUE(ok) << "the session did not answer";
    }

    std::mutex mutex_;
    std::condition_variable changed_;
    History history_;
    std::size_t answers_ = 0;
    int refusals_ = 0;
    bool ended_ = false;
    bool failed_ = false;
    std::int64_t batches_per_epoch_ = 1;
    std::int64_t held_at_ = 0;
    std::vector<double> final_;
    std::vector<Event> notable_;
    bool checksums_wanted_ = false;
    std::map<std::int64_t, std::uint64_t> checksums_;
    TrainingSession session_;
};

}  // namespace stepwise::test
