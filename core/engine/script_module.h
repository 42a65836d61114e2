#pragma once
// ScriptModule: a TrainingModule in TorchScript, the Python-free path. Loaded from a TorchScript
// module file (torch.jit.script(m).save(path) with `@torch.jit.export def training_step`), from
// Stepwise's TorchScript source format, or from a built-in lesson. Its batches are the tuple
// (x, y) a DataLoader yields.

#include <torch/script.h>

#include <memory>
#include <string>

#include "training_module.h"

namespace stepwise {

class ScriptModule final : public TrainingModule {
  public:
    /// Throws LoadError(ErrorPhase::model, ...) naming the file and the cause.
    static std::unique_ptr<ScriptModule> load_torchscript(const std::string& path);
    /// `origin` is the file name used in messages ("model.stepwise:12:5: ..."); `seed` drives the
    /// parameter initialisers. Throws LoadError(ErrorPhase::model, ...) with line and column.
    static std::unique_ptr<ScriptModule> compile_source(const std::string& text,
                                                        const std::string& origin,
                                                        std::int64_t seed);

    c10::IValue training_step(const c10::IValue& batch, std::int64_t batch_idx) override;
    NamedTensors buffers() const override;
    torch::jit::Module& module() { return module_; }

  private:
    ScriptModule(torch::jit::Module module, const std::string& origin);

    torch::jit::Module module_;
    c10::optional<torch::jit::Method> method_;
    bool takes_batch_idx_ = true;
};

}  // namespace stepwise
