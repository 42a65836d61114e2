#pragma once
// What a front end sees of the training state's tensors: the Tensors dock's report, read on the
// training thread while the run is held, and the accumulation ledger of a window's gradients.
// Plain values, no torch: they travel in events, through a SessionLink, in the trace.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stepwise/enum_names.h"

namespace stepwise {

enum class Stage : std::uint8_t;

/// What a tensor is to the training.
#define STEPWISE_TENSOR_ROLES(X) X(parameter) X(grad) X(state) X(buffer)
enum class TensorRole : std::uint8_t { STEPWISE_TENSOR_ROLES(STEPWISE_ENUMERATOR) };
inline constexpr int kTensorRoleCount = STEPWISE_TENSOR_ROLES(STEPWISE_COUNT) 0;
const char* tensor_role_name(TensorRole role);
std::optional<TensorRole> tensor_role_from_name(std::string_view name);

/// How a tensor differs from the last hold (the stage just run, when that hold was one boundary
/// back).
#define STEPWISE_TENSOR_CHANGES(X)                                                            \
    X(unchanged)                                                                              \
    X(set_to_none) /* a grad: defined before, None now (zero_grad(set_to_none=True)) */       \
    X(zero_filled) /* a grad: non-zero before, all zeros now (zero_grad filling zeros) */     \
    X(filled)      /* a grad: None or zeros before, values now (backward) */                  \
    X(accumulated) /* a grad: had values, backward added to them */                           \
    X(scaled)      /* every element multiplied by one factor (gradient clipping by norm) */   \
    X(moved)       /* values changed otherwise (the optimizer's update, clipping by value) */ \
    X(created)     /* did not exist before (optimizer state after the first step) */          \
    X(removed)     /* existed before, not now */
enum class TensorChange : std::uint8_t { STEPWISE_TENSOR_CHANGES(STEPWISE_ENUMERATOR) };
inline constexpr int kTensorChangeCount = STEPWISE_TENSOR_CHANGES(STEPWISE_COUNT) 0;
const char* tensor_change_name(TensorChange change);
std::optional<TensorChange> tensor_change_from_name(std::string_view name);

/// One tensor as the Tensors dock lists it.
struct TensorSummary {
    /// "fc.weight", "fc.weight.grad", "fc.weight:exp_avg", "bn.running_mean"
    std::string name;
    /// the parameter it belongs to (its own name for a parameter or buffer)
    std::string parameter;
    TensorRole role = TensorRole::parameter;
    std::vector<std::int64_t> shape;
    std::string dtype;
    bool defined = true;  ///< false: a grad that is None
    bool all_zero = false;
    std::optional<double> norm;   ///< 2-norm; nullopt when undefined
    std::optional<double> value;  ///< a one-element tensor's value, or a plain number (Adam's step)
    TensorChange change = TensorChange::unchanged;
    std::optional<double> scale;        ///< scaled: the factor
    std::optional<double> change_norm;  ///< ‖now − before‖ when both are defined
    bool operator==(const TensorSummary& o) const;
};

/// The selected tensor's values.
struct TensorDetail {
    static constexpr std::int64_t kMaxValues = 10000;
    static constexpr int kHistogramBins = 40;
    static constexpr int kMaxHeatCells = 96;  ///< per side of the heat map

    std::string name;
    std::vector<std::int64_t> shape;
    std::int64_t numel = 0;
    std::vector<double> values;  ///< the first ≤ kMaxValues elements, row-major
    /// per value: 1 where it differs from the last hold; empty: not compared
    std::vector<std::uint8_t> changed;
    /// Over every finite element: `bins` counts between min and max.
    double min = 0, max = 0;
    std::vector<std::int64_t> histogram;
    std::int64_t non_finite = 0;
    /// A 2-D tensor's heat map: rows × cols cells, each the mean of the block of elements it
    /// covers (the tensor itself when it fits in kMaxHeatCells × kMaxHeatCells).
    int heat_rows = 0, heat_cols = 0;
    std::vector<double> heat;
    bool operator==(const TensorDetail& o) const;
};

/// Every tensor of the training state where the run holds.
struct TensorReport {
    /// Changes are measured against the tensors where the run last held and went on, `boundaries`
    /// stage boundaries ago (1: the stage just run is `since`). 0: nothing to compare with (the
    /// first look, or the run went back).
    std::uint64_t boundaries = 0;
    Stage since{};
    std::int64_t since_epoch = 0, since_batch_idx = -1;
    std::vector<TensorSummary> tensors;
    std::optional<TensorDetail> detail;  ///< the tensor the front end selected, when it exists
    bool operator==(const TensorReport& o) const;
};

/// One batch of an accumulation window in the ledger.
struct LedgerBatch {
    std::int64_t batch_idx = 0;
    double norm = 0;    ///< ‖g_b‖: the gradient this batch's backward added
    double cosine = 0;  ///< cos(g_b, G) with G the window's sum (0 when either is zero)
    double share = 0;   ///< ⟨g_b, G⟩ / ‖G‖²: the shares of a window sum to 1
    bool operator==(const LedgerBatch& o) const;
};

/// An accumulation window's gradients at its optimizer step, before the update.
struct AccumulationLedger {
    std::vector<LedgerBatch> batches;
    double sum_norm = 0;          ///< ‖G‖
    double norm_before_clip = 0;  ///< ‖grad‖ when clipping began
    double norm_after_clip = 0;   ///< ‖grad‖ after it
    /// Clipping by norm: max_norm / (‖grad‖ + 1e-6), at most 1 (torch's clip_coef); nullopt when
    /// not clipping by norm.
    std::optional<double> clip_coef;
    bool operator==(const AccumulationLedger& o) const;
};

}  // namespace stepwise
