#include "stepwise/trace_writer.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace stepwise {

using nlohmann::ordered_json;

namespace {

ordered_json number(double v) {
    // JSON has no NaN or Infinity: write them as strings so they stay visible.
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    return v;
}

ordered_json value_json(const ValueDescription& d) {
    ordered_json j;
    j["kind"] = d.kind;
    if (d.kind == "tensor") {
        j["shape"] = d.shape;
        j["dtype"] = d.dtype;
        j["requires_grad"] = d.requires_grad;
        j["grad_fn"] = d.grad_fn.empty() ? ordered_json(nullptr) : ordered_json(d.grad_fn);
    }
    if (d.value) j["value"] = number(*d.value);
    else if (d.kind != "tensor" && d.kind != "none") j["text"] = d.text;
    return j;
}

ordered_json output_json(const OutputDescription& o) {
    ordered_json j;
    j["kind"] = o.kind;
    ordered_json keys = ordered_json::array();
    for (const auto& e : o.entries) keys.push_back(e.first);
    j["keys"] = keys;
    if (o.kind == "dict") {
        ordered_json entries = ordered_json::object();
        for (const auto& [k, v] : o.entries) entries[k] = value_json(v);
        j["entries"] = entries;
    } else {
        j["value"] = value_json(o.value);
    }
    j["classification"] = o.classification;
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
    ordered_json per = ordered_json::object();
    for (const auto& [name, v] : n.per_parameter) per[name] = v ? number(*v) : ordered_json(nullptr);
    return {{"total", number(n.total)}, {"per_parameter", per}};
}

void payload_json(ordered_json& j, const StagePayload& p) {
    if (p.output) j["output"] = output_json(*p.output);
    if (p.loss_raw) j["loss_raw"] = number(*p.loss_raw);
    if (p.loss) j["loss"] = number(*p.loss);
    if (!p.scalar_extras.empty()) {
        ordered_json extras = ordered_json::object();
        for (const auto& [k, v] : p.scalar_extras) extras[k] = number(v);
        j["extras"] = extras;
    }
    if (p.grad_norms) j["grad_norm"] = norms_json(*p.grad_norms);
    if (p.update_norm) j["update_norm"] = number(*p.update_norm);
    if (p.lr) j["lr"] = number(*p.lr);
    if (p.closure_calls) j["closure_calls"] = *p.closure_calls;
    if (p.step_return) j["step_return"] = number(*p.step_return);
    if (!p.zero_grad_mode.empty()) j["zero_grad_mode"] = p.zero_grad_mode;
    if (p.clip_val) j["gradient_clip_val"] = number(*p.clip_val);
    if (!p.clip_algorithm.empty()) j["gradient_clip_algorithm"] = p.clip_algorithm;
}

}  // namespace

std::string trace_record(const Event& e, const Event* enter) {
    ordered_json j;
    switch (e.type) {
        case EventType::run_start: {
            j["type"] = "run_start";
            j["run_id"] = e.run_id;
            j["config"] = ordered_json::parse(e.config_json.empty() ? "{}" : e.config_json);
            j["batches_per_epoch"] = e.total_batches_per_epoch;
            j["parameters"] = e.parameters ? params_json(*e.parameters) : ordered_json::object();
            break;
        }
        case EventType::stage_exit:
        case EventType::stage_enter: {
            const Event& at = enter ? *enter : e;
            j["type"] = "stage";
            j["stage"] = stage_name(e.stage);
            const bool exited = e.type == EventType::stage_exit;
            j["outcome"] = exited ? outcome_name(e.outcome) : "skipped";
            j["reason"] = !exited ? ordered_json("not finished: the run ended inside this stage")
                                  : e.reason.empty() || e.outcome == Outcome::failed ? ordered_json(nullptr)
                                                                                      : ordered_json(e.reason);
            j["epoch"] = at.epoch;
            j["batch_idx"] = at.batch_idx;
            j["global_step"] = at.global_step;
            j["call"] = at.call;
            j["depth"] = at.depth;
            j["duration_ns"] = exited ? e.duration_ns : 0;
            if (exited && e.outcome == Outcome::failed) j["message"] = e.reason;
            if (exited) payload_json(j, e.payload);
            break;
        }
        case EventType::batch_end: {
            j["type"] = "batch_end";
            j["epoch"] = e.epoch;
            j["batch_idx"] = e.batch_idx;
            j["global_step"] = e.global_step;
            j["stepped"] = e.stepped;
            ordered_json output;
            output["kind"] = e.output ? e.output->kind : "none";
            ordered_json keys = ordered_json::array();
            // the keys of on_train_batch_end's outputs (O-1): {} for None, else "loss" then extras
            if (e.loss || !e.extras.empty()) keys.push_back("loss");
            for (const auto& [k, v] : e.extras) keys.push_back(k);
            output["keys"] = keys;
            j["output"] = output;
            j["loss"] = e.loss ? number(*e.loss) : ordered_json(nullptr);
            ordered_json extras = ordered_json::object();
            for (const auto& [k, v] : e.extras) extras[k] = v.value ? number(*v.value) : value_json(v);
            j["extras"] = extras;
            j["closure_calls"] = e.closure_calls;
            j["window_position"] = e.window_position;
            j["accumulate_grad_batches"] = e.accumulate_grad_batches;
            if (e.parameters) j["parameters"] = params_json(*e.parameters);
            break;
        }
        case EventType::warning:
            j["type"] = "warning";
            j["message"] = e.message;
            j["source"] = e.source;
            j["epoch"] = e.epoch;
            j["batch_idx"] = e.batch_idx;
            break;
        case EventType::error:
            j["type"] = "error";
            j["message"] = e.message;
            j["exception_type"] = e.exception_type;
            j["stage"] = e.where;
            j["epoch"] = e.epoch;
            j["batch_idx"] = e.batch_idx;
            j["global_step"] = e.global_step;
            break;
        case EventType::run_end:
            j["type"] = "run_end";
            j["status"] = e.status;
            j["global_step"] = e.global_step;
            j["parameters"] = e.parameters ? params_json(*e.parameters) : ordered_json::object();
            break;
        case EventType::paused:
        case EventType::resumed:
            return {};
    }
    return j.dump();
}

TraceWriter::~TraceWriter() { flush(); }

void TraceWriter::write_line(const std::string& line) {
    if (!line.empty()) out_ << line << '\n';
}

void TraceWriter::flush() {
    for (auto& p : pending_) write_line(p.line.empty() ? trace_record(p.enter) : p.line);
    pending_.clear();
    open_.clear();
    out_.flush();
}

void TraceWriter::on_event(const Event& e) {
    switch (e.type) {
        case EventType::stage_enter:
            open_[e.instance] = pending_.size();
            pending_.push_back({std::string(), e, e.instance});
            return;
        case EventType::stage_exit: {
            const auto it = open_.find(e.instance);
            if (it == open_.end()) {
                // No stage_enter was sent (full speed): place it by its entry order among the
                // records still pending, i.e. before the stages it encloses.
                Pending p{trace_record(e), e};
                p.enter.instance = e.instance;
                auto pos = pending_.end();
                while (pos != pending_.begin() && std::prev(pos)->order > e.instance) --pos;
                p.order = e.instance;
                const auto index = static_cast<std::size_t>(pos - pending_.begin());
                pending_.insert(pos, std::move(p));
                for (auto& kv : open_)
                    if (kv.second >= index) ++kv.second;
            } else {
                pending_[it->second].line = trace_record(e, &pending_[it->second].enter);
                open_.erase(it);
            }
            return;
        }
        case EventType::warning: {
            // after everything entered so far
            std::uint64_t order = 0;
            for (const auto& p : pending_) order = std::max(order, p.order);
            pending_.push_back({trace_record(e), e, order});
            return;
        }
        case EventType::paused:
        case EventType::resumed:
            return;
        case EventType::batch_end:
        case EventType::error:
        case EventType::run_end:
        case EventType::run_start:
            for (auto& p : pending_) write_line(p.line.empty() ? trace_record(p.enter) : p.line);
            pending_.clear();
            open_.clear();
            write_line(trace_record(e));
            out_.flush();
            return;
    }
}

}  // namespace stepwise
