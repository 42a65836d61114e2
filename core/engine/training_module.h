#pragma once
// TrainingModule: the user's `training_step(batch, batch_idx)` and the parameters it trains, like a
// LightningModule. Loaded from a TorchScript module file (torch.jit.script(m).save(path) with
// `@torch.jit.export def training_step`), from Stepwise's TorchScript source format, or from a
// built-in lesson.

#include <torch/script.h>

#include <string>

#include "tensor_utils.h"

namespace stepwise {

class TrainingModule {
  public:
    /// Throws LoadError(ErrorPhase::model, ...) naming the file and the cause.
    static TrainingModule load_torchscript(const std::string& path);
    /// `origin` is the file name used in messages ("model.stepwise:12:5: ..."); `seed` drives the
    /// parameter initialisers. Throws LoadError(ErrorPhase::model, ...) with line and column.
    static TrainingModule compile_source(const std::string& text, const std::string& origin,
                                         std::int64_t seed);

    /// Calls training_step as Lightning does: with (batch, batch_idx) when it takes two
    /// arguments, with (batch) when it takes one.
    c10::IValue training_step(const torch::Tensor& x, const torch::Tensor& y,
                              std::int64_t batch_idx);

    /// The parameters the optimizer trains, by their dotted names, in registration order.
    const NamedTensors& parameters() const { return params_; }
    std::vector<torch::Tensor> parameter_tensors() const;
    /// dtype of the first floating-point parameter (float32 if none).
    torch::ScalarType dtype() const;
    torch::jit::Module& module() { return module_; }
    /// Whether training_step may draw from torch's global generator (dropout, torch.rand, any op
    /// with a Generator argument, or a call TorchScript could not inline): read off its graph,
    /// with everything it calls inlined. A run whose training_step draws nothing computes beside
    /// another run without sharing the generator stage by stage (GeneratorLease).
    bool draws_random() const { return draws_random_; }
    /// The model's code as it was compiled: the source text, or the TorchScript code a module
    /// file keeps (empty when the file holds none that can be read).
    const std::string& code() const { return code_; }

  private:
    explicit TrainingModule(torch::jit::Module module, const std::string& origin);

    torch::jit::Module module_;
    c10::optional<torch::jit::Method> method_;
    bool takes_batch_idx_ = true;
    bool draws_random_ = true;
    NamedTensors params_;
    std::string code_;
};

}  // namespace stepwise
