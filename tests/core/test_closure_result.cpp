// Spec §1-2: what training_step returned -> ClosureResult (R-1...R-6, N-1...N-6).

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "closure.h"
#include "errors.h"
#include "test_support.h"

namespace stepwise::test {
namespace {

c10::impl::GenericDict dict_of(std::vector<std::pair<std::string, c10::IValue>> items) {
    c10::impl::GenericDict d(c10::StringType::get(), c10::AnyType::get());
    for (auto& [k, v] : items) d.insert(k, v);
    return d;
}

template <class F>
void expect_lightning_error(F&& f, const std::string& type, const std::string& message) {
    try {
        f();
        ADD_FAILURE() << "expected " << type;
    } catch (const LightningError& e) {
        EXPECT_EQ(e.type, type);
        EXPECT_EQ(std::string(e.what()), message);
    }
}

TEST(ClosureResult, R2_TensorIsTheLossWithNoExtras) {
    const auto t = torch::tensor(2.0, torch::requires_grad());
    const auto r = ClosureResult::from_training_step_output(t * 1.0, 1);
    ASSERT_TRUE(r.loss.defined());
    EXPECT_DOUBLE_EQ(r.loss.item<double>(), 2.0);
    EXPECT_TRUE(r.extra.empty());
}

TEST(ClosureResult, R2_DictWithLossKeepsExtrasInOriginalOrder) {
    const auto r = ClosureResult::from_training_step_output(dict_of({{"zeta", 1.0},
                                                                     {"loss", torch::tensor(4.0)},
                                                                     {"alpha", torch::tensor(3.0)},
                                                                     {"mid", 7}}),
                                                            2);
    EXPECT_DOUBLE_EQ(r.loss.item<double>(), 2.0);
    ASSERT_EQ(r.extra.size(), 3u);
    EXPECT_EQ(r.extra[0].first, "zeta");
    EXPECT_EQ(r.extra[1].first, "alpha");
    EXPECT_EQ(r.extra[2].first, "mid");
}

TEST(ClosureResult, R2_DictWithoutLossRaises) {
    expect_lightning_error(
        [] {
            ClosureResult::from_training_step_output(dict_of({{"a", 5}}), 1);
        },
        "MisconfigurationException",
        "In automatic_optimization, when `training_step` returns a dict, the 'loss' key needs to "
        "be present");
}

TEST(ClosureResult, R2_DictWhoseLossIsNoneRaises) {
    expect_lightning_error(
        [] {
            ClosureResult::from_training_step_output(dict_of({{"loss", c10::IValue()}}), 1);
        },
        "MisconfigurationException",
        "In automatic_optimization, when `training_step` returns a dict, the 'loss' key needs to "
        "be present");
}

TEST(ClosureResult, R2_AnyOtherTypeRaises) {
    const std::string msg =
        "In automatic optimization, `training_step` must return a Tensor, a dict, or None (where "
        "the step will be skipped).";
    for (const c10::IValue& v :
         {c10::IValue(5.0), c10::IValue(int64_t{5}), c10::IValue(std::string("loss")),
          c10::IValue(c10::List<int64_t>({1, 2})),
          c10::IValue(c10::ivalue::Tuple::create({torch::tensor(1.0)}))}) {
        expect_lightning_error([&] { ClosureResult::from_training_step_output(v, 1); },
                               "MisconfigurationException", msg);
    }
}

TEST(ClosureResult, R2_NoneHasNoLossAndNoExtras) {
    const auto r = ClosureResult::from_training_step_output(c10::IValue(), 3);
    EXPECT_FALSE(r.loss.defined());
    EXPECT_FALSE(r.closure_loss.defined());
    EXPECT_TRUE(r.extra.empty());
}

TEST(ClosureResult, R5_DictWithNonTensorLossIsATypeError) {
    try {
        ClosureResult::from_training_step_output(dict_of({{"loss", 5.0}}), 1);
        ADD_FAILURE() << "expected a TypeError";
    } catch (const LightningError& e) {
        EXPECT_EQ(e.type, "TypeError");
        EXPECT_NE(std::string(e.what()).find("'float' object has no attribute 'detach'"),
                  std::string::npos);
    }
}

TEST(ClosureResult, N1_LossIsDividedByNIntoANewTensorEvenForNOne) {
    const auto user = torch::tensor(6.0, torch::requires_grad()) * 1.0;
    const auto r = ClosureResult::from_training_step_output(user, 1);
    EXPECT_NE(r.closure_loss.unsafeGetTensorImpl(), user.unsafeGetTensorImpl());
    const auto r3 = ClosureResult::from_training_step_output(user, 3);
    EXPECT_DOUBLE_EQ(r3.closure_loss.item<double>(), 2.0);
    EXPECT_DOUBLE_EQ(user.item<double>(), 6.0);  // not in place
    EXPECT_TRUE(r3.closure_loss.requires_grad());
    ASSERT_NE(r3.closure_loss.grad_fn(), nullptr);  // the graph is kept
}

TEST(ClosureResult, N3_LossIsADetachedCloneWithItsOwnStorage) {
    const auto w = torch::tensor(3.0, torch::requires_grad());
    const auto r = ClosureResult::from_training_step_output(w * 2.0, 1);
    EXPECT_FALSE(r.loss.requires_grad());
    EXPECT_EQ(r.loss.grad_fn(), nullptr);
    EXPECT_NE(r.loss.data_ptr(), r.closure_loss.data_ptr());
}

TEST(ClosureResult, N4_ExtrasAreNeitherDetachedNorCopied) {
    const auto w = torch::tensor(3.0, torch::requires_grad());
    const auto extra = w * 5.0;
    const auto r =
        ClosureResult::from_training_step_output(dict_of({{"loss", w * 1.0}, {"e", extra}}), 1);
    ASSERT_EQ(r.extra.size(), 1u);
    const auto& kept = r.extra[0].second.toTensor();
    EXPECT_EQ(kept.unsafeGetTensorImpl(), extra.unsafeGetTensorImpl());
    EXPECT_NE(kept.grad_fn(), nullptr);
}

TEST(ClosureResult, N5_ApplyAccumulation25By5Gives5) {
    const auto r = ClosureResult::from_training_step_output(torch::tensor(25.0), 5);
    EXPECT_DOUBLE_EQ(r.loss.item<double>(), 5.0);
}

TEST(ClosureResultInLoop, R1_TrainingStepWithoutBatchIdxGetsOnlyTheBatch) {
    RunConfig c = torchscript_config("bad/batch_only.pt", "bad/data3.pt");
    c.trainer.accumulate_grad_batches = 2;
    const RunLog r = run(c);
    ASSERT_EQ(r.status(), "finished") << (r.error() ? r.error()->message : "");
    // HEAD semantics: zero_grad placement still uses the loop's batch index
    EXPECT_EQ(r.ran(0, 1),
              (std::vector<std::string>{"on_train_batch_start", "optimizer_step", "training_step",
                                        "on_before_backward", "backward", "on_after_backward",
                                        "on_before_optimizer_step", "configure_gradient_clipping",
                                        "on_train_batch_end"}));
    EXPECT_EQ(r.batch_ends()[0].extras.at(0).first, "n");
}

TEST(ClosureResultInLoop, R3_InvalidOutputFailsAtTheStepStageBeforeZeroGradAndBackward) {
    RunConfig c = torchscript_config("bad/returns_float.pt", "bad/data3.pt");
    const RunLog r = run(c);
    EXPECT_EQ(r.status(), "failed");
    ASSERT_NE(r.error(), nullptr);
    EXPECT_EQ(std::string(where_name(*r.error())), "training_step");
    EXPECT_EQ(r.error()->exception_type, "MisconfigurationException");
    EXPECT_EQ(r.count_ran(Stage::optimizer_zero_grad), 0);
    EXPECT_EQ(r.count_ran(Stage::backward), 0);
    // the enclosing optimizer_step failed with it, and the output is still described
    const Outcome failed = Outcome::failed;
    const auto fails = r.exits(&failed);
    ASSERT_EQ(fails.size(), 2u);
    EXPECT_EQ(fails[0].stage, Stage::training_step);
    EXPECT_EQ(fails[0].payload.output->kind, "float");
    EXPECT_EQ(fails[1].stage, Stage::optimizer_step);
}

TEST(ClosureResultInLoop, R5_DictWithFloatLossFailsAtTheStepStage) {
    RunConfig c = torchscript_config("bad/dict_float_loss.pt", "bad/data3.pt");
    const RunLog r = run(c);
    ASSERT_NE(r.error(), nullptr);
    EXPECT_EQ(r.error()->exception_type, "TypeError");
    EXPECT_EQ(std::string(where_name(*r.error())), "training_step");
    EXPECT_EQ(r.count_ran(Stage::optimizer_zero_grad), 0);
}

TEST(ClosureResultInLoop, R4_NonScalarLossFailsInBackwardAfterZeroGrad) {
    const RunLog r = run(linear_source_config("    return (pred - y) ** 2", "Tensor"));
    ASSERT_NE(r.error(), nullptr);
    EXPECT_EQ(std::string(where_name(*r.error())), "backward");
    EXPECT_EQ(r.error()->exception_type, "RuntimeError");
    EXPECT_EQ(r.error()->message, "grad can be implicitly created only for scalar outputs");
    EXPECT_EQ(r.count_ran(Stage::optimizer_zero_grad), 1);
    EXPECT_EQ(r.count_ran(Stage::on_before_backward), 1);
}

TEST(ClosureResultInLoop, R4_ShapeOneLossIsFine) {
    const RunLog r = run(linear_source_config("    return loss.reshape([1])", "Tensor"));
    EXPECT_EQ(r.status(), "finished") << (r.error() ? r.error()->message : "");
}

TEST(ClosureResultInLoop, R4_DetachedLossFailsInBackward) {
    const RunLog r = run(linear_source_config("    return loss.detach()", "Tensor"));
    ASSERT_NE(r.error(), nullptr);
    EXPECT_EQ(std::string(where_name(*r.error())), "backward");
    EXPECT_EQ(r.error()->message,
              "element 0 of tensors does not require grad and does not have a grad_fn");
}

TEST(ClosureResultInLoop, N6_BatchOutputIsNormalisedLossThenExtras) {
    RunConfig c = linear_source_config(
        "    return {\"mae\": (pred - y).abs().mean().detach(), \"loss\": loss}",
        "Dict[str, Tensor]");
    c.trainer.accumulate_grad_batches = 2;
    const RunLog r = run(c);
    ASSERT_EQ(r.status(), "finished");
    for (const auto& e : r.exits()) {
        if (e.stage != Stage::training_step || e.batch_idx != 0) continue;
        ASSERT_TRUE(e.payload.loss_raw && e.payload.loss);
        EXPECT_DOUBLE_EQ(*e.payload.loss, *e.payload.loss_raw / 2);
    }
    const auto end = r.batch_ends()[0];
    ASSERT_EQ(end.extras.size(), 1u);
    EXPECT_EQ(end.extras[0].first, "mae");
    EXPECT_FALSE(end.extras[0].second.requires_grad);
}

}  // namespace
}  // namespace stepwise::test
