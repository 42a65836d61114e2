// Breakpoint conditions: the expression language (parse, canonical form, errors that name the
// column) and their evaluation on events, without a run.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "config_errors.h"
#include "stepwise/conditions.h"
#include "stepwise/run_config.h"

using namespace stepwise;

namespace {

std::string canonical(const std::string& text) {
    return format_condition(parse_condition(text));
}

std::string parse_error(const std::string& text) {
    try {
        parse_condition(text);
    } catch (const ConditionError& e) {
        return e.what();
    }
    return "(parsed)";
}

Event exit_of(Stage stage, std::int64_t batch = 0) {
    Event e;
    e.type = EventType::stage_exit;
    e.stage = stage;
    e.batch_idx = batch;
    return e;
}

Event training_step(double loss, std::int64_t batch = 0) {
    Event e = exit_of(Stage::training_step, batch);
    e.payload.loss = loss;
    e.payload.loss_raw = loss;
    return e;
}

Event backward_norms(double total, double weight, std::int64_t batch = 0) {
    Event e = exit_of(Stage::on_after_backward, batch);
    e.payload.grad_norms = GradNorms{total, {{"weight", weight}, {"bias", std::nullopt}}};
    return e;
}

std::size_t hits(ConditionSet& set, const Event& e) {
    return set.on_event(e).size();
}

}  // namespace

TEST(Conditions, TheDocumentedSpellingsParseToOneCanonicalForm) {
    EXPECT_EQ(canonical("none"), "none");
    EXPECT_EQ(canonical("nonfinite"), "nonfinite");
}

TEST(Conditions, ExpressionsReadBackTheSame) {
    for (const char* text :
         {"none", "nonfinite", "clipped", "exception", "spike > 3", "loss < 0.001",
          "grad_norm > 10", "grad_norm[layer.0.weight] < 1e-06", "acc < 0.2", "global_step = 100",
          "epoch >= 2 and batch = 3", "stage = backward and batch = 5", "call >= 3",
          "nonfinite and epoch != 0", "exception and stage = backward"}) {
        EXPECT_EQ(canonical(text), text);
        EXPECT_EQ(canonical(canonical(text)), canonical(text));
    }
    EXPECT_EQ(canonical("  grad_norm>10&&epoch>=2 "), "grad_norm > 10 and epoch >= 2");
    EXPECT_EQ(canonical("global_step==7"), "global_step = 7");
    EXPECT_EQ(canonical("loss>0.1"), "loss > 0.1");
}

TEST(Conditions, BadExpressionsSayWhatAndWhere) {
    EXPECT_EQ(parse_error(""), "an empty condition: \"\"");
    EXPECT_EQ(parse_error("grad_norm>"), "expected a number at column 11 of \"grad_norm>\"");
    EXPECT_EQ(parse_error("loss 3"),
              "expected a comparison (<, <=, >, >=, =, !=) at column 6 of \"loss 3\"");
    EXPECT_EQ(parse_error("stage = nowhere"),
              "no stage \"nowhere\" (stages are Lightning's hook names, e.g. backward) at column 9 "
              "of \"stage = nowhere\"");
    EXPECT_EQ(parse_error("stage > backward"),
              "a stage is chosen with \"=\" at column 1 of \"stage > backward\"");
    EXPECT_EQ(parse_error("epoch = 1.5"), "expected a whole number at column 9 of \"epoch = 1.5\"");
    EXPECT_EQ(parse_error("spike < 2"),
              "a spike is \"spike > K\" with K > 0 (times the moving average) at column 1 of "
              "\"spike < 2\"");
    EXPECT_EQ(
        parse_error("loss > nan"),
        "a NaN threshold never compares true; use \"nonfinite\" at column 8 of \"loss > nan\"");
    EXPECT_EQ(parse_error("none nonfinite"),
              "\"nonfinite\" after the condition (join terms with \"and\") at column 6 of \"none "
              "nonfinite\"");
    EXPECT_EQ(parse_error("grad_norm[w > 1"),
              "a parameter name in [ ] is not closed at column 10 of \"grad_norm[w > 1\"");
    EXPECT_EQ(
        parse_error("loss > 1 and grad_norm > 1"),
        "one condition can only test values of one stage, and this one mixes training_step's with "
        "on_after_backward's: \"loss > 1 and grad_norm > 1\"");
    EXPECT_EQ(
        parse_error("exception and loss > 1"),
        "\"exception\" goes with position terms only (global_step, epoch, batch, call, stage): "
        "\"exception and loss > 1\"");
    EXPECT_EQ(parse_error("3 > loss"),
              "expected a name (none, nonfinite, loss, grad_norm, an extra, ...) at column 1 of "
              "\"3 > loss\"");
}

TEST(Conditions, ValueTermsAreMeasuredByTheirStage) {
    ConditionSet set(
        {{"nonfinite"}, {"none"}, {"grad_norm[weight] > 2"}, {"acc < 0.2 and epoch = 0"}});
    EXPECT_EQ(hits(set, training_step(0.5)), 0u);
    const auto nan = set.on_event(training_step(std::numeric_limits<double>::quiet_NaN()));
    ASSERT_EQ(nan.size(), 1u);
    EXPECT_EQ(nan[0].index, 0u);
    EXPECT_EQ(nan[0].value_name, "loss");
    EXPECT_TRUE(std::isnan(*nan[0].value));
    EXPECT_EQ(format_text(breakpoint_hit_text(nan[0])), "breakpoint 1 (nonfinite) hit: loss = nan");

    Event none = exit_of(Stage::training_step);
    auto output = std::make_shared<OutputDescription>();
    output->kind = "none";
    none.payload.output = output;
    EXPECT_EQ(set.on_event(none).at(0).index, 1u);

    // Per parameter; a None grad never compares. A skipped or failed stage measures nothing.
    EXPECT_EQ(hits(set, backward_norms(3.0, 1.0)), 0u);
    const auto grad = set.on_event(backward_norms(3.0, 2.5));
    ASSERT_EQ(grad.size(), 1u);
    EXPECT_EQ(format_text(breakpoint_hit_text(grad[0])),
              "breakpoint 3 (grad_norm[weight] > 2) hit: grad_norm[weight] = 2.5");
    Event skipped = backward_norms(3.0, 2.5);
    skipped.outcome = Outcome::skipped;
    EXPECT_EQ(hits(set, skipped), 0u);

    Event extra = training_step(0.1);
    extra.payload.scalar_extras = {{"acc", 0.1}};
    EXPECT_EQ(set.on_event(extra).at(0).value_name, "acc");
    extra.epoch = 1;  // the position term narrows it
    EXPECT_EQ(hits(set, extra), 0u);
    EXPECT_EQ(set.hits(0), 1);
    EXPECT_EQ(set.hits(3), 1);
}

TEST(Conditions, ASpikeIsJudgedAgainstTheMovingAverageOfTheLossesBeforeIt) {
    ConditionSet set({{"spike > 3"}});
    for (int i = 0; i < int(ConditionSet::kSpikeWarmup) - 1; ++i)
        EXPECT_EQ(hits(set, training_step(1.0)), 0u);
    EXPECT_EQ(hits(set, training_step(100.0)),
              0u);  // not judged before the warm-up: it joins the window
    for (int i = 0; i < int(ConditionSet::kSpikeWindow); ++i)
        EXPECT_EQ(hits(set, training_step(1.0)), 0u);
    EXPECT_EQ(hits(set, training_step(2.9)), 0u);
    const auto spike = set.on_event(training_step(4.0));
    ASSERT_EQ(spike.size(), 1u);
    EXPECT_GT(*spike[0].value, 3.0);  // loss / moving average
}

TEST(Conditions, ClippedComparesTheNormAfterClippingWithTheOneAfterBackward) {
    ConditionSet set({{"clipped"}});
    EXPECT_EQ(hits(set, backward_norms(5.0, 5.0)), 0u);
    Event unclipped = exit_of(Stage::configure_gradient_clipping);
    unclipped.payload.grad_norms = GradNorms{5.0, {}};
    EXPECT_EQ(hits(set, unclipped), 0u);
    Event clipped = unclipped;
    clipped.payload.grad_norms->total = 1.0;
    const auto hit = set.on_event(clipped);
    ASSERT_EQ(hit.size(), 1u);
    EXPECT_DOUBLE_EQ(*hit[0].value, 0.2);  // the clip coefficient
}

TEST(Conditions, ExceptionIsAnErrorAtAStage) {
    ConditionSet set({{"exception"}, {"exception and stage = backward"}});
    Event error;
    error.type = EventType::error;
    error.phase = ErrorPhase::stage;
    error.stage = Stage::training_step;
    EXPECT_EQ(hits(set, error), 1u);
    error.stage = Stage::backward;
    EXPECT_EQ(hits(set, error), 2u);
    error.phase = ErrorPhase::data;  // loading, not a stage
    EXPECT_EQ(hits(set, error), 0u);
}

TEST(Conditions, APlaceHitsWhereItFirstHoldsAndAgainOnlyAfterItStoppedHolding) {
    ConditionSet set(
        {{"stage = backward"}, {"epoch = 1 and batch = 2"}, {"global_step >= 3"}, {"call >= 2"}});
    ASSERT_TRUE(set.has_places());
    auto at = [&](Stage s, std::int64_t epoch, std::int64_t batch, std::int64_t step, int call) {
        std::vector<std::size_t> out;
        for (const ConditionHit& h : set.at_boundary(s, epoch, batch, step, call))
            out.push_back(h.index);
        return out;
    };
    using V = std::vector<std::size_t>;
    EXPECT_EQ(at(Stage::training_step, 0, 0, 0, 1), V{});
    EXPECT_EQ(at(Stage::backward, 0, 0, 0, 1), V{0});
    EXPECT_EQ(at(Stage::on_after_backward, 0, 0, 0, 1), V{});
    EXPECT_EQ(at(Stage::backward, 0, 0, 0, 2), (V{0, 3}));  // every backward; LBFGS's second call
    EXPECT_EQ(at(Stage::on_after_backward, 0, 0, 0, 2), V{});  // call >= 2 still holds: no new hit
    EXPECT_EQ(at(Stage::on_train_batch_start, 1, 2, 2, 0), V{1});
    EXPECT_EQ(at(Stage::training_step, 1, 2, 2, 1), V{});  // the same batch: once
    EXPECT_EQ(at(Stage::on_train_batch_end, 1, 2, 3, 0), V{2});
    EXPECT_EQ(at(Stage::on_train_batch_start, 1, 3, 3, 0), V{});  // >= 3 holds on: once
    EXPECT_EQ(set.hits(0), 2);
}

TEST(Conditions, DisabledBreakpointsKeepTheirStateButNeverHit) {
    ConditionSet set({{"spike > 2", false}, {"stage = backward", false}});
    for (int i = 0; i < 10; ++i) EXPECT_EQ(hits(set, training_step(1.0)), 0u);
    EXPECT_EQ(hits(set, training_step(50.0)), 0u);
    EXPECT_TRUE(set.at_boundary(Stage::backward, 0, 0, 0, 1).empty());
    EXPECT_EQ(set.hits(0), 0);
}

TEST(Conditions, TheRunConfigKeepsBreakpointsAndNamesABadOne) {
    const RunConfig c = parse_run_config(
        R"({"breakpoints": ["nonfinite", {"when": "grad_norm > 10", "enabled": false}]})", "",
        "cfg");
    ASSERT_EQ(c.breakpoints.size(), 2u);
    EXPECT_EQ(c.breakpoints[1], (BreakpointSpec{"grad_norm > 10", false}));
    const RunConfig back = parse_run_config(to_json(c), "", "again");
    EXPECT_EQ(back.breakpoints, c.breakpoints);
    const auto error = test::config_error;
    EXPECT_EQ(error(R"({"breakpoints": "none"})"),
              "cfg: breakpoints: expected a list of conditions, got \"none\"");
    EXPECT_EQ(error(R"({"breakpoints": [{"when": "none", "on": 1}]})"),
              "cfg: breakpoints[0].on: unknown key (allowed here: enabled, when)");
    EXPECT_EQ(error(R"({"breakpoints": ["none", "loss >"]})"),
              "cfg: breakpoints[1]: expected a number at column 7 of \"loss >\"");
    EXPECT_EQ(error(R"({"breakpoints": [{"enabled": true}]})"),
              "cfg: breakpoints[0].when: expected the condition as a string");
}

// update_ratio and unchanged are measured by optimizer_step's exit (issue 8: "the update-to-weight
// ratio ‖Δθ‖/‖θ‖ of a parameter above or below a threshold, or a parameter that an optimizer step
// left unchanged").
TEST(Conditions, UpdateRatioAndUnchangedAreMeasuredByTheOptimizerStep) {
    EXPECT_EQ(canonical("update_ratio[w1]>1e-2"), "update_ratio[w1] > 0.01");
    EXPECT_EQ(canonical("unchanged"), "unchanged");
    EXPECT_EQ(canonical("unchanged [bias] and epoch >= 1"), "unchanged[bias] and epoch >= 1");
    EXPECT_EQ(
        parse_error("update_ratio > 1 and loss > 1"),
        "one condition can only test values of one stage, and this one mixes optimizer_step's with "
        "training_step's: \"update_ratio > 1 and loss > 1\"");
    EXPECT_EQ(
        parse_error("unchanged < 3"),
        "\"< 3\" after the condition (join terms with \"and\") at column 11 of \"unchanged < 3\"");

    ConditionSet set({{"update_ratio > 0.1"},
                      {"update_ratio[bias] < 1e-3"},
                      {"unchanged"},
                      {"unchanged[weight]"}});
    EXPECT_TRUE(set.needs_update_ratios());
    EXPECT_TRUE(set.needs_norms());
    Event step = exit_of(Stage::optimizer_step);
    step.payload.update_ratios = GradNorms{0.05, {{"weight", 0.06}, {"bias", 0.0}}};
    const auto hits_then = set.on_event(step);
    ASSERT_EQ(hits_then.size(), 2u);  // bias's ratio is below 1e-3 and it did not move at all
    EXPECT_EQ(format_text(breakpoint_hit_text(hits_then[0])),
              "breakpoint 2 (update_ratio[bias] < 0.001) hit: update_ratio[bias] = 0");
    EXPECT_EQ(format_text(breakpoint_hit_text(hits_then[1])),
              "breakpoint 3 (unchanged) hit: unchanged[bias] = 0");
    step.payload.update_ratios = GradNorms{0.5, {{"weight", 0.0}, {"bias", 0.7}}};
    const auto hits_now = set.on_event(step);
    ASSERT_EQ(hits_now.size(), 3u);
    EXPECT_EQ(hits_now[0].value_name, "update_ratio");
    EXPECT_EQ(hits_now[2].value_name, "unchanged[weight]");
    // Another stage's exit, or a step without ratios, measures nothing.
    EXPECT_EQ(hits(set, backward_norms(1.0, 1.0)), 0u);
    EXPECT_EQ(hits(set, exit_of(Stage::optimizer_step)), 0u);
}
