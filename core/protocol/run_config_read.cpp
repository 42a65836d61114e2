// Reading a run config: strict (an unknown key is an error that names it), with Lightning's and
// torch's own checks and messages where a Trainer(...) or a constructor would raise.

#include <cctype>
#include <cmath>
#include <set>

#include "run_config_tables.h"
#include "stepwise/conditions.h"
#include "stepwise/numbers.h"

namespace stepwise::config_tables {

using json::Field;
using json::Json;

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
std::string python_str(const Json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_boolean()) return value.get<bool>() ? "True" : "False";
    if (value.is_null()) return "None";
    if (value.is_number_float()) return python_float_repr(value.get<double>());
    if (value.is_array() || value.is_object()) {
        std::string text = value.dump();
        for (auto& c : text)
            if (c == '"') c = '\'';
        return text;
    }
    return value.dump();
}

std::string lower(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

/// The value at `key`, unless it is absent or null.
std::optional<Field> given(const Field& j, const char* key) {
    auto f = j.find(key);
    if (f && f->json().is_null()) return std::nullopt;
    return f;
}

void read_model(const Field& j, ModelSpec& model) {
    j.only_keys({"torchscript", "source", "lesson", "script", "args"});
    if (const auto f = j.find("script")) {
        model.kind = ModelSpec::Kind::script;
        model.path = f->string();
        if (const auto a = j.find("args")) {
            a->expect(&Json::is_array, "an array of strings");
            for (std::size_t i = 0; i < a->json().size(); ++i)
                model.args.push_back(a->item(i).string());
        }
        return;
    }
    if (j.find("args")) j.fail("args go with a script");
    if (j.size() != 1) j.fail("give exactly one of torchscript, source, lesson or script");
    if (const auto f = j.find("torchscript")) {
        model.kind = ModelSpec::Kind::torchscript;
        model.path = f->string();
    } else if (const auto f = j.find("source")) {
        model.kind = ModelSpec::Kind::source;
        model.path = f->string();
    } else {
        model.kind = ModelSpec::Kind::lesson;
        model.lesson = j.find("lesson")->string();
    }
}

void read_data(const Field& j, DataSpec& data) {
    j.only_keys({"file", "synthetic", "samples", "features", "noise", "dtype"});
    if (bool(j.find("file")) == bool(j.find("synthetic")))
        j.fail("give exactly one of file or synthetic");
    if (const auto f = j.find("file")) {
        if (j.size() != 1) j.fail("a data file takes no other keys");
        data.kind = DataSpec::Kind::file;
        data.path = f->string();
        return;
    }
    data.kind = DataSpec::Kind::synthetic;
    const Field synthetic = *j.find("synthetic");
    data.synthetic = synthetic.string();
    if (data.synthetic != "linear" && data.synthetic != "spiral" && data.synthetic != "moons")
        synthetic.fail("expected \"linear\", \"spiral\" or \"moons\", got \"" + data.synthetic +
                       "\"");
    data.samples = j.integer_at<std::int64_t>("samples", data.samples);
    data.features = j.integer_at<std::int64_t>("features", data.features);
    if (const auto f = j.find("noise")) data.noise = f->number();
    data.dtype = j.string_at("dtype", data.dtype);
    if (data.samples < 1) j.fail_at("samples", "must be at least 1");
    if (data.features < 1) j.fail_at("features", "must be at least 1");
    if (data.noise < 0) j.fail_at("noise", "must not be negative");
    if (!data.dtype.empty() && data.dtype != "float32" && data.dtype != "float64")
        j.fail_at("dtype", "expected \"float32\" or \"float64\"");
}

void read_optimizer_option(const Field& v, const std::string& key, OptimizerSpec& opt) {
    if (key == "betas") {
        const Json& b = v.json();
        if (!b.is_array() || b.size() != 2 || !b[0].is_number() || !b[1].is_number())
            v.fail("expected [beta1, beta2], got " + b.dump());
        opt.options[key] = std::vector<double>{b[0].get<double>(), b[1].get<double>()};
    } else if (key == "nesterov" || key == "amsgrad" || key == "centered") {
        opt.options[key] = v.boolean();
    } else if (key == "line_search_fn") {
        if (v.json().is_null()) return;
        const std::string fn = v.string();
        if (fn != "strong_wolfe")
            v.fail("only 'strong_wolfe' is supported (or null), got \"" + fn + "\"");
        opt.options[key] = fn;
    } else if (key == "max_eval" && v.json().is_null()) {
        return;
    } else if (key == "max_iter" || key == "max_eval" || key == "history_size") {
        const auto n = v.integer();
        if (n < 1) v.fail("must be at least 1");
        opt.options[key] = static_cast<double>(n);
    } else {
        const double d = v.number();
        if (d < 0) v.fail("must not be negative, got " + v.json().dump());
        opt.options[key] = d;
    }
}

void read_optimizer(const Field& j, OptimizerSpec& opt) {
    j.expect(&Json::is_object, "an object");
    const auto name = j.find("name");
    if (!name) j.fail_at("name", "missing (one of sgd, adam, adamw, rmsprop, adagrad, lbfgs)");
    opt.name = lower(name->string());
    const auto it = optimizers().find(opt.name);
    if (it == optimizers().end())
        name->fail("unknown optimizer \"" + opt.name +
                   "\" (one of sgd, adam, adamw, rmsprop, adagrad, lbfgs)");
    std::set<std::string> allowed(it->second.begin(), it->second.end());
    allowed.insert("name");
    j.only_keys(allowed);
    for (const auto& item : j.json().items())
        if (item.key() != "name")
            read_optimizer_option(*j.find(item.key().c_str()), item.key(), opt);
    if (opt.name == "sgd" && !opt.options.count("lr"))
        j.fail_at("lr", "SGD has no default learning rate: set lr");
}

/// Lightning's _determine_batch_limits: [0.0, 1.0] as given, a whole number above 1 as an int,
/// anything else refused with its message.
void read_limit_train_batches(const Field& f, TrainerSpec& t) {
    const Json& v = f.json();
    if (!v.is_number() || v.is_boolean())
        f.fail("expected an integer, a fraction or null, got " + v.dump());
    const std::string shown = python_str(v);
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

/// Lightning's own checks at Trainer(...) time, with its messages and exception types.
void read_clipping(const Field& j, TrainerSpec& t) {
    if (const auto f = given(j, "gradient_clip_val")) {
        const Json& v = f->json();
        if (v.is_boolean())
            t.gradient_clip_val = v.get<bool>() ? 1.0 : 0.0;  // Python: bool is an int
        else if (v.is_number())
            t.gradient_clip_val = v.get<double>();
        else
            throw ConfigError(clip_val_type_message(python_str(v)), "TypeError");
    }
    if (const auto f = given(j, "gradient_clip_algorithm")) {
        const Json& v = f->json();
        if (!v.is_string())
            throw ConfigError(clip_algorithm_message(python_str(v)), "MisconfigurationException");
        const std::string algorithm = lower(v.get<std::string>());
        if (algorithm != "value" && algorithm != "norm")
            throw ConfigError(clip_algorithm_message(v.get<std::string>()),
                              "MisconfigurationException");
        t.gradient_clip_algorithm = algorithm;
    }
}

void read_trainer(const Field& j, TrainerSpec& t) {
    j.only_keys({"max_epochs", "max_steps", "limit_train_batches", "accumulate_grad_batches",
                 "gradient_clip_val", "gradient_clip_algorithm"});
    if (const auto f = given(j, "max_epochs")) t.max_epochs = f->integer();
    if (const auto f = given(j, "max_steps")) t.max_steps = f->integer();
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
    if (const auto f = given(j, "limit_train_batches")) read_limit_train_batches(*f, t);
    t.accumulate_grad_batches =
        j.integer_at<std::int64_t>("accumulate_grad_batches", t.accumulate_grad_batches);
    if (t.accumulate_grad_batches < 1)
        j.fail_at("accumulate_grad_batches", "must be an integer of at least 1");
    read_clipping(j, t);
}

double option_or(const LRSchedulerSpec& s, const std::string& key, double fallback) {
    const auto it = s.options.find(key);
    if (it == s.options.end()) return fallback;
    if (const double* d = std::get_if<double>(&it->second)) return *d;
    return fallback;
}

void read_scheduler_argument(const Field& v, const SchedulerArg& a, LRSchedulerSpec& spec) {
    switch (a.kind) {
        case ArgKind::integer: {
            const auto n = v.integer();
            if (n < 1) v.fail("must be at least 1");
            spec.options[a.name] = static_cast<double>(n);
            break;
        }
        case ArgKind::number: {
            const double d = v.number();
            if (!std::isfinite(d)) v.fail("must be a finite number");
            spec.options[a.name] = d;
            break;
        }
        case ArgKind::boolean: spec.options[a.name] = v.boolean(); break;
        case ArgKind::string: spec.options[a.name] = v.string(); break;
        case ArgKind::integer_list: {
            if (!v.json().is_array()) v.fail("expected a list of integers, got " + v.json().dump());
            std::vector<double> list;
            for (std::size_t i = 0; i < v.size(); ++i)
                list.push_back(static_cast<double>(v.item(i).integer()));
            spec.options[a.name] = list;
            break;
        }
    }
}

/// torch's own OneCycleLR constructor checks, with its texts (ValueError).
void check_one_cycle(const Field& j, const OptimizerSpec& optimizer, const LRSchedulerSpec& spec) {
    auto value_error = [](const std::string& message) {
        return ConfigError(message, "ValueError");
    };
    const bool total = spec.options.count("total_steps") > 0;
    const bool epochs = spec.options.count("epochs") > 0;
    const bool per_epoch = spec.options.count("steps_per_epoch") > 0;
    if (!total && !epochs && !per_epoch)
        throw value_error("You must define either total_steps OR (epochs AND steps_per_epoch)");
    if (!total && !epochs) j.fail_at("epochs", "needed with steps_per_epoch (or give total_steps)");
    if (!total && !per_epoch)
        j.fail_at("steps_per_epoch", "needed with epochs (or give total_steps)");
    if (const auto f = j.find("pct_start")) {
        const Json& v = f->json();
        if (!v.is_number_float() || v.get<double>() < 0 || v.get<double>() > 1)
            throw value_error("Expected float between 0 and 1 pct_start, but got " + python_str(v));
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
        throw value_error("optimizer must support momentum with `cycle_momentum` option enabled");
}

/// torch's own constructor checks, with its texts (ValueError).
void check_scheduler(const Field& j, const OptimizerSpec& optimizer, const LRSchedulerSpec& spec) {
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
    if (spec.name == "OneCycleLR") check_one_cycle(j, optimizer, spec);
}

/// Lightning's scheduler dict: "interval" and "frequency", checked with Lightning's texts.
void read_scheduler_dict(const Field& j, LRSchedulerSpec& spec) {
    if (const auto f = j.find("interval")) {
        const std::string shown = python_str(f->json());
        if (shown != "step" && shown != "epoch")
            throw ConfigError(
                "The \"interval\" key in lr scheduler dict must be \"step\" or \"epoch\" but is "
                "\"" +
                    shown + "\"",
                "MisconfigurationException");
        spec.interval = shown;
    }
    spec.frequency = j.integer_at<std::int64_t>("frequency", spec.frequency);
    if (spec.frequency < 1) j.fail_at("frequency", "must be an integer of at least 1");
}

void read_lr_scheduler(const Field& j, const OptimizerSpec& optimizer, LRSchedulerSpec& spec) {
    std::string names;
    for (const auto& [name, args] : schedulers()) names += (names.empty() ? "" : ", ") + name;
    j.expect(&Json::is_object, "an object");
    const auto name = j.find("name");
    if (!name) j.fail_at("name", "missing (one of " + names + ")");
    const std::string given_name = name->string();
    for (const auto& [known, args] : schedulers())
        if (lower(known) == lower(given_name)) spec.name = known;
    if (spec.name.empty())
        name->fail("unknown scheduler \"" + given_name + "\" (one of " + names + ")");
    const auto& args = schedulers().at(spec.name);
    std::set<std::string> allowed = {"name", "interval", "frequency"};
    for (const auto& a : args) allowed.insert(a.name);
    j.only_keys(allowed);
    read_scheduler_dict(j, spec);
    for (const auto& a : args) {
        if (const auto f = given(j, a.name)) {
            read_scheduler_argument(*f, a, spec);
        } else if (a.required) {
            throw ConfigError(
                spec.name + ".__init__() missing 1 required positional argument: '" + a.name + "'",
                "TypeError");
        }
    }
    check_scheduler(j, optimizer, spec);
}

void read_departures(const Field& j, Departures& departures) {
    const std::vector<std::string>& names = departure_names();
    j.only_keys(std::set<std::string>(names.begin(), names.end()));
    for (const std::string& name : names)
        if (const auto f = j.find(name.c_str())) set_departure(departures, name, f->boolean());
}

void read_rewind(const Field& j, RunConfig& config) {
    j.only_keys({"budget_mb"});
    const auto b = j.find("budget_mb");
    if (!b) return;
    if (!b->json().is_number()) b->fail("expected a number of megabytes, got " + b->json().dump());
    config.rewind_budget_mb = b->json().get<double>();
    if (!(config.rewind_budget_mb >= 0 && config.rewind_budget_mb <= 1048576))
        b->fail("must be from 0 (no rewinding) to 1048576 (1 TB), got " + b->json().dump());
}

}  // namespace

std::vector<BreakpointSpec> read_breakpoints(const Field& j) {
    if (!j.json().is_array()) j.fail("expected a list of conditions, got " + j.json().dump());
    std::vector<BreakpointSpec> out;
    for (std::size_t i = 0; i < j.size(); ++i) {
        const Field item = j.item(i);
        BreakpointSpec spec;
        if (item.json().is_string()) {
            spec.when = item.string();
        } else {
            item.only_keys({"when", "enabled"});
            const auto when = item.find("when");
            if (!when || !when->json().is_string())
                item.fail_at("when", "expected the condition as a string");
            spec.when = when->string();
            spec.enabled = item.boolean_at("enabled", true);
        }
        try {
            (void)parse_condition(spec.when);
        } catch (const ConditionError& e) {
            item.fail(e.what());
        }
        out.push_back(std::move(spec));
    }
    return out;
}

void read_run_config(const Field& j, RunConfig& config) {
    j.only_keys({"model", "data", "batch_size", "shuffle", "drop_last", "seed", "optimizer",
                 "lr_scheduler", "trainer", "zero_grad_set_to_none", "departures", "breakpoints",
                 "rewind"});
    if (const auto f = j.find("model"))
        read_model(*f, config.model);
    else
        config.model.lesson = "tensor_return";
    if (const auto f = j.find("data")) read_data(*f, config.data);
    config.batch_size = j.integer_at<std::int64_t>("batch_size", config.batch_size);
    if (config.batch_size < 1) j.fail_at("batch_size", "must be at least 1");
    config.shuffle = j.boolean_at("shuffle", config.shuffle);
    config.drop_last = j.boolean_at("drop_last", config.drop_last);
    config.seed = j.integer_at<std::int64_t>("seed", config.seed);
    if (const auto f = j.find("optimizer"))
        read_optimizer(*f, config.optimizer);
    else
        config.optimizer.options["lr"] = 0.1;
    if (const auto f = given(j, "lr_scheduler")) {
        config.lr_scheduler.emplace();
        read_lr_scheduler(*f, config.optimizer, *config.lr_scheduler);
    }
    if (const auto f = j.find("trainer")) read_trainer(*f, config.trainer);
    config.zero_grad_set_to_none =
        j.boolean_at("zero_grad_set_to_none", config.zero_grad_set_to_none);
    if (const auto f = j.find("departures")) read_departures(*f, config.departures);
    if (const auto f = j.find("breakpoints")) config.breakpoints = read_breakpoints(*f);
    if (const auto f = j.find("rewind")) read_rewind(*f, config);
}

}  // namespace stepwise::config_tables
