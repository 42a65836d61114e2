#pragma once
// The training data: a file written by torch.save({"x": X, "y": Y}, path), or a deterministic
// synthetic set from a seed; batched like torch's DataLoader (batch_size, shuffle, drop_last).

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "data_source.h"
#include "stepwise/run_config.h"

namespace stepwise {

struct Dataset {
    torch::Tensor x;  ///< [samples, ...]
    torch::Tensor y;  ///< [samples, ...]
};

/// Throws LoadError(ErrorPhase::data, ...) naming the file and the cause. `model_dtype` is the
/// dtype of synthetic data when the config does not say.
Dataset load_dataset(const RunConfig& config, torch::ScalarType model_dtype);
/// The bytes of a torch.save file of {"x": X, "y": Y}; `path` names it in messages. Throws
/// LoadError(ErrorPhase::data, ...) for anything else.
Dataset read_dataset(const std::vector<char>& bytes, const std::string& path);
Dataset synthetic_dataset(const DataSpec& spec, std::int64_t seed, torch::ScalarType dtype);

/// torch.utils.data.DataLoader(dataset, batch_size, shuffle, drop_last) with num_workers=0, as
/// Lightning iterates it once per epoch (spec D-1, D-2). Each epoch's iterator draws from torch's
/// global generator exactly what torch 1.13's does: _BaseDataLoaderIter's base seed, then (shuffle)
/// RandomSampler's seed for its own generator, which then draws the epoch's randperm. So after
/// torch::manual_seed(seed) the batches, and every later draw of training_step, are Python's.
class DataLoader final : public DataSource {
  public:
    DataLoader(Dataset data, std::int64_t batch_size, bool shuffle, bool drop_last);
    std::int64_t size() const override;
    std::int64_t samples_in(std::int64_t batches) const override;
    /// The tuple (x, y) of batch(epoch, i).
    c10::IValue fetch(std::int64_t epoch, std::int64_t i) override;
    bool draws_for(std::int64_t epoch) const override { return epoch != epoch_; }
    Position position() const override { return {epoch_, perm_, nullptr}; }
    void set_position(const Position& p) override {
        epoch_ = p.epoch;
        perm_ = p.order;
    }

    /// Batch i of an epoch as its two tensors.
    std::pair<torch::Tensor, torch::Tensor> batch(std::int64_t epoch, std::int64_t i);
    /// The current epoch's sample order (shuffle only; undefined before the first batch).
    const torch::Tensor& order() const { return perm_; }

  private:
    void start_epoch(std::int64_t epoch);

    Dataset data_;
    std::int64_t batch_size_;
    bool shuffle_;
    bool drop_last_;
    std::int64_t epoch_ = -1;
    torch::Tensor perm_;
};

}  // namespace stepwise
