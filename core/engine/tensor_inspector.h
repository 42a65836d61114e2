#pragma once
// The Tensors dock's eyes: every tensor of the training state (parameters, their .grad, the
// optimizer's state for each, buffers) read where the run holds, compared with copies kept where it
// last held, and the selected tensor's values. Worker thread only, and only while the run is held:
// nothing here runs or copies at full speed.

#include <torch/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stepwise/commands.h"
#include "stepwise/events.h"
#include "trainer.h"

namespace stepwise {

class TensorInspector {
  public:
    const Inspect& watching() const { return watching_; }
    void watch(Inspect what);

    /// The run leaves a hold at boundary number `boundary` (`stage` of (epoch, batch_idx) about to
    /// run): while the Tensors dock watches, copies of every tensor are kept to compare with at the
    /// next hold.
    void remember(Trainer& trainer, std::uint64_t boundary, Stage stage, std::int64_t epoch,
                  std::int64_t batch_idx);
    /// Nothing to compare with any more (the run went back, or nobody watches).
    void forget();
    /// The report where the run holds, at boundary number `boundary`.
    TensorReport report(Trainer& trainer, std::uint64_t boundary) const;

  private:
    /// One tensor of the state, live or kept.
    struct Item {
        std::string name;
        std::string parameter;
        TensorRole role = TensorRole::parameter;
        torch::Tensor tensor;         ///< undefined: None (a grad), or a count
        std::optional<double> count;  ///< an optimizer's counter (Adam's step)
    };
    static std::vector<Item> collect(Trainer& trainer);
    /// `before`: the kept copy of the same name, if any; `compare`: the kept copies are older.
    TensorSummary summarize(const Item& now, const Item* before, bool compare) const;
    TensorDetail detail(const Item& now, const Item* before, bool compare) const;

    Inspect watching_;
    std::vector<Item> kept_;  ///< copies, in collect() order; empty: nothing to compare with
    std::uint64_t kept_boundary_ = 0;
    Stage kept_stage_ = Stage::on_train_batch_start;
    std::int64_t kept_epoch_ = 0, kept_batch_idx_ = -1;
};

}  // namespace stepwise
