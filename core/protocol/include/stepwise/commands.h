#pragma once
// Commands from a front end to a run: what the window's controls, a remote client or a replay
// timeline ask for. Plain values, so they travel through a SessionLink, in process or on the wire.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stepwise/conditions.h"
#include "stepwise/enum_names.h"

namespace stepwise {

/// How far the loop may go before it pauses again.
#define STEPWISE_STEP_KINDS(X)                                                                  \
    X(stage)        /* to the next stage boundary */                                            \
    X(closure_call) /* to the start of the next closure call (training_step) or the batch's end \
                       hook */                                                                  \
    X(batch)        /* to the start of the next batch */                                        \
    X(epoch)        /* to the start of the next epoch's first batch */                          \
    /* A script's training_step, line by line (elsewhere: as `stage`). */                       \
    X(line)      /* to the next line of the user's code, into the functions it calls */         \
    X(line_over) /* to the next line in this function or the one that called it */              \
    X(line_out)  /* to the next line of the function that called this one, or the next stage */
enum class StepKind : std::uint8_t { STEPWISE_STEP_KINDS(STEPWISE_ENUMERATOR) };
inline constexpr int kStepKindCount = STEPWISE_STEP_KINDS(STEPWISE_COUNT) 0;
const char* step_kind_name(StepKind kind);
std::optional<StepKind> step_kind_from_name(std::string_view name);

#define STEPWISE_COMMAND_TYPES(X)                                                                 \
    X(step)            /* `step_kind` */                                                          \
    X(run)             /* run on (with the animation delay) */                                    \
    X(pause)           /* hold at the next stage boundary */                                      \
    X(stop)            /* end the run at the next stage boundary */                               \
    X(set_delay)       /* `delay_ms` per stage while running; 0 is full speed */                  \
    X(seek)            /* replay only: show the recorded run as it was after event `position` */  \
    X(rewind)          /* a live run: go back (`rewind_to`) and hold there; the rest is redone */ \
    X(set_breakpoints) /* a live run: from the next stage boundary on, these `breakpoints` */     \
    X(inspect)         /* a live run: what this front end watches (`inspect`) */
enum class CommandType : std::uint8_t { STEPWISE_COMMAND_TYPES(STEPWISE_ENUMERATOR) };
inline constexpr int kCommandTypeCount = STEPWISE_COMMAND_TYPES(STEPWISE_COUNT) 0;
const char* command_type_name(CommandType type);
std::optional<CommandType> command_type_from_name(std::string_view name);

/// Where a rewind goes, from where the held run stands (a stage boundary of batch g).
#define STEPWISE_REWIND_TARGETS(X)                                                              \
    X(stage)       /* the boundary before this one (the previous batch's last, at a start) */   \
    X(batch_start) /* the start of this batch (of the previous one, when already at a start) */ \
    X(batch)       /* the start of the previous batch */                                        \
    X(hit)         /* the boundary where the latest earlier breakpoint hit held the run */      \
    X(batch_index) /* the start of the batch with global index `position` */
enum class RewindTo : std::uint8_t { STEPWISE_REWIND_TARGETS(STEPWISE_ENUMERATOR) };
inline constexpr int kRewindToCount = STEPWISE_REWIND_TARGETS(STEPWISE_COUNT) 0;
const char* rewind_to_name(RewindTo to);
std::optional<RewindTo> rewind_to_from_name(std::string_view name);

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
