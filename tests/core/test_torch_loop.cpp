// Cross-checks with Python's torch.optim (tests/fixtures/torch_loop, written by generate.py): the
// optimizers, strong-Wolfe LBFGS, clipping and None paths that the recorded Lightning runs do not
// cover, each compared with Lightning's loop restated in plain PyTorch 1.13. Bit for bit.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace stepwise::test {
namespace {

std::vector<double> flatten(const nlohmann::json& j) {
    std::vector<double> out;
    if (j.is_number()) return {j.get<double>()};
    for (const auto& v : j) {
        const auto inner = flatten(v);
        out.insert(out.end(), inner.begin(), inner.end());
    }
    return out;
}

class TorchLoop : public ::testing::TestWithParam<std::string> {};

TEST_P(TorchLoop, AgreesWithTorchOptimBitForBit) {
    const std::string dir = fixture("torch_loop/" + GetParam());
    std::ifstream in(dir + "/expected.json");
    ASSERT_TRUE(in);
    const auto expected = nlohmann::json::parse(in);
    const RunLog r = run(load_run_config(dir + "/config.json"));
    ASSERT_EQ(r.status(), "finished") << (r.error() ? r.error()->message : "");
    const auto ends = r.batch_ends();
    ASSERT_EQ(ends.size(), expected["losses"].size());
    for (std::size_t i = 0; i < ends.size(); ++i) {
        if (expected["losses"][i].is_null())
            EXPECT_FALSE(ends[i].loss) << i;
        else
            EXPECT_EQ(ends[i].loss.value_or(-1), expected["losses"][i].get<double>()) << i;
    }
    std::vector<double> want = flatten(expected["params"]["lin.weight"]);
    for (double b : flatten(expected["params"]["lin.bias"])) want.push_back(b);
    EXPECT_EQ(flat(*r.run_end().parameters), want);
}

INSTANTIATE_TEST_SUITE_P(Optimizers, TorchLoop,
                         ::testing::Values("adam_zero_fill_none", "adam_set_to_none_none",
                                           "adam_amsgrad_weight_decay", "adamw",
                                           "sgd_momentum_zero_fill_none", "sgd_nesterov",
                                           "rmsprop_centered_momentum", "adagrad",
                                           "lbfgs_strong_wolfe", "clip_norm_accumulate3",
                                           "clip_value", "accumulate3_none_momentum"));

}  // namespace
}  // namespace stepwise::test
