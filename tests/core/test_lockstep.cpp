// Two runs in lockstep (issue "Teach by comparison", item 1): they keep to the same samples, the
// one that is behind never waits, the distance between their parameters is measured where both
// have seen the same samples, and keeping step changes neither run's numbers. Waits are on events.

#include <gtest/gtest.h>

#include <array>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <thread>

#include "lockstep.h"
#include "script_module.h"
#include "stepwise/lessons.h"
#include "stepwise/session.h"
#include "stepwise/shadow_run.h"
#include "test_support.h"

using namespace stepwise;
using namespace stepwise::test;
using namespace std::chrono_literals;

namespace {

/// Two sessions in lockstep; every batch_end of both, in the order they went out.
class Pair {
  public:
    Pair(const RunConfig& a, const RunConfig& b, bool start_paused = false) {
        auto lockstep = std::make_shared<Lockstep>();
        for (int side = 0; side < 2; ++side) {
            SessionOptions o;
            o.start_paused = start_paused;
            o.buffer_events = false;
            o.lockstep = lockstep;
            o.lockstep_side = side;
            o.listener = [this, side](const Event& e) {
                {
                    const std::lock_guard<std::mutex> lock(mutex_);
                    if (e.type == EventType::batch_end) {
                        ends[side].push_back(e);
                        order.emplace_back(side, e.samples);
                    }
                    if (e.type == EventType::paused) ++holds[side];
                    if (e.type == EventType::stage_exit && e.stage == Stage::on_train_batch_end)
                        ++batch_end_stages[side];
                    if (e.type == EventType::run_end) ended[side] = true;
                }
                changed_.notify_all();
            };
            sessions[side] = std::make_unique<TrainingSession>(side == 0 ? a : b, std::move(o));
        }
    }
    void start() {
        for (auto& s : sessions) s->start();
    }
    bool wait_both_ended() {
        return sessions[0]->wait_finished(scaled(60s)) && sessions[1]->wait_finished(scaled(60s));
    }
    /// Waits until `pred` holds (true) or 60 s pass (false).
    template <class Pred>
    bool wait(Pred pred) {
        std::unique_lock<std::mutex> lock(mutex_);
        return changed_.wait_for(lock, scaled(60s), pred);
    }
    std::size_t ends_of(int side) {
        const std::lock_guard<std::mutex> lock(mutex_);
        return ends[side].size();
    }

    std::unique_ptr<TrainingSession> sessions[2];
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Event> ends[2];
    std::vector<std::pair<int, std::int64_t>> order;  ///< (side, samples) of every batch_end
    int holds[2] = {0, 0};
    int batch_end_stages[2] = {0, 0};  ///< on_train_batch_end stages that ran
    bool ended[2] = {false, false};
};

/// Run A held before its first batch, run B running: B finishes its first batch and waits there
/// for A. The constructor returns once B waits (false in `waits` if it never did).
struct BWaitsForA {
    explicit BWaitsForA(const RunConfig& config,
                        std::function<void(const Event&)> listener_b = {}) {
        SessionOptions held;
        held.start_paused = true;
        held.buffer_events = false;
        held.lockstep = lockstep;
        SessionOptions running = held;
        running.start_paused = false;
        running.lockstep_side = 1;
        running.listener = std::move(listener_b);
        a = std::make_unique<TrainingSession>(config, held);
        b = std::make_unique<TrainingSession>(config, running);
        a->start();
        b->start();
        const auto deadline = std::chrono::steady_clock::now() + scaled(60s);
        while (!lockstep->waiting(1) && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(1ms);
        waits = lockstep->waiting(1);
    }
    std::shared_ptr<Lockstep> lockstep = std::make_shared<Lockstep>();
    std::unique_ptr<TrainingSession> a, b;
    bool waits = false;
};

std::vector<double> losses(const std::vector<Event>& ends) {
    std::vector<double> out;
    for (const Event& e : ends) out.push_back(e.loss.value_or(-1));
    return out;
}

/// Runs `a` and `b` in lockstep to their ends and expects each to compute what it computes alone;
/// returns the pair's batch_end events.
std::array<std::vector<Event>, 2> expect_as_alone(const RunConfig& a, const RunConfig& b) {
    const RunLog alone_a = run(a);
    const RunLog alone_b = run(b);
    Pair pair(a, b);
    pair.start();
    EXPECT_TRUE(pair.wait_both_ended());
    EXPECT_EQ(losses(pair.ends[0]), losses(alone_a.batch_ends()));
    EXPECT_EQ(losses(pair.ends[1]), losses(alone_b.batch_ends()));
    return {pair.ends[0], pair.ends[1]};
}

}  // namespace

TEST(Lockstep, TwoRunsOfOneConfigStayBitIdenticalAtEveryBatch) {
    const RunConfig config = lesson_config("mlp_spiral");
    Pair pair(config, config);
    pair.start();
    ASSERT_TRUE(pair.wait_both_ended());
    ASSERT_FALSE(pair.ends[0].empty());
    ASSERT_EQ(pair.ends[0].size(), pair.ends[1].size());
    for (std::size_t i = 0; i < pair.ends[0].size(); ++i) {
        const Event& a = pair.ends[0][i];
        const Event& b = pair.ends[1][i];
        EXPECT_EQ(a.samples, b.samples) << "batch " << i;
        ASSERT_TRUE(a.peer_distance && b.peer_distance) << "batch " << i;
        EXPECT_EQ(*a.peer_distance, 0.0) << "batch " << i;
        EXPECT_EQ(*b.peer_distance, 0.0) << "batch " << i;
        EXPECT_EQ(a.loss, b.loss) << "batch " << i;
    }
}

TEST(Lockstep, AccumulatingFourBatchesMeetsOneBatchFourTimesLargerEveryThirtyTwoSamples) {
    RunConfig a = lesson_config("tensor_return");  // 64 samples, batches of 8, 2 epochs
    a.trainer.accumulate_grad_batches = 4;
    RunConfig b = lesson_config("tensor_return");
    b.batch_size = 32;
    Pair pair(a, b);
    pair.start();
    ASSERT_TRUE(pair.wait_both_ended());
    ASSERT_EQ(pair.ends[0].size(), 16u);
    ASSERT_EQ(pair.ends[1].size(), 4u);
    for (std::size_t i = 0; i < 16; ++i) {
        const Event& e = pair.ends[0][i];
        EXPECT_EQ(e.samples, std::int64_t(8 * (i + 1))) << "batch " << i;
        // Only the window's last batch is where run B is too.
        EXPECT_EQ(bool(e.peer_distance), i % 4 == 3) << "batch " << i;
    }
    for (std::size_t j = 0; j < 4; ++j) {
        const Event& e = pair.ends[1][j];
        EXPECT_EQ(e.samples, std::int64_t(32 * (j + 1)));
        ASSERT_TRUE(e.peer_distance);
        EXPECT_EQ(*e.peer_distance, *pair.ends[0][4 * j + 3].peer_distance);
        // The same mathematics in another order: equal up to rounding, not bit for bit.
        EXPECT_LT(*e.peer_distance, 1e-6) << "batch " << j;
    }
    // Neither run was ever more than one of its batches ahead of the other.
    std::int64_t seen[2] = {0, 0};
    for (const auto& [side, samples] : pair.order) {
        seen[side] = samples;
        const std::int64_t other_batch = side == 0 ? 32 : 8;
        EXPECT_LE(seen[side] - seen[1 - side], std::max<std::int64_t>(other_batch, 32));
        if (side == 1) EXPECT_GE(seen[0] + 8, samples) << "run B went on before run A caught up";
    }
}

TEST(Lockstep, KeepingStepChangesNeitherRunsNumbers) {
    RunConfig a = lesson_config("lbfgs");
    RunConfig b = lesson_config("lbfgs");
    b.optimizer = OptimizerSpec{"sgd", {{"lr", 0.1}}};
    const auto ends = expect_as_alone(a, b);
    // LBFGS calls the closure many times a batch; the runs still meet at every batch.
    ASSERT_EQ(ends[0].size(), ends[1].size());
    for (std::size_t i = 0; i < ends[0].size(); ++i) {
        EXPECT_GT(ends[0][i].closure_calls, 1);
        ASSERT_TRUE(ends[0][i].peer_distance);
        EXPECT_GT(*ends[0][i].peer_distance, 0.0);
    }
}

TEST(Lockstep, StepByBatchHoldsBothRunsAtTheSameBatch) {
    RunConfig a = lesson_config("lbfgs");
    RunConfig b = lesson_config("lbfgs");
    b.optimizer = OptimizerSpec{"sgd", {{"lr", 0.1}}};
    Pair pair(a, b, true);
    pair.start();
    ASSERT_TRUE(pair.wait([&] { return pair.holds[0] >= 1 && pair.holds[1] >= 1; }));
    for (int step = 1; step <= 3; ++step) {
        int before[2];
        {
            const std::lock_guard<std::mutex> lock(pair.mutex_);
            before[0] = pair.holds[0];
            before[1] = pair.holds[1];
        }
        // A stage step on run B alone goes one stage; run A, held, is not waited for by a run
        // behind it.
        for (auto& s : pair.sessions) s->send(Command::step(StepKind::batch));
        ASSERT_TRUE(
            pair.wait([&] { return pair.holds[0] > before[0] && pair.holds[1] > before[1]; }));
        EXPECT_EQ(pair.ends_of(0), std::size_t(step));
        EXPECT_EQ(pair.ends_of(1), std::size_t(step));
    }
    for (auto& s : pair.sessions) s->gate().stop();
    ASSERT_TRUE(pair.wait_both_ended());
}

TEST(Lockstep, ARunAheadWaitsForTheOtherAndGoesOnWhenTheOtherStops) {
    std::mutex mutex;
    std::size_t ends_b = 0;
    BWaitsForA pair(lesson_config("tensor_return"), [&](const Event& e) {
        if (e.type != EventType::batch_end) return;
        const std::lock_guard<std::mutex> lock(mutex);
        ++ends_b;
    });
    ASSERT_TRUE(pair.waits);
    EXPECT_FALSE(pair.b->ended());
    {
        const std::lock_guard<std::mutex> lock(mutex);
        EXPECT_EQ(ends_b, 0u);  // its first batch_end goes out after the wait
    }
    pair.a->gate().stop();
    ASSERT_TRUE(pair.a->wait_finished(scaled(60s)));
    ASSERT_TRUE(pair.b->wait_finished(scaled(60s)));
    EXPECT_EQ(pair.b->state(), SessionState::finished);
    const std::lock_guard<std::mutex> lock(mutex);
    EXPECT_EQ(ends_b, 16u);
}

TEST(Lockstep, ARewindOfTheRunThatWaitsIsCarriedOut) {
    const RunConfig config = lesson_config("tensor_return");
    Pair pair(config, config, true);
    pair.start();
    ASSERT_TRUE(pair.wait([&] { return pair.holds[0] >= 1 && pair.holds[1] >= 1; }));
    // Run B goes a batch on; run A stays: B waits at its first batch's end (after
    // on_train_batch_end, its batch_end not yet out).
    pair.sessions[1]->send(Command::step(StepKind::batch));
    ASSERT_TRUE(pair.wait([&] { return pair.batch_end_stages[1] >= 1; }));
    {
        const std::lock_guard<std::mutex> lock(pair.mutex_);
        EXPECT_EQ(pair.ends[1].size(), 0u);
    }
    // Going back is answered although the run waits for the other (not held at a boundary).
    int holds_b;
    {
        const std::lock_guard<std::mutex> lock(pair.mutex_);
        holds_b = pair.holds[1];
    }
    pair.sessions[1]->send(Command::rewind(RewindTo::batch_index, 0));
    ASSERT_TRUE(pair.wait([&] { return pair.holds[1] > holds_b; }));
    for (auto& s : pair.sessions) s->gate().stop();
    ASSERT_TRUE(pair.wait_both_ended());
}

TEST(Lockstep, DistanceIsZeroOnlyForBitIdenticalParameters) {
    const auto a = std::vector<torch::Tensor>{torch::tensor({1.0f, 2.0f}), torch::tensor({3.0f})};
    auto b = std::vector<torch::Tensor>{a[0].clone(), a[1].clone()};
    EXPECT_EQ(Lockstep::distance(a, b), 0.0);
    b[1] = torch::tensor({std::nextafter(3.0f, 4.0f)});
    ASSERT_TRUE(Lockstep::distance(a, b));
    EXPECT_GT(*Lockstep::distance(a, b), 0.0);
    EXPECT_FALSE(Lockstep::distance(a, {a[0]}));
    EXPECT_FALSE(Lockstep::distance(a, {a[0], torch::zeros({2})}));
}

TEST(Lockstep, OnlyATrainingStepThatDrawsRandomNumbersSharesTheGeneratorStageByStage) {
    auto draws = [](const std::string& source) {
        return ScriptModule::compile_source(source, "model.stepwise", 0)->draws_random();
    };
    EXPECT_FALSE(draws(find_lesson("tensor_return")->source));
    EXPECT_FALSE(draws(find_lesson("lbfgs")->source));
    EXPECT_TRUE(draws(find_lesson("seeded_dropout")->source));
    EXPECT_FALSE(draws(linear_source("    return loss\n")));
    EXPECT_TRUE(draws(
        linear_source("    noise = torch.rand_like(pred)\n    return loss + 0.0 * noise.sum()\n")));
    EXPECT_TRUE(
        draws(linear_source("    return loss * torch.bernoulli(torch.full_like(loss, 0.5))\n")));
    EXPECT_TRUE(draws(linear_source("    x.normal_()\n    return loss\n")));
}

TEST(Lockstep, TwoRunsThatDrawRandomNumbersEachDrawTheirOwn) {
    // Dropout masks and the shuffled order come from torch's one global generator: each run keeps
    // its own stream, so side by side each computes what it computes alone.
    const RunConfig a = lesson_config("seeded_dropout");
    RunConfig b = a;
    b.optimizer.options["lr"] = 0.2;
    expect_as_alone(a, b);
    // And a run that draws nothing beside one that does.
    expect_as_alone(a, lesson_config("tensor_return"));
}

namespace {
/// A comparison preset's two runs, side by side to the end; run A's batch_end events.
std::vector<Event> run_preset(const std::string& name, std::vector<Event>* b_ends = nullptr) {
    const Lesson* lesson = find_lesson(name);
    EXPECT_TRUE(lesson && !lesson->compare_config_json.empty()) << name;
    if (!lesson) return {};
    const RunConfig a = parse_run_config(lesson->config_json, ".", name);
    const RunConfig b = parse_run_config(lesson->compare_config_json, ".", name);
    Pair pair(a, b);
    pair.start();
    EXPECT_TRUE(pair.wait_both_ended());
    if (std::getenv("LOCKSTEP_DEBUG"))
        for (const Event& e : pair.ends[0])
            std::fprintf(stderr, "%s %lld samples %lld distance %.6g\n", name.c_str(),
                         (long long)(e.epoch * 100 + e.batch_idx), (long long)e.samples,
                         e.peer_distance.value_or(-1));
    if (b_ends) *b_ends = pair.ends[1];
    return pair.ends[0];
}
}  // namespace

// What each preset's lesson text says its two runs show, checked on the runs themselves.
TEST(Lockstep, PresetAccumulateOrABiggerBatchAgreesUpToRoundingUntilTheShortWindow) {
    const auto ends = run_preset("compare_accumulate_vs_batch");
    ASSERT_EQ(ends.size(), 20u);
    for (std::size_t i : {3u, 7u}) {
        ASSERT_TRUE(ends[i].peer_distance);
        EXPECT_LT(*ends[i].peer_distance, 1e-6) << "batch " << i;
    }
    ASSERT_TRUE(ends[9].peer_distance);
    EXPECT_GT(*ends[9].peer_distance, 1e-3);  // the window of 2 batches, still divided by 4
}

TEST(Lockstep, PresetSetToNoneOrZeroFilledAgreesBitForBitUntilTheFirstNoneBatch) {
    const auto ends = run_preset("compare_set_to_none_vs_zero");
    std::size_t first_none = ends.size();
    for (std::size_t i = 0; i < ends.size(); ++i)
        if (!ends[i].loss && first_none == ends.size()) first_none = i;
    ASSERT_LT(first_none, ends.size());
    for (std::size_t i = 0; i < ends.size(); ++i) {
        ASSERT_TRUE(ends[i].peer_distance) << i;
        if (i < first_none)
            EXPECT_EQ(*ends[i].peer_distance, 0.0) << "batch " << i;
        else
            EXPECT_GT(*ends[i].peer_distance, 0.0) << "batch " << i;
    }
}

TEST(Lockstep, PresetsOfClippingAndOfWeightDecayPartAtTheFirstBatch) {
    for (const char* name :
         {"compare_clip_vs_none", "compare_adam_l2_vs_adamw", "compare_sgd_vs_lbfgs"}) {
        const auto ends = run_preset(name);
        ASSERT_FALSE(ends.empty()) << name;
        ASSERT_TRUE(ends[0].peer_distance) << name;
        EXPECT_GT(*ends[0].peer_distance, 0.0) << name;
    }
}

TEST(Lockstep, ARunWaitingForTheOtherLetsAParityShadowCatchUp) {
    // Neither run works while A holds and B waits for it, so a shadow run (which computes only
    // while no watched run works) runs to its end.
    const RunConfig config = lesson_config("tensor_return");
    BWaitsForA pair(config);
    ASSERT_TRUE(pair.waits);
    ShadowRun shadow(config);
    EXPECT_TRUE(shadow.wait_ended(scaled(60s)));
    EXPECT_EQ(shadow.failure(), "");
    pair.a->gate().stop();
    EXPECT_TRUE(pair.a->wait_finished(scaled(60s)));
    EXPECT_TRUE(pair.b->wait_finished(scaled(60s)));
}
