// What-if runs (issue "Teach by comparison", item 3): the deliberate departures from Lightning,
// each checked against what it must change and what it must leave alone; and forks, a run B that
// starts where a held run A holds, from A's state, with one thing changed. Waits are on events.

#include <gtest/gtest.h>

#include <cmath>

#include "driven_session.h"
#include "fork_point.h"
#include "lockstep.h"
#include "stepwise/run_config.h"
#include "test_support.h"

using namespace stepwise;
using namespace stepwise::test;

namespace {

RunConfig accumulating(int n) {
    RunConfig c = lesson_config("tensor_return");
    c.trainer.accumulate_grad_batches = n;
    return c;
}

/// The stage_exit events of `stage` in order.
std::vector<Event> exits_of(const RunLog& r, Stage stage) {
    std::vector<Event> out;
    for (const Event& e : r.exits())
        if (e.stage == stage) out.push_back(e);
    return out;
}

bool same_parameters(const Event& a, const Event& b) {
    return flat(*a.parameters) == flat(*b.parameters);
}

}  // namespace

TEST(Departures, ARunWithOneSaysSoAtItsStartAndWritesThemInItsConfig) {
    RunConfig c = accumulating(2);
    c.departures.skip_zero_grad = true;
    c.departures.step_every_batch = true;
    const RunLog r = run(c);
    const auto notes = r.warnings("stepwise");
    ASSERT_FALSE(notes.empty());
    EXPECT_EQ(notes[0].text, (Text{TextCode::departures, {"skip_zero_grad, step_every_batch"}}));
    EXPECT_EQ(format_text(notes[0].text),
              "not what Lightning does: this run departs from Lightning's automatic optimization "
              "on purpose "
              "(skip_zero_grad, step_every_batch)");
    const RunConfig back = parse_run_config(r.of(EventType::run_start).at(0).config_json, "");
    EXPECT_EQ(back.departures, c.departures);
    // A Lightning run says nothing of departures, in its events or its config.
    const RunLog plain = run(accumulating(2));
    EXPECT_TRUE(plain.warnings("stepwise").empty());
    EXPECT_EQ(plain.of(EventType::run_start).at(0).config_json.find("departures"),
              std::string::npos);
}

TEST(Departures, TheConfigRefusesAnUnknownOneAndANonBoolean) {
    EXPECT_THROW(parse_run_config(R"({"departures": {"skip_backward": true}})", ""), ConfigError);
    try {
        parse_run_config(R"({"departures": {"undivided_loss": 1}})", "", "fork.json");
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("fork.json: departures.undivided_loss"),
                  std::string::npos)
            << e.what();
    }
}

TEST(Departures, SkipZeroGradLeavesTheGradsOfEarlierBatchesIn) {
    RunConfig c = lesson_config("tensor_return");
    const RunLog lightning = run(c, true);
    c.departures.skip_zero_grad = true;
    const RunLog skipped = run(c, true);
    for (const Event& e : exits_of(skipped, Stage::optimizer_zero_grad)) {
        EXPECT_EQ(e.outcome, Outcome::skipped);
        EXPECT_EQ(e.text.code, TextCode::skip_zero_grad_departure);
    }
    EXPECT_EQ(skipped.count_ran(Stage::optimizer_zero_grad), 0);
    // Batch 0 starts with no grads either way; from batch 1 the old grads add in.
    const auto a = lightning.batch_ends(), b = skipped.batch_ends();
    ASSERT_EQ(a.size(), b.size());
    EXPECT_TRUE(same_parameters(a[0], b[0]));
    EXPECT_FALSE(same_parameters(a[1], b[1]));
    // The grad norm after batch 1's backward is the norm of g0 + g1, not of g1.
    const auto after_a = exits_of(lightning, Stage::on_after_backward);
    const auto after_b = exits_of(skipped, Stage::on_after_backward);
    ASSERT_TRUE(after_a[1].payload.grad_norms && after_b[1].payload.grad_norms);
    EXPECT_NE(after_a[1].payload.grad_norms->total, after_b[1].payload.grad_norms->total);
}

TEST(Departures, UndividedLossBackpropagatesWhatTrainingStepReturned) {
    RunConfig c = accumulating(4);
    const RunLog lightning = run(c);
    c.departures.undivided_loss = true;
    const RunLog undivided = run(c);
    const auto a = exits_of(lightning, Stage::on_before_backward);
    const auto b = exits_of(undivided, Stage::on_before_backward);
    const auto steps_a = exits_of(lightning, Stage::training_step);
    const auto steps_b = exits_of(undivided, Stage::training_step);
    ASSERT_FALSE(a.empty());
    // Batch 0: the same training_step output; Lightning backpropagates a quarter of it.
    ASSERT_TRUE(steps_a[0].payload.loss_raw && a[0].payload.loss && b[0].payload.loss);
    EXPECT_EQ(*steps_a[0].payload.loss_raw, *steps_b[0].payload.loss_raw);
    EXPECT_DOUBLE_EQ(*a[0].payload.loss * 4, *steps_a[0].payload.loss_raw);
    EXPECT_EQ(*b[0].payload.loss, *steps_b[0].payload.loss_raw);
}

TEST(Departures, StepEveryBatchStepsWhileAccumulating) {
    RunConfig c = accumulating(4);
    const RunLog lightning = run(c);
    c.departures.step_every_batch = true;
    const RunLog every = run(c);
    const auto a = lightning.batch_ends(), b = every.batch_ends();
    ASSERT_EQ(a.size(), 16u);
    ASSERT_EQ(b.size(), 16u);
    EXPECT_EQ(lightning.run_end().global_step, 4);
    EXPECT_EQ(every.run_end().global_step, 16);
    for (const Event& e : b) EXPECT_TRUE(e.stepped) << e.batch_idx;
    // zero_grad still comes only at a window's first batch: the steps between apply the grads
    // summed so far.
    EXPECT_EQ(every.count_ran(Stage::optimizer_zero_grad), 4);
}

TEST(Departures, BackpropExtrasRunsBackwardThroughTheGraphHoldingExtra) {
    RunConfig c = lesson_config("graph_in_extra");
    const RunLog lightning = run(c, true);
    c.departures.backprop_extras = true;
    const RunLog through = run(c, true);
    const auto a = exits_of(lightning, Stage::on_before_backward);
    const auto b = exits_of(through, Stage::on_before_backward);
    ASSERT_FALSE(a.empty());
    // The same loss came back; backward saw it plus the sum of the predictions.
    const auto steps = exits_of(through, Stage::training_step);
    ASSERT_TRUE(a[0].payload.loss && b[0].payload.loss && steps[0].payload.loss_raw);
    EXPECT_EQ(*a[0].payload.loss, *steps[0].payload.loss_raw);
    EXPECT_NE(*b[0].payload.loss, *a[0].payload.loss);
    EXPECT_FALSE(same_parameters(lightning.batch_ends()[0], through.batch_ends()[0]));
    // A lesson whose extras are detached is unchanged by it.
    RunConfig detached = lesson_config("dict_extras");
    const RunLog plain = run(detached, true);
    detached.departures.backprop_extras = true;
    const RunLog same = run(detached, true);
    ASSERT_EQ(plain.batch_ends().size(), same.batch_ends().size());
    for (std::size_t k = 0; k < plain.batch_ends().size(); ++k)
        EXPECT_TRUE(same_parameters(plain.batch_ends()[k], same.batch_ends()[k])) << k;
}

namespace {

/// Run A held mid-batch, and forks of it, each driven like run A (driven_session.h).
class Fork {
  public:
    /// Run A on `config`, stepped to the start of global batch `batch`, then `stages` stages on.
    Fork(const RunConfig& config, int batch, int stages) : a(config, {}, true) {
        a.start();
        for (int k = 0; k < batch; ++k) a.send(Command::step(StepKind::batch));
        for (int k = 0; k < stages; ++k) a.send(Command::step(StepKind::stage));
    }
    /// Run B on `config`, forked where run A holds; waits until it holds there too.
    Driven& fork(const RunConfig& config) {
        point = a.session().fork_point();
        EXPECT_TRUE(point);
        auto lockstep = std::make_shared<Lockstep>();
        a.session().join_lockstep(lockstep, 0);
        b.emplace(config, Inspect{}, true, [&](SessionOptions& o) {
            o.lockstep = lockstep;
            o.lockstep_side = 1;
            o.private_warnings = true;
            o.fork_from = point;
        });
        b->start();
        return *b;
    }
    /// Both runs to their ends: B goes first (it waits for A at each batch's end), then A.
    void finish() {
        b->session().send(Command::of(CommandType::run));
        a.finish();
        b->finish();
    }

    /// Run B's parameters were run A's, bit for bit, after every batch it ran and at the end.
    void expect_b_never_left_a() {
        const auto a_sums = a.checksums(), b_sums = b->checksums();
        ASSERT_FALSE(b_sums.empty());
        for (const auto& [batch, sum] : b_sums)
            EXPECT_EQ(sum, a_sums.at(batch)) << "batch " << batch;
        EXPECT_EQ(b->final_parameters(), a.final_parameters());
    }

    Driven a;
    std::optional<Driven> b;
    std::shared_ptr<const ForkPoint> point;
};

const Event* forked_event(Driven& run) {
    static Event found;
    for (const Event& e : run.notable())
        if (e.type == EventType::rewound) return &(found = e);
    return nullptr;
}

}  // namespace

TEST(Forks, AForkWithNothingChangedNeverDiverges) {
    const RunConfig config = lesson_config("accumulate_3");
    Fork f(config, 5, 4);
    Driven& b = f.fork(config);
    EXPECT_EQ(b.held_at(), f.a.held_at());
    const Event* forked = forked_event(b);
    ASSERT_NE(forked, nullptr);
    EXPECT_EQ(forked->text.code, TextCode::forked);
    EXPECT_EQ(forked->text.args.at(1), "5");
    EXPECT_EQ(forked->text.args.at(3), "");  // nothing changed
    f.finish();
    EXPECT_EQ(b.checksums().begin()->first,
              5);  // run B's history begins with the batch it forked in
    f.expect_b_never_left_a();
}

TEST(Forks, AnotherLearningRateDivergesFromTheHeldBatchOnAndNotBefore) {
    const RunConfig config = lesson_config("tensor_return");
    Fork f(config, 6, 2);
    RunConfig faster = config;
    faster.optimizer.options["lr"] = 0.5;
    Driven& b = f.fork(faster);
    ASSERT_NE(forked_event(b), nullptr);
    EXPECT_EQ(forked_event(b)->text.args.at(3), "optimizer.lr: 0.1 → 0.5");
    EXPECT_EQ(format_text(forked_event(b)->text),
              "forked from run A at epoch 0, batch 6, before training_step, with optimizer.lr: 0.1 "
              "→ 0.5; "
              "everything before this batch is run A's");
    f.finish();
    const auto a_sums = f.a.checksums(), b_sums = b.checksums();
    ASSERT_FALSE(b_sums.empty());
    for (const auto& [batch, sum] : b_sums) EXPECT_NE(sum, a_sums.at(batch)) << "batch " << batch;
    EXPECT_NE(b.final_parameters(), f.a.final_parameters());
}

TEST(Forks, FromAnOlderSnapshotRunBCatchesUpUnderRunAsConfigFirst) {
    // A budget for one snapshot: only the run's start is kept, so the fork at batch 5 recomputes
    // batches 0 to 4 under run A's config before its own config takes over.
    RunConfig config = lesson_config("set_to_none_momentum");
    std::size_t one = 0;
    {
        Driven probe(config);
        probe.start();
        ASSERT_TRUE(probe.session().fork_point());
        one = probe.session().fork_point()->state->bytes();
        probe.finish();
    }
    config.rewind_budget_mb = 1.5 * double(one) / (1024.0 * 1024.0);
    Fork f(config, 5, 3);
    RunConfig same = config;
    Driven& b = f.fork(same);
    ASSERT_TRUE(f.point);
    EXPECT_EQ(f.point->state->batch(), 0);
    EXPECT_EQ(f.point->at.batch, 5);
    f.finish();
    EXPECT_EQ(b.checksums().begin()->first, 5);
    f.expect_b_never_left_a();
}

TEST(Forks, ADepartureOrAnotherOptimizerForksAndRunsToTheEnd) {
    const RunConfig config = lesson_config("zero_fill_momentum");
    {
        Fork f(config, 3, 1);
        RunConfig departing = config;
        departing.departures.skip_zero_grad = true;
        Driven& b = f.fork(departing);
        EXPECT_EQ(forked_event(b)->text.args.at(3), "departures.skip_zero_grad: false → true");
        f.finish();
        EXPECT_NE(b.final_parameters(), f.a.final_parameters());
        EXPECT_FALSE(b.failed());
    }
    {
        Fork f(config, 3, 1);
        RunConfig adam = config;
        adam.optimizer.name = "adam";
        adam.optimizer.options = {{"lr", 0.01}};
        Driven& b = f.fork(adam);
        f.finish();
        EXPECT_NE(b.final_parameters(), f.a.final_parameters());
        EXPECT_FALSE(b.failed());
    }
}

TEST(Forks, ARunThatDoesNotHoldOffersNoForkPoint) {
    RunConfig config = lesson_config("tensor_return");
    Driven a(config);
    a.start();
    EXPECT_TRUE(a.session().fork_point());
    a.finish();
    EXPECT_FALSE(a.session().fork_point());
    RunConfig no_snapshots = config;
    no_snapshots.rewind_budget_mb = 0;
    Driven b(no_snapshots);
    b.start();
    EXPECT_FALSE(b.session().fork_point());
    b.finish();
}
