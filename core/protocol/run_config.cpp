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

namespace stepwise {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Lightning's Trainer(...) messages (spec G-1), byte for byte.
std::string clip_val_type_message(const std::string& shown) {
    return "`gradient_clip_val` should be an int or a float. Got " + shown + ".";
}
std::string clip_algorithm_message(const std::string& given) {
    return "`gradient_clip_algorithm` " + given +
           " is invalid. Allowed algorithms: ['value', 'norm'].";
}

// How Python would print a JSON value inside an f-string (str()), for Lightning's messages.
std::string python_str(const json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_boolean()) return value.get<bool>() ? "True" : "False";
    if (value.is_null()) return "None";
    if (value.is_array() || value.is_object()) {
        std::string text = value.dump();
        for (auto& c : text)
            if (c == '"') c = '\'';
        return text;
    }
    return value.dump();
}

class Reader {
  public:
    explicit Reader(std::string origin) : origin_(std::move(origin)) {}

    [[noreturn]] void fail(const std::string& path, const std::string& what) const {
        throw ConfigError(origin_ + ": " + path + ": " + what);
    }

    void only_keys(const json& object, const std::string& path,
                   const std::set<std::string>& allowed) const {
        if (!object.is_object()) fail(path.empty() ? "(top level)" : path, "expected an object");
        for (const auto& item : object.items()) {
            if (!allowed.count(item.key())) {
                std::string list;
                for (const auto& k : allowed) list += (list.empty() ? "" : ", ") + k;
                fail(join(path, item.key()), "unknown key (allowed here: " + list + ")");
            }
        }
    }

    static std::string join(const std::string& path, const std::string& key) {
        return path.empty() ? key : path + "." + key;
    }

    std::int64_t integer(const json& v, const std::string& path) const {
        if (v.is_number_integer()) return v.get<std::int64_t>();
        if (v.is_number_float()) {
            const double d = v.get<double>();
            if (std::floor(d) == d && std::abs(d) < 9e15) return static_cast<std::int64_t>(d);
        }
        fail(path, "expected an integer, got " + v.dump());
    }
    double number(const json& v, const std::string& path) const {
        if (v.is_number()) return v.get<double>();
        fail(path, "expected a number, got " + v.dump());
    }
    bool boolean(const json& v, const std::string& path) const {
        if (v.is_boolean()) return v.get<bool>();
        fail(path, "expected true or false, got " + v.dump());
    }
    std::string string(const json& v, const std::string& path) const {
        if (v.is_string()) return v.get<std::string>();
        fail(path, "expected a string, got " + v.dump());
    }

  private:
    std::string origin_;
};

const std::map<std::string, std::vector<std::string>>& optimizer_table() {
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

void parse_model(const Reader& r, const json& j, ModelSpec& model) {
    r.only_keys(j, "model", {"torchscript", "source", "lesson"});
    if (j.size() != 1) r.fail("model", "give exactly one of torchscript, source or lesson");
    if (j.contains("torchscript")) {
        model.kind = ModelSpec::Kind::torchscript;
        model.path = r.string(j["torchscript"], "model.torchscript");
    } else if (j.contains("source")) {
        model.kind = ModelSpec::Kind::source;
        model.path = r.string(j["source"], "model.source");
    } else {
        model.kind = ModelSpec::Kind::lesson;
        model.lesson = r.string(j["lesson"], "model.lesson");
    }
}

void parse_data(const Reader& r, const json& j, DataSpec& data) {
    r.only_keys(j, "data", {"file", "synthetic", "samples", "features", "noise", "dtype"});
    if (j.contains("file") == j.contains("synthetic"))
        r.fail("data", "give exactly one of file or synthetic");
    if (j.contains("file")) {
        if (j.size() != 1) r.fail("data", "a data file takes no other keys");
        data.kind = DataSpec::Kind::file;
        data.path = r.string(j["file"], "data.file");
        return;
    }
    data.kind = DataSpec::Kind::synthetic;
    data.synthetic = r.string(j["synthetic"], "data.synthetic");
    if (data.synthetic != "linear" && data.synthetic != "spiral" && data.synthetic != "moons")
        r.fail("data.synthetic",
               "expected \"linear\", \"spiral\" or \"moons\", got \"" + data.synthetic + "\"");
    if (j.contains("samples")) data.samples = r.integer(j["samples"], "data.samples");
    if (j.contains("features")) data.features = r.integer(j["features"], "data.features");
    if (j.contains("noise")) data.noise = r.number(j["noise"], "data.noise");
    if (j.contains("dtype")) data.dtype = r.string(j["dtype"], "data.dtype");
    if (data.samples < 1) r.fail("data.samples", "must be at least 1");
    if (data.features < 1) r.fail("data.features", "must be at least 1");
    if (data.noise < 0) r.fail("data.noise", "must not be negative");
    if (!data.dtype.empty() && data.dtype != "float32" && data.dtype != "float64")
        r.fail("data.dtype", "expected \"float32\" or \"float64\"");
}

void parse_optimizer(const Reader& r, const json& j, OptimizerSpec& opt) {
    if (!j.is_object()) r.fail("optimizer", "expected an object");
    if (!j.contains("name"))
        r.fail("optimizer.name", "missing (one of sgd, adam, adamw, rmsprop, adagrad, lbfgs)");
    opt.name = r.string(j["name"], "optimizer.name");
    for (auto& c : opt.name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto it = optimizer_table().find(opt.name);
    if (it == optimizer_table().end())
        r.fail("optimizer.name", "unknown optimizer \"" + opt.name +
                                     "\" (one of sgd, adam, adamw, rmsprop, adagrad, lbfgs)");
    std::set<std::string> allowed(it->second.begin(), it->second.end());
    allowed.insert("name");
    r.only_keys(j, "optimizer", allowed);
    for (const auto& item : j.items()) {
        const std::string& key = item.key();
        const std::string path = "optimizer." + key;
        const json& v = item.value();
        if (key == "name") continue;
        if (key == "betas") {
            if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_number())
                r.fail(path, "expected [beta1, beta2], got " + v.dump());
            opt.options[key] = std::vector<double>{v[0].get<double>(), v[1].get<double>()};
        } else if (key == "nesterov" || key == "amsgrad" || key == "centered") {
            opt.options[key] = r.boolean(v, path);
        } else if (key == "line_search_fn") {
            if (v.is_null()) continue;
            const std::string fn = r.string(v, path);
            if (fn != "strong_wolfe")
                r.fail(path, "only 'strong_wolfe' is supported (or null), got \"" + fn + "\"");
            opt.options[key] = fn;
        } else if (key == "max_eval" && v.is_null()) {
            continue;
        } else if (key == "max_iter" || key == "max_eval" || key == "history_size") {
            const auto n = r.integer(v, path);
            if (n < 1) r.fail(path, "must be at least 1");
            opt.options[key] = static_cast<double>(n);
        } else {
            const double d = r.number(v, path);
            if (d < 0) r.fail(path, "must not be negative, got " + v.dump());
            opt.options[key] = d;
        }
    }
    if (opt.name == "sgd" && !opt.options.count("lr"))
        r.fail("optimizer.lr", "SGD has no default learning rate: set lr");
}

void parse_trainer(const Reader& r, const json& j, TrainerSpec& t) {
    r.only_keys(j, "trainer",
                {"max_epochs", "max_steps", "limit_train_batches", "accumulate_grad_batches",
                 "gradient_clip_val", "gradient_clip_algorithm"});
    if (j.contains("max_epochs") && !j["max_epochs"].is_null())
        t.max_epochs = r.integer(j["max_epochs"], "trainer.max_epochs");
    if (j.contains("max_steps") && !j["max_steps"].is_null())
        t.max_steps = r.integer(j["max_steps"], "trainer.max_steps");
    // Lightning's own checks (_FitLoop, _TrainingEpochLoop) with their texts.
    if (t.max_epochs && *t.max_epochs < -1)
        throw ConfigError("`max_epochs` must be a non-negative integer or -1. You passed in " +
                              std::to_string(*t.max_epochs) + ".",
                          "MisconfigurationException");
    if (t.max_steps < -1)
        throw ConfigError(
            "`max_steps` must be a non-negative integer or -1 (infinite steps). You passed in " +
                std::to_string(t.max_steps) + ".",
            "MisconfigurationException");
    if (j.contains("limit_train_batches") && !j["limit_train_batches"].is_null()) {
        // Lightning's _determine_batch_limits: [0.0, 1.0] as given, a whole number above 1 as an
        // int, anything else refused with its message.
        const json& v = j["limit_train_batches"];
        if (!v.is_number() || v.is_boolean())
            r.fail("trainer.limit_train_batches",
                   "expected an integer, a fraction or null, got " + v.dump());
        const std::string shown =
            v.is_number_float() ? python_float_repr(v.get<double>()) : v.dump();
        const double d = v.get<double>();
        if (v.is_number_integer() && d >= 0) {
            t.limit_train_batches = v.get<std::int64_t>();
        } else if (v.is_number_float() && d >= 0.0 && d <= 1.0) {
            t.limit_train_batches = d;
        } else if (d > 1 && std::fmod(d, 1.0) == 0.0 && d < 9e15) {
            t.limit_train_batches = static_cast<std::int64_t>(d);
        } else {
            throw ConfigError("You have passed invalid value " + shown +
                                  " for limit_train_batches, it has to be in [0.0, 1.0] or an int.",
                              "MisconfigurationException");
        }
    }
    if (j.contains("accumulate_grad_batches"))
        t.accumulate_grad_batches =
            r.integer(j["accumulate_grad_batches"], "trainer.accumulate_grad_batches");
    if (t.accumulate_grad_batches < 1)
        r.fail("trainer.accumulate_grad_batches", "must be an integer of at least 1");
    // Lightning's own checks at Trainer(...) time, with its messages and exception types.
    if (j.contains("gradient_clip_val") && !j["gradient_clip_val"].is_null()) {
        const json& v = j["gradient_clip_val"];
        if (v.is_boolean())
            t.gradient_clip_val = v.get<bool>() ? 1.0 : 0.0;  // Python: bool is an int
        else if (v.is_number())
            t.gradient_clip_val = v.get<double>();
        else
            throw ConfigError(clip_val_type_message(python_str(v)), "TypeError");
    }
    if (j.contains("gradient_clip_algorithm") && !j["gradient_clip_algorithm"].is_null()) {
        const json& v = j["gradient_clip_algorithm"];
        if (!v.is_string())
            throw ConfigError(clip_algorithm_message(python_str(v)), "MisconfigurationException");
        std::string lower = v.get<std::string>();
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower != "value" && lower != "norm")
            throw ConfigError(clip_algorithm_message(v.get<std::string>()),
                              "MisconfigurationException");
        t.gradient_clip_algorithm = lower;
    }
}

// torch 1.13's lr_scheduler constructors: each keyword argument, what it holds, and whether it
// has a default (a required one missing is Python's TypeError).
enum class ArgKind { integer, number, boolean, string, integer_list };
struct SchedulerArg {
    const char* name;
    ArgKind kind;
    bool required;
};
const std::map<std::string, std::vector<SchedulerArg>>& scheduler_table() {
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

double option_or(const LRSchedulerSpec& s, const std::string& key, double fallback) {
    const auto it = s.options.find(key);
    if (it == s.options.end()) return fallback;
    if (const double* d = std::get_if<double>(&it->second)) return *d;
    return fallback;
}

void parse_lr_scheduler(const Reader& r, const json& j, const OptimizerSpec& optimizer,
                        LRSchedulerSpec& spec) {
    std::string names;
    for (const auto& [name, args] : scheduler_table()) names += (names.empty() ? "" : ", ") + name;
    if (!j.is_object()) r.fail("lr_scheduler", "expected an object");
    if (!j.contains("name")) r.fail("lr_scheduler.name", "missing (one of " + names + ")");
    const std::string given = r.string(j["name"], "lr_scheduler.name");
    for (const auto& [name, args] : scheduler_table()) {
        std::string a = name, b = given;
        for (auto& c : a) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        for (auto& c : b) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (a == b) spec.name = name;
    }
    if (spec.name.empty())
        r.fail("lr_scheduler.name", "unknown scheduler \"" + given + "\" (one of " + names + ")");
    const auto& args = scheduler_table().at(spec.name);
    std::set<std::string> allowed = {"name", "interval", "frequency"};
    for (const auto& a : args) allowed.insert(a.name);
    r.only_keys(j, "lr_scheduler", allowed);
    if (j.contains("interval")) {
        const json& v = j["interval"];
        const std::string shown = v.is_string() ? v.get<std::string>() : python_str(v);
        if (shown != "step" && shown != "epoch")
            throw ConfigError(
                "The \"interval\" key in lr scheduler dict must be \"step\" or \"epoch\" but is "
                "\"" +
                    shown + "\"",
                "MisconfigurationException");
        spec.interval = shown;
    }
    if (j.contains("frequency")) {
        spec.frequency = r.integer(j["frequency"], "lr_scheduler.frequency");
        if (spec.frequency < 1)
            r.fail("lr_scheduler.frequency", "must be an integer of at least 1");
    }
    for (const auto& a : args) {
        const std::string path = std::string("lr_scheduler.") + a.name;
        if (!j.contains(a.name) || j[a.name].is_null()) {
            if (a.required)
                throw ConfigError(spec.name +
                                      ".__init__() missing 1 required positional argument: '" +
                                      a.name + "'",
                                  "TypeError");
            continue;
        }
        const json& v = j[a.name];
        switch (a.kind) {
            case ArgKind::integer: {
                const auto n = r.integer(v, path);
                if (n < 1) r.fail(path, "must be at least 1");
                spec.options[a.name] = static_cast<double>(n);
                break;
            }
            case ArgKind::number: {
                const double d = r.number(v, path);
                if (!std::isfinite(d)) r.fail(path, "must be a finite number");
                spec.options[a.name] = d;
                break;
            }
            case ArgKind::boolean: spec.options[a.name] = r.boolean(v, path); break;
            case ArgKind::string: spec.options[a.name] = r.string(v, path); break;
            case ArgKind::integer_list: {
                if (!v.is_array()) r.fail(path, "expected a list of integers, got " + v.dump());
                std::vector<double> list;
                for (std::size_t i = 0; i < v.size(); ++i)
                    list.push_back(
                        static_cast<double>(r.integer(v[i], path + "[" + std::to_string(i) + "]")));
                spec.options[a.name] = list;
                break;
            }
        }
    }
    // torch's own constructor checks, with its texts (ValueError).
    auto value_error = [](const std::string& message) {
        return ConfigError(message, "ValueError");
    };
    if (spec.name == "ConstantLR") {
        const double factor = option_or(spec, "factor", 1.0 / 3);
        if (factor > 1.0 || factor < 0)
            throw value_error("Constant multiplicative factor expected to be between 0 and 1.");
    }
    if (spec.name == "LinearLR") {
        const double start = option_or(spec, "start_factor", 1.0 / 3);
        const double end = option_or(spec, "end_factor", 1.0);
        if (start > 1.0 || start < 0)
            throw value_error("Starting multiplicative factor expected to be between 0 and 1.");
        if (end > 1.0 || end < 0)
            throw value_error("Ending multiplicative factor expected to be between 0 and 1.");
    }
    if (spec.name == "OneCycleLR") {
        const bool total = spec.options.count("total_steps") > 0;
        const bool epochs = spec.options.count("epochs") > 0;
        const bool per_epoch = spec.options.count("steps_per_epoch") > 0;
        if (!total && !epochs && !per_epoch)
            throw value_error("You must define either total_steps OR (epochs AND steps_per_epoch)");
        if (!total && !epochs)
            r.fail("lr_scheduler.epochs", "needed with steps_per_epoch (or give total_steps)");
        if (!total && !per_epoch)
            r.fail("lr_scheduler.steps_per_epoch", "needed with epochs (or give total_steps)");
        if (j.contains("pct_start")) {
            const json& v = j["pct_start"];
            if (!v.is_number_float() || v.get<double>() < 0 || v.get<double>() > 1)
                throw value_error(
                    "Expected float between 0 and 1 pct_start, but got " +
                    (v.is_number_float() ? python_float_repr(v.get<double>()) : python_str(v)));
        }
        const auto it = spec.options.find("anneal_strategy");
        if (it != spec.options.end()) {
            const std::string strategy = std::get<std::string>(it->second);
            if (strategy != "cos" && strategy != "linear")
                throw value_error("anneal_strategy must by one of 'cos' or 'linear', instead got " +
                                  strategy);
        }
        const auto cycle = spec.options.find("cycle_momentum");
        const bool cycles = cycle == spec.options.end() || std::get<bool>(cycle->second);
        const std::string& o = optimizer.name;
        if (cycles && o != "sgd" && o != "rmsprop" && o != "adam" && o != "adamw")
            throw value_error(
                "optimizer must support momentum with `cycle_momentum` option enabled");
    }
}

json optimizer_json(const OptimizerSpec& opt) {
    json j;
    j["name"] = opt.name;
    for (const auto& [key, value] : opt.options) {
        std::visit([&, k = key](const auto& v) { j[k] = v; }, value);
    }
    return j;
}

}  // namespace

namespace {
/// "breakpoints": ["nonfinite", {"when": "grad_norm > 10", "enabled": false}, ...]
void parse_breakpoints(const Reader& r, const json& j, std::vector<BreakpointSpec>& out) {
    if (!j.is_array()) r.fail("breakpoints", "expected a list of conditions, got " + j.dump());
    for (std::size_t i = 0; i < j.size(); ++i) {
        const std::string path = "breakpoints[" + std::to_string(i) + "]";
        BreakpointSpec spec;
        if (j[i].is_string()) {
            spec.when = j[i].get<std::string>();
        } else {
            r.only_keys(j[i], path, {"when", "enabled"});
            if (!j[i].contains("when") || !j[i]["when"].is_string())
                r.fail(path + ".when", "expected the condition as a string");
            spec.when = j[i]["when"].get<std::string>();
            if (j[i].contains("enabled"))
                spec.enabled = r.boolean(j[i]["enabled"], path + ".enabled");
        }
        try {
            (void)parse_condition(spec.when);
        } catch (const ConditionError& e) {
            r.fail(path, e.what());
        }
        out.push_back(std::move(spec));
    }
}
}  // namespace

RunConfig parse_run_config(const std::string& json_text, const std::string& base_dir,
                           const std::string& origin) {
    json j;
    try {
        j = json::parse(json_text);
    } catch (const json::exception& e) {  // a syntax error, or a number too large (1e309)
        throw ConfigError(origin + ": not valid JSON: " + e.what());
    }
    const Reader r(origin);
    r.only_keys(
        j, "",
        {"model", "data", "batch_size", "shuffle", "drop_last", "seed", "optimizer", "lr_scheduler",
         "trainer", "zero_grad_set_to_none", "departures", "breakpoints", "rewind"});
    RunConfig config;
    config.base_dir = base_dir;
    if (j.contains("model"))
        parse_model(r, j["model"], config.model);
    else
        config.model.lesson = "tensor_return";
    if (j.contains("data")) parse_data(r, j["data"], config.data);
    if (j.contains("batch_size")) config.batch_size = r.integer(j["batch_size"], "batch_size");
    if (config.batch_size < 1) r.fail("batch_size", "must be at least 1");
    if (j.contains("shuffle")) config.shuffle = r.boolean(j["shuffle"], "shuffle");
    if (j.contains("drop_last")) config.drop_last = r.boolean(j["drop_last"], "drop_last");
    if (j.contains("seed")) config.seed = r.integer(j["seed"], "seed");
    if (j.contains("optimizer"))
        parse_optimizer(r, j["optimizer"], config.optimizer);
    else
        config.optimizer.options["lr"] = 0.1;
    if (j.contains("lr_scheduler") && !j["lr_scheduler"].is_null()) {
        config.lr_scheduler.emplace();
        parse_lr_scheduler(r, j["lr_scheduler"], config.optimizer, *config.lr_scheduler);
    }
    if (j.contains("trainer")) parse_trainer(r, j["trainer"], config.trainer);
    if (j.contains("zero_grad_set_to_none"))
        config.zero_grad_set_to_none =
            r.boolean(j["zero_grad_set_to_none"], "zero_grad_set_to_none");
    if (j.contains("departures")) {
        const std::vector<std::string>& names = departure_names();
        r.only_keys(j["departures"], "departures",
                    std::set<std::string>(names.begin(), names.end()));
        for (const std::string& name : departure_names())
            if (j["departures"].contains(name))
                set_departure(config.departures, name,
                              r.boolean(j["departures"][name], "departures." + name));
    }
    if (j.contains("breakpoints")) parse_breakpoints(r, j["breakpoints"], config.breakpoints);
    if (j.contains("rewind")) {
        r.only_keys(j["rewind"], "rewind", {"budget_mb"});
        if (j["rewind"].contains("budget_mb")) {
            const json& b = j["rewind"]["budget_mb"];
            if (!b.is_number())
                r.fail("rewind.budget_mb", "expected a number of megabytes, got " + b.dump());
            config.rewind_budget_mb = b.get<double>();
            if (!(config.rewind_budget_mb >= 0 && config.rewind_budget_mb <= 1048576))
                r.fail("rewind.budget_mb",
                       "must be from 0 (no rewinding) to 1048576 (1 TB), got " + b.dump());
        }
    }
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
    json j;
    switch (c.model.kind) {
        case ModelSpec::Kind::torchscript:
            j["model"] = {{"torchscript", resolve_path(c, c.model.path)}};
            break;
        case ModelSpec::Kind::source:
            j["model"] = {{"source", resolve_path(c, c.model.path)}};
            break;
        case ModelSpec::Kind::lesson: j["model"] = {{"lesson", c.model.lesson}}; break;
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
        json s;
        s["name"] = c.lr_scheduler->name;
        // Each argument as its kind says (the parser made integer ones whole numbers): integers
        // go back as integers, since torch checks isinstance(total_steps, int).
        for (const auto& a : scheduler_table().at(c.lr_scheduler->name)) {
            const auto it = c.lr_scheduler->options.find(a.name);
            if (it == c.lr_scheduler->options.end()) continue;
            if (a.kind == ArgKind::integer) {
                s[a.name] = static_cast<std::int64_t>(std::get<double>(it->second));
            } else if (a.kind == ArgKind::integer_list) {
                json ints = json::array();
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
    json t;
    t["max_epochs"] = c.trainer.max_epochs ? json(*c.trainer.max_epochs) : json(nullptr);
    t["max_steps"] = c.trainer.max_steps;
    if (!c.trainer.limit_train_batches)
        t["limit_train_batches"] = nullptr;
    else
        std::visit([&](auto v) { t["limit_train_batches"] = v; }, *c.trainer.limit_train_batches);
    t["accumulate_grad_batches"] = c.trainer.accumulate_grad_batches;
    t["gradient_clip_val"] =
        c.trainer.gradient_clip_val ? json(*c.trainer.gradient_clip_val) : json(nullptr);
    t["gradient_clip_algorithm"] = c.trainer.gradient_clip_algorithm
                                       ? json(*c.trainer.gradient_clip_algorithm)
                                       : json(nullptr);
    j["trainer"] = t;
    j["zero_grad_set_to_none"] = c.zero_grad_set_to_none;
    if (c.departures.any()) {  // written only when one is on: a Lightning run's config says nothing
        json d;
        for (const std::string& name : departure_names()) d[name] = departure(c.departures, name);
        j["departures"] = d;
    }
    if (!c.breakpoints.empty()) {
        json list = json::array();
        for (const BreakpointSpec& b : c.breakpoints)
            list.push_back(b.enabled ? json(b.when) : json{{"when", b.when}, {"enabled", false}});
        j["breakpoints"] = list;
    }
    j["rewind"] = json{{"budget_mb", c.rewind_budget_mb}};
    return j.dump(indent);
}

std::vector<std::string> config_changes(const RunConfig& from, const RunConfig& to) {
    // Departures are written only when one is on: off is what an absent one means.
    auto flat = [](const RunConfig& c) {
        json j = json::parse(to_json(c));
        for (const std::string& name : departure_names())
            j["departures"][name] = departure(c.departures, name);
        return j.flatten();
    };
    const json a = flat(from), b = flat(to);
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

std::string python_float_repr(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
    // Python's repr: the shortest digits that read back to the same double ...
    char digits[64];
    int precision = 1;
    for (; precision <= 17; ++precision) {
        std::snprintf(digits, sizeof digits, "%.*e", precision - 1, value);
        if (std::strtod(digits, nullptr) == value) break;
    }
    // ... written in fixed notation when the exponent is in [-4, 16), else as 1e-05 / 1.5e+16.
    std::string text(digits);
    const auto e_pos = text.find('e');
    const int exponent = std::atoi(text.c_str() + e_pos + 1);
    std::string mantissa = text.substr(0, e_pos);
    const bool negative = mantissa[0] == '-';
    if (negative) mantissa.erase(0, 1);
    std::string digit_string;
    for (char c : mantissa)
        if (c != '.') digit_string += c;
    std::string out;
    if (exponent >= -4 && exponent < 16) {
        if (exponent < 0) {
            out = "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digit_string;
        } else if (static_cast<int>(digit_string.size()) <= exponent + 1) {
            out = digit_string +
                  std::string(static_cast<std::size_t>(exponent + 1) - digit_string.size(), '0') +
                  ".0";
        } else {
            out = digit_string.substr(0, static_cast<std::size_t>(exponent + 1)) + "." +
                  digit_string.substr(static_cast<std::size_t>(exponent + 1));
        }
    } else {
        out = digit_string.substr(0, 1);
        if (digit_string.size() > 1) out += "." + digit_string.substr(1);
        char exp_text[16];
        std::snprintf(exp_text, sizeof exp_text, "e%c%02d", exponent < 0 ? '-' : '+',
                      std::abs(exponent));
        out += exp_text;
    }
    return negative ? "-" + out : out;
}

const std::vector<std::string>& lr_scheduler_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto& [name, args] : scheduler_table()) out.push_back(name);
        return out;
    }();
    return names;
}

const std::vector<std::string>& lr_scheduler_option_names(const std::string& scheduler) {
    static const std::map<std::string, std::vector<std::string>> names = [] {
        std::map<std::string, std::vector<std::string>> out;
        for (const auto& [name, args] : scheduler_table())
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
    const auto it = optimizer_table().find(optimizer);
    return it == optimizer_table().end() ? none : it->second;
}

}  // namespace stepwise
