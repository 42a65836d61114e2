// Stepwise's TorchScript source format: declarations, compile errors with line and column.

#include <gtest/gtest.h>

#include "errors.h"
#include "model_source.h"
#include "script_module.h"
#include "test_support.h"

namespace stepwise::test {
namespace {

std::string load_error(const std::string& text) {
    try {
        ScriptModule::compile_source(text, "m.stepwise", 0);
    } catch (const LoadError& e) {
        EXPECT_EQ(e.phase, ErrorPhase::model);
        return e.what();
    }
    return "";
}

TEST(ModelSource, DeclarationsAreParsedAndBlankedSoLineNumbersStay) {
    const auto p = parse_model_source(
        "dtype float64\nparam w: [2, 3] = uniform(-1, 1)\nparam b: [3] = [1, 2, 3]\n"
        "param s: [] = 0.5\n\ndef forward(self):\n    pass\n",
        "m");
    ASSERT_EQ(p.params.size(), 3u);
    EXPECT_EQ(p.dtype, "float64");
    EXPECT_EQ(p.params[0].shape, (std::vector<std::int64_t>{2, 3}));
    EXPECT_EQ(p.params[0].init, "uniform");
    EXPECT_EQ(p.params[1].args, (std::vector<double>{1, 2, 3}));
    EXPECT_EQ(p.params[2].init, "literal");
    EXPECT_EQ(p.code.substr(0, 5), "\n\n\n\n\n");
}

TEST(ModelSource, ParametersAreInitialisedFromTheSeedAndTrainable) {
    const std::string text = linear_source("    return loss");
    auto a = ScriptModule::compile_source(text + "\nparam extra: [4] = normal(0, 1)\n", "m", 3);
    auto b = ScriptModule::compile_source(text + "\nparam extra: [4] = normal(0, 1)\n", "m", 3);
    ASSERT_EQ(a->parameters().size(), 3u);
    EXPECT_TRUE(a->parameters()[2].second.equal(b->parameters()[2].second));
    for (const auto& p : a->parameters()) EXPECT_TRUE(p.second.requires_grad()) << p.first;
    EXPECT_EQ(a->dtype(), torch::kFloat64);
}

TEST(ModelSource, CompileErrorsReportFileLineAndColumn) {
    const std::string text =
        "param w: [1, 3] = zeros\n"
        "\n"
        "def training_step(self, batch: Tuple[Tensor, Tensor], batch_idx: int):\n"
        "    x, y = batch\n"
        "    return x @ self.w.t() + undefined_name\n";
    const std::string msg = load_error(text);
    EXPECT_EQ(msg.substr(0, msg.find('\n')),
              "m.stepwise:5:29: error: undefined value undefined_name");
}

TEST(ModelSource, SyntaxErrorsReportTheirLine) {
    const std::string msg = load_error(
        "param w: [1] = zeros\n\ndef training_step(self, batch: Tuple[Tensor, Tensor]):\n    "
        "return (1 +\n");
    EXPECT_EQ(msg.rfind("m.stepwise:", 0), 0u) << msg;
    EXPECT_NE(msg.find("error:"), std::string::npos);
}

TEST(ModelSource, DeclarationErrorsReportLineAndColumn) {
    EXPECT_EQ(load_error("param w: [1, 3] = fancy(2)\n").substr(0, 32),
              "m.stepwise:1:19: error: unknown ");
    EXPECT_NE(load_error("param w: [1, x] = zeros\n").find("m.stepwise:1:11: error: shape of 'w'"),
              std::string::npos);
    EXPECT_NE(load_error("param w: [2] = [1, 2, 3]\n").find("does not have the declared shape"),
              std::string::npos);
    EXPECT_NE(load_error("param w: [2] = zeros\nparam w: [2] = ones\n").find("m.stepwise:2:"),
              std::string::npos);
    EXPECT_NE(load_error("param w: [2] = uniform(1)\n").find("takes 2 argument(s)"),
              std::string::npos);
    EXPECT_NE(load_error("param w [2] = zeros\n")
                  .find("m.stepwise:1:1: error: a parameter is declared as"),
              std::string::npos);
    EXPECT_NE(load_error("dtype float16\nparam w: [2] = zeros\n").find("m.stepwise:1:7:"),
              std::string::npos);
    EXPECT_NE(
        load_error("def training_step(self, batch: Tuple[Tensor, Tensor]):\n    return None\n")
            .find("declares no parameters"),
        std::string::npos);
}

TEST(ModelSource, AModuleWithoutTrainingStepIsRejected) {
    EXPECT_NE(load_error(
                  "param w: [2] = zeros\n\ndef forward(self, x: Tensor) -> Tensor:\n    return x\n")
                  .find("no training_step method"),
              std::string::npos);
}

}  // namespace
}  // namespace stepwise::test
