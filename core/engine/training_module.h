#pragma once
// TrainingModule: what the engine sees of the user's LightningModule — `training_step(batch,
// batch_idx)`, the parameters it trains, its buffers, and whether it may draw from torch's global
// generator. The engine calls nothing else of the user's code. Two implementations: ScriptModule
// (TorchScript: a module file, a `.stepwise` source, a built-in lesson; no Python) and the Python
// host's module (core/python/, the user's own LightningModule).

#include <ATen/core/ivalue.h>
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tensor_utils.h"

namespace stepwise {

class TrainingModule {
  public:
    virtual ~TrainingModule() = default;
    TrainingModule(const TrainingModule&) = delete;
    TrainingModule& operator=(const TrainingModule&) = delete;

    /// Calls training_step as Lightning does: with (batch, batch_idx) when it takes two
    /// arguments, with (batch) when it takes one. `batch` is what the data source yielded for it.
    virtual c10::IValue training_step(const c10::IValue& batch, std::int64_t batch_idx) = 0;

    /// The parameters the optimizer trains, by their dotted names, in registration order.
    const NamedTensors& parameters() const { return params_; }
    std::vector<torch::Tensor> parameter_tensors() const;
    /// The module's buffers (named_buffers(recurse=True)): what a snapshot restores besides the
    /// parameters, and what the Tensors dock lists.
    virtual NamedTensors buffers() const = 0;
    /// dtype of the first floating-point parameter (float32 if none).
    torch::ScalarType dtype() const;
    /// Whether training_step may draw from torch's global generator (dropout, torch.rand, ...).
    /// A run whose training_step draws nothing computes beside another run without sharing the
    /// generator stage by stage (GeneratorLease). When in doubt: true.
    bool draws_random() const { return draws_random_; }
    /// The model's code as the user wrote it, for the Code dock (empty when there is none).
    const std::string& code() const { return code_; }

  protected:
    TrainingModule() = default;

    NamedTensors params_;
    bool draws_random_ = true;
    std::string code_;
};

}  // namespace stepwise
