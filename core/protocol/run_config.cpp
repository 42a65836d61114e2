#include "stepwise/run_config.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

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
        for (auto& c : text) if (c == '"') c = '\'';
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
        r.fail("data.synthetic", "expected \"linear\", \"spiral\" or \"moons\", got \"" +
                                     data.synthetic + "\"");
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
    if (!j.contains("name")) r.fail("optimizer.name", "missing (one of sgd, adam, adamw, rmsprop, adagrad, lbfgs)");
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
    if (t.max_epochs < -1) r.fail("trainer.max_epochs", "must be -1 (no limit) or at least 0");
    if (t.max_steps < -1) r.fail("trainer.max_steps", "must be -1 (no limit) or at least 0");
    if (j.contains("limit_train_batches") && !j["limit_train_batches"].is_null()) {
        const json& v = j["limit_train_batches"];
        if (v.is_number_integer()) {
            if (v.get<std::int64_t>() < 0) r.fail("trainer.limit_train_batches", "must not be negative");
            t.limit_train_batches = v.get<std::int64_t>();
        } else if (v.is_number_float()) {
            const double d = v.get<double>();
            if (d < 0.0 || d > 1.0)
                r.fail("trainer.limit_train_batches",
                       "a float must be a fraction in [0.0, 1.0], got " + v.dump());
            t.limit_train_batches = d;
        } else {
            r.fail("trainer.limit_train_batches", "expected an integer, a fraction or null, got " + v.dump());
        }
    }
    if (j.contains("accumulate_grad_batches"))
        t.accumulate_grad_batches = r.integer(j["accumulate_grad_batches"], "trainer.accumulate_grad_batches");
    if (t.accumulate_grad_batches < 1)
        r.fail("trainer.accumulate_grad_batches", "must be an integer of at least 1");
    // Lightning's own checks at Trainer(...) time, with its messages and exception types.
    if (j.contains("gradient_clip_val") && !j["gradient_clip_val"].is_null()) {
        const json& v = j["gradient_clip_val"];
        if (v.is_boolean()) t.gradient_clip_val = v.get<bool>() ? 1.0 : 0.0;  // Python: bool is an int
        else if (v.is_number()) t.gradient_clip_val = v.get<double>();
        else throw ConfigError(clip_val_type_message(python_str(v)), "TypeError");
    }
    if (j.contains("gradient_clip_algorithm") && !j["gradient_clip_algorithm"].is_null()) {
        const json& v = j["gradient_clip_algorithm"];
        if (!v.is_string()) throw ConfigError(clip_algorithm_message(python_str(v)), "MisconfigurationException");
        std::string lower = v.get<std::string>();
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower != "value" && lower != "norm")
            throw ConfigError(clip_algorithm_message(v.get<std::string>()), "MisconfigurationException");
        t.gradient_clip_algorithm = lower;
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

RunConfig parse_run_config(const std::string& json_text, const std::string& base_dir,
                           const std::string& origin) {
    json j;
    try {
        j = json::parse(json_text);
    } catch (const json::parse_error& e) {
        throw ConfigError(origin + ": not valid JSON: " + e.what());
    }
    const Reader r(origin);
    r.only_keys(j, "", {"model", "data", "batch_size", "shuffle", "drop_last", "seed", "optimizer",
                        "trainer", "zero_grad_set_to_none"});
    RunConfig config;
    config.base_dir = base_dir;
    if (j.contains("model")) parse_model(r, j["model"], config.model);
    else config.model.lesson = "tensor_return";
    if (j.contains("data")) parse_data(r, j["data"], config.data);
    if (j.contains("batch_size")) config.batch_size = r.integer(j["batch_size"], "batch_size");
    if (config.batch_size < 1) r.fail("batch_size", "must be at least 1");
    if (j.contains("shuffle")) config.shuffle = r.boolean(j["shuffle"], "shuffle");
    if (j.contains("drop_last")) config.drop_last = r.boolean(j["drop_last"], "drop_last");
    if (j.contains("seed")) config.seed = r.integer(j["seed"], "seed");
    if (j.contains("optimizer")) parse_optimizer(r, j["optimizer"], config.optimizer);
    else config.optimizer.options["lr"] = 0.1;
    if (j.contains("trainer")) parse_trainer(r, j["trainer"], config.trainer);
    if (j.contains("zero_grad_set_to_none"))
        config.zero_grad_set_to_none = r.boolean(j["zero_grad_set_to_none"], "zero_grad_set_to_none");
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
        case ModelSpec::Kind::torchscript: j["model"] = {{"torchscript", resolve_path(c, c.model.path)}}; break;
        case ModelSpec::Kind::source: j["model"] = {{"source", resolve_path(c, c.model.path)}}; break;
        case ModelSpec::Kind::lesson: j["model"] = {{"lesson", c.model.lesson}}; break;
    }
    if (c.data.kind == DataSpec::Kind::file) {
        j["data"] = {{"file", resolve_path(c, c.data.path)}};
    } else {
        j["data"] = {{"synthetic", c.data.synthetic}, {"samples", c.data.samples},
                     {"features", c.data.features}, {"noise", c.data.noise}};
        if (!c.data.dtype.empty()) j["data"]["dtype"] = c.data.dtype;
    }
    j["batch_size"] = c.batch_size;
    j["shuffle"] = c.shuffle;
    j["drop_last"] = c.drop_last;
    j["seed"] = c.seed;
    j["optimizer"] = optimizer_json(c.optimizer);
    json t;
    t["max_epochs"] = c.trainer.max_epochs;
    t["max_steps"] = c.trainer.max_steps;
    if (!c.trainer.limit_train_batches) t["limit_train_batches"] = nullptr;
    else std::visit([&](auto v) { t["limit_train_batches"] = v; }, *c.trainer.limit_train_batches);
    t["accumulate_grad_batches"] = c.trainer.accumulate_grad_batches;
    t["gradient_clip_val"] = c.trainer.gradient_clip_val ? json(*c.trainer.gradient_clip_val) : json(nullptr);
    t["gradient_clip_algorithm"] =
        c.trainer.gradient_clip_algorithm ? json(*c.trainer.gradient_clip_algorithm) : json(nullptr);
    j["trainer"] = t;
    j["zero_grad_set_to_none"] = c.zero_grad_set_to_none;
    return j.dump(indent);
}

const std::vector<std::string>& optimizer_names() {
    static const std::vector<std::string> names = {"sgd", "adam", "adamw", "rmsprop", "adagrad", "lbfgs"};
    return names;
}

const std::vector<std::string>& optimizer_option_names(const std::string& optimizer) {
    static const std::vector<std::string> none;
    const auto it = optimizer_table().find(optimizer);
    return it == optimizer_table().end() ? none : it->second;
}

}  // namespace stepwise
