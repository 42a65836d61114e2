#pragma once
// TrainingState: everything the loops need to go on from the start of a batch exactly as they did
// the first time, copied out of the live objects (the Trainer's, the loops', the observer's) and
// put back into them; and SnapshotStore, the bounded set of such states a rewind and a fork start
// from. Worker thread only.

#include <torch/optim.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "loops.h"
#include "stepwise/conditions.h"

namespace stepwise {

/// The state at the start of batch `batch` (global index), before its data is fetched: the
/// Trainer's tensors (parameters, buffers, .grad, the optimizer's and scheduler's state), torch's
/// generator and the data order, the loops' progress, the observer's stage counter, the
/// breakpoints' state and Lightning's once-per-process warnings.
class TrainingState {
  public:
    /// Deep copies: nothing in the state shares memory with what training goes on changing.
    static TrainingState capture(FitLoop& fit, const ConditionSet& conditions, std::int64_t epoch,
                                 std::int64_t batch_idx, std::int64_t batch);
    /// Puts the state back: parameter, buffer and gradient values by copy into the same tensors
    /// (the optimizer keys its state by the parameters' TensorImpl), the optimizer's groups and
    /// per-parameter state as fresh deep copies, the generator, the data order, the counters.
    void restore(FitLoop& fit, ConditionSet& conditions) const;
    /// Puts the state into another run's loops, built from a config whose optimizer is `to` where
    /// this state's run had `from` (a what-if fork): as restore(), but with `to`'s settings. The
    /// same optimizer keeps its state, and its learning rate keeps the factor a scheduler had
    /// applied to `from`'s; another optimizer starts with no state, as it would in Python.
    void restore_as(FitLoop& fit, ConditionSet& conditions, const OptimizerSpec& from,
                    const OptimizerSpec& to) const;

    std::int64_t batch() const { return batch_; }
    std::int64_t epoch() const { return epoch_; }
    std::int64_t batch_idx() const { return batch_idx_; }
    /// Bytes of tensor data it holds (what the store's budget counts).
    std::size_t bytes() const { return bytes_; }
    /// What the module's own part could not copy (a restore leaves it as it is): see HostState.
    std::vector<std::string> not_kept() const {
        return host_ ? host_->not_kept : std::vector<std::string>{};
    }

  private:
    std::int64_t batch_ = 0, epoch_ = 0, batch_idx_ = 0;
    std::vector<torch::Tensor> values_;  ///< parameters, then buffers
    std::vector<torch::Tensor> grads_;   ///< per parameter; undefined: .grad was None
    std::vector<std::unique_ptr<torch::optim::OptimizerOptions>> group_options_;
    /// By the index of the parameter it is filed under (torch files it by the TensorImpl, which
    /// another run's parameters do not share).
    std::vector<std::pair<std::size_t, std::unique_ptr<torch::optim::OptimizerParamState>>>
        optimizer_state_;
    std::int64_t scheduler_last_epoch_ = -1;
    torch::Tensor generator_;
    DataSource::Position data_;
    AutomaticOptimization::State progress_;
    std::uint64_t next_instance_ = 0;
    ConditionSet conditions_;
    std::set<std::string> warnings_;
    std::shared_ptr<const TrainingModule::HostState> host_;  ///< the module's own (Python's)
    std::size_t bytes_ = 0;
};

/// A deep copy of one optimizer's per-parameter state (SGD, Adam, AdamW, RMSprop, Adagrad, LBFGS).
std::unique_ptr<torch::optim::OptimizerParamState> deep_copy(
    const torch::optim::OptimizerParamState& state);

/// Snapshots by batch, within a byte budget: every batch's when there is room; when there is not,
/// the one whose loss widens the gap least relative to its distance from the newest goes, so they
/// stay dense for recent batches and thin out further back. The first one (the run's start) stays
/// while anything does. A state larger than the whole budget is not kept.
class SnapshotStore {
  public:
    static constexpr std::size_t kMaxCount = 1024;  ///< also bounds the eviction scan

    explicit SnapshotStore(std::size_t budget_bytes) : budget_(budget_bytes) {}
    std::size_t budget() const { return budget_; }
    std::size_t bytes() const { return bytes_; }
    std::size_t size() const { return states_.size(); }
    bool has(std::int64_t batch) const;
    /// Keeps the state (replacing one of the same batch); evicts as the budget needs.
    void add(TrainingState state);
    /// The newest state at or before `batch`, or nullptr.
    const TrainingState* at_or_before(std::int64_t batch) const;
    /// The same, shared: it stays valid after the store lets it go (a fork holds it).
    std::shared_ptr<const TrainingState> shared_at_or_before(std::int64_t batch) const;
    /// The size of the last state offered (kept or not): what a snapshot of this run costs.
    std::size_t last_offered_bytes() const { return last_offered_; }
    std::vector<std::int64_t> batches() const;

  private:
    void evict_one();

    std::size_t budget_;
    std::size_t bytes_ = 0;
    std::size_t last_offered_ = 0;
    /// sorted by batch; immutable once kept
    std::vector<std::shared_ptr<const TrainingState>> states_;
};

}  // namespace stepwise
