// What the buffered event stream delivers: batch_end's own per-batch figures, the coalesced stream
// a full-speed GUI reads, and the event buffer's hand-over between the two threads.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "stepwise/event_buffer.h"
#include "stepwise/lessons.h"
#include "stepwise/warning_cache.h"
#include "test_support.h"

namespace stepwise::test {
namespace {

using namespace std::chrono_literals;

const Event* exit_of(const RunLog& log, Stage stage, std::int64_t epoch, std::int64_t batch) {
    const Event* found = nullptr;
    for (const auto& e : log.events)
        if (e.type == EventType::stage_exit && e.stage == stage && e.epoch == epoch &&
            e.batch_idx == batch)
            found = &e;  // the last one (LBFGS evaluates many times)
    return found;
}

TEST(BatchEnd, CarriesTheRawLossAndTheUpdateNormOfItsBatch) {
    RunConfig c = lesson_config("accumulate_3");
    const RunLog log = run(c);
    const auto ends = log.batch_ends();
    ASSERT_FALSE(ends.empty());
    int stepped = 0;
    for (const auto& end : ends) {
        const Event* ts = exit_of(log, Stage::training_step, end.epoch, end.batch_idx);
        const Event* step = exit_of(log, Stage::optimizer_step, end.epoch, end.batch_idx);
        ASSERT_NE(ts, nullptr);
        ASSERT_NE(step, nullptr);
        ASSERT_TRUE(end.loss_raw.has_value());
        EXPECT_EQ(*end.loss_raw, *ts->payload.loss_raw);  // the same number, not a recomputation
        EXPECT_EQ(end.update_norm.has_value(), end.stepped);
        if (end.stepped) {
            ++stepped;
            EXPECT_EQ(*end.update_norm, *step->payload.update_norm);
        }
    }
    EXPECT_GT(stepped, 0);
}

TEST(BatchEnd, HasNoRawLossWhenTrainingStepReturnedNone) {
    const RunLog log = run(lesson_config("none_batches"));
    int none = 0;
    for (const auto& end : log.batch_ends()) {
        if (end.loss) continue;
        ++none;
        EXPECT_FALSE(end.loss_raw.has_value());
        EXPECT_TRUE(end.stepped);  // N-3: the optimizer step still runs
        EXPECT_TRUE(end.update_norm.has_value());
    }
    EXPECT_GT(none, 0);
}

/// A full-speed run as the GUI consumes it: buffered, coalesced, drained every few ms into the
/// same vector; the listener records the full stream for comparison.
struct Consumed {
    std::vector<Event> all;       ///< what the listener saw
    std::vector<Event> buffered;  ///< what the consumer drained, in order
};

Consumed consume_full_speed(RunConfig config) {
    Consumed out;
    SessionOptions o;
    o.coalesce_stages = true;
    o.listener = [&](const Event& e) { out.all.push_back(e); };
    TrainingSession session(std::move(config), o);
    session.start();
    std::vector<Event> frame;
    auto take = [&] {
        session.events().drain_into(frame);
        out.buffered.insert(out.buffered.end(), frame.begin(), frame.end());
    };
    while (!session.wait_finished(3ms)) take();
    take();
    return out;
}

TEST(Coalescing, AtFullSpeedEveryBatchEndArrivesAndStageEventsAreThinnedInOrder) {
    RunConfig c = lesson_config("none_batches");
    c.trainer.max_epochs = 200;  // 1600 batches
    const Consumed run = consume_full_speed(c);
    std::size_t all_ends = 0, all_stages = 0, ends = 0, stages = 0;
    for (const auto& e : run.all) {
        all_ends += e.type == EventType::batch_end;
        all_stages += e.type == EventType::stage_exit;
    }
    for (const auto& e : run.buffered) {
        ends += e.type == EventType::batch_end;
        stages += e.type == EventType::stage_exit;
    }
    EXPECT_EQ(ends, all_ends);
    EXPECT_LT(stages, all_stages);
    for (std::size_t i = 1; i < run.buffered.size(); ++i)
        ASSERT_LT(run.buffered[i - 1].seq, run.buffered[i].seq) << "out of order at " << i;
    // Every warning (the None warning, once) and the run's end arrive, the end last.
    std::size_t warnings = 0, all_warnings = 0;
    for (const auto& e : run.all) all_warnings += e.type == EventType::warning;
    for (const auto& e : run.buffered) warnings += e.type == EventType::warning;
    EXPECT_EQ(warnings, all_warnings);
    ASSERT_FALSE(run.buffered.empty());
    EXPECT_EQ(run.buffered.back().type, EventType::run_end);
}

TEST(Coalescing, TheLastBatchArrivesWholeBeforeTheRunEnds) {
    RunConfig c = lesson_config("tensor_return");
    c.trainer.max_epochs = 100;
    const Consumed run = consume_full_speed(c);
    // The consumer's final view is of the last batch: its stage events, then its batch_end.
    ASSERT_GE(run.buffered.size(), 3u);
    const Event& end = run.buffered[run.buffered.size() - 2];
    ASSERT_EQ(end.type, EventType::batch_end);
    std::vector<Stage> last_batch;
    for (const auto& e : run.buffered)
        if (e.type == EventType::stage_exit && e.epoch == end.epoch && e.batch_idx == end.batch_idx)
            last_batch.push_back(e.stage);
    std::vector<Stage> expected;
    for (const auto& e : run.all)
        if (e.type == EventType::stage_exit && e.epoch == end.epoch && e.batch_idx == end.batch_idx)
            expected.push_back(e.stage);
    EXPECT_EQ(last_batch, expected);
}

// The window consumes with no listener: a batch at full speed makes its stage events only when
// they can still go out. Every batch_end still arrives, in order, and the last batch whole.
TEST(Coalescing, WithoutAListenerOnlyTheStageEventsThatGoOutAreMade) {
    RunConfig c = lesson_config("tensor_return");
    c.trainer.max_epochs = 400;  // 3200 batches
    SessionOptions o;
    o.coalesce_stages = true;
    TrainingSession session(c, o);
    session.start();
    std::vector<Event> frame, buffered;
    auto take = [&] {
        session.events().drain_into(frame);
        buffered.insert(buffered.end(), frame.begin(), frame.end());
    };
    while (!session.wait_finished(3ms)) take();
    take();
    ASSERT_GE(buffered.size(), 3u);
    ASSERT_EQ(buffered.back().type, EventType::run_end);
    std::size_t ends = 0, stages = 0;
    for (std::size_t i = 0; i < buffered.size(); ++i) {
        ends += buffered[i].type == EventType::batch_end;
        stages += buffered[i].type == EventType::stage_exit;
        if (i > 0) ASSERT_LT(buffered[i - 1].seq, buffered[i].seq) << "out of order at " << i;
    }
    EXPECT_EQ(ends, 3200u);
    EXPECT_LT(stages, 3200u);  // far fewer than the 11 of every batch
    const Event& end = buffered[buffered.size() - 2];
    ASSERT_EQ(end.type, EventType::batch_end);
    std::size_t last_batch = 0;
    for (const auto& e : buffered)
        last_batch +=
            e.type == EventType::stage_exit && e.epoch == end.epoch && e.batch_idx == end.batch_idx;
    EXPECT_EQ(last_batch, 11u);  // every stage of a step without a scheduler
}

TEST(Coalescing, AFinishedBatchIsPublishedWhileTheNextSitsInALongStage) {
    // The listener runs on the worker before an event is buffered: holding it at batch 1's
    // training_step exit stands for a training_step that takes as long as the test likes. Batch
    // 0's batch_end must be drainable meanwhile (before the fix it sat in the worker's staging
    // until the next bunch was due, i.e. after the long stage).
    RunConfig c = lesson_config("tensor_return");
    c.trainer.max_epochs = 1;
    std::mutex m;
    std::condition_variable cv;
    bool holding = false, release = false;
    SessionOptions o;
    o.coalesce_stages = true;
    o.listener = [&](const Event& e) {
        if (e.type == EventType::stage_exit && e.stage == Stage::training_step &&
            e.batch_idx == 1) {
            std::unique_lock<std::mutex> lock(m);
            holding = true;
            cv.notify_all();
            cv.wait(lock, [&] { return release; });
        }
    };
    TrainingSession session(c, o);
    session.start();
    {
        std::unique_lock<std::mutex> lock(m);
        ASSERT_TRUE(cv.wait_for(lock, 60s, [&] { return holding; }));
    }
    std::vector<Event> frame, seen;
    session.events().drain_into(frame);
    seen.insert(seen.end(), frame.begin(), frame.end());
    bool batch0_end = false;
    for (const auto& e : seen)
        batch0_end = batch0_end || (e.type == EventType::batch_end && e.batch_idx == 0);
    {
        std::lock_guard<std::mutex> lock(m);
        release = true;
    }
    cv.notify_all();
    EXPECT_TRUE(batch0_end) << "batch 0's record was held back while batch 1 ran";
    EXPECT_TRUE(session.wait_finished(60s));
}

TEST(Coalescing, SteppingDeliversEveryEvent) {
    RunConfig c = lesson_config("tensor_return");
    SessionOptions o;
    o.coalesce_stages = true;
    o.start_paused = true;
    std::vector<Event> all;  // written by the worker, read once it has ended
    std::mutex mutex;
    std::condition_variable held;
    int holds = 0;
    bool over = false;
    o.listener = [&](const Event& e) {
        all.push_back(e);
        if (e.type != EventType::paused && e.type != EventType::run_end) return;
        {
            const std::lock_guard<std::mutex> lock(mutex);
            holds += e.type == EventType::paused;
            over = over || e.type == EventType::run_end;
        }
        held.notify_all();
    };
    TrainingSession session(c, o);
    session.start();
    auto wait_for_hold = [&](int count) {
        std::unique_lock<std::mutex> lock(mutex);
        held.wait_for(lock, 60s, [&] { return holds >= count || over; });
    };
    auto hold_count = [&] {
        const std::lock_guard<std::mutex> lock(mutex);
        return holds;
    };
    // Step 30 stages (all of batch 0 and into batch 1), then run free to the end.
    wait_for_hold(1);
    for (int step = 0; step < 30 && !session.ended(); ++step) {
        const int before = hold_count();
        session.gate().step(StepKind::stage);
        wait_for_hold(before + 1);
    }
    session.gate().resume();
    ASSERT_TRUE(session.wait_finished(30s));
    // Batch 0 was stepped: every one of its events is in the buffer, in order.
    const std::vector<Event> drained = session.drain();
    std::size_t stepped_events = 0;
    while (stepped_events < all.size() && all[stepped_events].type != EventType::batch_end)
        ++stepped_events;
    ++stepped_events;  // batch 0's batch_end
    ASSERT_GE(drained.size(), stepped_events);
    for (std::size_t i = 0; i < stepped_events; ++i) {
        EXPECT_EQ(drained[i].seq, all[i].seq) << i;
        EXPECT_EQ(drained[i].type, all[i].type) << i;
    }
}

TEST(EventBuffer, DestroysTheEventsTheConsumerHandsBackOnTheProducersThread) {
    EventBuffer buffer;
    auto output = std::make_shared<const OutputDescription>();
    std::weak_ptr<const OutputDescription> watch = output;
    Event e;
    e.output = std::move(output);
    buffer.push(std::move(e));
    std::vector<Event> frame;
    buffer.drain_into(frame);
    ASSERT_EQ(frame.size(), 1u);
    buffer.drain_into(frame);  // hands the event back; nothing new
    EXPECT_TRUE(frame.empty());
    EXPECT_FALSE(watch.expired()) << "destroyed by the consumer";
    std::thread producer([&] { buffer.push({}); });
    producer.join();
    EXPECT_TRUE(watch.expired()) << "the producer's next publish destroys it";
    buffer.drain_into(frame);
    EXPECT_EQ(frame.size(), 1u);
}

TEST(EventBuffer, PublishesStagedEventsTogetherAndInOrder) {
    EventBuffer buffer;
    int wakes = 0;
    buffer.set_wake([&] { ++wakes; });
    for (std::uint64_t i = 0; i < 5; ++i) {
        Event e;
        e.seq = i;
        buffer.stage(std::move(e));
    }
    EXPECT_EQ(buffer.size(), 0u) << "staged events are not visible before publish";
    buffer.publish();
    EXPECT_EQ(wakes, 1);
    Event later;
    later.seq = 5;
    buffer.push(std::move(later));  // appended behind the undrained ones
    EXPECT_EQ(wakes, 1);
    const auto events = buffer.drain();
    ASSERT_EQ(events.size(), 6u);
    for (std::uint64_t i = 0; i < 6; ++i) EXPECT_EQ(events[i].seq, i);
}

std::vector<Event> run_observing(const RunConfig& config, bool observe_norms) {
    warning_cache::clear();  // both runs warn as a fresh process does
    std::vector<Event> events;
    SessionOptions o;
    o.buffer_events = false;
    o.observe_norms = observe_norms;
    o.listener = [&events](const Event& e) { events.push_back(e); };
    TrainingSession session(config, o);
    session.run_blocking();
    return events;
}

// stepwise-run without a trace asks for no norms: none is computed, nothing else changes, and a
// stepping None batch still measures its update, since its explanation quotes it (Z-3).
TEST(Observation, NormsAreMadeOnlyWhenAskedForAndNoneStepsStillQuoteTheirUpdate) {
    RunConfig c = lesson_config("zero_fill_momentum");  // None batches that step with momentum
    c.trainer.max_epochs = 2;
    const std::vector<Event> full = run_observing(c, true);
    const std::vector<Event> lean = run_observing(c, false);
    ASSERT_EQ(full.size(), lean.size());
    int quoted = 0;
    for (std::size_t i = 0; i < full.size(); ++i) {
        const Event& a = full[i];
        const Event& b = lean[i];
        ASSERT_EQ(a.type, b.type) << i;
        ASSERT_EQ(a.stage, b.stage) << i;
        EXPECT_EQ(a.loss, b.loss) << i;
        EXPECT_EQ(a.global_step, b.global_step) << i;
        EXPECT_FALSE(b.payload.grad_norms) << "a gradient norm nobody asked for, at " << i;
        if (b.type == EventType::batch_end) {
            EXPECT_EQ(b.explanation, a.explanation) << i;
            if (!b.explanation.empty()) {
                ++quoted;
                ASSERT_TRUE(b.update_norm) << i;
                EXPECT_EQ(*b.update_norm, *a.update_norm) << i;
            } else {
                EXPECT_FALSE(b.update_norm) << "an update norm nobody asked for, at " << i;
            }
        }
    }
    EXPECT_GT(quoted, 0) << "the lesson had no stepping None batch";
    bool full_has_norms = false;
    for (const Event& e : full) full_has_norms = full_has_norms || e.payload.grad_norms.has_value();
    EXPECT_TRUE(full_has_norms);
}

/// A run's events with the options of a consumer that reads only batches (stepwise-run without a
/// trace or a client): no stage events, no snapshots.
std::vector<Event> run_lean(const RunConfig& config) {
    warning_cache::clear();
    std::vector<Event> events;
    SessionOptions o;
    o.buffer_events = false;
    o.observe_norms = false;
    o.stage_events = false;
    o.rewindable = false;
    o.listener = [&events](const Event& e) { events.push_back(e); };
    TrainingSession session(config, o);
    session.run_blocking();
    return events;
}

// Stage events are made only for a consumer that reads them: without one, the run is the same
// run, batch for batch and bit for bit, with the same warnings, and no stage event at all.
TEST(Observation, StageEventsAndSnapshotsAreMadeOnlyForAConsumerAndChangeNothing) {
    for (const char* lesson :
         {"none_batches", "seeded_dropout", "lbfgs", "accumulate_3", "graph_in_extra"}) {
        RunConfig c = lesson_config(lesson);
        const std::vector<Event> full = run_observing(c, false);
        const std::vector<Event> lean = run_lean(c);
        std::vector<const Event*> kept;
        for (const Event& e : full)
            if (e.type != EventType::stage_enter && e.type != EventType::stage_exit)
                kept.push_back(&e);
        ASSERT_EQ(kept.size(), lean.size()) << lesson;
        for (std::size_t i = 0; i < lean.size(); ++i) {
            const Event& a = *kept[i];
            const Event& b = lean[i];
            ASSERT_EQ(a.type, b.type) << lesson << " " << i;
            EXPECT_EQ(a.position().batch_idx, b.position().batch_idx) << lesson << " " << i;
            EXPECT_EQ(a.global_step, b.global_step) << lesson << " " << i;
            EXPECT_EQ(a.loss, b.loss) << lesson << " " << i;
            EXPECT_EQ(a.message, b.message) << lesson << " " << i;
            EXPECT_EQ(a.text, b.text) << lesson << " " << i;
        }
        ASSERT_TRUE(full.back().parameters && lean.back().parameters) << lesson;
        EXPECT_EQ(flat(*full.back().parameters), flat(*lean.back().parameters)) << lesson;
    }
}

// A breakpoint on a measured value still sees the stages of a run that makes no stage events for
// its consumer: the hit's notice arrives, and the stage event that met it does not.
TEST(Observation, ABreakpointStillSeesTheStagesOfALeanRun) {
    RunConfig c = lesson_config("nan_loss");
    c.breakpoints.push_back({"nonfinite", true});
    std::vector<Event> events;
    SessionOptions o;
    o.buffer_events = false;
    o.stage_events = false;
    o.rewindable = false;
    o.on_break = SessionOptions::OnBreak::report;
    o.listener = [&events](const Event& e) { events.push_back(e); };
    TrainingSession session(c, o);
    session.run_blocking();
    int hits = 0;
    for (const Event& e : events) {
        EXPECT_NE(e.type, EventType::stage_exit);
        if (e.type == EventType::warning && e.text.code == TextCode::breakpoint_hit_value) ++hits;
    }
    EXPECT_GT(hits, 0);
}

// A run that keeps no snapshots says so when asked to go back, and goes on.
TEST(Observation, ARunWithoutSnapshotsRefusesToGoBackWithTheReason) {
    SessionOptions o;
    o.start_paused = true;
    o.rewindable = false;
    TrainingSession session(lesson_config("tensor_return"), o);
    session.start();
    std::vector<Event> events;
    const auto deadline = std::chrono::steady_clock::now() + scaled(10s);
    auto wait_for = [&](auto&& done) {
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            for (Event& e : session.drain()) events.push_back(std::move(e));
            std::this_thread::sleep_for(1ms);
        }
        return done();
    };
    ASSERT_TRUE(wait_for([&] { return session.state() == SessionState::paused; }));
    session.send(Command::step(StepKind::batch));
    ASSERT_TRUE(wait_for([&] {
        return session.state() == SessionState::paused &&
               std::any_of(events.begin(), events.end(),
                           [](const Event& e) { return e.type == EventType::batch_end; });
    }));
    session.send(Command::rewind(RewindTo::batch));
    ASSERT_TRUE(wait_for([&] {
        return std::any_of(events.begin(), events.end(), [](const Event& e) {
            return e.type == EventType::warning && e.text.code == TextCode::rewind_not_kept;
        });
    }));
    session.send(Command::of(CommandType::run));
    ASSERT_TRUE(session.wait_finished(scaled(20s)));
    for (Event& e : session.drain()) events.push_back(std::move(e));
    EXPECT_EQ(events.back().status, RunStatus::finished);
    EXPECT_TRUE(std::none_of(events.begin(), events.end(),
                             [](const Event& e) { return e.type == EventType::rewound; }));
}

}  // namespace
}  // namespace stepwise::test
