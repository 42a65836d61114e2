#include "lr_scheduler.h"

#include <cmath>

#include "errors.h"

namespace stepwise {

namespace {

enum Key { initial_lr, max_lr, min_lr, max_momentum, base_momentum };

}  // namespace

LRScheduler::LRScheduler(const LRSchedulerSpec& spec, torch::optim::Optimizer& optimizer)
    : spec_(spec), optimizer_(optimizer) {
    auto& groups = optimizer_.param_groups();
    if (spec_.name == "OneCycleLR") {
        const auto steps = spec_.options.find("total_steps");
        total_steps_ = steps != spec_.options.end()
                           ? static_cast<std::int64_t>(std::get<double>(steps->second))
                           : static_cast<std::int64_t>(number("epochs", 0)) *
                                 static_cast<std::int64_t>(number("steps_per_epoch", 0));
        const double pct_start = number("pct_start", 0.3);
        const auto three = spec_.options.find("three_phase");
        if (three != spec_.options.end() && std::get<bool>(three->second)) {
            phases_ = {{static_cast<double>(pct_start * static_cast<double>(total_steps_)) - 1,
                        initial_lr, max_lr, max_momentum, base_momentum},
                       {static_cast<double>(2 * pct_start * static_cast<double>(total_steps_)) - 2,
                        max_lr, initial_lr, base_momentum, max_momentum},
                       {static_cast<double>(total_steps_ - 1), initial_lr, min_lr, max_momentum,
                        max_momentum}};
        } else {
            phases_ = {{static_cast<double>(pct_start * static_cast<double>(total_steps_)) - 1,
                        initial_lr, max_lr, max_momentum, base_momentum},
                       {static_cast<double>(total_steps_ - 1), max_lr, min_lr, base_momentum,
                        max_momentum}};
        }
        const auto strategy = spec_.options.find("anneal_strategy");
        linear_anneal_ =
            strategy != spec_.options.end() && std::get<std::string>(strategy->second) == "linear";
        const auto cycle = spec_.options.find("cycle_momentum");
        cycle_momentum_ = cycle == spec_.options.end() || std::get<bool>(cycle->second);
        for (std::size_t g = 0; g < groups.size(); ++g) {
            GroupValues v{};
            v.values[max_lr] = number("max_lr", 0);
            v.values[initial_lr] = v.values[max_lr] / number("div_factor", 25.0);
            v.values[min_lr] = v.values[initial_lr] / number("final_div_factor", 1e4);
            v.values[max_momentum] = number("max_momentum", 0.95);
            v.values[base_momentum] = number("base_momentum", 0.85);
            if (cycle_momentum_) set_momentum(g, v.values[max_momentum]);
            one_cycle_.push_back(v);
            base_lrs_.push_back(v.values[initial_lr]);  // group['initial_lr'], kept by setdefault
        }
    } else {
        for (auto& group : groups) base_lrs_.push_back(group.options().get_lr());
    }
    step();  // _initial_step()
}

double LRScheduler::number(const char* key, double fallback) const {
    const auto it = spec_.options.find(key);
    if (it == spec_.options.end()) return fallback;
    if (const double* d = std::get_if<double>(&it->second)) return *d;
    return fallback;
}

double LRScheduler::lr() const {
    return optimizer_.param_groups().front().options().get_lr();
}

std::optional<double> LRScheduler::momentum() const {
    auto& options = optimizer_.param_groups().front().options();
    if (auto* o = dynamic_cast<torch::optim::SGDOptions*>(&options)) return o->momentum();
    if (auto* o = dynamic_cast<torch::optim::RMSpropOptions*>(&options)) return o->momentum();
    if (auto* o = dynamic_cast<torch::optim::AdamOptions*>(&options))
        return std::get<0>(o->betas());
    if (auto* o = dynamic_cast<torch::optim::AdamWOptions*>(&options))
        return std::get<0>(o->betas());
    return std::nullopt;
}

void LRScheduler::set_momentum(std::size_t group, double value) {
    auto& options = optimizer_.param_groups()[group].options();
    if (auto* o = dynamic_cast<torch::optim::SGDOptions*>(&options))
        o->momentum(value);
    else if (auto* o = dynamic_cast<torch::optim::RMSpropOptions*>(&options))
        o->momentum(value);
    else if (auto* o = dynamic_cast<torch::optim::AdamOptions*>(&options))
        o->betas(std::make_tuple(value, std::get<1>(o->betas())));
    else if (auto* o = dynamic_cast<torch::optim::AdamWOptions*>(&options))
        o->betas(std::make_tuple(value, std::get<1>(o->betas())));
}

void LRScheduler::step() {
    ++last_epoch_;
    const std::vector<double> lrs = get_lr();
    auto& groups = optimizer_.param_groups();
    for (std::size_t g = 0; g < groups.size(); ++g) groups[g].options().set_lr(lrs[g]);
}

std::vector<double> LRScheduler::get_lr() {
    auto& groups = optimizer_.param_groups();
    std::vector<double> out;
    out.reserve(groups.size());
    const std::int64_t e = last_epoch_;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        const double lr = groups[g].options().get_lr();
        const double base = base_lrs_[g];
        const std::string& name = spec_.name;
        double next = lr;
        if (name == "StepLR") {
            const auto step_size = static_cast<std::int64_t>(number("step_size", 1));
            if (!(e == 0 || e % step_size != 0)) next = lr * number("gamma", 0.1);
        } else if (name == "MultiStepLR") {
            const auto& milestones = std::get<std::vector<double>>(spec_.options.at("milestones"));
            int count = 0;  // collections.Counter(milestones)[last_epoch]
            for (double m : milestones)
                if (static_cast<std::int64_t>(m) == e) ++count;
            if (count > 0) next = lr * std::pow(number("gamma", 0.1), static_cast<double>(count));
        } else if (name == "ExponentialLR") {
            if (e != 0) next = lr * number("gamma", 0);
        } else if (name == "CosineAnnealingLR") {
            const auto t_max = static_cast<std::int64_t>(number("T_max", 1));
            const double eta_min = number("eta_min", 0);
            if (e == 0) {
                next = lr;
            } else if ((e - 1 - t_max) % (2 * t_max) == 0) {
                next =
                    lr + (base - eta_min) * (1 - std::cos(M_PI / static_cast<double>(t_max))) / 2;
            } else {
                next = (1 + std::cos(M_PI * static_cast<double>(e) / static_cast<double>(t_max))) /
                           (1 + std::cos(M_PI * static_cast<double>(e - 1) /
                                         static_cast<double>(t_max))) *
                           (lr - eta_min) +
                       eta_min;
            }
        } else if (name == "LinearLR") {
            const double start = number("start_factor", 1.0 / 3);
            const double end = number("end_factor", 1.0);
            const auto total = static_cast<std::int64_t>(number("total_iters", 5));
            if (e == 0)
                next = lr * start;
            else if (e > total)
                next = lr;
            else
                next = lr * (1. + (end - start) / (static_cast<double>(total) * start +
                                                   static_cast<double>(e - 1) * (end - start)));
        } else if (name == "ConstantLR") {
            const double factor = number("factor", 1.0 / 3);
            const auto total = static_cast<std::int64_t>(number("total_iters", 5));
            if (e == 0)
                next = lr * factor;
            else if (e > total || e != total)
                next = lr;
            else
                next = lr * (1.0 / factor);
        } else if (name == "OneCycleLR") {
            if (e > total_steps_)
                throw LightningError("ValueError",
                                     "Tried to step " + std::to_string(e + 1) +
                                         " times. The specified number of total steps is " +
                                         std::to_string(total_steps_));
            const GroupValues& v = one_cycle_[g];
            auto anneal = [&](double from, double to, double pct) {
                if (linear_anneal_) return (to - from) * pct + from;
                const double cos_out = std::cos(M_PI * pct) + 1;
                return to + (from - to) / 2.0 * cos_out;
            };
            double start_step = 0;
            for (std::size_t i = 0; i < phases_.size(); ++i) {
                const Phase& phase = phases_[i];
                if (static_cast<double>(e) <= phase.end_step || i + 1 == phases_.size()) {
                    const double pct =
                        (static_cast<double>(e) - start_step) / (phase.end_step - start_step);
                    next = anneal(v.values[phase.start_lr], v.values[phase.end_lr], pct);
                    if (cycle_momentum_)
                        set_momentum(g, anneal(v.values[phase.start_momentum],
                                               v.values[phase.end_momentum], pct));
                    break;
                }
                start_step = phase.end_step;
            }
        }
        out.push_back(next);
    }
    return out;
}

}  // namespace stepwise
