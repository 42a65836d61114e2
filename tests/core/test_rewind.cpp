// Rewind and exact replay (issue "Debug a training_step", item 2): the engine keeps snapshots of
// the training state at batch starts; going back restores the nearest one and recomputes up to the
// target. Going back and then forward again must give bit-identical events and parameters to the
// run that never went back. Waits are on events, never on the clock.

#include <gtest/gtest.h>

#include <condition_variable>
#include <cstring>
#include <mutex>
#include <random>

#include "data.h"
#include "driven_session.h"
#include "loops.h"
#include "script_module.h"
#include "stepwise/lessons.h"
#include "stepwise/session.h"
#include "stepwise/text.h"
#include "stepwise/trace.h"
#include "stepwise/warning_cache.h"
#include "test_support.h"
#include "training_state.h"

using namespace stepwise;
using namespace stepwise::test;
using namespace std::chrono_literals;

namespace {

/// The run that never goes back, with the same breakpoints reporting instead of holding.
std::pair<History, std::vector<double>> straight(const RunConfig& config, Inspect what = {}) {
    History history;
    std::vector<double> final;
    SessionOptions o;
    o.buffer_events = false;
    o.on_break = SessionOptions::OnBreak::report;
    o.listener = [&](const Event& e) {
        history.add(e);
        if (e.type == EventType::run_end && e.parameters) final = flat(*e.parameters);
    };
    // On a worker thread, as the driven run: the same threads do the same arithmetic.
    TrainingSession session(config, std::move(o));
    if (!(what == Inspect{})) session.send(Command::watch(std::move(what)));
    session.start();
    EXPECT_TRUE(session.wait_finished(scaled(120s)));
    return {history, final};
}

RunConfig with_breakpoints(RunConfig config) {
    // Hits to go back to (and an exception to hold at, for the lessons that fail).
    config.breakpoints = {{"exception", true},
                          {"nonfinite", true},
                          {"stage = backward and batch = 3", true},
                          {"spike > 2", true}};
    return config;
}

/// Steps forward and rewinds at random until `rewinds` rewinds were asked for, staying clear of
/// the run's end (`batches` in all): then runs to the end.
/// A run that fails holds at its failure (the `exception` breakpoint): only going forward from
/// there would end it.
void drive(Driven& run, std::uint32_t seed, int rewinds, std::int64_t batches, bool fails) {
    std::mt19937 random(seed);
    run.start();
    for (int done = 0; done < rewinds;) {
        const bool near_end = fails ? run.failed() : run.held_at() + 2 >= batches;
        if (!near_end && random() % 10 < 6) {
            const StepKind kinds[] = {StepKind::stage, StepKind::stage, StepKind::stage,
                                      StepKind::closure_call, StepKind::batch};
            ASSERT_TRUE(run.send(Command::step(kinds[random() % 5])));
        } else {
            const RewindTo kinds[] = {RewindTo::stage, RewindTo::batch_start, RewindTo::batch,
                                      RewindTo::hit, RewindTo::batch_index};
            const RewindTo to = kinds[random() % 5];
            const auto at = std::uint64_t(run.held_at());
            ASSERT_TRUE(run.send(Command::rewind(to, random() % (at + 1))));
            ++done;
        }
    }
    run.finish();
}

std::int64_t batch_count(const History& history) {
    std::int64_t n = 0;
    for (const std::string& line : history.lines())
        n += line.rfind("{\"type\":\"batch_end\"", 0) == 0;
    return n;
}

void expect_same(const History& straight, const History& rewound) {
    ASSERT_EQ(straight.lines().size(), rewound.lines().size());
    for (std::size_t i = 0; i < straight.lines().size(); ++i)
        ASSERT_EQ(straight.lines()[i], rewound.lines()[i]) << "event " << i;
}

}  // namespace

// Every built-in lesson (LBFGS, shuffled data and dropout's draws among them): 200 random
// rewinds each, mixed with steps of every kind; then the run goes to its end. The history as a
// window keeps it, and the final parameters, are bit-identical to the run's that never went back.
TEST(Rewind, GoingBackAndForwardAgainIsBitIdenticalOnEveryLesson) {
    std::uint32_t seed = 1;
    for (const Lesson& lesson : lessons()) {
        SCOPED_TRACE(lesson.name);
        const RunConfig config = with_breakpoints(lesson_config(lesson.name));
        // Lightning's once-per-process warnings: each run starts as a fresh process would.
        warning_cache::clear();
        const auto [expected, expected_final] = straight(config);
        warning_cache::clear();
        Driven run(config);
        const bool fails =
            expected.lines().back().find("\"status\":\"failed\"") != std::string::npos;
        drive(run, seed++, 200, batch_count(expected), fails);
        const History got = run.history();
        EXPECT_GE(got.rewinds(), 100) << "too few rewinds were carried out to mean anything";
        expect_same(expected, got);
        // Bit for bit (NaN included).
        const std::vector<double> got_final = run.final_parameters();
        ASSERT_EQ(expected_final.size(), got_final.size());
        EXPECT_EQ(0, std::memcmp(expected_final.data(), got_final.data(),
                                 got_final.size() * sizeof(double)));
    }
}

// The accumulation ledger keeps each batch's contribution across the batches of a window: going
// back into the middle of one must give the ledger the run that never went back gave.
TEST(Rewind, TheLedgerAfterGoingBackIsTheStraightRunsLedger) {
    RunConfig config = with_breakpoints(lesson_config("accumulate_3"));
    config.trainer.gradient_clip_val = 0.05;
    config.trainer.max_epochs = 3;
    const Inspect ledger{false, "", true};
    warning_cache::clear();
    const auto [expected, expected_final] = straight(config, ledger);
    warning_cache::clear();
    Driven run(config, ledger);
    drive(run, 7, 80, batch_count(expected), false);
    const History got = run.history();
    EXPECT_GE(got.rewinds(), 40);
    expect_same(expected, got);
    std::size_t ledgers = 0;
    for (const std::string& line : got.lines())
        ledgers += line.find("\"ledger\"") != std::string::npos;
    EXPECT_EQ(ledgers, 12u);  // four windows an epoch, three epochs
}

// A rewind names where the run went back to; the run then holds at the target boundary.
TEST(Rewind, BackOneBatchHoldsAtThePreviousBatchStartAndSaysSo) {
    Driven run(lesson_config("tensor_return"));
    run.start();
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(run.send(Command::step(StepKind::batch)));  // batch 3's start
    ASSERT_TRUE(run.send(Command::step(StepKind::stage)));
    ASSERT_TRUE(run.send(Command::rewind(RewindTo::batch)));
    std::vector<Event> seen = run.notable();
    ASSERT_GE(seen.size(), 2u);
    const Event& rewound = seen[seen.size() - 2];
    const Event& held = seen.back();
    EXPECT_EQ(rewound.type, EventType::rewound);
    EXPECT_EQ(rewound.batch_idx, 2);
    EXPECT_EQ(rewound.stage, Stage::on_train_batch_start);
    EXPECT_EQ(
        format_text(rewound.text),
        "went back to epoch 0, batch 2, before on_train_batch_start; what follows is recomputed");
    EXPECT_EQ(held.type, EventType::paused);
    EXPECT_EQ(held.batch_idx, 2);
    EXPECT_EQ(held.stage, Stage::on_train_batch_start);

    // One stage back from a batch's start: the previous batch's last boundary.
    ASSERT_TRUE(run.send(Command::rewind(RewindTo::stage)));
    seen = run.notable();
    EXPECT_EQ(seen[seen.size() - 2].batch_idx, 1);
    EXPECT_EQ(seen.back().batch_idx, 1);
    EXPECT_EQ(seen.back().stage, Stage::on_train_batch_end);
    // To the start of that batch, then to an absolute batch: the slider's rewind.
    ASSERT_TRUE(run.send(Command::rewind(RewindTo::batch_start)));
    EXPECT_EQ(run.notable().back().stage, Stage::on_train_batch_start);
    EXPECT_EQ(run.notable().back().batch_idx, 1);
    ASSERT_TRUE(run.send(Command::rewind(RewindTo::batch_index, 0)));
    EXPECT_EQ(run.notable().back().batch_idx, 0);
    run.finish();
}

// Back to the previous breakpoint hit: where the hit held the run (a measured value's hit holds
// at the boundary after the stage that measured it).
TEST(Rewind, BackToTheHitHoldsWhereTheHitHeld) {
    RunConfig config = lesson_config("tensor_return");
    config.breakpoints = {{"loss > 0", true}};
    Driven run(config);
    run.start();
    ASSERT_TRUE(run.send(Command::of(CommandType::run)));  // to the first hit
    const Event first_hold = run.notable().back();
    ASSERT_EQ(first_hold.type, EventType::paused);
    ASSERT_TRUE(run.send(Command::step(StepKind::batch)));
    ASSERT_TRUE(run.send(Command::step(StepKind::batch)));
    ASSERT_TRUE(run.send(Command::rewind(RewindTo::hit)));
    const Event back = run.notable().back();
    EXPECT_EQ(back.type, EventType::paused);
    EXPECT_EQ(back.batch_idx, first_hold.batch_idx);
    EXPECT_EQ(back.stage, first_hold.stage);
    EXPECT_EQ(back.instance, first_hold.instance);
    run.finish();
}

// A rewind asked for while the run goes at full speed holds it first, then goes back.
TEST(Rewind, ARewindWhileRunningHoldsThenGoesBack) {
    RunConfig config = lesson_config("mlp_spiral");
    Driven run(config);
    run.start();
    run.session().send(Command::of(CommandType::run));
    ASSERT_TRUE(run.send(Command::rewind(RewindTo::batch_index, 0)));
    const std::vector<Event> seen = run.notable();
    const Event& held = seen.back();
    if (held.type == EventType::paused) {
        EXPECT_EQ(held.batch_idx, 0);
        EXPECT_EQ(held.epoch, 0);
        EXPECT_EQ(seen[seen.size() - 2].type, EventType::rewound);
    } else {
        // It was still at batch 0 when it held: nothing earlier to go back to.
        EXPECT_EQ(held.text.code, TextCode::rewind_not_earlier);
    }
    run.finish();
}

// What cannot be done says why and leaves the run where it was.
TEST(Rewind, RefusalsNameTheirCause) {
    Driven run(lesson_config("tensor_return"));
    run.start();
    ASSERT_TRUE(run.send(Command::rewind(RewindTo::stage)));           // the first boundary
    ASSERT_TRUE(run.send(Command::rewind(RewindTo::hit)));             // no hit yet
    ASSERT_TRUE(run.send(Command::rewind(RewindTo::batch_index, 5)));  // not earlier
    const std::vector<Event> seen = run.notable();
    ASSERT_EQ(run.refusals(), 3);
    EXPECT_EQ(format_text(seen[seen.size() - 3].text),
              "cannot go back: this is the run's first stage");
    EXPECT_EQ(format_text(seen[seen.size() - 2].text),
              "cannot go back to a breakpoint hit: none held the run before this point");
    EXPECT_EQ(format_text(seen.back().text), "cannot go back to batch 5: the run is at batch 0");
    run.finish();
}

// rewind.budget_mb 0 turns snapshots off: a rewind says it cannot, with the size one would take.
TEST(Rewind, AZeroBudgetRefusesWithTheSizeOfASnapshot) {
    RunConfig config = lesson_config("tensor_return");
    config.rewind_budget_mb = 0;
    Driven run(config);
    run.start();
    ASSERT_TRUE(run.send(Command::step(StepKind::batch)));
    ASSERT_TRUE(run.send(Command::rewind(RewindTo::batch_start)));
    ASSERT_EQ(run.refusals(), 1);
    const Event refusal = run.notable().back();
    EXPECT_EQ(refusal.text.code, TextCode::rewind_over_budget);
    ASSERT_EQ(refusal.text.args.size(), 2u);
    EXPECT_EQ(refusal.text.args[0], "0");
    EXPECT_GT(std::stod(refusal.text.args[1]), 0.0);
    run.finish();
}

// The store keeps to its budget over a long run, keeps the run's start, and is dense near the
// newest snapshot and sparse far from it.
TEST(Rewind, TheSnapshotStoreKeepsItsBudgetDenseRecentlySparseFarBack) {
    RunConfig config = lesson_config("mlp_spiral");
    auto module = ScriptModule::compile_source(find_lesson("mlp_spiral")->source, "mlp", 0);
    auto optimizer = std::make_unique<torch::optim::Adam>(module->parameter_tensors(),
                                                          torch::optim::AdamOptions(0.01));
    auto data = std::make_unique<DataLoader>(synthetic_dataset(config.data, 0, torch::kFloat32), 32,
                                             true, false);
    StepGate gate(false);
    Observer observer([](Event&&) {}, gate, {});
    ConditionSet conditions;
    Trainer trainer(config, std::move(module), std::move(data), std::move(optimizer));
    const Observations observe;
    FitLoop fit(trainer, observer, observe);
    const std::size_t one = TrainingState::capture(fit, conditions, 0, 0, 0).bytes();
    SnapshotStore store(one * 100);  // fewer than kMaxCount fit: the budget decides
    for (std::int64_t b = 0; b < 100000; ++b) {
        store.add(TrainingState::capture(fit, conditions, 0, 0, b));
        ASSERT_LE(store.bytes(), store.budget());
    }
    const std::vector<std::int64_t> kept = store.batches();
    ASSERT_EQ(kept.size(), 100u);
    EXPECT_EQ(kept.front(), 0);
    EXPECT_EQ(kept.back(), 99999);
    // Gaps grow with the distance from the newest.
    EXPECT_LE(kept[kept.size() - 1] - kept[kept.size() - 2], 2);
    EXPECT_GT(kept[2] - kept[1], 100);
    const TrainingState* at = store.at_or_before(50000);
    ASSERT_NE(at, nullptr);
    EXPECT_LE(at->batch(), 50000);
}
