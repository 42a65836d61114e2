#include "stepwise/trace.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "json_codec.h"
#include "stepwise/version.h"

namespace stepwise {

using nlohmann::ordered_json;
using namespace json_codec;

namespace {

// ---- writing ----------------------------------------------------------------------------------

ordered_json text_json(const Text& t) {
    ordered_json j;
    j["code"] = text_code_name(t.code);
    j["args"] = t.args;
    j["english"] = format_text(t);  // for people and scripts; the reader goes by code and args
    return j;
}

ordered_json value_json(const ValueDescription& d) {
    // Every field that differs from its default, so that reading restores the description exactly.
    ordered_json j;
    j["kind"] = d.kind;
    if (!d.shape.empty()) j["shape"] = d.shape;
    if (!d.dtype.empty()) j["dtype"] = d.dtype;
    if (d.requires_grad) j["requires_grad"] = true;
    if (!d.grad_fn.empty()) j["grad_fn"] = d.grad_fn;
    if (d.value) j["value"] = number(*d.value);
    if (!d.text.empty()) j["text"] = d.text;
    return j;
}

ordered_json named_values_json(const std::vector<std::pair<std::string, ValueDescription>>& items) {
    // An array of [key, value] pairs, not an object: keys need not be unique (two int keys of a
    // TorchScript dict are both described by their kind).
    ordered_json a = ordered_json::array();
    for (const auto& [key, value] : items)
        a.push_back(ordered_json::array({key, value_json(value)}));
    return a;
}

ordered_json output_json(const OutputDescription& o) {
    ordered_json j;
    j["kind"] = o.kind;
    j["value"] = value_json(o.value);
    j["entries"] = named_values_json(o.entries);
    j["classification"] = text_json(o.classification);
    return j;
}

ordered_json params_json(const ParameterSnapshot& snap) {
    ordered_json j = ordered_json::object();
    for (const auto& p : snap.parameters) {
        ordered_json e;
        e["shape"] = p.shape;
        if (snap.has_values) {
            ordered_json values = ordered_json::array();
            for (double v : p.values) values.push_back(number(v));
            e["values"] = values;
        }
        j[p.name] = e;
    }
    return j;
}

ordered_json norms_json(const GradNorms& n) {
    ordered_json per = ordered_json::array();
    for (const auto& [name, v] : n.per_parameter)
        per.push_back(ordered_json::array({name, v ? number(*v) : ordered_json(nullptr)}));
    return {{"total", number(n.total)}, {"per_parameter", per}};
}

ordered_json payload_json(const StagePayload& p) {
    ordered_json j = ordered_json::object();
    if (p.output) j["output"] = output_json(*p.output);
    if (p.loss_raw) j["loss_raw"] = number(*p.loss_raw);
    if (p.loss) j["loss"] = number(*p.loss);
    if (!p.scalar_extras.empty()) {
        ordered_json extras = ordered_json::array();
        for (const auto& [k, v] : p.scalar_extras)
            extras.push_back(ordered_json::array({k, number(v)}));
        j["extras"] = extras;
    }
    if (p.grad_norms) j["grad_norm"] = norms_json(*p.grad_norms);
    if (p.update_ratios) j["update_ratio"] = norms_json(*p.update_ratios);
    if (p.update_norm) j["update_norm"] = number(*p.update_norm);
    if (p.grad_contribution) j["grad_contribution"] = number(*p.grad_contribution);
    if (p.ledger) j["ledger"] = ledger_json(*p.ledger);
    if (p.lr) j["lr"] = number(*p.lr);
    if (p.lr_before) j["lr_before"] = number(*p.lr_before);
    if (p.closure_calls) j["closure_calls"] = *p.closure_calls;
    if (p.step_return) j["step_return"] = number(*p.step_return);
    if (!p.zero_grad_mode.empty()) j["zero_grad_mode"] = p.zero_grad_mode;
    if (p.clip_val) j["gradient_clip_val"] = number(*p.clip_val);
    if (!p.clip_algorithm.empty()) j["gradient_clip_algorithm"] = p.clip_algorithm;
    return j;
}

bool is_stage_event(EventType t) {
    return t == EventType::stage_enter || t == EventType::stage_exit || t == EventType::paused ||
           t == EventType::resumed;
}

ordered_json event_json(const Event& e) {
    static const Event kDefault;
    ordered_json j;
    j["type"] = event_type_name(e.type);
    j["run_id"] = e.run_id;
    j["seq"] = e.seq;
    j["epoch"] = e.epoch;
    j["batch_idx"] = e.batch_idx;
    j["global_step"] = e.global_step;
    if (is_stage_event(e.type)) {
        j["stage"] = stage_name(e.stage);
        j["instance"] = e.instance;
        j["call"] = e.call;
        j["depth"] = e.depth;
    } else {
        // Only what differs from the defaults: the engine sets these on other events too.
        if (e.stage != kDefault.stage) j["stage"] = stage_name(e.stage);
        if (e.instance) j["instance"] = e.instance;
        if (e.call) j["call"] = e.call;
        if (e.depth) j["depth"] = e.depth;
    }
    if (e.type == EventType::stage_exit || e.outcome != kDefault.outcome)
        j["outcome"] = outcome_name(e.outcome);
    if (e.type == EventType::stage_exit || e.duration_ns) j["duration_ns"] = e.duration_ns;
    ordered_json payload = payload_json(e.payload);
    if (!payload.empty()) j["payload"] = std::move(payload);
    if (!e.text.empty()) j["text"] = text_json(e.text);
    if (!e.message.empty()) j["message"] = e.message;
    if (!e.source.empty()) j["source"] = e.source;
    if (!e.exception_type.empty()) j["exception_type"] = e.exception_type;
    if (!e.where.empty()) j["where"] = e.where;
    if (e.type == EventType::batch_end || e.stepped) j["stepped"] = e.stepped;
    if (e.closure_calls) j["closure_calls"] = e.closure_calls;
    if (e.output) j["output"] = output_json(*e.output);
    if (e.type == EventType::batch_end || e.loss)
        j["loss"] = e.loss ? number(*e.loss) : ordered_json(nullptr);
    if (e.loss_raw) j["loss_raw"] = number(*e.loss_raw);
    if (e.update_norm) j["update_norm"] = number(*e.update_norm);
    if (e.grad_norm) j["grad_norm"] = number(*e.grad_norm);
    if (!e.extras.empty()) j["extras"] = named_values_json(e.extras);
    if (e.accumulate_grad_batches != kDefault.accumulate_grad_batches ||
        e.type == EventType::batch_end)
        j["accumulate_grad_batches"] = e.accumulate_grad_batches;
    if (e.window_position) j["window_position"] = e.window_position;
    if (e.lr) j["lr"] = number(*e.lr);
    if (!e.explanation.empty()) j["explanation"] = text_json(e.explanation);
    if (e.param_checksum) j["param_checksum"] = *e.param_checksum;
    if (e.samples) j["samples"] = e.samples;
    if (e.peer_distance) j["peer_distance"] = number(*e.peer_distance);
    if (e.type == EventType::run_end || e.status != kDefault.status)
        j["status"] = run_status_name(e.status);
    if (!e.config_json.empty()) {
        // Kept as an object for readers; an unparsable one (never written by the engine) as text.
        ordered_json config = ordered_json::parse(e.config_json, nullptr, false);
        if (config.is_discarded() || config.dump() != e.config_json)
            j["config_text"] = e.config_json;
        else
            j["config"] = std::move(config);
    }
    if (e.total_batches_per_epoch) j["batches_per_epoch"] = e.total_batches_per_epoch;
    if (!e.model_code.empty()) j["model_code"] = e.model_code;
    if (e.tensors) j["tensors"] = tensor_report_json(*e.tensors);
    if (e.parameters) j["parameters"] = params_json(*e.parameters);
    return j;
}

// ---- reading ----------------------------------------------------------------------------------

Text read_text(const ordered_json& j) {
    if (!j.is_object()) fail("a text must be an object with \"code\" and \"args\"");
    const std::string name = get_string(j, "code");
    const auto code = text_code_from_name(name);
    if (!code) fail("unknown text code \"" + name + "\" (written by a newer Stepwise?)");
    Text t{*code, {}};
    const ordered_json& args = need(j, "args", &ordered_json::is_array, "an array of strings");
    for (const auto& a : args) {
        if (!a.is_string()) fail("\"args\": expected an array of strings");
        t.args.push_back(a.get<std::string>());
    }
    return t;
}

ValueDescription read_value(const ordered_json& j) {
    if (!j.is_object()) fail("a value description must be an object");
    ValueDescription d;
    d.kind = get_string(j, "kind");
    d.shape = get_shape(j);
    d.dtype = get_string(j, "dtype");
    d.requires_grad = get_bool(j, "requires_grad");
    d.grad_fn = get_string(j, "grad_fn");
    d.value = opt_number(j, "value");
    d.text = get_string(j, "text");
    return d;
}

std::vector<std::pair<std::string, ValueDescription>> read_named_values(const ordered_json& a) {
    if (!a.is_array()) fail("expected an array of [key, value] pairs");
    std::vector<std::pair<std::string, ValueDescription>> out;
    for (const auto& item : a) {
        if (!item.is_array() || item.size() != 2 || !item[0].is_string())
            fail("expected an array of [key, value] pairs");
        out.emplace_back(item[0].get<std::string>(), read_value(item[1]));
    }
    return out;
}

std::shared_ptr<const OutputDescription> read_output(const ordered_json& j) {
    if (!j.is_object()) fail("\"output\": expected an object");
    auto o = std::make_shared<OutputDescription>();
    o->kind = get_string(j, "kind");
    o->value = read_value(need(j, "value", &ordered_json::is_object, "an object"));
    o->entries = read_named_values(need(j, "entries", &ordered_json::is_array, "an array"));
    o->classification = read_text(need(j, "classification", &ordered_json::is_object, "a text"));
    return o;
}

std::shared_ptr<const ParameterSnapshot> read_params(const ordered_json& j) {
    if (!j.is_object()) fail("\"parameters\": expected an object");
    auto snap = std::make_shared<ParameterSnapshot>();
    snap->has_values = true;
    for (const auto& [name, e] : j.items()) {
        if (!e.is_object()) fail("\"parameters\": expected an object per parameter");
        ParameterSnapshot::Entry p;
        p.name = name;
        p.shape = get_shape(e);
        if (const ordered_json* values = find(e, "values")) {
            if (!values->is_array()) fail("\"values\": expected an array of numbers");
            for (const auto& v : *values) p.values.push_back(get_number(v, "values"));
        } else {
            snap->has_values = false;
        }
        snap->parameters.push_back(std::move(p));
    }
    return snap;
}

GradNorms read_norms(const ordered_json& j) {
    GradNorms n;
    n.total = get_number(need(j, "total", &ordered_json::is_primitive, "a number"), "total");
    for (const auto& item : need(j, "per_parameter", &ordered_json::is_array, "an array")) {
        if (!item.is_array() || item.size() != 2 || !item[0].is_string())
            fail("\"per_parameter\": expected [name, norm] pairs");
        n.per_parameter.emplace_back(
            item[0].get<std::string>(),
            item[1].is_null() ? std::nullopt
                              : std::optional<double>(get_number(item[1], "per_parameter")));
    }
    return n;
}

StagePayload read_payload(const ordered_json& j) {
    if (!j.is_object()) fail("\"payload\": expected an object");
    StagePayload p;
    if (const ordered_json* o = find(j, "output")) p.output = read_output(*o);
    p.loss_raw = opt_number(j, "loss_raw");
    p.loss = opt_number(j, "loss");
    if (const ordered_json* extras = find(j, "extras")) {
        if (!extras->is_array()) fail("\"extras\": expected [name, number] pairs");
        for (const auto& item : *extras) {
            if (!item.is_array() || item.size() != 2 || !item[0].is_string())
                fail("\"extras\": expected [name, number] pairs");
            p.scalar_extras.emplace_back(item[0].get<std::string>(), get_number(item[1], "extras"));
        }
    }
    if (const ordered_json* n = find(j, "grad_norm")) {
        if (!n->is_object()) fail("\"grad_norm\": expected an object");
        p.grad_norms = read_norms(*n);
    }
    if (const ordered_json* n = find(j, "update_ratio")) {
        if (!n->is_object()) fail("\"update_ratio\": expected an object");
        p.update_ratios = read_norms(*n);
    }
    p.update_norm = opt_number(j, "update_norm");
    p.grad_contribution = opt_number(j, "grad_contribution");
    if (const ordered_json* l = find(j, "ledger")) p.ledger = read_ledger(*l);
    p.lr = opt_number(j, "lr");
    p.lr_before = opt_number(j, "lr_before");
    if (find(j, "closure_calls")) p.closure_calls = get_int<int>(j, "closure_calls", 0);
    p.step_return = opt_number(j, "step_return");
    p.zero_grad_mode = get_string(j, "zero_grad_mode");
    p.clip_val = opt_number(j, "gradient_clip_val");
    p.clip_algorithm = get_string(j, "gradient_clip_algorithm");
    return p;
}

Event event_from_json(const ordered_json& j) {
    if (!j.is_object()) fail("expected a JSON object");
    Event e;
    const std::string type = get_string(j, "type");
    const auto t = event_type_from_name(type);
    if (!t) fail("unknown event type \"" + type + "\"");
    e.type = *t;
    e.run_id = get_int<std::uint64_t>(j, "run_id", 0);
    e.seq = get_int<std::uint64_t>(j, "seq", 0);
    e.epoch = get_int<std::int64_t>(j, "epoch", e.epoch);
    e.batch_idx = get_int<std::int64_t>(j, "batch_idx", e.batch_idx);
    e.global_step = get_int<std::int64_t>(j, "global_step", e.global_step);
    e.stage = get_enum(j, "stage", e.stage, &stage_from_name, "stage");
    e.instance = get_int<std::uint64_t>(j, "instance", 0);
    e.call = get_int<int>(j, "call", 0);
    e.depth = get_int<int>(j, "depth", 0);
    e.outcome = get_enum(j, "outcome", e.outcome, &outcome_from_name, "outcome");
    e.duration_ns = get_int<std::int64_t>(j, "duration_ns", 0);
    if (const ordered_json* p = find(j, "payload")) e.payload = read_payload(*p);
    if (const ordered_json* text = find(j, "text")) e.text = read_text(*text);
    e.message = get_string(j, "message");
    e.source = get_string(j, "source");
    e.exception_type = get_string(j, "exception_type");
    e.where = get_string(j, "where");
    e.stepped = get_bool(j, "stepped");
    e.closure_calls = get_int<int>(j, "closure_calls", 0);
    if (const ordered_json* o = find(j, "output")) e.output = read_output(*o);
    e.loss = opt_number(j, "loss");
    e.loss_raw = opt_number(j, "loss_raw");
    e.update_norm = opt_number(j, "update_norm");
    e.grad_norm = opt_number(j, "grad_norm");
    if (const ordered_json* x = find(j, "extras")) e.extras = read_named_values(*x);
    e.accumulate_grad_batches =
        get_int<int>(j, "accumulate_grad_batches", e.accumulate_grad_batches);
    e.window_position = get_int<int>(j, "window_position", 0);
    e.lr = opt_number(j, "lr");
    if (const ordered_json* x = find(j, "explanation")) e.explanation = read_text(*x);
    if (find(j, "param_checksum"))
        e.param_checksum = get_int<std::uint64_t>(j, "param_checksum", 0);
    e.samples = get_int<std::int64_t>(j, "samples", 0);
    e.peer_distance = opt_number(j, "peer_distance");
    e.status = get_enum(j, "status", e.status, &run_status_from_name, "run status");
    if (const ordered_json* c = find(j, "config")) {
        if (!c->is_object()) fail("\"config\": expected an object");
        e.config_json = c->dump();
    }
    if (find(j, "config_text")) e.config_json = get_string(j, "config_text");
    e.total_batches_per_epoch = get_int<std::int64_t>(j, "batches_per_epoch", 0);
    if (find(j, "model_code")) e.model_code = get_string(j, "model_code");
    if (const ordered_json* p = find(j, "parameters")) e.parameters = read_params(*p);
    if (const ordered_json* t = find(j, "tensors"))
        e.tensors = std::make_shared<const TensorReport>(read_tensor_report(*t));
    return e;
}

}  // namespace

std::string trace_header() {
    ordered_json j;
    j["type"] = "stepwise_trace";
    j["schema"] = kTraceSchema;
    j["stepwise"] = version();
    return dump(j);
}

void check_trace_header(const std::string& line, const std::string& origin) {
    const ordered_json j = ordered_json::parse(line, nullptr, false);
    const std::string where = origin + ":1: ";
    if (j.is_discarded() || !j.is_object())
        throw TraceError(where + "not a Stepwise trace (the first line is not a JSON object)");
    const auto type = j.find("type");
    if (type != j.end() && *type == "run_start")
        throw TraceError(
            where +
            "a trace of schema 1 (Stepwise 0.1), which kept only some of a run's events "
            "and cannot be replayed; record the run again with this stepwise-run --trace");
    if (type == j.end() || *type != "stepwise_trace")
        throw TraceError(where + "not a Stepwise trace (no \"stepwise_trace\" header line)");
    const auto schema = j.find("schema");
    if (schema == j.end() || !schema->is_number_integer())
        throw TraceError(where + "the header has no schema number");
    const auto n = schema->get<std::int64_t>();
    if (n != kTraceSchema)
        throw TraceError(where + "trace schema " + std::to_string(n) + "; this Stepwise (" +
                         version() + ") reads schema " + std::to_string(kTraceSchema) +
                         (n > kTraceSchema ? ": it was written by a newer Stepwise" : ""));
}

std::string encode_event(const Event& event) {
    return dump(event_json(event));
}

Event decode_event(const std::string& line) {
    const ordered_json j = ordered_json::parse(line, nullptr, false);
    if (j.is_discarded()) fail("not valid JSON");
    try {
        return event_from_json(j);
    } catch (const ordered_json::exception& e) {
        fail(std::string("malformed: ") + e.what());
    }
}

TraceWriter::TraceWriter(std::ostream& out) : out_(out) {
    out_ << trace_header() << '\n';
    out_.flush();
}

TraceWriter::~TraceWriter() {
    flush();
}

void TraceWriter::flush() {
    out_.flush();
}

void TraceWriter::on_event(const Event& e) {
    line_ = encode_event(e);
    line_ += '\n';
    out_ << line_;
    switch (e.type) {
        case EventType::batch_end:
        case EventType::warning:
        case EventType::error:
        case EventType::paused:
        case EventType::run_start:
        case EventType::run_end: out_.flush(); break;
        default: break;
    }
}

TraceReader::TraceReader(std::istream& in, std::string origin)
    : in_(in), origin_(std::move(origin)) {
    if (!std::getline(in_, line_)) throw TraceError(origin_ + ": empty file, not a Stepwise trace");
    line_no_ = 1;
    check_trace_header(line_, origin_);
}

std::optional<Event> TraceReader::next() {
    while (std::getline(in_, line_)) {
        ++line_no_;
        if (line_.empty()) continue;
        try {
            return decode_event(line_);
        } catch (const TraceError& e) {
            throw TraceError(origin_ + ":" + std::to_string(line_no_) + ": " + e.what());
        }
    }
    return std::nullopt;
}

TraceContents read_trace_file(const std::string& path) {
    TraceContents out;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        out.error = path + ": cannot open the trace file";
        return out;
    }
    try {
        TraceReader reader(in, path);
        while (auto e = reader.next()) out.events.push_back(std::move(*e));
    } catch (const TraceError& e) {
        out.error = e.what();
    }
    return out;
}

}  // namespace stepwise
