// What-ifs (stepwise/what_if.h): the fork menu's table and what each entry changes in a RunConfig.

#include <gtest/gtest.h>

#include "stepwise/run_config.h"
#include "stepwise/what_if.h"

namespace stepwise {
namespace {

RunConfig sgd(double lr) {
    RunConfig c;
    c.optimizer.name = "sgd";
    c.optimizer.options = {{"lr", lr}};
    return c;
}

TEST(WhatIf, TheOptionsComeFirstThenEveryDepartureInItsOwnOrder) {
    std::vector<std::string> departures;
    bool seenDeparture = false;
    for (const WhatIf& w : what_ifs()) {
        EXPECT_FALSE(w.title.empty()) << w.id;
        EXPECT_EQ(find_what_if(w.id), &w);
        if (w.departure) departures.push_back(w.id);
        EXPECT_TRUE(w.departure || !seenDeparture) << w.id << " after a departure";
        seenDeparture = seenDeparture || w.departure;
    }
    EXPECT_EQ(departures, departure_names());
    EXPECT_EQ(find_what_if("panel"), nullptr);  // the window's own entry
}

TEST(WhatIf, TheLearningRateGoesUpOrDownTenfoldWhereItIsAPositiveNumber) {
    RunConfig c = sgd(0.1);
    ASSERT_TRUE(apply_what_if("lr_up", c));
    EXPECT_DOUBLE_EQ(std::get<double>(c.optimizer.options["lr"]), 1.0);
    ASSERT_TRUE(apply_what_if("lr_down", c));
    ASSERT_TRUE(apply_what_if("lr_down", c));
    EXPECT_DOUBLE_EQ(std::get<double>(c.optimizer.options["lr"]), 0.01);
    RunConfig none = sgd(0.1);
    none.optimizer.options.clear();
    EXPECT_FALSE(apply_what_if("lr_up", none));
}

TEST(WhatIf, MomentumOnlyForOptimizersThatHaveIt) {
    RunConfig c = sgd(0.1);
    ASSERT_TRUE(apply_what_if("momentum", c));
    EXPECT_DOUBLE_EQ(std::get<double>(c.optimizer.options["momentum"]), 0.9);
    ASSERT_TRUE(apply_what_if("momentum", c));
    EXPECT_DOUBLE_EQ(std::get<double>(c.optimizer.options["momentum"]), 0.0);
    c.optimizer.name = "adam";
    EXPECT_FALSE(apply_what_if("momentum", c));
}

TEST(WhatIf, ClippingAccumulationAndZeroGradToggle) {
    RunConfig c = sgd(0.1);
    ASSERT_TRUE(apply_what_if("clip", c));
    EXPECT_EQ(c.trainer.gradient_clip_val, 1.0);
    EXPECT_EQ(c.trainer.gradient_clip_algorithm, "norm");
    ASSERT_TRUE(apply_what_if("clip", c));
    EXPECT_FALSE(c.trainer.gradient_clip_val);
    EXPECT_FALSE(c.trainer.gradient_clip_algorithm);
    c.trainer.accumulate_grad_batches = 3;
    ASSERT_TRUE(apply_what_if("accumulate", c));
    EXPECT_EQ(c.trainer.accumulate_grad_batches, 6);
    const bool mode = c.zero_grad_set_to_none;
    ASSERT_TRUE(apply_what_if("zero_grad", c));
    EXPECT_EQ(c.zero_grad_set_to_none, !mode);
}

TEST(WhatIf, TheOtherOptimizerStartsFromItsOwnLearningRateAndNotUnderAScheduler) {
    RunConfig c = sgd(0.5);
    c.optimizer.options["momentum"] = 0.9;
    ASSERT_TRUE(apply_what_if("optimizer", c));
    EXPECT_EQ(c.optimizer.name, "adam");
    EXPECT_EQ(c.optimizer.options.size(), 1u);
    EXPECT_DOUBLE_EQ(std::get<double>(c.optimizer.options["lr"]), 0.01);
    ASSERT_TRUE(apply_what_if("optimizer", c));
    EXPECT_EQ(c.optimizer.name, "sgd");
    EXPECT_DOUBLE_EQ(std::get<double>(c.optimizer.options["lr"]), 0.1);
    c.lr_scheduler = LRSchedulerSpec{};
    EXPECT_FALSE(apply_what_if("optimizer", c));
}

TEST(WhatIf, ADepartureTurnsOnOnceAndAnUnknownIdChangesNothing) {
    RunConfig c = sgd(0.1);
    for (const std::string& name : departure_names()) {
        ASSERT_TRUE(apply_what_if(name, c)) << name;
        EXPECT_TRUE(departure(c.departures, name));
        EXPECT_FALSE(apply_what_if(name, c)) << name << " twice";
    }
    RunConfig d = sgd(0.1);
    EXPECT_FALSE(apply_what_if("panel", d));
    EXPECT_FALSE(apply_what_if("no_such_thing", d));
    EXPECT_TRUE(config_changes(sgd(0.1), d).empty());
}

TEST(WhatIf, EachOptionChangesExactlyOneKeyOfTheConfig) {
    for (const WhatIf& w : what_ifs()) {
        if (w.departure || w.id == "optimizer") continue;
        RunConfig before = sgd(0.1);
        RunConfig after = before;
        ASSERT_TRUE(apply_what_if(w.id, after)) << w.id;
        EXPECT_EQ(config_changes(before, after).size(), w.id == "clip" ? 2u : 1u) << w.id;
    }
}

}  // namespace
}  // namespace stepwise
