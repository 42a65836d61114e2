#pragma once
// The run configuration: Lightning's Trainer arguments and torch.optim's option names, read from
// JSON with strict validation. Torch-free, so the GUI's config panel can edit it directly.

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "stepwise/conditions.h"

namespace stepwise {

/// A config that cannot be used. The message names the key path and the value; for the two
/// Lightning checks of Trainer(...) arguments (G-1) it is Lightning's text byte for byte and
/// `exception_type` is Lightning's exception class.
struct ConfigError : std::runtime_error {
    ConfigError(const std::string& message, std::string exception_type = "ConfigError")
        : std::runtime_error(message), exception_type(std::move(exception_type)) {}
    std::string exception_type;
};

struct ModelSpec {
    /// script: the user's own Python training script, run by the Python host (core/python/),
    /// whose Trainer.fit is the run; the Trainer's arguments then fill `trainer`.
    enum class Kind { torchscript, source, lesson, script } kind = Kind::lesson;
    std::string
        path;  ///< torchscript / source / script: absolute, or relative to the config's folder
    std::vector<std::string> args;  ///< script: its arguments (sys.argv[1:])
    std::string lesson;             ///< lesson: its name
    /// source: the text itself, when it does not come from a file (the GUI editor, tests);
    /// `path` then only names it in messages. Not part of the JSON form.
    std::string inline_source;
};

struct DataSpec {
    enum class Kind { file, synthetic } kind = Kind::synthetic;
    std::string path;                  ///< file: written by torch.save({"x": X, "y": Y}, path)
    std::string synthetic = "linear";  ///< "linear", "spiral" or "moons"
    std::int64_t samples = 64;
    std::int64_t features = 3;  ///< linear only (spiral and moons are 2-D)
    double noise = 0.1;
    std::string dtype;  ///< synthetic: "float32"/"float64"; empty: the model's dtype
};

/// torch.optim's keyword arguments by name; only the ones given are set, the rest keep torch's
/// defaults. Values are numbers, booleans, strings (line_search_fn) or [b1, b2] (betas).
struct OptimizerSpec {
    std::string name = "sgd";
    using Value = std::variant<double, bool, std::string, std::vector<double>>;
    std::map<std::string, Value> options;
};

/// A torch.optim.lr_scheduler, as configure_optimizers() returns it to Lightning in
/// {"scheduler": ..., "interval": ..., "frequency": ...}. `options` holds torch's keyword arguments
/// by name (numbers, booleans, strings, lists); the rest keep torch's defaults.
struct LRSchedulerSpec {
    std::string name;  ///< torch's class name: "StepLR", "MultiStepLR", "ExponentialLR", ...
    std::map<std::string, OptimizerSpec::Value> options;
    std::string interval = "epoch";  ///< Lightning's default
    std::int64_t frequency = 1;
};

struct TrainerSpec {
    /// nullopt: not set, as Trainer(max_epochs=None): resolved at fit start by
    /// resolved_max_epochs(). -1: no limit; 0 or more: that many epochs.
    std::optional<std::int64_t> max_epochs;
    std::int64_t max_steps = -1;  ///< -1: no limit
    /// As Lightning's _determine_batch_limits left it: nullopt (not given, means 1.0), an int (at
    /// most that many batches), or a float in [0, 1] (that fraction of the epoch). A whole-number
    /// float above 1 is read as an int, as Lightning does.
    std::optional<std::variant<std::int64_t, double>> limit_train_batches;
    std::int64_t accumulate_grad_batches = 1;
    std::optional<double> gradient_clip_val;
    std::optional<std::string> gradient_clip_algorithm;  ///< "norm" or "value" (lower-cased)
};

/// Deliberate departures from what Lightning does, for a what-if run (a fork, a comparison's run
/// B): each shows what the automatic optimization's own step prevents. A run with any of them is
/// labelled "not what Lightning does" wherever it is shown or exported. JSON: "departures":
/// {"skip_zero_grad": true, ...}; all off by default.
struct Departures {
    bool skip_zero_grad = false;  ///< the closure never zeroes the grads
    /// backward on the loss as returned, not ÷ accumulate_grad_batches
    bool undivided_loss = false;
    bool step_every_batch = false;  ///< optimizer.step on every batch, accumulating or not
    /// backward also through every extra that holds a graph: loss + Σ extra.sum(), ÷ N as the loss
    bool backprop_extras = false;
    bool any() const {
        return skip_zero_grad || undivided_loss || step_every_batch || backprop_extras;
    }
    bool operator==(const Departures& o) const {
        return skip_zero_grad == o.skip_zero_grad && undivided_loss == o.undivided_loss &&
               step_every_batch == o.step_every_batch && backprop_extras == o.backprop_extras;
    }
};
/// The departures' JSON keys, in the order they are shown.
const std::vector<std::string>& departure_names();
/// Whether the named departure is on (a name of departure_names()).
bool departure(const Departures& d, const std::string& name);
void set_departure(Departures& d, const std::string& name, bool on);

struct RunConfig {
    ModelSpec model;
    DataSpec data;
    std::int64_t batch_size = 8;
    bool shuffle = false;
    bool drop_last = false;
    std::int64_t seed = 0;
    OptimizerSpec optimizer;
    std::optional<LRSchedulerSpec> lr_scheduler;  ///< nullopt: configure_optimizers returns none
    TrainerSpec trainer;
    bool zero_grad_set_to_none = true;
    Departures departures;
    /// Breakpoints and watchpoints (stepwise/conditions.h), checked when the config is read.
    std::vector<BreakpointSpec> breakpoints;
    /// "rewind": {"budget_mb": 256}: the memory the engine may keep in snapshots of the training
    /// state, so that the run can go back (0 turns rewinding off).
    double rewind_budget_mb = 256;
    std::string base_dir;  ///< folder that relative paths resolve against
};

/// Parses and validates a config. `origin` names the source in messages (usually the file path).
/// Throws ConfigError.
RunConfig parse_run_config(const std::string& json_text, const std::string& base_dir,
                           const std::string& origin = "config");
/// Reads the file and parses it; relative paths resolve against the file's folder.
RunConfig load_run_config(const std::string& path);
/// The resolved config as JSON text (every key, defaults filled in, paths absolute).
std::string to_json(const RunConfig& config, int indent = -1);
/// What `to` changes of `from`, one "optimizer.lr: 0.1 → 0.5" per key (JSON paths, in key order;
/// "(none)" for a key one side lacks; a departure that is off counts as false). Breakpoints count
/// too: leave them out of both to compare runs that share them. Empty when nothing differs.
std::vector<std::string> config_changes(const RunConfig& from, const RunConfig& to);
/// An absolute path for a path given in the config.
std::string resolve_path(const RunConfig& config, const std::string& path);

/// Lightning's _parse_loop_limits: max_epochs when not set is 1000 if max_steps is -1 (and
/// Lightning warns, see kMaxEpochsNotSetWarning), otherwise -1 (no epoch limit).
std::int64_t resolved_max_epochs(const TrainerSpec& trainer);
/// The PossibleUserWarning Lightning gives when it picks 1000 epochs, byte for byte.
extern const char* const kMaxEpochsNotSetWarning;

/// Lightning's _parse_num_batches for the training stage: the batches per epoch out of `length`
/// under `limit`. A positive fraction that leaves no batch throws ConfigError with Lightning's
/// MisconfigurationException text.
std::int64_t limited_batches(std::int64_t length,
                             const std::optional<std::variant<std::int64_t, double>>& limit);

/// The scheduler class names Stepwise implements, and each one's keyword arguments.
const std::vector<std::string>& lr_scheduler_names();
const std::vector<std::string>& lr_scheduler_option_names(const std::string& scheduler);

/// The names of the optimizers and their accepted option names, for the config panel.
const std::vector<std::string>& optimizer_names();
const std::vector<std::string>& optimizer_option_names(const std::string& optimizer);

}  // namespace stepwise
