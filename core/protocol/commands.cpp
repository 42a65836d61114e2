#include "stepwise/commands.h"

#include <array>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace stepwise {

namespace {
constexpr std::array<const char*, 4> kStepKinds = {"stage", "closure_call", "batch", "epoch"};
constexpr std::array<const char*, 9> kCommandTypes = {
    "step", "run", "pause", "stop", "set_delay", "seek", "rewind", "set_breakpoints", "inspect"};
constexpr std::array<const char*, 5> kRewindTargets = {"stage", "batch_start", "batch", "hit",
                                                       "batch_index"};

template <class Enum, std::size_t N>
std::optional<Enum> from_name(const std::array<const char*, N>& names, const std::string& name) {
    for (std::size_t i = 0; i < N; ++i)
        if (name == names[i]) return static_cast<Enum>(i);
    return std::nullopt;
}
}  // namespace

const char* step_kind_name(StepKind kind) {
    return kStepKinds.at(static_cast<std::size_t>(kind));
}
std::optional<StepKind> step_kind_from_name(const std::string& name) {
    return from_name<StepKind>(kStepKinds, name);
}
const char* command_type_name(CommandType type) {
    return kCommandTypes.at(static_cast<std::size_t>(type));
}
std::optional<CommandType> command_type_from_name(const std::string& name) {
    return from_name<CommandType>(kCommandTypes, name);
}

const char* rewind_to_name(RewindTo to) {
    return kRewindTargets.at(static_cast<std::size_t>(to));
}
std::optional<RewindTo> rewind_to_from_name(const std::string& name) {
    return from_name<RewindTo>(kRewindTargets, name);
}

std::string encode_command(const Command& c) {
    nlohmann::ordered_json j;
    j["type"] = "command";
    j["command"] = command_type_name(c.type);
    if (c.type == CommandType::step) j["step"] = step_kind_name(c.step_kind);
    if (c.type == CommandType::set_delay) j["delay_ms"] = c.delay_ms;
    if (c.type == CommandType::seek) j["position"] = c.position;
    if (c.type == CommandType::rewind) {
        j["to"] = rewind_to_name(c.rewind_to);
        if (c.rewind_to == RewindTo::batch_index) j["position"] = c.position;
    }
    if (c.type == CommandType::set_breakpoints) {
        // As the run config keeps them.
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const BreakpointSpec& b : c.breakpoints)
            list.push_back(b.enabled
                               ? nlohmann::ordered_json(b.when)
                               : nlohmann::ordered_json{{"when", b.when}, {"enabled", false}});
        j["breakpoints"] = list;
    }
    if (c.type == CommandType::inspect) {
        j["tensors"] = c.inspect.tensors;
        if (!c.inspect.tensor.empty()) j["tensor"] = c.inspect.tensor;
        j["ledger"] = c.inspect.ledger;
    }
    // `replace`: a tensor's name is the user's text, and must not end the process.
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Command decode_command(const std::string& line) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        throw std::runtime_error("a command must be a JSON object");
    const auto type = j.find("command");
    if (type == j.end() || !type->is_string())
        throw std::runtime_error("a command needs a \"command\" name");
    const auto t = command_type_from_name(type->get<std::string>());
    if (!t) throw std::runtime_error("unknown command \"" + type->get<std::string>() + "\"");
    Command c = Command::of(*t);
    if (c.type == CommandType::step) {
        const auto kind = j.find("step");
        const auto k = kind != j.end() && kind->is_string()
                           ? step_kind_from_name(kind->get<std::string>())
                           : std::nullopt;
        if (!k)
            throw std::runtime_error(
                "a step command needs \"step\": stage, closure_call, batch or epoch");
        c.step_kind = *k;
    }
    if (c.type == CommandType::set_delay) {
        const auto d = j.find("delay_ms");
        if (d == j.end() || !d->is_number_integer() || d->get<std::int64_t>() < 0 ||
            d->get<std::int64_t>() > 60000)
            throw std::runtime_error("set_delay needs \"delay_ms\" from 0 to 60000");
        c.delay_ms = d->get<int>();
    }
    if (c.type == CommandType::seek) {
        const auto p = j.find("position");
        if (p == j.end() || !p->is_number_unsigned())
            throw std::runtime_error("seek needs a \"position\"");
        c.position = p->get<std::uint64_t>();
    }
    if (c.type == CommandType::rewind) {
        const auto to = j.find("to");
        const auto t = to != j.end() && to->is_string()
                           ? rewind_to_from_name(to->get<std::string>())
                           : std::nullopt;
        if (!t)
            throw std::runtime_error(
                "a rewind command needs \"to\": stage, batch_start, batch, hit or batch_index");
        c.rewind_to = *t;
        if (c.rewind_to == RewindTo::batch_index) {
            const auto p = j.find("position");
            if (p == j.end() || !p->is_number_unsigned())
                throw std::runtime_error(
                    "a rewind to a batch_index needs its \"position\" (the batch's global index)");
            c.position = p->get<std::uint64_t>();
        }
    }
    if (c.type == CommandType::set_breakpoints) {
        const auto list = j.find("breakpoints");
        if (list == j.end() || !list->is_array())
            throw std::runtime_error("set_breakpoints needs \"breakpoints\": a list of conditions");
        for (std::size_t i = 0; i < list->size(); ++i) {
            const auto& item = (*list)[i];
            const std::string where = "breakpoints[" + std::to_string(i) + "]";
            BreakpointSpec spec;
            if (item.is_string()) {
                spec.when = item.get<std::string>();
            } else if (item.is_object() && item.contains("when") && item["when"].is_string() &&
                       (!item.contains("enabled") || item["enabled"].is_boolean()) &&
                       item.size() == (item.contains("enabled") ? 2u : 1u)) {
                spec.when = item["when"].get<std::string>();
                spec.enabled = !item.contains("enabled") || item["enabled"].get<bool>();
            } else {
                throw std::runtime_error(
                    where + ": expected a condition, or {\"when\": ..., \"enabled\": ...}");
            }
            try {
                (void)parse_condition(spec.when);
            } catch (const ConditionError& e) {
                throw std::runtime_error(where + ": " + e.what());
            }
            c.breakpoints.push_back(std::move(spec));
        }
    }
    if (c.type == CommandType::inspect) {
        auto flag = [&](const char* key) {
            const auto v = j.find(key);
            if (v == j.end()) return false;
            if (!v->is_boolean())
                throw std::runtime_error(std::string("inspect: \"") + key +
                                         "\" must be true or false");
            return v->get<bool>();
        };
        c.inspect.tensors = flag("tensors");
        c.inspect.ledger = flag("ledger");
        const auto t = j.find("tensor");
        if (t != j.end()) {
            if (!t->is_string())
                throw std::runtime_error("inspect: \"tensor\" must be a tensor's name");
            c.inspect.tensor = t->get<std::string>();
        }
    }
    return c;
}

}  // namespace stepwise
