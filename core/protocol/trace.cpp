#include "stepwise/trace.h"

#include <cmath>
#include <fstream>
#include <limits>

#include "json_codec.h"
#include "stepwise/version.h"

namespace stepwise {

using namespace json_codec;
using json::dump;

namespace {

// ---- writing ----------------------------------------------------------------------------------

Json text_json(const Text& t) {
    Json j;
    j["code"] = text_code_name(t.code);
    j["args"] = t.args;
    j["english"] = format_text(t);  // for people and scripts; the reader goes by code and args
    return j;
}

Json value_json(const ValueDescription& d) {
    // Every field that differs from its default, so that reading restores the description exactly.
    Json j;
    j["kind"] = d.kind;
    if (!d.shape.empty()) j["shape"] = d.shape;
    if (!d.dtype.empty()) j["dtype"] = d.dtype;
    if (d.requires_grad) j["requires_grad"] = true;
    if (!d.grad_fn.empty()) j["grad_fn"] = d.grad_fn;
    if (d.value) j["value"] = number(*d.value);
    if (!d.text.empty()) j["text"] = d.text;
    return j;
}

Json named_values_json(const std::vector<std::pair<std::string, ValueDescription>>& items) {
    // An array of [key, value] pairs, not an object: keys need not be unique (two int keys of a
    // TorchScript dict are both described by their kind).
    Json a = Json::array();
    for (const auto& [key, value] : items) a.push_back(Json::array({key, value_json(value)}));
    return a;
}

Json output_json(const OutputDescription& o) {
    Json j;
    j["kind"] = o.kind;
    j["value"] = value_json(o.value);
    j["entries"] = named_values_json(o.entries);
    j["classification"] = text_json(o.classification);
    return j;
}

Json params_json(const ParameterSnapshot& snap) {
    Json j = Json::object();
    for (const auto& p : snap.parameters) {
        Json e;
        e["shape"] = p.shape;
        if (!p.sha256.empty()) e["sha256"] = p.sha256;
        if (snap.has_values) {
            Json values = Json::array();
            for (double v : p.values) values.push_back(number(v));
            e["values"] = values;
        }
        j[p.name] = e;
    }
    return j;
}

Json norms_json(const GradNorms& n) {
    Json per = Json::array();
    for (const auto& [name, v] : n.per_parameter)
        per.push_back(Json::array({name, v ? number(*v) : Json(nullptr)}));
    return {{"total", number(n.total)}, {"per_parameter", per}};
}

Json payload_json(const StagePayload& p) {
    Json j = Json::object();
    if (p.output) j["output"] = output_json(*p.output);
    if (p.loss_raw) j["loss_raw"] = number(*p.loss_raw);
    if (p.loss) j["loss"] = number(*p.loss);
    if (!p.scalar_extras.empty()) {
        Json extras = Json::array();
        for (const auto& [k, v] : p.scalar_extras) extras.push_back(Json::array({k, number(v)}));
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

Json metrics_json(const MetricsRecord& m) {
    Json j;
    j["scope"] = m.epoch_end ? "epoch" : "step";
    Json values = Json::array();
    for (const LoggedMetric& v : m.values) {
        Json item{{"name", v.name}, {"value", number(v.value)}};
        if (v.logger) item["logger"] = true;
        if (v.prog_bar) item["prog_bar"] = true;
        if (v.callback) item["callback"] = true;
        values.push_back(std::move(item));
    }
    j["values"] = std::move(values);
    if (!m.logger_calls.empty()) {
        Json calls = Json::array();
        for (const LoggerCall& c : m.logger_calls) {
            Json pairs = Json::array();
            for (const auto& [name, value] : c.values) pairs.push_back({name, number(value)});
            calls.push_back({{"step", c.step}, {"values", std::move(pairs)}});
        }
        j["logger_calls"] = std::move(calls);
    }
    return j;
}

bool is_stage_event(EventType t) {
    return t == EventType::stage_enter || t == EventType::stage_exit || t == EventType::paused ||
           t == EventType::resumed;
}

Json event_json(const Event& e) {
    static const Event kDefault;
    Json j;
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
    Json payload = payload_json(e.payload);
    if (!payload.empty()) j["payload"] = std::move(payload);
    if (!e.text.empty()) j["text"] = text_json(e.text);
    if (!e.message.empty()) j["message"] = e.message;
    if (!e.source.empty()) j["source"] = e.source;
    if (!e.exception_type.empty()) j["exception_type"] = e.exception_type;
    if (!e.traceback.empty()) j["traceback"] = e.traceback;
    if (e.type == EventType::error || e.phase != kDefault.phase) j["where"] = where_name(e);
    if (e.type == EventType::batch_end || e.stepped) j["stepped"] = e.stepped;
    if (e.closure_calls) j["closure_calls"] = e.closure_calls;
    if (e.output) j["output"] = output_json(*e.output);
    if (e.type == EventType::batch_end || e.loss)
        j["loss"] = e.loss ? number(*e.loss) : Json(nullptr);
    if (e.loss_raw) j["loss_raw"] = number(*e.loss_raw);
    if (e.update_norm) j["update_norm"] = number(*e.update_norm);
    if (e.grad_norm) j["grad_norm"] = number(*e.grad_norm);
    if (!e.extras.empty()) j["extras"] = named_values_json(e.extras);
    if (e.accumulate_grad_batches != kDefault.accumulate_grad_batches ||
        e.type == EventType::batch_end)
        j["accumulate_grad_batches"] = e.accumulate_grad_batches;
    if (e.cycle_position) j["cycle_position"] = e.cycle_position;
    if (e.lr) j["lr"] = number(*e.lr);
    if (!e.explanation.empty()) j["explanation"] = text_json(e.explanation);
    if (e.param_checksum) j["param_checksum"] = *e.param_checksum;
    if (e.samples) j["samples"] = e.samples;
    if (e.peer_distance) j["peer_distance"] = number(*e.peer_distance);
    if (e.type == EventType::run_end || e.status != kDefault.status)
        j["status"] = run_status_name(e.status);
    if (!e.config_json.empty()) {
        // Kept as an object for readers; an unparsable one (never written by the engine) as text.
        Json config = Json::parse(e.config_json, nullptr, false);
        if (config.is_discarded() || config.dump() != e.config_json)
            j["config_text"] = e.config_json;
        else
            j["config"] = std::move(config);
    }
    if (e.total_batches_per_epoch) j["batches_per_epoch"] = e.total_batches_per_epoch;
    if (!e.model_code.empty()) j["model_code"] = e.model_code;
    if (e.tensors) j["tensors"] = tensor_report_json(*e.tensors);
    if (e.parameters) j["parameters"] = params_json(*e.parameters);
    if (e.metrics) j["metrics"] = metrics_json(*e.metrics);
    if (e.frame) {
        Json f;
        f["file"] = e.frame->file;
        f["line"] = e.frame->line;
        f["function"] = e.frame->function;
        f["depth"] = e.frame->depth;
        f["locals"] = named_values_json(e.frame->locals);
        j["frame"] = std::move(f);
    }
    return j;
}

// ---- reading ----------------------------------------------------------------------------------

Text read_text(const Field& j) {
    j.expect(&Json::is_object, "a text: an object with \"code\" and \"args\"");
    const Field code = j.need("code", &Json::is_string, "a text code");
    const auto known = text_code_from_name(code.string());
    if (!known)
        code.fail("unknown text code \"" + code.string() + "\" (written by a newer Stepwise?)");
    Text t{*known, {}};
    const Field args = j.need("args", &Json::is_array, "an array of strings");
    for (std::size_t i = 0; i < args.size(); ++i) t.args.push_back(args.item(i).string());
    return t;
}

ValueDescription read_value(const Field& j) {
    j.expect(&Json::is_object, "an object");
    ValueDescription d;
    d.kind = j.string_at("kind");
    d.shape = j.shape_at();
    d.dtype = j.string_at("dtype");
    d.requires_grad = j.boolean_at("requires_grad");
    d.grad_fn = j.string_at("grad_fn");
    d.value = j.number_at("value");
    d.text = j.string_at("text");
    return d;
}

/// [key, value] pairs (not an object: keys need not be unique).
std::vector<std::pair<std::string, ValueDescription>> read_named_values(const Field& a) {
    a.expect(&Json::is_array, "an array of [key, value] pairs");
    std::vector<std::pair<std::string, ValueDescription>> out;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const Field item = a.item(i);
        if (!item.json().is_array() || item.size() != 2) item.fail("expected a [key, value] pair");
        out.emplace_back(item.item(0).string(), read_value(item.item(1)));
    }
    return out;
}

std::shared_ptr<const OutputDescription> read_output(const Field& j) {
    j.expect(&Json::is_object, "an object");
    auto o = std::make_shared<OutputDescription>();
    o->kind = j.string_at("kind");
    o->value = read_value(j.need("value", &Json::is_object, "an object"));
    o->entries = read_named_values(j.need("entries", &Json::is_array, "an array"));
    o->classification = read_text(j.need("classification", &Json::is_object, "a text"));
    return o;
}

std::shared_ptr<const ParameterSnapshot> read_params(const Field& j) {
    j.expect(&Json::is_object, "an object");
    auto snap = std::make_shared<ParameterSnapshot>();
    snap->has_values = true;
    for (const auto& item : j.json().items()) {
        const Field e = *j.find(item.key().c_str());
        e.expect(&Json::is_object, "an object per parameter");
        ParameterSnapshot::Entry p;
        p.name = item.key();
        p.shape = e.shape_at();
        p.sha256 = e.string_at("sha256");
        if (e.find("values"))
            p.values = e.numbers_at("values");
        else
            snap->has_values = false;
        snap->parameters.push_back(std::move(p));
    }
    return snap;
}

GradNorms read_norms(const Field& j) {
    j.expect(&Json::is_object, "an object");
    GradNorms n;
    n.total = j.need("total", &Json::is_primitive, "a number").number();
    const Field per = j.need("per_parameter", &Json::is_array, "an array");
    for (std::size_t i = 0; i < per.size(); ++i) {
        const Field item = per.item(i);
        if (!item.json().is_array() || item.size() != 2) item.fail("expected a [name, norm] pair");
        const Field norm = item.item(1);
        n.per_parameter.emplace_back(item.item(0).string(), norm.json().is_null()
                                                                ? std::nullopt
                                                                : std::optional(norm.number()));
    }
    return n;
}

StagePayload read_payload(const Field& j) {
    j.expect(&Json::is_object, "an object");
    StagePayload p;
    if (const auto o = j.find("output")) p.output = read_output(*o);
    p.loss_raw = j.number_at("loss_raw");
    p.loss = j.number_at("loss");
    if (const auto extras = j.find("extras")) {
        extras->expect(&Json::is_array, "[name, number] pairs");
        for (std::size_t i = 0; i < extras->size(); ++i) {
            const Field item = extras->item(i);
            if (!item.json().is_array() || item.size() != 2)
                item.fail("expected a [name, number] pair");
            p.scalar_extras.emplace_back(item.item(0).string(), item.item(1).number());
        }
    }
    if (const auto n = j.find("grad_norm")) p.grad_norms = read_norms(*n);
    if (const auto n = j.find("update_ratio")) p.update_ratios = read_norms(*n);
    p.update_norm = j.number_at("update_norm");
    p.grad_contribution = j.number_at("grad_contribution");
    if (const auto l = j.find("ledger")) p.ledger = read_ledger(*l);
    p.lr = j.number_at("lr");
    p.lr_before = j.number_at("lr_before");
    if (j.find("closure_calls")) p.closure_calls = j.integer_at<int>("closure_calls", 0);
    p.step_return = j.number_at("step_return");
    p.zero_grad_mode = j.string_at("zero_grad_mode");
    p.clip_val = j.number_at("gradient_clip_val");
    p.clip_algorithm = j.string_at("gradient_clip_algorithm");
    return p;
}

/// "where": a stage's name (the failure was at that stage), or a phase around the loop.
void read_where(const Field& where, Event& e) {
    const std::string name = where.string();
    if (const auto stage = stage_from_name(name)) {
        e.phase = ErrorPhase::stage;
        e.stage = *stage;
        return;
    }
    const auto phase = error_phase_from_name(name);
    if (!phase || *phase == ErrorPhase::stage) where.fail("unknown error phase \"" + name + "\"");
    e.phase = *phase;
}

void read_position(const Field& j, Event& e) {
    e.epoch = j.integer_at<std::int64_t>("epoch", e.epoch);
    e.batch_idx = j.integer_at<std::int64_t>("batch_idx", e.batch_idx);
    e.global_step = j.integer_at<std::int64_t>("global_step", e.global_step);
    e.stage = j.name_at("stage", e.stage, &stage_from_name, "stage");
    e.call = j.integer_at<int>("call", 0);
    e.depth = j.integer_at<int>("depth", 0);
}

void read_batch_end(const Field& j, Event& e) {
    e.stepped = j.boolean_at("stepped");
    e.closure_calls = j.integer_at<int>("closure_calls", 0);
    if (const auto o = j.find("output")) e.output = read_output(*o);
    e.loss = j.number_at("loss");
    e.loss_raw = j.number_at("loss_raw");
    e.update_norm = j.number_at("update_norm");
    e.grad_norm = j.number_at("grad_norm");
    if (const auto x = j.find("extras")) e.extras = read_named_values(*x);
    e.accumulate_grad_batches =
        j.integer_at<int>("accumulate_grad_batches", e.accumulate_grad_batches);
    // Schema 2 called the accumulation cycle a window.
    e.cycle_position =
        j.integer_at<int>(j.find("cycle_position") ? "cycle_position" : "window_position", 0);
    e.lr = j.number_at("lr");
    if (const auto x = j.find("explanation")) e.explanation = read_text(*x);
    if (j.find("param_checksum"))
        e.param_checksum = j.integer_at<std::uint64_t>("param_checksum", 0);
    e.samples = j.integer_at<std::int64_t>("samples", 0);
    e.peer_distance = j.number_at("peer_distance");
}

std::shared_ptr<const MetricsRecord> read_metrics(const Field& j) {
    j.expect(&Json::is_object, "an object");
    auto m = std::make_shared<MetricsRecord>();
    const std::string scope = j.need("scope", &Json::is_string, "\"step\" or \"epoch\"").string();
    if (scope != "step" && scope != "epoch")
        j.need("scope", &Json::is_string, "").fail("expected \"step\" or \"epoch\"");
    m->epoch_end = scope == "epoch";
    const Field values = j.need("values", &Json::is_array, "an array");
    for (std::size_t i = 0; i < values.size(); ++i) {
        const Field v = values.item(i);
        v.expect(&Json::is_object, "an object");
        LoggedMetric metric;
        metric.name = v.need("name", &Json::is_string, "a name").string();
        metric.value = v.need("value", &Json::is_primitive, "a number").number();
        metric.logger = v.boolean_at("logger");
        metric.prog_bar = v.boolean_at("prog_bar");
        metric.callback = v.boolean_at("callback");
        m->values.push_back(std::move(metric));
    }
    if (const auto calls = j.find("logger_calls")) {
        calls->expect(&Json::is_array, "an array");
        for (std::size_t i = 0; i < calls->size(); ++i) {
            const Field c = calls->item(i);
            c.expect(&Json::is_object, "an object");
            LoggerCall call;
            call.step = c.integer_at<std::int64_t>("step", 0);
            const Field pairs = c.need("values", &Json::is_array, "[name, number] pairs");
            for (std::size_t k = 0; k < pairs.size(); ++k) {
                const Field item = pairs.item(k);
                if (!item.json().is_array() || item.size() != 2)
                    item.fail("expected a [name, number] pair");
                call.values.emplace_back(item.item(0).string(), item.item(1).number());
            }
            m->logger_calls.push_back(std::move(call));
        }
    }
    return m;
}

void read_run(const Field& j, Event& e) {
    e.status = j.name_at("status", e.status, &run_status_from_name, "run status");
    if (const auto c = j.find("config"))
        e.config_json = c->expect(&Json::is_object, "an object").json().dump();
    if (j.find("config_text")) e.config_json = j.string_at("config_text");
    e.total_batches_per_epoch = j.integer_at<std::int64_t>("batches_per_epoch", 0);
    if (j.find("model_code")) e.model_code = j.string_at("model_code");
    if (const auto p = j.find("parameters")) e.parameters = read_params(*p);
}

Event event_from_json(const Field& j) {
    j.expect(&Json::is_object, "a JSON object");
    Event e;
    e.type = j.need("type", &Json::is_string, "an event type")
                 .name_in(&event_type_from_name, "event type");
    e.run_id = j.integer_at<std::uint64_t>("run_id", 0);
    e.seq = j.integer_at<std::uint64_t>("seq", 0);
    read_position(j, e);
    e.instance = j.integer_at<std::uint64_t>("instance", 0);
    e.outcome = j.name_at("outcome", e.outcome, &outcome_from_name, "outcome");
    e.duration_ns = j.integer_at<std::int64_t>("duration_ns", 0);
    if (const auto p = j.find("payload")) e.payload = read_payload(*p);
    if (const auto text = j.find("text")) e.text = read_text(*text);
    e.message = j.string_at("message");
    e.source = j.string_at("source");
    e.exception_type = j.string_at("exception_type");
    e.traceback = j.string_at("traceback");
    if (const auto where = j.find("where")) read_where(*where, e);
    read_batch_end(j, e);
    read_run(j, e);
    if (const auto t = j.find("tensors"))
        e.tensors = std::make_shared<const TensorReport>(read_tensor_report(*t));
    if (const auto m = j.find("metrics")) e.metrics = read_metrics(*m);
    if (const auto f = j.find("frame")) {
        f->expect(&Json::is_object, "an object");
        auto frame = std::make_shared<LineFrame>();
        frame->file = f->string_at("file");
        frame->line = f->integer_at<std::int64_t>("line", 0);
        frame->function = f->string_at("function");
        frame->depth = f->integer_at<int>("depth", 1);
        if (const auto locals = f->find("locals")) frame->locals = read_named_values(*locals);
        e.frame = std::move(frame);
    }
    return e;
}

}  // namespace

std::string trace_header() {
    Json j;
    j["type"] = "stepwise_trace";
    j["schema"] = kTraceSchema;
    j["stepwise"] = version();
    return dump(j);
}

void check_trace_header(const std::string& line, const std::string& origin) {
    const Json j = Json::parse(line, nullptr, false);
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
    if (n < kOldestTraceSchema || n > kTraceSchema)
        throw TraceError(where + "trace schema " + std::to_string(n) + "; this Stepwise (" +
                         version() + ") reads schemas " + std::to_string(kOldestTraceSchema) +
                         " to " + std::to_string(kTraceSchema) +
                         (n > kTraceSchema ? ": it was written by a newer Stepwise" : ""));
}

std::string encode_event(const Event& event) {
    return dump(event_json(event));
}

Event decode_event(const std::string& line) {
    const Json j = Json::parse(line, nullptr, false);
    if (j.is_discarded()) throw TraceError("not valid JSON");
    try {
        return event_from_json(Field(j, trace_style()));
    } catch (const Json::exception& e) {
        throw TraceError(std::string("malformed: ") + e.what());
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
