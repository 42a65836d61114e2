#pragma once
// The user's own LightningModule, data and optimizer as the engine sees them (core/python/): a
// TrainingModule, a DataSource and a torch::optim::Optimizer over the Python objects of one
// Trainer.fit. Every call goes to the glue's _Fit object (stepwise_lightning.py), which runs
// Lightning's own code for that place. The engine's thread holds the GIL only inside these calls.

#include <memory>

#include "data_source.h"
#include "training_module.h"

namespace torch::optim {
class Optimizer;
}

namespace stepwise::python {

/// What the hosted objects of one fit share: the glue's _Fit object, and what unwinds through
/// Python when the engine stops or fails inside a call Python made into it. Opaque here.
struct FitContext;

/// The module, the data and the optimizer of the fit `context` hosts. Call with the GIL held.
std::unique_ptr<TrainingModule> hosted_module(std::shared_ptr<FitContext> context);
std::unique_ptr<DataSource> hosted_data(std::shared_ptr<FitContext> context, std::int64_t batches);
std::unique_ptr<torch::optim::Optimizer> hosted_optimizer(std::shared_ptr<FitContext> context);

}  // namespace stepwise::python
