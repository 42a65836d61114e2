// Tensors at the current stage and the accumulation ledger (issue "Debug a training_step", items 3
// and 4): what the Tensors dock reads while the run is held, what it says each stage changed, and
// each batch's share of an accumulation window's gradient. Waits are on events, never on the clock.

#include <gtest/gtest.h>

#include <cmath>
#include <condition_variable>
#include <mutex>
#include <numeric>

#include "stepwise/session.h"
#include "stepwise/trace.h"
#include "test_support.h"

using namespace stepwise;
using namespace stepwise::test;
using namespace std::chrono_literals;

namespace {

/// A held run that answers every command with a tensors report (or ends).
class Inspected {
  public:
    explicit Inspected(RunConfig config, Inspect what = {true, "", false})
        : session_(std::move(config), options()) {
        session_.send(Command::watch(std::move(what)));
        session_.start();
        wait(0);
    }
    ~Inspected() { session_.gate().stop(); }

    /// Sends `command` and waits for the next report; nullptr once the run has ended.
    std::shared_ptr<const TensorReport> after(const Command& command) {
        std::size_t before;
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            if (ended_) return nullptr;
            before = reports_.size();
        }
        session_.send(command);
        wait(before);
        const std::lock_guard<std::mutex> lock(mutex_);
        return reports_.size() > before ? reports_.back() : nullptr;
    }
    /// Steps one stage and returns the report where it holds next, with the stage it holds at.
    std::pair<Stage, std::shared_ptr<const TensorReport>> step() {
        auto report = after(Command::step(StepKind::stage));
        const std::lock_guard<std::mutex> lock(mutex_);
        return {held_at_, report};
    }
    std::shared_ptr<const TensorReport> latest() {
        const std::lock_guard<std::mutex> lock(mutex_);
        return reports_.empty() ? nullptr : reports_.back();
    }
    std::size_t report_count() {
        const std::lock_guard<std::mutex> lock(mutex_);
        return reports_.size();
    }
    std::vector<Event> events() {
        const std::lock_guard<std::mutex> lock(mutex_);
        return events_;
    }
    TrainingSession& session() { return session_; }

  private:
    SessionOptions options() {
        SessionOptions o;
        o.start_paused = true;
        o.buffer_events = false;
        o.listener = [this](const Event& e) {
            {
                const std::lock_guard<std::mutex> lock(mutex_);
                events_.push_back(e);
                if (e.type == EventType::tensors) reports_.push_back(e.tensors);
                if (e.type == EventType::paused) held_at_ = e.stage;
                if (e.type == EventType::run_end) ended_ = true;
            }
            changed_.notify_all();
        };
        return o;
    }
    void wait(std::size_t before) {
        std::unique_lock<std::mutex> lock(mutex_);
        ASSERT_TRUE(changed_.wait_for(lock, scaled(60s), [&] {
            return reports_.size() > before || ended_;
        })) << "no tensors report came";
    }

    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::shared_ptr<const TensorReport>> reports_;
    std::vector<Event> events_;
    Stage held_at_ = Stage::on_train_batch_start;
    bool ended_ = false;
    TrainingSession session_;
};

const TensorSummary& find(const TensorReport& r, const std::string& name) {
    for (const TensorSummary& t : r.tensors)
        if (t.name == name) return t;
    ADD_FAILURE() << "no tensor " << name;
    static TensorSummary none;
    return none;
}

bool listed(const TensorReport& r, const std::string& name) {
    for (const TensorSummary& t : r.tensors)
        if (t.name == name) return true;
    return false;
}

RunConfig momentum_clip_config(bool set_to_none) {
    RunConfig c = lesson_config("clip_norm");
    c.optimizer.options["momentum"] = 0.9;
    c.zero_grad_set_to_none = set_to_none;
    c.trainer.gradient_clip_val = 0.05;  // small: clipping scales on every step
    return c;
}

/// Steps until the run holds at `stage` of batch 1 (the first batch that has grads and state to
/// lose).
std::shared_ptr<const TensorReport> hold_at(Inspected& run, Stage stage, int batch = 1) {
    for (int i = 0; i < 200; ++i) {
        auto [at, report] = run.step();
        if (!report) return nullptr;
        const auto events = run.events();
        std::int64_t batch_idx = -1;
        for (auto it = events.rbegin(); it != events.rend(); ++it)
            if (it->type == EventType::paused) {
                batch_idx = it->batch_idx;
                break;
            }
        if (at == stage && batch_idx == batch) return report;
    }
    ADD_FAILURE() << "never held at " << stage_name(stage);
    return nullptr;
}

}  // namespace

TEST(Tensors, HeldRunListsEveryParameterItsGradAndTheOptimizersState) {
    Inspected run(momentum_clip_config(true));
    const auto first = run.latest();
    ASSERT_TRUE(first);
    // Before anything ran: each parameter, its grad None, no optimizer state yet, nothing compared.
    EXPECT_EQ(first->boundaries, 0u);
    const TensorSummary& w = find(*first, "weight");
    EXPECT_EQ(w.role, TensorRole::parameter);
    EXPECT_EQ(w.shape, (std::vector<std::int64_t>{1, 3}));
    EXPECT_EQ(w.dtype, "float32");
    ASSERT_TRUE(w.norm);
    EXPECT_GT(*w.norm, 0.0);
    const TensorSummary& g = find(*first, "weight.grad");
    EXPECT_EQ(g.role, TensorRole::grad);
    EXPECT_FALSE(g.defined);
    EXPECT_FALSE(listed(*first, "weight:momentum_buffer"));
    // After the first step, SGD's momentum buffer is there, one per parameter.
    const auto later = hold_at(run, Stage::on_train_batch_start, 1);
    ASSERT_TRUE(later);
    EXPECT_TRUE(find(*later, "weight:momentum_buffer").defined);
    EXPECT_EQ(find(*later, "bias:momentum_buffer").shape, (std::vector<std::int64_t>{1}));
}

TEST(Tensors, EachStageChangesWhatLightningSaysItDoes) {
    Inspected run(momentum_clip_config(true));
    // zero_grad(set_to_none=True): the grads of batch 0 become None.
    auto r = hold_at(run, Stage::on_before_backward);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->boundaries, 1u);
    EXPECT_EQ(r->since, Stage::optimizer_zero_grad);
    EXPECT_EQ(find(*r, "weight.grad").change, TensorChange::set_to_none);
    EXPECT_EQ(find(*r, "weight").change, TensorChange::unchanged);
    // backward fills them.
    r = hold_at(run, Stage::on_after_backward);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->since, Stage::backward);
    EXPECT_EQ(find(*r, "weight.grad").change, TensorChange::filled);
    EXPECT_TRUE(find(*r, "weight.grad").defined);
    // Clipping by norm scales every grad by one factor, below 1.
    r = hold_at(run, Stage::on_train_batch_end);
    ASSERT_TRUE(r);
    // Since configure_gradient_clipping began: clipping, then optimizer.step's update, in one
    // stage.
    EXPECT_EQ(r->since, Stage::configure_gradient_clipping);
    const TensorSummary& clipped = find(*r, "weight.grad");
    EXPECT_EQ(clipped.change, TensorChange::scaled);
    ASSERT_TRUE(clipped.scale);
    EXPECT_LT(*clipped.scale, 1.0);
    EXPECT_GT(*clipped.scale, 0.0);
    EXPECT_EQ(find(*r, "weight").change, TensorChange::moved);
    EXPECT_EQ(find(*r, "weight:momentum_buffer").change, TensorChange::moved);
    ASSERT_TRUE(find(*r, "weight").change_norm);
    EXPECT_GT(*find(*r, "weight").change_norm, 0.0);
}

TEST(Tensors, ZeroFillingIsToldApartFromSettingToNone) {
    Inspected run(momentum_clip_config(false));
    const auto r = hold_at(run, Stage::on_before_backward);
    ASSERT_TRUE(r);
    const TensorSummary& g = find(*r, "weight.grad");
    EXPECT_EQ(g.change, TensorChange::zero_filled);
    EXPECT_TRUE(g.defined);
    EXPECT_TRUE(g.all_zero);
}

TEST(Tensors, AdamsStateAndStepCountAreListed) {
    RunConfig c = lesson_config("tensor_return");
    c.optimizer = OptimizerSpec{"adam", {{"lr", 0.01}}};
    Inspected run(c);
    const auto r = hold_at(run, Stage::on_train_batch_start, 2);
    ASSERT_TRUE(r);
    const std::string p = r->tensors.front().name;
    EXPECT_TRUE(find(*r, p + ":exp_avg").defined);
    EXPECT_TRUE(find(*r, p + ":exp_avg_sq").defined);
    const TensorSummary& step = find(*r, p + ":step");
    ASSERT_TRUE(step.value);
    EXPECT_EQ(*step.value, 2.0);
}

TEST(Tensors, TheSelectedTensorsValuesHistogramHeatMapAndChangedCells) {
    Inspected run(momentum_clip_config(true), Inspect{true, "weight", false});
    auto r = run.latest();
    ASSERT_TRUE(r && r->detail);
    const TensorDetail& d = *r->detail;
    EXPECT_EQ(d.name, "weight");
    EXPECT_EQ(d.numel, 3);
    ASSERT_EQ(d.values.size(), 3u);
    EXPECT_TRUE(d.changed.empty());  // nothing to compare with yet
    EXPECT_EQ(std::accumulate(d.histogram.begin(), d.histogram.end(), std::int64_t(0)), 3);
    EXPECT_EQ(int(d.histogram.size()), TensorDetail::kHistogramBins);
    EXPECT_LE(d.min, d.max);
    EXPECT_EQ(d.heat_rows, 1);
    EXPECT_EQ(d.heat_cols, 3);
    EXPECT_EQ(d.heat, d.values);
    // The update moves every weight: every cell is marked.
    r = hold_at(run, Stage::on_train_batch_end, 0);
    ASSERT_TRUE(r && r->detail);
    EXPECT_EQ(r->detail->changed, (std::vector<std::uint8_t>{1, 1, 1}));
    // Selecting another tensor while held answers at once, with the same comparison.
    r = run.after(Command::watch({true, "bias.grad", false}));
    ASSERT_TRUE(r && r->detail);
    EXPECT_EQ(r->detail->name, "bias.grad");
    EXPECT_EQ(r->detail->numel, 1);
    EXPECT_EQ(r->boundaries, 1u);
    // A grad that is None has no values.
    r = hold_at(run, Stage::on_before_backward, 1);
    ASSERT_TRUE(r && r->detail);
    EXPECT_EQ(r->detail->numel, 0);
    EXPECT_TRUE(r->detail->values.empty());
}

TEST(Tensors, ALargeTensorShowsItsFirstValuesAndABlockAveragedHeatMap) {
    RunConfig c = lesson_config("mlp_spiral");
    Inspected run(c);
    const auto first = run.latest();
    ASSERT_TRUE(first);
    // The largest 2-D parameter of the lesson.
    std::string name;
    std::int64_t most = 0;
    for (const TensorSummary& t : first->tensors)
        if (t.role == TensorRole::parameter && t.shape.size() == 2 &&
            t.shape[0] * t.shape[1] > most) {
            most = t.shape[0] * t.shape[1];
            name = t.name;
        }
    ASSERT_FALSE(name.empty());
    const auto r = run.after(Command::watch({true, name, false}));
    ASSERT_TRUE(r && r->detail);
    EXPECT_EQ(r->detail->numel, most);
    EXPECT_EQ(std::int64_t(r->detail->values.size()), std::min(most, TensorDetail::kMaxValues));
    EXPECT_LE(r->detail->heat_rows, TensorDetail::kMaxHeatCells);
    EXPECT_LE(r->detail->heat_cols, TensorDetail::kMaxHeatCells);
    EXPECT_EQ(r->detail->heat.size(), std::size_t(r->detail->heat_rows * r->detail->heat_cols));
}

TEST(Tensors, NothingIsReadWhileNobodyWatchesOrTheRunGoesOn) {
    // Watching, at full speed: the first hold's report and the one at its end, nothing between.
    Inspected run(lesson_config("tensor_return"));
    const std::size_t before = run.report_count();
    run.session().send(Command::of(CommandType::run));
    ASSERT_TRUE(run.session().wait_finished(scaled(60s)));
    EXPECT_EQ(run.report_count(), before);
    // Not watching: no report, even held.
    RunLog log;
    {
        SessionOptions o;
        o.start_paused = true;
        o.buffer_events = false;
        std::mutex m;
        o.listener = [&](const Event& e) {
            const std::lock_guard<std::mutex> lock(m);
            log.events.push_back(e);
        };
        TrainingSession s(lesson_config("tensor_return"), o);
        s.start();
        for (int i = 0; i < 5; ++i) s.send(Command::step(StepKind::stage));
        s.send(Command::watch({false, "", false}));
        s.send(Command::of(CommandType::run));
        ASSERT_TRUE(s.wait_finished(scaled(60s)));
    }
    EXPECT_TRUE(log.of(EventType::tensors).empty());
}

TEST(Tensors, AReportSurvivesTheTraceCodec) {
    Inspected run(momentum_clip_config(true), Inspect{true, "weight", false});
    const auto r = hold_at(run, Stage::on_train_batch_end, 0);
    ASSERT_TRUE(r);
    for (const Event& e : run.events()) {
        if (e.type != EventType::tensors) continue;
        const std::string line = encode_event(e);
        const Event back = decode_event(line);
        ASSERT_TRUE(back.tensors);
        EXPECT_EQ(*back.tensors, *e.tensors);
        EXPECT_EQ(encode_event(back), line);
    }
}

TEST(Ledger, ABatchsSharesOfItsWindowSumToOneAndClippingIsAccountedFor) {
    RunConfig c = lesson_config("accumulate_3");
    c.trainer.gradient_clip_val = 0.05;
    SessionOptions o;
    o.buffer_events = false;
    o.start_paused = true;
    RunLog log;
    std::mutex m;
    o.listener = [&](const Event& e) {
        const std::lock_guard<std::mutex> lock(m);
        log.events.push_back(e);
    };
    TrainingSession s(c, o);
    s.send(Command::watch({false, "", true}));
    s.send(Command::of(CommandType::run));
    s.start();
    ASSERT_TRUE(s.wait_finished(scaled(60s)));
    std::vector<double> contributions;  // of the current window, from on_after_backward
    std::vector<double> grad_after_backward;
    int windows = 0;
    for (const Event& e : log.events) {
        if (e.type != EventType::stage_exit) continue;
        if (e.stage == Stage::on_after_backward) {
            ASSERT_TRUE(e.payload.grad_contribution);
            contributions.push_back(*e.payload.grad_contribution);
            ASSERT_TRUE(e.payload.grad_norms);
            grad_after_backward.push_back(e.payload.grad_norms->total);
        }
        if (e.stage != Stage::optimizer_step || e.outcome != Outcome::ran) continue;
        ASSERT_TRUE(e.payload.ledger) << "at batch " << e.batch_idx;
        const AccumulationLedger& l = *e.payload.ledger;
        ++windows;
        // Batches 0-2, 3-5, 6-8 and the short last window (9).
        const std::size_t expected = e.batch_idx == 9 ? 1 : 3;
        ASSERT_EQ(l.batches.size(), expected);
        ASSERT_EQ(contributions.size(), expected);
        double shares = 0;
        for (std::size_t i = 0; i < expected; ++i) {
            EXPECT_EQ(l.batches[i].batch_idx, e.batch_idx - std::int64_t(expected - 1 - i));
            EXPECT_NEAR(l.batches[i].norm, contributions[i], 1e-9);
            EXPECT_LE(l.batches[i].cosine, 1.0 + 1e-12);
            shares += l.batches[i].share;
        }
        EXPECT_NEAR(shares, 1.0, 1e-9);
        // The window's sum is .grad after the last backward (the first batch began from None).
        EXPECT_NEAR(l.sum_norm, grad_after_backward.back(), 1e-6 * l.sum_norm);
        EXPECT_EQ(l.norm_before_clip, l.sum_norm);
        ASSERT_TRUE(l.clip_coef);
        EXPECT_NEAR(*l.clip_coef, std::min(1.0, 0.05 / (l.sum_norm + 1e-6)), 1e-12);
        EXPECT_NEAR(l.norm_after_clip, l.norm_before_clip * *l.clip_coef,
                    1e-5 * l.norm_before_clip);
        // The update-to-weight ratios come with it.
        ASSERT_TRUE(e.payload.update_ratios);
        EXPECT_EQ(e.payload.update_ratios->per_parameter.size(), 2u);
        contributions.clear();
        grad_after_backward.clear();
    }
    EXPECT_EQ(windows, 4);
}

TEST(Ledger, OneBatchWindowsHaveTheWholeShareAndNoClippingNoCoefficient) {
    RunConfig c = lesson_config("tensor_return");
    SessionOptions o;
    o.buffer_events = false;
    RunLog log;
    std::mutex m;
    o.listener = [&](const Event& e) {
        const std::lock_guard<std::mutex> lock(m);
        log.events.push_back(e);
    };
    o.start_paused = true;
    TrainingSession s(c, o);
    s.send(Command::watch({false, "", true}));
    s.send(Command::of(CommandType::run));
    s.start();
    ASSERT_TRUE(s.wait_finished(scaled(60s)));
    int steps = 0;
    for (const Event& e : log.events) {
        if (e.type != EventType::stage_exit || e.stage != Stage::optimizer_step ||
            e.outcome != Outcome::ran)
            continue;
        ASSERT_TRUE(e.payload.ledger);
        ASSERT_EQ(e.payload.ledger->batches.size(), 1u);
        EXPECT_NEAR(e.payload.ledger->batches[0].share, 1.0, 1e-12);
        EXPECT_NEAR(e.payload.ledger->batches[0].cosine, 1.0, 1e-12);
        EXPECT_FALSE(e.payload.ledger->clip_coef);
        EXPECT_EQ(e.payload.ledger->norm_after_clip, e.payload.ledger->norm_before_clip);
        ++steps;
    }
    EXPECT_GT(steps, 0);
}

TEST(Ledger, CostsNothingUnlessWatched) {
    const RunLog log = run(lesson_config("accumulate_3"));
    for (const Event& e : log.events) {
        EXPECT_FALSE(e.payload.ledger);
        EXPECT_FALSE(e.payload.grad_contribution);
    }
}
