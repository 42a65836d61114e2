#include "stepwise/run_config.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

#include "run_config_tables.h"
#include "stepwise/numbers.h"

namespace stepwise {

/// The config as it is written: keys sorted, as nlohmann::json keeps them.
using Written = nlohmann::json;
namespace fs = std::filesystem;

namespace config_tables {

const std::map<std::string, std::vector<std::string>>& optimizers() {
    static const std::map<std::string, std::vector<std::string>> table = {
        {"sgd", {"lr", "momentum", "dampening", "weight_decay", "nesterov"}},
        {"adam", {"lr", "betas", "eps", "weight_decay", "amsgrad"}},
        {"adamw", {"lr", "betas", "eps", "weight_decay", "amsgrad"}},
        {"rmsprop", {"lr", "alpha", "eps", "weight_decay", "momentum", "centered"}},
        {"adagrad", {"lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"}},
        {"lbfgs",
         {"lr", "max_iter", "max_eval", "tolerance_grad", "tolerance_change", "history_size",
          "line_search_fn"}},
    };
    return table;
}

const std::map<std::string, std::vector<SchedulerArg>>& schedulers() {
    static const std::map<std::string, std::vector<SchedulerArg>> table = {
        {"StepLR", {{"step_size", ArgKind::integer, true}, {"gamma", ArgKind::number, false}}},
        {"MultiStepLR",
         {{"milestones", ArgKind::integer_list, true}, {"gamma", ArgKind::number, false}}},
        {"ExponentialLR", {{"gamma", ArgKind::number, true}}},
        {"CosineAnnealingLR",
         {{"T_max", ArgKind::integer, true}, {"eta_min", ArgKind::number, false}}},
        {"LinearLR",
         {{"start_factor", ArgKind::number, false},
          {"end_factor", ArgKind::number, false},
          {"total_iters", ArgKind::integer, false}}},
        {"ConstantLR",
         {{"factor", ArgKind::number, false}, {"total_iters", ArgKind::integer, false}}},
        {"OneCycleLR",
         {{"max_lr", ArgKind::number, true},
          {"total_steps", ArgKind::integer, false},
          {"epochs", ArgKind::integer, false},
          {"steps_per_epoch", ArgKind::integer, false},
          {"pct_start", ArgKind::number, false},
          {"anneal_strategy", ArgKind::string, false},
          {"cycle_momentum", ArgKind::boolean, false},
          {"base_momentum", ArgKind::number, false},
          {"max_momentum", ArgKind::number, false},
          {"div_factor", ArgKind::number, false},
          {"final_div_factor", ArgKind::number, false},
          {"three_phase", ArgKind::boolean, false}}},
    };
    return table;
}

}  // namespace config_tables

namespace {
using config_tables::ArgKind;

Written optimizer_json(const OptimizerSpec& opt) {
    Written j;
    j["name"] = opt.name;
    for (const auto& [key, value] : opt.options) {
        std::visit([&, k = key](const auto& v) { j[k] = v; }, value);
    }
    return j;
}

}  // namespace

RunConfig parse_run_config(const std::string& json_text, const std::string& base_dir,
                           const std::string& origin) {
    json::Json j;
    try {
        j = json::Json::parse(json_text);
    } catch (const json::Json::exception& e) {  // a syntax error, or a number too large (1e309)
        throw ConfigError(origin + ": not valid JSON: " + e.what());
    }
    // A config is written by hand: its errors name the file and the key path, and 8.0 is an
    // integer too.
    const json::Style style{origin + ": ", false, true, false,
                            [](const std::string& message) { throw ConfigError(message); }};
    RunConfig config;
    config.base_dir = base_dir;
    config_tables::read_run_config(json::Field(j, style), config);
    return config;
}

RunConfig load_run_config(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError(path + ": cannot open the config file");
    std::stringstream text;
    text << in.rdbuf();
    const fs::path absolute = fs::absolute(fs::path(path));
    return parse_run_config(text.str(), absolute.parent_path().string(), path);
}

std::string resolve_path(const RunConfig& config, const std::string& path) {
    fs::path p(path);
    if (p.is_relative() && !config.base_dir.empty()) p = fs::path(config.base_dir) / p;
    return p.lexically_normal().string();
}

std::string to_json(const RunConfig& c, int indent) {
    Written j;
    switch (c.model.kind) {
        case ModelSpec::Kind::torchscript:
            j["model"] = {{"torchscript", resolve_path(c, c.model.path)}};
            break;
        case ModelSpec::Kind::source:
            j["model"] = {{"source", resolve_path(c, c.model.path)}};
            break;
        case ModelSpec::Kind::lesson: j["model"] = {{"lesson", c.model.lesson}}; break;
        case ModelSpec::Kind::script:
            j["model"] = {{"script", resolve_path(c, c.model.path)}, {"args", c.model.args}};
            break;
    }
    if (c.data.kind == DataSpec::Kind::file) {
        j["data"] = {{"file", resolve_path(c, c.data.path)}};
    } else {
        j["data"] = {{"synthetic", c.data.synthetic},
                     {"samples", c.data.samples},
                     {"features", c.data.features},
                     {"noise", c.data.noise}};
        if (!c.data.dtype.empty()) j["data"]["dtype"] = c.data.dtype;
    }
    j["batch_size"] = c.batch_size;
    j["shuffle"] = c.shuffle;
    j["drop_last"] = c.drop_last;
    j["seed"] = c.seed;
    j["optimizer"] = optimizer_json(c.optimizer);
    if (c.lr_scheduler) {
        Written s;
        s["name"] = c.lr_scheduler->name;
        // Each argument as its kind says (the parser made integer ones whole numbers): integers
        // go back as integers, since torch checks isinstance(total_steps, int).
        for (const auto& a : config_tables::schedulers().at(c.lr_scheduler->name)) {
            const auto it = c.lr_scheduler->options.find(a.name);
            if (it == c.lr_scheduler->options.end()) continue;
            if (a.kind == ArgKind::integer) {
                s[a.name] = static_cast<std::int64_t>(std::get<double>(it->second));
            } else if (a.kind == ArgKind::integer_list) {
                Written ints = Written::array();
                for (double d : std::get<std::vector<double>>(it->second))
                    ints.push_back(static_cast<std::int64_t>(d));
                s[a.name] = ints;
            } else {
                std::visit([&, k = a.name](const auto& v) { s[k] = v; }, it->second);
            }
        }
        s["interval"] = c.lr_scheduler->interval;
        s["frequency"] = c.lr_scheduler->frequency;
        j["lr_scheduler"] = s;
    }
    Written t;
    t["max_epochs"] = c.trainer.max_epochs ? Written(*c.trainer.max_epochs) : Written(nullptr);
    t["max_steps"] = c.trainer.max_steps;
    if (!c.trainer.limit_train_batches)
        t["limit_train_batches"] = nullptr;
    else
        std::visit([&](auto v) { t["limit_train_batches"] = v; }, *c.trainer.limit_train_batches);
    t["accumulate_grad_batches"] = c.trainer.accumulate_grad_batches;
    t["gradient_clip_val"] =
        c.trainer.gradient_clip_val ? Written(*c.trainer.gradient_clip_val) : Written(nullptr);
    t["gradient_clip_algorithm"] = c.trainer.gradient_clip_algorithm
                                       ? Written(*c.trainer.gradient_clip_algorithm)
                                       : Written(nullptr);
    j["trainer"] = t;
    j["zero_grad_set_to_none"] = c.zero_grad_set_to_none;
    if (c.departures.any()) {  // written only when one is on: a Lightning run's config says nothing
        Written d;
        for (const std::string& name : departure_names()) d[name] = departure(c.departures, name);
        j["departures"] = d;
    }
    if (!c.breakpoints.empty()) {
        Written list = Written::array();
        for (const BreakpointSpec& b : c.breakpoints)
            list.push_back(b.enabled ? Written(b.when)
                                     : Written{{"when", b.when}, {"enabled", false}});
        j["breakpoints"] = list;
    }
    j["rewind"] = Written{{"budget_mb", c.rewind_budget_mb}};
    return j.dump(indent);
}

std::vector<std::string> config_changes(const RunConfig& from, const RunConfig& to) {
    // Departures are written only when one is on: off is what an absent one means.
    auto flat = [](const RunConfig& c) {
        Written j = Written::parse(to_json(c));
        for (const std::string& name : departure_names())
            j["departures"][name] = departure(c.departures, name);
        return j.flatten();
    };
    const Written a = flat(from), b = flat(to);
    std::vector<std::string> out;
    auto add = [&](const std::string& pointer, const std::string& was, const std::string& now) {
        std::string key = pointer.substr(1);
        std::replace(key.begin(), key.end(), '/', '.');
        out.push_back(key + ": " + was + " → " + now);
    };
    for (const auto& item : b.items()) {
        const auto it = a.find(item.key());
        if (it == a.end())
            add(item.key(), "(none)", item.value().dump());
        else if (*it != item.value())
            add(item.key(), it->dump(), item.value().dump());
    }
    for (const auto& item : a.items())
        if (!b.contains(item.key())) add(item.key(), item.value().dump(), "(none)");
    return out;
}

namespace {
/// Each departure's JSON key and its member, in the order they are shown.
const std::pair<const char*, bool Departures::*> kDepartures[] = {
    {"skip_zero_grad", &Departures::skip_zero_grad},
    {"undivided_loss", &Departures::undivided_loss},
    {"step_every_batch", &Departures::step_every_batch},
    {"backprop_extras", &Departures::backprop_extras},
};

bool Departures::*departure_member(const std::string& name) {
    for (const auto& [key, member] : kDepartures)
        if (name == key) return member;
    throw std::invalid_argument("no departure named " + name);
}
}  // namespace

const std::vector<std::string>& departure_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& departure : kDepartures) out.emplace_back(departure.first);
        return out;
    }();
    return names;
}

bool departure(const Departures& d, const std::string& name) {
    return d.*departure_member(name);
}
void set_departure(Departures& d, const std::string& name, bool on) {
    d.*departure_member(name) = on;
}

const char* const kMaxEpochsNotSetWarning =
    "`max_epochs` was not set. Setting it to 1000 epochs. To train without an epoch limit, set "
    "`max_epochs=-1`.";

std::int64_t resolved_max_epochs(const TrainerSpec& trainer) {
    if (trainer.max_epochs) return *trainer.max_epochs;
    return trainer.max_steps == -1 ? 1000 : -1;
}

std::int64_t limited_batches(std::int64_t length,
                             const std::optional<std::variant<std::int64_t, double>>& limit) {
    if (length == 0 || !limit) return length;
    if (const auto* n = std::get_if<std::int64_t>(&*limit)) return std::min(length, *n);
    const double fraction = std::get<double>(*limit);
    const auto batches = static_cast<std::int64_t>(static_cast<double>(length) * fraction);
    if (batches == 0 && fraction > 0.0) {
        const std::string shown = python_float_repr(fraction);
        throw ConfigError(
            "You requested to check " + shown + " of the `train_dataloader` but " + shown + " * " +
                std::to_string(length) +
                " < 1. Please increase the `limit_train_batches` argument. Try at least "
                "`limit_train_batches=" +
                python_float_repr(1.0 / static_cast<double>(length)) + "`",
            "MisconfigurationException");
    }
    return batches;
}

const std::vector<std::string>& lr_scheduler_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& [name, args] : config_tables::schedulers()) out.push_back(name);
        return out;
    }();
    return names;
}

const std::vector<std::string>& lr_scheduler_option_names(const std::string& scheduler) {
    static const std::map<std::string, std::vector<std::string>> names = [] {
        std::map<std::string, std::vector<std::string>> out;
        for (const auto& [name, args] : config_tables::schedulers())
            for (const auto& a : args) out[name].push_back(a.name);
        return out;
    }();
    static const std::vector<std::string> none;
    const auto it = names.find(scheduler);
    return it == names.end() ? none : it->second;
}

const std::vector<std::string>& optimizer_names() {
    static const std::vector<std::string> names = {"sgd",     "adam",    "adamw",
                                                   "rmsprop", "adagrad", "lbfgs"};
    return names;
}

const std::vector<std::string>& optimizer_option_names(const std::string& optimizer) {
    static const std::vector<std::string> none;
    const auto it = config_tables::optimizers().find(optimizer);
    return it == config_tables::optimizers().end() ? none : it->second;
}

}  // namespace stepwise
