// The Tensors dock's report and the accumulation ledger as JSON: one codec for the trace and the
// wire.

#include "json_codec.h"
#include "stepwise/events.h"

namespace stepwise::json_codec {

namespace {

Json numbers(const std::vector<double>& values) {
    Json a = Json::array();
    for (double v : values) a.push_back(number(v));
    return a;
}

Json summary_json(const TensorSummary& t) {
    Json j;
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

TensorSummary read_summary(const Field& j) {
    j.expect(&Json::is_object, "an object per tensor");
    TensorSummary t;
    t.name = j.string_at("name");
    t.parameter = j.string_at("parameter");
    t.role = j.name_at("role", TensorRole::parameter, &tensor_role_from_name, "tensor role");
    t.shape = j.shape_at();
    t.dtype = j.string_at("dtype");
    t.defined = j.boolean_at("defined", true);
    t.all_zero = j.boolean_at("all_zero");
    t.norm = j.number_at("norm");
    t.value = j.number_at("value");
    t.change =
        j.name_at("change", TensorChange::unchanged, &tensor_change_from_name, "tensor change");
    t.scale = j.number_at("scale");
    t.change_norm = j.number_at("change_norm");
    return t;
}

Json detail_json(const TensorDetail& d) {
    Json j;
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

TensorDetail read_detail(const Field& j) {
    j.expect(&Json::is_object, "an object");
    TensorDetail d;
    d.name = j.string_at("name");
    d.shape = j.shape_at();
    d.numel = j.integer_at<std::int64_t>("numel", 0);
    d.values = j.numbers_at("values");
    if (d.values.size() > std::size_t(TensorDetail::kMaxValues))
        j.find("values")->fail("more than the values a report keeps");
    if (const auto c = j.find("changed")) {
        c->expect(&Json::is_array, "an array of 0 and 1");
        for (std::size_t i = 0; i < c->size(); ++i) {
            const auto flag = c->item(i).integer<std::uint64_t>();
            if (flag > 1) c->fail("expected an array of 0 and 1");
            d.changed.push_back(static_cast<std::uint8_t>(flag));
        }
        if (d.changed.size() != d.values.size()) c->fail("one flag per value expected");
    }
    d.min = j.need("min", &Json::is_primitive, "a number").number();
    d.max = j.need("max", &Json::is_primitive, "a number").number();
    const Field histogram = j.need("histogram", &Json::is_array, "an array of counts");
    for (std::size_t i = 0; i < histogram.size(); ++i)
        d.histogram.push_back(histogram.item(i).integer());
    d.non_finite = j.integer_at<std::int64_t>("non_finite", 0);
    d.heat_rows = j.integer_at<int>("heat_rows", 0);
    d.heat_cols = j.integer_at<int>("heat_cols", 0);
    d.heat = j.numbers_at("heat");
    if (d.heat_rows < 0 || d.heat_cols < 0 || d.heat_rows > TensorDetail::kMaxHeatCells ||
        d.heat_cols > TensorDetail::kMaxHeatCells ||
        d.heat.size() != std::size_t(d.heat_rows) * std::size_t(d.heat_cols))
        (j.find("heat") ? *j.find("heat") : j).fail("expected heat_rows × heat_cols numbers");
    return d;
}

}  // namespace

Json tensor_report_json(const TensorReport& r) {
    Json j;
    j["boundaries"] = r.boundaries;
    if (r.boundaries) {
        j["since"] = stage_name(r.since);
        j["since_epoch"] = r.since_epoch;
        j["since_batch_idx"] = r.since_batch_idx;
    }
    Json list = Json::array();
    for (const TensorSummary& t : r.tensors) list.push_back(summary_json(t));
    j["tensors"] = list;
    if (r.detail) j["detail"] = detail_json(*r.detail);
    return j;
}

TensorReport read_tensor_report(const Field& j) {
    j.expect(&Json::is_object, "an object");
    TensorReport r;
    r.boundaries = j.integer_at<std::uint64_t>("boundaries", 0);
    if (r.boundaries) {
        r.since = j.name_at("since", Stage::on_train_batch_start, &stage_from_name, "stage");
        r.since_epoch = j.integer_at<std::int64_t>("since_epoch", 0);
        r.since_batch_idx = j.integer_at<std::int64_t>("since_batch_idx", -1);
    }
    const Field tensors = j.need("tensors", &Json::is_array, "an array");
    for (std::size_t i = 0; i < tensors.size(); ++i)
        r.tensors.push_back(read_summary(tensors.item(i)));
    if (const auto d = j.find("detail")) r.detail = read_detail(*d);
    return r;
}

Json ledger_json(const AccumulationLedger& l) {
    Json batches = Json::array();
    for (const LedgerBatch& b : l.batches)
        batches.push_back(
            Json::array({b.batch_idx, number(b.norm), number(b.cosine), number(b.share)}));
    Json j;
    j["batches"] = batches;
    j["sum_norm"] = number(l.sum_norm);
    j["norm_before_clip"] = number(l.norm_before_clip);
    j["norm_after_clip"] = number(l.norm_after_clip);
    if (l.clip_coef) j["clip_coef"] = number(*l.clip_coef);
    return j;
}

AccumulationLedger read_ledger(const Field& j) {
    j.expect(&Json::is_object, "an object");
    AccumulationLedger l;
    const Field batches = j.need("batches", &Json::is_array, "an array");
    for (std::size_t i = 0; i < batches.size(); ++i) {
        const Field b = batches.item(i);
        if (!b.json().is_array() || b.size() != 4 || !b.json()[0].is_number_integer())
            b.fail("expected a [batch_idx, norm, cosine, share] row");
        l.batches.push_back(
            {b.item(0).integer(), b.item(1).number(), b.item(2).number(), b.item(3).number()});
    }
    l.sum_norm = j.need("sum_norm", &Json::is_primitive, "a number").number();
    l.norm_before_clip = j.need("norm_before_clip", &Json::is_primitive, "a number").number();
    l.norm_after_clip = j.need("norm_after_clip", &Json::is_primitive, "a number").number();
    l.clip_coef = j.number_at("clip_coef");
    return l;
}

}  // namespace stepwise::json_codec
