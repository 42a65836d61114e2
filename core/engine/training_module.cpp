#include "training_module.h"

namespace stepwise {

std::vector<torch::Tensor> TrainingModule::parameter_tensors() const {
    std::vector<torch::Tensor> out;
    out.reserve(params_.size());
    for (const auto& p : params_) out.push_back(p.second);
    return out;
}

torch::ScalarType TrainingModule::dtype() const {
    for (const auto& p : params_)
        if (p.second.is_floating_point()) return p.second.scalar_type();
    return torch::kFloat32;
}

}  // namespace stepwise
