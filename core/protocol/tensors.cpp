#include "stepwise/tensors.h"

#include <array>
#include <cstring>

#include "stepwise/events.h"

namespace stepwise {

namespace {
constexpr EnumNames<TensorRole, kTensorRoleCount> kRoles{{STEPWISE_TENSOR_ROLES(STEPWISE_NAME)}};
constexpr EnumNames<TensorChange, kTensorChangeCount> kChanges{
    {STEPWISE_TENSOR_CHANGES(STEPWISE_NAME)}};
static_assert(kRoles.distinct() && kChanges.distinct());

/// Equal as recorded values: NaN equals NaN (a report read back from a trace must compare equal).
bool same(double a, double b) {
    return a == b || (a != a && b != b);
}
bool same(const std::optional<double>& a, const std::optional<double>& b) {
    return a.has_value() == b.has_value() && (!a || same(*a, *b));
}
bool same(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!same(a[i], b[i])) return false;
    return true;
}
}  // namespace

const char* tensor_role_name(TensorRole role) {
    return kRoles.name(role);
}
std::optional<TensorRole> tensor_role_from_name(std::string_view name) {
    return kRoles.find(name);
}
const char* tensor_change_name(TensorChange change) {
    return kChanges.name(change);
}
std::optional<TensorChange> tensor_change_from_name(std::string_view name) {
    return kChanges.find(name);
}

bool TensorSummary::operator==(const TensorSummary& o) const {
    return name == o.name && parameter == o.parameter && role == o.role && shape == o.shape &&
           dtype == o.dtype && defined == o.defined && all_zero == o.all_zero &&
           same(norm, o.norm) && same(value, o.value) && change == o.change &&
           same(scale, o.scale) && same(change_norm, o.change_norm);
}

bool TensorDetail::operator==(const TensorDetail& o) const {
    return name == o.name && shape == o.shape && numel == o.numel && same(values, o.values) &&
           changed == o.changed && same(min, o.min) && same(max, o.max) &&
           histogram == o.histogram && non_finite == o.non_finite && heat_rows == o.heat_rows &&
           heat_cols == o.heat_cols && same(heat, o.heat);
}

bool TensorReport::operator==(const TensorReport& o) const {
    return boundaries == o.boundaries && since == o.since && since_epoch == o.since_epoch &&
           since_batch_idx == o.since_batch_idx && tensors == o.tensors && detail == o.detail;
}

bool LedgerBatch::operator==(const LedgerBatch& o) const {
    return batch_idx == o.batch_idx && same(norm, o.norm) && same(cosine, o.cosine) &&
           same(share, o.share);
}

bool AccumulationLedger::operator==(const AccumulationLedger& o) const {
    return batches == o.batches && same(sum_norm, o.sum_norm) &&
           same(norm_before_clip, o.norm_before_clip) && same(norm_after_clip, o.norm_after_clip) &&
           same(clip_coef, o.clip_coef);
}

}  // namespace stepwise
