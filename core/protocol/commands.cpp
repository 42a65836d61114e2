#include "stepwise/commands.h"

#include <array>
#include <stdexcept>

#include "json_reader.h"
#include "run_config_tables.h"

namespace stepwise {

namespace {
constexpr EnumNames<StepKind, kStepKindCount> kStepKinds{{STEPWISE_STEP_KINDS(STEPWISE_NAME)}};
constexpr EnumNames<CommandType, kCommandTypeCount> kCommandTypes{
    {STEPWISE_COMMAND_TYPES(STEPWISE_NAME)}};
constexpr EnumNames<RewindTo, kRewindToCount> kRewindTargets{
    {STEPWISE_REWIND_TARGETS(STEPWISE_NAME)}};
static_assert(kStepKinds.distinct() && kCommandTypes.distinct() && kRewindTargets.distinct());
}  // namespace

const char* step_kind_name(StepKind kind) {
    return kStepKinds.name(kind);
}
std::optional<StepKind> step_kind_from_name(std::string_view name) {
    return kStepKinds.find(name);
}
const char* command_type_name(CommandType type) {
    return kCommandTypes.name(type);
}
std::optional<CommandType> command_type_from_name(std::string_view name) {
    return kCommandTypes.find(name);
}
const char* rewind_to_name(RewindTo to) {
    return kRewindTargets.name(to);
}
std::optional<RewindTo> rewind_to_from_name(std::string_view name) {
    return kRewindTargets.find(name);
}

std::string encode_command(const Command& c) {
    json::Json j;
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
        json::Json list = json::Json::array();
        for (const BreakpointSpec& b : c.breakpoints)
            list.push_back(b.enabled ? json::Json(b.when)
                                     : json::Json{{"when", b.when}, {"enabled", false}});
        j["breakpoints"] = list;
    }
    if (c.type == CommandType::inspect) {
        j["tensors"] = c.inspect.tensors;
        if (!c.inspect.tensor.empty()) j["tensor"] = c.inspect.tensor;
        j["ledger"] = c.inspect.ledger;
    }
    return json::dump(j);  // a tensor's name is the user's text
}

namespace {

const json::Style& command_style() {
    static const json::Style style{"", true, false, false, [](const std::string& message) {
                                       throw std::runtime_error(message);
                                   }};
    return style;
}

void read_arguments(const json::Field& j, Command& c) {
    using json::Json;
    switch (c.type) {
        case CommandType::step:
            c.step_kind = j.need("step", &Json::is_string, "stage, closure_call, batch or epoch")
                              .name_in(&step_kind_from_name, "step kind",
                                       "stage, closure_call, batch or epoch");
            break;
        case CommandType::set_delay: {
            const json::Field d = j.need("delay_ms", &Json::is_number_integer, "milliseconds");
            const auto ms = d.integer();
            if (ms < 0 || ms > 60000) d.fail("expected 0 to 60000 milliseconds");
            c.delay_ms = int(ms);
            break;
        }
        case CommandType::seek:
            c.position =
                j.need("position", &Json::is_number, "an event number").integer<std::uint64_t>();
            break;
        case CommandType::rewind:
            c.rewind_to =
                j.need("to", &Json::is_string, "stage, batch_start, batch, hit or batch_index")
                    .name_in(&rewind_to_from_name, "rewind target",
                             "stage, batch_start, batch, hit or batch_index");
            if (c.rewind_to == RewindTo::batch_index)
                c.position = j.need("position", &Json::is_number, "the batch's global index")
                                 .integer<std::uint64_t>();
            break;
        case CommandType::set_breakpoints:
            c.breakpoints = config_tables::read_breakpoints(
                j.need("breakpoints", &Json::is_array, "a list of conditions"));
            break;
        case CommandType::inspect:
            c.inspect.tensors = j.boolean_at("tensors");
            c.inspect.ledger = j.boolean_at("ledger");
            c.inspect.tensor = j.string_at("tensor");
            break;
        case CommandType::run:
        case CommandType::pause:
        case CommandType::stop: break;
    }
}

}  // namespace

Command decode_command(const std::string& line) {
    const auto j = json::Json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        throw std::runtime_error("a command must be a JSON object");
    const json::Field command(j, command_style());
    Command c = Command::of(command.need("command", &json::Json::is_string, "a command name")
                                .name_in(&command_type_from_name, "command"));
    read_arguments(command, c);
    return c;
}

}  // namespace stepwise
