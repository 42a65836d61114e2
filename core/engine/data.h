#pragma once
// The training data: a file written by torch.save({"x": X, "y": Y}, path), or a deterministic
// synthetic set from a seed; batched like torch's DataLoader (batch_size, shuffle, drop_last).

#include <torch/types.h>

#include <cstdint>

#include "stepwise/run_config.h"

namespace stepwise {

struct Dataset {
    torch::Tensor x;  ///< [samples, ...]
    torch::Tensor y;  ///< [samples, ...]
};

/// Throws LoadError("data", ...) naming the file and the cause. `model_dtype` is the dtype of
/// synthetic data when the config does not say.
Dataset load_dataset(const RunConfig& config, torch::ScalarType model_dtype);
Dataset synthetic_dataset(const DataSpec& spec, std::int64_t seed, torch::ScalarType dtype);

class DataLoader {
public:
    DataLoader(Dataset data, std::int64_t batch_size, bool shuffle, bool drop_last, std::int64_t seed);
    /// Batches per epoch (len(DataLoader)).
    std::int64_t size() const;
    /// Batch i of an epoch. With shuffle, each epoch has its own seeded permutation.
    std::pair<torch::Tensor, torch::Tensor> batch(std::int64_t epoch, std::int64_t i);

private:
    Dataset data_;
    std::int64_t batch_size_;
    bool shuffle_;
    bool drop_last_;
    std::int64_t seed_;
    std::int64_t perm_epoch_ = -1;
    torch::Tensor perm_;
};

}  // namespace stepwise
