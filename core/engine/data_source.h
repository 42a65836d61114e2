#pragma once
// DataSource: what the loops see of the training data — Lightning's train DataLoader as the
// epoch loop iterates it. Two implementations: DataLoader (data.h: a tensor file or synthetic
// data, batched as torch's DataLoader batches it; no Python) and the Python host's (the user's own
// DataLoader, Dataset and collate_fn).

#include <ATen/core/ivalue.h>
#include <torch/types.h>

#include <cstdint>
#include <memory>

namespace stepwise {

class DataSource {
  public:
    virtual ~DataSource() = default;

    /// Batches per epoch (len(DataLoader)).
    virtual std::int64_t size() const = 0;
    /// Samples in the first `batches` batches of an epoch (a comparison's lockstep counts them).
    virtual std::int64_t samples_in(std::int64_t batches) const = 0;
    /// Batch i of an epoch, as the DataLoader yields it. The first request for a new epoch starts
    /// its iterator, with whatever that draws from torch's generator.
    virtual c10::IValue fetch(std::int64_t epoch, std::int64_t i) = 0;
    /// Whether fetch(epoch, ...) starts a new epoch's iterator, and so may draw from torch's
    /// generator (the loops take the generator lease for it only then).
    virtual bool draws_for(std::int64_t epoch) const = 0;

    /// Where the iteration stands: kept in a training-state snapshot, so a restored run draws no
    /// new order for an epoch it is inside. `epoch` is the epoch whose iterator is open (-1:
    /// none), `order` its sample order; `more` what else an implementation needs.
    struct Position {
        std::int64_t epoch = -1;
        torch::Tensor order;
        std::shared_ptr<const void> more;
    };
    virtual Position position() const = 0;
    virtual void set_position(const Position& p) = 0;
};

}  // namespace stepwise
