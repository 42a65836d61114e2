#pragma once
// Commands from a front end to a run: what the window's controls, a remote client or a replay
// timeline ask for. Plain values, so they travel through a SessionLink, in process or on the wire.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stepwise/conditions.h"

namespace stepwise {

/// How far the loop may go before it pauses again.
enum class StepKind : std::uint8_t {
    stage,  ///< to the next stage boundary
    /// to the start of the next closure call (training_step) or the batch's end hook
    closure_call,
    batch,  ///< to the start of the next batch
    epoch,  ///< to the start of the next epoch's first batch
};
const char* step_kind_name(StepKind kind);
std::optional<StepKind> step_kind_from_name(const std::string& name);

enum class CommandType : std::uint8_t {
    step,       ///< `step_kind`
    run,        ///< run on (with the animation delay)
    pause,      ///< hold at the next stage boundary
    stop,       ///< end the run at the next stage boundary
    set_delay,  ///< `delay_ms` per stage while running; 0 is full speed
    seek,       ///< replay only: show the recorded run as it was after event number `position`
    rewind,     ///< a live run: go back (`rewind_to`) and hold there; what follows is recomputed
    set_breakpoints,  ///< a live run: from the next stage boundary on, these `breakpoints`
    inspect,          ///< a live run: what this front end watches (`inspect`)
};
const char* command_type_name(CommandType type);
std::optional<CommandType> command_type_from_name(const std::string& name);

/// Where a rewind goes, from where the held run stands (a stage boundary of batch g).
enum class RewindTo : std::uint8_t {
    stage,        ///< the boundary before this one (the previous batch's last, at a batch's start)
    batch_start,  ///< the start of this batch (of the previous one, when already at a start)
    batch,        ///< the start of the previous batch
    hit,          ///< the boundary where the latest earlier breakpoint hit held the run
    /// the start of the batch with global index `position` (epoch × batches + batch_idx)
    batch_index,
};
const char* rewind_to_name(RewindTo to);
std::optional<RewindTo> rewind_to_from_name(const std::string& name);

/// What a front end wants to see of a live run beyond its events. Costs nothing while off.
struct Inspect {
    /// The Tensors dock: a `tensors` event at every hold (and at once, if held), with the changes
    /// since the hold before it; `tensor` names the one whose values to send (empty: none).
    bool tensors = false;
    std::string tensor;
    /// The accumulation ledger: each batch's gradient contribution, measured on every batch.
    bool ledger = false;
    bool operator==(const Inspect& o) const {
        return tensors == o.tensors && tensor == o.tensor && ledger == o.ledger;
    }
};

struct Command {
    CommandType type = CommandType::pause;
    StepKind step_kind = StepKind::stage;
    int delay_ms = 0;
    std::uint64_t position = 0;
    RewindTo rewind_to = RewindTo::stage;
    std::vector<BreakpointSpec> breakpoints;  ///< set_breakpoints
    Inspect inspect;                          ///< inspect

    static Command step(StepKind kind) {
        return {CommandType::step, kind, 0, 0, RewindTo::stage, {}, {}};
    }
    static Command of(CommandType type) {
        return {type, StepKind::stage, 0, 0, RewindTo::stage, {}, {}};
    }
    static Command delay(int ms) {
        return {CommandType::set_delay, StepKind::stage, ms, 0, RewindTo::stage, {}, {}};
    }
    static Command seek(std::uint64_t position) {
        return {CommandType::seek, StepKind::stage, 0, position, RewindTo::stage, {}, {}};
    }
    static Command rewind(RewindTo to, std::uint64_t batch = 0) {
        return {CommandType::rewind,
                StepKind::stage,
                0,
                to == RewindTo::batch_index ? batch : 0,
                to,
                {},
                {}};
    }
    static Command set(std::vector<BreakpointSpec> breakpoints) {
        Command c = of(CommandType::set_breakpoints);
        c.breakpoints = std::move(breakpoints);
        return c;
    }
    static Command watch(Inspect what) {
        Command c = of(CommandType::inspect);
        c.inspect = std::move(what);
        return c;
    }
    bool operator==(const Command& o) const {
        return type == o.type && step_kind == o.step_kind && delay_ms == o.delay_ms &&
               position == o.position && rewind_to == o.rewind_to && breakpoints == o.breakpoints &&
               inspect == o.inspect;
    }
};

/// One command as one line of JSON (the wire format), and back; decode throws std::runtime_error
/// naming what is wrong.
std::string encode_command(const Command& command);
Command decode_command(const std::string& line);

}  // namespace stepwise
