#include "trainer.h"

#include <fstream>
#include <sstream>

#include "data.h"
#include "errors.h"
#include "script_module.h"
#include "stepwise/lessons.h"

namespace stepwise {

namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw LoadError(ErrorPhase::model, path + ": cannot open the model source file");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::unique_ptr<TrainingModule> load_module(const RunConfig& config) {
    switch (config.model.kind) {
        case ModelSpec::Kind::torchscript:
            return ScriptModule::load_torchscript(resolve_path(config, config.model.path));
        case ModelSpec::Kind::source: {
            if (!config.model.inline_source.empty())
                return ScriptModule::compile_source(
                    config.model.inline_source,
                    config.model.path.empty() ? "model.stepwise" : config.model.path, config.seed);
            const std::string path = resolve_path(config, config.model.path);
            return ScriptModule::compile_source(read_text(path), path, config.seed);
        }
        case ModelSpec::Kind::lesson: break;
        case ModelSpec::Kind::script:
            throw ConfigError("model.script: a Python script runs through the Python host (" +
                              config.model.path +
                              "): stepwise-run SCRIPT.py or stepwise SCRIPT.py");
    }
    const Lesson* lesson = find_lesson(config.model.lesson);
    if (!lesson) {
        std::string names;
        for (const auto& l : lessons()) names += (names.empty() ? "" : ", ") + l.name;
        throw ConfigError("model.lesson: no built-in lesson \"" + config.model.lesson +
                          "\" (lessons: " + names + ")");
    }
    return ScriptModule::compile_source(lesson->source, "lesson:" + lesson->name + ".stepwise",
                                        config.seed);
}

}  // namespace

Trainer::Trainer(const RunConfig& config, ErrorPhase& phase) : config_(config) {
    phase = ErrorPhase::model;
    module_ = load_module(config);
    phase = ErrorPhase::data;
    data_ = std::make_unique<DataLoader>(load_dataset(config, module_->dtype()), config.batch_size,
                                         config.shuffle, config.drop_last);
    phase = ErrorPhase::config;
    optimizer_ = make_optimizer(config.optimizer, module_->parameter_tensors());
    // configure_optimizers() builds the scheduler: its initial step is in place from batch 0
    // (spec LR-3).
    if (config.lr_scheduler) scheduler_.emplace(*config.lr_scheduler, *optimizer_);
    clip_ = resolve_clipping(config.trainer);
    multi_eval_ = config.optimizer.name == "lbfgs";
}

Trainer::Trainer(const RunConfig& config, std::unique_ptr<TrainingModule> module,
                 std::unique_ptr<DataSource> data,
                 std::unique_ptr<torch::optim::Optimizer> optimizer)
    : config_(config),
      module_(std::move(module)),
      data_(std::move(data)),
      optimizer_(std::move(optimizer)),
      clip_(resolve_clipping(config.trainer)),
      multi_eval_(config.optimizer.name == "lbfgs") {}

}  // namespace stepwise
