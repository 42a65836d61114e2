// Spec §3: one closure call and its stages (C-1...C-7), and the once-per-process None warning
//

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "closure.h"
#include "data.h"
#include "errors.h"
#include "loops.h"
#include "script_module.h"
#include "stepwise/session.h"
#include "stepwise/warning_cache.h"
#include "test_support.h"
#include "trainer.h"

namespace stepwise::test {
namespace {

struct Recorder {
    std::vector<std::string> calls;
    Closure make(bool with_zero_grad, bool with_backward, c10::IValue output) {
        Closure::Parts parts;
        parts.step_fn = [this, output] {
            calls.push_back(std::string("step") +
                            (torch::GradMode::is_enabled() ? "" : "(no grad!)"));
            return ClosureResult::from_training_step_output(output, 1);
        };
        if (with_zero_grad) parts.zero_grad_fn = [this] { calls.push_back("zero_grad"); };
        if (with_backward)
            parts.backward_fn = [this](const torch::Tensor&) { calls.push_back("backward"); };
        return Closure(std::move(parts), nullptr);
    }
};

TEST(Closure, C1_StepThenZeroGradThenBackward) {
    Recorder rec;
    auto closure = rec.make(true, true, torch::tensor(1.0));
    closure();
    EXPECT_EQ(rec.calls, (std::vector<std::string>{"step", "zero_grad", "backward"}));
}

TEST(Closure, C1_ZeroGradRunsButBackwardDoesNotWhenNoneIsReturned) {
    Recorder rec;
    auto closure = rec.make(true, true, c10::IValue());
    const auto loss = closure();
    EXPECT_FALSE(loss.defined());
    EXPECT_EQ(rec.calls, (std::vector<std::string>{"step", "zero_grad"}));
}

TEST(Closure, C3_WithoutZeroGradPartOnlyStepAndBackward) {
    Recorder rec;
    auto closure = rec.make(false, true, torch::tensor(1.0));
    closure();
    EXPECT_EQ(rec.calls, (std::vector<std::string>{"step", "backward"}));
}

TEST(Closure, C4_SkippedBackwardMeansOnlyTheStep) {
    Recorder rec;
    auto closure = rec.make(false, false, torch::tensor(1.0));
    closure();
    EXPECT_EQ(rec.calls, (std::vector<std::string>{"step"}));
}

TEST(Closure, L8_GradModeIsForcedOnInsideTheClosure) {
    Recorder rec;
    auto closure = rec.make(true, true, torch::tensor(1.0));
    torch::NoGradGuard no_grad;  // as an optimizer's step decorated with no_grad
    closure();
    EXPECT_EQ(rec.calls.front(), "step");
}

TEST(Closure, N5_ClosureReturnsTheDetachedNormalisedLoss) {
    Closure::Parts parts;
    const auto w = torch::tensor(171.0 * 2, torch::requires_grad());
    parts.step_fn = [&] { return ClosureResult::from_training_step_output(w * 1.0, 2); };
    Closure closure(std::move(parts), nullptr);
    const auto loss = closure();
    EXPECT_DOUBLE_EQ(loss.item<double>(), 171.0);
    EXPECT_FALSE(loss.requires_grad());
}

TEST(Closure, C5_LatestCallOverwritesTheCachedResult) {
    int n = 0;
    Closure::Parts parts;
    parts.step_fn = [&] {
        return ClosureResult::from_training_step_output(torch::tensor(double(++n)), 1);
    };
    Closure closure(std::move(parts), nullptr);
    closure();
    closure();
    closure();
    EXPECT_EQ(closure.calls(), 3);
    EXPECT_DOUBLE_EQ(closure.consume_result().loss.item<double>(), 3.0);
}

TEST(Closure, C6_ConsumeClearsTheCacheAndRaisesWhenNeverExecuted) {
    Recorder rec;
    auto closure = rec.make(true, true, torch::tensor(1.0));
    const std::string msg =
        "The closure hasn't been executed. HINT: did you call `optimizer_closure()` in your "
        "`optimizer_step` hook? "
        "It could also happen because the `optimizer.step(optimizer_closure)` call did not execute "
        "it internally.";
    try {
        closure.consume_result();
        ADD_FAILURE();
    } catch (const LightningError& e) {
        EXPECT_EQ(e.type, "MisconfigurationException");
        EXPECT_EQ(std::string(e.what()), msg);
    }
    closure();
    closure.consume_result();
    EXPECT_THROW(closure.consume_result(), LightningError);
}

/// An optimizer whose step ignores its closure (test_optimizer_step_no_closure_raises).
class IgnoresClosure : public torch::optim::SGD {
  public:
    using SGD::SGD;
    torch::Tensor step(LossClosure) override { return {}; }
};

TEST(Closure, C6_AnOptimizerThatIgnoresTheClosureRaisesAfterTheStepIsCounted) {
    auto module = ScriptModule::compile_source(linear_source("    return loss"), "t.stepwise", 0);
    DataSpec spec;
    DataLoader data(synthetic_dataset(spec, 0, torch::kFloat64), 8, false, false);
    auto optimizer = std::make_unique<IgnoresClosure>(module->parameter_tensors(),
                                                      torch::optim::SGDOptions(0.1));
    StepGate gate;
    std::vector<Event> events;
    Observer observer([&](Event e) { events.push_back(std::move(e)); }, gate, nullptr);
    RunConfig config;
    Trainer trainer(config, std::move(module), std::make_unique<DataLoader>(std::move(data)),
                    std::move(optimizer));
    const Observations observe;
    FitLoop fit(trainer, observer, observe);
    try {
        fit.run();
        ADD_FAILURE() << "expected the closure error";
    } catch (const LightningError& e) {
        EXPECT_EQ(e.type, "MisconfigurationException");
        EXPECT_NE(std::string(e.what()).find("The closure hasn't been executed."),
                  std::string::npos);
    }
    EXPECT_EQ(fit.optimization().global_step(), 1);  // raised after optimizer.step.completed
}

TEST(Closure, C6_ASessionWhoseOptimizerIgnoresTheClosureFailsWithLightningsErrorWhileTraining) {
    // The same through a whole session whose objects a host built (SessionOptions::make_trainer,
    // as the Python host builds the user's): Lightning's error ends the run, in the training phase.
    const RunConfig config = linear_source_config("    return loss");
    SessionOptions options;
    options.buffer_events = false;
    std::vector<Event> events;
    options.listener = [&](const Event& e) { events.push_back(e); };
    int built = 0;
    options.make_trainer = [&built](const RunConfig& c, ErrorPhase& phase) {
        ++built;
        phase = ErrorPhase::model;
        auto module = ScriptModule::compile_source(c.model.inline_source, "t.stepwise", c.seed);
        phase = ErrorPhase::data;
        auto data = std::make_unique<DataLoader>(load_dataset(c, module->dtype()), c.batch_size,
                                                 c.shuffle, c.drop_last);
        phase = ErrorPhase::config;
        auto optimizer = std::make_unique<IgnoresClosure>(module->parameter_tensors(),
                                                          torch::optim::SGDOptions(0.1));
        return std::make_unique<Trainer>(c, std::move(module), std::move(data),
                                         std::move(optimizer));
    };
    TrainingSession session(config, options);
    session.run_blocking();
    EXPECT_EQ(built, 1);
    RunLog log{events};
    EXPECT_EQ(log.status(), "failed");
    ASSERT_NE(log.error(), nullptr);
    EXPECT_EQ(log.error()->exception_type, "MisconfigurationException");
    EXPECT_EQ(log.error()->phase, ErrorPhase::training);
    EXPECT_NE(log.error()->message.find("The closure hasn't been executed."), std::string::npos);
    EXPECT_TRUE(log.batch_ends().empty());
}

TEST(Closure, C1_TheClosureOwnsWhatItUsesAndOutlivesItsBatch) {
    // Rewind and forks keep closures after their batch: a closure must not refer to the batch's
    // locals. With the batch tensors captured by reference (as before), `weak` expires when the
    // batch scope ends and calling the closure reads freed memory.
    auto module = ScriptModule::compile_source(linear_source("    return loss"), "t.stepwise", 0);
    DataSpec spec;
    DataLoader data(synthetic_dataset(spec, 0, torch::kFloat64), 8, false, false);
    auto optimizer = std::make_unique<torch::optim::SGD>(module->parameter_tensors(),
                                                         torch::optim::SGDOptions(0.1));
    StepGate gate;
    std::vector<Event> events;
    Observer observer([&](Event e) { events.push_back(std::move(e)); }, gate, nullptr);
    RunConfig config;
    Trainer trainer(config, std::move(module), std::make_unique<DataLoader>(data),
                    std::move(optimizer));
    const Observations observe;
    AutomaticOptimization automatic(trainer, observer, observe);
    const OutputSlot slot = std::make_shared<std::shared_ptr<const OutputDescription>>();
    std::optional<Closure> closure;
    using WeakTensor = c10::weak_intrusive_ptr<c10::TensorImpl, c10::UndefinedTensorImpl>;
    std::optional<WeakTensor> weak_x;
    {
        const auto batch = data.batch(0, 0);
        torch::Tensor x = batch.first.clone(), y = batch.second.clone();  // the batch's own locals
        weak_x.emplace(x.getIntrusivePtr());
        closure.emplace(automatic.make_closure(c10::ivalue::Tuple::create({x, y}), 0, slot));
    }
    EXPECT_FALSE(weak_x->expired());  // the closure holds the batch tensors
    EXPECT_EQ(slot.use_count(), 2);   // ... and the output slot
    torch::Tensor loss;
    {
        torch::AutoGradMode grad(true);
        loss = (*closure)();
    }
    ASSERT_TRUE(loss.defined());
    ASSERT_TRUE(*slot);
    EXPECT_EQ((*slot)->kind, "tensor");
    EXPECT_EQ(closure->consume_result().loss.item<double>(), loss.item<double>());
    closure.reset();
    EXPECT_TRUE(weak_x->expired());  // and lets go of them with itself
}

TEST(NoneWarning, R6_EmittedOncePerProcessAcrossRunsUntilTheCacheIsCleared) {
    warning_cache::clear();
    const RunConfig c = linear_source_config(
        "    if batch_idx % 2 == 0:\n        return None\n    return loss", "Optional[Tensor]");
    const RunLog first = run(c);
    const RunLog second = run(c);
    ASSERT_EQ(first.warnings("lightning").size(), 1u);
    EXPECT_EQ(first.warnings("lightning")[0].message,
              "`training_step` returned `None`. If this was on purpose, ignore this warning...");
    EXPECT_EQ(first.warnings("lightning")[0].batch_idx, 0);
    EXPECT_TRUE(second.warnings("lightning").empty());
    warning_cache::clear();
    EXPECT_EQ(run(c).warnings("lightning").size(), 1u);
}

TEST(NoneWarning, R6_EmittedAfterTrainingStepBeforeZeroGrad) {
    warning_cache::clear();
    const RunLog r = run(linear_source_config("    return None", "Optional[Tensor]"));
    std::vector<std::string> order;
    for (const auto& e : r.events) {
        if (e.batch_idx != 0) continue;
        if (e.type == EventType::warning) order.push_back("warning");
        // exits: training_step exits before the warning; on_before_zero_grad enters (and exits)
        // after it
        if (e.type == EventType::stage_exit &&
            (e.stage == Stage::training_step || e.stage == Stage::on_before_zero_grad))
            order.push_back(stage_name(e.stage));
    }
    EXPECT_EQ(order, (std::vector<std::string>{"training_step", "warning", "on_before_zero_grad"}));
}

}  // namespace
}  // namespace stepwise::test
