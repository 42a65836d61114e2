// The Tensors dock's report and the accumulation ledger as JSON: one codec for the trace and the
// wire.

#include "json_codec.h"
#include "stepwise/events.h"

namespace stepwise::json_codec {

namespace {

ordered_json numbers(const std::vector<double>& values) {
    ordered_json a = ordered_json::array();
    for (double v : values) a.push_back(number(v));
    return a;
}

std::vector<double> read_numbers(const ordered_json& j, const char* key) {
    std::vector<double> out;
    const ordered_json* a = find(j, key);
    if (!a) return out;
    if (!a->is_array()) fail(std::string("\"") + key + "\": expected an array of numbers");
    out.reserve(a->size());
    for (const auto& v : *a) out.push_back(get_number(v, key));
    return out;
}

ordered_json summary_json(const TensorSummary& t) {
    ordered_json j;
    j["name"] = t.name;
    j["parameter"] = t.parameter;
    j["role"] = tensor_role_name(t.role);
    j["shape"] = t.shape;
    j["dtype"] = t.dtype;
    if (!t.defined) j["defined"] = false;
    if (t.all_zero) j["all_zero"] = true;
    if (t.norm) j["norm"] = number(*t.norm);
    if (t.value) j["value"] = number(*t.value);
    if (t.change != TensorChange::unchanged) j["change"] = tensor_change_name(t.change);
    if (t.scale) j["scale"] = number(*t.scale);
    if (t.change_norm) j["change_norm"] = number(*t.change_norm);
    return j;
}

TensorSummary read_summary(const ordered_json& j) {
    if (!j.is_object()) fail("\"tensors\": expected an object per tensor");
    TensorSummary t;
    t.name = get_string(j, "name");
    t.parameter = get_string(j, "parameter");
    t.role = get_enum(j, "role", TensorRole::parameter, &tensor_role_from_name, "tensor role");
    t.shape = get_shape(j);
    t.dtype = get_string(j, "dtype");
    t.defined = get_bool(j, "defined", true);
    t.all_zero = get_bool(j, "all_zero");
    t.norm = opt_number(j, "norm");
    t.value = opt_number(j, "value");
    t.change =
        get_enum(j, "change", TensorChange::unchanged, &tensor_change_from_name, "tensor change");
    t.scale = opt_number(j, "scale");
    t.change_norm = opt_number(j, "change_norm");
    return t;
}

ordered_json detail_json(const TensorDetail& d) {
    ordered_json j;
    j["name"] = d.name;
    j["shape"] = d.shape;
    j["numel"] = d.numel;
    j["values"] = numbers(d.values);
    if (!d.changed.empty()) j["changed"] = d.changed;
    j["min"] = number(d.min);
    j["max"] = number(d.max);
    j["histogram"] = d.histogram;
    if (d.non_finite) j["non_finite"] = d.non_finite;
    if (d.heat_rows) {
        j["heat_rows"] = d.heat_rows;
        j["heat_cols"] = d.heat_cols;
        j["heat"] = numbers(d.heat);
    }
    return j;
}

TensorDetail read_detail(const ordered_json& j) {
    if (!j.is_object()) fail("\"detail\": expected an object");
    TensorDetail d;
    d.name = get_string(j, "name");
    d.shape = get_shape(j);
    d.numel = get_int<std::int64_t>(j, "numel", 0);
    d.values = read_numbers(j, "values");
    if (d.values.size() > std::size_t(TensorDetail::kMaxValues))
        fail("\"values\": more than the values a report keeps");
    if (const ordered_json* c = find(j, "changed")) {
        if (!c->is_array()) fail("\"changed\": expected an array of 0 and 1");
        for (const auto& v : *c) {
            if (!v.is_number_unsigned() || v.get<std::uint64_t>() > 1)
                fail("\"changed\": expected an array of 0 and 1");
            d.changed.push_back(static_cast<std::uint8_t>(v.get<std::uint64_t>()));
        }
        if (d.changed.size() != d.values.size()) fail("\"changed\": one flag per value expected");
    }
    d.min = get_number(need(j, "min", &ordered_json::is_primitive, "a number"), "min");
    d.max = get_number(need(j, "max", &ordered_json::is_primitive, "a number"), "max");
    for (const auto& v : need(j, "histogram", &ordered_json::is_array, "an array of counts")) {
        if (!v.is_number_integer()) fail("\"histogram\": expected an array of counts");
        d.histogram.push_back(v.get<std::int64_t>());
    }
    d.non_finite = get_int<std::int64_t>(j, "non_finite", 0);
    d.heat_rows = get_int<int>(j, "heat_rows", 0);
    d.heat_cols = get_int<int>(j, "heat_cols", 0);
    d.heat = read_numbers(j, "heat");
    if (d.heat_rows < 0 || d.heat_cols < 0 || d.heat_rows > TensorDetail::kMaxHeatCells ||
        d.heat_cols > TensorDetail::kMaxHeatCells ||
        d.heat.size() != std::size_t(d.heat_rows) * std::size_t(d.heat_cols))
        fail("\"heat\": expected heat_rows × heat_cols numbers");
    return d;
}

}  // namespace

ordered_json tensor_report_json(const TensorReport& r) {
    ordered_json j;
    j["boundaries"] = r.boundaries;
    if (r.boundaries) {
        j["since"] = stage_name(r.since);
        j["since_epoch"] = r.since_epoch;
        j["since_batch_idx"] = r.since_batch_idx;
    }
    ordered_json list = ordered_json::array();
    for (const TensorSummary& t : r.tensors) list.push_back(summary_json(t));
    j["tensors"] = list;
    if (r.detail) j["detail"] = detail_json(*r.detail);
    return j;
}

TensorReport read_tensor_report(const ordered_json& j) {
    if (!j.is_object()) fail("\"tensors\": expected an object");
    TensorReport r;
    r.boundaries = get_int<std::uint64_t>(j, "boundaries", 0);
    if (r.boundaries) {
        r.since = get_enum(j, "since", Stage::on_train_batch_start, &stage_from_name, "stage");
        r.since_epoch = get_int<std::int64_t>(j, "since_epoch", 0);
        r.since_batch_idx = get_int<std::int64_t>(j, "since_batch_idx", -1);
    }
    for (const auto& t : need(j, "tensors", &ordered_json::is_array, "an array"))
        r.tensors.push_back(read_summary(t));
    if (const ordered_json* d = find(j, "detail")) r.detail = read_detail(*d);
    return r;
}

ordered_json ledger_json(const AccumulationLedger& l) {
    ordered_json batches = ordered_json::array();
    for (const LedgerBatch& b : l.batches)
        batches.push_back(
            ordered_json::array({b.batch_idx, number(b.norm), number(b.cosine), number(b.share)}));
    ordered_json j;
    j["batches"] = batches;
    j["sum_norm"] = number(l.sum_norm);
    j["norm_before_clip"] = number(l.norm_before_clip);
    j["norm_after_clip"] = number(l.norm_after_clip);
    if (l.clip_coef) j["clip_coef"] = number(*l.clip_coef);
    return j;
}

AccumulationLedger read_ledger(const ordered_json& j) {
    if (!j.is_object()) fail("\"ledger\": expected an object");
    AccumulationLedger l;
    for (const auto& b : need(j, "batches", &ordered_json::is_array, "an array")) {
        if (!b.is_array() || b.size() != 4 || !b[0].is_number_integer())
            fail("\"batches\": expected [batch_idx, norm, cosine, share] rows");
        l.batches.push_back({b[0].get<std::int64_t>(), get_number(b[1], "batches"),
                             get_number(b[2], "batches"), get_number(b[3], "batches")});
    }
    l.sum_norm =
        get_number(need(j, "sum_norm", &ordered_json::is_primitive, "a number"), "sum_norm");
    l.norm_before_clip = get_number(
        need(j, "norm_before_clip", &ordered_json::is_primitive, "a number"), "norm_before_clip");
    l.norm_after_clip = get_number(
        need(j, "norm_after_clip", &ordered_json::is_primitive, "a number"), "norm_after_clip");
    l.clip_coef = opt_number(j, "clip_coef");
    return l;
}

}  // namespace stepwise::json_codec
